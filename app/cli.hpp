// The stf command line: subcommands, PETSc start-up and exit codes.
#pragma once

namespace stf::app {

/// Runs stf with the process arguments; returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace stf::app
