// Bounds on how fast phi changes (see the header).
#include "solver/phi_slopes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stf::solver::characteristic {

double phi_search_scale(const model::Case& c)
{
  const auto& U = c.initial.U;
  return std::max({U.is_dirac() ? U.at : U.upper_extent(1e-3), c.model.u_reset, c.model.phi.theta, 1e-300});
}

/// A merged cell no wider than phi_step / slope keeps phi within phi_step across it wherever the flow
/// takes it below that bound: the flow keeps or shrinks every width (translation, or the contraction
/// u -> e^{-alpha t} u + G). Without it, cells merged where phi is flat (at high potential, during the
/// activity) mix neurons whose calcium differs and are cut only by phi_step when, at the exit, they
/// come down through the potentials where phi rises.
double largest_phi_slope(const model::Case& c)
{
  const double top = 4.0 * phi_search_scale(c);
  constexpr int points = 4096;
  double slope = 0.0;
  for (int i = 0; i < points; ++i) {
    const double lo = top * i / points, hi = top * (i + 1) / points;
    slope = std::max(slope, (c.model.phi(hi) - c.model.phi(lo)) / (hi - lo));
  }
  return std::isfinite(slope) ? slope : 0.0;
}

double largest_phi_log_slope(const model::Case& c)
{
  const double scale = phi_search_scale(c);
  constexpr int points = 8192;
  const double first = std::log(1e-6 * scale), last = std::log(1e6 * scale), h = (last - first) / points;
  double slope = 0.0;
  for (int i = 0; i < points; ++i)
    slope = std::max(slope, (c.model.phi(std::exp(first + h * (i + 1))) - c.model.phi(std::exp(first + h * i))) / h);
  return std::isfinite(slope) ? slope : std::numeric_limits<double>::infinity();
}

PhiSlopeAbove::PhiSlopeAbove(const model::Case& c)
{
  const double scale = phi_search_scale(c);
  constexpr int points = 8192;
  first_ = std::log(1e-6 * scale);
  step_ = (std::log(1e6 * scale) - first_) / points;
  sup_.resize(points);
  for (int i = 0; i < points; ++i) {
    const double lo = std::exp(first_ + step_ * i), hi = std::exp(first_ + step_ * (i + 1));
    sup_[static_cast<std::size_t>(i)] = (c.model.phi(hi) - c.model.phi(lo)) / (hi - lo);
  }
  for (int i = points - 1; i-- > 0;)
    sup_[static_cast<std::size_t>(i)] = std::max(sup_[static_cast<std::size_t>(i)], sup_[static_cast<std::size_t>(i) + 1]);
  below_ = std::max(sup_.front(), largest_phi_slope(c));
  start_ = std::exp(first_);
}

}  // namespace stf::solver::characteristic
