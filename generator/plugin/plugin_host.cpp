// The host side of the plugin ABI: dlopen, descriptor checks, and the
// Provider that calls a plugin's C callbacks.
#include "seedforge/plugin_host.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>

#include "seedforge/error.h"
#include "seedforge/plugin_abi.h"
#include "seedforge/random.h"
#include "seedforge/utf8.h"

namespace seedforge {

namespace {

namespace fs = std::filesystem;

// The ABI's value kinds are numbered as ValueKind; the host relies on it.
static_assert(SEEDFORGE_KIND_INT == static_cast<int>(ValueKind::kInt));
static_assert(SEEDFORGE_KIND_FLOAT == static_cast<int>(ValueKind::kFloat));
static_assert(SEEDFORGE_KIND_DECIMAL == static_cast<int>(ValueKind::kDecimal));
static_assert(SEEDFORGE_KIND_TEXT == static_cast<int>(ValueKind::kText));
static_assert(SEEDFORGE_KIND_BOOL == static_cast<int>(ValueKind::kBool));
static_assert(SEEDFORGE_KIND_DATE == static_cast<int>(ValueKind::kDate));
static_assert(SEEDFORGE_KIND_TIMESTAMP == static_cast<int>(ValueKind::kTimestamp));
static_assert(SEEDFORGE_KIND_UUID == static_cast<int>(ValueKind::kUuid));

// seedforge_stream is RandomStream's one word of state: the host's functions
// run the very stream built-in providers draw from.
static_assert(sizeof(seedforge_stream) == sizeof(RandomStream));

RandomStream& AsRandom(seedforge_stream* stream) { return *reinterpret_cast<RandomStream*>(stream); }

void HostStreamInit(seedforge_stream* stream, uint64_t key, uint64_t row) { new (stream) RandomStream(key, row); }
uint64_t HostStreamNext(seedforge_stream* stream) { return AsRandom(stream).Next(); }
double HostStreamUniform(seedforge_stream* stream) { return AsRandom(stream).Uniform(); }
uint64_t HostStreamBelow(seedforge_stream* stream, uint64_t n) { return n == 0 ? 0 : AsRandom(stream).Below(n); }
int64_t HostStreamBetween(seedforge_stream* stream, int64_t lo, int64_t hi) {
  return lo <= hi ? AsRandom(stream).Between(lo, hi) : lo;
}
double HostStreamNormal(seedforge_stream* stream) { return AsRandom(stream).Normal(); }
uint64_t HostPermute(uint64_t key, uint64_t n, uint64_t i) {
  // Four mixes to build: cheaper than caching one per (key, n) across threads.
  return n == 0 ? 0 : IndexPermutation(key, n)(i % n);
}

// What set_text writes into, and the first problem it saw (reported after
// the fill: a C callback must not throw).
struct TextTarget {
  BatchColumn* column = nullptr;
  size_t max_length = 0;  // characters; 0 = unbounded
  bool failed = false;
  size_t failed_index = 0;
  std::string failure;
};

void HostSetText(seedforge_column_out* out, size_t i, const char* data, size_t size) {
  auto* target = static_cast<TextTarget*>(out->host_column);
  if (target == nullptr || target->failed) return;
  std::string_view text(data == nullptr ? "" : data, data == nullptr ? 0 : size);
  const char* problem = nullptr;
  if (i >= target->column->texts.size()) {
    problem = "set_text past the last row";
  } else if (!IsValidUtf8(text)) {
    problem = "invalid UTF-8";
  } else if (target->max_length > 0 && Utf8Length(text) > target->max_length) {
    problem = "a value longer than the field's max_length";
  }
  if (problem != nullptr) {
    target->failed = true;
    target->failed_index = i;
    target->failure = problem;
    return;
  }
  target->column->texts[i].assign(text);
}

const seedforge_host kHost = {
    sizeof(seedforge_host), SEEDFORGE_PLUGIN_ABI_VERSION,
    &HostStreamInit,        &HostStreamNext,
    &HostStreamUniform,     &HostStreamBelow,
    &HostStreamBetween,     &HostStreamNormal,
    &HostPermute,           &HostSetText,
};

// A provider of a loaded plugin: C views in, C callbacks out.
class PluginProvider final : public Provider {
 public:
  PluginProvider(const seedforge_provider& def, std::string label, std::vector<FieldSpec> fields, void* instance)
      : def_(def), label_(std::move(label)), fields_(std::move(fields)), instance_(instance) {}
  ~PluginProvider() override {
    if (def_.destroy != nullptr) def_.destroy(instance_);
  }
  PluginProvider(const PluginProvider&) = delete;
  PluginProvider& operator=(const PluginProvider&) = delete;

