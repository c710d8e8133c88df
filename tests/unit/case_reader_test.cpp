// Case files: defaults, --set overrides, the resolved round trip, and every class of input error
// (each must name the file, the line and the key).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "model/case_limits.hpp"
#include "model/case_reader.hpp"
#include "model/input_error.hpp"

using namespace stf::model;

namespace {

const std::string minimal = R"(name = "t"
[model]
phi = { kind = "hill", phi_max = 5.0, theta = 1.0, kappa = 4.0 }
leak_U = { law = "exponential", alpha = 1.0 }
leak_C = { law = "linear", beta = 6.0 }
[initial]
U = { law = "dirac", at = 2.0 }
C = { law = "dirac", at = 10.0 }
[region]
rate = { min = 0.5 }
[time]
end = 30.0
)";

/// Replaces the first occurrence of `from` in the minimal case by `to`.
std::string edited(const std::string& from, const std::string& to)
{
  std::string text = minimal;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// The error raised by reading `text` (fails the test if none is raised).
InputError error_of(const std::string& text, const std::vector<std::string>& overrides = {})
{
  try {
    (void)read_case_text(text, "case.toml", overrides);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError");
  return InputError("", 0, "", "");
}

}  // namespace

TEST_CASE("defaults are filled in")
{
  const Case c = read_case_text(minimal, "dir/t.toml");
  CHECK(c.name == "t");
  CHECK(c.model.w0 == 0.0);
  CHECK(c.model.w1 == 1.0);
  CHECK(c.model.reset);
  CHECK(c.model.u_reset == 0.0);
  CHECK(c.model.input.is_zero());
  CHECK(c.time.sample == doctest::Approx(0.03).scale(0.0));
  CHECK(c.mesh.u_max_auto);
  CHECK(c.mesh.u_max >= 2.0);
  CHECK(c.mesh.c_max >= 10.0);
  CHECK(c.mesh.cells_c() == static_cast<long>(c.mesh.c_max * 4 + 0.5));
  CHECK(c.solver.limiter == "mc");
  CHECK(c.particles.neurons == 1000);
  CHECK(c.report.times.size() == 3);
  REQUIRE(c.region.thresholds.size() == 1);
  CHECK(*c.region.thresholds[0].min == 0.5);
}

TEST_CASE("the name defaults to the file's stem")
{
  std::string text = minimal;
  text.erase(0, text.find('\n') + 1);
  CHECK(read_case_text(text, "cases/my_case.toml").name == "my_case");
}

TEST_CASE("--set overrides any key with the same validation")
{
  const Case c = read_case_text(minimal, "t.toml",
                                {"initial.C.at=20", "model.w0=0.5", "model.phi.theta=1.5", "model.phi.kappa=1",
                                 "particles.seed=7", "mesh.u_max=80", "model.I={ base = 0.25 }"});
  CHECK(c.initial.C.at == 20.0);
  CHECK(c.model.w0 == 0.5);
  CHECK(c.particles.seed == 7);
  CHECK(c.mesh.u_max == 80.0);
  CHECK_FALSE(c.mesh.u_max_auto);
  CHECK(c.model.input.base() == 0.25);
  CHECK(c.model.phi.theta == 1.5);
  CHECK(c.model.phi.kappa == 1.0);
  CHECK(c.overrides.size() == 7);
}

TEST_CASE("a --set of a key the rate family does not use is an error naming the override")
{
  const InputError e = error_of(minimal, {"model.phi.kind=sigmoid", "model.phi.s=0.3"});
  CHECK(e.key() == "model.phi.kappa");  // hill's kappa is not a sigmoid parameter
  CHECK(e.file() == "case.toml");
  CHECK(e.line() == 3);
  const InputError o = error_of(minimal, {"model.alpah=3"});
  CHECK(o.file() == "--set model.alpah=3");
  CHECK(std::string(o.what()).find("unknown key") != std::string::npos);
  const InputError bad = error_of(minimal, {"time.end"});
  CHECK(std::string(bad.what()).find("KEY=VALUE") != std::string::npos);
  const InputError range = error_of(minimal, {"time.end=-1"});
  CHECK(range.key() == "time.end");
  CHECK(range.file() == "--set time.end=-1");
}

TEST_CASE("the resolved case reads back to the same case")
{
  const Case c = read_case_text(minimal, "t.toml", {"model.I={ base = 0.5, pulses = [{ start = 1, end = 2, amplitude = 3 }] }",
                                                    "solver.snapshots=[1.0, 2.5]", "solver.scheme=muscl", "report.neurons=[10, 100]"});
  const std::string text = to_toml(c);
  const Case again = read_case_text(text, "resolved.toml");
  // The same text, except that the extents are now given rather than "auto".
  std::string expected = text;
  for (auto at = expected.find("  # auto"); at != std::string::npos; at = expected.find("  # auto"))
    expected.erase(at, 8);
  CHECK(to_toml(again) == expected);
  CHECK(again.mesh.u_max == c.mesh.u_max);
  CHECK(again.mesh.c_max == c.mesh.c_max);
  CHECK(again.model.input.pulses().size() == 1);
}

TEST_CASE("malformed TOML names the line")
{
  const InputError e = error_of(minimal + "\n[time\nend = 3\n");
  CHECK(e.line() == 14);
  CHECK(std::string(e.what()).find("malformed TOML") != std::string::npos);
}

TEST_CASE("unknown keys are errors with a suggestion and the line")
{
  const InputError e = error_of(edited("[time]\nend", "[time]\nnd = 3\nend"));
  CHECK(e.key() == "time.nd");
  CHECK(e.line() == 12);
  CHECK(std::string(e.what()).find("did you mean 'end'") != std::string::npos);
  const InputError section = error_of(minimal + "[partcles]\nneurons = 10\n");
  CHECK(section.key() == "partcles");
  CHECK(std::string(section.what()).find("did you mean 'particles'") != std::string::npos);
  const InputError inline_key = error_of(edited("kappa = 4.0", "kapa = 4.0"));
  CHECK(inline_key.key() == "model.phi.kappa");  // the required kappa is missing first
}

TEST_CASE("wrong types")
{
  const InputError e = error_of(edited("end = 30.0", "end = \"thirty\""));
  CHECK(e.key() == "time.end");
  CHECK(e.line() == 12);
  CHECK(std::string(e.what()).find("expected a number") != std::string::npos);
  const InputError i = error_of(minimal + "[particles]\nneurons = 10.5\n");
  CHECK(i.key() == "particles.neurons");
  CHECK(std::string(i.what()).find("expected an integer") != std::string::npos);
  const InputError t = error_of(edited("leak_U = { law = \"exponential\", alpha = 1.0 }", "leak_U = 1.0"));
  CHECK(t.key() == "model.leak_U");
  CHECK(t.line() == 4);
}

TEST_CASE("missing required keys")
{
  const InputError e = error_of(edited("theta = 1.0, ", ""));
  CHECK(e.key() == "model.phi.theta");
  CHECK(e.line() == 3);
  CHECK(std::string(e.what()).find("required key is missing") != std::string::npos);
  const InputError section = error_of(edited("[time]\nend = 30.0\n", ""));
  CHECK(section.key() == "time");
}

TEST_CASE("out-of-range values")
{
  struct Bad {
    std::string from, to, key;
  };
  const Bad cases[] = {
      {"alpha = 1.0", "alpha = -1.0", "model.leak_U.alpha"},
      {"beta = 6.0", "beta = -6.0", "model.leak_C.beta"},
      {"phi_max = 5.0", "phi_max = 0.0", "model.phi.phi_max"},
      {"kappa = 4.0", "kappa = -4.0", "model.phi.kappa"},
      {"end = 30.0", "end = 0.0", "time.end"},
      {"at = 2.0", "at = -2.0", "initial.U.at"},
      {"rate = { min = 0.5 }", "rate = { min = 0.5, max = 0.1 }", "region.rate.max"},
      {"rate = { min = 0.5 }", "rate = { }", "region.rate"},
      {"[time]\nend = 30.0", "[time]\nend = 30.0\nsample = 31.0", "time.sample"},
  };
  for (const auto& bad : cases) {
    CAPTURE(bad.to);
    const InputError e = error_of(edited(bad.from, bad.to));
    CHECK(e.key() == bad.key);
    CHECK(e.line() > 0);
  }
  const InputError kind = error_of(edited("kind = \"hill\"", "kind = \"hil\""));
  CHECK(kind.key() == "model.phi.kind");
  CHECK(std::string(kind.what()).find("did you mean 'hill'") != std::string::npos);
  const InputError law = error_of(edited("law = \"linear\"", "law = \"quadratic\""));
  CHECK(law.key() == "model.leak_C.law");
}

TEST_CASE("what the characteristic scheme does not do is refused when the case is read")
{
  CHECK(error_of(minimal, {"solver.snapshots=[0.5]"}).key() == "solver.snapshots");
  CHECK_NOTHROW(read_case_text(minimal, "t.toml", {"solver.snapshots=[0.5]", "solver.scheme=muscl"}));
  // Without reset, both schemes take both calcium leaks (the minimal case's is linear).
  const std::string no_reset = edited("[model]", "[model]\nreset = false");
  CHECK_NOTHROW(read_case_text(no_reset, "t.toml"));
  CHECK_NOTHROW(read_case_text(no_reset, "t.toml", {"solver.scheme=muscl"}));
  CHECK_NOTHROW(read_case_text(no_reset, "t.toml", {"model.leak_C={ law = \"exponential\", beta = 1.0 }"}));
}

TEST_CASE("a case that never leaves u = 0 gets a positive automatic u_max, and its case.toml reads back")
{
  // Found by the case fuzzer: the estimate was 0, written as u_max = 0, refused when read back.
  const std::vector<std::string> at_zero{"model.phi={ kind = \"constant\", lambda = 0.0 }", "initial.U={ law = \"dirac\", at = 0.0 }"};
  const Case c = read_case_text(minimal, "t.toml", at_zero);
  CHECK(c.mesh.u_max == 1.0);
  CHECK_NOTHROW(read_case_text(to_toml(c), "resolved.toml"));
}

TEST_CASE("an unbounded rate needs mesh.u_max for the MUSCL scheme only, and its case.toml reads back")
{
  // phi = 0.1 + u bounds no potential a priori: the MUSCL scheme's mesh needs mesh.u_max; the
  // characteristic scheme has no mesh, and the resolved case writes u_max = "auto".
  const std::vector<std::string> linear_rate{"model.phi={ kind = \"linear\", lambda0 = 0.1, gamma = 1.0 }"};
  const Case c = read_case_text(minimal, "t.toml", linear_rate);
  CHECK_FALSE(std::isfinite(c.mesh.u_max));
  CHECK_FALSE(std::isfinite(c.mesh.c_max));
  const Case back = read_case_text(to_toml(c), "resolved.toml");
  CHECK_FALSE(std::isfinite(back.mesh.u_max));
  CHECK_FALSE(std::isfinite(back.mesh.c_max));
  CHECK(back.model.phi == c.model.phi);
  // stf report's mesh study is MUSCL's: refused there, at the key.
  try {
    check_report_resources(c, 0);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.key() == "mesh.u_max");
  }
  std::vector<std::string> muscl = linear_rate;
  muscl.push_back("solver.scheme=muscl");
  CHECK(error_of(minimal, muscl).key() == "mesh.u_max");
  muscl.push_back("mesh.u_max=40");
  // mesh.u_max caps the rate on the mesh (phi(40) = 40.1), and so the automatic calcium extent: at
  // least the mean spike count at that rate over the horizon (it was an overflowing 1e13 from the
  // diverging estimate, refused at mesh.c_max).
  const Case capped = read_case_text(minimal, "t.toml", muscl);
  CHECK(std::isfinite(capped.mesh.c_max));
  CHECK(capped.mesh.c_max >= (40.1 - capped.model.beta()) * capped.time.end);
  CHECK(capped.mesh.c_max < 1e4);
  muscl.push_back("mesh.c_max=40");
  CHECK_NOTHROW(read_case_text(minimal, "t.toml", muscl));
}

