// Walker's alias method: draws an index with probability proportional to its weight in O(1).
// The thinning proposals use it to pick a group of neurons in proportion to the group's rate bound.
#pragma once

#include <cstdint>
#include <vector>

#include "particles/random_stream.hpp"

namespace stf::particles {

class AliasTable {
public:
  /// Rebuilds for `weights` (>= 0; all zero gives an empty table that must not be drawn from). O(n).
  void build(const std::vector<double>& weights);

  /// The column chosen by `u` in [0, 2^64): the high part of u * n; the low part, returned in
  /// `rest`, is again uniform and serves to choose a neuron inside the group.
  std::uint32_t column(std::uint64_t u, std::uint64_t& rest) const noexcept
  {
    const uint128 product = static_cast<uint128>(u) * size_;
    rest = static_cast<std::uint64_t>(product);
    return static_cast<std::uint32_t>(product >> 64);
  }
  /// Index drawn with probability weights[i] / sum: column from `u`, side from `side` in (0, 1).
  std::uint32_t resolve(std::uint32_t column, double side) const noexcept
  {
    return side < keep_[column] ? column : alias_[column];
  }
  std::size_t size() const noexcept { return size_; }

private:
  std::uint64_t size_ = 0;
  std::vector<double> keep_;  // probability of keeping the column
  std::vector<std::uint32_t> alias_;
  std::vector<double> scaled_;                // scratch, kept to avoid allocating per build
  std::vector<std::uint32_t> small_, large_;
};

}  // namespace stf::particles
