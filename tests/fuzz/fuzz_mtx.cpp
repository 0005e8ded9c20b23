// libFuzzer target: read_matrix on a .mtx file, plain or gzip (the reader knows gzip by
// its content, so one target covers both; the seeds hold both).

#include "fuzz_file.hpp"
#include "nmfkit/io/matrix_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = nmfkit::fuzz::write_input("x.mtx", data, size);
  nmfkit::fuzz::expect_clean([&] { nmfkit::io::read_matrix(path); });
  return 0;
}
