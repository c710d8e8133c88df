// `stf report --quick` on a shipped case (STF_REPORT_CASE, default memory): report.json has every
// section with finite numbers, and report.html embeds every figure that report.json lists; the
// exit-time law has its fits and figures (memory: the limit exits; persistent: it does not).
#include <doctest/doctest.h>

#include <cctype>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../support/files.hpp"
#include "validation/base64.hpp"

namespace fs = std::filesystem;
using stf::test::read_text;
using nlohmann::json;

namespace {

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

bool lists_figure(const json& figures, const std::string& stem)
{
  for (const auto& f : figures)
    if (f["file"] == "figures/" + stem + ".png") return true;
  return false;
}

// The step curves (series "N = ...") of a distribution-function figure's CSV: each rises from 0
// and never leaves [0, 1]; returns how many there are.
int check_distribution_functions(const fs::path& csv)
{
  std::istringstream in(read_text(csv));
  std::string line, series;
  std::getline(in, line);  // the header
  double previous = 0.0;
  int curves = 0;
  while (std::getline(in, line)) {
    if (line.rfind("N = ", 0) != 0) continue;  // blank lines between series, and the reference law
    std::vector<std::string> field;
    std::istringstream row(line);
    for (std::string f; std::getline(row, f, ',');) field.push_back(f);
    REQUIRE(field.size() >= 3);
    const double y = std::stod(field[2]);
    CAPTURE(line);
    if (field[0] != series) {
      series = field[0];
      ++curves;
      CHECK(y == 0.0);
    } else {
      CHECK(y >= previous);
    }
    CHECK(y >= 0.0);
    CHECK(y <= 1.0);
    previous = y;
  }
  return curves;
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

  // The exit-time law: every size classified; spreads inside their intervals; with the limit's exit
  // time, the bias fit and its figures; without it (the limit stays active), the exponential figure.
  REQUIRE(j.contains("exit_law"));
  const auto& law = j["exit_law"];
  REQUIRE(law["levels"].size() == 3);
  for (const auto& l : law["levels"]) {
    const std::string regime = l["regime"].get<std::string>();
    CHECK((regime == "deterministic" || regime == "metastable" || regime == "undetermined"));
    CHECK_FALSE(l["regime_reason"].get<std::string>().empty());
    if (l["spread_sqrtN_sd"].is_null()) continue;
    const auto& sp = l["spread_sqrtN_sd"];
    require_finite(sp["value"], "spread");
    require_finite(sp["ci_low"], "spread ci_low");
    require_finite(sp["ci_high"], "spread ci_high");
    CHECK(sp["ci_low"].get<double>() <= sp["value"].get<double>());
    CHECK(sp["value"].get<double>() <= sp["ci_high"].get<double>());
  }
  const auto& figures_listed = j["figures"];
  if (name == "memory") {
    require_finite(law["tau_inf"], "tau_inf");
    REQUIRE(law["bias_fit"].is_object());
    for (const char* key : {"slope", "slope_low", "slope_high"}) require_finite(law["bias_fit"][key], key);
    CHECK(law["bias_fit"]["slope_low"].get<double>() <= law["bias_fit"]["slope"].get<double>());
    CHECK(law["bias_fit"]["slope"].get<double>() <= law["bias_fit"]["slope_high"].get<double>());
    REQUIRE(law["spread_fit"].is_object());
    for (const char* key : {"intercept", "intercept_low", "intercept_high"}) require_finite(law["spread_fit"][key], key);
    CHECK(lists_figure(figures_listed, "exit_bias"));
    CHECK(lists_figure(figures_listed, "exit_spread"));
    REQUIRE(lists_figure(figures_listed, "exit_standardised"));
    CHECK(check_distribution_functions(out / "data" / "exit_standardised.csv") == 3);
  }
  if (name == "persistent") {
    CHECK(law["tau_inf"].is_null());
    CHECK(law["bias_fit"].is_null());
    CHECK_FALSE(lists_figure(figures_listed, "exit_bias"));
    CHECK_FALSE(lists_figure(figures_listed, "exit_standardised"));
    CHECK_FALSE(lists_figure(figures_listed, "exit_spread"));  // every size has censored runs
    REQUIRE(lists_figure(figures_listed, "exit_scaled_exponential"));
    CHECK(check_distribution_functions(out / "data" / "exit_scaled_exponential.csv") >= 1);
  }

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
