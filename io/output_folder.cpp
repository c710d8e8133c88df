// Staged output folders and atomic text files.
#include "io/output_folder.hpp"

#include <fstream>
#include <system_error>
#include <unistd.h>

namespace stf::io {

namespace fs = std::filesystem;

OutputFolder::OutputFolder(fs::path final_path, bool force) : final_(std::move(final_path)), force_(force)
{
  if (fs::exists(final_) && !force_)
    throw OutputExistsError("output folder '" + final_.string() +
                            "' exists; pass --force to replace it or --out to choose another");
  const fs::path parent = final_.parent_path().empty() ? fs::path(".") : final_.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw IoError("cannot create '" + parent.string() + "': " + ec.message());
  staging_ = parent / ("." + final_.filename().string() + ".partial-" + std::to_string(::getpid()));
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) throw IoError("cannot create '" + staging_.string() + "': " + ec.message());
}

OutputFolder::~OutputFolder()
{
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void OutputFolder::commit()
{
  std::error_code ec;
  if (fs::exists(final_)) {
    if (!force_) throw OutputExistsError("output folder '" + final_.string() + "' appeared during the run");
    fs::remove_all(final_, ec);
    if (ec) throw IoError("cannot replace '" + final_.string() + "': " + ec.message());
  }
  fs::rename(staging_, final_, ec);
  if (ec) throw IoError("cannot rename '" + staging_.string() + "' to '" + final_.string() + "': " + ec.message());
  committed_ = true;
}

void write_text_file(const fs::path& path, const std::string& text)
{
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot open '" + tmp.string() + "' for writing");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw IoError("writing '" + path.string() + "' failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw IoError("cannot rename '" + tmp.string() + "' to '" + path.string() + "': " + ec.message());
}

}  // namespace stf::io
