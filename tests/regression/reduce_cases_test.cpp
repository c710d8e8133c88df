// `stf reduce --compare` on a shipped case (STF_REDUCE_CASE; short horizon, coarse mesh): every
// reduction's files are written and comparison.json holds finite errors against the limit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

#include "../support/files.hpp"

namespace fs = std::filesystem;
using stf::test::read_text;
using nlohmann::json;

namespace {


int run(const std::string& cmd)
{
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool finite_number(const json& j) { return j.is_number() && std::isfinite(j.get<double>()); }

}  // namespace

TEST_CASE("stf reduce --compare writes a finite comparison for the case")
{
  const char* env = std::getenv("STF_REDUCE_CASE");
  REQUIRE(env != nullptr);
  const std::string name = env;
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / ("reduce_" + name);
  fs::remove_all(out);
  fs::create_directories(out.parent_path());
  const std::string cmd = std::string(STF_BINARY_DIR) + "/stf reduce " + STF_SOURCE_DIR + "/cases/" + name +
                          ".toml --compare --set time.end=1 --set report.times=[0.5] --set mesh.cells_u=50 --out " +
                          out.string() + " > " + out.string() + ".log 2>&1";
  const int code = run(cmd);
  INFO("command: " << cmd << "\n" << read_text(out.string() + ".log"));
  REQUIRE(code == 0);
  const json j = json::parse(read_text(out / "comparison.json"));
  REQUIRE(j["limit"].is_object());
  CHECK(finite_number(j["limit"]["wall_seconds"]));
  REQUIRE(j["reductions"].size() == 3);
  for (const auto& r : j["reductions"]) {
    const std::string method = r["method"].get<std::string>();
    INFO("method " << method);
    CHECK(finite_number(r["wall_seconds"]));
    CHECK(r["steps"].get<long>() > 0);
    // Every observable the reduction defines is compared; naive and facilitation lack the variances.
    const auto& errors = r["max_errors_before_exit"];
    CHECK(errors.size() == (method == "moments" ? 6u : 4u));
    for (const auto& [obs, e] : errors.items()) {
      INFO("observable " << obs);
      CHECK(finite_number(e["max_abs"]));
      CHECK(finite_number(e["max_rel"]));
    }
    // An exit-time error exactly when both exit.
    const bool both = r["exit_time"].is_number() && j["limit"]["exit_time"].is_number();
    CHECK(finite_number(r["exit_error"]) == both);
    CHECK(fs::exists(out / method / "observables.csv"));
    const json summary = json::parse(read_text(out / method / "summary.json"));
    CHECK(summary["method"] == method);
    CHECK(finite_number(summary["abs_tol"]));
  }
  CHECK(fs::exists(out / "comparison.csv"));
  CHECK(fs::exists(out / "case.toml"));
  CHECK(fs::exists(out / "observable_rate.png"));
}

TEST_CASE("stf reduce rejects an unknown method with exit code 2 and writes nothing")
{
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / "reduce_bad_method";
  fs::remove_all(out);
  const std::string cmd = std::string(STF_BINARY_DIR) + "/stf reduce " + STF_SOURCE_DIR +
                          "/cases/memory.toml --method naiv --out " + out.string() + " > /dev/null 2>&1";
  CHECK(run(cmd) == 2);
  CHECK(!fs::exists(out));
}

TEST_CASE("stf sweep --method reduce:NAME tabulates a reduction's memory curve")
{
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / "reduce_sweep_naive";
  fs::remove_all(out);
  fs::create_directories(out.parent_path());
  const std::string cmd = std::string(STF_BINARY_DIR) + "/stf sweep " + STF_SOURCE_DIR +
                          "/cases/memory.toml --method reduce:naive --vary initial.C.at=5:20:200 --out " + out.string() +
                          " > " + out.string() + ".log 2>&1";
  const int code = run(cmd);
  INFO("command: " << cmd << "\n" << read_text(out.string() + ".log"));
  REQUIRE(code == 0);
  const json j = json::parse(read_text(out / "sweep.json"));
  CHECK(j["method"] == "reduce:naive");
  REQUIRE(j["points"].size() == 200);
  // The naive model remembers a stronger stimulus longer (docs/reductions.md §6: slope about 1).
  double last = -1.0;
  for (const auto& p : j["points"]) {
    REQUIRE(p["naive_exit_time"].is_number());
    const double tau = p["naive_exit_time"].get<double>();
    CHECK(tau > last);
    last = tau;
  }
  CHECK(fs::exists(out / "memory_curve.png"));
  // The finite network is compared with the limit, not with a reduction: refused, nothing written.
  const fs::path refused = out.string() + "_neurons";
  fs::remove_all(refused);
  CHECK(run(std::string(STF_BINARY_DIR) + "/stf sweep " + STF_SOURCE_DIR +
            "/cases/memory.toml --method reduce:naive --neurons 100 --vary initial.C.at=5:20:3 --out " +
            refused.string() + " > /dev/null 2>&1") == 2);
  CHECK(!fs::exists(refused));
}
