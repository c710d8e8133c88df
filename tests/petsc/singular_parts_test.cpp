// Linear leaks (MODEL.md §3): mass on the line u = 0, on the line c = 0 and at the corner, and
// the relaxation of everything to (0, 0); the line u = 0 spikes at phi(0).
#include <doctest/doctest.h>
#include <fmt/core.h>
#include <mpi.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "solver/solve.hpp"
#include "test_cases.hpp"

using namespace stf;

namespace {

/// phi = 0, I = 0, linear leaks (alpha = 1, beta = 2), uniform initial law: every point moves at
/// (-1, -2) until it hits an axis and then slides along it, so with a product law
///   line u = 0: P(U0 <= t) P(C0 > 2t),  line c = 0: P(U0 > t) P(C0 <= 2t),  corner: P(U0 <= t) P(C0 <= 2t).
model::Case sliding_case(long level)
{
  auto c = test::base_case();
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 2.0};
  c.initial.U = test::uniform(1.0, 2.0);
  c.initial.C = test::uniform(2.0, 4.0);
  c.mesh.u_max = 3.0;
  c.mesh.c_max = 5.0;
  c.mesh.cells_u = 30L << level;
  c.mesh.cells_per_unit_c = 10L << level;
  c.time.end = 6.0;
  c.time.sample = 0.25;
  return c;
}

struct LineErrors {
  double u0 = 0.0, c0 = 0.0, corner = 0.0;
};

}  // namespace

TEST_CASE("linear leaks, phi = 0: the masses on the lines and at the corner converge to the exact ones, "
          "and all mass ends at (0, 0)")
{
  const double t_check = 1.25;
  std::vector<LineErrors> errors;
  for (long level = 0; level < 3; ++level) {
    const auto c = sliding_case(level);
    solver::SolveOptions o;
    o.snapshot_times = {t_check, c.time.end};
    const auto sol = solver::solve_muscl(c, o, MPI_COMM_WORLD);
    CHECK(sol.max_mass_error <= 1e-12);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) continue;
    REQUIRE(sol.snapshots.size() == 2);
    const auto& s = sol.snapshots[0];
    const double pu = c.initial.U.cdf(t_check), pc = c.initial.C.cdf(2.0 * t_check);
    const double u0 = std::accumulate(s.line_u0.begin(), s.line_u0.end(), 0.0);
    const double c0 = std::accumulate(s.line_c0.begin(), s.line_c0.end(), 0.0);
    errors.push_back({std::fabs(u0 - pu * (1.0 - pc)), std::fabs(c0 - (1.0 - pu) * pc), std::fabs(s.corner - pu * pc)});
    // Relaxation: every point reaches (0, 0) by t = 2 (U0 <= 2, C0 <= 4); at t = 6 the scheme's
    // smeared fronts have followed it, up to tails far below 1e-9.
    const auto& end = sol.snapshots[1];
    CHECK(end.corner == doctest::Approx(1.0).epsilon(1e-9));
    for (double m : end.cell_mass) CHECK(m >= 0.0);
  }
  for (std::size_t k = 1; k < errors.size(); ++k) {
    const auto &a = errors[k - 1], &b = errors[k];
    MESSAGE(fmt::format("line u=0 {:.2e} -> {:.2e}; line c=0 {:.2e} -> {:.2e}; corner {:.2e} -> {:.2e}", a.u0, b.u0,
                        a.c0, b.c0, a.corner, b.corner));
    CHECK(b.u0 < a.u0);
    CHECK(b.c0 < a.c0);
    CHECK(b.corner < a.corner);
  }
  if (!errors.empty()) {
    CHECK(errors.back().u0 < 2e-3);
    CHECK(errors.back().c0 < 2e-3);
    CHECK(errors.back().corner < 2e-3);
  }
}

TEST_CASE("the line u = 0 spikes at phi(0): rate and mean calcium follow the closed form")
{
  // Linear potential leak with I < alpha: the drift at u = 0 points outward, so mass that starts on
  // u = 0 and is reset there never leaves the line. Every neuron spikes at phi(0) = lambda0, and
  // with an exponential calcium leak d<C>/dt = -beta <C> + lambda0 (MODEL.md §5 with p irrelevant).
  // phi grows fast with u, so a rate taken at a cell centre instead of at u = 0 would be far off.
  auto c = test::base_case();
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::exponential, 1.0};
  c.model.input = model::InputSchedule(0.5);
  c.model.phi.kind = model::RateKind::linear;
  c.model.phi.lambda0 = 1.0;
  c.model.phi.gamma = 5.0;
  c.initial.U = test::dirac(0.0);
  c.initial.C = test::normal(3.0, 0.5);
  c.mesh.c_max = 14.0;
  c.time.end = 2.0;
  c.time.sample = 0.1;
  std::vector<double> errors;
  for (long level = 0; level < 3; ++level) {
    c.mesh.cells_per_unit_c = 8L << level;
    solver::SolveOptions o;
    o.snapshot_times = {c.time.end};
    const auto sol = solver::solve_muscl(c, o, MPI_COMM_WORLD);
    const double m0 = c.initial.C.expectation(), lambda = 1.0, beta = 1.0;
    double err = 0.0;
    for (std::size_t k = 0; k < sol.times.size(); ++k) {
      const auto& obs = sol.observables[k];
      CHECK(obs.rate() == doctest::Approx(lambda * obs.mass()).epsilon(1e-12));
      const double exact = lambda / beta + (m0 - lambda / beta) * std::exp(-beta * sol.times[k]);
      err = std::max(err, std::fabs(obs.mean_calcium() - exact));
    }
    errors.push_back(err);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
      const auto& cells = sol.snapshots.at(0).cell_mass;
      CHECK(std::accumulate(cells.begin(), cells.end(), 0.0) == 0.0);  // nothing left the line
    }
    CHECK(sol.max_mass_error <= 1e-12);
  }
  for (std::size_t k = 1; k < errors.size(); ++k) {
    MESSAGE(fmt::format("mean calcium on the line: {:.3e} -> {:.3e} (order {:.2f})", errors[k - 1], errors[k],
                        std::log2(errors[k - 1] / errors[k])));
    CHECK(errors[k] < errors[k - 1]);
  }
}
