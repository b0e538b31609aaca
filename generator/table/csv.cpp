#include "seedforge/csv.h"

#include <cerrno>
#include <cstring>

#include "seedforge/error.h"

namespace seedforge {

namespace {
constexpr size_t kChunk = 1 << 16;  // bytes read from a file at a time
}

std::unique_ptr<CsvReader> CsvReader::Open(const std::string& path, const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(path, options));
  reader->file_.open(path, std::ios::binary);
  if (!reader->file_) throw InputError({path}, std::string("cannot open: ") + std::strerror(errno));
  reader->Start();
  return reader;
}

std::unique_ptr<CsvReader> CsvReader::FromText(std::string_view text, const std::string& source,
                                               const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(source, options));
  reader->input_ = text;
  reader->Start();
  return reader;
}

CsvReader::CsvReader(std::string source, const CsvOptions& options)
    : source_(std::move(source)), options_(options) {}

void CsvReader::Fail(int line, const std::string& message) const { throw InputError({source_, line}, message); }

bool CsvReader::Refill() {
  if (!file_.is_open()) return false;
  chunk_.resize(kChunk);
  file_.read(chunk_.data(), static_cast<std::streamsize>(kChunk));
  chunk_.resize(static_cast<size_t>(file_.gcount()));
  if (chunk_.empty() && file_.bad()) throw InputError({source_}, "cannot read the file");
  input_ = chunk_;
  pos_ = 0;
  return !chunk_.empty();
}

bool CsvReader::Peek(char& c) {
  if (pos_ >= input_.size() && !Refill()) return false;
  c = input_[pos_];
  return true;
}

void CsvReader::Start() {
  char c;
  // The byte-order mark sits in the first chunk (which is 64 KiB).
  if (Peek(c) && input_.substr(0, 3) == "\xEF\xBB\xBF") {
    pos_ = 3;
    bom_ = true;
  }
  // Blank lines before the header are skipped.
  do {
    if (!ReadRecord()) throw InputError({source_, line_}, "empty file: a header row is needed");
  } while (ends_.size() == 1 && ends_[0] == 0 && !quoted_[0]);
  header_line_ = record_line_;
  header_quoted_ = quoted_;
  header_line_end_ = line_end_;
  for (size_t i = 0; i < ends_.size(); ++i) {
    header_.emplace_back(record_, i == 0 ? 0 : ends_[i - 1], ends_[i] - (i == 0 ? 0 : ends_[i - 1]));
  }
  fields_.resize(header_.size());
}

// One record into record_/ends_/quoted_; false at the end of the input.
bool CsvReader::ReadRecord() {
  char c;
  if (!Peek(c)) return false;
  record_.clear();
  ends_.clear();
  quoted_.clear();
  record_line_ = line_;
  line_end_ = "";
  while (true) {  // one field per pass
    bool quoted = false;
    bool end_of_record = false;
    if (Peek(c) && c == '"') {
      quoted = true;
      const int quote_line = line_;
      ++pos_;
      while (true) {
        if (!Peek(c)) Fail(quote_line, "unterminated quoted field (a '\"' opens it here and never closes)");
        ++pos_;
        if (c == '"') {
          if (Peek(c) && c == '"') {  // "" is one quote
            record_ += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        record_ += c;
      }
      if (!Peek(c)) {
        end_of_record = true;
      } else if (c != ',' && c != '\n' && c != '\r') {
        Fail(line_, std::string("unexpected character '") + c + "' after a closing quote");
      }
    }
    if (!end_of_record) {
      while (true) {
        if (!Peek(c)) {
          end_of_record = true;
          break;
        }
        ++pos_;
        if (c == ',') break;
        if (c == '\n' || c == '\r') {
          line_end_ = c == '\n' ? "\n" : "\r";
          if (c == '\r' && Peek(c) && c == '\n') {
            ++pos_;
            line_end_ = "\r\n";
          }
          ++line_;
          end_of_record = true;
          break;
        }
        record_ += c;
      }
    }
    ends_.push_back(record_.size());
    quoted_.push_back(quoted);
    if (end_of_record) return true;
  }
}

bool CsvReader::Next() {
  if (options_.max_rows && rows_ >= options_.max_rows) return false;
  while (true) {
    if (!ReadRecord()) return false;
    const bool blank = ends_.size() == 1 && ends_[0] == 0 && !quoted_[0];
    if (!(blank && header_.size() > 1)) break;
  }
  if (ends_.size() != header_.size()) {
    Fail(record_line_, "expected " + std::to_string(header_.size()) + " fields as in the header, found " +
                           std::to_string(ends_.size()));
  }
  const std::string_view record = record_;
  for (size_t i = 0; i < ends_.size(); ++i) {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    const std::string_view value = record.substr(begin, ends_[i] - begin);
    const bool null = !quoted_[i] && (value.empty() || (!options_.null_marker.empty() && value == options_.null_marker));
    fields_[i] = null ? std::nullopt : std::optional<std::string_view>(value);
  }
  ++rows_;
  return true;
}

}  // namespace seedforge
