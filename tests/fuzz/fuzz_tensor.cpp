// libFuzzer target: the tensor readers, read_tns on a .tns file and read_npy_array with
// dense_tensor on a .npy file (see fuzz_file.hpp).

#include "fuzz_file.hpp"
#include "nmfkit/io/tensor_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string tns = nmfkit::fuzz::write_input("x.tns", data, size);
  nmfkit::fuzz::expect_clean([&] { nmfkit::io::read_tns<double>(tns); });
  const std::string npy = nmfkit::fuzz::write_input("x.npy", data, size);
  nmfkit::fuzz::expect_clean(
      [&] { nmfkit::io::dense_tensor<float>(nmfkit::io::read_npy_array(npy), npy); });
  return 0;
}
