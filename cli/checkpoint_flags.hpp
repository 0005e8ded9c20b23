#pragma once
// --checkpoint DIR, --no-checkpoint and --checkpoint-every SECONDS: the flags of the
// commands that save their progress (io/checkpoint_directory.hpp), and the one line an
// interrupted run ends with.

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/checkpoint_directory.hpp"

namespace nmfkit::cli {

struct CheckpointFlags {
  std::string dir;
  bool off = false;
  double every = 5.0;
  bool on_by_default = false;

  // on_by_default: the ensembles (select-k, consensus), which save in OUT.checkpoint unless
  // --no-checkpoint; otherwise (fit) only with --checkpoint DIR.
  void add_to(CLI::App& command, bool by_default);

  // The checkpoint of a run of `command` that reads `inputs` (files or folders) and writes
  // `out`, or null. Its fingerprint: the command, nmfkit's version, each input's size and
  // hash of all its bytes, and every option as given except those that change no result
  // (--out, the checkpoint flags, --threads, --verbose, --progress, --quiet). Refuses a
  // directory holding another run's checkpoint.
  std::unique_ptr<io::CheckpointDirectory> open(const CLI::App& command,
                                                const std::vector<std::string>& inputs,
                                                const std::string& out) const;
};

// Runs `work`; a Cancelled (Ctrl-C, SIGTERM) becomes the line saying how to resume.
template <class Work>
auto resumable(const io::CheckpointDirectory* checkpoint, Work&& work) {
  try {
    return work();
  } catch (const Cancelled&) {
    if (!checkpoint) throw;
    throw Error("interrupted; nothing was written, and " + checkpoint->path().string() +
                " holds the work done: run the same command again to resume");
  }
}

}  // namespace nmfkit::cli
