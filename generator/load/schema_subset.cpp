// A domain schema cut down to some of its tables (schema_subset.h).
#include "load/schema_subset.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "seedforge/error.h"

namespace seedforge {

namespace {

// The keys that say where a column's values come from (docs/domain-files.md).
constexpr const char* kSourceKeys[] = {"provider", "derive",  "learned", "compute", "copy",
                                       "aggregate", "ordinal", "step_of", "next_of", "references"};

// A provider of the column's SQL type for a column whose link was dropped:
// the values are learned from the data later, so any of the type will do,
// as long as keys stay unique.
void SetPlainProvider(YAML::Node column, const DomainColumn& declared) {
  using F = SqlType::Family;
  const SqlType& type = declared.type;
  const bool distinct = declared.primary_key || declared.unique;
  if (type.IsInteger()) {
    column["provider"] = distinct ? "sequence" : "integer";
    if (!distinct) {
      column["params"]["min"] = 1;
      column["params"]["max"] = type.family == F::kSmallInt ? 32767 : 100000;
    }
  } else if (type.family == F::kNumeric || type.family == F::kReal || type.family == F::kDouble) {
    const int scale = type.family == F::kNumeric && type.precision ? type.scale : 2;
    const double max = type.family == F::kNumeric && type.precision ? std::pow(10.0, type.precision - scale) - 1 : 1000;
    column["provider"] = "decimal";
    column["params"]["min"] = 0;
    column["params"]["max"] = std::min(1000.0, max);
    column["params"]["scale"] = scale;
  } else if (type.family == F::kDate || type.family == F::kTimestamp || type.family == F::kTimestampTz) {
    column["provider"] = type.family == F::kDate ? "date" : "timestamp";
  } else if (type.family == F::kBoolean) {
    column["provider"] = "boolean";
  } else if (type.family == F::kUuid) {
    column["provider"] = "uuid";
  } else {
    const int width = type.length > 0 ? std::min(type.length, 12) : 12;
    column["provider"] = "pattern";
    column["params"]["pattern"] = std::string(static_cast<size_t>(width), '*');
  }
}

bool HasSource(const YAML::Node& column) {
  return std::any_of(std::begin(kSourceKeys), std::end(kSourceKeys),
                     [&](const char* key) { return static_cast<bool>(column[key]); });
}

}  // namespace

std::string SchemaSubset(const std::string& text, const Domain& schema, const std::vector<std::string>& keep,
                         const std::string& file, const std::function<void(std::string_view)>& note) {
  std::set<std::string> kept;
  for (const std::string& name : keep) {
    if (schema.FindEntity(name) >= 0) {
      kept.insert(name);
      continue;
    }
    std::string known;
    for (const DomainEntity& e : schema.entities) known += (known.empty() ? "" : ", ") + e.name;
    throw UsageError(fmt::format("--tables: '{}' is not a table of {} (its tables: {})", name, file, known));
  }
  YAML::Node root = YAML::Load(text);
  YAML::Node entities = root["entities"];
  for (const DomainEntity& entity : schema.entities) {
    if (!kept.count(entity.name)) {
      entities.remove(entity.name);
      continue;
    }
    YAML::Node node = entities[entity.name];
    YAML::Node columns = node["columns"];
    std::set<std::string> unlinked;  // columns of dropped links
    for (const DomainLink& link : entity.links) {
      if (kept.count(link.parent)) continue;
      std::string names;
      for (const std::string& c : link.columns) names += (names.empty() ? "" : ", ") + c;
      note(fmt::format("{}({}) -> {}: link dropped, {} is not read", entity.name, names, link.parent, link.parent));
      unlinked.insert(link.columns.begin(), link.columns.end());
      if (YAML::Node links = node["links"]) {
        YAML::Node rest(YAML::NodeType::Sequence);
        for (const YAML::Node& l : links) {
          if (l["columns"].as<std::vector<std::string>>() != link.columns) rest.push_back(l);
        }
        if (rest.size() == 0) {
          node.remove("links");
        } else {
          node["links"] = rest;
        }
      }
    }
    if (unlinked.empty()) continue;
    for (const DomainColumn& column : entity.columns) {
      YAML::Node c = columns[column.name];
      if (unlinked.count(column.name)) {
        c.remove("references");
        c.remove("per_parent");
      }
      // A line number counted within a dropped link's parent.
      if (c["ordinal"] && unlinked.count(c["ordinal"].as<std::string>())) c.remove("ordinal");
      if (!HasSource(c)) SetPlainProvider(c, column);
    }
  }
  std::string names;
  for (const std::string& name : kept) names += (names.empty() ? "" : ", ") + name;
  YAML::Emitter out;
  out << root;
  return "# " + file + ", tables " + names + " only.\n" + out.c_str() + "\n";
}

}  // namespace seedforge
