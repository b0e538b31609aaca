// seedforge learn: fit a synthesizer (copula, ctgan, tvae) on a CSV file and
// save it as a model file; or, with --from naming a folder of CSV files or a
// PostgreSQL database, learn a whole database into a domain file and the
// model files it names (docs/learn-database.md).
// seedforge sample: rows from a model file, under fixed values (--where) and
// constraints, into a CSV, JSON Lines or JSON file.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/app.h"
#include "cli/common.h"
#include "seedforge/calendar.h"
#include "seedforge/database.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/learn_driver.h"
#include "seedforge/output.h"
#include "seedforge/registry.h"
#include "seedforge/synthesizer.h"

namespace seedforge {

namespace {

struct LearnArgs {
  std::string from;
  std::string model = "copula";
  int epochs = 300;
  int batch_size = 500;
  CtganOptions ctgan;
  uint64_t seed = 1;
  int threads = 0;
  std::string max_rows = "0";
  std::vector<std::string> types;        // COL=TYPE
  std::string null_marker;               // --null
  std::vector<std::string> constraints;  // "a >= b"
  std::string out;
  bool progress = false;
  bool quiet = false;
  // Whole databases (--from DIR or a PostgreSQL URI).
  std::string synthesizer;  // --synthesizer: the same as --model
  std::string schema = "public";
  std::string tables;       // a,b,c
  std::string sample_rows = "0";
  std::string domain;       // the schema and links of a CSV folder; with --dp, public bounds
  // Differential privacy (docs/privacy.md).
  bool dp = false;
  double epsilon = 0, delta = 0, bounds_budget = 0, max_grad_norm = 1.0;
  std::vector<std::string> public_bounds;      // COL=MIN:MAX
  std::vector<std::string> public_categories;  // COL=a,b,c
};

struct SampleArgs {
  std::string model;
  std::string rows = "1000";
  std::vector<std::string> where;
  std::vector<std::string> constraints;
  uint64_t seed = 1;
  std::string format = "csv";
  std::string out;
  int threads = 0;
  int max_tries = 100;
  bool quiet = false;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The command that makes the same domain again, for its header.
std::string RegenerateCommand(const LearnArgs& args, const std::string& synthesizer) {
  std::string command = "seedforge learn --from " + args.from + " --out " + args.out;
  if (!args.domain.empty()) command += " --domain " + args.domain;
  if (args.schema != "public") command += " --schema " + args.schema;
  if (!args.tables.empty()) command += " --tables " + args.tables;
  if (args.sample_rows != "0") command += " --sample-rows " + args.sample_rows;
  if (synthesizer != "copula") command += " --synthesizer " + synthesizer;
  if (args.seed != 1) command += " --seed " + std::to_string(args.seed);
  if (!args.null_marker.empty()) command += " --null " + args.null_marker;
  return command;
}


// The safety checks before a private fit (docs/privacy.md): the budget in
// [0.01, 100], a warning above 10, a delta below 1, a budget share in
// [0, 1). Data-derived bounds without a share for them are refused by Fit,
// which knows the columns, before it touches the data.
DpOptions PrivacyOptions(const LearnArgs& args) {
  if (!args.dp) {
    if (args.epsilon != 0 || args.delta != 0 || args.bounds_budget != 0 || !args.public_bounds.empty() ||
        !args.public_categories.empty()) {
      throw UsageError("--epsilon, --delta, --bounds-budget, --public-bounds and --public-categories need --dp");
    }
    return {};
  }
  if (args.epsilon == 0) throw UsageError("--dp needs a budget: --epsilon E (from 0.01 to 100; 1 to 10 is usual)");
  if (!(args.epsilon >= 0.01 && args.epsilon <= 100)) {
    throw UsageError(fmt::format("--epsilon {:g} is outside [0.01, 100]: below, nothing useful can be learned; above, "
                                 "the guarantee means nothing",
                                 args.epsilon));
  }
  if (args.epsilon > 10) {
    std::fprintf(stderr,
                 "seedforge: warning: epsilon %g is above 10: the guarantee is weak (an attacker's odds of telling "
                 "whether a row was in the data can grow by a factor up to e^%g)\n",
                 args.epsilon, args.epsilon);
  }
  if (args.delta != 0 && !(args.delta > 0 && args.delta < 1e-2)) {
    throw UsageError(fmt::format("--delta must be in (0, 0.01), usually below 1 / rows; got {:g}", args.delta));
  }
  if (!(args.bounds_budget >= 0 && args.bounds_budget < 1)) {
    throw UsageError(fmt::format("--bounds-budget is a share of epsilon in [0, 1), got {:g}", args.bounds_budget));
  }
  if (!(args.max_grad_norm > 0)) throw UsageError("--max-grad-norm must be > 0");
  DpOptions dp;
  dp.epsilon = args.epsilon;
  dp.delta = args.delta;
  dp.preprocessing_share = args.bounds_budget;
  dp.max_grad_norm = args.max_grad_norm;
  return dp;
}

// A domain's declared bounds and category lists of the entity learned from
// `csv` (the entity named as the file, or the domain's only one): numeric
// providers' min and max, date and timestamp providers' from and to, a
// category provider's values.
void DomainPublicColumns(const std::string& domain_path, const std::string& csv, PublicColumnsText& out) {
  const Domain domain = LoadDomain(domain_path, CommandRegistry());
  const std::string stem = std::filesystem::path(csv).stem().string();
  int e = domain.FindEntity(stem);
  if (e < 0 && domain.entities.size() == 1) e = 0;
  if (e < 0) throw UsageError("--domain " + domain_path + " has no entity '" + stem + "' for " + csv);
  const std::string source = "domain " + domain_path;
  int year;
  unsigned month, day;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const int64_t today = std::chrono::duration_cast<std::chrono::hours>(now).count() / 24;
  auto iso = [&](int64_t days) {
    CivilFromDays(days, year, month, day);
    return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
  };
  for (const DomainColumn& column : domain.entities[e].columns) {
    if (column.source != ColumnSource::kProvider) continue;
    const Params& params = column.params;
    if ((column.provider == "integer" || column.provider == "decimal" || column.provider == "float") &&
        params.Has("min") && params.Has("max")) {
      out.bounds.push_back({column.name, fmt::format("{}", params.Double("min", 0)),
                            fmt::format("{}", params.Double("max", 0)), source});
    } else if ((column.provider == "date" || column.provider == "timestamp") && params.Has("from") &&
               params.Has("to")) {
      // A timestamp provider's `to` day is included whole.
      const int64_t last = params.Date("to", "", today) + (column.provider == "timestamp" ? 1 : 0);
      out.bounds.push_back({column.name, iso(params.Date("from", "", today)), iso(last), source});
    } else if (column.provider == "category" && params.Has("values") && !params.Has("by")) {
      PublicCategoriesText categories{column.name, {}, source};
      for (const auto& [value, weight] : params.Weighted("values")) categories.categories.push_back(value);
      out.categories.push_back(std::move(categories));
    }
  }
}

// --public-bounds COL=MIN:MAX (COL=MIN..MAX when the values hold a colon)
// and --public-categories COL=a,b,c; they override the domain's.
void CommandLinePublicColumns(const LearnArgs& args, PublicColumnsText& out) {
  for (const std::string& spec : args.public_bounds) {
    const size_t eq = spec.find('=');
    std::string range = eq == std::string::npos ? "" : spec.substr(eq + 1);
    size_t cut = range.find("..");
    size_t width = 2;
    if (cut == std::string::npos && std::count(range.begin(), range.end(), ':') == 1) {
      cut = range.find(':');
      width = 1;
    }
    if (eq == std::string::npos || eq == 0 || cut == std::string::npos || cut == 0 || cut + width >= range.size()) {
      throw UsageError("--public-bounds expects COL=MIN:MAX (or COL=MIN..MAX for timestamps), got '" + spec + "'");
    }
    out.bounds.push_back({spec.substr(0, eq), range.substr(0, cut), range.substr(cut + width), "--public-bounds"});
  }
  for (const std::string& spec : args.public_categories) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 >= spec.size()) {
      throw UsageError("--public-categories expects COL=a,b,c, got '" + spec + "'");
    }
    out.categories.push_back({spec.substr(0, eq), SplitList(spec.substr(eq + 1)), "--public-categories"});
  }
}

// The privacy lines of learn's closing report and of the model card.
void PrintPrivacy(const DpAccount& a) {
  // The summary's own line gives epsilon, delta and the mechanism.
  std::fprintf(stderr,
               "    target epsilon %g (%.4g of it on bounds and categories); sample rate %g, noise multiplier %.4g, "
               "steps %lld",
               a.target_epsilon, a.preprocessing_epsilon, a.sample_rate, a.noise_multiplier,
               static_cast<long long>(a.steps));
  if (a.max_grad_norm > 0) std::fprintf(stderr, ", clipping norm %g", a.max_grad_norm);
  std::fputs("\n    public:\n", stderr);
  for (const std::string& line : a.public_columns) std::fprintf(stderr, "      %s\n", line.c_str());
}

void RunLearnDatabase(const LearnArgs& args, const std::string& synthesizer) {
  const bool quiet = args.quiet;
  auto say = [quiet](std::string_view line) {
    if (!quiet) std::fprintf(stderr, "seedforge: %.*s\n", static_cast<int>(line.size()), line.data());
  };
  const auto start = std::chrono::steady_clock::now();
  DatabaseSample sample;
  if (IsConnectionString(args.from)) {
    if (!args.domain.empty()) throw UsageError("--domain is for a folder of CSV files; a database has its own schema");
    ReadDatabaseOptions read;
    read.uri = args.from;
    read.schema = args.schema;
    read.tables = SplitList(args.tables);
    read.sample_rows = ParseRowsOption("--sample-rows", args.sample_rows);
    read.seed = args.seed;
    read.progress = say;
    sample = ReadPostgresDatabase(read, CommandRegistry());
  } else {
    if (!args.tables.empty() || args.sample_rows != "0" || args.schema != "public") {
      throw UsageError("--schema, --tables and --sample-rows are for a PostgreSQL database, not a folder of CSV files");
    }
    ReadCsvDatabaseOptions read;
    read.dir = args.from;
    read.domain_file = args.domain;
    read.null_marker = args.null_marker;
    sample = ReadCsvDatabase(read, CommandRegistry());
  }
  size_t rows = 0, links = 0;
  for (const auto& [name, table] : sample.tables) {
    rows += table.rows();
    say(name + ": " + std::to_string(table.rows()) + " rows, " + std::to_string(table.columns.size()) +
        " columns read");
  }
  for (const DomainEntity& entity : sample.schema.entities) links += entity.links.size();
  const double read_seconds = SecondsSince(start);

  LearnDatabaseOptions learn;
  learn.out_dir = args.out;
  learn.synthesizer = synthesizer;
  learn.epochs = args.epochs;
  learn.batch_size = args.batch_size;
  learn.seed = args.seed;
  learn.threads = args.threads;
  learn.progress = say;
  learn.regenerate = RegenerateCommand(args, synthesizer);
  learn.registry = &CommandRegistry();
  const LearnDatabaseResult result = LearnDatabase(sample, learn);
  if (quiet) return;
  size_t copies = 0;
  for (const std::string& note : result.notes) {
    copies += note.find(" copies ") != std::string::npos;
    std::fprintf(stderr, "  %s\n", note.c_str());
  }
  std::fprintf(stderr,
               "seedforge: learned %zu tables (%zu rows, %zu links, %zu copied columns) from %s in %.2f s "
               "(read %.2f s); domain in %s, %zu model files in %s\n",
               sample.tables.size(), rows, links, copies, sample.source.c_str(), SecondsSince(start), read_seconds,
               result.domain_file.c_str(), result.model_files.size(),
               (std::filesystem::path(args.out) / "models").string().c_str());
  if (!sample.inferred_links.empty()) {
    std::fprintf(stderr, "  links were inferred from names and values: confirm them in %s\n",
                 result.domain_file.c_str());
  }
}

void RunLearn(const LearnArgs& args) {
  const std::string synthesizer = args.synthesizer.empty() ? args.model : args.synthesizer;
  const DpOptions dp = PrivacyOptions(args);
  if (IsConnectionString(args.from) || std::filesystem::is_directory(args.from)) {
    if (dp.enabled()) {
      throw UsageError("--dp learns one table from a CSV file; a folder or database is not supported (learning a "
                       "database copies some columns' values and keeps the links between real rows)");
    }
    RunLearnDatabase(args, synthesizer);
    return;
  }
  if (!std::filesystem::is_regular_file(args.from)) {
    throw UsageError("--from: " + args.from + " is no CSV file, folder of CSV files or PostgreSQL database");
  }
  CsvReadOptions read;
  read.max_rows = ParseRowsOption("--max-rows", args.max_rows);
  read.null_marker = args.null_marker;
  for (const std::string& spec : args.types) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || !SetColumnType(spec.substr(0, eq), spec.substr(eq + 1), read)) {
      throw UsageError("--type expects COLUMN=TYPE with TYPE one of continuous, integer, categorical, boolean, "
                       "date, timestamp, id (date/timestamp:FORMAT, e.g. timestamp:epoch); got '" + spec + "'");
    }
  }
  FitOptions fit;
  fit.epochs = args.epochs;
  fit.batch_size = args.batch_size;
  fit.ctgan = args.ctgan;
  fit.seed = args.seed;
  fit.threads = args.threads;
  fit.dp = dp;
  PublicColumnsText public_text;
  if (dp.enabled()) {
    if (!args.domain.empty()) DomainPublicColumns(args.domain, args.from, public_text);
    CommandLinePublicColumns(args, public_text);
  } else if (!args.domain.empty()) {
    throw UsageError("--domain is for a folder of CSV files, or with --dp for the public bounds of one");
  }
  for (const std::string& text : args.constraints) fit.constraints.push_back(Constraint::Parse(text));
  std::unique_ptr<Synthesizer> model = MakeSynthesizer(synthesizer);
  const bool show = ShowProgress(args.quiet, args.progress);
  if (show) {
    fit.progress = [&](const FitProgress& p) {
      if (p.epochs == 0) return;
      std::fputs(("\r\033[K" + FitProgressText(synthesizer, p)).c_str(), stderr);
      std::fflush(stderr);
    };
  }
  const LearnOutcome outcome = LearnFromCsv(*model, args.from, read, fit, args.out, public_text);
  if (show) std::fputs("\r\033[K", stderr);
  if (args.quiet) return;
  std::fprintf(stderr, "seedforge: %s learned from %s (%zu rows, %zu columns) in %.2f s", synthesizer.c_str(),
               args.from.c_str(), outcome.rows, outcome.columns, outcome.fit_seconds);
  if (outcome.epochs > 0) {
    std::fprintf(stderr, " (%d epochs, %.3f s/epoch)", outcome.epochs, outcome.seconds_per_epoch);
  }
  std::fprintf(stderr, "; read %.2f s; model in %s\n", outcome.read_seconds, args.out.c_str());
  std::fputs(outcome.summary.c_str(), stderr);
  if (!outcome.privacy.mechanism.empty()) PrintPrivacy(outcome.privacy);
  if (!outcome.left_out.empty()) {
    std::string names;
    for (const std::string& name : outcome.left_out) names += (names.empty() ? "" : ", ") + name;
    std::fprintf(stderr, "  left out (ids or free text; --type COL=TYPE to keep): %s\n", names.c_str());
  }
}

