// The default thread count under load: the decision only, not its timing.

#include <gtest/gtest.h>

#include "nmfkit/core/thread_count.hpp"

namespace nmfkit {
namespace {

TEST(ThreadsForLoad, AllWantedThreadsOnAQuietMachine) {
  EXPECT_EQ(threads_for_load(2, 2, 0), 2);
  EXPECT_EQ(threads_for_load(16, 16, 0), 16);
  EXPECT_EQ(threads_for_load(4, 16, 0), 4);  // OMP_NUM_THREADS or an affinity mask said 4
}

TEST(ThreadsForLoad, LeavesTheCoresOtherWorkHolds) {
  EXPECT_EQ(threads_for_load(2, 2, 1), 1);
  EXPECT_EQ(threads_for_load(16, 16, 3), 13);
  EXPECT_EQ(threads_for_load(4, 16, 3), 4);  // enough free cores for what was wanted
}

TEST(ThreadsForLoad, AlwaysAtLeastOneThread) {
  EXPECT_EQ(threads_for_load(2, 2, 2), 1);
  EXPECT_EQ(threads_for_load(2, 2, 50), 1);
  EXPECT_EQ(threads_for_load(0, 2, 0), 1);
}

TEST(ThreadsForLoad, ANegativeCountMeansNoOtherWork) {
  EXPECT_EQ(threads_for_load(2, 2, -1), 2);
}

TEST(ThreadsForLoad, CurrentLoadGivesAUsableCount) {
  const int threads = threads_for_current_load();
  EXPECT_GE(threads, 1);
  EXPECT_GE(other_running_tasks(), 0);
}

}  // namespace
}  // namespace nmfkit
