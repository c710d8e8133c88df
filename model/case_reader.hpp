// Reading and validating case files (TOML): the whole case is parsed and checked before it is
// returned, and any problem is an InputError naming the file, the line and the key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/case.hpp"

namespace stf::model {

/// The sections beyond model, initial, time, region and mesh that a command reads. Every section is
/// parsed and its keys checked wherever it is (a misspelt key is always an error), but the checks that
/// tie a section to the rest of the case (snapshot and report times within time.end) are made only
/// when the command reads it: `stf run --set time.end=2` does not fail on report.times = [2.5].
struct SectionsUsed {
  bool solver = true;  // [solver]: run, report, sweep
  bool report = true;  // [report]: report only
};

/// Reads `path`, applies the `overrides` ("section.key=value", as given to --set, in order; a
/// value that is not valid TOML is taken as a string), validates everything and resolves defaults
/// (including the automatic mesh extents). Throws InputError.
/// `used` says which sections the caller reads (all by default, as for stf check).
Case read_case(const std::filesystem::path& path, const std::vector<std::string>& overrides = {},
               SectionsUsed used = {});

/// Same, from text (for tests); `source_name` stands for the file name in messages.
Case read_case_text(const std::string& text, const std::string& source_name,
                    const std::vector<std::string>& overrides = {}, SectionsUsed used = {});

/// The resolved case as a TOML document (every default filled in); reading it back gives the same case.
std::string to_toml(const Case& c);

}  // namespace stf::model
