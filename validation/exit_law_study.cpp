// Replicas per size by precision within a budget; see exit_law_study.hpp.
#include "validation/exit_law_study.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "particles/ensemble.hpp"

namespace stf::validation {

namespace {

// Appends the exits of `r` to `sample` (rank 0).
void collect(const particles::EnsembleResult& r, ExitSample& sample)
{
  for (const auto& rep : r.replicas) {
    if (rep.exit_time) sample.exits.push_back(*rep.exit_time);
    else ++sample.censored;
  }
}

}  // namespace

ExitLawStudy run_exit_law_study(const model::Case& c, const ExitLawSettings& s, std::optional<double> tau_inf,
                                double tau_inf_sigma, std::optional<double> settle_time, MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  ExitLawStudy study;
  std::vector<ExitSample> samples;
  for (long n : s.neurons) {
    particles::SimulationOptions o;
    o.neurons = n;
    o.seed = s.seed;
    o.exit_only = true;
    o.stop = s.stop;
    ExitSample sample{n, {}, 0, c.time.end};
    const auto start = std::chrono::steady_clock::now();
    // The pilot: replicas already run (rank 0 decides; every rank must know), or pilot_replicas new ones.
    long reused = 0;
    double pilot_seconds = 0.0;
    if (rank == 0)
      for (const PriorReplicas& p : s.prior)
        if (p.sample.neurons == n && p.sample.horizon == c.time.end && p.sample.exits.size() >= 2) {
          sample = p.sample;
          reused = static_cast<long>(p.sample.exits.size()) + p.sample.censored;
          pilot_seconds = p.wall_seconds;
        }
    MPI_Bcast(&reused, 1, MPI_LONG, 0, comm);
    particles::EnsembleResult pilot;
    if (reused == 0) {
      o.replicas = s.pilot_replicas;
      pilot = particles::simulate_ensemble(c, o, comm);
      pilot_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    const long pilot_count = reused > 0 ? reused : s.pilot_replicas;
    // Rank 0 decides how many more replicas; every rank must run the same collective ensemble.
    long more = 0;
    bool reached = false;
    if (rank == 0 && !pilot.interrupted) {
      if (reused == 0) collect(pilot, sample);
      double wanted = static_cast<double>(s.max_replicas);
      const auto exits = static_cast<double>(sample.exits.size());
      if (sample.censored == 0 && exits >= 2) {
        const double sd = summarize(sample.exits).std;
        wanted = replicas_for_precision(sd, s.precision);
      } else if (exits >= 2) {
        // Exponential maximum likelihood: sd of the mean ~ mean / sqrt(exits).
        const double mean = (std::accumulate(sample.exits.begin(), sample.exits.end(), 0.0) +
                             static_cast<double>(sample.censored) * c.time.end) / exits;
        wanted = std::ceil(mean * mean / (s.precision * s.precision) * static_cast<double>(pilot_count) / exits);
      }
      const double per_replica = pilot_seconds / static_cast<double>(pilot_count);
      const double affordable = per_replica > 0.0 ? s.budget_seconds / per_replica : static_cast<double>(s.max_replicas);
      const double total = std::min({wanted, affordable, static_cast<double>(s.max_replicas)});
      // Reached when the pilot already holds enough replicas, or when the budget affords them.
      reached = wanted <= std::max(static_cast<double>(pilot_count), std::min(affordable, static_cast<double>(s.max_replicas)));
      more = std::max(0L, static_cast<long>(total) - pilot_count);
    }
    int interrupted = pilot.interrupted ? 1 : 0;
    MPI_Bcast(&interrupted, 1, MPI_INT, 0, comm);
    if (interrupted) {
      study.interrupted = true;
      return study;
    }
    MPI_Bcast(&more, 1, MPI_LONG, 0, comm);
    if (more > 0) {
      o.first_replica = pilot_count;
      o.replicas = more;
      const particles::EnsembleResult rest = particles::simulate_ensemble(c, o, comm);
      int stopped = rest.interrupted ? 1 : 0;
      MPI_Bcast(&stopped, 1, MPI_INT, 0, comm);
      if (stopped) {
        study.interrupted = true;
        return study;
      }
      if (rank == 0) collect(rest, sample);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    study.runs.push_back({n, pilot_count + more, reused, seconds, reached});
    samples.push_back(std::move(sample));
  }
  if (rank == 0) study.law = analyse_exit_law(samples, tau_inf, tau_inf_sigma, 0.95, 0.01, settle_time);
  return study;
}

}  // namespace stf::validation
