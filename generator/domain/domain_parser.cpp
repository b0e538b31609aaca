// Reads a domain file (YAML) into a Domain and validates it.
//
// Parsing and validation collect diagnostics instead of stopping at the
// first problem, so a user fixes a file in one round; ParseDomain throws
// one InputError with all of them, sorted by position.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "domain/derive.h"
#include "seedforge/domain.h"
#include "seedforge/resources.h"
#include "seedforge/utf8.h"

namespace seedforge {

int EntityDef::FindColumn(const std::string& column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> EntityDef::PrimaryKey() const {
  std::vector<std::string> key;
  for (const ColumnDef& c : columns) {
    if (c.primary_key) key.push_back(c.name);
  }
  return key;
}

int EntityDef::CountingLink() const {
  for (size_t i = 0; i < links.size(); ++i) {
    if (links[i].per_parent && links[i].parent != name) return static_cast<int>(i);
  }
  return -1;
}

int Domain::FindEntity(const std::string& entity) const {
  for (size_t i = 0; i < entities.size(); ++i) {
    if (entities[i].name == entity) return static_cast<int>(i);
  }
  return -1;
}

namespace {

class DomainParser {
 public:
  DomainParser(std::string file, const ProviderRegistry& registry)
      : file_(std::move(file)), registry_(registry) {}

  Domain Parse(const std::string& text);

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
  void ParseEntity(const YAML::Node& key, const YAML::Node& node, EntityDef& entity);
  void ParseColumn(const YAML::Node& key, const YAML::Node& node, EntityDef& entity);
  void ParseLink(const YAML::Node& node, EntityDef& entity);
  std::optional<Cardinality> ParseCardinality(const YAML::Node& node);
  bool ParseReference(const YAML::Node& node, LinkDef& link);

  void Validate(Domain& domain);
  void ValidateProviders(EntityDef& entity);
  void ValidateLinks(Domain& domain, EntityDef& entity);
  void ValidateColumnOrder(const EntityDef& entity);
  void ValidateCycles(const Domain& domain);

  std::string file_;
  const ProviderRegistry& registry_;
  std::vector<Diagnostic> diagnostics_;
  std::vector<std::string> enum_names_;
};

void DomainParser::CheckKeys(const YAML::Node& node, const std::vector<std::string>& allowed,
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

bool DomainParser::Scalar(const YAML::Node& node, const std::string& what, std::string* out) {
  if (!node.IsScalar()) {
    Add(node, what + " must be a single value");
    return false;
  }
  *out = node.Scalar();
  return true;
}

bool DomainParser::Bool(const YAML::Node& node, const std::string& what, bool* out) {
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

void DomainParser::CheckName(const YAML::Node& node, const std::string& what, const std::string& name,
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

void DomainParser::ReadText(const YAML::Node& node, const std::string& what, std::string* out) {
  if (!Scalar(node, what, out)) return;
  if (std::any_of(out->begin(), out->end(), [](char c) {
        const unsigned char u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
      })) {
    Add(node, what + " contains a control character other than tab and line breaks");
  }
}

ParamValue DomainParser::ToParam(const YAML::Node& node) {
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

Domain DomainParser::Parse(const std::string& text) {
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
  CheckKeys(root, {"domain", "description", "version", "enums", "entities"}, "the domain file");
  if (const YAML::Node enums = root["enums"]) {
    if (!enums.IsMap()) {
      Add(enums, "'enums' is a map of type name to its list of labels");
    } else {
      for (auto it = enums.begin(); it != enums.end(); ++it) {
        EnumDef def;
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
      EntityDef entity;
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
  if (diagnostics_.empty()) Validate(domain);
  if (!diagnostics_.empty()) {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    throw InputError(std::move(diagnostics_));
  }
  return domain;
}

void DomainParser::ParseEntity(const YAML::Node& key, const YAML::Node& node, EntityDef& entity) {
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
      CheckKeys(model, {"from", "file", "synthesizer", "constraints", "types", "epochs", "batch_size"}, "'model'");
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
      entity.model = ref;
    } else {
      Add(model, "'model' is a model file (seedforge learn --out), {file: MODEL, constraints: [...]} or "
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
  for (const ColumnDef& column : entity.columns) {
    if (column.source == ColumnSource::kLearned && !entity.model) {
      Add(column.where, "column '" + entity.name + "." + column.name +
                            "' is learned, but entity '" + entity.name + "' names no 'model'");
    }
    if (column.source == ColumnSource::kNone) {
      Add(column.where, "column '" + entity.name + "." + column.name +
                            "' needs a source: 'provider', 'derive', 'references', 'ordinal' or 'learned'");
    }
  }
}

void DomainParser::ParseColumn(const YAML::Node& key, const YAML::Node& node, EntityDef& entity) {
  ColumnDef column;
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
                   "references", "per_parent", "identity", "ordinal", "learned", "hidden"},
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
  int sources = 0;
  if (YAML::Node provider = spec["provider"]) {
    ++sources;
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
    column.where = At(provider);
  }
  if (YAML::Node derive = spec["derive"]) {
    ++sources;
    column.source = ColumnSource::kDerived;
    Scalar(derive, "'derive'", &column.derive);
    column.where = At(derive);
  }
  if (YAML::Node references = spec["references"]) {
    ++sources;
    column.source = ColumnSource::kReference;
    LinkDef link;
    link.columns = {column.name};
    link.where = At(references);
    if (ParseReference(references, link)) {
      if (YAML::Node per_parent = spec["per_parent"]) link.per_parent = ParseCardinality(per_parent);
      column.link = static_cast<int>(entity.links.size());
      entity.links.push_back(std::move(link));
    }
    column.where = At(references);
  } else if (spec["per_parent"]) {
    Add(spec["per_parent"], "'per_parent' belongs with 'references'");
  }
  if (YAML::Node learned = spec["learned"]) {
    std::string value;
    if (Scalar(learned, "'learned'", &value) && value != "false" && value != "no") {
      ++sources;
      column.source = ColumnSource::kLearned;
      column.learned = (value == "true" || value == "yes") ? column.name : value;
      column.where = At(learned);
    }
  }
  if (YAML::Node ordinal = spec["ordinal"]) {
    ++sources;
    column.source = ColumnSource::kOrdinal;
    Scalar(ordinal, "'ordinal'", &column.ordinal_of);
    column.where = At(ordinal);
  }
  if (sources > 1) {
    Add(key, where + " has more than one of 'provider', 'derive', 'references', 'ordinal' and 'learned'");
  } else if (sources == 0) {
    column.source = ColumnSource::kNone;  // an entity-level link may fill it
  }
  if (spec["group"] && !spec["provider"]) Add(spec["group"], "'group' belongs with 'provider'");
  if (spec["params"] && !spec["provider"]) Add(spec["params"], "'params' belongs with 'provider'");
  // Columns without a type take their provider field's natural type, or
  // their parent column's, during validation.
  column.type_given = static_cast<bool>(spec["type"]);
  entity.columns.push_back(std::move(column));
}

bool DomainParser::ParseReference(const YAML::Node& node, LinkDef& link) {
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

void DomainParser::ParseLink(const YAML::Node& node, EntityDef& entity) {
  if (!node.IsMap()) {
    Add(node, "a link is a map with 'columns' and 'references'");
    return;
  }
  CheckKeys(node, {"columns", "references", "per_parent"}, "a link");
  LinkDef link;
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
  int index = static_cast<int>(entity.links.size());
  for (size_t part = 0; part < link.columns.size(); ++part) {
    int c = entity.FindColumn(link.columns[part]);
    if (c < 0) {
      Add(node["columns"], "link column '" + link.columns[part] + "' is not a column of '" +
                               entity.name + "'");
      return;
    }
    ColumnDef& column = entity.columns[c];
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

std::optional<Cardinality> DomainParser::ParseCardinality(const YAML::Node& node) {
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
  CheckKeys(node, {"min", "max", "poisson", "lognormal", "weights"}, "'per_parent'");
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
  if (shapes > 1) Add(node, "'per_parent' takes one of poisson, lognormal and weights");
  if (shapes == 0 && (!has_min || !has_max)) {
    Add(node, "'per_parent' as a range needs both 'min' and 'max'");
  }
  if (c.min > c.max) Add(node, "'per_parent': min is larger than max");
  return c;
}

// Which SQL types can hold a provider field's values.
bool KindFits(ValueKind kind, const SqlType& type) {
  using F = SqlType::Family;
  switch (kind) {
    case ValueKind::kInt: return type.IsInteger() || type.family == F::kNumeric ||
                                 type.family == F::kReal || type.family == F::kDouble || type.IsText();
    case ValueKind::kDecimal:
      return type.family == F::kNumeric || type.family == F::kReal || type.family == F::kDouble ||
             type.IsText();
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

void DomainParser::Validate(Domain& domain) {
  for (EntityDef& entity : domain.entities) ValidateProviders(entity);
  for (EntityDef& entity : domain.entities) ValidateLinks(domain, entity);
  for (const EntityDef& entity : domain.entities) ValidateColumnOrder(entity);
  ValidateCycles(domain);
}

void DomainParser::ValidateProviders(EntityDef& entity) {
  // Columns sharing a provider instance: their parameters are merged.
  std::map<std::pair<std::string, std::string>, std::vector<ColumnDef*>> groups;
  for (ColumnDef& column : entity.columns) {
    std::string where = "column '" + entity.name + "." + column.name + "'";
    const bool typed = column.type_given;
    if (column.source != ColumnSource::kDerived && column.source != ColumnSource::kProvider) continue;
    if (column.source == ColumnSource::kDerived) {
      if (!typed) column.type = *ParseSqlType("text");
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
    if (!typed) column.type = NaturalType(*field);
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
  for (auto& [key, columns] : groups) {
    std::map<std::string, ParamValue> merged;
    std::set<std::string> fields;
    for (ColumnDef* column : columns) {
      if (!fields.insert(column->field).second) {
        Add(column->where, "column '" + entity.name + "." + column->name + "': field '" +
                               column->field + "' of provider '" + key.first +
                               "' is already used in this entity; set 'group' to get an independent one");
      }
      for (const auto& [name, value] : column->params.values()) {
        auto [it, inserted] = merged.emplace(name, value);
        if (!inserted && it->second.scalar != value.scalar) {
          Add(value.where, "parameter '" + name + "' of provider '" + key.first +
                               "' differs from the one at line " + std::to_string(it->second.where.line) +
                               "; columns of one provider share parameters (use 'group' to separate them)");
        }
      }
    }
    const ProviderSpec* spec = registry_.Find(key.first);
    Params params(merged, columns.front()->params.Where(""));
    try {
      // Parameters are checked against today's date; a run with --as-of
      // makes its providers again with its own date (Generator).
      ProviderContext ctx;
      ctx.today = std::chrono::duration_cast<std::chrono::hours>(
                      std::chrono::system_clock::now().time_since_epoch()).count() / 24;
      std::unique_ptr<Provider> provider = spec->make(params, ctx);
      for (ColumnDef* column : columns) {
        column->params = params;
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

void DomainParser::ValidateLinks(Domain& domain, EntityDef& entity) {
  for (ColumnDef& column : entity.columns) {
    if (column.source != ColumnSource::kOrdinal) continue;
    int c = entity.FindColumn(column.ordinal_of);
    const ColumnDef* ref = c < 0 ? nullptr : &entity.columns[c];
    if (!ref || ref->source != ColumnSource::kReference || !entity.links[ref->link].per_parent) {
      Add(column.where, "'ordinal' names a column of '" + entity.name +
                            "' that references a parent with 'per_parent': the ordinal counts its children");
      continue;
    }
    if (!column.type.IsInteger() && column.type_given) {
      Add(column.where, "an ordinal column must have an integer type");
    }
    if (!column.type_given) column.type = *ParseSqlType("integer");
    column.link = ref->link;
  }
  int counting = 0;
  for (LinkDef& link : entity.links) {
    int p = domain.FindEntity(link.parent);
    if (p < 0) {
      std::vector<std::string> names;
      for (const EntityDef& e : domain.entities) names.push_back(e.name);
      std::string message = "link from '" + entity.name + "' to unknown entity '" + link.parent + "'";
      auto close = ClosestNames(link.parent, names);
      if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
      Add(link.where, message);
      continue;
    }
    const EntityDef& parent = domain.entities[p];
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
    bool key_ok = true;
    for (size_t i = 0; i < link.parent_columns.size(); ++i) {
      int pc = parent.FindColumn(link.parent_columns[i]);
      if (pc < 0) {
        Add(link.where, "link references unknown column '" + parent.name + "." + link.parent_columns[i] + "'");
        key_ok = false;
        continue;
      }
      const ColumnDef& target = parent.columns[pc];
      ColumnDef& child = entity.columns[entity.FindColumn(link.columns[i])];
      if (target.hidden || child.hidden) {
        Add(link.where, "link from '" + entity.name + "' uses hidden column '" +
                            (target.hidden ? parent.name + "." + target.name : entity.name + "." + child.name) +
                            "'; hidden columns are not in the database, so no key can use them");
      }
      if (!child.type_given) child.type = target.type;  // untyped reference: the parent's type
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

void DomainParser::ValidateColumnOrder(const EntityDef& entity) {
  // Columns may read other columns of the row (provider inputs, derive);
  // those reads must not form a cycle.
  const size_t n = entity.columns.size();
  std::vector<std::vector<int>> reads(n);
  std::map<std::pair<std::string, std::string>, std::vector<int>> groups;
  for (size_t i = 0; i < n; ++i) {
    const ColumnDef& c = entity.columns[i];
    if (c.source == ColumnSource::kDerived) {
      std::string error;
      for (const std::string& ref : DeriveTemplate::References(c.derive, &error)) {
        int r = entity.FindColumn(ref);
        if (r >= 0) reads[i].push_back(r);
      }
    } else if (c.source == ColumnSource::kProvider) {
      const ProviderSpec* spec = registry_.Find(c.provider);
      if (!spec) continue;  // reported by ValidateProviders
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

void DomainParser::ValidateCycles(const Domain& domain) {
  // A cycle of NOT NULL links can never be loaded: every row would need its
  // parent to exist first. A nullable link breaks the cycle.
  const size_t n = domain.entities.size();
  struct Edge { int to; const LinkDef* link; };
  std::vector<std::vector<Edge>> strict(n), counting(n);
  for (size_t i = 0; i < n; ++i) {
    const EntityDef& e = domain.entities[i];
    for (const LinkDef& link : e.links) {
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
      const LinkDef* first = nullptr;
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

}  // namespace

Domain ParseDomain(const std::string& text, const std::string& file, const ProviderRegistry& registry) {
  return DomainParser(file, registry).Parse(text);
}

std::vector<std::string> BuiltinDomainNames() {
  std::vector<std::string> names;
  for (const std::string& path : ResourcesUnder("domains/")) {
    std::filesystem::path p(path);
    if (p.extension() == ".yaml") names.push_back(p.stem().string());
  }
  return names;
}

Domain LoadDomain(const std::string& name_or_path, const ProviderRegistry& registry) {
  namespace fs = std::filesystem;
  // A path is told from a name by its spelling alone, never by what happens
  // to exist in the working directory: a folder or file named `banking` there
  // must not shadow the built-in domain.
  const std::string& s = name_or_path;
  auto ends_with = [&](std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  bool is_path = s.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml");
  if (!is_path) {
    std::string resource = "domains/" + s + ".yaml";
    if (const std::string_view* text = FindResource(resource)) {
      return ParseDomain(std::string(*text), resource, registry);
    }
    std::string all;
    for (const std::string& n : BuiltinDomainNames()) all += (all.empty() ? "" : ", ") + n;
    std::error_code ec;
    if (fs::is_regular_file(s, ec)) {
      throw UsageError("unknown domain '" + s + "' (built-in: " + all + "); to use the file " + s +
                       " write --domain ./" + s);
    }
    std::string message = "unknown domain '" + s + "'";
    auto close = ClosestNames(s, BuiltinDomainNames());
    if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
    throw UsageError(message + " (built-in: " + all + "; or give a path to a domain file: one with a '/' or a "
                     ".yaml or .yml suffix)");
  }
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in) throw UsageError("cannot read domain file '" + name_or_path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseDomain(ss.str(), name_or_path, registry);
}

}  // namespace seedforge
