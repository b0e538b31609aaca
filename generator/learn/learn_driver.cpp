#include "seedforge/learn_driver.h"

#include <chrono>
#include <cstdio>

#include "learn/values.h"
#include "seedforge/atomic_file.h"
#include "seedforge/error.h"
#include "seedforge/domain.h"
#include "seedforge/pipeline.h"
#include "seedforge/random.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// FitOptions::dp.public_columns from what the user and the domain declared,
// read as the table's columns hold values.
void ResolvePublicColumns(const DataTable& table, const PublicColumnsText& text, DpOptions& dp) {
  auto column_of = [&](const std::string& name, const std::string& source) {
    const int c = table.Find(name);
    if (c < 0) throw UsageError(source + ": '" + name + "' is no column of " + table.source);
    return c;
  };
  for (const PublicBoundsText& b : text.bounds) {
    const int c = column_of(b.column, b.source);
    ModelColumn column;
    column.type = table.types[c];
    if (static_cast<size_t>(c) < table.formats.size()) column.format = table.formats[c];
    if (column.type == DataType::kCategorical || column.type == DataType::kBoolean || column.type == DataType::kId) {
      throw UsageError(b.source + ": '" + b.column + "' is " + std::string(DataTypeName(column.type)) +
                       ", not a number, date or timestamp; bounds are for those");
    }
    auto value = [&](const std::string& t) {
      double v = 0;
      ModelColumn iso = column;
      iso.format = DateFormat{};
      if (!internal::ValueFromText(column, t, &v) && !internal::ValueFromText(iso, t, &v)) {
        throw UsageError(b.source + ": '" + t + "' is not a value of " + std::string(DataTypeName(column.type)) +
                         " column '" + b.column + "'");
      }
      return v;
    };
    PublicColumn& p = dp.public_columns[b.column];
    p.min = value(b.min);
    p.max = value(b.max);
    if (!(*p.min < *p.max)) throw UsageError(b.source + ": the bounds of '" + b.column + "' need MIN below MAX");
    p.source = b.source;
  }
  for (const PublicCategoriesText& k : text.categories) {
    const int c = column_of(k.column, k.source);
    if (table.types[c] != DataType::kCategorical) {
      throw UsageError(k.source + ": '" + k.column + "' is " + std::string(DataTypeName(table.types[c])) +
                       ", not categorical (--type " + k.column + "=categorical to learn it as one)");
    }
    if (k.categories.empty()) throw UsageError(k.source + ": no categories for '" + k.column + "'");
    PublicColumn& p = dp.public_columns[k.column];
    p.categories = k.categories;
    p.source = k.source;
  }
}

}  // namespace

LearnOutcome LearnFromCsv(Synthesizer& model, const std::string& from, const CsvReadOptions& read,
                          const FitOptions& fit, const std::string& out, const PublicColumnsText& public_text) {
  LearnOutcome outcome;
  const auto read_start = std::chrono::steady_clock::now();
  DataTable table = ReadCsvTable(from, read);
  outcome.read_seconds = SecondsSince(read_start);
  outcome.rows = table.rows;
  for (size_t c = 0; c < table.names.size(); ++c) {
    if (table.types[c] == DataType::kId) outcome.left_out.push_back(table.names[c]);
  }

  FitOptions followed = fit;
  if (fit.dp.enabled()) ResolvePublicColumns(table, public_text, followed.dp);
  followed.progress = [&](const FitProgress& p) {
    outcome.epochs = p.epoch;
    outcome.seconds_per_epoch = p.epoch > 0 ? p.seconds / p.epoch : 0;
    if (fit.progress) fit.progress(p);
  };
  const auto fit_start = std::chrono::steady_clock::now();
  model.Fit(table, followed);
  outcome.fit_seconds = SecondsSince(fit_start);
  if (fit.dp.enabled() && model.privacy().mechanism.empty()) {
    // Never write a model trained without the privacy asked for.
    throw UsageError("the " + std::string(model.Name()) +
                     " synthesizer does not support differential privacy (--dp); nothing was written");
  }
  SaveSynthesizer(model, out);
  outcome.privacy = model.privacy();
  outcome.columns = model.columns().size();
  outcome.summary = model.Summary();
  return outcome;
}

std::string FitProgressText(std::string_view synthesizer, const FitProgress& progress) {
  std::string line = std::string(synthesizer) + ": epoch " + std::to_string(progress.epoch) + "/" +
                     std::to_string(progress.epochs);
  for (const auto& [name, value] : progress.losses) {
    char text[48];
    std::snprintf(text, sizeof(text), "  loss %s %.4f", name.c_str(), value);
    line += text;
  }
  const double per_epoch = progress.epoch > 0 ? progress.seconds / progress.epoch : 0;
  char text[96];
  std::snprintf(text, sizeof(text), "  %.2f s/epoch  ETA %s", per_epoch,
                FormatDuration(per_epoch * (progress.epochs - progress.epoch)).c_str());
  return line + text;
}

std::string FormatDuration(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof(text), "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof(text), "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(text, sizeof(text), "%dh%02dm", static_cast<int>(seconds) / 3600,
                  static_cast<int>(seconds) % 3600 / 60);
  }
  return text;
}

void SampleModel(const RowSampler& sampler, const SampleOptions& options,
                 const std::function<void(std::string_view)>& write) {
  DomainEntity entity;
  for (const ModelColumn& c : sampler.columns()) {
    DomainColumn def;
    def.name = c.name;
    entity.columns.push_back(def);
  }
  const std::unique_ptr<RowEncoder> encoder = MakeRowEncoder(options.format, entity);
  const uint64_t key = DeriveKey(options.seed, "sample", "rows");
  write(EntityFilePrefix(options.format, entity));
  StreamBatches(
      options.rows, ThreadsOrCores(options.threads),
      [&] {
        return [&, rows = std::vector<uint64_t>(), batch = Batch()](uint64_t first_row, size_t count,
                                                                   std::string& text) mutable {
          rows.resize(count);
          for (size_t i = 0; i < count; ++i) rows[i] = first_row + i;
          batch.first_row = first_row;
          batch.size = count;
          sampler.SampleRows(rows, key, batch.columns);
          encoder->Encode(batch, text);
        };
      },
      [&](std::string_view text, uint64_t) { write(text); });
  write(EntityFileSuffix(options.format));
}

void SampleModelToFile(const RowSampler& sampler, const SampleOptions& options, const std::string& path) {
  AtomicFile file(path);
  SampleModel(sampler, options, [&](std::string_view bytes) { file.Write(bytes); });
  file.Commit();
}

}  // namespace seedforge
