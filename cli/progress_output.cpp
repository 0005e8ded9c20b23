#include "progress_output.hpp"

#include <cstdio>

#include "nmfkit/core/progress_display.hpp"
#include "nmfkit/dist/comm.hpp"

namespace nmfkit::cli {

namespace {

bool quiet_flag = false;

ProgressDisplay& display() {
  static ProgressDisplay shown(stderr, ProgressDisplay::is_terminal(stderr), "nmfkit: ");
  return shown;
}

void add_quiet_to(CLI::App& command) {
  for (CLI::App* sub : command.get_subcommands({})) {
    sub->add_flag("-q,--quiet", quiet_flag,
                  "print no progress on stderr (no bar on a terminal, no step lines elsewhere); "
                  "warnings and errors still print");
    add_quiet_to(*sub);
  }
}

}  // namespace

void add_quiet_flag(CLI::App& app) {
  add_quiet_to(app);
}

bool quiet() {
  return quiet_flag;
}

void show_step(const ProgressStep& step) {
  // Under mpirun every process runs the same loop: the first one speaks for them.
  if (!quiet_flag && dist::world().rank() == 0) display().show(step);
}

void print_progress_line(const std::string& line) {
  if (!quiet_flag) display().print(line);
}

void print_stderr_line(const std::string& line) {
  display().print(line);
}

void clear_progress() {
  display().clear();
}

}  // namespace nmfkit::cli
