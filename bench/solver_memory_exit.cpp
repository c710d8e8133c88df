// Prints the exit time of cases/memory.toml under mesh refinement, its converged value
// (Richardson extrapolation of the two finest meshes, second order), and for each mesh the
// relative error and the wall time (issue 4's target: within 0.1% in under 10 s on one core).
// Run: build/bench/solver_memory_exit [u_max c_max] (default 30 and 32: extents that hold the
// solution with no lost mass; the case's automatic extents are pessimistic a-priori bounds).
#include <petscsys.h>

#include <cmath>
#include <cstdlib>
#include <fmt/core.h>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "solver/solve.hpp"

int main(int argc, char** argv)
{
  const std::string u_max = argc > 1 ? argv[1] : "30";
  const std::string c_max = argc > 2 ? argv[2] : "32";
  int petsc_argc = 1;
  if (PetscInitialize(&petsc_argc, &argv, nullptr, nullptr) != 0) return 1;
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  using namespace stf;
  struct Level {
    long cells_u, m;
    double exit = NAN, wall = 0.0;
  };
  std::vector<Level> levels{{60, 2}, {120, 4}, {240, 8}, {480, 16}};
  try {
    for (auto& level : levels) {
      const auto c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml",
                                      {"mesh.u_max=" + u_max, "mesh.c_max=" + c_max, "mesh.cells_u=" + std::to_string(level.cells_u),
                                       "mesh.cells_per_unit_c=" + std::to_string(level.m)});
      const auto sol = solver::solve(c, {}, PETSC_COMM_WORLD);
      level.exit = sol.exit_time.value_or(NAN);
      level.wall = sol.wall_seconds;
    }
  } catch (const std::exception& e) {
    if (rank == 0) fmt::print(stderr, "solver_memory_exit: {}\n", e.what());
    PetscFinalize();
    return 1;
  }
  if (rank == 0) {
    const double fine = levels.back().exit, coarse = levels[levels.size() - 2].exit;
    const double converged = fine + (fine - coarse) / 3.0;
    fmt::print("memory.toml exit time, u_max = {}, c_max = {}; converged value (Richardson, two finest) {:.6f}\n", u_max, c_max, converged);
    for (const auto& l : levels)
      fmt::print("  cells_u {:4d}, m {:3d}: exit {:.6f}, relative error {:.2e}, wall {:.2f} s{}\n", l.cells_u, l.m,
                 l.exit, std::fabs(l.exit - converged) / converged, l.wall,
                 std::fabs(l.exit - converged) <= 1e-3 * converged && l.wall < 10.0 ? "  <- within 0.1% in < 10 s" : "");
  }
  PetscFinalize();
  return 0;
}
