// `stf sweep` over two keys (the phase diagram): every grid point in sweep.csv with its status,
// a point where the limit fails recorded with its reason, the network at the chosen points only,
// the figure written, and the same sweep.csv on 2 ranks as on 1.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../support/files.hpp"

namespace fs = std::filesystem;
using stf::test::read_text;
using nlohmann::json;

namespace {


/// sweep.csv as rows of named fields (text, as written).
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p)
{
  std::istringstream in(read_text(p));
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream fields(line);
    while (std::getline(fields, field, ',')) out.push_back(field);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
  };
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto f = split(line);
    REQUIRE(f.size() == header.size());
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < f.size(); ++k) row[header[k]] = f[k];
    rows.push_back(row);
  }
  return rows;
}

/// Runs `stf sweep ARGS --out OUT` (under `launcher` if not empty) and returns its exit status.
int run_sweep(const std::string& launcher, const std::string& args, const fs::path& out)
{
  fs::remove_all(out);
  fs::create_directories(out.parent_path());
  const std::string cmd = launcher + std::string(STF_BINARY_DIR) + "/stf sweep " + STF_SOURCE_DIR + "/cases/memory.toml " +
                          args + " --out " + out.string() + " > " + out.string() + ".log 2>&1";
  const int status = std::system(cmd.c_str());
  INFO("command: " << cmd << "\n" << read_text(out.string() + ".log"));
  CHECK(status == 0);
  return status;
}

// The characteristic scheme (explicitly: not the default's business), a coarse tolerance and a
// short horizon: the weakest stimuli exit before t = 2, the stronger ones never do.
const std::string grid_args = "--set solver.scheme=characteristic --set solver.tolerance=1e-2 --set time.end=2 "
                              "--set time.sample=0.1 --vary initial.C.at=4:10:3 --vary model.w1=0.5:1:2";

}  // namespace

TEST_CASE("a two-key sweep tabulates every grid point with its status and draws the phase diagram")
{
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / "sweep_grid_characteristic";
  REQUIRE(run_sweep("", grid_args + " --neurons 100 --replicas 4 --particles-at 4,1", out) == 0);
  const auto rows = read_csv(out / "sweep.csv");
  REQUIRE(rows.size() == 6);
  // Every point of the grid, the second key varying fastest.
  const double c0[] = {4.0, 7.0, 10.0}, w1[] = {0.5, 1.0};
  std::map<std::pair<double, double>, double> exit_time;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& row = rows[k];
    INFO("row " << k);
    const double c = std::stod(row.at("initial.C.at")), w = std::stod(row.at("model.w1"));
    CHECK(c == c0[k / 2]);
    CHECK(w == w1[k % 2]);
    const std::string status = row.at("status");
    if (status == "ok") {
      REQUIRE(!row.at("limit_exit_time").empty());
      const double tau = std::stod(row.at("limit_exit_time"));
      CHECK(tau > 0.0);
      CHECK(tau < 2.0);
      exit_time[{c, w}] = tau;
      // With its error estimate, within the requested 1e-2.
      REQUIRE(!row.at("limit_exit_time_error").empty());
      CHECK(std::stod(row.at("limit_exit_time_error")) <= 1e-2 * tau);
    } else {
      CHECK(status == "no_exit");
      CHECK(row.at("limit_exit_time").empty());
      CHECK(row.at("limit_exit_time_error").empty());
    }
    CHECK(row.at("limit_converged") == "1");
    // The network ran at the chosen point only.
    const bool chosen = c == 4.0 && w == 1.0;
    CHECK(row.at("replicas") == (chosen ? "4" : ""));
    CHECK(row.at("exit_mean").empty() == !chosen);
  }
  // The weakest stimulus exits at both w1; the strongest never does before the horizon.
  CHECK(rows[0].at("status") == "ok");
  CHECK(rows[1].at("status") == "ok");
  CHECK(rows[4].at("status") == "no_exit");
  CHECK(rows[5].at("status") == "no_exit");
  // A stronger stimulus, or stronger facilitation, holds the memory longer (MODEL.md §4).
  CHECK(exit_time.at({4.0, 1.0}) > exit_time.at({4.0, 0.5}));
  CHECK(exit_time.at({7.0, 0.5}) > exit_time.at({4.0, 0.5}));
  // The network at N = 100 exits near the limit's time (fixed seed; within 4 standard errors).
  CHECK(std::abs(std::stod(rows[1].at("exit_mean")) - exit_time.at({4.0, 1.0})) < 4.0 * std::stod(rows[1].at("exit_stderr")));

  const json j = json::parse(read_text(out / "sweep.json"));
  CHECK(j["keys"] == json({"initial.C.at", "model.w1"}));
  REQUIRE(j["points"].size() == 6);
  CHECK(j["points"][1]["particles"]["replicas"] == 4);
  CHECK(j["points"][0]["particles"].is_null());
  CHECK(j["limit_points_shared_among_ranks"] == true);
  CHECK(j["figures"] == json({"phase_diagram.png"}));
  CHECK(fs::file_size(out / "phase_diagram.png") > 1000);
  // The figure's numbers: the exit times where there is one, the other points in their own block.
  const std::string figure_data = read_text(out / "phase_diagram.csv");
  CHECK(figure_data.find("no_exit,10,0.5,") != std::string::npos);
  CHECK(figure_data.find("ok,4,1,") != std::string::npos);
}

