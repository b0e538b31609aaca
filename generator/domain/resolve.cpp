// Step 2 of ParseDomain (steps.h): turns the names a parsed domain uses into
// what they name, and fills in what the file leaves out.
#include <functional>
#include <map>

#include "domain/steps.h"

namespace seedforge {
namespace {

// The type a column gets when it names a provider field and no type.
SqlType NaturalType(const FieldSpec& field) {
  using F = SqlType::Family;
  SqlType t;
  switch (field.kind) {
    case ValueKind::kInt: t.family = F::kBigInt; break;
    case ValueKind::kDecimal: t.family = F::kNumeric; t.precision = 18; t.scale = field.scale; break;
    case ValueKind::kFloat: t.family = F::kDouble; break;
    case ValueKind::kText: t.family = F::kText; break;
    case ValueKind::kBool: t.family = F::kBoolean; break;
    case ValueKind::kDate: t.family = F::kDate; break;
    case ValueKind::kTimestamp: t.family = F::kTimestamp; break;
    case ValueKind::kUuid: t.family = F::kUuid; break;
  }
  return t;
}

// `message` about an unknown `name`, with the closest of `known` (entities
// or columns, by their names) as a suggestion.
template <typename Named>
std::string WithSuggestion(std::string message, const std::string& name, const std::vector<Named>& known) {
  std::vector<std::string> names;
  for (const Named& item : known) names.push_back(item.name);
  auto close = ClosestNames(name, names);
  if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
  return message;
}

class Resolver {
 public:
  Resolver(const ProviderRegistry& registry, std::vector<Diagnostic>& diagnostics)
      : registry_(registry), diagnostics_(diagnostics) {}

  void Resolve(Domain& domain) {
    for (DomainEntity& entity : domain.entities) ResolveProviders(entity);
    for (DomainEntity& entity : domain.entities) ResolveLinks(domain, entity);
    TypeUntypedReferences(domain);
    for (size_t e = 0; e < domain.entities.size(); ++e) ResolveRules(domain, static_cast<int>(e));
    for (DomainEntity& entity : domain.entities) ResolveRates(domain, entity);
    for (DomainEntity& entity : domain.entities) ResolvePicks(domain, entity);
    for (DomainEntity& entity : domain.entities) ResolveGiven(entity);
    TypeUntypedCopies(domain);
    for (size_t e = 0; e < domain.entities.size(); ++e) ResolveAggregates(domain, static_cast<int>(e));
    TypeUntypedAggregates(domain);
    for (DomainEntity& entity : domain.entities) ResolveHistories(entity);
  }

 private:
  void Add(const SourceLocation& where, std::string message) {
    diagnostics_.push_back({where, std::move(message)});
  }

  void ResolveProviders(DomainEntity& entity);
  void ResolveLinks(const Domain& domain, DomainEntity& entity);
  void TypeUntypedReferences(Domain& domain);
  void TypeUntypedCopies(Domain& domain);
  void ResolveRules(Domain& domain, int entity);
  void ResolveHistories(DomainEntity& entity);
  void ResolveRates(const Domain& domain, DomainEntity& entity);
  void ResolvePicks(const Domain& domain, DomainEntity& entity);
  void ResolveGiven(DomainEntity& entity);
  // Resolves a column read by a row of entity `e`: COLUMN of the row
  // itself (`entity_name` empty) or ENTITY.COLUMN of a parent the row
  // reaches through exactly one chain of links. Reports (at `where`, the
  // message starting with `what`) and returns false when it cannot.
  bool ResolveRead(const Domain& domain, int e, const std::string& what, const std::string& entity_name,
                   const std::string& column, const SourceLocation& where, std::vector<int>& path,
                   int& target_entity, int& target_column);
  void ResolveAggregates(Domain& domain, int entity);
  void TypeUntypedAggregates(Domain& domain);

