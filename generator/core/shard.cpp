#include "seedforge/shard.h"

#include <algorithm>
#include <charconv>

#include "seedforge/error.h"
#include "seedforge/pipeline.h"

namespace seedforge {

namespace {

bool ParseInt(std::string_view text, int& value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Shard ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string::npos || !ParseInt(std::string_view(text).substr(0, slash), shard.index) ||
      !ParseInt(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 ||
      shard.count > kMaxShards || shard.index < 0 || shard.index >= shard.count) {
    throw UsageError("--shard '" + text + "': expected K/N with 0 <= K < N (e.g. 0/4 is the first of four shards)");
  }
  return shard;
}

RowRange ShardRows(uint64_t rows, Shard shard) {
  // Whole batches to each shard, split as evenly as whole batches allow.
  const uint64_t batches = (rows + kBatchRows - 1) / kBatchRows;
  const uint64_t first = batches * static_cast<uint64_t>(shard.index) / static_cast<uint64_t>(shard.count);
  const uint64_t last = batches * static_cast<uint64_t>(shard.index + 1) / static_cast<uint64_t>(shard.count);
  return {std::min(rows, first * kBatchRows), std::min(rows, last * kBatchRows)};
}

}  // namespace seedforge
