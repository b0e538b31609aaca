// Named rows (`scenarios:`; docs/domain-files.md, "Named rows"): their
// names resolved (step 2 of steps.h) and their values checked against the
// columns' types, constraints and link rules as far as the file alone
// decides them (step 3). What depends on generated values (a named date
// against a generated parent's) is checked by the plan
// (generate/named_rows.cpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "domain/expression.h"
#include "domain/named_value.h"
#include "domain/steps.h"
#include "seedforge/calendar.h"
#include "seedforge/params.h"
#include "seedforge/provider.h"
#include "seedforge/utf8.h"

namespace seedforge {

bool NamedCell::Equals(const BatchColumn& column, size_t i) const {
  if (null || column.IsNull(i)) return false;
  switch (column.kind) {
    case ValueKind::kFloat: return column.floats[i] == real;
    case ValueKind::kText:
    case ValueKind::kUuid: return column.texts[i] == text;
    default: return column.ints[i] == integer;
  }
}

void NamedCell::Store(BatchColumn& column, size_t i) const {
  if (null) {
    column.SetNull(i);
    return;
  }
  if (!column.nulls.empty()) column.nulls[i] = 0;
  switch (column.kind) {
    case ValueKind::kFloat: column.floats[i] = real; break;
    case ValueKind::kText:
    case ValueKind::kUuid: column.texts[i] = text; break;
    default: column.ints[i] = integer; break;
  }
}

NamedCell NamedCell::Of(const BatchColumn& column, size_t i) {
  NamedCell cell;
  if (column.IsNull(i)) {
    cell.null = true;
    return cell;
  }
  switch (column.kind) {
    case ValueKind::kFloat: cell.real = column.floats[i]; break;
    case ValueKind::kText:
    case ValueKind::kUuid: cell.text = column.texts[i]; break;
    default: cell.integer = column.ints[i]; break;
  }
  return cell;
}

std::string ReadNamedCell(const std::string& text, ValueKind kind, int scale, int64_t today, NamedCell* out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  switch (kind) {
    case ValueKind::kInt: {
      auto [p, ec] = std::from_chars(begin + (text.starts_with('+') ? 1 : 0), end, out->integer);
      if (ec != std::errc() || p != end || text.empty()) return "'" + text + "' is not a whole number";
      return "";
    }
    case ValueKind::kDecimal: {
      // Exactly, digit by digit: a double would round 0.1-like values.
      size_t i = 0;
      const bool negative = !text.empty() && text[0] == '-';
      if (!text.empty() && (text[0] == '-' || text[0] == '+')) i = 1;
      __int128 unscaled = 0;
      int digits = 0, decimals = -1;
      for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.' && decimals < 0) {
          decimals = 0;
          continue;
        }
        if (c < '0' || c > '9') return "'" + text + "' is not a decimal number";
        if (decimals >= 0) ++decimals;
        if (++digits > 30) return "'" + text + "' has too many digits";
        unscaled = unscaled * 10 + (c - '0');
      }
      if (digits == 0) return "'" + text + "' is not a decimal number";
      if (decimals < 0) decimals = 0;
      if (decimals > scale) {
        return "'" + text + "' has " + std::to_string(decimals) + " digits after the point; the column keeps " +
               std::to_string(scale);
      }
      for (; decimals < scale; ++decimals) unscaled *= 10;
      if (unscaled > std::numeric_limits<int64_t>::max()) return "'" + text + "' is too large";
      out->integer = static_cast<int64_t>(negative ? -unscaled : unscaled);
      return "";
    }
    case ValueKind::kFloat: {
      auto [p, ec] = std::from_chars(begin, end, out->real);
      if (ec != std::errc() || p != end || text.empty() || !std::isfinite(out->real)) {
        return "'" + text + "' is not a number";
      }
      return "";
    }
    case ValueKind::kBool:
      if (text == "true" || text == "yes" || text == "on") {
        out->integer = 1;
      } else if (text == "false" || text == "no" || text == "off") {
        out->integer = 0;
      } else {
        return "'" + text + "' is not true or false";
      }
      return "";
    case ValueKind::kDate:
      if (!ParseDateSpec(text, today, &out->integer)) {
        return "'" + text + "' is not a date (YYYY-MM-DD or today[+-]N(d|m|y))";
      }
      return "";
    case ValueKind::kTimestamp:
      if (!ParseTimestampSpec(text, today, &out->integer)) {
        return "'" + text + "' is not a timestamp (YYYY-MM-DD[ HH:MM[:SS]] or today[+-]N(d|m|y))";
      }
      return "";
    case ValueKind::kText:
    case ValueKind::kUuid:
      if (!IsValidUtf8(text)) return "the value is not valid UTF-8";
      out->text = text;
      return "";
  }
  return "";
}

