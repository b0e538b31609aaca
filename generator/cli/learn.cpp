// seedforge learn: fit a synthesizer (copula, ctgan, tvae) on a CSV file and
// save it as a model file.
// seedforge sample: rows from a model file, under fixed values (--where) and
// constraints, into a CSV, JSON Lines or JSON file.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>

#include "cli/app.h"
#include "cli/common.h"
#include "seedforge/atomic_file.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/output.h"
#include "seedforge/random.h"
#include "seedforge/synthesizer.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace {

constexpr size_t kSampleBatch = 8192;  // rows per encoded batch of `sample`

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

  auto start = std::chrono::steady_clock::now();
  DataTable table = ReadCsvTable(args.from, read);
  const double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const bool show = !args.quiet && (args.progress || ::isatty(STDERR_FILENO));
  int epochs_done = 0;
  double epoch_seconds = 0;
  fit.progress = [&](const FitProgress& p) {
    epochs_done = p.epoch;
    epoch_seconds = p.epoch > 0 ? p.seconds / p.epoch : 0;
    if (!show || p.epochs == 0) return;
    std::string line = "\r\033[K" + args.model + ": epoch " + std::to_string(p.epoch) + "/" +
                       std::to_string(p.epochs);
    for (const auto& [name, value] : p.losses) {
      char text[48];
      std::snprintf(text, sizeof(text), "  loss %s %.4f", name.c_str(), value);
      line += text;
    }
    char text[96];
    std::snprintf(text, sizeof(text), "  %.2f s/epoch  ETA %s", epoch_seconds,
                  Duration(epoch_seconds * (p.epochs - p.epoch)).c_str());
    line += text;
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  };
  const auto fit_start = std::chrono::steady_clock::now();
  model->Fit(table, fit);
  const double fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - fit_start).count();
  if (show) std::fputs("\r\033[K", stderr);
  SaveSynthesizer(*model, args.out);
  if (args.quiet) return;
  std::string skipped;
  for (size_t c = 0; c < table.names.size(); ++c) {
    if (table.types[c] == DataType::kId) skipped += (skipped.empty() ? "" : ", ") + table.names[c];
  }
  std::fprintf(stderr, "seedforge: %s learned from %s (%zu rows, %zu columns) in %.2f s", args.model.c_str(),
               args.from.c_str(), table.rows, model->columns().size(), fit_seconds);
  if (epochs_done > 0) std::fprintf(stderr, " (%d epochs, %.3f s/epoch)", epochs_done, epoch_seconds);
  std::fprintf(stderr, "; read %.2f s; model in %s\n", read_seconds, args.out.c_str());
  std::fputs(model->Summary().c_str(), stderr);
  if (!skipped.empty()) {
    std::fprintf(stderr, "  left out (ids or free text; --type COL=TYPE to keep): %s\n", skipped.c_str());
  }
}

