// Exact means for a constant rate phi = lambda with exponential leaks and a constant input
// (MODEL.md §5): the test oracle for both the particle simulator and the limit solver.
#pragma once

#include <optional>

#include "model/initial_law.hpp"
#include "model/model_parameters.hpp"

namespace stf::model {

/// Closed-form solution of
///   d m_C/dt = -beta m_C + lambda
///   d m_U/dt = I + kappa lambda (w0 + w1 m_C) - alpha m_U - lambda (m_U - u_reset)   [reset]
/// with kappa = 1 for the limit and (N - 1)/N for N neurons (no kick from a neuron's own spikes).
class ConstantRateOracle {
public:
  /// Throws std::invalid_argument unless phi is constant, both leaks are exponential with
  /// positive rates and the input has no pulses. `neurons` empty means the limit.
  ConstantRateOracle(const ModelParameters& params, const InitialLaw& initial,
                     std::optional<long> neurons = std::nullopt);

  double mean_calcium(double t) const noexcept;
  double mean_potential(double t) const noexcept;
  /// The drive observable of MODEL.md §2, < phi(U) (w0 + w1 C) > = lambda (w0 + w1 m_C(t)); in the
  /// finite system the input a neuron receives is (N - 1)/N of it.
  double drive(double t) const noexcept;
  double rate() const noexcept { return lambda_; }

  /// True when the parameters admit this oracle.
  static bool applies(const ModelParameters& params) noexcept;

private:
  double lambda_, beta_, a_, c0_, u0_, c_inf_, k_, b_, kappa_, w0_, w1_;
};

}  // namespace stf::model
