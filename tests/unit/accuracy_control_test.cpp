// The error estimate of solver.tolerance (solver/accuracy_control.hpp) on sequences whose error is
// known exactly: q_L = q + C r^-L. With r = 2^2 (the nominal order) the Richardson estimate with
// Roache's factor 1.25 is 1.25 times the error of the finest; an observed order more than 10 % below
// the nominal one gets the factor 3; one above it does not shrink the estimate below what the
// previous difference gives at the nominal order, and one more than 10 % above it gives way to the
// previous triple's order when that is smaller.
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <vector>

#include "solver/accuracy_control.hpp"

using namespace stf;

namespace {

/// Levels whose exit time and every observable are 1 + errors[L].
std::vector<solver::Solution> levels_with_errors(const std::vector<double>& errors)
{
  std::vector<solver::Solution> out;
  for (const double e : errors) {
    solver::Solution s;
    s.exit_time = 1.0 + e;
    s.times = {0.0, 1.0};
    model::Observables obs;
    obs.values.fill(1.0 + e);
    s.observables = {obs, obs};
    out.push_back(s);
  }
  return out;
}

/// Three levels whose exit time and every observable (at two sample times) are 1 + c 2^(-order L).
std::vector<solver::Solution> levels_of_order(double order, double c)
{
  return levels_with_errors({c, c * std::exp2(-order), c * std::exp2(-2.0 * order)});
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
  CHECK(*r.exit_time_error == doctest::Approx(1.25 * error).epsilon(1e-9).scale(0.0));
  CHECK(*r.exit_time_order == doctest::Approx(2.0).epsilon(1e-9));
  for (std::size_t k = 0; k < model::observable_count; ++k) CHECK(r.observable_error[k] == doctest::Approx(1.25 * error).epsilon(1e-9).scale(0.0));
}

TEST_CASE("an observed order within 10 % of the nominal one keeps the factor 1.25, with the observed order")
{
  const double c = 1e-3, p = 1.85;
  const auto r = estimate(levels_of_order(p, c));
  const double d_fine = c * (std::exp2(-p) - std::exp2(-2.0 * p));
  REQUIRE(r.exit_time_error);
  CHECK(*r.exit_time_error == doctest::Approx(1.25 * d_fine / (std::exp2(p) - 1.0)).epsilon(1e-9).scale(0.0));
}

TEST_CASE("an observed order more than 10 % below the nominal one gets Roache's factor 3")
{
  const double c = 1e-3, p = 1.5;
  const auto r = estimate(levels_of_order(p, c));
  const double d_fine = c * (std::exp2(-p) - std::exp2(-2.0 * p));
  REQUIRE(r.exit_time_error);
  CHECK(*r.exit_time_error == doctest::Approx(3.0 * d_fine / (std::exp2(p) - 1.0)).epsilon(1e-9).scale(0.0));
  CHECK(r.observable_error[0] == doctest::Approx(3.0 * d_fine / (std::exp2(p) - 1.0)).epsilon(1e-9).scale(0.0));
  CHECK(*r.exit_time_error > c * std::exp2(-2.0 * p));  // brackets the error of the finest
}

TEST_CASE("an observed order above the nominal one: the previous difference, reduced at the nominal order")
{
  const double c = 1e-3;
  SUBCASE("a faster convergence is not trusted to shrink the estimate")
  {
    const double p = 2.62;
    const auto r = estimate(levels_of_order(p, c));
    const double d_coarse = c * (1.0 - std::exp2(-p));
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(1.25 * d_coarse / 12.0).epsilon(1e-9).scale(0.0));
    CHECK(r.observable_error[0] == doctest::Approx(1.25 * d_coarse / 12.0).epsilon(1e-9).scale(0.0));
  }
  SUBCASE("a cancellation in the last difference: levels 1 and 2 agree, level 2 keeps its error")
  {
    // q = 1 + e_L with e = (0.01, 0.001, 0.001): the last difference is 0, the error of the finest
    // 0.001; the estimate is the previous difference's 0.009 at the nominal order, times 3 (no order
    // observed).
    const auto r = estimate(levels_with_errors({0.01, 0.001, 0.001}));
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * 0.009 / 12.0).epsilon(1e-9).scale(0.0));
    CHECK(*r.exit_time_error > 0.001);
    CHECK_FALSE(r.exit_time_order);
  }
}

