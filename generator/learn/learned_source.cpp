// Models as sources of learned columns in domains (see LearnedSource in
// generator.h): the adapter from a Synthesizer's RowSampler, and the loader
// that finds a domain's model file or sample data on disk or built into the
// binary.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "seedforge/error.h"
#include "seedforge/model_cache.h"
#include "seedforge/resources.h"
#include "seedforge/synthesizer.h"
#include "seedforge/utf8.h"

namespace seedforge {

namespace {

class SynthesizerSource : public LearnedSource {
 public:
  SynthesizerSource(std::shared_ptr<const Synthesizer> model, const SampleSpec& spec)
      : model_(std::move(model)), sampler_(model_->MakeSampler(spec)) {
    for (const ModelColumn& c : sampler_->columns()) columns_.emplace_back(c.name, c.kind());
  }

  std::vector<std::pair<std::string, ValueKind>> Columns() const override { return columns_; }

  // Sampled values never leave the range seen in the data (FinishValue
  // clamps them to it).
  std::optional<ValueRange> Range(size_t column) const override {
    const ModelColumn& c = sampler_->columns()[column];
    if (c.type == DataType::kCategorical || c.type == DataType::kId || c.type == DataType::kBoolean) return std::nullopt;
    return ValueRange{c.min, c.max};
  }

  // In characters, as varchar(n) counts.
  size_t MaxLength(size_t column) const override {
    size_t longest = 0;
    for (const std::string& label : sampler_->columns()[column].categories) {
      longest = std::max(longest, Utf8Length(label));
    }
    return longest;
  }

  void SampleRows(std::span<const uint64_t> rows, uint64_t key, std::vector<BatchColumn>& out) const override {
    sampler_->SampleRows(rows, key, out);
  }

  void SampleRowsGiven(std::span<const uint64_t> rows, uint64_t key, const std::vector<const BatchColumn*>& given,
                       std::vector<BatchColumn>& out) const override {
    sampler_->SampleRowsGiven(rows, key, given, out);
  }

