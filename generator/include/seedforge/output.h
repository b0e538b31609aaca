// Writing generated rows: formats, encoders, and whole-or-nothing files.
//
// Rows stream from the Generator through a per-format RowEncoder into files;
// schema-level text (DDL, script headers) comes from templates (render.h).
// Files are written to temporary names and renamed only when every file of
// the run is complete, so an output appears whole or not at all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/shard.h"
#include "seedforge/sql_ident.h"  // QuoteIdent, for the writers' users

namespace seedforge {

// xlsx and docx are whole-domain documents (one workbook, one Word file),
// written by sinks/xlsx.cpp and sinks/docx.cpp rather than through a
// RowEncoder.
enum class Format { kCsv, kJsonl, kJson, kSql, kCopy, kDdl, kXlsx, kDocx };

std::optional<Format> ParseFormat(const std::string& name);
std::string_view FormatName(Format format);
std::vector<std::string> FormatNames();

// Appends the text of rows of one entity. Encode is const and thread-safe.
class RowEncoder {
 public:
  virtual ~RowEncoder() = default;
  virtual void Encode(const Batch& batch, std::string& out) const = 0;
};

// csv, jsonl, json: one file per entity; sql: INSERT statements; copy: the
// data lines of a COPY ... FROM stdin block (text format). JSON follows the
// column types of `entity`: json/jsonb values nest as JSON, arrays become
// JSON arrays, integers a double cannot hold exactly become strings
// (docs/output-formats.md).
std::unique_ptr<RowEncoder> MakeRowEncoder(Format format, const DomainEntity& entity);

// A COPY text encoder of some columns only (`columns`, in that order; all
// when empty), writing NULL for the columns marked in `nulled`.
std::unique_ptr<RowEncoder> MakeCopyEncoder(std::vector<int> columns, std::vector<bool> nulled);

// Text a per-entity file starts and ends with (CSV header, JSON brackets).
std::string EntityFilePrefix(Format format, const DomainEntity& entity);
std::string EntityFileSuffix(Format format);

// Generates every row of `entity` in batches of kBatchRows on `threads`
// threads (StreamBatches, pipeline.h) and passes each batch's encoded text,
// with the entity's rows done so far, to `write` in row order, whatever the
// thread count.
void StreamEntity(const Generator& generator, int entity, const RowEncoder& encoder, int threads,
                  const std::function<void(std::string_view text, uint64_t rows_done)>& write);
// The same for rows [range.begin, range.end) only (a shard's, or one
// connection's of `load --jobs`): the batches are the single run's, so the
// text is the matching slice of StreamEntity's. `rows_done` counts from the
// range's start. REQUIRES: range.begin is a multiple of kBatchRows (as
// ShardRows gives) and range.end <= the entity's rows.
void StreamEntityRows(const Generator& generator, int entity, RowRange range, const RowEncoder& encoder, int threads,
                      const std::function<void(std::string_view text, uint64_t rows_done)>& write);

// Excel's sheet size, less the header row.
inline constexpr uint64_t kXlsxMaxDataRows = 1'048'576 - 1;
// Word opens and pages through tables of ten thousand rows comfortably;
// beyond, it slows down to minutes, and nobody pastes that into a test plan.
inline constexpr uint64_t kDocxWarnRows = 10'000;

struct WriteOptions {
  Format format = Format::kCsv;
  std::filesystem::path out_dir = "out";
  int threads = 1;
  std::filesystem::path templates_dir;  // overrides of templates/, optional
  std::string as_of;                    // for script headers
  // The part of the run to write (`generate --shard K/N`, docs/scale.md):
  // ShardRows of every entity. csv/jsonl/json: the CSV header and JSON's
  // `[` only in shard 0, `]` only in the last, so the shards' files
  // concatenated in shard order are the whole run's; the fixture manifest
  // (the whole run's, byte for byte) only in shard 0. sql/copy: each shard a
  // script of its own rows, the CREATE TABLEs only in shard 0, the foreign
  // keys and sequence resets only in the last. ddl, xlsx and docx refuse a
  // shard (UsageError).
  Shard shard;
  // Called after each batch with (entity, rows done in it); may be empty.
  std::function<void(int, uint64_t)> progress;
  // Warnings that do not stop the run (a docx table too long for Word to be
  // comfortable); may be empty.
  std::function<void(const std::string&)> warn;
  // xlsx: data rows per sheet before the rest continues on `<entity> (2)`
  // (Excel's 1,048,576 rows, the header row included). A parameter so tests
  // can cross it with a few rows. Taken within [1, kXlsxMaxDataRows].
  uint64_t xlsx_rows_per_sheet = kXlsxMaxDataRows;
  // docx: tables longer than this get a warning (they are still written).
  uint64_t docx_warn_rows = kDocxWarnRows;
};

struct WriteSummary {
  std::vector<std::filesystem::path> files;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

// Throws UsageError when `format` cannot be cut into shards (ddl, xlsx, docx)
// and `shard` is not the whole run; WriteOutputs checks it too, callers may
// earlier (before the plan).
void CheckShardable(Format format, Shard shard);

// Writes the outputs of a run. Throws Error (nothing left behind) on failure.
WriteSummary WriteOutputs(const Generator& generator, const WriteOptions& options);


}  // namespace seedforge
