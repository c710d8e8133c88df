// The random numbers of one replica: a Philox4x64-10 counter-based stream keyed by (seed, replica),
// so replica k draws the same numbers whatever rank runs it (issue: bit-identical outputs for any
// number of MPI ranks). Each counter value gives four 64-bit words.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace stf::particles {

/// 128-bit products map 64 random bits onto [0, n) without modulo bias worth mentioning.
__extension__ typedef unsigned __int128 uint128;

class RandomStream {
public:
  /// `purpose` separates independent streams of the same replica (initial draws, dynamics, ...).
  RandomStream(std::uint64_t seed, std::uint64_t replica, std::uint64_t purpose = 0) noexcept
  {
    key_ = {{seed, replica}};
    counter_ = {{0, purpose, 0, 0}};
  }

  /// Four fresh 64-bit words (one Philox block).
  std::array<std::uint64_t, 4> block() noexcept
  {
    const auto out = generator_(counter_, key_);
    ++counter_.v[0];
    return {out.v[0], out.v[1], out.v[2], out.v[3]};
  }

  /// Next 64-bit word (buffered from blocks).
  std::uint64_t next() noexcept
  {
    if (used_ == 4) {
      buffer_ = block();
      used_ = 0;
    }
    return buffer_[used_++];
  }

  /// Uniform in the open interval (0, 1).
  double uniform() noexcept { return to_open_unit(next()); }

  /// Maps 64 random bits to (0, 1): 53 bits, shifted by half an ulp so that 0 and 1 never occur.
  static double to_open_unit(std::uint64_t x) noexcept
  {
    return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
  }

private:
  r123::Philox4x64 generator_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::key_type key_;
  std::array<std::uint64_t, 4> buffer_{};
  int used_ = 4;
};

}  // namespace stf::particles
