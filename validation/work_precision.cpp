// Work against precision of the two schemes (see the header).
#include "validation/work_precision.hpp"

#include <cmath>

namespace stf::validation {

WorkPrecision work_precision(const ReportData& data)
{
  WorkPrecision w;
  w.reference = data.reference.exit_time;
  if (data.reference.accuracy) w.reference_error = data.reference.accuracy->exit_time_error;
  auto error = [&](const std::optional<double>& exit) -> std::optional<double> {
    if (!exit || !w.reference) return std::nullopt;
    return std::fabs(*exit - *w.reference);
  };
  if (data.reference.accuracy) {
    const auto& levels = data.reference.accuracy->levels;
    for (std::size_t k = 0; k < levels.size(); ++k) {
      WorkPrecisionPoint p{levels[k].resolution, levels[k].wall_seconds, levels[k].exit_time, error(levels[k].exit_time)};
      if (k + 1 == levels.size()) p.error = w.reference_error;
      w.characteristic.push_back(p);
    }
  }
  for (const auto& l : data.mesh.levels)
    w.muscl.push_back({std::to_string(l.cells_u) + " x " + std::to_string(l.cells_c) + " cells", l.wall_seconds,
                       l.exit_time, error(l.exit_time)});
  if (!data.mesh.levels.empty() && w.reference) {
    w.muscl_difference = error(data.mesh.levels.back().exit_time);
    if (data.mesh.exit_time && data.mesh.exit_time->extrapolated && data.mesh.levels.back().exit_time)
      w.muscl_error = std::fabs(*data.mesh.levels.back().exit_time - *data.mesh.exit_time->extrapolated);
    if (w.muscl_difference && w.muscl_error)
      w.agree = *w.muscl_difference <= *w.muscl_error + w.reference_error.value_or(0.0);
  }
  return w;
}

}  // namespace stf::validation
