// Integration of a reduction with Boost.Odeint: the adaptive Dormand–Prince 5(4) pair with
// dense output, absolute and relative tolerances from the case's [reduce] section, piecewise
// between the breakpoints of the input I(t). Observables at the case's sample times; the exit
// time from the memory region found in continuous time on the dense output (MODEL.md §4).
#pragma once

#include <array>
#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "model/observables.hpp"
#include "reduce/reduction.hpp"

namespace stf::reduce {

/// The integration cannot continue (a non-finite state, too many steps): a run failure.
struct ReductionFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReductionRun {
  std::string method;
  std::vector<double> times;                     // the case's sample times (fewer if interrupted)
  std::vector<model::Observables> observables;   // at each sample time; NaN where not defined
  std::array<bool, model::observable_count> defines{};
  std::optional<double> exit_time;               // tau of MODEL.md §4 on the dense output
  bool exit_rule_defined = true;                 // false: the region tests an observable the reduction lacks
  long steps = 0;                                // accepted steps
  long rhs_evaluations = 0;
  double wall_seconds = 0.0;
  double abs_tol = 0.0, rel_tol = 0.0;
  State final_state;
  bool interrupted = false;
};

struct IntegrateOptions {
  bool sample = true;                        // false: only the exit time (for fast scans)
  const std::atomic<bool>* stop = nullptr;   // checked at every step
  long max_steps = 10'000'000;
};

/// Integrates `reduction` over [0, c.time.end] with c.reduce's tolerances. Throws ReductionFailure.
ReductionRun integrate(const Reduction& reduction, const model::Case& c, const IntegrateOptions& options = {});

/// make_reduction(name, c) then integrate.
ReductionRun run_reduction(const std::string& name, const model::Case& c, const IntegrateOptions& options = {});

}  // namespace stf::reduce
