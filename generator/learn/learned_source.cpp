// Models as sources of learned columns in domains (see LearnedSource in
// generator.h): the adapter from a Synthesizer's RowSampler, and the loader
// that finds a domain's model file or sample data on disk or built into the
// binary.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "seedforge/error.h"
#include "seedforge/resources.h"
#include "seedforge/synthesizer.h"

namespace seedforge {

namespace {

class SynthesizerSource : public LearnedSource {
 public:
  SynthesizerSource(std::shared_ptr<const Synthesizer> model, const SampleSpec& spec)
      : model_(std::move(model)), sampler_(model_->MakeSampler(spec)) {
    for (const LearnedColumn& c : sampler_->columns()) columns_.emplace_back(c.name, c.kind());
  }

  std::vector<std::pair<std::string, ValueKind>> Columns() const override { return columns_; }

  void SampleRows(std::span<const uint64_t> rows, uint64_t key, std::vector<Column>& out) const override {
    sampler_->SampleRows(rows, key, out);
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

}  // namespace

std::unique_ptr<LearnedSource> MakeLearnedSource(std::shared_ptr<const Synthesizer> model, const SampleSpec& spec) {
  return std::make_unique<SynthesizerSource>(std::move(model), spec);
}

std::unique_ptr<LearnedSource> LoadModelRef(const ModelRef& ref, const std::string& domain_file) {
  std::string bytes, found;
  if (!ReadModelInput(ref, domain_file, &bytes, &found)) {
    throw InputError(ref.where, std::string(ref.from_data ? "sample data" : "model file") + " '" + ref.path +
                                    "' not found (relative to " + domain_file + ", nor built in)");
  }
  std::shared_ptr<Synthesizer> model;
  if (!ref.from_data) {
    model = ParseSynthesizer(bytes, found);
  } else {
    const std::string name = ref.synthesizer.empty() ? "copula" : ref.synthesizer;
    try {
      model = MakeSynthesizer(name);
    } catch (const UsageError& e) {
      throw InputError(ref.where, e.what());
    }
    CsvReadOptions read;
    for (const ModelRef::TypeOverride& t : ref.types) {
      std::optional<DataType> type = ParseDataType(t.type);
      if (!type) {
        throw InputError(t.where, "unknown type '" + t.type +
                                      "' (continuous, integer, categorical, boolean, date, timestamp, id)");
      }
      read.types[t.column] = *type;
    }
    DataTable table;
    try {
      table = ParseCsvTable(bytes, found, read);
    } catch (const InputError& e) {
      // An override naming no column of the data is the domain file's fault.
      for (const ModelRef::TypeOverride& t : ref.types) {
        if (std::string(e.what()).find("'" + t.column + "'") != std::string::npos) throw InputError(t.where, e.what());
      }
      throw;
    }
    FitOptions options;  // seed 1: the same plan fits the same model
    options.threads = 1;
    if (ref.epochs > 0) options.epochs = ref.epochs;
    if (ref.batch_size > 0) options.batch_size = ref.batch_size;
    model->Fit(table, options);
  }
  SampleSpec spec;
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
    throw InputError(ref.where, message);
  }
}

}  // namespace seedforge
