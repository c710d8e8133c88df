// combine_ensembles: replicas 0..k-1 and k..R-1 run apart give the ensemble of one run of R.
#include <doctest/doctest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "model/case_reader.hpp"
#include "particles/ensemble.hpp"

using namespace stf;

TEST_CASE("combine_ensembles: a pilot and the rest make the ensemble of one run, to rounding")
{
  const model::Case c =
      model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml", {"time.end=2", "report.times=[1]"});
  particles::SimulationOptions o;
  o.neurons = 50;
  o.seed = 7;
  o.replicas = 7;
  const auto whole = particles::simulate_ensemble(c, o, MPI_COMM_SELF);
  o.replicas = 3;
  auto pilot = particles::simulate_ensemble(c, o, MPI_COMM_SELF);
  o.first_replica = 3;
  o.replicas = 4;
  auto rest = particles::simulate_ensemble(c, o, MPI_COMM_SELF);
  const auto combined = particles::combine_ensembles(std::move(pilot), std::move(rest));

  REQUIRE(combined.replicas.size() == whole.replicas.size());
  for (std::size_t k = 0; k < whole.replicas.size(); ++k) {
    CHECK(combined.replicas[k].exit_time == whole.replicas[k].exit_time);
    CHECK(combined.replicas[k].spikes == whole.replicas[k].spikes);
  }
  CHECK(combined.total_spikes == whole.total_spikes);
  REQUIRE(combined.mean.size() == whole.mean.size());
  REQUIRE(combined.stderr_.size() == whole.stderr_.size());
  double worst_mean = 0.0, worst_stderr = 0.0;
  for (std::size_t s = 0; s < whole.mean.size(); ++s)
    for (std::size_t j = 0; j < model::observable_count; ++j) {
      const double m = whole.mean[s].values[j], e = whole.stderr_[s].values[j];
      worst_mean = std::max(worst_mean, std::fabs(combined.mean[s].values[j] - m) / std::max(1.0, std::fabs(m)));
      if (e > 1e-12) worst_stderr = std::max(worst_stderr, std::fabs(combined.stderr_[s].values[j] - e) / e);
    }
  MESSAGE("largest differences from one run: mean " << worst_mean << ", standard error " << worst_stderr << " (relative)");
  CHECK(worst_mean <= 1e-12);
  CHECK(worst_stderr <= 1e-9);
  // The standard errors differ from zero somewhere: the check above compares something.
  CHECK(std::any_of(whole.stderr_.begin(), whole.stderr_.end(),
                    [](const model::Observables& e) { return e.rate() > 1e-3; }));
}
