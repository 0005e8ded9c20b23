// Graph-regularised NMF (GNMF; Cai, He, Han & Huang 2011, "Graph regularized nonnegative
// matrix factorization for data representation", IEEE TPAMI 33(8), eqs. 13-14): for a
// graph A over the samples (degrees D, Laplacian L = D − A) the samples' codes W should
// vary smoothly along the graph. Cai et al.'s objective ½‖X − WH‖² + ½·λ·tr(WᵀLW) is not
// invariant to the scale exchange W/s, s·H, and their multiplicative updates exploit that
// (measured here: W shrinks more than tenfold within a few hundred iterations, the graph
// term fades); they normalise the basis vectors (here H's rows) to unit length. That
// normalisation is built into the objective here, which makes it scale-free:
//   min ½‖X − W·H‖² + ½·λ·Σ_c ‖h_c‖²·w_cᵀ L w_c + scikit-learn's L1/L2 penalties,
// h_c the rows of H and w_c the columns of W (at ‖h_c‖ = 1 it is Cai et al.'s). Their
// multiplicative updates, with the same split of the gradient into its positive and
// negative parts (the penalties, the L1 of the structured-sparse unmixing the seed cites
// among them, on either factor, go to the denominators):
//   W ← W ⊙ (X·Hᵀ + λ·A·W·N) ⊘ (W·H·Hᵀ + λ·D·W·N + l1_W + l2_W·W),   N = diag(‖h_c‖²)
//   H ← H ⊙ (Wᵀ·X) ⊘ (WᵀW·H + λ·diag(w_cᵀ L w_c)·H + l1_H + l2_H·H)
// Each is a majorisation-minimisation step (Cai et al.'s Theorem 1 for W; for H the graph
// term is a non-negative quadratic in each row), so the objective never increases. λ = 0
// is Lee & Seung's multiplicative update. In Cai et al.'s notation X is features × samples
// and V the samples' codes: here that is W.

#include <cmath>
#include <limits>

#include "alternating_driver.hpp"
#include "fit_support.hpp"
#include "input_checks.hpp"
#include "models_fit.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/core/matrix_summary.hpp"
#include "nmfkit/linalg/beta_divergence.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

// The graph as an undirected T-valued matrix, after the checks: n × n, finite, weights ≥ 0.
template <class T>
SparseMatrix<T> sample_graph(const SparseMatrix<double>& graph, Index samples) {
  if (graph.rows() != samples || graph.cols() != samples) {
    throw InvalidArgument("the graph has shape (" + std::to_string(graph.rows()) + ", " +
                          std::to_string(graph.cols()) + ") but X has " + std::to_string(samples) +
                          " samples: it must be " + std::to_string(samples) + " x " +
                          std::to_string(samples));
  }
  const MatrixSummary summary = summarize(graph);
  const auto where = [](const EntryLocation& at) {
    return "row " + std::to_string(at.row) + ", column " + std::to_string(at.col) + " (0-based)";
  };
  if (summary.first_nan || summary.first_inf) {
    throw InvalidArgument("the graph has NaN or infinite weights, the first at " +
                          where(summary.first_nan ? *summary.first_nan : *summary.first_inf));
  }
  if (summary.first_negative) {
    throw InvalidArgument("the graph has negative weights: " +
                          std::to_string(summary.negative_count) + " entries, the first at " +
                          where(*summary.first_negative));
  }
  const SparseMatrix<double> transposed = graph.transpose();
  const SparseMatrix<double> undirected = 0.5 * (graph + transposed);
  return undirected.cast<T>();
}

template <class T, class Op>
class GraphSteps {
 public:
  GraphSteps(const Op& op, SparseMatrix<T> graph, double lambda, const Penalties& p)
      : op_(op), A_(std::move(graph)), lambda_(lambda), p_(p) {
    degree_.resize(A_.rows());
    for (Index i = 0; i < A_.rows(); ++i) degree_[i] = A_.row(i).sum();
  }

