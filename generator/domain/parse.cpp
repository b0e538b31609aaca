// Step 1 of ParseDomain (steps.h): reads a domain file's YAML into a Domain
// as written, collecting a diagnostic for every problem the file alone
// shows instead of stopping at the first.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <tuple>

#include "domain/expression.h"
#include "domain/steps.h"
#include "seedforge/utf8.h"

namespace seedforge {
namespace {

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Diagnostic>& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  Domain Read(const std::string& text);

 private:
  SourceLocation At(const YAML::Node& node) const {
    YAML::Mark m = node.Mark();
    return {file_, m.line + 1, m.column + 1};
  }
  void Add(const SourceLocation& where, std::string message) {
    diagnostics_.push_back({where, std::move(message)});
  }
  void Add(const YAML::Node& node, std::string message) { Add(At(node), std::move(message)); }

  // Reports keys of `node` not in `allowed`, with a suggestion.
  void CheckKeys(const YAML::Node& node, const std::vector<std::string>& allowed,
                 const std::string& what);
  bool Scalar(const YAML::Node& node, const std::string& what, std::string* out);
  bool Bool(const YAML::Node& node, const std::string& what, bool* out);
  // Reports a name (`what`: "entity name", ...) that no quoting makes safe.
  // `names_files`: the name is also part of output file names.
  void CheckName(const YAML::Node& node, const std::string& what, const std::string& name, bool names_files);
  // Reads free text that reaches scripts (descriptions, enum labels): any
  // characters but control ones other than tab and line breaks.
  void ReadText(const YAML::Node& node, const std::string& what, std::string* out);

  ParamValue ToParam(const YAML::Node& node);
  void ParseEntity(const YAML::Node& key, const YAML::Node& node, DomainEntity& entity);
  void ParseColumn(const YAML::Node& key, const YAML::Node& node, DomainEntity& entity);
  void ParseLink(const YAML::Node& node, DomainEntity& entity);
  std::optional<Cardinality> ParseCardinality(const YAML::Node& node);
  std::optional<LinkPick> ParsePick(const YAML::Node& node);
  void ParseTime(const YAML::Node& node, Domain& domain);
  void ParseRate(const YAML::Node& node, Cardinality& c);
  bool ParseReference(const YAML::Node& node, DomainLink& link);
  void ParseRules(const YAML::Node& spec, const std::string& where, DomainColumn& column);
  // Ordered histories: `sequence`, and the sources `step_of` and `next_of`.
  using Claim = std::function<void(const YAML::Node&, ColumnSource)>;
  void ParseHistory(const YAML::Node& spec, const std::string& where, const Claim& claim, DomainColumn& column);
  bool ParseDelay(const YAML::Node& node, ColumnSequence::Delay& delay);
  void ParseFunnel(const YAML::Node& node, Cardinality& c);
  void ParseCompute(const YAML::Node& node, DomainColumn& column);
  bool ParseBound(const YAML::Node& node, const std::string& key, DateRule::Side side, int default_years,
                  std::vector<DateRule>& rules);
  void ParseAggregate(const YAML::Node& node, Aggregate& aggregate);
  void ParseScenarios(const YAML::Node& node, Domain& domain);

  std::string file_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<std::string> enum_names_;
};

void YamlReader::CheckKeys(const YAML::Node& node, const std::vector<std::string>& allowed,
                             const std::string& what) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "' in " + what;
    auto close = ClosestNames(key, allowed);
    if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
    Add(it->first, message);
  }
}

bool YamlReader::Scalar(const YAML::Node& node, const std::string& what, std::string* out) {
  if (!node.IsScalar()) {
    Add(node, what + " must be a single value");
    return false;
  }
  *out = node.Scalar();
  return true;
}

bool YamlReader::Bool(const YAML::Node& node, const std::string& what, bool* out) {
  std::string s;
  if (!Scalar(node, what, &s)) return false;
  if (s == "true" || s == "yes" || s == "on") {
    *out = true;
  } else if (s == "false" || s == "no" || s == "off") {
    *out = false;
  } else {
    Add(node, what + " must be true or false, got '" + s + "'");
    return false;
  }
  return true;
}

// A name for messages: quoted, with control characters (and, in malformed
// UTF-8, every byte above 0x7f) written as escapes, so that a message stays
// on one line and shows what is wrong.
std::string Shown(const std::string& name) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool valid = IsValidUtf8(name);
  std::string out = "'";
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f || (u >= 0x80 && !valid)) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "'";
}

void YamlReader::CheckName(const YAML::Node& node, const std::string& what, const std::string& name,
                             bool names_files) {
  // Every output quotes names (QuoteIdent, CSV and JSON escaping), so
  // quotes, spaces, upper case and any letter are fine. What quoting cannot
  // help with is refused here, where the file and line are known.
  if (name.empty()) {
    Add(node, what + " is empty");
  } else if (!IsValidUtf8(name)) {
    Add(node, what + " " + Shown(name) + " is not valid UTF-8");
  } else if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    Add(node, what + " " + Shown(name) + " contains a control character; names must be printable");
  } else if (name.size() > kMaxNameBytes) {
    Add(node, what + " " + Shown(name) + " is " + std::to_string(name.size()) + " bytes long; PostgreSQL names are at most " +
                  std::to_string(kMaxNameBytes) + " bytes (the server would cut it, and two names could become one)");
  } else if (names_files && name.find_first_of("/\\") != std::string::npos) {
    Add(node, what + " " + Shown(name) + " contains '/' or '\\', but it names output files");
  }
}

void YamlReader::ReadText(const YAML::Node& node, const std::string& what, std::string* out) {
  if (!Scalar(node, what, out)) return;
  if (std::any_of(out->begin(), out->end(), [](char c) {
        const unsigned char u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
      })) {
    Add(node, what + " contains a control character other than tab and line breaks");
  }
}

ParamValue YamlReader::ToParam(const YAML::Node& node) {
  ParamValue value;
  value.where = At(node);
  if (node.IsSequence()) {
    value.type = ParamValue::Type::kList;
    for (const YAML::Node& item : node) value.list.push_back(ToParam(item));
  } else if (node.IsMap()) {
    value.type = ParamValue::Type::kMap;
    for (auto it = node.begin(); it != node.end(); ++it) {
      value.map.emplace_back(it->first.Scalar(), ToParam(it->second));
    }
  } else {
    value.scalar = node.IsNull() ? "" : node.Scalar();
  }
  return value;
}

