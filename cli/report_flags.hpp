#pragma once
// The report.html that topics, select-k, cluster and multimodal fit write into their
// output folder, and their --no-report flag.

#include <CLI/CLI.hpp>

#include "nmfkit/io/atomic_file.hpp"

namespace nmfkit::cli {

void add_no_report_flag(CLI::App& command, bool& no_report);

// Writes report.html into the staged folder from the files already staged there, before
// the folder is committed. A report that cannot be made is a warning on stderr, not a
// failure: the results it would show are worth more than the page.
void write_staged_report(const io::StagedDirectory& staged, bool no_report);

}  // namespace nmfkit::cli
