// `nmfkit report DIR [--out FILE]`: the HTML report of a result folder (report/result_report.hpp).

#include <cstdio>
#include <memory>
#include <string>

#include "command.hpp"
#include "nmfkit/report/result_report.hpp"

namespace nmfkit::cli {

namespace {

struct ReportArgs {
  std::string dir;
  std::string out;  // default: DIR/report.html
  report::ReportOptions options;
};

void run(const ReportArgs& args) {
  const std::filesystem::path out =
      args.out.empty() ? std::filesystem::path(args.dir) / "report.html" : std::filesystem::path(args.out);
  const auto kind = report::detect_result_kind(args.dir);
  report::write_result_report(args.dir, out, args.options);
  std::printf("wrote %s: the %s report of %s\n", out.string().c_str(),
              report::kind_name(kind.value()).c_str(), args.dir.c_str());
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* command = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (works offline) showing a result folder of fit, topics, "
      "select-k, cluster, multimodal fit or associate");
  command->add_option("DIR", args->dir, "the result folder")->required();
  command->add_option("--out", args->out, "the HTML file to write (default: DIR/report.html)");
  command
      ->add_option("--max-documents", args->options.max_documents,
                   "documents (samples) drawn in a structure plot at most; more are thinned evenly")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--max-rows", args->options.max_table_rows,
                   "rows of a table shown at most; the file keeps them all")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
