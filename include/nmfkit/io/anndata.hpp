#pragma once
// AnnData (.h5ad) and MuData (.h5mu) files: the HDF5 layouts that scanpy and muon use for
// single-cell data, one samples × features matrix per modality with sample and feature
// names. Reading only; nmfkit writes its results in its own formats.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::io {

struct AnnData {
  AnyMatrix X;                         // obs × var: dense, or CSR (CSC on disk is converted)
  std::vector<std::string> obs_names;  // sample names, one per row
  std::vector<std::string> var_names;  // feature names, one per column
};

// The file's X with its obs and var names.
// - X as a dense 2-D dataset of any float or integer type: float32 stays float32, every
//   other type becomes float64 (as scikit-learn converts), unless `dtype` says otherwise.
// - X as a group with encoding-type "csr_matrix" or "csc_matrix" (anndata >= 0.7), or
//   with h5sparse_format "csr"/"csc" (older anndata): data, indices and indptr of any
//   integer width. CSC is converted to CSR; unsorted indices are sorted and repeated
//   ones summed (as scipy does), explicit zeros are kept.
// - obs and var as dataframe groups whose "_index" attribute names the index dataset,
//   or (anndata < 0.7) compound datasets whose first field is the index; strings
//   variable- or fixed-length, UTF-8 or ASCII. A missing obs or var gives the names
//   "0", "1", ... as anndata does.
// Throws IoError when the file is missing or cannot be opened, and FormatError naming the
// file and the object inside it (such as "/X/indptr") for anything that breaks the layout.
// - A file without X but with a /matrix group is 10x Genomics' feature-barcode matrix
//   (filtered_feature_bc_matrix.h5, Cell Ranger 3+): genes × cells in CSC, read as
//   cells × genes with the barcodes as obs names and features/name as var names.
AnnData read_h5ad(const std::string& path, std::optional<DType> dtype = std::nullopt);

struct MuData {
  std::vector<std::string> obs_names;                       // global sample names (root obs)
  std::vector<std::pair<std::string, AnnData>> modalities;  // in the file's modality order
};

// The root obs names and every modality under /mod, each read as read_h5ad reads a file,
// in the order of the "mod-order" attribute (modalities it does not list follow, sorted
// by name), or sorted by name when there is none. Every modality must hold the same
// samples as the root obs: rows in another order are reordered to the root order; a
// modality with a sample the root lacks, or lacking one, or naming one twice, throws
// InvalidArgument naming the modality and that sample. A file whose modalities share
// features rather than samples (root attribute axis = 1) throws InvalidArgument.
MuData read_h5mu(const std::string& path, std::optional<DType> dtype = std::nullopt);

}  // namespace nmfkit::io
