// Derived facts of a case: bounds of the drive and the extents of (U, C) that a mesh needs.
// These are estimates from simple a-priori bounds (documented with each function), not guarantees:
// the solver still reports any mass that leaves the mesh.
#pragma once

#include <limits>

#include "model/case.hpp"

namespace stf::model {

struct ExtentEstimates {
  double c_needed = 0.0;       // calcium extent holding all but lost_mass_tolerance of the mass
  double mean_calcium_bound = 0.0;
  double drive_bound = 0.0;    // sup over time of p(t), from phi <= phi_sup and <C> <= mean_calcium_bound
  double u_needed = 0.0;       // potential extent reached under that drive
  double phi_sup = 0.0;        // sup of phi over [0, u_needed]
};

/// Estimates for the model, initial law and time horizon of `c` (its mesh is not used). An unbounded
/// rate (power, linear) may bound no potential: then every estimate is infinite, unless `u_cap` (a
/// mesh.u_max the user set: mass beyond it leaves the mesh, reported) caps the potential and so the
/// rate, the calcium and the drive.
ExtentEstimates estimate_extents(const Case& c, double u_cap = std::numeric_limits<double>::infinity());

}  // namespace stf::model