Domain YamlReader::Read(const std::string& text) {
  Domain domain;
  domain.file = file_;
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError({file_, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
  }
  const YAML::Node root = loaded;
  if (!root.IsMap()) {
    throw InputError({file_, 1, 1}, "a domain file is a map with 'domain' and 'entities' keys");
  }
  CheckKeys(root, {"domain", "description", "version", "enums", "time", "entities", "scenarios"}, "the domain file");
  if (const YAML::Node time = root["time"]) ParseTime(time, domain);
  if (const YAML::Node enums = root["enums"]) {
    if (!enums.IsMap()) {
      Add(enums, "'enums' is a map of type name to its list of labels");
    } else {
      for (auto it = enums.begin(); it != enums.end(); ++it) {
        DomainEnum def;
        def.name = it->first.Scalar();
        CheckName(it->first, "enum name", def.name, false);
        if (!def.name.empty() && ParseSqlType(def.name)) {
          Add(it->first, "enum name " + Shown(def.name) + " is the name of a built-in type");
        }
        if (!it->second.IsSequence() || it->second.size() == 0) {
          Add(it->second, "enum '" + def.name + "' needs a list of labels");
          continue;
        }
        // A named copy: `it->second` lives in a proxy that dies with the
        // expression, so a range-for over it would read freed stack.
        const YAML::Node labels = it->second;
        for (const YAML::Node& label : labels) {
          def.labels.emplace_back();
          ReadText(label, "enum label", &def.labels.back());
          if (def.labels.back().size() > kMaxNameBytes) {
            Add(label, "enum label " + Shown(def.labels.back()) + " is " + std::to_string(def.labels.back().size()) +
                           " bytes long; PostgreSQL enum labels are at most " + std::to_string(kMaxNameBytes) + " bytes");
          }
        }
        domain.enums.push_back(std::move(def));
        enum_names_.push_back(domain.enums.back().name);
      }
    }
  }
  if (root["domain"] && Scalar(root["domain"], "'domain'", &domain.name) && !domain.name.empty()) {
    CheckName(root["domain"], "domain name", domain.name, true);
  }
  if (domain.name.empty()) {
    domain.name = std::filesystem::path(file_).stem().string();
  }
  if (root["description"]) ReadText(root["description"], "'description'", &domain.description);
  const YAML::Node entities = root["entities"];
  if (!entities || !entities.IsMap() || entities.size() == 0) {
    Add(entities ? At(entities) : SourceLocation{file_, 1, 1},
        "'entities' must be a map of entity name to its definition");
  } else {
    for (auto it = entities.begin(); it != entities.end(); ++it) {
      DomainEntity entity;
      entity.name = it->first.Scalar();
      entity.where = At(it->first);
      CheckName(it->first, "entity name", entity.name, true);
      if (domain.FindEntity(entity.name) >= 0) {
        Add(it->first, "entity '" + entity.name + "' declared twice");
        continue;
      }
      ParseEntity(it->first, it->second, entity);
      domain.entities.push_back(std::move(entity));
    }
  }
  if (const YAML::Node scenarios = root["scenarios"]) ParseScenarios(scenarios, domain);
  return domain;
}

void YamlReader::ParseScenarios(const YAML::Node& node, Domain& domain) {
  if (!node.IsMap()) {
    Add(node, "'scenarios' is a map of scenario name to its named rows (entity: {label: ..., COLUMN: VALUE})");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string scenario = it->first.Scalar();
    CheckName(it->first, "scenario name", scenario, false);
    const YAML::Node rows = it->second;
    if (!rows.IsMap()) {
      Add(rows, "scenario '" + scenario + "' is a map of entity name to a row ({COLUMN: VALUE}) or a list of rows");
      continue;
    }
    for (auto r = rows.begin(); r != rows.end(); ++r) {
      const std::string entity = r->first.Scalar();
      const YAML::Node value = r->second;
      std::vector<YAML::Node> specs;
      if (value.IsSequence()) {
        for (const YAML::Node& item : value) specs.push_back(item);
      } else {
        specs.push_back(value);
      }
      for (const YAML::Node& spec : specs) {
        NamedRow row;
        row.scenario = scenario;
        row.entity = entity;
        row.where = spec.IsMap() && spec.size() > 0 ? At(spec) : At(r->first);
        if (!spec.IsMap()) {
          Add(spec, "a named row of '" + entity + "' is a map of column to value ({label: NAME, COLUMN: VALUE})");
          continue;
        }
        for (auto v = spec.begin(); v != spec.end(); ++v) {
          const std::string key = v->first.Scalar();
          const YAML::Node item = v->second;
          if (key == "label") {
            if (Scalar(item, "'label'", &row.label)) CheckName(item, "label", row.label, false);
            continue;
          }
          if (key == "count") {
            std::string text;
            if (!Scalar(item, "'count'", &text)) continue;
            const std::optional<uint64_t> count = ParseRowCount(text);
            if (!count || *count == 0 || *count > kMaxNamedRowCount) {
              Add(item, "'count' of named rows must be a whole number from 1 to " +
                            std::to_string(kMaxNamedRowCount) + ", got '" + text + "'");
              continue;
            }
            row.count = *count;
            continue;
          }
          NamedValue named;
          named.column = key;
          named.where = At(item);
          if (item.IsNull()) {
            // `~` or `null`: the column is NULL in this row.
          } else if (!item.IsScalar()) {
            Add(item, "the value of '" + entity + "." + key + "' in a named row must be a single value");
            continue;
          } else {
            named.text = item.Scalar();
          }
          row.values.push_back(std::move(named));
        }
        if (!row.label.empty() && row.count != 1) {
          Add(spec, "a named row with a 'label' is one row; 'count: " + std::to_string(row.count) +
                        "' rows are unlabelled (name their parent by its label instead)");
        }
        domain.named_rows.push_back(std::move(row));
      }
    }
  }
}

void YamlReader::ParseEntity(const YAML::Node& key, const YAML::Node& node, DomainEntity& entity) {
  if (!node.IsMap()) {
    Add(key, "entity '" + entity.name + "' must be a map with 'columns'");
    return;
  }
  CheckKeys(node, {"rows", "description", "columns", "links", "model"}, "entity '" + entity.name + "'");
  if (const YAML::Node model = node["model"]) {
    ModelRef ref;
    ref.where = At(model);
    if (model.IsScalar()) {
      ref.path = model.Scalar();
      entity.model = ref;
    } else if (model.IsMap() && (model["from"] || model["file"])) {
      CheckKeys(model, {"from", "file", "synthesizer", "constraints", "types", "epochs", "batch_size", "given"},
                "'model'");
      if (model["from"] && model["file"]) Add(model, "'model' has either 'from' (sample data) or 'file' (a model file)");
      ref.from_data = static_cast<bool>(model["from"]);
      Scalar(model[ref.from_data ? "from" : "file"], ref.from_data ? "'from'" : "'file'", &ref.path);
      if (ref.from_data) {
        ref.synthesizer = "copula";
        if (model["synthesizer"]) Scalar(model["synthesizer"], "'synthesizer'", &ref.synthesizer);
      } else if (model["synthesizer"]) {
        Add(model["synthesizer"], "'synthesizer' goes with 'from': a model file knows its synthesizer");
      }
      // Training options of the neural synthesizers.
      for (auto [name, out] : {std::pair<const char*, int*>{"epochs", &ref.epochs}, {"batch_size", &ref.batch_size}}) {
        const YAML::Node option = model[name];
        if (!option) continue;
        const std::string quoted = std::string("'") + name + "'";
        if (ref.synthesizer != "ctgan" && ref.synthesizer != "tvae") {
          Add(option, quoted + " goes with 'from' and synthesizer ctgan or tvae");
          continue;
        }
        std::string s;
        if (!Scalar(option, quoted, &s)) continue;
        char* end = nullptr;
        errno = 0;
        const long value = std::strtol(s.c_str(), &end, 10);
        if (s.empty() || *end || errno || value < 1 || value > 1000000) {
          Add(option, quoted + " must be a whole number from 1 to 1000000, got '" + s + "'");
        } else {
          *out = static_cast<int>(value);
        }
      }
      if (const YAML::Node types = model["types"]) {
        if (!ref.from_data) {
          Add(types, "'types' goes with 'from': they say how to read the sample data");
        } else if (!types.IsMap()) {
          Add(types, "'types' maps columns of the data to continuous, integer, categorical, boolean, date, "
                     "timestamp or id, e.g. {zip: categorical}");
        } else {
          for (const auto& entry : types) {
            std::string column, type;
            if (Scalar(entry.first, "a column name", &column) && Scalar(entry.second, "a type", &type)) {
              ref.types.push_back({column, type, At(entry.second)});
            }
          }
        }
      }
      if (const YAML::Node constraints = model["constraints"]) {
        if (!constraints.IsSequence()) {
          Add(constraints, "'constraints' is a list such as [\"closed_on > opened_on\", \"balance >= -5000\"]");
        } else {
          for (const YAML::Node& c : constraints) {
            std::string text;
            if (Scalar(c, "a constraint", &text)) ref.constraints.push_back({text, At(c)});
          }
        }
      }
      if (const YAML::Node given = model["given"]) {
        if (!given.IsSequence() || given.size() == 0) {
          Add(given, "'given' is a list of this entity's columns that condition the model row by row, e.g. "
                     "[customer_segment]");
        } else {
          for (const YAML::Node& c : given) {
            ModelRef::Given g;
            g.where = At(c);
            if (Scalar(c, "a 'given' column", &g.column)) ref.given.push_back(std::move(g));
          }
        }
      }
      entity.model = ref;
    } else {
      Add(model, "'model' is a model file (seedforge learn --out), {file: MODEL, constraints: [...], given: [...]} or "
                 "{from: DATA.csv, synthesizer: copula, constraints: [...]}");
    }
  }
  if (node["description"]) ReadText(node["description"], "'description'", &entity.description);
  if (node["rows"]) {
    std::string s;
    if (Scalar(node["rows"], "'rows'", &s)) {
      if (std::optional<uint64_t> rows = ParseRowCount(s)) {
        entity.rows = *rows;
      } else {
        Add(node["rows"], "'rows' must be a whole number from 0 to " + std::to_string(kMaxRows) + ", got '" + s + "'");
      }
    }
  }
  YAML::Node columns = node["columns"];
  if (!columns || !columns.IsMap() || columns.size() == 0) {
    Add(columns ? columns : key, "entity '" + entity.name + "' needs a 'columns' map");
    return;
  }
  for (auto it = columns.begin(); it != columns.end(); ++it) ParseColumn(it->first, it->second, entity);
  if (YAML::Node links = node["links"]) {
    if (!links.IsSequence()) {
      Add(links, "'links' must be a list");
    } else {
      for (const YAML::Node& link : links) ParseLink(link, entity);
    }
  }
  for (const DomainColumn& column : entity.columns) {
    if (column.source == ColumnSource::kLearned && !entity.model) {
      Add(column.where, "column '" + entity.name + "." + column.name +
                            "' is learned, but entity '" + entity.name + "' names no 'model'");
    }
    if (column.source == ColumnSource::kNone) {
      Add(column.where, "column '" + entity.name + "." + column.name +
                            "' needs a source: 'provider', 'derive', 'compute', 'copy', 'aggregate', 'references', 'ordinal' or 'learned'");
    }
  }
}

void YamlReader::ParseColumn(const YAML::Node& key, const YAML::Node& node, DomainEntity& entity) {
  DomainColumn column;
  column.name = key.Scalar();
  column.where = At(key);
  CheckName(key, "column name", column.name, false);
  std::string where = "column '" + entity.name + "." + column.name + "'";
  if (entity.FindColumn(column.name) >= 0) {
    Add(key, where + " declared twice");
    return;
  }
  YAML::Node shorthand;
  if (node.IsScalar()) {
    // Shorthand: `name: person.full_name`
    shorthand = YAML::Node(YAML::NodeType::Map);
    shorthand["provider"] = node;
  }
  // Const: yaml-cpp's non-const operator[] may insert the keys it looks up.
  const YAML::Node spec = node.IsScalar() ? shorthand : node;
  if (!spec.IsMap()) {
    Add(key, where + " must be a map (type, provider, ...) or a provider name");
    return;
  }
  CheckKeys(spec, {"type", "not_null", "nullable", "primary_key", "unique", "default", "check",
                   "null_rate", "description", "provider", "group", "params", "derive",
                   "references", "per_parent", "pick", "identity", "ordinal", "learned", "hidden",
                   "after", "before", "between", "min_age_at", "compute", "copy", "aggregate", "sequence",
                   "step_of", "next_of"},
            where);
  bool flag = false;
  if (spec["not_null"] && Bool(spec["not_null"], "'not_null'", &flag)) column.not_null = flag;
  if (spec["nullable"] && Bool(spec["nullable"], "'nullable'", &flag)) column.not_null = !flag;
  if (spec["primary_key"] && Bool(spec["primary_key"], "'primary_key'", &flag)) {
    column.primary_key = flag;
    if (flag) column.not_null = true;
  }
  if (spec["unique"] && Bool(spec["unique"], "'unique'", &flag)) column.unique = flag;
  if (spec["hidden"] && Bool(spec["hidden"], "'hidden'", &flag)) {
    column.hidden = flag;
    if (flag && column.primary_key) Add(spec["hidden"], where + " is a primary key, so it cannot be hidden");
    if (flag && spec["references"]) Add(spec["hidden"], where + " is a foreign key, so it cannot be hidden");
  }
  // Both go into DDL as written: each must be one expression.
  for (auto [key, sql] : {std::pair{"default", &column.default_sql}, std::pair{"check", &column.check_sql}}) {
    if (!spec[key] || !Scalar(spec[key], "'" + std::string(key) + "'", sql)) continue;
    const std::string problem = SqlExpressionProblem(*sql);
    if (!problem.empty()) Add(spec[key], "'" + std::string(key) + "' is not one SQL expression: " + problem);
  }
  if (spec["description"]) ReadText(spec["description"], "'description'", &column.description);
  if (spec["identity"] && Scalar(spec["identity"], "'identity'", &column.identity) &&
      column.identity != "always" && column.identity != "by default") {
    Add(spec["identity"], "'identity' is 'always' or 'by default'");
  }
  if (YAML::Node rate = spec["null_rate"]) {
    std::string s;
    if (Scalar(rate, "'null_rate'", &s)) {
      char* end = nullptr;
      column.null_rate = std::strtod(s.c_str(), &end);
      if (s.empty() || *end || column.null_rate < 0 || column.null_rate > 1) {
        Add(rate, "'null_rate' must be a number between 0 and 1, got '" + s + "'");
      } else if (column.null_rate > 0 && column.not_null) {
        Add(rate, where + " is NOT NULL, so it cannot have a null_rate");
      }
    }
  }
  if (YAML::Node type = spec["type"]) {
    std::string s;
    if (Scalar(type, "'type'", &s)) {
      if (auto parsed = ParseSqlType(s, enum_names_)) {
        column.type = *parsed;
      } else {
        Add(type, "unknown or malformed SQL type '" + s +
                      "' (supported: smallint, integer, bigint, numeric(p,s), real, double "
                      "precision, text, varchar(n), char(n), boolean, date, timestamp, "
                      "timestamptz, uuid, json, jsonb, an enum declared under 'enums', and "
                      "arrays of these as type[])");
      }
    }
  }
  // Each source key claims the column; the messages point at the key that
  // claimed it. More than one claim is an error below.
  int sources = 0;
  auto claim = [&](const YAML::Node& source_key, ColumnSource source) {
    ++sources;
    column.source = source;
    column.where = At(source_key);
  };
  if (YAML::Node provider = spec["provider"]) {
    claim(provider, ColumnSource::kProvider);
    std::string s;
    if (Scalar(provider, "'provider'", &s)) {
      size_t dot = s.find('.');
      column.provider = s.substr(0, dot);
      column.field = dot == std::string::npos ? "" : s.substr(dot + 1);
      column.params = Params({}, At(provider));
    }
    if (spec["group"]) Scalar(spec["group"], "'group'", &column.group);
    if (YAML::Node params = spec["params"]) {
      if (!params.IsMap()) {
        Add(params, "'params' must be a map of parameter name to value");
      } else {
        std::map<std::string, ParamValue> values;
        for (auto it = params.begin(); it != params.end(); ++it) {
          ParamValue v = ToParam(it->second);
          v.where = At(it->first);
          values.emplace(it->first.Scalar(), std::move(v));
        }
        column.params = Params(std::move(values), At(params));
      }
    }
  }
  if (YAML::Node derive = spec["derive"]) {
    claim(derive, ColumnSource::kDerived);
    Scalar(derive, "'derive'", &column.derive);
  }
  if (YAML::Node references = spec["references"]) {
    claim(references, ColumnSource::kReference);
    DomainLink link;
    link.columns = {column.name};
    link.where = At(references);
    if (ParseReference(references, link)) {
      if (YAML::Node per_parent = spec["per_parent"]) link.per_parent = ParseCardinality(per_parent);
      if (YAML::Node pick = spec["pick"]) link.pick = ParsePick(pick);
      column.link = static_cast<int>(entity.links.size());
      entity.links.push_back(std::move(link));
    }
  } else {
    if (spec["per_parent"]) Add(spec["per_parent"], "'per_parent' belongs with 'references'");
    if (spec["pick"]) Add(spec["pick"], "'pick' belongs with 'references'");
  }
  if (YAML::Node learned = spec["learned"]) {
    std::string value;
    if (Scalar(learned, "'learned'", &value) && value != "false" && value != "no") {
      claim(learned, ColumnSource::kLearned);
      column.learned = (value == "true" || value == "yes") ? column.name : value;
    }
  }
  if (YAML::Node ordinal = spec["ordinal"]) {
    claim(ordinal, ColumnSource::kOrdinal);
    Scalar(ordinal, "'ordinal'", &column.ordinal_of);
  }
  ParseHistory(spec, where, claim, column);
  if (YAML::Node compute = spec["compute"]) {
    claim(compute, ColumnSource::kComputed);
    ParseCompute(compute, column);
  }
  if (YAML::Node copy = spec["copy"]) {
    claim(copy, ColumnSource::kCopied);
    std::string s;
    if (Scalar(copy, "'copy'", &s)) {
      const size_t dot = s.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == s.size()) {
        Add(copy, "'copy' takes ENTITY.COLUMN: a column of a parent the row reaches through its links");
      }
      column.copy.entity = s.substr(0, dot == std::string::npos ? 0 : dot);
      column.copy.column = dot == std::string::npos ? s : s.substr(dot + 1);
      column.copy.where = At(copy);
    }
  }
  if (YAML::Node aggregate = spec["aggregate"]) {
    claim(aggregate, ColumnSource::kAggregate);
    ParseAggregate(aggregate, column.aggregate);
  }
  if (sources > 1) {
    Add(key, where + " has more than one of 'provider', 'derive', 'compute', 'copy', 'aggregate', 'references', 'ordinal' and 'learned'");
  } else if (sources == 0) {
    column.source = ColumnSource::kNone;  // an entity-level link may fill it
  }
  ParseRules(spec, where, column);
  if (spec["group"] && !spec["provider"]) Add(spec["group"], "'group' belongs with 'provider'");
  if (spec["params"] && !spec["provider"]) Add(spec["params"], "'params' belongs with 'provider'");
  // Columns without a type take their provider field's natural type, or
  // their parent column's, during validation.
  column.type_given = static_cast<bool>(spec["type"]);
  entity.columns.push_back(std::move(column));
}

