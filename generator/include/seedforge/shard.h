// Shards: one logical data set cut into N disjoint parts that separate
// processes (or machines) make independently (`generate --shard K/N`,
// `load --shard K/N`, and the connections of `load --jobs N`).
//
// Shard K of N holds a contiguous range of every entity's rows, so the
// shards' files, concatenated in shard order, are the single run's. Ranges
// start and end on multiples of kBatchRows (except the last, which ends at
// the entity's row count): every batch a shard makes is a batch the single
// run makes, so nothing that depends on where batches begin can differ. An
// entity smaller than N batches leaves some shards empty for it.
#pragma once

#include <cstdint>
#include <string>

namespace seedforge {

struct Shard {
  int index = 0;  // K, from 0 (as Kubernetes' JOB_COMPLETION_INDEX)
  int count = 1;  // N
  bool whole() const { return count == 1; }
};

// "K/N" with 0 <= K < N, 1 <= N <= kMaxShards; throws UsageError naming the
// text otherwise.
Shard ParseShard(const std::string& text);
inline constexpr int kMaxShards = 1'000'000;

struct RowRange {
  uint64_t begin = 0;  // first row
  uint64_t end = 0;    // one past the last
  uint64_t size() const { return end - begin; }
  bool empty() const { return begin == end; }
};

// The rows of an entity of `rows` rows that shard `shard` makes.
RowRange ShardRows(uint64_t rows, Shard shard);

}  // namespace seedforge
