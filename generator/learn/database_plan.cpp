// The learner's decisions from the sample's rows: counting links and their
// counts, copied columns, date orders, context columns and two-link picks
// (database_model.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "learn/database_model.h"
#include "seedforge/error.h"

namespace seedforge::internal {

namespace {

// Categories with more distinct values than this, or fewer than two rows a
// value on average, are free text: a label list would carry values that
// identify rows into the model file.
constexpr size_t kMaxLearnedCategories = 50;
// Most children of one parent in the sample for a learned date to be sorted
// among them (`sequence: true`).
constexpr int64_t kMaxSortedChildren = 1000;

const Table* TableOf(const DatabaseSample& sample, const std::string& entity) {
  auto it = sample.tables.find(entity);
  return it == sample.tables.end() ? nullptr : &it->second;
}

std::vector<int64_t> ParentRowsOfTables(const Table& child, const Table& parent, const DomainLink& link) {
  std::vector<int> child_cols, parent_cols;
  for (const std::string& name : link.columns) child_cols.push_back(child.Find(name));
  for (const std::string& name : link.parent_columns) parent_cols.push_back(parent.Find(name));
  std::vector<int64_t> out(child.rows(), kOrphanRow);
  if (std::count(child_cols.begin(), child_cols.end(), -1) || std::count(parent_cols.begin(), parent_cols.end(), -1)) {
    return out;
  }
  auto key_of = [](const Table& table, const std::vector<int>& cols, size_t row, bool* null) {
    std::string key;
    for (int c : cols) {
      if (table.columns[c].IsNull(row)) *null = true;
      key += KeyText(table.columns[c], row);
      key += '\x1f';
    }
    return key;
  };
  std::unordered_map<std::string, int64_t> rows;
  rows.reserve(parent.rows());
  for (size_t r = 0; r < parent.rows(); ++r) {
    bool null = false;
    std::string key = key_of(parent, parent_cols, r, &null);
    if (!null) rows.emplace(std::move(key), static_cast<int64_t>(r));
  }
  for (size_t r = 0; r < child.rows(); ++r) {
    bool null = false;
    const std::string key = key_of(child, child_cols, r, &null);
    if (null) {
      out[r] = kNullRow;
    } else if (auto it = rows.find(key); it != rows.end()) {
      out[r] = it->second;
    }
  }
  return out;
}

// Values as small codes for association measures: numbers and dates in
// quintiles, categories by their most frequent labels, NULL its own code.
std::vector<int> BinCodes(const TableColumn& column) {
  const size_t n = column.nulls.size();
  std::vector<int> codes(n, 0);
  if (column.type == ColumnType::kDecimal || column.type == ColumnType::kInteger ||
      column.type == ColumnType::kDate || column.type == ColumnType::kTimestamp) {
    std::vector<double> values;
    auto value = [&](size_t r) {
      return column.type == ColumnType::kDecimal ? column.numbers[r] : static_cast<double>(column.ints[r]);
    };
    for (size_t r = 0; r < n; ++r) {
      if (!column.IsNull(r)) values.push_back(value(r));
    }
    std::sort(values.begin(), values.end());
    std::vector<double> cuts;
    for (int q = 1; q < 5 && !values.empty(); ++q) cuts.push_back(values[values.size() * q / 5]);
    for (size_t r = 0; r < n; ++r) {
      if (column.IsNull(r)) continue;
      codes[r] = 1 + static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), value(r)) - cuts.begin());
    }
    return codes;
  }
  std::map<std::string_view, size_t> counts;
  for (size_t r = 0; r < n; ++r) {
    if (!column.IsNull(r)) ++counts[column.Text(r)];
  }
  std::vector<std::pair<size_t, std::string_view>> ranked;
  for (const auto& [label, count] : counts) ranked.push_back({count, label});
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::map<std::string_view, int> code_of;
  for (size_t i = 0; i < ranked.size() && i < 9; ++i) code_of[ranked[i].second] = static_cast<int>(i) + 1;
  for (size_t r = 0; r < n; ++r) {
    if (column.IsNull(r)) continue;
    auto it = code_of.find(column.Text(r));
    codes[r] = it == code_of.end() ? 10 : it->second;
  }
  return codes;
}

// Cramér's V of paired codes, and whether it stands out from what
// independent columns of this size would show (twice the V whose square is
// the chi-square's expectation, df / (n (k - 1))).
struct Association {
  double v = 0;
  bool significant = false;
};

