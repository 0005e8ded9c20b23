#include <exception>
#include <iostream>

#include "command.hpp"
#include "nmfkit/version.hpp"

namespace {
constexpr int kExitFailure = 1;  // bad input data or parameters, unreadable files
constexpr int kExitUsage = 2;    // the command line does not parse

int fail(int code, const std::string& message) {
  std::cerr << "nmfkit: error: " << message << '\n';
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nmfkit: non-negative matrix factorisation and topic models"};
  app.set_version_flag("--version", std::string("nmfkit ") + nmfkit::kVersion);
  app.require_subcommand(1);
  nmfkit::cli::add_fit_command(app);
  nmfkit::cli::add_transform_command(app);
  nmfkit::cli::add_info_command(app);
  nmfkit::cli::add_convert_command(app);
  nmfkit::cli::add_demo_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help and --version
  } catch (const CLI::ParseError& e) {
    return fail(kExitUsage, e.what());
  } catch (const std::exception& e) {
    return fail(kExitFailure, e.what());
  }
  return 0;
}