namespace {

template <typename Named>
std::string Suggest(std::string message, const std::string& name, const std::vector<Named>& known) {
  std::vector<std::string> names;
  for (const Named& item : known) names.push_back(item.name);
  auto close = ClosestNames(name, names);
  if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
  return message;
}

// The named rows of each entity that carry a label, by label.
using Labels = std::vector<std::map<std::string, int>>;

}  // namespace

void ResolveScenarios(Domain& domain, std::vector<Diagnostic>& diagnostics) {
  auto add = [&](const SourceLocation& where, std::string message) {
    diagnostics.push_back({where, std::move(message)});
  };
  Labels labels(domain.entities.size());
  for (size_t r = 0; r < domain.named_rows.size(); ++r) {
    NamedRow& row = domain.named_rows[r];
    row.entity_index = domain.FindEntity(row.entity);
    if (row.entity_index < 0) {
      add(row.where, Suggest("scenario '" + row.scenario + "' names a row of unknown entity '" + row.entity + "'",
                             row.entity, domain.entities));
      continue;
    }
    if (!row.label.empty() && !labels[row.entity_index].emplace(row.label, static_cast<int>(r)).second) {
      add(row.where, "label '" + row.label + "' names two rows of '" + row.entity + "'");
    }
  }
  for (NamedRow& row : domain.named_rows) {
    if (row.entity_index < 0) continue;
    const DomainEntity& entity = domain.entities[row.entity_index];
    std::set<std::string> seen;
    for (NamedValue& value : row.values) {
      value.column_index = entity.FindColumn(value.column);
      if (value.column_index < 0) {
        add(value.where, Suggest("'" + entity.name + "' has no column '" + value.column + "'", value.column,
                                 entity.columns));
        continue;
      }
      if (!seen.insert(value.column).second) {
        add(value.where, "column '" + value.column + "' is named twice in one named row of '" + entity.name + "'");
      }
      const DomainColumn& column = entity.columns[value.column_index];
      if (column.source != ColumnSource::kReference || column.link < 0) continue;
      // A link column names its parent's named row by label.
      value.link = column.link;
      if (!value.text) continue;  // NULL: no parent
      const DomainLink& link = entity.links[column.link];
      const int parent = domain.FindEntity(link.parent);
      if (parent < 0) continue;
      auto found = labels[parent].find(*value.text);
      if (found == labels[parent].end()) {
        std::vector<std::string> known;
        for (const auto& [label, index] : labels[parent]) known.push_back(label);
        std::string message = "'" + entity.name + "." + value.column + "' names its '" + link.parent +
                              "' row by label, and no named row of '" + link.parent + "' is labelled '" +
                              *value.text + "'";
        auto close = ClosestNames(*value.text, known);
        if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
        add(value.where, message);
        continue;
      }
      value.parent_row = found->second;
    }
  }
}

