// Sample statistics, least-squares slopes and convergence orders against values worked by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "validation/statistics.hpp"

using namespace stf::validation;

TEST_CASE("summarize gives the mean, the sample standard deviation and the standard error")
{
  const auto s = summarize({1.0, 2.0, 3.0, 4.0});
  CHECK(s.count == 4);
  CHECK(s.mean == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(s.std == doctest::Approx(std::sqrt(5.0 / 3.0)).epsilon(1e-14));
  CHECK(s.stderr_ == doctest::Approx(std::sqrt(5.0 / 3.0) / 2.0).epsilon(1e-14));
  CHECK(s.min == 1.0);
  CHECK(s.max == 4.0);
  CHECK(summarize({7.0}).std == 0.0);
  CHECK_THROWS_AS(summarize({}), std::invalid_argument);
}

TEST_CASE("quantiles interpolate between order statistics (type 7)")
{
  const std::vector<double> x{4.0, 1.0, 3.0, 2.0};
  CHECK(quantile(x, 0.0) == 1.0);
  CHECK(quantile(x, 1.0) == 4.0);
  CHECK(quantile(x, 0.5) == doctest::Approx(2.5));
  CHECK(quantile(x, 0.25) == doctest::Approx(1.75));
  CHECK_THROWS_AS(quantile(x, 1.5), std::invalid_argument);
}

TEST_CASE("Student t quantiles match tables")
{
  CHECK(student_t_two_sided(0.95, 1.0) == doctest::Approx(12.706204736).epsilon(1e-8));
  CHECK(student_t_two_sided(0.95, 2.0) == doctest::Approx(4.302652730).epsilon(1e-8));
  CHECK(student_t_two_sided(0.95, 1e6) == doctest::Approx(1.959966).epsilon(1e-5));
}

TEST_CASE("the least-squares slope and its confidence interval match a hand computation")
{
  // x = 0..3, y = 1, 3, 2, 5: slope 5.5 / 5 = 1.1, intercept 1.1, residual sum of squares 2.7.
  const auto f = fit_line({0.0, 1.0, 2.0, 3.0}, {1.0, 3.0, 2.0, 5.0});
  CHECK(f.slope == doctest::Approx(1.1).epsilon(1e-14));
  CHECK(f.intercept == doctest::Approx(1.1).epsilon(1e-14));
  const double se = std::sqrt(2.7 / 2.0 / 5.0);
  CHECK(f.slope_stderr == doctest::Approx(se).epsilon(1e-13));
  CHECK(f.ci_low == doctest::Approx(1.1 - 4.302652730 * se).epsilon(1e-8));
  CHECK(f.ci_high == doctest::Approx(1.1 + 4.302652730 * se).epsilon(1e-8));

  const auto exact = fit_line({1.0, 2.0, 3.0}, {3.0, 5.0, 7.0});
  CHECK(exact.slope == doctest::Approx(2.0));
  CHECK(exact.slope_stderr == doctest::Approx(0.0));
  const auto two = fit_line({1.0, 2.0}, {1.0, 3.0});
  CHECK(std::isinf(two.ci_low));
  CHECK_THROWS_AS(fit_line({1.0, 1.0}, {1.0, 2.0}), std::invalid_argument);
  CHECK_THROWS_AS(fit_line({1.0}, {1.0}), std::invalid_argument);
}

TEST_CASE("log-log fits recover a power law and skip non-positive values")
{
  const std::vector<double> n{100.0, 1000.0, 10000.0, 100000.0};
  std::vector<double> y;
  for (double v : n) y.push_back(3.0 * std::pow(v, -0.5));
  const auto f = fit_log_log(n, y);
  REQUIRE(f.has_value());
  CHECK(f->slope == doctest::Approx(-0.5).epsilon(1e-12));
  CHECK(f->points == 4);
  y[1] = 0.0;
  const auto g = fit_log_log(n, y);
  REQUIRE(g.has_value());
  CHECK(g->points == 3);
  CHECK(g->slope == doctest::Approx(-0.5).epsilon(1e-12));
  CHECK_FALSE(fit_log_log({1.0, 2.0}, {0.0, 0.0}).has_value());
}

TEST_CASE("observed order and Richardson extrapolation are exact for a pure power of h")
{
  CHECK(*observed_order(4e-2, 1e-2) == doctest::Approx(2.0));
  CHECK(*observed_order(8e-3, 1e-3) == doctest::Approx(3.0));
  CHECK_FALSE(observed_order(0.0, 1e-3).has_value());
  // q(h) = 1 + h^2 on h = 0.1 and 0.05.
  CHECK(richardson(1.01, 1.0025, 2.0) == doctest::Approx(1.0).epsilon(1e-14));
  // q(h) = 2 - 3 h on h = 0.2 and 0.1.
  CHECK(richardson(1.4, 1.7, 1.0) == doctest::Approx(2.0).epsilon(1e-14));
}
