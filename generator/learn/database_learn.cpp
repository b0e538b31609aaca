// LearnDatabase: the plan of database_plan.cpp written as a domain file,
// one model per table fitted in parallel, every file whole or not at all.
#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <mutex>
#include <filesystem>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "learn/database_model.h"
#include "seedforge/atomic_file.h"
#include "seedforge/error.h"
#include "seedforge/pipeline.h"
#include "seedforge/random.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace internal {

namespace {

// A YAML scalar that reads back as exactly `text` (yaml-cpp quotes what
// would read as a number, boolean, null or flow syntax).
std::string Scalar(const std::string& text) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << text;
  const std::string quoted = out.c_str();
  YAML::Emitter plain;
  plain << text;
  const std::string bare = plain.c_str();
  // Bare only for names and words: keeps lines short and readable.
  const bool simple = !text.empty() && bare == text &&
                      text.find_first_of(":{}[],#&*!|>'\"%@`") == std::string::npos;
  return simple ? bare : quoted;
}

std::string ParamText(const ParamValue& value) {
  switch (value.type) {
    case ParamValue::Type::kScalar: return Scalar(value.scalar);
    case ParamValue::Type::kList: {
      std::string out = "[";
      for (size_t i = 0; i < value.list.size(); ++i) out += (i ? ", " : "") + ParamText(value.list[i]);
      return out + "]";
    }
    case ParamValue::Type::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < value.map.size(); ++i) {
        out += (i ? ", " : "") + Scalar(value.map[i].first) + ": " + ParamText(value.map[i].second);
      }
      return out + "}";
    }
  }
  return "";
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", value);
  return text;
}

// The schema's constraints of a column: type, key, NOT NULL, UNIQUE,
// identity, DEFAULT and CHECK.
std::string ColumnHead(const DomainColumn& column, bool hidden = false) {
  std::string out = "{type: " + Scalar(column.type.ToSql());
  if (column.primary_key) {
    out += ", primary_key: true";
  } else if (column.not_null) {
    out += ", not_null: true";
  }
  if (column.unique && !column.primary_key) out += ", unique: true";
  if (!column.identity.empty()) out += ", identity: " + Scalar(column.identity);
  if (!column.default_sql.empty()) out += ", default: " + Scalar(column.default_sql);
  if (!column.check_sql.empty()) out += ", check: " + Scalar(column.check_sql);
  if (hidden || column.hidden) out += ", hidden: true";
  return out;
}

// A column as the schema makes it (a provider, a template, a line number).
std::string SchemaSource(const DomainColumn& column) {
  std::string out;
  switch (column.source) {
    case ColumnSource::kProvider:
      // The parser names a single-field provider's field and gives it its
      // own group (the column's name); written back as the user would.
      if (column.group == column.name) {
        out = "provider: " + Scalar(column.provider);
      } else {
        out = "provider: " + Scalar(column.provider + (column.field.empty() ? "" : "." + column.field));
      }
      if (!column.params.values().empty()) {
        out += ", params: {";
        bool first = true;
        for (const auto& [name, value] : column.params.values()) {
          out += (first ? "" : ", ") + Scalar(name) + ": " + ParamText(value);
          first = false;
        }
        out += "}";
      }
      if (!column.group.empty() && column.group != column.name) out += ", group: " + Scalar(column.group);
      break;
    case ColumnSource::kDerived: out = "derive: " + Scalar(column.derive); break;
    case ColumnSource::kOrdinal: out = "ordinal: " + Scalar(column.ordinal_of); break;
    case ColumnSource::kComputed: out = "compute: " + Scalar(column.compute); break;
    case ColumnSource::kCopied: out = "copy: " + Scalar(column.copy.entity + "." + column.copy.column); break;
    default: throw Error("column '" + column.name + "' has a source the learned domain cannot write yet");
  }
  if (column.null_rate > 0 && !column.not_null && !column.primary_key) out += ", null_rate: " + Number(column.null_rate);
  return out;
}

std::string ReferenceTarget(const DomainLink& link) {
  if (link.columns.size() == 1) return Scalar(link.parent + "." + link.parent_columns.front());
  std::string out = link.parent + "(";
  for (size_t i = 0; i < link.parent_columns.size(); ++i) out += (i ? ", " : "") + link.parent_columns[i];
  return Scalar(out + ")");
}

