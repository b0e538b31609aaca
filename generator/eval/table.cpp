#include "eval/table.h"

#include <algorithm>
#include <cctype>
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

int32_t ColumnEncoding::Code(const std::string& label) {
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

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The table layer's numeric column as SDMetrics sees it: numerical, or
// categorical when its values are few whole numbers.
void NumericKind(const TableColumn& column, ColumnEncoding& info) {
  const bool integers = column.type == ColumnType::kInteger;
  bool whole = true;
  std::vector<double> few;  // up to kFewValuesAsCategory + 1 distinct numbers
  for (size_t r = 0; r < column.nulls.size(); ++r) {
    if (column.IsNull(r)) continue;
    const double x = integers ? static_cast<double>(column.ints[r]) : column.numbers[r];
    whole = whole && std::floor(x) == x && std::fabs(x) < 9.0e15;
    if (few.size() <= kFewValuesAsCategory && std::find(few.begin(), few.end(), x) == few.end()) few.push_back(x);
  }
  if (whole && few.size() <= kFewValuesAsCategory) {
    info.kind = ColumnKind::kCategorical;
    info.reason = "whole numbers with only " + std::to_string(few.size()) + " distinct values";
  } else {
    info.kind = ColumnKind::kNumeric;
    info.reason = column.reason;
    info.whole_numbers = whole;
  }
}

}  // namespace

std::vector<ColumnEncoding> InferSchema(const Table& real, const std::vector<std::string>& forced_ids,
                                        const std::vector<DeclaredColumn>& declared, const std::string& table_name) {
  std::vector<ColumnEncoding> schema;
  for (const TableColumn& column : real.columns) {
    ColumnEncoding info;
    info.name = column.name;
    info.reason = column.reason;
    info.pii = DetectPii(column, table_name);
    auto decided = std::find_if(declared.begin(), declared.end(), [&](const DeclaredColumn& d) {
      return d.table == table_name && d.column == column.name;
    });
    if (std::find(forced_ids.begin(), forced_ids.end(), info.name) != forced_ids.end()) {
      info.kind = ColumnKind::kId;
      info.reason = "key of a link between tables";
    } else if (decided != declared.end()) {
      info.kind = decided->kind;
      info.reason = decided->reason;
    } else {
      switch (column.type) {
        case ColumnType::kEmpty: info.kind = ColumnKind::kCategorical; break;
        case ColumnType::kInteger:
        case ColumnType::kDecimal: NumericKind(column, info); break;
        case ColumnType::kBoolean: info.kind = ColumnKind::kBoolean; break;
        case ColumnType::kDate:
        case ColumnType::kTimestamp:
          info.kind = ColumnKind::kDatetime;
          info.format = column.format;
          break;
        case ColumnType::kCategory: info.kind = ColumnKind::kCategorical; break;
        case ColumnType::kId: info.kind = ColumnKind::kId; break;
        case ColumnType::kText: info.kind = ColumnKind::kText; break;
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

TableData Encode(const Table& table, std::vector<ColumnEncoding>& schema) {
  TableData data;
  data.file = table.source;
  data.rows = table.rows();
  data.columns.resize(schema.size());
  for (const TableColumn& column : table.columns) {
    bool known = std::any_of(schema.begin(), schema.end(), [&](const ColumnEncoding& c) { return c.name == column.name; });
    if (!known) data.extra_columns.push_back(column.name);
  }
  for (size_t c = 0; c < schema.size(); ++c) {
    ColumnEncoding& info = schema[c];
    const int found = table.Find(info.name);
    if (found < 0) throw InputError({table.source, 1, 0}, "no column '" + info.name + "' (the real data has it)");
    const TableColumn& column = table.columns[found];
    EncodedValues& out = data.columns[c];
    const size_t rows = table.rows();
    switch (info.kind) {
      case ColumnKind::kNumeric:
      case ColumnKind::kDatetime: {
        out.values.resize(rows, kMissing);
        const bool numeric = info.kind == ColumnKind::kNumeric;
        for (size_t r = 0; r < rows; ++r) {
          if (column.IsNull(r)) continue;
          const std::string_view v = column.Text(r);
          std::optional<double> x;
          if (numeric) {
            x = ParseDecimal(v);
          } else if (std::optional<ParsedDateTime> t = ParseDateTime(v, info.format)) {
            x = static_cast<double>(t->micros) / 1e6;
          }
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
          if (column.IsNull(r)) continue;
          if (std::optional<bool> b = ParseBoolean(column.Text(r))) {
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
          if (column.IsNull(r)) continue;
          key.assign(column.Text(r));
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
  Table real, synthetic;
  std::optional<Table> holdout;
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
// The real file's types are inferred; the others are read as text and
// encoded with the real file's schema.
RawSet ReadSet(const std::string& name, const std::string& real, const std::string& synthetic,
               const std::string& holdout, const std::string& null_marker) {
  RawSet set;
  set.name = name;
  std::exception_ptr errors[3];
  auto read = [&](int slot, const std::string& path, Table& out) {
    TableOptions options;
    options.csv.null_marker = null_marker;
    options.infer_types = slot == 0;
    try {
      out = ReadTable(path, options);
    } catch (...) {
      errors[slot] = std::current_exception();
    }
  };
  Table holdout_table;
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

bool HasColumn(const Table& t, const std::string& column) { return t.Find(column) >= 0; }

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
    for (const TableColumn& table_column : child.real.columns) {
      const std::string& column = table_column.name;
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
                    const std::vector<std::string>& link_specs, const std::string& null_marker,
                    const std::vector<DeclaredColumn>& declared) {
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
    sets.push_back(ReadSet(fs::path(real).stem(), real, synthetic, holdout, null_marker));
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
      sets.push_back(
          ReadSet(fs::path(file).stem(), (fs::path(real) / file).string(), syn_path, hold_path, null_marker));
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
    table.columns = InferSchema(set.real, ids, declared, set.name);
    table.real = Encode(set.real, table.columns);
    for (ColumnEncoding& c : table.columns) c.real_labels = c.labels.size();
    table.synthetic = Encode(set.synthetic, table.columns);
    if (set.holdout) table.holdout = Encode(*set.holdout, table.columns);
    dataset.tables.push_back(std::move(table));
  }
  return dataset;
}

}  // namespace seedforge::eval