TEST_CASE("a mesh too small for the stimulus")
{
  // The mesh is the MUSCL scheme's: the characteristic scheme (the default) has none to check.
  CHECK_NOTHROW(read_case_text(minimal + "[mesh]\nu_max = 1.5\n", "t.toml"));
  const std::vector<std::string> muscl{"solver.scheme=muscl"};
  const InputError u = error_of(minimal + "[mesh]\nu_max = 1.5\n", muscl);
  CHECK(u.key() == "mesh.u_max");
  CHECK(u.line() == 14);
  CHECK(std::string(u.what()).find("too small for the stimulus") != std::string::npos);
  const InputError c = error_of(minimal + "[mesh]\nc_max = 8\n", muscl);
  CHECK(c.key() == "mesh.c_max");
  const InputError cells = error_of(minimal + "[mesh]\ncells_u = 2\n", muscl);
  CHECK(cells.key() == "mesh.cells_u");
}

TEST_CASE("contradictions are errors, not silently ignored")
{
  const InputError e = error_of(edited("[initial]", "reset = false\nu_reset = 1.0\n[initial]"));
  CHECK(e.key() == "model.u_reset");
  const InputError grace = error_of(edited("rate = { min = 0.5 }", "rate = { min = 0.5 }\nt_grace = 40"));
  CHECK(grace.key() == "region.t_grace");
}

