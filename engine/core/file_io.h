// Reading an input file whole, with every failure reported (internal to the engine).
#pragma once

#include <string>

namespace courtyard {

// The whole content of `path`. Throws IoError "cannot read WHAT PATH: REASON" when the file cannot be
// opened, is a folder, or a read fails part way (EIO, a vanished network file): a read error is never
// taken for the end of the file, so a half-read file is not parsed as if it were whole.
std::string read_whole_file(const std::string& path, const std::string& what);

}  // namespace courtyard
