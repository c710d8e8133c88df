// Staged output folders and atomic text files.
#include "io/output_folder.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace stf::io {

namespace fs = std::filesystem;

namespace {

/// Whether `inner` is `outer` or lies below it (both absolute and normalised).
bool is_within(const fs::path& inner, const fs::path& outer)
{
  auto o = outer.begin(), i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

fs::path strip_trailing_separator(fs::path p)
{
  while (p.has_relative_path() && p.filename().empty()) p = p.parent_path();
  return p;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

/// Whether the process `pid` is gone (so a staging folder it left behind is stale).
bool process_is_gone(const std::string& pid_text)
{
  if (pid_text.empty() || pid_text.size() > 9 || !std::all_of(pid_text.begin(), pid_text.end(), ::isdigit)) return false;
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  if (pid <= 0 || pid == ::getpid()) return false;
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

/// Removes the staging and set-aside folders of `final_path` that dead stf processes left behind
/// (only those holding the marker: nothing else is stf's to delete).
void remove_stale_siblings(const fs::path& final_path)
{
  std::error_code ec;
  const std::string stem = "." + final_path.filename().string() + ".";
  for (const auto& entry : fs::directory_iterator(final_path.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(stem, 0) != 0) continue;
    const std::string rest = name.substr(stem.size());
    std::string pid;
    for (const char* kind : {"partial-", "old-"})
      if (rest.rfind(kind, 0) == 0) pid = rest.substr(std::char_traits<char>::length(kind));
    std::error_code e2;
    if (process_is_gone(pid) && fs::exists(entry.path() / output_marker, e2)) fs::remove_all(entry.path(), e2);
  }
}

}  // namespace

fs::path normalise_output_path(const fs::path& target)
{
  if (target.empty()) throw OutputExistsError("the output folder is an empty path");
  std::error_code ec;
  const fs::path absolute = fs::absolute(target, ec);
  if (ec) throw OutputExistsError("cannot resolve the output folder " + quoted(target) + ": " + ec.message());
  // A dangling symbolic link anywhere on the way would be created through or fail late.
  fs::path prefix;
  for (const auto& part : absolute) {
    prefix /= part;
    if (part.empty() || part == "." || part == "..") continue;
    const auto link = fs::symlink_status(prefix, ec);
    if (!ec && fs::is_symlink(link) && !fs::exists(prefix, ec))
      throw OutputExistsError("the output folder " + quoted(target) + " goes through " + quoted(prefix) +
                              ", a symbolic link to " + quoted(fs::read_symlink(prefix, ec)) + " that does not exist");
  }
  const fs::path resolved = fs::weakly_canonical(absolute, ec);
  if (ec) throw OutputExistsError("cannot resolve the output folder " + quoted(target) + ": " + ec.message());
  return strip_trailing_separator(resolved.lexically_normal());
}

OutputFolder::OutputFolder(fs::path final_path, bool force, const std::vector<fs::path>& protect)
    : final_(normalise_output_path(final_path)), force_(force)
{
  const std::string shown = quoted(final_path);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec && is_within(cwd, final_))
    throw OutputExistsError("the output folder " + shown + " is the working directory or holds it; choose another --out");
  for (const auto& p : protect) {
    const fs::path resolved = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (!ec && is_within(resolved, final_))
      throw OutputExistsError("the output folder " + shown + " holds " + quoted(p) + "; choose another --out");
  }
  const auto status = fs::status(final_, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status))
      throw OutputExistsError("the output folder " + shown + " exists and is not a folder; choose another --out");
    if (!force_)
      throw OutputExistsError("output folder " + shown + " exists; pass --force to replace it or --out to choose another");
    if (!fs::exists(final_ / output_marker, ec))
      throw OutputExistsError("the output folder " + shown + " was not written by stf (it has no " + output_marker +
                              " file), so --force does not replace it; remove it yourself or choose another --out");
  }
  const fs::path parent = final_.parent_path();
  // A file on the way is a path problem (exit 2), found before the run like the others.
  for (fs::path up = parent; !up.empty() && up != up.root_path(); up = up.parent_path())
    if (const auto st = fs::status(up, ec); fs::exists(st)) {
      if (!fs::is_directory(st)) throw OutputExistsError("the output folder " + shown + " lies under " + quoted(up) + ", which is not a folder");
      break;
    }
  fs::create_directories(parent, ec);
  if (ec) throw IoError("cannot create " + quoted(parent) + ": " + ec.message());
  remove_stale_siblings(final_);
  staging_ = parent / ("." + final_.filename().string() + ".partial-" + std::to_string(::getpid()));
  fs::remove_all(staging_, ec);
  fs::create_directory(staging_, ec);
  if (ec) throw IoError("cannot create " + quoted(staging_) + ": " + ec.message());
  write_text_file(staging_ / output_marker, "This folder was written by stf; `stf ... --force` may replace it.\n");
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
  if (fs::exists(fs::symlink_status(final_, ec))) {
    if (!force_) throw OutputExistsError("output folder " + quoted(final_) + " appeared during the run");
    if (!fs::exists(final_ / output_marker, ec))
      throw OutputExistsError("the output folder " + quoted(final_) + " was replaced during the run by one stf did not write");
    // Set the old results aside, put the new ones in place, and only then delete the old ones.
    const fs::path aside = final_.parent_path() / ("." + final_.filename().string() + ".old-" + std::to_string(::getpid()));
    fs::remove_all(aside, ec);
    fs::rename(final_, aside, ec);
    if (ec) throw IoError("cannot move " + quoted(final_) + " aside: " + ec.message());
    fs::rename(staging_, final_, ec);
    if (ec) {
      std::error_code back;
      fs::rename(aside, final_, back);
      throw IoError("cannot rename " + quoted(staging_) + " to " + quoted(final_) + ": " + ec.message() +
                    (back ? "; the previous results are in " + quoted(aside) : "; the previous results are kept"));
    }
    committed_ = true;
    fs::remove_all(aside, ec);
    return;
  }
  fs::rename(staging_, final_, ec);
  if (ec) throw IoError("cannot rename " + quoted(staging_) + " to " + quoted(final_) + ": " + ec.message());
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
    out.close();
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
