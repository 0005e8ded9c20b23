#pragma once
// One self-contained HTML page: inline CSS, inline SVG charts and a little plain
// JavaScript, nothing fetched from anywhere, so a report opens offline and can be mailed.
// The page's script marks itself: an element with id "script-error" (holding the message)
// appears when any script fails, and the body gets data-script="done" and an element
// with id "script-done" once the page's own script has run to its end (a browser test
// checks both).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nmfkit::report {

class HtmlDocument {
 public:
  // `kind` names the result folder's kind; it is the body's data-kind attribute.
  HtmlDocument(std::string title, std::string kind);

  // A section with its heading and an entry in the table of contents. `body` is HTML
  // built by the report code (text in it must already be escaped).
  void add_section(const std::string& id, const std::string& heading, std::string body);

  // The whole page.
  std::string str() const;

 private:
  struct Section {
    std::string id;
    std::string heading;
    std::string body;
  };
  std::string title_;
  std::string kind_;
  std::vector<Section> sections_;
};

// Text as HTML: & < > " ' as entities, control characters dropped.
std::string escape_html(std::string_view text);

// An SVG document (from line_plot_svg and the other charts) as an element to place in
// HTML: the XML declaration dropped.
std::string inline_svg(std::string_view svg_document);

// A paragraph of plain text (escaped), with an optional CSS class.
std::string paragraph(std::string_view text, std::string_view css_class = "");

// A two-column table of names and values (both plain text, escaped): a result's summary.
std::string facts_table(const std::vector<std::pair<std::string, std::string>>& facts);

}  // namespace nmfkit::report
