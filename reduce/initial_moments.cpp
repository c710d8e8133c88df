// Moments of the initial marginals in closed form.
#include "reduce/initial_moments.hpp"

#include <cmath>
#include <numbers>

namespace stf::reduce {

Moments marginal_moments(const model::Marginal& m)
{
  switch (m.kind) {
    case model::MarginalKind::dirac: return {m.at, 0.0};
    case model::MarginalKind::uniform: {
      const double w = m.max - m.min;
      return {0.5 * (m.min + m.max), w * w / 12.0};
    }
    case model::MarginalKind::exponential: return {m.mean, m.mean * m.mean};
    case model::MarginalKind::normal: {
      // Normal(mean, sd) truncated to [0, inf): with a = -mean/sd and lambda = pdf(a)/(1 - cdf(a)),
      // E = mean + sd lambda, Var = sd^2 (1 + a lambda - lambda^2).
      if (m.sd <= 0.0) return {std::max(m.mean, 0.0), 0.0};
      const double a = -m.mean / m.sd;
      const double pdf = std::exp(-0.5 * a * a) / std::sqrt(2.0 * std::numbers::pi);
      const double tail = 0.5 * std::erfc(a / std::numbers::sqrt2);
      const double lambda = pdf / tail;
      return {m.mean + m.sd * lambda, m.sd * m.sd * (1.0 + a * lambda - lambda * lambda)};
    }
  }
  return {};
}

}  // namespace stf::reduce
