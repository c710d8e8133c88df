// Sample statistics, least-squares slopes and convergence orders against values worked by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>
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
  CHECK(std::fabs(exact.slope_stderr) < 1e-12);  // no residual: 0 up to rounding
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

// ---- Laws of exit times at finite N, on synthetic samples with known laws ----

namespace {

// Deterministic draws (no dependence on the standard library's distribution algorithms).
struct Draws {
  std::mt19937_64 g;
  explicit Draws(unsigned long long seed) : g(seed) {}
  double uniform() { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log(uniform()); }
  double normal() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform()); }
};

}  // namespace

TEST_CASE("Anderson-Darling: normal samples pass at the nominal rate, exponential and uniform ones are rejected")
{
  Draws d(1);
  int rejected = 0;
  for (int k = 0; k < 400; ++k) {
    std::vector<double> x(60);
    for (auto& v : x) v = 3.0 + 0.5 * d.normal();
    if (anderson_darling_normal(x).p_value < 0.05) ++rejected;
  }
  // 5 % of 400 = 20, binomial sd 4.4: a wrong p-value law (or statistic) leaves this band.
  CHECK(rejected >= 7);
  CHECK(rejected <= 33);
  std::vector<double> e(200), u(200);
  for (auto& v : e) v = d.exponential(2.0);
  for (auto& v : u) v = d.uniform();
  CHECK(anderson_darling_normal(e).p_value < 1e-3);
  CHECK(anderson_darling_normal(u).p_value < 1e-2);
  CHECK_THROWS_AS(anderson_darling_normal({1, 2, 3}), std::invalid_argument);
}

TEST_CASE("KS against Exp(1) with the estimated mean: exponential samples pass, others are rejected")
{
  Draws d(2);
  int rejected = 0;
  for (int k = 0; k < 100; ++k) {
    std::vector<double> x(50);
    for (auto& v : x) v = d.exponential(7.0);  // any mean: the test is on x / mean(x)
    if (ks_exponential(x, 199, 100 + static_cast<unsigned long long>(k)).p_value < 0.05) ++rejected;
  }
  CHECK(rejected <= 12);  // nominal 5; Kolmogorov's p-values (mean not estimated) would give ~0
  CHECK(rejected >= 1);
  // A gamma law of shape 4 (deterministic-like exit times) and a uniform law are not exponential.
  std::vector<double> g(100), u(100);
  for (auto& v : g) v = d.exponential(1.0) + d.exponential(1.0) + d.exponential(1.0) + d.exponential(1.0);
  for (auto& v : u) v = d.uniform();
  CHECK(ks_exponential(g).p_value < 1e-2);
  CHECK(ks_exponential(u).p_value < 1e-2);
  // Same seed, same p-value.
  CHECK(ks_exponential(g, 99, 5).p_value == ks_exponential(g, 99, 5).p_value);
}

TEST_CASE("censored exponential samples: the maximum-likelihood mean recovers the mean, the naive one does not")
{
  Draws d(3);
  const double mean = 10.0, horizon = 8.0;
  std::vector<double> time;
  std::vector<bool> exited;
  std::vector<double> finished;
  for (int k = 0; k < 2000; ++k) {
    const double tau = d.exponential(mean);
    time.push_back(std::min(tau, horizon));
    exited.push_back(tau <= horizon);
    if (tau <= horizon) finished.push_back(tau);
  }
  const CensoredMean m = censored_exponential_mean(time, exited);
  CHECK(m.exits + m.censored == 2000);
  CHECK(m.censored > 500);  // about exp(-0.8) = 45 % censored
  CHECK(m.ci_low <= mean);
  CHECK(mean <= m.ci_high);
  const double naive = summarize(finished).mean;
  CHECK((naive < m.ci_low || naive > m.ci_high));
  CHECK(naive < 0.5 * mean);
  // Kaplan-Meier at the horizon: exp(-0.8) within three Greenwood standard errors.
  const auto km = kaplan_meier(time, exited);
  REQUIRE(!km.empty());
  CHECK(std::abs(km.back().survival - std::exp(-horizon / mean)) <= 3.0 * km.back().stderr_);
  // The exits of a censored exponential sample follow the truncated law (KS passes); those of a
  // uniform law censored the same way do not.
  CHECK(ks_exponential_censored(finished, m.censored, horizon, 499, 9).p_value > 0.01);
  std::vector<double> flat;
  for (int k = 0; k < 1100; ++k) flat.push_back(horizon * d.uniform());
  CHECK(ks_exponential_censored(flat, 900, horizon, 499, 9).p_value < 0.01);
  // No exit at all: an infinite estimate with a finite lower end.
  const CensoredMean none = censored_exponential_mean({5.0, 5.0}, {false, false});
  CHECK(std::isinf(none.mean));
  CHECK(none.ci_low > 0.0);
}

