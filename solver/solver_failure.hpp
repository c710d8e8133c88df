// The error a limit-solver run ends with when it cannot continue: a NaN or a negative density,
// mass lost through u_max or c_max beyond the case's tolerance (naming the boundary), a drift of
// the total mass, or a setting the solver does not support.
#pragma once

#include <stdexcept>

namespace stf::solver {

struct SolverFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace stf::solver
