// tl.select_n_topics: cross-validation over samples, scored by held-out log-likelihood.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/numpy_generator.hpp"
#include "nmfkit/multimodal/topic_number.hpp"

namespace nmfkit::multimodal {

namespace {

template <class T>
DenseMatrix<T> take_rows(const DenseMatrix<T>& X, const std::vector<Index>& rows) {
  DenseMatrix<T> out(static_cast<Index>(rows.size()), X.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = X.row(rows[i]);
  return out;
}

template <class T>
SparseMatrix<T> take_rows(const SparseMatrix<T>& X, const std::vector<Index>& rows) {
  SparseMatrix<T> out(static_cast<Index>(rows.size()), X.cols());
  Index nnz = 0;
  for (Index r : rows) nnz += X.outerIndexPtr()[r + 1] - X.outerIndexPtr()[r];
  out.resizeNonZeros(nnz);
  Index p = 0;
  out.outerIndexPtr()[0] = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (Index q = X.outerIndexPtr()[rows[i]]; q < X.outerIndexPtr()[rows[i] + 1]; ++q, ++p) {
      out.innerIndexPtr()[p] = X.innerIndexPtr()[q];
      out.valuePtr()[p] = X.valuePtr()[q];
    }
    out.outerIndexPtr()[i + 1] = p;
  }
  return out;
}

MultiModalData take_samples(const MultiModalData& data, const std::vector<Index>& rows) {
  MultiModalData out;
  for (Index r : rows) out.sample_names.push_back(data.sample_names[r]);
  for (const auto& m : data.modalities) {
    Modality part;
    part.name = m.name;
    part.feature_names = m.feature_names;
    part.counts = m.counts.visit([&](const auto& X) { return AnyMatrix(take_rows(X, rows)); });
    out.modalities.push_back(std::move(part));
  }
  return out;
}

}  // namespace

void TopicNumberOptions::validate() const {
  // pl.select_n_topics fits 4 parameters; mTopic asks for at least 6 values of K.
  if (ks.size() < 6)
    throw InvalidArgument("ks: at least 6 numbers of topics are needed, got " +
                          std::to_string(ks.size()));
  for (std::size_t i = 0; i < ks.size(); ++i) {
    if (ks[i] < 1) throw InvalidArgument("ks: every number of topics must be >= 1");
    if (i > 0 && ks[i] <= ks[i - 1]) throw InvalidArgument("ks: the numbers must increase");
  }
  if (n_folds < 2) throw InvalidArgument("n_folds must be >= 2, got " + std::to_string(n_folds));
  if (n_iter < 1) throw InvalidArgument("n_iter must be >= 1, got " + std::to_string(n_iter));
  if (!(plateau_threshold > 0 && plateau_threshold < 1))
    throw InvalidArgument("plateau_threshold must be in (0, 1), got " +
                          std::to_string(plateau_threshold));
  MtmOptions fit = mtm;
  fit.n_topics = ks.front();
  fit.validate();
  spatial.validate();
}

TopicNumberResult select_n_topics(const MultiModalData& data, const TopicNumberOptions& options,
                                  const Preprocess& preprocess,
                                  const DenseMatrix<double>& coordinates,
                                  const Progress& progress) {
  options.validate();
  data.validate();
  const Index N = data.n_samples();
  const bool spatial = coordinates.size() > 0;
  if (spatial && coordinates.rows() != N)
    throw InvalidArgument("coordinates have " + std::to_string(coordinates.rows()) +
                          " rows, the data " + std::to_string(N) + " samples");
  if (N < options.n_folds)
    throw InvalidArgument("n_folds (" + std::to_string(options.n_folds) + ") exceeds the " +
                          std::to_string(N) + " samples");

  TopicNumberResult result;
  for (const auto& m : data.modalities) result.modality_names.push_back(m.name);
  result.ks = options.ks;
  // default_rng(seed).permutation(N) cut as numpy.array_split: the first N mod n_folds
  // folds take one sample more.
  NumpyGenerator rng(options.seed);
  const std::vector<Index> order = rng.permutation(N);
  result.fold_of_sample.assign(static_cast<std::size_t>(N), 0);
  {
    const Index base = N / options.n_folds, extra = N % options.n_folds;
    Index at = 0;
    for (int f = 0; f < options.n_folds; ++f) {
      const Index size = base + (f < extra ? 1 : 0);
      for (Index i = 0; i < size; ++i) result.fold_of_sample[order[at++]] = f;
    }
  }

  std::vector<double> sums(options.ks.size(), 0.0);
  for (int f = 0; f < options.n_folds; ++f) {
    std::vector<Index> train, test;
    for (Index d = 0; d < N; ++d) (result.fold_of_sample[d] == f ? test : train).push_back(d);
    MultiModalData train_data = take_samples(data, train);
    MultiModalData test_data = take_samples(data, test);
    if (preprocess) {
      train_data = preprocess(train_data);
      test_data = preprocess(test_data);
    }
    DenseMatrix<double> train_coordinates;
    if (spatial) {
      train_coordinates.resize(static_cast<Index>(train.size()), coordinates.cols());
      for (std::size_t i = 0; i < train.size(); ++i)
        train_coordinates.row(static_cast<Index>(i)) = coordinates.row(train[i]);
    }
    for (std::size_t j = 0; j < options.ks.size(); ++j) {
      progress.check_cancelled();
      MtmOptions fit_options = options.mtm;
      fit_options.n_topics = options.ks[j];
      fit_options.seed = options.seed;
      // The fits' own iterations would drown the summary: one step per fit instead.
      Progress quiet = progress.without_steps();
      quiet.log = [](const std::string&) {};
      const MtmModel model = spatial ? fit_spatial(train_data, train_coordinates, fit_options,
                                                   options.spatial, options.n_iter, quiet)
                                     : fit_vi(train_data, fit_options, options.n_iter, quiet);
      const DenseMatrix<double> theta = predict_theta(model, test_data);
      const HeldOutLikelihood ll = held_out_log_likelihood(model, test_data, theta);
      result.scores.push_back({f, options.ks[j], ll.per_modality, ll.total});
      sums[j] += ll.total;
      std::ostringstream line;
      line << "select_n_topics: fold " << f + 1 << "/" << options.n_folds
           << ", K = " << options.ks[j] << ": held-out log-likelihood " << ll.total;
      progress.message(line.str());
      progress.report({.task = "select-k",
                       .unit = "fits",
                       .done = static_cast<std::int64_t>(f * options.ks.size() + j + 1),
                       .total = static_cast<std::int64_t>(options.n_folds * options.ks.size())});
    }
  }
  for (double s : sums) result.mean_total.push_back(s / options.n_folds);
  result.fit = fit_plateau(options.ks, result.mean_total, options.plateau_threshold);
  result.best_k = result.fit.best_k;
  return result;
}

}  // namespace nmfkit::multimodal
