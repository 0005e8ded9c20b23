// The pieces of the HTML report: deterministic thinning, the structure plot's order,
// labels cut on character boundaries, the 2-D view, capped tables, and the folder kinds.

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/report/bar_chart.hpp"
#include "nmfkit/report/html_table.hpp"
#include "nmfkit/report/label_text.hpp"
#include "nmfkit/report/principal_coordinates.hpp"
#include "nmfkit/report/result_report.hpp"
#include "nmfkit/report/sampling.hpp"
#include "nmfkit/report/structure_plot.hpp"

namespace nmfkit::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
  return found;
}

TEST(ReportSampling, EvenlySpacedIndicesAreDistinctIncreasingAndKeepTheEnds) {
  for (const std::size_t n : {1u, 7u, 100u, 12345u}) {
    for (const std::size_t cap : {1u, 2u, 5u, 100u, 2000u}) {
      const auto indices = evenly_spaced_indices(n, cap);
      ASSERT_EQ(indices.size(), std::min(n, cap));
      for (std::size_t i = 1; i < indices.size(); ++i) EXPECT_LT(indices[i - 1], indices[i]);
      EXPECT_EQ(indices.front(), 0u);
      if (cap > 1) {
        EXPECT_EQ(indices.back(), n - 1);
      }
    }
  }
  EXPECT_EQ(evenly_spaced_indices(5, 0).size(), 5u);  // 0: no limit
}

TEST(ReportSampling, GroupsKeepTheirShareWhenThinned) {
  // 900 documents of group a then 100 of group b, thinned to 100: about 90 and 10.
  const auto indices = evenly_spaced_indices(1000, 100);
  const auto in_b = std::count_if(indices.begin(), indices.end(), [](std::size_t i) { return i >= 900; });
  EXPECT_NEAR(static_cast<double>(in_b), 10.0, 1.0);
}

TEST(StructurePlot, GroupsInOrderAndSortsWithinByDominantTopicThenShare) {
  DenseMatrix<double> p(6, 2);
  p << 0.9, 0.1,  // b
      0.2, 0.8,   // a
      0.6, 0.4,   // b
      0.7, 0.3,   // a
      0.1, 0.9,   // b
      0.95, 0.05; // a
  const std::vector<std::string> groups = {"b", "a", "b", "a", "b", "a"};
  const auto order = structure_order(p, groups, 0);
  // a: topic 0 first (0.95, then 0.7), then topic 1 (0.8); b: 0.9, 0.6, then topic 1 (0.9).
  EXPECT_EQ(order, (std::vector<std::size_t>{5, 3, 1, 0, 2, 4}));
  // Integer group names sort as numbers: 2 before 10.
  const auto numeric = structure_order(p, {"10", "2", "10", "2", "10", "2"}, 0);
  EXPECT_EQ(numeric.front(), 5u);
  EXPECT_EQ(structure_order(p, groups, 3).size(), 3u);
  EXPECT_THROW(structure_order(p, {"a"}, 0), InvalidArgument);
}

TEST(StructurePlot, DrawsOneGroupLabelPerGroupAndAStackPerDocument) {
  DenseMatrix<double> p(4, 3);
  p << 1, 0, 0, 0, 1, 0, 0.5, 0.5, 0, 0, 0, 1;
  const std::string svg = structure_plot_svg(p, {"x", "x", "y", "y"}, {}, {});
  EXPECT_EQ(count(svg, "<g class=\"group\">"), 2u);
  EXPECT_EQ(count(svg, "<rect x="), 5u + 3u);  // five non-zero slices, three legend keys
  EXPECT_NE(svg.find("topic 2"), std::string::npos);
}

TEST(LabelText, CutsOnCharacterBoundaries) {
  EXPECT_EQ(shorten_label("short", 10), "short");
  EXPECT_EQ(shorten_label("abcdefghij", 5), "abcd…");
  // "é" is two bytes: a cut by bytes would split it.
  EXPECT_EQ(shorten_label("ééééééé", 4), "ééé…");
  EXPECT_EQ(character_count("ééé"), 3u);
}

TEST(PrincipalCoordinates, FindsTheDirectionsOfSpread) {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 0.01);
  DenseMatrix<double> rows(200, 3);
  for (Index i = 0; i < rows.rows(); ++i) {
    const double t = (i % 2 == 0 ? -1.0 : 1.0) * (1 + noise(rng));  // spread along (1, 1, 0)
    const double s = 0.3 * (i % 3 == 0 ? -1.0 : 1.0);                // less along (0, 0, 1)
    rows.row(i) << 5 + t + noise(rng), 5 + t + noise(rng), 2 + s + noise(rng);
  }
  const DenseMatrix<double> scores = principal_coordinates(rows);
  ASSERT_EQ(scores.rows(), 200);
  ASSERT_EQ(scores.cols(), 2);
  EXPECT_NEAR(scores.col(0).mean(), 0.0, 1e-9);
  EXPECT_GT(scores.col(0).squaredNorm(), 5 * scores.col(1).squaredNorm());
  EXPECT_NEAR(std::abs(scores(0, 0)), std::sqrt(2.0), 0.1);
  // The same data give the same picture (the signs are fixed).
  EXPECT_EQ(principal_coordinates(rows), scores);
  // One sample, or no spread: zeros.
  EXPECT_TRUE(principal_coordinates(DenseMatrix<double>::Ones(4, 3)).isZero());
}

TEST(HtmlTable, CutsBigTablesWithANoteAndEscapesCells) {
  HtmlTable table;
  table.id = "t";
  table.header = {"name", "value"};
  for (int i = 0; i < 10; ++i) table.rows.push_back({"<b>" + std::to_string(i), std::to_string(i)});
  table.total_rows = 25;
  table.source = "all.tsv";
  table.searchable = true;
  table.max_rows = 4;
  const std::string html = html_table(table);
  EXPECT_EQ(count(html, "<tr>"), 1u + 4u);
  EXPECT_NE(html.find("Showing the first 4 of 25 rows; all.tsv holds them all."), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;0"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("class=\"table-search\""), std::string::npos);
}

TEST(BarChart, ScalesBarsToTheLargestValue) {
  const std::string svg = bar_chart_svg({{"a", 2, ""}, {"b", 1, ""}, {"c", 0, ""}}, {});
  EXPECT_EQ(count(svg, "<g class=\"bar\">"), 3u);
  EXPECT_THROW(bar_chart_svg({}, {.title = "", .color = "#000", .width = 10, .bar_height = 16}),
               InvalidArgument);
}

TEST(ResultReport, TellsTheKindFromTheFilesAndRefusesOtherFolders) {
  const auto dir = std::filesystem::temp_directory_path() / "nmfkit_report_kinds";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_FALSE(detect_result_kind(dir).has_value());
  EXPECT_THROW(result_report_html(dir), InvalidArgument);
  EXPECT_THROW(detect_result_kind(dir / "missing"), IoError);
  std::ofstream(dir / "associations.tsv") << "target\tsource\tweight\trank\ng\tp\t1\t1\n";
  EXPECT_EQ(detect_result_kind(dir), ResultKind::Associate);
  const std::string html = result_report_html(dir);
  EXPECT_NE(html.find("data-kind=\"associate\""), std::string::npos);
  EXPECT_NE(html.find("<td>g</td><td>p</td>"), std::string::npos);
  write_result_report(dir, dir / "page.html");
  EXPECT_TRUE(std::filesystem::exists(dir / "page.html"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nmfkit::report