void RunSample(const SampleArgs& args) {
  SampleOptions options;
  options.rows = ParseRowsOption("--rows", args.rows);
  const std::optional<Format> format = ParseFormat(args.format);
  if (!format || (*format != Format::kCsv && *format != Format::kJsonl && *format != Format::kJson)) {
    throw UsageError("--format for sample is csv, jsonl or json, got '" + args.format + "'");
  }
  options.format = *format;
  options.seed = args.seed;
  options.threads = args.threads;
  std::unique_ptr<Synthesizer> model = LoadSynthesizer(args.model);
  SampleSpec spec;
  spec.max_tries = args.max_tries;
  spec.dates_as_written = true;
  for (const std::string& text : args.where) spec.conditions.push_back(Condition::Parse(text));
  for (const std::string& text : args.constraints) spec.constraints.push_back(Constraint::Parse(text));
  std::unique_ptr<RowSampler> sampler = model->MakeSampler(spec);

  const auto start = std::chrono::steady_clock::now();
  if (args.out == "-") {
    SampleModel(*sampler, options, [](std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), stdout); });
    return;
  }
  SampleModelToFile(*sampler, options, args.out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.quiet) {
    std::fprintf(stderr, "seedforge: %llu rows of %s to %s in %.2f s (%.0f rows/s)\n",
                 static_cast<unsigned long long>(options.rows), args.model.c_str(), args.out.c_str(), seconds,
                 seconds > 0 ? options.rows / seconds : 0.0);
  }
}

}  // namespace

