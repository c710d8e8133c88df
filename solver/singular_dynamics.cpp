// The singular parts of the MUSCL scheme and where the spiking mass re-enters (see the header).
#include "solver/singular_dynamics.hpp"

namespace stf::solver {

ResetDestination reset_destination(const Physics& ph, const NonlocalTerms& nl)
{
  ResetDestination d;
  if (!ph.params.reset) {
    d.keep = true;
    return d;
  }
  if (ph.params.u_reset > 0.0) {
    d.i0 = ph.reset_split.first;
    d.w0 = ph.reset_split.w_first;
    if (d.w0 < 1.0) {
      d.i1 = d.i0 + 1;
      d.w1 = 1.0 - d.w0;
    }
    return d;
  }
  d.line = ph.parts.line_u0 && nl.v0 <= 0.0;
  return d;
}

void keep_potential_spikes(const Physics& ph, PetscScalar** q, const Depositor& dep)
{
  const long m = ph.grid.cells_per_unit_c(), nc = ph.grid.cells_c();
  const double* phi = ph.phi_column.data();
  double lost = 0.0;
  for (long j = dep.ys; j < dep.ye; ++j) {
    const PetscScalar* r = q[j];
    if (j + m < nc) {
      PetscScalar* out = dep.f[j + m];
      for (long i = dep.xs; i < dep.xe; ++i) out[i] += phi[i] * r[i];
    } else {
      for (long i = dep.xs; i < dep.xe; ++i) lost += phi[i] * r[i];
    }
  }
  dep.s[dep.parts.lost_c_offset] += lost;  // this rank's cells only: summed over the ranks
}

void singular_terms(const RhsContext& ctx, const NonlocalTerms& nl, const PetscScalar* parts, const Depositor& dep)
{
  const Physics& ph = ctx.physics;
  const auto& P = ph.parts;
  const long nu = ph.grid.cells_u(), nc = ph.grid.cells_c(), m = ph.grid.cells_per_unit_c();
  const double inv_dc = 1.0 / ph.grid.dc();
  const double drive = nl.input + nl.drive;
  const double phi0 = ph.phi_at_0;
  const bool root = dep.root;
  double* s = dep.s;
  const ResetDestination d = reset_destination(ph, nl);

  // J(t, c - 1): the mass that spiked in calcium row j re-enters in row j + m (an exact shift).
  // Without reset the cells' spikes stay in their columns (keep_potential_spikes).
  if (!d.keep)
    for (long j = 0; j < nc; ++j) {
      const double J = ctx.reset_flux[static_cast<std::size_t>(j)];
      if (J != 0.0) dep.add(J, d, j + m, 1.0);
    }
  // Without reset, mass at u = 0 spikes to u = 0 (the line {u = 0}, which exists wherever mass can
  // sit at u = 0), mass at column i to column i.
  const ResetDestination d_line_u0 = d.keep ? dep.keep_at(mesh::CellSplit{}, true) : d;

  if (P.line_u0) {
    const PetscScalar* line = parts + P.line_u0_offset;
    for (long j = 0; j < nc; ++j) {
      // Transport down in c (first-order upwind through face j, from row j); at c = 0 into the corner.
      // (In the calcium frame the line's rows move with the flow: relabelled by the driver.)
      const double down = ph.calcium_frame ? 0.0 : ph.leak_c_face[static_cast<std::size_t>(j)] * inv_dc * line[j];
      const double spikes = phi0 * line[j];  // the line spikes at phi(0)
      if (root) {
        s[P.line_u0_offset + j] -= down + spikes;
        if (j > 0)
          s[P.line_u0_offset + j - 1] += down;
        else if (P.corner)
          s[P.corner_offset] += down;
      }
      dep.add(spikes, d_line_u0, j + m, 1.0);
    }
  }
  if (P.line_c0) {
    const PetscScalar* line = parts + P.line_c0_offset;
    for (long i = 0; i < nu; ++i) {
      const double spikes = ph.phi_column[static_cast<std::size_t>(i)] * line[i];
      if (root) s[P.line_c0_offset + i] -= spikes;
      dep.add_at_c(spikes, d.keep ? dep.keep_at(mesh::CellSplit{i, 1.0, false}, false) : d, ph.grid, 1.0);
    }
    if (root) {
      // Transport along c = 0 in u, first-order upwind, with the cells' face velocities.
      for (long i = 1; i < nu; ++i) {
        const double a = drive - ph.leak_u_face[static_cast<std::size_t>(i)];
        const double flux = a * (a > 0.0 ? line[i - 1] * ph.inv_du(i - 1) : line[i] * ph.inv_du(i));
        s[P.line_c0_offset + i - 1] -= flux;
        s[P.line_c0_offset + i] += flux;
      }
      if (P.corner) {
        const double v0 = nl.v0;
        const double flux = v0 * ph.inv_du(0) * (v0 > 0.0 ? parts[P.corner_offset] : line[0]);
        s[P.corner_offset] -= flux;
        s[P.line_c0_offset] += flux;
      }
      const double a = drive - ph.leak_u_face[static_cast<std::size_t>(nu)];
      if (a > 0.0) {
        const double flux = a * ph.inv_du(nu - 1) * line[nu - 1];
        s[P.line_c0_offset + nu - 1] -= flux;
        s[P.lost_u_offset] += flux;
      }
    }
  }
  if (P.corner) {
    const double spikes = phi0 * parts[P.corner_offset];
    if (root) s[P.corner_offset] -= spikes;
    dep.add_at_c(spikes, d_line_u0, ph.grid, 1.0);
  }
  if (P.atom) {
    // The atom moves along its characteristic and loses weight at rate phi(U) into the reset
    // flux, which lands at calcium C + 1 (split between the two rows around it).
    const double U = parts[P.atom_offset], C = parts[P.atom_offset + 1], W = parts[P.atom_offset + 2];
    const double spikes = ph.params.phi(U > 0.0 ? U : 0.0) * W;
    if (root) {
      s[P.atom_offset] += ph.params.leak_U.velocity(U, drive);
      s[P.atom_offset + 1] += ph.params.leak_C.velocity(C, 0.0);
      s[P.atom_offset + 2] -= spikes;
    }
    // Without reset the spikes keep the atom's potential U (on the line {u = 0} if it sits there).
    const ResetDestination da =
        d.keep ? dep.keep_at(ph.grid.split_u(U > 0.0 ? U : 0.0), P.line_u0 && U <= 0.0) : d;
    dep.add_at_c(spikes, da, ph.grid, (C > 0.0 ? C : 0.0) + 1.0);
  }
}

void add_singular_parts_drive(const Physics& ph, const PetscScalar* parts, double sigma, double& p)
{
  const auto& P = ph.parts;
  const auto& g = ph.grid;
  const double w0 = ph.params.w0, w1 = ph.params.w1;
  auto row_c = [&](long j) {
    double c, c2;
    ph.row_calcium(j, sigma, &c, &c2);
    return c;
  };
  if (P.line_u0)
    for (long j = 0; j < g.cells_c(); ++j) p += ph.phi_at_0 * (w0 + w1 * row_c(j)) * parts[P.line_u0_offset + j];
  if (P.line_c0)
    for (long i = 0; i < g.cells_u(); ++i) p += ph.phi_column[static_cast<std::size_t>(i)] * w0 * parts[P.line_c0_offset + i];
  if (P.corner) p += ph.phi_at_0 * w0 * parts[P.corner_offset];
  if (P.atom) {
    const double U = parts[P.atom_offset], C = parts[P.atom_offset + 1], W = parts[P.atom_offset + 2];
    p += ph.params.phi(U > 0.0 ? U : 0.0) * (w0 + w1 * C) * W;
  }
}

}  // namespace stf::solver