  double update(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F, Reuse) {
    op_.gram(O, G_);
    op_.rhs(side, O, B_);
    const bool rows = side == Side::Rows;
    DenseMatrix<T> numerator = B_;
    DenseMatrix<T> denominator = F * G_;
    const double l1 = rows ? p_.l1_W : p_.l1_H;
    const double l2 = rows ? p_.l2_W : p_.l2_H;
    if (lambda_ != 0) {
      const T lambda = static_cast<T>(lambda_);
      if (rows) {
        // N = diag(‖h_c‖²): the squared norms of Hᵀ's columns, the diagonal of HHᵀ.
        const Vector<T> weight = lambda * G_.diagonal();
        numerator.array() += (A_ * F).array().rowwise() * weight.transpose().array();
        denominator.array() += (F.array().colwise() * degree_.array()).rowwise() *
                               weight.transpose().array();
      } else {
        const Vector<T> weight = lambda * roughness(O);
        denominator.array() += F.array().rowwise() * weight.transpose().array();
      }
    }
    denominator.array() += static_cast<T>(l1) + static_cast<T>(l2) * F.array();
    const T epsilon = static_cast<T>(linalg::kEpsilon);
    denominator = denominator.unaryExpr([epsilon](T d) { return d == T(0) ? epsilon : d; });
    F.array() *= numerator.array() / denominator.array();

    const double error = squared_error_after(op_, F, O, B_, G_, side);
    const DenseMatrix<T>& W = rows ? F : O;
    const DenseMatrix<T>& Ht = rows ? O : F;
    return 0.5 * error + 0.5 * lambda_ * graph_term(W, Ht) + penalty(W, p_.l1_W, p_.l2_W) +
           penalty(Ht, p_.l1_H, p_.l2_H);
  }
  double kkt() const { return std::numeric_limits<double>::quiet_NaN(); }

  // w_cᵀ L w_c = Σ_i d_i·w_ic² − w_cᵀ A w_c = ½·Σ_ij a_ij·(w_ic − w_jc)², per column.
  Vector<T> roughness(const DenseMatrix<T>& W) const {
    const DenseMatrix<T> AW = A_ * W;
    Vector<T> out(W.cols());
    for (Index c = 0; c < W.cols(); ++c) {
      out[c] = std::max(T(0), (W.col(c).array().square() * degree_.array()).sum() -
                                  W.col(c).dot(AW.col(c)));
    }
    return out;
  }
  // Σ_c ‖h_c‖²·w_cᵀ L w_c.
  double graph_term(const DenseMatrix<T>& W, const DenseMatrix<T>& Ht) const {
    if (lambda_ == 0) return 0;
    const Vector<T> rough = roughness(W);
    double total = 0;
    for (Index c = 0; c < W.cols(); ++c) {
      total += static_cast<double>(rough[c]) * static_cast<double>(Ht.col(c).squaredNorm());
    }
    return total;
  }

 private:
  const Op& op_;
  SparseMatrix<T> A_;
  Vector<T> degree_;
  double lambda_;
  Penalties p_;
  DenseMatrix<T> G_, B_;
};

}  // namespace

template <class T, class Matrix>
NmfResult<T> fit_graph(const Matrix& X, const NmfOptions& options, const Factors<T>* custom,
                       const Progress& progress) {
  check_nmf_input(X, 2.0);
  const Index m = X.rows();
  const Index n = X.cols();
  SparseMatrix<T> graph = sample_graph<T>(*options.graph, m);
  SolverSettings settings = settings_for(options, m, n, progress);
  settings.extrapolate = false;
  NmfResult<T> result;
  start_model<T>(X, m, n, options, custom, result);
  if (result.init == Init::Nndsvd) {
    result.warnings.push_back(
        "GNMF's multiplicative updates cannot move entries away from zero, and init='nndsvd' "
        "starts with zeros; try init='nndsvda' or 'nndsvdar'");
  }
  const auto op = operator_for<T>(X);
  GraphSteps<T, std::decay_t<decltype(op)>> steps(op, std::move(graph), options.graph_weight,
                                                  settings.penalties);
  SolveReport report = alternate_on<T>(steps, result.W, result.H, true, settings, 0.0);
  finish_model<T>(X, options, std::move(report), "gnmf-mu", result);
  return result;
}

#define NMFKIT_INSTANTIATE_GRAPH(T, Matrix)                                                \
  template NmfResult<T> fit_graph(const Matrix&, const NmfOptions&, const Factors<T>*, \
                                  const Progress&);
NMFKIT_INSTANTIATE_GRAPH(float, DenseMatrix<float>)
NMFKIT_INSTANTIATE_GRAPH(float, SparseMatrix<float>)
NMFKIT_INSTANTIATE_GRAPH(double, DenseMatrix<double>)
NMFKIT_INSTANTIATE_GRAPH(double, SparseMatrix<double>)
#undef NMFKIT_INSTANTIATE_GRAPH

}  // namespace nmfkit
