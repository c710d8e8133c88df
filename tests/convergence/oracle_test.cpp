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
  const auto sol = solver::solve(c, {}, MPI_COMM_SELF);
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
