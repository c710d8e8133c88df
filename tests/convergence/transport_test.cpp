// phi = 0: the limit is pure transport along the flow of MODEL.md §1, known in closed form
// (MODEL.md §5). The cell masses must converge to the exact ones at second order.
#include <doctest/doctest.h>
#include <fmt/core.h>
#include <mpi.h>

#include <cmath>
#include <vector>

#include "../petsc/test_cases.hpp"
#include "solver/solve.hpp"

namespace {

using namespace stf;

/// The backward flow: the initial position of the point at x at time t (away from the floor 0).
double backward(const model::LeakLaw& leak, double x, double input, double t)
{
  if (leak.kind == model::LeakKind::linear) return x - (input - leak.rate) * t;
  const double x_eq = input / leak.rate;
  return x_eq + (x - x_eq) * std::exp(leak.rate * t);
}

/// L1 distance between the computed cell masses at c.time.end and the exact ones: the initial
/// law's mass in the cell's preimage (the flow is monotone in each coordinate).
double transport_error(const model::Case& c)
{
  solver::SolveOptions o;
  o.snapshot_times = {c.time.end};
  const auto sol = solver::solve_muscl(c, o, MPI_COMM_SELF);
  REQUIRE(sol.snapshots.size() == 1);
  const auto& s = sol.snapshots[0];
  const double t = c.time.end, I = c.model.input.value(0.0);
  std::vector<double> mu(static_cast<std::size_t>(s.cells_u)), mc(static_cast<std::size_t>(s.cells_c));
  for (long i = 0; i < s.cells_u; ++i)
    mu[std::size_t(i)] = c.initial.U.cdf(backward(c.model.leak_U, s.u_faces[std::size_t(i + 1)], I, t)) -
                         c.initial.U.cdf(backward(c.model.leak_U, s.u_faces[std::size_t(i)], I, t));
  for (long j = 0; j < s.cells_c; ++j)
    // (Linear calcium leak: the rows have moved down by c_shift; the backward flow is a translation.)
    mc[std::size_t(j)] = c.initial.C.cdf(backward(c.model.leak_C, double(j + 1) * s.dc - s.c_shift, 0.0, t)) -
                         c.initial.C.cdf(backward(c.model.leak_C, double(j) * s.dc - s.c_shift, 0.0, t));
  double err = 0.0;
  for (long j = 0; j < s.cells_c; ++j)
    for (long i = 0; i < s.cells_u; ++i)
      err += std::fabs(s.cell_mass[std::size_t(j * s.cells_u + i)] - mu[std::size_t(i)] * mc[std::size_t(j)]);
  CHECK(sol.max_mass_error <= 1e-12);
  return err;
}

/// Errors on three meshes (80 x 16/unit, then halved twice); the observed order of the finest
/// pair must reach `min_order` (the coarser pair is printed: it is still pre-asymptotic).
void check_order(model::Case c, const char* what, double min_order)
{
  std::vector<double> errors;
  for (long level = 0; level < 3; ++level) {
    c.mesh.cells_u = 80L << level;
    c.mesh.cells_per_unit_c = 16L << level;
    errors.push_back(transport_error(c));
  }
  for (std::size_t k = 1; k < errors.size(); ++k) {
    const double order = std::log2(errors[k - 1] / errors[k]);
    MESSAGE(fmt::format("{}: L1 error {:.3e} -> {:.3e}, observed order {:.2f}", what, errors[k - 1], errors[k], order));
    CHECK(errors[k] < errors[k - 1]);
    if (k + 1 == errors.size()) CHECK(order >= min_order);
  }
}

}  // namespace

TEST_CASE("phi = 0, exponential leaks with an input: second-order convergence to the exact transport")
{
  auto c = test::base_case();
  c.model.input = model::InputSchedule(1.5);
  check_order(c, "exponential leaks", 1.8);
}

TEST_CASE("phi = 0, linear leaks with an input: second-order convergence to the exact transport")
{
  auto c = test::base_case();
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 2.0};
  c.model.input = model::InputSchedule(1.2);
  check_order(c, "linear leaks", 1.8);
}

TEST_CASE("phi = 0 on stretched potential cells (mesh.stretch = 6): still second order")
{
  // Cells 6 times wider at u_max than at 0: the limited reconstruction on non-uniform cells must
  // keep the order of the uniform mesh.
  auto c = test::base_case();
  c.mesh.stretch = 6.0;
  c.model.input = model::InputSchedule(1.5);
  check_order(c, "exponential leaks, stretch 6, mc", 1.8);
  c.solver.limiter = "van_leer";
  check_order(c, "exponential leaks, stretch 6, van_leer", 1.8);
  c.solver.limiter = "mc";
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 2.0};
  c.model.input = model::InputSchedule(1.2);
  check_order(c, "linear leaks, stretch 6, mc", 1.8);
}

TEST_CASE("phi = 0 with the van Leer limiter: second order")
{
  auto c = test::base_case();
  c.solver.limiter = "van_leer";
  c.model.input = model::InputSchedule(1.5);
  check_order(c, "van_leer", 1.8);
}

// minmod clips every smooth extremum hardest: its observed order on these meshes is ~1.6-1.8,
// rising towards 2; the test asks for the order it reaches here, not for the one of MC.
TEST_CASE("phi = 0 with the minmod limiter: converges, order at least 1.7 on the finest pair")
{
  auto c = test::base_case();
  c.solver.limiter = "minmod";
  c.model.input = model::InputSchedule(1.5);
  check_order(c, "minmod", 1.7);
}