void YamlReader::ParseCompute(const YAML::Node& node, DomainColumn& column) {
  if (!Scalar(node, "'compute'", &column.compute)) return;
  // Messages point inside the expression: past the opening quote of a
  // quoted scalar (yaml-cpp tags quoted scalars "!", plain ones "?").
  column.compute_where = At(node);
  if (node.Tag() == "!") ++column.compute_where.column;
  Expression::Problem problem;
  column.expression = Expression::Parse(column.compute, &problem);
  if (!column.expression) {
    SourceLocation at = column.compute_where;
    at.column += static_cast<int>(problem.offset);
    Add(at, "'compute': " + problem.message);
  }
}

void YamlReader::ParseRules(const YAML::Node& spec, const std::string& where, DomainColumn& column) {
  using Side = DateRule::Side;
  // Each key takes one bound or a list of them; `between` one [lower,
  // upper] pair or a list of pairs.
  auto each = [&](const char* key, auto&& parse) {
    const YAML::Node node = spec[key];
    if (!node) return;
    if (!node.IsSequence()) {
      parse(node);
      return;
    }
    for (const YAML::Node& item : node) parse(item);
  };
  each("after", [&](const YAML::Node& n) { ParseBound(n, "after", Side::kLower, 0, column.rules); });
  each("before", [&](const YAML::Node& n) { ParseBound(n, "before", Side::kUpper, 0, column.rules); });
  each("min_age_at", [&](const YAML::Node& n) { ParseBound(n, "min_age_at", Side::kLower, 18, column.rules); });
  if (const YAML::Node between = spec["between"]) {
    auto pair = [&](const YAML::Node& n) {
      if (!n.IsSequence() || n.size() != 2) {
        Add(n, where + ": 'between' is a pair [lower, upper] of bounds, or a list of such pairs");
        return;
      }
      if (ParseBound(n[0], "between", Side::kLower, 0, column.rules)) {
        ParseBound(n[1], "between", Side::kUpper, 0, column.rules);
      }
    };
    if (between.IsSequence() && between.size() > 0 && between[0].IsSequence()) {
      for (const YAML::Node& item : between) pair(item);
    } else {
      pair(between);
    }
  }
}

