// Run under 2 ranks: the solution on both ranks (PETSC_COMM_WORLD) equals the one-rank solution
// (PETSC_COMM_SELF) to 1e-12, with every singular part present.
#include <doctest/doctest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>

#include "solver/solve.hpp"
#include "test_cases.hpp"

using namespace stf;

namespace {

void compare_one_and_two_ranks(const model::Case& c)
{
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CHECK(size == 2);
  const auto one = solver::solve_muscl(c, {}, MPI_COMM_SELF);
  const auto two = solver::solve_muscl(c, {}, MPI_COMM_WORLD);
  REQUIRE(one.times.size() == two.times.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < one.times.size(); ++k)
    for (std::size_t q = 0; q < model::observable_count; ++q) {
      const double a = one.observables[k].values[q], b = two.observables[k].values[q];
      worst = std::max(worst, std::fabs(a - b) / std::max(1.0, std::fabs(a)));
    }
  MESSAGE("largest difference between 1 and 2 ranks: " << worst);
  CHECK(worst <= 1e-12);
  CHECK(one.exit_time.has_value() == two.exit_time.has_value());
  if (one.exit_time && two.exit_time) CHECK(std::fabs(*one.exit_time - *two.exit_time) <= 1e-12);
  CHECK(one.steps == two.steps);
}

}  // namespace

TEST_CASE("1 rank and 2 ranks give the same observables: linear leaks, lines and corner")
{
  auto c = test::base_case();
  c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 3.0};
  c.model.w0 = 0.1;
  c.model.w1 = 0.5;
  c.initial.U = test::normal(1.0, 0.5);
  c.initial.C = test::normal(2.0, 1.0);
  c.mesh.c_max = 12.0;
  c.mesh.cells_u = 50;
  c.mesh.cells_per_unit_c = 4;
  c.time.end = 2.0;
  c.time.sample = 0.05;
  compare_one_and_two_ranks(c);
}

TEST_CASE("1 rank and 2 ranks give the same observables and exit time: a Dirac stimulus")
{
  auto c = test::base_case();
  c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
  c.model.leak_U = {model::LeakKind::exponential, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 6.0};
  c.model.w0 = 0.0;
  c.model.w1 = 1.0;
  c.initial.U = test::dirac(2.0);
  c.initial.C = test::dirac(6.0);
  c.region.thresholds.push_back({model::ObservableId::rate, 0.5, std::nullopt});
  c.mesh.u_max = 12.0;
  c.mesh.c_max = 24.0;
  c.mesh.cells_u = 60;
  c.mesh.cells_per_unit_c = 4;
  c.time.end = 4.0;
  c.time.sample = 0.02;
  compare_one_and_two_ranks(c);
}

TEST_CASE("1 rank and 2 ranks agree without reset, on stretched potential cells, with lines and an atom")
{
  // reset = false splits the cells over the ranks in u only (a spike moves mass up its column);
  // the stretched cells carry per-column widths across the rank boundary.
  auto c = test::base_case();
  c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 3.0};
  c.model.w0 = 0.2;
  c.model.w1 = 0.3;
  c.model.reset = false;
  c.initial.U = test::dirac(1.5);
  c.initial.C = test::dirac(2.0);
  c.mesh.u_max = 12.0;
  c.mesh.c_max = 24.0;  // without reset calcium only grows by spikes: P(22 spikes by t = 0.6) ~ 1e-12
  c.mesh.stretch = 5.0;
  c.mesh.cells_u = 48;
  c.mesh.cells_per_unit_c = 4;
  c.time.end = 0.6;
  c.time.sample = 0.05;
  compare_one_and_two_ranks(c);
}
