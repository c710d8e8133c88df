// Spikes per second of the exact event-driven simulator and of the time-stepped reference on
// the memory case (cases/memory.toml), one core, N = 10^3 .. 10^6, and the wall time of the whole
// run to `end` at the largest N (issue 3 targets: >= 1e7 spikes/s at N = 1e4, >= 5e6 at N = 1e6,
// the N = 1e6 run to end = 30 in under 15 s).
//
//   particles_throughput [CASE] [--max-neurons N] [--stepped-dt DT] [--stepped-end T]
//   particles_throughput [CASE] --profile N [--repeat K]   (only the exact whole run, K replicas: for perf)
//
// Each N runs several replicas (about 2e5 neurons' worth, at least one) and reports total spikes
// over total wall time, so that the small-N figures are not single runs of a few milliseconds.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fmt/core.h>
#include <optional>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "particles/exact_simulator.hpp"
#include "particles/stepped_simulator.hpp"
#include "bench/usage.hpp"

namespace {

constexpr const char* usage =
    "particles_throughput: spikes per second of the exact and the time-stepped particle simulators on a case\n"
    "(default cases/memory.toml), N = 10^3 .. max-neurons, one core.\n\n"
    "usage: particles_throughput [CASE] [--max-neurons N] [--stepped-dt DT] [--stepped-end T]\n"
    "       particles_throughput [CASE] --profile N [--repeat K]\n\n"
    "  --max-neurons N   largest network (default 1000000)\n"
    "  --stepped-dt DT   time step of the stepped reference (default 0.001)\n"
    "  --stepped-end T   horizon of the stepped reference (default 0.5)\n"
    "  --profile N       only the exact whole run at N, K replicas (for perf)\n"
    "  --repeat K        replicas of --profile (default 20)\n"
    "  -h, --help        this text\n";

struct Figure {
  long spikes = 0, proposals = 0;
  double seconds = 0.0;
  std::optional<double> exit_time;  // of the first replica
  double per_second() const { return seconds > 0.0 ? double(spikes) / seconds : 0.0; }
};

// Runs replicas 0 .. replicas - 1 of `request` with `simulate` and sums spikes and wall time.
template <class Simulate>
Figure measure(const stf::particles::ReplicaRequest& request, int replicas, Simulate simulate)
{
  Figure f;
  stf::particles::ReplicaRequest r = request;
  for (int k = 0; k < replicas; ++k) {
    r.replica = static_cast<std::uint64_t>(k);
    const auto t0 = std::chrono::steady_clock::now();
    const stf::particles::ReplicaOutput out = simulate(r);
    f.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    f.spikes += out.spikes;
    f.proposals += out.proposals;
    if (k == 0) f.exit_time = out.exit_time;
  }
  return f;
}

std::vector<double> times_up_to(const std::vector<double>& times, double end)
{
  std::vector<double> out;
  for (double t : times)
    if (t <= end + 1e-12) out.push_back(t);
  return out;
}

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  MPI_Init(&argc, &argv);
  std::string case_path = std::string(STF_SOURCE_DIR) + "/cases/memory.toml";
  long max_n = 1000000;
  double dt = 1e-3;
  double stepped_end = 0.5;
  long profile_n = 0;
  int repeat = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--max-neurons" && i + 1 < argc) max_n = std::atol(argv[++i]);
    else if (a == "--stepped-dt" && i + 1 < argc) dt = std::atof(argv[++i]);
    else if (a == "--stepped-end" && i + 1 < argc) stepped_end = std::atof(argv[++i]);
    else if (a == "--profile" && i + 1 < argc) profile_n = std::atol(argv[++i]);
    else if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (!a.empty() && a[0] == '-') {
      fmt::print(stderr, "particles_throughput: unknown option {} (see --help)\n", a);
      MPI_Finalize();
      return 2;
    }
    else case_path = a;
  }
  const stf::model::Case c = stf::model::read_case(case_path);
  const auto exact = [&](const stf::particles::ReplicaRequest& r) { return stf::particles::simulate_replica_exact(c, r); };
  const auto stepped = [&](const stf::particles::ReplicaRequest& r) {
    return stf::particles::simulate_replica_stepped(c, r, dt);
  };
  stf::particles::ReplicaRequest whole;
  whole.seed = 1;
  whole.sample_times = c.time.sample_times();
  whole.whole_horizon = true;  // the silent tail included

  if (profile_n > 0) {
    whole.neurons = profile_n;
    const Figure f = measure(whole, repeat, exact);
    fmt::print("N = {}: {} replicas, {:.4g} spikes/s, {:.3f} of the proposals accepted\n", profile_n, repeat,
               f.per_second(), double(f.spikes) / double(f.proposals));
    MPI_Finalize();
    return 0;
  }

  fmt::print("case {} (end = {}, sample = {}), one core; spikes/s = total spikes / total wall time over R replicas\n",
             c.name, c.time.end, c.time.sample);
  fmt::print("{:>9} {:>4} | {:>11} {:>9} {:>11} {:>7} {:>7} | {:>11} | {:>11} | {:>7}\n", "N", "R", "spikes/rep",
             "wall s", "spikes/s", "accept", "exit", "events/s", "stepped/s", "ratio");
  for (long n = 1000; n <= max_n; n *= 10) {
    const int replicas = static_cast<int>(std::max(1L, 200000 / n));
    whole.neurons = n;
    const Figure run = measure(whole, replicas, exact);
    // The event loop alone: observables every 1.0 instead of every sample (30 sweeps, not 3000).
    stf::particles::ReplicaRequest coarse = whole;
    coarse.sample_times.clear();
    for (double t = 0.0; t <= c.time.end + 1e-9; t += 1.0) coarse.sample_times.push_back(t);
    const Figure events = measure(coarse, replicas, exact);
    // The stepped reference over the active start only (it costs N per step whatever happens),
    // and the exact method over the same window, side by side.
    stf::particles::ReplicaRequest window = whole;
    window.sample_times = times_up_to(whole.sample_times, stepped_end);
    const Figure reference = measure(window, replicas, stepped);
    const Figure exact_window = measure(window, replicas, exact);
    fmt::print("{:>9} {:>4} | {:>11} {:>9.3f} {:>11.4g} {:>7.3f} {:>7.4g} | {:>11.4g} | {:>11.4g} | {:>7.1f}\n", n,
               replicas, run.spikes / replicas, run.seconds / replicas, run.per_second(),
               double(run.spikes) / double(run.proposals), run.exit_time.value_or(-1.0), events.per_second(),
               reference.per_second(), exact_window.per_second() / reference.per_second());
    std::fflush(stdout);
  }
  fmt::print("spikes/s: exact, whole run to end with observables every sample and the silent tail (whole_horizon);\n"
             "  wall s is per replica (at the largest N: the whole-run wall time); accept: spikes / proposals\n"
             "events/s: exact, observables every 1.0 (the event loop's own speed)\n"
             "stepped/s: time-stepped reference, dt = {}, over [0, {}] (the active phase);\n"
             "ratio: exact / stepped spikes per second over that same window\n",
             dt, stepped_end);
  MPI_Finalize();
  return 0;
}
