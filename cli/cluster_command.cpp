// `nmfkit cluster INPUT [--embedding W.npy] --out DIR`: cluster samples by their topics with
// every parameter chosen without labels (kNN graph, noise2self loss, Leiden). Also the
// shared pieces behind `nmfkit topics --cluster` (cluster_flags.hpp).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "checkpoint_flags.hpp"
#include "cluster_flags.hpp"
#include "command.hpp"
#include "report_flags.hpp"
#include "common.hpp"
#include "nmfkit/cluster/agreement.hpp"
#include "nmfkit/cluster/cluster_topics.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/anndata_writer.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/nmf_model.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/report/line_plot.hpp"
#include "nmfkit/report/principal_coordinates.hpp"

namespace nmfkit::cli {

namespace fs = std::filesystem;
using nlohmann::json;

void ClusterFlags::add_to(CLI::App& command) {
  command.add_option("--metric", metric, "how topic vectors are compared: cosine, euclidean (on proportions), hellinger")
      ->check(CLI::IsMember({"cosine", "euclidean", "hellinger"}))
      ->capture_default_str();
  command.add_option("--weighting", weighting, "edge weights: exp (DEWAKSS), inverse (1/d), binary")
      ->check(CLI::IsMember({"exp", "inverse", "binary"}))
      ->capture_default_str();
  command.add_option("--neighbors", neighbors,
                     "neighbour counts tried (default 5,7,10,15,20,30,50,75,100 below n)")
      ->delimiter(',');
  command.add_option("--steps", steps, "diffusion steps tried, 1 to 3 (1: no diffusion)")
      ->capture_default_str();
  command.add_flag("--symmetrize-kernel", symmetrize_kernel,
                   "score the symmetrised kNN graph instead of each sample's own neighbours");
  command.add_option("--resolutions", resolutions,
                     "Leiden resolutions tried (default 20 log-spaced from 0.05 to 5)")
      ->delimiter(',');
  command.add_option("--partition-loss", criterion,
                     "what chooses the resolution: both (the masked-kernel loss plus the leave-one-out "
                     "cluster-mean loss), kernel or centroid alone; auto: both, or kernel when the "
                     "data are the embedding itself")
      ->check(CLI::IsMember({"auto", "both", "kernel", "centroid"}))
      ->capture_default_str();
  command.add_option("--seeds", seeds, "Leiden runs per resolution")->capture_default_str();
  command.add_option("--seed", seed, "seed of the first Leiden run (runs use seed, seed+1, ...)")
      ->capture_default_str();
  command.add_option("--beta", beta, "randomness of Leiden's refinement step")->capture_default_str();
  command.add_option("--knn", knn, "neighbour search: auto (exact up to 50000 samples), exact, hnsw")
      ->check(CLI::IsMember({"auto", "exact", "hnsw"}))
      ->capture_default_str();
  command.add_option("--data-transform", transform,
                     "variance stabilisation of the data before the loss: sqrt, log1p, none")
      ->check(CLI::IsMember({"sqrt", "log1p", "none"}))
      ->capture_default_str();
  command.add_flag("--no-scale-rows", no_scale_rows,
                   "do not scale each data row to the median row sum before the transform");
}

cluster::ClusterOptions ClusterFlags::options() const {
  cluster::ClusterOptions o;
  o.metric = cluster::parse_metric(metric);
  o.weighting = cluster::parse_weighting(weighting);
  o.neighbors = neighbors;
  o.max_steps = steps;
  o.symmetrize_kernel = symmetrize_kernel;
  o.resolutions = resolutions;
  // auto: resolved by the caller, which knows whether the data are the embedding itself.
  o.criterion = cluster::parse_partition_criterion(criterion == "auto" ? "both" : criterion);
  o.seeds = seeds;
  o.seed = seed;
  o.beta = beta;
  o.knn.method = cluster::parse_knn_method(knn);
  // Bad values fail here, before any work (n is checked again once known).
  o.validate(std::numeric_limits<Index>::max());
  return o;
}

cluster::StabilizeOptions ClusterFlags::stabilize_options() const {
  cluster::StabilizeOptions o;
  o.transform = cluster::parse_stabilizer(transform);
  o.scale_rows = !no_scale_rows;
  return o;
}

namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string number(double value) {
  if (!std::isfinite(value)) return "NA";
  return format("%.9g", value);
}

// The rows of W (scaled by the topics' column scale, as the clustering sees them) as
// shares summing to one, so that the 2-D view shows topic make-up, not document length.
DenseMatrix<double> topic_proportions(const DenseMatrix<double>& W, const std::vector<double>& column_scale) {
  DenseMatrix<double> p = W.cwiseMax(0.0);
  if (static_cast<Index>(column_scale.size()) == p.cols()) {
    for (Index t = 0; t < p.cols(); ++t) p.col(t) *= column_scale[static_cast<std::size_t>(t)];
  }
  for (Index i = 0; i < p.rows(); ++i) {
    const double sum = p.row(i).sum();
    if (sum > 0) p.row(i) /= sum;
  }
  return p;
}

std::string range_text(const std::vector<int>& grid) {
  std::string out;
  for (const int k : grid) out += (out.empty() ? "" : ",") + std::to_string(k);
  return out;
}

}  // namespace

