#pragma once
// The number of threads parallel work uses, set for a scope and restored after it.

namespace nmfkit {

class ScopedThreadCount {
 public:
  // threads = 0 leaves the current setting (all cores unless OMP_NUM_THREADS says less).
  explicit ScopedThreadCount(int threads);
  ~ScopedThreadCount();
  ScopedThreadCount(const ScopedThreadCount&) = delete;
  ScopedThreadCount& operator=(const ScopedThreadCount&) = delete;

 private:
  int previous_;
};

}  // namespace nmfkit
