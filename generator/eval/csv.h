// A CSV reader for the report: RFC 4180 files into columns of raw strings.
//
// Follows RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): comma
// separated, fields optionally enclosed in double quotes, a doubled quote
// inside a quoted field is one quote, quoted fields may hold commas and line
// breaks. Records end in LF or CRLF. Also accepted: a UTF-8 byte-order mark,
// a missing final line break, blank lines (skipped). The first record is the
// header. An empty field, quoted or not, is a missing value; nothing else is
// (the strings "NA" or "None" are values). A record with more or fewer fields
// than the header is an InputError naming file and line.
//
// Storage is columnar: each column keeps its values back to back in one
// string with end offsets, so 500,000 rows cost one allocation per column
// rather than one per field.
//
// Thread safety: RawTable is a value; reading is single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedforge::eval {

// The raw text of one column.
class RawColumn {
 public:
  size_t size() const { return ends_.size(); }
  std::string_view Value(size_t row) const {
    uint64_t begin = row == 0 ? 0 : ends_[row - 1];
    return std::string_view(data_).substr(begin, ends_[row] - begin);
  }
  bool Missing(size_t row) const { return Value(row).empty(); }
  void Append(std::string_view value) {
    data_.append(value);
    ends_.push_back(data_.size());
  }
  void Reserve(size_t rows, size_t bytes) {
    ends_.reserve(rows);
    data_.reserve(bytes);
  }

 private:
  std::string data_;
  std::vector<uint64_t> ends_;
};

struct RawTable {
  std::string file;                 // as given, for messages
  std::vector<std::string> header;  // column names
  std::vector<RawColumn> columns;   // parallel to header
  std::vector<uint32_t> lines;      // 1-based line where each data record starts
  size_t rows() const { return lines.size(); }
};

// Parses CSV text. `file` only names the input in errors.
// An empty header name becomes "column<N>" (N 1-based), as R's write.csv
// leaves the row-name column unnamed. Throws InputError(file:line) for a
// ragged record, an unterminated quote, text after a closing quote, a
// duplicate header name or an empty input.
RawTable ParseCsv(std::string_view text, const std::string& file);

// Reads and parses a file. Throws InputError(file) when it cannot be read.
RawTable ReadCsvFile(const std::string& path);

}  // namespace seedforge::eval
