// CSV helpers for design.csv and results.csv (RFC 4180; internal to engine/sweep).
#pragma once

#include <string>

namespace courtyard::sweep {

// A field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s);

}  // namespace courtyard::sweep
