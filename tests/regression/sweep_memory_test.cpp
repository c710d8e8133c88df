// `stf sweep` over the stimulus strength c0 on the memory case (MODEL.md §4): a stronger stimulus
// is remembered longer, in the limit and in the finite network.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../support/files.hpp"

namespace fs = std::filesystem;
using stf::test::read_text;
using nlohmann::json;

TEST_CASE("the exit time increases with c0 on the memory case (memory curve)")
{
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / "sweep_memory_c0";
  fs::remove_all(out);
  fs::create_directories(out.parent_path());
  // The default (characteristic) scheme, with no mesh to size, to a relative error of 1e-3 (the
  // order of the exit times is what is checked), a horizon that holds the longest memory; the
  // particles use 400 neurons.
  const std::string cmd = std::string(STF_BINARY_DIR) + "/stf sweep " + STF_SOURCE_DIR +
                          "/cases/memory.toml --set time.end=20 --set solver.tolerance=1e-3 --vary initial.C.at=5:20:4 --neurons 400 "
                          "--replicas 8 --out " + out.string() + " > " + out.string() + ".log 2>&1";
  const int status = std::system(cmd.c_str());
  INFO("command: " << cmd << "\n" << read_text(out.string() + ".log"));
  REQUIRE(status == 0);
  const json j = json::parse(read_text(out / "sweep.json"));
  REQUIRE(j["points"].size() == 4);
  CHECK(fs::exists(out / "memory_curve.png"));
  // The base case is recorded resolved, with the overrides it was given.
  const std::string base = read_text(out / "case.toml");
  CHECK(base.find("tolerance = 0.001") != std::string::npos);
  CHECK(j["overrides"].size() == 2);
  CHECK(fs::exists(out / "sweep.csv"));
  double last_limit = -1.0, last_mean = -1.0;
  for (const auto& p : j["points"]) {
    INFO("c0 = " << p["value"].get<double>());
    REQUIRE(p["limit_exit_time"].is_number());
    const double tau = p["limit_exit_time"].get<double>();
    CHECK(tau > last_limit);
    last_limit = tau;
    REQUIRE(p["particles"]["exit_mean"].is_number());
    const double mean = p["particles"]["exit_mean"].get<double>();
    CHECK(mean > last_mean);
    last_mean = mean;
    // Each exit time with the limit's own error estimate, converged to the requested 1e-3.
    CHECK(p["limit_converged"] == true);
    REQUIRE(p["limit_exit_time_error"].is_number());
    CHECK(p["limit_exit_time_error"].get<double>() > 0.0);
    CHECK(p["limit_exit_time_error"].get<double>() <= 1e-3 * tau);
    for (const char* name : {"rate", "mean_calcium"}) {
      INFO(name);
      REQUIRE(p["limit_peak_error"][name].is_number());
      CHECK(p["limit_peak_error"][name].get<double>() > 0.0);
    }
  }
  const std::string csv = read_text(out / "sweep.csv");
  CHECK(csv.find("limit_exit_time,limit_exit_time_error,limit_converged,limit_peak_rate,limit_peak_rate_error") !=
        std::string::npos);
  // The same point through stf run: the same exit time and error estimate, to the bit.
  const fs::path run = out.string() + "_run_c0_10";
  const std::string run_cmd = std::string(STF_BINARY_DIR) + "/stf run " + STF_SOURCE_DIR +
                              "/cases/memory.toml --set time.end=20 --set solver.tolerance=1e-3 --set initial.C.at=10 --force --out " +
                              run.string() + " > " + run.string() + ".log 2>&1";
  INFO("command: " << run_cmd << "\n" << read_text(run.string() + ".log"));
  REQUIRE(std::system(run_cmd.c_str()) == 0);
  const json summary = json::parse(read_text(run / "summary.json"));
  const json& p10 = j["points"][1];
  REQUIRE(p10["value"].get<double>() == 10.0);
  CHECK(p10["limit_exit_time"].get<double>() == summary["exit_time"].get<double>());
  CHECK(p10["limit_exit_time_error"].get<double>() == summary["exit_time_error"].get<double>());
  CHECK(p10["limit_peak_error"]["rate"].get<double>() == summary["accuracy"]["observables"]["rate"]["error"].get<double>());
  // The printed table gives that exit time to the decimal of its error's second digit, and the error.
  const double tau10 = p10["limit_exit_time"].get<double>(), error10 = p10["limit_exit_time_error"].get<double>();
  const int decimals = 1 - static_cast<int>(std::floor(std::log10(error10)));
  std::ostringstream expected;
  expected.setf(std::ios::fixed);
  expected.precision(decimals);
  expected << tau10;
  const std::string log = read_text(out.string() + ".log");
  CHECK(log.find(" " + expected.str() + " ") != std::string::npos);
}

TEST_CASE("a value where the limit fails is recorded with its reason, and the sweep goes on")
{
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / "sweep_memory_failing_value";
  fs::remove_all(out);
  fs::create_directories(out.parent_path());
  // The MUSCL scheme on a mesh cut at u_max = 40: the stimulus c0 = 20 drives mass out through
  // u_max, so that value fails; c0 = 5 does not.
  const std::string cmd = std::string(STF_BINARY_DIR) + "/stf sweep " + STF_SOURCE_DIR +
                          "/cases/memory.toml --set time.end=8 --set solver.scheme=muscl --set mesh.u_max=40 --vary initial.C.at=5:20:2 --out " +
                          out.string() + " > " + out.string() + ".log 2>&1";
  const int status = std::system(cmd.c_str());
  INFO("command: " << cmd << "\n" << read_text(out.string() + ".log"));
  REQUIRE(status == 0);
  const json j = json::parse(read_text(out / "sweep.json"));
  REQUIRE(j["points"].size() == 2);
  CHECK(j["points"][0]["status"] == "ok");
  CHECK(j["points"][0]["limit_exit_time"].is_number());
  // The MUSCL scheme on its fixed mesh (no solver.tolerance) gives no error estimate: null, not 0.
  CHECK(j["points"][0]["limit_exit_time_error"].is_null());
  CHECK(j["points"][0]["limit_converged"].is_null());
  CHECK(j["points"][1]["status"] == "failed");
  CHECK(j["points"][1]["error"].get<std::string>().find("u_max") != std::string::npos);
  const std::string csv = read_text(out / "sweep.csv");
  CHECK(csv.find("failed") != std::string::npos);
}
