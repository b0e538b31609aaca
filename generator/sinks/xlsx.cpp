// The xlsx workbook: one sheet per entity, written by libxlsxwriter in
// constant-memory mode (each row goes to a temporary file as soon as the
// next one starts, so memory does not grow with the rows).
//
// Worker threads turn each batch into cell records (CellEncoder): the type
// decisions and conversions (dates to Excel serial numbers, numbers a double
// cannot hold to text) happen there, in parallel; the calling thread only
// hands the records to libxlsxwriter, in row order.
#include <xlsxwriter.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "seedforge/error.h"
#include "seedforge/pipeline.h"
#include "seedforge/utf8.h"
#include "sinks/office.h"

namespace seedforge {

namespace {

namespace fs = std::filesystem;

// Excel keeps 15 significant digits of a number (and a double holds every
// integer only up to 2^53): numbers with more digits are written as text,
// with every digit, as JSON does beyond its limits.
constexpr int64_t kMaxExactNumber = 999'999'999'999'999;

// Excel's day 0 is 1899-12-30 for dates from 1900-03-01 on (its calendar
// has a 1900-02-29, a bug kept from Lotus 1-2-3); 1970-01-01 is day 25569.
constexpr int64_t kExcelDaysTo1970 = 25569;
const int64_t kFirstExcelDay = DaysFromCivil(1900, 3, 1);
const int64_t kLastExcelDay = DaysFromCivil(9999, 12, 31);
constexpr int64_t kMicrosPerDay = 86'400'000'000;

// A sheet holds up to 30 million cells before its XML may pass the 4 GB a
// plain zip entry can hold (at about 130 bytes a cell); past that the
// workbook uses ZIP64, which some readers other than Excel refuse.
constexpr uint64_t kZip64Cells = 30'000'000;

// Excel's limit on the characters of a cell.
constexpr size_t kMaxCellChars = 32767;

// Cell records, one per column of each row, in row order:
//   'n' + 8 bytes (double)        a number, shown with the column's format
//   's' + 4 bytes (length) + text a string (no format)
//   'b' + 1 byte (0 or 1)         a boolean
//   '-'                           an empty cell (NULL)
enum : char { kNumberCell = 'n', kStringCell = 's', kBoolCell = 'b', kBlankCell = '-' };

void PutNumber(double value, std::string& out) {
  out += kNumberCell;
  char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  out.append(bytes, sizeof value);
}

void PutString(std::string_view text, std::string& out) {
  out += kStringCell;
  const uint32_t size = static_cast<uint32_t>(text.size());
  char bytes[sizeof size];
  std::memcpy(bytes, &size, sizeof size);
  out.append(bytes, sizeof size);
  out.append(text);
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A text cell. Excel reads `_xHHHH_` in a string as the character U+HHHH
// (libxlsxwriter writes control characters so); a text that holds such a
// sequence literally has its underscore escaped as `_x005F_` (ECMA-376
// ST_Xstring), or Excel would show "A" for "_x0041_". `buffer` is scratch.
void PutText(std::string_view text, std::string& buffer, std::string& out) {
  size_t at = text.find("_x");
  if (at == std::string_view::npos) {
    PutString(text, out);
    return;
  }
  buffer.clear();
  size_t from = 0;
  for (; at != std::string_view::npos; at = text.find("_x", at + 1)) {
    if (at + 7 > text.size() || text[at + 6] != '_' || !IsHex(text[at + 2]) || !IsHex(text[at + 3]) ||
        !IsHex(text[at + 4]) || !IsHex(text[at + 5])) {
      continue;
    }
    buffer.append(text.substr(from, at - from));
    buffer += "_x005F";
    from = at;
  }
  buffer.append(text.substr(from));
  PutString(buffer, out);
}

// The Excel serial number of a date (days) or of a timestamp (micros), or
// nullopt outside 1900-03-01 .. 9999-12-31 (written as text then).
std::optional<double> ExcelSerial(int64_t days, int64_t micros_of_day) {
  if (days < kFirstExcelDay || days > kLastExcelDay) return std::nullopt;
  return static_cast<double>(days + kExcelDaysTo1970) + static_cast<double>(micros_of_day) / kMicrosPerDay;
}

class CellEncoder : public RowEncoder {
 public:
  void Encode(const Batch& batch, std::string& out) const override {
    std::string text;
    for (size_t i = 0; i < batch.size; ++i) {
      for (const BatchColumn& col : batch.columns) {
        if (col.IsNull(i)) {
          out += kBlankCell;
          continue;
        }
        switch (col.kind) {
          case ValueKind::kInt:
            if (col.ints[i] >= -kMaxExactNumber && col.ints[i] <= kMaxExactNumber) {
              PutNumber(static_cast<double>(col.ints[i]), out);
              continue;
            }
            break;
          case ValueKind::kDecimal:
            if (col.ints[i] >= -kMaxExactNumber && col.ints[i] <= kMaxExactNumber) {
              // The double nearest the decimal, as any reader of the text
              // would make it (from_chars rounds correctly).
              text.clear();
              col.AppendText(i, text);
              double value = 0;
              std::from_chars(text.data(), text.data() + text.size(), value);
              PutNumber(value, out);
              continue;
            }
            break;
          case ValueKind::kFloat:
            if (std::isfinite(col.floats[i])) {
              PutNumber(col.floats[i], out);
              continue;
            }
            break;  // Excel has no NaN or infinity: the text, as in CSV
          case ValueKind::kBool:
            out += kBoolCell;
            out += static_cast<char>(col.ints[i] != 0);
            continue;
          case ValueKind::kDate:
            if (auto serial = ExcelSerial(col.ints[i], 0)) {
              PutNumber(*serial, out);
              continue;
            }
            break;
          case ValueKind::kTimestamp: {
            const int64_t micros = col.ints[i];
            const int64_t days = micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
            if (auto serial = ExcelSerial(days, micros - days * kMicrosPerDay)) {
              PutNumber(*serial, out);
              continue;
            }
            break;
          }
          case ValueKind::kText:
          case ValueKind::kUuid: PutText(col.texts[i], text, out); continue;
        }
        text.clear();
        col.AppendText(i, text);
        PutString(text, out);
      }
    }
  }
};

// libxlsxwriter's objects, freed without writing anything when the run
// fails (workbook_close both writes and frees).
struct WorkbookDeleter {
  void operator()(lxw_workbook* workbook) const { lxw_workbook_free(workbook); }
};

void Check(lxw_error error, const std::string& what) {
  if (error != LXW_NO_ERROR) throw Error(what + ": " + lxw_strerror(error));
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The first `n` characters of s (valid UTF-8: names are checked on parse).
std::string FirstChars(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t chars = 0; i < s.size() && chars < n; ++chars) i += std::max<size_t>(1, Utf8CharLength(s, i));
  return std::string(s.substr(0, i));
}

// A column's display width in characters: its name, and room for what its
// kind shows (Excel shows ##### in a date cell too narrow for it).
double ColumnWidth(const DomainColumn& column, ValueKind kind) {
  double width = static_cast<double>(Utf8Length(column.name)) + 2;
  if (kind == ValueKind::kDate) width = std::max(width, 12.0);
  if (kind == ValueKind::kTimestamp) width = std::max(width, 20.0);
  if (kind == ValueKind::kUuid) width = std::max(width, 37.0);
  return std::clamp(width, 8.0, 50.0);
}

std::string DecimalFormat(int scale) {
  return scale <= 0 ? "0" : "0." + std::string(static_cast<size_t>(std::min(scale, 30)), '0');
}

}  // namespace

std::string XlsxSheetName(std::string_view entity, int part, std::set<std::string>& taken) {
  std::string base;
  for (char c : entity) base += std::strchr("[]:*?/\\", c) && c != '\0' ? '_' : c;
  if (base.empty()) base = "Sheet";
  if (base.front() == '\'') base.front() = '_';
  if (base.back() == '\'') base.back() = '_';
  for (int n = 0;; ++n) {
    // " (2)" for the second part; a second number for a clash: " (2) (2)".
    std::string suffix = part > 1 ? " (" + std::to_string(part) + ")" : "";
    if (n > 0) suffix += " (" + std::to_string(n + 1) + ")";
    std::string name = FirstChars(base, LXW_SHEETNAME_MAX - Utf8Length(suffix));
    if (!name.empty() && name.back() == '\'') name.back() = '_';  // the cut may end on one
    name += suffix;
    // "History" is reserved by Excel for its change tracking.
    if (Lower(name) == "history") continue;
    if (taken.insert(Lower(name)).second) return name;
  }
}

uint64_t WriteXlsxWorkbook(const Generator& generator, const WriteOptions& options, const fs::path& path) {
  const Domain& domain = generator.domain();
  const uint64_t rows_per_sheet = std::clamp<uint64_t>(options.xlsx_rows_per_sheet, 1, kXlsxMaxDataRows);
  uint64_t widest_sheet = 0;
  for (int e : generator.order()) {
    const uint64_t rows = std::min<uint64_t>(generator.entities()[e].rows, rows_per_sheet);
    widest_sheet = std::max<uint64_t>(widest_sheet, rows * domain.entities[e].columns.size());
  }
  // libxlsxwriter's temporary files go beside the output (unlinked as soon
  // as they are made, so nothing is left whatever happens), not to /tmp,
  // which may be small.
  const std::string tmpdir = path.parent_path().empty() ? "." : path.parent_path().string();
  lxw_workbook_options workbook_options{};
  workbook_options.constant_memory = LXW_TRUE;
  workbook_options.tmpdir = const_cast<char*>(tmpdir.c_str());
  workbook_options.use_zip64 = widest_sheet > kZip64Cells ? LXW_TRUE : LXW_FALSE;
  std::unique_ptr<lxw_workbook, WorkbookDeleter> workbook(workbook_new_opt(path.c_str(), &workbook_options));
  if (!workbook) throw Error("cannot start the workbook " + path.string());

  // Fixed properties, so the same run gives the same bytes: the creation
  // time is the run's as-of date (libxlsxwriter would take the clock's).
  const std::string title = domain.name;
  const std::string comments = "Generated by seedforge " SEEDFORGE_VERSION_STRING ", seed " +
                               std::to_string(generator.options().seed) + ", as of " + options.as_of;
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>(title.c_str());
  properties.comments = const_cast<char*>(comments.c_str());
  properties.created = static_cast<time_t>(generator.options().today * 86400);
  Check(workbook_set_properties(workbook.get(), &properties), "workbook properties");

  lxw_format* header = workbook_add_format(workbook.get());
  format_set_bold(header);
  lxw_format* integer = workbook_add_format(workbook.get());
  format_set_num_format(integer, "0");
  lxw_format* date = workbook_add_format(workbook.get());
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* timestamp = workbook_add_format(workbook.get());
  format_set_num_format(timestamp, "yyyy-mm-dd hh:mm:ss");
  std::map<int, lxw_format*> decimals;  // by scale

  std::set<std::string> taken;
  CellEncoder encoder;
  uint64_t rows_written = 0;
  for (int e : generator.order()) {
    const DomainEntity& entity = domain.entities[e];
    const size_t columns = entity.columns.size();
    Batch probe;  // the columns' kinds
    generator.InitBatch(e, probe);
    if (probe.columns.size() != columns) throw Error("internal: batch and entity columns differ for " + entity.name);
    std::vector<lxw_format*> number_format(columns, nullptr);  // nullptr: General
    for (size_t c = 0; c < columns; ++c) {
      const BatchColumn& col = probe.columns[c];
      switch (col.kind) {
        case ValueKind::kInt: number_format[c] = integer; break;
        case ValueKind::kDate: number_format[c] = date; break;
        case ValueKind::kTimestamp: number_format[c] = timestamp; break;
        case ValueKind::kDecimal: {
          lxw_format*& format = decimals[col.scale];
          if (!format) {
            format = workbook_add_format(workbook.get());
            format_set_num_format(format, DecimalFormat(col.scale).c_str());
          }
          number_format[c] = format;
          break;
        }
        default: break;
      }
    }

    lxw_worksheet* sheet = nullptr;
    int part = 0;
    uint64_t sheet_rows = 0;  // data rows in `sheet`
    auto start_sheet = [&] {
      const std::string name = XlsxSheetName(entity.name, ++part, taken);
      sheet = workbook_add_worksheet(workbook.get(), name.c_str());
      if (!sheet) throw Error("cannot add the sheet '" + name + "' for " + entity.name);
      for (size_t c = 0; c < columns; ++c) {
        const lxw_col_t col = static_cast<lxw_col_t>(c);
        Check(worksheet_set_column(sheet, col, col, ColumnWidth(entity.columns[c], probe.columns[c].kind), nullptr),
              entity.name);
        Check(worksheet_write_string(sheet, 0, col, entity.columns[c].name.c_str(), header),
              entity.name + "." + entity.columns[c].name + " (header)");
      }
      worksheet_freeze_panes(sheet, 1, 0);
      sheet_rows = 0;
    };
    start_sheet();

    uint64_t row = 0;  // of the entity
    std::string text;  // a string cell's bytes with their terminating NUL
    StreamEntity(generator, e, encoder, options.threads, [&](std::string_view cells, uint64_t done) {
      size_t p = 0;
      while (p < cells.size()) {
        if (sheet_rows == rows_per_sheet) start_sheet();
        const lxw_row_t r = static_cast<lxw_row_t>(sheet_rows + 1);
        for (size_t c = 0; c < columns; ++c) {
          const lxw_col_t col = static_cast<lxw_col_t>(c);
          const char tag = cells[p++];
          lxw_error error = LXW_NO_ERROR;
          if (tag == kNumberCell) {
            double value;
            std::memcpy(&value, cells.data() + p, sizeof value);
            p += sizeof value;
            error = worksheet_write_number(sheet, r, col, value, number_format[c]);
          } else if (tag == kStringCell) {
            uint32_t size;
            std::memcpy(&size, cells.data() + p, sizeof size);
            p += sizeof size;
            text.assign(cells.data() + p, size);
            p += size;
            if (Utf8Length(text) > kMaxCellChars) {
              throw Error(entity.name + "." + entity.columns[c].name + ", row " + std::to_string(row + 1) +
                          ": a text of " + std::to_string(Utf8Length(text)) +
                          " characters does not fit an Excel cell (32,767 at most); use another --format");
            }
            error = worksheet_write_string(sheet, r, col, text.c_str(), nullptr);
          } else if (tag == kBoolCell) {
            error = worksheet_write_boolean(sheet, r, col, cells[p++], nullptr);
          }
          if (error != LXW_NO_ERROR) {
            throw Error(entity.name + "." + entity.columns[c].name + ", row " + std::to_string(row + 1) + ": " +
                        lxw_strerror(error));
          }
        }
        ++sheet_rows;
        ++row;
      }
      if (options.progress) options.progress(e, done);
    });
    rows_written += row;
  }
  // Writes the file and frees the workbook, whatever the outcome.
  const lxw_error error = workbook_close(workbook.release());
  if (error != LXW_NO_ERROR) throw Error("cannot write the workbook: " + std::string(lxw_strerror(error)));
  return rows_written;
}

}  // namespace seedforge
