// Vose's construction of the alias table.
#include "particles/alias_table.hpp"

namespace stf::particles {

void AliasTable::build(const std::vector<double>& weights)
{
  const std::size_t n = weights.size();
  size_ = n;
  keep_.assign(n, 0.0);
  alias_.assign(n, 0);
  double sum = 0.0;
  for (double w : weights) sum += w;
  if (n == 0 || !(sum > 0.0)) {
    size_ = 0;
    return;
  }
  auto& scaled = scaled_;
  auto& small = small_;
  auto& large = large_;
  scaled.resize(n);
  small.clear();
  large.clear();
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    alias_[i] = static_cast<std::uint32_t>(i);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    keep_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left is 1 up to rounding. A leftover with zero weight (possible only through rounding)
  // is sent to a column with weight so that it is never chosen.
  for (std::uint32_t i : large) keep_[i] = 1.0;
  for (std::uint32_t i : small) {
    keep_[i] = weights[i] > 0.0 ? 1.0 : 0.0;
    if (weights[i] <= 0.0) {
      for (std::size_t j = 0; j < n; ++j)
        if (weights[j] > 0.0) {
          alias_[i] = static_cast<std::uint32_t>(j);
          break;
        }
    }
  }
}

}  // namespace stf::particles
