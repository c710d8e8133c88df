// What every command gets from main: the MPI rank and size, and the PETSc options given after "--".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace stf::app {

struct AppContext {
  int rank = 0;
  int size = 1;
  std::vector<std::string> petsc_args;  // everything after "--" on the command line
  bool is_root() const noexcept { return rank == 0; }
};

/// A failure that ends a run with exit_run_failure (NaN, lost mass, negative density).
struct RunFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace stf::app
