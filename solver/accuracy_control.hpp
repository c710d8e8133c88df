// Accuracy on request (docs/numerical-method.md §12): a scheme is run at successive resolutions,
// each halving every length of the previous one, until the error of the finest, estimated from
// the last three with their observed order, is below the requested relative tolerance.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/memory_region.hpp"
#include "solver/solve.hpp"

namespace stf::solver {

/// The estimates of AccuracyReport from solutions at successive resolutions (coarse to fine, at
/// least two; the same sample times; the last four are used). Pure: exposed for tests. With two
/// solutions the order is not observed and the nominal `order` is used.
///
/// The exit time's estimate is the larger of its own Richardson estimate and the error that the
/// crossed observable's estimate implies (first order in the perturbation of the crossing of
/// `region`'s threshold): three exit times can agree by chance while the observable that defines
/// them has not converged.
///
/// `safety` is Roache's factor of the grid convergence index: 1.25 where the scheme's order is
/// verified, 3 where it is not. It applies to a quantity whose effective order is at least 90 % of
/// `order`; one below (or not observed) gets at least 3, and so does every quantity when the step
/// counts (Solution::steps) of the last three levels grew by less than 1.5 or by ratios more than 15 %
/// apart (a time-step bound that shrinks the steps by less than 2 per level, or that sets the coarser
/// level's steps and not the finer one's; see the source). An observed order above `order` does not
/// shrink an estimate below what the previous difference gives at `order` (a cancellation in the
/// last difference is not convergence), and one more than 10 % above it is replaced by the
/// previous triple's order when that is smaller (see richardson_error in the source).
///
/// With `extrapolate_finest` and four levels, each quantity is also estimated as the Richardson
/// extrapolation of the last two levels at the nominal order (q_L + (q_L - q_{L-1}) / (2^n - 1)),
/// whose error is estimated by the same rule from the last three extrapolations; where that estimate
/// is the smaller, the quantity is marked extrapolated (apply_extrapolation gives the values) and the
/// estimate is its error.
AccuracyReport estimate_accuracy(const std::vector<const Solution*>& levels, double tolerance, double order,
                                 const model::MemoryRegion& region, double safety = 1.25,
                                 bool extrapolate_finest = false);

/// `fine` with the quantities that `report` marks extrapolated replaced by their Richardson
/// extrapolation from `mid` (the level before) at `order`; a rate, a mean calcium and a variance
/// are kept non-negative.
Solution apply_extrapolation(const Solution& mid, Solution fine, const AccuracyReport& report, double order);

/// The error of an exit time implied by errors of the observables: at the exit tau of `s`, the
/// thresholds of `region` crossed over the sample interval that holds tau, each giving
/// error_k / |dq_k/dt| (the slope over that interval); the largest of them. None when no threshold
/// is seen crossed there (an exit between samples, found in continuous time); infinite when the
/// crossing is flat.
std::optional<double> exit_time_error_from_observables(
    const Solution& s, const model::MemoryRegion& region,
    const std::array<double, model::observable_count>& observable_error);

struct RefinementLimits {
  int first_level = 0;
  int max_level = 12;
  // No level after the first is started that is predicted to end beyond it; a level that runs past it
  // anyway (Solution::over_budget) is dropped, or fails the run if it is the first. solve() takes the
  // case's solver.wall_budget.
  double wall_budget_seconds = model::SolverSettings::default_wall_budget;
  double nominal_order = 2.0;
  double safety = 1.25;                // Roache's factor (estimate_accuracy)
  double cost_ratio = 4.0;             // a level's wall time over the previous one's (the budget's prediction;
                                       // the last two levels' own ratio where larger and timed)
  bool extrapolate = false;            // report Richardson extrapolations where verified (estimate_accuracy)
};

/// The limits solve() uses for a scheme ("characteristic" or "muscl"): its nominal order, its cost
/// ratio and, for MUSCL, at most five refinements of the case's mesh.
RefinementLimits refinement_limits(const std::string& scheme);

/// Runs `run_level(0), run_level(1), ...` (each a collective solve) until converged or a limit is
/// reached; returns the finest solution with its AccuracyReport. An interrupted level ends the
/// refinement (Solution::interrupted). `comm` makes every rank take the same decisions
/// (MPI_COMM_NULL: this process alone, without MPI).
Solution refine_to_tolerance(const std::function<Solution(int level)>& run_level, double tolerance,
                             const model::MemoryRegion& region, const RefinementLimits& limits,
                             const std::atomic<bool>* stop, MPI_Comm comm);

}  // namespace stf::solver
