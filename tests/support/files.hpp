// Files the tests read: a whole text file, and the shipped cases (cases/*.toml) in name order.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stf::test {

/// The whole of a file, byte for byte ("" when it cannot be read: the caller's checks then fail on
/// its content).
inline std::string read_text(const std::filesystem::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Every cases/*.toml of the source tree, sorted by name.
inline std::vector<std::filesystem::path> shipped_cases()
{
  std::vector<std::filesystem::path> cases;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(STF_SOURCE_DIR) / "cases"))
    if (e.path().extension() == ".toml") cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  return cases;
}

}  // namespace stf::test