Association CramersV(const std::vector<int>& a, const std::vector<int>& b) {
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> left, right;
  const double n = static_cast<double>(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ++joint[{a[i], b[i]}];
    ++left[a[i]];
    ++right[b[i]];
  }
  const double k = static_cast<double>(std::min(left.size(), right.size()));
  if (n < 10 || k < 2) return {};
  double chi2 = 0;
  for (const auto& [x, nx] : left) {
    for (const auto& [y, ny] : right) {
      const double expected = nx * ny / n;
      auto it = joint.find({x, y});
      const double observed = it == joint.end() ? 0 : it->second;
      chi2 += (observed - expected) * (observed - expected) / expected;
    }
  }
  const double v = std::sqrt(chi2 / (n * (k - 1)));
  const double df = static_cast<double>((left.size() - 1) * (right.size() - 1));
  const double noise = std::sqrt(df / (n * (k - 1)));
  return {v, v >= kMinAssociation && v >= 2 * noise};
}

bool IsDateType(ColumnType type) { return type == ColumnType::kDate || type == ColumnType::kTimestamp; }

// Microseconds, so that a date and a timestamp compare.
int64_t Micros(const TableColumn& column, size_t row) {
  return column.type == ColumnType::kDate ? column.ints[row] * 86'400'000'000LL : column.ints[row];
}

bool IsPiiProvider(const std::string& provider) {
  static const std::set<std::string> kPii = {"email",    "phone", "person", "address", "credit_card",
                                              "ssn",      "username", "vin", "iban", "company",
                                              "date_of_birth", "ip", "ipv6"};
  return kPii.count(provider) != 0;
}

// SQL types whose values a model makes: numbers, booleans, dates and
// timestamps, and text (enums included). Arrays, JSON, ranges, bytea,
// addresses, intervals, times, text-search vectors keep their providers.
bool ModelsHold(const SqlType& type) {
  using F = SqlType::Family;
  if (type.array) return false;
  switch (type.family) {
    case F::kSmallInt:
    case F::kInteger:
    case F::kBigInt:
    case F::kNumeric:
    case F::kReal:
    case F::kDouble:
    case F::kBoolean:
    case F::kDate:
    case F::kTimestamp:
    case F::kTimestampTz:
    case F::kText:
    case F::kVarchar:
    case F::kChar:
    case F::kCitext:
    case F::kEnum: return true;
    default: return false;
  }
}

// Whether a column's values may go into a model: a type the models learn,
// and for text a short list of labels that each come back. In reference
// data (a table other tables refer to) a label may appear once: the 25
// genres or 5 media types of a catalogue are its vocabulary, which a copy
// should keep, and a provider's made-up words would not.
bool Learnable(const TableColumn& column, bool reference_data) {
  switch (column.type) {
    case ColumnType::kInteger:
    case ColumnType::kDecimal:
    case ColumnType::kBoolean:
    case ColumnType::kDate:
    case ColumnType::kTimestamp: return true;
    case ColumnType::kCategory:
    case ColumnType::kId:
    case ColumnType::kText: {
      std::set<std::string_view> labels;
      size_t values = 0;
      for (size_t r = 0; r < column.nulls.size(); ++r) {
        if (column.IsNull(r)) continue;
        labels.insert(column.Text(r));
        ++values;
      }
      if (labels.size() > kMaxLearnedCategories) return false;
      return reference_data || (column.type == ColumnType::kCategory && values >= 2 * labels.size());
    }
    default: return false;
  }
}

// How many chains of links lead from `from` to `to` (at most 2), as the
// domain's `copy:` and `after:` resolve them: a parent reached twice is no
// one row.
int ChainsTo(const Domain& domain, int from, int to, std::vector<bool>& on_path) {
  if (from == to) return 1;
  on_path[from] = true;
  int found = 0;
  for (const DomainLink& link : domain.entities[from].links) {
    const int p = domain.FindEntity(link.parent);
    if (p < 0 || on_path[p]) continue;
    found += ChainsTo(domain, p, to, on_path);
    if (found >= 2) break;
  }
  on_path[from] = false;
  return found;
}

