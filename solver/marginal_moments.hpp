// Partial moments of an initial marginal (MODEL.md §1) over an interval, in closed form: what the
// characteristic scheme puts into each of its initial cells and calcium packets.
#pragma once

#include "model/initial_law.hpp"

namespace stf::solver {

/// Mass, integral of x and integral of x^2 of the law over [lo, hi) (hi may be +inf). A Dirac
/// counts in [lo, hi) when lo <= at < hi.
struct PartialMoments {
  double mass = 0.0, s1 = 0.0, s2 = 0.0;
};
PartialMoments partial_moments(const model::Marginal& law, double lo, double hi);

}  // namespace stf::solver
