// A Dirac stimulus (MODEL.md §3): the never-spiked mass is an atom moving along the flow, with
// weight exp(-integral of phi(U(s)) ds). The reference is an independent integration of the
// characteristic and of log W with Boost.Odeint (adaptive Dormand-Prince, tight tolerances).
#include <doctest/doctest.h>
#include <mpi.h>

#include <algorithm>
#include <array>
#include <vector>
#include <boost/numeric/odeint.hpp>
#include <cmath>

#include "solver/solve.hpp"
#include "test_cases.hpp"


using namespace stf;

namespace {

/// (U(t), W(t)) from (u0, 1) under dU/dt = I(t) - leak_U(U), dlog W/dt = -phi(U), no coupling.
std::array<double, 2> reference_atom(const model::ModelParameters& p, double u0, double t_end)
{
  namespace odeint = boost::numeric::odeint;
  using State = std::array<double, 2>;
  State y{u0, 0.0};
  double t = 0.0;
  while (t < t_end) {
    const double t_next = std::min(t_end, p.input.next_change_after(t));
    const double input = p.input.value(t);
    auto rhs = [&](const State& s, State& d, double) {
      d[0] = p.leak_U.velocity(s[0], input);
      d[1] = -p.phi(std::max(s[0], 0.0));
    };
    odeint::integrate_adaptive(odeint::make_controlled(1e-13, 1e-13, odeint::runge_kutta_dopri5<State>()), rhs, y, t,
                               t_next, 1e-4);
    t = t_next;
  }
  return {y[0], std::exp(y[1])};
}

}  // namespace

// The atom's motion and weight are integrated by the same Runge-Kutta method as the density
// (SSP RK3): their error must fall at third order as the Courant number (so the time step) is
// halved, and be below 1e-5 at the smallest.
TEST_CASE("the stimulus atom's weight is exp(-integral of phi) along its characteristic")
{
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (auto law : {model::LeakKind::exponential, model::LeakKind::linear}) {
    auto c = test::base_case();
    c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
    c.model.leak_U = {law, 1.0};
    c.model.leak_C = {model::LeakKind::linear, 2.0};
    c.model.w0 = 0.0;  // no coupling: the characteristic does not depend on the density
    c.model.w1 = 0.0;
    c.model.input = model::InputSchedule(0.5, {{0.3, 0.8, 2.0}});
    c.initial.U = test::dirac(2.0);
    c.initial.C = test::dirac(3.0);
    c.mesh.u_max = 5.0;
    c.mesh.cells_u = 100;
    c.mesh.c_max = 16.0;  // the spiked mass climbs one unit per spike
    c.time.end = 3.0;
    c.time.sample = 0.1;
    std::vector<double> errors;
    // (With the linear calcium leak the calcium rows move with the flow and the step is bounded
    // by the potential transport alone: these Courant numbers give steps of ~9e-3 down to ~2e-3.)
    for (double cfl : {0.1, 0.05, 0.025}) {
      c.solver.cfl = cfl;
      solver::SolveOptions o;
      o.snapshot_times = {0.25, 0.5, 1.0, 2.0, 3.0};
      const auto sol = solver::solve_muscl(c, o, MPI_COMM_WORLD);
      CHECK(sol.max_mass_error <= 1e-12);
      if (rank != 0) continue;
      double err = 0.0;
      for (const auto& s : sol.snapshots) {
        REQUIRE(s.atoms.size() == 1);
        const auto ref = reference_atom(c.model, 2.0, s.t);
        err = std::max({err, std::fabs(s.atoms[0].u - ref[0]), std::fabs(s.atoms[0].weight / ref[1] - 1.0)});
        INFO("t = " << s.t << ", leak " << to_string(law));
        CHECK(s.atoms[0].c == doctest::Approx(std::max(3.0 - 2.0 * s.t, 0.0)).epsilon(1e-9));
      }
      errors.push_back(err);
    }
    if (rank != 0) continue;
    for (std::size_t k = 1; k < errors.size(); ++k) {
      const double order = std::log2(errors[k - 1] / errors[k]);
      MESSAGE("leak " << to_string(law) << ": atom error " << errors[k - 1] << " -> " << errors[k] << ", order in dt "
                      << order);
      CHECK(order >= 2.5);
    }
    CHECK(errors.back() <= 1e-5);
  }
}
