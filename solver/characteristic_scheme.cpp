// The characteristic finite-volume scheme (docs/numerical-method.md §11).
//
// The potential velocity v(t, u) = I(t) + p(t) - leak_U(u) does not depend on calcium and is affine
// in u (exponential leak: v = I + p - alpha u; linear leak: a translation, with the sticky floor at
// u = 0), and the calcium velocity does not depend on potential. So a cell bounded by two
// characteristics of the potential flow stays such a cell, whatever its calcium: every cell is an
// interval [a, b] of potential, moved by one affine map per step (u -> e^{-alpha dt} u + G, or
// u -> u + G), that never exchanges mass with another by transport. What is discretised:
//   - the killing: a cell of mass M and first moment P loses mass at the rate integral of phi rho,
//     rho the linear density with that mass and moment, corrected by the cell's carried integral of
//     u^2 where its content is not that density (a union of cells; cell_killing.hpp);
//   - the reset: the spiking mass of every cell enters the newborn cell, [u_reset, the characteristic
//     that left u_reset when the cell opened], which closes at the end of every full step (`window`
//     is dt), or once it is `cell_width` wide or phi changes by `phi_step` across it, and becomes a
//     cell like the others, cut into cells no wider than `cell_width` if the drive moved it further;
//     the time step keeps phi's change across a newborn cell within `phi_step`;
//   - the calcium of a cell: with the exponential leak (c -> c e^{-beta t}, +1 at a spike) only
//     E[C] and E[C^2] per unit mass enter the drive and the observables, and they are carried
//     exactly; with the linear leak, the law in the frame x = c + beta t (CalciumPackets). A union of
//     cells keeps how its calcium depends on the potential as a line (Cell::slope, merge_calcium_line).
// One state vector (G, the masses, the newborn cell, its calcium moments and the emission
// counters) is advanced by the classical Runge-Kutta method of order 4: mass moves only between
// cells, so the total is conserved to rounding.
//
// This file holds the resolution of each level; one run at a resolution is a CharacteristicRun
// (characteristic_run.hpp, which names the files that define it).
#include "solver/characteristic_scheme.hpp"

#include <algorithm>

#include "solver/characteristic_run.hpp"

namespace stf::solver {

namespace {

/// The scales of a case: a potential scale (where its initial law and reset lie, and where phi
/// changes), a rate scale (phi there, the leaks, the horizon) and phi's range there.
struct CaseScales {
  double potential = 1.0, rate = 1.0, phi_range = 1.0;
};

CaseScales case_scales(const model::Case& c)
{
  const auto& U = c.initial.U;
  const auto& phi = c.model.phi;
  CaseScales s;
  const double u_init = U.is_dirac() ? U.at : U.upper_extent(1e-3);
  double phi_scale = 1.0;
  if (phi.kind == model::RateKind::hill || phi.kind == model::RateKind::sigmoid ||
      phi.kind == model::RateKind::threshold_linear)
    phi_scale = std::max(phi.theta, 1e-300);
  s.potential = std::max({u_init, c.model.u_reset, phi_scale, 1e-300});
  s.phi_range = phi(2.0 * s.potential) - phi(0.0);
  s.rate = std::max({phi(2.0 * s.potential), c.model.alpha(), c.model.beta(), 1.0 / c.time.end});
  return s;
}

}  // namespace

CharacteristicResolution characteristic_resolution(const model::Case& c, int level)
{
  const CaseScales s = case_scales(c);
  const double scale = std::ldexp(1.0, -level);
  CharacteristicResolution r;
  r.level = level;
  // Steps end at the sample times too, so the longest step starts at most one sample interval long:
  // then every level halves the steps actually taken (the refinement sees the time error).
  r.dt = std::min({c.time.end / 16.0, 0.2 / s.rate, c.time.sample}) * scale;
  r.cell_width = s.potential / 4.0 * scale;
  // Above the potential scale, the same width relative to the cell's potential: a population that
  // the drive takes far above its scale (a strong stimulus, slow calcium leak) keeps about as many
  // cells as one that stays near it. The within-cell error of the potential's variance is then
  // relative to the mean square potential, like the others.
  r.relative_width = r.cell_width / s.potential;
  r.phi_step = s.phi_range > 0.0 ? s.phi_range / 8.0 * scale : std::numeric_limits<double>::infinity();
  r.calcium_step = scale / 8.0;  // in the calcium's own unit (a spike's jump), as phi_step in phi's range
  // The newborn cell closes at every step. Its calcium is one law and its potential one linear
  // density for all it collected, so what changes over its window (the spikers' calcium, the inflow
  // and the velocity at u_reset) is averaged over it. With a window of 4 dt this was the
  // largest error: on cases/memory.toml the variance of calcium changed by 1.0e-3 from level 2 to 3,
  // against 1.7e-4 with dt (the exit time by 1.1e-4 against 2.1e-5; with an exponential calcium leak
  // 11 times less), for 20 % more cells: the default tolerance needs one level fewer.
  r.window = r.dt;
  if (c.model.leak_C.kind == model::LeakKind::linear && c.model.beta() > 0.0)
    r.window = std::min(r.window, 0.25 / c.model.beta());  // newborn calcium (>= 1 - beta window) stays above 0
  // The rows' error (order 2.5 in 1 / m; the atoms are exact) must shrink from each level to the
  // next like the others, or the refinement cannot see it: with m doubling every second level, the
  // variance of calcium on cases/memory.toml changed by 1.3e-4 (relative) from level 2 to 3 while
  // its error at level 3 was 6.5e-5, 1.2 times the estimate. m doubles every level.
  r.rows_per_unit_c = 1L << std::min(level, 10);
  return r;
}

Solution solve_characteristic_level(const model::Case& c, const CharacteristicResolution& resolution,
                                    const SolveOptions& options)
{
  characteristic::CharacteristicRun run(c, resolution);
  return run.run(options);
}

}  // namespace stf::solver