void RunSample(const SampleArgs& args) {
  const uint64_t total_rows = ParseRowsOption("--rows", args.rows);
  const std::optional<Format> format = ParseFormat(args.format);
  if (!format || (*format != Format::kCsv && *format != Format::kJsonl && *format != Format::kJson)) {
    throw UsageError("--format for sample is csv, jsonl or json, got '" + args.format + "'");
  }
  std::unique_ptr<Synthesizer> model = LoadSynthesizer(args.model);
  SampleSpec spec;
  spec.max_tries = args.max_tries;
  spec.dates_as_written = true;
  for (const std::string& text : args.where) spec.conditions.push_back(Condition::Parse(text));
  for (const std::string& text : args.constraints) spec.constraints.push_back(Constraint::Parse(text));
  std::unique_ptr<RowSampler> sampler = model->MakeSampler(spec);

  DomainEntity entity;
  entity.name = std::filesystem::path(args.out).stem().string();
  for (const LearnedColumn& c : sampler->columns()) {
    DomainColumn def;
    def.name = c.name;
    entity.columns.push_back(def);
  }
  std::unique_ptr<RowEncoder> encoder = MakeRowEncoder(*format, entity);
  const uint64_t key = DeriveKey(args.seed, "sample", "rows");
  const int threads = ThreadsOrCores(args.threads);

  auto start = std::chrono::steady_clock::now();
  const bool to_stdout = args.out == "-";
  std::unique_ptr<AtomicFile> file;
  if (!to_stdout) file = std::make_unique<AtomicFile>(args.out);
  auto write = [&](std::string_view bytes) {
    if (to_stdout) {
      std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    } else {
      file->Write(bytes);
    }
  };
  write(EntityFilePrefix(*format, entity));
  // Batches of kSampleBatch rows, sampled and encoded by `threads` workers,
  // each taking the next batch as soon as it is free (so a worker slowed by
  // other jobs on the machine holds no one up), and written in row order by
  // this thread, at most 2 * threads batches in flight. Rows depend only on
  // (model, key, row), so the bytes are the same for any thread count.
  const uint64_t batches = (total_rows + kSampleBatch - 1) / kSampleBatch;
  auto sample_batch = [&](uint64_t k, std::vector<uint64_t>& rows, Batch& batch, std::string& text) {
    const uint64_t begin = k * kSampleBatch;
    const size_t count = static_cast<size_t>(std::min<uint64_t>(kSampleBatch, total_rows - begin));
    rows.resize(count);
    for (size_t i = 0; i < count; ++i) rows[i] = begin + i;
    batch.first_row = begin;
    batch.size = count;
    sampler->SampleRows(rows, key, batch.columns);
    text.clear();
    encoder->Encode(batch, text);
  };
  if (threads <= 1 || batches <= 1) {
    std::vector<uint64_t> rows;
    Batch batch;
    std::string text;
    for (uint64_t k = 0; k < batches; ++k) {
      sample_batch(k, rows, batch, text);
      write(text);
    }
  } else {
    const uint64_t window = static_cast<uint64_t>(threads) * 2;
    std::vector<std::string> slots(window);  // slot k % window: batch k's text
    std::vector<bool> ready(window, false);
    std::mutex mutex;
    std::condition_variable changed;
    uint64_t next = 0, written = 0;
    bool failed = false;
    std::exception_ptr error;
    auto fail = [&](std::exception_ptr e) {
      std::lock_guard lock(mutex);
      failed = true;
      if (!error) error = e;
      changed.notify_all();
    };
    auto worker = [&] {
      std::vector<uint64_t> rows;
      Batch batch;
      std::string text;
      while (true) {
        uint64_t k;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return failed || next >= batches || next < written + window; });
          if (failed || next >= batches) return;
          k = next++;
        }
        try {
          sample_batch(k, rows, batch, text);
        } catch (...) {
          fail(std::current_exception());
          return;
        }
        std::lock_guard lock(mutex);
        slots[k % window].swap(text);  // hands over the text, takes back an old buffer
        ready[k % window] = true;
        changed.notify_all();
      }
    };
    auto stop = [&] {
      std::lock_guard lock(mutex);
      failed = true;
      changed.notify_all();
    };
    // More workers than batches would only wait.
    WorkerThreads pool(static_cast<int>(std::min<uint64_t>(threads, batches)), [&](int) { worker(); }, stop);
    std::string text;
    try {
      for (uint64_t k = 0; k < batches; ++k) {
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return failed || ready[k % window]; });
          if (failed) break;
          text.swap(slots[k % window]);
          ready[k % window] = false;
        }
        write(text);
        std::lock_guard lock(mutex);
        written = k + 1;
        changed.notify_all();
      }
    } catch (...) {
      fail(std::current_exception());
    }
    pool.Join();
    if (error) std::rethrow_exception(error);
  }
  write(EntityFileSuffix(*format));
  if (file) file->Commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.quiet && !to_stdout) {
    std::fprintf(stderr, "seedforge: %llu rows of %s to %s in %.2f s (%.0f rows/s)\n",
                 static_cast<unsigned long long>(total_rows), args.model.c_str(), args.out.c_str(), seconds,
                 seconds > 0 ? total_rows / seconds : 0.0);
  }
}

}  // namespace

void SetupLearnCommands(CLI::App& app) {
  auto largs = std::make_shared<LearnArgs>();
  CLI::App* learn = app.add_subcommand("learn", "Fit a synthesizer on a CSV file and save the model");
  learn->footer(
      "Examples:\n"
      "  seedforge learn --from customers.csv --model copula --out customers.model\n"
      "  seedforge learn --from sales.csv --model ctgan --epochs 100 --threads 8 --out sales.model\n"
      "  seedforge learn --from accounts.csv --type branch=categorical --constraint 'closed_at >= opened_at' "
      "--out accounts.model\n"
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
  CLI::App* sample = app.add_subcommand("sample", "Sample rows from a model file made by 'learn'");
  sample->footer(
      "Examples:\n"
      "  seedforge sample --model customers.model --rows 100000 --out customers.csv\n"
      "  seedforge sample --model customers.model --rows 500 --where segment=premium --format jsonl --out vip.jsonl\n"
      "  seedforge sample --model accounts.model --rows 1000 --constraint 'balance >= 0' --out -\n"
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
