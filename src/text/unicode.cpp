#include "unicode.hpp"

#include <algorithm>
#include <map>

namespace nmfkit::text::unicode {

namespace {

struct CodePointRange {
  char32_t first, last;
};

struct LowerMapping {
  char32_t code_point;
  const char* lowered;  // UTF-8
};

#include "unicode_tables.inc"

constexpr char32_t kCodePoints = 0x110000;

}  // namespace

PropertyTable::PropertyTable() {
  // Bytes in a std::string: as map keys they compare without GCC 12's false
  // -Wstringop-overread on std::vector<std::uint8_t>.
  std::string flat(kCodePoints, '\0');
  auto mark = [&flat](const auto& ranges, std::uint8_t bit) {
    for (const CodePointRange& r : ranges) {
      for (char32_t c = r.first; c <= r.last; ++c) flat[c] = static_cast<char>(flat[c] | bit);
    }
  };
  mark(kWordRanges, kWord);
  mark(kCasedRanges, kCased);
  mark(kCaseIgnorableRanges, kCaseIgnorable);
  for (const LowerMapping& m : kLowerMappings) {
    flat[m.code_point] = static_cast<char>(flat[m.code_point] | kLowerDiffers);
  }

  constexpr std::size_t kBlock = std::size_t{1} << kBlockBits;
  std::map<std::string, std::uint16_t> seen;
  block_.reserve(kCodePoints / kBlock);
  for (std::size_t start = 0; start < kCodePoints; start += kBlock) {
    std::string block = flat.substr(start, kBlock);
    const auto next = static_cast<std::uint16_t>(seen.size());
    const auto [it, added] = seen.emplace(std::move(block), next);
    if (added) bits_.insert(bits_.end(), it->first.begin(), it->first.end());
    block_.push_back(it->second);
  }
}

const PropertyTable& properties() {
  static const PropertyTable table;
  return table;
}

std::string_view lower_mapping(char32_t c) {
  const auto* end = std::end(kLowerMappings);
  const auto* it =
      std::lower_bound(std::begin(kLowerMappings), end, c,
                       [](const LowerMapping& m, char32_t key) { return m.code_point < key; });
  if (it == end || it->code_point != c) return {};  // not a mapped code point
  return it->lowered;
}

}  // namespace nmfkit::text::unicode