TEST_CASE("an unreadable file")
{
  CHECK_THROWS_AS(read_case("/nonexistent/case.toml"), InputError);
}

TEST_CASE("every shipped case is valid")
{
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(STF_SOURCE_DIR) / "cases")) {
    if (entry.path().extension() != ".toml") continue;
    CAPTURE(entry.path().string());
    CHECK_NOTHROW((void)read_case(entry.path()));
    ++count;
  }
  CHECK(count >= 6);
}

TEST_CASE("the calcium extent holds at least the two cells the grid needs")
{
  const std::string text = edited("C = { law = \"dirac\", at = 10.0 }", "C = { law = \"dirac\", at = 0.0 }");
  const Case c = read_case_text(text, "t.toml", {"mesh.c_max=1", "mesh.cells_per_unit_c=1"});
  CHECK(c.mesh.c_max == 2.0);
  CHECK(c.mesh.cells_c() == 2);
}

TEST_CASE("a description with control characters and escapes reads back from case.toml")
{
  std::string description = "tab\there, quote \" backslash \\ bell \a escape \x1b[31m del \x7f, \xc3\xa9t\xc3\xa9";
  for (char ch = 1; ch < 0x20; ++ch) description += ch;
  Case c = read_case_text(minimal, "t.toml");
  c.description = description;
  const Case again = read_case_text(to_toml(c), "resolved.toml");
  CHECK(again.description == description);
}

