// Base64 (RFC 4648) for embedding figures in the self-contained HTML report as data URIs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace stf::validation {

std::string base64_encode(std::string_view bytes);

/// "data:image/png;base64,..." for a PNG file; throws io::IoError if it cannot be read.
std::string png_data_uri(const std::filesystem::path& png);

}  // namespace stf::validation
