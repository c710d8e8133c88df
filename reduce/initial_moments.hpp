// Mean and variance of a marginal of the initial law (MODEL.md §1), the starting values of the
// moment reductions.
#pragma once

#include "model/initial_law.hpp"

namespace stf::reduce {

struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

/// Exact moments of dirac, uniform, normal truncated at 0 and exponential marginals.
Moments marginal_moments(const model::Marginal& m);

}  // namespace stf::reduce
