// Gauss–Hermite quadrature for expectations under a standard normal: E[f(Z)] ~ sum_k w_k f(z_k),
// exact for polynomials of degree < 2n. The moment closure (docs/reductions.md §3) takes its
// expectations of phi(U), U phi(U), ... under a Gaussian U with it.
#pragma once

#include <vector>

namespace stf::reduce {

struct GaussHermite {
  std::vector<double> nodes;    // z_k, increasing
  std::vector<double> weights;  // w_k > 0, summing to 1 (probabilists' normalisation)
};

/// The n-point rule (n >= 1) for the standard normal law, from the roots of the Hermite
/// polynomial H_n by Newton's iteration on the orthonormal recurrence.
GaussHermite gauss_hermite(int n);

}  // namespace stf::reduce
