// Bad input in a case file or on the command line: where it is (file, line, key) and what is wrong.
#pragma once

#include <stdexcept>
#include <string>

namespace stf::model {

class InputError : public std::runtime_error {
public:
  /// `line` is 0 when unknown (a --set override has no line; its `file` names the override).
  InputError(std::string file, long line, std::string key, const std::string& message);

  const std::string& file() const noexcept { return file_; }
  long line() const noexcept { return line_; }
  const std::string& key() const noexcept { return key_; }

private:
  std::string file_;
  long line_;
  std::string key_;
};

}  // namespace stf::model
