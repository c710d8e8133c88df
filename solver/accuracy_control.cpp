// Refinement to a requested accuracy (see the header).
#include "solver/accuracy_control.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "solver/solver_failure.hpp"

namespace stf::solver {

namespace {

/// Error of the finest of three or four values from their last differences d_c (coarse) and d_f
/// (fine), and d_o (the one before; negative when there are only three values), with the observed
/// order p = log2(d_c / d_f):
///
///     Fs max(d_f / (2^p' - 1), d_c / (2^n (2^n - 1))),   n the nominal order,
///
/// p' the effective order clamped to [0.5, n]. The first term is Richardson's with the observed
/// order: a lower one (pre-asymptotic, or noise) widens it. The second is what the previous
/// difference leaves after one more level at the nominal order: an apparent order above the nominal
/// one is not trusted to shrink the estimate, for it may be a cancellation in the last difference
/// (on cases/leaks_linear_linear.toml, before the cells next to the potential floor were graded
/// (characteristic_merge.cpp, mergeable), the mean potential changed by 2.3e-5 and then by 1.0e-6 while
/// the error of the finest was 1.7e-6). On a sequence at the nominal order the two terms agree.
///
/// An order more than 10 % above the nominal one is a sign of such a cancellation: the effective
/// order is then the smaller of it and the previous one, log2(d_o / d_c) (on
/// cases/leaks_exponential_linear.toml the rate's orders were 1.21, 1.29, 2.91 at level 4, then
/// -0.24: the estimate from 2.91 was 0.81 times the error of level 4). Roache's factor Fs is
/// `safety`, or 3, the factor of the grid convergence index for an order that is not verified
/// (Roache 1998; Oberkampf & Roy 2010, section 8.7), when the effective order is more than 10 %
/// below the nominal one or not observed.
double richardson_error(double d_older, double d_coarse, double d_fine, double order, double safety,
                        std::optional<double>* observed)
{
  if (d_coarse == 0.0 && d_fine == 0.0) return 0.0;
  double p = order;
  double factor = std::max(safety, 3.0);
  if (d_coarse > 0.0 && d_fine > 0.0) {
    *observed = std::log2(d_coarse / d_fine);
    double effective = **observed;
    if (effective > 1.1 * order && d_older > 0.0) effective = std::min(effective, std::log2(d_older / d_coarse));
    p = std::clamp(effective, 0.5, order);
    if (effective >= 0.9 * order) factor = safety;
  }
  const double nominal = std::exp2(order);
  return factor * std::max(d_fine / (std::exp2(p) - 1.0), d_coarse / (nominal * (nominal - 1.0)));
}

/// Richardson's extrapolation of the finer of two successive levels at the nominal order n:
///     R = q_f + (q_f - q_c) / (2^n - 1),
/// which removes the error term of order n (docs/numerical-method.md §12).
double extrapolate(double coarse, double fine, double order)
{
  return fine + (fine - coarse) / (std::exp2(order) - 1.0);
}

/// The error of the last of three extrapolated values R_{L-2}, R_{L-1}, R_L from their differences
/// dR_c = |R_{L-1} - R_{L-2}| and dR_f = |R_L - R_{L-1}|: richardson_error applied to them, with the
/// nominal order as theirs. Their leading error term is of a higher order than the nominal one, so
/// this is conservative where they converge regularly; where they do not (an observed order more
/// than 10 % below the nominal one), Roache's factor 3 and the lower order widen the bound, which
/// then wins over the finest level's own estimate only where the extrapolations change much less
/// than the levels do.
double extrapolated_error(double dR_coarse, double dR_fine, double order, double safety)
{
  std::optional<double> observed;
  return richardson_error(-1.0, dR_coarse, dR_fine, order, safety, &observed);
}

/// The sup over the first `samples` sample times that both hold of |q_a - q_b| for observable k.
double sup_difference(const Solution& a, const Solution& b, std::size_t k, std::size_t samples)
{
  const std::size_t n = std::min({samples, a.observables.size(), b.observables.size()});
  double d = 0.0;
  for (std::size_t s = 0; s < n; ++s) d = std::max(d, std::fabs(a.observables[s].values[k] - b.observables[s].values[k]));
  return d;
}

/// The differences of the extrapolations of four successive values q0..q3 (coarse to fine):
/// dR_c = |R_2 - R_1| and dR_f = |R_3 - R_2|, R_k the extrapolation (extrapolate) of (q_{k-1}, q_k).
struct ExtrapolatedDifferences {
  double coarse = 0.0, fine = 0.0;
};

ExtrapolatedDifferences extrapolated_differences(double q0, double q1, double q2, double q3, double order)
{
  const double R1 = extrapolate(q0, q1, order), R2 = extrapolate(q1, q2, order), R3 = extrapolate(q2, q3, order);
  return {std::fabs(R2 - R1), std::fabs(R3 - R2)};
}

/// The same for observable k, each the sup over the first `samples` sample times that all four hold.
ExtrapolatedDifferences sup_extrapolated_differences(const Solution& older, const Solution& coarse, const Solution& mid,
                                                     const Solution& fine, std::size_t k, std::size_t samples,
                                                     double order)
{
  const std::size_t n = std::min({samples, older.observables.size(), coarse.observables.size(),
                                  mid.observables.size(), fine.observables.size()});
  ExtrapolatedDifferences sup;
  for (std::size_t s = 0; s < n; ++s) {
    const ExtrapolatedDifferences d =
        extrapolated_differences(older.observables[s].values[k], coarse.observables[s].values[k],
                                 mid.observables[s].values[k], fine.observables[s].values[k], order);
    sup.coarse = std::max(sup.coarse, d.coarse);
    sup.fine = std::max(sup.fine, d.fine);
  }
  return sup;
}

/// The rounding level of observable k, below which no difference of levels means anything: 1e-11 of
/// the size of its terms (for a variance E[x^2] - E[x]^2, the second moment). The phi = 0 transport
/// (cases/transport.toml), exact but for rounding, has errors of 2e-12 of that size, against a
/// reference of the same kind; estimates from its level differences were 5 to 6 times smaller.
double rounding_level(const Solution& s, std::size_t k, std::size_t samples)
{
  using model::ObservableId;
  const auto id = static_cast<ObservableId>(k);
  const bool variance = id == ObservableId::var_potential || id == ObservableId::var_calcium;
  const auto mean = static_cast<std::size_t>(id == ObservableId::var_potential ? ObservableId::mean_potential
                                                                              : ObservableId::mean_calcium);
  double size = 0.0;
  for (std::size_t j = 0; j < std::min(samples, s.observables.size()); ++j) {
    const auto& v = s.observables[j].values;
    size = std::max(size, variance ? std::fabs(v[k]) + v[mean] * v[mean] : std::fabs(v[k]));
  }
  return 1e-11 * size;
}

}  // namespace

std::optional<double> exit_time_error_from_observables(
    const Solution& s, const model::MemoryRegion& region,
    const std::array<double, model::observable_count>& observable_error)
{
  if (!s.exit_time || s.times.size() < 2 || s.observables.size() != s.times.size()) return std::nullopt;
  const double tau = *s.exit_time;
  // The sample interval [t_j, t_j+1] that holds tau.
  const auto after = std::upper_bound(s.times.begin(), s.times.end(), tau);
  if (after == s.times.begin() || after == s.times.end()) return std::nullopt;
  const std::size_t j = static_cast<std::size_t>(after - s.times.begin()) - 1;
  const double dt = s.times[j + 1] - s.times[j];
  std::optional<double> worst;
  for (const model::Threshold& th : region.thresholds) {
    const auto k = static_cast<std::size_t>(th.observable);
    const double q0 = s.observables[j].values[k], q1 = s.observables[j + 1].values[k];
    for (const std::optional<double>& bound : {th.min, th.max}) {
      if (!bound || (q0 - *bound) * (q1 - *bound) > 0.0) continue;  // not crossed over this interval
      // tau moves by dq / |q'| when the path q(t) moves by dq near its crossing.
      const double slope = std::fabs(q1 - q0) / dt;
      const double e = slope > 0.0 ? observable_error[k] / slope : std::numeric_limits<double>::infinity();
      worst = std::max(worst.value_or(0.0), e);
    }
  }
  return worst;
}

namespace {

/// The samples after the one following the exit time whose differences still count for the exit
/// time's estimate: the crossing's own interval, and a margin for a difference of the levels that
/// happens to pass through zero there.
constexpr std::size_t exit_margin_samples = 10;

/// Each observable's error estimate from the levels' differences over their first `samples` sample
/// times (sup over them), its observed order and whether the extrapolated value's error is the
/// smaller (then that one, `extrapolated`); `finest` keeps the finest level's own estimates.
struct ObservableErrors {
  std::array<double, model::observable_count> error{}, finest{}, scale{};
  std::array<std::optional<double>, model::observable_count> order{};
  std::array<bool, model::observable_count> extrapolated{};
};

ObservableErrors observable_errors(const std::vector<const Solution*>& levels, std::size_t samples, double order,
                                   double safety, bool extrapolate_finest)
{
  const std::size_t n = levels.size();
  const Solution& fine = *levels[n - 1];
  const Solution& mid = *levels[n - 2];
  const Solution* coarse = n >= 3 ? levels[n - 3] : nullptr;
  const Solution* older = n >= 4 ? levels[n - 4] : nullptr;
  ObservableErrors r;
  for (std::size_t k = 0; k < model::observable_count; ++k) {
    double scale = 0.0;
    for (std::size_t s = 0; s < samples; ++s) scale = std::max(scale, std::fabs(fine.observables[s].values[k]));
    const double d_fine = sup_difference(fine, mid, k, samples);
    const double d_coarse = coarse ? sup_difference(mid, *coarse, k, samples) : 0.0;
    const double d_older = older ? sup_difference(*coarse, *older, k, samples) : -1.0;
    r.scale[k] = scale;
    r.error[k] = coarse ? richardson_error(d_older, d_coarse, d_fine, order, safety, &r.order[k])
                        : safety * d_fine / (std::exp2(order) - 1.0);
    const double rounding = rounding_level(fine, k, samples);
    r.error[k] = std::max(r.error[k], rounding);
    r.finest[k] = r.error[k];
    if (extrapolate_finest && older) {
      const ExtrapolatedDifferences dR = sup_extrapolated_differences(*older, *coarse, mid, fine, k, samples, order);
      const double e = extrapolated_error(dR.coarse, dR.fine, order, safety);
      if (std::max(e, rounding) < r.error[k]) {
        r.error[k] = std::max(e, rounding);
        r.extrapolated[k] = true;
      }
    }
  }
  return r;
}

/// Whether the time steps of the last three levels halved alike: each one's step count over the
/// previous one's, the two ratios at least 1.5 and within 15 % of each other. The time step is the one
/// length the levels do not set directly: it is the smallest of several bounds (the level's dt, the
/// change of phi across the newborn cell; CharacteristicRun::step_bound), each halved per level.
/// Where dt sets the steps, the counts grow by nearly 2 per level (1.77 on cases/memory.toml: the steps
/// also end at the sample times); where the bound by the change of phi does, for phi ~ u^kappa near the
/// reset potential, the newborn's displacement shrinks as phi_step^(1/kappa), and the counts grow by
/// about 2^(1/kappa) (1.19 for the Hill rate's kappa = 4, 1.41 for kappa = 2). The errors that the step
/// length sets then shrink by far less than 2^order per level, and an observed order near the nominal
/// one comes from the errors that do (cases/memory.toml with beta = 3, horizon 30: step counts grew by
/// 1.21 and 1.34, the variance of calcium showed order 1.94, and its estimate was 0.64 times its
/// error). Where the bound that sets the steps changes between the levels, the ratios differ, and the
/// two differences of the levels are not those of one refinement. (initial.C.at = 30, horizon 12: step
/// counts 2771, 3361, 5543 over levels 0 to 2, ratios 1.21 and 1.65; the variance of calcium changed
/// by 8.0e-3 and 2.2e-3, an apparent order 1.85, then by 8.6e-4 and 2.2e-4; the estimate of level 2
/// with Roache's factor 1.25 was 0.92 times its error, with 3 it is 2.2 times. With horizon 30, beta
/// = 4 and initial.C.at = 40 (ratios 1.30 and 1.67, 1.29 and 1.50) had estimates 0.95 and 0.85 times
/// their errors.) Either way the order they show does not verify the scheme's. The three levels are
/// those whose two differences give the observed order; the extrapolation's estimate also uses the
/// level before them, whose step ratio is not compared (beta = 4 at a tolerance of 1e-6: 1.67 there,
/// then 1.92 and 1.94). Levels without a step count (0) count as halved alike.
bool last_steps_halved_alike(const std::vector<const Solution*>& levels)
{
  constexpr double least_growth = 1.5, agreement = 1.15;
  const std::size_t n = levels.size();
  if (n < 3) return true;
  const long s0 = levels[n - 3]->steps, s1 = levels[n - 2]->steps, s2 = levels[n - 1]->steps;
  if (s0 <= 0 || s1 <= 0 || s2 <= 0) return true;
  const double coarse = static_cast<double>(s1) / static_cast<double>(s0);
  const double fine = static_cast<double>(s2) / static_cast<double>(s1);
  return std::min(coarse, fine) >= least_growth && std::max(coarse, fine) <= agreement * std::min(coarse, fine);
}

}  // namespace

AccuracyReport estimate_accuracy(const std::vector<const Solution*>& levels, double tolerance, double order,
                                 const model::MemoryRegion& region, double safety, bool extrapolate_finest)
{
  AccuracyReport r;
  r.tolerance = tolerance;
  const std::size_t n = levels.size();
  if (n < 2) {
    // One level (the next would pass the budget): no difference, so no estimate, not one of 0.
    r.observable_error.fill(std::numeric_limits<double>::quiet_NaN());
    r.observable_scale.fill(std::numeric_limits<double>::quiet_NaN());
    return r;
  }
  const Solution& fine = *levels[n - 1];
  const Solution& mid = *levels[n - 2];
  const Solution* coarse = n >= 3 ? levels[n - 3] : nullptr;
  const Solution* older = n >= 4 ? levels[n - 4] : nullptr;
  bool ok = true;
  // Roache's factor for an order that is not verified where the levels' steps did not halve alike.
  if (!last_steps_halved_alike(levels)) safety = std::max(safety, 3.0);
  // Observables: sup over the common sample times of the differences.
  const std::size_t samples = std::min(fine.observables.size(), mid.observables.size());
  const ObservableErrors all = observable_errors(levels, samples, order, safety, extrapolate_finest);
  for (std::size_t k = 0; k < model::observable_count; ++k) {
    r.observable_scale[k] = all.scale[k];
    r.observable_error[k] = all.error[k];
    r.observable_order[k] = all.order[k];
    r.observable_extrapolated[k] = all.extrapolated[k];
    // An observable that is zero to rounding (the potential's variance when every neuron keeps one
    // potential: a Dirac initial potential without reset) is converged once its error is rounding too;
    // relative to its size it never would be.
    const double rounding = rounding_level(fine, k, samples);
    const double allowed = all.scale[k] > rounding ? tolerance * all.scale[k] : rounding;
    if (r.observable_error[k] > allowed) ok = false;
  }
  // Exit time: when every level has one. A level without an exit where another has one is a
  // disagreement on the region's boundary: not converged.
  const bool all_exit = fine.exit_time && mid.exit_time && (!coarse || coarse->exit_time);
  const bool none_exit = !fine.exit_time && !mid.exit_time;
  const bool exit_at_start =
      all_exit && *fine.exit_time == 0.0 && *mid.exit_time == 0.0 && (!coarse || *coarse->exit_time == 0.0);
  if (exit_at_start) {
    // Every level finds the initial state outside the region: the exit time is 0, exactly (an error
    // relative to it could never be met, and the refinement ran into its budget).
    r.exit_time_error = 0.0;
  } else if (all_exit) {
    const double d_fine = std::fabs(*fine.exit_time - *mid.exit_time);
    const double d_coarse = coarse ? std::fabs(*mid.exit_time - *coarse->exit_time) : 0.0;
    const double d_older = older && older->exit_time ? std::fabs(*coarse->exit_time - *older->exit_time) : -1.0;
    r.exit_time_error = coarse ? richardson_error(d_older, d_coarse, d_fine, order, safety, &r.exit_time_order)
                               : safety * d_fine / (std::exp2(order) - 1.0);
    if (extrapolate_finest && older && older->exit_time) {
      const ExtrapolatedDifferences dR =
          extrapolated_differences(*older->exit_time, *coarse->exit_time, *mid.exit_time, *fine.exit_time, order);
      const double e = extrapolated_error(dR.coarse, dR.fine, order, safety);
      if (e < *r.exit_time_error) {
        r.exit_time_error = e;
        r.exit_time_extrapolated = true;
      }
    }
    // The errors of the paths whose crossing gives the reported exit time: the finest level's own
    // unless the exit time is extrapolated (then each observable's reported one), over the samples up
    // to the exit and a few beyond. The exit depends on the paths before it only (what happens after
    // cannot move it), and on cases/memory.toml with phi = 1.5 u^0.5 the rate's sup change after the
    // exit (3.54), where the population sits near u = 0 and phi is steepest, was 40 times its change
    // before: the exit time's estimate was 5.2e-3 while the levels' exit times agreed to 7e-7.
    const auto after_exit = std::upper_bound(fine.times.begin(), fine.times.end(), *fine.exit_time);
    const std::size_t to_exit =
        std::min(samples, static_cast<std::size_t>(after_exit - fine.times.begin()) + exit_margin_samples);
    const ObservableErrors before = to_exit < samples ? observable_errors(levels, to_exit, order, safety, extrapolate_finest) : all;
    const auto& path_error = r.exit_time_extrapolated ? before.error : before.finest;
    if (const auto implied = exit_time_error_from_observables(fine, region, path_error))
      r.exit_time_error = std::max(*r.exit_time_error, *implied);
    if (*r.exit_time_error > tolerance * std::fabs(*fine.exit_time)) ok = false;
  } else if (!none_exit) {
    ok = false;
  }
  r.converged = ok && coarse != nullptr;
  return r;
}

Solution apply_extrapolation(const Solution& mid, Solution fine, const AccuracyReport& report, double order)
{
  if (report.exit_time_extrapolated && mid.exit_time && fine.exit_time)
    fine.exit_time = extrapolate(*mid.exit_time, *fine.exit_time, order);
  const std::size_t samples = std::min(mid.observables.size(), fine.observables.size());
  for (std::size_t k = 0; k < model::observable_count; ++k) {
    if (!report.observable_extrapolated[k]) continue;
    // A rate, a variance and a mean calcium are not negative: where the limit is 0 (a silent
    // network's rate), the extrapolation may step below it by its own error.
    using model::ObservableId;
    const auto id = static_cast<ObservableId>(k);
    const bool non_negative = id == ObservableId::rate || id == ObservableId::mean_calcium ||
                              id == ObservableId::var_potential || id == ObservableId::var_calcium;
    for (std::size_t s = 0; s < samples; ++s) {
      double& q = fine.observables[s].values[k];
      q = extrapolate(mid.observables[s].values[k], q, order);
      if (non_negative) q = std::max(q, 0.0);
    }
  }
  return fine;
}

RefinementLimits refinement_limits(const std::string& scheme)
{
  RefinementLimits limits;
  if (scheme == "muscl") {
    // Second order where the density is smooth, first order at the reset front and in the calcium
    // jump that does not land on a row (observed 1.1 on cases/constant_rate.toml's mean calcium): an
    // apparent order above 1 is not trusted to shrink the estimate.
    limits.nominal_order = 1.0;
    // Its observed orders range from 0.5 to 2.2 over the shipped cases at affordable meshes: Roache's
    // factor for an order that is not verified (on cases/leaks_linear_linear.toml from 25 to 200
    // potential cells the drive's error was 1.4 times its last difference).
    limits.safety = 3.0;
    limits.cost_ratio = 8.0;  // four times the cells, twice the steps (CFL)
    limits.max_level = 5;
  } else {
    limits.nominal_order = 2.0;
    limits.cost_ratio = 4.0;  // twice the steps, twice the cells
    limits.extrapolate = true;
  }
  return limits;
}

namespace {

/// A level shorter than this is not timed well enough for its ratio to the next to mean anything.
constexpr double min_timed_level_seconds = 0.5;

}  // namespace

Solution refine_to_tolerance(const std::function<Solution(int level)>& run_level, double tolerance,
                             const model::MemoryRegion& region, const RefinementLimits& limits,
                             const std::atomic<bool>* stop, MPI_Comm comm)
{
  std::vector<Solution> solutions;
  std::vector<AccuracyLevel> levels;
  double spent = 0.0;
  AccuracyReport report;
  for (int level = limits.first_level;; ++level) {
    Solution s = run_level(level);
    // Every rank must take the same decision: the slowest rank's time and any rank's interrupt.
    double wall = s.wall_seconds;
    if (comm != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &wall, 1, MPI_DOUBLE, MPI_MAX, comm);
    const bool interrupted = s.interrupted || stop_requested_on_any_rank(stop, comm);
    int over_budget = s.over_budget ? 1 : 0;
    if (comm != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &over_budget, 1, MPI_INT, MPI_MAX, comm);
    if (over_budget != 0 && !interrupted) {
      // The level did not finish within the budget: the levels before it stand (not converged), and
      // without one the run cannot report anything.
      const double reached = s.times.empty() ? 0.0 : s.times.back();
      const double rate = s.observables.empty() ? 0.0 : s.observables.back().rate();
      if (solutions.empty())
        throw SolverFailure(fmt::format(
            "level {} did not finish within the wall budget of {:.3g} s (solver.wall_budget): it reached t = {:.6g}, "
            "where the rate was {:.6g}{}",
            level, limits.wall_budget_seconds, reached, rate,
            rate > 1e3 ? " (a rate that grows without bound shortens the time steps without end: the limit may "
                         "blow up)"
                       : ""));
      report.stop_reason =
          fmt::format("level {} did not finish within the budget of {:.3g} s (solver.wall_budget; it reached t = {:.6g})",
                      level, limits.wall_budget_seconds, reached);
      break;
    }
    spent += wall;
    AccuracyLevel info;
    info.level = level;
    info.resolution = s.resolution;
    info.cells = s.cells;
    info.steps = s.steps;
    info.wall_seconds = wall;
    info.exit_time = s.exit_time;
    levels.push_back(info);
    solutions.push_back(std::move(s));
    if (interrupted) {
      Solution out = std::move(solutions.back());
      out.interrupted = true;
      return out;
    }
    if (solutions.size() > 4) solutions.erase(solutions.begin());  // the last four: three differences
    std::vector<const Solution*> view;
    for (const auto& x : solutions) view.push_back(&x);
    report = estimate_accuracy(view, tolerance, limits.nominal_order, region, limits.safety, limits.extrapolate);
    if (report.converged) break;
    // The next level costs cost_ratio times this one where the work is cells x steps; the newborn's
    // calcium law (laws x rows, each twice as many per level, at every one of twice as many closes)
    // grows by up to 8, and takes over at the fine levels (beta = 4 at a tolerance of 1e-6: levels 3
    // and 4 took 5.6 and 42 s). So the last two levels' own ratio, where the earlier one ran long
    // enough to time, predicts the next one when it is the larger.
    const double previous_wall = levels.size() >= 2 ? levels[levels.size() - 2].wall_seconds : 0.0;
    const double ratio = previous_wall >= min_timed_level_seconds ? std::max(limits.cost_ratio, wall / previous_wall)
                                                                  : limits.cost_ratio;
    const double next = ratio * wall;
    if (level >= limits.max_level) {
      report.stop_reason = fmt::format("the finest level allowed ({}) was reached", limits.max_level);
      break;
    }
    // (Also before three levels exist: without them the order is not observed and the run is not
    // converged, but a budget is a promise.)
    if (spent + next > limits.wall_budget_seconds) {
      report.stop_reason =
          fmt::format("the next level would take about {:.3g} s, beyond the budget of {:.3g} s (solver.wall_budget)",
                      next, limits.wall_budget_seconds);
      break;
    }
  }
  Solution out = solutions.size() >= 2
                     ? apply_extrapolation(solutions[solutions.size() - 2], std::move(solutions.back()), report,
                                           limits.nominal_order)
                     : std::move(solutions.back());
  report.levels = std::move(levels);
  out.accuracy = std::move(report);
  return out;
}

}  // namespace stf::solver
