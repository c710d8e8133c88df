// The observables of MODEL.md §2 over all N neurons at one time, in one contiguous pass that also
// gives each group's largest potential (the thinning bounds start from it).
#pragma once

#include <vector>

#include "model/model_parameters.hpp"
#include "model/observables.hpp"
#include "particles/neuron_state.hpp"
#include "particles/rate_kernel.hpp"

namespace stf::particles {

struct SweepResult {
  model::Observables observables;
  double max_calcium = 0.0;
};

class PopulationSweep {
public:
  PopulationSweep(const model::ModelParameters& p, long group_size);

  /// Observables of the empirical measure at the state's current time; group_max[g] receives the
  /// largest potential of neurons [g * group_size, (g + 1) * group_size).
  /// Sums are taken about `shift_u`, `shift_c` (recent means) so that variances keep their digits.
  SweepResult run(const NeuronState& state, std::vector<double>& group_max, double shift_u, double shift_c);

private:
  RateKernel phi_;
  double w0_, w1_;
  long group_size_;
  std::vector<double> u_, c_, r_;  // one block of materialised neurons
};

}  // namespace stf::particles
