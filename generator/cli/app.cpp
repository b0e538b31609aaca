#include "cli/app.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "seedforge/atomic_file.h"
#include "seedforge/error.h"

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