std::string UniqueName(const DomainEntity& entity, const std::vector<AddedColumn>& added, std::string name) {
  auto taken = [&](const std::string& n) {
    return entity.FindColumn(n) >= 0 ||
           std::any_of(added.begin(), added.end(), [&](const AddedColumn& a) { return a.name == n; });
  };
  const std::string base = name;
  for (int i = 2; taken(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

class Planner {
 public:
  explicit Planner(const DatabaseSample& sample) : sample_(sample), schema_(sample.schema) {}

  DatabasePlan Run();

 private:
  void PlanColumns(int e);
  void PlanLinks(int e);
  void PlanCopiesAndDates(int e);
  void PlanContext(int e);
  void PlanMatches(int e);
  void PlanDistinctPairs(int e);
  void PlanPickMatches(int e);
  void PlanStratified(int e);
  void PlanOrder(int e);

  const std::vector<int64_t>& ParentRowsOf(int e, int l);
  // Whether link l of entity e is its only way to its parent (a copy or a
  // date rule through it reads one row).
  bool OnlyChain(int e, int l) {
    const int p = schema_.FindEntity(schema_.entities[e].links[l].parent);
    std::vector<bool> on_path(schema_.entities.size(), false);
    return p >= 0 && p != e && ChainsTo(schema_, e, p, on_path) == 1;
  }
  // Each learned column of entity e, binned (BinCodes), for associations.
  std::vector<std::vector<int>> LearnedCodes(int e) {
    const DomainEntity& entity = schema_.entities[e];
    const Table& table = *TableOf(sample_, entity.name);
    std::vector<std::vector<int>> codes;
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      if (plan_.entities[e].columns[c].source == ColumnPlan::Source::kLearned) {
        codes.push_back(BinCodes(table.columns[table.Find(entity.columns[c].name)]));
      }
    }
    return codes;
  }
  // Link l of entity e picks among parents whose `column` equals a hidden
  // column the entity's model learns.
  void AddMatch(int e, size_t l, int parent_index, int column) {
    const DomainEntity& entity = schema_.entities[e];
    EntityPlan& p = plan_.entities[e];
    const DomainColumn& category = schema_.entities[parent_index].columns[column];
    AddedColumn match;
    match.kind = AddedColumn::Kind::kMatch;
    match.parent_entity = parent_index;
    match.parent_column = column;
    match.link = static_cast<int>(l);
    match.sql_type = category.type.ToSql();
    match.name = UniqueName(entity, p.added, entity.links[l].columns.front() + "_" + category.name);
    p.added.push_back(match);
    p.links[l].match_child = match.name;
    p.links[l].match_parent = category.name;
  }
  // Whether another entity refers to entity e.
  bool IsReferenced(int e) const {
    const std::string& name = schema_.entities[e].name;
    for (const DomainEntity& other : schema_.entities) {
      if (other.name == name) continue;
      for (const DomainLink& link : other.links) {
        if (link.parent == name) return true;
      }
    }
    return false;
  }

  const DatabaseSample& sample_;
  const Domain& schema_;
  DatabasePlan plan_;
  std::map<std::pair<int, int>, std::vector<int64_t>> parent_rows_;
};

const std::vector<int64_t>& Planner::ParentRowsOf(int e, int l) {
  auto [it, fresh] = parent_rows_.try_emplace({e, l});
  if (fresh) it->second = ParentRows(sample_, e, l);
  return it->second;
}

DatabasePlan Planner::Run() {
  plan_.entities.resize(schema_.entities.size());
  for (size_t e = 0; e < schema_.entities.size(); ++e) {
    const DomainEntity& entity = schema_.entities[e];
    EntityPlan& p = plan_.entities[e];
    const Table* table = TableOf(sample_, entity.name);
    p.has_table = table != nullptr;
    auto full = sample_.full_rows.find(entity.name);
    p.rows = full != sample_.full_rows.end() ? full->second : table ? table->rows() : entity.rows.value_or(0);
    p.links.resize(entity.links.size());
    p.columns.resize(entity.columns.size());
  }
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanColumns(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanMatches(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanLinks(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanCopiesAndDates(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanOrder(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanDistinctPairs(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanStratified(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanPickMatches(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) PlanContext(static_cast<int>(e));
  for (size_t e = 0; e < schema_.entities.size(); ++e) {
    EntityPlan& p = plan_.entities[e];
    const bool learns = std::any_of(p.columns.begin(), p.columns.end(),
                                    [](const ColumnPlan& c) { return c.source == ColumnPlan::Source::kLearned; }) ||
                        std::any_of(p.added.begin(), p.added.end(), [](const AddedColumn& a) {
                          return a.kind != AddedColumn::Kind::kContext;
                        });
    if (learns && p.has_table && TableOf(sample_, schema_.entities[e].name)->rows() > 0) {
      p.model_file = "models/" + schema_.entities[e].name + ".model";
    } else {
      // Nothing to fit: what would have been learned keeps the schema's source.
      for (ColumnPlan& c : p.columns) {
        if (c.source == ColumnPlan::Source::kLearned) c = ColumnPlan{};
      }
      p.added.clear();
      p.given.clear();
    }
  }
  return std::move(plan_);
}

// Keys and references keep the schema; PII and free text keep their
// providers; every other column with values is learned.
void Planner::PlanColumns(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  const Table* table = TableOf(sample_, entity.name);
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    const DomainColumn& column = entity.columns[c];
    ColumnPlan& out = p.columns[c];
    if (column.source == ColumnSource::kReference) {
      out.source = ColumnPlan::Source::kReference;
      continue;
    }
    const int t = table ? table->Find(column.name) : -1;
    if (t < 0 || column.primary_key || column.unique || column.hidden) continue;
    if (column.source != ColumnSource::kProvider) continue;  // ordinal, derived, computed: as the schema says
    // Personal data and free text keep their providers (the header says
    // so once; a comment on each such column would bury the real choices).
    auto kept = sample_.keep_providers.find(entity.name);
    if (kept != sample_.keep_providers.end() && kept->second.count(column.name)) continue;
    if (IsPiiProvider(column.provider) || !ModelsHold(column.type) ||
        !Learnable(table->columns[t], IsReferenced(e))) {
      continue;
    }
    out.source = ColumnPlan::Source::kLearned;
  }
}

// A root table's first learned text column without NULLs comes stratified:
// every run of as many rows as the source has holds each label as often as
// the source does (`category` with `cycle: true`), and the table's model is
// given it, so the other columns follow it. Drawn from the model, a copy at
// the source's size has its shares off by sampling noise alone: 59 Chinook
// customers spread over 24 countries, 8 employees over 5 job titles.
void Planner::PlanStratified(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table || p.counting_link >= 0) return;
  const Table& table = *TableOf(sample_, entity.name);
  if (table.rows() == 0) return;
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    ColumnPlan& out = p.columns[c];
    if (out.source != ColumnPlan::Source::kLearned) continue;
    const TableColumn& values = table.columns[table.Find(entity.columns[c].name)];
    if (values.type != ColumnType::kCategory && values.type != ColumnType::kId && values.type != ColumnType::kText) {
      continue;
    }
    // Of an FK-closed sample, the sample proper (what the model learns from).
    size_t rows = values.nulls.size();
    if (auto sampled = sample_.sampled_rows.find(entity.name); sampled != sample_.sampled_rows.end()) {
      rows = std::min<size_t>(rows, sampled->second);
    }
    // NULLs, and empty labels (which CSV output writes as NULL), stay with the model.
    bool stays = rows == 0;
    for (size_t r = 0; r < rows && !stays; ++r) stays = values.IsNull(r) || values.Text(r).empty();
    if (stays) continue;
    std::map<std::string_view, size_t> index;
    for (size_t r = 0; r < rows; ++r) {
      auto [it, added] = index.emplace(values.Text(r), out.counts.size());
      if (added) out.counts.emplace_back(std::string(values.Text(r)), 0);
      ++out.counts[it->second].second;
    }
    out.source = ColumnPlan::Source::kVocabulary;
    p.given.push_back(entity.columns[c].name);
    return;
  }
}

void Planner::PlanLinks(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table) return;
  const Table& table = *TableOf(sample_, entity.name);
  // A parent with rows in the sample: one without keeps a plain reference,
  // as no learned count or weight can be made for it.
  auto has_rows = [&](int parent) {
    return parent >= 0 && plan_.entities[parent].has_table &&
           TableOf(sample_, schema_.entities[parent].name)->rows() > 0;
  };
  auto usable = [&](size_t l) -> bool {
    const int parent = schema_.FindEntity(entity.links[l].parent);
    return parent != e && has_rows(parent) && p.links[l].match_child.empty();
  };
  // The counting link (CountingLink): the sampler's when the tables are an
  // FK-closed sample, whose children were read along it; else chosen here,
  // where a nullable reference without NULLs in the data may count too.
  if (auto sampled = sample_.counting_links.find(entity.name); sampled != sample_.counting_links.end()) {
    p.counting_link = sampled->second >= 0 && usable(static_cast<size_t>(sampled->second)) ? sampled->second : -1;
  } else {
    p.counting_link = CountingLink(
        entity,
        [&](size_t l) -> uint64_t { return usable(l) ? TableOf(sample_, entity.links[l].parent)->rows() : 0; },
        [&](size_t l) {
          const std::vector<int64_t>& rows = ParentRowsOf(e, static_cast<int>(l));
          return !rows.empty() && std::count(rows.begin(), rows.end(), kNullRow) == 0;
        });
  }
  const std::vector<std::string> key = entity.PrimaryKey();
  auto in_key = [&](const DomainLink& link) {
    return std::all_of(link.columns.begin(), link.columns.end(),
                       [&](const std::string& c) { return std::find(key.begin(), key.end(), c) != key.end(); });
  };
  for (size_t l = 0; l < entity.links.size(); ++l) {
    const DomainLink& link = entity.links[l];
    LinkPlan& out = p.links[l];
    const int parent = schema_.FindEntity(link.parent);
    const std::vector<int64_t>* rows = nullptr;
    if (parent == e) {
      out.role = LinkPlan::Role::kSelf;
    } else if (has_rows(parent)) {
      rows = &ParentRowsOf(e, static_cast<int>(l));
      out.role = static_cast<int>(l) == p.counting_link ? LinkPlan::Role::kCounting : LinkPlan::Role::kPicked;
    }
    // NULL share of the reference (self links find their parent in this table).
    size_t nulls = 0;
    for (size_t r = 0; r < table.rows(); ++r) {
      bool null = false;
      for (const std::string& name : link.columns) {
        const int c = table.Find(name);
        null = null || c < 0 || table.columns[c].IsNull(r);
      }
      nulls += null;
    }
    out.null_rate = table.rows() ? static_cast<double>(nulls) / table.rows() : 0;
    if (!rows) continue;
    std::vector<int64_t> children(TableOf(sample_, link.parent)->rows(), 0);
    for (int64_t r : *rows) {
      if (r >= 0) ++children[r];
      out.orphans += r == kOrphanRow;
    }
    if (out.orphans) {
      plan_.notes.push_back(entity.name + "." + link.columns.front() + ": " + std::to_string(out.orphans) +
                            " references found among no " + link.parent + " key (left out of the counts)");
    }
    AddedColumn added;
    added.kind = out.role == LinkPlan::Role::kCounting ? AddedColumn::Kind::kCount : AddedColumn::Kind::kWeight;
    added.sql_type = "integer";
    added.child_entity = e;
    added.child_link = static_cast<int>(l);
    EntityPlan& parent_plan = plan_.entities[parent];
    const std::string name = added.kind == AddedColumn::Kind::kCount
                                 ? "n_" + entity.name
                                 : "n_" + entity.name + "_by_" + link.columns.front();
    added.name = UniqueName(schema_.entities[parent], parent_plan.added, name);
    out.count_column = added.name;
    parent_plan.added.push_back(added);
    if (!children.empty()) {
      out.max_children = *std::max_element(children.begin(), children.end());
      double total = 0;
      for (int64_t n : children) total += static_cast<double>(n);
      out.mean_children = total / static_cast<double>(children.size());
    }
    // A composite key of the counting link and this one: a junction table,
    // whose children of one parent never name the same other parent twice.
    if (out.role == LinkPlan::Role::kPicked && p.counting_link >= 0 && key.size() >= 2 && in_key(link) &&
        in_key(entity.links[p.counting_link])) {
      out.distinct = true;
    }
  }
}

// Child columns equal to a parent's on every row become copies; learned
// dates never before a parent's date follow it (`after:`).
void Planner::PlanCopiesAndDates(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table) return;
  const Table& table = *TableOf(sample_, entity.name);
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    ColumnPlan& out = p.columns[c];
    const DomainColumn& column = entity.columns[c];
    const int t = table.Find(column.name);
    if (t < 0 || column.primary_key || column.unique || out.source == ColumnPlan::Source::kReference ||
        column.source != ColumnSource::kProvider) {
      continue;
    }
    const TableColumn& child = table.columns[t];
    int64_t tightest = INT64_MAX;
    for (size_t l = 0; l < entity.links.size(); ++l) {
      if (p.links[l].role != LinkPlan::Role::kCounting && p.links[l].role != LinkPlan::Role::kPicked) continue;
      if (!OnlyChain(e, static_cast<int>(l))) continue;
      const DomainLink& link = entity.links[l];
      const Table& parent = *TableOf(sample_, link.parent);
      const DomainEntity& parent_entity = schema_.entities[schema_.FindEntity(link.parent)];
      const std::vector<int64_t>& rows = ParentRowsOf(e, static_cast<int>(l));
      for (const TableColumn& candidate : parent.columns) {
        const int pc = parent_entity.FindColumn(candidate.name);
        if (pc < 0 || parent_entity.columns[pc].primary_key || parent_entity.columns[pc].hidden) continue;
        size_t matched = 0, equal = 0, both_values = 0;
        bool before = false;
        int64_t gap_sum = 0;
        for (size_t r = 0; r < rows.size(); ++r) {
          if (rows[r] < 0) continue;
          ++matched;
          const bool child_null = child.IsNull(r), parent_null = candidate.IsNull(rows[r]);
          if (child_null != parent_null) continue;
          if (child_null) {
            ++equal;
            continue;
          }
          ++both_values;
          equal += child.type == ColumnType::kDecimal && candidate.type == ColumnType::kDecimal
                       ? child.numbers[r] == candidate.numbers[rows[r]]
                       : KeyText(child, r) == KeyText(candidate, rows[r]);
          if (IsDateType(child.type) && IsDateType(candidate.type)) {
            const int64_t gap = Micros(child, r) - Micros(candidate, rows[r]);
            before = before || gap < 0;
            gap_sum += gap / 1'000'000;
          }
        }
        if (matched > 0 && both_values > 0 && equal == matched) {
          out.source = ColumnPlan::Source::kCopied;
          out.copy_of = link.parent + "." + candidate.name;
          out.why = "equal to " + out.copy_of + " on all " + std::to_string(matched) + " rows";
          plan_.notes.push_back(entity.name + "." + column.name + " copies " + out.copy_of);
          break;
        }
        if (out.source == ColumnPlan::Source::kLearned && IsDateType(child.type) && IsDateType(candidate.type) &&
            !before && both_values >= 10 && gap_sum / static_cast<int64_t>(both_values) < tightest) {
          tightest = gap_sum / static_cast<int64_t>(both_values);
          out.after = link.parent + "." + candidate.name;
        }
      }
      if (out.source == ColumnPlan::Source::kCopied) {
        out.after.clear();
        break;
      }
    }
    if (!out.after.empty()) plan_.notes.push_back(entity.name + "." + column.name + " is on or after " + out.after);
  }
}

// A learned date that rises with the key among each parent's children (a
// customer's invoices, a patient's visits) gets `sequence: true`: the model
// draws each child's date as before, and a parent's children take them in
// order. Kept when at least kMinCountingParents parents have two children
// or more, no more than 5% of them break the order, and no parent has more
// than kMaxSortedChildren.
void Planner::PlanOrder(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table || p.counting_link < 0) return;
  const Table& table = *TableOf(sample_, entity.name);
  const std::vector<int64_t>& parents = ParentRowsOf(e, p.counting_link);
  // The children's order: by a whole-number key, else as the rows came.
  std::vector<size_t> order(table.rows());
  std::iota(order.begin(), order.end(), 0);
  const std::vector<std::string> key = entity.PrimaryKey();
  if (key.size() == 1) {
    const int k = table.Find(key[0]);
    if (k >= 0 && table.columns[k].type == ColumnType::kInteger) {
      const TableColumn& ids = table.columns[k];
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids.ints[a] < ids.ints[b]; });
    }
  }
  const std::string counting_parent = entity.links[p.counting_link].parent + ".";
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    ColumnPlan& out = p.columns[c];
    const int t = table.Find(entity.columns[c].name);
    if (out.source != ColumnPlan::Source::kLearned || t < 0 || !IsDateType(table.columns[t].type)) continue;
    if (!out.after.empty() && out.after.rfind(counting_parent, 0) != 0) continue;  // a bound siblings do not share
    const TableColumn& dates = table.columns[t];
    struct Group {
      int64_t last = 0;
      size_t children = 0;
      bool broken = false;
    };
    std::unordered_map<int64_t, Group> groups;
    for (size_t r : order) {
      if (parents[r] < 0) continue;
      Group& g = groups[parents[r]];
      if (dates.IsNull(r)) {
        g.broken = true;
      } else {
        if (g.children > 0 && Micros(dates, r) < g.last) g.broken = true;
        g.last = Micros(dates, r);
      }
      ++g.children;
    }
    size_t several = 0, broken = 0;
    for (const auto& [parent, g] : groups) {
      if (g.children < 2) continue;
      ++several;
      broken += g.broken;
    }
    // Sorting makes a parent's children again for each batch that holds only
    // some of them: kept to families of at most kMaxSortedChildren.
    if (several < kMinCountingParents || broken * 20 > several ||
        p.links[p.counting_link].max_children > kMaxSortedChildren) {
      continue;
    }
    out.sequence = true;
    plan_.notes.push_back(entity.name + "." + entity.columns[c].name + " rises among each " +
                          entity.links[p.counting_link].parent + "'s children");
  }
}

