// Input errors formatted as "file:line: key: message".
#include "model/input_error.hpp"

namespace stf::model {

namespace {
std::string format_input_error(const std::string& file, long line, const std::string& key, const std::string& message)
{
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  return where + ": " + (key.empty() ? "" : "key '" + key + "': ") + message;
}
}  // namespace

InputError::InputError(std::string file, long line, std::string key, const std::string& message)
    : std::runtime_error(format_input_error(file, line, key, message)), file_(std::move(file)), line_(line),
      key_(std::move(key))
{
}

}  // namespace stf::model
