// A thread that runs jobs one at a time, in the order they were given (internal to engine/output).
//
// The result file hands it every HDF5 call and the compression of its chunks during a run, so that
// the caller (the simulation) goes on with the next records while a block is written. What it
// guarantees:
// - order: jobs run in submission order, one at a time, all on this one thread, so the sequence of
//   HDF5 calls (and therefore the file's bytes) is the one a caller running them itself would make;
// - errors: the first job that throws ends the thread's work (later jobs are dropped, never run) and
//   its exception is rethrown on the caller's thread by the next submit(), wait_for(), drain() or
//   rethrow_if_failed();
// - fences: drain() returns once every job submitted has run (or one failed), so that the caller may
//   touch what the jobs touch (the HDF5 library, the file) itself;
// - signals: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGALRM are blocked on the thread,
//   so that they reach the program's other threads as before (a stop flag set by the main thread's
//   handler); the signals a write raises itself (SIGXFSZ, SIGPIPE) are not.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace courtyard {

class WriterThread {
 public:
  using Job = std::function<void()>;

  // Starts the thread; `start` runs on it first (per-thread settings, such as HDF5's error printing).
  explicit WriterThread(std::function<void()> start);
  ~WriterThread();  // stop()
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // Queues a job. Rethrows the exception of a job that failed before (and then queues nothing).
  void submit(Job job);
  // Waits until `ready()` is true, `ready` being called with the thread's lock held (what it reads is
  // changed by jobs under locked()); rethrows the exception of a failed job instead of waiting forever.
  void wait_for(const std::function<bool()>& ready);
  // Runs `f` with the lock held and wakes wait_for(): for a job that hands a buffer back.
  void locked(const std::function<void()>& f);
  // Waits until every job submitted has run; rethrows the exception of a failed one.
  void drain();
  // Rethrows the exception of a failed job, if any (an atomic load when none failed).
  void rethrow_if_failed();
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // Drops the jobs not begun, waits for the one running and joins the thread. Idempotent.
  void stop() noexcept;
  // Seconds spent running jobs so far (read after drain() for a settled figure).
  double busy_seconds() const;

 private:
  void loop();
  void rethrow_locked();  // with mutex_ held

  std::function<void()> start_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool busy_ = false;      // a job is running
  bool stopping_ = false;  // stop() asked
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
  double busy_seconds_ = 0;
  std::thread thread_;  // last: started once every other member exists
};

}  // namespace courtyard
