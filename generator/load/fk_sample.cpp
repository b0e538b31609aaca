// The FK-closed sample (fk_sample.h): the steps of the header, with the
// keys links refer to kept per table as the rows go by.
#include "load/fk_sample.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "seedforge/database.h"
#include "seedforge/error.h"
#include "seedforge/sql_ident.h"

namespace seedforge {

namespace {

// Keys per `IN (...)` read: a query text of a few hundred KB at most, and
// few enough round trips.
constexpr size_t kKeysPerRead = 5000;
// A table whose row count the catalog does not know (never analyzed) is
// counted when the planner guesses fewer rows than this; a larger one keeps
// the guess rather than scan the table for a number.
constexpr double kCountBelow = 1e6;

using Clock = std::chrono::steady_clock;
using Tuple = std::vector<std::string>;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Tuples as one string each, length-prefixed so that no two encode alike.
std::string Encode(const Tuple& tuple) {
  std::string out;
  for (const std::string& part : tuple) out += std::to_string(part.size()) + ':' + part;
  return out;
}

// The tuple of `columns` in a row; nullopt when a part is NULL (such a row
// refers to nothing, and nothing refers to it).
std::optional<Tuple> TupleOf(PgReadSession::Fields fields, const std::vector<int>& columns) {
  Tuple tuple;
  for (int c : columns) {
    if (!fields[c]) return std::nullopt;
    tuple.emplace_back(*fields[c]);
  }
  return tuple;
}

// A SQL string literal (standard_conforming_strings is on in the read).
std::string QuoteLiteral(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Values of some columns of a table that the sample holds: a key that
// links refer to.
struct KeySet {
  std::vector<std::string> names;
  std::vector<int> columns;
  std::unordered_set<std::string> present;  // Encode()d
  std::vector<Tuple> added;                 // in row order, while steps 1 and 2 run
};

struct TableState {
  const DomainEntity* entity = nullptr;
  std::string qualified;     // "schema"."table" AS t
  std::string select_list;   // t."a", t."b", ... [, t.ctid]
  std::string order_key;     // the primary key, or the whole row
  std::string key_text;      // the same as one text, for the sample's hash
  std::vector<std::string> sql_types;  // per schema column, for casts
  std::vector<int> field;    // per schema column: its place in the rows read (-1: hidden, not read)
  int id_field = -1;         // the ctid's place, with row_ids
  std::unordered_set<std::string> ids;  // ctids taken, with row_ids
  FkSampler::TableResult result;
  std::vector<KeySet> keys;                   // keys[0] tells rows apart when there is no ctid
  std::vector<std::vector<int>> link_fields;  // per link: the places of its columns
  std::vector<std::vector<Tuple>> pending;    // per link: values not yet looked up (step 3)
  std::vector<size_t> descended;              // per link: the parent's `added` already followed

  int Field(const std::string& column) const { return field[static_cast<size_t>(entity->FindColumn(column))]; }
};

}  // namespace

class FkSampler::Impl {
 public:
  Impl(PgReadSession& session, const Domain& schema, const FkSampleOptions& options, Sink sink)
      : session_(session), schema_(schema), options_(options), sink_(std::move(sink)) {
    for (const DomainEntity& entity : schema.entities) {
      TableState& t = tables_.emplace_back();
      t.entity = &entity;
      const std::string table = QuoteIdent(options.schema) + "." + QuoteIdent(entity.name);
      t.qualified = table + " AS t";
      int fields = 0;
      for (const DomainColumn& column : entity.columns) {
        // A hidden column is made by the generator, never stored.
        if (column.hidden) {
          t.field.push_back(-1);
          continue;
        }
        t.field.push_back(fields++);
        t.select_list += (t.select_list.empty() ? "t." : ", t.") + QuoteIdent(column.name);
      }
      if (options.row_ids) {
        t.id_field = fields;
        t.select_list += ", t.ctid";
      }
      const std::vector<std::string> primary = entity.PrimaryKey();
      for (const std::string& k : primary) t.order_key += (t.order_key.empty() ? "t." : ", t.") + QuoteIdent(k);
      t.key_text = t.order_key.empty() ? "t::text" : "ROW(" + t.order_key + ")::text";
      if (t.order_key.empty()) t.order_key = "t::text";
      t.sql_types.resize(entity.columns.size());
      for (auto& row : session.Query("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                                     "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                                     {table})) {
        const int c = entity.FindColumn(*row[0]);
        if (c < 0) continue;
        t.sql_types[static_cast<size_t>(c)] = *row[1];
      }
    }
  }

