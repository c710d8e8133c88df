// Prints the limit solver's throughput in cell-stage updates per second on a 10^6-cell mesh
// (issue 4's target: at least 5e7 on one core). Run: build/bench/solver_throughput [cells_per_side]
// (under mpiexec -n 2 for two ranks). The figure covers whole time steps: right-hand side, nonlocal
// reduction, CFL bound and the Runge-Kutta vector updates.
#include <petscsys.h>

#include <cstdlib>
#include <fmt/core.h>

#include "bench/usage.hpp"
#include "solver/solve.hpp"

namespace {

constexpr const char* usage =
    "solver_throughput: cell-stage updates per second of the limit solver on a side x side mesh\n"
    "(target: at least 5e7 on one core at side 1000). Run under mpiexec -n 2 for two ranks.\n\n"
    "usage: solver_throughput [SIDE]\n\n"
    "  SIDE        cells per side of the mesh (default 1000: 10^6 cells)\n"
    "  -h, --help  this text\n";

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  if (argc > 2 || (argc == 2 && stf::bench::positive_integer(argv[1]) < 4)) {
    fmt::print(stderr, "solver_throughput: expected at most one argument, a mesh side >= 4 (see --help)\n");
    return 2;
  }
  const long side = argc > 1 ? stf::bench::positive_integer(argv[1]) : 1000;
  int petsc_argc = 1;
  if (PetscInitialize(&petsc_argc, &argv, nullptr, nullptr) != 0) return 1;
  int rank = 0, size = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  using namespace stf;
  model::Case c;
  c.name = "throughput";
  c.model.phi.kind = model::RateKind::hill;
  c.model.phi.phi_max = 5.0;
  c.model.phi.theta = 1.0;
  c.model.phi.kappa = 4.0;
  c.model.leak_U = {model::LeakKind::exponential, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 6.0};
  c.model.w0 = 0.0;
  c.model.w1 = 1.0;
  c.initial.U.kind = model::MarginalKind::normal;
  c.initial.U.mean = 2.0;
  c.initial.U.sd = 0.5;
  c.initial.C.kind = model::MarginalKind::normal;
  c.initial.C.mean = 10.0;
  c.initial.C.sd = 2.0;
  c.mesh.u_max = 20.0;
  c.mesh.cells_u = side;
  c.mesh.cells_per_unit_c = 20;
  c.mesh.c_max = double(side) / 20.0;
  c.mesh.u_max_auto = c.mesh.c_max_auto = false;
  c.solver.lost_mass_tolerance = 1e-6;
  c.time.end = 0.02;
  c.time.sample = 0.02;
  try {
    const auto sol = solver::solve_muscl(c, {}, PETSC_COMM_WORLD);
    if (rank == 0)
      fmt::print("solver throughput: {} cells ({} x {}), {} rank(s), {} steps, {} stages in {:.3f} s: {:.3e} "
                 "cell-stage updates per second (target >= 5e7 on one core)\n",
                 sol.cells, side, side, size, sol.steps, sol.rhs_evaluations, sol.wall_seconds,
                 sol.cell_stage_updates_per_second);
  } catch (const std::exception& e) {
    if (rank == 0) fmt::print(stderr, "solver_throughput: {}\n", e.what());
    PetscFinalize();
    return 1;
  }
  PetscFinalize();
  return 0;
}
