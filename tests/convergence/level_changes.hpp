// Runs of the characteristic scheme at successive levels, and how much an observable changes from
// one level to the next: the raw material of the observed orders the convergence tests check.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/case.hpp"
#include "solver/characteristic_scheme.hpp"

namespace stf::test {

/// Levels first to last of `c`.
inline std::vector<solver::Solution> run_levels(const model::Case& c, int first, int last)
{
  std::vector<solver::Solution> levels;
  for (int level = first; level <= last; ++level)
    levels.push_back(solver::solve_characteristic_level(c, solver::characteristic_resolution(c, level), {}));
  return levels;
}

/// The largest change of observable `id` over the sample times from each of `levels` to the next.
inline std::vector<double> largest_changes(const std::vector<solver::Solution>& levels, model::ObservableId id)
{
  const auto k = static_cast<std::size_t>(id);
  std::vector<double> changes;
  for (std::size_t l = 1; l < levels.size(); ++l) {
    REQUIRE(levels[l].observables.size() == levels[l - 1].observables.size());
    double change = 0.0;
    for (std::size_t s = 0; s < levels[l].observables.size(); ++s)
      change = std::max(change, std::fabs(levels[l].observables[s].values[k] - levels[l - 1].observables[s].values[k]));
    changes.push_back(change);
  }
  return changes;
}

}  // namespace stf::test