  void Fill(const FillArgs& args) const override {
    const size_t n = args.rows.size();
    // Scratch views, per thread: the steady state allocates nothing.
    thread_local std::vector<seedforge_column_in> inputs;
    thread_local std::vector<std::vector<seedforge_text>> input_texts;
    thread_local std::vector<seedforge_column_out> outputs;
    thread_local std::vector<TextTarget> targets;
    inputs.assign(args.inputs.size(), seedforge_column_in{});
    if (input_texts.size() < args.inputs.size()) input_texts.resize(args.inputs.size());
    for (size_t i = 0; i < args.inputs.size(); ++i) {
      const BatchColumn* column = args.inputs[i];
      if (column == nullptr) continue;
      seedforge_column_in& in = inputs[i];
      in.present = 1;
      in.kind = static_cast<int32_t>(column->kind);
      in.scale = column->scale;
      if (column->kind == ValueKind::kFloat) {
        in.floats = column->floats.data();
      } else if (column->kind == ValueKind::kText || column->kind == ValueKind::kUuid) {
        std::vector<seedforge_text>& texts = input_texts[i];
        texts.resize(column->texts.size());
        for (size_t r = 0; r < texts.size(); ++r) texts[r] = {column->texts[r].data(), column->texts[r].size()};
        in.texts = texts.data();
      } else {
        in.ints = column->ints.data();
      }
      in.nulls = column->nulls.empty() ? nullptr : column->nulls.data();
    }
    outputs.assign(fields_.size(), seedforge_column_out{});
    targets.assign(fields_.size(), TextTarget{});
    for (size_t f = 0; f < fields_.size() && f < args.outputs.size(); ++f) {
      BatchColumn* column = args.outputs[f];
      if (column == nullptr) continue;
      seedforge_column_out& out = outputs[f];
      out.wanted = 1;
      out.kind = static_cast<int32_t>(column->kind);
      out.scale = column->scale;
      out.unique = f < args.unique.size() && args.unique[f] ? 1 : 0;
      column->nulls.assign(n, 0);
      out.nulls = column->nulls.data();
      if (column->kind == ValueKind::kFloat) {
        out.floats = column->floats.data();
      } else if (column->kind == ValueKind::kText || column->kind == ValueKind::kUuid) {
        targets[f].column = column;
        targets[f].max_length = static_cast<size_t>(std::max(fields_[f].max_length, 0));
        out.host_column = &targets[f];
      } else {
        out.ints = column->ints.data();
      }
    }
    seedforge_fill_args c_args{args.rows.data(), n, args.key, inputs.data(), inputs.size(),
                               outputs.data(), outputs.size(), &kHost};
    char message[512] = "";
    seedforge_error error{message, sizeof message, nullptr};
    if (def_.fill(instance_, &c_args, &error) != 0) {
      message[sizeof message - 1] = '\0';
      throw Error(label_ + ": fill failed: " + (message[0] ? message : "(no message)"));
    }
    for (size_t f = 0; f < outputs.size(); ++f) {
      if (targets[f].failed) {
        throw Error(label_ + ": field '" + fields_[f].name + "', row " +
                    std::to_string(args.rows[targets[f].failed_index]) + ": " + targets[f].failure);
      }
      BatchColumn* column = outputs[f].wanted ? args.outputs[f] : nullptr;
      if (column != nullptr && std::find(column->nulls.begin(), column->nulls.end(), 1) == column->nulls.end()) {
        column->ClearNulls();
      }
    }
  }

  size_t MaxLength(size_t field) const override {
    return def_.max_length != nullptr ? def_.max_length(instance_, field) : 0;
  }

  std::optional<uint64_t> UniqueSpace(size_t field) const override {
    if (def_.unique_space == nullptr) return std::nullopt;
    const uint64_t space = def_.unique_space(instance_, field);
    return space == 0 ? std::nullopt : std::optional<uint64_t>(space);
  }

 private:
  seedforge_provider def_;  // a copy: the plugin's array may have a larger stride
  std::string label_;       // "plugin provider 'x' (FILE)"
  std::vector<FieldSpec> fields_;
  void* instance_;
};

// The C view of a provider's parameters, valid while `params` lives.
struct CParams {
  std::vector<seedforge_param> params;
  std::vector<std::vector<const char*>> keys, values;

  explicit CParams(const Params& from) {
    const auto& all = from.values();
    keys.resize(all.size());
    values.resize(all.size());
    size_t i = 0;
    for (const auto& [name, value] : all) {
      seedforge_param p{};
      p.name = name.c_str();
      if (value.type == ParamValue::Type::kScalar) {
        p.type = SEEDFORGE_PARAM_SCALAR;
        p.scalar = value.scalar.c_str();
      } else if (value.type == ParamValue::Type::kList) {
        p.type = SEEDFORGE_PARAM_LIST;
        for (const ParamValue& item : value.list) values[i].push_back(ScalarOf(name, item));
        p.count = values[i].size();
        p.values = values[i].data();
      } else {
        p.type = SEEDFORGE_PARAM_MAP;
        for (const auto& [key, item] : value.map) {
          keys[i].push_back(key.c_str());
          values[i].push_back(ScalarOf(name, item));
        }
        p.count = values[i].size();
        p.keys = keys[i].data();
        p.values = values[i].data();
      }
      params.push_back(p);
      ++i;
    }
  }

