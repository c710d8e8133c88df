// Closed-form partial moments of the initial marginals (dirac, uniform, exponential, normal
// truncated at 0).
#include "solver/marginal_moments.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

namespace stf::solver {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// Standard normal: integral over [zl, zh) of z^k phi(z) for k = 0, 1, 2, with tails taken from
/// the side that keeps their digits.
PartialMoments standard_normal(double zl, double zh)
{
  const boost::math::normal_distribution<double> n;
  auto pdf = [&](double z) { return std::isfinite(z) ? boost::math::pdf(n, z) : 0.0; };
  auto z_pdf = [&](double z) { return std::isfinite(z) ? z * boost::math::pdf(n, z) : 0.0; };
  double mass;
  if (zl > 0.0)
    mass = boost::math::cdf(boost::math::complement(n, zl)) -
           (std::isfinite(zh) ? boost::math::cdf(boost::math::complement(n, zh)) : 0.0);
  else
    mass = (std::isfinite(zh) ? boost::math::cdf(n, zh) : 1.0) - (std::isfinite(zl) ? boost::math::cdf(n, zl) : 0.0);
  // int z phi = -phi;  int z^2 phi = Phi - z phi.
  return {mass, pdf(zl) - pdf(zh), mass + z_pdf(zl) - z_pdf(zh)};
}

}  // namespace

PartialMoments partial_moments(const model::Marginal& law, double lo, double hi)
{
  lo = std::max(lo, 0.0);
  if (!(hi > lo)) return {};
  switch (law.kind) {
    case model::MarginalKind::dirac:
      if (lo <= law.at && law.at < hi) return {1.0, law.at, law.at * law.at};
      return {};
    case model::MarginalKind::uniform: {
      const double l = std::max(lo, law.min), h = std::min(hi, law.max), width = law.max - law.min;
      if (!(h > l)) return {};
      return {(h - l) / width, (h * h - l * l) / (2.0 * width), (h * h * h - l * l * l) / (3.0 * width)};
    }
    case model::MarginalKind::exponential: {
      const double mu = law.mean;
      // int_l^h x^k e^{-x/mu}/mu dx = [-(x^k + k mu x^{k-1} + ...) e^{-x/mu}]_l^h.
      auto term = [&](double x, int k) {
        if (!std::isfinite(x)) return 0.0;
        const double e = std::exp(-x / mu);
        if (k == 0) return e;
        if (k == 1) return (x + mu) * e;
        return (x * x + 2.0 * mu * x + 2.0 * mu * mu) * e;
      };
      return {term(lo, 0) - term(hi, 0), term(lo, 1) - term(hi, 1), term(lo, 2) - term(hi, 2)};
    }
    case model::MarginalKind::normal: {
      const double m = law.mean, s = law.sd;
      // Truncated at 0: divide by Z = P(X > 0).
      const double z_norm = standard_normal(-m / s, inf).mass;
      const PartialMoments z = standard_normal((lo - m) / s, std::isfinite(hi) ? (hi - m) / s : inf);
      // x = m + s z.
      return {z.mass / z_norm, (m * z.mass + s * z.s1) / z_norm,
              (m * m * z.mass + 2.0 * m * s * z.s1 + s * s * z.s2) / z_norm};
    }
  }
  return {};
}

}  // namespace stf::solver
