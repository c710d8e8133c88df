// The error estimate of solver.tolerance (solver/accuracy_control.hpp) on sequences whose error is
// known exactly: q_L = q + C r^-L. With r = 2^2 (the nominal order) the Richardson estimate with
// Roache's factor 1.25 is 1.25 times the error of the finest; an observed order more than 10 % away
// from the nominal one (the three levels are not in the asymptotic range) gets the factor 3.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "solver/accuracy_control.hpp"

using namespace stf;

namespace {

/// Three levels whose exit time and every observable (at two sample times) are 1 + c 2^(-order L).
std::vector<solver::Solution> levels_of_order(double order, double c)
{
  std::vector<solver::Solution> out;
  for (int level = 0; level < 3; ++level) {
    solver::Solution s;
    const double q = 1.0 + c * std::exp2(-order * level);
    s.exit_time = q;
    s.times = {0.0, 1.0};
    model::Observables obs;
    obs.values.fill(q);
    s.observables = {obs, obs};
    out.push_back(s);
  }
  return out;
}

solver::AccuracyReport estimate(const std::vector<solver::Solution>& levels)
{
  std::vector<const solver::Solution*> view;
  for (const auto& s : levels) view.push_back(&s);
  return solver::estimate_accuracy(view, 1e-4, 2.0, model::MemoryRegion{}, 1.25);
}

}  // namespace

TEST_CASE("an observed order at the nominal one: 1.25 times the error of the finest")
{
  const double c = 1e-3;
  const auto r = estimate(levels_of_order(2.0, c));
  const double error = c / 16.0;  // of level 2
  REQUIRE(r.exit_time_error);
  CHECK(*r.exit_time_error == doctest::Approx(1.25 * error).epsilon(1e-9));
  CHECK(*r.exit_time_order == doctest::Approx(2.0).epsilon(1e-9));
  for (std::size_t k = 0; k < model::observable_count; ++k) CHECK(r.observable_error[k] == doctest::Approx(1.25 * error).epsilon(1e-9));
}

TEST_CASE("an observed order within 10 % of the nominal one keeps the factor 1.25, with the observed order")
{
  const double c = 1e-3, p = 1.85;
  const auto r = estimate(levels_of_order(p, c));
  const double d_fine = c * (std::exp2(-p) - std::exp2(-2.0 * p));
  REQUIRE(r.exit_time_error);
  CHECK(*r.exit_time_error == doctest::Approx(1.25 * d_fine / (std::exp2(p) - 1.0)).epsilon(1e-9));
}

TEST_CASE("an observed order far from the nominal one, above or below, gets Roache's factor 3")
{
  const double c = 1e-3;
  SUBCASE("above: the order is clamped to the nominal one, and the factor is 3")
  {
    const double p = 2.62;
    const auto r = estimate(levels_of_order(p, c));
    const double d_fine = c * (std::exp2(-p) - std::exp2(-2.0 * p));
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * d_fine / 3.0).epsilon(1e-9));
    CHECK(r.observable_error[0] == doctest::Approx(3.0 * d_fine / 3.0).epsilon(1e-9));
  }
  SUBCASE("below: the observed order, and the factor 3")
  {
    const double p = 1.5;
    const auto r = estimate(levels_of_order(p, c));
    const double d_fine = c * (std::exp2(-p) - std::exp2(-2.0 * p));
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * d_fine / (std::exp2(p) - 1.0)).epsilon(1e-9));
    CHECK(*r.exit_time_error > c * std::exp2(-2.0 * p));  // brackets the error of the finest
  }
}