TEST_CASE("four levels: an order jumping above the nominal one gives way to the previous one")
{
  // Differences 1e-3, 5e-4 (order 1), then 5e-5 (apparent order 3.3): the effective order is 1.
  const auto jumping = estimate(levels_with_errors({1.55e-3, 5.5e-4, 5e-5, 0.0}));
  REQUIRE(jumping.exit_time_error);
  CHECK(*jumping.exit_time_order == doctest::Approx(std::log2(5e-4 / 5e-5)).epsilon(1e-9));
  CHECK(*jumping.exit_time_error == doctest::Approx(3.0 * std::max(5e-5 / 1.0, 5e-4 / 12.0)).epsilon(1e-9).scale(0.0));
  // A convergence at order 3 throughout keeps the factor 1.25 (and the nominal order 2).
  const double c = 1e-3;
  const auto fast = estimate(levels_with_errors({c, c / 8.0, c / 64.0, c / 512.0}));
  REQUIRE(fast.exit_time_error);
  CHECK(*fast.exit_time_error == doctest::Approx(1.25 * (c / 8.0 - c / 64.0) / 12.0).epsilon(1e-9).scale(0.0));
  // With three levels the jump is not seen: the previous difference at the nominal order bounds it.
  const auto three = estimate(levels_with_errors({5.5e-4, 5e-5, 0.0}));
  REQUIRE(three.exit_time_error);
  CHECK(*three.exit_time_error == doctest::Approx(1.25 * std::max(5e-5 / 3.0, 5e-4 / 12.0)).epsilon(1e-9).scale(0.0));
}

TEST_CASE("levels whose step counts did not nearly double alike get Roache's factor 3")
{
  // An order of 2 in every quantity, but the step counts grow by 1.21 and then 1.65 (a step bound that
  // sets the coarse level's steps and no longer the next one's), or by less than 1.5 (a bound that
  // shrinks the steps by less than 2 per level): the order is not verified.
  const double c = 1e-3;
  auto levels = levels_of_order(2.0, c);
  const double error = c / 16.0;  // of level 2
  // The estimate with the levels' step counts set to `steps` (coarse to fine).
  auto estimate_with_steps = [&](std::initializer_list<long> steps) {
    std::size_t k = 0;
    for (const long n : steps) levels[k++].steps = n;
    return estimate(levels);
  };
  SUBCASE("ratios 1.21 and 1.65: factor 3")
  {
    const auto r = estimate_with_steps({2771, 3361, 5543});
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * error).epsilon(1e-9).scale(0.0));
    CHECK(r.observable_error[0] == doctest::Approx(3.0 * error).epsilon(1e-9).scale(0.0));
  }
  SUBCASE("ratios within 15 % of each other (1.7 and 1.9): factor 1.25")
  {
    const auto r = estimate_with_steps({1000, 1700, 3230});
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(1.25 * error).epsilon(1e-9).scale(0.0));
  }
  SUBCASE("ratios 1.21 and 1.34 (within 15 % of each other, below 1.5): factor 3")
  {
    const auto r = estimate_with_steps({10225, 12322, 16466});
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * error).epsilon(1e-9).scale(0.0));
  }
  SUBCASE("ratios 1.6 and 1.9 (more than 15 % apart): factor 3")
  {
    const auto r = estimate_with_steps({1000, 1600, 3040});
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * error).epsilon(1e-9).scale(0.0));
  }
  SUBCASE("with four levels, the last three are compared")
  {
    levels = levels_with_errors({c, c / 4.0, c / 16.0, c / 64.0});
    auto r = estimate_with_steps({1000, 1200, 2200, 4100});  // 1.2, 1.83, 1.86
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(1.25 * c / 64.0).epsilon(1e-9).scale(0.0));
    r = estimate_with_steps({1000, 1800, 2200, 4100});  // 1.8, 1.22, 1.86
    REQUIRE(r.exit_time_error);
    CHECK(*r.exit_time_error == doctest::Approx(3.0 * c / 64.0).epsilon(1e-9).scale(0.0));
  }
}

