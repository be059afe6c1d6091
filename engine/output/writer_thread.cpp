#include "output/writer_thread.h"

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <utility>

namespace courtyard {

WriterThread::WriterThread(std::function<void()> start)
    : start_(std::move(start)), thread_([this] { loop(); }) {}

WriterThread::~WriterThread() { stop(); }

void WriterThread::loop() {
  // the stop signals go to the other threads (the main thread's handler sets the run's stop flag)
  sigset_t block;
  sigemptyset(&block);
  for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM}) sigaddset(&block, s);
  pthread_sigmask(SIG_BLOCK, &block, nullptr);
  if (start_) start_();

  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) break;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    const auto t0 = std::chrono::steady_clock::now();
    std::exception_ptr error;
    try {
      job();
    } catch (...) {
      error = std::current_exception();
    }
    job = nullptr;  // whatever the job held (its buffers) goes before the caller hears it is done
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    lock.lock();
    busy_ = false;
    busy_seconds_ += secs;
    if (error) {
      error_ = error;
      failed_.store(true, std::memory_order_release);
      jobs_.clear();  // nothing after a failure runs
    }
    cv_.notify_all();
  }
}

void WriterThread::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

void WriterThread::submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rethrow_locked();
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void WriterThread::wait_for(const std::function<bool()>& ready) {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return error_ != nullptr || ready(); });
  rethrow_locked();
}

void WriterThread::locked(const std::function<void()>& f) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    f();
  }
  cv_.notify_all();
}

void WriterThread::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return error_ != nullptr || (jobs_.empty() && !busy_); });
  rethrow_locked();
}

void WriterThread::rethrow_if_failed() {
  if (!failed_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  rethrow_locked();
}

void WriterThread::stop() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

double WriterThread::busy_seconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return busy_seconds_;
}

}  // namespace courtyard
