#pragma once
// mTopic's preprocessing (mtopic.pp): the per-modality transforms applied before a
// multi-modal topic model is fitted (tf-idf for counts such as genes and peaks, CLR for
// proteins, then equal total mass per modality), and the permuted "null" dataset used to
// find features that a model fits whether or not they carry signal.
//
// Every transform works in place, keeps the storage (a CSR matrix stays CSR with the same
// pattern, a dense one stays dense) and the element type, and needs finite, non-negative
// values: anything else is an InvalidArgument naming the matrix (or the modality) and the
// first offending entry. Unlike mTopic, nothing keeps a copy of the input (mTopic's
// `.raw`): callers that need the counts afterwards copy them first.

#include <cstdint>
#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/multimodal/data.hpp"

namespace nmfkit::multimodal {

// scikit-learn's TfidfTransformer(norm=None, smooth_idf=False), mTopic's pp.tfidf:
// x_dw ← x_dw · (ln(N / df_w) + 1), N the number of samples and df_w the number of samples
// where feature w is non-zero. The idf is computed in the matrix's element type, as
// scikit-learn does. Two deliberate differences from scikit-learn: a dense matrix stays
// dense and keeps its element type (scikit-learn returns float64 CSR for dense input), and
// an explicitly stored zero does not count towards df (scikit-learn counts stored entries).
void tfidf(AnyMatrix& X);
void tfidf(MultiModalData& data, const std::string& modality);

// tfidf's pieces, for applying one data set's weights to another (new samples of a fitted
// model): the weights ln(N / df_w) + 1 as tfidf computes them (in X's element type, then
// widened), a feature with df = 0 weighted as if df were 1; and x_dw ← x_dw · idf[w] (the
// product in X's element type, so apply_idf(X, idf_weights(X)) is tfidf(X) bit for bit).
// apply_idf throws InvalidArgument when the weight count differs from the column count.
std::vector<double> idf_weights(const AnyMatrix& X);
void apply_idf(AnyMatrix& X, const std::vector<double>& idf);

// mTopic's pp.clr, a centred log-ratio that tolerates zeros: per sample d,
// g_d = expm1(mean_w log1p(x_dw)) + 1e-6 over all features (zeros included), then
// x_dw ← log1p(x_dw / g_d). Zeros map to zero, so a CSR matrix keeps its pattern. The
// per-sample mean is accumulated in double whatever the element type.
void clr(AnyMatrix& X);
void clr(MultiModalData& data, const std::string& modality);

// mTopic's pp.scale_counts: multiplies the matrix by one factor so that its grand total
// becomes rows · counts_per_cell (every modality then carries the same mass per sample,
// so none dominates the shared topic proportions). The MultiModalData overload scales
// every modality, as mTopic does. counts_per_cell must be finite and > 0; an all-zero
// matrix cannot be scaled and is an error naming it.
void scale_counts(AnyMatrix& X, double counts_per_cell = 10000);
void scale_counts(MultiModalData& data, double counts_per_cell = 10000);
// scale_counts' factor rows · counts_per_cell / total, and the multiplication by it (each
// value times the factor in double, rounded to X's element type, as scale_counts does).
// `what` names X in errors.
double scale_factor(const AnyMatrix& X, double counts_per_cell,
                    const std::string& what = "the matrix");
void multiply(AnyMatrix& X, double factor);

struct PermuteOptions {
  std::uint64_t seed = 2291;  // NumPy default_rng(seed): one generator for all modalities
  bool sparse_mode = false;   // shuffle values within each column's non-zero rows only
};

// mTopic's pp.permute: a copy of the data with the link between samples and values
// broken, a "null" dataset in which no feature should carry real structure.
// - Dense mode (the default), as mTopic's rng.permutation(X, axis=0): each modality's
//   rows are shuffled as whole rows, modality after modality (in the order of
//   data.modalities) from one generator. Row i of the result is row perm[i] of the input,
//   perm = rng.permutation(n_samples), as NumPy's Generator.permutation(X, axis=0)
//   returns X[perm]. This breaks the pairing of a sample's modalities but keeps each
//   modality's within-sample co-occurrence; mTopic's docstring says the values are
//   shuffled "within each column", which is what sparse mode does, not dense mode.
//   mTopic's reference does not say whether the generator is made once or once per
//   modality; once is the only reading under which dense mode does its job (a fresh
//   default_rng(seed) per modality gives every modality the same row order).
// - Sparse mode: in each column the non-zero values are shuffled among the rows where
//   that column is already non-zero (values ← rng.permutation(values), columns in order,
//   modalities in order), so every sample keeps its set of non-zero features. The
//   reference does not give mTopic's calls here, so this stream is our assumption; only
//   the invariants are claimed to match mTopic.
// Either way each column keeps its multiset of values. Then, as mTopic does, empty
// samples and features are dropped and only samples present in every modality are kept
// (see drop_empty). Sample names stay with their row positions: the values move, the
// names do not.
MultiModalData permute(const MultiModalData& data, const PermuteOptions& options = {});

// Drops from each modality the features that are zero in every sample and the samples
// that are zero in every feature, then keeps only the samples that survived in every
// modality (mTopic filters each modality, then intersects the observations). Features
// that become zero only through that intersection are kept (the reference gives this
// order: filter, then intersect).
void drop_empty(MultiModalData& data);

}  // namespace nmfkit::multimodal
