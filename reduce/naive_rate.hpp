// The naive rate model (docs/reductions.md §2): the whole population at its mean potential and
// mean calcium, E[f(U, C)] replaced by f(E[U], E[C]) in the weak form of MODEL.md §3 with
// f = u and f = c; in particular the drive E[C phi(U)] becomes E[C] phi(E[U]).
#pragma once

#include "reduce/reduction.hpp"

namespace stf::reduce {

class NaiveRate final : public Reduction {
public:
  explicit NaiveRate(const model::Case& c);
  std::string name() const override { return "naive"; }
  State initial_state() const override { return {u0_, c0_}; }
  void rhs(const State& x, State& dxdt, double input) const override;
  model::Observables observables(const State& x) const override;
  std::array<bool, model::observable_count> defines() const override;

private:
  model::ModelParameters p_;
  double u0_, c0_;
};

}  // namespace stf::reduce
