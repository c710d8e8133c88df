// Accuracy on request (docs/numerical-method.md §12): a scheme is run at successive resolutions,
// each halving every length of the previous one, until the error of the finest, estimated from
// the last three with their observed order, is below the requested relative tolerance.
#pragma once

#include <functional>
#include <vector>

#include "solver/solve.hpp"

namespace stf::solver {

/// The estimates of AccuracyReport from solutions at successive resolutions (coarse to fine, at
/// least two; the same sample times). Pure: exposed for tests. With two solutions the order is not
/// observed and the nominal `order` is used.
AccuracyReport estimate_accuracy(const std::vector<const Solution*>& levels, double tolerance, double order);

struct RefinementLimits {
  int first_level = 0;
  int max_level = 12;
  double wall_budget_seconds = 120.0;  // no level is started that is predicted to end beyond it
  double nominal_order = 2.0;
};

/// Runs `run_level(0), run_level(1), ...` (each a collective solve) until converged or a limit is
/// reached; returns the finest solution with its AccuracyReport. An interrupted level ends the
/// refinement (Solution::interrupted). `comm` makes every rank take the same decisions.
Solution refine_to_tolerance(const std::function<Solution(int level)>& run_level, double tolerance,
                             const RefinementLimits& limits, const std::atomic<bool>* stop, MPI_Comm comm);

}  // namespace stf::solver