// per_parent or pick, and the NULL share, of a link.
std::string LinkSource(const DomainLink& link, const LinkPlan& plan, bool nullable) {
  std::string out;
  if (plan.role == LinkPlan::Role::kCounting) {
    out = ", per_parent: {column: " + Scalar(plan.count_column) + "}";
  } else if (plan.role == LinkPlan::Role::kPicked) {
    out = ", pick: {weight: " + Scalar(plan.count_column);
    if (plan.distinct) out += ", distinct: true";
    if (!plan.distinct_from.empty()) out += ", distinct_from: " + Scalar(plan.distinct_from);
    if (!plan.match_child.empty()) {
      out += ", match: {" + Scalar(plan.match_child) + ": " + Scalar(plan.match_parent) + "}";
    }
    out += "}";
  }
  (void)link;
  if (nullable && plan.null_rate > 0) out += ", null_rate: " + Number(plan.null_rate);
  return out;
}

std::string LinkComment(const DomainEntity& entity, const DomainLink& link, const LinkPlan& plan) {
  switch (plan.role) {
    case LinkPlan::Role::kCounting:
      return "# " + entity.name + " rows per " + link.parent + ": learned in " + link.parent + "." +
             plan.count_column + " with the parent's other columns (sample: at most " +
             std::to_string(plan.max_children) + ", " + Number(plan.mean_children) +
             " on average); or write per_parent: {poisson: " + Number(plan.mean_children) + "}";
    case LinkPlan::Role::kPicked:
      return std::string("# ") + link.columns.front() + " picks a " + link.parent + " row weighted by its learned " +
             plan.count_column + (plan.distinct ? "; distinct within one parent (a composite key)" : "") +
             (plan.distinct_from.empty() ? "" : "; never " + plan.distinct_from + "'s") +
             (plan.match_child.empty() ? "" : "; its " + plan.match_parent + " the one learned in " + plan.match_child);
    case LinkPlan::Role::kSelf:
      return "# " + link.columns.front() + " points to an earlier " + entity.name + " row (NULL share learned)";
    case LinkPlan::Role::kPlain:
      return "# " + link.parent + " has no rows in the source: each row picks one uniformly";
  }
  return "";
}

}  // namespace