TEST_CASE("the exit-time distribution function: k / n at the order statistics, censored runs counted in n")
{
  // Ties make one step; without censored runs F is the ordinary empirical distribution function.
  const auto plain = exit_time_cdf({3.0, 1.0, 2.0, 2.0});
  REQUIRE(plain.size() == 3);
  const double t_plain[] = {1.0, 2.0, 3.0}, f_plain[] = {0.25, 0.75, 1.0};
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(plain[k].t == t_plain[k]);
    CHECK(plain[k].cdf == doctest::Approx(f_plain[k]).epsilon(1e-15));
  }
  // Two runs still inside at the horizon: the fractions are of all six runs, and F stays below 1.
  const auto censored = exit_time_cdf({2.0, 1.0, 3.0, 2.0}, 2, 10.0);
  REQUIRE(censored.size() == 3);
  const double f_censored[] = {1.0 / 6.0, 3.0 / 6.0, 4.0 / 6.0};
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(censored[k].t == t_plain[k]);
    CHECK(censored[k].cdf == doctest::Approx(f_censored[k]).epsilon(1e-14));
  }
  CHECK(exit_time_cdf({}, 3, 1.0).empty());
}

TEST_CASE("bias fit: E[tau_N] = tau_inf + b / N recovers b and the spread sigma, and rejects a wrong b")
{
  Draws d(4);
  const double tau_inf = 5.0, b = 3.0, sigma = 2.0;
  std::vector<double> ns{10, 20, 40, 80, 160}, means, errors;
  for (double n : ns) {
    std::vector<double> tau(2000);
    for (auto& v : tau) v = tau_inf + b / n + sigma / std::sqrt(n) * d.normal();
    const auto s = summarize(tau);
    means.push_back(s.mean);
    errors.push_back(s.stderr_);
    const Spread sp = scaled_spread(tau, n, 0.99);
    CHECK(sp.low <= sigma);
    CHECK(sigma <= sp.high);
    CHECK(sp.high - sp.low < 0.2 * sigma);  // informative, not trivially wide
  }
  const WeightedFit fixed = fit_exit_bias(ns, means, errors, tau_inf, 0.0);
  CHECK(fixed.slope_low <= b);
  CHECK(b <= fixed.slope_high);
  CHECK((fixed.slope_high < 4.0 && fixed.slope_low > 2.0));  // b = 2 or 4 rejected
  CHECK(fixed.p_value > 1e-3);
  REQUIRE(fixed.residuals.size() == ns.size());
  const WeightedFit free = fit_exit_bias(ns, means, errors);
  CHECK(free.intercept_low <= tau_inf);
  CHECK(tau_inf <= free.intercept_high);
  CHECK(free.slope_low <= b);
  CHECK(b <= free.slope_high);
  // A wrong tau_inf makes the residuals large: the fit is flagged as inconsistent.
  const WeightedFit wrong = fit_exit_bias(ns, means, errors, tau_inf + 0.1, 0.0);
  CHECK(wrong.p_value < 1e-3);
  // The limit's own error bar widens the interval of b.
  CHECK(fit_exit_bias(ns, means, errors, tau_inf, 0.05).slope_stderr > fixed.slope_stderr);
}

TEST_CASE("growth of log E[tau_N] in N: the rate is recovered and a wrong rate rejected")
{
  Draws d(5);
  const double a = 0.5, rate = 0.1;
  std::vector<double> ns{10, 20, 30, 40, 50}, means, errors;
  for (double n : ns) {
    std::vector<double> tau(400);
    for (auto& v : tau) v = d.exponential(std::exp(a + rate * n));
    const auto s = summarize(tau);
    means.push_back(s.mean);
    errors.push_back(s.stderr_);
  }
  const WeightedFit f = fit_log_mean_growth(ns, means, errors);
  CHECK(f.slope_low <= rate);
  CHECK(rate <= f.slope_high);
  CHECK((f.slope_high < 0.12 && f.slope_low > 0.08));
  CHECK(f.p_value > 1e-3);
}
