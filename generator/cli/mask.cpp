// seedforge mask: a copy of a CSV folder or a database with its personal data replaced by
// keyed, consistent, format-preserving values (generator/mask/, docs/mask.md).
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/app.h"
#include "mask/key.h"
#include "mask/mask.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"

namespace seedforge {

namespace {

struct MaskArgs {
  std::string from, to;
  std::string key_file;  // no default: a key is never shown, not even in --help
  std::string rules;
  std::vector<std::string> subsets;  // TABLE=P% or TABLE=N
  bool quiet = false;
};

bool IsDatabase(const std::string& where) {
  return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

void RunMask(const MaskArgs& args) {
  const bool from_db = IsDatabase(args.from), to_db = IsDatabase(args.to);
  if (from_db != to_db) {
    throw UsageError("mask goes from a CSV folder to a CSV folder, or from a database to a database");
  }
  if (from_db && args.from == args.to) throw UsageError("--to is the --from database; mask never writes its source");
  // The key first: a run without one is refused before anything is read.
  std::vector<mask::SubsetSpec> subsets;
  for (const std::string& text : args.subsets) subsets.push_back(mask::ParseSubset(text));
  if (!subsets.empty() && !from_db) {
    throw UsageError("--subset needs a database source: a CSV folder has no declared foreign keys to close over");
  }
  const mask::MaskKey key = mask::MaskKey::Load(args.key_file);
  std::vector<mask::MaskRule> rules;
  if (!args.rules.empty()) rules = mask::ReadRules(args.rules);
  const bool default_rules = args.rules.empty();
  const auto start = std::chrono::steady_clock::now();
  mask::MaskSummary summary;
  if (from_db) {
    mask::DatabaseMaskOptions options{args.from, args.to, rules, default_rules, subsets, &CommandRegistry(), {}};
    if (!args.quiet) {
      options.progress = [](std::string_view line) {
        std::fprintf(stderr, "  %.*s\n", static_cast<int>(line.size()), line.data());
      };
    }
    summary = mask::MaskDatabase(options, key);
  } else {
    summary = mask::MaskCsvFolder({args.from, args.to, rules, default_rules}, key);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.quiet) return;
  for (const mask::MaskedColumn& column : summary.columns) {
    std::fprintf(stderr, "  %s.%s: %s, %llu values", column.table.c_str(), column.column.c_str(),
                 column.transform.c_str(), static_cast<unsigned long long>(column.values));
    if (column.fallbacks) {
      std::fprintf(stderr, " (%llu not of its form, masked character by character)",
                   static_cast<unsigned long long>(column.fallbacks));
    }
    std::fprintf(stderr, "\n");
  }
  if (!subsets.empty()) {
    for (const auto& [table, rows] : summary.table_rows) {
      std::fprintf(stderr, "  %s: %llu rows written\n", table.c_str(), static_cast<unsigned long long>(rows));
    }
  }
  if (summary.columns.empty()) {
    std::fprintf(stderr, "seedforge: warning: no column was masked (%s)\n",
                 default_rules ? "no column name looks personal; give --rules" : "the rules name none");
  }
  std::fprintf(stderr, "seedforge: masked %zu column(s), %llu rows into %s with key %s (id %s), %.2f s\n",
               summary.columns.size(), static_cast<unsigned long long>(summary.rows),
               from_db ? "the target database" : args.to.c_str(), key.origin().c_str(), key.Id().c_str(), seconds);
}

}  // namespace

void SetupMaskCommand(CLI::App& app) {
  auto args = std::make_shared<MaskArgs>();
  CLI::App* sub = AddCommand(
      app, "mask", "Copy a CSV folder or a database with personal data masked: keyed, consistent, format-preserving",
      {"seedforge mask --from data --to masked --key-file mask.key --rules rules.yaml",
       "seedforge mask --from postgresql://localhost/prod --to postgresql://localhost/masked --key-file mask.key",
       "SEEDFORGE_MASK_KEY=$(cat mask.key) seedforge mask --from data --to masked",
       "seedforge mask --from postgresql://localhost/prod --to postgresql://localhost/small --key-file mask.key "
       "--subset customers=5%"},
      "The same key masks a value the same way in every table and run, so joins survive. Without --rules,\n"
      "columns are chosen by name (ssn, email, phone, ...). Transforms and rules: docs/mask.md.");
  sub->add_option("--from", args->from, "Source folder of TABLE.csv files, or a postgresql:// database")->required();
  sub->add_option("--to", args->to, "Output folder (created if missing; files seedforge did not write are kept), or a database whose tables exist and are empty")
      ->required();
  sub->add_option("--key-file", args->key_file,
                  "File holding the mask key (at least 16 bytes); else $SEEDFORGE_MASK_KEY. Never printed");
  sub->add_option("--rules", args->rules, "YAML file mapping TABLE.COLUMN to a transform")
      ->check(CLI::ExistingFile);
  sub->add_option("--subset", args->subsets,
                  "Copy TABLE=P% (or TABLE=N rows) of one table, chosen by a hash keyed by the mask key, plus the\n"
                  "rows that refer to them, recursively, and every row those refer to, so that every foreign key\n"
                  "resolves; tables linked to none get no rows. Repeatable, one table each. Databases only: CSV\n"
                  "folders declare no foreign keys (docs/mask.md, Subsets)")
      ->type_name("TABLE=P%");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  AddPluginOption(*sub);
  sub->callback([args] { RunMask(*args); });
}

}  // namespace seedforge
