// What every command gets from main: the MPI rank and size, the PETSc options given after "--",
// and the means to start MPI and PETSc when a command needs them.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace stf::app {

struct AppContext {
  int rank = 0;
  int size = 1;
  std::vector<std::string> petsc_args;  // everything after "--" on the command line
  /// MPI and PETSc are initialised (PETSC_COMM_WORLD may be used). Every command but `check` and
  /// `run` starts with them; `run` starts them unless one process solves with the characteristic
  /// scheme, which needs neither (starting them takes about 0.4 s, more than the run itself).
  bool parallel = false;
  /// Initialises MPI and PETSc if they are not (and fills in rank and size); throws on failure.
  std::function<void()> start_parallel;
  bool is_root() const noexcept { return rank == 0; }
};

}  // namespace stf::app
