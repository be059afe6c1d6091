// Temporary result files left by processes that died (internal to engine/output).
#pragma once

#include <string>
#include <vector>

namespace courtyard {

// Removes from `dir` the temporary files `.NAME.tmp-PID` (PID: digits only, as RunFile names them) whose
// process is gone: no process has that PID here (kill(PID, 0) fails with ESRCH) and no one holds the file
// open for writing (an exclusive lock on it can be taken, where HDF5 holds one while it writes). Files of
// live processes, of this process, and anything else are left alone. Returns the names removed. Never
// throws: a folder that cannot be listed is left as it is.
std::vector<std::string> remove_stale_temporaries(const std::string& dir);

}  // namespace courtyard
