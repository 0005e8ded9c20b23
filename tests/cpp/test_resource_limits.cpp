// Sizes that come from a user's number are checked against the machine before anything
// is allocated (issue 19): a clear InvalidArgument, never std::bad_alloc or an abort.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/memory.hpp"
#include "nmfkit/cluster/tuning.hpp"
#include "nmfkit/linalg/full_svd.hpp"
#include "nmfkit/linalg/randomized_svd.hpp"
#include "nmfkit/nmf/nmf.hpp"
#include "nmfkit/select/select_k.hpp"
#include "test_helpers.hpp"

namespace nmfkit {
namespace {

using testing::expect_invalid;

NmfOptions with_k(Index k) {
  NmfOptions o;
  o.n_components = k;
  o.random_state = 0;
  o.max_iter = 5;
  return o;
}

TEST(ResourceLimits, SizesInMessagesAreReadable) {
  EXPECT_EQ(bytes_text(512), "512 bytes");
  EXPECT_EQ(bytes_text(1500), "1.5 kB");
  EXPECT_EQ(bytes_text(8e12), "8.0 TB");
  EXPECT_EQ(bytes_text(123e9), "123 GB");
}

TEST(ResourceLimits, RequireMemoryNamesWhatAndHowMuch) {
  EXPECT_GT(available_memory(), 0u);
  EXPECT_NO_THROW(require_memory(1000, "a small thing"));
  expect_invalid([] { require_memory(1e30, "a huge thing"); }, "a huge thing needs 1000000");
  expect_invalid([] { require_memory(1e30, "a huge thing"); }, "is available");
}

// ulimit -v lowers what is available, in a child process so the test runner keeps its own.
TEST(ResourceLimits, AddressSpaceLimitCounts) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    rlimit limit{};
    getrlimit(RLIMIT_AS, &limit);
    limit.rlim_cur = rlim_t{4} << 30;
    if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(2);
    _exit(available_memory() <= (std::uint64_t{4} << 30) ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ResourceLimits, ComponentsBeyondTheEntriesOfXAreRefused) {
  const DenseMatrix<double> X = testing::random_nonnegative(8, 6, 1);
  expect_invalid([&] { fit(X, with_k(49)); }, "n_components = 49 is more than the 48 entries");
  expect_invalid([&] { fit(X, with_k(20000)); }, "6 components already reproduce X exactly");
  // Beyond min(m, n) is allowed, as scikit-learn allows it with a random init.
  NmfOptions more = with_k(12);
  more.init = Init::Random;
  EXPECT_EQ(fit(X, more).H.rows(), 12);
}

TEST(ResourceLimits, ComponentsBeyondMemoryAreRefusedBeforeAllocating) {
  // 2 × 10⁶ entries leave room for k = 10⁶ by the shape; the k × k Gram matrices
  // alone would take 16 TB.
  const SparseMatrix<double> X = testing::random_nonnegative(2, 1000000, 3).sparseView();
  expect_invalid([&] { fit(X, with_k(1000000)); }, "n_components = 1000000 (W 2 × 1000000");
  expect_invalid([&] { fit(X, with_k(1000000)); }, "of memory");
}

// A 10⁶ × 10⁶ matrix with one stored entry: small to hold, huge to factorise dense.
SparseMatrix<double> one_entry(Index size) {
  SparseMatrix<double> X(size, size);
  X.insert(3, 5) = 1.0;
  X.makeCompressed();
  return X;
}

TEST(ResourceLimits, SvdBeyondMemoryIsRefusedBeforeAllocating) {
  const SparseMatrix<double> X = one_entry(1000000);
  expect_invalid([&] { linalg::full_svd(X); }, "full_svd of a 1000000 × 1000000 matrix");
  expect_invalid([&] { linalg::full_svd(X); }, "of memory");
  RandomState rng(0);
  expect_invalid([&] { linalg::randomized_svd(X, 100000, rng); },
                 "randomized_svd with k = 100000 on a 1000000 × 1000000 matrix needs");
}

TEST(ResourceLimits, NeighbourCountBeyondMemoryIsRefused) {
  cluster::ClusterOptions o;
  o.neighbors = {150000};
  expect_invalid([&] { o.validate(200000); }, "neighbour count 150000 on 200000 samples");
  o.neighbors = {15};
  EXPECT_NO_THROW(o.validate(200000));
}

TEST(ResourceLimits, SelectKEnsembleBeyondMemoryIsRefusedBeforeAnyFit) {
  const SparseMatrix<double> X = one_entry(1000);
  select::SelectOptions o;
  o.k = select::parse_k_spec("1000");
  o.method = select::Method::Stability;
  o.stability.perturbations = 1000;
  o.nmf.max_iter = 1;
  const EntryWeights<double> none;
  expect_invalid([&] { select::select_k(X, none, o); }, "--k up to 1000, 1000 perturbations");
  o.method = select::Method::Consensus;
  o.consensus.restarts = 1000;
  expect_invalid([&] { select::select_k(X, none, o); }, "1000 restarts on a 1000 × 1000 matrix");
}

}  // namespace
}  // namespace nmfkit
