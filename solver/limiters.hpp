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

const std::vector<std::string>& limiter_names();
/// Throws std::invalid_argument listing the valid names.
Limiter limiter_from_name(std::string_view name);
std::string_view to_string(Limiter limiter);

struct Minmod {
  static double slope(double a, double b) noexcept
  {
    if (a * b <= 0.0) return 0.0;
    return std::fabs(a) < std::fabs(b) ? a : b;
  }
};

struct VanLeer {
  static double slope(double a, double b) noexcept
  {
    const double ab = a * b;
    return ab <= 0.0 ? 0.0 : 2.0 * ab / (a + b);
  }
};

/// Monotonised central: minmod(2a, (a + b) / 2, 2b).
struct MonotonizedCentral {
  static double slope(double a, double b) noexcept
  {
    if (a * b <= 0.0) return 0.0;
    const double m = std::fmin(std::fmin(2.0 * std::fabs(a), 2.0 * std::fabs(b)), 0.5 * std::fabs(a + b));
    return a > 0.0 ? m : -m;
  }
};

}  // namespace stf::solver