void SetupLearnCommands(CLI::App& app) {
  auto largs = std::make_shared<LearnArgs>();
  CLI::App* learn = AddCommand(
      app, "learn", "Fit a synthesizer on a CSV file, or learn a whole database into a domain",
      {"seedforge learn --from customers.csv --model copula --out customers.model",
       "seedforge learn --from exports/ --out learned/    # a folder of CSV files: learned/domain.yaml",
       "seedforge learn --from postgresql://me@db/shop --schema public --sample-rows 100000 --out learned/",
       "seedforge learn --from sales.csv --model ctgan --epochs 100 --threads 8 --out sales.model",
       "seedforge learn --from accounts.csv --type branch=categorical --constraint 'closed_at >= opened_at' "
       "--out accounts.model"},
      "Types are inferred (see docs/synthesizers.md); id-like columns and free text are left out.\n"
      "A folder or a database gives DIR/domain.yaml and DIR/models/ (docs/learn-database.md).");
  learn->add_option("--from", largs->from,
                    "CSV file with a header row; a folder of <table>.csv; or a PostgreSQL URI")
      ->required();
  learn->add_option("-m,--model", largs->model, "Synthesizer: copula|ctgan|tvae")
      ->check(CLI::IsMember(SynthesizerNames()))
      ->default_str("copula");
  learn->add_option("-e,--epochs", largs->epochs, "Training epochs (ctgan, tvae)")
      ->check(CLI::Range(1, 100000))
      ->default_str("300");
  learn->add_option("--batch-size", largs->batch_size,
                    "Training batch size (ctgan, tvae; ctgan rounds it up to a multiple of --pac)")
      ->check(CLI::Range(10, 1000000))
      ->default_str("500");
  learn->add_option("--generator-lr", largs->ctgan.generator_lr, "ctgan: the generator's learning rate")
      ->check(CLI::Range(1e-7, 1.0))
      ->default_str("2e-4");
  learn->add_option("--discriminator-lr", largs->ctgan.discriminator_lr, "ctgan: the discriminator's learning rate")
      ->check(CLI::Range(1e-7, 1.0))
      ->default_str("2e-4");
  learn->add_option("--discriminator-steps", largs->ctgan.discriminator_steps,
                    "ctgan: discriminator updates per generator update")
      ->check(CLI::Range(1, 100))
      ->default_str("1");
  learn->add_option("--pac", largs->ctgan.pac, "ctgan: rows the discriminator judges together (PacGAN)")
      ->check(CLI::Range(1, 100))
      ->default_str("10");
  learn->add_option("-s,--seed", largs->seed, "Random seed: the same seed and threads give the same model")
      ->default_str("1");
  AddThreadsOption(*learn, largs->threads, "Training threads (default: all cores)");
  learn->add_option("--max-rows", largs->max_rows, "Read at most this many rows of the file");
  learn->add_option("-t,--type", largs->types,
                    "Override an inferred type, COL=TYPE or COL=TYPE:FORMAT (timestamp:epoch) (repeatable)");
  learn->add_option("--null", largs->null_marker,
                    "Also read unquoted fields equal to this as NULL (e.g. NA); an empty one always is");
  learn->add_option("-c,--constraint", largs->constraints,
                    "A constraint kept with the model: 'COL >= COL2', 'COL > 0', 'COL is not null' (repeatable)");
  learn->add_option("--synthesizer", largs->synthesizer, "The same as --model")
      ->check(CLI::IsMember(SynthesizerNames()));
  learn->add_option("--schema", largs->schema, "Database: the schema to learn")->default_str("public");
  learn->add_option("--tables", largs->tables, "Database: only these tables, a,b,c (with the parents they need)");
  learn->add_option("--sample-rows", largs->sample_rows,
                    "Database: learn from about this many rows per root table, FK-closed (default: every row)");
  learn->add_option("--domain", largs->domain,
                    "Folder of CSV files: the schema and links (else inferred); with --dp and a CSV file: the "
                    "entity's declared bounds and categories are public")
      ->check(CLI::ExistingFile);
  learn->add_flag("--dp", largs->dp,
                  "Differential privacy (docs/privacy.md): copula (noisy marginals and correlation); ctgan, tvae "
                  "(DP-SGD). Needs --epsilon");
  learn->add_option("--epsilon", largs->epsilon, "--dp: the privacy budget, 0.01 to 100 (warned above 10)");
  learn->add_option("--delta", largs->delta, "--dp: delta (default 1 / (10 x rows), at most 1e-5)");
  learn->add_option("--public-bounds", largs->public_bounds,
                    "--dp: public bounds COL=MIN:MAX (dates YYYY-MM-DD; COL=MIN..MAX for timestamps) (repeatable)");
  learn->add_option("--public-categories", largs->public_categories,
                    "--dp: every value a column can take, COL=a,b,c; other values count as NULL (repeatable)");
  learn->add_option("--bounds-budget", largs->bounds_budget,
                    "--dp: share of epsilon spent estimating the bounds and categories not declared public "
                    "(default 0: refuse such columns)");
  learn->add_option("--max-grad-norm", largs->max_grad_norm, "--dp, ctgan and tvae: per-row gradient clipping norm")
      ->default_str("1");
  learn->add_option("-o,--out", largs->out, "Model file to write; for a folder or database, the output folder")
      ->required();
  learn->add_flag("--progress", largs->progress, "Show progress on stderr even when it is not a terminal");
  learn->add_flag("-q,--quiet", largs->quiet, "Print nothing but errors");
  AddPluginOption(*learn);
  learn->callback([largs] { RunLearn(*largs); });

  auto sargs = std::make_shared<SampleArgs>();
  CLI::App* sample = AddCommand(
      app, "sample", "Sample rows from a model file made by 'learn'",
      {"seedforge sample --model customers.model --rows 100000 --out customers.csv",
       "seedforge sample --model customers.model --rows 500 --where segment=premium --format jsonl --out vip.jsonl",
       "seedforge sample --model accounts.model --rows 1000 --constraint 'balance >= 0' --out -"},
      "The same model, seed and row count give the same bytes for any --threads.");
  sample->add_option("-m,--model", sargs->model, "Model file")->required()->check(CLI::ExistingFile);
  sample->add_option("-n,--rows", sargs->rows, "Rows to sample")->default_str("1000");
  sample->add_option("-w,--where", sargs->where, "A fixed value, COL=VALUE (repeatable; COL= for NULL)");
  sample->add_option("-c,--constraint", sargs->constraints, "A constraint: 'COL >= COL2', 'COL > 0', 'COL is not null' (repeatable)");
  sample->add_option("-s,--seed", sargs->seed, "Random seed: the same seed gives the same rows")->default_str("1");
  sample->add_option("-f,--format", sargs->format, "Output format: csv|jsonl|json")
      ->check(CLI::IsMember({"csv", "jsonl", "json"}))
      ->default_str("csv");
  sample->add_option("-o,--out", sargs->out, "Output file ('-' for stdout)")->required();
  AddThreadsOption(*sample, sargs->threads,
                   "Worker threads (default: all cores); output is identical for any count");
  sample->add_option("--max-tries", sargs->max_tries,
                     "Redraws per row before a violated constraint is repaired")
      ->check(CLI::Range(1, 100000))
      ->default_str("100");
  sample->add_flag("-q,--quiet", sargs->quiet, "Print nothing but errors");
  sample->callback([sargs] { RunSample(*sargs); });
}

}  // namespace seedforge
