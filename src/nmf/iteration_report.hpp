#pragma once
// The step reports of a solver's loop: each iteration's count against max_iter with where
// the stopping rule stands ("change 3.1e-05 (tol 1e-04)"), and the final count. The text
// is formatted only when someone listens.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "nmfkit/core/progress.hpp"

namespace nmfkit {

inline void report_iteration(const Progress& progress, std::int64_t done, std::int64_t bound,
                             const char* measure = nullptr, double value = 0, double tol = 0,
                             const char* unit = "iterations") {
  if (!progress.step) return;
  std::string text;
  if (measure != nullptr && std::isfinite(value)) {  // the first change is from infinity
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, " %.2e (tol %.0e)", value, tol);
    text = measure + std::string(numbers);
  }
  progress.report({.task = "fit", .unit = unit, .done = done, .bound = bound, .measure = text});
}

inline void report_last_iteration(const Progress& progress, std::int64_t done,
                                  const char* unit = "iterations") {
  progress.report({.task = "fit", .unit = unit, .done = done, .last = true});
}

}  // namespace nmfkit
