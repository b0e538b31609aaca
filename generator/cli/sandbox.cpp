// seedforge sandbox up|down|status: a throwaway local PostgreSQL server.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/app.h"
#include "sandbox/pg_sandbox.h"
#include "seedforge/error.h"

namespace seedforge {

namespace {

namespace fs = std::filesystem;

struct SandboxArgs {
  std::string dir;
  bool env = false;
};

fs::path DirOf(const SandboxArgs& args) { return args.dir.empty() ? PgSandbox::DefaultDir() : fs::path(args.dir); }

void PrintUri(const std::string& uri, bool env) {
  if (env) {
    // Single-quoted for the shell that evals it.
    std::string quoted = "'";
    for (char c : uri) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    std::printf("export DATABASE_URL=%s'\n", quoted.c_str());
  } else {
    std::printf("%s\n", uri.c_str());
  }
}

void RunUp(const SandboxArgs& args) {
  fs::path dir = DirOf(args);
  SandboxStatus status = PgSandbox::Status(dir);
  if (status.running) {
    std::cerr << "seedforge: a sandbox is already running in " << dir.string() << " (pid " << status.pid << ")\n";
    PrintUri(status.uri, args.env);
    return;
  }
  PgSandbox sandbox = PgSandbox::Start(dir);
  sandbox.Detach();
  std::cerr << "seedforge: PostgreSQL sandbox running in " << sandbox.dir().string() << " (pid " << sandbox.pid()
            << ", server from " << sandbox.bin_dir().string() << "); stop it with: seedforge sandbox down"
            << (args.dir.empty() ? "" : " --dir " + args.dir) << "\n";
  PrintUri(sandbox.Uri(), args.env);
}

void RunDown(const SandboxArgs& args) {
  fs::path dir = DirOf(args);
  if (!PgSandbox::Status(dir).exists) {
    std::cerr << "seedforge: no sandbox in " << dir.string() << "\n";
    return;
  }
  PgSandbox sandbox = PgSandbox::Attach(dir);
  sandbox.Stop();
  std::cerr << "seedforge: sandbox in " << dir.string() << " stopped and removed\n";
}

void RunStatus(const SandboxArgs& args) {
  fs::path dir = DirOf(args);
  SandboxStatus status = PgSandbox::Status(dir);
  if (!status.exists) throw Error("no sandbox in " + dir.string());
  if (!status.running) {
    throw Error("the sandbox in " + dir.string() + " is not running (pid " + std::to_string(status.pid) +
                " is gone); `seedforge sandbox up` restarts it, `seedforge sandbox down` removes it");
  }
  std::printf("running  %s  pid %d  dir %s\n", status.uri.c_str(), static_cast<int>(status.pid),
              fs::absolute(dir).lexically_normal().string().c_str());
}

}  // namespace

void SetupSandboxCommand(CLI::App& app) {
  auto args = std::make_shared<SandboxArgs>();
  CLI::App* sub = AddCommand(app, "sandbox", "Start, stop or show a throwaway local PostgreSQL server",
                             {"eval \"$(seedforge sandbox up --env)\"   # sets DATABASE_URL",
                              "seedforge load --domain banking --db \"$DATABASE_URL\" --create-schema",
                              "seedforge sandbox down"},
                             "The server listens on 127.0.0.1 only (a free port) and on a unix socket in DIR, trusts the\n"
                             "local user's role without password, and keeps no data worth keeping (fsync is off).\n"
                             "As root it runs as the postgres system user. Default DIR: "
                             "$XDG_RUNTIME_DIR/seedforge-sandbox,\nor /tmp/seedforge-sandbox-UID.");
  sub->require_subcommand(1);

  CLI::App* up = sub->add_subcommand("up", "Start a sandbox server and print its URI");
  up->add_option("--dir", args->dir, "Directory of the sandbox (created, and removed by down)");
  up->add_flag("--env", args->env, "Print `export DATABASE_URL=URI` for eval");
  up->callback([args] { RunUp(*args); });

  CLI::App* down = sub->add_subcommand("down", "Stop the sandbox server and remove its directory");
  down->add_option("--dir", args->dir, "Directory of the sandbox");
  down->callback([args] { RunDown(*args); });

  CLI::App* status = sub->add_subcommand("status", "Print the sandbox's URI; exit 1 when it is not running");
  status->add_option("--dir", args->dir, "Directory of the sandbox");
  status->callback([args] { RunStatus(*args); });
}

}  // namespace seedforge