std::string DomainText(const DatabaseSample& sample, const DatabasePlan& plan, const DomainTextOptions& options) {
  const Domain& schema = sample.schema;
  std::ostringstream out;
  out << "# Learned by `seedforge learn` from " << sample.source << " on " << options.learned_at << ".\n"
      << "# Made again with: " << options.regenerate << "\n"
      << "#\n"
      << "# Tables, columns, keys and links are the source's. Root tables keep their row\n"
      << "# counts (scale them with --scale or --rows); every other table's rows come\n"
      << "# per parent, from a hidden learned count of the parent (n_<child>), so the\n"
      << "# number of children follows the parent's other columns. Learned columns come\n"
      << "# from one model per table under models/ (" << options.synthesizer << "), fitted on that table alone\n"
      << "# (plus the few parent columns its `given` names). Personal data and free text\n"
      << "# keep providers, so no real value that identifies a row is in a model.\n"
      << "# Every choice below may be edited: a learned column can take a provider, a\n"
      << "# learned count a per_parent distribution (docs/learn-database.md).\n";
  if (!sample.inferred_links.empty()) {
    out << "#\n# Links inferred from key names and values (confirm them; delete a wrong one):\n";
    for (const std::string& line : sample.inferred_links) out << "#   " << line << "\n";
  }
  out << "domain: " << Scalar(schema.name.empty() ? "learned" : schema.name) << "\n";
  if (!schema.enums.empty()) {
    out << "enums:\n";
    for (const DomainEnum& e : schema.enums) {
      out << "  " << Scalar(e.name) << ": [";
      for (size_t i = 0; i < e.labels.size(); ++i) out << (i ? ", " : "") << Scalar(e.labels[i]);
      out << "]\n";
    }
  }
  out << "\nentities:\n";
  for (size_t e = 0; e < schema.entities.size(); ++e) {
    const DomainEntity& entity = schema.entities[e];
    const EntityPlan& p = plan.entities[e];
    out << "  " << Scalar(entity.name) << ":\n";
    if (!entity.description.empty()) out << "    description: " << Scalar(entity.description) << "\n";
    if (p.counting_link < 0) {
      out << "    rows: " << p.rows << (p.has_table ? "" : "  # no rows in the source") << "\n";
    }
    if (!p.model_file.empty()) {
      if (p.given.empty()) {
        out << "    model: " << Scalar(p.model_file) << "\n";
      } else {
        out << "    # The model is given, row by row, what it depends on that is made first:\n";
        out << "    model: {file: " << Scalar(p.model_file) << ", given: [";
        for (size_t i = 0; i < p.given.size(); ++i) out << (i ? ", " : "") << Scalar(p.given[i]);
        out << "]}\n";
      }
    }
    out << "    columns:\n";
    // Rows of (comment, name, definition), written with names aligned.
    std::vector<std::array<std::string, 3>> lines;
    for (size_t c = 0; c < entity.columns.size(); ++c) {
      const DomainColumn& column = entity.columns[c];
      const ColumnPlan& cp = p.columns[c];
      std::string line = ColumnHead(column);
      std::string comment;
      switch (cp.source) {
        case ColumnPlan::Source::kReference: {
          const DomainLink& link = entity.links[column.link];
          if (link.columns.size() == 1) {
            line += ", references: " + ReferenceTarget(link) +
                    LinkSource(link, p.links[column.link], !column.not_null && !column.primary_key);
            comment = LinkComment(entity, link, p.links[column.link]);
          }
          break;
        }
        case ColumnPlan::Source::kLearned:
          line += ", learned: true";
          if (!cp.after.empty()) line += ", after: " + Scalar(cp.after);
          if (cp.sequence) line += ", sequence: true";
          if (!cp.after.empty()) comment = "# never before " + cp.after + " in the source";
          if (cp.sequence) {
            comment += (comment.empty() ? "# " : "; ") + std::string("rising among a parent's children in the source");
          }
          break;
        case ColumnPlan::Source::kCopied:
          line += ", copy: " + Scalar(cp.copy_of);
          comment = "# " + cp.why;
          break;
        case ColumnPlan::Source::kVocabulary: {
          const bool once = std::all_of(cp.counts.begin(), cp.counts.end(), [](const auto& c) { return c.second == 1; });
          uint64_t rows = 0;
          line += ", provider: category, params: {values: " + std::string(once ? "[" : "{");
          for (size_t i = 0; i < cp.counts.size(); ++i) {
            line += (i ? ", " : "") + Scalar(cp.counts[i].first) + (once ? "" : ": " + std::to_string(cp.counts[i].second));
            rows += cp.counts[i].second;
          }
          line += std::string(once ? "]" : "}") + ", cycle: true}";
          comment = "# the source's " + std::string(once ? "values, each once" : "counts") + " in every " +
                    std::to_string(rows) + " rows (its model is given the column)";
          break;
        }
        case ColumnPlan::Source::kSchema:
          line += ", " + SchemaSource(column);
          if (!cp.why.empty()) comment = "# " + cp.why;
          break;
      }
      lines.push_back({comment, Scalar(column.name), line + "}"});
    }
    for (const AddedColumn& added : p.added) {
      std::string line = "{type: " + Scalar(added.sql_type) + ", hidden: true, ";
      std::string comment;
      switch (added.kind) {
        case AddedColumn::Kind::kCount:
        case AddedColumn::Kind::kWeight: {
          const DomainEntity& child = schema.entities[added.child_entity];
          line += "learned: true";
          std::string by;
          for (const std::string& c : child.links[added.child_link].columns) by += (by.empty() ? "" : ", ") + c;
          comment = "# " + child.name + " rows per " + entity.name + " row (by " + by + "), learned";
          break;
        }
        case AddedColumn::Kind::kContext: {
          const DomainEntity& parent = schema.entities[added.parent_entity];
          line += "copy: " + Scalar(parent.name + "." + parent.columns[added.parent_column].name);
          comment = "# the parent's value the model is given";
          break;
        }
        case AddedColumn::Kind::kMatch: {
          const DomainEntity& parent = schema.entities[added.parent_entity];
          line += "learned: true";
          comment = "# the " + parent.columns[added.parent_column].name + " of the " + parent.name + " that " +
                    entity.links[added.link].columns.front() + " picks, learned";
          break;
        }
      }
      lines.push_back({comment, Scalar(added.name), line + "}"});
    }
    size_t width = 0;
    for (const auto& l : lines) width = std::max(width, l[1].size());
    for (const auto& [comment, name, definition] : lines) {
      if (!comment.empty()) out << "      " << comment << "\n";
      out << "      " << name << ":" << std::string(width - name.size() + 1, ' ') << definition << "\n";
    }
    bool links_header = false;
    for (size_t l = 0; l < entity.links.size(); ++l) {
      const DomainLink& link = entity.links[l];
      if (link.columns.size() == 1) continue;
      if (!links_header) out << "    links:\n";
      links_header = true;
      out << "      " << LinkComment(entity, link, p.links[l]) << "\n      - {columns: [";
      for (size_t i = 0; i < link.columns.size(); ++i) out << (i ? ", " : "") << Scalar(link.columns[i]);
      bool nullable = false;
      for (const std::string& name : link.columns) {
        const int c = entity.FindColumn(name);
        nullable = nullable || (c >= 0 && !entity.columns[c].not_null && !entity.columns[c].primary_key);
      }
      out << "], references: " << ReferenceTarget(link) << LinkSource(link, p.links[l], nullable) << "}\n";
    }
    out << "\n";
  }
  return out.str();
}

