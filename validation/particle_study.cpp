// Particles against the limit: ensembles for each N, sup-over-time errors, fluctuations,
// Wasserstein distances of the marginals, exit times and their slopes in N (MODEL.md §3-4).
#include "validation/particle_study.hpp"

#include <cmath>
#include <fmt/core.h>

namespace stf::validation {

namespace {

std::string observable_label(model::ObservableId id)
{
  return std::string(model::observable_names()[static_cast<std::size_t>(id)]);
}

}  // namespace

ExitTimeStats exit_time_stats(const std::vector<std::optional<double>>& exit_times,
                              std::optional<double> limit_exit_time)
{
  ExitTimeStats s;
  s.replicas = static_cast<long>(exit_times.size());
  for (const auto& e : exit_times)
    if (e && std::isfinite(*e)) s.values.push_back(*e);
  s.exited = static_cast<long>(s.values.size());
  if (s.values.empty()) return s;
  s.summary = summarize(s.values);
  for (double p : {0.05, 0.25, 0.5, 0.75, 0.95}) s.quantiles.emplace_back(p, quantile(s.values, p));
  if (limit_exit_time) s.mean_error = std::abs(s.summary->mean - *limit_exit_time);
  return s;
}

ParticleLevel analyse_ensemble(long neurons, long replicas, const particles::EnsembleResult& ensemble,
                               const LimitReference& reference)
{
  ParticleLevel level;
  level.neurons = neurons;
  level.replicas = replicas;
  level.mean.times = ensemble.times;
  level.mean.observables = ensemble.mean;
  level.stderr_ = ensemble.stderr_;
  level.total_spikes = ensemble.total_spikes;
  level.wall_seconds = ensemble.wall_seconds;
  level.interrupted = ensemble.interrupted;

  const double sqrt_r = std::sqrt(double(replicas));
  for (std::size_t k = 0; k < ensemble.times.size() && k < ensemble.mean.size(); ++k) {
    const double t = ensemble.times[k];
    const bool in_span = !reference.trajectory.empty() && t >= reference.trajectory.times.front() - 1e-12 &&
                         t <= reference.trajectory.times.back() + 1e-12;
    const model::Observables lim = in_span ? interpolate(reference.trajectory, t) : model::Observables{};
    for (std::size_t i = 0; i < model::observable_count; ++i) {
      const double se = k < ensemble.stderr_.size() ? ensemble.stderr_[k].values[i] : 0.0;
      level.sup_std[i] = std::max(level.sup_std[i], se * sqrt_r);
      if (!in_span) continue;
      const double err = std::abs(ensemble.mean[k].values[i] - lim.values[i]);
      level.sup_error[i] = std::max(level.sup_error[i], err);
      // z only where the replicas still differ: once every replica is silent the standard error
      // is zero or round-off, and the ratio says nothing.
      const double scale = std::max(std::abs(ensemble.mean[k].values[i]), std::abs(lim.values[i]));
      if (se > 1e-9 * scale && se > 0.0) level.sup_z[i] = std::max(level.sup_z[i], err / se);
    }
  }

  // Marginals: W1 of each recorded replica's empirical marginal, averaged over replicas.
  for (const auto& m : reference.marginals) {
    std::vector<double> wu, wc;
    for (const auto& rep : ensemble.replicas)
      for (const auto& snap : rep.snapshots)
        if (std::abs(snap.t - m.t) <= 1e-9 * std::max(1.0, std::abs(m.t)) && !snap.U.empty()) {
          wu.push_back(wasserstein1(snap.U, m.potential));
          wc.push_back(wasserstein1(snap.C, m.calcium));
        }
    if (wu.empty()) continue;
    const auto su = summarize(wu), sc = summarize(wc);
    level.wasserstein.push_back({m.t, su.count, su.mean, su.stderr_, sc.mean, sc.stderr_});
  }
  if (!ensemble.replicas.empty()) level.cloud = ensemble.replicas.front().snapshots;

  std::vector<std::optional<double>> exits;
  for (const auto& rep : ensemble.replicas) exits.push_back(rep.exit_time);
  level.exit = exit_time_stats(exits, reference.exit_time);
  return level;
}

namespace {

std::vector<SlopeFit> slope_fits(const std::vector<ParticleLevel>& levels)
{
  std::vector<double> n;
  for (const auto& l : levels) n.push_back(double(l.neurons));
  std::vector<SlopeFit> fits;
  auto add = [&](FitFamily family, const std::string& subject, std::vector<double> values) {
    static constexpr const char* prefix[] = {"std ", "error ", "W1 ", "exit-time "};
    fits.push_back({family, subject, prefix[static_cast<int>(family)] + subject, values, fit_log_log(n, values)});
  };
  for (auto id : compared_observables()) {
    std::vector<double> v;
    for (const auto& l : levels) v.push_back(l.sup_std[static_cast<std::size_t>(id)]);
    add(FitFamily::fluctuation, observable_label(id), v);
  }
  for (auto id : compared_observables()) {
    std::vector<double> v;
    for (const auto& l : levels) v.push_back(l.sup_error[static_cast<std::size_t>(id)]);
    add(FitFamily::error, observable_label(id), v);
  }
  if (!levels.empty() && !levels.front().wasserstein.empty()) {
    std::vector<double> wu, wc;
    for (const auto& l : levels) {
      double su = 0.0, sc = 0.0;
      for (const auto& w : l.wasserstein) {
        su += w.potential;
        sc += w.calcium;
      }
      const double k = l.wasserstein.empty() ? 1.0 : double(l.wasserstein.size());
      wu.push_back(l.wasserstein.empty() ? 0.0 : su / k);
      wc.push_back(l.wasserstein.empty() ? 0.0 : sc / k);
    }
    add(FitFamily::wasserstein, "potential", wu);
    add(FitFamily::wasserstein, "calcium", wc);
  }
  std::vector<double> es, ee;
  bool any_exit = false;
  for (const auto& l : levels) {
    es.push_back(l.exit.summary ? l.exit.summary->std : 0.0);
    ee.push_back(l.exit.mean_error.value_or(0.0));
    any_exit = any_exit || l.exit.summary.has_value();
  }
  if (any_exit) {
    add(FitFamily::exit_time, "std", es);
    add(FitFamily::exit_time, "mean error", ee);
  }
  return fits;
}

}  // namespace

ParticleStudy run_particle_study(const model::Case& c, const ParticleStudySettings& settings,
                                 const LimitReference& reference, MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  ParticleStudy study;
  for (long n : settings.neurons) {
    particles::SimulationOptions o;
    o.neurons = n;
    o.replicas = settings.replicas;
    // A different stream for each N: the sizes are independent experiments.
    o.seed = settings.seed + 1000003ULL * static_cast<std::uint64_t>(n);
    o.whole_horizon = c.particles.whole_horizon;
    for (const auto& m : reference.marginals) o.snapshot_times.push_back(m.t);
    o.snapshot_replicas = std::min(settings.wasserstein_replicas, settings.replicas);
    o.stop = settings.stop;
    o.progress = settings.progress;
    const long pilot = settings.exit_precision > 0.0 ? std::min(settings.pilot_replicas, settings.replicas) : settings.replicas;
    o.replicas = pilot;
    auto ensemble = particles::simulate_ensemble(c, o, comm);
    // The rest of the replicas, or as many as the requested precision of the mean exit time needs
    // (rank 0 decides from the pilot; every rank runs the same collective ensemble, and every rank
    // knows whether the pilot was interrupted).
    long more = ensemble.interrupted ? 0 : settings.replicas - pilot;
    if (more > 0 && rank == 0) {
      std::vector<double> exits;
      for (const auto& r : ensemble.replicas)
        if (r.exit_time) exits.push_back(*r.exit_time);
      if (exits.size() == ensemble.replicas.size() && exits.size() >= 2) {
        const double wanted = replicas_for_precision(summarize(exits).std, settings.exit_precision);
        more = std::clamp(static_cast<long>(std::min(wanted, 1e15)), pilot, settings.replicas) - pilot;
      }
    }
    MPI_Bcast(&more, 1, MPI_LONG, 0, comm);
    if (more > 0) {
      o.first_replica = pilot;
      o.replicas = more;
      o.snapshot_replicas = std::max(0L, std::min(settings.wasserstein_replicas, settings.replicas) - pilot);
      ensemble = particles::combine_ensembles(std::move(ensemble), particles::simulate_ensemble(c, o, comm));
    }
    if (rank == 0) study.levels.push_back(analyse_ensemble(n, pilot + more, ensemble, reference));
    if (ensemble.interrupted) {
      study.interrupted = true;
      break;
    }
  }
  if (rank == 0) study.fits = slope_fits(study.levels);
  return study;
}

}  // namespace stf::validation
