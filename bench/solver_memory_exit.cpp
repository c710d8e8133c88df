// Prints the exit time of cases/memory.toml under mesh refinement, each mesh's wall time, its
// relative error against the converged value, and that value: a Richardson extrapolation of the
// three finest meshes with their observed order (issue 4's target: within 0.1% in under 10 s on
// one core). Run: build/bench/solver_memory_exit [u_max c_max stretch [NUxM ...]]
// (default 40 32 30 and the meshes 60x2 120x4 240x8 480x16, cells_u x cells_per_unit_c:
// stretched potential cells, fine near u = 0 where phi changes).
#include <petscsys.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fmt/core.h>
#include <string>
#include <vector>

#include "bench/usage.hpp"
#include "model/case_reader.hpp"
#include "solver/solve.hpp"

namespace {

constexpr const char* usage =
    "solver_memory_exit: the exit time of cases/memory.toml under mesh refinement, each mesh's wall time\n"
    "and error against a Richardson extrapolation of the three finest (target: within 0.1% in under 10 s).\n\n"
    "usage: solver_memory_exit [U_MAX C_MAX STRETCH [NUxM ...]]\n\n"
    "  U_MAX C_MAX STRETCH  mesh extents and stretch (default 40 32 30)\n"
    "  NUxM                 meshes as cells_u x cells_per_unit_c (default 60x2 120x4 240x8 480x16)\n"
    "  -h, --help           this text\n";

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  const std::string u_max = argc > 1 ? argv[1] : "40";
  const std::string c_max = argc > 2 ? argv[2] : "32";
  const std::string stretch = argc > 3 ? argv[3] : "30";
  struct Level {
    long cells_u, m;
    double exit = NAN, wall = 0.0;
  };
  std::vector<Level> levels;
  for (int a = 4; a < argc; ++a) {
    Level l{};
    if (std::sscanf(argv[a], "%ldx%ld", &l.cells_u, &l.m) != 2) {
      fmt::print(stderr, "solver_memory_exit: a mesh is NUxM, e.g. 120x4, not '{}'\n", argv[a]);
      return 2;
    }
    levels.push_back(l);
  }
  if (levels.empty()) levels = {{60, 2}, {120, 4}, {240, 8}, {480, 16}};
  int petsc_argc = 1;
  if (PetscInitialize(&petsc_argc, &argv, nullptr, nullptr) != 0) return 1;
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  using namespace stf;
  try {
    for (auto& level : levels) {
      const auto c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml",
                                      {"mesh.u_max=" + u_max, "mesh.c_max=" + c_max, "mesh.stretch=" + stretch,
                                       "mesh.cells_u=" + std::to_string(level.cells_u),
                                       "mesh.cells_per_unit_c=" + std::to_string(level.m)});
      const auto sol = solver::solve_muscl(c, {}, PETSC_COMM_WORLD);
      level.exit = sol.exit_time.value_or(NAN);
      level.wall = sol.wall_seconds;
      if (rank == 0) fmt::print(stderr, "  {}x{}: exit {:.6f} in {:.2f} s\n", level.cells_u, level.m, level.exit, level.wall);
    }
  } catch (const std::exception& e) {
    if (rank == 0) fmt::print(stderr, "solver_memory_exit: {}\n", e.what());
    PetscFinalize();
    return 1;
  }
  if (rank == 0) {
    // Richardson from the three finest meshes (each assumed twice as fine as the previous):
    // observed order p from the ratio of successive differences, limit x3 + (x3 - x2) / (2^p - 1).
    const std::size_t n = levels.size();
    double converged = levels.back().exit, order = NAN;
    if (n >= 3) {
      const double x1 = levels[n - 3].exit, x2 = levels[n - 2].exit, x3 = levels[n - 1].exit;
      const double ratio = (x2 - x1) / (x3 - x2);
      if (ratio > 1.0) {
        order = std::log2(ratio);
        converged = x3 + (x3 - x2) / (ratio - 1.0);
      }
    }
    fmt::print("memory.toml exit time, u_max = {}, c_max = {}, stretch = {}; converged value (Richardson, three finest, "
               "observed order {:.2f}) {:.6f}\n",
               u_max, c_max, stretch, order, converged);
    for (const auto& l : levels)
      fmt::print("  cells_u {:4d}, m {:3d}: exit {:.6f}, relative error {:.2e}, wall {:.2f} s{}\n", l.cells_u, l.m,
                 l.exit, std::fabs(l.exit - converged) / converged, l.wall,
                 std::fabs(l.exit - converged) <= 1e-3 * converged && l.wall < 10.0 ? "  <- within 0.1% in < 10 s" : "");
  }
  PetscFinalize();
  return 0;
}
