// The docx document: templates/docx/ (WordprocessingML) with each entity's
// rows streamed into its table, zipped by libzip.
//
// The body (word/document.xml) is written to an anonymous temporary file
// beside the output as the rows come (O_TMPFILE: it has no name, so nothing
// is left behind whatever happens), then libzip compresses it into the
// package at zip_close. Memory holds a few batches, never the document.
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "seedforge/calendar.h"
#include "seedforge/error.h"
#include "seedforge/render.h"
#include "seedforge/xml_text.h"
#include "sinks/office.h"

namespace seedforge {

namespace {

namespace fs = std::filesystem;

// A table row per entity row: each value as its CSV text (NULL and the
// empty string as an empty cell), tabs as Word tabs and line breaks (\n,
// \r\n, \r) as Word line breaks.
class DocxRowEncoder : public RowEncoder {
 public:
  void Encode(const Batch& batch, std::string& out) const override {
    std::string text;
    for (size_t i = 0; i < batch.size; ++i) {
      out += "<w:tr>";
      for (const BatchColumn& col : batch.columns) {
        std::string_view value;
        if (!col.IsNull(i)) {
          if (col.kind == ValueKind::kText) {
            value = col.texts[i];
          } else {
            text.clear();
            col.AppendText(i, text);
            value = text;
          }
        }
        if (value.empty()) {
          out += "<w:tc><w:p/></w:tc>";
          continue;
        }
        out += "<w:tc><w:p><w:r>";
        size_t from = 0;
        auto flush = [&](size_t to) {
          if (to == from) return;
          out += "<w:t xml:space=\"preserve\">";
          AppendXmlText(value.substr(from, to - from), out);
          out += "</w:t>";
        };
        for (size_t k = 0; k < value.size(); ++k) {
          const char c = value[k];
          if (c != '\t' && c != '\n' && c != '\r') continue;
          flush(k);
          if (c == '\t') {
            out += "<w:tab/>";
          } else {
            out += "<w:br/>";
            if (c == '\r' && k + 1 < value.size() && value[k + 1] == '\n') ++k;
          }
          from = k + 1;
        }
        flush(value.size());
        out += "</w:r></w:p></w:tc>";
      }
      out += "</w:tr>\n";
    }
  }
};

// A temporary file without a name in `dir` (the output's file system, not
// /tmp, which may be small), or tmpfile() where O_TMPFILE is unsupported.
std::FILE* AnonymousFile(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) {
    if (std::FILE* file = ::fdopen(fd, "w+b")) return file;
    ::close(fd);
  }
  if (std::FILE* file = std::tmpfile()) return file;
  throw Error("cannot make a temporary file for the docx body in " + dir.string() + ": " + std::strerror(errno));
}

struct ArchiveDiscarder {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};

// The time stored with each zip entry: the run's as-of date at 00:00, as
// local time (zip times have no zone; libzip converts with localtime), so
// the entries' fields are the same in every time zone.
time_t EntryTime(int64_t days) {
  int year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = static_cast<int>(month) - 1;
  tm.tm_mday = static_cast<int>(day);
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

}  // namespace

uint64_t WriteDocxDocument(const Generator& generator, const WriteOptions& options, const fs::path& path) {
  const std::string rendered = RenderDocxDocument(generator, options.templates_dir, options.as_of);

  // The body, rows streamed in at each table's marker.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> body(AnonymousFile(path.parent_path()), &std::fclose);
  auto write = [&](std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), body.get()) != bytes.size()) {
      throw Error("cannot write the docx body for " + path.string() + ": " + std::strerror(errno));
    }
  };
  DocxRowEncoder encoder;
  uint64_t rows_written = 0;
  ForEachRowsMarker(rendered, static_cast<int>(generator.domain().entities.size()), "the docx template", write,
                    [&](int entity) {
                      const uint64_t rows = generator.entities()[entity].rows;
                      if (rows > options.docx_warn_rows && options.warn) {
                        options.warn("docx: the table " + generator.domain().entities[entity].name + " has " +
                                     std::to_string(rows) + " rows; Word becomes slow above " +
                                     std::to_string(options.docx_warn_rows) +
                                     " rows a table (choose fewer with --rows ENTITY=N); writing them all");
                      }
                      StreamEntity(generator, entity, encoder, options.threads,
                                   [&](std::string_view text, uint64_t done) {
                                     write(text);
                                     if (options.progress) options.progress(entity, done);
                                   });
                      rows_written += rows;
                    });
  // libzip reads a FILE from where it stands (it seeks only to a start
  // past 0): back to the beginning.
  if (std::fflush(body.get()) != 0 || std::fseek(body.get(), 0, SEEK_SET) != 0) {
    throw Error("cannot write the docx body for " + path.string() + ": " + std::strerror(errno));
  }

  // The package. The static parts stay alive until zip_close reads them.
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml", LoadTemplate("docx/content_types.xml.mustache", options.templates_dir)},
      {"_rels/.rels", LoadTemplate("docx/package_rels.xml.mustache", options.templates_dir)},
      {"word/_rels/document.xml.rels", LoadTemplate("docx/document_rels.xml.mustache", options.templates_dir)},
      {"word/styles.xml", LoadTemplate("docx/styles.xml.mustache", options.templates_dir)},
  };
  int error_code = 0;
  std::unique_ptr<zip_t, ArchiveDiscarder> archive(zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error_code));
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, error_code);
    const std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error("cannot write " + path.string() + ": " + message);
  }
  const time_t mtime = EntryTime(generator.options().today);
  auto add = [&](const std::string& name, zip_source_t* source) {
    if (!source) throw Error("cannot add " + name + " to the docx: " + zip_strerror(archive.get()));
    const zip_int64_t index = zip_file_add(archive.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      throw Error("cannot add " + name + " to the docx: " + zip_strerror(archive.get()));
    }
    if (zip_file_set_mtime(archive.get(), static_cast<zip_uint64_t>(index), mtime, 0) != 0) {
      throw Error("cannot date " + name + " in the docx: " + zip_strerror(archive.get()));
    }
  };
  add(parts[0].first, zip_source_buffer(archive.get(), parts[0].second.data(), parts[0].second.size(), 0));
  add(parts[1].first, zip_source_buffer(archive.get(), parts[1].second.data(), parts[1].second.size(), 0));
  // The source owns the body's FILE from here (zip_close or zip_discard
  // closes it).
  std::FILE* body_file = body.release();
  zip_source_t* body_source = zip_source_filep(archive.get(), body_file, 0, -1);  // -1: to the end
  if (!body_source) std::fclose(body_file);
  add("word/document.xml", body_source);
  for (size_t k = 2; k < parts.size(); ++k) {
    add(parts[k].first, zip_source_buffer(archive.get(), parts[k].second.data(), parts[k].second.size(), 0));
  }
  if (zip_close(archive.get()) != 0) {
    throw Error("cannot write " + path.string() + ": " + zip_strerror(archive.get()));
  }
  archive.release();  // zip_close freed it
  return rows_written;
}

}  // namespace seedforge