bool YamlReader::ParseBound(const YAML::Node& node, const std::string& key, DateRule::Side side, int default_years,
                            std::vector<DateRule>& rules) {
  // COLUMN, ENTITY.COLUMN, or {column: ENTITY.COLUMN, years: N, days: N}.
  DateRule rule;
  rule.key = key;
  rule.side = side;
  rule.years = default_years;
  rule.where = At(node);
  const std::string shape = "'" + key + "' takes COLUMN, ENTITY.COLUMN or {column: ENTITY.COLUMN, years: N, days: N}";
  std::string name;
  if (node.IsMap()) {
    CheckKeys(node, {"column", "years", "days"}, "'" + key + "'");
    if (!node["column"]) {
      Add(node, shape);
      return false;
    }
    if (!Scalar(node["column"], "'column'", &name)) return false;
    // Offsets up to 1,000 years either way: any date plus the offset stays
    // far inside int64 days and microseconds.
    for (auto [unit, out, limit] : {std::tuple{"years", &rule.years, 1000L}, std::tuple{"days", &rule.days, 366000L}}) {
      if (!node[unit]) continue;
      std::string s;
      if (!Scalar(node[unit], std::string("'") + unit + "'", &s)) return false;
      char* end = nullptr;
      errno = 0;
      const long value = std::strtol(s.c_str(), &end, 10);
      if (s.empty() || *end || errno || value < -limit || value > limit) {
        Add(node[unit], std::string("'") + unit + "' must be a whole number from -" + std::to_string(limit) + " to " +
                            std::to_string(limit) + ", got '" + s + "'");
        return false;
      }
      *out = static_cast<int>(value);
    }
  } else if (!node.IsScalar() || node.Scalar().empty()) {
    Add(node, shape);
    return false;
  } else {
    name = node.Scalar();
  }
  const size_t dot = name.find('.');
  rule.entity = dot == std::string::npos ? "" : name.substr(0, dot);
  rule.column = dot == std::string::npos ? name : name.substr(dot + 1);
  if (rule.column.empty() || (dot != std::string::npos && rule.entity.empty())) {
    Add(node, shape + ", got '" + name + "'");
    return false;
  }
  rules.push_back(std::move(rule));
  return true;
}

