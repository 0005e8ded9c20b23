// libFuzzer target: read_corpus on a .tar.gz corpus (libarchive knows the compression by
// content, so plain .tar seeds are read too; see fuzz_file.hpp).

#include "fuzz_file.hpp"
#include "nmfkit/text/corpus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = nmfkit::fuzz::write_input("x.tar.gz", data, size);
  nmfkit::fuzz::expect_clean([&] { nmfkit::text::read_corpus(path); });
  return 0;
}
