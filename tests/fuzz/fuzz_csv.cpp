// libFuzzer target: read_matrix on a .csv file (see fuzz_file.hpp).

#include "fuzz_file.hpp"
#include "nmfkit/io/matrix_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = nmfkit::fuzz::write_input("x.csv", data, size);
  nmfkit::fuzz::expect_clean([&] { nmfkit::io::read_matrix(path); });
  return 0;
}