void YamlReader::ParseAggregate(const YAML::Node& node, Aggregate& aggregate) {
  // {OP: ENTITY.COLUMN}, or {count: ENTITY} for the number of child rows.
  aggregate.where = At(node);
  const std::string shape = "'aggregate' takes one of {count: ENTITY}, {count|sum|min|max|first|last: ENTITY.COLUMN}";
  if (!node.IsMap() || node.size() != 1) {
    Add(node, shape);
    return;
  }
  const YAML::Node key = node.begin()->first, value = node.begin()->second;
  using Op = Aggregate::Op;
  std::vector<std::string> names;
  bool known = false;
  for (Op op : {Op::kCount, Op::kSum, Op::kMin, Op::kMax, Op::kFirst, Op::kLast}) {
    names.push_back(Aggregate::OpName(op));
    if (key.Scalar() == names.back()) {
      aggregate.op = op;
      known = true;
    }
  }
  if (!known) {
    CheckKeys(node, names, "'aggregate'");
    return;
  }
  std::string name;
  if (!Scalar(value, "'" + key.Scalar() + "'", &name)) return;
  aggregate.where = At(value);
  const size_t dot = name.find('.');
  aggregate.entity = name.substr(0, dot);
  aggregate.column = dot == std::string::npos ? "" : name.substr(dot + 1);
  const bool column_needed = aggregate.op != Op::kCount;
  if (aggregate.entity.empty() || (dot != std::string::npos && aggregate.column.empty()) ||
      (column_needed && aggregate.column.empty())) {
    Add(value, shape + ", got '" + key.Scalar() + ": " + name + "'");
  }
}