namespace {

// A date or timestamp value in microseconds, for comparing the two.
int64_t Micros(ValueKind kind, int64_t value) { return kind == ValueKind::kDate ? value * 86'400'000'000 : value; }

// `value` (days or micros) moved by years and days, as rules move bounds.
int64_t Shift(ValueKind kind, int64_t value, int years, int days) {
  const int64_t day_units = kind == ValueKind::kDate ? 1 : 86'400'000'000;
  int64_t day = kind == ValueKind::kDate ? value : (value >= 0 ? value / day_units : (value - day_units + 1) / day_units);
  const int64_t within = value - day * day_units;
  if (years) {
    int y;
    unsigned m, d;
    CivilFromDays(day, y, m, d);
    y += years;
    d = std::min(d, DaysInMonth(y, m));
    day = DaysFromCivil(y, m, d);
  }
  day += days;
  return day * day_units + within;
}

class ScenarioValidator {
 public:
  ScenarioValidator(const Domain& domain, std::vector<Diagnostic>& diagnostics)
      : domain_(domain), diagnostics_(diagnostics) {}

  void Validate() {
    cells_.resize(domain_.named_rows.size());
    for (size_t r = 0; r < domain_.named_rows.size(); ++r) ValidateValues(static_cast<int>(r));
    ValidateUnique();
    ValidateParents();
    for (size_t r = 0; r < domain_.named_rows.size(); ++r) ValidateRules(static_cast<int>(r));
  }

 private:
  void Add(const SourceLocation& where, std::string message) { diagnostics_.push_back({where, std::move(message)}); }

  // The value of a named row's column as read, or null when not named (or
  // not readable).
  const NamedCell* Cell(int row, int column) const {
    auto it = cells_[row].find(column);
    return it == cells_[row].end() ? nullptr : &it->second;
  }
  // The named row a row's link names, or -1 (not named, NULL).
  int NamedParent(int row, int link) const {
    for (const NamedValue& v : domain_.named_rows[row].values) {
      if (v.link == link) return v.parent_row;
    }
    return -1;
  }

  void ValidateValues(int r);
  void ValidateCheck(int r, const DomainColumn& column, const NamedValue& value);
  void ValidateUnique();
  void ValidateParents();
  void ValidateRules(int r);

  const Domain& domain_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<std::map<int, NamedCell>> cells_;  // per named row: column -> value
};

void ScenarioValidator::ValidateValues(int r) {
  const NamedRow& row = domain_.named_rows[r];
  if (row.entity_index < 0) return;
  const DomainEntity& entity = domain_.entities[row.entity_index];
  for (const NamedValue& value : row.values) {
    if (value.column_index < 0) continue;
    const DomainColumn& column = entity.columns[value.column_index];
    const std::string name = "'" + entity.name + "." + column.name + "'";
    const char* made = nullptr;
    switch (column.source) {
      case ColumnSource::kComputed: made = "is computed from the row's other columns"; break;
      case ColumnSource::kCopied: made = "is copied from a parent row"; break;
      case ColumnSource::kAggregate: made = "adds up the row's children (aggregate)"; break;
      case ColumnSource::kOrdinal: made = "numbers the row among its parent's children"; break;
      case ColumnSource::kStep: made = "is the row's funnel state"; break;
      case ColumnSource::kNextOf: made = "is read from the next sibling row"; break;
      default: break;
    }
    if (!made && column.sequence) made = "rises with the row's place among its parent's children (sequence)";
    if (made) {
      Add(value.where, name + " " + made + ", so a named row cannot give it a value; name the columns it follows");
      continue;
    }
    if (value.link >= 0) {
      const DomainLink& link = entity.links[value.link];
      if (!value.text) {
        if (column.not_null) Add(value.where, name + " is NOT NULL; a named row cannot leave its parent out");
        continue;
      }
      bool one_to_one = link.columns.size() == 1 && (column.unique || column.primary_key);
      if (one_to_one) {
        Add(value.where, name + " links '" + entity.name + "' to '" + link.parent +
                             "' one to one (unique), which named rows cannot pick parents on");
      }
      continue;
    }
    if (!value.text) {
      if (column.not_null || column.primary_key) {
        Add(value.where, name + " is NOT NULL; a named row cannot set it to NULL");
      } else {
        cells_[r][value.column_index].null = true;
      }
      continue;
    }
    const std::string& text = *value.text;
    if (column.type.family == SqlType::Family::kEnum && !column.type.array) {
      const DomainEnum* type = nullptr;
      for (const DomainEnum& e : domain_.enums) {
        if (e.name == column.type.enum_name) type = &e;
      }
      if (type && std::find(type->labels.begin(), type->labels.end(), text) == type->labels.end()) {
        std::string message = name + " is of enum type '" + type->name + "', which has no label '" + text + "'";
        auto close = ClosestNames(text, type->labels);
        if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
        Add(value.where, message);
        continue;
      }
    }
    auto [kind, scale] = column.type.StoredKind();
    NamedCell cell;
    const std::string problem = ReadNamedCell(text, kind, scale, 0, &cell);
    if (!problem.empty()) {
      Add(value.where, name + " is " + column.type.ToSql() + ", and " + problem);
      continue;
    }
    if (column.type.IsText() && column.type.length > 0 && Utf8Length(text) > static_cast<size_t>(column.type.length)) {
      Add(value.where, name + " is " + column.type.ToSql() + ", and '" + text + "' is " +
                           std::to_string(Utf8Length(text)) + " characters long");
      continue;
    }
    if (kind == ValueKind::kInt || kind == ValueKind::kDecimal) {
      const long double number = kind == ValueKind::kInt ? static_cast<long double>(cell.integer)
                                                         : static_cast<long double>(cell.integer) / std::pow(10.0L, scale);
      if (!column.type.HoldsNumbers({number, number})) {
        Add(value.where, name + " is " + column.type.ToSql() + ", which holds " + column.type.NumberLimits() +
                             ", not " + text);
        continue;
      }
    }
    cells_[r][value.column_index] = cell;
    ValidateCheck(r, column, value);
  }
}

void ScenarioValidator::ValidateCheck(int r, const DomainColumn& column, const NamedValue& value) {
  // A CHECK the expression language reads (comparisons, IN, and/or/not) is
  // evaluated once every column it reads is named in the row; others
  // (BETWEEN, functions of SQL alone) are left to the database.
  if (column.check_sql.empty()) return;
  std::unique_ptr<Expression> check = Expression::Parse(column.check_sql, nullptr);
  if (!check) return;
  const NamedRow& row = domain_.named_rows[r];
  const DomainEntity& entity = domain_.entities[row.entity_index];
  std::vector<Expression::Type> types;
  std::vector<Expression::Value> inputs;
  std::vector<std::string> texts;
  texts.reserve(check->Columns().size());
  for (const std::string& read : check->Columns()) {
    const int c = entity.FindColumn(read);
    const NamedCell* cell = c < 0 ? nullptr : Cell(r, c);
    if (!cell) return;  // reads a generated column
    auto [kind, scale] = entity.columns[c].type.StoredKind();
    Expression::Value v;
    v.type = cell->null ? Expression::Type::kNull : ExpressionTypeOf(kind);
    switch (kind) {
      case ValueKind::kInt: v.number = static_cast<double>(cell->integer); break;
      case ValueKind::kBool: v.number = static_cast<double>(cell->integer); break;
      case ValueKind::kDecimal: v.number = static_cast<double>(cell->integer) / std::pow(10.0, scale); break;
      case ValueKind::kFloat: v.number = cell->real; break;
      case ValueKind::kDate:
      case ValueKind::kTimestamp: v.instant = cell->integer; break;
      default: texts.push_back(cell->text); v.text = texts.back(); break;
    }
    types.push_back(v.type);
    inputs.push_back(v);
  }
  Expression::Type result;
  if (!check->Check(types, &result, nullptr) || result != Expression::Type::kBool) return;
  RandomStream random(0, 0);
  const Expression::Value got = check->Evaluate(inputs, random);
  // SQL's CHECK passes on NULL; only false fails it.
  if (got.type == Expression::Type::kBool && got.number == 0) {
    Add(value.where, "the named row's '" + entity.name + "." + column.name + "' breaks its CHECK (" +
                         column.check_sql + ")");
  }
}

void ScenarioValidator::ValidateUnique() {
  // Named values of a unique column differ from each other (the plan keeps
  // generated rows off them), and `count: n` rows cannot share one.
  for (size_t e = 0; e < domain_.entities.size(); ++e) {
    const DomainEntity& entity = domain_.entities[e];
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      const DomainColumn& column = entity.columns[c];
      if (!column.unique && !column.primary_key) continue;
      std::map<std::string, int> seen;
      for (size_t r = 0; r < domain_.named_rows.size(); ++r) {
        const NamedRow& row = domain_.named_rows[r];
        if (row.entity_index != static_cast<int>(e)) continue;
        for (const NamedValue& value : row.values) {
          if (value.column_index != static_cast<int>(c) || !value.text || value.link >= 0) continue;
          if (row.count > 1) {
            Add(value.where, "'" + entity.name + "." + column.name + "' is unique, and 'count: " +
                                 std::to_string(row.count) + "' would give " + std::to_string(row.count) +
                                 " rows the value '" + *value.text + "'");
          } else if (!seen.emplace(*value.text, static_cast<int>(r)).second) {
            Add(value.where, "'" + entity.name + "." + column.name + "' is unique, and another named row has '" +
                                 *value.text + "' already");
          }
        }
      }
    }
  }
}

void ScenarioValidator::ValidateParents() {
  // Rows that come grouped by a parent (per_parent) sit among that parent's
  // children: a named one names its parent, and one parent has no more
  // named children than its per_parent allows.
  std::map<std::pair<int, int>, uint64_t> children;  // (link entity's named parent row, entity) -> rows
  for (const NamedRow& row : domain_.named_rows) {
    if (row.entity_index < 0) continue;
    const DomainEntity& entity = domain_.entities[row.entity_index];
    const int counting = entity.CountingLink();
    if (counting < 0) continue;
    const DomainLink& link = entity.links[counting];
    const NamedValue* named = nullptr;
    for (const NamedValue& v : row.values) {
      if (v.link == counting) named = &v;
    }
    if (!named) {
      Add(row.where, "'" + entity.name + "' rows come grouped by their '" + link.parent +
                         "' row (per_parent), so a named row of it names that parent by label: " + link.columns[0] +
                         ": LABEL");
      continue;
    }
    if (!named->text) {
      if (named->column_index >= 0 && entity.columns[named->column_index].not_null) continue;  // said above
      Add(named->where, "'" + entity.name + "' rows come grouped by their '" + link.parent +
                            "' row (per_parent): a named row of it cannot leave that parent out");
      continue;
    }
    if (named->parent_row < 0) continue;
    uint64_t& total = children[{named->parent_row, row.entity_index}];
    total += row.count;
    const Cardinality& c = *link.per_parent;
    const bool bounded = c.kind != Cardinality::Kind::kPoisson && c.kind != Cardinality::Kind::kLogNormal &&
                         c.kind != Cardinality::Kind::kColumn && !c.rate;
    // Reported once, at the named row that goes past the maximum.
    if ((bounded || c.max > 0) && c.max >= 0 && total > static_cast<uint64_t>(c.max) &&
        total - row.count <= static_cast<uint64_t>(c.max)) {
      Add(named->where, "'" + link.parent + "' row '" + *named->text + "' would have " + std::to_string(total) +
                            " named '" + entity.name + "' rows, and per_parent allows at most " +
                            std::to_string(c.max));
    }
  }
}

void ScenarioValidator::ValidateRules(int r) {
  // Date rules between named values: the bound is read from the row itself
  // or from its named parents up the rule's links. A bound that is
  // generated (a parent not named, a column not named) is checked by the
  // plan, which makes it.
  const NamedRow& row = domain_.named_rows[r];
  if (row.entity_index < 0) return;
  const DomainEntity& entity = domain_.entities[row.entity_index];
  for (const NamedValue& value : row.values) {
    if (value.column_index < 0) continue;
    const NamedCell* cell = Cell(r, value.column_index);
    if (!cell || cell->null) continue;
    const DomainColumn& column = entity.columns[value.column_index];
    const ValueKind kind = column.type.StoredKind().first;
    if (kind != ValueKind::kDate && kind != ValueKind::kTimestamp) continue;
    for (const DateRule& rule : column.rules) {
      if (rule.target_entity < 0 || rule.target_column < 0) continue;
      int at = r;
      int hop_entity = row.entity_index;
      for (int link : rule.path) {
        at = NamedParent(at, link);
        if (at < 0) break;
        hop_entity = domain_.named_rows[at].entity_index;
      }
      if (at < 0 || hop_entity != rule.target_entity) continue;
      const NamedCell* bound = Cell(at, rule.target_column);
      if (!bound || bound->null) continue;
      const ValueKind bound_kind = domain_.entities[rule.target_entity].columns[rule.target_column].type.StoredKind().first;
      int64_t limit = Micros(bound_kind, Shift(bound_kind, bound->integer, rule.years, rule.days));
      if (rule.side == DateRule::Side::kUpper && bound_kind == ValueKind::kDate && kind == ValueKind::kTimestamp) {
        limit += 86'400'000'000 - 1;  // a date bounds a timestamp up to the end of its day
      }
      const int64_t got = Micros(kind, cell->integer);
      const bool ok = rule.side == DateRule::Side::kLower ? got >= limit : got <= limit;
      if (!ok) {
        std::string bound_text;
        for (const NamedValue& v : domain_.named_rows[at].values) {
          if (v.column_index == rule.target_column && v.text) bound_text = *v.text;
        }
        Add(value.where, "the named row's '" + entity.name + "." + column.name + "' (" + *value.text + ") must be " +
                             (rule.side == DateRule::Side::kLower ? "on or after " : "on or before ") + rule.Shown() +
                             " (" + rule.key + "), which the named rows make " + bound_text);
      }
    }
  }
}

}  // namespace

void ValidateScenarios(const Domain& domain, std::vector<Diagnostic>& diagnostics) {
  ScenarioValidator(domain, diagnostics).Validate();
}

}  // namespace seedforge
