#include "seedforge/worker_threads.h"

#include <exception>
#include <string>

#include "seedforge/error.h"

namespace seedforge {

WorkerThreads::WorkerThreads(int count, std::function<void(int)> work, std::function<void()> stop)
    : stop_(std::move(stop)) {
  threads_.reserve(count > 0 ? count : 0);
  for (int t = 0; t < count; ++t) {
    try {
      // Each thread gets its own copy of `work`: nothing here must outlive
      // this constructor for the threads' sake.
      threads_.emplace_back(work, t);
    } catch (const std::exception& e) {
      // Typically std::system_error (EAGAIN): the process's thread limit, or
      // no address space left for another stack.
      stop_();
      Join();
      throw Error("cannot start " + std::to_string(count) + " worker threads: " + e.what() + " (" +
                  std::to_string(t) +
                  " started; the system's limit on threads or memory was reached; "
                  "try fewer --threads)");
    }
  }
}

WorkerThreads::~WorkerThreads() {
  bool running = false;
  for (const std::thread& t : threads_) running = running || t.joinable();
  if (!running) return;
  stop_();
  Join();
}

void WorkerThreads::Join() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace seedforge