DataTable TrainingTable(const DatabaseSample& sample, const DatabasePlan& plan, int e) {
  const Domain& schema = sample.schema;
  const DomainEntity& entity = schema.entities[e];
  const EntityPlan& p = plan.entities[e];
  const Table& table = sample.tables.at(entity.name);
  const DataTable all = DataTableOf(table);
  DataTable out;
  out.source = table.source;
  out.rows = all.rows;
  // Of an FK-closed sample, the sample proper only: the rows read because
  // a sampled row refers to them do not have all their children read.
  if (auto sampled = sample.sampled_rows.find(entity.name); sampled != sample.sampled_rows.end()) {
    out.rows = std::min<size_t>(out.rows, sampled->second);
  }
  // The first out.rows values of a column.
  auto first_rows = [&](const BatchColumn& from) {
    BatchColumn c = from;
    std::vector<uint8_t> nulls = std::move(c.nulls);
    c.nulls.clear();
    c.Resize(out.rows);
    if (!nulls.empty()) c.nulls.assign(nulls.begin(), nulls.begin() + static_cast<std::ptrdiff_t>(out.rows));
    return c;
  };
  auto take = [&](const DataTable& from, int c, const std::string& name) {
    out.names.push_back(name);
    out.types.push_back(from.types[c]);
    out.digits.push_back(from.digits.empty() ? 0 : from.digits[c]);
    out.formats.push_back(from.formats.empty() ? DateFormat{} : from.formats[c]);
  };
  for (size_t c = 0; c < entity.columns.size(); ++c) {
    if (!p.columns[c].Modelled()) continue;
    const int t = all.Find(entity.columns[c].name);
    take(all, t, entity.columns[c].name);
    // Text the planner chose to learn (a reference table's names) is a
    // category, whatever its share of distinct values.
    if (out.types.back() == DataType::kId) out.types.back() = DataType::kCategorical;
    out.columns.push_back(first_rows(all.columns[t]));
  }
  for (const AddedColumn& added : p.added) {
    if (added.kind == AddedColumn::Kind::kCount || added.kind == AddedColumn::Kind::kWeight) {
      // Children per row of this table, counted along the child's link.
      const DomainEntity& child = schema.entities[added.child_entity];
      const DomainLink& link = child.links[added.child_link];
      const std::vector<int64_t> rows = ParentRows(sample, added.child_entity, added.child_link);
      BatchColumn counts;
      counts.kind = ValueKind::kInt;
      counts.ints.assign(out.rows, 0);
      for (int64_t r : rows) {
        if (r >= 0 && static_cast<size_t>(r) < out.rows) ++counts.ints[r];
      }
      (void)link;
      out.names.push_back(added.name);
      out.types.push_back(DataType::kInteger);
      out.digits.push_back(0);
      out.formats.push_back({});
      out.columns.push_back(std::move(counts));
      continue;
    }
    // The parent's value on the row's link: what the copy will hold, or
    // what the pick will match.
    const DomainEntity& parent = schema.entities[added.parent_entity];
    const DataTable parent_table = DataTableOf(sample.tables.at(parent.name));
    const int pc = parent_table.Find(parent.columns[added.parent_column].name);
    const std::vector<int64_t> rows = ParentRows(sample, e, added.link);
    const BatchColumn& from = parent_table.columns[pc];
    BatchColumn values;
    values.kind = from.kind;
    values.Resize(out.rows);
    for (size_t r = 0; r < out.rows; ++r) {
      if (rows[r] < 0 || from.IsNull(rows[r])) {
        values.SetNull(r);
        continue;
      }
      switch (from.kind) {
        case ValueKind::kFloat: values.floats[r] = from.floats[rows[r]]; break;
        case ValueKind::kText: values.texts[r] = from.texts[rows[r]]; break;
        default: values.ints[r] = from.ints[rows[r]]; break;
      }
    }
    take(parent_table, pc, added.name);
    if (out.types.back() == DataType::kId) out.types.back() = DataType::kCategorical;  // a learned name, as above
    out.columns.push_back(std::move(values));
  }
  return out;
}

}  // namespace internal

