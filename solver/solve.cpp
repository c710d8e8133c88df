// solve(): the scheme a case asks for, refined to its tolerance (docs/numerical-method.md §12).
#include "solver/solve.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "mesh/grid.hpp"
#include "solver/accuracy_control.hpp"
#include "solver/characteristic_scheme.hpp"
#include "solver/solver_failure.hpp"

namespace stf::solver {

Solution solve(const model::Case& c, const SolveOptions& options, MPI_Comm comm)
{
  RefinementLimits limits = refinement_limits(c.solver.scheme);
  limits.wall_budget_seconds = c.solver.wall_budget;
  if (c.solver.scheme == "characteristic") {
    // A level stops once the refinement's wall budget is spent (refine_to_tolerance then keeps the
    // levels before it, or fails if it was the first): a rate that grows without bound (a limit that
    // blows up) shortens the steps without end.
    const auto start = std::chrono::steady_clock::now();
    int rank = 0;
    if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
    auto run_level = [&](int level) {
      const CharacteristicResolution r = characteristic_resolution(c, level);
      if (!options.snapshot_times.empty())
        throw SolverFailure("solver.scheme = \"characteristic\" does not write density snapshots yet; remove "
                            "solver.snapshots or use solver.scheme = \"muscl\"");
      SolveOptions level_options = options;
      level_options.progress = options.progress && rank == 0;
      level_options.wall_limit_seconds =
          limits.wall_budget_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      Solution s = solve_characteristic_level(c, r, level_options);
      s.scheme = "characteristic";
      s.resolution = fmt::format("dt {:.4g}, cell width {:.4g}, {} calcium rows per unit", r.dt, r.cell_width,
                                 r.rows_per_unit_c);
      return s;
    };
    return refine_to_tolerance(run_level, c.solver.tolerance.value_or(model::SolverSettings::default_tolerance),
                               c.region, limits, options.stop, comm);
  }
  if (comm == MPI_COMM_NULL)
    throw std::logic_error("solve: the MUSCL scheme needs MPI (a communicator, not MPI_COMM_NULL)");
  if (!c.solver.tolerance) return solve_muscl(c, options, comm);
  // MUSCL: level 0 is the case's mesh, each level doubles the cells in both directions (and so
  // halves the CFL time step).
  auto run_level = [&](int level) {
    model::Case fine = c;
    const long factor = 1L << level;
    fine.mesh.cells_u = c.mesh.cells_u * factor;
    fine.mesh.cells_per_unit_c = c.mesh.cells_per_unit_c * factor;
    Solution s = solve_muscl(fine, options, comm);
    const mesh::Grid g(fine.mesh);
    s.resolution = fmt::format("mesh {} x {}", g.cells_u(), g.cells_c());
    return s;
  };
  return refine_to_tolerance(run_level, *c.solver.tolerance, c.region, limits, options.stop, comm);
}

}  // namespace stf::solver
