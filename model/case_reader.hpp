// Reading and validating case files (TOML): the whole case is parsed and checked before it is
// returned, and any problem is an InputError naming the file, the line and the key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/case.hpp"

namespace stf::model {

/// Reads `path`, applies the `overrides` ("section.key=value", as given to --set, in order; a
/// value that is not valid TOML is taken as a string), validates everything and resolves defaults
/// (including the automatic mesh extents). Throws InputError.
Case read_case(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

/// Same, from text (for tests); `source_name` stands for the file name in messages.
Case read_case_text(const std::string& text, const std::string& source_name,
                    const std::vector<std::string>& overrides = {});

/// The resolved case as a TOML document (every default filled in); reading it back gives the same case.
std::string to_toml(const Case& c);

}  // namespace stf::model
