// Trained synthesizers: models fitted on a real table that sample new rows
// with the same distributions and correlations.
//
// Three synthesizers share one interface: the Gaussian copula ("copula",
// Eigen), CTGAN ("ctgan") and TVAE ("tvae") (LibTorch for training only).
// A Synthesizer is fitted on a DataTable (read from CSV by ReadCsvTable),
// saved to one versioned model file, loaded back, and sampled through a
// RowSampler made for a set of conditions (fixed values) and constraints.
//
// Determinism: sampling is a pure function of (model, key, row index). Row
// r draws only from RandomStream(key, r), so any set of rows can be sampled
// in any order, in any batch, on any thread, and gives identical bytes. The
// neural models run their sampling forward pass in seedforge's own dense
// kernels (fixed summation order), not in LibTorch, for that reason.
//
// Thread safety: a fitted Synthesizer is immutable; RowSampler::SampleRows
// is const and thread-safe. Fit is not thread-safe (it uses its own threads).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/table.h"

namespace seedforge {

// What a column of a learned table holds, as the transforms see it.
enum class DataType : uint8_t {
  kContinuous,   // BatchColumn kFloat
  kInteger,      // BatchColumn kInt
  kCategorical,  // BatchColumn kText
  kBoolean,      // BatchColumn kBool
  kDate,         // BatchColumn kDate (days since 1970-01-01)
  kTimestamp,    // BatchColumn kTimestamp (microseconds since the epoch)
  kId,           // BatchColumn kText: keys and free text, left out of models
};

std::string_view DataTypeName(DataType type);
// "continuous", "integer", "categorical", "boolean", "date", "timestamp",
// "id" (also "skip"); nullopt otherwise.
std::optional<DataType> ParseDataType(std::string_view name);
ValueKind DataTypeKind(DataType type);

// A typed table in memory: the input of Synthesizer::Fit, made from the
// table layer's Table (seedforge/table.h) by ReadCsvTable.
struct DataTable {
  std::string source;  // file name, for messages
  std::vector<std::string> names;
  std::vector<DataType> types;
  std::vector<BatchColumn> columns;  // kinds as DataTypeKind(types[c])
  // Per column: decimals seen (continuous; -1 = keep all, e.g. with
  // exponents) or digits of a fraction of a second (timestamp). May be
  // empty: then continuous values keep every decimal and timestamps keep
  // microseconds.
  std::vector<int> digits;
  // Per column: how dates and timestamps were written. May be empty: ISO.
  std::vector<DateFormat> formats;
  size_t rows = 0;

  int Find(std::string_view name) const;  // -1 when absent
};

struct CsvReadOptions {
  // Type overrides by column name (the domain file's or --type COL=TYPE).
  std::map<std::string, DataType> types;
  // Date and timestamp formats by column name (--type COL=timestamp:epoch);
  // other date columns' formats are inferred.
  std::map<std::string, DateFormat> formats;
  size_t max_rows = 0;  // 0 = all
  std::string null_marker;  // besides the empty unquoted field (--null NA)
};

// "TYPE" or "TYPE:FORMAT" (timestamp:epoch, date:DD/MM/YYYY) for `column`
// into `options`; false when the text names no type or format.
bool SetColumnType(const std::string& column, std::string_view spec, CsvReadOptions& options);

// Reads a CSV file with the table layer (seedforge/csv.h: RFC 4180, an empty
// unquoted field is NULL, "" the empty string) and its type inference
// (seedforge/table.h; see docs/synthesizers.md). Throws InputError naming
// file:line for a malformed file or an override naming no column.
DataTable ReadCsvTable(const std::string& path, const CsvReadOptions& options = {});
DataTable ParseCsvTable(std::string_view text, const std::string& source,
                        const CsvReadOptions& options = {});
// A table of the table layer as the models see it (database learning reads
// tables from other sources than one CSV file).
DataTable DataTableOf(const Table& table);

// One column a model produces, as learned from the data.
struct ModelColumn {
  std::string name;
  DataType type = DataType::kContinuous;
  double min = 0, max = 0;   // observed range (numeric, date, timestamp)
  int digits = 0;            // decimals kept by rounding (continuous)
  double null_rate = 0;      // share of NULLs in the data
  std::vector<std::string> categories;  // categorical: labels, most frequent first
  std::vector<double> frequencies;      // categorical and boolean: shares of non-null values
  DateFormat format;                    // date and timestamp: how the data wrote them

