// The Gaussian moment closure (docs/reductions.md §3): the means, variances and covariance of
// (U, C), evolved by the weak form of MODEL.md §3 with f = u, c, u^2, c^2, uc, where the
// expectations that do not close (of phi(U), U phi(U), C phi(U), ...) are taken under the
// bivariate Gaussian with these moments (Gauss–Hermite in U; C enters through E[C | U]).
#pragma once

#include "reduce/gauss_hermite.hpp"
#include "reduce/reduction.hpp"

namespace stf::reduce {

class MomentClosure final : public Reduction {
public:
  /// `quadrature_points`: nodes of the Gauss–Hermite rule in U.
  explicit MomentClosure(const model::Case& c, int quadrature_points = 40);
  std::string name() const override { return "moments"; }
  /// (m_U, m_C, V_U, V_C, K) with K = Cov(U, C).
  State initial_state() const override { return initial_; }
  void rhs(const State& x, State& dxdt, double input) const override;
  model::Observables observables(const State& x) const override;
  std::array<bool, model::observable_count> defines() const override;

  /// Expectations under the closure's Gaussian.
  struct Expectations {
    double phi = 0.0, u_phi = 0.0, uu_phi = 0.0, c_phi = 0.0, uc_phi = 0.0;  // E[phi(U)], E[U phi(U)], ...
  };
  Expectations expectations(const State& x) const noexcept;

private:
  model::ModelParameters p_;
  GaussHermite rule_;
  State initial_;
};

}  // namespace stf::reduce
