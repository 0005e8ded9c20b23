#include "nmfkit/report/structure_plot.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>

#include "nmfkit/core/error.hpp"
#include "nmfkit/report/label_text.hpp"
#include "nmfkit/report/line_plot.hpp"
#include "nmfkit/report/palette.hpp"
#include "nmfkit/report/sampling.hpp"

namespace nmfkit::report {

namespace {

constexpr double kMarginLeft = 44;
constexpr double kMarginRight = 12;
constexpr double kTitleHeight = 26;
constexpr double kGroupGap = 3;        // pixels of white between groups
constexpr double kMinimumSliver = 0.2; // pixels: thinner slices are not drawn (size)
constexpr double kLegendEntryWidth = 150;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

bool is_integer(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtoll(text.c_str(), &end, 10);
  return end == text.c_str() + text.size();
}

struct Grouping {
  std::vector<std::size_t> group;  // per document, its group's rank in display order
  std::vector<std::string> names;  // per group, in display order
};

Index dominant_topic(const DenseMatrix<double>& p, Index row) {
  Index best = 0;
  p.row(row).maxCoeff(&best);
  return best;
}

Grouping make_groups(const DenseMatrix<double>& p, const std::vector<std::string>& groups,
                     const std::vector<std::string>& topic_names) {
  Grouping g;
  const auto n = static_cast<std::size_t>(p.rows());
  g.group.resize(n);
  if (groups.empty()) {
    // By dominant topic, in topic order; only topics that dominate somewhere get a group.
    std::vector<std::size_t> rank(static_cast<std::size_t>(p.cols()), 0);
    std::vector<bool> used(rank.size(), false);
    for (std::size_t i = 0; i < n; ++i) used[static_cast<std::size_t>(dominant_topic(p, static_cast<Index>(i)))] = true;
    for (std::size_t t = 0; t < used.size(); ++t) {
      if (!used[t]) continue;
      rank[t] = g.names.size();
      g.names.push_back(topic_names.empty() ? "topic " + std::to_string(t) : topic_names[t]);
    }
    for (std::size_t i = 0; i < n; ++i) g.group[i] = rank[static_cast<std::size_t>(dominant_topic(p, static_cast<Index>(i)))];
    return g;
  }
  const bool numeric = std::all_of(groups.begin(), groups.end(), is_integer);
  std::vector<std::string> names = groups;
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    return numeric ? std::strtoll(a.c_str(), nullptr, 10) < std::strtoll(b.c_str(), nullptr, 10)
                   : a < b;
  });
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::map<std::string, std::size_t> rank;
  for (std::size_t r = 0; r < names.size(); ++r) rank[names[r]] = r;
  for (std::size_t i = 0; i < n; ++i) g.group[i] = rank[groups[i]];
  g.names = std::move(names);
  return g;
}

DenseMatrix<double> row_shares(const DenseMatrix<double>& proportions) {
  DenseMatrix<double> p = proportions.cwiseMax(0.0);
  for (Index i = 0; i < p.rows(); ++i) {
    const double sum = p.row(i).sum();
    if (sum > 0) p.row(i) /= sum;
  }
  return p;
}

void check_sizes(const DenseMatrix<double>& proportions, const std::vector<std::string>& groups) {
  if (!groups.empty() && static_cast<Index>(groups.size()) != proportions.rows()) {
    throw InvalidArgument("structure plot: " + std::to_string(groups.size()) + " group names for " +
                          std::to_string(proportions.rows()) + " documents");
  }
}

std::vector<std::size_t> order_of(const DenseMatrix<double>& p, const Grouping& g,
                                  std::size_t max_documents) {
  std::vector<std::size_t> order(static_cast<std::size_t>(p.rows()));
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (g.group[a] != g.group[b]) return g.group[a] < g.group[b];
    const Index ta = dominant_topic(p, static_cast<Index>(a));
    const Index tb = dominant_topic(p, static_cast<Index>(b));
    if (ta != tb) return ta < tb;
    return p(static_cast<Index>(a), ta) > p(static_cast<Index>(b), tb);
  });
  std::vector<std::size_t> kept;
  for (const std::size_t at : evenly_spaced_indices(order.size(), max_documents)) kept.push_back(order[at]);
  return kept;
}

}  // namespace

std::vector<std::size_t> structure_order(const DenseMatrix<double>& proportions,
                                         const std::vector<std::string>& groups,
                                         std::size_t max_documents) {
  check_sizes(proportions, groups);
  const DenseMatrix<double> p = row_shares(proportions);
  return order_of(p, make_groups(p, groups, {}), max_documents);
}