  ValueKind kind() const { return DataTypeKind(type); }
};

// A relation sampled rows must satisfy: `column op other_column` or
// `column op value`. Values of dates and timestamps are given as text
// (2024-01-31, 2024-01-31 12:00:00). A NULL satisfies every comparison
// (SQL CHECK semantics); `column IS NOT NULL` excludes NULLs (a domain's
// NOT NULL learned columns get one each).
struct Constraint {
  enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual, kNotNull };
  std::string column;
  Op op = Op::kGreaterEqual;
  std::string other;   // a column name, or empty
  std::string value;   // a literal, when `other` is empty
  std::string text;    // as written, for messages

  // Parses "closed_at >= opened_at", "income > 0", "score <= 850",
  // "income is not null" (any case).
  // Throws UsageError on a malformed expression.
  static Constraint Parse(const std::string& text);
};

// A fixed value for a column of every sampled row ("segment=retail").
struct Condition {
  std::string column;
  std::string value;  // empty = NULL

  // Parses "COLUMN=VALUE". Throws UsageError on a malformed one.
  static Condition Parse(const std::string& text);
};

struct SampleSpec {
  std::vector<Condition> conditions;
  std::vector<Constraint> constraints;  // added to the model's own
  // Redraws per row (from the row's own stream) before a violated
  // constraint is repaired by moving the value to the nearest allowed one.
  int max_tries = 100;
  // True: every row meets every condition (redrawn, then the value is set).
  // False: conditions only steer the model (CTGAN's conditional vector, the
  // copula's conditional distribution) and rows are kept as drawn: what the
  // model does with a condition on its own, for measuring it.
  bool enforce_conditions = true;
  // True: date and timestamp columns come out as kText in the format the
  // data was written in (ModelColumn::format), for `sample`'s files. False:
  // as kDate and kTimestamp values (a domain's learned columns).
  bool dates_as_written = false;
  // Columns whose values each row gives (RowSampler::SampleRowsGiven), as
  // `conditions` are given once for all rows (`model: {given}` in domains).
  std::vector<std::string> given;
};

// Samples rows of a fitted model under fixed conditions and constraints.
class RowSampler {
 public:
  virtual ~RowSampler() = default;

  // The output columns (the model's learned columns).
  virtual const std::vector<ModelColumn>& columns() const = 0;

  // Resizes `out` to one BatchColumn per learned column, each of rows.size()
  // values, and fills value i with row rows[i], drawn only from
  // RandomStream(key, rows[i]). Every condition and constraint holds in
  // every row. Const and thread-safe.
  virtual void SampleRows(std::span<const uint64_t> rows, uint64_t key,
                          std::vector<BatchColumn>& out) const = 0;
  // SampleRows with SampleSpec::given's columns fixed row by row: given[k]
  // holds each row's value of the k-th (any kind the column's values can be
  // read from: numbers, dates, category labels as text; NULL for NULL). A
  // row's given values hold in it, as conditions do; a category the model
  // does not know leaves its column free for that row.
  virtual void SampleRowsGiven(std::span<const uint64_t> rows, uint64_t key,
                               const std::vector<const BatchColumn*>& given, std::vector<BatchColumn>& out) const = 0;
};

struct FitProgress {
  int epoch = 0;   // 1-based; 0 for models without epochs
  int epochs = 0;
  double seconds = 0;  // since Fit started
  std::vector<std::pair<std::string, double>> losses;  // e.g. {"G", 1.2}, {"D", -0.3}
};

