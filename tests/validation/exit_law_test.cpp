// The exit-time law over N on synthetic samples of each regime: the regime is recognised, the bias
// coefficient and the growth rate are recovered within their intervals, censored runs are counted.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "validation/exit_law.hpp"

using namespace stf::validation;

namespace {

struct Draws {
  std::mt19937_64 g;
  explicit Draws(unsigned long long seed) : g(seed) {}
  double uniform() { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log(uniform()); }
  double normal() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform()); }
};

}  // namespace

TEST_CASE("deterministic regime: tau_N = tau_inf + b / N + sigma / sqrt(N) Z")
{
  Draws d(11);
  const double tau_inf = 5.0, b = 3.0, sigma = 2.0;
  std::vector<ExitSample> samples;
  for (long n : {10L, 20L, 40L, 80L}) {
    ExitSample s{n, {}, 0, 30.0};
    for (int k = 0; k < 400; ++k)
      s.exits.push_back(tau_inf + b / static_cast<double>(n) + sigma / std::sqrt(static_cast<double>(n)) * d.normal());
    samples.push_back(s);
  }
  const ExitLaw law = analyse_exit_law(samples, tau_inf);
  REQUIRE(law.levels.size() == 4);
  for (const auto& l : law.levels) {
    CHECK(l.regime == ExitRegime::deterministic);
    REQUIRE(l.normality.has_value());
    CHECK(l.normality->p_value > 0.01);
    REQUIRE(l.spread.has_value());
    CHECK(l.spread->low <= sigma);
    CHECK(sigma <= l.spread->high);
    CHECK(l.standardised.size() == 400);
  }
  REQUIRE(law.bias.has_value());
  CHECK(law.bias->slope_low <= b);
  CHECK(b <= law.bias->slope_high);
  // The spread does not depend on N here: its large-N value is sigma, its 1/N coefficient 0.
  REQUIRE(law.spread_fit.has_value());
  CHECK(law.spread_fit->intercept_low <= sigma);
  CHECK(sigma <= law.spread_fit->intercept_high);
  CHECK(law.spread_fit->slope_low <= 0.0);
  CHECK(0.0 <= law.spread_fit->slope_high);
  CHECK(!law.growth.has_value());
  for (const auto& l : law.levels) CHECK(l.exits.size() == 400);
}

TEST_CASE("the spread's large-N value: sqrt(N) sd(tau_N) = s + c / N is recovered from sizes where it still grows")
{
  Draws d(13);
  const double tau_inf = 5.0, s = 2.0, c = -8.0;  // spreads 1.2, 1.6, 1.8, 1.9: s is above them all
  std::vector<ExitSample> samples;
  for (long n : {10L, 20L, 40L, 80L}) {
    const double root_n = std::sqrt(static_cast<double>(n));
    ExitSample sample{n, {}, 0, 30.0};
    for (int k = 0; k < 2000; ++k) sample.exits.push_back(tau_inf + (s + c / static_cast<double>(n)) / root_n * d.normal());
    samples.push_back(sample);
  }
  const ExitLaw law = analyse_exit_law(samples, tau_inf);
  REQUIRE(law.spread_fit.has_value());
  CHECK(law.spread_fit->intercept_low <= s);
  CHECK(s <= law.spread_fit->intercept_high);
  CHECK(law.spread_fit->slope_low <= c);
  CHECK(c <= law.spread_fit->slope_high);
  CHECK(law.spread_fit->p_value > 0.01);
  // Without the limit's exit time there is no spread fit (the runs are not measured from tau_inf).
  CHECK_FALSE(analyse_exit_law(samples, std::nullopt).spread_fit.has_value());
}

