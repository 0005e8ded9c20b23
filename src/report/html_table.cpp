#include "nmfkit/report/html_table.hpp"

#include <algorithm>
#include <cstdlib>

#include "nmfkit/report/html_document.hpp"

namespace nmfkit::report {

namespace {

bool reads_as_number(const std::string& cell) {
  if (cell.empty()) return false;
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size();
}

}  // namespace

std::string html_table(const HtmlTable& table) {
  const std::size_t shown = std::min(table.rows.size(), table.max_rows);
  const std::size_t total = std::max(table.total_rows, table.rows.size());
  const std::string id = escape_html(table.id);
  std::string html;
  if (table.searchable) {
    html += "<input class=\"table-search\" type=\"search\" placeholder=\"search the table\" "
            "data-table=\"" + id + "\"> <span class=\"note\" id=\"" + id + "-count\"></span>\n";
  }
  if (shown < total) {
    html += paragraph("Showing the first " + std::to_string(shown) + " of " +
                          std::to_string(total) + " rows" +
                          (table.source.empty() ? "" : "; " + table.source + " holds them all") +
                          ".",
                      "note capped");
  }
  html += "<div class=\"table-scroll\"><table id=\"" + id + "\">\n<thead><tr>";
  for (const auto& name : table.header) html += "<th>" + escape_html(name) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < shown; ++r) {
    html += "<tr>";
    for (const auto& cell : table.rows[r]) {
      html += reads_as_number(cell) ? "<td class=\"number\">" : "<td>";
      html += escape_html(cell) + "</td>";
    }
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table></div>\n";
}

}  // namespace nmfkit::report
