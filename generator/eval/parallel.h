// A parallel for-loop over indices with std::thread, for the report's
// independent work items (column pairs, nearest-neighbour queries).
//
// Every index runs exactly once; callers write results into per-index slots,
// so the output never depends on how work was scheduled. The first exception
// thrown by any item is rethrown on the calling thread after all threads end.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>

#include "seedforge/worker_threads.h"

namespace seedforge::eval {

// Runs fn(i) for i in [0, n) on up to `threads` threads (<= 1: inline),
// handing out indices in chunks of `chunk`.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn&& fn, size_t chunk = 1) {
  if (threads <= 1 || n <= chunk) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    while (true) {
      size_t begin = next.fetch_add(chunk);
      if (begin >= n) return;
      size_t end = std::min(n, begin + chunk);
      try {
        for (size_t i = begin; i < end; ++i) fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(n);
        return;
      }
    }
  };
  size_t count = std::min<size_t>(threads, (n + chunk - 1) / chunk);
  // The calling thread is the count-th worker.
  WorkerThreads pool(static_cast<int>(count) - 1, [&](int) { work(); }, [&] { next.store(n); });
  work();
  pool.Join();
  if (error) std::rethrow_exception(error);
}

}  // namespace seedforge::eval
