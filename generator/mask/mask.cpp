#include "mask/mask.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "mask/column_plan.h"
#include "seedforge/atomic_file.h"
#include "seedforge/csv.h"
#include "seedforge/pii.h"
#include "seedforge/table.h"

namespace seedforge::mask {

namespace fs = std::filesystem;

namespace {

SourceLocation At(const std::string& source, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  return {source, m.line + 1, m.column + 1};
}

// Fields needing quotes in RFC 4180, and the empty string (which unquoted
// would read back as NULL).
// (A byte loop: find_first_of calls memchr over the set for every byte.)
bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

void AppendField(std::string_view v, bool quote, std::string& out) {
  if (!quote) {
    out.append(v);
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

constexpr size_t kFlushBytes = 1 << 20;

struct SourceTable {
  std::string name;
  fs::path path;
  std::vector<std::string> header;
};

}  // namespace

std::vector<MaskRule> ParseRules(const std::string& text, const std::string& source) {
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError({source, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
  }
  const YAML::Node root = loaded.IsMap() && loaded.size() == 1 && loaded["rules"] ? loaded["rules"] : loaded;
  if (root.IsNull()) return {};
  if (!root.IsMap()) throw InputError({source, 1, 1}, "a rules file maps TABLE.COLUMN to a transform");
  std::vector<MaskRule> rules;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto it = root.begin(); it != root.end(); ++it) {
    MaskRule rule;
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    rule.where = At(source, key);
    const std::string name = key.Scalar();
    const size_t dot = name.find('.');
    if (!key.IsScalar() || dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
      throw InputError(rule.where, "a rule's key is TABLE.COLUMN, not '" + name + "'");
    }
    rule.table = name.substr(0, dot);
    rule.column = name.substr(dot + 1);
    if (!seen.insert({rule.table, rule.column}).second) {
      throw InputError(rule.where, "a second rule for " + name);
    }
    if (value.IsScalar()) {
      rule.spec.name = value.Scalar();
    } else if (value.IsMap() && value.size() == 1) {
      const auto only = value.begin();
      const YAML::Node transform = only->first, options = only->second;
      rule.spec.name = transform.Scalar();
      if (options.IsMap()) {
        for (auto o = options.begin(); o != options.end(); ++o) {
          const YAML::Node option = o->first, option_value = o->second;
          if (!option_value.IsScalar()) {
            throw InputError(At(source, option_value), "option '" + option.Scalar() + "' of " + name +
                                                           " takes one value");
          }
          rule.spec.options[option.Scalar()] = option_value.Scalar();
        }
      } else if (!options.IsNull()) {
        throw InputError(At(source, options), "the options of " + name + " are a map, e.g. {days: 30}");
      }
    } else {
      throw InputError(At(source, value), name + ": a transform name (ssn) or one with options ({ssn: {}})");
    }
    const auto& names = TransformNames();
    if (std::find(names.begin(), names.end(), rule.spec.name) == names.end()) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      throw InputError(At(source, value), "unknown transform '" + rule.spec.name + "' (known: " + list + ")");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<MaskRule> ReadRules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path}, "cannot read the rules file");
  std::stringstream text;
  text << in.rdbuf();
  return ParseRules(text.str(), path);
}

std::vector<MaskRule> DefaultRules(const std::string& table, const Table& sample) {
  std::vector<MaskRule> rules;
  for (const TableColumn& column : sample.columns) {
    const PiiFinding finding = DetectPii(column, table);
    MaskRule rule;
    rule.table = table;
    rule.column = column.name;
    rule.where = {"default rules (" + std::string(PiiKindName(finding.kind)) + ": " + finding.Explain() + ")"};
    switch (finding.kind) {
      case PiiKind::kFirstName: rule.spec.name = "first_name"; break;
      case PiiKind::kLastName: rule.spec.name = "last_name"; break;
      case PiiKind::kFullName: rule.spec.name = "full_name"; break;
      case PiiKind::kEmail: rule.spec.name = "email"; break;
      case PiiKind::kPhone: rule.spec.name = "phone"; break;
      case PiiKind::kSsn: rule.spec.name = "ssn"; break;
      case PiiKind::kCard: rule.spec.name = "card"; break;
      case PiiKind::kStreetAddress: rule.spec.name = "street_address"; break;
      case PiiKind::kZip: rule.spec.name = "zip"; break;
      case PiiKind::kCity: rule.spec.name = "city"; break;
      case PiiKind::kDateOfBirth:
        rule.spec.name = "date_shift";
        rule.spec.options["days"] = "30";
        break;
      case PiiKind::kIban:
      case PiiKind::kIpAddress:
      case PiiKind::kVin:
        rule.spec.name = "token";
        rule.spec.options["kind"] = std::string(PiiKindName(finding.kind));
        break;
      default: break;  // none, a state, free text: kept
    }
    if (!rule.spec.name.empty()) rules.push_back(std::move(rule));
  }
  return rules;
}

MaskSummary MaskCsvFolder(const FolderMaskOptions& options, const MaskKey& key) {
  std::error_code ec;
  if (!fs::is_directory(options.from, ec)) throw UsageError("--from " + options.from.string() + " is not a folder");
  if (fs::exists(options.to, ec) && fs::equivalent(options.from, options.to, ec)) {
    throw UsageError("--to is the --from folder; masking in place would overwrite the source");
  }

  // The tables, and every header, before anything is written.
  std::vector<SourceTable> tables;
  for (const auto& entry : fs::directory_iterator(options.from)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv") {
      tables.push_back({entry.path().stem().string(), entry.path(), {}});
    }
  }
  std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  if (tables.empty()) throw UsageError("--from " + options.from.string() + " holds no .csv file");
  for (SourceTable& table : tables) table.header = CsvReader::Open(table.path.string())->header();

