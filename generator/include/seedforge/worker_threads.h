// Starting and joining a pool's worker threads, the one part the pools of
// seedforge share (StreamBatches and ParallelFor in pipeline.h, the report's
// file readers, LibTorch's training threads through ThreadsOrCores).
//
// std::thread's constructor throws std::system_error when the system has no
// thread (or no memory for its stack) left, and a std::thread destroyed while
// still joinable calls std::terminate. WorkerThreads turns the first into a
// seedforge::Error naming how many threads were asked for, after stopping and
// joining the threads already running, so a pool never ends the process.
//
// Thread safety: a WorkerThreads is owned and used by one thread.
#pragma once

#include <algorithm>
#include <functional>
#include <thread>
#include <vector>

namespace seedforge {

// The thread count of every command: `threads`, or every core when it is 0
// (the default of --threads). Inline so that the neural module, which links
// no seedforge library, resolves it the same way.
inline int ThreadsOrCores(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

class WorkerThreads {
 public:
  // Starts `count` threads, thread t running work(t). `stop` must make every
  // running work() return soon (set the pool's "failed" flag and notify its
  // condition variable, say); it is called when a thread cannot be started,
  // before the threads already started are joined, and by the destructor.
  // Throws Error("cannot start COUNT worker threads: REASON ...") then.
  WorkerThreads(int count, std::function<void(int)> work, std::function<void()> stop);

  // Calls stop() and joins, unless Join() already ran: a pool left by an
  // exception never terminates the process.
  ~WorkerThreads();

  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  // Waits for every thread to return. Idempotent.
  void Join();

 private:
  std::function<void()> stop_;
  std::vector<std::thread> threads_;
};

}  // namespace seedforge
