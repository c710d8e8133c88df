// Slope limiters of the second-order reconstruction (MUSCL): pure functions of the two one-sided
// differences. Each returns 0 at an extremum (the differences disagree in sign), so no new extrema
// appear, and the reconstructed face values stay between the neighbouring cell values.
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace stf::solver {

enum class Limiter { minmod, van_leer, mc };

/// Geometry of a cell i of width h_i in a direction with (possibly) non-uniform cells, for the
/// limited deviation of the face value from the cell's mean density:
///   l = h_i / (2 dx_-), r = h_i / (2 dx_+), c = h_i / (2 (x_{i+1} - x_{i-1})),
/// dx_-/+ the distances to the neighbouring centres. Uniform cells: l = r = 1/2, c = 1/4.
struct CellGeometry {
  double l = 0.5, r = 0.5, c = 0.25;
};

const std::vector<std::string>& limiter_names();
/// Throws std::invalid_argument listing the valid names.
Limiter limiter_from_name(std::string_view name);

struct Minmod {
  static double slope(double a, double b) noexcept
  {
    if (a * b <= 0.0) return 0.0;
    return std::fabs(a) < std::fabs(b) ? a : b;
  }
  /// Deviation of the face value from the mean (half the limited slope times the width), from the
  /// differences dl = q_i - q_{i-1}, dr = q_{i+1} - q_i; at most |dl| and |dr|.
  static double deviation(double dl, double dr, const CellGeometry& g) noexcept { return slope(g.l * dl, g.r * dr); }
};

struct VanLeer {
  /// The harmonic mean of the one-sided gradients, capped by |dl| and |dr| (which it can exceed by
  /// a rounding error, or on stretched cells), so the face value stays between the neighbours.
  static double deviation(double dl, double dr, const CellGeometry& g) noexcept
  {
    const double a = g.l * dl, b = g.r * dr, ab = a * b;
    if (ab <= 0.0) return 0.0;
    const double m = std::fmin(std::fabs(2.0 * ab / (a + b)), std::fmin(std::fabs(dl), std::fabs(dr)));
    return a > 0.0 ? m : -m;
  }
};

/// Monotonised central: minmod(2a, (a + b) / 2, 2b) of the one-sided gradients.
struct MonotonizedCentral {
  /// minmod(dl, dr, central gradient times h / 2): the uniform-cell MC deviation is
  /// min(|dl|, |dr|, |dl + dr| / 4).
  static double deviation(double dl, double dr, const CellGeometry& g) noexcept
  {
    if (dl * dr <= 0.0) return 0.0;
    const double m = std::fmin(std::fmin(std::fabs(dl), std::fabs(dr)), g.c * std::fabs(dl + dr));
    return dl > 0.0 ? m : -m;
  }
};

}  // namespace stf::solver
