// `nmfkit associate TARGET SOURCE --out DIR`: cross-modality feature associations (mTopic's
// feature_associations, faithful or corrected): which source features (e.g. peaks) explain
// each target feature (e.g. a gene), from the two modalities' topic loadings.

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "common.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/multimodal/associations.hpp"

namespace nmfkit::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct AssociateArgs {
  std::string target, source, out, mode = "corrected", mask, target_names, source_names;
  Index top = 10;
  std::optional<double> threshold;
  bool dense = false;
  bool no_normalize = false;
  bool progress = false;
  std::vector<std::string> targets;  // names; empty: all
  multimodal::AssociationOptions options;
};

// Topic loadings (topics × features) and the features' names.
struct Loadings {
  DenseMatrix<double> matrix;
  std::vector<std::string> names;
  std::string path;
};

DenseMatrix<double> dense_of(AnyMatrix matrix) {
  matrix.convert(DType::Float64);
  if (matrix.is_sparse()) {
    return DenseMatrix<double>(std::get<SparseMatrix<double>>(matrix.storage()));
  }
  return std::move(std::get<DenseMatrix<double>>(matrix.storage()));
}

// A matrix file, or a folder with components.npy and features.txt (as `multimodal fit`
// writes one per modality); --*-names replaces the names.
Loadings read_loadings(const std::string& path, const std::string& names_file,
                       const std::string& role) {
  Loadings out;
  out.path = path;
  std::string names_from = names_file;
  if (fs::is_directory(path)) {
    const fs::path components = fs::path(path) / "components.npy";
    if (!fs::exists(components)) {
      throw IoError(role + " folder " + path + " has no components.npy (topics × features)");
    }
    out.matrix = dense_of(io::read_matrix(components.string()));
    const fs::path features = fs::path(path) / "features.txt";
    if (names_from.empty() && fs::exists(features)) names_from = features.string();
  } else {
    out.matrix = dense_of(io::read_matrix(path));
  }
  if (!names_from.empty()) {
    out.names = io::read_lines(names_from);
    if (static_cast<Index>(out.names.size()) != out.matrix.cols()) {
      throw InvalidArgument(role + " names " + names_from + " has " +
                            std::to_string(out.names.size()) + " lines but " + path + " has " +
                            std::to_string(out.matrix.cols()) + " features (columns)");
    }
  } else {
    for (Index j = 0; j < out.matrix.cols(); ++j) out.names.push_back(std::to_string(j));
  }
  return out;
}

SparseMatrix<double> read_mask(const std::string& path, Index sources, Index targets) {
  AnyMatrix matrix = io::read_matrix(path, DType::Float64);
  if (matrix.rows() != sources || matrix.cols() != targets) {
    throw InvalidArgument("--mask " + path + " has shape (" + std::to_string(matrix.rows()) + ", " +
                          std::to_string(matrix.cols()) + ") but must be sources × targets = (" +
                          std::to_string(sources) + ", " + std::to_string(targets) + ")");
  }
  if (matrix.is_sparse()) return std::move(std::get<SparseMatrix<double>>(matrix.storage()));
  return std::get<DenseMatrix<double>>(matrix.storage()).sparseView();
}

std::string table_text(const std::vector<multimodal::AssociationRow>& rows, const Loadings& target,
                       const Loadings& source) {
  std::string out = "target\tsource\tweight\trank\n";
  for (const auto& row : rows) {
    out += target.names[row.target] + "\t" + source.names[row.source] + "\t" +
           value_text(row.weight) + "\t" + std::to_string(row.rank) + "\n";
  }
  return out;
}

json names_of(const std::vector<Index>& indices, const Loadings& target) {
  json out = json::array();
  for (Index g : indices) out.push_back(target.names[g]);
  return out;
}

