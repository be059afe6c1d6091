// Shared by the libFuzzer targets and the replay driver (tests/fuzz/README.md).
//
// An input may be rejected, but only the documented way: ScenarioError (exit 65), UsageError (64) or
// IoError (74). Any other exception escapes the entry function and aborts (libFuzzer reports a crash,
// the replay test fails), as do crashes, sanitizer reports and hangs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"

#ifndef COURTYARD_SOURCE_DIR
#error "COURTYARD_SOURCE_DIR must name the source tree (tests/fuzz/CMakeLists.txt)"
#endif

namespace courtyard::fuzz {

inline std::string source_path(const std::string& relative) {
  return std::string(COURTYARD_SOURCE_DIR) + "/" + relative;
}

// Runs `body`, accepting the documented rejections.
template <typename F>
int guarded(F&& body) {
  try {
    body();
  } catch (const ScenarioError&) {
  } catch (const UsageError&) {
  } catch (const IoError&) {
  }
  return 0;
}

}  // namespace courtyard::fuzz
