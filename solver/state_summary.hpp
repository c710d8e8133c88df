// What the driver checks and records at every sample time: the observables of MODEL.md §2 over
// cells and singular parts, the total mass (lost mass included), and the sign and finiteness of
// the density.
#pragma once

#include <petscvec.h>

#include "model/observables.hpp"
#include "solver/rhs_context.hpp"

namespace stf::solver {

struct StateSummary {
  model::Observables observables;  // over the measure in the domain (cells at their centres)
  double total_mass = 0.0;          // cells + lines + corner + atom + lost, compensated sums
  double lost_u = 0.0, lost_c = 0.0;
  double min_mass = 0.0;            // smallest cell or singular mass
  bool finite = true;
  double atom_u = 0.0, atom_weight = 0.0;
};

/// Collective; the result is the same on every rank. Uses ctx's local vectors as scratch.
PetscErrorCode summarize_state(const RhsContext& ctx, Vec X, double t, StateSummary* out);

}  // namespace stf::solver
