// Output files of `stf simulate` and the silent early stop (MODEL.md §4).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "model/case_reader.hpp"
#include "particles/exact_simulator.hpp"
#include "particles/simulation_outputs.hpp"

using namespace stf;

TEST_CASE("exit_times.csv leaves the exit empty for a replica that did not exit; summary counts the exits")
{
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml");
  particles::EnsembleResult r;
  r.times = {0.0, 0.5};
  r.mean.resize(2);
  r.stderr_.assign(2, model::Observables{});
  r.stderr_[1][model::ObservableId::rate] = std::nan("");
  r.replicas = {{2.5, 10, 30.0, {}, {{0.25, 3}}, {}}, {std::nullopt, 4, 30.0, {}, {}, {}}, {3.5, 12, 30.0, {}, {{0.5, 1}}, {}}};
  r.replicas[1].observables.resize(2);
  r.replicas[1].observables[1][model::ObservableId::rate] = 0.75;
  r.total_spikes = 26;
  r.total_proposals = 40;
  r.wall_seconds = 2.0;
  CHECK(particles::exit_times_csv(r) == "replica,exit_time\n0,2.5\n1,\n2,3.5\n");
  const std::string obs = particles::observables_csv(r);
  CHECK(obs.rfind("t,rate_mean,rate_stderr,drive_mean,", 0) == 0);
  CHECK(obs.find("\n0.5,0,,0,0,") != std::string::npos);  // NaN standard error: empty field
  particles::SimulationOptions o;
  o.neurons = 10;
  o.replicas = 3;
  const auto j = nlohmann::json::parse(particles::summary_json(c, o, r));
  CHECK(particles::spikes_csv(r) == "replica,t,neuron\n0,0.25,3\n2,0.5,1\n");
  CHECK(particles::trajectories_csv(r) ==
        "replica,t,rate,drive,mean_potential,mean_calcium,var_potential,var_calcium,mass\n1,0,0,0,0,0,0,0,0\n"
        "1,0.5,0.75,0,0,0,0,0,0\n");
  CHECK(j["exit_time"]["quantiles"]["q50"].get<double>() == doctest::Approx(3.0));
  CHECK(j["exit_time"]["mean"].get<double>() == doctest::Approx(3.0));
  CHECK(j["exit_time"]["fraction_exited"].get<double>() == doctest::Approx(2.0 / 3.0));
  CHECK(j["exit_time"]["std"].get<double>() == doctest::Approx(std::sqrt(0.5)));
  CHECK(j["spikes_per_second"].get<double>() == doctest::Approx(13.0));
  CHECK(j["acceptance"].get<double>() == doctest::Approx(0.65));
  CHECK(j["case"] == "memory");
}

TEST_CASE("a silent replica stops early; its rows are the spike-free relaxation the whole horizon also gives")
{
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml", {"time.sample=0.05"});
  particles::ReplicaRequest req;
  req.neurons = 200;
  req.seed = 5;
  req.sample_times = c.time.sample_times();
  const particles::ReplicaOutput early = particles::simulate_replica_exact(c, req);
  req.whole_horizon = true;
  const particles::ReplicaOutput whole = particles::simulate_replica_exact(c, req);
  REQUIRE(early.exit_time.has_value());
  CHECK(early.silent_from > *early.exit_time);
  CHECK(early.silent_from < c.time.end);
  CHECK(whole.silent_from == c.time.end);
  // The tail has at most a 1e-9 chance of a spike: with this seed it has none, so both runs agree.
  CHECK(early.spikes == whole.spikes);
  REQUIRE(early.observables.size() == whole.observables.size());
  for (std::size_t s = 0; s < early.observables.size(); ++s)
    for (std::size_t j = 0; j < model::observable_count; ++j)
      REQUIRE(early.observables[s].values[j] == whole.observables[s].values[j]);
}