TEST_CASE("a case name is one plain folder name")
{
  for (const std::string name : {"\"..\"", "\".\"", "\"a/b\"", "\"a\\\\b\"", "\"a b\"", "\"a\\nb\"", "\"a\\u0001\"", "\"\""})
    CHECK(error_of(edited("name = \"t\"", "name = " + name)).key() == "name");
  CHECK(error_of(edited("name = \"t\"", "name = \"" + std::string(201, 'x') + "\"")).key() == "name");
  CHECK(read_case_text(edited("name = \"t\"", "name = \"" + std::string(200, 'x') + "\""), "t.toml").name.size() == 200);
  CHECK(error_of(minimal, {"description=\xff\xfe"}).key() == "description");
}

TEST_CASE("a negative zero is read as zero, so case.toml reads back the same")
{
  // The fuzzer's finding: alpha = -0.0 was written "-0", which TOML reads as the integer 0.
  const Case c = read_case_text(minimal, "t.toml", {"model.leak_U.alpha=-0.0", "solver.scheme=muscl", "solver.snapshots=[-0.0, 1.0]"});
  CHECK(c.model.alpha() == 0.0);
  CHECK_FALSE(std::signbit(c.model.alpha()));
  REQUIRE(c.solver.snapshots.size() == 2);
  CHECK_FALSE(std::signbit(c.solver.snapshots[0]));
  const std::string written = to_toml(c);
  CHECK(written.find("alpha = 0 }") != std::string::npos);
  CHECK(written.find("snapshots = [0, 1]") != std::string::npos);
  CHECK_FALSE(std::signbit(read_case_text(written, "resolved.toml").model.alpha()));
}

TEST_CASE("only well-formed UTF-8 from --set is accepted, and what is accepted reads back from case.toml")
{
  // Byte sequences that a shell passes through but the TOML parser refuses in case.toml: a lead
  // byte beyond U+10FFFF (the fuzzer's finding: F6 9A 91 92), above U+10FFFF from F4, overlong
  // forms, a surrogate, a truncated sequence, a stray continuation byte.
  for (const std::string bad : {"\xf6\x9a\x91\x92", "\xf4\x90\x80\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf",
                                "\xed\xa0\x80", "\xe2\x82", "\x80"}) {
    CHECK(error_of(minimal, {"description=x" + bad + "y"}).key() == "description");
    CHECK(error_of(minimal, {"name=x" + bad + "y"}).key() == "name");
  }
  // The extremes of each length: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF.
  const std::string good = "\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf";
  const Case c = read_case_text(minimal, "t.toml", {"description=" + good});
  CHECK(c.description == good);
  CHECK(read_case_text(to_toml(c), "resolved.toml").description == good);
}

