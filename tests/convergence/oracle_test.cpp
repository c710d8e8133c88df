// The constant-rate oracle of MODEL.md §5: with phi = lambda and exponential leaks the means and
// the drive have a closed form; the solver's observables must converge to it under refinement.
#include <doctest/doctest.h>
#include <fmt/core.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../petsc/test_cases.hpp"
#include "model/constant_rate_oracle.hpp"
#include "solver/solve.hpp"

namespace {

using namespace stf;

struct Errors {
  double mean_potential = 0.0, mean_calcium = 0.0, drive = 0.0;  // max over the sample times
};

Errors oracle_errors(const model::Case& c)
{
  const auto sol = solver::solve_muscl(c, {}, MPI_COMM_SELF);
  const model::ConstantRateOracle oracle(c.model, c.initial);
  Errors e;
  for (std::size_t k = 0; k < sol.times.size(); ++k) {
    const double t = sol.times[k];
    const auto& o = sol.observables[k];
    e.mean_potential = std::max(e.mean_potential, std::fabs(o.mean_potential() - oracle.mean_potential(t)));
    e.mean_calcium = std::max(e.mean_calcium, std::fabs(o.mean_calcium() - oracle.mean_calcium(t)));
    e.drive = std::max(e.drive, std::fabs(o.drive() - oracle.drive(t)));
    // Every part spikes at lambda: the rate is lambda times the mass in the domain, exactly.
    CHECK(o.rate() == doctest::Approx(oracle.rate() * o.mass()).epsilon(1e-12));
  }
  CHECK(sol.max_mass_error <= 1e-12);
  return e;
}

}  // namespace

TEST_CASE("constant rate: the means and the drive converge to the closed form of MODEL.md §5")
{
  auto c = test::base_case();
  c.model.phi = test::constant_rate(1.0);
  c.model.leak_U = {model::LeakKind::exponential, 1.0};
  c.model.leak_C = {model::LeakKind::exponential, 2.0};
  c.model.w0 = 0.2;
  c.model.w1 = 0.5;
  c.model.input = model::InputSchedule(0.5);
  c.initial.U = test::normal(1.5, 0.4);
  c.initial.C = test::normal(1.5, 0.4);
  c.time.end = 1.5;
  c.time.sample = 0.1;
  c.mesh.u_max = 4.0;
  c.mesh.c_max = 16.0;  // P(C > 16 by t = 1.5) < 1e-9: at least 14 spikes would be needed
  std::vector<Errors> errors;
  for (long level = 0; level < 3; ++level) {
    c.mesh.cells_u = 40L << level;
    c.mesh.cells_per_unit_c = 4L << level;
    errors.push_back(oracle_errors(c));
  }
  for (std::size_t k = 1; k < errors.size(); ++k) {
    const auto& a = errors[k - 1];
    const auto& b = errors[k];
    MESSAGE(fmt::format("mean_potential {:.3e} -> {:.3e} (order {:.2f}); mean_calcium {:.3e} -> {:.3e} (order {:.2f}); "
                        "drive {:.3e} -> {:.3e} (order {:.2f})",
                        a.mean_potential, b.mean_potential, std::log2(a.mean_potential / b.mean_potential),
                        a.mean_calcium, b.mean_calcium, std::log2(a.mean_calcium / b.mean_calcium), a.drive, b.drive,
                        std::log2(a.drive / b.drive)));
    CHECK(b.mean_potential < a.mean_potential);
    CHECK(b.mean_calcium < a.mean_calcium);
    CHECK(b.drive < a.drive);
    if (k + 1 == errors.size()) {  // the scheme is second order: so must the finest pair be
      CHECK(std::log2(a.mean_potential / b.mean_potential) >= 1.8);
      CHECK(std::log2(a.mean_calcium / b.mean_calcium) >= 1.8);
      CHECK(std::log2(a.drive / b.drive) >= 1.8);
    }
  }
}

TEST_CASE("no reset (MODEL.md §1: a spike keeps U, C + 1): the means converge to their closed system")
{
  // With phi = lambda and exponential leaks the means solve, without reset,
  //   d m_C/dt = lambda - beta m_C,   d m_U/dt = I + lambda (w0 + w1 m_C) - alpha m_U,
  // since every neuron spikes at lambda and a spike moves it by +1 in c only.
  const double lambda = 1.0, alpha = 1.0, beta = 2.0, w0 = 0.2, w1 = 0.5, input = 0.5, u0 = 1.5, c0 = 1.5;
  auto c = test::base_case();
  c.model.phi = test::constant_rate(lambda);
  c.model.leak_U = {model::LeakKind::exponential, alpha};
  c.model.leak_C = {model::LeakKind::exponential, beta};
  c.model.w0 = w0;
  c.model.w1 = w1;
  c.model.reset = false;
  c.model.input = model::InputSchedule(input);
  c.initial.U = test::normal(u0, 0.4);
  c.initial.C = test::normal(c0, 0.4);
  c.time.end = 1.5;
  c.time.sample = 0.1;
  c.mesh.u_max = 5.0;
  c.mesh.c_max = 16.0;
  const double c_eq = lambda / beta;
  const double a = input + lambda * w0 + lambda * w1 * c_eq, b = lambda * w1 * (c0 - c_eq);
  auto mean_c = [&](double t) { return c_eq + (c0 - c_eq) * std::exp(-beta * t); };
  auto mean_u = [&](double t) {
    return std::exp(-alpha * t) * (u0 + a * std::expm1(alpha * t) / alpha +
                                   b * std::expm1((alpha - beta) * t) / (alpha - beta));
  };
  std::vector<Errors> errors;
  for (long level = 0; level < 3; ++level) {
    c.mesh.cells_u = 40L << level;
    c.mesh.cells_per_unit_c = 4L << level;
    const auto sol = solver::solve_muscl(c, {}, MPI_COMM_SELF);
    CHECK(sol.max_mass_error <= 1e-12);
    Errors e;
    for (std::size_t k = 0; k < sol.times.size(); ++k) {
      const double t = sol.times[k];
      const auto& o = sol.observables[k];
      e.mean_potential = std::max(e.mean_potential, std::fabs(o.mean_potential() - mean_u(t)));
      e.mean_calcium = std::max(e.mean_calcium, std::fabs(o.mean_calcium() - mean_c(t)));
      CHECK(o.rate() == doctest::Approx(lambda * o.mass()).epsilon(1e-12));
    }
    errors.push_back(e);
  }
  for (std::size_t k = 1; k < errors.size(); ++k) {
    const auto& e0 = errors[k - 1];
    const auto& e1 = errors[k];
    MESSAGE(fmt::format("no reset: mean_potential {:.3e} -> {:.3e} (order {:.2f}); mean_calcium {:.3e} -> {:.3e} "
                        "(order {:.2f})",
                        e0.mean_potential, e1.mean_potential, std::log2(e0.mean_potential / e1.mean_potential),
                        e0.mean_calcium, e1.mean_calcium, std::log2(e0.mean_calcium / e1.mean_calcium)));
    CHECK(e1.mean_potential < e0.mean_potential);
    CHECK(e1.mean_calcium < e0.mean_calcium);
    if (k + 1 == errors.size()) {
      CHECK(std::log2(e0.mean_potential / e1.mean_potential) >= 1.8);
      CHECK(std::log2(e0.mean_calcium / e1.mean_calcium) >= 1.8);
    }
  }
}
