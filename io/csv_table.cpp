// CSV tables of numbers.
#include "io/csv_table.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "io/output_folder.hpp"

namespace stf::io {

void CsvTable::header_once()
{
  if (!text_.empty()) return;
  for (std::size_t i = 0; i < columns_.size(); ++i) text_ += (i ? "," : "") + columns_[i];
  text_ += '\n';
}

void CsvTable::add_row(const std::vector<std::optional<double>>& row)
{
  if (row.size() != columns_.size())
    throw std::invalid_argument(fmt::format("CSV row has {} fields, header has {}", row.size(), columns_.size()));
  header_once();
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
  std::string text = text_;
  if (text.empty())
    for (std::size_t i = 0; i < columns_.size(); ++i) text += (i ? "," : "") + columns_[i] + (i + 1 == columns_.size() ? "\n" : "");
  write_text_file(path, text);
}

}  // namespace stf::io
