#include "checkpoint_flags.hpp"

#include <set>

#include "nmfkit/version.hpp"

namespace nmfkit::cli {

void CheckpointFlags::add_to(CLI::App& command, bool by_default) {
  on_by_default = by_default;
  command.add_option("--checkpoint", dir,
                     by_default ? "directory where completed fits are saved, and a rerun of the "
                                  "same command resumes from (default: OUT.checkpoint; removed "
                                  "after success)"
                                : "directory where the run saves its progress as it goes and "
                                  "when interrupted, and a rerun of the same command resumes "
                                  "from (removed after success)");
  if (by_default) {
    command.add_flag("--no-checkpoint", off, "save no checkpoint (default: save one)");
  }
  command
      .add_option("--checkpoint-every", every,
                  "seconds between two saves of a running fit's progress")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

std::unique_ptr<io::CheckpointDirectory> CheckpointFlags::open(const CLI::App& command,
                                                               const std::vector<std::string>& inputs,
                                                               const std::string& out) const {
  if (off || (dir.empty() && !on_by_default)) return nullptr;
  static const std::set<std::string> unrelated = {
      "--out", "--checkpoint", "--no-checkpoint", "--checkpoint-every", "--threads",
      "--verbose", "--progress", "--quiet", "--help"};
  std::string fingerprint = "command: " + command.get_name() + "\n";
  fingerprint += "nmfkit: " + std::string(kVersion) + "\n";
  for (const std::string& input : inputs)
    fingerprint += "input: " + io::input_digest(input) + "\n";
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_lnames().empty()) continue;  // INPUT: its bytes are in the fingerprint
    // (and so are those of files named by options, given as inputs)
    const std::string name = "--" + option->get_lnames().front();
    if (unrelated.count(name)) continue;
    std::string value;
    for (const std::string& given : option->results()) value += (value.empty() ? "" : " ") + given;
    fingerprint += name + ": " + (option->count() > 0 ? value : "(default)") + "\n";
  }
  // Beside --out, not inside it ("sel/" gives "sel.checkpoint").
  std::string beside = out;
  while (beside.size() > 1 && beside.back() == '/') beside.pop_back();
  auto store = std::make_unique<io::CheckpointDirectory>(dir.empty() ? beside + ".checkpoint" : dir,
                                                         fingerprint);
  store->interval_seconds = every;
  return store;
}

}  // namespace nmfkit::cli
