// Replicas over MPI ranks (issue: bit-identical outputs for 1 and 2 ranks). Rank r runs replicas
// k = r, r + size, ...; rank 0 takes their results in replica order and accumulates the means and
// variances in that order (Welford), never through a reduction whose order depends on the ranks.
#include "particles/ensemble.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "particles/exact_simulator.hpp"
#include "particles/stepped_simulator.hpp"

namespace stf::particles {

SimulationOptions SimulationOptions::from_case(const model::Case& c)
{
  SimulationOptions o;
  o.neurons = c.particles.neurons;
  o.replicas = c.particles.replicas;
  o.seed = c.particles.seed;
  o.whole_horizon = c.particles.whole_horizon;
  return o;
}

namespace {

constexpr int tag_replica = 301;

// Flat encoding of a replica's output for MPI: every field as doubles (counts below 2^53).
std::vector<double> encode(const ReplicaOutput& r)
{
  std::vector<double> b;
  b.push_back(r.interrupted ? 1.0 : 0.0);
  b.push_back(r.exit_time ? 1.0 : 0.0);
  b.push_back(r.exit_time.value_or(0.0));
  b.push_back(static_cast<double>(r.spikes));
  b.push_back(static_cast<double>(r.proposals));
  b.push_back(r.silent_from);
  b.push_back(static_cast<double>(r.observables.size()));
  for (const auto& o : r.observables) b.insert(b.end(), o.values.begin(), o.values.end());
  b.push_back(static_cast<double>(r.snapshots.size()));
  for (const auto& s : r.snapshots) {
    b.push_back(s.t);
    b.push_back(static_cast<double>(s.U.size()));
    b.insert(b.end(), s.U.begin(), s.U.end());
    b.insert(b.end(), s.C.begin(), s.C.end());
  }
  b.push_back(static_cast<double>(r.raster.size()));
  for (const auto& [t, i] : r.raster) {
    b.push_back(t);
    b.push_back(static_cast<double>(i));
  }
  return b;
}

ReplicaOutput decode(const std::vector<double>& b)
{
  std::size_t at = 0;
  auto next = [&]() { return b.at(at++); };
  auto count = [&]() { return static_cast<std::size_t>(next()); };
  ReplicaOutput r;
  r.interrupted = next() != 0.0;
  const bool has_exit = next() != 0.0;
  const double exit = next();
  if (has_exit) r.exit_time = exit;
  r.spikes = static_cast<long>(next());
  r.proposals = static_cast<long>(next());
  r.silent_from = next();
  r.observables.resize(count());
  for (auto& o : r.observables)
    for (auto& v : o.values) v = next();
  r.snapshots.resize(count());
  for (auto& s : r.snapshots) {
    s.t = next();
    const std::size_t n = count();
    s.U.assign(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    s.C.assign(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  r.raster.resize(count());
  for (auto& [t, i] : r.raster) {
    t = next();
    i = static_cast<long>(next());
  }
  return r;
}

ReplicaOutput interrupted_marker()
{
  ReplicaOutput r;
  r.interrupted = true;
  return r;
}

void show_progress(double done, long total, double seconds)
{
  const int width = 30;
  const int filled = std::clamp(static_cast<int>(width * done / static_cast<double>(total)), 0, width);
  std::fprintf(stderr, "\rsimulate [%.*s%*s] %ld/%ld replicas, %.1f s", filled,
               "==============================", width - filled, "", static_cast<long>(done), total, seconds);
  if (static_cast<long>(done) == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace

EnsembleResult simulate_ensemble(const model::Case& c, const SimulationOptions& o, MPI_Comm comm)
{
  if (o.neurons < 1) throw std::invalid_argument("--neurons must be at least 1");
  if (o.replicas < 1) throw std::invalid_argument("--replicas must be at least 1");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&]() { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  const std::vector<double> times = c.time.sample_times();
  const bool show = rank == 0 && o.progress && ::isatty(2) != 0;
  double last_shown = -1.0;
  auto run_one = [&](long k) {
    if (o.stop && o.stop->load()) return interrupted_marker();
    ReplicaRequest req;
    req.neurons = o.neurons;
    req.seed = o.seed;
    req.replica = static_cast<std::uint64_t>(o.first_replica + k);
    req.sample_times = times;
    req.whole_horizon = o.whole_horizon;
    req.exit_only = o.exit_only;
    if (k < o.snapshot_replicas) req.snapshot_times = o.snapshot_times;
    req.raster = k < o.raster_replicas;
    req.stop = o.stop;
    if (show)
      req.progress = [&, k](double fraction) {
        if (seconds() - last_shown < 0.2) return;
        last_shown = seconds();
        show_progress(static_cast<double>(k) + fraction, o.replicas, last_shown);
      };
    return o.stepped_dt > 0.0 ? simulate_replica_stepped(c, req, o.stepped_dt) : simulate_replica_exact(c, req);
  };

  EnsembleResult result;
  result.ranks = size;
  if (rank != 0) {
    for (long k = rank; k < o.replicas; k += size) {
      const std::vector<double> b = encode(run_one(k));
      MPI_Send(b.data(), static_cast<int>(b.size()), MPI_DOUBLE, 0, tag_replica, comm);
    }
    // Rank 0 alone saw every replica: it tells the others whether the ensemble was interrupted,
    // so that every rank takes the same path afterwards.
    int interrupted = 0;
    MPI_Bcast(&interrupted, 1, MPI_INT, 0, comm);
    result.interrupted = interrupted != 0;
    return result;
  }

  const std::size_t samples = times.size();
  result.times = times;
  std::vector<model::Observables> m2(samples);
  result.mean.assign(samples, model::Observables{});
  long completed = 0;
  for (long k = 0; k < o.replicas; ++k) {
    const int owner = static_cast<int>(k % size);
    ReplicaOutput r;
    if (owner == 0) {
      r = run_one(k);
    } else {
      MPI_Status status;
      MPI_Probe(owner, tag_replica, comm, &status);
      int count = 0;
      MPI_Get_count(&status, MPI_DOUBLE, &count);
      std::vector<double> b(static_cast<std::size_t>(count));
      MPI_Recv(b.data(), count, MPI_DOUBLE, owner, tag_replica, comm, MPI_STATUS_IGNORE);
      r = decode(b);
    }
    if (r.interrupted) result.interrupted = true;
    if (result.interrupted) continue;  // keep draining the other ranks' messages
    ++completed;
    // Welford's update in replica order.
    for (std::size_t s = 0; s < samples && !o.exit_only; ++s)
      for (std::size_t j = 0; j < model::observable_count; ++j) {
        const double x = r.observables[s].values[j];
        double& mean = result.mean[s].values[j];
        const double delta = x - mean;
        mean += delta / static_cast<double>(completed);
        m2[s].values[j] += delta * (x - mean);
      }
    result.total_spikes += r.spikes;
    result.total_proposals += r.proposals;
    result.replicas.push_back({r.exit_time, r.spikes, r.silent_from, std::move(r.snapshots), std::move(r.raster),
                               o.trajectories ? std::move(r.observables) : std::vector<model::Observables>{}});
    if (show) show_progress(static_cast<double>(k + 1), o.replicas, seconds());
  }
  int interrupted = result.interrupted ? 1 : 0;
  MPI_Bcast(&interrupted, 1, MPI_INT, 0, comm);
  result.stderr_.assign(samples, model::Observables{});
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t j = 0; j < model::observable_count; ++j)
      result.stderr_[s].values[j] =
          completed > 1 ? std::sqrt(m2[s].values[j] / static_cast<double>(completed - 1) / static_cast<double>(completed))
                        : std::numeric_limits<double>::quiet_NaN();
  if (completed == 0 || o.exit_only) {
    result.mean.clear();
    result.stderr_.clear();
  }
  result.wall_seconds = seconds();
  return result;
}

EnsembleResult combine_ensembles(EnsembleResult first, EnsembleResult second)
{
  const auto n_a = static_cast<double>(first.replicas.size()), n_b = static_cast<double>(second.replicas.size());
  if (n_b == 0.0 && !second.interrupted) return first;
  EnsembleResult out = std::move(first);
  out.interrupted = out.interrupted || second.interrupted;
  out.total_spikes += second.total_spikes;
  out.total_proposals += second.total_proposals;
  out.wall_seconds += second.wall_seconds;
  out.ranks = std::max(out.ranks, second.ranks);
  if (out.times.empty()) out.times = second.times;
  const double n = n_a + n_b;
  if (n_a == 0.0) {
    out.mean = std::move(second.mean);
    out.stderr_ = std::move(second.stderr_);
  } else if (n_b > 0.0 && !out.mean.empty() && out.mean.size() == second.mean.size()) {
    // M2 (the sum of squared deviations) of each part from its standard error se = sqrt(M2 / (n - 1) / n),
    // then M2 = M2_a + M2_b + delta^2 n_a n_b / n and the mean moves by delta n_b / n.
    auto m2_of = [](double se, double count) { return count > 1.0 ? se * se * count * (count - 1.0) : 0.0; };
    for (std::size_t s = 0; s < out.mean.size(); ++s)
      for (std::size_t j = 0; j < model::observable_count; ++j) {
        const double mean_a = out.mean[s].values[j], mean_b = second.mean[s].values[j];
        const double delta = mean_b - mean_a;
        const double m2 = m2_of(out.stderr_[s].values[j], n_a) + m2_of(second.stderr_[s].values[j], n_b) +
                          delta * delta * n_a * n_b / n;
        out.mean[s].values[j] = mean_a + delta * n_b / n;
        out.stderr_[s].values[j] = n > 1.0 ? std::sqrt(m2 / (n - 1.0) / n) : std::numeric_limits<double>::quiet_NaN();
      }
  }
  for (auto& r : second.replicas) out.replicas.push_back(std::move(r));
  return out;
}

}  // namespace stf::particles
