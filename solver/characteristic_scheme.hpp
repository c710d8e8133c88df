// The characteristic finite-volume scheme of the limit equation (MODEL.md §3,
// docs/numerical-method.md §11): cells that move with the flow, so that transport is exact and
// only the spiking (killing and reset) is discretised.
#pragma once

#include "model/case.hpp"
#include "solver/solve.hpp"

namespace stf::solver {

/// The resolution of one run of the characteristic scheme. Every length halves from one level to
/// the next (see `characteristic_resolution`).
struct CharacteristicResolution {
  int level = 0;
  double dt = 0.0;            // longest time step (classical Runge-Kutta of order 4); steps land on input changes
  double cell_width = 0.0;    // H: the widest cell (a newborn cell closes at it, neighbours merge below it)
  double relative_width = 0.0;  // exponential potential leak: merged cells [a, b] may also be as wide as
                                // this fraction of a (wide where the potential is high)
  double phi_step = 0.0;      // the largest change of phi across a cell (the same rules), so that cells
                              // are narrow where phi varies and wide where it is flat
  double calcium_step = 0.0;  // with phi_step, how far apart the calcium of two merging cells may be
                              // (characteristic_merge.cpp, calcium_close_enough)
  double window = 0.0;        // the longest time a newborn cell collects reset mass (dt: it closes at every step)
  long rows_per_unit_c = 1;   // calcium packets per unit (linear calcium leak)
};

/// Level `level` of the refinement sequence of a case: lengths from the case's own scales (its
/// horizon, its rates and leaks, its initial law), divided by 2^level.
CharacteristicResolution characteristic_resolution(const model::Case& c, int level);

/// One run at a fixed resolution. Observables at the case's sample times (steps end there: the
/// state's own, not interpolated), the exit time in continuous time (the first root of the crossed
/// threshold's cubic through the last four step ends, StepObserver). Runs on the calling rank only
/// (the state is small).
Solution solve_characteristic_level(const model::Case& c, const CharacteristicResolution& resolution,
                                    const SolveOptions& options);

}  // namespace stf::solver