  void Run() {
    Prepare();
    const std::vector<size_t> order = ParentsFirst();
    // Steps 1 and 2 in rounds, parents first: a round follows each link for
    // the parent rows added since the last; the counting links alone need
    // one round, every link may need more (a self-reference, or a child
    // whose parent comes later in the order).
    std::vector<double> seconds(tables_.size(), 0);
    for (size_t i : order) {
      TableState& t = tables_[i];
      if (!IsRoot(i)) continue;
      const auto start = Clock::now();
      if (options_.roots.empty()) {
        // A hash of the key and the seed orders the rows: the same sample of
        // the same rows whatever their physical order, and another per seed.
        const uint64_t got = session_.Copy(
            fmt::format("SELECT {} FROM {} ORDER BY hashtextextended({}, {}), {} LIMIT {}", t.select_list,
                        t.qualified, t.key_text, static_cast<int64_t>(options_.seed), t.order_key,
                        options_.rows_per_root),
            [&](PgReadSession::Fields fields) { Add(t, fields); });
        t.result.whole = got < options_.rows_per_root;
      } else {
        // Read in any order: which rows are kept depends on each row alone.
        session_.Copy(fmt::format("SELECT {} FROM {}", t.select_list, t.qualified),
                      [&](PgReadSession::Fields fields) {
                        if (options_.keep(i, fields)) Add(t, fields);
                      });
      }
      seconds[i] += SecondsSince(start);
    }
    for (bool more = true; more;) {
      more = false;
      for (size_t i : order) {
        TableState& t = tables_[i];
        for (size_t l = 0; l < t.entity->links.size(); ++l) {
          if (!options_.descend_every_link && static_cast<int>(l) != t.result.counting_link) continue;
          const DomainLink& link = t.entity->links[l];
          TableState& parent = tables_[static_cast<size_t>(schema_.FindEntity(link.parent))];
          const std::vector<Tuple>& added = Keys(parent, link.parent_columns).added;
          if (t.descended[l] == added.size()) continue;
          // Copied: reading a self-reference adds to the list being read.
          const std::vector<Tuple> keys(added.begin() + static_cast<ptrdiff_t>(t.descended[l]), added.end());
          t.descended[l] = added.size();
          const auto start = Clock::now();
          if (ReadKeys(t, link.columns, keys) > 0) more = true;
          seconds[i] += SecondsSince(start);
        }
      }
    }
    for (size_t i : order) {
      TableState& t = tables_[i];
      t.result.sampled_rows = t.result.rows;
      // Mask: a table that steps 1 and 2 leave empty is told about after
      // step 3, which may still add rows to it.
      if (!options_.roots.empty() && !IsRoot(i) && t.result.rows == 0) continue;
      std::string how;
      if (IsRoot(i)) {
        how = "sampled";
      } else if (!options_.descend_every_link) {
        how = "children of the sampled " + t.entity->links[static_cast<size_t>(t.result.counting_link)].parent;
      } else {
        how = "referring to sampled rows";
      }
      Progress(fmt::format("{}: {} rows ({}) in {:.2f} s", t.entity->name, t.result.rows, how, seconds[i]));
    }
    closing_ = true;
    for (TableState& t : tables_) {
      for (KeySet& k : t.keys) std::vector<Tuple>().swap(k.added);
    }
    CloseUpwards();
  }

  TableState& table(size_t i) { return tables_[i]; }

 private:
  void Progress(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }

  bool IsRoot(size_t i) const {
    if (options_.roots.empty()) return tables_[i].result.counting_link < 0;
    return std::find(options_.roots.begin(), options_.roots.end(), i) != options_.roots.end();
  }

