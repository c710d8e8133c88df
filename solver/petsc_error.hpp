// The edge between PETSc error codes and C++ exceptions (STYLE: codes inside, exceptions outside).
#pragma once

#include <petscsys.h>

#include <stdexcept>
#include <string>

namespace stf::solver {

/// Throws std::runtime_error naming `what` and PETSc's message when `code` is an error.
inline void petsc_check(PetscErrorCode code, const char* what)
{
  if (code == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw std::runtime_error(std::string("PETSc error in ") + what + ": " + (text ? text : "unknown error"));
}

}  // namespace stf::solver