namespace {

solver::AccuracyReport estimate_extrapolated(const std::vector<solver::Solution>& levels)
{
  std::vector<const solver::Solution*> view;
  for (const auto& s : levels) view.push_back(&s);
  return solver::estimate_accuracy(view, 1e-4, 2.0, model::MemoryRegion{}, 1.25, true);
}

}  // namespace

TEST_CASE("extrapolation: a term of the nominal order is removed, the next one bounds the error")
{
  // q_L = 1 + a 4^-L + b 8^-L: R_L = q_L + (q_L - q_{L-1}) / 3 = 1 - (4/3) b 8^-L, whose differences
  // shrink eightfold (order 3, above the nominal 2): the estimate is 1.25 max(dR_f / 3, dR_c / 12).
  const double a = 1e-3, b = 1e-4;
  std::vector<double> errors;
  for (int L = 0; L < 4; ++L) errors.push_back(a * std::exp2(-2.0 * L) + b * std::exp2(-3.0 * L));
  const auto levels = levels_with_errors(errors);
  const auto r = estimate_extrapolated(levels);
  REQUIRE(r.exit_time_error);
  CHECK(r.exit_time_extrapolated);
  auto R = [&](int L) { return 1.0 - 4.0 / 3.0 * b * std::exp2(-3.0 * L); };
  const double dR_coarse = std::fabs(R(2) - R(1)), dR_fine = std::fabs(R(3) - R(2));
  const double expected = 1.25 * std::max(dR_fine / 3.0, dR_coarse / 12.0);
  CHECK(*r.exit_time_error == doctest::Approx(expected).epsilon(1e-9).scale(0.0));
  for (std::size_t k = 0; k < model::observable_count; ++k) {
    CHECK(r.observable_extrapolated[k]);
    CHECK(r.observable_error[k] == doctest::Approx(expected).epsilon(1e-9).scale(0.0));
  }
  const auto out = solver::apply_extrapolation(levels[2], levels[3], r, 2.0);
  REQUIRE(out.exit_time);
  CHECK(*out.exit_time == doctest::Approx(R(3)).epsilon(1e-12));
  CHECK(std::fabs(*out.exit_time - 1.0) < *r.exit_time_error);             // brackets the extrapolated value
  CHECK(std::fabs(*out.exit_time - 1.0) < 0.02 * std::fabs(*levels[3].exit_time - 1.0));  // 50 times more accurate
  CHECK(*r.exit_time_error < *estimate(levels).exit_time_error);  // and a smaller estimate than the finest's
  CHECK(out.observables[1].values[0] == doctest::Approx(R(3)).epsilon(1e-12));
}

TEST_CASE("extrapolation: not used where the extrapolations do not converge, nor with three levels, nor unasked")
{
  // Plain differences shrink fourfold (order 2) but carry a part that alternates with the level:
  // the extrapolations then change by about as much at each level, and the finest level is kept.
  const auto irregular = levels_with_errors({1e-3, 2.5e-4 - 2e-5, 6.25e-5 + 2e-5, 1.5625e-5 - 2e-5});
  const auto r = estimate_extrapolated(irregular);
  CHECK_FALSE(r.exit_time_extrapolated);
  for (std::size_t k = 0; k < model::observable_count; ++k) CHECK_FALSE(r.observable_extrapolated[k]);
  const auto kept = solver::apply_extrapolation(irregular[2], irregular[3], r, 2.0);
  CHECK(*kept.exit_time == *irregular[3].exit_time);

  const auto smooth = levels_with_errors({1e-3, 2.5e-4, 6.25e-5, 1.5625e-5});
  CHECK_FALSE(estimate_extrapolated({smooth[1], smooth[2], smooth[3]}).exit_time_extrapolated);
  CHECK_FALSE(estimate(smooth).exit_time_extrapolated);
  CHECK(estimate_extrapolated(smooth).exit_time_extrapolated);
}

