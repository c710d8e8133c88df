// Sample times of a run (MODEL.md §4: the region test and the exit time use them).
#include "model/case.hpp"

#include <cmath>

namespace stf::model {

std::vector<double> TimeSettings::sample_times() const
{
  // k * sample for k = 0..K with the last time exactly `end` (a final partial interval if needed).
  const double ratio = end / sample;
  const auto whole = static_cast<long>(std::floor(ratio + 1e-9));
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(whole) + 2);
  for (long k = 0; k <= whole; ++k) times.push_back(std::min(end, double(k) * sample));
  if (end - times.back() > 1e-9 * sample) times.push_back(end);
  else times.back() = end;
  return times;
}

}  // namespace stf::model
