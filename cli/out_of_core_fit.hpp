#pragma once
// `fit --out-of-core`: solver minibatch on X streamed from its file a batch of rows at a
// time (nmf/minibatch.hpp's fit_streamed over io/npy_rows.hpp or io/h5ad_rows.hpp), so
// memory holds one batch of X besides W and H. The model equals the in-memory fit's.

#include <optional>
#include <string>

#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit::cli {

struct OutOfCoreInput {
  std::string path;     // .npy (float32 or float64, C or Fortran order) or .h5ad (CSR X)
  std::string dtype;    // --dtype: auto, float32, float64
  std::string init_W;   // --init-w and --init-h, or empty
  std::string init_H;
  std::optional<Index> batch_size;  // --batch-size as given (at most the samples)
};

// The fitted model; `description` gets "m × n, dense float64 (read by rows)" for the
// summary. Throws InvalidArgument for an input or options that cannot be streamed.
io::NmfModel fit_out_of_core(const OutOfCoreInput& input, NmfOptions options,
                             std::string& description);

}  // namespace nmfkit::cli
