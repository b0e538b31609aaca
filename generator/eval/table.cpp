#include "eval/table.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <filesystem>
#include <unordered_set>

#include "seedforge/error.h"
#include "seedforge/worker_threads.h"

namespace seedforge::eval {

namespace fs = std::filesystem;

const char* KindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kNumeric: return "numerical";
    case ColumnKind::kDatetime: return "datetime";
    case ColumnKind::kCategorical: return "categorical";
    case ColumnKind::kBoolean: return "boolean";
    case ColumnKind::kId: return "id";
    case ColumnKind::kText: return "text";
  }
  return "?";
}

int32_t ColumnInfo::Code(const std::string& label) {
  auto [it, inserted] = index.emplace(label, static_cast<int32_t>(labels.size()));
  if (inserted) labels.push_back(label);
  return it->second;
}

int TableSet::Find(const std::string& column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

int Dataset::Find(const std::string& table) const {
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].name == table) return static_cast<int>(i);
  }
  return -1;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads exactly `digits` decimal digits at s[pos].
bool Digits(std::string_view s, size_t pos, int digits, int& out) {
  if (pos + digits > s.size()) return false;
  out = 0;
  for (int i = 0; i < digits; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date: Howard Hinnant's
// days_from_civil (https://howardhinnant.github.io/date_algorithms.html).
int64_t DaysFromCivilDate(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool IdLikeName(const std::string& name) {
  std::string lower = Lower(name);
  if (lower == "id") return true;
  for (const char* suffix : {"_id", " id", "-id", ".id"}) {
    size_t n = std::char_traits<char>::length(suffix);
    if (lower.size() > n && lower.compare(lower.size() - n, n, suffix) == 0) return true;
  }
  // camelCase: customerId, orderID
  if (name.size() > 2) {
    std::string_view tail = std::string_view(name).substr(name.size() - 2);
    char before = name[name.size() - 3];
    if ((tail == "Id" || tail == "ID") && std::islower(static_cast<unsigned char>(before))) return true;
  }
  return false;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> ParseDateTime(std::string_view text) {
  text = Trim(text);
  int y, mo, d;
  if (text.size() < 10 || !Digits(text, 0, 4, y) || !Digits(text, 5, 2, mo) || !Digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  char sep = text[4];
  if ((sep != '-' && sep != '/') || text[7] != sep) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return std::nullopt;
  double seconds = static_cast<double>(DaysFromCivilDate(y, mo, d)) * 86400.0;
  size_t pos = 10;
  if (pos == text.size()) return seconds;
  if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
  int hh, mm, ss = 0;
  if (!Digits(text, pos + 1, 2, hh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
      !Digits(text, pos + 4, 2, mm) || hh > 24 || mm > 59) {
    return std::nullopt;
  }
  pos += 6;
  double fraction = 0;
  if (pos < text.size() && text[pos] == ':') {
    if (!Digits(text, pos + 1, 2, ss) || ss > 60) return std::nullopt;
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      size_t start = ++pos;
      double scale = 0.1;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        fraction += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  seconds += hh * 3600.0 + mm * 60.0 + ss + fraction;
  if (pos == text.size()) return seconds;
  if (text[pos] == 'Z' && pos + 1 == text.size()) return seconds;
  if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '+' ? 1 : -1;
    int oh, om = 0;
    if (!Digits(text, pos + 1, 2, oh)) return std::nullopt;
    size_t rest = pos + 3;
    if (rest < text.size() && text[rest] == ':') ++rest;
    if (rest < text.size() && !Digits(text, rest, 2, om)) return std::nullopt;
    if (rest < text.size()) rest += 2;
    if (rest != text.size()) return std::nullopt;
    return seconds - sign * (oh * 3600.0 + om * 60.0);
  }
  return std::nullopt;
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string s = Lower(Trim(text));
  if (s == "true" || s == "yes" || s == "t" || s == "y") return true;
  if (s == "false" || s == "no" || s == "f" || s == "n") return false;
  return std::nullopt;
}

std::vector<ColumnInfo> InferSchema(const RawTable& real, const std::vector<std::string>& forced_ids) {
  std::vector<ColumnInfo> schema;
  for (size_t c = 0; c < real.header.size(); ++c) {
    const RawColumn& raw = real.columns[c];
    ColumnInfo info;
    info.name = real.header[c];
    size_t n = 0;
    bool all_numeric = true, all_whole = true, all_bool = true, all_datetime = true;
    bool consecutive = true;  // whole numbers counting up by one: row numbers
    double previous = 0;
    std::vector<double> few_numbers;  // up to 6 distinct numbers
    for (size_t r = 0; r < raw.size(); ++r) {
      std::string_view v = raw.Value(r);
      if (v.empty()) continue;
      if (all_numeric) {
        if (auto x = ParseNumber(v)) {
          bool whole = std::floor(*x) == *x && std::fabs(*x) < 9.0e15;
          all_whole = all_whole && whole;
          if (n > 0 && *x != previous + 1) consecutive = false;
          previous = *x;
          if (few_numbers.size() <= 5 && std::find(few_numbers.begin(), few_numbers.end(), *x) == few_numbers.end()) {
            few_numbers.push_back(*x);
          }
        } else {
          all_numeric = false;
        }
      }
      if (all_bool && !ParseBool(v)) all_bool = false;
      if (all_datetime && !all_numeric && !ParseDateTime(v)) all_datetime = false;
      ++n;
    }
    if (all_numeric) all_datetime = false;
    bool forced = std::find(forced_ids.begin(), forced_ids.end(), info.name) != forced_ids.end();
    std::unordered_set<std::string_view> distinct;
    auto count_distinct = [&] {
      distinct.reserve(std::min<size_t>(n, 1 << 20));
      for (size_t r = 0; r < raw.size(); ++r) {
        if (!raw.Missing(r)) distinct.insert(raw.Value(r));
      }
      return distinct.size();
    };
    if (forced) {
      info.kind = ColumnKind::kId;
      info.reason = "key of a link between tables";
    } else if (n > 0 && IdLikeName(info.name) && (!all_numeric || all_whole)) {
      info.kind = ColumnKind::kId;
      info.reason = "the name looks like a key";
    } else if (n == 0) {
      info.kind = ColumnKind::kCategorical;
      info.reason = "every value is missing";
    } else if (all_bool) {
      info.kind = ColumnKind::kBoolean;
      info.reason = "every value is true/false or yes/no";
    } else if (all_numeric && all_whole && consecutive && n >= 20 && n == raw.size()) {
      info.kind = ColumnKind::kId;
      info.reason = "row numbers (whole numbers counting up by one)";
    } else if (all_numeric && all_whole && few_numbers.size() <= 5) {
      info.kind = ColumnKind::kCategorical;
      info.reason = "whole numbers with only " + std::to_string(few_numbers.size()) + " distinct values";
    } else if (all_numeric) {
      info.kind = ColumnKind::kNumeric;
      info.reason = "every value is a number";
      info.whole_numbers = all_whole;
    } else if (all_datetime) {
      info.kind = ColumnKind::kDatetime;
      info.reason = "every value is an ISO 8601 date or date-time";
    } else {
      size_t d = count_distinct();
      if (d == n && n >= 20) {
        info.kind = ColumnKind::kId;
        info.reason = "every value is distinct (looks like an identifier)";
      } else if (n >= 50 && d * 2 > n) {
        info.kind = ColumnKind::kText;
        info.reason = std::to_string(d) + " distinct values in " + std::to_string(n) + " (looks like free text)";
      } else {
        info.kind = ColumnKind::kCategorical;
        info.reason = std::to_string(d) + " distinct values";
      }
    }
    if (info.kind == ColumnKind::kBoolean) {
      info.Code("false");
      info.Code("true");
    }
    schema.push_back(std::move(info));
  }
  return schema;
}

TableData Encode(const RawTable& raw, std::vector<ColumnInfo>& schema) {
  TableData data;
  data.file = raw.file;
  data.rows = raw.rows();
  data.columns.resize(schema.size());
  for (const std::string& name : raw.header) {
    bool known = std::any_of(schema.begin(), schema.end(), [&](const ColumnInfo& c) { return c.name == name; });
    if (!known) data.extra_columns.push_back(name);
  }
  for (size_t c = 0; c < schema.size(); ++c) {
    ColumnInfo& info = schema[c];
    auto it = std::find(raw.header.begin(), raw.header.end(), info.name);
    if (it == raw.header.end()) {
      throw InputError({raw.file, 1, 0}, "no column '" + info.name + "' (the real data has it)");
    }
    const RawColumn& column = raw.columns[it - raw.header.begin()];
    ColumnData& out = data.columns[c];
    const size_t rows = column.size();
    switch (info.kind) {
      case ColumnKind::kNumeric:
      case ColumnKind::kDatetime: {
        out.values.resize(rows, kMissing);
        bool numeric = info.kind == ColumnKind::kNumeric;
        for (size_t r = 0; r < rows; ++r) {
          std::string_view v = column.Value(r);
          if (v.empty()) continue;
          std::optional<double> x = numeric ? ParseNumber(v) : ParseDateTime(v);
          if (x) {
            out.values[r] = *x;
          } else {
            ++out.unparsed;
          }
        }
        break;
      }
      case ColumnKind::kBoolean: {
        out.codes.resize(rows, kMissingCode);
        for (size_t r = 0; r < rows; ++r) {
          std::string_view v = column.Value(r);
          if (v.empty()) continue;
          if (auto b = ParseBool(v)) {
            out.codes[r] = *b ? 1 : 0;
          } else {
            ++out.unparsed;
          }
        }
        break;
      }
      default: {
        out.codes.resize(rows, kMissingCode);
        std::string key;
        for (size_t r = 0; r < rows; ++r) {
          std::string_view v = column.Value(r);
          if (v.empty()) continue;
          key.assign(v);
          out.codes[r] = info.Code(key);
        }
        break;
      }
    }
  }
  return data;
}

namespace {

struct RawSet {
  std::string name;
  RawTable real, synthetic;
  std::optional<RawTable> holdout;
};

std::vector<std::string> CsvFilesIn(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv") names.push_back(entry.path().filename());
  }
  if (ec) throw InputError({dir, 0, 0}, "cannot list the folder: " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// Reads the three files of one table, each on its own thread.
RawSet ReadSet(const std::string& name, const std::string& real, const std::string& synthetic,
               const std::string& holdout) {
  RawSet set;
  set.name = name;
  std::exception_ptr errors[3];
  auto read = [&](int slot, const std::string& path, RawTable& out) {
    try {
      out = ReadCsvFile(path);
    } catch (...) {
      errors[slot] = std::current_exception();
    }
  };
  RawTable holdout_table;
  // Nothing to stop: each read ends on its own.
  WorkerThreads readers(holdout.empty() ? 1 : 2, [&](int t) {
    if (t == 0) {
      read(1, synthetic, set.synthetic);
    } else {
      read(2, holdout, holdout_table);
    }
  }, [] {});
  read(0, real, set.real);
  readers.Join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  if (!holdout.empty()) set.holdout = std::move(holdout_table);
  return set;
}

bool HasColumn(const RawTable& t, const std::string& column) {
  return std::find(t.header.begin(), t.header.end(), column) != t.header.end();
}

Link ParseLink(const std::string& spec, const std::vector<RawSet>& sets) {
  auto fail = [&](const std::string& why) {
    throw UsageError("--link " + spec + ": " + why + " (expected CHILD.COLUMN=PARENT.COLUMN)");
  };
  size_t eq = spec.find('=');
  if (eq == std::string::npos) fail("no '='");
  auto split = [&](const std::string& side, std::string& table, std::string& column) {
    size_t dot = side.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == side.size()) fail("'" + side + "' is not TABLE.COLUMN");
    table = side.substr(0, dot);
    column = side.substr(dot + 1);
    auto it = std::find_if(sets.begin(), sets.end(), [&](const RawSet& s) { return s.name == table; });
    if (it == sets.end()) fail("no table '" + table + "'");
    if (!HasColumn(it->real, column)) fail("table '" + table + "' has no column '" + column + "'");
  };
  Link link;
  split(spec.substr(0, eq), link.child, link.child_column);
  split(spec.substr(eq + 1), link.parent, link.parent_column);
  return link;
}

std::vector<Link> InferLinks(const std::vector<RawSet>& sets) {
  std::vector<Link> links;
  for (const RawSet& child : sets) {
    for (const std::string& column : child.real.header) {
      std::string lower = Lower(column);
      if (lower.size() <= 3 || lower.compare(lower.size() - 3, 3, "_id") != 0) continue;
      std::string base = lower.substr(0, lower.size() - 3);
      std::vector<std::string> names = {base, base + "s", base + "es"};
      if (base.back() == 'y') names.push_back(base.substr(0, base.size() - 1) + "ies");
      for (const RawSet& parent : sets) {
        if (&parent == &child) continue;
        if (std::find(names.begin(), names.end(), Lower(parent.name)) == names.end()) continue;
        std::string key = HasColumn(parent.real, "id") ? "id" : HasColumn(parent.real, column) ? column : "";
        if (key.empty()) continue;
        links.push_back({child.name, column, parent.name, key, true});
        break;
      }
    }
  }
  return links;
}

}  // namespace

Dataset LoadDataset(const std::string& real, const std::string& synthetic, const std::string& holdout,
                    const std::vector<std::string>& link_specs) {
  bool real_dir = fs::is_directory(real);
  if (!real_dir && !fs::exists(real)) throw InputError({real, 0, 0}, "no such file or folder");
  if (!fs::exists(synthetic)) throw InputError({synthetic, 0, 0}, "no such file or folder");
  if (fs::is_directory(synthetic) != real_dir) {
    throw UsageError("--real and --synthetic must both be CSV files or both be folders of CSV files");
  }
  if (!holdout.empty()) {
    if (!fs::exists(holdout)) throw InputError({holdout, 0, 0}, "no such file or folder");
    if (fs::is_directory(holdout) != real_dir) {
      throw UsageError("--holdout must be a CSV file when --real is one, a folder when --real is one");
    }
  }
  std::vector<RawSet> sets;
  if (!real_dir) {
    sets.push_back(ReadSet(fs::path(real).stem(), real, synthetic, holdout));
  } else {
    std::vector<std::string> files = CsvFilesIn(real);
    if (files.empty()) throw InputError({real, 0, 0}, "the folder holds no .csv files");
    for (const std::string& file : files) {
      std::string syn_path = (fs::path(synthetic) / file).string();
      if (!fs::exists(syn_path)) {
        throw InputError({syn_path, 0, 0}, "missing: the real data has " + (fs::path(real) / file).string());
      }
      std::string hold_path;
      if (!holdout.empty()) {
        hold_path = (fs::path(holdout) / file).string();
        if (!fs::exists(hold_path)) {
          throw InputError({hold_path, 0, 0}, "missing: the real data has " + (fs::path(real) / file).string());
        }
      }
      sets.push_back(ReadSet(fs::path(file).stem(), (fs::path(real) / file).string(), syn_path, hold_path));
    }
  }
  Dataset dataset;
  dataset.multi_table = real_dir;
  if (!link_specs.empty() && !real_dir) throw UsageError("--link needs folders of per-entity CSV files");
  for (const std::string& spec : link_specs) dataset.links.push_back(ParseLink(spec, sets));
  if (link_specs.empty() && real_dir) dataset.links = InferLinks(sets);
  for (RawSet& set : sets) {
    std::vector<std::string> ids;
    for (const Link& link : dataset.links) {
      if (link.child == set.name) ids.push_back(link.child_column);
      if (link.parent == set.name) ids.push_back(link.parent_column);
    }
    TableSet table;
    table.name = set.name;
    table.columns = InferSchema(set.real, ids);
    table.real = Encode(set.real, table.columns);
    for (ColumnInfo& c : table.columns) c.real_labels = c.labels.size();
    table.synthetic = Encode(set.synthetic, table.columns);
    if (set.holdout) table.holdout = Encode(*set.holdout, table.columns);
    dataset.tables.push_back(std::move(table));
  }
  return dataset;
}

}  // namespace seedforge::eval
