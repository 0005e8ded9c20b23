#pragma once
// The outer loop of the seam solvers: alternate a W half-step and an H half-step, with
// Ang & Gillis' extrapolation (Ang & Gillis 2019, "Accelerating nonnegative matrix
// factorization algorithms using extrapolation", Algorithm 3; the parameters fastTopics
// uses). Each half-step is the solver's own (HALS/NNLS rows, Poisson coordinate descent);
// the loop, the extrapolation, the history and the stopping rule are shared.
//
// With extrapolation, each half-step starts from the extrapolated point of its factor,
// Y ← max(F_new + β·(F_new − F_previous), floor), and the objective is measured at the
// pair the H half-step ended on (W's extrapolated point, H's new plain iterate). A step
// whose objective is not below the previous iteration's is undone (both factors go back
// to their last accepted plain iterates) and β shrinks; an accepted one grows β. Every
// kResetEvery-th iteration is a plain one. The returned factors are the best pair
// measured, and the history holds the best objective after each iteration. Without
// extrapolation it is the objective of the current pair.
//
// Stopping: once the relative decrease of the best objective has stayed below tol for
// `patience` iterations in a row (or max_iter), counting with extrapolation only the
// iterations that reached a new best and the plain ones.

#include <array>
#include <chrono>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "nmfkit/core/error.hpp"
#include "nmfkit/linalg/data_operator.hpp"
#include "nmfkit/nmf/solver.hpp"
#include "iteration_report.hpp"

namespace nmfkit {

// How a half-step may reuse what it computed last time for the same side.
enum class Reuse {
  Nothing,    // the fixed factor changed
  FixedGram,  // the fixed factor is exactly the factor the previous half-step returned
  Products,   // the fixed factor has not changed since this side's last half-step
};

class ExtrapolationSchedule {
 public:
  static constexpr int kResetEvery = 20;

  double beta() const { return beta_; }
  // The first kPlainStart iterations are plain: a start (an SVD's, a random one) is far
  // from what the first updates make of it, and extrapolating that jump overshoots.
  static constexpr int kPlainStart = 2;
  bool plain(int iteration) const {
    return iteration <= kPlainStart || beta_ == 0 || iteration % kResetEvery == 0;
  }
  // Records the objective of an extrapolated step against the previous iteration's;
  // true when it is accepted.
  // The schedule's state, for checkpoints: β, the last accepted β and β's ceiling.
  std::array<double, 3> state() const { return {beta_, beta_accepted_, beta_max_}; }
  void restore(const std::array<double, 3>& state) {
    beta_ = state[0];
    beta_accepted_ = state[1];
    beta_max_ = state[2];
  }
  bool accept(double objective, double previous) {
    if (objective < previous) {
      beta_ = std::min(beta_max_, 1.1 * beta_);
      beta_accepted_ = beta_;
      beta_max_ = std::min(0.99, 1.05 * beta_max_);
      return true;
    }
    beta_max_ = beta_accepted_;
    beta_ *= 0.75;
    return false;
  }

