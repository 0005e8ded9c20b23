#include "nmfkit/core/progress_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <utility>

namespace nmfkit {

namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(200);  // at most 5 frames a second
constexpr int kBarWidth = 20;

std::string printed(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string rate_text(double rate) {
  if (rate >= 100) return printed("%.0f/s", rate);
  return printed("%.3g/s", rate);
}

// Columns of the terminal `out` shows on; 80 where it does not say.
std::size_t terminal_columns(std::FILE* out) {
  winsize size{};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

std::string duration_text(double seconds) {
  if (!(seconds >= 0) || std::isinf(seconds)) return "?";
  if (seconds < 10) return printed("%.1f s", seconds);
  if (seconds < 60) return printed("%.0f s", seconds);
  const auto whole = static_cast<long long>(seconds + 0.5);
  char text[64];
  if (whole < 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld", whole / 60, whole % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", whole / 3600, whole / 60 % 60,
                  whole % 60);
  }
  return text;
}

std::string progress_text(const ProgressStep& step, double seconds, std::int64_t start_done,
                          bool bar) {
  const std::string sep = bar ? "  " : ", ";
  const bool finished = step.last || (step.total > 0 && step.done >= step.total);
  const double counted = static_cast<double>(step.done - start_done);
  const double rate = seconds > 0 && counted > 0 ? counted / seconds : 0.0;
  std::string text = step.task + (bar ? "  " : ": ");
  if (step.total > 0) {
    const std::int64_t percent = std::min<std::int64_t>(100, step.done * 100 / step.total);
    const std::string count = std::to_string(step.done) + "/" + std::to_string(step.total) +
                              " " + step.unit;
    if (bar) {
      const auto filled = static_cast<int>(percent * kBarWidth / 100);
      text += '[';
      text.append(static_cast<std::size_t>(filled), '#');
      text.append(static_cast<std::size_t>(kBarWidth - filled), '.');
      text += "]  " + std::to_string(percent) + "%  " + count;
    } else {
      text += count + " (" + std::to_string(percent) + "%)";
    }
    if (finished) return text + " in " + duration_text(seconds);
    if (rate > 0) {
      text += sep + rate_text(rate) + sep + "ETA " +
              duration_text(static_cast<double>(step.total - step.done) / rate);
    }
    return text;
  }
  text += std::to_string(step.done) + " " + step.unit;
  if (step.bound > 0 && !finished) text += " (at most " + std::to_string(step.bound) + ")";
  if (finished) {
    text += " in " + duration_text(seconds);
  } else if (rate > 0) {
    text += sep + rate_text(rate);
  }
  if (!step.measure.empty()) text += sep + step.measure;
  return text;
}

ProgressDisplay::ProgressDisplay(std::FILE* out, bool terminal, std::string prefix)
    : out_(out), terminal_(terminal), prefix_(std::move(prefix)) {}

bool ProgressDisplay::is_terminal(std::FILE* out) {
  return isatty(fileno(out)) == 1;
}

void ProgressDisplay::show(const ProgressStep& step) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const Clock::time_point now = Clock::now();
  const bool same = step.task == task_ && step.unit == unit_;
  if (same && finished_ && step.done == last_done_) return;  // the final count again
  if (!same || finished_ || step.done < last_done_) {
    task_ = step.task;
    unit_ = step.unit;
    start_ = now;
    start_done_ = step.done;
    printed_ = 0;
    finished_ = false;
    last_draw_ = Clock::time_point{};
  }
  last_done_ = step.done;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const bool complete = step.last || (step.total > 0 && step.done >= step.total);
  if (terminal_) {
    if (complete) {
      erase();
      finished_ = true;
    } else if (!drawn_ || now - last_draw_ >= kRedrawEvery) {
      draw(progress_text(step, seconds, start_done_, /*bar=*/true));
      last_draw_ = now;
    }
    return;
  }
  // Plain lines: each tenth of the total (or of the bound), else each power of two, and
  // the final count once.
  const std::int64_t scale = step.total > 0 ? step.total : step.bound;
  bool due = false;
  if (complete) {
    due = true;
  } else if (scale > 0) {
    const std::int64_t tenth = std::min<std::int64_t>(step.done * 10 / scale, 9);
    due = tenth > printed_;
    if (due) printed_ = tenth;
  } else {
    due = step.done > printed_ && (step.done & (step.done - 1)) == 0;
    if (due) printed_ = step.done;
  }
  if (!due) return;
  std::fputs((prefix_ + progress_text(step, seconds, start_done_, /*bar=*/false) + "\n").c_str(),
             out_);
  std::fflush(out_);
  finished_ = complete;
}

void ProgressDisplay::print(const std::string& line) {
  const std::lock_guard<std::mutex> lock(mutex_);
  erase();
  std::fputs((line + "\n").c_str(), out_);
  std::fflush(out_);
}

void ProgressDisplay::clear() {
  const std::lock_guard<std::mutex> lock(mutex_);
  erase();
}

void ProgressDisplay::draw(const std::string& text) {
  const std::size_t columns = terminal_columns(out_);
  // A frame as wide as the terminal would wrap, and '\r' would then redraw only its tail.
  std::string frame = text.substr(0, columns > 1 ? columns - 1 : 0);
  if (drawn_ && width_ > frame.size()) frame += std::string(width_ - frame.size(), ' ');
  std::fputs(("\r" + frame).c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
  width_ = frame.size();
}

void ProgressDisplay::erase() {
  if (!drawn_) return;
  std::string blank = "\r";
  blank.append(width_, ' ');
  blank += '\r';
  std::fputs(blank.c_str(), out_);
  std::fflush(out_);
  drawn_ = false;
  width_ = 0;
}

}  // namespace nmfkit
