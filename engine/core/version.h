#pragma once

namespace courtyard {
const char* engine_version();  // e.g. "0.1.0"
const char* git_commit();      // short hash, "-dirty" when the tree had changes, or "unknown"
}  // namespace courtyard