 private:
  double beta_ = 0.5;
  double beta_accepted_ = 0.5;
  double beta_max_ = 0.99;
};

// scikit-learn's penalty of one factor: l1·ΣF + ½·l2·‖F‖².
template <class T>
double penalty(const DenseMatrix<T>& F, double l1, double l2) {
  double value = 0;
  if (l1 != 0) value += l1 * static_cast<double>(F.sum());
  if (l2 != 0) value += 0.5 * l2 * static_cast<double>(F.squaredNorm());
  return value;
}

// out ← max(fresh + β·(fresh − previous), floor)
template <class T>
void extrapolate(const DenseMatrix<T>& fresh, const DenseMatrix<T>& previous, double beta,
                 double floor, DenseMatrix<T>& out) {
  out.resize(fresh.rows(), fresh.cols());
  const T b = static_cast<T>(beta);
  const T lowest = static_cast<T>(floor);
  const T* f = fresh.data();
  const T* p = previous.data();
  T* o = out.data();
  for (Index i = 0; i < fresh.size(); ++i) o[i] = std::max(lowest, f[i] + b * (f[i] - p[i]));
}

// W·Hᵀ is unchanged when column c of W is divided by d_c and that of H multiplied by it,
// and extrapolating both factors lets that scale drift far (W → 0, H → ∞, seen on KL
// fits), where the
// solvers' floor and rounding start to bias the fit. Every kBalanceEvery iterations the
// columns are brought to the same mean (as fastTopics does), the same d_c for every
// pair the loop keeps. Not with penalties, which the scale changes.
inline constexpr int kBalanceEvery = 10;

template <class T>
void balance_columns(DenseMatrix<T>& W, DenseMatrix<T>& Ht,
                     std::initializer_list<DenseMatrix<T>*> others_W,
                     std::initializer_list<DenseMatrix<T>*> others_Ht) {
  const std::vector<double> w = linalg::column_sums(W);
  const std::vector<double> h = linalg::column_sums(Ht);
  Vector<T> scale(W.cols());
  for (Index c = 0; c < W.cols(); ++c) {
    const double mean_w = w[static_cast<std::size_t>(c)] / static_cast<double>(W.rows());
    const double mean_h = h[static_cast<std::size_t>(c)] / static_cast<double>(Ht.rows());
    const double d = mean_w > 0 && mean_h > 0 ? std::sqrt(mean_w / mean_h) : 1.0;
    scale[c] = static_cast<T>(std::isfinite(d) ? d : 1.0);
  }
  const auto divide = [&](DenseMatrix<T>& F) {
    if (F.size() > 0) F.array().rowwise() /= scale.transpose().array();
  };
  const auto multiply = [&](DenseMatrix<T>& F) {
    if (F.size() > 0) F.array().rowwise() *= scale.transpose().array();
  };
  divide(W);
  multiply(Ht);
  for (auto* F : others_W) divide(*F);
  for (auto* F : others_Ht) multiply(*F);
}

inline std::string format_objective(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

// Step: double update(linalg::Side side, const DenseMatrix<T>& fixed, DenseMatrix<T>& F,
//                     Reuse reuse), returning the objective at (F, fixed); and
//       double kkt() const, the KKT residual of the last half-step (NaN if not measured).
// W is m × k and Ht n × k; both updated in place.
template <class T, class Step>
SolveReport alternate(Step& step, DenseMatrix<T>& W, DenseMatrix<T>& Ht, bool update_H,
                      const SolverSettings& s, bool extrapolating, double floor) {
  const Penalties& p = s.penalties;
  using linalg::Side;
  auto start = std::chrono::steady_clock::now();
  extrapolating = extrapolating && update_H;
  const bool balance = extrapolating && p.l1_W == 0 && p.l2_W == 0 && p.l1_H == 0 && p.l2_H == 0;
  SolveReport report;
  ExtrapolationSchedule schedule;
  // W and Ht hold the points the half-steps start from (the extrapolated ones),
  // *_plain the last accepted plain iterates, *_best the best pair measured.
  DenseMatrix<T> W_plain, Ht_plain, W_fresh, Ht_fresh, W_best, Ht_best;
  double last_objective = std::numeric_limits<double>::infinity();
  if (extrapolating) {
    W_plain = W;
    Ht_plain = Ht;
  }
  double best = std::numeric_limits<double>::infinity();
  int calm = 0;

  // Checkpoints: everything the next iteration reads, saved between two iterations, so
  // that a resumed fit repeats the uninterrupted one exactly. The solver's products are
  // recomputed from the restored factors (the first iteration after a resume reuses
  // nothing), which gives the same bits.
  const CheckpointStore* store = update_H ? s.checkpoint : nullptr;
  int first = 1;
  auto last_save = start;
  const auto save = [&](int done) {
    CheckpointRecord r;
    r.numbers["iteration"] = done;
    r.numbers["seed"] = s.random_state ? static_cast<double>(*s.random_state) : -1.0;
    r.numbers["last_objective"] = last_objective;
    r.numbers["best"] = best;
    r.numbers["calm"] = calm;
    const auto schedule_state = schedule.state();
    r.put_vector("schedule", {schedule_state.begin(), schedule_state.end()});
    const auto put = [&](const char* name, const DenseMatrix<T>& F) {
      r.matrices[name] = F.template cast<double>();
    };
    put("W", W);
    put("Ht", Ht);
    put("W_plain", W_plain);
    put("Ht_plain", Ht_plain);
    put("W_best", W_best);
    put("Ht_best", Ht_best);
    r.put_vector("objective", report.objective);
    r.put_vector("kkt", report.kkt);
    r.put_vector("seconds", report.seconds);
    store->save("fit", r);
    last_save = std::chrono::steady_clock::now();
  };
  if (store) {
    if (const std::optional<CheckpointRecord> r = store->load("fit")) {
      const auto get = [&](const char* name, DenseMatrix<T>& F, bool may_be_empty) {
        const Eigen::MatrixXd& saved = r->matrix(name);
        const bool empty = saved.size() == 0 && may_be_empty;
        if (!empty && (saved.rows() != F.rows() || saved.cols() != F.cols())) {
          throw InvalidArgument("the checkpoint's " + std::string(name) + " is " +
                                std::to_string(saved.rows()) + " × " +
                                std::to_string(saved.cols()) + ", this fit's " +
                                std::to_string(F.rows()) + " × " + std::to_string(F.cols()) +
                                ": it comes from another fit");
        }
        F = saved.template cast<T>();
      };
      DenseMatrix<T> shape_W = W, shape_Ht = Ht;
      get("W", W, false);
      get("Ht", Ht, false);
      W_plain = shape_W;
      Ht_plain = shape_Ht;
      get("W_plain", W_plain, true);
      get("Ht_plain", Ht_plain, true);
      W_best = shape_W;
      Ht_best = shape_Ht;
      get("W_best", W_best, true);
      get("Ht_best", Ht_best, true);
      last_objective = r->number("last_objective");
      best = r->number("best");
      calm = static_cast<int>(r->number("calm"));
      const std::vector<double> schedule_state = r->vector("schedule");
      if (schedule_state.size() != 3) throw InvalidArgument("the checkpoint's schedule is damaged");
      schedule.restore({schedule_state[0], schedule_state[1], schedule_state[2]});
      report.objective = r->vector("objective");
      report.kkt = r->vector("kkt");
      report.seconds = r->vector("seconds");
      report.n_iter = static_cast<int>(r->number("iteration"));
      first = report.n_iter + 1;
      // The times go on from where the interrupted run stopped.
      if (!report.seconds.empty()) {
        start -= std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(report.seconds.back()));
      }
    }
  }

  for (int iteration = first; iteration <= s.max_iter; ++iteration) {
    const bool cancel = s.progress.cancel_requested && s.progress.cancel_requested();
    if (store && (cancel || std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                          last_save)
                                    .count() >= store->interval_seconds)) {
      save(iteration - 1);
    }
    if (cancel) throw Cancelled();
    double objective = 0;
    bool accepted = true;
    bool counts = true;  // whether this iteration's decrease enters the stopping rule
    const double best_before = best;
    if (!extrapolating) {
      const Reuse reuse = iteration == first ? Reuse::Nothing
                          : update_H     ? Reuse::FixedGram
                                         : Reuse::Products;
      objective = step.update(Side::Rows, Ht, W, reuse);
      if (update_H) objective = step.update(Side::Columns, W, Ht, Reuse::FixedGram);
      best = objective;  // monotone: the current pair is the best
    } else {
      const bool plain = schedule.plain(iteration);
      W_fresh = W;
      step.update(Side::Rows, Ht, W_fresh, Reuse::Nothing);
      if (plain) {
        W = W_fresh;
      } else {
        extrapolate(W_fresh, W_plain, schedule.beta(), floor, W);
      }
      Ht_fresh = Ht;
      objective =
          step.update(Side::Columns, W, Ht_fresh, plain ? Reuse::FixedGram : Reuse::Nothing);
      if (objective < best) {
        best = objective;
        W_best = W;
        Ht_best = Ht_fresh;
      }
      // An extrapolated step that did not reach a new best says nothing about
      // convergence; a plain step does (so a run whose best stalls still stops).
      counts = plain || best < best_before;
      accepted = plain || schedule.accept(objective, last_objective);
      last_objective = objective;
      if (accepted) {
        if (plain) {
          Ht = Ht_fresh;
        } else {
          extrapolate(Ht_fresh, Ht_plain, schedule.beta(), floor, Ht);
        }
        std::swap(W_plain, W_fresh);
        std::swap(Ht_plain, Ht_fresh);
      } else {
        W = W_plain;
        Ht = Ht_plain;
      }
    }
    report.objective.push_back(best);
    if (const double kkt = step.kkt(); !std::isnan(kkt)) report.kkt.push_back(kkt);
    report.seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    report.n_iter = iteration;
    if (s.verbose) {
      s.progress.message("iteration " + std::to_string(iteration) + ", objective " +
                         format_objective(objective) + (accepted ? "" : " (step undone)"));
    }
    if (balance && iteration % kBalanceEvery == 0) {
      balance_columns(W, Ht, {&W_plain, &W_best}, {&Ht_plain, &Ht_best});
    }
    if (!counts) {
      report_iteration(s.progress, iteration, s.max_iter);
      continue;
    }
    const double decrease = (best_before - best) / std::max(best, 1e-300);
    report_iteration(s.progress, iteration, s.max_iter, "change", decrease, s.tol);
    calm = decrease < s.tol ? calm + 1 : 0;
    if (best == 0 || calm >= s.patience) break;
  }
  report_last_iteration(s.progress, report.n_iter);
  if (extrapolating && W_best.size() > 0) {
    W = std::move(W_best);
    Ht = std::move(Ht_best);
  }
  return report;
}

// alternate() on the solver's H (k × n): it works on Hᵀ, and H's own memory is released
// meanwhile when H is being updated (it is as large as Hᵀ).
template <class T, class Step>
SolveReport alternate_on(Step& step, DenseMatrix<T>& W, DenseMatrix<T>& H, bool update_H,
                         const SolverSettings& s, double floor) {
  DenseMatrix<T> Ht = H.transpose();
  if (update_H) H.resize(0, 0);
  SolveReport report = alternate<T>(step, W, Ht, update_H, s, s.extrapolate, floor);
  if (update_H) H = Ht.transpose();
  return report;
}

}  // namespace nmfkit
