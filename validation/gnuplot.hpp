// Figures through gnuplot: a script and its data files are written into the figure folder and
// gnuplot (pngcairo terminal) runs on them as a separate process. A figure that fails is an error.
#pragma once

#include <filesystem>
#include <string>

#include "io/output_folder.hpp"

namespace stf::validation {

/// gnuplot failed (not installed, bad script, no image written): an output failure.
struct FigureError : io::IoError {
  using io::IoError::IoError;
};

/// Writes `stem`.gp into `folder` and runs `gnuplot stem.gp` there (its output goes to stem.log).
/// The script must write `stem`.png. Throws FigureError if gnuplot cannot start, exits with a
/// nonzero status, or leaves no non-empty stem.png; the message quotes the end of the log. On
/// success the script and the log are removed (the figure's data are kept as CSV files).
void run_gnuplot(const std::filesystem::path& folder, const std::string& stem, const std::string& script);

/// The terminal line every figure script starts with (pngcairo, size in pixels).
std::string pngcairo_terminal(const std::string& stem, int width = 900, int height = 600);

/// Quotes a label for a gnuplot string literal (single quotes; embedded quotes doubled).
std::string gnuplot_quote(const std::string& text);

}  // namespace stf::validation
