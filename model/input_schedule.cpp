// Piecewise-constant input I(t) (MODEL.md §1).
#include "model/input_schedule.hpp"

#include <algorithm>
#include <limits>

namespace stf::model {

InputSchedule::InputSchedule(double base, std::vector<InputPulse> pulses) : base_(base), pulses_(std::move(pulses))
{
  for (const auto& p : pulses_) {
    breakpoints_.push_back(p.start);
    breakpoints_.push_back(p.end);
  }
  std::sort(breakpoints_.begin(), breakpoints_.end());
  breakpoints_.erase(std::unique(breakpoints_.begin(), breakpoints_.end()), breakpoints_.end());
}

double InputSchedule::value(double t) const noexcept
{
  double v = base_;
  for (const auto& p : pulses_)
    if (t >= p.start && t < p.end) v += p.amplitude;
  return v;
}

double InputSchedule::next_change_after(double t) const noexcept
{
  const auto it = std::upper_bound(breakpoints_.begin(), breakpoints_.end(), t);
  return it == breakpoints_.end() ? std::numeric_limits<double>::infinity() : *it;
}

double InputSchedule::sup() const noexcept
{
  double best = base_;
  for (double b : breakpoints_) best = std::max(best, value(b));
  return best;
}

double flow_through(const LeakLaw& leak, double x0, double t0, double t1, const InputSchedule& input,
                    double extra) noexcept
{
  double x = x0;
  double t = t0;
  while (t < t1) {
    const double t_next = std::min(t1, input.next_change_after(t));
    x = leak.flow(x, input.value(t) + extra, t_next - t);
    t = t_next;
  }
  return x;
}

}  // namespace stf::model
