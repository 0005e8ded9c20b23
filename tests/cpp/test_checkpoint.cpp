// Checkpoints (issue 19): a record survives the disk exactly, a damaged or foreign one is
// refused with a clear error, and a fit cancelled part-way and resumed from its
// checkpoint ends with the same bits as a fit that was never interrupted.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>

#include "nmfkit/core/checkpoint.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/checkpoint_directory.hpp"
#include "nmfkit/io/checkpoint_file.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/select/select_k.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("nmfkit-checkpoint-test-" + name + "-" +
                                                    std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(Checkpoint, RecordRoundTripIsExact) {
  const fs::path dir = fresh_dir("record");
  fs::create_directories(dir);
  CheckpointRecord r;
  r.numbers["inf"] = std::numeric_limits<double>::infinity();
  r.numbers["third"] = 1.0 / 3.0;
  r.numbers["nan"] = std::numeric_limits<double>::quiet_NaN();
  const DenseMatrix<float> F = testing::random_nonnegative<float>(7, 3, 1);
  r.matrices["F"] = F.cast<double>();
  r.matrices["empty"] = Eigen::MatrixXd();
  r.put_vector("history", {3.0, 2.5, 1e-300});
  io::write_checkpoint_record(dir / "unit.ckpt", r);
  const CheckpointRecord back = io::read_checkpoint_record(dir / "unit.ckpt");
  EXPECT_EQ(back.number("inf"), r.number("inf"));
  EXPECT_EQ(back.number("third"), r.number("third"));
  EXPECT_TRUE(std::isnan(back.number("nan")));
  const DenseMatrix<float> F_back = back.matrix("F").cast<float>();
  EXPECT_EQ(F_back, F);
  EXPECT_EQ(back.matrix("empty").size(), 0);
  EXPECT_EQ(back.vector("history"), (std::vector<double>{3.0, 2.5, 1e-300}));
  EXPECT_THROW(back.number("absent"), FormatError);
  fs::remove_all(dir);
}

TEST(Checkpoint, DamagedRecordIsAFormatError) {
  const fs::path dir = fresh_dir("damaged");
  fs::create_directories(dir);
  CheckpointRecord r;
  r.matrices["W"] = Eigen::MatrixXd::Ones(50, 4);
  io::write_checkpoint_record(dir / "unit.ckpt", r);
  // Cut short: the matrix's values are not all there.
  fs::resize_file(dir / "unit.ckpt", fs::file_size(dir / "unit.ckpt") - 8);
  EXPECT_THROW(io::read_checkpoint_record(dir / "unit.ckpt"), FormatError);
  // A huge row count in the header: refused before allocating.
  io::write_checkpoint_record(dir / "unit.ckpt", r);
  {
    std::fstream f(dir / "unit.ckpt", std::ios::in | std::ios::out | std::ios::binary);
    const std::uint64_t rows = std::uint64_t{1} << 60;
    f.seekp(18 + 4 + 8 + 8 + 4 + 1);  // header, version, 0 numbers, 1 matrix, name "W"
    f.write(reinterpret_cast<const char*>(&rows), sizeof rows);
  }
  EXPECT_THROW(io::read_checkpoint_record(dir / "unit.ckpt"), FormatError);
  fs::remove_all(dir);
}

TEST(Checkpoint, DirectoryRefusesAnotherRunsCheckpoint) {
  const fs::path dir = fresh_dir("foreign");
  {
    const io::CheckpointDirectory store(dir, "input: a\nseed: 1\n");
    EXPECT_FALSE(store.resumed());
    CheckpointRecord r;
    r.numbers["x"] = 1;
    store.save("unit", r);
    EXPECT_FALSE(store.load("other"));
  }
  {
    const io::CheckpointDirectory same(dir, "input: a\nseed: 1\n");
    EXPECT_TRUE(same.resumed());
    ASSERT_TRUE(same.load("unit"));
    EXPECT_EQ(same.load("unit")->number("x"), 1);
    // Held by one run, refused to a second one, whatever its fingerprint.
    try {
      io::CheckpointDirectory(dir, "input: a\nseed: 1\n");
      ADD_FAILURE() << "a second run opened the checkpoint";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("another nmfkit run is writing it now"),
                std::string::npos)
          << e.what();
    }
  }
  testing::expect_invalid([&] { io::CheckpointDirectory(dir, "input: a\nseed: 2\n"); },
                          "it has 'seed: 1', this run 'seed: 2'");
  const io::CheckpointDirectory same(dir, "input: a\nseed: 1\n");
  same.remove();
  EXPECT_FALSE(fs::exists(dir));
}

// A store in memory whose saves can be counted.
class MemoryStore : public CheckpointStore {
 public:
  std::optional<CheckpointRecord> load(const std::string& unit) const override {
    const std::lock_guard lock(mutex_);
    const auto found = records_.find(unit);
    if (found == records_.end()) return std::nullopt;
    return found->second;
  }
  void save(const std::string& unit, const CheckpointRecord& record) const override {
    const std::lock_guard lock(mutex_);
    records_[unit] = record;
    ++saves;
  }
  mutable int saves = 0;

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, CheckpointRecord> records_;
};

