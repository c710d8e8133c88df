// What every command gets from main: the MPI rank and size, and the PETSc options given after "--".
#pragma once

#include <string>
#include <vector>

namespace stf::app {

struct AppContext {
  int rank = 0;
  int size = 1;
  std::vector<std::string> petsc_args;  // everything after "--" on the command line
  bool is_root() const noexcept { return rank == 0; }
};

}  // namespace stf::app
