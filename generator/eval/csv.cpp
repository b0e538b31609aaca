#include "eval/csv.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "seedforge/error.h"

namespace seedforge::eval {

namespace {

// A cursor over the text that yields one record at a time.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& file) : text_(text), file_(file) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte-order mark
  }

  // Reads the next non-blank record into `fields` (the field buffer is
  // reused). Returns false at the end of the input.
  bool Next(std::vector<std::string>& fields, uint32_t& start_line) {
    // Blank lines between records are skipped.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    start_line = line_;
    size_t count = 0;
    while (true) {
      if (count == fields.size()) fields.emplace_back();
      std::string& field = fields[count++];
      field.clear();
      bool end_of_record = ReadField(field, start_line);
      if (end_of_record) break;
    }
    fields.resize(count);
    return true;
  }

 private:
  // Reads one field; returns true when it ended the record.
  bool ReadField(std::string& field, uint32_t record_line) {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      uint32_t quote_line = line_;
      ++pos_;
      while (true) {
        size_t quote = text_.find('"', pos_);
        if (quote == std::string_view::npos) {
          throw InputError({file_, static_cast<int>(quote_line), 0},
                           "unterminated quoted field (a '\"' opens it here and never closes)");
        }
        std::string_view chunk = text_.substr(pos_, quote - pos_);
        for (char c : chunk) line_ += c == '\n';
        field.append(chunk);
        pos_ = quote + 1;
        if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is one quote
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      return EndField(record_line);
    }
    size_t end = pos_;
    while (end < text_.size() && text_[end] != ',' && text_[end] != '\n' && text_[end] != '\r') ++end;
    field.append(text_.substr(pos_, end - pos_));
    pos_ = end;
    return EndField(record_line);
  }

  // After a field: a comma (more fields), a line break or the end.
  bool EndField(uint32_t record_line) {
    if (pos_ >= text_.size()) return true;
    char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      return false;
    }
    if (c == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
      return true;
    }
    throw InputError({file_, static_cast<int>(line_), 0},
                     std::string("unexpected character '") + c + "' after a closing quote");
  }

  std::string_view text_;
  const std::string& file_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
};

}  // namespace

RawTable ParseCsv(std::string_view text, const std::string& file) {
  RawTable table;
  table.file = file;
  Scanner scanner(text, file);
  std::vector<std::string> fields;
  uint32_t line = 0;
  if (!scanner.Next(fields, line)) throw InputError({file, 1, 0}, "empty file: no header row");
  std::set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name = fields[i].empty() ? "column" + std::to_string(i + 1) : fields[i];
    if (!seen.insert(name).second) {
      throw InputError({file, static_cast<int>(line), 0}, "duplicate column name '" + name + "' in the header");
    }
    table.header.push_back(std::move(name));
  }
  const size_t width = table.header.size();
  table.columns.resize(width);
  // A rough row estimate from the first line keeps reallocation rare.
  size_t first_break = text.find('\n');
  size_t estimate = first_break == std::string_view::npos || first_break == 0 ? 16 : text.size() / (first_break + 1);
  for (RawColumn& column : table.columns) column.Reserve(estimate, text.size() / width + 16);
  table.lines.reserve(estimate);
  while (scanner.Next(fields, line)) {
    if (fields.size() != width) {
      throw InputError({file, static_cast<int>(line), 0},
                       "record has " + std::to_string(fields.size()) + " field(s), the header has " +
                           std::to_string(width));
    }
    for (size_t i = 0; i < width; ++i) table.columns[i].Append(fields[i]);
    table.lines.push_back(line);
  }
  return table;
}

RawTable ReadCsvFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError({path, 0, 0}, std::string("cannot open: ") + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) throw InputError({path, 0, 0}, "cannot read the file");
  return ParseCsv(text, path);
}

}  // namespace seedforge::eval
