// Options shared by the commands that read a case: the case file and its --set overrides.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "model/case_reader.hpp"

namespace stf::app {

struct CaseOptions {
  std::string case_file;
  std::vector<std::string> overrides;
  model::SectionsUsed used;  // the sections the command reads (checks tied to time.end are made for these only)

  /// Adds the CASE positional and the repeatable --set option to `command`.
  void add_to(CLI::App& command);
  /// Reads and validates the case (throws model::InputError).
  model::Case read() const;
};

}  // namespace stf::app
