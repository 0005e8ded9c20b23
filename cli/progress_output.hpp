#pragma once
// Progress on stderr for the whole run: one display (a redrawn bar on a terminal, a line per
// tenth of the work elsewhere, core/progress_display.hpp) that every command's steps and
// progress lines go through, so that a bar never shares its line with other text. --quiet,
// on every command, silences it; warnings and errors still print.

#include <string>

#include <CLI/CLI.hpp>

#include "nmfkit/core/progress.hpp"

namespace nmfkit::cli {

// Adds -q/--quiet to `app`'s subcommands and theirs.
void add_quiet_flag(CLI::App& app);
bool quiet();

// Shows a step report, unless --quiet.
void show_step(const ProgressStep& step);
// A line of progress text on stderr ("select-k: k 4 ..."), unless --quiet.
void print_progress_line(const std::string& line);
// A line that prints whatever the flags (a warning, the error), after taking the bar away.
void print_stderr_line(const std::string& line);
// Takes a drawn bar off the terminal's line.
void clear_progress();

}  // namespace nmfkit::cli