json summary(const AssociateArgs& args, const Loadings& target, const Loadings& source,
             const SparseMatrix<double>* mask, const multimodal::Associations& result,
             std::size_t rows) {
  const auto& o = args.options;
  json j;
  j["mode"] = multimodal::to_string(o.mode);
  j["target"] = {
      {"input", target.path}, {"topics", target.matrix.rows()}, {"features", target.matrix.cols()}};
  j["source"] = {
      {"input", source.path}, {"topics", source.matrix.rows()}, {"features", source.matrix.cols()}};
  j["mask"] =
      mask ? json{{"input", args.mask}, {"allowed_pairs", mask->nonZeros()}} : json(nullptr);
  j["weights"] = {{"shape", {result.weights.rows(), result.weights.cols()}},
                  {"orientation",
                   "sources × targets: rows are source features, columns are "
                   "target features"},
                  {"stored", result.weights.nonZeros()}};
  j["options"] = {{"normalize", o.normalize}, {"n_threads", o.n_threads}};
  if (o.mode == multimodal::AssociationMode::Faithful) {
    j["options"].update({{"n_epochs", o.n_epochs},
                         {"lambda_reg", o.lambda_reg},
                         {"lambda_entropy", o.lambda_entropy},
                         {"lambda_spread", o.lambda_spread},
                         {"temperature", o.temperature}});
  } else {
    j["options"].update({{"tolerance", o.tolerance},
                         {"max_iterations", o.max_iterations},
                         {"min_weight", o.min_weight},
                         {"restarts", o.restarts},
                         {"single_slack", o.single_slack},
                         {"seed", o.seed}});
  }
  j["table"] = {{"rows", rows}};
  if (args.threshold) {
    j["table"]["threshold"] = *args.threshold;
  } else {
    j["table"]["top"] = args.top;
  }
  j["targets_without_source"] = names_of(result.targets_without_source, target);
  j["targets_without_signal"] = names_of(result.targets_without_signal, target);
  Index converged = 0, iterations = 0, single = 0;
  for (const auto& fit : result.fits) {
    converged += fit.converged;
    iterations += fit.iterations;
    single += fit.single_source;
  }
  if (o.mode == multimodal::AssociationMode::Corrected) {
    j["converged_targets"] = converged;
    j["single_source_targets"] = single;
  }
  j["iterations"] = iterations;
  j["seconds"] = result.seconds;
  return j;
}

void run(AssociateArgs& args) {
  args.options.mode = multimodal::parse_association_mode(args.mode);
  args.options.normalize = !args.no_normalize;
  args.options.validate();
  multimodal::TableOptions table;
  table.top = args.top;
  table.threshold = args.threshold;
  if (table.top < 0)
    throw InvalidArgument("--top must be >= 0 (0: all), got " + std::to_string(table.top));
  if (table.threshold && !(*table.threshold >= 0 && std::isfinite(*table.threshold))) {
    throw InvalidArgument("--threshold must be a finite number >= 0, got " +
                          value_text(*table.threshold));
  }

  const Loadings target = read_loadings(args.target, args.target_names, "target");
  const Loadings source = read_loadings(args.source, args.source_names, "source");
  std::optional<SparseMatrix<double>> mask;
  if (!args.mask.empty()) mask = read_mask(args.mask, source.matrix.cols(), target.matrix.cols());

  for (const auto& name : args.targets) {
    const auto it = std::find(target.names.begin(), target.names.end(), name);
    if (it == target.names.end())
      throw InvalidArgument("--targets: no target feature named '" + name + "'");
    args.options.targets.push_back(static_cast<Index>(it - target.names.begin()));
  }
  const Progress progress = stderr_progress(args.progress);
  const multimodal::Associations result = multimodal::associate(
      target.matrix, source.matrix, mask ? &*mask : nullptr, args.options, progress);
  const auto rows = multimodal::association_table(result, table);

  io::ResultFolder staged(args.out, "associate");
  io::write_text_file(staged.file("associations.tsv").string(), table_text(rows, target, source));
  if (args.dense) {
    io::write_npy(staged.file("associations.npy").string(),
                  AnyMatrix(DenseMatrix<double>(result.weights)));
  }
  io::write_text_file(
      staged.file("associations.json").string(),
      summary(args, target, source, mask ? &*mask : nullptr, result, rows.size()).dump(2) + "\n");
  staged.commit();

  std::printf("associate %s ← %s (%s): %lld targets, %lld sources, %lld topics in %.2f s\n",
              args.target.c_str(), args.source.c_str(), args.mode.c_str(),
              static_cast<long long>(target.matrix.cols()),
              static_cast<long long>(source.matrix.cols()),
              static_cast<long long>(target.matrix.rows()), result.seconds);
  if (!result.targets_without_source.empty()) {
    std::printf("  %zu targets have no allowed source (zero columns)\n",
                result.targets_without_source.size());
  }
  std::printf("wrote %s: associations.tsv (%zu rows)%s, associations.json\n", args.out.c_str(),
              rows.size(), args.dense ? ", associations.npy" : "");
}

}  // namespace

