// Marginals of the initial law (MODEL.md §1): quantiles, CDFs and means, truncation at 0 included.
#include "model/initial_law.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <stdexcept>

namespace stf::model {

const std::vector<std::string>& marginal_kind_names()
{
  static const std::vector<std::string> names{"dirac", "uniform", "normal", "exponential"};
  return names;
}

MarginalKind marginal_kind_from_name(std::string_view name)
{
  const auto& names = marginal_kind_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<MarginalKind>(i);
  throw std::invalid_argument("unknown law '" + std::string(name) +
                              "'; valid laws: dirac, uniform, normal, exponential");
}

std::string_view to_string(MarginalKind kind) { return marginal_kind_names().at(static_cast<std::size_t>(kind)); }

namespace {
// The normal(mean, sd) truncated to [0, inf): F(x) = (Phi((x - m)/s) - Phi0) / (1 - Phi0), Phi0 = Phi(-m/s).
double truncated_normal_lower_mass(const Marginal& m)
{
  return boost::math::cdf(boost::math::normal_distribution<double>(m.mean, m.sd), 0.0);
}
}  // namespace

double Marginal::quantile(double p) const
{
  switch (kind) {
    case MarginalKind::dirac: return at;
    case MarginalKind::uniform: return min + p * (max - min);
    case MarginalKind::exponential: return -mean * std::log1p(-p);
    case MarginalKind::normal: {
      const boost::math::normal_distribution<double> law(mean, sd);
      const double p0 = truncated_normal_lower_mass(*this);
      // For p0 close to 1 the upper tail is used to keep precision.
      const double q = p0 + p * (1.0 - p0);
      if (q < 0.5) return std::max(0.0, boost::math::quantile(law, q));
      return std::max(0.0, boost::math::quantile(boost::math::complement(law, (1.0 - p) * (1.0 - p0))));
    }
  }
  throw std::logic_error("unreachable marginal kind");
}

double Marginal::cdf(double x) const
{
  if (x < 0.0) return 0.0;
  switch (kind) {
    case MarginalKind::dirac: return x >= at ? 1.0 : 0.0;
    case MarginalKind::uniform:
      if (max == min) return x >= min ? 1.0 : 0.0;
      return std::clamp((x - min) / (max - min), 0.0, 1.0);
    case MarginalKind::exponential: return mean > 0.0 ? -std::expm1(-x / mean) : 1.0;
    case MarginalKind::normal: {
      const boost::math::normal_distribution<double> law(mean, sd);
      const double p0 = truncated_normal_lower_mass(*this);
      return (boost::math::cdf(law, x) - p0) / (1.0 - p0);
    }
  }
  throw std::logic_error("unreachable marginal kind");
}

double Marginal::expectation() const
{
  switch (kind) {
    case MarginalKind::dirac: return at;
    case MarginalKind::uniform: return 0.5 * (min + max);
    case MarginalKind::exponential: return mean;
    case MarginalKind::normal: {
      // E[X | X > 0] = m + s pdf(a) / (1 - Phi(a)), a = -m / s.
      const boost::math::normal_distribution<double> standard;
      const double a = -mean / sd;
      return mean + sd * boost::math::pdf(standard, a) / boost::math::cdf(boost::math::complement(standard, a));
    }
  }
  throw std::logic_error("unreachable marginal kind");
}

double Marginal::upper_extent(double tail) const
{
  switch (kind) {
    case MarginalKind::dirac: return at;
    case MarginalKind::uniform: return max;
    case MarginalKind::exponential: return mean * std::log(1.0 / tail);
    case MarginalKind::normal: {
      // The upper tail directly: quantile(1 - tail) would lose the digits of tail.
      const boost::math::normal_distribution<double> law(mean, sd);
      const double p0 = truncated_normal_lower_mass(*this);
      return std::max(0.0, boost::math::quantile(boost::math::complement(law, tail * (1.0 - p0))));
    }
  }
  throw std::logic_error("unreachable marginal kind");
}

}  // namespace stf::model
