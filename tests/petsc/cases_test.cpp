// Every shipped case (cases/*.toml), on a reduced mesh: the total mass stays 1 to 1e-12 at every
// sample time and the density stays non-negative (solve itself stops on a negative or NaN value).
#include <doctest/doctest.h>
#include <mpi.h>

#include <atomic>
#include <filesystem>
#include <vector>

#include "../support/files.hpp"
#include "model/case_reader.hpp"
#include "solver/solve.hpp"

using namespace stf;

TEST_CASE("every shipped case conserves mass to 1e-12 and keeps the density non-negative")
{
  const auto cases = test::shipped_cases();
  REQUIRE(!cases.empty());
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (const auto& path : cases) {
    INFO("case " << path.filename().string());
    const auto c = model::read_case(path, {"mesh.cells_u=60", "mesh.cells_per_unit_c=3", "time.sample=0.05"});
    solver::SolveOptions o;
    o.snapshot_times = {c.time.end / 2, c.time.end};
    const auto sol = solver::solve_muscl(c, o, MPI_COMM_WORLD);
    CHECK(sol.max_mass_error <= 1e-12);
    if (rank != 0) continue;
    for (const auto& s : sol.snapshots) {
      for (double m : s.cell_mass) REQUIRE(m >= 0.0);
      for (double m : s.line_u0) REQUIRE(m >= 0.0);
      for (double m : s.line_c0) REQUIRE(m >= 0.0);
      CHECK(s.corner >= 0.0);
    }
  }
}

TEST_CASE("a run asked to stop ends before its next time step, marked interrupted")
{
  const auto c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                  {"mesh.cells_u=30", "mesh.cells_per_unit_c=2"});
  std::atomic<bool> stop{true};
  solver::SolveOptions o;
  o.stop = &stop;
  const auto sol = solver::solve_muscl(c, o, MPI_COMM_WORLD);
  CHECK(sol.interrupted);
  CHECK(sol.times.size() == 1);  // t = 0 only: the stop is polled before every step, not only at samples
  CHECK_FALSE(sol.exit_time.has_value());
  stop = false;
  const auto whole = solver::solve_muscl(c, o, MPI_COMM_WORLD);
  CHECK_FALSE(whole.interrupted);
  CHECK(whole.times.size() == c.time.sample_times().size());
}
