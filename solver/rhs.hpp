// The right-hand side of the limit equation (MODEL.md §3) as PETSc TS calls it, and the nonlocal
// terms (reset flux J per calcium row, drive p(t)) that it, the time-step bound and the
// observables share.
#pragma once

#include <petscts.h>

#include "solver/rhs_context.hpp"

namespace stf::solver {

/// Replicates the state X (a vector of ctx.dm.pack) into ctx.cells_local (ghosts exchanged, domain
/// ghosts filled by copying the boundary cells) and ctx.parts_local. Collective.
PetscErrorCode load_state(const RhsContext& ctx, Vec X);

/// From the loaded local state: J_j = sum_i phi(u_i) m_ij (into ctx.reset_flux, reduced over the
/// ranks with one Allreduce) and p(t) = < phi(u) (w0 + w1 c) > over cells and singular parts.
/// `input` is I(t). Collective.
/// `sigma` is the calcium rows' shift (0 unless the calcium frame is on).
PetscErrorCode compute_nonlocal_terms(const RhsContext& ctx, double input, double sigma, NonlocalTerms* out);

/// dX/dt = F(t, X): fluxes face by face (each computed once, subtracted from one cell and added to
/// the next), the killing -phi(u) rho, the reset flux J(t, c - 1) re-entering at u = u_reset, and
/// the dynamics of the singular parts. `raw` is a const RhsContext*: the result depends on t, X and
/// that context only (I and the calcium frame's origin from ctx.interval), not on the state of `ts`.
/// Collective.
PetscErrorCode rhs_function(TS ts, PetscReal t, Vec X, Vec F, void* raw);

}  // namespace stf::solver
