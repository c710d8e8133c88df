// Nodes and weights of the Gauss–Hermite rule: Newton's iteration on the orthonormal Hermite
// functions (the recurrence of Numerical Recipes §4.6, stable for large n), then the change of
// variable z = sqrt(2) x, w -> w / sqrt(pi) from the weight exp(-x^2) to the standard normal.
#include "reduce/gauss_hermite.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace stf::reduce {

GaussHermite gauss_hermite(int n)
{
  if (n < 1) throw std::invalid_argument("gauss_hermite: needs n >= 1");
  const double pi_m4 = 1.0 / std::pow(std::numbers::pi, 0.25);
  std::vector<double> x(std::size_t(n), 0.0), w(std::size_t(n), 0.0);
  const int half = (n + 1) / 2;
  double z = 0.0;
  for (int i = 0; i < half; ++i) {
    // Initial guesses for the largest roots first (Numerical Recipes' asymptotic estimates).
    if (i == 0)
      z = std::sqrt(double(2 * n + 1)) - 1.85575 * std::pow(double(2 * n + 1), -0.16667);
    else if (i == 1)
      z -= 1.14 * std::pow(double(n), 0.426) / z;
    else if (i == 2)
      z = 1.86 * z - 0.86 * x[0];
    else if (i == 3)
      z = 1.91 * z - 0.91 * x[1];
    else
      z = 2.0 * z - x[std::size_t(i - 2)];
    double pp = 0.0;
    for (int it = 0; it < 100; ++it) {
      double p1 = pi_m4, p2 = 0.0;
      for (int j = 0; j < n; ++j) {
        const double p3 = p2;
        p2 = p1;
        p1 = z * std::sqrt(2.0 / double(j + 1)) * p2 - std::sqrt(double(j) / double(j + 1)) * p3;
      }
      pp = std::sqrt(2.0 * double(n)) * p2;
      const double z1 = z;
      z = z1 - p1 / pp;
      if (std::abs(z - z1) <= 1e-15 * std::max(1.0, std::abs(z))) break;
    }
    x[std::size_t(i)] = z;
    x[std::size_t(n - 1 - i)] = -z;
    w[std::size_t(i)] = w[std::size_t(n - 1 - i)] = 2.0 / (pp * pp);
  }
  GaussHermite rule;
  for (int i = n - 1; i >= 0; --i) {  // increasing nodes
    rule.nodes.push_back(std::numbers::sqrt2 * x[std::size_t(i)]);
    rule.weights.push_back(w[std::size_t(i)] / std::sqrt(std::numbers::pi));
  }
  return rule;
}

}  // namespace stf::reduce
