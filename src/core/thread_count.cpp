#include "nmfkit/core/thread_count.hpp"

#include <omp.h>

namespace nmfkit {

ScopedThreadCount::ScopedThreadCount(int threads) : previous_(omp_get_max_threads()) {
  if (threads > 0) omp_set_num_threads(threads);
}

ScopedThreadCount::~ScopedThreadCount() { omp_set_num_threads(previous_); }

}  // namespace nmfkit