  // The counting link of each table (its first NOT NULL foreign key to
  // another table, by the place of its first column), the keys links refer
  // to, and room for the values rows refer to.
  void Prepare() {
    std::map<std::string, uint64_t> table_rows;  // before any is read: the catalog's
    for (TableState& t : tables_) {
      table_rows[t.entity->name] =
          TableRowCount(session_, QuoteIdent(options_.schema) + "." + QuoteIdent(t.entity->name), 0);
    }
    for (TableState& t : tables_) {
      const DomainEntity& e = *t.entity;
      // The learner counts along the same link (DatabaseSample::counting_links);
      // whether a nullable reference holds NULLs is unknown before reading.
      t.result.counting_link = CountingLink(
          e, [&](size_t l) { return table_rows[e.links[l].parent]; }, [](size_t) { return false; });
      t.pending.resize(e.links.size());
      t.descended.assign(e.links.size(), 0);
      for (const DomainLink& link : e.links) {
        std::vector<int>& fields = t.link_fields.emplace_back();
        for (const std::string& c : link.columns) fields.push_back(t.Field(c));
      }
    }
    for (TableState& t : tables_) {
      for (const DomainLink& link : t.entity->links) {
        Keys(tables_[static_cast<size_t>(schema_.FindEntity(link.parent))], link.parent_columns);
      }
    }
  }

  // The key of `t` made of `names`, added on first use.
  KeySet& Keys(TableState& t, const std::vector<std::string>& names) {
    for (KeySet& k : t.keys) {
      if (k.names == names) return k;
    }
    KeySet& k = t.keys.emplace_back();
    k.names = names;
    for (const std::string& n : names) k.columns.push_back(t.Field(n));
    return k;
  }

  // Tables in an order where each counting parent comes before its
  // children. A cycle of NOT NULL links has no first table: its first table
  // in schema order is sampled as a root (learn).
  std::vector<size_t> ParentsFirst() {
    std::vector<size_t> order;
    std::vector<bool> placed(tables_.size(), false);
    while (order.size() < tables_.size()) {
      bool progress = false;
      for (size_t i = 0; i < tables_.size(); ++i) {
        if (placed[i]) continue;
        const TableState& t = tables_[i];
        const int parent = t.result.counting_link < 0
                               ? -1
                               : schema_.FindEntity(t.entity->links[static_cast<size_t>(t.result.counting_link)].parent);
        if (parent >= 0 && !placed[static_cast<size_t>(parent)]) continue;
        placed[i] = true;
        order.push_back(i);
        progress = true;
      }
      if (progress) continue;
      for (size_t i = 0; i < tables_.size(); ++i) {
        if (placed[i]) continue;
        if (options_.roots.empty()) {
          Progress(fmt::format("{}: its NOT NULL foreign keys form a cycle; sampled as a root table",
                               tables_[i].entity->name));
        }
        tables_[i].result.counting_link = -1;
        break;
      }
    }
    return order;
  }

  // Adds a row to the sample unless it holds it already.
  void Add(TableState& t, PgReadSession::Fields fields) {
    if (t.id_field >= 0) {
      if (!t.ids.insert(std::string(*fields[static_cast<size_t>(t.id_field)])).second) return;
    } else if (!t.keys.empty()) {
      if (std::optional<Tuple> key = TupleOf(fields, t.keys[0].columns)) {
        if (t.keys[0].present.count(Encode(*key))) return;
      }
    }
    ++t.result.rows;
    sink_(static_cast<size_t>(t.entity - schema_.entities.data()), fields);
    for (KeySet& k : t.keys) {
      if (std::optional<Tuple> key = TupleOf(fields, k.columns)) {
        k.present.insert(Encode(*key));
        if (!closing_) k.added.push_back(std::move(*key));
      }
    }
    for (size_t l = 0; l < t.link_fields.size(); ++l) {
      if (std::optional<Tuple> refers = TupleOf(fields, t.link_fields[l])) t.pending[l].push_back(std::move(*refers));
    }
  }

