#pragma once
// A table of text cells as HTML, optionally with a search box that filters its rows in
// the browser. A big table is cut to its first rows, with a note saying how many there
// are and which file holds them all, so a report of a big run stays small.

#include <cstddef>
#include <string>
#include <vector>

namespace nmfkit::report {

struct HtmlTable {
  std::string id;                              // the table element's id (unique in the page)
  std::vector<std::string> header;             // column names
  std::vector<std::vector<std::string>> rows;  // plain text cells (escaped when written)
  std::size_t total_rows = 0;    // rows in the source when `rows` holds only the first ones
  std::string source;            // the file holding every row, named in the note
  bool searchable = false;       // a search box above the table
  std::size_t max_rows = 5000;   // rows written at most
};

// Cells that read as numbers are right-aligned.
std::string html_table(const HtmlTable& table);

}  // namespace nmfkit::report