ClusterRun run_clustering(const DenseMatrix<double>& W, const SparseMatrix<double>& Y,
                          const cluster::ClusterOptions& options, const std::vector<int>& labels,
                          const json& sources, const Progress& progress) {
  if (!labels.empty() && static_cast<Index>(labels.size()) != W.rows()) {
    throw InvalidArgument("there are " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(W.rows()) + " samples");
  }
  ClusterRun run;
  cluster::ClusterOptions with_partitions = options;
  with_partitions.keep_partitions = !labels.empty();
  run.result = cluster::cluster_samples(W, Y, with_partitions, progress);
  run.coordinates = report::principal_coordinates(topic_proportions(W, options.column_scale));
  const auto& r = run.result;
  if (!labels.empty()) {
    std::vector<int> kept_labels;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!std::binary_search(r.dropped.begin(), r.dropped.end(), static_cast<Index>(i)))
        kept_labels.push_back(labels[i]);
    }
    for (auto& score : run.result.resolution_grid) {
      run.run_label_nmi.push_back(cluster::normalized_mutual_information(kept_labels, score.membership));
      score.membership = {};
    }
  }

  std::vector<int> neighbor_grid;
  for (const auto& s : r.neighbor_grid) {
    if (s.steps == 1) neighbor_grid.push_back(s.neighbors);
  }
  std::vector<double> resolution_grid;
  for (const auto& s : r.resolution_grid) {
    if (resolution_grid.empty() || resolution_grid.back() != s.resolution) resolution_grid.push_back(s.resolution);
  }
  const Index kept = W.rows() - static_cast<Index>(r.dropped.size());
  json& s = run.summary;
  s["samples"] = W.rows();
  s["clustered_samples"] = kept;
  s["dropped_zero_rows"] = r.dropped;
  s["sources"] = sources;
  s["parameters"] = {{"neighbors", r.neighbors},
                     {"steps", r.steps},
                     {"resolution", r.resolution},
                     {"metric", cluster::to_string(options.metric)},
                     {"weighting", cluster::to_string(options.weighting)},
                     {"symmetrize_kernel", options.symmetrize_kernel},
                     {"knn", cluster::to_string(options.knn.method)},
                     {"seeds", options.seeds},
                     {"first_seed", options.seed},
                     {"kept_seed", r.seed},
                     {"beta", options.beta}};
  s["grids"] = {{"neighbors", neighbor_grid}, {"steps", options.max_steps}, {"resolutions", resolution_grid}};
  s["clusters"] = r.clusters;
  s["cluster_sizes"] = r.sizes;
  s["modularity"] = r.modularity;
  s["seed_agreement"] = {{"nmi", r.seed_nmi}, {"ari", r.seed_ari}};
  s["loss"] = {{"knn_kernel", r.knn_loss.loss},
               {"partition_kernel", r.partition_loss},
               {"partition_kernel_mean_over_seeds", r.mean_partition_loss},
               {"criterion", cluster::to_string(options.criterion)},
               {"criterion_mean_over_seeds", r.mean_criterion},
               {"predict_zero", r.knn_loss.baseline},
               {"knn_kernel_r2", r.knn_loss.r2},
               {"scored_rows", r.knn_loss.rows_used}};
  std::optional<std::array<double, 3>> scores;
  if (!labels.empty()) {
    scores = std::array<double, 3>{cluster::normalized_mutual_information(labels, r.membership),
                                   cluster::adjusted_rand_index(labels, r.membership),
                                   cluster::purity(labels, r.membership)};
    s["label_scores"] = {{"nmi", (*scores)[0]}, {"ari", (*scores)[1]}, {"purity", (*scores)[2]}};
  }
  s["seconds"] = {{"knn", r.knn_seconds}, {"neighbors", r.neighbor_seconds}, {"leiden", r.leiden_seconds}};

  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "cluster    %lld samples, %lld clustered", static_cast<long long>(W.rows()),
                static_cast<long long>(kept));
  out << line;
  if (!r.dropped.empty()) out << " (" << r.dropped.size() << " with an all-zero embedding: cluster -1)";
  out << "\n";
  std::snprintf(line, sizeof line, "kNN        %s, up to %d neighbours, %s metric, in %.2f s\n",
                (options.knn.method == cluster::KnnMethod::Hnsw ||
                 (options.knn.method == cluster::KnnMethod::Auto && kept > options.knn.exact_limit))
                    ? "hnsw"
                    : "exact",
                neighbor_grid.empty() ? 0 : neighbor_grid.back(), cluster::to_string(options.metric).c_str(),
                r.knn_seconds);
  out << line;
  std::snprintf(line, sizeof line,
                "neighbours %d (of %s), %d step%s: noise2self loss %.6g (predicting 0: %.6g, R² %.3f) in %.2f s\n",
                r.neighbors, range_text(neighbor_grid).c_str(), r.steps, r.steps == 1 ? "" : "s",
                r.knn_loss.loss, r.knn_loss.baseline, r.knn_loss.r2, r.neighbor_seconds);
  out << line;
  std::snprintf(line, sizeof line,
                "leiden     resolution %.4g (of %zu, %d seeds each): %d clusters, modularity %.4f, "
                "%s loss %.6g (masked kernel %.6g); seeds agree NMI %.3f, ARI %.3f; in %.2f s\n",
                r.resolution, resolution_grid.size(), options.seeds, r.clusters, r.modularity,
                cluster::to_string(options.criterion).c_str(), r.mean_criterion, r.partition_loss,
                r.seed_nmi, r.seed_ari, r.leiden_seconds);
  out << line;
  out << "sizes     ";
  for (std::size_t c = 0; c < r.sizes.size() && c < 30; ++c) out << " " << r.sizes[c];
  if (r.sizes.size() > 30) out << " ...";
  out << "\n";
  if (scores) {
    std::snprintf(line, sizeof line, "clusters vs label: NMI %.3f, ARI %.3f, purity %.3f\n", (*scores)[0],
                  (*scores)[1], (*scores)[2]);
    out << line;
  }
  run.report = out.str();
  return run;
}

