#pragma once
// Internal to io: reading the JSON files nmfkit writes (model.json, result.json) so that a
// damaged or edited file gets one error naming it: the document itself, and integer fields
// with their range checked (nlohmann's get<int>() casts a float such as 1e99 to int,
// undefined behaviour, and wraps an integer too large for the type).

#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"

namespace nmfkit::io::detail {

// The document in `path`. IoError when it cannot be opened (`hint` appended, as " (…)");
// FormatError at the byte of a syntax error, or at `what` for a number beyond a double's
// range (nlohmann's out_of_range, not a parse_error).
inline nlohmann::json read_json_file(const std::string& path, const std::string& what,
                                     const std::string& hint = "") {
  std::ifstream in(path);
  if (!in) throw IoError("cannot read " + path + (hint.empty() ? "" : " (" + hint + ")"));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw FormatError::at_byte(path, static_cast<std::int64_t>(e.byte), "invalid JSON");
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path, what, std::string("invalid JSON: ") + e.what());
  }
}

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
