// Observables at the sample times and the exit time, from the observables at the ends of the
// time steps of a scheme whose steps need not land on the sample times: both come from the cubic
// through the last four step ends (fourth order in the step), and the exit time is the first root
// of the crossed threshold's cubic (MODEL.md §4 in continuous time, with ExitTimeDetector's rules
// for t_grace and for a state that starts outside).
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "model/memory_region.hpp"
#include "model/observables.hpp"

namespace stf::solver {

class StepObserver {
public:
  StepObserver(std::vector<double> sample_times, model::MemoryRegion region)
      : sample_times_(std::move(sample_times)), region_(std::move(region))
  {
  }

  /// The observables at the end of a step (times increasing; the first call at t = 0).
  void observe(double t, const model::Observables& obs);

  std::vector<double> sample_times_done() const
  {
    return {sample_times_.begin(), sample_times_.begin() + static_cast<long>(samples_.size())};
  }
  const std::vector<model::Observables>& samples() const noexcept { return samples_; }
  std::optional<double> exit_time() const noexcept { return exit_time_; }

  /// The interpolating polynomial of `values` at `times` (Lagrange form), evaluated at t.
  static double interpolate(const std::vector<double>& times, const std::vector<double>& values, double t);

private:
  double history_value(model::ObservableId id, double t) const;
  void detect_exit(double t, const model::Observables& obs);

  std::vector<double> sample_times_;
  model::MemoryRegion region_;
  std::deque<std::pair<double, model::Observables>> history_;  // the last four step ends
  std::vector<model::Observables> samples_;
  std::optional<double> exit_time_;
  bool exited_ = false;
};

}  // namespace stf::solver