  const ProviderRegistry& registry_;
  std::vector<Diagnostic>& diagnostics_;
};

void Resolver::ResolveProviders(DomainEntity& entity) {
  // Columns sharing a provider instance: their parameters are merged.
  std::map<std::pair<std::string, std::string>, std::vector<DomainColumn*>> groups;
  for (DomainColumn& column : entity.columns) {
    if (column.source == ColumnSource::kDerived && !column.type_given) column.type = *ParseSqlType("text");
    if (column.source != ColumnSource::kProvider) continue;
    const std::string where = "column '" + entity.name + "." + column.name + "'";
    const ProviderSpec* spec = registry_.Find(column.provider);
    if (!spec) {
      std::string message = where + ": unknown provider '" + column.provider + "'";
      auto close = registry_.Suggest(column.provider);
      if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
      message += " (seedforge list providers)";
      Add(column.where, message);
      continue;
    }
    if (column.field.empty()) column.field = spec->fields.front().name;
    // Only fields of one multi-field provider (person, address, card) belong
    // together; a single-field provider gets an instance per column.
    if (spec->fields.size() == 1 && column.group.empty()) column.group = column.name;
    const FieldSpec* field = spec->FindField(column.field);
    if (!field) {
      std::string fields;
      for (const FieldSpec& f : spec->fields) fields += (fields.empty() ? "" : ", ") + f.name;
      Add(column.where, where + ": provider '" + spec->name + "' has no field '" + column.field +
                            "' (fields: " + fields + ")");
      continue;
    }
    for (const auto& [name, value] : column.params.values()) {
      if (!spec->FindParam(name)) {
        std::vector<std::string> names;
        for (const ParamSpec& p : spec->params) names.push_back(p.name);
        std::string message = where + ": unknown parameter '" + name + "' of provider '" + spec->name + "'";
        auto close = ClosestNames(name, names);
        if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
        Add(value.where, message);
      } else if (spec->FindParam(name)->is_column && entity.FindColumn(value.scalar) < 0) {
        Add(value.where, where + ": parameter '" + name + "' names unknown column '" + value.scalar + "'");
      }
    }
    if (!column.type_given) column.type = NaturalType(*field);
    groups[{spec->name, column.group}].push_back(&column);
  }
  for (auto& [key, columns] : groups) {
    std::map<std::string, ParamValue> merged;
    for (DomainColumn* column : columns) {
      for (const auto& [name, value] : column->params.values()) {
        auto [it, inserted] = merged.emplace(name, value);
        if (!inserted && it->second.scalar != value.scalar) {
          Add(value.where, "parameter '" + name + "' of provider '" + key.first +
                               "' differs from the one at line " + std::to_string(it->second.where.line) +
                               "; columns of one provider share parameters (use 'group' to separate them)");
        }
      }
    }
    const Params params(merged, columns.front()->params.Where(""));
    for (DomainColumn* column : columns) column->params = params;
  }
}

void Resolver::ResolveLinks(const Domain& domain, DomainEntity& entity) {
  for (DomainColumn& column : entity.columns) {
    if (column.source != ColumnSource::kOrdinal) continue;
    int c = entity.FindColumn(column.ordinal_of);
    const DomainColumn* ref = c < 0 ? nullptr : &entity.columns[c];
    if (!ref || ref->source != ColumnSource::kReference || !entity.links[ref->link].per_parent) {
      Add(column.where, "'ordinal' names a column of '" + entity.name +
                            "' that references a parent with 'per_parent': the ordinal counts its children");
      continue;
    }
    if (!column.type_given) column.type = *ParseSqlType("integer");
    column.link = ref->link;
  }
  for (DomainLink& link : entity.links) {
    int p = domain.FindEntity(link.parent);
    if (p < 0) {
      std::vector<std::string> names;
      for (const DomainEntity& e : domain.entities) names.push_back(e.name);
      std::string message = "link from '" + entity.name + "' to unknown entity '" + link.parent + "'";
      auto close = ClosestNames(link.parent, names);
      if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
      Add(link.where, message);
      continue;
    }
    const DomainEntity& parent = domain.entities[p];
    if (link.parent_columns.empty()) link.parent_columns = parent.PrimaryKey();
    if (link.parent_columns.empty()) {
      Add(link.where, "'" + parent.name + "' has no primary key; name the referenced columns, e.g. " +
                          parent.name + "." + parent.columns.front().name);
      continue;
    }
    if (link.parent_columns.size() != link.columns.size()) {
      Add(link.where, "link from '" + entity.name + "' has " + std::to_string(link.columns.size()) +
                          " column(s) but references " + std::to_string(link.parent_columns.size()));
      continue;
    }
    for (const std::string& parent_column : link.parent_columns) {
      if (parent.FindColumn(parent_column) < 0) {
        Add(link.where, "link references unknown column '" + parent.name + "." + parent_column + "'");
      }
    }
  }
}

void Resolver::TypeUntypedCopies(Domain& domain) {
  // An untyped copy takes the type of the column it copies, which may be an
  // untyped copy itself: as for references, copy until nothing changes.
  for (size_t round = 0; round <= domain.entities.size(); ++round) {
    bool changed = false;
    for (DomainEntity& entity : domain.entities) {
      for (DomainColumn& column : entity.columns) {
        if (column.source != ColumnSource::kCopied || column.type_given || column.copy.target_entity < 0) continue;
        const SqlType& type = domain.entities[column.copy.target_entity].columns[column.copy.target_column].type;
        if (column.type == type) continue;
        column.type = type;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

void Resolver::TypeUntypedReferences(Domain& domain) {
  // An untyped reference takes its parent column's type. That column may be
  // an untyped reference itself, of an entity further down the file, so
  // copy until nothing changes: each untyped column copies from exactly one
  // other, so a chain of n of them settles in n rounds, and a loop made only
  // of untyped columns keeps the text type they all start with.
  for (bool changed = true; changed;) {
    changed = false;
    for (DomainEntity& entity : domain.entities) {
      for (const DomainLink& link : entity.links) {
        const int p = domain.FindEntity(link.parent);
        if (p < 0 || link.parent_columns.size() != link.columns.size()) continue;
        const DomainEntity& parent = domain.entities[p];
        for (size_t i = 0; i < link.columns.size(); ++i) {
          const int pc = parent.FindColumn(link.parent_columns[i]);
          DomainColumn& child = entity.columns[entity.FindColumn(link.columns[i])];
          if (pc < 0 || child.type_given || child.type == parent.columns[pc].type) continue;
          child.type = parent.columns[pc].type;
          changed = true;
        }
      }
    }
  }
}

// The chains of links from entity `from` to entity `to` (each a list of
// link indices, one per hop), at most `limit` of them: self-references and
// links back into the chain are not followed.
std::vector<std::vector<int>> LinkPaths(const Domain& domain, int from, int to, size_t limit) {
  std::vector<std::vector<int>> found;
  std::vector<int> path;
  std::vector<bool> on_path(domain.entities.size(), false);
  std::function<void(int)> walk = [&](int e) {
    if (e == to) {
      found.push_back(path);
      return;
    }
    on_path[e] = true;
    const std::vector<DomainLink>& links = domain.entities[e].links;
    for (size_t l = 0; l < links.size() && found.size() < limit; ++l) {
      const int p = domain.FindEntity(links[l].parent);
      if (p < 0 || on_path[p]) continue;
      path.push_back(static_cast<int>(l));
      walk(p);
      path.pop_back();
    }
    on_path[e] = false;
  };
  walk(from);
  return found;
}

// "transactions.account_id -> accounts.customer_id -> customers": a chain
// of links by the columns it follows.
std::string PathText(const Domain& domain, int from, const std::vector<int>& path) {
  std::string text;
  for (int l : path) {
    const DomainLink& link = domain.entities[from].links[l];
    text += domain.entities[from].name + "." + link.columns.front() + " -> ";
    from = domain.FindEntity(link.parent);
  }
  return text + domain.entities[from].name;
}


bool Resolver::ResolveRead(const Domain& domain, int e, const std::string& what, const std::string& entity_name,
                           const std::string& column, const SourceLocation& where, std::vector<int>& path,
                           int& target_entity, int& target_column) {
  const DomainEntity& entity = domain.entities[e];
  int target = e;
  if (!entity_name.empty()) {
    target = domain.FindEntity(entity_name);
    if (target < 0) {
      Add(where, WithSuggestion(what + " names unknown entity '" + entity_name + "'", entity_name, domain.entities));
      return false;
    }
    if (target == e) {
      Add(where, what + " names '" + entity_name + "', this row's own entity; write '" + column +
                     "' for a column of the same row");
      return false;
    }
    // A parent row is found by following links; with two chains to the
    // same entity the file would have to say which one it means.
    const std::vector<std::vector<int>> paths = LinkPaths(domain, e, target, 2);
    if (paths.empty()) {
      Add(where, what + " reads '" + entity_name + "', which '" + entity.name +
                     "' does not reach through its links (a chain of parents)");
      return false;
    }
    if (paths.size() > 1) {
      Add(where, what + " reads '" + entity_name + "', which '" + entity.name +
                     "' reaches through more than one chain of links (" + PathText(domain, e, paths[0]) + ", " +
                     PathText(domain, e, paths[1]) + "), so its row is not one row");
      return false;
    }
    path = paths.front();
  }
  const DomainEntity& owner = domain.entities[target];
  target_column = owner.FindColumn(column);
  if (target_column < 0) {
    Add(where, WithSuggestion(what + " names unknown column '" + column + "' of '" + owner.name + "'", column,
                              owner.columns));
    return false;
  }
  target_entity = target;
  return true;
}

void Resolver::ResolveRules(Domain& domain, int e) {
  DomainEntity& entity = domain.entities[e];
  for (DomainColumn& column : entity.columns) {
    const std::string name = "column '" + entity.name + "." + column.name + "'";
    for (DateRule& rule : column.rules) {
      ResolveRead(domain, e, name + ": '" + rule.key + "'", rule.entity, rule.column, rule.where, rule.path,
                  rule.target_entity, rule.target_column);
    }
    if (column.source == ColumnSource::kCopied && !column.copy.entity.empty()) {
      ParentColumn& copy = column.copy;
      ResolveRead(domain, e, name + ": 'copy'", copy.entity, copy.column, copy.where, copy.path, copy.target_entity,
                  copy.target_column);
    }
  }
}

// The parent columns a `per_parent` rate reads for each parent's active
// time (docs/domain-files.md, "Time"), or a `per_parent` column its count.
void Resolver::ResolveRates(const Domain& domain, DomainEntity& entity) {
  for (DomainLink& link : entity.links) {
    if (!link.per_parent || !link.per_parent->ReadsParent()) continue;
    const int p = domain.FindEntity(link.parent);
    if (p < 0) continue;  // reported by ResolveLinks
    const DomainEntity& parent = domain.entities[p];
    if (link.per_parent->kind == Cardinality::Kind::kColumn) {
      Cardinality& count = *link.per_parent;
      count.column_index = parent.FindColumn(count.column);
      if (count.column_index < 0) {
        Add(count.column_where, WithSuggestion("'per_parent': 'column' names '" + count.column + "', which '" +
                                                   parent.name + "' does not have",
                                               count.column, parent.columns));
      }
      continue;
    }
    Cardinality::Rate& rate = *link.per_parent->rate;
    for (auto [name, column] : {std::pair{&rate.from, &rate.from_column}, std::pair{&rate.to, &rate.to_column}}) {
      if (name->empty()) continue;  // [FROM] alone: active to the end of the window
      *column = parent.FindColumn(*name);
      if (*column >= 0) continue;
      Add(rate.where, WithSuggestion("'per_parent': 'active' names '" + *name + "', which '" + parent.name +
                                         "' does not have",
                                     *name, parent.columns));
    }
  }
}

// The columns a link's `pick` reads: the parent's weight and match
// columns, this entity's match columns, and the link of its distinct_from.
void Resolver::ResolvePicks(const Domain& domain, DomainEntity& entity) {
  for (DomainLink& link : entity.links) {
    if (!link.pick) continue;
    LinkPick& pick = *link.pick;
    const int p = domain.FindEntity(link.parent);
    if (p < 0) continue;  // reported by ResolveLinks
    const DomainEntity& parent = domain.entities[p];
    auto find = [&](const DomainEntity& owner, const std::string& name, const SourceLocation& where,
                    const std::string& what) {
      const int c = owner.FindColumn(name);
      if (c < 0) {
        Add(where, WithSuggestion("'pick': " + what + " names '" + name + "', which '" + owner.name + "' does not have",
                                  name, owner.columns));
      }
      return c;
    };
    if (!pick.weight.empty()) pick.weight_column = find(parent, pick.weight, pick.weight_where, "'weight'");
    for (LinkPick::Match& m : pick.match) {
      m.child_column = find(entity, m.child, m.where, "'match'");
      m.parent_column = find(parent, m.parent, m.where, "'match'");
    }
    if (!pick.distinct_from.empty()) {
      const int c = find(entity, pick.distinct_from, pick.distinct_from_where, "'distinct_from'");
      if (c >= 0 && entity.columns[c].source == ColumnSource::kReference) pick.distinct_from_link = entity.columns[c].link;
    }
  }
}

// The columns a model is conditioned on, row by row (`model: {given}`).
void Resolver::ResolveGiven(DomainEntity& entity) {
  if (!entity.model) return;
  for (ModelRef::Given& given : entity.model->given) {
    given.entity_column = entity.FindColumn(given.column);
    if (given.entity_column < 0) {
      Add(given.where, WithSuggestion("'model': 'given' names '" + given.column + "', which '" + entity.name +
                                          "' does not have",
                                      given.column, entity.columns));
    }
  }
}

void Resolver::ResolveAggregates(Domain& domain, int e) {
  DomainEntity& entity = domain.entities[e];
  for (DomainColumn& column : entity.columns) {
    if (column.source != ColumnSource::kAggregate) continue;
    Aggregate& aggregate = column.aggregate;
    const std::string what = "column '" + entity.name + "." + column.name + "': 'aggregate'";
    const int child = domain.FindEntity(aggregate.entity);
    if (child < 0) {
      Add(aggregate.where, WithSuggestion(what + " names unknown entity '" + aggregate.entity + "'", aggregate.entity,
                                          domain.entities));
      continue;
    }
    const DomainEntity& children = domain.entities[child];
    // The children are found from the counts of the link that groups them
    // under this entity's rows, never by searching for them.
    const int link = children.CountingLink();
    if (link < 0 || domain.FindEntity(children.links[link].parent) != e) {
      Add(aggregate.where, what + " reads '" + children.name + "', whose rows are not grouped under '" +
                               entity.name + "' rows: its link to '" + entity.name +
                               "' needs 'per_parent' (the children of a row are found from their counts)");
      continue;
    }
    if (!aggregate.column.empty()) {
      aggregate.child_column = children.FindColumn(aggregate.column);
      if (aggregate.child_column < 0) {
        Add(aggregate.where, WithSuggestion(what + " names unknown column '" + aggregate.column + "' of '" +
                                                children.name + "'",
                                            aggregate.column, children.columns));
        continue;
      }
    }
    aggregate.child_entity = child;
    aggregate.link = link;
  }
}

void Resolver::TypeUntypedAggregates(Domain& domain) {
  // An untyped aggregate takes the type its values have: bigint for a
  // count or a sum of integers, numeric(18, s) for a sum of numeric(p, s),
  // the child column's own type otherwise. An aggregate may read another
  // (a customer's total of its accounts' balances): copy until nothing
  // changes, as TypeUntypedReferences does (a cycle of aggregates, refused
  // by validation, settles too: each rule above is idempotent; the bound is
  // a guard).
  using F = SqlType::Family;
  bool changed = true;
  for (int round = 0; changed && round < 64; ++round) {
    changed = false;
    for (DomainEntity& entity : domain.entities) {
      for (DomainColumn& column : entity.columns) {
        const Aggregate& aggregate = column.aggregate;
        if (column.source != ColumnSource::kAggregate || column.type_given || aggregate.child_entity < 0) continue;
        SqlType type = *ParseSqlType("bigint");
        if (aggregate.op != Aggregate::Op::kCount) {
          type = domain.entities[aggregate.child_entity].columns[aggregate.child_column].type;
          if (aggregate.op == Aggregate::Op::kSum && type.IsInteger()) {
            type = *ParseSqlType("bigint");
          } else if (aggregate.op == Aggregate::Op::kSum && type.family == F::kNumeric && type.precision > 0) {
            type.precision = 18;  // what an int64 of 10^-scale units holds
          } else if (aggregate.op == Aggregate::Op::kSum && type.family == F::kReal) {
            type.family = F::kDouble;
          }
        }
        if (column.type == type) continue;
        column.type = type;
        changed = true;
      }
    }
  }
}

void Resolver::ResolveHistories(DomainEntity& entity) {
  // step_of names the link column whose funnel the row steps through;
  // next_of a column of the same row (read in the next sibling), whose type
  // it takes unless given. Both follow the entity's grouping link.
  for (DomainColumn& column : entity.columns) {
    const std::string where = "column '" + entity.name + "." + column.name + "'";
    if (column.source == ColumnSource::kStep) {
      const int c = entity.FindColumn(column.step_of);
      const DomainColumn* ref = c < 0 ? nullptr : &entity.columns[c];
      if (!ref || ref->source != ColumnSource::kReference) {
        Add(column.where, where + ": 'step_of' names a column of '" + entity.name +
                              "' that references a parent with 'per_parent: {funnel: ...}'");
        continue;
      }
      column.link = ref->link;
      if (!column.type_given) column.type = *ParseSqlType("text");
    } else if (column.source == ColumnSource::kNextOf) {
      column.next_of_column = entity.FindColumn(column.next_of);
      if (column.next_of_column < 0) {
        Add(column.where, WithSuggestion(where + ": 'next_of' names unknown column '" + column.next_of + "' of '" +
                                              entity.name + "'",
                                          column.next_of, entity.columns));
        continue;
      }
      column.link = entity.CountingLink();
      if (!column.type_given) column.type = entity.columns[column.next_of_column].type;
    }
  }
}

}  // namespace

void ResolveDomain(Domain& domain, const ProviderRegistry& registry, std::vector<Diagnostic>& diagnostics) {
  Resolver(registry, diagnostics).Resolve(domain);
  ResolveScenarios(domain, diagnostics);
}

}  // namespace seedforge