// Cancels after `polls` cancellation polls.
Progress cancel_after(int polls) {
  auto count = std::make_shared<int>(0);
  Progress p;
  p.cancel_requested = [count, polls] { return ++*count > polls; };
  return p;
}

class ResumedFit : public ::testing::TestWithParam<std::string> {};

TEST_P(ResumedFit, EqualsTheUninterruptedFitBitForBit) {
  const DenseMatrix<double> X = testing::random_nonnegative(40, 30, 5, 0.1);
  NmfOptions o;
  o.n_components = 5;
  o.solver = GetParam();
  o.beta_loss = GetParam() == "scd" ? 1.0 : 2.0;
  o.random_state = 11;
  o.tol = 0;
  o.max_iter = 60;
  const NmfResult<double> whole = fit(X, o);

  MemoryStore store;
  store.interval_seconds = 1e9;  // saves only when cancelled
  o.checkpoint = &store;
  double done = 0;
  for (const int polls : {7, 12, 25}) {  // cancelled three times, resumed each time
    EXPECT_THROW(fit(X, o, nullptr, cancel_after(polls)), Cancelled);
    const double now = store.load("fit")->number("iteration");
    EXPECT_GT(now, done);  // each run went on from the last
    done = now;
  }
  // Each run went on from where the last stopped: the 8th poll of the first cancelled
  // it after 7 iterations, the 13th of the second after 12 more, and so on.
  EXPECT_EQ(done, 7 + 12 + 25);
  EXPECT_EQ(store.saves, 3);
  const NmfResult<double> resumed = fit(X, o);
  EXPECT_EQ(resumed.n_iter, whole.n_iter);
  EXPECT_EQ(resumed.W, whole.W);
  EXPECT_EQ(resumed.H, whole.H);
  EXPECT_EQ(resumed.objective_history, whole.objective_history);
}

INSTANTIATE_TEST_SUITE_P(FastSolvers, ResumedFit,
                         ::testing::Values("hals", "anls-bpp", "scd", "auto"));

TEST(Checkpoint, NoExtrapolationResumesExactlyToo) {
  const DenseMatrix<float> X = testing::random_nonnegative<float>(30, 20, 8, 0.1);
  NmfOptions o;
  o.n_components = 4;
  o.solver = "hals";
  o.extrapolate = false;
  o.random_state = 2;
  o.tol = 0;
  o.max_iter = 40;
  const NmfResult<float> whole = fit(X, o);
  MemoryStore store;
  store.interval_seconds = 0;  // every iteration
  o.checkpoint = &store;
  EXPECT_THROW(fit(X, o, nullptr, cancel_after(17)), Cancelled);
  const NmfResult<float> resumed = fit(X, o);
  EXPECT_EQ(resumed.W, whole.W);
  EXPECT_EQ(resumed.H, whole.H);
  EXPECT_GE(store.saves, 17);
}

TEST(Checkpoint, OtherSolversAreRefused) {
  const DenseMatrix<double> X = testing::random_nonnegative(10, 8, 1);
  MemoryStore store;
  NmfOptions o;
  o.n_components = 2;
  o.checkpoint = &store;
  o.solver = "mu";
  testing::expect_invalid([&] { fit(X, o); }, "not solver 'mu'");
  o.solver = "auto";
  o.model = "semi";
  testing::expect_invalid([&] { fit(X, o); }, "not model 'semi'");
}

TEST(Checkpoint, ResumedSelectionEqualsTheUninterruptedOne) {
  const DenseMatrix<double> X = testing::planted(30, 24, 3, 4);
  select::SelectOptions o;
  o.k = select::parse_k_spec("2:4");
  o.method = select::Method::All;
  o.cv.replicates = 2;
  o.stability.perturbations = 3;
  o.consensus.restarts = 3;
  o.nmf.solver = "auto";
  o.nmf.max_iter = 30;
  o.seed = 9;
  o.parallel_fits = 1;
  const EntryWeights<double> none;
  MemoryStore counting;
  o.checkpoint = &counting;
  const select::Selection whole = select::select_k(X, none, o);
  const int units = counting.saves;
  MemoryStore store;
  o.checkpoint = &store;
  EXPECT_THROW(select::select_k(X, none, o, cancel_after(100)), Cancelled);
  const int saved = store.saves;
  EXPECT_GT(saved, 0);
  const select::Selection resumed = select::select_k(X, none, o);
  EXPECT_EQ(store.saves, units);  // every unit fitted once, over both runs
  ASSERT_EQ(resumed.scores.size(), whole.scores.size());
  for (std::size_t i = 0; i < whole.scores.size(); ++i) {
    const auto& a = whole.scores[i];
    const auto& b = resumed.scores[i];
    EXPECT_EQ(a.replicate_errors, b.replicate_errors);
    EXPECT_EQ(std::isnan(a.min_silhouette) || a.min_silhouette == b.min_silhouette, true);
    EXPECT_EQ(a.cophenetic, b.cophenetic);
    EXPECT_EQ(a.cnmf_silhouette, b.cnmf_silhouette);
    EXPECT_EQ(a.cnmf_error, b.cnmf_error);
    EXPECT_EQ(a.reconstruction_error, b.reconstruction_error);
  }
  EXPECT_EQ(resumed.chosen_k, whole.chosen_k);
}

}  // namespace
}  // namespace nmfkit
