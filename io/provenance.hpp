// Version and git hash of this build, written into every output folder so that a result can be
// rerun. Defined in a source file generated at every build (cmake/write_provenance.cmake), so the
// hash follows the checkout being built rather than the one cmake was configured on.
#pragma once

namespace stf::io {
extern const char* const stf_version;
extern const char* const stf_git_hash;  // 12 hex digits, "-dirty" with uncommitted changes, or "unknown"
}  // namespace stf::io
