// Learning a whole database: a schema with its rows in, a domain file with
// the models it names out (docs/learn-database.md).
//
// Two readers make a DatabaseSample: ReadPostgresDatabase (seedforge_pg: the
// catalog through introspection, the rows from one read-only REPEATABLE READ
// snapshot, optionally an FK-closed sample) and ReadCsvDatabase (a folder of
// <table>.csv files, with the links of a domain file or inferred from key
// names and value containment). LearnDatabase fits one model per table and
// learns each link's children per parent in the parent's model, and writes
// a domain that `generate`, `load`, `validate` and `report --domain` take
// like any other.
//
// Real rows are never written anywhere: the domain and model files hold
// distributions, category labels and correlations only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/registry.h"
#include "seedforge/table.h"

namespace seedforge {

// A database to learn from.
struct DatabaseSample {
  // Where it came from, for messages and the written domain's header; a
  // connection string here never holds a password.
  std::string source;
  // The schema as domain YAML (introspected, given with --domain, or
  // inferred from CSV files) and parsed. Every entity with rows has a table.
  std::string schema_text;
  Domain schema;
  // Per entity name: its rows, columns named as in the schema.
  std::map<std::string, Table> tables;
  // Per entity: rows in the whole database (catalog statistics or a count);
  // the tables above may hold a sample of them. Missing = the table's rows.
  std::map<std::string, uint64_t> full_rows;
  // When the tables hold an FK-closed sample (--sample-rows), per entity:
  // its counting link as the sampler chose it (CountingLink; -1 for a
  // root), and how many of its first rows are the sample proper (sampled
  // roots, and all the counting-link children of sampled parents). Rows
  // after those are there only because a sampled row refers to them; their
  // children are not all read, so they are not learned from.
  std::map<std::string, int> counting_links;
  std::map<std::string, uint64_t> sampled_rows;
  // Links found by inference rather than declared, one line each
  // ("invoice.customer_id -> customer.customer_id: 100% of 412 values found"),
  // written as comments the user can confirm.
  std::vector<std::string> inferred_links;
  // Per entity: columns that keep the schema's provider whatever it is,
  // never learned (`profile --domain-out` puts the personal columns it
  // found here, so a model never holds one of their values).
  std::map<std::string, std::set<std::string>> keep_providers;
};

// Fewest rows a parent needs for its children to be counted per parent: the
// customers of 8 employees, summed from 8 learned counts, would swing the
// customer table's size by half.
inline constexpr uint64_t kMinCountingParents = 20;

// The link of `entity` (an index in its links) along which its rows are
// counted per parent row, or -1 (a root): its first foreign key in column
// order, not a self-reference, to a parent of at least kMinCountingParents
// rows (`parent_rows` of each link; 0 rules a link out), whose columns are
// NOT NULL or that `never_null` says hold no NULL in the data. Designers
// list the owner first. The FK-closed sample reads children along it and
// the learner counts along it.
int CountingLink(const DomainEntity& entity, const std::function<uint64_t(size_t link)>& parent_rows,
                 const std::function<bool(size_t link)>& never_null);

struct ReadDatabaseOptions {
  std::string uri;                  // libpq URI or connection string
  std::string schema = "public";
  std::vector<std::string> tables;  // empty = every table; links to tables left out are dropped
  uint64_t sample_rows = 0;         // 0 = every row; else about this many rows per root table, FK-closed
  uint64_t seed = 1;                // which sample
  std::function<void(std::string_view)> progress;  // one line per step; may be empty
};

// Reads a live PostgreSQL database: the schema by introspection (its own
// connection), then every table's rows in one REPEATABLE READ READ ONLY
// transaction, so SELECT privileges suffice; with sample_rows an FK-closed
// sample (docs/postgres.md, "Learning from a database"). One progress line
// per table (rows, seconds). Throws UsageError for a name in `tables` that
// the schema lacks, Error on connection or query failure (no message ever
// shows a password).
DatabaseSample ReadPostgresDatabase(const ReadDatabaseOptions& options, const ProviderRegistry& registry);

struct ReadCsvDatabaseOptions {
  std::string dir;          // a folder of <table>.csv
  std::vector<std::string> files;  // only these CSV files of it (empty: every .csv)
  std::string domain_file;  // optional: the schema and links; else inferred
  std::string null_marker;  // besides the empty unquoted field (--null NA)
};

// Reads a folder of CSV files as a database. Throws InputError naming the
// file and line of malformed input, or a domain entity without its file.
DatabaseSample ReadCsvDatabase(const ReadCsvDatabaseOptions& options, const ProviderRegistry& registry);

struct LearnDatabaseOptions {
  std::string out_dir;                  // gets domain.yaml and models/
  std::string domain_file = "domain.yaml";  // the domain's name in out_dir
  std::string synthesizer = "copula";   // per table: copula, ctgan or tvae
  int epochs = 0, batch_size = 0;       // neural synthesizers; 0 = defaults
  uint64_t seed = 1;
  int threads = 0;                      // 0 = every core
  std::function<void(std::string_view)> progress;  // one line per step; may be empty
  // The command the domain's header names to make it again; empty: a plain
  // `seedforge learn --from SOURCE --out DIR`.
  std::string regenerate;
  // When set, the written domain is parsed and validated before any file
  // is written (a failure is a learner bug, reported as such).
  const ProviderRegistry* registry = nullptr;
};

struct LearnDatabaseResult {
  std::string domain_file;               // out_dir/domain.yaml (or options.domain_file)
  std::vector<std::string> model_files;  // as written
  std::vector<std::string> notes;        // what was found, one line each (copied columns, inferred links, ...)
};

// Fits the database's models and writes the domain and model files, each
// whole or not at all. Throws InputError or UsageError for input it cannot
// learn from, naming the table and column.
LearnDatabaseResult LearnDatabase(const DatabaseSample& sample, const LearnDatabaseOptions& options);

}  // namespace seedforge
