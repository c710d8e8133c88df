// The PETSc options given after "--", checked before any work: a misspelt or unknown value
// (-ts_type nonsense) is bad input (exit 2), found before the output folder is made.
#pragma once

#include "app/app_context.hpp"

namespace stf::app {

/// Sets the options up on a scratch time stepper, as the limit solver will; throws
/// model::InputError naming the options and PETSc's complaint. Collective on PETSC_COMM_WORLD.
void check_petsc_options(const AppContext& context);

}  // namespace stf::app
