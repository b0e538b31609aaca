// The provider registry: every provider's metadata in one place.
//
// Each provider pack (a folder of plugins/) has one `Register<Pack>Pack`
// function that adds its ProviderSpecs; the build generates the list of calls
// (builtin_packs.cpp), so nothing depends on static initialisers. `--help`,
// `seedforge list providers`, validation and docs all read these specs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/params.h"
#include "seedforge/provider.h"

namespace seedforge {

struct ParamSpec {
  std::string name;
  std::string description;
  std::string default_value;  // as shown in help; "" when none
  bool is_column = false;     // names a column of the same row (an input)
};

struct FieldSpec {
  std::string name;
  ValueKind kind = ValueKind::kText;
  int max_length = 0;  // longest text in characters; 0 when unbounded/unknown
  int scale = 0;       // kDecimal
  std::string description;
};

// What a provider may know of the run besides its parameters.
struct ProviderContext {
  // The run's reference date (days since 1970-01-01): "today" in parameters
  // such as `from: today-65y`, the date before which cards must not expire.
  // Defaults to the day of the run; `--as-of` pins it, so fixtures that
  // depend on it stay byte-identical across days.
  int64_t today = 0;
  // The simulation window (the domain's `time:`, or --from/--to), in
  // microseconds since 1970-01-01, both ends inclusive: where `date` and
  // `timestamp` draw when their parameters give no bounds. Absent: their
  // own defaults.
  struct Window {
    int64_t from = 0, to = 0;
  };
  std::optional<Window> window;
};

using ProviderFactory =
    std::function<std::unique_ptr<Provider>(const Params&, const ProviderContext&)>;

struct ProviderSpec {
  std::string name;  // "person", "credit_card"
  std::string pack;  // the plugins/ folder it comes from, or a plugin's pack name
  // The shared library a plugin provider came from (seedforge/plugin_host.h);
  // "" for the built-in packs.
  std::string origin;
  int version = 1;   // bump when the same seed gives different output
  std::string summary;
  std::vector<FieldSpec> fields;  // the first is the default field
  std::vector<ParamSpec> params;
  std::string example;  // a domain-file snippet
  ProviderFactory make;

  const FieldSpec* FindField(const std::string& field) const;
  int FieldIndex(const std::string& field) const;  // -1 when absent
  const ParamSpec* FindParam(const std::string& param) const;
};

class ProviderRegistry {
 public:
  // Adds a spec. REQUIRES: no spec of that name yet (a duplicate is a bug and
  // throws Error naming both packs).
  void Add(ProviderSpec spec);

  const ProviderSpec* Find(const std::string& name) const;
  // Names close to `name`, for "did you mean" messages.
  std::vector<std::string> Suggest(const std::string& name) const;
  std::vector<const ProviderSpec*> All() const;

 private:
  std::map<std::string, ProviderSpec> specs_;
};

// The registry with every built-in pack registered (built once, then shared).
// Commands use the built-ins plus the plugins the user loaded
// (CommandRegistry in generator/cli/app.h).
const ProviderRegistry& BuiltinRegistry();

// Edit distance-based suggestion helper, shared by every "did you mean".
std::vector<std::string> ClosestNames(const std::string& name,
                                      const std::vector<std::string>& candidates);

}  // namespace seedforge