bool YamlReader::ParseReference(const YAML::Node& node, DomainLink& link) {
  // "customers", "customers.customer_id" or "order_lines(order_id, line_no)".
  // A name is bare up to the next . ( , or ), or double-quoted as in SQL
  // ("odd.name", "say ""hi""") when it holds one of those.
  std::string s;
  if (!Scalar(node, "'references'", &s)) return false;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  auto name = [&](std::string* out) {
    out->clear();
    skip_spaces();
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size(); ++i) {
        if (s[i] == '"' && (i + 1 == s.size() || s[i + 1] != '"')) break;
        if (s[i] == '"') ++i;
        *out += s[i];
      }
      if (i == s.size()) return false;  // no closing quote
      ++i;
      skip_spaces();
    } else {
      while (i < s.size() && std::string_view(".(,)").find(s[i]) == std::string_view::npos) *out += s[i++];
      while (!out->empty() && out->back() == ' ') out->pop_back();
    }
    return !out->empty();
  };
  bool ok = name(&link.parent);
  std::string column;
  if (ok && i < s.size() && s[i] == '.') {
    ++i;
    ok = name(&column);
    link.parent_columns = {column};
  } else if (ok && i < s.size() && s[i] == '(') {
    do {
      ++i;
      ok = name(&column);
      link.parent_columns.push_back(column);
    } while (ok && i < s.size() && s[i] == ',');
    ok = ok && i < s.size() && s[i] == ')';
    ++i;
    skip_spaces();
  }
  if (!ok || i < s.size()) {
    Add(node, "malformed reference '" + s + "'; write entity, entity.column or entity(column, ...), with "
              "\"double quotes\" around a name that holds . ( , or )");
    return false;
  }
  return true;
}

void YamlReader::ParseLink(const YAML::Node& node, DomainEntity& entity) {
  if (!node.IsMap()) {
    Add(node, "a link is a map with 'columns' and 'references'");
    return;
  }
  CheckKeys(node, {"columns", "references", "per_parent", "pick"}, "a link");
  DomainLink link;
  link.where = At(node);
  if (YAML::Node columns = node["columns"]; columns && columns.IsSequence()) {
    for (const YAML::Node& c : columns) link.columns.push_back(c.Scalar());
  } else {
    Add(node, "a link needs 'columns', a list of this entity's columns");
    return;
  }
  if (!node["references"]) {
    Add(node, "a link needs 'references: entity(column, ...)'");
    return;
  }
  if (!ParseReference(node["references"], link)) return;
  if (node["per_parent"]) link.per_parent = ParseCardinality(node["per_parent"]);
  if (node["pick"]) link.pick = ParsePick(node["pick"]);
  int index = static_cast<int>(entity.links.size());
  for (size_t part = 0; part < link.columns.size(); ++part) {
    int c = entity.FindColumn(link.columns[part]);
    if (c < 0) {
      Add(node["columns"], "link column '" + link.columns[part] + "' is not a column of '" +
                               entity.name + "'");
      return;
    }
    DomainColumn& column = entity.columns[c];
    if (column.source == ColumnSource::kReference && column.link != index) {
      Add(node["columns"], "column '" + column.name + "' already references another entity");
      return;
    }
    if (!column.provider.empty() || !column.derive.empty()) {
      Add(node["columns"], "column '" + column.name +
                               "' is filled by the link; remove its provider or derive");
      return;
    }
    column.source = ColumnSource::kReference;
    column.link = index;
    column.link_part = static_cast<int>(part);
  }
  entity.links.push_back(std::move(link));
}

std::optional<Cardinality> YamlReader::ParseCardinality(const YAML::Node& node) {
  Cardinality c;
  // Child counts become int64 (and sums of them row counts): a billion
  // children of one parent is already far past any fixture.
  constexpr double kMaxCount = 1e9;
  auto number = [&](const YAML::Node& n, const std::string& what, double* out, double limit = HUGE_VAL) {
    std::string s;
    if (!Scalar(n, what, &s)) return false;
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    if (s.empty() || *end || !(*out >= 0) || !(*out <= limit) || std::isinf(*out)) {
      Add(n, what + (limit < HUGE_VAL ? " must be a number from 0 to 1000000000" : " must be a finite number >= 0") +
                 ", got '" + s + "'");
      return false;
    }
    return true;
  };
  double v = 0;
  if (node.IsScalar()) {
    if (!number(node, "'per_parent'", &v, kMaxCount)) return std::nullopt;
    c.kind = Cardinality::Kind::kFixed;
    c.min = c.max = static_cast<int64_t>(v);
    return c;
  }
  if (!node.IsMap()) {
    Add(node, "'per_parent' is a number or a map (min/max, poisson, lognormal, weights)");
    return std::nullopt;
  }
  CheckKeys(node, {"min", "max", "poisson", "lognormal", "weights", "funnel", "rate", "per", "active", "column"},
            "'per_parent'");
  c.kind = Cardinality::Kind::kRange;
  c.min = 0;
  c.max = 1000000;
  bool has_min = node["min"] && number(node["min"], "'min'", &v, kMaxCount);
  if (has_min) c.min = static_cast<int64_t>(v);
  bool has_max = node["max"] && number(node["max"], "'max'", &v, kMaxCount);
  if (has_max) c.max = static_cast<int64_t>(v);
  int shapes = 0;
  if (node["poisson"]) {
    ++shapes;
    c.kind = Cardinality::Kind::kPoisson;
    if (number(node["poisson"], "'poisson'", &v)) c.lambda = v;
  }
  if (YAML::Node ln = node["lognormal"]) {
    ++shapes;
    c.kind = Cardinality::Kind::kLogNormal;
    if (!ln.IsMap() || !ln["mu"] || !ln["sigma"]) {
      Add(ln, "'lognormal' needs {mu: M, sigma: S} (of the log of the count)");
    } else {
      std::string mu;
      if (Scalar(ln["mu"], "'mu'", &mu)) {
        char* end = nullptr;
        c.mu = std::strtod(mu.c_str(), &end);
        if (mu.empty() || *end || !(std::fabs(c.mu) <= 40)) {
          Add(ln["mu"], "'mu' (the mean of the log of the count) must be a number from -40 to 40, got '" + mu + "'");
        }
      }
      if (number(ln["sigma"], "'sigma'", &v)) c.sigma = v;
    }
  }
  if (YAML::Node w = node["weights"]) {
    ++shapes;
    c.kind = Cardinality::Kind::kWeighted;
    if (!w.IsMap() || w.size() == 0) {
      Add(w, "'weights' is a map of child count to weight, e.g. {0: 0.2, 1: 0.5, 2: 0.3}");
    } else {
      for (auto it = w.begin(); it != w.end(); ++it) {
        double count = 0, weight = 0;
        if (number(it->first, "a child count", &count, kMaxCount) && number(it->second, "a weight", &weight)) {
          c.counts.push_back(static_cast<int64_t>(count));
          c.weights.push_back(weight);
        }
      }
      if (!has_min) c.min = 0;
      if (!has_max && !c.counts.empty()) c.max = *std::max_element(c.counts.begin(), c.counts.end());
    }
  }
  if (YAML::Node funnel = node["funnel"]) {
    ++shapes;
    ParseFunnel(funnel, c);
    if (!has_min) c.min = 0;
    if (!has_max) c.max = static_cast<int64_t>(c.states.size());
  }
  if (node["rate"] || node["per"] || node["active"]) {
    ++shapes;
    ParseRate(node, c);
  }
  if (YAML::Node column = node["column"]) {
    ++shapes;
    c.kind = Cardinality::Kind::kColumn;
    c.column_where = At(column);
    if (Scalar(column, "'column'", &c.column) && c.column.empty()) {
      Add(column, "'column' names an integer column of the parent: each parent's number of children");
    }
    if (node["min"]) {
      Add(node["min"], "'per_parent' with 'column' takes no 'min': the parent's value is the count (NULL or negative: 0)");
    }
    if (!has_max) c.max = static_cast<int64_t>(kMaxCount);
    c.min = 0;
  }
  if (shapes > 1) Add(node, "'per_parent' takes one of poisson, lognormal, weights, funnel, rate and column");
  if (shapes == 0 && (!has_min || !has_max)) {
    Add(node, "'per_parent' as a range needs both 'min' and 'max'");
  }
  if (c.min > c.max) Add(node, "'per_parent': min is larger than max");
  return c;
}

