// The one CSV reader: RFC 4180 records, streamed from a file or a string.
//
// Format (https://www.rfc-editor.org/rfc/rfc4180): comma-separated fields,
// optionally enclosed in double quotes; inside quotes a doubled quote is one
// quote, and commas and line breaks are data. Records end in LF or CRLF; the
// last one may lack its line break. A UTF-8 byte-order mark is skipped. The
// first record is the header. A blank line is skipped, except in a file of
// one column, where it is a record whose one field is NULL (that is how our
// CSV writer writes such a row).
//
// NULL rule (the one our CSV writer and PostgreSQL's COPY ... CSV use): an
// empty unquoted field is NULL, `""` is the empty string. A NULL marker
// (`--null NA`) makes an unquoted field equal to it NULL as well; a quoted
// one ("NA") is always the text. pandas differs: by default it reads empty,
// `""`, NA, N/A, NULL, nan and a dozen more as missing.
//
// Errors are InputError naming file:line: a record with more or fewer fields
// than the header, an unterminated quote (the line where it opens), text
// after a closing quote.
//
// Thread safety: a reader belongs to one thread.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seedforge {

struct CsvOptions {
  // Besides the empty unquoted field, an unquoted field equal to this is
  // NULL. Empty: only the empty field.
  std::string null_marker;
  // Data records to read at most; 0 = all. The reader stops there without
  // reading the rest of the input.
  size_t max_rows = 0;
};

class CsvReader {
 public:
  // Reads a file in chunks, never whole. Throws InputError(path) when it
  // cannot be opened, and as any read when the header is malformed.
  static std::unique_ptr<CsvReader> Open(const std::string& path, const CsvOptions& options = {});
  // Reads `text`, which must outlive the reader; `source` names it in errors.
  static std::unique_ptr<CsvReader> FromText(std::string_view text, const std::string& source,
                                             const CsvOptions& options = {});

  const std::string& source() const { return source_; }
  // The header's fields as written ("" for an empty or NULL one).
  const std::vector<std::string>& header() const { return header_; }
  int header_line() const { return header_line_; }

  // Reads the next data record; false at the end (or after max_rows).
  // Throws InputError(file:line) for a malformed record.
  bool Next();
  // The current record's fields, as many as the header; nullopt = NULL.
  // Valid until the next call of Next().
  const std::vector<std::optional<std::string_view>>& fields() const { return fields_; }
  // The line where the current record starts (1-based).
  int line() const { return record_line_; }

  // How the input was written, for a caller that writes it back byte for
  // byte (mask): whether field `i` of the current record (of the header,
  // before the first Next) was quoted, the line break that ended it ("\n",
  // "\r\n", "\r", or "" at the end of the input), and whether the input
  // began with a UTF-8 byte-order mark.
  bool quoted(size_t i) const { return quoted_[i] != 0; }
  bool header_quoted(size_t i) const { return header_quoted_[i] != 0; }
  std::string_view line_end() const { return line_end_; }
  std::string_view header_line_end() const { return header_line_end_; }
  bool bom() const { return bom_; }

 private:
  CsvReader(std::string source, const CsvOptions& options);
  void Start();
  bool ReadRecord();
  bool Refill();
  bool Peek(char& c);
  [[noreturn]] void Fail(int line, const std::string& message) const;

  std::string source_;
  CsvOptions options_;
  std::ifstream file_;      // empty for FromText
  std::string chunk_;       // the file's bytes being read
  std::string_view input_;  // chunk_ or the whole text
  size_t pos_ = 0;
  int line_ = 1;
  int record_line_ = 0;
  int header_line_ = 1;
  size_t rows_ = 0;
  std::vector<std::string> header_;
  std::vector<uint8_t> header_quoted_;
  std::string_view line_end_;
  std::string_view header_line_end_;
  bool bom_ = false;
  // The current record: fields back to back, and per field its end in
  // record_ and whether it was quoted.
  std::string record_;
  std::vector<size_t> ends_;
  std::vector<uint8_t> quoted_;
  std::vector<std::optional<std::string_view>> fields_;
};

}  // namespace seedforge
