#include "learn/sampling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "learn/values.h"
#include "seedforge/error.h"
#include "seedforge/table.h"

namespace seedforge {

namespace {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-' || c == ':' || c == ' ' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return std::string(s);
}

}  // namespace

Constraint Constraint::Parse(const std::string& text) {
  // COLUMN IS NOT NULL: the keywords at the end, any case and spacing.
  std::string lower;
  for (char ch : text) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  std::string_view rest(lower);
  size_t words = 0;
  for (std::string_view word : {"null", "not", "is"}) {
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    if (!rest.ends_with(word)) break;
    rest.remove_suffix(word.size());
    // The keyword must stand alone: "is_nullnot null" is no match.
    if (!rest.empty() && rest.back() != ' ' && rest.back() != '\t') break;
    ++words;
  }
  if (words == 3) {
    Constraint c;
    c.column = Trim(std::string_view(text).substr(0, rest.size()));
    c.op = Op::kNotNull;
    c.text = text;
    if (c.column.empty()) throw UsageError("constraint '" + text + "': no column before IS NOT NULL");
    for (char ch : c.column) {
      if (!IsIdentChar(ch)) throw UsageError("constraint '" + text + "': '" + c.column + "' is not a column name");
    }
    return c;
  }
  static const std::pair<std::string_view, Op> kOps[] = {
      {">=", Op::kGreaterEqual}, {"<=", Op::kLessEqual}, {">", Op::kGreater}, {"<", Op::kLess}};
  for (const auto& [symbol, op] : kOps) {
    const size_t at = text.find(symbol);
    if (at == std::string::npos) continue;
    Constraint c;
    c.column = Trim(std::string_view(text).substr(0, at));
    std::string right = Trim(std::string_view(text).substr(at + symbol.size()));
    c.op = op;
    c.text = text;
    if (c.column.empty() || right.empty()) break;
    for (char ch : c.column) {
      if (!IsIdentChar(ch)) throw UsageError("constraint '" + text + "': '" + c.column + "' is not a column name");
    }
    const bool literal = ParseDecimal(right) || ParseDateTime(right);
    if (literal) {
      c.value = right;
    } else {
      c.other = right;
    }
    return c;
  }
  throw UsageError("constraint '" + text +
                   "' is not of the form COLUMN OP COLUMN, COLUMN OP VALUE (OP one of < <= > >=) or COLUMN IS NOT NULL");
}

