#include "seedforge/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace seedforge {
namespace {

// A producer whose batches finish out of order: batch k sleeps a little
// longer when k is even, so a later batch is often ready first.
BatchProducer ScramblingProducer() {
  return [](uint64_t first_row, size_t count, std::string& text) {
    if ((first_row / 7) % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    for (size_t i = 0; i < count; ++i) text += std::to_string(first_row + i) + "\n";
  };
}

struct Written {
  std::string text;
  std::vector<uint64_t> rows_done;
};

Written WriteAll(uint64_t rows, int threads, size_t batch_rows) {
  Written out;
  StreamBatches(rows, threads, ScramblingProducer,
                [&](std::string_view text, uint64_t done) {
                  out.text += text;
                  out.rows_done.push_back(done);
                },
                batch_rows);
  return out;
}

TEST(StreamBatches, WritesEveryRowInOrderForAnyThreadCount) {
  // 1000 rows in batches of 7: 142 full batches and one of 6.
  std::string expected;
  for (int r = 0; r < 1000; ++r) expected += std::to_string(r) + "\n";
  std::vector<uint64_t> expected_done;
  for (uint64_t k = 1; k <= 142; ++k) expected_done.push_back(k * 7);
  expected_done.push_back(1000);
  for (int threads = 1; threads <= 8; ++threads) {
    const Written out = WriteAll(1000, threads, 7);
    EXPECT_EQ(out.text, expected) << threads << " threads";
    EXPECT_EQ(out.rows_done, expected_done) << threads << " threads";
  }
}

TEST(StreamBatches, NoRowsWritesNothing) {
  for (int threads : {1, 4}) {
    const Written out = WriteAll(0, threads, 7);
    EXPECT_TRUE(out.rows_done.empty());
  }
}

TEST(StreamBatches, OneProducerPerWorkerAtMost) {
  std::atomic<int> made{0};
  StreamBatches(
      100, 16,
      [&] {
        ++made;
        return ScramblingProducer();
      },
      [](std::string_view, uint64_t) {}, 10);
  // 10 batches: more than 10 workers would only wait.
  EXPECT_GE(made.load(), 1);
  EXPECT_LE(made.load(), 10);
}

// The writer is slow, so the workers would run ahead without the window:
// batches produced and not yet written never exceed kBatchesPerThread per
// worker, whatever the row count. A pipeline without the bound has all 400
// batches alive at once.
TEST(StreamBatches, BatchesAliveStayWithinTheWindow) {
  for (int threads : {1, 2, 4}) {
    std::atomic<int> alive{0}, most{0};
    StreamBatches(
        400, threads,
        [&] {
          return [&](uint64_t first_row, size_t, std::string& text) {
            const int now = ++alive;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            text = std::to_string(first_row);
          };
        },
        [&](std::string_view, uint64_t) {
          std::this_thread::sleep_for(std::chrono::microseconds(300));
          --alive;
        },
        1);
    EXPECT_LE(most.load(), threads == 1 ? 1 : kBatchesPerThread * threads) << threads << " threads";
    if (threads > 1) {
      EXPECT_GT(most.load(), 1) << "the workers never ran ahead of the writer";
    }
  }
}

// Batch 37 of 200 fails: its exception reaches the caller, every batch before
// it was written in order, and the workers stopped soon after, within the
// window, instead of producing the other 160 batches.
TEST(StreamBatches, RethrowsAWorkersExceptionAndStops) {
  for (int threads : {1, 2, 4}) {
    std::atomic<int> produced{0};
    std::vector<uint64_t> written;
    try {
      StreamBatches(
          200, threads,
          [&] {
            return [&](uint64_t first_row, size_t, std::string& text) {
              ++produced;
              if (first_row == 37) throw std::runtime_error("batch 37 failed");
              text = std::to_string(first_row);
            };
          },
          [&](std::string_view text, uint64_t) { written.push_back(std::stoull(std::string(text))); }, 1);
      ADD_FAILURE() << "no exception with " << threads << " threads";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "batch 37 failed");
    }
    std::vector<uint64_t> expected;
    for (uint64_t k = 0; k < written.size(); ++k) expected.push_back(k);
    EXPECT_EQ(written, expected);
    EXPECT_LE(written.size(), 37u);
    EXPECT_LE(produced.load(), 38 + kBatchesPerThread * threads) << threads << " threads";
  }
}

TEST(StreamBatches, RethrowsAWritersExceptionAndStopsTheWorkers) {
  for (int threads : {1, 2, 4}) {
    std::atomic<int> produced{0};
    int writes = 0;
    try {
      StreamBatches(
          200, threads,
          [&] {
            return [&](uint64_t, size_t, std::string&) { ++produced; };
          },
          [&](std::string_view, uint64_t) {
            if (++writes == 5) throw std::runtime_error("disk full");
          },
          1);
      ADD_FAILURE() << "no exception with " << threads << " threads";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "disk full");
    }
    EXPECT_EQ(writes, 5);
    EXPECT_LE(produced.load(), 5 + kBatchesPerThread * threads) << threads << " threads";
  }
}

TEST(StreamBatches, RethrowsAnExceptionFromMakingAProducer) {
  for (int threads : {1, 3}) {
    EXPECT_THROW(StreamBatches(
                     100, threads, []() -> BatchProducer { throw std::runtime_error("no memory"); },
                     [](std::string_view, uint64_t) {}, 10),
                 std::runtime_error);
  }
}

TEST(ParallelFor, RunsEveryIndexOnce) {
  for (int threads : {1, 2, 5, 64}) {
    for (size_t chunk : {1, 3, 16}) {
      std::vector<std::atomic<int>> runs(101);
      ParallelFor(runs.size(), threads, [&](size_t i) { ++runs[i]; }, chunk);
      for (size_t i = 0; i < runs.size(); ++i) {
        ASSERT_EQ(runs[i].load(), 1) << "index " << i << ", " << threads << " threads, chunk " << chunk;
      }
    }
  }
}

TEST(ParallelFor, UsesSeveralThreads) {
  std::mutex mutex;
  std::vector<std::thread::id> ids;
  ParallelFor(8, 4, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard lock(mutex);
    ids.push_back(std::this_thread::get_id());
  });
  std::sort(ids.begin(), ids.end());
  EXPECT_GT(std::unique(ids.begin(), ids.end()) - ids.begin(), 1);
}

// Item 10 of 10,000 fails: the others stop soon after instead of running
// the remaining 2.5 s of items.
TEST(ParallelFor, RethrowsTheFirstExceptionAndStops) {
  for (int threads : {1, 4}) {
    std::atomic<int> runs{0};
    EXPECT_THROW(ParallelFor(10000, threads,
                             [&](size_t i) {
                               ++runs;
                               if (i == 10) throw std::invalid_argument("item 10");
                               std::this_thread::sleep_for(std::chrono::microseconds(250));
                             }),
                 std::invalid_argument);
    if (threads == 1) {
      EXPECT_EQ(runs.load(), 11);
    }
    EXPECT_LT(runs.load(), 1000) << threads << " threads";
  }
}

}  // namespace
}  // namespace seedforge
