// Typed access to case-file tables, with locations for every error.
#include "model/table_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace stf::model {

namespace {

std::string type_name(const toml::node& n)
{
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates)
{
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

TableReader::TableReader(const toml::table& table, std::string prefix, std::shared_ptr<const CaseSources> sources)
    : table_(table), prefix_(std::move(prefix)), sources_(std::move(sources))
{
}

std::string TableReader::full_key(std::string_view key) const
{
  if (key.empty()) return prefix_;
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

InputError TableReader::error(std::string_view key, const std::string& message) const
{
  const std::string full = full_key(key);
  // A key set (or a table created) by --set is reported against that override.
  for (const auto& [overridden, spec] : sources_->overridden)
    if (overridden == full || full.rfind(overridden + ".", 0) == 0) return InputError("--set " + spec, 0, full, message);
  long line = 0;
  if (const toml::node* n = key.empty() ? nullptr : table_.get(key)) line = n->source().begin.line;
  if (line == 0) line = table_.source().begin.line;
  return InputError(sources_->file, line, full, message);
}

void TableReader::mark(std::string_view key)
{
  if (std::find(read_.begin(), read_.end(), key) == read_.end()) read_.emplace_back(key);
}

const toml::node* TableReader::node(std::string_view key)
{
  mark(key);
  return table_.get(key);
}

const toml::node* TableReader::require(std::string_view key)
{
  const toml::node* n = node(key);
  if (!n) throw error(key, "required key is missing");
  return n;
}

double TableReader::number(std::string_view key)
{
  const toml::node* n = require(key);
  double v = 0.0;
  if (auto i = n->value_exact<int64_t>()) v = static_cast<double>(*i);
  else if (auto d = n->value_exact<double>()) v = *d;
  else throw error(key, "expected a number, got " + type_name(*n));
  if (!std::isfinite(v)) throw error(key, "expected a finite number");
  return v + 0.0;  // -0.0 + 0.0 = +0.0: a negative zero is zero (a rate of -0 would make 1/rate = -inf)
}

double TableReader::number_or(std::string_view key, double fallback) { return has(key) ? number(key) : (mark(key), fallback); }

std::optional<double> TableReader::optional_number(std::string_view key)
{
  if (!has(key)) return std::nullopt;
  return number(key);
}

long TableReader::integer(std::string_view key)
{
  const toml::node* n = require(key);
  if (auto i = n->value_exact<int64_t>()) return static_cast<long>(*i);
  throw error(key, "expected an integer, got " + type_name(*n));
}

long TableReader::integer_or(std::string_view key, long fallback) { return has(key) ? integer(key) : (mark(key), fallback); }

bool TableReader::boolean_or(std::string_view key, bool fallback)
{
  const toml::node* n = node(key);
  if (!n) return fallback;
  if (auto b = n->value_exact<bool>()) return *b;
  throw error(key, "expected true or false, got " + type_name(*n));
}

std::string TableReader::string(std::string_view key)
{
  const toml::node* n = require(key);
  if (auto s = n->value_exact<std::string>()) return *s;
  throw error(key, "expected a string, got " + type_name(*n));
}

std::string TableReader::string_or(std::string_view key, std::string fallback)
{
  return has(key) ? string(key) : (mark(key), std::move(fallback));
}

std::vector<double> TableReader::number_list_or(std::string_view key, std::vector<double> fallback)
{
  const toml::node* n = node(key);
  if (!n) return fallback;
  const toml::array* a = n->as_array();
  if (!a) throw error(key, "expected an array of numbers, got " + type_name(*n));
  std::vector<double> out;
  for (const auto& e : *a) {
    if (auto i = e.value_exact<int64_t>()) out.push_back(static_cast<double>(*i));
    else if (auto d = e.value_exact<double>(); d && std::isfinite(*d)) out.push_back(*d + 0.0);  // no -0.0
    else throw error(key, "expected an array of finite numbers, found " + type_name(e));
  }
  return out;
}

std::vector<long> TableReader::integer_list_or(std::string_view key, std::vector<long> fallback)
{
  const toml::node* n = node(key);
  if (!n) return fallback;
  const toml::array* a = n->as_array();
  if (!a) throw error(key, "expected an array of integers, got " + type_name(*n));
  std::vector<long> out;
  for (const auto& e : *a) {
    if (auto i = e.value_exact<int64_t>()) out.push_back(static_cast<long>(*i));
    else throw error(key, "expected an array of integers, found " + type_name(e));
  }
  return out;
}

TableReader TableReader::table(std::string_view key)
{
  const toml::node* n = require(key);
  if (const toml::table* t = n->as_table()) return TableReader(*t, full_key(key), sources_);
  throw error(key, "expected a table, got " + type_name(*n));
}

std::optional<TableReader> TableReader::optional_table(std::string_view key)
{
  if (!has(key)) {
    mark(key);
    return std::nullopt;
  }
  return table(key);
}

std::vector<TableReader> TableReader::table_list(std::string_view key)
{
  const toml::node* n = node(key);
  std::vector<TableReader> out;
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) throw error(key, "expected an array of tables, got " + type_name(*n));
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::table* t = (*a)[i].as_table();
    if (!t) throw error(key, fmt::format("element {} should be a table", i + 1));
    out.emplace_back(*t, fmt::format("{}[{}]", full_key(key), i + 1), sources_);
  }
  return out;
}

double TableReader::positive(std::string_view key, double v)
{
  if (!(v > 0.0)) throw error(key, fmt::format("must be > 0, got {}", v));
  return v;
}

double TableReader::non_negative(std::string_view key, double v)
{
  if (!(v >= 0.0)) throw error(key, fmt::format("must be >= 0, got {}", v));
  return v;
}

void TableReader::finish() const
{
  std::vector<std::string> known(read_.begin(), read_.end());
  for (const auto& [k, v] : table_) {
    const std::string_view key = k.str();
    if (std::find(read_.begin(), read_.end(), key) != read_.end()) continue;
    std::string message = "unknown key";
    if (const std::string guess = closest_match(key, known); !guess.empty())
      message += fmt::format(" (did you mean '{}'?)", guess);
    else if (!known.empty())
      message += fmt::format("; valid keys here: {}", fmt::join(known, ", "));
    // The line of the unknown key itself.
    const std::string full = full_key(key);
    if (auto it = sources_->overridden.find(full); it != sources_->overridden.end())
      throw InputError("--set " + it->second, 0, full, message);
    throw InputError(sources_->file, static_cast<long>(v.source().begin.line), full, message);
  }
}

}  // namespace stf::model
