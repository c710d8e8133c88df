// The property the case fuzzer checks, shared by the libFuzzer entry point and the corpus replay
// test: any bytes given as a case file and --set overrides either read into a case or are refused
// with an InputError (the exit-2 path), and every case read writes a case.toml that reads back as
// the same case. Anything else (another exception, a sanitizer report, a case.toml that does not
// read back) aborts, which libFuzzer reports as a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stf::fuzz {

/// An input split into the case text and the --set arguments: the case text runs up to the first
/// NUL byte, and every NUL after it starts a new override. Command-line arguments cannot hold a
/// NUL, so every list of --set arguments can be written this way.
struct CaseInput {
  std::string text;
  std::vector<std::string> overrides;
};

CaseInput split_input(const std::uint8_t* data, std::size_t size);

/// Reads the input as `stf check` does (every section) and as `stf simulate` does (particles
/// only), and checks the round trip of each case read; aborts on any finding.
/// Returns the number of readings accepted (0, 1 or 2).
int check_case_input(const std::uint8_t* data, std::size_t size);

}  // namespace stf::fuzz
