// Runs gnuplot as a child process (posix_spawn, in the figure folder) and checks what it did.
#include "validation/gnuplot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/core.h>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace stf::validation {

namespace {

std::string tail_of_file(const std::filesystem::path& path, std::size_t max_chars = 600)
{
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
  return s;
}

}  // namespace

std::string pngcairo_terminal(const std::string& stem, int width, int height)
{
  return fmt::format("set terminal pngcairo size {},{} enhanced font 'DejaVu Sans,11'\nset output '{}.png'\n",
                     width, height, stem);
}

std::string gnuplot_quote(const std::string& text)
{
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out += "''";
    else if (ch == '_') out += "\\_";  // a literal underscore, not a subscript, in enhanced text
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out + "'";
}

void run_gnuplot(const std::filesystem::path& given_folder, const std::string& stem, const std::string& script)
{
  // Absolute paths: the child changes into the folder before it opens its log file.
  const std::filesystem::path folder = std::filesystem::absolute(given_folder);
  const auto script_path = folder / (stem + ".gp");
  const auto png_path = folder / (stem + ".png");
  const auto log_path = folder / (stem + ".log");
  io::write_text_file(script_path, script);
  std::error_code ec;
  std::filesystem::remove(png_path, ec);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string folder_str = folder.string();
  const std::string log_str = log_path.string();
  posix_spawn_file_actions_addchdir_np(&actions, folder_str.c_str());
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_str.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);

  std::string program = "gnuplot";
  std::string script_name = stem + ".gp";
  std::vector<char*> argv{program.data(), script_name.data(), nullptr};
  pid_t pid = 0;
  const int spawn_error = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0)
    throw FigureError(fmt::format("figure {}: cannot start gnuplot: {}", stem, std::strerror(spawn_error)));

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw FigureError(fmt::format("figure {}: waiting for gnuplot failed", stem));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                              : std::string("killed by a signal");
    throw FigureError(
        fmt::format("figure {}: gnuplot failed ({}): {}", stem, how, tail_of_file(log_path)));
  }
  if (!std::filesystem::exists(png_path) || std::filesystem::file_size(png_path) == 0)
    throw FigureError(fmt::format("figure {}: gnuplot wrote no image {}", stem, png_path.string()));
  // gnuplot also reports many script errors only as warnings on stderr with status 0 when run
  // non-interactively; a warning about a missing data file means a wrong figure, so treat it as a failure.
  const std::string log = tail_of_file(log_path, 4000);
  if (log.find("No such file") != std::string::npos || log.find("No data in plot") != std::string::npos ||
      log.find("all points y value undefined") != std::string::npos)
    throw FigureError(fmt::format("figure {}: gnuplot reported: {}", stem, tail_of_file(log_path)));
  // The script and the log served their purpose: the figure's data are in its CSV files.
  std::filesystem::remove(script_path, ec);
  std::filesystem::remove(log_path, ec);
}

}  // namespace stf::validation
