#include "seedforge/pipeline.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <vector>

#include "seedforge/worker_threads.h"

namespace seedforge {

void StreamBatches(uint64_t rows, int threads, const std::function<BatchProducer()>& make_producer,
                   const std::function<void(std::string_view text, uint64_t rows_done)>& write,
                   size_t batch_rows) {
  const uint64_t batches = (rows + batch_rows - 1) / batch_rows;
  auto produce = [&](const BatchProducer& producer, uint64_t k, std::string& text) {
    const uint64_t first = k * batch_rows;
    text.clear();
    producer(first, static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first)), text);
  };
  auto rows_done = [&](uint64_t k) { return std::min<uint64_t>(rows, (k + 1) * batch_rows); };
  if (threads <= 1 || batches <= 1) {
    const BatchProducer producer = make_producer();
    std::string text;
    for (uint64_t k = 0; k < batches; ++k) {
      produce(producer, k, text);
      write(text, rows_done(k));
    }
    return;
  }

  // More workers than batches would only wait.
  const int workers = static_cast<int>(std::min<uint64_t>(threads, batches));
  // Slot k % window holds batch k's text between its worker and the writer.
  const uint64_t window = static_cast<uint64_t>(workers) * kBatchesPerThread;
  std::vector<std::string> slots(window);
  std::vector<bool> ready(window, false);
  std::mutex mutex;
  std::condition_variable changed;
  uint64_t next = 0, written = 0;
  bool failed = false;
  std::exception_ptr error;
  auto fail = [&](std::exception_ptr e) {
    std::lock_guard lock(mutex);
    failed = true;
    if (!error) error = e;
    changed.notify_all();
  };

  auto worker = [&] {
    try {
      const BatchProducer producer = make_producer();
      std::string text;
      while (true) {
        uint64_t k;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return failed || next >= batches || next < written + window; });
          if (failed || next >= batches) return;
          k = next++;
        }
        produce(producer, k, text);
        std::lock_guard lock(mutex);
        slots[k % window].swap(text);  // hands over the text, takes back an old buffer
        ready[k % window] = true;
        changed.notify_all();
      }
    } catch (...) {
      fail(std::current_exception());
    }
  };
  WorkerThreads pool(workers, [&](int) { worker(); }, [&] { fail(nullptr); });
  std::string text;
  try {
    for (uint64_t k = 0; k < batches; ++k) {
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return failed || ready[k % window]; });
        if (failed) break;
        text.swap(slots[k % window]);
        ready[k % window] = false;
      }
      write(text, rows_done(k));
      std::lock_guard lock(mutex);
      written = k + 1;
      changed.notify_all();
    }
  } catch (...) {
    fail(std::current_exception());
  }
  pool.Join();
  if (error) std::rethrow_exception(error);
}

void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn, size_t chunk) {
  if (threads <= 1 || n <= chunk) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    while (true) {
      const size_t begin = next.fetch_add(chunk);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + chunk);
      try {
        for (size_t i = begin; i < end; ++i) fn(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(n);
        return;
      }
    }
  };
  const size_t count = std::min<size_t>(threads, (n + chunk - 1) / chunk);
  // The calling thread is the count-th worker.
  WorkerThreads pool(static_cast<int>(count) - 1, [&](int) { work(); }, [&] { next.store(n); });
  work();
  pool.Join();
  if (error) std::rethrow_exception(error);
}

}  // namespace seedforge
