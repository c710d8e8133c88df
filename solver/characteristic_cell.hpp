// The pieces of the characteristic scheme's state (docs/numerical-method.md §11): a cell moving with
// the potential flow and its calcium law, the newborn cell that collects the reset mass, and where
// each block of the Runge-Kutta state vector starts.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>

#include "solver/calcium_packets.hpp"
#include "solver/floor_window.hpp"

namespace stf::solver::characteristic {

enum class CellKind { initial, reset, floor };

struct Cell {
  double a = 0.0, b = 0.0;  // potential interval now (a <= b; a == b: all the mass at one potential)
  double mass = 0.0;
  double moment = 0.0;      // integral of u over the cell's mass
  double second = 0.0;      // integral of u^2 over it (carried: the flow is affine, merges add it)
  double c1 = 0.0, c2 = 0.0;  // exponential calcium leak: E[C] and E[C^2] per unit mass, now
  std::shared_ptr<const CalciumPackets> packets;  // linear calcium leak: the law of x = c + beta t (unit mass)
  CellKind kind = CellKind::initial;
  double emitted = 0.0;  // spiking mass since the newborn cell opened: its weight in the newborn's calcium
  // With reset (and the exponential potential leak: lines_), a union of cells born at different times
  // holds neurons whose calcium depends on their potential (each part has its own calcium law), and
  // one law for the union loses that: the mean calcium of its neurons at potential u is taken as the
  // law's plus
  //     offset + slope (u - slope_at)
  // (the calcium line, set by merge_calcium_line; zero for a cell that is not a union). slope_at is a
  // characteristic (it moves with the flow) and slope scales with the flow's contraction, so the line
  // is carried exactly by the transport; the spiking, which does not depend on calcium, leaves it.
  // Under the linear calcium leak the line moves the part of the law above the floor (the offset
  // stands for what the union's law cannot hold: its packets are the parts' laws mixed); under the
  // exponential leak the offset is folded into c1 at the merge.
  double slope = 0.0, slope_at = 0.0, offset = 0.0;

  /// The part of the calcium law above the floor F. A Runge-Kutta step asks at three floors (its
  /// start, middle twice, end) and the next step starts at this one's end: the last two answers
  /// are kept, and the packets' window near the floor (FloorWindow) gives the others without
  /// reading the packets until the floor leaves its row (the law does not change between closes;
  /// every change makes a new Cell or calls forget_above).
  const AboveFloor& above(double F) const
  {
    if (F == cached_floor[0]) return cached_above[0];
    if (F == cached_floor[1]) return cached_above[1];
    const int slot = next_slot;
    next_slot ^= 1;
    if (!window.holds(F)) window = packets->window(F);
    cached_floor[slot] = F;
    cached_above[slot] = window.above(F);
    return cached_above[slot];
  }
  void forget_above() const
  {
    cached_floor[0] = cached_floor[1] = std::numeric_limits<double>::quiet_NaN();
    window = FloorWindow{};
  }

private:
  mutable double cached_floor[2] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  mutable AboveFloor cached_above[2];
  mutable int next_slot = 0;
  mutable FloorWindow window;
};

/// The cell that collects the reset mass (MODEL.md §3: the spiking mass re-enters at u_reset).
struct Newborn {
  double b = 0.0;         // the characteristic that left u_reset when the cell opened
  double opened = 0.0;    // when it opened
  double mass = 0.0, moment = 0.0, second = 0.0;
  double C1 = 0.0, C2 = 0.0;  // integral of c and c^2 (exponential calcium) or of x and x^2 (linear)
  double Q0 = 0.0, Q1 = 0.0, Q2 = 0.0;  // linear calcium: mass spiked from the floor, and its moments in x
  double A0 = 0.0, A1 = 0.0, A2 = 0.0;  // linear calcium: mass spiked from above the floor, and its moments in x
  double A_shift = 0.0;  // linear calcium: the integral of the calcium line's shift over that mass (not in A1)
  double emitted = 0.0;   // its own spiking mass (it re-enters itself)
  double cross = 0.0;     // integral of u c (exponential calcium) or of u x (linear): its calcium line
};

/// Where each block of the state vector starts, for K cells.
struct Layout {
  std::size_t K, mass, moment, newborn, floor_spikes, emitted, c1, c2, second, cross, size;
  // Without reset, linear calcium (per cell, per unit mass, over the step; see kept_calcium): the
  // spike count Lambda, the first spikes from above the floor (A: mass, moments of x + 1) and from
  // the floor (Q: mass, integral of the landing F + 1).
  std::size_t lambda = 0, a0 = 0, a1 = 0, a2 = 0, q0 = 0, q1 = 0;
  Layout(std::size_t cells, bool reset, bool linear_calcium)
  {
    K = cells;
    mass = 1;
    moment = 1 + K;
    newborn = 1 + 2 * K;          // M, P, C1, C2 of the newborn cell (reset)
    floor_spikes = newborn + 4;   // Q0, Q1, Q2, A0, A1, A2, A_shift (reset, linear calcium)
    emitted = floor_spikes + 7;   // K + 1 (reset, linear calcium)
    c1 = 1 + 2 * K;               // without reset: the cells' calcium totals (linear calcium: the mean)
    c2 = 1 + 3 * K;
    if (!reset && linear_calcium) {
      lambda = c2;
      a0 = 1 + 4 * K;
      a1 = 1 + 5 * K;
      a2 = 1 + 6 * K;
      q0 = 1 + 7 * K;
      q1 = 1 + 8 * K;
      size = 1 + 9 * K;
    } else if (!reset) {
      size = 1 + 4 * K;
    } else if (linear_calcium) {
      size = emitted + K + 1;
    } else {
      size = newborn + 4;
    }
    second = size;  // K + 1: the cells' and the newborn's integrals of u^2
    size += K + 1;
    cross = size;   // the newborn's integral of xi c (of xi x under the linear calcium leak)
    size += 1;
  }
};

/// The law of the union of two cells' masses, with the rows below the floor F dropped and those at or
/// above `unreached` folded (CalciumPackets::fold_above). Defined in characteristic_merge.cpp.
std::shared_ptr<const CalciumPackets> mix_packets(const Cell& x, const Cell& y, double mx, double my, long rows,
                                                  double atom_origin, double F, double unreached);

/// The integral of u^2 of mass M with integral of u P on [lo, hi], clamped to what such mass can hold:
/// from P^2 / M (all at its mean) to (lo + hi) P - lo hi M (all at the ends), as E[(u - lo)(hi - u)] >= 0.
inline double second_within(double lo, double hi, double M, double P, double second)
{
  if (!(M > 0.0)) return 0.0;
  return std::clamp(second, P * P / M, std::max((lo + hi) * P - lo * hi * M, P * P / M));
}

}  // namespace stf::solver::characteristic