  std::vector<MaskRule> rules = options.rules;
  if (options.default_rules) {
    for (const SourceTable& table : tables) {
      TableOptions sample_options;
      sample_options.csv.max_rows = kDefaultRulesSampleRows;
      const Table sample = ReadTable(table.path.string(), sample_options);
      for (MaskRule& rule : DefaultRules(table.name, sample)) rules.push_back(std::move(rule));
    }
  }
  for (const MaskRule& rule : rules) {
    auto table = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.name == rule.table; });
    if (table == tables.end()) {
      throw InputError(rule.where, "no table '" + rule.table + "': " + options.from.string() + " has no " +
                                       rule.table + ".csv");
    }
    if (std::find(table->header.begin(), table->header.end(), rule.column) == table->header.end()) {
      throw InputError(rule.where, rule.table + ".csv has no column '" + rule.column + "'");
    }
  }

  // The output folder, as `generate --out` treats it.
  const bool created_dir = !fs::exists(options.to, ec);
  fs::create_directories(options.to, ec);
  if (ec || !fs::is_directory(options.to)) {
    throw Error("cannot create output folder " + options.to.string() + ": " +
                (ec ? ec.message() : "a file of that name exists"));
  }
  std::set<std::string> ours = ReadManifest(options.to);
  for (const SourceTable& table : tables) {
    const fs::path target = options.to / table.path.filename();
    if (fs::exists(target) && !ours.count(target.filename().string())) {
      throw Error(target.string() + " exists and was not written by seedforge; remove it or choose another --to");
    }
  }

  MaskSummary summary;
  std::vector<std::unique_ptr<AtomicFile>> files;
  try {
    for (const SourceTable& table : tables) {
      const size_t width = table.header.size();
      std::vector<ColumnPlan> plans(width);
      std::vector<int> date_columns;
      for (const MaskRule& rule : rules) {
        if (rule.table != table.name) continue;
        const int at = static_cast<int>(std::find(table.header.begin(), table.header.end(), rule.column) -
                                        table.header.begin());
        plans[at].rule = &rule;
        if (rule.spec.name == "date_shift") {
          date_columns.push_back(at);
          plans[at].key_column = FindEntityKey(rule, table.header);
        }
      }
      // Dates are typed by the table layer first, so that they are written
      // back in their own format.
      std::map<int, std::pair<DateFormat, bool>> formats;
      if (!date_columns.empty()) {
        std::vector<std::string> names;
        for (int c : date_columns) names.push_back(table.header[c]);
        auto reader = CsvReader::Open(table.path.string());
        TableBuilder builder({table.path.string(), reader->header_line()}, names, {});
        std::vector<std::optional<std::string_view>> fields(date_columns.size());
        while (reader->Next()) {
          for (size_t k = 0; k < date_columns.size(); ++k) fields[k] = reader->fields()[date_columns[k]];
          builder.AddRow(fields, reader->line());
        }
        Table typed = std::move(builder).Finish();
        for (size_t k = 0; k < date_columns.size(); ++k) {
          const TableColumn& column = typed.columns[k];
          if (column.type != ColumnType::kDate && column.type != ColumnType::kTimestamp &&
              column.type != ColumnType::kEmpty) {
            throw InputError(plans[date_columns[k]].rule->where,
                             "date_shift on " + table.name + "." + column.name + ": the column holds " +
                                 std::string(ColumnTypeName(column.type)) + " (" + column.reason + "), not dates");
          }
          formats[date_columns[k]] = {column.format, column.type == ColumnType::kTimestamp};
        }
      }
      for (size_t c = 0; c < width; ++c) {
        if (!plans[c].rule) continue;
        TransformSpec spec = plans[c].rule->spec;
        if (auto it = formats.find(static_cast<int>(c)); it != formats.end()) {
          spec.date_format = it->second.first;
          spec.timestamp = it->second.second;
        }
        try {
          plans[c].transform = MakeTransform(spec, key);
        } catch (const UsageError& e) {
          throw InputError(plans[c].rule->where, e.what());
        }
      }

      files.push_back(std::make_unique<AtomicFile>(options.to / table.path.filename()));
      AtomicFile& file = *files.back();
      auto reader = CsvReader::Open(table.path.string());
      std::string out;
      if (reader->bom()) out += "\xEF\xBB\xBF";
      for (size_t c = 0; c < width; ++c) {
        if (c) out += ',';
        AppendField(reader->header()[c], reader->header_quoted(c), out);
      }
      out.append(reader->header_line_end());
      // Rows are masked a chunk at a time, so that each column's FF1 values
      // go through AES side by side (Transform::ApplyBatch).
      RowChunk chunk(width);
      ChunkMasker masker;
      auto flush = [&] {
        const std::vector<std::vector<std::string>>& results = masker.Mask(chunk, plans);
        for (size_t r = 0; r < chunk.rows; ++r) {
          for (size_t c = 0; c < width; ++c) {
            if (c) out += ',';
            const std::optional<std::string_view> field = chunk.Field(r, c);
            if (!field) continue;  // NULL: the empty unquoted field, as it came
            const bool quoted = chunk.quoted[r * width + c];
            if (!plans[c].transform) {
              AppendField(*field, quoted, out);
            } else {
              const std::string& masked = results[c][r];
              AppendField(masked, quoted || NeedsQuotes(masked), out);
            }
          }
          out.append(chunk.ends[r]);
        }
        summary.rows += chunk.rows;
        chunk.Clear();
        if (out.size() >= kFlushBytes) {
          file.Write(out);
          out.clear();
        }
      };
      while (reader->Next()) {
        const auto& fields = reader->fields();
        for (size_t c = 0; c < width; ++c) chunk.Add(fields[c], reader->quoted(c));
        chunk.ends.push_back(reader->line_end());
        if (++chunk.rows == RowChunk::kRows) flush();
      }
      flush();
      file.Write(out);
      file.Finish();
      for (size_t c = 0; c < width; ++c) {
        if (!plans[c].transform) continue;
        summary.columns.push_back({table.name, table.header[c], plans[c].rule->spec.name, plans[c].values,
                                   plans[c].transform->fallbacks()});
      }
    }
    for (auto& file : files) {
      file->Commit();
      summary.files.push_back(file->target());
      ours.insert(file->target().filename().string());
    }
    WriteManifest(options.to, ours);
  } catch (...) {
    files.clear();  // removes every temporary file
    if (created_dir) fs::remove(options.to, ec);  // only if empty
    throw;
  }
  return summary;
}

}  // namespace seedforge::mask
