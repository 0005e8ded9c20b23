// libFuzzer target: load_nmf_model on a model folder (see fuzz_file.hpp). The input is
// the folder's three files joined by a separator line: model.json, W.npy, H.npy.

#include <string_view>
#include <vector>

#include "fuzz_file.hpp"
#include "nmfkit/io/nmf_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kSeparator = "\n--8<--\n";
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 2) {
    const std::size_t at = input.find(kSeparator, start);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(start, at - start));
    start = at + kSeparator.size();
  }
  parts.push_back(input.substr(start));
  const char* names[] = {"model.json", "W.npy", "H.npy"};
  const auto folder = nmfkit::fuzz::scratch() / "model";
  std::filesystem::create_directories(folder);
  for (std::size_t i = 0; i < 3; ++i) {
    std::filesystem::remove(folder / names[i]);
    if (i < parts.size()) {
      nmfkit::fuzz::write_input(std::string("model/") + names[i],
                                reinterpret_cast<const std::uint8_t*>(parts[i].data()),
                                parts[i].size());
    }
  }
  nmfkit::fuzz::expect_clean([&] { nmfkit::io::load_nmf_model(folder.string()); });
  return 0;
}
