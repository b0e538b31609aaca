// The drivers of `seedforge learn` and `seedforge sample`: a model fitted on
// a CSV file and saved, and a model's rows written out as a whole file.
//
// LearnFromCsv reads, fits and saves, timing each step and following the
// training's epochs for the closing report. SampleModel streams sampled rows
// through the batch pipeline (pipeline.h): batches sampled and encoded on
// worker threads, written in row order, memory bounded by the thread count.
// Rows depend only on (model, seed, row), so the bytes are the same for any
// thread count.
//
// Thread safety: the functions are reentrant; SampleModel uses its own
// threads, LearnFromCsv those of Synthesizer::Fit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/output.h"
#include "seedforge/synthesizer.h"

namespace seedforge {

// What LearnFromCsv read and fitted, for the command's closing lines.
struct LearnOutcome {
  size_t rows = 0;                    // rows read
  size_t columns = 0;                 // columns the model learned
  std::vector<std::string> left_out;  // columns read as ids or free text
  double read_seconds = 0;
  double fit_seconds = 0;
  int epochs = 0;                 // epochs trained; 0 for a model without epochs (copula)
  double seconds_per_epoch = 0;
  std::string summary;            // Synthesizer::Summary()
  DpAccount privacy;              // Synthesizer::privacy(): mechanism empty when not private
};

// What is public about the table's columns for a private fit, as written
// on the command line (--public-bounds COL=MIN:MAX, --public-categories
// COL=a,b,c) or read from a domain; `source` says which, for the record.
// Bounds are numbers, or dates and timestamps as the column writes them or
// in ISO form; they become FitOptions::dp.public_columns once the table's
// column types are known. A later entry for a column replaces an earlier one.
struct PublicBoundsText {
  std::string column, min, max, source;
};
struct PublicCategoriesText {
  std::string column;
  std::vector<std::string> categories;
  std::string source;
};
struct PublicColumnsText {
  std::vector<PublicBoundsText> bounds;
  std::vector<PublicCategoriesText> categories;
};

// Reads the CSV file `from` with `read`, fits `model` with `fit` and saves
// it to the model file `out`. fit.progress, when set, is called after every
// epoch. Throws what ReadCsvTable, Fit and SaveSynthesizer throw.
// With fit.dp enabled, `public_text` is resolved into fit.dp.public_columns
// (UsageError for a column the table lacks, a value it cannot hold, or
// categories of a column that is not categorical), and a model whose Fit
// does not record a private account (Synthesizer::privacy()) is refused
// with UsageError and not saved.
LearnOutcome LearnFromCsv(Synthesizer& model, const std::string& from, const CsvReadOptions& read,
                          const FitOptions& fit, const std::string& out, const PublicColumnsText& public_text = {});

// One line of training progress, without line breaks:
// "ctgan: epoch 3/300  loss generator 1.2345  0.21 s/epoch  ETA 1m02s".
std::string FitProgressText(std::string_view synthesizer, const FitProgress& progress);

// "42s", "3m05s", "2h10m": a duration for progress lines.
std::string FormatDuration(double seconds);

struct SampleOptions {
  uint64_t rows = 1000;
  uint64_t seed = 1;  // rows are drawn under DeriveKey(seed, "sample", "rows")
  Format format = Format::kCsv;  // csv, jsonl or json
  int threads = 0;    // 0: every core
};

// Writes rows [0, options.rows) of `sampler` as one whole file of
// options.format (CSV header, rows, JSON brackets) to `write`, in order.
void SampleModel(const RowSampler& sampler, const SampleOptions& options,
                 const std::function<void(std::string_view)>& write);

// The same into the file `path`, which appears whole or not at all.
void SampleModelToFile(const RowSampler& sampler, const SampleOptions& options, const std::string& path);

}  // namespace seedforge
