// Loading provider packs built as shared libraries (seedforge/plugin_abi.h).
//
// A plugin is opened with dlopen, its descriptor checked whole (ABI version,
// names, fields, callbacks, no provider name already taken) and only then are
// its providers added to a registry, each spec remembering its pack and file
// (ProviderSpec::origin). A plugin's provider is wrapped in a Provider that
// hands the plugin C views of the batch and the host's random stream, so it
// obeys the same determinism contract as the built-in ones. Libraries stay
// loaded until the process ends: providers made from them may live that long.
//
// Thread safety: loading is not; call it before generating. The providers
// made are as thread-safe as Provider requires (Fill is const).
#pragma once

#include <string>
#include <vector>

#include "seedforge/registry.h"

namespace seedforge {

// The environment variable listing plugin files and directories, ':'-separated.
inline constexpr const char* kPluginPathVariable = "SEEDFORGE_PLUGIN_PATH";

// The entries of a SEEDFORGE_PLUGIN_PATH value, empty ones dropped.
std::vector<std::string> SplitPluginPath(const std::string& value);

// The plugin files that `paths` name: a file as given, a directory's `*.so`
// files in name order. Throws UsageError naming a path that does not exist;
// `origin` ("--plugin", "SEEDFORGE_PLUGIN_PATH") says where it was given.
std::vector<std::string> PluginFiles(const std::vector<std::string>& paths, const std::string& origin);

// Loads the plugin at `file` and adds its providers to `registry`. Throws
// UsageError naming the file when it cannot be opened, lacks the
// `seedforge_plugin` symbol, was built for another ABI version, describes
// itself badly, or names a provider the registry already has; then nothing
// of it is added. Returns the names of the providers added.
std::vector<std::string> LoadPlugin(const std::string& file, ProviderRegistry& registry);

// Loads each file once (the same file named twice, by --plugin and by
// SEEDFORGE_PLUGIN_PATH, is loaded once), in order.
void LoadPlugins(const std::vector<std::string>& files, ProviderRegistry& registry);

}  // namespace seedforge
