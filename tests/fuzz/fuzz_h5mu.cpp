// libFuzzer target: read_h5mu on a MuData file (see fuzz_file.hpp).

#include "fuzz_file.hpp"
#include "nmfkit/io/anndata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = nmfkit::fuzz::write_input("x.h5mu", data, size);
  nmfkit::fuzz::expect_clean([&] { nmfkit::io::read_h5mu(path); });
  return 0;
}