TEST_CASE("metastable regime: exponential exit times with a mean growing like exp(rate N), censored at a horizon")
{
  Draws d(12);
  const double a = 1.0, rate = 0.1, horizon = 200.0;
  std::vector<ExitSample> samples;
  long censored = 0;
  for (long n : {10L, 20L, 30L, 40L}) {
    ExitSample s{n, {}, 0, horizon};
    for (int k = 0; k < 300; ++k) {
      const double tau = d.exponential(std::exp(a + rate * static_cast<double>(n)));
      if (tau <= horizon) s.exits.push_back(tau);
      else ++s.censored;
    }
    censored += s.censored;
    samples.push_back(s);
  }
  CHECK(censored > 30);  // the largest N (mean 148) loses a quarter of its runs to the horizon
  const ExitLaw law = analyse_exit_law(samples, std::nullopt);
  long counted = 0;
  for (const auto& l : law.levels) {
    CHECK(l.regime == ExitRegime::metastable);
    CHECK(l.replicas == 300);
    counted += l.censored;
    REQUIRE(l.mean.has_value());
    const double truth = std::exp(a + rate * static_cast<double>(l.neurons));
    CHECK(l.mean->ci_low <= truth);
    CHECK(truth <= l.mean->ci_high);
  }
  CHECK(counted == censored);
  REQUIRE(law.growth.has_value());
  CHECK(law.growth->slope_low <= rate);
  CHECK(rate <= law.growth->slope_high);
  CHECK(!law.bias.has_value());
}

TEST_CASE("metastable regime after a settling time: early exits fail the plain test, the test beyond t_s passes")
{
  // A network that, with probability 0.08, fails while it settles (an exit uniform on [0, 10]) and
  // otherwise stays until 10 + Exp(mean); 3000 replicas, censored at 5000. The law of tau / mean is
  // not Exp(1) (KS rejects at 1%); the time beyond t_s = 10 of the runs still inside is.
  Draws d(7);
  const double settle = 10.0, horizon = 5000.0;
  std::vector<ExitSample> samples;
  for (long n : {10L, 12L, 14L}) {
    const double mean = 300.0 * std::exp(0.5 * double(n - 10));
    ExitSample s{n, {}, 0, horizon};
    for (int k = 0; k < 3000; ++k) {
      const double tau = d.uniform() < 0.08 ? settle * d.uniform() : settle + d.exponential(mean);
      if (tau <= horizon) s.exits.push_back(tau);
      else ++s.censored;
    }
    samples.push_back(s);
  }
  const ExitLaw plain = analyse_exit_law(samples, std::nullopt);
  for (const auto& l : plain.levels) {
    REQUIRE(l.exponential);
    CHECK(l.exponential->p_value < 0.01);
    CHECK(l.regime == ExitRegime::undetermined);
  }
  const ExitLaw settled = analyse_exit_law(samples, std::nullopt, 0.0, 0.95, 0.01, settle);
  REQUIRE(settled.settle_time == settle);
  for (const auto& l : settled.levels) {
    CAPTURE(l.neurons);
    CHECK(l.regime == ExitRegime::metastable);
    CHECK(l.early_exits > 150);  // about 0.08 x 3000
    CHECK(l.early_exits < 330);
  }
  REQUIRE(settled.growth);
  CHECK(settled.growth->slope_low < 0.5);
  // (The censored mean counts the early exits: the growth rate is biased low at small sizes, so its
  // interval is checked only to be above 0.)
  CHECK(settled.growth->slope_low > 0.0);
}

TEST_CASE("settle_time: the first sample after which every series stays within 1% of its last value")
{
  const std::vector<double> t{0, 1, 2, 3, 4, 5};
  CHECK(settle_time(t, {{5.0, 3.0, 1.05, 0.995, 1.0, 1.0}}) == 3.0);  // 1.05 is 5% off, 0.995 within 1%
  // The latest of the series sets it.
  CHECK(settle_time(t, {{5.0, 3.0, 1.05, 0.995, 1.0, 1.0}, {0.0, 0.0, 0.0, 0.0, 2.5, 2.5}}) == 4.0);
  CHECK(settle_time(t, {{1.0, 1.0, 1.0, 1.0, 1.0, 1.0}}) == 0.0);
  // A series that ends at 0 (the quiet state) or is not sampled with the times has none.
  CHECK_FALSE(settle_time(t, {{1.0, 1.0, 1.0, 1.0, 1.0, 0.0}}));
  CHECK_FALSE(settle_time(t, {{1.0, 1.0}}));
}
