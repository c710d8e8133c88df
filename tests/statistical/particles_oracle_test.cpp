// The exact particle simulator against exact results (MODEL.md §5 and §1), with fixed seeds and
// tolerances in standard errors or at a stated test level.
#include <doctest/doctest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "model/constant_rate_oracle.hpp"
#include "particles/ensemble.hpp"
#include "particles/exact_simulator.hpp"

using namespace stf;

namespace {

// The particles read neither [solver] nor [report] (nor the mesh), as stf simulate does.
model::Case case_from(const std::string& text)
{
  return model::read_case_text(text, "test_case", {}, model::SectionsUsed{.solver = false, .report = false});
}

// Kolmogorov-Smirnov statistic of samples against a continuous CDF.
double ks_statistic(std::vector<double> x, const auto& cdf)
{
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

std::size_t sample_index(const std::vector<double>& times, double t)
{
  const auto it = std::lower_bound(times.begin(), times.end(), t - 1e-9);
  return static_cast<std::size_t>(it - times.begin());
}

}  // namespace

TEST_CASE("constant rate: ensemble means of C and U match the finite-N closed form within 4 standard errors")
{
  // cases/constant_rate.toml: phi = 2, exponential leaks, w0 = 0.2, w1 = 0.5, normal initial law.
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/constant_rate.toml");
  const long n = 20;
  particles::SimulationOptions o = particles::SimulationOptions::from_case(c);
  o.neurons = n;
  o.replicas = 3000;
  o.seed = 20240501;
  o.whole_horizon = true;
  const particles::EnsembleResult r = particles::simulate_ensemble(c, o, MPI_COMM_SELF);
  const model::ConstantRateOracle finite(c.model, c.initial, n);
  const model::ConstantRateOracle limit(c.model, c.initial);
  for (double t : {0.0, 0.25, 0.5, 1.0, 2.0, 4.0}) {
    const std::size_t s = sample_index(r.times, t);
    REQUIRE(s < r.times.size());
    const auto& m = r.mean[s];
    const auto& se = r.stderr_[s];
    CAPTURE(t);
    CHECK(std::abs(m.mean_calcium() - finite.mean_calcium(t)) <= 4.0 * se.mean_calcium() + 1e-12);
    CHECK(std::abs(m.mean_potential() - finite.mean_potential(t)) <= 4.0 * se.mean_potential() + 1e-12);
    CHECK(m.rate() == doctest::Approx(2.0));
  }
  // The test can tell the finite system from the limit: the (N - 1)/N factor of the drive is
  // many standard errors at t = 4.
  const std::size_t s = sample_index(r.times, 4.0);
  CHECK(std::abs(finite.mean_potential(4.0) - limit.mean_potential(4.0)) > 6.0 * r.stderr_[s].mean_potential());
}

TEST_CASE("phi = 0: every neuron follows its flow exactly, both leak laws, with and without input")
{
  for (const std::string lu : {"exponential", "linear"})
    for (const std::string lc : {"exponential", "linear"})
      for (const std::string input : {"0.0", "{ base = 0.3, pulses = [{ start = 0.55, end = 1.2, amplitude = 1.0 }] }"}) {
        const std::string text = "[model]\nphi = { kind = \"constant\", lambda = 0.0 }\n"
                                 "leak_U = { law = \"" + lu + "\", alpha = 0.8 }\n"
                                 "leak_C = { law = \"" + lc + "\", beta = 1.3 }\nI = " + input + "\n"
                                 "[initial]\nU = { law = \"uniform\", min = 0.0, max = 1.5 }\n"
                                 "C = { law = \"exponential\", mean = 0.7 }\n"
                                 "[time]\nend = 2.0\nsample = 0.1\n";
        const model::Case c = case_from(text);
        particles::ReplicaRequest req;
        req.neurons = 400;
        req.seed = 3;
        req.sample_times = c.time.sample_times();
        // The pulse starts inside a sample interval: a neuron on the floor must leave it then (reflection).
        req.snapshot_times = {0.0, 0.4, 0.55, 1.0, 2.0};
        const particles::ReplicaOutput out = particles::simulate_replica_exact(c, req);
        CAPTURE(lu);
        CAPTURE(lc);
        CAPTURE(input);
        REQUIRE(out.snapshots.size() == 5);
        CHECK(out.spikes == 0);
        const auto& s0 = out.snapshots[0];
        long at_floor = 0;
        for (std::size_t k = 1; k < out.snapshots.size(); ++k) {
          const auto& sk = out.snapshots[k];
          for (std::size_t i = 0; i < s0.U.size(); ++i) {
            const double u = model::flow_through(c.model.leak_U, s0.U[i], 0.0, sk.t, c.model.input);
            const double cc = c.model.leak_C.flow(s0.C[i], 0.0, sk.t);
            REQUIRE(sk.U[i] == doctest::Approx(u).epsilon(1e-12).scale(1.0));
            REQUIRE(sk.C[i] == doctest::Approx(cc).epsilon(1e-12).scale(1.0));
            REQUIRE(sk.U[i] >= 0.0);
            // The linear law's floor: while I < alpha (before the pulse) the mass at 0 stays at 0.
            if (lu == "linear" && sk.t < 0.5 && u == 0.0) {
              CHECK(sk.U[i] == 0.0);
              ++at_floor;
            }
          }
        }
        if (lu == "linear") CHECK(at_floor > 0);
      }
}

TEST_CASE("a single neuron under a fixed input: inter-spike intervals follow exp(-integral of phi)")
{
  // N = 1 (no kicks). Reset to 0 and a Dirac at 0, so every interval starts from U = 0.
  struct Setup {
    std::string leak;
    std::string phi;
    double input;
  };
  // exponential leak alpha = 1, I = 2: U(s) = 2 (1 - e^-s); phi = 0.5 + u:
  //   Lambda(s) = 0.5 s + 2 (s - 1 + e^-s).
  // linear leak alpha = 1, I = 1.5: U(s) = 0.5 s; phi = 0.2 + u: Lambda(s) = 0.2 s + 0.25 s^2.
  // hill phi (5 u^4 / (1 + u^4)) with the exponential leak: Lambda by quadrature.
  const std::vector<Setup> setups{{"exponential", "{ kind = \"linear\", lambda0 = 0.5, gamma = 1.0 }", 2.0},
                                  {"linear", "{ kind = \"linear\", lambda0 = 0.2, gamma = 1.0 }", 1.5},
                                  {"exponential", "{ kind = \"hill\", phi_max = 5.0, theta = 1.0, kappa = 4.0 }", 2.0}};
  for (std::size_t k = 0; k < setups.size(); ++k) {
    const auto& su = setups[k];
    const std::string text = "[model]\nphi = " + su.phi + "\nleak_U = { law = \"" + su.leak +
                             "\", alpha = 1.0 }\nleak_C = { law = \"exponential\", beta = 1.0 }\nI = " +
                             std::to_string(su.input) +
                             "\n[initial]\nU = { law = \"dirac\", at = 0.0 }\nC = { law = \"dirac\", at = 0.0 }\n"
                             "[time]\nend = 3000.0\nsample = 1.0\n[mesh]\nu_max = 10.0\n";
    const model::Case c = case_from(text);
    particles::ReplicaRequest req;
    req.neurons = 1;
    req.seed = 99 + k;
    req.sample_times = c.time.sample_times();
    req.raster = true;
    const particles::ReplicaOutput out = particles::simulate_replica_exact(c, req);
    std::vector<double> isi;
    double last = 0.0;
    for (const auto& [t, i] : out.raster) {
      isi.push_back(t - last);
      last = t;
    }
    auto Lambda = [&](double s) {
      if (k == 0) return 0.5 * s + 2.0 * (s - 1.0 + std::exp(-s));
      if (k == 1) return 0.2 * s + 0.25 * s * s;
      // Simpson's rule on phi(U(s)), U(s) = 2 (1 - e^-s): smooth, 2000 panels is exact to ~1e-12.
      const int m = 2000;
      const double h = s / m;
      auto f = [](double x) {
        const double u = 2.0 * (1.0 - std::exp(-x));
        const double u4 = u * u * u * u;
        return 5.0 * u4 / (1.0 + u4);
      };
      double acc = f(0.0) + f(s);
      for (int j = 1; j < m; ++j) acc += (j % 2 ? 4.0 : 2.0) * f(j * h);
      return acc * h / 3.0;
    };
    const double d = ks_statistic(isi, [&](double s) { return -std::expm1(-Lambda(s)); });
    const double n = static_cast<double>(isi.size());
    CAPTURE(k);
    CAPTURE(n);
    CAPTURE(d);
    CHECK(n > 2000);
    // Kolmogorov-Smirnov at level 0.001: sqrt(n) D < 1.949.
    CHECK(std::sqrt(n) * d < 1.949);
  }
}

TEST_CASE("the thinning bounds hold with input, kicks and long sample intervals")
{
  // Rebuilds in the middle of a sample interval (the kicks use up their cushion) must still count
  // the input received since the interval began: every proposal's rate stays below its bound.
  const std::string text = "[model]\nphi = { kind = \"power\", gamma = 1.0, kappa = 2.0 }\n"
                           "leak_U = { law = \"exponential\", alpha = 0.0 }\n"
                           "leak_C = { law = \"exponential\", beta = 1.0 }\nI = 5.0\nw0 = 0.2\nw1 = 0.0\n"
                           "[initial]\nU = { law = \"uniform\", min = 0.0, max = 1.0 }\n"
                           "C = { law = \"dirac\", at = 0.0 }\n"
                           "[time]\nend = 3.0\nsample = 1.0\n[mesh]\nu_max = 100.0\n";
  const model::Case c = case_from(text);
  for (long n : {100L, 1000L}) {
    particles::ReplicaRequest req;
    req.neurons = n;
    req.seed = 5;
    req.sample_times = c.time.sample_times();
    const particles::ReplicaOutput out = particles::simulate_replica_exact(c, req);
    CAPTURE(n);
    CHECK(out.spikes > 100);
    CHECK(out.bound_violations == 0);
  }
}
