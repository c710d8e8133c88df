// The limit as the studies use it: its observables, exit time and the potential and calcium
// marginals of its density snapshots (cells, the singular lines and atoms of MODEL.md §3).
#pragma once

#include "solver/solve.hpp"
#include "validation/particle_study.hpp"

namespace stf::validation {

/// Marginal laws of a snapshot. Potential: column masses of the cells, the {c = 0} line's mass
/// in its potential cells, and atoms at u = 0 (the {u = 0} line and the corner) and at each
/// point atom's u. Calcium likewise with the roles swapped.
CellLaw potential_marginal(const solver::DensitySnapshot& s);
CellLaw calcium_marginal(const solver::DensitySnapshot& s);

/// Observables, exit time and the marginals of every snapshot of a solution.
LimitReference limit_reference(const solver::Solution& solution);

}  // namespace stf::validation
