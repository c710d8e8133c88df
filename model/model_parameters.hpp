// The parameters of the dynamics of MODEL.md §1: rate, leaks, coupling, reset and input.
#pragma once

#include "model/input_schedule.hpp"
#include "model/leak_law.hpp"
#include "model/rate_function.hpp"

namespace stf::model {

struct ModelParameters {
  RateFunction phi;
  LeakLaw leak_U{LeakKind::exponential, 1.0};  // rate is alpha
  LeakLaw leak_C{LeakKind::exponential, 1.0};  // rate is beta
  double w0 = 0.0;                             // kick (w0 + w1 C_i(t-)) / N
  double w1 = 1.0;
  bool reset = true;                           // U <- u_reset at a spike; false keeps U
  double u_reset = 0.0;
  InputSchedule input;                         // I(t)

  double alpha() const noexcept { return leak_U.rate; }
  double beta() const noexcept { return leak_C.rate; }
  /// Synaptic weight of a spike from a neuron with calcium c (before the spike).
  double kick_weight(double c) const noexcept { return w0 + w1 * c; }
  /// The all-quiet state is an equilibrium when nothing fires at rest and nothing drives (MODEL.md §4).
  bool quiet_state_is_equilibrium() const noexcept { return phi(0.0) == 0.0 && input.is_zero(); }

  bool operator==(const ModelParameters&) const = default;
};

}  // namespace stf::model
