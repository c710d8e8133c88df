// cases/persistent.toml: the limit keeps an active state, so a small network leaves the memory
// region at a random time whose law, over its mean, is Exp(1) (metastability); the memory case,
// whose limit exits, gives exit times that the same test rejects.
#include <doctest/doctest.h>
#include <mpi.h>

#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "particles/ensemble.hpp"
#include "validation/statistics.hpp"

using namespace stf;

namespace {

struct Exits {
  std::vector<double> times;
  long censored = 0;
};

Exits exits(const std::string& file, std::vector<std::string> overrides, long neurons, long replicas)
{
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/" + file, overrides);
  particles::SimulationOptions o = particles::SimulationOptions::from_case(c);
  o.neurons = neurons;
  o.replicas = replicas;
  o.seed = 2024;
  o.exit_only = true;
  const auto r = particles::simulate_ensemble(c, o, MPI_COMM_SELF);
  Exits e;
  for (const auto& rep : r.replicas) {
    if (rep.exit_time) e.times.push_back(*rep.exit_time);
    else ++e.censored;
  }
  return e;
}

}  // namespace

TEST_CASE("persistent case: exit times at N = 10 are exponential (KS at level 1 %, estimated mean)")
{
  const Exits e = exits("persistent.toml", {"time.end=400.0"}, 10, 300);
  // With a mean near 45 and the horizon at 400, a censored run has probability about 1e-4.
  CHECK(e.censored == 0);
  REQUIRE(e.times.size() >= 290);
  const auto ks = validation::ks_exponential(e.times, 999, 7);
  INFO("D = ", ks.statistic, ", p = ", ks.p_value);
  CHECK(ks.p_value > 0.01);
  const auto s = validation::summarize(e.times);
  CHECK(s.mean > 20.0);  // well beyond the deterministic transient (a few time units)
}

TEST_CASE("memory case: exit times at N = 10 are not exponential (the deterministic regime)")
{
  const Exits e = exits("memory.toml", {"time.end=15.0", "time.sample=0.1"}, 10, 100);
  REQUIRE(e.times.size() >= 90);
  CHECK(validation::ks_exponential(e.times, 999, 7).p_value < 0.01);
}
