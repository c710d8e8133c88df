// See case_input_check.hpp. The case is read by the functions the commands use (read_case_text,
// the same parser, overrides, validation and case limits as read_case), and written by the
// function that writes case.toml into every output folder (to_toml).
#include "fuzz/case_input_check.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "model/case_reader.hpp"
#include "model/input_error.hpp"

namespace stf::fuzz {

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail)
{
  std::fprintf(stderr, "case fuzzer finding: %s\n%s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

/// The case.toml of `c` read back with the same sections must give the same case, field by field.
/// Four fields are not the case's content and are carried over before the comparison: the file it
/// came from, the --set arguments (applied, so case.toml has their values), the auto marks of the
/// mesh extents (comments in case.toml: the value read back is explicit) and whether the input had
/// a [mesh] table (case.toml always has one). The texts written from both must match too.
void check_round_trip(const model::Case& c, model::SectionsUsed used)
{
  const std::string written = model::to_toml(c);
  model::Case back;
  try {
    back = model::read_case_text(written, "case.toml", {}, used);
  } catch (const model::InputError& e) {
    finding("the case.toml of an accepted case is refused", std::string(e.what()) + "\n--- case.toml:\n" + written);
  } catch (const std::exception& e) {
    finding("the case.toml of an accepted case throws", std::string(e.what()) + "\n--- case.toml:\n" + written);
  }
  back.source = c.source;
  back.overrides = c.overrides;
  back.mesh.u_max_auto = c.mesh.u_max_auto;
  back.mesh.c_max_auto = c.mesh.c_max_auto;
  back.mesh.given = c.mesh.given;
  const std::string rewritten = model::to_toml(back);
  if (rewritten != written)
    finding("case.toml does not read back as the same case",
            "--- case.toml:\n" + written + "--- read back and written again:\n" + rewritten);
  if (!(back == c))
    finding("case.toml does not read back as the same case: a field is lost in writing", "--- case.toml:\n" + written);
}

bool read_and_check(const CaseInput& input, model::SectionsUsed used)
{
  model::Case c;
  try {
    c = model::read_case_text(input.text, "fuzz.toml", input.overrides, used);
  } catch (const model::InputError& e) {
    // The exit-2 path: fine, if it says what is wrong.
    if (std::string(e.what()).empty() || e.file().empty()) finding("an InputError without a message or a file", e.what());
    return false;
  } catch (const std::exception& e) {
    finding("the reader threw something other than an InputError", e.what());
  } catch (...) {
    finding("the reader threw something other than an InputError", "(not a std::exception)");
  }
  check_round_trip(c, used);
  return true;
}

}  // namespace

CaseInput split_input(const std::uint8_t* data, std::size_t size)
{
  CaseInput input;
  const std::string all(reinterpret_cast<const char*>(data), size);
  std::size_t nul = all.find('\0');
  input.text = all.substr(0, nul);
  while (nul != std::string::npos) {
    const std::size_t next = all.find('\0', nul + 1);
    input.overrides.push_back(all.substr(nul + 1, next == std::string::npos ? std::string::npos : next - nul - 1));
    nul = next;
  }
  return input;
}

int check_case_input(const std::uint8_t* data, std::size_t size)
{
  const CaseInput input = split_input(data, size);
  int accepted = 0;
  accepted += read_and_check(input, model::SectionsUsed{});                                 // stf check, run, report
  accepted += read_and_check(input, model::SectionsUsed{.solver = false, .report = false});  // stf simulate
  return accepted;
}

}  // namespace stf::fuzz
