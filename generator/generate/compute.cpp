// Conditional values: `compute:` columns (an expression of the row's other
// columns, generator/domain/expression.h) and `copy:` columns (a parent's
// column, read through the row's links and regenerated from its key, as
// rules read bounds). See docs/domain-files.md, "Conditional values".
#include <algorithm>
#include <cmath>

#include "generate/engine.h"
#include "seedforge/calendar.h"
#include "seedforge/random.h"

namespace seedforge {

void Generator::Impl::PlanComputed(int e) {
  const DomainEntity& def = domain.entities[e];
  EntityState& state = states[e];
  for (size_t c = 0; c < def.columns.size(); ++c) {
    const DomainColumn& col = def.columns[c];
    if (col.source == ColumnSource::kComputed) {
      ComputeStep step;
      step.column = static_cast<int>(c);
      step.expression = col.expression;  // parsed with the file: validated
      for (const std::string& name : step.expression->Columns()) step.inputs.push_back(def.FindColumn(name));
      step.key = DeriveKey(options.seed, def.name, "compute:" + col.name);
      state.computed.push_back(std::move(step));
      state.column_step[c] = static_cast<int>(state.steps.size());
      state.steps.push_back({Step::Kind::kComputed, static_cast<int>(state.computed.size()) - 1,
                             {static_cast<int>(c)}, {}});
    } else if (col.source == ColumnSource::kCopied) {
      CopyStep step;
      step.column = static_cast<int>(c);
      step.source.path = col.copy.path;
      step.source.target = col.copy.target_entity;
      step.target_column = col.copy.target_column;
      state.copies.push_back(std::move(step));
      state.column_step[c] = static_cast<int>(state.steps.size());
      state.steps.push_back({Step::Kind::kCopied, static_cast<int>(state.copies.size()) - 1,
                             {static_cast<int>(c)}, {}});
    }
  }
}

void Generator::Impl::PlanCopies(int e) {
  for (CopyStep& copy : states[e].copies) PlanSource(e, copy.source, {copy.target_column});
}

namespace {

// Row i of `column` as an expression sees it.
Expression::Value ValueAt(const BatchColumn& column, size_t i) {
  Expression::Value v;
  if (column.IsNull(i)) return v;
  v.type = ExpressionTypeOf(column.kind);
  switch (column.kind) {
    case ValueKind::kDecimal: v.number = static_cast<double>(column.ints[i]) / Pow10(column.scale); break;
    case ValueKind::kFloat: v.number = column.floats[i]; break;
    case ValueKind::kInt:
    case ValueKind::kBool: v.number = static_cast<double>(column.ints[i]); break;
    case ValueKind::kDate:
    case ValueKind::kTimestamp: v.instant = column.ints[i]; break;
    case ValueKind::kText:
    case ValueKind::kUuid: v.text = column.texts[i]; break;
  }
  return v;
}

// Stores `v` (of the type validation checked) as row i of `out`.
void Store(const Expression::Value& v, BatchColumn& out, size_t i) {
  using T = Expression::Type;
  if (v.type == T::kNull) {
    out.SetNull(i);
    return;
  }
  // Past int64 a number has no stored form: NULL, as a division by zero.
  constexpr double kLimit = 9.2e18;
  switch (out.kind) {
    case ValueKind::kInt:
    case ValueKind::kDecimal: {
      const double scaled = v.number * Pow10(out.kind == ValueKind::kDecimal ? out.scale : 0);
      if (!(std::fabs(scaled) < kLimit)) {
        out.SetNull(i);
      } else {
        out.ints[i] = std::llround(scaled);
      }
      break;
    }
    case ValueKind::kFloat: out.floats[i] = v.number; break;
    case ValueKind::kBool: out.ints[i] = v.number != 0; break;
    case ValueKind::kDate:
      out.ints[i] = v.type == T::kTimestamp ? FloorDiv(v.instant, kMicrosPerDay) : v.instant;
      break;
    case ValueKind::kTimestamp:
      out.ints[i] = v.type == T::kDate ? v.instant * kMicrosPerDay : v.instant;
      break;
    case ValueKind::kText:
    case ValueKind::kUuid: out.texts[i].assign(v.text); break;
  }
}

// dst[i] = src[j], NULL included.
void CopyValue(const BatchColumn& src, size_t j, BatchColumn& dst, size_t i) {
  if (src.IsNull(j)) {
    dst.SetNull(i);
  } else if (src.kind == ValueKind::kFloat) {
    dst.floats[i] = src.floats[j];
  } else if (src.kind == ValueKind::kText || src.kind == ValueKind::kUuid) {
    dst.texts[i] = src.texts[j];
  } else {
    dst.ints[i] = src.ints[j];
  }
}

}  // namespace

void Generator::Impl::FillComputed(int e, const ComputeStep& step, std::span<const uint64_t> rows,
                                   std::vector<BatchColumn>& columns) const {
  BatchColumn& out = columns[step.column];
  PrepareColumn(out, kinds[e][step.column], scales[e][step.column], rows.size());
  std::vector<Expression::Value> inputs(step.inputs.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t k = 0; k < step.inputs.size(); ++k) inputs[k] = ValueAt(columns[step.inputs[k]], i);
    RandomStream random(step.key, rows[i]);
    Store(step.expression->Evaluate(inputs, random), out, i);
  }
}

void Generator::Impl::FillCopy(int e, const CopyStep& step, std::span<const uint64_t> rows,
                               BatchParents& batch_parents, std::vector<BatchColumn>& columns) const {
  std::vector<uint32_t> reached, index;
  std::vector<uint64_t> parents;
  std::vector<BatchColumn> parent_columns;
  RuleParents(step.source, rows, batch_parents, columns, reached, parents);
  Regenerate(step.source.target, parents, step.source.steps, parent_columns, index);
  BatchColumn& out = columns[step.column];
  PrepareColumn(out, kinds[e][step.column], scales[e][step.column], rows.size());
  // Rows whose chain meets a NULL link reach no parent: NULL.
  std::vector<uint8_t> seen(rows.size(), 0);
  const BatchColumn& source = parent_columns[step.target_column];
  for (size_t k = 0; k < reached.size(); ++k) {
    CopyValue(source, index[k], out, reached[k]);
    seen[reached[k]] = 1;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!seen[i]) out.SetNull(i);
  }
}

}  // namespace seedforge
