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
