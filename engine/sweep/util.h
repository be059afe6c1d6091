// Small helpers shared by engine/sweep's files (internal).
#pragma once

#include <string>

#include "core/calendar.h"  // utc_now()

namespace courtyard::sweep {

// This machine's host name ("localhost" if unknown).
std::string host_name();
// A temporary name beside `path`, unique to this process and thread: DIR/.NAME.tmp-HOST-PID-N.
std::string temporary_name(const std::string& path);
// Writes `text` to `path` (replacing it). Throws OutputCreateError.
void write_file(const std::string& path, const std::string& text);
// The whole file ("" if it cannot be read).
std::string read_text(const std::string& path);

}  // namespace courtyard::sweep
