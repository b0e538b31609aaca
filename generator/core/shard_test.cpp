#include "seedforge/shard.h"

#include <gtest/gtest.h>

#include "seedforge/error.h"
#include "seedforge/pipeline.h"

namespace seedforge {
namespace {

TEST(Shard, ParsesKOfN) {
  const Shard shard = ParseShard("2/7");
  EXPECT_EQ(shard.index, 2);
  EXPECT_EQ(shard.count, 7);
  EXPECT_TRUE(ParseShard("0/1").whole());
  for (const char* bad : {"", "3", "7/7", "-1/4", "1/0", "a/2", "1/2x", "1//2", " 1/2"}) {
    EXPECT_THROW(ParseShard(bad), UsageError) << bad;
  }
}

// The shards of any size tile [0, rows) in order, on batch boundaries.
TEST(Shard, RangesTileTheRowsOnBatchBoundaries) {
  for (uint64_t rows : {0ull, 1ull, 7999ull, 8000ull, 8001ull, 100000ull, 1234567ull, 10'000'000'007ull}) {
    for (int count : {1, 2, 3, 7, 64}) {
      uint64_t next = 0;
      for (int k = 0; k < count; ++k) {
        const RowRange range = ShardRows(rows, {k, count});
        EXPECT_EQ(range.begin, next) << rows << " rows, shard " << k << "/" << count;
        EXPECT_LE(range.begin, range.end);
        EXPECT_EQ(range.begin % kBatchRows, 0u);
        if (range.end != rows) {
          EXPECT_EQ(range.end % kBatchRows, 0u);
        }
        next = range.end;
      }
      EXPECT_EQ(next, rows) << rows << " rows, " << count << " shards";
    }
  }
}

// Whole batches are spread evenly: shards differ by at most one batch.
TEST(Shard, SpreadsBatchesEvenly) {
  const uint64_t rows = 1000 * kBatchRows + 5;  // 1001 batches
  uint64_t smallest = UINT64_MAX, largest = 0;
  for (int k = 0; k < 7; ++k) {
    const uint64_t size = ShardRows(rows, {k, 7}).size();
    smallest = std::min(smallest, size);
    largest = std::max(largest, size);
  }
  EXPECT_LE(largest - smallest, kBatchRows);
}

}  // namespace
}  // namespace seedforge
