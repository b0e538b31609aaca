// seedforge load: rows of a domain straight into PostgreSQL.
#include <cstdio>
#include <memory>

#include "cli/app.h"
#include "cli/common.h"
#include "seedforge/error.h"
#include "seedforge/load.h"
#include "seedforge/output.h"
#include "seedforge/shard.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace {

struct LoadArgs {
  RunArgs run;
  std::string db;
  bool create_schema = false;
  bool truncate = false;
  bool append = false;
  int threads = 0;
  std::string templates;
  bool quiet = false;
  bool progress = false;
  int jobs = 1;
  std::string shard;
  bool finish = false;
  std::string load_id;
};

void RunLoad(const LoadArgs& args) {
  if (!args.shard.empty()) {
    if (args.create_schema || args.truncate || args.append) {
      throw UsageError("--create-schema, --truncate and --append act when the shards are published: give them to "
                       "load --finish, not to load --shard");
    }
    if (args.jobs > 1) throw UsageError("--jobs and --shard do not combine: a shard is staged over one connection");
  }
  if (args.finish && args.jobs > 1) throw UsageError("--jobs does not apply to load --finish");
  if (!args.load_id.empty() && args.shard.empty() && !args.finish) {
    throw UsageError("--load-id names a sharded load: give it with --shard K/N or --finish");
  }
  Domain domain = LoadDomain(args.run.domain, CommandRegistry());
  const bool show = ShowProgress(args.quiet, args.progress);
  GenerateOptions generate = MakeGenerateOptions(args.run, domain, {.progress = show, .warnings = !args.quiet});
  Generator generator(domain, CommandRegistry(), generate);
  LoadOptions options;
  options.uri = DatabaseUri(args.db);
  options.create_schema = args.create_schema;
  options.existing = args.truncate ? ExistingRows::kTruncate : args.append ? ExistingRows::kAppend : ExistingRows::kRefuse;
  options.threads = ThreadsOrCores(args.threads);
  options.templates_dir = args.templates;
  options.jobs = args.jobs;
  if (!args.shard.empty()) options.shard = ParseShard(args.shard);
  options.finish = args.finish;
  options.load_id = args.load_id;
  ProgressLine progress(generator, show);
  if (show) options.progress = [&](int entity, uint64_t done) { progress.Update(entity, done); };
  LoadSummary summary = LoadIntoDatabase(generator, options);
  progress.Done();
  if (args.quiet) return;
  if (options.shard) {
    std::printf("staged shard %d/%d of load %s; publish every shard with: seedforge load --finish (same --domain, "
                "--seed and row options%s)\n",
                options.shard->index, options.shard->count,
                (args.load_id.empty() ? DefaultLoadId(generator, options.shard->count) : args.load_id).c_str(),
                args.load_id.empty() ? "" : ", and --load-id");
  }
  std::printf("%-24s %12s %9s %12s\n", "table", "rows", "seconds", "rows/s");
  for (const TableLoad& t : summary.tables) {
    if (t.seconds > 0) {
      std::printf("%-24s %12llu %9.2f %12.0f\n", t.table.c_str(), static_cast<unsigned long long>(t.rows), t.seconds,
                  t.rows / t.seconds);
    } else {
      std::printf("%-24s %12llu %9s %12s\n", t.table.c_str(), static_cast<unsigned long long>(t.rows), "-", "-");
    }
  }
  if (summary.staging_seconds > 0) std::printf("%-24s %12s %9.2f\n", "staging", "", summary.staging_seconds);
  if (summary.publish_seconds > 0) std::printf("%-24s %12s %9.2f\n", "final transaction", "", summary.publish_seconds);
  std::printf("%-24s %12llu %9.2f %12.0f\n", "total", static_cast<unsigned long long>(summary.rows), summary.seconds,
              summary.seconds > 0 ? summary.rows / summary.seconds : 0.0);
}

}  // namespace

void SetupLoadCommand(CLI::App& app) {
  auto args = std::make_shared<LoadArgs>();
  CLI::App* sub = AddCommand(app, "load", "Generate a domain's rows straight into PostgreSQL, in one transaction",
                             {"seedforge load --domain banking --db postgresql://localhost/dev --create-schema",
                              "seedforge load --domain banking --db \"$DATABASE_URL\" --truncate --scale 10"},
                             "Tables are filled with COPY in foreign-key order; on any error nothing is committed.\n"
                             "--jobs N fills a staging schema over N connections, then publishes it in one\n"
                             "transaction; --shard K/N stages one shard, --finish publishes all N at once.\n"
                             "Tables that already hold rows are refused unless --truncate or --append is given;\n"
                             "tables outside the domain are never touched.");
  AddRunOptions(*sub, args->run);
  sub->add_option("--db", args->db, "libpq URI or connection string (default: $DATABASE_URL, then PG* variables)");
  sub->add_flag("--create-schema", args->create_schema, "Create the domain's tables (and foreign keys after the rows)");
  auto* truncate = sub->add_flag("--truncate", args->truncate, "Empty the domain's own tables first");
  auto* append = sub->add_flag("--append", args->append, "Add rows to tables that already hold some");
  truncate->excludes(append);
  sub->add_option("--jobs", args->jobs,
                  "Connections loading at once through a staging schema, published in one transaction (default 1: "
                  "one connection, no staging)")
      ->check(CLI::Range(1, 64));
  auto* shard = sub->add_option("--shard", args->shard,
                                "Stage only shard K/N's rows (K from 0) for a later load --finish (another machine "
                                "may stage the others)");
  auto* finish = sub->add_flag("--finish", args->finish,
                               "Publish every staged shard of this domain and seed in one transaction");
  shard->excludes(finish);
  sub->add_option("--load-id", args->load_id,
                  "Names a sharded load's staging (default: <domain>_<seed>_of<N>); lower-case letters, digits, _");
  AddThreadsOption(*sub, args->threads, "Generation threads (default: all cores)");
  sub->add_option("--templates", args->templates, "Directory overriding built-in templates")->check(CLI::ExistingDirectory);
  sub->add_flag("--progress", args->progress, "Show progress on stderr even when it is not a terminal");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  sub->callback([args] { RunLoad(*args); });
}

}  // namespace seedforge
