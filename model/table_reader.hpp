// Typed, validated access to one TOML table of a case file. Every key read is marked, so that
// finish() can reject the keys nobody asked for (with a "did you mean" suggestion), and every
// error names the file (or the --set override), the line and the full key.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "model/input_error.hpp"

namespace stf::model {

/// Where the values of a case came from: the file, and the keys that --set overrides replaced.
struct CaseSources {
  std::string file;
  std::map<std::string, std::string> overridden;  // full key -> the --set argument that set it
};

class TableReader {
public:
  TableReader(const toml::table& table, std::string prefix, std::shared_ptr<const CaseSources> sources);

  bool has(std::string_view key) const { return table_.contains(key); }

  double number(std::string_view key);
  double number_or(std::string_view key, double fallback);
  std::optional<double> optional_number(std::string_view key);
  long integer(std::string_view key);
  long integer_or(std::string_view key, long fallback);
  bool boolean_or(std::string_view key, bool fallback);
  std::string string(std::string_view key);
  std::string string_or(std::string_view key, std::string fallback);
  std::vector<double> number_list_or(std::string_view key, std::vector<double> fallback);
  std::vector<long> integer_list_or(std::string_view key, std::vector<long> fallback);

  /// A sub-table (or inline table); throws if the key is missing (required) or not a table.
  TableReader table(std::string_view key);
  std::optional<TableReader> optional_table(std::string_view key);
  /// An array of tables (`[[x]]` or `x = [{...}, ...]`); empty if absent.
  std::vector<TableReader> table_list(std::string_view key);
  /// The raw node (marked as read), or nullptr.
  const toml::node* node(std::string_view key);

  /// Value checks that throw an InputError at the key.
  double positive(std::string_view key, double v);
  double non_negative(std::string_view key, double v);

  /// An error located at `key` of this table (at the table itself if the key is absent).
  [[nodiscard]] InputError error(std::string_view key, const std::string& message) const;
  /// Rejects keys that were never read.
  void finish() const;

  std::string full_key(std::string_view key) const;
  const std::string& prefix() const noexcept { return prefix_; }

private:
  const toml::table& table_;
  std::string prefix_;
  std::shared_ptr<const CaseSources> sources_;
  std::vector<std::string> read_;

  const toml::node* require(std::string_view key);
  void mark(std::string_view key);
};

/// The closest of `candidates` to `word` (edit distance at most max(2, size / 3)), or "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace stf::model