TEST_CASE("scales that overflow a double, work without end and memory beyond the machine are refused at their key")
{
  const std::vector<std::pair<std::string, std::string>> hostile{
      {"model.w1=1e300", "model.w1"},
      {"initial.U.at=1e300", "initial.U"},
      {"model.u_reset=1e300", "model.u_reset"},
      {"model.phi.phi_max=1e308", "model.phi.phi_max"},
      {"model.leak_U.alpha=1e15", "model.leak_U.alpha"},
      {"model.leak_C.beta=1e300", "model.leak_C.beta"},
      {"model.leak_U.alpha=1e8", "model.leak_U.alpha"},  // finite, but 3e9 relaxations over time.end = 30
      {"model.I={ base = 0, pulses = [{ start = 0, end = 1, amplitude = 1e308 }] }", "model.I"},
      {"mesh.c_max=1e19", "mesh.c_max"},
      {"mesh.cells_u=100000000", "mesh.cells_u"},  // beyond 32-bit indices
      {"time.sample=1e-6", "time.sample"},
      {"particles.neurons=1000000000000000", "particles.neurons"},
      {"solver.wall_budget=0", "solver.wall_budget"},
      {"solver.wall_budget=1e8", "solver.wall_budget"},
  };
  for (const auto& [set, key] : hostile) {
    CAPTURE(set);
    // Mesh sizes are checked for the scheme that uses them.
    const bool mesh = set.rfind("mesh.", 0) == 0;
    CHECK(error_of(minimal, mesh ? std::vector<std::string>{"solver.scheme=muscl", set} : std::vector<std::string>{set})
              .key() == key);
  }
  // The boundaries themselves are accepted.
  CHECK_NOTHROW(read_case_text(minimal, "t.toml", {"model.w1=1e3", "model.leak_U.alpha=1e6"}));
  const Case budget = read_case_text(minimal, "t.toml", {"solver.wall_budget=1e7"});
  CHECK(budget.solver.wall_budget == 1e7);
  CHECK(read_case_text(to_toml(budget), "case.toml").solver.wall_budget == 1e7);
}

TEST_CASE("a section's times are checked against time.end only by the commands that read it")
{
  const std::string text = minimal + "[report]\ntimes = [2.5]\n[solver]\nsnapshots = [2.5]\n";
  const std::vector<std::string> shorter{"time.end=2"};
  // stf check and stf report read [report]: the time beyond the horizon is an error there.
  const InputError all = error_of(text, shorter);
  CHECK(all.key() == "solver.snapshots");
  CHECK_THROWS_AS((void)read_case_text(text, "t.toml", shorter, SectionsUsed{.solver = false, .report = true}), InputError);
  // stf run reads [solver] but not [report]; stf simulate reads neither.
  CHECK_THROWS_AS((void)read_case_text(text, "t.toml", shorter, SectionsUsed{.solver = true, .report = false}), InputError);
  const Case simulate = read_case_text(text, "t.toml", shorter, SectionsUsed{.solver = false, .report = false});
  CHECK(simulate.time.end == 2.0);
  const Case run = read_case_text(minimal + "[report]\ntimes = [2.5]\n", "t.toml", shorter,
                                  SectionsUsed{.solver = true, .report = false});
  CHECK(run.report.times == std::vector<double>{2.5});
  // A misspelt key is an error in every section, read or not.
  const std::string typo = minimal + "[report]\ntimez = [1.0]\n";
  CHECK_THROWS_AS((void)read_case_text(typo, "t.toml", {}, SectionsUsed{.solver = false, .report = false}), InputError);
  // Negative times are wrong whatever the horizon.
  CHECK_THROWS_AS((void)read_case_text(minimal + "[report]\ntimes = [-1.0]\n", "t.toml", {},
                                       SectionsUsed{.solver = false, .report = false}),
                  InputError);
}

TEST_CASE("report.exit_horizon: time.end when absent, at least time.end for stf report, read back as written")
{
  const Case plain = read_case_text(minimal, "t.toml", {});
  CHECK(plain.report.exit_horizon == plain.time.end);
  const std::string text = minimal + "[report]\nexit_horizon = 400.0\n";
  const Case longer = read_case_text(text, "t.toml", {});
  CHECK(longer.report.exit_horizon == 400.0);
  CHECK(read_case_text(to_toml(longer), "case.toml", {}).report == longer.report);
  // Shorter than the horizon of the limit: refused where [report] is read, at its key.
  const InputError shorter = error_of(minimal + "[report]\nexit_horizon = 0.5\n", {});
  CHECK(shorter.key() == "report.exit_horizon");
  CHECK_NOTHROW((void)read_case_text(minimal + "[report]\nexit_horizon = 0.5\n", "t.toml", {},
                                     SectionsUsed{.solver = true, .report = false}));
  CHECK(error_of(minimal + "[report]\nexit_horizon = -1.0\n", {}).key() == "report.exit_horizon");
}

TEST_CASE("whether the case had a [mesh] table is known (stf run notes that the characteristic scheme does not use it)")
{
  CHECK_FALSE(read_case_text(minimal, "t.toml", {}).mesh.given);
  CHECK(read_case_text(minimal + "[mesh]\ncells_u = 40\n", "t.toml", {}).mesh.given);
  CHECK(read_case_text(minimal, "t.toml", {"mesh.cells_u=40"}).mesh.given);
}