// CTGAN's training hyperparameters: sdv-dev/CTGAN's arguments of the same
// names, with its defaults (the paper's). Other models ignore them.
struct CtganOptions {
  double generator_lr = 2e-4;     // Adam's step size for the generator
  double discriminator_lr = 2e-4; // and for the discriminator
  int discriminator_steps = 1;    // discriminator updates per generator update (WGAN-GP's paper: 5)
  int pac = 10;                   // rows the discriminator judges together (PacGAN)
};

// Differential privacy for Fit (learn --dp; docs/privacy.md). What the user
// or the domain declares about a column is public and costs no budget;
// anything else the model needs from the data (bounds, category lists) is
// paid for from epsilon or refused.
struct PublicColumn {
  std::optional<double> min, max;       // numeric; dates as days, timestamps as µs since 1970
  std::vector<std::string> categories;  // categorical: every value it can take
  std::string source;                   // who declared it, for the record: "--public-bounds", "domain shop.yaml"
};

struct DpOptions {
  double epsilon = 0;  // the budget; 0 = not private
  double delta = 0;    // 0 = the default: 1 / (10 × rows), at most 1e-5
  double max_grad_norm = 1.0;  // DP-SGD: the per-example gradient clipping bound
  std::map<std::string, PublicColumn> public_columns;
  // Share of epsilon spent on data-derived bounds and category lists of
  // columns not in public_columns; 0 refuses such columns.
  double preprocessing_share = 0;

  bool enabled() const { return epsilon > 0; }
};

// What a private Fit spent, kept in the model file and shown on the model
// card. Empty `mechanism` = not private.
struct DpAccount {
  std::string mechanism;   // "dp-sgd", "noisy-copula"
  std::string accountant;  // "rdp" (seedforge/rdp_accountant.h)
  double target_epsilon = 0;
  double epsilon = 0;      // spent in all: training plus preprocessing
  double delta = 0;
  double preprocessing_epsilon = 0;
  double sample_rate = 0;  // DP-SGD: Poisson sampling rate q
  double noise_multiplier = 0;
  double max_grad_norm = 0;
  int64_t steps = 0;       // DP-SGD steps that touched real data
  std::vector<std::string> public_columns;  // what was taken as public, with its source
};

struct FitOptions {
  int epochs = 300;       // neural models
  int batch_size = 500;   // neural models; CTGAN rounds it up to a multiple of ctgan.pac
  uint64_t seed = 1;
  int threads = 0;        // 0 = every core
  CtganOptions ctgan;
  std::vector<Constraint> constraints;  // stored with the model
  std::function<void(const FitProgress&)> progress;  // may be empty
  DpOptions dp;           // differential privacy; off by default
};

class Synthesizer {
 public:
  virtual ~Synthesizer() = default;

  // "copula", "ctgan" or "tvae": the name in the model file.
  virtual std::string_view Name() const = 0;

  // Learns the model from `table`. Throws InputError naming the source for
  // a table it cannot learn (no rows, no usable column), UsageError for a
  // constraint naming an unknown column.
  virtual void Fit(const DataTable& table, const FitOptions& options) = 0;

  // The columns sampled rows have (id columns of the table are left out).
  virtual const std::vector<ModelColumn>& columns() const = 0;
  // The constraints given at Fit, kept with the model.
  virtual const std::vector<Constraint>& constraints() const = 0;
  // What a private Fit spent (mechanism empty when the model is not private).
  virtual const DpAccount& privacy() const {
    static const DpAccount kNone;
    return kNone;
  }

  // What was learned, for people: one line per column (type, marginal or
  // encoding, NULL rate) and the model's size.
  virtual std::string Summary() const = 0;

