// Ctrl-C for long commands: while an InterruptGuard lives, SIGINT and SIGTERM (what mpiexec sends
// its ranks on Ctrl-C) set a flag that the simulators and studies read between steps, so that a
// run stops cleanly and says what it wrote instead of dying mid-file.
#pragma once

#include <atomic>
#include <csignal>

namespace stf::app {

class InterruptGuard {
public:
  /// Clears the flag and installs the handlers; the destructor restores the previous ones.
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// Set once an interrupt arrived (pass its address as a `stop` option).
  static const std::atomic<bool>& flag() noexcept;

private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace stf::app