  static const char* ScalarOf(const std::string& param, const ParamValue& item) {
    if (item.type != ParamValue::Type::kScalar) {
      throw InputError(item.where, "parameter '" + param + "': a plugin provider takes lists and maps of plain values");
    }
    return item.scalar.c_str();
  }
};

std::string Str(const char* text) { return text == nullptr ? std::string() : std::string(text); }

// A provider or pack name as a domain file can write it.
bool IsName(const char* text) {
  if (text == nullptr || !(*text >= 'a' && *text <= 'z')) return false;
  for (const char* c = text; *c; ++c) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return false;
  }
  return true;
}

// Everything wrong with a descriptor, as one message, or "".
std::string CheckProvider(const seedforge_provider& p) {
  if (!IsName(p.name)) return "a provider name '" + Str(p.name) + "' that is not [a-z][a-z0-9_]*";
  const std::string who = "provider '" + Str(p.name) + "': ";
  if (p.field_count == 0 || p.fields == nullptr) return who + "no fields";
  if (p.create == nullptr || p.fill == nullptr) return who + "no create or fill callback";
  if (p.param_count > 0 && p.params == nullptr) return who + "params is NULL";
  std::set<std::string> names;
  for (size_t f = 0; f < p.field_count; ++f) {
    const seedforge_field_spec& field = p.fields[f];
    if (!IsName(field.name)) return who + "a field name '" + Str(field.name) + "' that is not [a-z][a-z0-9_]*";
    if (field.kind < SEEDFORGE_KIND_INT || field.kind > SEEDFORGE_KIND_UUID) {
      return who + "field '" + field.name + "' has an unknown kind " + std::to_string(field.kind);
    }
    if (field.max_length < 0 || field.scale < 0 || field.scale > 18) {
      return who + "field '" + Str(field.name) + "' has a negative max_length or a scale outside 0..18";
    }
    if (!names.insert(field.name).second) return who + "field '" + Str(field.name) + "' declared twice";
  }
  names.clear();
  for (size_t i = 0; i < p.param_count; ++i) {
    if (!IsName(p.params[i].name)) return who + "a parameter name '" + Str(p.params[i].name) + "' that is not [a-z][a-z0-9_]*";
    if (!names.insert(p.params[i].name).second) return who + "parameter '" + Str(p.params[i].name) + "' declared twice";
  }
  return "";
}

ProviderSpec MakeSpec(const seedforge_provider& p, const std::string& pack, const std::string& file) {
  ProviderSpec spec;
  spec.name = p.name;
  spec.pack = pack;
  spec.origin = file;
  spec.version = p.version;
  spec.summary = Str(p.summary);
  spec.example = Str(p.example);
  for (size_t f = 0; f < p.field_count; ++f) {
    const seedforge_field_spec& field = p.fields[f];
    spec.fields.push_back({field.name, static_cast<ValueKind>(field.kind), field.max_length, field.scale,
                           Str(field.description)});
  }
  for (size_t i = 0; i < p.param_count; ++i) {
    const seedforge_param_spec& param = p.params[i];
    spec.params.push_back({param.name, Str(param.description), Str(param.default_value), param.is_column != 0});
  }
  const std::string label = "plugin provider '" + spec.name + "' (" + file + ")";
  std::vector<FieldSpec> fields = spec.fields;
  spec.make = [p, label, fields](const Params& params, const ProviderContext& ctx) -> std::unique_ptr<Provider> {
    CParams c_params(params);
    seedforge_context context{};
    context.today = ctx.today;
    if (ctx.window) {
      context.has_window = 1;
      context.window_from = ctx.window->from;
      context.window_to = ctx.window->to;
    }
    char message[512] = "";
    seedforge_error error{message, sizeof message, nullptr};
    void* instance = nullptr;
    if (p.create(c_params.params.data(), c_params.params.size(), &context, &kHost, &instance, &error) != 0) {
      message[sizeof message - 1] = '\0';
      const std::string text = message[0] ? message : "bad parameters (the plugin gave no message)";
      // As Params::Fail words a built-in provider's refusal.
      if (error.param != nullptr) params.Fail(error.param, text);
      throw InputError(params.Where(""), text);
    }
    return std::make_unique<PluginProvider>(p, label, fields, instance);
  };
  return spec;
}

// The size of seedforge_provider in version 1 of the ABI, its first: the
// least a pack of this version declares. Members appended later are optional.
constexpr size_t kProviderSizeV1 = sizeof(seedforge_provider);

[[noreturn]] void Refuse(const std::string& file, const std::string& why) {
  throw UsageError("plugin " + file + ": " + why);
}

}  // namespace

