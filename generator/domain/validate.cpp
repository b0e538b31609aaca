// Step 3 of ParseDomain (steps.h): checks the rules a resolved domain must
// keep. Reads the domain and changes nothing; parts that did not resolve
// were reported by ResolveDomain and are skipped here.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "domain/derive.h"
#include "domain/expression.h"
#include "domain/steps.h"

namespace seedforge {
namespace {

// Which SQL types can hold a provider field's values.
bool KindFits(ValueKind kind, const SqlType& type) {
  using F = SqlType::Family;
  switch (kind) {
    case ValueKind::kInt: return type.IsInteger() || type.family == F::kNumeric ||
                                 type.family == F::kReal || type.family == F::kDouble || type.family == F::kMoney ||
                                 type.IsText();
    case ValueKind::kDecimal:
      return type.family == F::kNumeric || type.family == F::kReal || type.family == F::kDouble ||
             type.family == F::kMoney || type.IsText();
    case ValueKind::kFloat: return type.family == F::kReal || type.family == F::kDouble ||
                                   type.family == F::kNumeric;
    case ValueKind::kText: return type.IsText() || type.TakesText();
    case ValueKind::kBool: return type.family == F::kBoolean;
    case ValueKind::kDate: return type.family == F::kDate || type.family == F::kTimestamp ||
                                  type.family == F::kTimestampTz || type.IsText();
    case ValueKind::kTimestamp:
      return type.family == F::kTimestamp || type.family == F::kTimestampTz || type.IsText();
    case ValueKind::kUuid: return type.family == F::kUuid || type.IsText();
  }
  return false;
}

class Validator {
 public:
  Validator(const ProviderRegistry& registry, std::vector<Diagnostic>& diagnostics)
      : registry_(registry), diagnostics_(diagnostics) {}

  void Validate(const Domain& domain) {
    window_ = domain.time ? &*domain.time : nullptr;
    for (const DomainEntity& entity : domain.entities) ValidateProviders(entity);
    for (const DomainEntity& entity : domain.entities) ValidateLinks(domain, entity);
    for (const DomainEntity& entity : domain.entities) ValidateColumnOrder(entity);
    for (const DomainEntity& entity : domain.entities) ValidateRules(domain, entity);
    for (const DomainEntity& entity : domain.entities) ValidateHistories(domain, entity);
    for (const DomainEntity& entity : domain.entities) ValidateConditional(domain, entity);
    ValidateCycles(domain);
    ValidateRuleCycles(domain);
    for (const DomainEntity& entity : domain.entities) ValidateAggregates(domain, entity);
    ValidateAggregateCycles(domain);
    for (const DomainEntity& entity : domain.entities) ValidateRates(domain, entity);
    for (const DomainEntity& entity : domain.entities) ValidatePicks(domain, entity);
    for (const DomainEntity& entity : domain.entities) ValidateGiven(entity);
  }

 private:
  void Add(const SourceLocation& where, std::string message) {
    diagnostics_.push_back({where, std::move(message)});
  }

  void ValidateProviders(const DomainEntity& entity);
  void ValidateLinks(const Domain& domain, const DomainEntity& entity);
  std::vector<std::vector<int>> RowReads(const DomainEntity& entity) const;
  void ValidateColumnOrder(const DomainEntity& entity);
  void ValidateAggregates(const Domain& domain, const DomainEntity& entity);
  void ValidateAggregateCycles(const Domain& domain);
  void ValidateCycles(const Domain& domain);
  void ValidateRules(const Domain& domain, const DomainEntity& entity);
  void ValidateRuleCycles(const Domain& domain);
  void ValidateHistories(const Domain& domain, const DomainEntity& entity);
  void ValidateSequence(const DomainEntity& entity, const DomainColumn& column);
  void ValidateRates(const Domain& domain, const DomainEntity& entity);
  void ValidatePicks(const Domain& domain, const DomainEntity& entity);
  void ValidateGiven(const DomainEntity& entity);
  void ValidateCountColumn(const Domain& domain, const DomainEntity& entity, const DomainLink& link);
  void ValidateConditional(const Domain& domain, const DomainEntity& entity);

