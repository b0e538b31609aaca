// seedforge generate: rows of a domain into files.
// seedforge validate: check a domain file and print its plan.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "cli/common.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/output.h"
#include "seedforge/shard.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace {

struct GenerateArgs {
  RunArgs run;
  std::string format = "csv";
  std::string out = "out";
  int threads = 0;
  std::string templates;
  bool progress = false;
  bool quiet = false;
  std::string shard;  // K/N, empty: the whole run
};

void RunGenerate(const GenerateArgs& args) {
  auto format = ParseFormat(args.format);
  const Shard shard = args.shard.empty() ? Shard{} : ParseShard(args.shard);
  CheckShardable(*format, shard);  // before the plan, which may take seconds
  Domain domain = LoadDomain(args.run.domain, CommandRegistry());
  const bool show = ShowProgress(args.quiet, args.progress);
  GenerateOptions options = MakeGenerateOptions(args.run, domain, {.progress = show, .warnings = !args.quiet});
  options.threads = ThreadsOrCores(args.threads);
  Generator generator(domain, CommandRegistry(), options);

  WriteOptions write;
  write.format = *format;
  write.out_dir = args.out;
  write.threads = options.threads;
  write.templates_dir = args.templates;
  write.as_of = FormatDate(options.today);
  write.shard = shard;
  ProgressLine progress(generator, show, shard);
  if (show) write.progress = [&](int entity, uint64_t done) { progress.Update(entity, done); };
  if (!args.quiet) {
    write.warn = [](const std::string& message) { std::fprintf(stderr, "seedforge: warning: %s\n", message.c_str()); };
  }

  auto start = std::chrono::steady_clock::now();
  WriteSummary summary = WriteOutputs(generator, write);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.Done();
  if (!args.quiet) {
    const std::string part =
        shard.whole() ? "" : " (shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + ")";
    std::fprintf(stderr, "seedforge: %s%s: %llu rows in %zu file(s) under %s, %.2f s (%.0f rows/s)\n",
                 domain.name.c_str(), part.c_str(), static_cast<unsigned long long>(summary.rows), summary.files.size(),
                 args.out.c_str(), seconds, seconds > 0 ? summary.rows / seconds : 0.0);
  }
}

void RunValidate(const RunArgs& args) {
  Domain domain = LoadDomain(args.domain, CommandRegistry());
  GenerateOptions options = MakeGenerateOptions(args, domain, {.progress = ShowProgress(/*quiet=*/false, /*progress=*/false)});
  Generator generator(domain, CommandRegistry(), options);
  std::cout << domain.file << ": ok — domain '" << domain.name << "'\n";
  if (const auto& window = generator.window()) {
    std::string from, to;
    AppendTimestamp(window->from, from);
    AppendTimestamp(window->to - (window->to % 1000000 + 1000000) % 1000000, to);  // 23:59:59, not .999999
    std::cout << "  time: " << from << " to " << to << "\n";
  }
  for (int e : generator.order()) {
    const EntityPlan& plan = generator.entities()[e];
    std::cout << "  " << plan.def->name << ": " << plan.rows << " rows";
    if (plan.grouped_link >= 0) std::cout << " (per " << plan.def->links[plan.grouped_link].parent << ")";
    std::cout << "\n";
    // Labelled named rows and the rows they are (the same in every run).
    const std::vector<RowLabel> labels = generator.Labels(e);
    if (!labels.empty()) {
      std::cout << "    named rows:";
      for (size_t i = 0; i < labels.size(); ++i) {
        std::cout << (i ? ", " : " ") << labels[i].label << " (row " << labels[i].row << ")";
      }
      std::cout << "\n";
    }
    // The story each column keeps, hidden columns included.
    const DomainEntity& entity = domain.entities[e];
    for (const DomainColumn& column : entity.columns) {
      const std::vector<std::string> lines = ExplainColumn(entity, column);
      for (size_t i = 0; i < lines.size(); ++i) {
        std::cout << "    " << (i == 0 ? column.name + ":" : std::string(column.name.size() + 1, ' ')) << " " << lines[i]
                  << "\n";
      }
    }
  }
}

}  // namespace

void SetupGenerateCommand(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* sub = AddCommand(app, "generate", "Generate linked rows of a domain into files",
                             {"seedforge generate --domain banking --out out",
                              "seedforge generate --domain employee --rows employees=100000 --seed 7 --format csv",
                              "seedforge generate --domain ./my_domain.yaml --format sql --out seed   # seed/<domain>.sql",
                              "seedforge generate --domain banking --format xlsx --out out   # out/banking.xlsx, a sheet per entity",
                              "seedforge generate --domain banking --shard 2/8 --out shard-2   # rows of the 3rd of 8 shards"},
                             "Formats: csv, jsonl, json (a file per entity); sql, copy, ddl (one script for psql); "
                             "xlsx (one workbook, a sheet per entity), docx (one Word document, a table per entity).");
  AddRunOptions(*sub, args->run);
  sub->add_option("-f,--format", args->format, "Output format: csv|jsonl|json|sql|copy|ddl|xlsx|docx")
      ->check(CLI::IsMember(FormatNames()))
      ->default_str("csv");
  sub->add_option("-o,--out", args->out, "Output directory (created if missing)")->default_str("out");
  AddThreadsOption(*sub, args->threads, "Worker threads (default: all cores); output is identical for any count");
  sub->add_option("--templates", args->templates,
                  "Directory overriding built-in templates file by file (e.g. sql/script.sql.mustache)")
      ->check(CLI::ExistingDirectory);
  sub->add_option("--shard", args->shard,
                  "Write only shard K of N (K from 0): every entity's K-th part, as whole batches of 8000 rows; "
                  "the N shards' files concatenated in shard order are the whole run's (docs/scale.md)")
      ->type_name("K/N");
  sub->add_flag("--progress", args->progress, "Show progress on stderr even when it is not a terminal");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  sub->callback([args] { RunGenerate(*args); });

  auto vargs = std::make_shared<RunArgs>();
  CLI::App* validate = app.add_subcommand("validate", "Check a domain file and show the row counts it plans");
  AddRunOptions(*validate, *vargs);
  validate->callback([vargs] { RunValidate(*vargs); });
}

}  // namespace seedforge
