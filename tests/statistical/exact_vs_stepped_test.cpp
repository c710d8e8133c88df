// Exact event-driven simulation against the time-stepped reference on the memory case: the mean
// exit times agree within their standard errors once dt is small, and the gap shrinks with dt.
#include <doctest/doctest.h>
#include <mpi.h>

#include <cmath>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "particles/ensemble.hpp"

using namespace stf;

namespace {

struct ExitStats {
  double mean = 0.0, stderr_ = 0.0;
  long exited = 0;
};

ExitStats exit_stats(const particles::EnsembleResult& r)
{
  ExitStats s;
  std::vector<double> x;
  for (const auto& rep : r.replicas)
    if (rep.exit_time) x.push_back(*rep.exit_time);
  s.exited = static_cast<long>(x.size());
  for (double v : x) s.mean += v;
  s.mean /= static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - s.mean) * (v - s.mean);
  s.stderr_ = std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
  return s;
}

}  // namespace

TEST_CASE("exact vs time-stepped exit times on the memory case")
{
  // Samples every 0.04 so that the largest step fits a sample interval; a shorter horizon (the
  // exit is near t = 5).
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml",
                                         {"time.end=8.0", "time.sample=0.04"});
  particles::SimulationOptions o = particles::SimulationOptions::from_case(c);
  o.neurons = 100;
  o.replicas = 300;
  o.seed = 777;
  const ExitStats exact = exit_stats(particles::simulate_ensemble(c, o, MPI_COMM_SELF));
  std::vector<double> steps{0.04, 0.01, 0.0025, 0.000625};
  std::vector<ExitStats> stepped;
  for (double dt : steps) {
    o.stepped_dt = dt;
    stepped.push_back(exit_stats(particles::simulate_ensemble(c, o, MPI_COMM_SELF)));
  }
  MESSAGE("exact: mean exit ", exact.mean, " +- ", exact.stderr_, " (", exact.exited, " exited)");
  for (std::size_t k = 0; k < steps.size(); ++k)
    MESSAGE("stepped dt = ", steps[k], ": ", stepped[k].mean, " +- ", stepped[k].stderr_);
  CHECK(exact.exited == o.replicas);
  auto gap = [&](std::size_t k) { return std::abs(stepped[k].mean - exact.mean); };
  auto combined = [&](std::size_t k) { return std::hypot(stepped[k].stderr_, exact.stderr_); };
  // Small dt: agreement within 3 combined standard errors.
  CHECK(gap(steps.size() - 1) <= 3.0 * combined(steps.size() - 1));
  // The largest step is biased far beyond its noise, and the gap shrinks as dt shrinks (the
  // stepped scheme's error is O(dt): each quartering of dt should cut it by about 4).
  CHECK(gap(0) > 10.0 * combined(0));
  for (std::size_t k = 0; k + 1 < steps.size(); ++k) {
    CAPTURE(k);
    CHECK(gap(k) > gap(k + 1) - 2.0 * combined(k + 1));
  }
  // Richardson extrapolation of the O(dt) scheme from its two smallest steps estimates its
  // dt -> 0 limit, which must be the exact method's mean.
  const std::size_t h = steps.size() - 1;
  const double extrapolated = stepped[h].mean + (stepped[h].mean - stepped[h - 1].mean) / 3.0;
  const double se_extrapolated = std::hypot(4.0 / 3.0 * stepped[h].stderr_, stepped[h - 1].stderr_ / 3.0);
  MESSAGE("extrapolated to dt -> 0: ", extrapolated, " +- ", se_extrapolated);
  CHECK(std::abs(extrapolated - exact.mean) <= 3.0 * std::hypot(se_extrapolated, exact.stderr_));
  CHECK(gap(0) > 2.0 * gap(1));
  CHECK(gap(1) > 2.0 * gap(2));
}