namespace {

namespace fs = std::filesystem;

std::string NowText() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

LearnDatabaseResult LearnDatabase(const DatabaseSample& sample, const LearnDatabaseOptions& options) {
  using internal::DatabasePlan;
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  const fs::path dir = options.out_dir;
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const Domain& schema = sample.schema;

  // Every target checked before any work, so a refusal leaves nothing behind.
  std::vector<std::string> targets = {options.domain_file};
  for (const internal::EntityPlan& p : plan.entities) {
    if (!p.model_file.empty()) targets.push_back(p.model_file);
  }
  const std::set<std::string> ours = ReadManifest(dir);
  for (const std::string& target : targets) {
    if (fs::exists(dir / target) && !ours.count(target)) {
      throw UsageError((dir / target).string() + " exists and was not written by seedforge; remove it or choose "
                       "another --out");
    }
  }
  internal::DomainTextOptions text_options;
  text_options.learned_at = NowText();
  text_options.synthesizer = options.synthesizer;
  text_options.regenerate = options.regenerate.empty() ? "seedforge learn --from " + sample.source + " --out " +
                                                             options.out_dir
                                                       : options.regenerate;
  const std::string text = internal::DomainText(sample, plan, text_options);
  if (options.registry) {
    try {
      ParseDomain(text, (dir / options.domain_file).string(), *options.registry);
    } catch (const InputError& e) {
      // Nothing is written: the messages point into the text that would have been.
      throw Error(std::string("the learned domain does not validate, so nothing was written (a learner bug; "
                              "please report it with the source's schema):\n") + e.what());
    }
  }
  std::error_code ec;
  fs::create_directories(dir / "models", ec);
  if (ec) throw Error("cannot create " + (dir / "models").string() + ": " + ec.message());


  // One model per table, fitted in parallel, each from its own rows: a
  // table's fit uses one thread, so any thread count gives the same models.
  std::vector<int> fitted;
  for (size_t e = 0; e < plan.entities.size(); ++e) {
    if (!plan.entities[e].model_file.empty()) fitted.push_back(static_cast<int>(e));
  }
  std::vector<std::unique_ptr<Synthesizer>> models(fitted.size());
  std::mutex say_mutex;
  ParallelFor(fitted.size(), ThreadsOrCores(options.threads), [&](size_t i) {
    const int e = fitted[i];
    const DomainEntity& entity = schema.entities[e];
    const auto start = std::chrono::steady_clock::now();
    const DataTable table = internal::TrainingTable(sample, plan, e);
    std::unique_ptr<Synthesizer> model = MakeSynthesizer(options.synthesizer);
    FitOptions fit;
    fit.seed = DeriveKey(options.seed, entity.name, "model");
    fit.threads = 1;
    if (options.epochs > 0) fit.epochs = options.epochs;
    if (options.batch_size > 0) fit.batch_size = options.batch_size;
    model->Fit(table, fit);
    models[i] = std::move(model);
    char line[256];
    std::snprintf(line, sizeof(line), "%s: %zu rows, %zu columns learned in %.2f s", entity.name.c_str(),
                  table.rows, table.names.size(), SecondsSince(start));
    std::lock_guard<std::mutex> lock(say_mutex);
    say(line);
  });
  // Everything fitted: now the files appear, the domain last.
  LearnDatabaseResult result;
  for (size_t i = 0; i < models.size(); ++i) {
    SaveSynthesizer(*models[i], (dir / plan.entities[fitted[i]].model_file).string());
    result.model_files.push_back((dir / plan.entities[fitted[i]].model_file).string());
  }
  AtomicFile domain_file(dir / options.domain_file);
  domain_file.Write(text);
  domain_file.Commit();
  std::set<std::string> manifest = ours;
  manifest.insert(targets.begin(), targets.end());
  WriteManifest(dir, manifest);
  result.domain_file = (dir / options.domain_file).string();
  result.notes = plan.notes;
  for (const std::string& line : sample.inferred_links) result.notes.push_back("inferred link " + line);
  return result;
}

}  // namespace seedforge