namespace {

std::string clusters_table(const ClusterRun& run, const std::vector<std::string>& names) {
  std::string out = "sample\tcluster\n";
  const auto& m = run.result.membership;
  for (std::size_t i = 0; i < m.size(); ++i) {
    out += (names.empty() ? std::to_string(i) : names[i]) + "\t" + std::to_string(m[i]) + "\n";
  }
  return out;
}

std::string coordinates_table(const ClusterRun& run, const std::vector<std::string>& names) {
  std::string out = "sample\tpc1\tpc2\n";
  const auto& c = run.coordinates;
  for (Index i = 0; i < c.rows(); ++i) {
    out += (names.empty() ? std::to_string(i) : names[static_cast<std::size_t>(i)]) + "\t" +
           format("%.6g", c(i, 0)) + "\t" + format("%.6g", c(i, 1)) + "\n";
  }
  return out;
}

std::string tuning_table(const ClusterRun& run) {
  std::string out =
      "stage\tneighbors\tsteps\tresolution\tseed\tclusters\tloss\tpredict_zero\tr2\tcentroid_loss\t"
      "criterion\tmodularity\tisolated\trounds\tlabel_nmi\n";
  const auto& r = run.result;
  for (const auto& s : r.neighbor_grid) {
    out += "neighbors\t" + std::to_string(s.neighbors) + "\t" + std::to_string(s.steps) + "\tNA\tNA\tNA\t" +
           number(s.loss.loss) + "\t" + number(s.loss.baseline) + "\t" + number(s.loss.r2) + "\tNA\tNA\tNA\t" +
           std::to_string(s.loss.empty_rows) + "\tNA\tNA\n";
  }
  for (std::size_t g = 0; g < r.resolution_grid.size(); ++g) {
    const auto& s = r.resolution_grid[g];
    out += "resolution\t" + std::to_string(r.neighbors) + "\t" + std::to_string(r.steps) + "\t" +
           number(s.resolution) + "\t" + std::to_string(s.seed) + "\t" + std::to_string(s.clusters) + "\t" +
           number(s.loss) + "\t" + number(r.knn_loss.baseline) + "\tNA\t" + number(s.centroid_loss) + "\t" +
           number(s.criterion) + "\t" + number(s.modularity) + "\t" + std::to_string(s.isolated) + "\t" + std::to_string(s.rounds) + "\t" +
           (run.run_label_nmi.empty() ? std::string("NA") : number(run.run_label_nmi[g])) + "\n";
  }
  return out;
}

// Two line plots stacked in one SVG document.
std::string loss_svg(const ClusterRun& run) {
  const auto& r = run.result;
  std::map<int, report::PlotSeries> by_steps;
  for (const auto& s : r.neighbor_grid) {
    auto& series = by_steps[s.steps];
    series.label = std::to_string(s.steps) + (s.steps == 1 ? " step" : " steps");
    series.x.push_back(s.neighbors);
    series.y.push_back(s.loss.loss);
  }
  std::vector<report::PlotSeries> top;
  for (auto& [steps, series] : by_steps) top.push_back(std::move(series));
  report::LinePlotOptions top_options;
  top_options.title = "noise2self loss of the kNN kernel (chosen: " + std::to_string(r.neighbors) + " neighbours)";
  top_options.x_label = "neighbours";
  top_options.y_label = "loss";

  report::PlotSeries mean{"partition-masked kernel, mean over seeds", {}, {}, true, ""};
  report::PlotSeries centroid{"leave-one-out cluster mean, mean over seeds", {}, {}, true, "#cc6600"};
  report::PlotSeries knn{"kNN kernel without the partition", {}, {}, false, "#888888"};
  std::map<double, std::array<double, 3>> sums;
  for (const auto& s : r.resolution_grid) {
    sums[s.resolution][0] += s.loss;
    sums[s.resolution][1] += s.centroid_loss;
    sums[s.resolution][2] += 1;
  }
  for (const auto& [gamma, sum] : sums) {
    mean.x.push_back(std::log10(gamma));
    mean.y.push_back(sum[0] / sum[2]);
    centroid.x.push_back(std::log10(gamma));
    centroid.y.push_back(sum[1] / sum[2]);
    knn.x.push_back(std::log10(gamma));
    knn.y.push_back(r.knn_loss.loss);
  }
  report::LinePlotOptions bottom_options;
  bottom_options.title = "loss against Leiden's resolution (chosen: " + format("%.4g", r.resolution) + ")";
  bottom_options.x_label = "log10 resolution";
  bottom_options.y_label = "loss";

  auto body = [](std::string svg) {
    const auto start = svg.find("<svg");
    return start == std::string::npos ? svg : svg.substr(start);
  };
  const int width = top_options.width;
  const int height = top_options.height;
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + std::to_string(width) +
         "\" height=\"" + std::to_string(2 * height) + "\">\n";
  svg += "<g>\n" + body(report::line_plot_svg(top, top_options)) + "</g>\n";
  std::string second = body(report::line_plot_svg({mean, centroid, knn}, bottom_options));
  second.insert(4, " y=\"" + std::to_string(height) + "\"");
  svg += "<g>\n" + second + "</g>\n</svg>\n";
  return svg;
}

}  // namespace

