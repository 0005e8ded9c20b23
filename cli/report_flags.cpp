#include "report_flags.hpp"

#include <cstdio>
#include <exception>

#include "nmfkit/report/result_report.hpp"

namespace nmfkit::cli {

void add_no_report_flag(CLI::App& command, bool& no_report) {
  command.add_flag("--no-report", no_report,
                   "do not write report.html (the HTML report of the results, see 'nmfkit report')");
}

void write_staged_report(const io::StagedDirectory& staged, bool no_report) {
  if (no_report) return;
  const std::filesystem::path out = staged.file("report.html");
  report::ReportOptions options;
  std::filesystem::path target = staged.target().lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  options.name = target.filename().string();
  try {
    report::write_result_report(out.parent_path(), out, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nmfkit: warning: report.html left out: %s\n", e.what());
  }
}

}  // namespace nmfkit::cli
