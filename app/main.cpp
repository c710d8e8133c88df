// stf: the command line. Splits PETSc options (after "--"), initialises PETSc and MPI, runs the
// selected command and maps failures to exit codes.
#include <petscsys.h>

#include "app/cli.hpp"

int main(int argc, char** argv) { return stf::app::run_cli(argc, argv); }
