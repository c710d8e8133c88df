// Work against precision of the two schemes of the limit in `stf report` (the numerical analyst's
// standard figure): each level's wall time and its exit time's error against the error-barred
// reference (the finest level of the characteristic scheme).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "validation/report.hpp"

namespace stf::validation {

struct WorkPrecisionPoint {
  std::string resolution;          // the level, in words
  double wall_seconds = 0.0;
  std::optional<double> exit_time;
  std::optional<double> error;     // |exit time - reference|; the reference level's own: its estimate
};

struct WorkPrecision {
  std::optional<double> reference, reference_error;  // the characteristic scheme's finest exit time, its estimate
  std::vector<WorkPrecisionPoint> characteristic, muscl;
  // The schemes agree when the finest mesh's exit time differs from the reference by at most the
  // two estimates together (the mesh's: its distance to its Richardson value).
  std::optional<double> muscl_difference, muscl_error;
  std::optional<bool> agree;
};

WorkPrecision work_precision(const ReportData& data);

}  // namespace stf::validation