  // Reads the rows of `t` whose `columns` hold one of `keys`, in chunks.
  // Returns the rows added.
  uint64_t ReadKeys(TableState& t, const std::vector<std::string>& columns, const std::vector<Tuple>& keys) {
    const uint64_t before = t.result.rows;
    for (size_t from = 0; from < keys.size(); from += kKeysPerRead) {
      const size_t to = std::min(keys.size(), from + kKeysPerRead);
      std::string targets, arrays;
      for (size_t c = 0; c < columns.size(); ++c) {
        const int column = t.entity->FindColumn(columns[c]);
        targets += (c ? ", t." : "t.") + QuoteIdent(columns[c]);
        // An array literal of the values, cast to the column's own type so
        // that its index serves the lookup.
        std::string literal = "{";
        for (size_t r = from; r < to; ++r) {
          literal += r > from ? ",\"" : "\"";
          for (char ch : keys[r][c]) {
            if (ch == '"' || ch == '\\') literal += '\\';
            literal += ch;
          }
          literal += '"';
        }
        literal += '}';
        arrays += fmt::format("{}{}::{}[]", c ? ", " : "", QuoteLiteral(literal),
                              t.sql_types[static_cast<size_t>(column)]);
      }
      session_.Copy(fmt::format("SELECT {} FROM {} WHERE ({}) IN (SELECT * FROM unnest({})) ORDER BY {}",
                                t.select_list, t.qualified, targets, arrays, t.order_key),
                    [&](PgReadSession::Fields fields) { Add(t, fields); });
    }
    return t.result.rows - before;
  }

  // Step 3: the rows that sampled rows refer to, until none is missing.
  void CloseUpwards() {
    std::vector<uint64_t> added(tables_.size(), 0);
    std::vector<double> seconds(tables_.size(), 0);
    for (bool more = true; more;) {
      more = false;
      for (TableState& t : tables_) {
        for (size_t l = 0; l < t.pending.size(); ++l) {
          std::vector<Tuple> refers;
          refers.swap(t.pending[l]);
          if (refers.empty()) continue;
          const DomainLink& link = t.entity->links[l];
          const size_t p = static_cast<size_t>(schema_.FindEntity(link.parent));
          TableState& parent = tables_[p];
          KeySet& keys = Keys(parent, link.parent_columns);
          std::vector<Tuple> missing;
          std::unordered_set<std::string> asked;
          for (Tuple& tuple : refers) {
            std::string code = Encode(tuple);
            if (keys.present.count(code) || !asked.insert(std::move(code)).second) continue;
            missing.push_back(std::move(tuple));
          }
          if (missing.empty()) continue;
          const auto start = Clock::now();
          added[p] += ReadKeys(parent, link.parent_columns, missing);
          seconds[p] += SecondsSince(start);
          more = true;
        }
      }
    }
    for (size_t i = 0; i < tables_.size(); ++i) {
      if (!options_.roots.empty() && tables_[i].result.rows == 0) {
        Progress(fmt::format("{}: no rows (linked to no row of the sample)", tables_[i].entity->name));
      }
      if (added[i] == 0) continue;
      Progress(fmt::format("{}: {} more rows that the sample refers to, in {:.2f} s", tables_[i].entity->name,
                           added[i], seconds[i]));
    }
  }

  PgReadSession& session_;
  const Domain& schema_;
  const FkSampleOptions options_;  // a copy: the caller's may go before the results are read
  Sink sink_;
  std::vector<TableState> tables_;
  bool closing_ = false;  // step 3: the rows added are not descended from
};

FkSampler::FkSampler(PgReadSession& session, const Domain& schema, const FkSampleOptions& options, Sink sink)
    : impl_(std::make_unique<Impl>(session, schema, options, std::move(sink))) {}
FkSampler::~FkSampler() = default;
void FkSampler::Run() { impl_->Run(); }
const FkSampler::TableResult& FkSampler::result(size_t entity) const { return impl_->table(entity).result; }
const std::string& FkSampler::SelectList(size_t entity) const { return impl_->table(entity).select_list; }

uint64_t TableRowCount(PgReadSession& session, const std::string& table, uint64_t at_least) {
  auto stats = session.Query("SELECT reltuples::float8, relkind::text FROM pg_class WHERE oid = $1::regclass", {table});
  const double reltuples = std::stod(*stats.at(0)[0]);
  if (reltuples > 0 && *stats.at(0)[1] == "r") return std::max<uint64_t>(at_least, static_cast<uint64_t>(reltuples));
  // Without statistics the planner estimates from the table's pages.
  auto plan = session.Query("EXPLAIN (FORMAT JSON) SELECT 1 FROM " + table);
  const std::string& json = *plan.at(0)[0];
  const size_t at = json.find("\"Plan Rows\":");
  const double guess = at == std::string::npos ? 0 : std::stod(json.substr(at + 12));
  if (guess < kCountBelow) return std::stoull(*session.Query("SELECT count(*) FROM " + table).at(0)[0]);
  return std::max<uint64_t>(at_least, static_cast<uint64_t>(guess));
}

}  // namespace seedforge
