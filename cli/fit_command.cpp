// `nmfkit fit INPUT --k K --out DIR`: factorise a matrix and save the model.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "checkpoint_flags.hpp"
#include "command.hpp"
#include "common.hpp"
#include "corpus_matrix.hpp"
#include "model_flags.hpp"
#include "nmf_flags.hpp"
#include "out_of_core_fit.hpp"
#include "text_flags.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/text/corpus_stream.hpp"
#include "nmfkit/text/vectorizer_file.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/dist/comm.hpp"
#include "nmfkit/dist/read_slice.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/nmf/models.hpp"
#include "nmfkit/nmf/fit_slices.hpp"
#include "nmfkit/nmf/nmf.hpp"

namespace nmfkit::cli {

namespace {

struct FitArgs {
  std::string input;
  std::string out;
  std::string dtype = "auto";
  std::string init_W;
  std::string init_H;
  std::string grid = "1d";
  std::string write_h5ad;  // a copy of an .h5ad input with the model in obsm, varm and uns
  bool out_of_core = false;
  NmfFlags nmf;
  ModelFlags family;
  MissingFlags missing;
  SelectFlags select;
  CheckpointFlags checkpoint;
  // A corpus (folder or tar archive), fitted --out-of-core only.
  CorpusFlags corpus;
  VectorizerFlags vectorizer;
  std::string vectorizer_dir;  // --vectorizer: a fixed vocabulary and weighting
  std::vector<std::string> text_flags_given;
};

// The flags that only a corpus input takes.
const std::vector<std::string> kCorpusFlags = {
    "--subset",   "--categories", "--remove",       "--encoding",      "--label-column",
    "--order",    "--part",       "--weighting",    "--stop-words",    "--min-df",
    "--max-df",   "--max-features", "--binary",     "--norm",          "--no-idf",
    "--no-smooth-idf", "--sublinear-tf", "--vectorizer"};

// Custom initial factors (--init-w, --init-h), read whole by every process.
template <class T>
std::optional<Factors<T>> custom_factors(const FitArgs& args) {
  if (args.init_W.empty() && args.init_H.empty()) return std::nullopt;
  if (args.init_W.empty() || args.init_H.empty()) {
    throw InvalidArgument("--init-w and --init-h must be given together");
  }
  return Factors<T>{dense_as<T>(read_input(args.init_W, "auto"), "--init-w"),
                    dense_as<T>(read_input(args.init_H, "auto"), "--init-h")};
}

template <class T, class Matrix>
io::NmfModel fit_model(Matrix& X, const FitArgs& args, NmfOptions options) {
  check_batch_size(args.nmf.batch_size, X.rows());
  const EntryWeights<T> weights = args.missing.weights_for(X);
  const std::optional<Factors<T>> custom = custom_factors<T>(args);
  std::optional<SparseMatrix<double>> graph;
  if (!args.family.graph.empty()) {
    graph = sample_graph(args.family.graph, X);
    options.graph = &*graph;
  }
  if (!custom && args.nmf.k_auto()) {
    if (options.model != "standard" || graph) {
      throw InvalidArgument("--k auto chooses k for the standard model only; give --k for --model " +
                            options.model + (graph ? " with --graph" : ""));
    }
    options.n_components = choose_k(X, weights, options, args.select);
  }
  const auto start = std::chrono::steady_clock::now();
  NmfResult<T> result =
      args.missing.any()
          ? fit(X, weights, options, custom ? &*custom : nullptr, interruptible_progress())
          : fit(X, options, custom ? &*custom : nullptr, interruptible_progress());
  const double seconds = seconds_since(start);
  options.graph = nullptr;  // the graph dies here; model.json records where it came from
  io::NmfModel model = model_of(std::move(result), std::move(options), args.input, seconds);
  model.graph = args.family.graph;
  return model;
}

// Under mpirun, from the rows of X this process read (no process holds X whole).
template <class T, class Matrix>
io::NmfModel fit_slice_model(dist::RowSlice<Matrix> slice, const FitArgs& args,
                             NmfOptions options) {
  check_batch_size(args.nmf.batch_size, slice.total_rows());
  const std::optional<Factors<T>> custom = custom_factors<T>(args);
  const auto start = std::chrono::steady_clock::now();
  NmfResult<T> result =
      fit(std::move(slice), options, custom ? &*custom : nullptr, interruptible_progress());
  const double seconds = seconds_since(start);
  return model_of(std::move(result), std::move(options), args.input, seconds);
}

// Whether each process can hold only its rows (read them, or get them from process 0 for
// the text formats): a fit of the standard model that needs X for nothing but the fit
// itself (--k auto, --graph and masks read X whole).
bool reads_slices(const FitArgs& args, const NmfOptions& options, const dist::Comm& world) {
  return world.size() > 1 && options.model == "standard" && args.family.graph.empty() &&
         !args.missing.any() && !args.nmf.k_auto() && args.checkpoint.dir.empty();
}

void print_summary(const std::string& description, double x_norm, const io::NmfModel& model,
                   const std::string& out) {
  const auto& o = model.options;
  std::printf("fit   %s: %s\n", model.input.c_str(), description.c_str());
  if (o.model == "deep") {
    std::string ranks;
    for (Index r : o.layer_ranks) ranks += (ranks.empty() ? "" : ",") + std::to_string(r);
    std::printf("      model deep, layer ranks %s\n", ranks.c_str());
  } else if (o.model != "standard") {
    std::printf("      model %s\n", o.model.c_str());
  }
  if (!model.graph.empty()) {
    std::printf("      graph %s, weight %g\n", model.graph.c_str(), o.graph_weight);
  }
  std::printf("      solver %s, loss %s, init %s, k %lld, seed %u\n", o.solver.c_str(),
              beta_loss_name(o.beta_loss).c_str(), to_string(model.init_used).c_str(),
              static_cast<long long>(model.H.rows()), *o.random_state);
  if (model.processes > 1) {
    std::printf("      spread over %d processes, layout %s\n", model.processes, model.grid.c_str());
  }
  std::printf("      %s after %d iterations in %.3f s\n",
              model.converged ? "converged" : "stopped at --max-iter", model.n_iter, model.seconds);
  if (x_norm < 0) {
    std::printf("      reconstruction error %.6g over the observed entries\n",
                model.reconstruction_error);
  } else if (o.beta_loss == 2.0 && x_norm > 0) {
    std::printf("      reconstruction error %.6g (%.2f%% of the norm of X)\n",
                model.reconstruction_error, 100 * model.reconstruction_error / x_norm);
  } else {
    std::printf("      reconstruction error %.6g (sqrt of 2 x beta-divergence)\n",
                model.reconstruction_error);
  }
  std::string layers;
  if (!model.layer_H.empty()) {
    const std::string L = std::to_string(model.layer_H.size());
    layers = ", W_1.npy ... W_" + L + ".npy, H_1.npy ... H_" + L + ".npy (the layers)";
  }
  std::printf("wrote %s: W.npy (%s), H.npy (%s), model.json%s%s\n", out.c_str(),
              shape_text(model.W.rows(), model.W.cols()).c_str(),
              shape_text(model.H.rows(), model.H.cols()).c_str(),
              o.model == "symmetric" ? ", communities.tsv" : "", layers.c_str());
}

// Symmetric NMF's communities: each sample's argmax over the rows of W.
void write_communities(const io::StagedDirectory& staged, const io::NmfModel& model) {
  const std::vector<int> community = model.W.visit([](const auto& W) {
    if constexpr (requires { W.outerIndexPtr(); }) {
      return std::vector<int>();  // W is always dense
    } else {
      return communities(W);
    }
  });
  std::ofstream out(staged.file("communities.tsv"));
  out << "sample\tcommunity\n";
  for (std::size_t i = 0; i < community.size(); ++i) out << i << '\t' << community[i] << '\n';
  out.flush();
  if (!out) throw IoError("cannot write " + staged.file("communities.tsv").string());
}

// The summary of an out-of-core fit, before the "wrote" line.
void print_out_of_core_fit(const io::NmfModel& model, const std::string& description) {
  print_warnings(model.warnings);
  const auto& o = model.options;
  std::printf("fit   %s: %s\n", model.input.c_str(), description.c_str());
  std::printf("      solver minibatch out of core, batch size %lld, init %s, k %lld, seed %u\n",
              static_cast<long long>(o.minibatch.batch_size), to_string(model.init_used).c_str(),
              static_cast<long long>(model.H.rows()), *o.random_state);
  std::printf("      %s after %d passes in %.3f s\n",
              model.converged ? "converged" : "stopped at --max-iter", model.n_iter, model.seconds);
  std::printf("      reconstruction error %.6g\n", model.reconstruction_error);
}

// fit CORPUS --out-of-core: the model plus what says how documents became rows.
void run_corpus_out_of_core(const FitArgs& args, NmfOptions options) {
  if (!args.vectorizer_dir.empty()) {
    for (const std::string& flag : args.text_flags_given) {
      if (flag == "--subset" || flag == "--categories" || flag == "--remove" ||
          flag == "--encoding" || flag == "--label-column" || flag == "--order" ||
          flag == "--part" || flag == "--vectorizer") {
        continue;
      }
      throw InvalidArgument(flag + " does not go with --vectorizer, whose vectorizer.json fixes "
                            "the weighting");
    }
  }
  // Both option sets are checked before the (possibly long) passes over the corpus.
  const text::CorpusOptions corpus_options = args.corpus.options();
  const text::VectorizerOptions vectorizer_options = args.vectorizer.options();
  std::string description;
  CorpusFit fitted = fit_corpus_out_of_core(
      {args.input, args.dtype, args.init_W, args.init_H, args.nmf.batch_size}, corpus_options,
      vectorizer_options, args.vectorizer_dir, std::move(options), description);
  io::NmfModel& model = fitted.model;
  model.processes = 1;
  io::ResultFolder staged(args.out, "fit");
  io::write_nmf_model(staged, model);
  io::write_lines(staged.file("vocabulary.txt").string(), fitted.vectorizer.vocabulary());
  io::write_text_file(staged.file("vectorizer.json").string(),
                      text::vectorizer_json(fitted.vectorizer));
  io::write_text_file(staged.file("documents.tsv").string(), documents_table(fitted.documents));
  staged.commit();
  print_out_of_core_fit(model, description);
  std::printf("wrote %s: W.npy (%s), H.npy (%s), model.json, vocabulary.txt (%zu terms), "
              "vectorizer.json, documents.tsv\n",
              args.out.c_str(), shape_text(model.W.rows(), model.W.cols()).c_str(),
              shape_text(model.H.rows(), model.H.cols()).c_str(),
              fitted.vectorizer.vocabulary().size());
}

// --out-of-core: only what streams by rows; each refusal names the flag that does not.
void run_out_of_core(const FitArgs& args) {
  NmfOptions options = args.nmf.options();
  args.family.apply(options);
  const auto refuse = [](const std::string& what) {
    throw InvalidArgument("--out-of-core " + what);
  };
  if (options.solver != "minibatch") refuse("needs --solver minibatch, got " + options.solver);
  if (dist::world().size() > 1) refuse("runs in one process, not under mpirun");
  if (args.missing.any()) refuse("does not take " + args.missing.describe());
  if (options.model != "standard") refuse("fits the standard model, not --model " + options.model);
  if (!args.family.graph.empty()) refuse("does not take --graph");
  if (args.nmf.k_auto() && args.init_W.empty()) refuse("needs --k (--k auto fits many models)");
  if (text::is_streamable_corpus(args.input)) return run_corpus_out_of_core(args, std::move(options));
  std::string description;
  io::NmfModel model = fit_out_of_core({args.input, args.dtype, args.init_W, args.init_H, args.nmf.batch_size},
                                       std::move(options), description);
  model.processes = 1;
  io::ResultFolder staged(args.out, "fit");
  io::write_nmf_model(staged, model);
  staged.commit();
  print_out_of_core_fit(model, description);
  std::printf("wrote %s: W.npy (%s), H.npy (%s), model.json\n", args.out.c_str(),
              shape_text(model.W.rows(), model.W.cols()).c_str(),
              shape_text(model.H.rows(), model.H.cols()).c_str());
}

// Under mpirun every process reads the input and runs the same fit, each solving its share
// of the rows (dist/distributed_operator.hpp); the first process writes the model.
void run(const FitArgs& args, const CLI::App& command) {
  const bool corpus = text::is_streamable_corpus(args.input);
  if (corpus && !args.out_of_core) {
    throw InvalidArgument("'" + args.input + "' is a corpus: fit it with --out-of-core --solver "
                          "minibatch, or vectorise it first (`nmfkit vectorize`, `nmfkit topics`)");
  }
  if (!corpus && !args.text_flags_given.empty()) {
    throw InvalidArgument(args.text_flags_given.front() +
                          " applies to a corpus (a folder or a tar archive), not to '" +
                          args.input + "'");
  }
  check_write_h5ad(args.input, args.write_h5ad);
  if (args.out_of_core) {
    if (!args.write_h5ad.empty()) {
      throw InvalidArgument("--write-h5ad loads the input; it does not go with --out-of-core");
    }
    if (!args.checkpoint.dir.empty()) {
      throw InvalidArgument("--out-of-core does not take --checkpoint (minibatch keeps no checkpoint)");
    }
    return run_out_of_core(args);
  }
  const dist::Comm& world = dist::world();
  std::vector<std::string> inputs = args.missing.files();
  inputs.insert(inputs.begin(), args.input);
  for (const std::string* file : {&args.init_W, &args.init_H})
    if (!file->empty()) inputs.push_back(*file);
  const std::unique_ptr<io::CheckpointDirectory> checkpoint =
      args.checkpoint.open(command, inputs, args.out);
  NmfOptions options = args.nmf.options();
  options.checkpoint = checkpoint.get();
  args.family.apply(options);
  if (world.size() > 1) options.comm = &world;
  options.grid = dist::parse_grid(args.grid);
  std::optional<dist::AnyRowSlice> slice;
  if (reads_slices(args, options, world)) {
    slice = dist::read_row_slice(
        args.input, args.dtype == "auto" ? std::nullopt : std::optional(parse_dtype(args.dtype)),
        options.grid, world);
  }
  const std::string how_read = slice && dist::parsed_by_first_process(args.input)
                                   ? "process 0 read it and sent each process its rows"
                                   : "each process reading its rows";
  double x_norm = 0;
  std::string description;
  io::NmfModel model;
  if (slice) {
    model = std::visit(
        [&](auto& mine) {
          using Matrix = std::decay_t<decltype(mine.rows)>;
          using T = typename Matrix::Scalar;
          constexpr bool sparse = std::is_same_v<Matrix, SparseMatrix<T>>;
          x_norm = std::sqrt(world.sum(static_cast<double>(mine.rows.squaredNorm())));
          description = shape_text(mine.total_rows(), mine.cols) + ", " +
                        (sparse ? "sparse " : "dense ") + to_string(dtype_of<T>()) + ", " +
                        how_read;
          return fit_slice_model<T>(std::move(mine), args, options);
        },
        *slice);
  } else {
    AnyMatrix X = read_input(args.input, args.dtype);
    description = describe(X);
    model = resumable(checkpoint.get(), [&] {
      return X.visit([&](auto& m) {
        using T = typename std::decay_t<decltype(m)>::Scalar;
        x_norm = args.missing.any() ? -1.0 : static_cast<double>(m.norm());
        return fit_model<T>(m, args, options);
      });
    });
  }
  model.processes = world.size();
  if (world.size() > 1) {
    const double init = model.init_seconds;
    for (const auto& [phase, seconds] : {std::pair<std::string, double>{"init", init},
                                         {"iterations", model.seconds - init},
                                         {"fit", model.seconds}}) {
      model.process_seconds.push_back(
          {phase, -world.max(-seconds), world.max(seconds), world.sum(seconds) / world.size()});
    }
  }
  if (world.rank() != 0) return;
  std::optional<io::AtomicFile> h5ad;
  if (!args.write_h5ad.empty()) {
    h5ad.emplace(args.write_h5ad);
    io::write_h5ad_with_results(args.input, io::h5ad_results(model), *h5ad);
  }
  io::ResultFolder staged(args.out, "fit");
  io::write_nmf_model(staged, model);
  if (model.options.model == "symmetric") write_communities(staged, model);
  staged.commit();
  if (h5ad) h5ad->commit();
  if (checkpoint) {
    if (checkpoint->resumed()) {
      std::printf("resumed from the checkpoint in %s\n", checkpoint->path().c_str());
    }
    checkpoint->remove();
  }
  print_warnings(model.warnings);
  print_summary(description, x_norm, model, args.out);
}

}  // namespace

void add_fit_command(CLI::App& app) {
  auto args = std::make_shared<FitArgs>();
  auto* command = app.add_subcommand(
      "fit", "Factorise a non-negative matrix X (samples × features) as W·H and save the model");
  command
      ->add_option("INPUT", args->input,
                   "matrix file: .mtx[.gz], .npy, .csv[.gz], .tsv[.gz], .h5ad (its X); with "
                   "--out-of-core also a corpus folder or tar archive, as `vectorize` reads it")
      ->required();
  command->add_option("--out", args->out, "directory for W.npy, H.npy and model.json")->required();
  args->nmf.add_to(*command, /*k_required=*/true);
  args->nmf.add_minibatch_to(*command);
  args->family.add_to(*command);
  args->missing.add_to(*command);
  args->select.add_to(*command, /*prefixed=*/true);
  add_dtype_flag(*command, args->dtype);
  command
      ->add_option("--grid", args->grid,
                   "under mpirun: how X is laid out over the processes: 1d (a row block and a "
                   "column block each), ROWSxCOLS (one block each, e.g. 2x2) or auto")
      ->capture_default_str();
  command->add_option("--write-h5ad", args->write_h5ad,
                      "also write a copy of the .h5ad input with the model added as scanpy keeps "
                      "it: obsm['X_nmf'] = W, varm['NMF_components'] = H transposed, uns['nmf'] = "
                      "model.json's content");
  command->add_flag("--out-of-core", args->out_of_core,
                    "solver minibatch: read X from INPUT a batch of rows at a time instead of "
                    "loading it (.npy float32/float64, or .h5ad with a CSR X), or vectorise a "
                    "corpus a document at a time into a temporary file (TMPDIR) and read that; "
                    "needs --init random (or custom) and the frobenius loss; the model equals "
                    "the in-memory fit's");
  command->add_option("--init-w", args->init_W, "initial W (samples × k) for --init custom");
  command->add_option("--init-h", args->init_H, "initial H (k × features) for --init custom");
  args->checkpoint.add_to(*command, /*by_default=*/false);
  args->corpus.add_to(*command);
  args->vectorizer.add_to(*command, /*with_dtype=*/false);
  command->add_option("--vectorizer", args->vectorizer_dir,
                      "a corpus: vectorise with the fixed vocabulary and weighting of this topic "
                      "model folder (vocabulary.txt, vectorizer.json) instead of learning them");
  command->callback([args, command] {
    args->text_flags_given.clear();
    for (const std::string& flag : kCorpusFlags) {
      if (command->count(flag) > 0) args->text_flags_given.push_back(flag);
    }
    run(*args, *command);
  });
}

}  // namespace nmfkit::cli
