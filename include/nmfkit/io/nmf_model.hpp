#pragma once
// An NMF model on disk: a directory holding W.npy, H.npy and model.json (the options,
// shapes, outcome and a format version), and a deep model's layers. Written atomically; read back by `transform`.

#include <optional>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/io/anndata_writer.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/nmf/options.hpp"

namespace nmfkit::io {

inline constexpr int kModelFormatVersion = 1;

struct NmfModel {
  NmfOptions options;           // as given (random_state is the seed actually used)
  Init init_used = Init::Auto;  // the initialisation after scikit-learn's default rule
  AnyMatrix W;                  // n_samples × k, dense
  AnyMatrix H;                  // k × n_features, dense: the components
  double reconstruction_error = 0;
  int n_iter = 0;
  bool converged = true;
  std::vector<std::string> warnings;
  std::string input;        // where X came from, for the record
  double seconds = 0;       // wall time of the fit
  std::string solver_used;  // the solver that ran ('auto' resolved); empty in old models
  double init_seconds = 0;  // time of the initialisation, part of `seconds`
  int processes = 1;        // the processes the fit was spread over (MPI)
  std::string grid = "1d";  // their layout of X (dist/grid.hpp): "1d" or "RxC"
  // With several processes, each phase's wall time over the processes.
  struct PhaseSeconds {
    std::string phase;  // "init", "iterations", "fit"
    double min = 0, max = 0, mean = 0;
  };
  std::vector<PhaseSeconds> process_seconds;
  // The seam solvers: the objective after each iteration, the solver's time to it, and
  // (scd) the KKT residual of H.
  std::vector<double> objective_history;
  std::vector<double> iteration_seconds;
  std::vector<double> kkt_history;
  std::string graph;  // GNMF: where the sample graph came from (a file, knn:K); empty: none
  // Deep NMF (nmf/models.hpp): every layer's codes and components, first to last, written as
  // W_1.npy … W_L.npy and H_1.npy … H_L.npy beside W.npy (= W_L) and H.npy (= H_L···H_1).
  std::vector<AnyMatrix> layer_W;
  std::vector<AnyMatrix> layer_H;
};

// Writes DIR/W.npy, DIR/H.npy, DIR/model.json and the folder's result.json (of `kind`, the
// command that fitted it) through a staging directory, so a failure leaves nothing behind.
void save_nmf_model(const std::string& directory, const NmfModel& model,
                    const std::string& kind = "fit");

// Writes the model's files into a directory that holds other results too (a topic
// model's); W goes to `W_file`, which model.json records.
void write_nmf_model(const StagedDirectory& staged, const NmfModel& model,
                     const std::string& W_file = "W.npy");

// Reads a model directory back. Throws IoError for missing files and FormatError for a
// model.json of another format, a newer format version, or shapes that do not match.
NmfModel load_nmf_model(const std::string& directory);

// The model as scanpy keeps one: obsm["X_nmf"] = W, varm["NMF_components"] = Hᵀ and
// uns["nmf"] = model.json's content (options, error, iterations, history), for
// write_h5ad_with_results.
H5adResults h5ad_results(const NmfModel& model);

}  // namespace nmfkit::io
