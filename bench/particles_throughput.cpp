// Spikes per second of the exact event-driven simulator and of the time-stepped reference on
// the memory case (cases/memory.toml), one core, N = 10^3 .. 10^6, and the wall time of the whole
// run to `end` at the largest N (issue 3 targets: >= 1e7 spikes/s at N = 1e4, >= 5e6 at N = 1e6,
// the N = 1e6 run to end = 30 in under 15 s).
//
//   particles_throughput [CASE] [--max-neurons N] [--stepped-dt DT] [--stepped-end T]
//   particles_throughput [CASE] --profile N [--repeat K]   (only the exact whole run, K times: for perf)
#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <fmt/core.h>
#include <string>

#include "model/case_reader.hpp"
#include "particles/exact_simulator.hpp"
#include "particles/stepped_simulator.hpp"

namespace {

struct Figure {
  long spikes, proposals;
  double seconds;
  std::optional<double> exit_time;
};

template <class Run>
Figure measure(Run run)
{
  const auto t0 = std::chrono::steady_clock::now();
  const stf::particles::ReplicaOutput out = run();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {out.spikes, out.proposals, s, out.exit_time};
}

}  // namespace

int main(int argc, char** argv)
{
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
      fmt::print(stderr, "particles_throughput: unknown option {}\n", a);
      MPI_Finalize();
      return 2;
    }
    else case_path = a;
  }
  const stf::model::Case c = stf::model::read_case(case_path);
  if (profile_n > 0) {
    stf::particles::ReplicaRequest req;
    req.neurons = profile_n;
    req.sample_times = c.time.sample_times();
    req.whole_horizon = std::getenv("STF_EARLY_STOP") == nullptr;
    long spikes = 0, proposals = 0;
    double seconds = 0.0;
    for (int k = 0; k < repeat; ++k) {
      req.replica = static_cast<std::uint64_t>(k);
      const Figure f = measure([&] { return stf::particles::simulate_replica_exact(c, req); });
      spikes += f.spikes;
      proposals += f.proposals;
      seconds += f.seconds;
    }
    fmt::print("N = {}: {} replicas, {:.4g} spikes/s, {:.3f} of the proposals accepted\n", profile_n, repeat,
               double(spikes) / seconds, double(spikes) / double(proposals));
    MPI_Finalize();
    return 0;
  }
  fmt::print("case {} (end = {}, sample = {}), one replica per N, one core\n", c.name, c.time.end, c.time.sample);
  fmt::print("{:>9} | {:>11} {:>9} {:>11} {:>7} | {:>11} | {:>11} {:>9} | {:>7}\n", "N", "exact spikes", "wall s",
             "spikes/s", "exit", "events/s", "stepped/s", "wall s", "ratio");
  for (long n = 1000; n <= max_n; n *= 10) {
    stf::particles::ReplicaRequest req;
    req.neurons = n;
    req.seed = 1;
    req.replica = 0;
    req.sample_times = c.time.sample_times();
    req.whole_horizon = true;  // the silent tail included
    const Figure exact = measure([&] { return stf::particles::simulate_replica_exact(c, req); });
    // The event loop alone: observables every 1.0 instead of every sample (30 sweeps, not 3000).
    stf::particles::ReplicaRequest coarse = req;
    coarse.sample_times.clear();
    for (double t = 0.0; t <= c.time.end + 1e-9; t += 1.0) coarse.sample_times.push_back(t);
    const Figure events = measure([&] { return stf::particles::simulate_replica_exact(c, coarse); });
    // The stepped reference over the active start only (it costs N per step whatever happens).
    stf::particles::ReplicaRequest short_req = req;
    short_req.sample_times.clear();
    for (double t : req.sample_times)
      if (t <= stepped_end + 1e-12) short_req.sample_times.push_back(t);
    const Figure stepped = measure([&] { return stf::particles::simulate_replica_stepped(c, short_req, dt); });
    const Figure exact_short = measure([&] { return stf::particles::simulate_replica_exact(c, short_req); });
    const double exact_rate = double(exact.spikes) / exact.seconds;
    const double stepped_rate = double(stepped.spikes) / stepped.seconds;
    fmt::print("{:>9} | {:>11} {:>9.3f} {:>11.4g} {:>7.4g} | {:>11.4g} | {:>11.4g} {:>9.3f} | {:>7.1f}\n", n,
               exact.spikes, exact.seconds, exact_rate, exact.exit_time.value_or(-1.0),
               double(events.spikes) / events.seconds, stepped_rate, stepped.seconds, double(exact_short.spikes) / exact_short.seconds / stepped_rate);
    std::fflush(stdout);
  }
  fmt::print("spikes/s: exact, whole run to end with observables every sample and the silent tail (whole_horizon)\n"
             "events/s: exact, observables every 1.0 (the event loop's own speed)\n"
             "stepped/s: time-stepped reference, dt = {}, over [0, {}] (the active phase);\n"
             "ratio: exact / stepped spikes per second over that same window\n",
             dt, stepped_end);
  MPI_Finalize();
  return 0;
}
