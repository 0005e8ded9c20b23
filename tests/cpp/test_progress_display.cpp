// The progress display: the text of a report, plain lines (one per tenth, a bounded
// number), terminal frames (redrawn with '\r', wiped at the end) and Progress's plumbing.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nmfkit/core/progress.hpp"
#include "nmfkit/core/progress_display.hpp"

namespace nmfkit {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
  return found;
}

// What a display writes, read back from an in-memory stream.
class Captured {
 public:
  Captured() : file_(open_memstream(&buffer_, &size_)) {}
  ~Captured() {
    std::fclose(file_);
    std::free(buffer_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

ProgressStep known(std::int64_t done, std::int64_t total) {
  return {.task = "select-k", .unit = "fits", .done = done, .total = total};
}

ProgressStep iteration(std::int64_t done, std::int64_t bound, bool last = false) {
  return {.task = "fit",
          .unit = "iterations",
          .done = done,
          .bound = bound,
          .measure = "change 1.00e-03 (tol 1e-04)",
          .last = last};
}

TEST(ProgressText, KnownTotalShowsBarPercentRateAndEta) {
  const std::string bar = progress_text(known(50, 200), 10.0, 0, /*bar=*/true);
  EXPECT_NE(bar.find("[#####...............]"), std::string::npos) << bar;
  EXPECT_NE(bar.find("25%"), std::string::npos) << bar;
  EXPECT_NE(bar.find("50/200 fits"), std::string::npos) << bar;
  EXPECT_NE(bar.find("5/s"), std::string::npos) << bar;
  EXPECT_NE(bar.find("ETA 30 s"), std::string::npos) << bar;
  const std::string line = progress_text(known(50, 200), 10.0, 0, /*bar=*/false);
  EXPECT_EQ(line, "select-k: 50/200 fits (25%), 5/s, ETA 30 s");
  EXPECT_EQ(progress_text(known(200, 200), 40.0, 0, false), "select-k: 200/200 fits (100%) in 40 s");
}

TEST(ProgressText, UnknownTotalShowsCountBoundRateAndMeasureNoEta) {
  const std::string text = progress_text(iteration(30, 200), 2.0, 10, /*bar=*/true);
  EXPECT_NE(text.find("30 iterations (at most 200)"), std::string::npos) << text;
  EXPECT_NE(text.find("10/s"), std::string::npos) << text;  // 20 counted in 2 s
  EXPECT_NE(text.find("change 1.00e-03 (tol 1e-04)"), std::string::npos) << text;
  EXPECT_EQ(text.find("ETA"), std::string::npos) << text;
  EXPECT_EQ(text.find('%'), std::string::npos) << text;
}

TEST(ProgressText, Durations) {
  EXPECT_EQ(duration_text(0.42), "0.4 s");
  EXPECT_EQ(duration_text(12.3), "12 s");
  EXPECT_EQ(duration_text(185), "3:05");
  EXPECT_EQ(duration_text(3729), "1:02:09");
}

TEST(ProgressDisplay, PlainWritesOneLinePerTenthAndNoCarriageReturn) {
  Captured out;
  ProgressDisplay display(out.file(), /*terminal=*/false, "nmfkit: ");
  for (int done = 1; done <= 1000; ++done) display.show(known(done, 1000));
  const std::string text = out.text();
  EXPECT_EQ(count(text, "\n"), 10u) << text;  // 10% ... 90% and the final count
  EXPECT_EQ(count(text, "\r"), 0u);
  EXPECT_EQ(count(text, "nmfkit: select-k: "), 10u);
  EXPECT_NE(text.find("1000/1000 fits (100%) in"), std::string::npos) << text;
}

TEST(ProgressDisplay, PlainUnknownTotalCountsTenthsOfTheBoundThenTheFinalCount) {
  Captured out;
  ProgressDisplay display(out.file(), false, "");
  for (int done = 1; done <= 57; ++done) display.show(iteration(done, 200));
  display.show(iteration(57, 200, /*last=*/true));
  display.show(iteration(57, 200, /*last=*/true));  // repeated: printed once
  const std::string text = out.text();
  EXPECT_EQ(count(text, "\n"), 3u) << text;  // 20, 40, and 57 at the end
  EXPECT_NE(text.find("fit: 57 iterations in"), std::string::npos) << text;
}

TEST(ProgressDisplay, PlainWithoutBoundPrintsAtPowersOfTwo) {
  Captured out;
  ProgressDisplay display(out.file(), false, "");
  for (int done = 1; done <= 100; ++done) display.show(iteration(done, 0));
  EXPECT_EQ(count(out.text(), "\n"), 7u) << out.text();  // 1, 2, 4, ..., 64
}

TEST(ProgressDisplay, TerminalRedrawsOneLineAndWipesItAtTheEnd) {
  Captured out;
  ProgressDisplay display(out.file(), /*terminal=*/true, "nmfkit: ");
  display.show(known(1, 4));
  const std::string first = out.text();
  EXPECT_EQ(first.rfind("\rselect-k  [", 0), 0u) << first;  // a frame, no newline
  EXPECT_NE(first.find("25%"), std::string::npos) << first;
  EXPECT_EQ(count(first, "\n"), 0u);
  display.print("a message");  // the bar makes way for a line of text
  display.show(known(2, 4));   // and comes back
  display.show(known(4, 4));   // done: wiped
  const std::string text = out.text();
  EXPECT_NE(text.find("\ra message\n"), std::string::npos) << text;
  EXPECT_EQ(count(text, "\rselect-k  ["), 2u) << text;
  const auto wipe = text.find_last_of('\r');
  EXPECT_EQ(wipe, text.size() - 1) << text;  // ends on a blank, clean line
  EXPECT_EQ(text.find_first_not_of(' ', text.find_last_of('\r', wipe - 1) + 1), wipe);
}

TEST(ProgressDisplay, TerminalThrottlesFrames) {
  Captured out;
  ProgressDisplay display(out.file(), true, "");
  for (int done = 1; done < 100000; ++done) display.show(iteration(done, 0));
  // A few frames a second at most: far fewer than the reports.
  EXPECT_LT(count(out.text(), "\r"), 1000u);
  display.clear();
  EXPECT_EQ(out.text().back(), '\r');
}

TEST(Progress, ReportsGoToStepAndWithoutStepsDropsThemButKeepsTheRest) {
  std::vector<std::int64_t> seen;
  Progress progress;
  progress.step = [&](const ProgressStep& s) { seen.push_back(s.done); };
  progress.cancel_requested = [] { return false; };
  progress.report(known(3, 4));
  EXPECT_EQ(seen, std::vector<std::int64_t>{3});
  const Progress inner = progress.without_steps();
  inner.report(known(4, 4));
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_TRUE(static_cast<bool>(inner.cancel_requested));
  Progress{}.report(known(1, 1));  // nobody listens: nothing happens
}

}  // namespace
}  // namespace nmfkit
