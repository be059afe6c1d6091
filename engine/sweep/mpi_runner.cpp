// Sweeps across MPI ranks (built only with COURTYARD_WITH_MPI): rank 0 coordinates, the others run.
//
// Protocol (MPI_COMM_WORLD, point to point): a worker sends kTagReport to rank 0 with the outcome of
// its last run (run -1 on its first request); rank 0 answers kTagAssign with the next run index, or -1
// when there is nothing more to do (or a stop was asked for), after which the worker ends. A worker that
// was signalled itself says so in its report and ends without waiting for an answer. Rank 0 runs
// nothing itself and polls with MPI_Iprobe and short sleeps, so that it does not spin on a core that a
// worker needs. Each run's file is written by the worker to the shared folder exactly as a local run
// writes it (execute_run), so the files are the same bytes whichever rank ran them.
#include <mpi.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "sweep/sweep.h"

namespace courtyard::sweep {

namespace {

constexpr int kTagReport = 1;
constexpr int kTagAssign = 2;

// A worker's report on its last run (sent as bytes: the ranks of one job share one architecture).
struct Report {
  int64_t run = -1;  // -1: none yet
  int32_t status = 0;  // RunOutcome::Status
  int32_t quitting = 0;  // 1: the worker was asked to stop and wants no more runs
  double seconds = 0;
};

// Threads for a worker: as given, else $SLURM_CPUS_PER_TASK, else the node's cores over its worker ranks.
// Collective: every rank calls it.
int worker_threads(int threads) {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int world_rank = 0, node_size = 1, has_coordinator = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(node, &node_size);
  const int coordinator_here = world_rank == 0 ? 1 : 0;
  MPI_Allreduce(&coordinator_here, &has_coordinator, 1, MPI_INT, MPI_MAX, node);
  MPI_Comm_free(&node);
  if (threads > 0) return threads;
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK")) {
    const int n = std::atoi(s);
    if (n > 0) return n;
  }
  const int workers = std::max(1, node_size - has_coordinator);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // never more than this rank may run on (its CPU binding)
  return std::max(1, std::min(cores / workers, oneapi::tbb::info::default_concurrency()));
}

}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

int MpiSession::broadcast(int status) const {
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return status;
}

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

Tally run_mpi(const MpiSession& mpi, const RunContext& ctx, int threads, const StopFlags& stop, bool quiet) {
  const auto t0 = std::chrono::steady_clock::now();
  Tally tally;
  const int n = worker_threads(threads);
  if (mpi.rank() == 0) {
    // the coordinator: what is left, handed out in index order
    std::vector<int64_t> todo;
    for (int64_t r = 0; r < ctx.folder->runs(); ++r) {
      if (ctx.folder->state(r) != RunState::kDone) {
        todo.push_back(r);
      } else {
        ++tally.skipped;
        drop_leftover_checkpoint(ctx, r);
      }
    }
    if (!quiet)
      std::fprintf(stderr, "sweep: %zu runs to do (%lld already complete) on %d worker ranks\n", todo.size(),
                   static_cast<long long>(tally.skipped), mpi.size() - 1);
    size_t next = 0;
    int active = mpi.size() - 1;
    int64_t finished = 0;
    while (active > 0) {
      int ready = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &ready, &status);
      if (!ready) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      Report report;
      MPI_Recv(&report, sizeof report, MPI_BYTE, status.MPI_SOURCE, kTagReport, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (report.run >= 0) {
        ++finished;
        tally.run_seconds += report.seconds;
        const auto s = static_cast<RunOutcome::Status>(report.status);
        const char* what = s == RunOutcome::Status::kDone ? "done" : s == RunOutcome::Status::kFailed ? "FAILED" : "interrupted";
        if (s == RunOutcome::Status::kDone) ++tally.done;
        if (s == RunOutcome::Status::kFailed) ++tally.failed;
        if (s == RunOutcome::Status::kInterrupted) ++tally.interrupted;
        if (!quiet)
          std::fprintf(stderr, "sweep: [%lld/%zu] %s %s on rank %d (%.2f s)\n", static_cast<long long>(finished),
                       todo.size(), ctx.folder->run_name(report.run).c_str(), what, status.MPI_SOURCE, report.seconds);
      }
      if (report.quitting) {
        --active;
        continue;
      }
      int64_t assign = -1;
      if (!stop.finish.load() && !stop.abandon.load() && next < todo.size()) assign = todo[next++];
      MPI_Send(&assign, 1, MPI_INT64_T, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
      if (assign < 0) --active;
    }
  } else {
    // a worker: ask, run, report
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<size_t>(n));
    oneapi::tbb::task_arena arena(n);
    Report report;
    for (;;) {
      // a worker that was signalled reports its last run and asks for nothing more
      report.quitting = stop.finish.load() || stop.abandon.load() ? 1 : 0;
      MPI_Send(&report, sizeof report, MPI_BYTE, 0, kTagReport, MPI_COMM_WORLD);
      if (report.quitting) break;
      int64_t run = -1;
      MPI_Recv(&run, 1, MPI_INT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (run < 0) break;
      RunOutcome outcome;
      arena.execute([&] { outcome = execute_run(ctx, run); });
      report.run = run;
      report.status = static_cast<int32_t>(outcome.status);
      report.seconds = outcome.seconds;
      tally.run_seconds += outcome.seconds;
      if (outcome.status == RunOutcome::Status::kDone) ++tally.done;
      if (outcome.status == RunOutcome::Status::kFailed) ++tally.failed;
      if (outcome.status == RunOutcome::Status::kInterrupted) ++tally.interrupted;
    }
  }
  tally.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return tally;
}

}  // namespace courtyard::sweep
