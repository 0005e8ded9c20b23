#include "document_frequency.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "nmfkit/core/error.hpp"

namespace nmfkit::text {

DocumentFrequency DocumentFrequency::parse(const std::string& text) {
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  auto bad = [&text]() {
    return InvalidArgument("document frequency '" + text +
                           "' is neither a number of documents (an integer such as 5) nor a "
                           "proportion (a number with a decimal point such as 0.5)");
  };
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // from_chars takes no '+'
  if (s.empty()) throw bad();
  std::string_view digits = s.front() == '-' ? s.substr(1) : s;
  // As in Python, the spelling decides: digits alone make an int, anything else a float.
  const bool integer =
      !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (integer) {
    Index count = 0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), count);
    if (error != std::errc() || end != s.data() + s.size()) throw bad();
    return DocumentFrequency::count(count);
  }
  double share = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), share);
  if (error != std::errc() || end != s.data() + s.size()) throw bad();
  return DocumentFrequency::fraction(share);
}

std::string detail::describe(const DocumentFrequency& df) {
  if (!df.proportion) return std::to_string(static_cast<long long>(df.value));
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, df.value);
  std::string text(buffer, error == std::errc() ? end : buffer);
  // Python writes 1.0, not 1: the decimal point is what makes it a proportion.
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string detail::df_order_message(const DocumentFrequency& min_df,
                                     const DocumentFrequency& max_df,
                                     std::optional<Index> n_documents) {
  auto limit = [&](const char* name, const DocumentFrequency& df) {
    std::string text = std::string(name) + " = " + describe(df);
    if (df.proportion && n_documents) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, " (%.17g of %lld documents)",
                    df.value * static_cast<double>(*n_documents),
                    static_cast<long long>(*n_documents));
      text += buffer;
    }
    return text;
  };
  return "max_df corresponds to < documents than min_df: " + limit("max_df", max_df) + ", " +
         limit("min_df", min_df);
}

}  // namespace nmfkit::text
