// Exit codes of the stf executable (documented in README.md).
#pragma once

namespace stf::app {

enum ExitCode : int {
  exit_ok = 0,
  exit_internal_error = 1,  // a bug: please report it
  exit_input_error = 2,     // bad case file, bad option, or an output folder that exists without --force
  exit_run_failure = 3,     // the computation cannot continue (NaN, negative density, mass lost beyond tolerance)
  exit_io_error = 4,        // writing an output failed (disk full, permissions)
  exit_interrupted = 130,   // Ctrl-C: stopped cleanly, partial results are reported as such
};

}  // namespace stf::app
