#pragma once
// Internal to io: an integer field of a JSON file nmfkit wrote, read with its range checked.
// nlohmann's get<int>() casts a float such as 1e99 to int (undefined behaviour) and wraps an
// integer too large for the type; a damaged or edited file must get an error instead.

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io::detail {

template <class T>
T integer_value(const nlohmann::json& value, const std::string& name) {
  static_assert(std::is_integral_v<T>);
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(u);
  } else if (value.is_number_integer()) {
    const auto i = value.get<std::int64_t>();
    if (i >= 0 || std::is_signed_v<T>) {
      if (static_cast<long double>(i) >= static_cast<long double>(std::numeric_limits<T>::min()) &&
          static_cast<long double>(i) <= static_cast<long double>(std::numeric_limits<T>::max())) {
        return static_cast<T>(i);
      }
    }
  }
  throw InvalidArgument(name + " is " + value.dump() + ", not an integer in range");
}

// The field `key` of object j (nlohmann::json::out_of_range when it is missing).
template <class T>
T integer_field(const nlohmann::json& j, const char* key) {
  return integer_value<T>(j.at(key), key);
}

// The same, or `fallback` when the field is missing (files written before it existed).
template <class T>
T integer_field_or(const nlohmann::json& j, const char* key, T fallback) {
  return j.contains(key) ? integer_field<T>(j, key) : fallback;
}

}  // namespace nmfkit::io::detail
