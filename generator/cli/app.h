// The command line: one CLI::App with a subcommand per file of generator/cli/
// (CLI11's subcom_in_files shape). RunCli maps errors to exit codes: 0 ok,
// 2 usage or input error, 1 anything else.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "seedforge/registry.h"

namespace seedforge {

int RunCli(int argc, char** argv);

// The most worker threads any command starts; a larger --threads is a usage
// error (exit 2), like a negative one, rather than thousands of threads.
constexpr int kMaxThreads = 1024;

// Adds -j,--threads to a command: 0 (the default) means all cores
// (ThreadsOrCores, worker_threads.h).
CLI::Option* AddThreadsOption(CLI::App& command, int& threads, const std::string& help);

// Adds --plugin PATH (repeatable: a plugin .so or a directory of them) to a
// command that reads providers; every such command uses CommandRegistry().
CLI::Option* AddPluginOption(CLI::App& command);

// The providers of this run: the built-in packs, then the plugins of
// SEEDFORGE_PLUGIN_PATH, then those of --plugin (seedforge/plugin_host.h),
// loaded at the first call. Throws UsageError naming a plugin it refuses.
const ProviderRegistry& CommandRegistry();

// Adds the subcommand `name`, whose --help ends with "Examples:", one
// command line of `examples` per line, then `notes`.
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     const std::vector<std::string>& examples, const std::string& notes);

// Whether a command shows progress on stderr: never with --quiet, always
// with --progress, otherwise when stderr is a terminal.
bool ShowProgress(bool quiet, bool progress);

// The --db value, or $DATABASE_URL when none was given (libpq then falls
// back to its PG* variables).
std::string DatabaseUri(const std::string& db);

// A libpq URI or a key=value connection string (a live database), as
// `learn --from` and `profile --from` take it, rather than a file or folder.
bool IsConnectionString(const std::string& from);

// "a,b,,c" -> {a, b, c}: the items of a comma-separated option, empty ones
// dropped.
std::vector<std::string> SplitList(const std::string& text);

// Each subcommand file provides one Setup function; main wires them up.
void SetupGenerateCommand(CLI::App& app);  // generate and validate
void SetupListCommand(CLI::App& app);
void SetupLoadCommand(CLI::App& app);
void SetupIntrospectCommand(CLI::App& app);
void SetupSandboxCommand(CLI::App& app);  // sandbox up|down|status
void SetupReportCommand(CLI::App& app);  // report: fidelity, ML utility, privacy
void SetupLearnCommands(CLI::App& app);  // learn and sample
void SetupMaskCommand(CLI::App& app);    // mask: keyed masking of CSV folders
void SetupProfileCommand(CLI::App& app);  // profile: types, distributions, PII
void SetupPrivacyCommand(CLI::App& app);  // privacy epsilon|noise: the RDP accountant
void SetupCodegenCommand(CLI::App& app);  // codegen: typed fixture loaders and test glue
void SetupServeCommand(CLI::App& app);    // serve: the web portal and REST API
void SetupUsersCommand(CLI::App& app);    // users add|list|passwd|remove: accounts of serve

}  // namespace seedforge
