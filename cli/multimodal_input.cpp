#include "multimodal_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "common.hpp"

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/anndata.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/text_file.hpp"
#include "nmfkit/multimodal/assemble.hpp"
#include "nmfkit/multimodal/preprocess.hpp"
#include "nmfkit/multimodal/topic_model.hpp"

namespace nmfkit::cli {

namespace {

namespace fs = std::filesystem;

bool has_suffix(const std::string& path, const std::string& suffix) {
  return path.size() >= suffix.size() &&
         path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The first column of `nmfkit vectorize`'s documents.tsv, below its header.
std::vector<std::string> document_names(const std::string& path) {
  std::vector<std::string> lines = io::read_lines(path);
  if (lines.empty()) throw FormatError(path, "line 1", "expected a header line");
  std::vector<std::string> names;
  for (std::size_t i = 1; i < lines.size(); ++i)
    names.push_back(lines[i].substr(0, lines[i].find('\t')));
  return names;
}

multimodal::ModalitySource read_source(const std::string& name, const std::string& path) {
  multimodal::ModalitySource source{{name, {}, {}}, std::nullopt, path};
  if (!fs::exists(path))
    throw IoError("modality '" + name + "': no such file or folder '" + path + "'");
  if (fs::is_directory(path)) {  // nmfkit vectorize --out DIR
    const fs::path dir(path);
    for (const char* file : {"X.mtx", "vocabulary.txt", "documents.tsv"})
      if (!fs::exists(dir / file))
        throw IoError("modality '" + name + "': folder '" + path + "' has no " + file +
                      " (expected the output of nmfkit vectorize)");
    source.modality.counts = io::read_matrix((dir / "X.mtx").string());
    source.modality.feature_names = io::read_lines((dir / "vocabulary.txt").string());
    source.sample_names = document_names((dir / "documents.tsv").string());
  } else if (has_suffix(path, ".h5ad")) {
    io::AnnData adata = io::read_h5ad(path);
    source.modality.counts = std::move(adata.X);
    source.modality.feature_names = std::move(adata.var_names);
    source.sample_names = std::move(adata.obs_names);
  } else {
    source.modality.counts = io::read_matrix(path);
  }
  return source;
}

}  // namespace

std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& flag) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InvalidArgument(flag + " '" + text + "': expected NAME=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

void ModalityFlags::add_to(CLI::App& command) {
  command.add_option("--modality", modalities,
                     "NAME=SOURCE, repeated: a matrix file (samples × features: .mtx, .npy, "
                     ".csv, .tsv), an AnnData .h5ad, or a folder written by nmfkit vectorize");
  command.add_option("--h5mu", h5mu, "a MuData .h5mu file: every modality under mod/");
  command.add_option("--features", features,
                     "NAME=FILE, repeated: feature names of a matrix-file modality, one per line");
  command.add_option("--samples", samples, "sample names, one per line (shared by all modalities)");
}

std::vector<std::string> ModalityFlags::paths() const {
  std::vector<std::string> out;
  if (!h5mu.empty()) out.push_back(h5mu);
  for (const auto& text : modalities) out.push_back(split_assignment(text, "--modality").second);
  for (const auto& text : features) out.push_back(split_assignment(text, "--features").second);
  if (!samples.empty()) out.push_back(samples);
  return out;
}

multimodal::MultiModalData ModalityFlags::read() const {
  if (modalities.empty() && h5mu.empty())
    throw InvalidArgument("no modality given: use --modality NAME=SOURCE (repeated) or --h5mu");
  std::vector<multimodal::ModalitySource> sources;
  if (!h5mu.empty()) {
    io::MuData mdata = io::read_h5mu(h5mu);
    for (auto& [name, adata] : mdata.modalities)
      sources.push_back({{name, std::move(adata.X), std::move(adata.var_names)},
                         mdata.obs_names,
                         h5mu + " (mod/" + name + ")"});
  }
  for (const auto& text : modalities) {
    const auto [name, path] = split_assignment(text, "--modality");
    sources.push_back(read_source(name, path));
  }

  std::map<std::string, std::string> feature_files;
  for (const auto& text : features) {
    const auto [name, path] = split_assignment(text, "--features");
    feature_files[name] = path;
  }
  for (const auto& [name, path] : feature_files) {
    const auto it = std::find_if(sources.begin(), sources.end(),
                                 [&](const multimodal::ModalitySource& s) { return s.modality.name == name; });
    if (it == sources.end())
      throw InvalidArgument("--features " + name + "=...: no modality named '" + name + "'");
    it->modality.feature_names = io::read_lines(path);
  }

  if (samples.empty()) return multimodal::assemble(std::move(sources));
  return multimodal::assemble(std::move(sources), io::read_lines(samples), "--samples " + samples);
}

void PreprocessFlags::add_to(CLI::App& command) {
  command
      .add_option("--tfidf", tfidf,
                  "modalities to weight by x·(ln(N/df)+1), mTopic's tf-idf (comma-separated)")
      ->delimiter(',');
  command
      .add_option("--clr", clr,
                  "modalities to transform by mTopic's CLR, log1p(x/g) (comma-separated)")
      ->delimiter(',');
  command.add_option("--scale-counts", scale_counts,
                     "then scale every modality to this total per sample (mTopic: 10000); 0: off");
}

multimodal::FittedPreprocessing PreprocessFlags::apply(multimodal::MultiModalData& data,
                                                      const Progress& progress) const {
  multimodal::PreprocessOptions options;
  options.tfidf = tfidf;
  options.clr = clr;
  options.scale_counts = scale_counts;
  return multimodal::preprocess(data, options, progress);
}

void MtmFlags::add_to(CLI::App& command) {
  command.add_option("--iterations", iterations, "mtm/smtm: VI iterations")->capture_default_str();
  command.add_option("--alpha", alpha, "mtm/smtm: Dirichlet prior on topic proportions; 0: 1/k");
  command.add_option("--eta", eta, "mtm/smtm: Dirichlet prior on topic profiles")
      ->capture_default_str();
  command.add_option("--max-iter-d", max_iter_d, "mtm/smtm: E-step iterations per sample at most")
      ->capture_default_str();
  command.add_option("--gamma-tol", gamma_tol, "mtm/smtm: E-step tolerance on mean |Δγ|")
      ->capture_default_str();
  command.add_flag("--svi", svi, "mtm: stochastic variational inference instead of full VI");
  command.add_option("--batches", svi_options.n_batches, "mtm --svi: updates")
      ->capture_default_str();
  command.add_option("--batch-size", svi_options.batch_size, "mtm --svi: samples per update")
      ->capture_default_str();
  command.add_option("--tau", svi_options.tau, "mtm --svi: step delay")->capture_default_str();
  command.add_option("--kappa", svi_options.kappa, "mtm --svi: forgetting rate, in (0.5, 1]")
      ->capture_default_str();
  command.add_option("--coords", coordinates, "smtm: samples × 2 coordinates (.npy, .csv, ...)");
  command
      .add_option("--radius", spatial.radius,
                  "smtm: neighbourhood radius, the longest axis scaled to [0, 1]")
      ->capture_default_str();
  command.add_option("--n-neighbors", spatial.n_neighbors,
                     "smtm: keep only this many nearest within the radius (0: all)");
}

multimodal::MtmOptions MtmFlags::options(int n_topics, std::optional<std::uint64_t> seed,
                                         int threads) const {
  multimodal::MtmOptions o;
  o.n_topics = n_topics;
  o.alpha = alpha;
  o.eta = eta;
  o.max_iter_d = max_iter_d;
  o.gamma_tol = gamma_tol;
  if (seed) o.seed = *seed;
  o.n_threads = threads;
  o.validate();
  if (iterations < 1)
    throw InvalidArgument("--iterations " + std::to_string(iterations) + ": expected >= 1");
  if (svi) svi_options.validate();
  spatial.validate();
  return o;
}

DenseMatrix<double> MtmFlags::read_coordinates(Index n_samples) const {
  if (coordinates.empty()) throw InvalidArgument("--model smtm needs --coords FILE");
  DenseMatrix<double> xy = dense_as<double>(io::read_matrix(coordinates), "--coords");
  if (xy.rows() != n_samples || xy.cols() != 2)
    throw InvalidArgument("--coords " + coordinates + ": " + shape_text(xy.rows(), xy.cols()) +
                          ", expected " + shape_text(n_samples, 2) + " (one x, y per sample)");
  if (!xy.allFinite()) throw InvalidArgument("--coords " + coordinates + ": not all finite");
  return xy;
}

}  // namespace nmfkit::cli