// Two links to one parent whose categories go together (flights between
// regions): both pick their parent matched on a learned hidden column of
// the parent's category, so the model keeps the pair's joint, and neither
// counts (a counted parent is fixed before the row's columns are made).
void Planner::PlanMatches(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table) return;
  const Table& table = *TableOf(sample_, entity.name);
  auto pairable = [&](size_t l) {
    const int parent = schema_.FindEntity(entity.links[l].parent);
    return entity.links[l].columns.size() == 1 && parent >= 0 && parent != e && plan_.entities[parent].has_table &&
           p.links[l].match_child.empty();
  };
  for (size_t b = 0; b < entity.links.size(); ++b) {
    for (size_t a = 0; a < b && pairable(b); ++a) {
      if (!pairable(a) || entity.links[a].parent != entity.links[b].parent) continue;
      const std::vector<int64_t>& rows_a = ParentRowsOf(e, static_cast<int>(a));
      const std::vector<int64_t>& rows_b = ParentRowsOf(e, static_cast<int>(b));
      const Table& parent = *TableOf(sample_, entity.links[a].parent);
      const int parent_index = schema_.FindEntity(entity.links[a].parent);
      const DomainEntity& parent_entity = schema_.entities[parent_index];
      double best = 0;
      int best_column = -1;
      for (size_t pc = 0; pc < parent_entity.columns.size(); ++pc) {
        if (!plan_.entities[parent_index].columns[pc].Modelled()) continue;
        const int t = parent.Find(parent_entity.columns[pc].name);
        if (t < 0 || parent.columns[t].type != ColumnType::kCategory) continue;
        const std::vector<int> codes = BinCodes(parent.columns[t]);
        std::vector<int> left, right;
        for (size_t r = 0; r < table.rows(); ++r) {
          if (rows_a[r] < 0 || rows_b[r] < 0) continue;
          left.push_back(codes[rows_a[r]]);
          right.push_back(codes[rows_b[r]]);
        }
        const Association association = CramersV(left, right);
        if (association.significant && association.v > best) {
          best = association.v;
          best_column = static_cast<int>(pc);
        }
      }
      if (best_column < 0) continue;
      const DomainColumn& category = parent_entity.columns[best_column];
      for (size_t l : {a, b}) AddMatch(e, l, parent_index, best_column);
      char v[16];
      std::snprintf(v, sizeof(v), "%.2f", best);
      plan_.notes.push_back(entity.name + "." + entity.links[a].columns.front() + " and " +
                            entity.links[b].columns.front() + " go together on " + parent_entity.name + "." +
                            category.name + " (Cramér's V " + v + "): both picked, matched on it");
    }
  }
}

