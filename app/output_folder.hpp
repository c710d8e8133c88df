// The output folder of a command, made by rank 0 before any collective work.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/app_context.hpp"
#include "io/output_folder.hpp"

namespace stf::app {

/// Rank 0 makes the (staged) output folder `out` with `subfolders` inside; every rank learns
/// whether that worked, so that all of them stop together instead of leaving the others waiting in
/// a collective call. Throws io::OutputExistsError (the folder exists and `force` is false) or
/// io::IoError (it cannot be made) on every rank. `folder` is set on rank 0 only. `case_file` is the
/// case the command read: the output folder must not hold it (see io::OutputFolder).
void open_output_folder(const AppContext& context, const std::filesystem::path& out, bool force,
                        const std::filesystem::path& case_file, std::optional<io::OutputFolder>& folder,
                        const std::vector<std::string>& subfolders = {});

}  // namespace stf::app
