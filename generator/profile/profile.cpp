// Column profiles (profile/profile.h): one pass per column for NULLs,
// distinct values and lengths, the PII finding, then a summary for the
// columns that are not personal; and the providers --domain-out proposes.
#include "profile/profile.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "seedforge/pipeline.h"

namespace seedforge::profile {

namespace {

constexpr int kPercents[] = {5, 25, 50, 75, 95};

// The value at `percent` of sorted values, the nearest rank below.
template <typename T>
T Quantile(const std::vector<T>& sorted, int percent) {
  const size_t i = static_cast<size_t>(std::floor(percent / 100.0 * static_cast<double>(sorted.size() - 1)));
  return sorted[i];
}

std::string Number(double v) { return fmt::format("{:.6g}", v); }

void Summarize(const TableColumn& column, ColumnProfile& p) {
  const bool dates = column.type == ColumnType::kDate || column.type == ColumnType::kTimestamp;
  if (column.type == ColumnType::kInteger || column.type == ColumnType::kDecimal || dates) {
    std::vector<double> values;
    for (size_t r = 0; r < column.nulls.size(); ++r) {
      if (column.IsNull(r)) continue;
      values.push_back(column.type == ColumnType::kDecimal ? column.numbers[r] : static_cast<double>(column.ints[r]));
    }
    if (values.empty()) return;
    std::sort(values.begin(), values.end());
    auto text = [&](double v) {
      if (!dates) return Number(v);
      std::string out;
      AppendDateTime(static_cast<int64_t>(v), column.type == ColumnType::kTimestamp, column.format, out);
      return out;
    };
    p.summarized = true;
    p.min = text(values.front());
    p.max = text(values.back());
    if (!dates) {
      double sum = 0;
      for (double v : values) sum += v;
      p.mean = sum / static_cast<double>(values.size());
    }
    for (int percent : kPercents) p.quantiles.emplace_back(percent, text(Quantile(values, percent)));
    return;
  }
  if (column.type == ColumnType::kBoolean || IsTextType(column.type)) {
    std::unordered_map<std::string_view, size_t> counts;
    counts.reserve(column.nulls.size());
    for (size_t r = 0; r < column.nulls.size(); ++r) {
      if (!column.IsNull(r)) ++counts[column.Text(r)];
    }
    std::vector<std::pair<std::string_view, size_t>> sorted(counts.begin(), counts.end());
    const size_t keep = std::min(kTopValues, sorted.size());
    std::partial_sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(keep), sorted.end(),
                      [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    p.summarized = true;
    for (size_t i = 0; i < keep; ++i) p.top.emplace_back(std::string(sorted[i].first), sorted[i].second);
  }
}

}  // namespace

std::vector<ColumnProfile> ProfileTable(const Table& table, const std::string& table_name, int threads) {
  std::vector<ColumnProfile> out(table.columns.size());
  // Columns are independent: each goes to its own slot.
  ParallelFor(table.columns.size(), threads, [&](size_t c) {
    const TableColumn& column = table.columns[c];
    ColumnProfile& p = out[c];
    p.table = table_name;
    p.name = column.name;
    p.type = column.type;
    p.type_reason = column.reason;
    if (column.type == ColumnType::kDate || column.type == ColumnType::kTimestamp) {
      p.format = column.format.Name(column.type == ColumnType::kTimestamp);
    }
    p.rows = column.nulls.size();
    std::unordered_set<std::string_view> distinct;
    distinct.reserve(p.rows);
    bool first = true;
    for (size_t r = 0; r < p.rows; ++r) {
      if (column.IsNull(r)) {
        ++p.nulls;
        continue;
      }
      const std::string_view v = column.Text(r);
      distinct.insert(v);
      p.min_length = first ? v.size() : std::min(p.min_length, v.size());
      p.max_length = std::max(p.max_length, v.size());
      first = false;
    }
    p.distinct = distinct.size();
    p.pii = DetectPii(column, table_name);
    // A personal column's values stay out of the profile.
    if (p.pii.kind == PiiKind::kNone) Summarize(column, p);
  });
  return out;
}

ProviderChoice ProviderFor(const PiiFinding& finding, const TableColumn& column) {
  ProviderChoice c;
  // The layout of the first value with ten digits, as the phone provider
  // takes it: "(###) ###-####", "+1-###-###-####".
  auto phone_layout = [&]() -> std::string {
    for (size_t r = 0; r < column.nulls.size(); ++r) {
      if (column.IsNull(r)) continue;
      std::string layout(column.Text(r));
      size_t digits = 0;
      for (char& ch : layout) {
        if (std::isdigit(static_cast<unsigned char>(ch))) {
          ++digits;
          ch = '#';
        }
      }
      if (digits == 10) return layout;
      if (digits == 11 && layout.find("+#") == 0) return "+1" + layout.substr(2);
      return "";
    }
    return "";
  };
  switch (finding.kind) {
    case PiiKind::kNone: break;
    case PiiKind::kFirstName: c.provider = "person", c.field = "first_name"; break;
    case PiiKind::kLastName: c.provider = "person", c.field = "last_name"; break;
    case PiiKind::kFullName: c.provider = "person", c.field = "full_name"; break;
    case PiiKind::kEmail: c.provider = "email"; break;
    case PiiKind::kPhone: {
      c.provider = "phone";
      // E.164 numbers of other countries become NANP numbers written +1.
      const std::string layout = finding.evidence.detail == "e164" ? "+1 ### ### ####" : phone_layout();
      if (!layout.empty() && layout != "(###) ###-####") c.params.emplace_back("format", layout);
      break;
    }
    case PiiKind::kSsn:
      c.provider = "ssn";
      if (finding.evidence.detail == "digits") c.params.emplace_back("dashes", "false");
      break;
    case PiiKind::kCard: c.provider = "credit_card", c.field = "number"; break;
    case PiiKind::kIban: {
      // The printed form (groups of four) when the values have spaces.
      bool spaced = false;
      for (size_t r = 0; r < column.nulls.size() && !spaced; ++r) {
        spaced = !column.IsNull(r) && column.Text(r).find(' ') != std::string_view::npos;
      }
      c.provider = "iban", c.field = spaced ? "printed" : "iban";
      break;
    }
    case PiiKind::kStreetAddress: c.provider = "address", c.field = "street"; break;
    case PiiKind::kZip: c.provider = "address", c.field = "zip"; break;
    case PiiKind::kCity: c.provider = "address", c.field = "city"; break;
    case PiiKind::kState: c.provider = "address", c.field = "state"; break;
    case PiiKind::kDateOfBirth: c.provider = "date_of_birth", c.text = false; break;
    case PiiKind::kIpAddress:
      c.provider = finding.evidence.detail == "ipv6" ? "ipv6" : "ip", c.field = "inet";
      break;
    case PiiKind::kVin: c.provider = "vin"; break;
    case PiiKind::kFreeText: {
      size_t longest = 8;
      for (size_t r = 0; r < column.nulls.size(); ++r) longest = std::max(longest, column.Text(r).size());
      c.provider = "text";
      c.params.emplace_back("max_words", std::to_string(std::clamp<size_t>(longest / 6, 1, 60)));
      c.params.emplace_back("max_length", std::to_string(longest));
      break;
    }
  }
  return c;
}

std::vector<std::string> ProposeProviders(DatabaseSample& sample, const std::vector<ColumnProfile>& profiles,
                                          bool schema_inferred, const ProviderRegistry& registry) {
  std::vector<std::string> notes;
  for (const ColumnProfile& p : profiles) {
    if (p.pii.kind == PiiKind::kNone) continue;
    DomainEntity* entity = nullptr;
    for (DomainEntity& e : sample.schema.entities) {
      if (e.name == p.table) entity = &e;
    }
    auto table = sample.tables.find(p.table);
    if (!entity || table == sample.tables.end()) continue;
    const int c = entity->FindColumn(p.name);
    const int t = table->second.Find(p.name);
    if (c < 0 || t < 0) continue;
    DomainColumn& column = entity->columns[c];
    const std::string where = p.table + "." + p.name;
    if (column.source == ColumnSource::kReference || column.primary_key) {
      notes.push_back(where + ": " + std::string(PiiKindName(p.pii.kind)) + ", a key: left as the schema makes it");
      continue;
    }
    const ProviderChoice choice = ProviderFor(p.pii, table->second.columns[t]);
    const ProviderSpec* spec = registry.Find(choice.provider);
    if (!spec || (!choice.field.empty() && !spec->FindField(choice.field))) {
      notes.push_back(where + ": " + std::string(PiiKindName(p.pii.kind)) + ", but this build has no provider " +
                      choice.provider + ": kept out of the models with the schema's provider");
      sample.keep_providers[p.table].insert(p.name);
      continue;
    }
    const bool numeric = column.type.IsInteger() || column.type.family == SqlType::Family::kNumeric ||
                         column.type.family == SqlType::Family::kDouble;
    if (choice.text && numeric) {
      if (!schema_inferred) {
        notes.push_back(where + ": " + std::string(PiiKindName(p.pii.kind)) + " in a " + column.type.ToSql() +
                        " column: kept out of the models with the schema's provider");
        sample.keep_providers[p.table].insert(p.name);
        continue;
      }
      column.type = *ParseSqlType("text");
    }
    column.source = ColumnSource::kProvider;
    column.provider = choice.provider;
    column.field = choice.field;
    // A single-field provider is written by its name alone (the parser
    // gives it the column's name as its group); a field of a
    // multi-field one by provider.field.
    column.group = choice.field.empty() ? column.name : "";
    std::map<std::string, ParamValue> params;
    for (const auto& [name, value] : choice.params) {
      ParamValue v;
      v.scalar = value;
      params[name] = v;
    }
    column.params = Params(std::move(params), column.where);
    sample.keep_providers[p.table].insert(p.name);
    std::string source = choice.provider + (choice.field.empty() ? "" : "." + choice.field);
    notes.push_back(fmt::format("{}: {} (confidence {:.2f}) -> provider {}", where, PiiKindName(p.pii.kind),
                                p.pii.confidence, source));
  }
  return notes;
}

}  // namespace seedforge::profile
