// A stand-in for `courtyard` under mpirun, for checking tests/sanitize/lsan.supp (lsan_mpi_check.sh):
// MPI is started and finished as engine/sweep/mpi_runner.cpp does it (MPI_Init_thread, funneled), and
// with COURTYARD_PROBE_LEAK set each rank leaks one block of ours, 4321 bytes from leak_of_ours(), which
// LeakSanitizer must still report while Open MPI's own leaks are suppressed.
#include <mpi.h>

#include <cstdlib>
#include <cstring>

namespace {

char* volatile sink = nullptr;  // keeps the allocation from being optimised away

// not inlined, so that the frame and its name are on the allocation's stack
[[gnu::noinline]] void leak_of_ours(int rank) {
  auto* block = static_cast<char*>(std::malloc(4321));
  std::memset(block, rank, 4321);
  sink = block;
  sink = nullptr;  // nothing holds the block any more
}

}  // namespace

int main() {
  int provided = 0, rank = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int token = rank;
  MPI_Allreduce(MPI_IN_PLACE, &token, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);  // some traffic
  const char* leak = std::getenv("COURTYARD_PROBE_LEAK");
  if (leak != nullptr && *leak != '\0') leak_of_ours(rank);
  MPI_Finalize();
  return 0;
}