std::string structure_plot_svg(const DenseMatrix<double>& proportions,
                               const std::vector<std::string>& groups,
                               const std::vector<std::string>& topic_names,
                               const StructurePlotOptions& options) {
  check_sizes(proportions, groups);
  if (!topic_names.empty() && static_cast<Index>(topic_names.size()) != proportions.cols()) {
    throw InvalidArgument("structure plot: " + std::to_string(topic_names.size()) +
                          " topic names for " + std::to_string(proportions.cols()) + " topics");
  }
  if (options.width < 300 || options.plot_height < 60) {
    throw InvalidArgument("structure plot: need a width of at least 300 and a height of at least "
                          "60 pixels, got " + std::to_string(options.width) + " and " +
                          std::to_string(options.plot_height));
  }
  const DenseMatrix<double> p = row_shares(proportions);
  const Grouping g = make_groups(p, groups, topic_names);
  const std::vector<std::size_t> order = order_of(p, g, options.max_documents);
  const std::size_t k = static_cast<std::size_t>(p.cols());

  std::size_t group_count = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || g.group[order[i]] != g.group[order[i - 1]]) ++group_count;
  }
  const double left = kMarginLeft;
  const double right = options.width - kMarginRight;
  const double top = options.title.empty() ? 8 : kTitleHeight;
  const double bottom = top + options.plot_height;
  const double gaps = group_count > 1 ? kGroupGap * static_cast<double>(group_count - 1) : 0;
  const double bar = order.empty() ? 0 : std::max(0.0, right - left - gaps) / static_cast<double>(order.size());
  // Labels slant when groups are many or narrow.
  const bool slanted = group_count > 8;
  const double label_height = slanted ? 90 : 24;
  const auto per_row = static_cast<std::size_t>(std::max(1.0, (right - left) / kLegendEntryWidth));
  const std::size_t legend_rows = (k + per_row - 1) / per_row;
  const int height = static_cast<int>(bottom + label_height + 16.0 * static_cast<double>(legend_rows) + 8);

  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"structure-plot\" "
         "width=\"" + std::to_string(options.width) + "\" height=\"" + std::to_string(height) +
         "\" viewBox=\"0 0 " + std::to_string(options.width) + " " + std::to_string(height) +
         "\" font-family=\"sans-serif\" font-size=\"11\" shape-rendering=\"crispEdges\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!options.title.empty()) {
    svg += "<text class=\"title\" x=\"" + number(left) + "\" y=\"18\" font-size=\"14\" "
           "font-weight=\"bold\">" + escape_xml(options.title) + "</text>\n";
  }
  // The proportion axis.
  for (const double tick : {0.0, 0.5, 1.0}) {
    const double y = bottom - tick * options.plot_height;
    svg += "<text x=\"" + number(left - 6) + "\" y=\"" + number(y + 4) + "\" text-anchor=\"end\">" +
           tick_label(tick, 0.5) + "</text>\n";
  }
  // One group element per topic, so that a topic's slices share their colour attribute.
  std::vector<std::string> slices(k);
  std::vector<double> group_start, group_end;
  double x = left;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t d = order[i];
    if (i > 0 && g.group[d] != g.group[order[i - 1]]) {
      group_end.push_back(x);
      x += kGroupGap;
    }
    if (i == 0 || g.group[d] != g.group[order[i - 1]]) group_start.push_back(x);
    double y = bottom;
    for (std::size_t t = 0; t < k; ++t) {
      const double h = p(static_cast<Index>(d), static_cast<Index>(t)) * options.plot_height;
      if (h >= kMinimumSliver) {
        slices[t] += "<rect x=\"" + number(x) + "\" y=\"" + number(y - h) + "\" width=\"" +
                     number(std::max(bar, 0.1)) + "\" height=\"" + number(h) + "\"/>";
      }
      y -= h;
    }
    x += bar;
  }
  if (!order.empty()) group_end.push_back(x);
  svg += "<g class=\"bars\">\n";
  for (std::size_t t = 0; t < k; ++t) {
    if (slices[t].empty()) continue;
    svg += "<g fill=\"" + category_color(t) + "\" data-topic=\"" + std::to_string(t) + "\">" +
           slices[t] + "</g>\n";
  }
  svg += "</g>\n<g class=\"groups\">\n";
  std::size_t at = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i > 0 && g.group[order[i]] == g.group[order[i - 1]]) continue;
    const std::string& name = g.names[g.group[order[i]]];
    const double middle = (group_start[at] + group_end[at]) / 2;
    const double y = bottom + 14;
    svg += "<g class=\"group\"><title>" + escape_xml(name) + "</title>";
    svg += "<line x1=\"" + number(group_start[at]) + "\" y1=\"" + number(bottom + 2) + "\" x2=\"" +
           number(group_end[at]) + "\" y2=\"" + number(bottom + 2) + "\" stroke=\"#444444\"/>";
    if (slanted) {
      svg += "<text x=\"" + number(middle) + "\" y=\"" + number(y) + "\" text-anchor=\"end\" "
             "transform=\"rotate(-45 " + number(middle) + " " + number(y) + ")\">" +
             escape_xml(shorten_label(name, 18)) + "</text>";
    } else {
      svg += "<text x=\"" + number(middle) + "\" y=\"" + number(y) + "\" text-anchor=\"middle\">" +
             escape_xml(name) + "</text>";
    }
    svg += "</g>\n";
    ++at;
  }
  svg += "</g>\n<g class=\"legend\">\n";
  for (std::size_t t = 0; t < k; ++t) {
    const double lx = left + static_cast<double>(t % per_row) * kLegendEntryWidth;
    const double ly = bottom + label_height + 16.0 * static_cast<double>(t / per_row) + 8;
    const std::string name = topic_names.empty() ? "topic " + std::to_string(t) : topic_names[t];
    svg += "<rect x=\"" + number(lx) + "\" y=\"" + number(ly - 9) + "\" width=\"10\" height=\"10\" fill=\"" +
           category_color(t) + "\"/><text x=\"" + number(lx + 14) + "\" y=\"" + number(ly) + "\">" +
           escape_xml(shorten_label(name, 22)) + "</text>\n";
  }
  return svg + "</g>\n</svg>\n";
}

}  // namespace nmfkit::report