// Two links to one parent that never name the same row (a flight's
// origin and destination): the second never picks the first's parent.
void Planner::PlanDistinctPairs(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table) return;
  const Table& table = *TableOf(sample_, entity.name);
  for (size_t b = 0; b < entity.links.size(); ++b) {
    if (p.links[b].role != LinkPlan::Role::kPicked || entity.links[b].columns.size() != 1) continue;
    for (size_t a = 0; a < b; ++a) {
      const LinkPlan::Role role = p.links[a].role;
      if ((role != LinkPlan::Role::kCounting && role != LinkPlan::Role::kPicked) ||
          entity.links[a].parent != entity.links[b].parent || entity.links[a].columns.size() != 1) {
        continue;
      }
      const std::vector<int64_t>& rows_a = ParentRowsOf(e, static_cast<int>(a));
      const std::vector<int64_t>& rows_b = ParentRowsOf(e, static_cast<int>(b));
      size_t both = 0, same = 0;
      for (size_t r = 0; r < table.rows(); ++r) {
        if (rows_a[r] < 0 || rows_b[r] < 0) continue;
        ++both;
        same += rows_a[r] == rows_b[r];
      }
      if (both > 0 && same == 0) {
        p.links[b].distinct_from = entity.links[a].columns.front();
        plan_.notes.push_back(entity.name + "." + entity.links[b].columns.front() + " never equals " +
                              entity.links[a].columns.front());
        break;
      }
    }
  }
}

