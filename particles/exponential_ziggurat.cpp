// The ziggurat's layer tables; see exponential_ziggurat.hpp.
#include "particles/exponential_ziggurat.hpp"

namespace stf::particles {

ExponentialZiggurat::ExponentialZiggurat() noexcept
{
  x_[1] = r;
  f_[1] = std::exp(-r);
  x_[0] = v / f_[1];
  f_[0] = 0.0;  // not used: layer 0 is settled by x_1 and the tail
  // Layer i is [0, x_i] x [f(x_i), f(x_{i+1})] with area v, so f(x_{i+1}) = f(x_i) + v / x_i.
  for (std::size_t i = 1; i < 255; ++i) {
    f_[i + 1] = f_[i] + v / x_[i];
    x_[i + 1] = -std::log(f_[i + 1]);
  }
  // The top layer must reach f = 1 at x = 0: what is left over measures how well r and v close it.
  closing_error_ = f_[255] + v / x_[255] - 1.0;
  x_[256] = 0.0;
  f_[256] = 1.0;
}

}  // namespace stf::particles
