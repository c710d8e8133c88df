// Every benchmark answers --help (or -h) with its usage and options, before it starts MPI or reads
// anything, and names an argument it does not understand instead of guessing what it meant.
#pragma once

#include <cstdlib>
#include <fmt/core.h>
#include <string>
#include <string_view>

namespace stf::bench {

/// True (after printing `usage` to stdout) when the arguments ask for help.
inline bool asked_for_help(int argc, char** argv, std::string_view usage)
{
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      fmt::print("{}", usage);
      return true;
    }
  }
  return false;
}

/// `text` as a positive whole number, or 0 when it is not one.
inline long positive_integer(const char* text)
{
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  return (end != text && *end == '\0' && v > 0) ? v : 0;
}

}  // namespace stf::bench
