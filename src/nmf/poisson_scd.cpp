#include "poisson_scd.hpp"

#include <algorithm>
#include <cmath>

#include "alternating_driver.hpp"

namespace nmfkit {

namespace {

using linalg::Side;

template <class T, class Op>
class PoissonSteps {
 public:
  PoissonSteps(const Op& op, const Penalties& p) : op_(op) {
    sides_[0].l1 = p.l1_W;
    sides_[0].l2 = p.l2_W;
    sides_[1].l1 = p.l1_H;
    sides_[1].l2 = p.l2_H;
  }

  double update(Side side, const DenseMatrix<T>& O, DenseMatrix<T>& F, Reuse) {
    const PoissonNnlsOptions& mine = sides_[side == Side::Rows ? 0 : 1];
    const PoissonNnlsOptions& other = sides_[side == Side::Rows ? 1 : 0];
    std::vector<double> kkt(static_cast<std::size_t>(F.rows()), 0.0);
    const double rows_objective = op_.solve_count_rows(
        side, O, F, [&](const linalg::CountRow<T>& row, const DenseMatrix<T>& fixed, T* f) {
          const PoissonRowResult result = solve_poisson_nnls(row, fixed, f, mine);
          kkt[static_cast<std::size_t>(row.row)] = result.kkt;
          return result.objective;
        });
    kkt_ = op_.combine_max(kkt.empty() ? 0.0 : *std::max_element(kkt.begin(), kkt.end()));
    return rows_objective + op_.count_offset() + penalty(O, other.l1, other.l2);
  }
  double kkt() const { return kkt_; }

 private:
  const Op& op_;
  PoissonNnlsOptions sides_[2];
  double kkt_ = 0;
};

}  // namespace

template <class T>
template <class Op>
SolveReport PoissonScd<T>::run(const Op& op, DenseMatrix<T>& W, DenseMatrix<T>& H,
                               bool update_H) const {
  PoissonSteps<T, Op> steps(op, settings_.penalties);
  return alternate_on<T>(steps, W, H, update_H, settings_, PoissonNnlsOptions().floor);
}

NMFKIT_INSTANTIATE_OPERATOR_SOLVER(PoissonScd)

}  // namespace nmfkit