Condition Condition::Parse(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError("--where expects COLUMN=VALUE, got '" + text + "'");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

namespace internal {

namespace {

int FindColumn(const std::vector<ModelColumn>& columns, const std::string& name, const std::string& what) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  std::string known;
  for (const ModelColumn& c : columns) known += (known.empty() ? "" : ", ") + c.name;
  throw UsageError(what + ": the model has no column '" + name + "' (columns: " + known + ")");
}

bool IsOrdered(DataType type) { return type != DataType::kCategorical && type != DataType::kBoolean; }

// The step between neighbouring values a column can hold after rounding,
// or 0 when the values are not on a grid.
double GridStep(const ModelColumn& c) {
  switch (c.type) {
    case DataType::kContinuous: return c.digits >= 0 && c.digits <= 12 ? std::pow(10.0, -c.digits) : 0.0;
    case DataType::kTimestamp: return std::pow(10.0, 6 - std::clamp(c.digits, 0, 6));
    default: return 1.0;
  }
}

bool Holds(Constraint::Op op, double a, double b) {
  switch (op) {
    case Constraint::Op::kLess: return a < b;
    case Constraint::Op::kLessEqual: return a <= b;
    case Constraint::Op::kGreater: return a > b;
    case Constraint::Op::kGreaterEqual: return a >= b;
    case Constraint::Op::kNotNull: return true;  // checked on the NULL flag
  }
  return true;
}

Constraint::Op Mirror(Constraint::Op op) {
  switch (op) {
    case Constraint::Op::kLess: return Constraint::Op::kGreater;
    case Constraint::Op::kLessEqual: return Constraint::Op::kGreaterEqual;
    case Constraint::Op::kGreater: return Constraint::Op::kLess;
    case Constraint::Op::kGreaterEqual: return Constraint::Op::kLessEqual;
    case Constraint::Op::kNotNull: return op;
  }
  return op;
}

// The value nearest to `bound` on the column's grid with `value op bound`.
double NearestAllowed(const ModelColumn& c, Constraint::Op op, double bound) {
  const double step = GridStep(c);
  const bool up = op == Constraint::Op::kGreater || op == Constraint::Op::kGreaterEqual;
  const bool strict = op == Constraint::Op::kGreater || op == Constraint::Op::kLess;
  if (step == 0) {
    return strict ? std::nextafter(bound, up ? INFINITY : -INFINITY) : bound;
  }
  const double k = bound / step;
  const double tolerance = 1e-9 * std::max(1.0, std::fabs(k));
  double grid;
  if (up) {
    grid = std::ceil(k - tolerance);
    if (strict && std::fabs(grid - k) <= tolerance) grid += 1;
  } else {
    grid = std::floor(k + tolerance);
    if (strict && std::fabs(grid - k) <= tolerance) grid -= 1;
  }
  double value = grid * step;
  // Rounding the product may land on the wrong side; step once more.
  if (!Holds(op, value, bound)) value = (up ? grid + 1 : grid - 1) * step;
  return value;
}

class ConstrainedSampler : public RowSampler {
 public:
  ConstrainedSampler(const std::vector<ModelColumn>& columns, std::unique_ptr<RowDrawer> drawer,
                     std::vector<FixedValue> fixed, std::vector<BoundConstraint> constraints, int max_tries,
                     bool dates_as_written, std::vector<int> given)
      : columns_(columns),
        drawer_(std::move(drawer)),
        fixed_(std::move(fixed)),
        constraints_(std::move(constraints)),
        given_(std::move(given)),
        max_tries_(std::max(1, max_tries)),
        dates_as_written_(dates_as_written) {
    is_fixed_.assign(columns_.size(), 0);
    for (const FixedValue& f : fixed_) is_fixed_[f.column] = 1;
    for (int c : given_) {
      is_fixed_[c] = 1;
      if (columns_[c].type == DataType::kCategorical) given_labels_.emplace_back(columns_[c].categories);
    }
  }

  const std::vector<ModelColumn>& columns() const override { return columns_; }

  void SampleRows(std::span<const uint64_t> rows, uint64_t key, std::vector<BatchColumn>& out) const override {
    Sample(rows, key, nullptr, nullptr, out);
  }

  void SampleRowsGiven(std::span<const uint64_t> rows, uint64_t key, const std::vector<const BatchColumn*>& given,
                       std::vector<BatchColumn>& out) const override {
    if (given_.empty()) return Sample(rows, key, nullptr, nullptr, out);
    if (given.size() != given_.size()) {
      throw std::logic_error("SampleRowsGiven: " + std::to_string(given.size()) + " given columns for a sampler of " +
                             std::to_string(given_.size()));
    }
    const size_t n = rows.size(), k = given_.size();
    std::vector<double> values(n * k, 0);
    std::vector<uint8_t> states(n * k, kGivenValue);
    size_t label = 0;
    std::string text;
    for (size_t j = 0; j < k; ++j) {
      const ModelColumn& c = columns_[given_[j]];
      const BatchColumn& in = *given[j];
      const CategoryIndex* labels = c.type == DataType::kCategorical ? &given_labels_[label++] : nullptr;
      for (size_t i = 0; i < n; ++i) {
        uint8_t& state = states[i * k + j];
        if (in.IsNull(i)) {
          state = kGivenNull;
        } else if (!GivenValue(c, labels, in, i, text, &values[i * k + j])) {
          state = kGivenFree;
        }
      }
    }
    Sample(rows, key, values.data(), states.data(), out);
  }

 private:
  // Row i's value of a given column in number form; false when the model
  // cannot hold it (an unknown category, text that is no value of it).
  static bool GivenValue(const ModelColumn& c, const CategoryIndex* labels, const BatchColumn& in, size_t i,
                         std::string& text, double* value) {
    if (labels) {
      text.clear();
      in.AppendText(i, text);
      const int index = labels->Find(text);
      *value = index;
      return index >= 0;
    }
    switch (in.kind) {
      case ValueKind::kInt:
      case ValueKind::kBool:
        *value = static_cast<double>(in.ints[i]);
        break;
      case ValueKind::kDecimal: *value = static_cast<double>(in.ints[i]) / std::pow(10.0, in.scale); break;
      case ValueKind::kFloat: *value = in.floats[i]; break;
      case ValueKind::kDate:
        *value = c.type == DataType::kTimestamp ? static_cast<double>(in.ints[i]) * 86400e6
                                                : static_cast<double>(in.ints[i]);
        break;
      case ValueKind::kTimestamp:
        *value = c.type == DataType::kDate ? std::floor(static_cast<double>(in.ints[i]) / 86400e6)
                                           : static_cast<double>(in.ints[i]);
        break;
      default:
        text.clear();
        in.AppendText(i, text);
        return ValueFromText(c, text, value);
    }
    return std::isfinite(*value);
  }

  // `given` and `states`: rows x given_ (null without given columns).
  void Sample(std::span<const uint64_t> rows, uint64_t key, const double* given, const uint8_t* states,
              std::vector<BatchColumn>& out) const {
    const size_t n = rows.size(), d = columns_.size(), k = given ? given_.size() : 0;
    std::vector<RandomStream> streams;
    streams.reserve(n);
    for (uint64_t r : rows) streams.emplace_back(key, r);
    std::vector<double> values(n * d);
    std::vector<uint8_t> nulls(n * d);

    std::vector<uint32_t> pending(n);
    for (size_t i = 0; i < n; ++i) pending[i] = static_cast<uint32_t>(i);
    std::vector<uint32_t> next;
    std::vector<RandomStream> draw_streams;
    std::vector<double> draw_values, draw_given;
    std::vector<uint8_t> draw_nulls, draw_states;
    const bool check_conditions = !drawer_->ConditionsExact();
    for (int attempt = 0; attempt < max_tries_ && !pending.empty(); ++attempt) {
      const size_t m = pending.size();
      draw_streams.clear();
      for (uint32_t i : pending) draw_streams.push_back(streams[i]);
      draw_values.resize(m * d);
      draw_nulls.resize(m * d);
      if (k == 0) {
        drawer_->Draw(m, draw_streams.data(), draw_values.data(), draw_nulls.data());
      } else {
        draw_given.resize(m * k);
        draw_states.resize(m * k);
        for (size_t j = 0; j < m; ++j) {
          std::copy_n(given + pending[j] * k, k, &draw_given[j * k]);
          std::copy_n(states + pending[j] * k, k, &draw_states[j * k]);
        }
        drawer_->DrawGiven(m, draw_streams.data(), draw_given.data(), draw_states.data(), draw_values.data(),
                           draw_nulls.data());
      }
      next.clear();
      const bool last = attempt + 1 == max_tries_;
      for (size_t j = 0; j < m; ++j) {
        const uint32_t i = pending[j];
        streams[i] = draw_streams[j];
        double* v = &draw_values[j * d];
        uint8_t* nl = &draw_nulls[j * d];
        for (size_t c = 0; c < d; ++c) {
          if (!nl[c]) v[c] = FinishValue(columns_[c], v[c]);
        }
        bool ok = !check_conditions || ConditionsHold(v, nl);
        if (k > 0) ok = ok && (!check_conditions || GivenHolds(&draw_given[j * k], &draw_states[j * k], v, nl));
        Impose(v, nl);
        if (k > 0) ImposeGiven(&draw_given[j * k], &draw_states[j * k], v, nl);
        ok = ok && ConstraintsHold(v, nl);
        if (ok || last) {
          std::copy(v, v + d, &values[i * d]);
          std::copy(nl, nl + d, &nulls[i * d]);
        }
        if (!ok) next.push_back(i);
      }
      pending.swap(next);
    }
    for (uint32_t i : pending) Repair(&values[i * d], &nulls[i * d]);

    out.resize(d);
    for (size_t c = 0; c < d; ++c) {
      BatchColumn& col = out[c];
      const bool as_written = dates_as_written_ && (columns_[c].type == DataType::kDate ||
                                                    columns_[c].type == DataType::kTimestamp);
      col.kind = as_written ? ValueKind::kText : columns_[c].kind();
      col.scale = 0;
      col.nulls.clear();
      col.Resize(n);
      for (size_t i = 0; i < n; ++i) {
        if (nulls[i * d + c]) {
          col.SetNull(i);
        } else if (as_written) {
          StoreDateAsWritten(columns_[c], values[i * d + c], col, i);
        } else {
          StoreValue(columns_[c], values[i * d + c], col, i);
        }
      }
    }
  }

  // A row's given values that a drawer can meet by chance, as
  // ConditionsHold: categories, booleans, NULLs.
  bool GivenHolds(const double* given, const uint8_t* states, const double* v, const uint8_t* nl) const {
    for (size_t j = 0; j < given_.size(); ++j) {
      const int c = given_[j];
      if (states[j] == kGivenFree) continue;
      if ((states[j] == kGivenNull) != (nl[c] != 0)) return false;
      if (states[j] == kGivenValue && !IsOrdered(columns_[c].type) && v[c] != given[j]) return false;
    }
    return true;
  }

  void ImposeGiven(const double* given, const uint8_t* states, double* v, uint8_t* nl) const {
    for (size_t j = 0; j < given_.size(); ++j) {
      if (states[j] == kGivenFree) continue;
      const int c = given_[j];
      nl[c] = states[j] == kGivenNull;
      v[c] = nl[c] ? 0 : given[j];
    }
  }

  // Conditions a drawer can meet by chance: categories, booleans, NULLs.
  // Continuous conditions are imposed without being checked.
  bool ConditionsHold(const double* v, const uint8_t* nl) const {
    for (const FixedValue& f : fixed_) {
      if (f.null != (nl[f.column] != 0)) return false;
      if (!f.null && !IsOrdered(columns_[f.column].type) && v[f.column] != f.value) return false;
    }
    return true;
  }

  void Impose(double* v, uint8_t* nl) const {
    for (const FixedValue& f : fixed_) {
      nl[f.column] = f.null;
      v[f.column] = f.null ? 0 : f.value;
    }
  }

  bool ConstraintsHold(const double* v, const uint8_t* nl) const {
    for (const BoundConstraint& k : constraints_) {
      if (!HoldsIn(k, v, nl)) return false;
    }
    return true;
  }

  static bool HoldsIn(const BoundConstraint& k, const double* v, const uint8_t* nl) {
    if (k.op == Constraint::Op::kNotNull) return !nl[k.column];
    if (nl[k.column]) return true;
    if (k.other >= 0 && nl[k.other]) return true;
    return Holds(k.op, v[k.column], k.other >= 0 ? v[k.other] : k.value);
  }

  // Moves values to the nearest allowed ones, never touching a fixed column.
  // A NULL where none is allowed becomes the value the drawer drew under it
  // (drawers fill values under NULLs too: the model's value for the row had
  // it not been NULL). A few passes settle chains such as a <= b <= c.
  void Repair(double* v, uint8_t* nl) const {
    for (const BoundConstraint& k : constraints_) {
      if (k.op != Constraint::Op::kNotNull || !nl[k.column]) continue;
      nl[k.column] = 0;
      v[k.column] = FinishValue(columns_[k.column], v[k.column]);
    }
    for (int pass = 0; pass < 4; ++pass) {
      bool changed = false;
      for (const BoundConstraint& k : constraints_) {
        if (k.op == Constraint::Op::kNotNull || HoldsIn(k, v, nl)) continue;
        const double bound = k.other >= 0 ? v[k.other] : k.value;
        if (!is_fixed_[k.column]) {
          v[k.column] = NearestAllowed(columns_[k.column], k.op, bound);
        } else if (k.other >= 0 && !is_fixed_[k.other]) {
          v[k.other] = NearestAllowed(columns_[k.other], Mirror(k.op), v[k.column]);
        }
        changed = true;
      }
      if (!changed) return;
    }
  }

  std::vector<ModelColumn> columns_;
  std::unique_ptr<RowDrawer> drawer_;
  std::vector<FixedValue> fixed_;
  std::vector<BoundConstraint> constraints_;
  std::vector<uint8_t> is_fixed_;
  std::vector<int> given_;                  // SampleSpec::given's columns
  std::vector<CategoryIndex> given_labels_;  // per categorical given column, in order
  int max_tries_;
  bool dates_as_written_;  // SampleSpec::dates_as_written
};

}  // namespace

std::vector<FixedValue> ResolveConditions(const std::vector<ModelColumn>& columns,
                                          const std::vector<Condition>& conditions) {
  std::vector<FixedValue> out;
  for (const Condition& cond : conditions) {
    FixedValue f;
    f.column = FindColumn(columns, cond.column, "--where " + cond.column + "=" + cond.value);
    const ModelColumn& c = columns[f.column];
    if (cond.value.empty()) {
      f.null = true;
    } else if (!ValueFromText(c, cond.value, &f.value)) {
      std::string hint;
      if (c.type == DataType::kCategorical) {
        for (size_t i = 0; i < c.categories.size() && i < 10; ++i) hint += (i ? ", " : "") + c.categories[i];
        if (c.categories.size() > 10) hint += ", ...";
        hint = " (known values: " + hint + ")";
      }
      throw UsageError("--where " + cond.column + "=" + cond.value + ": '" + cond.value + "' is not a value of " +
                       std::string(DataTypeName(c.type)) + " column '" + c.name + "'" + hint);
    }
    out.erase(std::remove_if(out.begin(), out.end(), [&](const FixedValue& o) { return o.column == f.column; }),
              out.end());
    out.push_back(f);
  }
  return out;
}

std::vector<BoundConstraint> ResolveConstraints(const std::vector<ModelColumn>& columns,
                                                const std::vector<Constraint>& constraints) {
  std::vector<BoundConstraint> out;
  for (const Constraint& k : constraints) {
    BoundConstraint b;
    b.text = k.text;
    b.op = k.op;
    b.column = FindColumn(columns, k.column, "constraint '" + k.text + "'");
    const ModelColumn& c = columns[b.column];
    if (k.op == Constraint::Op::kNotNull) {
      out.push_back(b);
      continue;
    }
    if (!IsOrdered(c.type)) {
      throw UsageError("constraint '" + k.text + "': column '" + c.name + "' is " +
                       std::string(DataTypeName(c.type)) + ", not ordered");
    }
    if (!k.other.empty()) {
      b.other = FindColumn(columns, k.other, "constraint '" + k.text + "'");
      const ModelColumn& o = columns[b.other];
      const bool same = o.type == c.type || (IsOrdered(o.type) && c.type != DataType::kDate &&
                                             c.type != DataType::kTimestamp && o.type != DataType::kDate &&
                                             o.type != DataType::kTimestamp);
      if (!same) {
        throw UsageError("constraint '" + k.text + "' compares " + std::string(DataTypeName(c.type)) + " '" +
                         c.name + "' with " + std::string(DataTypeName(o.type)) + " '" + o.name + "'");
      }
    } else if (!ValueFromText(c, k.value, &b.value)) {
      throw UsageError("constraint '" + k.text + "': '" + k.value + "' is not a value of " +
                       std::string(DataTypeName(c.type)) + " column '" + c.name + "'");
    }
    out.push_back(b);
  }
  return out;
}

std::vector<int> ResolveGiven(const std::vector<ModelColumn>& columns, const std::vector<std::string>& given) {
  std::vector<int> out;
  for (const std::string& name : given) out.push_back(FindColumn(columns, name, "'given' column '" + name + "'"));
  return out;
}

std::unique_ptr<RowSampler> MakeRowSampler(const std::vector<ModelColumn>& columns,
                                           std::unique_ptr<RowDrawer> drawer, std::vector<FixedValue> fixed,
                                           std::vector<BoundConstraint> constraints, const SampleSpec& spec,
                                           std::vector<int> given) {
  // Not enforced: the drawer was steered by the conditions; the sampler
  // keeps each row as drawn.
  if (!spec.enforce_conditions) fixed.clear();
  for (const BoundConstraint& k : constraints) {
    for (const FixedValue& f : fixed) {
      if (f.column == k.column && k.op == Constraint::Op::kNotNull && f.null) {
        throw UsageError("--where " + columns[f.column].name + "= (NULL) contradicts the constraint '" + k.text + "'");
      }
      if (f.column == k.column && k.other < 0 && !f.null && !Holds(k.op, f.value, k.value)) {
        throw UsageError("--where " + columns[f.column].name + " contradicts the constraint '" + k.text + "'");
      }
    }
  }
  if (given.empty()) given = ResolveGiven(columns, spec.given);
  return std::make_unique<ConstrainedSampler>(columns, std::move(drawer), std::move(fixed), std::move(constraints),
                                              spec.max_tries, spec.dates_as_written, std::move(given));
}

}  // namespace internal
}  // namespace seedforge