TEST_CASE("a grid point where the limit fails is recorded with its status and reason, and the sweep goes on")
{
  // MUSCL (all ranks on each point) on the memory case's mesh (u_max = 40): the stimulus c0 = 20
  // with facilitation drives mass out through u_max; without facilitation (w1 = 0) it does not.
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / "sweep_grid_failing_point";
  REQUIRE(run_sweep("",
                    "--set solver.scheme=muscl --set time.end=1 --set mesh.cells_u=40 --set mesh.u_max=40 "
                    "--vary initial.C.at=10:20:2 --vary model.w1=0:1:2",
                    out) == 0);
  const auto rows = read_csv(out / "sweep.csv");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].at("status") == "ok");       // c0 = 10, w1 = 0: the rate falls at once
  CHECK(rows[1].at("status") == "no_exit");  // c0 = 10, w1 = 1: the memory lasts beyond t = 1
  CHECK(rows[2].at("status") == "ok");
  CHECK(rows[3].at("status") == "failed");   // c0 = 20, w1 = 1
  CHECK(rows[3].at("limit_exit_time").empty());
  CHECK(rows[3].at("limit_peak_rate").empty());
  const json j = json::parse(read_text(out / "sweep.json"));
  REQUIRE(j["points"].size() == 4);
  CHECK(j["points"][3]["status"] == "failed");
  CHECK(j["points"][3]["error"].get<std::string>().find("u_max") != std::string::npos);
  CHECK(j["points"][0].count("error") == 0);
  CHECK(j["limit_points_shared_among_ranks"] == false);
  CHECK(fs::file_size(out / "phase_diagram.png") > 1000);
  CHECK(read_text(out / "phase_diagram.csv").find("failed,20,1,") != std::string::npos);
}

TEST_CASE("a two-key sweep on 2 ranks writes the same sweep.csv as on 1 rank")
{
  const fs::path one = fs::path(STF_BINARY_DIR) / "test-output" / "sweep_grid_1_rank";
  const fs::path two = fs::path(STF_BINARY_DIR) / "test-output" / "sweep_grid_2_ranks";
  REQUIRE(run_sweep("", grid_args, one) == 0);
  REQUIRE(run_sweep(std::string(STF_MPIEXEC) + " -n 2 --oversubscribe --allow-run-as-root ", grid_args, two) == 0);
  const std::string a = read_text(one / "sweep.csv"), b = read_text(two / "sweep.csv");
  CHECK(!a.empty());
  CHECK(a == b);
  const json j = json::parse(read_text(two / "sweep.json"));
  CHECK(j["ranks"] == 2);
  CHECK(j["points"] == json::parse(read_text(one / "sweep.json"))["points"]);
}