void write_clustering(const io::StagedDirectory& staged, const ClusterRun& run,
                      const std::vector<std::string>& names) {
  io::write_text_file(staged.file("clusters.tsv").string(), clusters_table(run, names));
  io::write_text_file(staged.file("coordinates.tsv").string(), coordinates_table(run, names));
  io::write_text_file(staged.file("tuning.tsv").string(), tuning_table(run));
  io::write_text_file(staged.file("loss.svg").string(), loss_svg(run));
}

namespace {

struct ClusterArgs {
  std::string input;
  std::string embedding;
  std::string labels;
  std::string out;
  std::string write_h5ad;  // a copy of an .h5ad input with the clusters in obs
  ClusterFlags flags;
  CheckpointFlags checkpoint;
  bool no_report = false;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

// A table with a header (documents.tsv): the named column, or nothing when it is absent.
std::vector<std::string> tsv_column(const std::string& path, const std::string& column) {
  const auto lines = io::read_lines(path);
  if (lines.empty()) return {};
  const auto header = split_tabs(lines[0]);
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return {};
  const auto index = static_cast<std::size_t>(at - header.begin());
  std::vector<std::string> out;
  for (std::size_t l = 1; l < lines.size(); ++l) {
    const auto fields = split_tabs(lines[l]);
    if (fields.size() <= index) throw FormatError::at_line(path, static_cast<std::int64_t>(l + 1), "no column '" + column + "'");
    out.push_back(fields[index]);
  }
  return out;
}

// --labels: a .tsv with a 'label' column, else one label per line.
std::vector<std::string> read_label_file(const std::string& path) {
  if (path.size() > 4 && path.substr(path.size() - 4) == ".tsv") {
    auto column = tsv_column(path, "label");
    if (column.empty()) throw FormatError::at_line(path, 1, "a header with a 'label' column");
    return column;
  }
  return io::read_lines(path);
}

std::vector<int> label_ids(const std::vector<std::string>& labels) {
  std::map<std::string, int> ids;
  std::vector<int> out;
  for (const auto& label : labels) out.push_back(ids.emplace(label, static_cast<int>(ids.size())).first->second);
  return out;
}

SparseMatrix<double> as_sparse(AnyMatrix matrix) {
  matrix.convert(DType::Float64);
  if (auto* sparse = std::get_if<SparseMatrix<double>>(&matrix.storage())) return std::move(*sparse);
  SparseMatrix<double> out = std::get<DenseMatrix<double>>(matrix.storage()).sparseView();
  out.makeCompressed();
  return out;
}

void run(const ClusterArgs& args, const CLI::App& command) {
  check_write_h5ad(args.input, args.write_h5ad);
  const cluster::ClusterOptions options = args.flags.options();
  std::vector<std::string> inputs = {args.input};
  for (const std::string* file : {&args.embedding, &args.labels})
    if (!file->empty()) inputs.push_back(*file);
  const std::unique_ptr<io::CheckpointDirectory> checkpoint =
      args.checkpoint.open(command, inputs, args.out);
  const cluster::StabilizeOptions stabilize = args.flags.stabilize_options();
  DenseMatrix<double> W;
  std::optional<AnyMatrix> X;
  std::vector<double> column_scale;
  std::vector<std::string> names;
  std::vector<std::string> labels;
  json sources;
  if (fs::is_directory(args.input)) {
    // A model directory from `fit` or `topics`.
    io::NmfModel model = io::load_nmf_model(args.input);
    W = dense_as<double>(std::move(model.W), "W");
    const DenseMatrix<double> H = dense_as<double>(std::move(model.H), "H");
    column_scale = cluster::topic_scale(H);
    sources["embedding"] = args.input + " (W scaled by the row sums of H)";
    const fs::path matrix = fs::path(args.input) / "X.mtx";
    if (fs::exists(matrix)) {
      X = read_input(matrix.string(), "float64");
      sources["data"] = matrix.string();
    }
    const fs::path documents = fs::path(args.input) / "documents.tsv";
    if (fs::exists(documents)) {
      names = tsv_column(documents.string(), "document");
      labels = tsv_column(documents.string(), "label");
    }
  } else {
    X = read_input(args.input, "float64");
    sources["data"] = args.input;
  }
  if (!args.embedding.empty()) {
    W = dense_as<double>(read_input(args.embedding, "float64"), "--embedding");
    column_scale.clear();
    sources["embedding"] = args.embedding;
  } else if (!fs::is_directory(args.input)) {
    W = dense_as<double>(*X, "INPUT without --embedding (it is then the embedding)");
    sources["embedding"] = args.input;
  }
  if (!X) sources["data"] = "the embedding itself";
  sources["data_transform"] = args.flags.transform;
  sources["data_rows_scaled_to_median_sum"] = stabilize.scale_rows;
  if (!args.labels.empty()) labels = read_label_file(args.labels);
  if (!labels.empty() && static_cast<Index>(labels.size()) != W.rows()) {
    throw InvalidArgument("--labels has " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(W.rows()) + " samples");
  }
  if (!names.empty() && static_cast<Index>(names.size()) != W.rows()) names.clear();

  cluster::ClusterOptions o = options;
  o.column_scale = column_scale;
  const bool data_is_embedding = !X || (args.embedding.empty() && !fs::is_directory(args.input));
  if (args.flags.criterion == "auto") o.criterion = cluster::default_criterion(data_is_embedding);
  const SparseMatrix<double> Y = cluster::stabilize(X ? as_sparse(*X) : SparseMatrix<double>(W.sparseView()), stabilize);
  o.checkpoint = checkpoint.get();
  ClusterRun result = resumable(checkpoint.get(), [&] {
    return run_clustering(W, Y, o, label_ids(labels), sources, interruptible_progress());
  });

  std::optional<io::AtomicFile> h5ad;
  if (!args.write_h5ad.empty()) {
    // The clusters as a categorical column of obs ("none" for samples left out), the
    // summary in uns.
    io::H5adResults annotations;
    std::vector<std::string> clusters;
    for (const int c : result.result.membership) clusters.push_back(c < 0 ? "none" : std::to_string(c));
    annotations.obs_labels.emplace_back("nmf_cluster", std::move(clusters));
    annotations.uns_key = "nmf_cluster";
    annotations.uns_json = result.summary.dump();
    h5ad.emplace(args.write_h5ad);
    io::write_h5ad_with_results(args.input, annotations, *h5ad);
  }
  io::ResultFolder staged(args.out, "cluster");
  write_clustering(staged, result, names);
  io::write_text_file(staged.file("summary.json").string(), result.summary.dump(2) + "\n");
  write_staged_report(staged, args.no_report);
  staged.commit();
  if (h5ad) h5ad->commit();
  std::fputs(result.report.c_str(), stdout);
  std::printf("wrote %s: clusters.tsv, coordinates.tsv, tuning.tsv, summary.json, loss.svg%s\n", args.out.c_str(),
              args.no_report ? "" : ", report.html");
  if (checkpoint) {
    if (checkpoint->resumed())
      std::printf("resumed from the checkpoint in %s\n", checkpoint->path().c_str());
    checkpoint->remove();
  }
}

}  // namespace

void add_cluster_command(CLI::App& app) {
  auto args = std::make_shared<ClusterArgs>();
  auto* command = app.add_subcommand(
      "cluster",
      "Cluster samples by their topics (kNN graph + Leiden), choosing the neighbour count and "
      "resolution without labels by the noise2self loss");
  command
      ->add_option("INPUT", args->input,
                   "the data X (.mtx, .npy, .csv, .tsv) whose rows are the samples, or a model "
                   "directory from fit/topics (W, H; X.mtx and documents.tsv when present)")
      ->required();
  command->add_option("--embedding", args->embedding,
                      "samples × topics matrix (e.g. W.npy); default: INPUT's model W, or INPUT itself");
  command->add_option("--labels", args->labels,
                      "reference labels for NMI/ARI: one per line, or a .tsv with a 'label' column");
  command->add_option("--write-h5ad", args->write_h5ad,
                      "also write a copy of the .h5ad INPUT with the clusters as "
                      "obs['nmf_cluster'] (categorical; 'none' for samples left out) and "
                      "summary.json's content as uns['nmf_cluster']");
  command->add_option("--out", args->out, "directory for clusters.tsv, coordinates.tsv, tuning.tsv, summary.json, loss.svg, report.html")
      ->required();
  args->flags.add_to(*command);
  args->checkpoint.add_to(*command, /*by_default=*/false);
  add_no_report_flag(*command, args->no_report);
  command->callback([args, command] { run(*args, *command); });
}

}  // namespace nmfkit::cli