// `pick: {weight: PARENT_COL, match: {CHILD_COL: PARENT_COL}, distinct_from:
// OTHER_REF_COL, distinct: true}`, any of them.
std::optional<LinkPick> YamlReader::ParsePick(const YAML::Node& node) {
  if (!node.IsMap() || node.size() == 0) {
    Add(node, "'pick' is a map of weight: PARENT_COLUMN, match: {COLUMN: PARENT_COLUMN}, distinct_from: "
              "OTHER_REFERENCE_COLUMN and distinct: true (any of them)");
    return std::nullopt;
  }
  CheckKeys(node, {"weight", "match", "distinct_from", "distinct"}, "'pick'");
  LinkPick pick;
  pick.where = At(node);
  if (const YAML::Node weight = node["weight"]) {
    pick.weight_where = At(weight);
    Scalar(weight, "'weight'", &pick.weight);
  }
  if (const YAML::Node match = node["match"]) {
    if (!match.IsMap() || match.size() == 0) {
      Add(match, "'match' maps columns of this entity to columns of the parent whose values they equal, "
                 "e.g. {region: region}");
    } else {
      for (auto it = match.begin(); it != match.end(); ++it) {
        LinkPick::Match m;
        m.where = At(it->first);
        if (Scalar(it->first, "a 'match' column", &m.child) && Scalar(it->second, "a 'match' parent column", &m.parent)) {
          pick.match.push_back(std::move(m));
        }
      }
    }
  }
  if (const YAML::Node other = node["distinct_from"]) {
    pick.distinct_from_where = At(other);
    Scalar(other, "'distinct_from'", &pick.distinct_from);
  }
  if (const YAML::Node distinct = node["distinct"]) {
    std::string value;
    if (Scalar(distinct, "'distinct'", &value)) {
      if (value == "true" || value == "yes") {
        pick.distinct = true;
      } else if (value != "false" && value != "no") {
        Add(distinct, "'distinct' is true or false, got '" + value + "'");
      }
    }
  }
  return pick;
}

void YamlReader::ParseFunnel(const YAML::Node& node, Cardinality& c) {
  c.kind = Cardinality::Kind::kFunnel;
  if (!node.IsMap() || node.size() == 0) {
    Add(node, "'funnel' is a map of state to the chance of reaching it from the state before, in order, e.g. "
              "{sent: 1, opened: 0.45, clicked: 0.3}");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string state, text;
    if (!Scalar(it->first, "a funnel state", &state) || !Scalar(it->second, "a chance", &text)) continue;
    char* end = nullptr;
    const double chance = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !(chance >= 0 && chance <= 1)) {
      Add(it->second, "the chance of funnel state '" + state + "' must be a number from 0 to 1, got '" + text + "'");
      continue;
    }
    if (std::find(c.states.begin(), c.states.end(), state) != c.states.end()) {
      Add(it->first, "funnel state '" + state + "' is listed twice");
      continue;
    }
    c.states.push_back(state);
    c.chances.push_back(chance);
  }
}

void YamlReader::ParseHistory(const YAML::Node& spec, const std::string& where, const Claim& claim,
                              DomainColumn& column) {
  if (const YAML::Node step = spec["step_of"]) {
    claim(step, ColumnSource::kStep);
    Scalar(step, "'step_of'", &column.step_of);
  }
  if (const YAML::Node next = spec["next_of"]) {
    claim(next, ColumnSource::kNextOf);
    if (next.IsMap()) {
      CheckKeys(next, {"column", "days"}, "'next_of'");
      if (!next["column"]) Add(next, "'next_of' takes COLUMN or {column: COLUMN, days: N}");
      if (next["column"]) Scalar(next["column"], "'column'", &column.next_of);
      if (const YAML::Node days = next["days"]) {
        std::string s;
        if (Scalar(days, "'days'", &s)) {
          char* end = nullptr;
          errno = 0;
          const long value = std::strtol(s.c_str(), &end, 10);
          // As the date rules' offsets: any date plus it stays far inside int64.
          if (s.empty() || *end || errno || value < -366000 || value > 366000) {
            Add(days, "'days' must be a whole number from -366000 to 366000, got '" + s + "'");
          } else {
            column.next_of_days = static_cast<int>(value);
          }
        }
      }
    } else {
      Scalar(next, "'next_of'", &column.next_of);
    }
  }
  const YAML::Node sequence = spec["sequence"];
  if (!sequence) return;
  ColumnSequence parsed;
  parsed.where = At(sequence);
  const std::string shape = where + ": 'sequence' is true (spread over the window) or {gap: {min: 5 minutes, max: 2 days}}";
  if (sequence.IsScalar()) {
    bool on = false;
    if (!Bool(sequence, "'sequence'", &on)) return;
    if (on) column.sequence = parsed;
    return;
  }
  if (!sequence.IsMap() || !sequence["gap"]) {
    Add(sequence, shape);
    return;
  }
  CheckKeys(sequence, {"gap"}, "'sequence'");
  const YAML::Node gap = sequence["gap"];
  if (!gap.IsMap() || !gap["min"] || !gap["max"]) {
    Add(gap, shape);
    return;
  }
  CheckKeys(gap, {"min", "max"}, "'gap'");
  parsed.gaps = true;
  if (!ParseDelay(gap["min"], parsed.gap_min) || !ParseDelay(gap["max"], parsed.gap_max)) return;
  auto seconds = [](const ColumnSequence::Delay& d) {
    return d.amount * (d.unit == ColumnSequence::Delay::Unit::kDays ? 86400 : 1);
  };
  if (seconds(parsed.gap_min) > seconds(parsed.gap_max)) {
    Add(gap, where + ": the gap's min is larger than its max");
    return;
  }
  column.sequence = parsed;
}

