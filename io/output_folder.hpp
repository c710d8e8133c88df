// Run folders that appear complete or not at all, and that never destroy what stf did not write.
// Files are written into a staging folder, a sibling of the target, that commit() renames to the
// final name. The target is normalised (trailing slashes, "." and "..", symbolic links) and checked
// when the folder is opened, before any computation: --force replaces only a folder that stf itself
// wrote (it holds the marker file `.stf-output`), never the working directory or one of its
// ancestors, and never a folder that holds a protected path (the case file).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace stf::io {

/// A write failed (disk full, permissions, ...): the run cannot continue.
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The output folder cannot be used as asked (it exists without --force, it is not stf's, it holds
/// the working directory or the case file, ...): a usage error, found before any computation.
struct OutputExistsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The file that marks a folder as written by stf (in every output folder, from the staging on).
inline constexpr const char* output_marker = ".stf-output";

/// The absolute, normalised form of `target`: no trailing slash, no "." or "..", symbolic links
/// resolved (a dangling one is refused with OutputExistsError, as is an empty path).
std::filesystem::path normalise_output_path(const std::filesystem::path& target);

class OutputFolder {
public:
  /// Checks the target (see the file comment; throws OutputExistsError), removes staging folders
  /// that dead stf processes left beside it, and makes the staging folder (IoError on failure).
  /// `protect`: paths (the case file) the target must not contain.
  OutputFolder(std::filesystem::path final_path, bool force, const std::vector<std::filesystem::path>& protect = {});
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  /// Where to write `name` while the run is in progress.
  std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  const std::filesystem::path& staging() const noexcept { return staging_; }
  const std::filesystem::path& final_path() const noexcept { return final_; }
  /// Replaces the existing folder (an stf one, checked again) by the staged one. The old folder is
  /// moved aside first and deleted only once the new one is in place: a failure keeps it.
  void commit();

private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool force_;
  bool committed_ = false;
};

/// Writes `text` to `path` through a temporary file and a rename; throws IoError on failure.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace stf::io
