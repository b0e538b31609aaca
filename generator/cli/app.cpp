#include "cli/app.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "seedforge/atomic_file.h"
#include "seedforge/error.h"
#include "seedforge/plugin_host.h"

namespace seedforge {

CLI::Option* AddThreadsOption(CLI::App& command, int& threads, const std::string& help) {
  return command.add_option("-j,--threads", threads, help)->check(CLI::Range(0, kMaxThreads));
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     const std::vector<std::string>& examples, const std::string& notes) {
  CLI::App* command = parent.add_subcommand(name, description);
  std::string footer = "Examples:\n";
  for (const std::string& example : examples) footer += "  " + example + "\n";
  command->footer(footer + notes);
  return command;
}

namespace {
// The --plugin values of whichever command runs (one per process).
std::vector<std::string>& PluginOptionValues() {
  static std::vector<std::string> values;
  return values;
}
}  // namespace

CLI::Option* AddPluginOption(CLI::App& command) {
  return command
      .add_option("--plugin", PluginOptionValues(),
                  "A provider pack built as a shared library (.so), or a directory of them; repeatable "
                  "(also SEEDFORGE_PLUGIN_PATH, ':'-separated)")
      ->type_name("PATH")
      ->allow_extra_args(false);
}

const ProviderRegistry& CommandRegistry() {
  static const ProviderRegistry* registry = [] {
    std::vector<std::string> files;
    if (const char* env = std::getenv(kPluginPathVariable); env != nullptr) {
      files = PluginFiles(SplitPluginPath(env), kPluginPathVariable);
    }
    for (const std::string& file : PluginFiles(PluginOptionValues(), "--plugin")) files.push_back(file);
    if (files.empty()) return &BuiltinRegistry();
    // Owned here until every plugin loaded (a refused one throws), then
    // kept until exit, as the libraries are.
    auto with_plugins = std::make_unique<ProviderRegistry>(BuiltinRegistry());
    LoadPlugins(files, *with_plugins);
    return static_cast<const ProviderRegistry*>(with_plugins.release());
  }();
  return *registry;
}

bool ShowProgress(bool quiet, bool progress) { return !quiet && (progress || ::isatty(STDERR_FILENO)); }

std::string DatabaseUri(const std::string& db) {
  if (!db.empty()) return db;
  const char* env = std::getenv("DATABASE_URL");
  return env ? env : "";
}

bool IsConnectionString(const std::string& from) {
  return from.rfind("postgresql://", 0) == 0 || from.rfind("postgres://", 0) == 0 ||
         (from.find('=') != std::string::npos && !std::filesystem::exists(from));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int RunCli(int argc, char** argv) {
  // Ctrl-C, kill or a closed terminal must not leave half-written
  // .NAME.tmp-PID files behind.
  RemoveTempFilesOnSignal();
  CLI::App app{
      "seedforge: realistic, linked, deterministic test data from declarative domains.\n"
      "Generate fixture files and PostgreSQL seed scripts from a domain file."};
  app.set_version_flag("--version", std::string("seedforge ") + SEEDFORGE_VERSION);
  app.require_subcommand(1);
  SetupGenerateCommand(app);
  SetupLoadCommand(app);
  SetupIntrospectCommand(app);
  SetupSandboxCommand(app);
  SetupLearnCommands(app);
  SetupListCommand(app);
  SetupReportCommand(app);
  SetupMaskCommand(app);
  SetupProfileCommand(app);
  SetupPrivacyCommand(app);
  SetupCodegenCommand(app);
  SetupServeCommand(app);
  SetupUsersCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "seedforge: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "seedforge: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace seedforge
