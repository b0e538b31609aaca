// What the two runners (CSV folders, databases) share: one masked column
// of one table while its rows stream, with its memo, and the chunks of rows
// they mask a column at a time (so that each transform gets its values in
// batches: FF1 encrypts up to 16 side by side).
//
// Thread safety: one thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mask/mask.h"
#include "mask/transforms.h"

namespace seedforge::mask {

// Masked values by value, for transforms that depend on nothing else: a
// repeated value (a customer's e-mail in each of their orders) costs one
// probe. Direct-mapped, so memory stays fixed and a slot's strings keep
// their capacity (no allocation once warm); a collision only evicts. A
// column whose values hardly repeat (under 1 in 8 over its first 4,096)
// turns it off: there the table's cache misses cost more than they save.
class Memo {
 public:
  bool on() const { return on_; }
  // A repeat the caller caught itself (within a batch) counts as a hit.
  void Hit() { ++hits_; }
  const std::string* Find(std::string_view value) {
    if (slots_.empty()) return nullptr;
    if (++probes_ == kTrial && hits_ * 8 < kTrial) {
      on_ = false;
      slots_ = {};
      return nullptr;
    }
    const Slot& slot = slots_[Index(value)];
    if (!slot.used || slot.value != value) return nullptr;
    ++hits_;
    return &slot.masked;
  }
  void Put(std::string_view value, std::string_view masked) {
    if (!on_) return;
    if (slots_.empty()) slots_.resize(kSlots);
    Slot& slot = slots_[Index(value)];
    slot.value.assign(value);
    slot.masked.assign(masked);
    slot.used = true;
  }

 private:
  static constexpr size_t kSlots = 1 << 16;
  static constexpr uint64_t kTrial = 1 << 12;
  bool on_ = true;
  uint64_t probes_ = 0, hits_ = 0;
  size_t Index(std::string_view value) const { return std::hash<std::string_view>{}(value) & (kSlots - 1); }
  struct Slot {
    std::string value, masked;
    bool used = false;
  };
  std::vector<Slot> slots_;
};

// One masked column of one table while it streams.
struct ColumnPlan {
  const MaskRule* rule = nullptr;
  std::unique_ptr<Transform> transform;
  int key_column = -1;  // date_shift: the column holding the entity key
  Memo memo;            // when the transform depends on the value alone
  uint64_t values = 0;

  // The masked form of each non-NULL value of `values` into out[k] (NULLs
  // leave out[k] alone): a memo hit, or the transform's ApplyBatch over the
  // values not in the memo. `entities` holds each row's entity key (or is empty).
  void MaskBatch(std::span<const std::optional<std::string_view>> values, std::span<const std::string_view> entities,
                 std::vector<std::string>& out) {
    out.resize(std::max(out.size(), values.size()));
    const bool by_value = !transform->UsesEntity();
    todo_values_.clear();
    todo_entities_.clear();
    todo_at_.clear();
    for (size_t k = 0; k < values.size(); ++k) {
      if (!values[k]) continue;
      ++this->values;
      if (by_value && memo.on()) {
        if (const std::string* hit = memo.Find(*values[k])) {
          out[k] = *hit;
          continue;
        }
      }
      if (by_value && memo.on()) {  // a value repeated within the batch is masked once
        const auto [it, fresh] = pending_.emplace(*values[k], todo_values_.size());
        if (!fresh) {
          memo.Hit();
          copies_.push_back({k, it->second});
          continue;
        }
      }
      todo_values_.push_back(*values[k]);
      todo_entities_.push_back(entities.empty() ? std::string_view() : entities[k]);
      todo_at_.push_back(k);
    }
    todo_out_.resize(std::max(todo_out_.size(), todo_values_.size()));
    transform->ApplyBatch(todo_values_, todo_entities_, todo_out_);
    for (size_t t = 0; t < todo_at_.size(); ++t) {
      out[todo_at_[t]].swap(todo_out_[t]);
      if (by_value) memo.Put(todo_values_[t], out[todo_at_[t]]);
    }
    for (const auto& [k, t] : copies_) out[k] = out[todo_at_[t]];
    pending_.clear();
    copies_.clear();
  }

 private:
  std::vector<std::string_view> todo_values_, todo_entities_;
  std::vector<size_t> todo_at_;
  std::vector<std::string> todo_out_;
  std::unordered_map<std::string_view, size_t> pending_;  // value -> its index in todo_
  std::vector<std::pair<size_t, size_t>> copies_;        // out index, todo index
};

// Rows copied out of a reader (whose fields live until its next record),
// back to back in one string, so that a chunk of them is masked column by
// column (ColumnPlan::MaskBatch).
struct RowChunk {
  static constexpr size_t kRows = 256;  // rows a chunk
  explicit RowChunk(size_t width) : width(width) {}
  void Add(const std::optional<std::string_view>& field, bool is_quoted) {
    begins.push_back(arena.size());
    if (field) arena.append(*field);
    sizes.push_back(field ? field->size() : kNull);
    quoted.push_back(is_quoted);
  }
  std::optional<std::string_view> Field(size_t row, size_t column) const {
    const size_t at = row * width + column;
    if (sizes[at] == kNull) return std::nullopt;
    return std::string_view(arena).substr(begins[at], sizes[at]);
  }
  void Clear() {
    arena.clear();
    begins.clear();
    sizes.clear();
    quoted.clear();
    ends.clear();
    rows = 0;
  }
  static constexpr size_t kNull = ~size_t{0};
  size_t width;
  std::string arena;
  std::vector<size_t> begins, sizes;
  std::vector<uint8_t> quoted;         // CSV: whether the field came quoted
  std::vector<std::string_view> ends;  // CSV: each row's line break
  size_t rows = 0;
};

// Masks a chunk's columns that have a transform; the buffers are kept from
// chunk to chunk.
class ChunkMasker {
 public:
  // Result [c][r] is row r's masked column c (for a non-NULL field of a
  // column with a transform); valid until the next call.
  const std::vector<std::vector<std::string>>& Mask(const RowChunk& chunk, std::vector<ColumnPlan>& plans) {
    results_.resize(plans.size());
    for (size_t c = 0; c < plans.size(); ++c) {
      ColumnPlan& plan = plans[c];
      if (!plan.transform) continue;
      values_.resize(chunk.rows);
      entities_.assign(plan.key_column >= 0 ? chunk.rows : 0, {});
      for (size_t r = 0; r < chunk.rows; ++r) {
        values_[r] = chunk.Field(r, c);
        if (plan.key_column >= 0) entities_[r] = chunk.Field(r, plan.key_column).value_or(std::string_view());
      }
      plan.MaskBatch(values_, entities_, results_[c]);
    }
    return results_;
  }

 private:
  std::vector<std::vector<std::string>> results_;
  std::vector<std::optional<std::string_view>> values_;
  std::vector<std::string_view> entities_;
};

// The column of `header` that holds the key of a date_shift rule's entity
// ("customers.id"): the `key:` option's column; else the key itself in the
// entity's own table, or `customer_id` / `customers_id` elsewhere; -1 when
// the rule names no entity. Throws InputError at the rule otherwise.
int FindEntityKey(const MaskRule& rule, const std::vector<std::string>& header);

}  // namespace seedforge::mask
