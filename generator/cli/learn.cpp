// seedforge learn: fit a synthesizer (copula, ctgan, tvae) on a CSV file and
// save it as a model file.
// seedforge sample: rows from a model file, under fixed values (--where) and
// constraints, into a CSV, JSON Lines or JSON file.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/app.h"
#include "cli/common.h"
#include "seedforge/error.h"
#include "seedforge/learn_driver.h"
#include "seedforge/output.h"
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

void RunLearn(const LearnArgs& args) {
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
  for (const std::string& text : args.constraints) fit.constraints.push_back(Constraint::Parse(text));
  std::unique_ptr<Synthesizer> model = MakeSynthesizer(args.model);
  const bool show = ShowProgress(args.quiet, args.progress);
  if (show) {
    fit.progress = [&](const FitProgress& p) {
      if (p.epochs == 0) return;
      std::fputs(("\r\033[K" + FitProgressText(args.model, p)).c_str(), stderr);
      std::fflush(stderr);
    };
  }
  const LearnOutcome outcome = LearnFromCsv(*model, args.from, read, fit, args.out);
  if (show) std::fputs("\r\033[K", stderr);
  if (args.quiet) return;
  std::fprintf(stderr, "seedforge: %s learned from %s (%zu rows, %zu columns) in %.2f s", args.model.c_str(),
               args.from.c_str(), outcome.rows, outcome.columns, outcome.fit_seconds);
  if (outcome.epochs > 0) {
    std::fprintf(stderr, " (%d epochs, %.3f s/epoch)", outcome.epochs, outcome.seconds_per_epoch);
  }
  std::fprintf(stderr, "; read %.2f s; model in %s\n", outcome.read_seconds, args.out.c_str());
  std::fputs(outcome.summary.c_str(), stderr);
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
      app, "learn", "Fit a synthesizer on a CSV file and save the model",
      {"seedforge learn --from customers.csv --model copula --out customers.model",
       "seedforge learn --from sales.csv --model ctgan --epochs 100 --threads 8 --out sales.model",
       "seedforge learn --from accounts.csv --type branch=categorical --constraint 'closed_at >= opened_at' "
       "--out accounts.model"},
      "Types are inferred (see docs/synthesizers.md); id-like columns and free text are left out.");
  learn->add_option("--from", largs->from, "CSV file with a header row")->required()->check(CLI::ExistingFile);
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
  learn->add_option("-o,--out", largs->out, "Model file to write")->required();
  learn->add_flag("--progress", largs->progress, "Show progress on stderr even when it is not a terminal");
  learn->add_flag("-q,--quiet", largs->quiet, "Print nothing but errors");
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