std::vector<std::string> SplitPluginPath(const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t colon = std::min(value.find(':', start), value.size());
    if (colon > start) out.push_back(value.substr(start, colon - start));
    start = colon + 1;
  }
  return out;
}

std::vector<std::string> PluginFiles(const std::vector<std::string>& paths, const std::string& origin) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw UsageError(origin + ": " + path + ": no such file or directory");
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> in_dir;
    for (const fs::directory_entry& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == ".so" && !entry.is_directory()) in_dir.push_back(entry.path().string());
    }
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  return files;
}

std::vector<std::string> LoadPlugin(const std::string& file, ProviderRegistry& registry) {
  // An absolute path: dlopen would search the library path for a bare name.
  std::error_code ec;
  const std::string path = fs::absolute(file, ec).string();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    Refuse(file, std::string("cannot be loaded: ") + (why ? why : "unknown dlopen error"));
  }
  // Until every check passes the library goes away again.
  struct Unload {
    void* handle;
    ~Unload() {
      if (handle != nullptr) dlclose(handle);
    }
  } unload{handle};
  void* symbol = dlsym(handle, SEEDFORGE_PLUGIN_SYMBOL);
  if (symbol == nullptr) {
    Refuse(file, "no symbol '" SEEDFORGE_PLUGIN_SYMBOL
                 "': not a seedforge plugin (a pack defines it with SEEDFORGE_PLUGIN_ENTRY, "
                 "seedforge/plugin_abi.h)");
  }
  seedforge_plugin_fn entry;
  std::memcpy(&entry, &symbol, sizeof entry);  // object to function pointer, as POSIX allows
  const seedforge_pack* plugin = entry(&kHost);
  if (plugin == nullptr) {
    Refuse(file, "declined to load into this seedforge (plugin ABI version " +
                     std::to_string(SEEDFORGE_PLUGIN_ABI_VERSION) + ")");
  }
  if (plugin->abi_version != SEEDFORGE_PLUGIN_ABI_VERSION) {
    Refuse(file, "built for plugin ABI version " + std::to_string(plugin->abi_version) +
                     ", but this seedforge loads version " + std::to_string(SEEDFORGE_PLUGIN_ABI_VERSION) +
                     ": rebuild it against this seedforge's seedforge/plugin_abi.h");
  }
  if (!IsName(plugin->pack)) Refuse(file, "malformed descriptor: a pack name '" + Str(plugin->pack) + "' that is not [a-z][a-z0-9_]*");
  if (plugin->provider_size < kProviderSizeV1) {
    Refuse(file, "malformed descriptor: provider_size " + std::to_string(plugin->provider_size) + " is less than " +
                     std::to_string(kProviderSizeV1) + ", the size of a version 1 seedforge_provider");
  }
  if (plugin->provider_count == 0 || plugin->providers == nullptr) Refuse(file, "malformed descriptor: no providers");

  std::vector<ProviderSpec> specs;
  std::set<std::string> names;
  const auto* bytes = reinterpret_cast<const unsigned char*>(plugin->providers);
  for (size_t i = 0; i < plugin->provider_count; ++i) {
    // Members appended after the pack was built stay NULL; members of a newer
    // header than this seedforge's are skipped (the stride is the pack's).
    seedforge_provider p{};
    std::memcpy(&p, bytes + i * plugin->provider_size, std::min<size_t>(plugin->provider_size, sizeof p));
    if (std::string why = CheckProvider(p); !why.empty()) Refuse(file, "malformed descriptor: " + why);
    if (!names.insert(p.name).second) Refuse(file, "provider '" + Str(p.name) + "' is declared twice");
    if (const ProviderSpec* taken = registry.Find(p.name)) {
      Refuse(file, "provider '" + Str(p.name) + "' is already defined by " +
                       (taken->origin.empty() ? "the built-in pack '" + taken->pack + "'"
                                              : "pack '" + taken->pack + "' of " + taken->origin) +
                       "; provider names must be unique");
    }
    specs.push_back(MakeSpec(p, plugin->pack, file));
  }
  std::vector<std::string> added;
  for (ProviderSpec& spec : specs) {
    added.push_back(spec.name);
    registry.Add(std::move(spec));
  }
  unload.handle = nullptr;  // loaded for good: providers made from it may live until exit
  return added;
}

void LoadPlugins(const std::vector<std::string>& files, ProviderRegistry& registry) {
  std::set<std::string> loaded;
  for (const std::string& file : files) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (!loaded.insert(ec ? file : canonical.string()).second) continue;
    LoadPlugin(file, registry);
  }
}

}  // namespace seedforge
