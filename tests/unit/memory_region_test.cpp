// The memory region and its exit-time rule (MODEL.md §4): linear interpolation between the last
// sample inside and the first outside, t_grace, several thresholds.
#include <doctest/doctest.h>

#include "model/memory_region.hpp"

using namespace stf::model;

namespace {
Observables with(double rate, double calcium)
{
  Observables o;
  o[ObservableId::rate] = rate;
  o[ObservableId::mean_calcium] = calcium;
  o[ObservableId::mass] = 1.0;
  return o;
}
}  // namespace

TEST_CASE("exit time interpolates the crossing of the threshold")
{
  MemoryRegion region;
  region.thresholds.push_back({ObservableId::rate, 0.5, std::nullopt});
  ExitTimeDetector detector(region);
  CHECK_FALSE(detector.observe(0.0, with(2.0, 0.0)));
  CHECK_FALSE(detector.observe(1.0, with(0.9, 0.0)));
  CHECK(detector.observe(2.0, with(0.1, 0.0)));
  // rate goes 0.9 -> 0.1 over [1, 2]; crosses 0.5 at 1.5.
  REQUIRE(detector.exit_time());
  CHECK(*detector.exit_time() == doctest::Approx(1.5));
  // Later samples do not move it.
  detector.observe(3.0, with(3.0, 0.0));
  CHECK(*detector.exit_time() == doctest::Approx(1.5));
}

TEST_CASE("the first threshold crossed decides; max thresholds work")
{
  MemoryRegion region;
  region.thresholds.push_back({ObservableId::rate, 0.5, std::nullopt});
  region.thresholds.push_back({ObservableId::mean_calcium, std::nullopt, 4.0});
  ExitTimeDetector detector(region);
  detector.observe(0.0, with(1.0, 2.0));
  detector.observe(1.0, with(0.0, 6.0));
  // rate crosses 0.5 at 0.5; calcium crosses 4 at 0.5 as well -> 0.5; make calcium earlier:
  ExitTimeDetector d2(region);
  d2.observe(0.0, with(1.0, 3.0));
  d2.observe(1.0, with(0.0, 13.0));  // calcium crosses 4 at 0.1, rate at 0.5
  CHECK(*d2.exit_time() == doctest::Approx(0.1).scale(0.0));
  CHECK(*detector.exit_time() == doctest::Approx(0.5));
}

TEST_CASE("t_grace: samples before it never count; outside at t_grace exits at t_grace")
{
  MemoryRegion region;
  region.thresholds.push_back({ObservableId::rate, 0.5, std::nullopt});
  region.t_grace = 1.0;
  ExitTimeDetector detector(region);
  CHECK_FALSE(detector.observe(0.0, with(0.0, 0.0)));  // outside but in the grace period
  CHECK_FALSE(detector.observe(0.5, with(0.0, 0.0)));
  CHECK(detector.observe(1.0, with(0.0, 0.0)));
  CHECK(*detector.exit_time() == 1.0);

  ExitTimeDetector never(region);
  for (int k = 0; k <= 10; ++k) never.observe(k, with(1.0, 0.0));
  CHECK_FALSE(never.exited());
}

TEST_CASE("no thresholds: the region is everything")
{
  ExitTimeDetector detector(MemoryRegion{});
  CHECK_FALSE(detector.observe(0.0, with(0.0, 0.0)));
  CHECK_FALSE(detector.observe(1.0, with(0.0, 0.0)));
}
