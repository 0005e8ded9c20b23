#include "nmfkit/multimodal/preprocess.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <type_traits>
#include <vector>

#include "modality_access.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/core/numpy_generator.hpp"

namespace nmfkit::multimodal {

namespace {

template <class>
constexpr bool kIsSparse = false;
template <class T>
constexpr bool kIsSparse<SparseMatrix<T>> = true;

const std::string kMatrix = "the matrix";

std::string modality_label(const std::string& name) {
  return "modality '" + name + "'";
}

// Calls f(row, column, value) on every non-zero entry, the value by reference (const when
// m is): the stored non-zeros of a CSR matrix, the non-zero entries of a dense one. Zeros
// are fixed points of every transform here, so skipping them keeps a CSR pattern and
// avoids 0 · inf for features no sample has.
template <class M, class F>
void for_each_nonzero(M& m, F&& f) {
  using Plain = std::remove_const_t<M>;
  if constexpr (kIsSparse<Plain>) {
    for (Index i = 0; i < m.outerSize(); ++i) {
      for (typename Plain::InnerIterator it(m, i); it; ++it) {
        if (it.value() == 0) continue;
        if constexpr (std::is_const_v<M>) {
          f(it.row(), it.col(), it.value());
        } else {
          f(it.row(), it.col(), it.valueRef());
        }
      }
    }
  } else {
    for (Index i = 0; i < m.rows(); ++i) {
      for (Index j = 0; j < m.cols(); ++j) {
        if (m(i, j) != 0) f(i, j, m(i, j));
      }
    }
  }
}

// ln(N / df_w) + 1 in the matrix's element type T. A feature no sample has (df = 0) is given
// df = 1 instead: it has no non-zero here to weight, but new samples that carry it
// (transform_topics) then get the weight of the rarest feature seen rather than infinity.
template <class M>
std::vector<typename M::Scalar> idf_of(const M& m) {
  using T = typename M::Scalar;
  std::vector<std::int64_t> df(static_cast<std::size_t>(m.cols()), 0);
  for_each_nonzero(m, [&](Index, Index j, const T&) { ++df[static_cast<std::size_t>(j)]; });
  // scikit-learn evaluates ln(n / df) + 1 on an array of the matrix's type (n a Python
  // int), so a float32 matrix gets a float32 idf.
  const T n = static_cast<T>(m.rows());
  std::vector<T> idf(df.size());
  for (std::size_t j = 0; j < df.size(); ++j)
    idf[j] = std::log(n / static_cast<T>(std::max<std::int64_t>(df[j], 1))) + T(1);
  return idf;
}

// x_dw ← x_dw · idf[w], the product in the matrix's element type.
template <class M, class W>
void multiply_columns(M& m, const std::vector<W>& idf) {
  using T = typename M::Scalar;
  for_each_nonzero(m, [&](Index, Index j, T& v) {
    v *= static_cast<T>(idf[static_cast<std::size_t>(j)]);
  });
}

void tfidf_impl(AnyMatrix& X, const std::string& what) {
  require_finite_nonnegative(X, "tfidf: " + what);
  X.visit([](auto& m) { multiply_columns(m, idf_of(m)); });
}

void clr_impl(AnyMatrix& X, const std::string& what) {
  require_finite_nonnegative(X, "clr: " + what);
  X.visit([](auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    if (m.cols() == 0) return;
    // log1p(0) = 0, so the mean over all features is the sum over the non-zeros divided
    // by the number of features.
    std::vector<double> log_sum(static_cast<std::size_t>(m.rows()), 0.0);
    for_each_nonzero(m, [&](Index i, Index, T& v) {
      log_sum[static_cast<std::size_t>(i)] += std::log1p(static_cast<double>(v));
    });
    std::vector<double> scale(log_sum.size());
    for (std::size_t i = 0; i < log_sum.size(); ++i) {
      // mTopic's 1e-6 keeps the divisor positive for an all-zero sample.
      scale[i] = std::expm1(log_sum[i] / static_cast<double>(m.cols())) + 1e-6;
    }
    for_each_nonzero(m, [&](Index i, Index, T& v) {
      v = static_cast<T>(std::log1p(static_cast<double>(v) / scale[static_cast<std::size_t>(i)]));
    });
  });
}

double scale_factor_impl(const AnyMatrix& X, double counts_per_cell, const std::string& what) {
  require_finite_nonnegative(X, "scale_counts: " + what);
  return X.visit([&](const auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    double total = 0;
    for_each_nonzero(m, [&](Index, Index, const T& v) { total += static_cast<double>(v); });
    if (total == 0 && m.rows() > 0) {
      throw InvalidArgument("scale_counts: " + what +
                            " is all zero, so no factor gives it a total of " +
                            std::to_string(counts_per_cell) + " per sample");
    }
    return static_cast<double>(m.rows()) * counts_per_cell / total;
  });
}

void multiply_impl(AnyMatrix& X, double factor) {
  X.visit([&](auto& m) {
    using T = typename std::decay_t<decltype(m)>::Scalar;
    for_each_nonzero(
        m, [&](Index, Index, T& v) { v = static_cast<T>(static_cast<double>(v) * factor); });
  });
}

void scale_counts_impl(AnyMatrix& X, double counts_per_cell, const std::string& what) {
  multiply_impl(X, scale_factor_impl(X, counts_per_cell, what));
}

void check_counts_per_cell(double counts_per_cell) {
  if (!(counts_per_cell > 0) || std::isinf(counts_per_cell)) {
    std::ostringstream message;
    message << "scale_counts: counts_per_cell must be finite and > 0, got " << counts_per_cell;
    throw InvalidArgument(message.str());
  }
}

// Row i of the result is row order[i] of X, as NumPy's X[order].
AnyMatrix rows_in_order(const AnyMatrix& X, const std::vector<Index>& order) {
  return X.visit([&](const auto& m) -> AnyMatrix {
    using M = std::decay_t<decltype(m)>;
    M out(m.rows(), m.cols());
    if constexpr (kIsSparse<M>) {
      out.reserve(m.nonZeros());
      for (Index i = 0; i < m.rows(); ++i) {
        out.startVec(i);
        for (typename M::InnerIterator it(m, order[static_cast<std::size_t>(i)]); it; ++it) {
          out.insertBack(i, it.col()) = it.value();
        }
      }
      out.finalize();
    } else {
      for (Index i = 0; i < m.rows(); ++i) out.row(i) = m.row(order[static_cast<std::size_t>(i)]);
    }
    return out;
  });
}

// In each column, column after column, the non-zero values (top to bottom) become
// values[rng.permutation(count)]: NumPy's rng.permutation(values), which shuffles a copy
// with the same swaps as it shuffles 0..count-1.
void shuffle_within_columns(AnyMatrix& X, NumpyGenerator& rng) {
  X.visit([&](auto& m) {
    using M = std::decay_t<decltype(m)>;
    using T = typename M::Scalar;
    if constexpr (kIsSparse<M>) m.makeCompressed();
    // The non-zero entries of each column as pointers into the storage, top to bottom:
    // rows are visited in order, so each column's list comes out sorted by row.
    std::vector<std::vector<T*>> column_entries(static_cast<std::size_t>(m.cols()));
    for_each_nonzero(m, [&](Index, Index j, T& v) {
      column_entries[static_cast<std::size_t>(j)].push_back(&v);
    });
    std::vector<T> values;
    for (auto& entries : column_entries) {
      const std::vector<Index> order = rng.permutation(static_cast<Index>(entries.size()));
      values.resize(entries.size());
      for (std::size_t k = 0; k < entries.size(); ++k) values[k] = *entries[k];
      for (std::size_t k = 0; k < entries.size(); ++k) {
        *entries[k] = values[static_cast<std::size_t>(order[k])];
      }
    }
  });
}

}  // namespace

void tfidf(AnyMatrix& X) {
  tfidf_impl(X, kMatrix);
}

void tfidf(MultiModalData& data, const std::string& modality) {
  tfidf_impl(detail::modality_to_change(data, modality).counts, modality_label(modality));
}

std::vector<double> idf_weights(const AnyMatrix& X) {
  require_finite_nonnegative(X, "tfidf: " + kMatrix);
  return X.visit([](const auto& m) {
    const auto idf = idf_of(m);
    return std::vector<double>(idf.begin(), idf.end());
  });
}

void apply_idf(AnyMatrix& X, const std::vector<double>& idf) {
  require_finite_nonnegative(X, "tfidf: " + kMatrix);
  if (static_cast<Index>(idf.size()) != X.cols())
    throw InvalidArgument("tfidf: " + std::to_string(idf.size()) + " weights for " +
                          std::to_string(X.cols()) + " features");
  X.visit([&](auto& m) { multiply_columns(m, idf); });
}

double scale_factor(const AnyMatrix& X, double counts_per_cell, const std::string& what) {
  check_counts_per_cell(counts_per_cell);
  return scale_factor_impl(X, counts_per_cell, what);
}

void multiply(AnyMatrix& X, double factor) {
  multiply_impl(X, factor);
}

void clr(AnyMatrix& X) {
  clr_impl(X, kMatrix);
}

void clr(MultiModalData& data, const std::string& modality) {
  clr_impl(detail::modality_to_change(data, modality).counts, modality_label(modality));
}

void scale_counts(AnyMatrix& X, double counts_per_cell) {
  check_counts_per_cell(counts_per_cell);
  scale_counts_impl(X, counts_per_cell, kMatrix);
}

void scale_counts(MultiModalData& data, double counts_per_cell) {
  check_counts_per_cell(counts_per_cell);
  data.validate();
  // Check every modality before changing any, so an error leaves the data as it was.
  for (const auto& m : data.modalities) {
    require_finite_nonnegative(m.counts, "scale_counts: " + modality_label(m.name));
  }
  for (auto& m : data.modalities)
    scale_counts_impl(m.counts, counts_per_cell, modality_label(m.name));
}

MultiModalData permute(const MultiModalData& data, const PermuteOptions& options) {
  data.validate();
  for (const auto& m : data.modalities) {
    require_finite_nonnegative(m.counts, "permute: " + modality_label(m.name));
  }
  // One generator for every modality, drawn in order: a fresh default_rng(seed) per
  // modality would give every modality the same row order, keeping the pairing intact.
  NumpyGenerator rng(options.seed);
  MultiModalData out = data;
  for (auto& m : out.modalities) {
    if (options.sparse_mode) {
      shuffle_within_columns(m.counts, rng);
    } else {
      m.counts = rows_in_order(m.counts, rng.permutation(out.n_samples()));
    }
  }
  drop_empty(out);
  return out;
}

void drop_empty(MultiModalData& data) {
  data.validate();
  const auto n = static_cast<std::size_t>(data.n_samples());
  std::vector<bool> sample_kept(n, true);
  std::vector<std::vector<bool>> feature_kept;
  for (const auto& modality : data.modalities) {
    std::vector<bool> row_nonzero(n, false);
    std::vector<bool> col_nonzero(static_cast<std::size_t>(modality.counts.cols()), false);
    modality.counts.visit([&](const auto& m) {
      for_each_nonzero(m, [&](Index i, Index j, const auto&) {
        row_nonzero[static_cast<std::size_t>(i)] = true;
        col_nonzero[static_cast<std::size_t>(j)] = true;
      });
    });
    for (std::size_t i = 0; i < n; ++i) sample_kept[i] = sample_kept[i] && row_nonzero[i];
    feature_kept.push_back(std::move(col_nonzero));
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    if (sample_kept[i]) names.push_back(data.sample_names[i]);
  }
  for (std::size_t k = 0; k < data.modalities.size(); ++k) {
    Modality& modality = data.modalities[k];
    modality.counts = detail::select(modality.counts, sample_kept, feature_kept[k]);
    std::vector<std::string> features;
    for (std::size_t j = 0; j < feature_kept[k].size(); ++j) {
      if (feature_kept[k][j]) features.push_back(modality.feature_names[j]);
    }
    modality.feature_names = std::move(features);
  }
  data.sample_names = std::move(names);
}

}  // namespace nmfkit::multimodal