TEST_CASE("extrapolation keeps a rate, a mean calcium and a variance non-negative, and nothing else")
{
  // A silent network: the finest two levels' rates 1e-6 and 1e-9 extrapolate to -3.3e-7.
  auto levels = levels_with_errors({1e-3, 2.5e-4, 6.25e-5, 1.5625e-5});
  for (auto* s : {&levels[2], &levels[3]})
    for (auto& o : s->observables) o.values.fill(s == &levels[2] ? 1e-6 : 1e-9);
  solver::AccuracyReport r;
  r.observable_extrapolated.fill(true);
  const auto out = solver::apply_extrapolation(levels[2], levels[3], r, 2.0);
  const double extrapolated = 1e-9 + (1e-9 - 1e-6) / 3.0;
  using model::ObservableId;
  for (auto id : {ObservableId::rate, ObservableId::mean_calcium, ObservableId::var_potential, ObservableId::var_calcium})
    CHECK(out.observables[1][id] == 0.0);
  for (auto id : {ObservableId::drive, ObservableId::mean_potential, ObservableId::mass})
    CHECK(out.observables[1][id] == doctest::Approx(extrapolated).epsilon(1e-12).scale(0.0));
  CHECK(*out.exit_time == *levels[3].exit_time);  // not marked
}

TEST_CASE("an observable that no level changes is not more certain than its rounding")
{
  // Levels that agree to the last bit (the phi = 0 transport is exact but for rounding): the
  // differences are 0, and the estimate is the rounding level, 1e-11 of the terms' size (for a
  // variance, its second moment: here 2 + 3^2 for var_potential with mean_potential 3).
  std::vector<solver::Solution> levels = levels_with_errors({0.0, 0.0, 0.0});
  for (auto& s : levels)
    for (auto& o : s.observables) {
      o.values.fill(2.0);
      o[model::ObservableId::mean_potential] = 3.0;
    }
  const auto r = estimate(levels);
  const auto k = static_cast<std::size_t>(model::ObservableId::var_potential);
  CHECK(r.observable_error[k] == doctest::Approx(1e-11 * (2.0 + 9.0)).epsilon(1e-12).scale(0.0));
  const auto m = static_cast<std::size_t>(model::ObservableId::mean_potential);
  CHECK(r.observable_error[m] == doctest::Approx(3e-11).epsilon(1e-12).scale(0.0));
  CHECK(r.converged);  // far below the tolerance
}

TEST_CASE("an exit at t = 0 on every level (the initial state outside the region) is exact, and converges")
{
  // The rate starts below the region's bound 0.5 and crosses it before the next sample: its path's
  // error would move a crossing there, but the exit happened at the start, where nothing moves it.
  auto levels = levels_with_errors({1e-9, 2.5e-10, 6.25e-11});
  for (auto& s : levels) {
    s.exit_time = 0.0;
    s.observables[0][model::ObservableId::rate] -= 0.6;
  }
  model::MemoryRegion region;
  region.thresholds.push_back({model::ObservableId::rate, 0.5, std::nullopt});
  std::vector<const solver::Solution*> view;
  for (const auto& s : levels) view.push_back(&s);
  const auto r = solver::estimate_accuracy(view, 1e-4, 2.0, region, 1.25);
  REQUIRE(r.exit_time_error.has_value());
  CHECK(*r.exit_time_error == 0.0);
  CHECK(r.converged);
  // A coarse level that found a later exit: the levels disagree, so the exit time is not known to be 0.
  levels[0].exit_time = 1e-3;
  CHECK_FALSE(solver::estimate_accuracy(view, 1e-4, 2.0, region, 1.25).converged);
}

TEST_CASE("one level has no estimate: not converged, and its errors are not numbers rather than 0")
{
  const auto r = estimate(levels_with_errors({1e-3}));
  CHECK_FALSE(r.converged);
  CHECK_FALSE(r.exit_time_error);
  for (std::size_t k = 0; k < model::observable_count; ++k) {
    CHECK(std::isnan(r.observable_error[k]));
    CHECK(std::isnan(r.observable_scale[k]));
  }
}
