// Exp(1) variates by the ziggurat method (Marsaglia and Tsang, J. Stat. Softw. 5(8), 2000): 256
// layers of equal area v under f(x) = exp(-x). In about 99 draws of 100 a variate costs one table
// lookup, one multiplication and one comparison instead of a logarithm; the rest are settled by
// rejection against f, and the tail beyond r by r - log(U) (the exponential is memoryless), so the
// variates are exactly Exp(1) in distribution. The thinning clock of the exact simulator draws one
// per proposal.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "particles/random_stream.hpp"

namespace stf::particles {

class ExponentialZiggurat {
public:
  /// Builds the layer tables: x_1 = r, x_{i+1} = -log(f(x_i) + v / x_i), x_256 = 0, and the base
  /// layer's width x_0 = v / f(r) (the rectangle [0, r] x [0, f(r)] and the tail, area v).
  ExponentialZiggurat() noexcept;

  /// An Exp(1) variate from the 64 random bits `bits` (8 choose the layer, 53 the abscissa);
  /// `more()` gives further 64-bit words in the rare cases that need them.
  template <class MoreBits>
  double operator()(std::uint64_t bits, MoreBits&& more) const noexcept
  {
    for (;;) {
      const std::size_t i = bits & 0xffu;
      const double z = static_cast<double>(bits >> 11) * 0x1.0p-53 * x_[i];
      if (z < x_[i + 1]) return z;  // inside the part of layer i that lies wholly under f
      if (i == 0) return r - std::log(RandomStream::to_open_unit(more()));  // the tail, z > r
      // Layer i spans heights [f(x_i), f(x_{i+1})]: accept z if a uniform height there is below f(z).
      const double y = f_[i] + RandomStream::to_open_unit(more()) * (f_[i + 1] - f_[i]);
      if (y < std::exp(-z)) return z;
      bits = more();
    }
  }

  /// f(x_255) + v / x_255 - 1: how far the top layer, built by the recursion, ends from f = 1 at
  /// x = 0, that is how well r and v close the ziggurat (tests).
  double closing_error() const noexcept { return closing_error_; }

  static constexpr double r = 7.69711747013104972;     // right edge of the base layer
  static constexpr double v = 3.949659822581572e-3;    // area of every layer, (r + 1) exp(-r)

private:
  std::array<double, 257> x_{};  // layer widths, x_0 > x_1 = r > ... > x_256 = 0
  std::array<double, 257> f_{};  // f(x_i)
  double closing_error_ = 0.0;
};

}  // namespace stf::particles
