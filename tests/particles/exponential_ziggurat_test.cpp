// The ziggurat's Exp(1) variates: the tables close, and 2e6 draws (fixed seed) pass a
// Kolmogorov-Smirnov test at level 0.001; the mean, the variance and the tail beyond r agree with
// Exp(1) within 4 standard errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "particles/exponential_ziggurat.hpp"
#include "particles/random_stream.hpp"

using namespace stf::particles;

TEST_CASE("the ziggurat's layers close at the top")
{
  const ExponentialZiggurat zig;
  CHECK(std::abs(zig.closing_error()) < 1e-9);
  CHECK(ExponentialZiggurat::v == doctest::Approx((ExponentialZiggurat::r + 1.0) * std::exp(-ExponentialZiggurat::r)).epsilon(1e-12).scale(0.0));
}

TEST_CASE("ziggurat variates are Exp(1): Kolmogorov-Smirnov, moments and the tail")
{
  const ExponentialZiggurat zig;
  RandomStream main(2026, 0, 0), more(2026, 0, 1);
  const std::size_t n = 2000000;
  std::vector<double> x(n);
  for (auto& v : x) v = zig(main.next(), [&] { return more.next(); });
  std::sort(x.begin(), x.end());
  CHECK(x.front() >= 0.0);

  // KS distance against F(x) = 1 - exp(-x); critical value 1.9495 / sqrt(n) at level 0.001.
  double d = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double F = -std::expm1(-x[k]);
    d = std::max({d, F - double(k) / double(n), double(k + 1) / double(n) - F});
  }
  CHECK(d < 1.9495 / std::sqrt(double(n)));

  double sum = 0.0, sum2 = 0.0;
  for (double v : x) sum += v, sum2 += v * v;
  const double mean = sum / double(n), var = sum2 / double(n) - mean * mean;
  CHECK(std::abs(mean - 1.0) < 4.0 / std::sqrt(double(n)));           // sd of X is 1
  CHECK(std::abs(var - 1.0) < 4.0 * std::sqrt(8.0 / double(n)));      // Var(X^2) - ... : sd of the sample variance ~ sqrt(8/n)

  // The tail beyond r (drawn as r - log U): P = exp(-r), and the excess over r is again Exp(1).
  const double p = std::exp(-ExponentialZiggurat::r);
  const auto first_tail = std::upper_bound(x.begin(), x.end(), ExponentialZiggurat::r);
  const double tail = double(x.end() - first_tail);
  CHECK(std::abs(tail - double(n) * p) < 4.0 * std::sqrt(double(n) * p * (1.0 - p)));
  double excess = 0.0;
  for (auto it = first_tail; it != x.end(); ++it) excess += *it - ExponentialZiggurat::r;
  CHECK(std::abs(excess / tail - 1.0) < 4.0 / std::sqrt(tail));
}