 private:
  std::shared_ptr<const Synthesizer> model_;  // the sampler may share its state
  std::unique_ptr<RowSampler> sampler_;
  std::vector<std::pair<std::string, ValueKind>> columns_;
};

// The bytes of `path` relative to the domain file, or of the embedded file
// of that name; `found` says which it was.
bool ReadModelInput(const ModelRef& ref, const std::string& domain_file, std::string* bytes, std::string* found) {
  namespace fs = std::filesystem;
  const fs::path given(ref.path);
  if (!ref.confined_to.empty()) {
    // An untrusted domain (DomainLoadOptions::confine_files_to): only a file
    // inside its folder, checked again now, when it is read.
    std::string why;
    const fs::path inside = fs::path(ref.confined_to) / given;
    std::error_code ec;
    if (!PathStaysInside(ref.path, ref.confined_to, &why) || !fs::is_regular_file(inside, ec)) return false;
    std::ifstream in(inside, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    *bytes = buffer.str();
    *found = inside.string();
    return true;
  }
  const fs::path relative = given.is_absolute() ? given : (fs::path(domain_file).parent_path() / given).lexically_normal();
  for (const fs::path& candidate : {relative, given}) {
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) continue;
    std::ifstream in(candidate, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    *bytes = buffer.str();
    *found = candidate.string();
    return true;
  }
  for (const std::string& name : {relative.generic_string(), "seeds/" + given.generic_string()}) {
    if (const std::string_view* text = FindResource(name)) {
      *bytes = std::string(*text);
      *found = name;
      return true;
    }
  }
  return false;
}

std::unique_ptr<LearnedSource> LoadModel(const ModelRef& ref, const std::string& domain_file,
                                         const ModelLoadOptions& options) {
  std::string bytes, found;
  if (!ReadModelInput(ref, domain_file, &bytes, &found)) {
    throw InputError(ref.where, std::string(ref.from_data ? "sample data" : "model file") + " '" + ref.path +
                                    "' not found (relative to " + domain_file + ", nor built in)");
  }
  ModelLoadInfo info;
  info.source = found;
  std::shared_ptr<Synthesizer> model;
  if (!ref.from_data) {
    model = ParseSynthesizer(bytes, found);
    info.synthesizer = model->Name();
  } else {
    info.synthesizer = ref.synthesizer.empty() ? "copula" : ref.synthesizer;
    try {
      model = MakeSynthesizer(info.synthesizer);
    } catch (const UsageError& e) {
      throw InputError(ref.where, e.what());
    }
    CsvReadOptions read;
    for (const ModelRef::TypeOverride& t : ref.types) {
      if (!SetColumnType(t.column, t.type, read)) {
        throw InputError(t.where, "unknown type '" + t.type +
                                      "' (continuous, integer, categorical, boolean, date, timestamp, id; "
                                      "date or timestamp may add :FORMAT, e.g. timestamp:epoch)");
      }
    }
    FitOptions fit;  // seed 1: the same plan fits the same model
    fit.threads = 1;
    if (ref.epochs > 0) fit.epochs = ref.epochs;
    if (ref.batch_size > 0) fit.batch_size = ref.batch_size;
    // Only the neural models are worth caching: the copula fits in one pass
    // (milliseconds on sample data), which costs about what finding and
    // reading its entry would.
    ModelCache* cache = info.synthesizer == "copula" ? nullptr : options.cache.get();
    std::string key;
    if (cache) {
      key = ModelCacheKey(bytes, info.synthesizer, read, fit);
      if (std::unique_ptr<Synthesizer> cached = cache->Find(key, info.synthesizer)) {
        model = std::move(cached);
        info.origin = ModelOrigin::kCache;
        info.cache_file = cache->EntryPath(key).string();
      }
    }
    if (info.origin != ModelOrigin::kCache) {
      DataTable table;
      try {
        table = ParseCsvTable(bytes, found, read);
      } catch (const InputError& e) {
        // An override naming no column of the data is the domain file's fault.
        for (const ModelRef::TypeOverride& t : ref.types) {
          if (std::string(e.what()).find("'" + t.column + "'") != std::string::npos) {
            throw InputError(t.where, e.what());
          }
        }
        throw;
      }
      if (options.progress) fit.progress = [&](const FitProgress& p) { options.progress(ref, p); };
      const auto start = std::chrono::steady_clock::now();
      model->Fit(table, fit);
      info.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      info.origin = ModelOrigin::kFitted;
      if (cache && cache->Store(key, *model)) info.cache_file = cache->EntryPath(key).string();
    }
  }
  if (options.loaded) options.loaded(ref, info);
  SampleSpec spec;
  for (const ModelRef::Given& given : ref.given) spec.given.push_back(given.column);
  for (const auto& [text, where] : ref.constraints) {
    try {
      spec.constraints.push_back(Constraint::Parse(text));
    } catch (const UsageError& e) {
      throw InputError(where, e.what());
    }
  }
  try {
    return MakeLearnedSource(std::move(model), spec);
  } catch (const UsageError& e) {
    // A constraint naming no column of the model, or comparing a date with
    // a number: point at the constraint the message quotes.
    const std::string message = e.what();
    for (const auto& [text, where] : ref.constraints) {
      if (message.find("'" + text + "'") != std::string::npos) throw InputError(where, message);
    }
    for (const ModelRef::Given& given : ref.given) {
      if (message.find("'given' column '" + given.column + "'") != std::string::npos) throw InputError(given.where, message);
    }
    throw InputError(ref.where, message);
  }
}

}  // namespace

std::unique_ptr<LearnedSource> MakeLearnedSource(std::shared_ptr<const Synthesizer> model, const SampleSpec& spec) {
  return std::make_unique<SynthesizerSource>(std::move(model), spec);
}

std::unique_ptr<LearnedSource> LoadModelRef(const ModelRef& ref, const std::string& domain_file) {
  return LoadModel(ref, domain_file, {});
}

ModelLoader MakeModelLoader(ModelLoadOptions options) {
  return [options = std::move(options)](const ModelRef& ref, const std::string& domain_file) {
    return LoadModel(ref, domain_file, options);
  };
}

}  // namespace seedforge
