#pragma once
// The result folder of a non-negative CP fit (`nmfkit tensor fit`):
//   factor_0.npy … factor_{N−1}.npy   I_n × k, unit-norm columns
//   weights.npy                        λ, k values (X̂ = Σ_r λ_r a⁽⁰⁾_r ∘ … ∘ a⁽ᴺ⁻¹⁾_r)
//   history.tsv                        iteration, relative_error, seconds
//   model.json                         format, shape, options (the seed used), the fit's
//                                      relative error, iterations, convergence, missing count

#include <string>
#include <vector>

#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/tensor/ntf.hpp"

namespace nmfkit::io {

inline constexpr int kNtfModelFormatVersion = 1;

struct NtfRunInfo {
  std::string input;         // where the tensor came from
  std::string input_format;  // "npy" or "tns"
  std::vector<Index> shape;
  double stored_entries = 0;  // the tensor's entries (dense) or listed entries (sparse)
  double seconds = 0;         // the fit's wall time
};

// Writes the files into `staged` (commit is the caller's).
template <class T>
void write_ntf_model(const StagedDirectory& staged, const NtfResult<T>& result,
                     const NtfOptions& options, const NtfRunInfo& info);

}  // namespace nmfkit::io
