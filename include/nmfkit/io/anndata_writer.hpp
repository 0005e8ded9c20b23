#pragma once
// Results written back into a copy of the user's AnnData (or MuData) file, where scanpy
// (and muon) look for them:
// sample embeddings in obsm, feature loadings in varm, what the run did in uns, and
// labels as categorical columns of obs (anndata's 0.8 encodings, so that Debian's anndata
// reads them).

#include <string>
#include <utility>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/io/atomic_file.hpp"

namespace nmfkit::io {

struct H5adResults {
  std::vector<std::pair<std::string, DenseMatrix<double>>> obsm;  // key → obs × k
  std::vector<std::pair<std::string, DenseMatrix<double>>> varm;  // key → var × k
  // key → one label per sample, stored as a categorical column of obs
  std::vector<std::pair<std::string, std::vector<std::string>>> obs_labels;
  std::string uns_key;   // uns[uns_key] (none when empty)
  std::string uns_json;  // a JSON object, written as nested dicts, scalars and arrays
};

// Writes a copy of `input` (an .h5ad) with `results` added (replacing entries of the same
// keys) to out.temp_path(); the caller commits `out`. The HDF5 writes run in a child
// process, as the reads do. Throws InvalidArgument when a matrix's rows or a label list do
// not match the file's obs or var, FormatError when the file's layout cannot take them
// (obs in anndata's pre-0.7 compound layout), IoError when the copy fails.
void write_h5ad_with_results(const std::string& input, const H5adResults& results,
                             AtomicFile& out);

// A MuData file's results: the root's (shared sample embeddings in obsm, labels in obs,
// uns) and each named modality's (its feature loadings in varm, uns).
struct H5muResults {
  H5adResults global;
  std::vector<std::pair<std::string, H5adResults>> modalities;
};

// As write_h5ad_with_results, for an .h5mu `input`: rows are checked against the root obs
// and each modality's var; a modality the file lacks throws InvalidArgument.
void write_h5mu_with_results(const std::string& input, const H5muResults& results,
                             AtomicFile& out);

}  // namespace nmfkit::io
