// Named rows (`scenarios:`; docs/domain-files.md, "Named rows"): where they
// sit among their entity's rows, the values stored over what the steps
// made, the parents they name, the remaps that keep unique columns unique,
// and the plan's check of named values against the generated rows their
// rules read.
//
// A named row's place depends only on the file and on the child counts of
// the parents before its parent (each a function of the parent's row), so
// the same label is the same row, and its sequence or uuid key the same
// value, in every run and at any --scale; --rows leaves the places of named
// rows unscaled (LinkStep::fixed_drawn).
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "generate/engine.h"

namespace seedforge {

thread_local bool Generator::Impl::named_off = false;
thread_local std::vector<Diagnostic>* Generator::Impl::named_conflicts = nullptr;

namespace {

// A named value's text and number keys, as the remaps look them up.
bool IsTextKind(ValueKind kind) { return kind == ValueKind::kText || kind == ValueKind::kUuid; }

int64_t NumberKey(const NamedCell& cell, ValueKind kind) {
  if (kind != ValueKind::kFloat) return cell.integer;
  int64_t bits;
  std::memcpy(&bits, &cell.real, sizeof bits);
  return bits;
}

std::string CellText(const NamedCell& cell, ValueKind kind, int scale) {
  if (cell.null) return "NULL";
  BatchColumn column;
  column.kind = kind;
  column.scale = scale;
  column.Resize(1);
  cell.Store(column, 0);
  return column.Text(0);
}

}  // namespace

uint64_t Generator::Impl::MinChildren(const LinkStep& link, uint64_t parent_row) const {
  auto it = std::lower_bound(link.min_children.begin(), link.min_children.end(),
                             std::pair<uint64_t, uint64_t>{parent_row, 0});
  return it != link.min_children.end() && it->first == parent_row ? it->second : 0;
}

void Generator::Impl::CountNamedRows() {
  // Named rows count toward their entity's rows; an entity planned with
  // fewer rows than it has named ones grows to hold them, unless --rows
  // asked for that fewer exactly.
  named_counts.assign(domain.entities.size(), 0);
  named_first_row.assign(domain.named_rows.size(), 0);
  named.assign(domain.entities.size(), {});
  for (const NamedRow& row : domain.named_rows) named_counts[row.entity_index] += row.count;
  for (size_t e = 0; e < domain.entities.size(); ++e) {
    if (plans[e].grouped_link >= 0 || named_counts[e] <= plans[e].rows) continue;
    if (asked_rows[e]) {
      throw UsageError("--rows " + domain.entities[e].name + "=" + std::to_string(*asked_rows[e]) + ": '" +
                       domain.entities[e].name + "' has " + std::to_string(named_counts[e]) +
                       " named rows (scenarios), and named rows count toward its rows");
    }
    plans[e].rows = named_counts[e];
  }
}

void Generator::Impl::SetNamedFloors(int e) {
  // A parent with named children has at least that many (validation
  // checked the per_parent maximum).
  const int counting = plans[e].grouped_link;
  LinkStep& link = states[e].links[counting];
  std::map<uint64_t, uint64_t> floors;
  for (const NamedRow& row : domain.named_rows) {
    if (row.entity_index != e) continue;
    for (const NamedValue& v : row.values) {
      if (v.link == counting && v.parent_row >= 0) floors[named_first_row[v.parent_row]] += row.count;
    }
  }
  link.min_children.assign(floors.begin(), floors.end());
}

void Generator::Impl::PlaceNamedRows(int e) {
  NamedEntity& out = named[e];
  out.named_column.assign(domain.entities[e].columns.size(), false);
  std::vector<std::pair<uint64_t, int>> placed;  // (row, NamedRow), one per row
  const int counting = plans[e].grouped_link;
  uint64_t next = 0;
  std::map<uint64_t, uint64_t> used;  // parent row -> its named children placed
  std::optional<ChildGroups> groups;
  if (counting >= 0) groups.emplace(*this, states[e].links[counting]);
  for (size_t r = 0; r < domain.named_rows.size(); ++r) {
    const NamedRow& row = domain.named_rows[r];
    if (row.entity_index != e) continue;
    uint64_t first = next;
    if (counting >= 0) {
      // Among its parent's children, after the named ones before it.
      uint64_t parent = 0;
      for (const NamedValue& v : row.values) {
        if (v.link == counting) parent = named_first_row[v.parent_row];
      }
      groups->SeekParent(parent);
      first = groups->first + used[parent];
      used[parent] += row.count;
    } else {
      next += row.count;
    }
    named_first_row[r] = first;
    for (uint64_t k = 0; k < row.count; ++k) placed.emplace_back(first + k, static_cast<int>(r));
  }
  std::sort(placed.begin(), placed.end());
  for (const auto& [row, source] : placed) {
    out.rows.push_back(row);
    out.source.push_back(source);
    std::vector<NamedEntity::Named> cells;
    for (const NamedValue& v : domain.named_rows[source].values) {
      NamedEntity::Named named_cell;
      named_cell.column = v.column_index;
      named_cell.value = &v;
      if (v.link < 0) {
        NamedCell cell;
        cell.null = !v.text;
        if (v.text) {
          const std::string problem =
              ReadNamedCell(*v.text, kinds[e][v.column_index], scales[e][v.column_index], options.today, &cell);
          if (!problem.empty()) {
            throw InputError(v.where, "'" + domain.entities[e].name + "." + v.column + "' holds values of kind " +
                                          std::string(ValueKindName(kinds[e][v.column_index])) + ", and " + problem);
          }
        }
        named_cell.cell = cell;
      }
      out.named_column[v.column_index] = true;
      cells.push_back(std::move(named_cell));
    }
    out.cells.push_back(std::move(cells));
  }
}

bool Generator::Impl::IsNamedCell(int e, uint64_t row, int column) const {
  const NamedEntity& ne = named[e];
  if (!ne.named_column[column]) return false;
  const int k = ne.Find(row);
  if (k < 0) return false;
  for (const NamedEntity::Named& n : ne.cells[k]) {
    if (n.column == column) return true;
  }
  return false;
}

void Generator::Impl::StoreNamed(int e, const Step& step, std::span<const uint64_t> rows,
                                 std::vector<BatchColumn>& columns) const {
  const NamedEntity& ne = named[e];
  bool stores = false, remaps = false;
  for (int c : step.columns) {
    stores = stores || ne.named_column[c];
    remaps = remaps || ne.remaps.count(c) != 0;
  }
  if (!stores && !remaps) return;
  // Another row (or a named row that does not name the column) drew a
  // value a named row takes: it gets the value the named row would have
  // drawn, which no other row draws.
  auto remap_cell = [&](int c, size_t i) {
    auto found = ne.remaps.find(c);
    if (found == ne.remaps.end() || columns[c].IsNull(i)) return;
    BatchColumn& column = columns[c];
    const NamedEntity::Remap& remap = found->second;
    if (IsTextKind(column.kind)) {
      auto it = remap.texts.find(column.texts[i]);
      if (it != remap.texts.end()) it->second.Store(column, i);
    } else {
      auto it = remap.numbers.find(NumberKey(NamedCell::Of(column, i), column.kind));
      if (it != remap.numbers.end()) it->second.Store(column, i);
    }
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const int k = ne.Find(rows[i]);
    if (k < 0) {
      if (remaps) {
        for (int c : step.columns) remap_cell(c, i);
      }
      continue;
    }
    for (int c : step.columns) {
      const NamedEntity::Named* n = nullptr;
      for (const NamedEntity::Named& candidate : ne.cells[k]) {
        if (candidate.column == c) n = &candidate;
      }
      if (!n || named_off) {
        remap_cell(c, i);
        continue;
      }
      BatchColumn& column = columns[c];
      if (step.kind == Step::Kind::kRule && named_conflicts) ReportConflict(e, k, *n, column, i);
      if (n->cell) n->cell->Store(column, i);
    }
  }
}

void Generator::Impl::CheckNamedWindows(int e, const RuleStep& rule, std::span<const uint64_t> rows,
                                        const BatchParents& batch_parents) const {
  const DomainEntity& def = domain.entities[e];
  const DomainColumn& column = def.columns[rule.column];
  const size_t index = static_cast<size_t>(&rule - states[e].rules.data());
  if (!column.not_null || index >= batch_parents.rule_windows.size()) return;
  const auto& [low, high] = batch_parents.rule_windows[index];
  for (size_t i = 0; i < rows.size() && i < low.size(); ++i) {
    const int k = named[e].Find(rows[i]);
    if (k < 0 || low[i] <= high[i]) continue;
    const NamedRow& row = domain.named_rows[named[e].source[k]];
    std::string rules;
    for (const DateRule& r : column.rules) rules += (rules.empty() ? "" : ", ") + r.key + " " + r.Shown();
    named_conflicts->push_back(
        {row.where, "named row of scenario '" + row.scenario + "': its rules (" + rules + ") leave '" + def.name +
                        "." + column.name + "' no room, given the rows they read; name dates that leave it room, or "
                        "another parent"});
  }
}

void Generator::Impl::ReportConflict(int e, int k, const NamedEntity::Named& n, const BatchColumn& column,
                                     size_t i) const {
  // A rule moved a named value, or dropped a named link: the rows the rule
  // reads (generated) leave the value no room.
  const bool moved = n.cell ? !(n.cell->null ? column.IsNull(i) : n.cell->Equals(column, i)) : column.IsNull(i);
  if (!moved) return;
  const DomainEntity& def = domain.entities[e];
  const DomainColumn& col = def.columns[n.column];
  std::string rules;
  for (const DomainColumn& c : def.columns) {
    if (n.cell && &c != &col) continue;
    for (const DateRule& r : c.rules) rules += (rules.empty() ? "" : ", ") + r.key + " " + r.Shown();
  }
  for (const RuleStep& rule : states[e].rules) {
    if (rule.column == n.column && rule.binding && n.cell) rules += ", inside the simulation window it is drawn in";
  }
  std::string message = "named row of scenario '" + domain.named_rows[named[e].source[k]].scenario + "': '" +
                        def.name + "." + col.name + "' ";
  if (n.cell) {
    message += "(" + CellText(*n.cell, column.kind, column.scale) + ") breaks its rules (" + rules +
               ") against the generated rows they read, which would make it " +
               (column.IsNull(i) ? std::string("NULL") : column.Text(i));
  } else {
    message += "names a parent that the rules of its date columns (" + rules + ") drop for the generated dates";
  }
  named_conflicts->push_back({n.value->where, message + "; name the columns the rules read too, or choose a "
                                                        "value inside them"});
}

void Generator::Impl::FinishNamedRows() {
  const size_t n = domain.entities.size();
  // Links that do not group: the named parent, by child row.
  for (size_t e = 0; e < n; ++e) {
    for (LinkStep& link : states[e].links) link.named_parents.clear();
  }
  for (size_t r = 0; r < domain.named_rows.size(); ++r) {
    const NamedRow& row = domain.named_rows[r];
    const int e = row.entity_index;
    for (const NamedValue& v : row.values) {
      if (v.link < 0 || v.link == plans[e].grouped_link) continue;
      const uint64_t parent = v.parent_row >= 0 ? named_first_row[v.parent_row] : LinkStep::kNoParent;
      for (uint64_t k = 0; k < row.count; ++k) {
        states[e].links[v.link].named_parents.emplace_back(named_first_row[r] + k, parent);
      }
    }
  }
  for (size_t e = 0; e < n; ++e) {
    for (LinkStep& link : states[e].links) std::sort(link.named_parents.begin(), link.named_parents.end());
  }
  // Remaps of unique columns: the values the named rows take (V) and would
  // have drawn (D). Other rows draw no value of D (the column is unique),
  // so the few that draw one of V \ D take one of D \ V instead, in order.
  for (size_t e = 0; e < n; ++e) {
    NamedEntity& ne = named[e];
    if (ne.rows.empty()) continue;
    const DomainEntity& def = domain.entities[e];
    std::vector<int> unique;
    for (size_t c = 0; c < def.columns.size(); ++c) {
      if ((def.columns[c].unique || def.columns[c].primary_key) && ne.named_column[c]) unique.push_back(static_cast<int>(c));
    }
    if (unique.empty()) continue;
    // Tables made once per run (picks) are made now, with the named values,
    // not on first use inside the pass that leaves them out.
    for (const EntityState& state : states) {
      for (const LinkStep& link : state.links) {
        if (link.pick) (void)PickTableOf(link);
      }
    }
    std::vector<BatchColumn> natural;
    std::vector<uint32_t> index;
    named_off = true;
    try {
      Regenerate(static_cast<int>(e), ne.rows, StepsMaking(static_cast<int>(e), unique), natural, index);
    } catch (...) {
      named_off = false;
      throw;
    }
    named_off = false;
    for (int c : unique) {
      const ValueKind kind = kinds[e][c];
      std::vector<NamedCell> taken, drawn;
      for (size_t k = 0; k < ne.rows.size(); ++k) {
        for (const NamedEntity::Named& named_cell : ne.cells[k]) {
          if (named_cell.column != c || !named_cell.cell || named_cell.cell->null) continue;
          taken.push_back(*named_cell.cell);
          drawn.push_back(NamedCell::Of(natural[c], index[k]));
        }
      }
      auto key = [&](const NamedCell& cell) {
        return IsTextKind(kind) ? cell.text : std::to_string(NumberKey(cell, kind));
      };
      std::set<std::string> taken_keys, drawn_keys;
      for (const NamedCell& cell : taken) taken_keys.insert(key(cell));
      for (const NamedCell& cell : drawn) {
        if (!cell.null) drawn_keys.insert(key(cell));
      }
      std::vector<NamedCell> free;
      for (const NamedCell& cell : drawn) {
        if (!cell.null && !taken_keys.count(key(cell))) free.push_back(cell);
      }
      NamedEntity::Remap remap;
      size_t next = 0;
      for (const NamedCell& cell : taken) {
        if (drawn_keys.count(key(cell))) continue;
        if (next >= free.size()) break;  // NULLs drawn: nothing to give back (the column is nullable)
        if (IsTextKind(kind)) {
          remap.texts.emplace(cell.text, free[next++]);
        } else {
          remap.numbers.emplace(NumberKey(cell, kind), free[next++]);
        }
      }
      if (!remap.texts.empty() || !remap.numbers.empty()) ne.remaps.emplace(c, std::move(remap));
    }
  }
  // Counts that the passes above cached with named values left out are
  // not read again.
  NewRun();
  // The named rows made whole: a value a rule would move (its bound is
  // generated) is a conflict the file has to settle.
  std::vector<Diagnostic> conflicts;
  named_conflicts = &conflicts;
  try {
    for (size_t e = 0; e < n; ++e) {
      if (named[e].rows.empty()) continue;
      std::vector<BatchColumn> columns(domain.entities[e].columns.size());
      Fill(static_cast<int>(e), named[e].rows, states[e].all_steps, columns);
    }
  } catch (...) {
    named_conflicts = nullptr;
    throw;
  }
  named_conflicts = nullptr;
  if (conflicts.empty()) return;
  std::sort(conflicts.begin(), conflicts.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.line, a.where.column, a.message) < std::tie(b.where.line, b.where.column, b.message);
  });
  conflicts.erase(std::unique(conflicts.begin(), conflicts.end(),
                              [](const Diagnostic& a, const Diagnostic& b) {
                                // `count: n` rows: one message for the value
                                return a.where.line == b.where.line && a.where.column == b.where.column;
                              }),
                  conflicts.end());
  throw InputError(std::move(conflicts));
}

std::vector<RowLabel> Generator::Labels(int entity) const {
  std::vector<RowLabel> labels;
  const Domain& domain = impl_->domain;
  for (size_t r = 0; r < domain.named_rows.size(); ++r) {
    const NamedRow& row = domain.named_rows[r];
    if (row.entity_index != entity || row.label.empty()) continue;
    labels.push_back({row.label, row.scenario, impl_->named_first_row[r]});
  }
  return labels;
}

}  // namespace seedforge
