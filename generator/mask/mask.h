// `seedforge mask` over CSV folders: every CSV file of one folder written to
// another with the columns named by the rules masked (transforms.h) and all
// else kept byte for byte: the header, each field's quoting, NULLs (empty
// unquoted fields), line breaks and the byte-order mark.
//
// Rules map "table.column" to a transform, from a YAML file:
//   customers.ssn: ssn
//   customers.email: {email: {}}
//   orders.ordered_at: {date_shift: {days: 30, entity: customers.id, key: customer_id}}
// A table is a file TABLE.csv of the source folder. Without a rules file,
// DefaultRules proposes them from the PII detector (seedforge/pii.h).
//
// Files are read through the table layer's CSV reader (csv.h); date_shift
// columns are typed first by its type inference (TableBuilder), so dates are
// written back in the format they came in. Output files are AtomicFiles,
// renamed into place only once every table has been masked; an existing
// file that seedforge did not write is never replaced (as `generate --out`).
//
// Thread safety: one call per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mask/key.h"
#include "mask/transforms.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"
#include "seedforge/table.h"

namespace seedforge::mask {

struct MaskRule {
  std::string table, column;
  TransformSpec spec;
  SourceLocation where;  // in the rules file; the file alone for defaults
};

// Throws InputError naming file:line:column for a malformed rule.
std::vector<MaskRule> ParseRules(const std::string& text, const std::string& source);
std::vector<MaskRule> ReadRules(const std::string& path);

// Default rules, from the profile's PII detector (seedforge/pii.h) run
// over `sample` (the table's first rows): each column found personal gets
// its kind's transform (first_name, last_name, full_name, email, phone,
// ssn, card, street_address, zip, city; date_shift of 30 days for a date of
// birth; token for IBANs, IP addresses and VINs). States and free text are
// left as they are.
std::vector<MaskRule> DefaultRules(const std::string& table, const Table& sample);
// The rows DefaultRules reads per table.
inline constexpr size_t kDefaultRulesSampleRows = 20000;

struct FolderMaskOptions {
  std::filesystem::path from, to;
  std::vector<MaskRule> rules;
  bool default_rules = false;  // rules from DefaultRules (no --rules given)
};

struct MaskedColumn {
  std::string table, column, transform;
  uint64_t values = 0;     // non-NULL values masked
  uint64_t fallbacks = 0;  // of which not of the transform's form
};

struct MaskSummary {
  std::vector<std::filesystem::path> files;
  uint64_t rows = 0;
  std::vector<std::pair<std::string, uint64_t>> table_rows;  // per table in write order (databases)
  std::vector<MaskedColumn> columns;
};

MaskSummary MaskCsvFolder(const FolderMaskOptions& options, const MaskKey& key);

// `--subset ENTITY=P%` or `ENTITY=N`: a share (0 < P <= 100) or a count
// (N >= 1) of one table's rows. Throws UsageError naming the argument.
struct SubsetSpec {
  std::string entity;
  double share = 0;   // in (0, 1]; 0 when `rows` is given
  uint64_t rows = 0;
};
SubsetSpec ParseSubset(const std::string& text);

// PostgreSQL to PostgreSQL: every table of schema public of `from` (one
// read-only snapshot, COPY out) into the table of the same name in `to`
// (COPY in, parents before children, in one transaction: all or nothing).
// The target's tables must exist with the same columns and be empty; a
// table with rows is refused, never truncated. Date and timestamp columns
// are known by their SQL type.
//
// With subsets, only an FK-closed subset is copied (load/fk_sample.h, the
// rule `learn --sample-rows` uses): each subset entity's rows chosen by a
// hash of the row's primary key keyed by the mask key (a share: each row
// with probability P; a count: the N smallest hashes), every row that
// refers to a chosen row (recursively, along every foreign key), and every
// row these refer to (recursively). A table reached by neither gets no
// rows. Rows are chosen by their ctid in the read snapshot, then read again
// by ctid and streamed through the mask: only keys and ctids are held.
struct DatabaseMaskOptions {
  std::string from, to;  // connection strings
  std::vector<MaskRule> rules;
  bool default_rules = false;
  std::vector<SubsetSpec> subsets;
  const ProviderRegistry* registry = nullptr;  // to read the schema's links; needed with subsets
  std::function<void(std::string_view)> progress;  // one line per step; may be empty
};
MaskSummary MaskDatabase(const DatabaseMaskOptions& options, const MaskKey& key);

}  // namespace seedforge::mask