  const ProviderRegistry& registry_;
  std::vector<Diagnostic>& diagnostics_;
  const DomainTime* window_ = nullptr;  // the domain's `time:`, if any
};

void Validator::ValidateProviders(const DomainEntity& entity) {
  // Columns sharing a provider instance, which is made once per group.
  std::map<std::pair<std::string, std::string>, std::vector<const DomainColumn*>> groups;
  for (const DomainColumn& column : entity.columns) {
    const std::string where = "column '" + entity.name + "." + column.name + "'";
    if (column.source == ColumnSource::kDerived) {
      if (!column.type.IsText()) Add(column.where, where + ": derived values are text; use a text type");
      std::string error;
      for (const std::string& ref : DeriveTemplate::References(column.derive, &error)) {
        if (entity.FindColumn(ref) < 0) {
          Add(column.where, where + ": derive names unknown column '" + ref + "'");
        }
      }
      if (!error.empty()) Add(column.where, where + ": " + error);
      if (column.unique) Add(column.where, where + ": a derived column cannot be unique by construction");
      continue;
    }
    if (column.source != ColumnSource::kProvider) continue;
    const ProviderSpec* spec = registry_.Find(column.provider);
    const FieldSpec* field = spec ? spec->FindField(column.field) : nullptr;
    if (!field) continue;  // reported by ResolveDomain
    if (!KindFits(field->kind, column.type)) {
      Add(column.where, where + ": provider '" + spec->name + "." + field->name + "' makes " +
                            std::string(ValueKindName(field->kind)) + " values, which a " +
                            column.type.ToSql() + " column cannot hold");
    } else if (column.type.length > 0 && field->max_length > column.type.length) {
      Add(column.where, where + ": provider '" + spec->name + "." + field->name +
                            "' makes values up to " + std::to_string(field->max_length) +
                            " characters, longer than " + column.type.ToSql());
    }
    groups[{spec->name, column.group}].push_back(&column);
  }
  for (const auto& [key, columns] : groups) {
    std::set<std::string> fields;
    for (const DomainColumn* column : columns) {
      if (!fields.insert(column->field).second) {
        Add(column->where, "column '" + entity.name + "." + column->name + "': field '" +
                               column->field + "' of provider '" + key.first +
                               "' is already used in this entity; set 'group' to get an independent one");
      }
    }
    const ProviderSpec* spec = registry_.Find(key.first);
    try {
      // Parameters are checked against today's date; a run with --as-of
      // makes its providers again with its own date (Generator).
      ProviderContext ctx;
      ctx.today = std::chrono::duration_cast<std::chrono::hours>(
                      std::chrono::system_clock::now().time_since_epoch()).count() / 24;
      // Bounds left to the simulation window take it (a `to` before the
      // provider's default `from` is fine inside a 2023 window).
      if (window_) {
        std::optional<int64_t> from = ParseTimeBound(window_->from, ctx.today, false);
        std::optional<int64_t> to = ParseTimeBound(window_->to, ctx.today, true);
        if (from && to && *from <= *to) ctx.window = ProviderContext::Window{*from, *to};
      }
      // ResolveDomain gave every column of the group the same parameters.
      std::unique_ptr<Provider> provider = spec->make(columns.front()->params, ctx);
      for (const DomainColumn* column : columns) {
        // Lengths are checked in characters; values are ASCII or UTF-8
        // where a byte count over-estimates, which errs on the safe side.
        size_t longest = provider->MaxLength(spec->FieldIndex(column->field));
        if (longest > 0 && column->type.length > 0 && longest > static_cast<size_t>(column->type.length)) {
          Add(column->where, "column '" + entity.name + "." + column->name + "': provider '" + spec->name +
                                 "." + column->field + "' makes values up to " + std::to_string(longest) +
                                 " characters, longer than " + column->type.ToSql());
        }
        if (!(column->unique || column->primary_key)) continue;
        if (!provider->UniqueSpace(spec->FieldIndex(column->field))) {
          Add(column->where, "column '" + entity.name + "." + column->name + "' is unique, but provider '" +
                                 spec->name + "." + column->field + "' cannot make distinct values");
        }
      }
    } catch (const InputError& e) {
      for (Diagnostic d : e.diagnostics()) {
        d.message = "provider '" + spec->name + "': " + d.message;
        diagnostics_.push_back(std::move(d));
      }
    }
  }
}

void Validator::ValidateLinks(const Domain& domain, const DomainEntity& entity) {
  for (const DomainColumn& column : entity.columns) {
    // An ordinal that did not resolve has no link (ResolveDomain reported it).
    if (column.source == ColumnSource::kOrdinal && column.link >= 0 && column.type_given &&
        !column.type.IsInteger()) {
      Add(column.where, "an ordinal column must have an integer type");
    }
  }
  int counting = 0;
  for (const DomainLink& link : entity.links) {
    // Links that did not resolve were reported by ResolveDomain.
    const int p = domain.FindEntity(link.parent);
    if (p < 0 || link.parent_columns.empty() || link.parent_columns.size() != link.columns.size()) continue;
    const DomainEntity& parent = domain.entities[p];
    bool key_ok = true;
    for (size_t i = 0; i < link.parent_columns.size(); ++i) {
      int pc = parent.FindColumn(link.parent_columns[i]);
      if (pc < 0) {
        key_ok = false;
        continue;
      }
      const DomainColumn& target = parent.columns[pc];
      const DomainColumn& child = entity.columns[entity.FindColumn(link.columns[i])];
      if (target.hidden || child.hidden) {
        Add(link.where, "link from '" + entity.name + "' uses hidden column '" +
                            (target.hidden ? parent.name + "." + target.name : entity.name + "." + child.name) +
                            "'; hidden columns are not in the database, so no key can use them");
      }
      if (child.type.IsInteger() != target.type.IsInteger() || child.type.IsText() != target.type.IsText()) {
        Add(link.where, "column '" + entity.name + "." + child.name + "' (" + child.type.ToSql() +
                            ") cannot reference '" + parent.name + "." + target.name + "' (" +
                            target.type.ToSql() + ")");
      }
    }
    if (key_ok) {
      bool single_unique = link.parent_columns.size() == 1 &&
                           (parent.columns[parent.FindColumn(link.parent_columns[0])].unique);
      if (link.parent_columns != parent.PrimaryKey() && !single_unique) {
        Add(link.where, "a link must reference the primary key or a unique column of '" + parent.name + "'");
      }
    }
    if (link.per_parent) {
      if (link.parent == entity.name) {
        Add(link.where, "a self-reference cannot have 'per_parent'");
      } else if (++counting > 1) {
        Add(link.where, "'" + entity.name + "' has more than one link with 'per_parent'; "
                        "only one link can decide how many rows it has");
      }
    }
    if (link.parent == entity.name) {
      for (const std::string& c : link.columns) {
        if (entity.columns[entity.FindColumn(c)].not_null) {
          Add(link.where, "self-reference '" + entity.name + "." + c +
                              "' must be nullable: the first row has no earlier row to point to");
        }
      }
    }
  }
}

std::vector<std::vector<int>> Validator::RowReads(const DomainEntity& entity) const {
  // Per column, the columns of the same row it reads.
  const size_t n = entity.columns.size();
  std::vector<std::vector<int>> reads(n);
  std::map<std::pair<std::string, std::string>, std::vector<int>> groups;
  for (size_t i = 0; i < n; ++i) {
    const DomainColumn& c = entity.columns[i];
    for (const DateRule& rule : c.rules) {
      if (rule.path.empty() && rule.target_column >= 0) reads[i].push_back(rule.target_column);
    }
    if (c.source == ColumnSource::kComputed) {
      if (c.expression) {
        for (const std::string& name : c.expression->Columns()) {
          const int r = entity.FindColumn(name);
          if (r >= 0) reads[i].push_back(r);
        }
      }
    } else if (c.source == ColumnSource::kCopied && !c.copy.path.empty()) {
      for (const std::string& name : entity.links[c.copy.path.front()].columns) {
        const int r = entity.FindColumn(name);
        if (r >= 0) reads[i].push_back(r);
      }
    }
    if (c.source == ColumnSource::kLearned && entity.model) {
      // The model's columns are drawn given these, row by row.
      for (const ModelRef::Given& given : entity.model->given) {
        // A learned given column is refused by ValidateGiven, not as a cycle.
        if (given.entity_column >= 0 && entity.columns[given.entity_column].source != ColumnSource::kLearned) {
          reads[i].push_back(given.entity_column);
        }
      }
    }
    if (c.source == ColumnSource::kReference && c.link >= 0 && entity.links[c.link].pick) {
      // A pick reads the row's match columns and its other reference.
      const LinkPick& pick = *entity.links[c.link].pick;
      for (const LinkPick::Match& m : pick.match) {
        if (m.child_column >= 0) reads[i].push_back(m.child_column);
      }
      if (pick.distinct_from_link >= 0) {
        for (const std::string& name : entity.links[pick.distinct_from_link].columns) {
          const int r = entity.FindColumn(name);
          if (r >= 0) reads[i].push_back(r);
        }
      }
    }
    if (c.source == ColumnSource::kDerived) {
      std::string error;
      for (const std::string& ref : DeriveTemplate::References(c.derive, &error)) {
        int r = entity.FindColumn(ref);
        if (r >= 0) reads[i].push_back(r);
      }
    } else if (c.source == ColumnSource::kProvider) {
      const ProviderSpec* spec = registry_.Find(c.provider);
      if (!spec) continue;  // reported by ResolveDomain
      for (const auto& [name, value] : c.params.values()) {
        const ParamSpec* p = spec->FindParam(name);
        int r = entity.FindColumn(value.scalar);
        if (p && p->is_column && r >= 0) reads[i].push_back(r);
      }
      groups[{c.provider, c.group}].push_back(static_cast<int>(i));
    }
  }
  // Columns of one provider instance are filled together: each reads what
  // any of them reads.
  for (auto& [key, members] : groups) {
    std::vector<int> all;
    for (int m : members) all.insert(all.end(), reads[m].begin(), reads[m].end());
    for (int m : members) reads[m] = all;
  }
  return reads;
}

void Validator::ValidateColumnOrder(const DomainEntity& entity) {
  // Columns may read other columns of the row (provider inputs, derive);
  // those reads must not form a cycle.
  const size_t n = entity.columns.size();
  const std::vector<std::vector<int>> reads = RowReads(entity);
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::function<bool(int, std::vector<int>&)> visit = [&](int i, std::vector<int>& path) {
    if (state[i] == 2) return false;
    if (state[i] == 1) {
      path.push_back(i);
      return true;
    }
    state[i] = 1;
    path.push_back(i);
    for (int r : reads[i]) {
      if (visit(r, path)) return true;
    }
    path.pop_back();
    state[i] = 2;
    return false;
  };
  for (size_t i = 0; i < n; ++i) {
    std::vector<int> path;
    if (visit(static_cast<int>(i), path)) {
      std::string chain;
      size_t start = std::find(path.begin(), path.end(), path.back()) - path.begin();
      for (size_t k = start; k < path.size(); ++k) {
        chain += (chain.empty() ? "" : " -> ") + entity.columns[path[k]].name;
      }
      Add(entity.columns[path[start]].where, "columns of '" + entity.name + "' read each other in a cycle: " + chain);
      return;
    }
  }
}

void Validator::ValidateCycles(const Domain& domain) {
  // A cycle of NOT NULL links can never be loaded: every row would need its
  // parent to exist first. A nullable link breaks the cycle.
  const size_t n = domain.entities.size();
  struct Edge { int to; const DomainLink* link; };
  std::vector<std::vector<Edge>> strict(n), counting(n);
  for (size_t i = 0; i < n; ++i) {
    const DomainEntity& e = domain.entities[i];
    for (const DomainLink& link : e.links) {
      int p = domain.FindEntity(link.parent);
      if (p < 0 || p == static_cast<int>(i)) continue;
      bool not_null = true;
      for (const std::string& c : link.columns) not_null = not_null && e.columns[e.FindColumn(c)].not_null;
      if (not_null) strict[i].push_back({p, &link});
      if (link.per_parent) counting[i].push_back({p, &link});
    }
  }
  auto find_cycle = [&](const std::vector<std::vector<Edge>>& graph, const std::string& what) {
    std::vector<int> state(n, 0);
    std::vector<int> path;
    std::function<bool(int)> visit = [&](int i) {
      if (state[i] == 1) {
        path.push_back(i);
        return true;
      }
      if (state[i] == 2) return false;
      state[i] = 1;
      path.push_back(i);
      for (const Edge& edge : graph[i]) {
        if (visit(edge.to)) return true;
      }
      path.pop_back();
      state[i] = 2;
      return false;
    };
    for (size_t i = 0; i < n; ++i) {
      path.clear();
      if (!visit(static_cast<int>(i))) continue;
      size_t start = std::find(path.begin(), path.end(), path.back()) - path.begin();
      std::string chain;
      for (size_t k = start; k < path.size(); ++k) chain += (chain.empty() ? "" : " -> ") + domain.entities[path[k]].name;
      const DomainLink* first = nullptr;
      for (const Edge& edge : graph[path[start]]) {
        if (edge.to == path[start + 1]) first = edge.link;
      }
      Add(first ? first->where : domain.entities[path[start]].where, what + chain);
      return;
    }
  };
  find_cycle(strict, "cycle of NOT NULL links (make one of them nullable): ");
  find_cycle(counting, "cycle of 'per_parent' links (row counts would depend on themselves): ");
}

bool IsDateOrTimestamp(const SqlType& type) {
  using F = SqlType::Family;
  return !type.array && (type.family == F::kDate || type.family == F::kTimestamp || type.family == F::kTimestampTz);
}

// Whether column `later` of `entity` is declared on or after column
// `earlier` of the same row: by a rule (after/min_age_at/between with no
// negative offset) or by its provider's `after` parameter.
bool DeclaredAfter(const DomainEntity& entity, int later, int earlier) {
  const DomainColumn& column = entity.columns[later];
  for (const DateRule& rule : column.rules) {
    if (rule.side == DateRule::Side::kLower && rule.path.empty() && rule.target_column == earlier &&
        rule.years >= 0 && rule.days >= 0) {
      return true;
    }
  }
  const ParamValue* after = column.source == ColumnSource::kProvider ? column.params.Find("after") : nullptr;
  return after && after->scalar == entity.columns[earlier].name;
}

void Validator::ValidateRules(const Domain& domain, const DomainEntity& entity) {
  for (const DomainColumn& column : entity.columns) {
    if (column.rules.empty()) continue;
    const std::string where = "column '" + entity.name + "." + column.name + "'";
    const DateRule& first = column.rules.front();
    if (!IsDateOrTimestamp(column.type)) {
      Add(first.where, where + " is " + column.type.ToSql() + ", but '" + first.key +
                           "' bounds date and timestamp columns only");
      continue;
    }
    if (column.unique || column.primary_key) {
      Add(first.where, where + " is unique, but '" + first.key + "' moves values into a window, where they could "
                           "repeat");
      continue;
    }
    if (column.source != ColumnSource::kProvider && column.source != ColumnSource::kLearned) {
      Add(first.where, where + ": '" + first.key + "' bounds the values a provider or a model draws, and this "
                           "column has neither");
      continue;
    }
    for (size_t i = 0; i < column.rules.size(); ++i) {
      const DateRule& rule = column.rules[i];
      if (rule.target_entity < 0) continue;  // reported by ResolveDomain
      const DomainEntity& owner = domain.entities[rule.target_entity];
      const DomainColumn& bound = owner.columns[rule.target_column];
      if (&bound == &column) {
        Add(rule.where, where + ": '" + rule.key + "' names the column itself");
        continue;
      }
      if (!IsDateOrTimestamp(bound.type)) {
        Add(rule.where, where + ": '" + rule.key + "' reads '" + owner.name + "." + bound.name + "', which is " +
                            bound.type.ToSql() + "; a bound must be a date or timestamp column");
      }
      // A between pair (parsed as its lower bound, then its upper): both
      // bounds of one row, the upper declared after the lower, or some rows
      // would get a window that ends before it starts.
      if (rule.key != "between" || rule.side != DateRule::Side::kLower || i + 1 >= column.rules.size()) continue;
      const DateRule& upper = column.rules[i + 1];
      if (upper.target_entity < 0) continue;
      const std::string pair = "'between: [" + rule.Shown() + ", " + upper.Shown() + "]'";
      if (upper.target_entity == rule.target_entity && upper.target_column == rule.target_column &&
          upper.path == rule.path) {
        Add(rule.where, where + ": " + pair + " names the same column twice");
      } else if (upper.path != rule.path || upper.target_entity != rule.target_entity) {
        Add(rule.where, where + ": the bounds of " + pair + " come from different rows and can cross; "
                            "write them as 'after' and 'before'");
      } else if (DeclaredAfter(owner, rule.target_column, upper.target_column)) {
        Add(rule.where, where + ": " + pair + " is reversed: '" + owner.name + "." + bound.name +
                            "' is declared after '" + owner.name + "." + upper.column + "'");
      } else if (!DeclaredAfter(owner, upper.target_column, rule.target_column)) {
        Add(rule.where, where + ": the bounds of " + pair + " can cross: '" + owner.name + "." + upper.column +
                            "' is not declared after '" + owner.name + "." + bound.name +
                            "' (give it 'after: " + bound.name + "'), or write them as 'after' and 'before'");
      }
    }
  }
}

void Validator::ValidateRuleCycles(const Domain& domain) {
  // A rule regenerates the parent row it reads. A parent whose own rules
  // read back (through a cycle of links) would regenerate its child, which
  // regenerates it again, without end.
  const size_t n = domain.entities.size();
  // A copy of a parent's column regenerates the parent row the same way.
  struct Read {
    int to;
    const SourceLocation* where;
    std::string shown;
  };
  std::vector<std::vector<Read>> reads(n);
  for (size_t e = 0; e < n; ++e) {
    for (const DomainColumn& column : domain.entities[e].columns) {
      for (const DateRule& rule : column.rules) {
        if (!rule.path.empty() && rule.target_entity >= 0) {
          reads[e].push_back({rule.target_entity, &rule.where, rule.key + ": " + rule.Shown()});
        }
      }
      const ParentColumn& copy = column.copy;
      if (column.source == ColumnSource::kCopied && !copy.path.empty() && copy.target_entity >= 0) {
        reads[e].push_back({copy.target_entity, &copy.where, "copy: " + copy.entity + "." + copy.column});
      }
    }
  }
  std::vector<int> state(n, 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::pair<int, const Read*>> path;
  int cycle_start = -1;
  std::function<bool(int)> visit = [&](int e) {
    if (state[e] == 1) {
      cycle_start = e;
      return true;
    }
    if (state[e] == 2) return false;
    state[e] = 1;
    for (const Read& read : reads[e]) {
      path.push_back({e, &read});
      if (visit(read.to)) return true;
      path.pop_back();
    }
    state[e] = 2;
    return false;
  };
  for (size_t e = 0; e < n; ++e) {
    path.clear();
    if (!visit(static_cast<int>(e))) continue;
    while (path.front().first != cycle_start) path.erase(path.begin());
    std::string chain;
    for (const auto& [from, read] : path) {
      chain += (chain.empty() ? "" : " -> ") + domain.entities[from].name + " (" + read->shown + ")";
    }
    Add(*path.front().second->where, "rules read each other's rows in a cycle (each row would be made again to make the other, "
                                         "without end): " + chain +
                                         " -> " + domain.entities[path.front().first].name);
    return;
  }
}

// Why the rows of `entity` do not come grouped by parent, or "" when they
// do: what `sequence` and `next_of` need, for messages.
std::string Ungrouped(const DomainEntity& entity) {
  if (entity.CountingLink() >= 0) return "";
  if (entity.links.empty()) return "'" + entity.name + "' has no link, so its rows have no parent to be ordered in";
  return "'" + entity.name + "' has no link with 'per_parent', so its rows do not come grouped by parent (a sequence "
         "on an ungrouped link): give its link to '" + entity.links.front().parent + "' a 'per_parent'";
}

bool IsOrderable(const SqlType& type) {
  using F = SqlType::Family;
  return !type.array && (IsDateOrTimestamp(type) || type.IsInteger() || type.family == F::kNumeric);
}

void Validator::ValidateSequence(const DomainEntity& entity, const DomainColumn& column) {
  const ColumnSequence& sequence = *column.sequence;
  const std::string where = "column '" + entity.name + "." + column.name + "'";
  if (!IsOrderable(column.type)) {
    Add(sequence.where, where + " is " + column.type.ToSql() + ", but 'sequence' orders date, timestamp, integer and "
                            "numeric columns");
    return;
  }
  const std::string ungrouped = Ungrouped(entity);
  if (!ungrouped.empty()) {
    Add(sequence.where, where + ": 'sequence' orders the children of each parent, but " + ungrouped);
    return;
  }
  const bool learned = column.source == ColumnSource::kLearned;
  if (learned && sequence.gaps) {
    Add(sequence.where, where + ": a learned column's 'sequence' sorts the model's values among siblings; a gap "
                            "needs a provider's draw (write 'sequence: true')");
    return;
  }
  if (column.source != ColumnSource::kProvider && !learned) {
    Add(sequence.where, where + ": 'sequence' takes its window from the column's provider, or sorts a learned "
                            "column's values among siblings, and this column is neither");
    return;
  }
  if (column.unique || column.primary_key) {
    Add(sequence.where, where + " is unique, but 'sequence' can give siblings the same value when their window is "
                            "narrow");
  }
  if (column.null_rate > 0) {
    Add(sequence.where, where + ": 'sequence' gives every child a value, so the column cannot have a null_rate");
  }
  const ProviderSpec* spec = registry_.Find(column.provider);
  for (const auto& [name, value] : column.params.values()) {
    const ParamSpec* param = spec ? spec->FindParam(name) : nullptr;
    if (param && param->is_column) {
      Add(value.where, where + ": 'sequence' needs one window for all the children of a parent, but parameter '" +
                           name + "' makes each row's window from its own '" + value.scalar + "'");
    }
  }
  // Bounds through the grouping link (or further up) are the same for all
  // siblings; any other bound would give each its own window, and the
  // order could not hold.
  const int grouping = entity.CountingLink();
  for (const DateRule& rule : column.rules) {
    if (rule.target_entity < 0) continue;  // reported by ResolveDomain
    if (!rule.path.empty() && rule.path.front() == grouping) continue;
    Add(rule.where, where + ": '" + rule.key + ": " + rule.Shown() + "' differs between the children of one '" +
                        entity.links[grouping].parent + "', so 'sequence' could not keep them in order; read bounds "
                        "through '" + entity.links[grouping].columns.front() + "' (its parent or their parents)");
  }
  if (!sequence.gaps) return;
  using Unit = ColumnSequence::Delay::Unit;
  for (const ColumnSequence::Delay* delay : {&sequence.gap_min, &sequence.gap_max}) {
    const bool timestamp = IsDateOrTimestamp(column.type) && column.type.family != SqlType::Family::kDate;
    if (column.type.family == SqlType::Family::kDate && delay->unit != Unit::kDays) {
      Add(delay->where, where + " is a date, so its gap is in days ('2 days')");
    } else if (timestamp && delay->unit == Unit::kNone) {
      Add(delay->where, where + " is a timestamp, so its gap has a unit: seconds, minutes, hours or days");
    } else if (!IsDateOrTimestamp(column.type) && delay->unit != Unit::kNone) {
      Add(delay->where, where + " is " + column.type.ToSql() + ", so its gap is a plain number");
    } else if (column.type.family == SqlType::Family::kDate && delay->amount != std::floor(delay->amount)) {
      Add(delay->where, where + " is a date, so its gap is a whole number of days");
    }
  }
}

void Validator::ValidateHistories(const Domain& domain, const DomainEntity& entity) {
  for (const DomainColumn& column : entity.columns) {
    const std::string where = "column '" + entity.name + "." + column.name + "'";
    if (column.sequence) ValidateSequence(entity, column);
    if (column.source == ColumnSource::kNextOf && column.next_of_column >= 0) {
      const DomainColumn& source = entity.columns[column.next_of_column];
      const std::string ungrouped = Ungrouped(entity);
      if (!ungrouped.empty()) {
        Add(column.where, where + ": 'next_of' reads the next child of the same parent, but " + ungrouped);
      } else if (&source == &column) {
        Add(column.where, where + ": 'next_of' names the column itself");
      } else if (column.not_null) {
        Add(column.where, where + " is NOT NULL, but 'next_of' leaves the last child of each parent NULL (it has no "
                              "next): make it nullable");
      } else if (!IsOrderable(source.type) || source.type.family != column.type.family) {
        Add(column.where, where + " is " + column.type.ToSql() + ", but 'next_of' reads '" + source.name + "' (" +
                              source.type.ToSql() + "); both must be the same date, timestamp or number type");
      } else if (column.next_of_days != 0 && !IsDateOrTimestamp(column.type)) {
        Add(column.where, where + ": 'days' goes with a date or timestamp column");
      }
    }
    if (column.source == ColumnSource::kStep && column.link >= 0) {
      const DomainLink& link = entity.links[column.link];
      if (!link.per_parent || link.per_parent->kind != Cardinality::Kind::kFunnel) {
        Add(column.where, where + ": 'step_of: " + column.step_of + "' names a link with no funnel; give it "
                              "'per_parent: {funnel: {STATE: CHANCE, ...}}'");
        continue;
      }
      const std::vector<std::string>& states = link.per_parent->states;
      if (column.type.family == SqlType::Family::kEnum && !column.type.array) {
        const auto e = std::find_if(domain.enums.begin(), domain.enums.end(),
                                    [&](const DomainEnum& d) { return d.name == column.type.enum_name; });
        for (const std::string& state : states) {
          if (e != domain.enums.end() && std::find(e->labels.begin(), e->labels.end(), state) == e->labels.end()) {
            Add(column.where, where + " is enum '" + e->name + "', which has no label '" + state +
                                  "' (a state of the funnel)");
          }
        }
      } else if (!column.type.IsText() || column.type.array) {
        Add(column.where, where + " is " + column.type.ToSql() + ", but 'step_of' makes the funnel's state names: "
                              "use a text or enum type");
      } else if (column.type.length > 0) {
        for (const std::string& state : states) {
          if (state.size() > static_cast<size_t>(column.type.length)) {
            Add(column.where, where + " is " + column.type.ToSql() + ", too short for funnel state '" + state + "'");
          }
        }
      }
    }
  }
}

// A `per_parent` rate counts children over the parent's active time inside
// the simulation window: it needs the window, and date or timestamp bounds.
void Validator::ValidateRates(const Domain& domain, const DomainEntity& entity) {
  for (const DomainLink& link : entity.links) {
    if (link.per_parent && link.per_parent->kind == Cardinality::Kind::kColumn) ValidateCountColumn(domain, entity, link);
    if (!link.per_parent || !link.per_parent->rate) continue;
    const Cardinality::Rate& rate = *link.per_parent->rate;
    if (!domain.time) {
      Add(rate.where, "'" + entity.name + "': 'per_parent' with 'rate' counts children per " + rate.per +
                          " of each parent's active time inside the simulation window, and the domain declares none: "
                          "add 'time: {from: DATE, to: DATE}' at the top of the file");
    }
    const int p = domain.FindEntity(link.parent);
    if (p < 0) continue;
    const DomainEntity& parent = domain.entities[p];
    for (int c : {rate.from_column, rate.to_column}) {
      if (c < 0) continue;  // reported by ResolveDomain
      const DomainColumn& column = parent.columns[c];
      if (!IsDateOrTimestamp(column.type)) {
        Add(rate.where, "'per_parent': 'active' reads '" + parent.name + "." + column.name + "', which is " +
                            column.type.ToSql() + "; the active time is bounded by date or timestamp columns");
      }
    }
    if (rate.from_column >= 0 && rate.from_column == rate.to_column) {
      Add(rate.where, "'per_parent': 'active' names '" + rate.from + "' twice; give [FROM, TO]");
    }
  }
}

// A `per_parent` column is each parent's count: a whole number of the
// parent (an untyped learned column takes the model's kind, checked when the
// plan loads it), not made from the children it counts.
void Validator::ValidateCountColumn(const Domain& domain, const DomainEntity& entity, const DomainLink& link) {
  const Cardinality& count = *link.per_parent;
  const int p = domain.FindEntity(link.parent);
  if (p < 0 || count.column_index < 0) return;  // reported by ResolveDomain
  const DomainEntity& parent = domain.entities[p];
  const DomainColumn& column = parent.columns[count.column_index];
  const std::string what = "'per_parent': 'column' reads '" + parent.name + "." + column.name + "'";
  if (p == domain.FindEntity(entity.name)) {
    Add(count.column_where, what + ", a column of the entity it counts: a count reads a parent made before");
    return;
  }
  const bool whole = column.type.IsInteger() || (column.type.family == SqlType::Family::kNumeric && column.type.scale == 0);
  if (column.type_given && (column.type.array || !whole)) {
    Add(count.column_where, what + ", which is " + column.type.ToSql() +
                                "; a count is a whole number (smallint, integer, bigint or numeric(p, 0))");
  }
  if (column.source == ColumnSource::kAggregate && column.aggregate.child_entity == domain.FindEntity(entity.name)) {
    Add(count.column_where, what + ", which is made from the very children it counts ('aggregate')");
  }
}

// A `pick` chooses among parents on a link that does not count its
// children: the counting link's parent is fixed by the grouping, and a
// self-reference picks an earlier row.
void Validator::ValidatePicks(const Domain& domain, const DomainEntity& entity) {
  const int counting = entity.CountingLink();
  for (size_t l = 0; l < entity.links.size(); ++l) {
    const DomainLink& link = entity.links[l];
    if (!link.pick) continue;
    const LinkPick& pick = *link.pick;
    const std::string what = "'" + entity.name + "': 'pick' on the link to '" + link.parent + "'";
    if (link.per_parent) {
      Add(pick.where, what + ": the link counts its children ('per_parent'), so each child's parent is the one "
                             "it is counted under; 'pick' goes on the entity's other links");
      continue;
    }
    if (link.parent == entity.name) {
      Add(pick.where, what + ": a self-reference points at an earlier row of the same entity, which 'pick' cannot "
                             "weigh or match; remove 'pick'");
      continue;
    }
    const int p = domain.FindEntity(link.parent);
    if (p < 0) continue;
    const DomainEntity& parent = domain.entities[p];
    if (pick.weight_column >= 0) {
      const SqlType& type = parent.columns[pick.weight_column].type;
      const bool number = type.IsInteger() || type.family == SqlType::Family::kNumeric ||
                          type.family == SqlType::Family::kReal || type.family == SqlType::Family::kDouble;
      if (parent.columns[pick.weight_column].type_given && (type.array || !number)) {
        Add(pick.weight_where, what + ": 'weight' reads '" + parent.name + "." + pick.weight + "', which is " +
                                   type.ToSql() + "; a weight is a number >= 0");
      }
    }
    for (const LinkPick::Match& m : pick.match) {
      if (m.child_column < 0) continue;
      if (std::find(link.columns.begin(), link.columns.end(), m.child) != link.columns.end()) {
        Add(m.where, what + ": 'match' reads '" + m.child + "', a column of the link itself");
      }
    }
    if (!pick.distinct_from.empty() && entity.FindColumn(pick.distinct_from) >= 0) {
      const int other = pick.distinct_from_link;
      if (other < 0 || entity.links[other].parent != link.parent || other == static_cast<int>(l)) {
        Add(pick.distinct_from_where, what + ": 'distinct_from' names '" + pick.distinct_from +
                                          "', which is not another reference to '" + link.parent + "'");
      } else if (entity.links[other].pick && !entity.links[other].pick->distinct_from.empty()) {
        Add(pick.distinct_from_where, what + ": 'distinct_from' names '" + pick.distinct_from +
                                          "', whose own pick is 'distinct_from' too; give it on one of the two");
      }
    }
    if (pick.distinct && counting < 0) {
      Add(pick.where, what + ": 'distinct' makes the children of one counting parent pick distinct parents, and '" +
                          entity.name + "' has no counting link ('per_parent')");
    }
  }
}

// A model's `given` columns are made before its learned ones, by anything
// but the model itself.
void Validator::ValidateGiven(const DomainEntity& entity) {
  if (!entity.model) return;
  std::vector<int> seen;
  for (const ModelRef::Given& given : entity.model->given) {
    if (given.entity_column < 0) continue;  // reported by ResolveDomain
    if (std::find(seen.begin(), seen.end(), given.entity_column) != seen.end()) {
      Add(given.where, "'model': 'given' names '" + given.column + "' twice");
    }
    seen.push_back(given.entity_column);
    if (entity.columns[given.entity_column].source == ColumnSource::kLearned) {
      Add(given.where, "'model': 'given' names '" + given.column + "', a learned column of the same model; the "
                           "given columns condition the model, so another source makes them (a 'copy:' of a "
                           "parent's column, typically)");
    }
  }
}

// The type an expression sees a column's values as: those of the kind the
// engine keeps its type in.
Expression::Type ExpressionType(const SqlType& type) { return ExpressionTypeOf(type.StoredKind().first); }

void Validator::ValidateConditional(const Domain& domain, const DomainEntity& entity) {
  for (const DomainColumn& column : entity.columns) {
    const std::string where = "column '" + entity.name + "." + column.name + "'";
    if (column.source == ColumnSource::kCopied) {
      if (column.unique || column.primary_key) {
        Add(column.where, where + " is unique, but 'copy' repeats a parent's value for each of its children");
      }
      const ParentColumn& copy = column.copy;
      if (copy.target_entity < 0) continue;  // reported by ResolveDomain
      const DomainColumn& source = domain.entities[copy.target_entity].columns[copy.target_column];
      if (column.type_given && ExpressionType(column.type) != ExpressionType(source.type)) {
        Add(copy.where, where + " is " + column.type.ToSql() + ", but 'copy' reads '" + copy.entity + "." +
                            copy.column + "', which is " + source.type.ToSql());
      }
      continue;
    }
    if (column.source != ColumnSource::kComputed) continue;
    const Expression* expression = column.expression.get();
    if (!expression) continue;  // reported by ParseDomainYaml
    if (!column.type_given) {
      Add(column.where, where + ": give a computed column its 'type' (what the expression's values are stored as)");
      continue;
    }
    if (column.unique || column.primary_key) {
      Add(column.where, where + ": a computed column cannot be unique by construction");
    }
    std::vector<Expression::Type> types;
    bool known = true;
    for (const std::string& name : expression->Columns()) {
      const int c = entity.FindColumn(name);
      if (c < 0) {
        std::vector<std::string> names;
        for (const DomainColumn& other : entity.columns) names.push_back(other.name);
        std::string message = where + ": 'compute' names unknown column '" + name + "'";
        auto close = ClosestNames(name, names);
        if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
        Add(column.compute_where, message);
        known = false;
        continue;
      }
      types.push_back(ExpressionType(entity.columns[c].type));
    }
    if (!known) continue;
    Expression::Type result;
    Expression::Problem problem;
    if (!expression->Check(types, &result, &problem)) {
      SourceLocation at = column.compute_where;
      at.column += static_cast<int>(problem.offset);
      Add(at, where + ": 'compute': " + problem.message);
      continue;
    }
    const Expression::Type want = ExpressionType(column.type);
    const bool fits = result == want || result == Expression::Type::kNull ||
                      (result == Expression::Type::kDate && want == Expression::Type::kTimestamp);
    if (!fits) {
      Add(column.compute_where, where + " is " + column.type.ToSql() + ", but its 'compute' gives " +
                                    ExpressionTypeName(result));
    }
  }
}

void Validator::ValidateAggregates(const Domain& domain, const DomainEntity& entity) {
  for (const DomainColumn& column : entity.columns) {
    const Aggregate& aggregate = column.aggregate;
    if (column.source != ColumnSource::kAggregate || aggregate.child_entity < 0) continue;  // reported by ResolveDomain
    const std::string what = "column '" + entity.name + "." + column.name + "': 'aggregate: " + aggregate.Shown() + "'";
    if (column.unique || column.primary_key) {
      Add(aggregate.where, what + " cannot make unique values (two parents can have the same children's total)");
      continue;
    }
    ValueKind kind = ValueKind::kInt;  // a count
    if (aggregate.op != Aggregate::Op::kCount) {
      const DomainColumn& read = domain.entities[aggregate.child_entity].columns[aggregate.child_column];
      kind = read.type.StoredKind().first;
      if (read.type.array || read.type.family == SqlType::Family::kJson || read.type.family == SqlType::Family::kJsonb) {
        Add(aggregate.where, what + " reads " + read.type.ToSql() + " values, which do not aggregate");
        continue;
      }
      const bool number = kind == ValueKind::kInt || kind == ValueKind::kDecimal || kind == ValueKind::kFloat;
      if (aggregate.op == Aggregate::Op::kSum && !number) {
        Add(aggregate.where, what + " sums '" + aggregate.entity + "." + read.name + "', which is " +
                                 read.type.ToSql() + "; 'sum' takes a number column");
        continue;
      }
    }
    // A min, max, first or last of no values is NULL: a NOT NULL column
    // needs at least one child per row, with a value.
    const DomainEntity& children = domain.entities[aggregate.child_entity];
    const bool needs_value = aggregate.op != Aggregate::Op::kCount && aggregate.op != Aggregate::Op::kSum;
    if (column.not_null && needs_value &&
        (children.links[aggregate.link].per_parent->min < 1 || !children.columns[aggregate.child_column].not_null)) {
      Add(aggregate.where, what + " is NULL for a row with no children or only NULL values, so the NOT NULL column "
                               "needs 'per_parent' with 'min: 1' or more and a NOT NULL '" + children.name + "." +
                               aggregate.column + "'");
      continue;
    }
    if (!KindFits(kind, column.type)) {
      Add(aggregate.where, what + " makes " + std::string(ValueKindName(kind)) + " values, which a " +
                               column.type.ToSql() + " column cannot hold");
    }
  }
}

void Validator::ValidateAggregateCycles(const Domain& domain) {
  // An aggregate makes its row's children again to read their column. If
  // that column reads the aggregate back (a rule, a reference, an
  // aggregate of the child's own children, through any chain of them),
  // each row would be made again to make the other, without end.
  struct Node {
    int entity, column;
    bool operator==(const Node&) const = default;
  };
  const size_t n = domain.entities.size();
  std::vector<std::vector<std::vector<Node>>> reads(n);
  for (size_t e = 0; e < n; ++e) {
    const DomainEntity& entity = domain.entities[e];
    const std::vector<std::vector<int>> row = RowReads(entity);
    reads[e].resize(entity.columns.size());
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      for (int r : row[c]) reads[e][c].push_back({static_cast<int>(e), r});
      const DomainColumn& column = entity.columns[c];
      for (const DateRule& rule : column.rules) {
        if (rule.path.empty() || rule.target_entity < 0) continue;
        reads[e][c].push_back({rule.target_entity, rule.target_column});
        for (const std::string& link_column : entity.links[rule.path.front()].columns) {
          reads[e][c].push_back({static_cast<int>(e), entity.FindColumn(link_column)});
        }
      }
      if (column.source == ColumnSource::kAggregate && column.aggregate.child_column >= 0) {
        reads[e][c].push_back({column.aggregate.child_entity, column.aggregate.child_column});
      }
      if (column.source == ColumnSource::kCopied && column.copy.target_entity >= 0) {
        reads[e][c].push_back({column.copy.target_entity, column.copy.target_column});
      }
    }
    for (const DomainLink& link : entity.links) {
      const int p = domain.FindEntity(link.parent);
      if (p < 0 || link.parent_columns.size() != link.columns.size()) continue;
      for (size_t k = 0; k < link.columns.size(); ++k) {
        const int pc = domain.entities[p].FindColumn(link.parent_columns[k]);
        if (pc >= 0) reads[e][entity.FindColumn(link.columns[k])].push_back({p, pc});
      }
    }
  }
  auto name = [&](Node node) {
    return domain.entities[node.entity].name + "." + domain.entities[node.entity].columns[node.column].name;
  };
  for (size_t e = 0; e < n; ++e) {
    for (size_t c = 0; c < domain.entities[e].columns.size(); ++c) {
      const DomainColumn& column = domain.entities[e].columns[c];
      if (column.source != ColumnSource::kAggregate || column.aggregate.child_column < 0) continue;
      const Node start{static_cast<int>(e), static_cast<int>(c)};
      // Depth-first from what the aggregate reads, looking for the way back.
      std::vector<std::vector<bool>> seen(n);
      for (size_t k = 0; k < n; ++k) seen[k].assign(domain.entities[k].columns.size(), false);
      std::vector<Node> path{start};
      std::function<bool(Node)> back = [&](Node at) {
        for (Node next : reads[at.entity][at.column]) {
          if (next == start) return true;
          if (seen[next.entity][next.column]) continue;
          seen[next.entity][next.column] = true;
          path.push_back(next);
          if (back(next)) return true;
          path.pop_back();
        }
        return false;
      };
      if (!back(start)) continue;
      std::string chain;
      for (Node node : path) chain += name(node) + " -> ";
      Add(column.aggregate.where, "column '" + name(start) + "': 'aggregate: " + column.aggregate.Shown() +
                                      "' reads a column that reads it back (each row would be made again to make "
                                      "the other, without end): " + chain + name(start));
    }
  }
}

}  // namespace

void ValidateDomain(const Domain& domain, const ProviderRegistry& registry, std::vector<Diagnostic>& diagnostics) {
  Validator(registry, diagnostics).Validate(domain);
  ValidateScenarios(domain, diagnostics);
}

}  // namespace seedforge