  // A sampler for `spec`. Throws UsageError naming an unknown column, a
  // category the model never saw, or a constraint that cannot be parsed.
  // REQUIRES: fitted or loaded.
  virtual std::unique_ptr<RowSampler> MakeSampler(const SampleSpec& spec = {}) const = 0;

  // The model's payload in the model file (see SaveSynthesizer).
  virtual std::string SavePayload() const = 0;
  // Restores a payload; throws InputError naming `file` when it is corrupt.
  virtual void LoadPayload(std::string_view payload, const std::string& file) = 0;
};

// "copula", "ctgan", "tvae".
std::vector<std::string> SynthesizerNames();
// Throws UsageError for an unknown name.
std::unique_ptr<Synthesizer> MakeSynthesizer(std::string_view name);

// Model files: "SFMODEL\n" magic, format version, synthesizer name, payload
// and a checksum of the payload (layout in docs/synthesizers.md). Written
// whole or not at all. Throws Error naming the path on an I/O failure.
inline constexpr uint32_t kModelFileVersion = 1;
void SaveSynthesizer(const Synthesizer& model, const std::string& path);
// Throws InputError naming `path` for a missing, foreign, truncated,
// corrupt or newer-version file.
std::unique_ptr<Synthesizer> LoadSynthesizer(const std::string& path);
// The same from the bytes of a model file; `name` names it in errors.
std::unique_ptr<Synthesizer> ParseSynthesizer(std::string_view bytes, const std::string& name);

// --- Learned columns in domains --------------------------------------------

// The engine's view (LearnedSource, generator.h) of a fitted model, sampled
// under `spec` (the model's own constraints always apply). Columns are the
// model's learned columns: kFloat (continuous), kInt (integer), kText
// (categorical), kBool, kDate, kTimestamp.
std::unique_ptr<LearnedSource> MakeLearnedSource(std::shared_ptr<const Synthesizer> model,
                                                 const SampleSpec& spec = {});

class ModelCache;  // model_cache.h

// Where LoadModelRef's model came from.
enum class ModelOrigin {
  kFile,    // a model file (`model: PATH`)
  kFitted,  // fitted from the sample data in this call
  kCache,   // read from the model cache: fitted from the same data by an earlier run
};

struct ModelLoadInfo {
  ModelOrigin origin = ModelOrigin::kFile;
  std::string synthesizer;  // "copula", "ctgan", "tvae"
  std::string source;       // the model file or sample data read, as found
  // kFitted: the entry written (empty when the model is not cached);
  // kCache: the entry read.
  std::string cache_file;
  double fit_seconds = 0;  // kFitted
};

struct ModelLoadOptions {
  // Keeps neural models fitted from sample data between runs; null: fit
  // every time. The copula is never cached: it fits in milliseconds.
  std::shared_ptr<ModelCache> cache;
  // Told after each epoch while a neural model trains; may be empty.
  std::function<void(const ModelRef&, const FitProgress&)> progress;
  // Told where each model came from; may be empty.
  std::function<void(const ModelRef&, const ModelLoadInfo&)> loaded;
};

// The ModelLoader of domains (GenerateOptions::model_loader): `model: PATH`
// loads a model file, `model: {from: DATA.csv, synthesizer: copula}` fits one
// (seed 1 and one thread, so a plan is reproducible; ref.epochs and
// ref.batch_size when given). PATH is relative to the domain file; when no
// such file exists, it is looked up among the files built into the binary
// (seeds/...), which is how built-in domains reach their sample data.
// Throws InputError at ref.where when the file is missing or bad.
std::unique_ptr<LearnedSource> LoadModelRef(const ModelRef& ref, const std::string& domain_file);

// LoadModelRef with `options`: a ctgan or tvae model fitted from data is
// read from options.cache when an earlier run fitted the same one (the same
// bytes either way), and stored there otherwise; a cache that cannot be
// read or written is never an error.
ModelLoader MakeModelLoader(ModelLoadOptions options);

}  // namespace seedforge
