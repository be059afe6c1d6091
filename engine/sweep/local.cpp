// Running a share of the design on this machine: K runs at once, each in its own oneTBB task_arena.
//
// The rule: with T threads in all and K runs at once (default K = min(T, runs to do)), each run gets
// T / K threads (at least 1), so that K x (T / K) <= T and cores are never oversubscribed. A run's
// phases use its arena's threads only; the simulation gives the same bytes on any number of them.
// Runs are handed out in index order from an atomic counter.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "sweep/h5.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {

Tally run_local(const RunContext& ctx, const std::vector<int64_t>& share, const LocalOptions& options,
                const StopFlags& stop) {
  const auto t0 = std::chrono::steady_clock::now();
  Tally tally;

  // what is left of the share
  std::vector<int64_t> todo;
  for (int64_t r : share) {
    if (ctx.folder->state(r) != RunState::kDone) todo.push_back(r);
    else drop_leftover_checkpoint(ctx, r);
  }
  tally.skipped = static_cast<int64_t>(share.size() - todo.size());

  const int threads = std::max(1, options.threads);
  int concurrent = options.concurrent > 0 ? std::min(options.concurrent, threads) : threads;
  concurrent = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(concurrent, static_cast<int64_t>(todo.size()))));
  // each run writes its HDF5 files from its own thread: only with a thread-safe build of the library
  // (Debian's is: one lock around every call; tests/sanitize/README.md), else one run at a time
  if (concurrent > 1 && !h5::library_threadsafe()) {
    if (!options.quiet) std::fprintf(stderr, "sweep: the HDF5 library is not thread-safe: one run at a time\n");
    concurrent = 1;
  }
  const int per_run = std::max(1, threads / concurrent);
  if (!options.quiet)
    std::fprintf(stderr, "sweep: %zu runs to do (%lld already complete), %d at once with %d thread%s each\n", todo.size(),
                 static_cast<long long>(tally.skipped), concurrent, per_run, per_run == 1 ? "" : "s");

  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism,
                                    static_cast<size_t>(std::max(threads, concurrent * per_run)));
  std::atomic<size_t> next{0};
  std::mutex mutex;
  int64_t finished = 0;
  auto worker = [&] {
    oneapi::tbb::task_arena arena(per_run);
    for (;;) {
      if (stop.finish.load() || stop.abandon.load()) return;
      const size_t i = next.fetch_add(1);
      if (i >= todo.size()) return;
      RunOutcome outcome;
      arena.execute([&] { outcome = execute_run(ctx, todo[i]); });
      std::lock_guard<std::mutex> lock(mutex);
      ++finished;
      tally.run_seconds += outcome.seconds;
      const char* what = "done";
      switch (outcome.status) {
        case RunOutcome::Status::kDone: ++tally.done; break;
        case RunOutcome::Status::kFailed: ++tally.failed; what = "FAILED"; break;
        case RunOutcome::Status::kInterrupted: ++tally.interrupted; what = "interrupted"; break;
      }
      if (!options.quiet)
        std::fprintf(stderr, "sweep: [%lld/%zu] %s %s (%.2f s)%s%s\n", static_cast<long long>(finished), todo.size(),
                     ctx.folder->run_name(todo[i]).c_str(), what, outcome.seconds,
                     outcome.message.empty() ? "" : ": ", outcome.message.substr(0, outcome.message.find('\n')).c_str());
    }
  };
  std::vector<std::thread> pool;
  for (int k = 0; k < concurrent; ++k) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  tally.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return tally;
}

}  // namespace courtyard::sweep
