// A numeric table written as CSV: a header row, then rows of numbers printed so that they read
// back to the same double (shortest round-trip form); an absent value is an empty field.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stf::io {

class CsvTable {
public:
  /// A table with this header and no rows yet (str() is then the header line alone).
  explicit CsvTable(std::vector<std::string> columns);

  /// Appends a row; its size must match the header (throws std::invalid_argument otherwise).
  void add_row(const std::vector<std::optional<double>>& row);
  void add_row(const std::vector<double>& row);
  std::size_t rows() const noexcept { return rows_; }
  const std::vector<std::string>& columns() const noexcept { return columns_; }

  /// The header line, then one line per row.
  std::string str() const { return text_; }
  /// Writes atomically (temporary file and rename); throws IoError.
  void write(const std::filesystem::path& path) const;

private:
  std::vector<std::string> columns_;
  std::string text_;
  std::size_t rows_ = 0;
};

}  // namespace stf::io
