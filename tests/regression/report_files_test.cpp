// `stf report --quick` on a shipped case (STF_REPORT_CASE, default memory): report.json has every
// section with finite numbers, and report.html embeds every figure that report.json lists.
#include <doctest/doctest.h>

#include <cctype>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "validation/base64.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_text(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string case_name()
{
  const char* c = std::getenv("STF_REPORT_CASE");
  return c && *c ? c : "memory";
}

// Every number in the document is finite; returns how many numbers there are.
long count_numbers(const json& j)
{
  long n = 0;
  if (j.is_number()) {
    CHECK(std::isfinite(j.get<double>()));
    return 1;
  }
  if (j.is_array() || j.is_object())
    for (const auto& v : j) n += count_numbers(v);
  return n;
}

void require_finite(const json& j, const std::string& what)
{
  INFO(what);
  REQUIRE(j.is_number());
  CHECK(std::isfinite(j.get<double>()));
}

}  // namespace

TEST_CASE("stf report --quick writes a complete report.json and a self-contained report.html")
{
  const std::string name = case_name();
  const fs::path out = fs::path(STF_BINARY_DIR) / "test-output" / ("report_quick_" + name);
  fs::remove_all(out);
  const std::string cmd = std::string(STF_BINARY_DIR) + "/stf report " + STF_SOURCE_DIR + "/cases/" + name +
                          ".toml --quick --out " + out.string() + " > " + out.string() + ".log 2>&1";
  fs::create_directories(out.parent_path());
  const int status = std::system(cmd.c_str());
  INFO("command: " << cmd << "\n" << read_text(out.string() + ".log"));
  REQUIRE(status == 0);
  REQUIRE(fs::exists(out / "report.json"));
  REQUIRE(fs::exists(out / "report.html"));
  REQUIRE(fs::exists(out / "case.toml"));

  const json j = json::parse(read_text(out / "report.json"));
  for (const char* section : {"settings", "mesh_study", "particles", "exit_times", "limit", "figures", "closing_note"})
    CHECK_MESSAGE(j.contains(section), section);
  CHECK(count_numbers(j) > 100);

  // Mesh study: every level with its numbers, and differences for every observable.
  const auto& levels = j["mesh_study"]["levels"];
  REQUIRE(levels.size() == 3);
  for (const auto& l : levels) {
    require_finite(l["du"], "du");
    require_finite(l["max_mass_error"], "max_mass_error");
    require_finite(l["wall_seconds"], "wall_seconds");
  }
  for (const auto& row : j["mesh_study"]["observables"]) {
    REQUIRE(row["differences"].size() == 2);
    for (const auto& d : row["differences"]) require_finite(d, row["quantity"].get<std::string>());
  }

  // Particles: every network size with its errors and fluctuations for every observable.
  const auto& plevels = j["particles"]["levels"];
  REQUIRE(plevels.size() == 3);
  for (const auto& l : plevels) {
    REQUIRE(l["sup_error"].size() == 6);
    for (const auto& [k, v] : l["sup_error"].items()) require_finite(v, "sup_error " + k);
    for (const auto& [k, v] : l["sup_std"].items()) require_finite(v, "sup_std " + k);
    REQUIRE(l["wasserstein"].size() == j["settings"]["times"].size());
    for (const auto& w : l["wasserstein"]) {
      require_finite(w["potential"], "W1 potential");
      require_finite(w["calcium"], "W1 calcium");
    }
  }
  bool fitted = false;
  for (const auto& f : j["particles"]["fits"])
    if (f["quantity"] == "std mean_calcium" && f["fit"].is_object()) {
      require_finite(f["fit"]["slope"], "slope");
      require_finite(f["fit"]["ci_low"], "ci_low");
      fitted = true;
    }
  CHECK(fitted);
  REQUIRE(j["exit_times"]["levels"].size() == 3);
  for (const auto& e : j["exit_times"]["levels"]) {
    require_finite(e["replicas"], "replicas");
    if (e["exited"].get<long>() > 0) {
      require_finite(e["mean"], "exit mean");
      require_finite(e["std"], "exit std");
      CHECK(e["quantiles"].size() == 5);
    }
  }
  CHECK_FALSE(j["closing_note"].get<std::string>().empty());

  // Every figure is a file and is embedded, byte for byte, in the HTML; no image is linked.
  const std::string html = read_text(out / "report.html");
  const auto& figures = j["figures"];
  REQUIRE(figures.size() >= 6);
  std::size_t embedded = 0;
  for (std::size_t pos = html.find("<img src=\""); pos != std::string::npos; pos = html.find("<img src=\"", pos + 1)) {
    CHECK(html.compare(pos + 10, 22, "data:image/png;base64,") == 0);
    ++embedded;
  }
  CHECK(embedded == figures.size());
  for (const auto& f : figures) {
    const fs::path png = out / f["file"].get<std::string>();
    REQUIRE(fs::exists(png));
    CHECK(html.find(stf::validation::png_data_uri(png)) != std::string::npos);
    // Its numbers: CSV files in data/ with a header of at least two columns.
    REQUIRE(!f["data"].empty());
    for (const auto& csv : f["data"]) {
      const fs::path path = out / csv.get<std::string>();
      CAPTURE(path.string());
      REQUIRE(fs::exists(path));
      const std::string text = read_text(path);
      const std::string header = text.substr(0, text.find('\n'));
      CHECK(header.find(',') != std::string::npos);
      CHECK(!header.empty());
      CHECK(std::isalpha(static_cast<unsigned char>(header.front())));  // names, not numbers
    }
  }
  for (const auto& entry : fs::directory_iterator(out / "figures")) CHECK(entry.path().extension() == ".png");
  CHECK(html.find("</html>") != std::string::npos);
}