void add_associate_command(CLI::App& app) {
  auto args = std::make_shared<AssociateArgs>();
  auto* command = app.add_subcommand(
      "associate",
      "Cross-modality feature associations (mTopic's feature_associations): each target "
      "feature as a mixture of source features, from their topic loadings");
  command
      ->add_option("TARGET", args->target,
                   "target modality: topics × features matrix (.npy, .mtx, .csv, .tsv) or a "
                   "folder with components.npy and features.txt")
      ->required();
  command->add_option("SOURCE", args->source, "source modality, the same kinds as TARGET")
      ->required();
  command->add_option("--out", args->out, "directory for associations.tsv, .json (and .npy)")
      ->required();
  command
      ->add_option("--mode", args->mode,
                   "faithful: mTopic's definition exactly; corrected: a proper KL fitted to "
                   "convergence (docs/associations.md)")
      ->check(CLI::IsMember({"faithful", "corrected"}))
      ->capture_default_str();
  command->add_option("--mask", args->mask,
                      "allowed pairs, sources × targets (a stored non-zero allows the pair)");
  auto* top = command->add_option("--top", args->top, "per target, the N largest weights (0: all)")
                  ->capture_default_str();
  auto* threshold = command->add_option("--threshold", args->threshold,
                                        "per target, every weight >= X (instead of --top)");
  top->excludes(threshold);
  command->add_flag("--dense", args->dense,
                    "also write associations.npy, the dense sources × targets weights");
  auto& o = args->options;
  command->add_option("--n-epochs", o.n_epochs, "faithful: Adam steps per target")
      ->capture_default_str();
  command->add_option("--temperature", o.temperature, "faithful: softmax temperature")
      ->capture_default_str();
  command->add_option("--lambda-reg", o.lambda_reg, "faithful: sparsity terms' weight")
      ->capture_default_str();
  command->add_option("--lambda-entropy", o.lambda_entropy, "faithful: entropy term's weight")
      ->capture_default_str();
  command->add_option("--lambda-spread", o.lambda_spread, "faithful: spread term's weight")
      ->capture_default_str();
  command
      ->add_option("--tolerance", o.tolerance,
                   "corrected: stop when an EM step lowers the cross-entropy by less (relative)")
      ->capture_default_str();
  command->add_option("--max-iterations", o.max_iterations, "corrected: EM iterations per start")
      ->capture_default_str();
  command
      ->add_option("--min-weight", o.min_weight,
                   "corrected: sources with a smaller share are pruned (0: none)")
      ->capture_default_str();
  command->add_option("--restarts", o.restarts, "corrected: random starts per target")
      ->capture_default_str();
  command
      ->add_option("--single-slack", o.single_slack,
                   "corrected: report the best single source alone when its KL is at most this "
                   "(nats): it reproduces the target")
      ->capture_default_str();
  command->add_flag("--no-normalize", args->no_normalize,
                    "do not divide each topic's loadings (rows) by their sum");
  command->add_option("--seed", o.seed, "corrected: seed of the random starts")
      ->capture_default_str();
  command->add_option("--threads", o.n_threads, "threads (0: all cores)")->capture_default_str();
  command
      ->add_option("--targets", args->targets,
                   "only these target features, by name (comma-separated); default: all")
      ->delimiter(',');
  command->add_flag("--progress", args->progress,
                    "kept for older scripts: the targets done now print on stderr anyway "
                    "(a bar on a terminal, a line per tenth elsewhere; --quiet: none)");
  command->add_option("--target-names", args->target_names,
                      "target feature names, one per line (default: features.txt or indices)");
  command->add_option("--source-names", args->source_names,
                      "source feature names, one per line (default: features.txt or indices)");
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
