// The O(1) shared-input representation (particles/neuron_state.hpp) against a brute-force network
// that applies every kick to every other neuron and the closed-form flow to each neuron
// (MODEL.md §1), for the four leak combinations, with an input that crosses alpha.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "model/input_schedule.hpp"
#include "model/model_parameters.hpp"
#include "particles/neuron_state.hpp"
#include "particles/random_stream.hpp"

using namespace stf;

namespace {

void check_against_brute_force(model::LeakKind lu, model::LeakKind lc, bool reset)
{
  model::ModelParameters p;
  p.leak_U = {lu, 1.0};
  p.leak_C = {lc, 2.0};
  p.w0 = 0.3;
  p.w1 = 0.8;
  p.reset = reset;
  p.u_reset = reset ? 0.25 : 0.0;
  // I below alpha, then above it, then zero: the linear law's floor is sticky only while I < alpha.
  p.input = model::InputSchedule(0.4, {{1.0, 2.5, 1.1}, {3.0, 3.7, 2.0}});
  const long n = 37;
  particles::NeuronState state(p, n);
  std::vector<double> U(n), C(n);
  particles::RandomStream rng(7, 0);
  for (long i = 0; i < n; ++i) {
    U[i] = i % 5 == 0 ? 0.0 : 2.0 * rng.uniform();
    C[i] = i % 7 == 0 ? 0.0 : 3.0 * rng.uniform();
    state.set(i, U[i], C[i]);
  }
  double t = 0.0;
  long checks = 0;
  for (int step = 0; step < 4000; ++step) {
    const double r = rng.uniform();
    if (r < 0.45) {
      const double t1 = t + 0.01 * rng.uniform();
      state.advance_to(t1);
      for (long i = 0; i < n; ++i) {
        U[i] = model::flow_through(p.leak_U, U[i], t, t1, p.input);
        C[i] = p.leak_C.flow(C[i], 0.0, t1 - t);
      }
      t = t1;
    } else if (r < 0.995) {
      const long i = static_cast<long>(rng.uniform() * double(n));
      const double u = state.potential(i);
      REQUIRE(std::fabs(u - U[i]) <= 1e-9 * std::fabs(U[i]));  // relative; exactly 0 on the linear leak's floor
      const double kick = p.kick_weight(C[i]) / double(n);
      CHECK(state.spike(i, u) == doctest::Approx(kick).epsilon(1e-12).scale(0.0));
      for (long j = 0; j < n; ++j)
        if (j != i) U[j] += kick;
      U[i] = reset ? p.u_reset : U[i];
      C[i] += 1.0;
    } else {
      state.rebase();
    }
    for (long i = 0; i < n; ++i) {
      REQUIRE(state.potential(i) == doctest::Approx(U[i]).epsilon(1e-9).scale(1.0));
      REQUIRE(state.calcium(i) == doctest::Approx(C[i]).epsilon(1e-9).scale(1.0));
      ++checks;
    }
  }
  CHECK(t > 5.0);  // the input's changes were crossed
  CHECK(checks == 4000 * n);
}

}  // namespace

TEST_CASE("shared-input state equals the brute-force network, every leak combination")
{
  using model::LeakKind;
  for (auto lu : {LeakKind::exponential, LeakKind::linear})
    for (auto lc : {LeakKind::exponential, LeakKind::linear})
      for (bool reset : {true, false}) {
        CAPTURE(static_cast<int>(lu));
        CAPTURE(static_cast<int>(lc));
        CAPTURE(reset);
        check_against_brute_force(lu, lc, reset);
      }
}

TEST_CASE("a neuron on the sticky floor stays exactly at 0 while I < alpha")
{
  model::ModelParameters p;
  p.leak_U = {model::LeakKind::linear, 1.0};
  p.leak_C = {model::LeakKind::linear, 1.0};
  p.input = model::InputSchedule(0.0, {{0.5, 1.5, 0.7}, {2.0, 3.0, 1.5}});
  particles::NeuronState state(p, 3);
  state.set(0, 0.0, 0.0);
  state.set(1, 0.3, 0.0);
  state.set(2, 1.0, 0.0);
  for (double t = 0.05; t < 2.0; t += 0.05) {
    state.advance_to(t);
    CHECK(state.potential(0) == 0.0);
    CHECK(state.potential(1) == doctest::Approx(std::max(0.0, 0.3 - t - (t > 0.5 ? -0.7 * (std::min(t, 1.5) - 0.5) : 0.0))).scale(1.0));
  }
  state.advance_to(2.5);  // I = 1.5 > alpha from t = 2: the floor lifts at rate 0.5
  CHECK(state.potential(0) == doctest::Approx(0.25));
}
