// Sweeps without MPI support (built when COURTYARD_WITH_MPI is off): the MPI entry points say so if
// reached (the command line refuses to run under mpirun first).
#include <stdexcept>

#include "sweep/sweep.h"

namespace courtyard::sweep {

bool mpi_built() { return false; }

MpiSession::MpiSession() { throw std::logic_error("this courtyard was built without MPI (COURTYARD_WITH_MPI off)"); }
MpiSession::~MpiSession() = default;
int MpiSession::broadcast(int status) const { return status; }
void MpiSession::abort(int code) const { std::exit(code); }

Tally run_mpi(const MpiSession&, const RunContext&, int, const StopFlags&, bool) {
  throw std::logic_error("this courtyard was built without MPI (COURTYARD_WITH_MPI off)");
}

}  // namespace courtyard::sweep