// The counting parent's columns most associated with the child's learned
// columns condition the child's model (`given`).
void Planner::PlanContext(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table || p.counting_link < 0 || !OnlyChain(e, p.counting_link)) return;
  const std::vector<std::vector<int>> child_codes = LearnedCodes(e);
  if (child_codes.empty()) return;
  const DomainLink& link = entity.links[p.counting_link];
  const int parent_index = schema_.FindEntity(link.parent);
  const DomainEntity& parent_entity = schema_.entities[parent_index];
  const Table& parent = *TableOf(sample_, link.parent);
  const std::vector<int64_t>& rows = ParentRowsOf(e, p.counting_link);
  std::set<std::string> copied;
  for (const ColumnPlan& c : p.columns) copied.insert(c.copy_of);
  std::vector<std::pair<double, int>> scored;
  for (size_t pc = 0; pc < parent_entity.columns.size(); ++pc) {
    if (!plan_.entities[parent_index].columns[pc].Modelled() ||
        copied.count(link.parent + "." + parent_entity.columns[pc].name)) {
      continue;
    }
    const std::vector<int> codes = BinCodes(parent.columns[parent.Find(parent_entity.columns[pc].name)]);
    double best = 0;
    for (const std::vector<int>& child : child_codes) {
      std::vector<int> left, right;
      for (size_t r = 0; r < rows.size(); ++r) {
        if (rows[r] < 0) continue;
        left.push_back(codes[rows[r]]);
        right.push_back(child[r]);
      }
      const Association association = CramersV(left, right);
      if (association.significant) best = std::max(best, association.v);
    }
    if (best > 0) scored.push_back({best, static_cast<int>(pc)});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  for (size_t i = 0; i < scored.size() && p.given.size() < kMaxGiven; ++i) {
    const DomainColumn& column = parent_entity.columns[scored[i].second];
    AddedColumn given;
    given.kind = AddedColumn::Kind::kContext;
    given.parent_entity = parent_index;
    given.parent_column = scored[i].second;
    given.link = p.counting_link;
    given.sql_type = column.type.ToSql();
    given.name = UniqueName(entity, p.added, link.parent + "_" + column.name);
    p.added.push_back(given);
    p.given.push_back(given.name);
  }
}

