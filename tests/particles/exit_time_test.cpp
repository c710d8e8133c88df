// The exit time of MODEL.md §4 at event resolution: the same replica gives the same exit time
// whatever time.sample, and it agrees with a brute-force scan of the replica's spike train.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "particles/exact_simulator.hpp"
#include "particles/exit_tracker.hpp"

using namespace stf;

namespace {

model::Case read(const std::string& name, std::vector<std::string> overrides)
{
  return model::read_case(std::string(STF_SOURCE_DIR) + "/cases/" + name, overrides);
}

particles::ReplicaOutput run(const model::Case& c, long neurons, std::uint64_t replica, bool raster = false)
{
  particles::ReplicaRequest r;
  r.neurons = neurons;
  r.seed = 77;
  r.replica = replica;
  r.sample_times = c.time.sample_times();
  r.raster = raster;
  return particles::simulate_replica_exact(c, r);
}

void require_same_exits(const std::string& name, const std::vector<std::string>& overrides, long neurons, int replicas)
{
  int exits = 0;
  for (int k = 0; k < replicas; ++k) {
    std::optional<double> first;
    for (const char* sample : {"time.sample=1.0", "time.sample=0.1", "time.sample=0.01"}) {
      auto o = overrides;
      o.emplace_back(sample);
      const model::Case c = read(name, o);
      REQUIRE(particles::ExitTracker::applies(c.model, c.region));
      const auto out = run(c, neurons, static_cast<std::uint64_t>(k));
      CHECK(out.bound_violations == 0);
      INFO(name, " N = ", neurons, " replica ", k, " ", sample);
      if (std::string(sample) == "time.sample=1.0") {
        first = out.exit_time;
        if (first) ++exits;
        continue;
      }
      REQUIRE(out.exit_time.has_value() == first.has_value());
      if (first) CHECK(std::abs(*out.exit_time - *first) <= 1e-9 * std::max(1.0, *first));
    }
  }
  CHECK(exits == replicas);  // the comparison is about exits, not about their absence
}

// MODEL.md §1 and §4 written out neuron by neuron, with none of the simulator's representation:
// the state follows the closed-form flow between the replica's spikes, the region is tested
// after every spike and on a grid of step h between them, and the first grid point outside is
// refined by bisection.
double brute_force_exit(const model::Case& c, long n, const std::vector<std::pair<double, long>>& spikes)
{
  const auto& p = c.model;
  const double r_min = *c.region.thresholds.at(0).min;
  std::vector<double> U(static_cast<std::size_t>(n), c.initial.U.at), C(static_cast<std::size_t>(n), c.initial.C.at);
  auto flow = [&](std::vector<double>& u, std::vector<double>& cc, double dt) {
    for (auto& x : u) x *= std::exp(-p.leak_U.rate * dt);
    for (auto& x : cc) x = p.leak_C.kind == model::LeakKind::linear ? std::max(x - p.leak_C.rate * dt, 0.0)
                                                                      : x * std::exp(-p.leak_C.rate * dt);
  };
  auto rate = [&](const std::vector<double>& u) {
    double s = 0.0;
    for (double x : u) s += p.phi(x);
    return s / static_cast<double>(n);
  };
  double t = 0.0;
  if (rate(U) < r_min) return 0.0;
  std::size_t next = 0;
  const double h = 1e-3;
  while (true) {
    const double t_event = next < spikes.size() ? spikes[next].first : c.time.end;
    for (double a = t; a < t_event;) {  // scan the stretch [t, t_event)
      const double b = std::min(a + h, t_event);
      auto u = U, cc = C;
      flow(u, cc, b - t);
      if (rate(u) < r_min) {
        double lo = a, hi = b;
        while (true) {
          const double mid = lo + 0.5 * (hi - lo);
          if (!(mid > lo && mid < hi)) break;
          auto um = U, cm = C;
          flow(um, cm, mid - t);
          (rate(um) < r_min ? hi : lo) = mid;
        }
        return hi;
      }
      a = b;
    }
    if (next == spikes.size()) return -1.0;
    flow(U, C, t_event - t);
    t = t_event;
    const auto i = static_cast<std::size_t>(spikes[next++].second);
    const double kick = p.kick_weight(C[i]) / static_cast<double>(n);
    for (std::size_t j = 0; j < U.size(); ++j)
      if (j != i) U[j] += kick;
    U[i] = p.u_reset;
    C[i] += 1.0;
    if (rate(U) < r_min) return t;
  }
}

}  // namespace

TEST_CASE("exit times do not depend on time.sample: memory case, N = 100")
{
  require_same_exits("memory.toml", {"time.end=12.0"}, 100, 4);
}

TEST_CASE("exit times do not depend on time.sample: persistent activity, N = 10")
{
  require_same_exits("persistent.toml", {"time.end=400.0"}, 10, 4);
}

TEST_CASE("the exit time is the first crossing found by a brute-force scan of the spike train")
{
  struct Setting {
    const char* file;
    std::vector<std::string> overrides;
  };
  for (const Setting& s : {Setting{"memory.toml", {"time.end=12.0", "time.sample=0.5"}},
                           Setting{"persistent.toml", {"time.end=400.0", "time.sample=2.0"}}}) {
    const model::Case c = read(s.file, s.overrides);
    int exits = 0;
    for (std::uint64_t k = 0; k < 6; ++k) {
      const auto out = run(c, 8, k, true);
      REQUIRE(out.exit_time.has_value());
      ++exits;
      const double brute = brute_force_exit(c, 8, out.raster);
      INFO(s.file, " replica ", k, " exit ", *out.exit_time, " brute force ", brute);
      CHECK(std::abs(brute - *out.exit_time) <= 1e-9 * *out.exit_time);
    }
    CHECK(exits == 6);
  }
}
