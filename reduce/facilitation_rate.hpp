// A Tsodyks–Markram-style facilitation rate model (docs/reductions.md §4): a synaptic current h
// with no reset, the rate phi(h), and a facilitation variable x that grows by one per spike and
// relaxes by the calcium leak; the drive is phi(h) (w0 + w1 x), TM's J u r.
#pragma once

#include "reduce/reduction.hpp"

namespace stf::reduce {

class FacilitationRate final : public Reduction {
public:
  explicit FacilitationRate(const model::Case& c);
  std::string name() const override { return "facilitation"; }
  State initial_state() const override { return {h0_, x0_}; }
  void rhs(const State& x, State& dxdt, double input) const override;
  model::Observables observables(const State& x) const override;
  std::array<bool, model::observable_count> defines() const override;

private:
  model::ModelParameters p_;
  double h0_, x0_;
};

}  // namespace stf::reduce
