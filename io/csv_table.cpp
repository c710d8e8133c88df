// CSV tables of numbers.
#include "io/csv_table.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "io/output_folder.hpp"

namespace stf::io {

CsvTable::CsvTable(std::vector<std::string> columns) : columns_(std::move(columns))
{
  for (std::size_t i = 0; i < columns_.size(); ++i) text_ += (i ? "," : "") + columns_[i];
  text_ += '\n';
}

void CsvTable::add_row(const std::vector<std::optional<double>>& row)
{
  if (row.size() != columns_.size())
    throw std::invalid_argument(fmt::format("CSV row has {} fields, header has {}", row.size(), columns_.size()));
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) text_ += ',';
    if (row[i]) text_ += fmt::format("{}", *row[i]);
  }
  text_ += '\n';
  ++rows_;
}

void CsvTable::add_row(const std::vector<double>& row)
{
  std::vector<std::optional<double>> r(row.begin(), row.end());
  add_row(r);
}

void CsvTable::write(const std::filesystem::path& path) const
{
  write_text_file(path, text_);
}

}  // namespace stf::io
