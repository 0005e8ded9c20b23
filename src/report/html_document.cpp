#include "nmfkit/report/html_document.hpp"

#include "nmfkit/report/line_plot.hpp"

namespace nmfkit::report {

namespace {

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 0.6em 0 0.2em; }
nav a { margin-right: 1em; }
.note { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; }
th { background: #f4f4f4; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 4px; padding: 4px 8px; }
.table-scroll { max-height: 32em; overflow-y: auto; border: 1px solid #eee; }
input.table-search { font-size: 1em; padding: 3px 6px; width: 20em; margin: 0.4em 0; }
svg { max-width: 100%; height: auto; }
)";

// Installed first, so that it also catches errors of the script at the end.
constexpr const char* kErrorHook = R"(
window.onerror = function (message) {
  var marker = document.getElementById('script-error');
  if (!marker) {
    marker = document.createElement('pre');
    marker.id = 'script-error';
    (document.body || document.documentElement).appendChild(marker);
  }
  marker.textContent += 'script error: ' + message + '\n';
};
)";

// Search boxes filter their table's rows by substring (case-insensitive); a box may be
// filled from the page address (report.html?search=word), which also lets a headless
// browser check the filter.
constexpr const char* kScript = R"(
(function () {
  var query = new URLSearchParams(window.location.search).get('search');
  var boxes = document.querySelectorAll('input.table-search');
  Array.prototype.forEach.call(boxes, function (box) {
    var id = box.getAttribute('data-table');
    var table = document.getElementById(id);
    var count = document.getElementById(id + '-count');
    var rows = table.tBodies[0].rows;
    var filter = function () {
      var needle = box.value.toLowerCase();
      var shown = 0;
      for (var i = 0; i < rows.length; ++i) {
        var hit = needle === '' || rows[i].textContent.toLowerCase().indexOf(needle) >= 0;
        rows[i].style.display = hit ? '' : 'none';
        if (hit) ++shown;
      }
      count.textContent = shown + ' of ' + rows.length + ' rows shown';
      count.setAttribute('data-shown', String(shown));
    };
    box.addEventListener('input', filter);
    if (query !== null) box.value = query;
    filter();
  });
  var done = document.createElement('div');
  done.id = 'script-done';
  done.hidden = true;
  document.body.appendChild(done);
  document.body.setAttribute('data-script', 'done');
})();
)";

}  // namespace

HtmlDocument::HtmlDocument(std::string title, std::string kind)
    : title_(std::move(title)), kind_(std::move(kind)) {}

void HtmlDocument::add_section(const std::string& id, const std::string& heading,
                               std::string body) {
  sections_.push_back({id, heading, std::move(body)});
}

std::string HtmlDocument::str() const {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"generator\" content=\"nmfkit report\">\n";
  html += "<title>" + escape_html(title_) + "</title>\n";
  html += "<style>" + std::string(kStyle) + "</style>\n";
  html += "<script>" + std::string(kErrorHook) + "</script>\n</head>\n";
  html += "<body data-kind=\"" + escape_html(kind_) + "\">\n";
  html += "<h1>" + escape_html(title_) + "</h1>\n<nav>";
  for (const auto& s : sections_) {
    html += "<a href=\"#" + escape_html(s.id) + "\">" + escape_html(s.heading) + "</a>";
  }
  html += "</nav>\n";
  for (const auto& s : sections_) {
    html += "<section id=\"" + escape_html(s.id) + "\">\n<h2>" + escape_html(s.heading) +
            "</h2>\n" + s.body + "\n</section>\n";
  }
  html += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return html;
}

std::string escape_html(std::string_view text) { return escape_xml(text); }

std::string inline_svg(std::string_view svg_document) {
  const auto start = svg_document.find("<svg");
  return std::string(start == std::string_view::npos ? svg_document : svg_document.substr(start));
}

std::string paragraph(std::string_view text, std::string_view css_class) {
  std::string html = "<p";
  if (!css_class.empty()) html += " class=\"" + escape_html(css_class) + "\"";
  return html + ">" + escape_html(text) + "</p>\n";
}

std::string facts_table(const std::vector<std::pair<std::string, std::string>>& facts) {
  std::string html = "<table class=\"facts\">\n";
  for (const auto& [name, value] : facts) {
    html += "<tr><th>" + escape_html(name) + "</th><td>" + escape_html(value) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace nmfkit::report
