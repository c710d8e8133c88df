// Time-stepped reference simulation (MODEL.md §1; tests and benchmarks only).
#include "particles/stepped_simulator.hpp"

#include <cmath>
#include <stdexcept>

#include "model/memory_region.hpp"
#include "particles/random_stream.hpp"
#include "particles/rate_kernel.hpp"

namespace stf::particles {

namespace {

model::Observables observe(const std::vector<double>& U, const std::vector<double>& C, const RateKernel& phi,
                           const model::ModelParameters& p)
{
  model::ObservableAccumulator acc(p.w0, p.w1);
  for (std::size_t i = 0; i < U.size(); ++i) acc.add(1.0, U[i], C[i], phi(U[i]));
  return acc.finish(true);
}

}  // namespace

ReplicaOutput simulate_replica_stepped(const model::Case& c, const ReplicaRequest& r, double dt)
{
  if (r.neurons < 1) throw std::invalid_argument("the number of neurons must be at least 1");
  if (r.sample_times.empty()) throw std::invalid_argument("a replica needs at least one sample time");
  if (!(dt > 0.0)) throw std::invalid_argument("the time step must be positive");
  const auto& p = c.model;
  const RateKernel phi(p.phi);
  const auto n = static_cast<std::size_t>(r.neurons);
  const double inv_n = 1.0 / static_cast<double>(r.neurons);
  std::vector<double> U(n), C(n), kick(n);
  std::vector<char> fired(n);
  draw_initial_state(c.initial, r.seed, r.replica, r.neurons, [&](long i, double u, double cc) {
    U[static_cast<std::size_t>(i)] = u;
    C[static_cast<std::size_t>(i)] = cc;
  });
  RandomStream rng(r.seed, r.replica, stream_purpose::extra);
  model::ExitTimeDetector detector(c.region);
  ReplicaOutput out;
  out.silent_from = r.sample_times.back();
  bool silent = false;
  const auto& times = r.sample_times;
  const bool u_exp = p.leak_U.kind == model::LeakKind::exponential;

  for (std::size_t s = 0; s < times.size(); ++s) {
    if (s > 0 && !silent) {
      const double span = times[s] - times[s - 1];
      const long steps = std::max(1L, static_cast<long>(std::ceil(span / dt - 1e-9)));
      const double h = span / static_cast<double>(steps);
      for (long k = 0; k < steps; ++k) {
        const double t0 = times[s - 1] + static_cast<double>(k) * h;
        const double t1 = k + 1 == steps ? times[s] : t0 + h;
        for (std::size_t i = 0; i < n; ++i) fired[i] = rng.uniform() < -std::expm1(-phi(U[i]) * (t1 - t0));
        // Exact flow over the step: affine for the exponential leak, per neuron for the linear one.
        if (u_exp) {
          const double a = std::exp(-p.leak_U.rate * (t1 - t0));
          const double b = model::flow_through(p.leak_U, 0.0, t0, t1, p.input);
          for (auto& u : U) u = a * u + b;
        } else {
          for (auto& u : U) u = model::flow_through(p.leak_U, u, t0, t1, p.input);
        }
        for (auto& x : C) x = p.leak_C.flow(x, 0.0, t1 - t0);
        // Kicks after the step: each neuron gets the kicks of the others' spikes of this step.
        double total = 0.0;
        for (std::size_t i = 0; i < n; ++i)
          if (fired[i]) {
            kick[i] = n > 1 ? p.kick_weight(C[i]) * inv_n : 0.0;
            total += kick[i];
          }
        for (std::size_t i = 0; i < n; ++i) {
          if (!fired[i]) {
            U[i] += total;
            continue;
          }
          U[i] = p.reset ? p.u_reset : U[i] + total - kick[i];
          C[i] += 1.0;
          ++out.spikes;
          if (r.raster) out.raster.emplace_back(t1, static_cast<long>(i));
        }
        if (r.stop && r.stop->load(std::memory_order_relaxed)) break;  // a window may hold many steps
      }
      if (r.stop && r.stop->load(std::memory_order_relaxed)) {
        out.interrupted = true;
        break;
      }
    } else if (s > 0) {
      // Silent tail: the flow alone.
      for (auto& u : U) u = model::flow_through(p.leak_U, u, times[s - 1], times[s], p.input);
      for (auto& x : C) x = p.leak_C.flow(x, 0.0, times[s] - times[s - 1]);
    }
    out.observables.push_back(observe(U, C, phi, p));
    const auto& o = out.observables.back();
    detector.observe(times[s], o);
    for (double ts : r.snapshot_times)
      if (std::abs(ts - times[s]) <= 1e-12 * std::max(1.0, times[s])) out.snapshots.push_back({times[s], U, C});
    const bool silent_now = silent_from_now(p, r.neurons, o.rate(), times[s], times.back());
    if (!silent && !r.whole_horizon && detector.exited() && silent_now) {
      silent = true;
      out.silent_from = times[s];
    }
    if (r.stop && r.stop->load(std::memory_order_relaxed)) {
      out.interrupted = true;
      break;
    }
  }
  out.exit_time = detector.exit_time();
  return out;
}

}  // namespace stf::particles
