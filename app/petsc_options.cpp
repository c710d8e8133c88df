// A scratch TS reads the options as the solver's will (TSSetFromOptions), with PETSc's
// traceback printing switched off: the error is reported once, as bad input.
#include "app/petsc_options.hpp"

#include <petscts.h>

#include <fmt/format.h>

#include "model/input_error.hpp"

namespace stf::app {

void check_petsc_options(const AppContext& context)
{
  if (context.petsc_args.empty()) return;
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  TS ts = nullptr;
  PetscErrorCode code = TSCreate(PETSC_COMM_WORLD, &ts);
  if (code == 0) code = TSSetFromOptions(ts);
  if (ts != nullptr) TSDestroy(&ts);
  PetscPopErrorHandler();
  if (code == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw model::InputError(fmt::format("-- {}", fmt::join(context.petsc_args, " ")), 0, "",
                          std::string("PETSc rejects these options: ") + (text ? text : "unknown error"));
}

}  // namespace stf::app
