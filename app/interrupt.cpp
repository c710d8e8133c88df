// The interrupt flag and its signal handler.
#include "app/interrupt.hpp"

namespace stf::app {

namespace {

// A signal handler can reach only static storage: this flag is the one piece of it.
std::atomic<bool> interrupt_requested{false};
extern "C" void on_interrupt(int) { interrupt_requested.store(true); }

}  // namespace

InterruptGuard::InterruptGuard()
{
  interrupt_requested.store(false);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

InterruptGuard::~InterruptGuard()
{
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() noexcept { return interrupt_requested; }

}  // namespace stf::app
