// Run folders that appear complete or not at all: files are written into a staging folder that is
// renamed to its final name only by commit(); a failed run leaves no folder that looks complete.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace stf::io {

/// A write failed (disk full, permissions, ...): the run cannot continue.
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The output folder exists and overwriting it was not asked for (a usage error).
struct OutputExistsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputFolder {
public:
  /// Throws OutputExistsError if `final_path` exists and `force` is false.
  OutputFolder(std::filesystem::path final_path, bool force);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  /// Where to write `name` while the run is in progress.
  std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  const std::filesystem::path& staging() const noexcept { return staging_; }
  const std::filesystem::path& final_path() const noexcept { return final_; }
  /// Replaces any existing folder by the staged one.
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
