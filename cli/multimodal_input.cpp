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
#include "nmfkit/multimodal/preprocess.hpp"

namespace nmfkit::cli {

namespace {

namespace fs = std::filesystem;

struct Source {
  multimodal::Modality modality;
  std::optional<std::vector<std::string>> sample_names;  // when the source carries them
  std::string origin;                                    // for error messages
};

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

Source read_source(const std::string& name, const std::string& path) {
  Source source{{name, {}, {}}, std::nullopt, path};
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

std::vector<std::string> numbered(const std::string& prefix, Index n) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

void check_same_samples(const std::vector<std::string>& expected, const std::string& expected_from,
                        const std::vector<std::string>& found, const std::string& found_from) {
  if (found.size() != expected.size())
    throw InvalidArgument(found_from + " has " + std::to_string(found.size()) + " samples but " +
                          expected_from + " has " + std::to_string(expected.size()));
  for (std::size_t i = 0; i < found.size(); ++i)
    if (found[i] != expected[i])
      throw InvalidArgument(found_from + " names sample " + std::to_string(i) + " '" + found[i] +
                            "' but " + expected_from + " names it '" + expected[i] +
                            "': the modalities must list the same samples in the same order");
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
  std::vector<Source> sources;
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
                                 [&](const Source& s) { return s.modality.name == name; });
    if (it == sources.end())
      throw InvalidArgument("--features " + name + "=...: no modality named '" + name + "'");
    it->modality.feature_names = io::read_lines(path);
  }

  multimodal::MultiModalData data;
  std::string samples_from;
  if (!samples.empty()) {
    data.sample_names = io::read_lines(samples);
    samples_from = "--samples " + samples;
  }
  for (auto& source : sources) {
    auto& m = source.modality;
    if (m.feature_names.empty()) m.feature_names = numbered(m.name + "_", m.counts.cols());
    if (source.sample_names) {
      if (samples_from.empty()) {
        data.sample_names = *source.sample_names;
        samples_from = source.origin;
      } else {
        check_same_samples(data.sample_names, samples_from, *source.sample_names, source.origin);
      }
    }
    data.modalities.push_back(std::move(m));
  }
  if (samples_from.empty())
    data.sample_names = numbered("sample_", data.modalities[0].counts.rows());
  data.validate();
  return data;
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

void PreprocessFlags::apply(multimodal::MultiModalData& data, const Progress& progress) const {
  for (const auto& name : tfidf)
    if (std::find(clr.begin(), clr.end(), name) != clr.end())
      throw InvalidArgument("modality '" + name + "' is named in both --tfidf and --clr");
  if (scale_counts < 0 || !std::isfinite(scale_counts))
    throw InvalidArgument("--scale-counts " + std::to_string(scale_counts) +
                          ": expected a number > 0, or 0 for none");
  for (const auto& name : tfidf) {
    multimodal::tfidf(data, name);
    progress.message("modality " + name + ": tf-idf");
  }
  for (const auto& name : clr) {
    multimodal::clr(data, name);
    progress.message("modality " + name + ": CLR");
  }
  if (scale_counts > 0) {
    multimodal::scale_counts(data, scale_counts);
    char total[32];
    std::snprintf(total, sizeof total, "%g", scale_counts);
    progress.message(std::string("every modality scaled to ") + total + " per sample");
  }
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