// A picked parent whose learned category goes with the child's learned
// columns (a track's media type with its size and price): the child's model
// learns the category of the parent its row refers to, and the pick keeps to
// parents of that category. A pick by weight alone would give a video's
// price to an audio file.
void Planner::PlanPickMatches(int e) {
  const DomainEntity& entity = schema_.entities[e];
  EntityPlan& p = plan_.entities[e];
  if (!p.has_table) return;
  const std::vector<std::vector<int>> child_codes = LearnedCodes(e);
  if (child_codes.empty()) return;
  for (size_t l = 0; l < entity.links.size(); ++l) {
    const DomainLink& link = entity.links[l];
    const int parent_index = schema_.FindEntity(link.parent);
    if (p.links[l].role != LinkPlan::Role::kPicked || !p.links[l].match_child.empty() || link.columns.size() != 1 ||
        parent_index == e) {
      continue;
    }
    const DomainEntity& parent_entity = schema_.entities[parent_index];
    const Table& parent = *TableOf(sample_, link.parent);
    const std::vector<int64_t>& rows = ParentRowsOf(e, static_cast<int>(l));
    double best = 0;
    int best_column = -1;
    for (size_t pc = 0; pc < parent_entity.columns.size(); ++pc) {
      if (!plan_.entities[parent_index].columns[pc].Modelled()) continue;
      const TableColumn& category = parent.columns[parent.Find(parent_entity.columns[pc].name)];
      if (category.type != ColumnType::kCategory && category.type != ColumnType::kId &&
          category.type != ColumnType::kText) {
        continue;  // numbers are matched badly by equality
      }
      const std::vector<int> codes = BinCodes(category);
      for (const std::vector<int>& child : child_codes) {
        std::vector<int> left, right;
        for (size_t r = 0; r < rows.size(); ++r) {
          if (rows[r] < 0 || category.IsNull(rows[r])) continue;
          left.push_back(codes[rows[r]]);
          right.push_back(child[r]);
        }
        const Association association = CramersV(left, right);
        if (association.significant && association.v > best) {
          best = association.v;
          best_column = static_cast<int>(pc);
        }
      }
    }
    if (best_column < 0) continue;
    const DomainColumn& category = parent_entity.columns[best_column];
    AddMatch(e, l, parent_index, best_column);
    char v[16];
    std::snprintf(v, sizeof(v), "%.2f", best);
    plan_.notes.push_back(entity.name + "." + link.columns.front() + " picks by " + parent_entity.name + "." +
                          category.name + ", which goes with " + entity.name + "'s columns (Cramér's V " + v + ")");
  }
}

}  // namespace

std::string KeyText(const TableColumn& column, size_t row) {
  if (column.type == ColumnType::kInteger) return std::to_string(column.ints[row]);
  // Keys typed as ids keep their text; whole numbers are compared as numbers.
  if (auto value = ParseInteger(column.Text(row))) return std::to_string(*value);
  return std::string(column.Text(row));
}

std::vector<int64_t> ParentRows(const DatabaseSample& sample, int e, int l) {
  const DomainEntity& entity = sample.schema.entities[e];
  const DomainLink& link = entity.links[l];
  return ParentRowsOfTables(*TableOf(sample, entity.name), *TableOf(sample, link.parent), link);
}

DatabasePlan PlanDatabase(const DatabaseSample& sample) { return Planner(sample).Run(); }

}  // namespace seedforge::internal
