// A reference for any rate function: when calcium does not enter the drive (w1 = 0), the limit is a
// renewal process in the time since each neuron's last spike, and its rate solves a Volterra
// equation that is solved here independently of the solvers (no cells, no merges, no calcium law).
#pragma once

#include <string>
#include <vector>

#include "model/case.hpp"
#include "model/observables.hpp"

namespace stf::model {

/// With w1 = 0 the drive is p(t) = w0 r(t), r(t) = <phi(U)> the population rate, and the potential
/// of a neuron depends only on the time s of its last spike (or, before its first, on its initial
/// potential u0). Under the exponential potential leak and an input I(t):
///   u(t; s) = u_reset e^{-alpha (t - s)} + int_s^t e^{-alpha (t - tau)} (I(tau) + w0 r(tau)) dtau,
/// the neurons that last spiked at s are still silent at t with probability
///   S(t; s) = exp(-int_s^t phi(u(tau; s)) dtau),
/// and the rate solves the nonlinear Volterra equation (the refractory-density picture)
///   r(t) = S_0(t) phi(u_0(t)) + int_0^t r(s) S(t; s) phi(u(t; s)) ds.
/// The moments of the potential are the same integrals with u and u^2 in place of phi, and the mean
/// calcium solves d<C>/dt = -beta <C> + r(t) under the exponential calcium leak (each spike adds 1).
///
/// Solved by cohorts born at every step of a uniform grid (the trapezoid rule in s and in tau; the
/// drive at the new step found by two fixed-point passes), on `levels` grids each halving the step,
/// then Richardson-extrapolated over the first three error terms of the trapezoid rule
/// (error_exponents): where phi rises like u^kappa at u_reset = 0 (a power or Hill rate with a
/// fractional kappa) a cohort's phi grows like its age^kappa, and Navot's expansion of the
/// Euler-Maclaurin formula has terms h^(1 + kappa), h^2, h^(2 + kappa) (and h^(1 + j kappa) for the
/// powers x^j of a Hill rate); h^{3/2}, h^2, h^{5/2} otherwise (the square root's, absent for a smooth
/// phi, where eliminating them does no harm). The error estimate is the change made by the last
/// elimination. The work is O((end / h)^2) at the finest step.
class RenewalOracle {
public:
  /// Throws std::invalid_argument naming the reason unless `why_not(c)` is empty.
  explicit RenewalOracle(const Case& c, int levels = 4, long base_steps_per_unit = 200);

  /// Empty when the oracle applies: w1 = 0, reset on, an exponential potential leak (or a linear one
  /// with alpha = 0, the same flow), a Dirac initial potential, and sample times that divide the
  /// horizon, on which the input's pulses start and end. Otherwise the first condition that fails.
  static std::string why_not(const Case& c);

  /// The exponents p of the error terms h^p eliminated, in increasing order (three).
  static std::vector<double> error_exponents(const Case& c);

  /// The case's sample times and the observables there. var_calcium is NaN (calcium's second moment
  /// depends on more than the time of the last spike), and so is mean_calcium under the linear
  /// calcium leak (its floor at 0 makes the mean depend on the whole law); mass is 1.
  const std::vector<double>& times() const noexcept { return times_; }
  const std::vector<Observables>& values() const noexcept { return values_; }
  /// Estimated error of each observable, the largest over the sample times.
  const Observables& error() const noexcept { return error_; }

private:
  std::vector<double> times_;
  std::vector<Observables> values_;
  Observables error_;
};

}  // namespace stf::model
