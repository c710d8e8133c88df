// A rate reduction of the mean-field limit (MODEL.md §3): a small closed ODE system in a few
// population moments, integrated by reduce/integrate.hpp. Each reduction is derived in
// docs/reductions.md from the weak form of the limit, with its approximations stated.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "model/observables.hpp"

namespace stf::reduce {

using State = std::vector<double>;

class Reduction {
public:
  virtual ~Reduction() = default;
  /// The registry name ("naive", "moments", "facilitation").
  virtual std::string name() const = 0;
  /// The state at t = 0, from the case's initial law.
  virtual State initial_state() const = 0;
  /// dx/dt at a time where the input is `input` (the integrator holds I(t) constant between its
  /// breakpoints, so the right-hand side is smooth on each piece). Must not allocate.
  virtual void rhs(const State& x, State& dxdt, double input) const = 0;
  /// The observables of MODEL.md §2 the reduction defines at state x; the others are NaN
  /// (written as empty fields: see defines()).
  virtual model::Observables observables(const State& x) const = 0;
  /// Which observables (in the order of model::ObservableId) the reduction defines.
  virtual std::array<bool, model::observable_count> defines() const = 0;
};

/// The reduction called `name` (one of model::reduction_method_names()) for the case `c`.
/// Throws std::invalid_argument listing the valid names.
std::unique_ptr<Reduction> make_reduction(const std::string& name, const model::Case& c);

}  // namespace stf::reduce
