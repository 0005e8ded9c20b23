#pragma once
// A string → id table for tokens: open addressing over one byte arena, so that counting
// a token that is already known costs a hash, a probe and a compare, never an allocation.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace nmfkit::text::detail {

inline std::uint64_t hash_term(std::string_view s) {
  constexpr std::uint64_t kMultiplier = 0xBF58476D1CE4E5B9ULL;
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (s.size() * 0x94D049BB133111EBULL);
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 31;
  }
  if (n > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 31;
  }
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

class TermTable {
 public:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFU;

  TermTable() : slots_(kInitialSlots) {}

  std::uint32_t size() const { return static_cast<std::uint32_t>(starts_.size() - 1); }
  std::string_view term(std::uint32_t id) const {
    return {arena_.data() + starts_[id], static_cast<std::size_t>(starts_[id + 1] - starts_[id])};
  }

  // The id of key, or kAbsent.
  std::uint32_t find(std::string_view key) const {
    const std::uint64_t h = hash_term(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.id == kAbsent) return kAbsent;
      if (slot.tag == tag_of(h) && term(slot.id) == key) return slot.id;
    }
  }

  // The id of key, which gets the next id when it is new.
  std::uint32_t insert(std::string_view key) {
    const std::uint64_t h = hash_term(key);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    for (;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.id == kAbsent) break;
      if (slot.tag == tag_of(h) && term(slot.id) == key) return slot.id;
    }
    const std::uint32_t id = size();
    arena_.append(key);
    starts_.push_back(arena_.size());
    slots_[i] = {id, tag_of(h)};
    if (2 * static_cast<std::size_t>(size()) > slots_.size()) grow();
    return id;
  }

 private:
  static constexpr std::size_t kInitialSlots = 1024;
  struct Slot {
    std::uint32_t id = kAbsent;
    std::uint32_t tag = 0;  // high bits of the hash: most mismatches end here
  };
  static std::uint32_t tag_of(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }

  void grow() {
    std::vector<Slot> slots(2 * slots_.size());
    const std::size_t mask = slots.size() - 1;
    for (std::uint32_t id = 0; id < size(); ++id) {
      const std::uint64_t h = hash_term(term(id));
      std::size_t i = h & mask;
      while (slots[i].id != kAbsent) i = (i + 1) & mask;
      slots[i] = {id, tag_of(h)};
    }
    slots_.swap(slots);
  }

  std::vector<Slot> slots_;
  std::string arena_;                      // every term's bytes, back to back
  std::vector<std::uint64_t> starts_{0};  // term id → offset in arena_ (one past the last)
};

}  // namespace nmfkit::text::detail
