// Bounds on how fast phi changes (MODEL.md §1), which the characteristic scheme's merge rules use to
// keep phi's change across a cell within phi_step wherever the flow takes it
// (characteristic_merge.cpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "model/case.hpp"

namespace stf::solver::characteristic {

/// Where the slopes of phi are looked for: the largest of the initial potential (its Dirac or its
/// 1e-3 upper quantile), u_reset and phi's theta.
double phi_search_scale(const model::Case& c);

/// The largest slope of phi over [0, 4 x phi_search_scale] (from differences on a fine grid).
double largest_phi_slope(const model::Case& c);

/// The largest logarithmic slope u phi'(u) of phi over u > 0 (from differences on a logarithmic
/// grid from 1e-6 to 1e6 times the case's potential scale; very large if phi grows without bound).
/// Under the exponential potential leak, u -> e^{-alpha t} u + G with G >= 0 (I, w0 and w1 are
/// non-negative), so a cell [a, b] with a > 0 keeps b / a or shrinks it, and phi changes across it by
/// at most log(b / a) times this slope, wherever the flow takes it.
double largest_phi_log_slope(const model::Case& c);

/// Exponential potential leak: whether largest_change_under_flow applies to phi, i.e. phi is concave
/// with a known largest change under the flow: lambda0 + gamma u^kappa with kappa <= 1, linear, or a
/// Hill rate with kappa <= 1.
inline bool change_under_flow_known(const model::RateFunction& phi) noexcept
{
  using model::RateKind;
  return phi.kind == RateKind::linear || (phi.kind == RateKind::power && phi.kappa <= 1.0) ||
         (phi.kind == RateKind::hill && phi.kappa <= 1.0 && phi.theta > 0.0);
}

/// Exponential potential leak, phi with change_under_flow_known: the largest change of phi across
/// [s lo + G, s hi + G] over 0 < s <= 1 and G >= 0, i.e. across the cell [lo, hi] wherever the flow
/// (u -> s u + G) takes it. phi is concave, so G only lowers the change; g(s) = phi(s hi) - phi(s lo)
/// remains.
///   - lambda0 + gamma u^kappa, kappa <= 1 (and linear): g(s) = s^kappa g(1) <= g(1).
///   - Hill, phi = lambda0 + phi_max x / (1 + x), x = (u / theta)^kappa: g'(s) = (h(s hi) - h(s lo)) / s
///     with h(u) = u phi'(u) = kappa phi_max x / (1 + x)^2, symmetric and log-concave in log x about
///     u = theta, so g rises until s lo and s hi straddle theta evenly, s* = theta / sqrt(lo hi), and
///     falls after: the largest value is g(min(1, s*)) (lo = 0: s* = 1).
/// (Their log slope u phi'(u) is unbounded or largest near theta, so the log-slope bound kept cells
/// near u = 0 from merging: phi = 1.5 u^0.5 on cases/memory.toml kept 6499 cells at level 3, and
/// phi = 5 u^0.5 / (1 + u^0.5), self-excited, 328.)
inline double largest_change_under_flow(const model::RateFunction& phi, double lo, double hi) noexcept
{
  const double s =
      phi.kind == model::RateKind::hill && lo > 0.0 ? std::min(1.0, phi.theta / std::sqrt(lo * hi)) : 1.0;
  return phi(s * hi) - phi(s * lo);
}

/// Linear potential leak: the largest slope of phi on [u, infinity), from differences on a
/// logarithmic grid of potentials from 1e-6 to 1e6 times the case's potential scale (their suffix
/// maxima); below the grid, the largest slope near the scale (largest_phi_slope) as well.
class PhiSlopeAbove {
public:
  PhiSlopeAbove() = default;
  explicit PhiSlopeAbove(const model::Case& c);
  double operator()(double u) const noexcept
  {
    if (sup_.empty()) return std::numeric_limits<double>::infinity();
    if (!(u > start_)) return below_;
    const auto i = std::min(static_cast<std::size_t>((std::log(u) - first_) / step_), sup_.size() - 1);
    return std::isfinite(sup_[i]) ? sup_[i] : std::numeric_limits<double>::infinity();
  }

private:
  double first_ = 0.0, step_ = 1.0, start_ = 0.0, below_ = std::numeric_limits<double>::infinity();
  std::vector<double> sup_;
};

}  // namespace stf::solver::characteristic