bool YamlReader::ParseDelay(const YAML::Node& node, ColumnSequence::Delay& delay) {
  // "300", "5 minutes", "2 days": a number, then a unit for time.
  using Unit = ColumnSequence::Delay::Unit;
  static const std::vector<std::tuple<std::string, Unit, double>> kUnits = {
      {"second", Unit::kSeconds, 1}, {"minute", Unit::kSeconds, 60}, {"hour", Unit::kSeconds, 3600},
      {"day", Unit::kDays, 1}};
  delay.where = At(node);
  std::string text;
  if (!Scalar(node, "a gap", &text)) return false;
  char* end = nullptr;
  const double raw = std::strtod(text.c_str(), &end);
  delay.amount = raw;
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(' '));
  bool known = unit.empty();
  for (const auto& [name, kind, factor] : kUnits) {
    if (unit != name && unit != name + "s") continue;
    known = true;
    delay.unit = kind;
    delay.amount *= factor;
  }
  // At most 10^9 of its unit: a delay in hours is still inside int64
  // microseconds, and the engine sums a parent's delays in long double.
  if (end == text.c_str() || !known || !(raw >= 0 && raw <= 1e9)) {
    Add(node, "a gap is a number from 0 to 1000000000, with a unit for time (seconds, minutes, hours, days), got '" +
                  text + "'");
    return false;
  }
  return true;
}

// `time: {from: DATE, to: DATE}`: the simulation window (docs/domain-files.md,
// "Time"). Bounds are checked here as far as the file decides them; one
// relative to the run's date (today-1y) is placed by the plan.
void YamlReader::ParseTime(const YAML::Node& node, Domain& domain) {
  const std::string shape = "'time' is the simulation window {from: DATE, to: DATE}, e.g. {from: 2024-01-01, to: 2024-12-31}";
  if (!node.IsMap()) {
    Add(node, shape);
    return;
  }
  CheckKeys(node, {"from", "to"}, "'time'");
  DomainTime time;
  time.where = At(node);
  bool ok = true;
  for (auto [key, text, where] : {std::tuple{"from", &time.from, &time.from_where}, std::tuple{"to", &time.to, &time.to_where}}) {
    const YAML::Node bound = node[key];
    if (!bound) {
      Add(node, shape + "; '" + key + "' is missing");
      ok = false;
      continue;
    }
    *where = At(bound);
    if (!Scalar(bound, std::string("'") + key + "'", text)) {
      ok = false;
    } else if (!ParseTimeBound(*text, 0, false)) {
      Add(bound, std::string("'time': '") + key + "' expects a date YYYY-MM-DD, a timestamp YYYY-MM-DD HH:MM[:SS] or "
                     "today[+-]N(d|m|y), got '" + *text + "'");
      ok = false;
    }
  }
  if (!ok) return;
  // Bounds relative to the run's date move together with it; an absolute
  // and a relative one can only be compared by the plan.
  const bool relative = time.from.starts_with("today") || time.to.starts_with("today");
  if (!relative && *ParseTimeBound(time.from, 0, false) > *ParseTimeBound(time.to, 0, true)) {
    Add(time.from_where, "'time': 'from' (" + time.from + ") is after 'to' (" + time.to + ")");
    return;
  }
  domain.time = std::move(time);
}

// `per_parent: {rate: R, per: month, active: [FROM, TO], max: N}`: a Poisson
// count of mean R per unit of the parent's active time in the window.
void YamlReader::ParseRate(const YAML::Node& node, Cardinality& c) {
  const std::string shape = "'per_parent' with 'rate' is {rate: R, per: day|week|month|year, active: [FROM_COLUMN, "
                            "TO_COLUMN]} (columns of the parent; the second may be NULL or left out: still active)";
  Cardinality::Rate rate;
  rate.where = At(node);
  c.kind = Cardinality::Kind::kPoisson;
  if (!node["max"]) c.max = 1'000'000'000;
  c.min = 0;
  if (node["min"]) Add(node["min"], "'per_parent' with 'rate' takes no 'min': a parent active for no time has no children");
  if (!node["rate"] || !node["per"] || !node["active"]) {
    Add(node, shape);
    return;
  }
  std::string text;
  if (Scalar(node["rate"], "'rate'", &text)) {
    char* end = nullptr;
    rate.rate = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !(rate.rate > 0) || !(rate.rate <= 1e9)) {
      Add(node["rate"], "'rate' must be a number above 0 and at most 1000000000 (children per '" +
                            node["per"].as<std::string>("unit") + "'), got '" + text + "'");
      return;
    }
  }
  if (Scalar(node["per"], "'per'", &rate.per)) {
    const std::optional<double> days = RateUnitDays(rate.per);
    if (!days) {
      Add(node["per"], "'per' is day, week, month or year, got '" + rate.per + "'");
      return;
    }
    rate.per_days = *days;
  }
  const YAML::Node active = node["active"];
  if (!active.IsSequence() || active.size() < 1 || active.size() > 2 || !Scalar(active[0], "'active'", &rate.from) ||
      (active.size() == 2 && !Scalar(active[1], "'active'", &rate.to)) || rate.from.empty() ||
      (active.size() == 2 && rate.to.empty())) {
    Add(active, "'active' names the date or timestamp columns of the parent, [FROM, TO] or [FROM], between which "
                "each parent has children (TO NULL or left out: to the end of the window)");
    return;
  }
  c.rate = std::move(rate);
}

}  // namespace

Domain ParseDomainYaml(const std::string& text, const std::string& file, std::vector<Diagnostic>& diagnostics) {
  return YamlReader(file, diagnostics).Read(text);
}

}  // namespace seedforge
