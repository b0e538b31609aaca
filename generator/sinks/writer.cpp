// Streams a run's rows into files: batches generated and encoded on worker
// threads, written in row order by the calling thread, with a bounded number
// of batches in flight (memory does not grow with the row count).
#include <set>

#include "seedforge/atomic_file.h"
#include "seedforge/codegen.h"
#include "seedforge/json_string.h"
#include "seedforge/error.h"
#include "seedforge/output.h"
#include "seedforge/pipeline.h"
#include "seedforge/render.h"
#include "sinks/office.h"

namespace seedforge {

void StreamEntity(const Generator& generator, int entity, const RowEncoder& encoder, int threads,
                  const std::function<void(std::string_view text, uint64_t rows_done)>& write) {
  StreamEntityRows(generator, entity, {0, generator.entities()[entity].rows}, encoder, threads, write);
}

void StreamEntityRows(const Generator& generator, int entity, RowRange range, const RowEncoder& encoder, int threads,
                      const std::function<void(std::string_view text, uint64_t rows_done)>& write) {
  StreamBatches(
      range.size(), threads,
      [&] {
        Batch batch;
        generator.InitBatch(entity, batch);
        return [&, batch = std::move(batch)](uint64_t first_row, size_t count, std::string& text) mutable {
          generator.Generate(entity, range.begin + first_row, count, batch);
          encoder.Encode(batch, text);
        };
      },
      write);
}

namespace {

namespace fs = std::filesystem;

// Splits a rendered script at its row markers and streams each table's rows
// in between.
void WriteScript(const Generator& generator, const WriteOptions& options, const std::string& rendered,
                 AtomicFile& file, uint64_t* rows_written) {
  ForEachRowsMarker(
      rendered, static_cast<int>(generator.domain().entities.size()), "the script template",
      [&](std::string_view text) { file.Write(text); },
      [&](int entity) {
        auto encoder = MakeRowEncoder(options.format, generator.domain().entities[entity]);
        StreamEntity(generator, entity, *encoder, options.threads, [&](std::string_view text, uint64_t done) {
          file.Write(text);
          if (options.progress) options.progress(entity, done);
        });
        *rows_written += generator.entities()[entity].rows;
      });
}

// <domain>.manifest.json: what made the per-entity files beside it, so
// generated loaders (seedforge codegen) can tell fixtures of another schema
// from their own. Nothing in it depends on the thread count.
std::string FixtureManifest(const Generator& generator, const WriteOptions& options) {
  const Domain& domain = generator.domain();
  std::string out = "{\n  \"seedforge_version\": ";
  AppendJsonString(SEEDFORGE_VERSION_STRING, out);
  out += ",\n  \"domain\": ";
  AppendJsonString(domain.name, out);
  out += ",\n  \"schema_hash\": ";
  AppendJsonString(SchemaHash(domain), out);
  out += ",\n  \"format\": ";
  AppendJsonString(FormatName(options.format), out);
  out += ",\n  \"seed\": " + std::to_string(generator.options().seed);
  out += ",\n  \"as_of\": ";
  AppendJsonString(options.as_of, out);
  out += ",\n  \"entities\": [";
  bool first = true;
  for (int e : generator.order()) {
    out += first ? "\n    {\"name\": " : ",\n    {\"name\": ";
    first = false;
    AppendJsonString(domain.entities[e].name, out);
    out += ", \"file\": ";
    AppendJsonString(domain.entities[e].name + "." + std::string(FormatName(options.format)), out);
    out += ", \"rows\": " + std::to_string(generator.entities()[e].rows) + "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace

WriteSummary WriteOutputs(const Generator& generator, const WriteOptions& options) {
  const Domain& domain = generator.domain();
  const fs::path& dir = options.out_dir;
  std::error_code ec;
  bool created_dir = !fs::exists(dir, ec);
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw Error("cannot create output directory " + dir.string() + ": " +
                (ec ? ec.message() : "a file of that name exists"));
  }

  // The files of this run, checked before any work so a refusal leaves
  // nothing behind.
  constexpr int kManifest = -2;
  std::vector<std::pair<fs::path, int>> targets;  // file, entity (-1: script, kManifest: the manifest)
  switch (options.format) {
    case Format::kSql: targets.push_back({dir / (domain.name + ".sql"), -1}); break;
    case Format::kCopy: targets.push_back({dir / (domain.name + ".copy.sql"), -1}); break;
    case Format::kDdl: targets.push_back({dir / (domain.name + ".ddl.sql"), -1}); break;
    case Format::kXlsx: targets.push_back({dir / (domain.name + ".xlsx"), -1}); break;
    case Format::kDocx: targets.push_back({dir / (domain.name + ".docx"), -1}); break;
    default:
      for (int e : generator.order()) {
        targets.push_back({dir / (domain.entities[e].name + "." + std::string(FormatName(options.format))), e});
      }
      targets.push_back({dir / ManifestFileName(domain), kManifest});
  }
  std::set<std::string> ours = ReadManifest(dir);
  for (const auto& [path, entity] : targets) {
    if (fs::exists(path) && !ours.count(path.filename().string())) {
      throw Error(path.string() + " exists and was not written by seedforge; remove it or choose another --out");
    }
  }

  WriteSummary summary;
  std::vector<std::unique_ptr<AtomicFile>> files;
  try {
    for (const auto& [path, entity] : targets) {
      files.push_back(std::make_unique<AtomicFile>(path));
      AtomicFile& file = *files.back();
      if (entity == kManifest) {
        file.Write(FixtureManifest(generator, options));
      } else if (options.format == Format::kXlsx || options.format == Format::kDocx) {
        // The libraries write by name: to the temporary file, then renamed.
        file.Finish();
        summary.rows += options.format == Format::kXlsx ? WriteXlsxWorkbook(generator, options, file.temp_path())
                                                        : WriteDocxDocument(generator, options, file.temp_path());
      } else if (entity >= 0) {
        const DomainEntity& def = domain.entities[entity];
        auto encoder = MakeRowEncoder(options.format, def);
        file.Write(EntityFilePrefix(options.format, def));
        StreamEntity(generator, entity, *encoder, options.threads,
                     // entity = entity: clang 14 cannot capture a structured binding.
                     [&, entity = entity](std::string_view text, uint64_t done) {
                       file.Write(text);
                       if (options.progress) options.progress(entity, done);
                     });
        file.Write(EntityFileSuffix(options.format));
        summary.rows += generator.entities()[entity].rows;
      } else {
        std::string name = options.format == Format::kSql    ? "sql/script.sql.mustache"
                           : options.format == Format::kCopy ? "copy/script.sql.mustache"
                                                             : "ddl/schema.sql.mustache";
        std::string rendered = RenderScript(name, generator, options.templates_dir,
                                            path.filename().string(), options.as_of);
        WriteScript(generator, options, rendered, file, &summary.rows);
      }
      file.Finish();
    }
    for (auto& file : files) {
      file->Commit();
      summary.files.push_back(file->target());
      uintmax_t size = file->bytes();
      if (size == 0) {  // written by a library, not through Write()
        size = fs::file_size(file->target(), ec);
        if (ec) size = 0;
      }
      summary.bytes += size;
      ours.insert(file->target().filename().string());
    }
    WriteManifest(dir, ours);
  } catch (...) {
    files.clear();  // removes every temporary file
    if (created_dir) fs::remove(dir, ec);  // only if empty: remove() never recurses
    throw;
  }
  return summary;
}

}  // namespace seedforge
