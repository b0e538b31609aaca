// A throwaway local PostgreSQL server, for `seedforge sandbox` and the tests.
//
// PgSandbox runs the system's PostgreSQL binaries (initdb, pg_ctl) on a
// cluster of its own in DIR/data. The server listens on 127.0.0.1 only, on a
// free port, and on a unix socket in DIR; authentication is `trust` for one
// role named after the local user, so the URI carries no password. Durability
// is switched off (fsync, synchronous_commit, full_page_writes): a sandbox is
// for data that can be generated again.
//
// initdb and postgres refuse to run as root. When the caller is root, the
// server runs as the `postgres` system user (or `seedforge`, created on
// demand, when PostgreSQL's own user is absent) through `runuser`, and DIR is
// chowned to that user (Stop gives a DIR it did not create back to its
// owner); DIR's parents must be searchable by it (/tmp is).
//
// The state (port, role, server user, pid, whether DIR was created here) is
// saved in DIR/sandbox.json, so another process can ask for the Status of a
// sandbox or Stop it. Errors throw seedforge::Error with the command that
// failed and the tail of its output or of the server log.
//
// Thread safety: a PgSandbox is not shared between threads; separate
// sandboxes (separate directories) are independent.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace seedforge {

struct StartOptions {
  // Directory holding initdb, pg_ctl, postgres. Empty: $SEEDFORGE_PG_BINDIR,
  // then the newest /usr/lib/postgresql/*/bin, then `pg_config --bindir`, then
  // PATH (see FindPgBinDir).
  std::filesystem::path bin_dir;
  // The database superuser, trusted without password. Empty: the name of the
  // local user running this process ("root" under root).
  std::string role;
  // TCP port on 127.0.0.1; 0 picks a free one.
  int port = 0;
  // How long pg_ctl waits for the server to accept connections.
  std::chrono::seconds timeout{60};
};

// What DIR/sandbox.json says, and whether that server is alive.
struct SandboxStatus {
  bool exists = false;   // DIR holds a sandbox (sandbox.json)
  bool running = false;  // and its postmaster is alive
  int port = 0;
  pid_t pid = 0;
  std::string role;
  std::string server_user;  // OS user the server runs as
  std::string uri;          // empty unless exists
};

class PgSandbox {
 public:
  // Creates DIR when missing, runs initdb into DIR/data (UTF8, locale C) unless
  // a cluster from an earlier Start is already there, and starts the server.
  // Throws Error when the binaries are missing, DIR is unusable, a sandbox is
  // already running in DIR, or initdb or the server fails (with the log tail).
  static PgSandbox Start(const std::filesystem::path& dir, const StartOptions& options = {});

  // The sandbox described by DIR/sandbox.json (running or not), so that
  // another process can Stop it. Throws Error when DIR holds no sandbox.
  static PgSandbox Attach(const std::filesystem::path& dir);

  // Reads DIR/sandbox.json and checks the server's pid; never throws for a
  // missing or stopped sandbox (exists / running are false).
  static SandboxStatus Status(const std::filesystem::path& dir);

  // Where `seedforge sandbox` keeps its sandbox unless told otherwise:
  // $XDG_RUNTIME_DIR/seedforge-sandbox, else /tmp/seedforge-sandbox-UID.
  // Under root the server user cannot enter /run/user/0, so always /tmp there.
  static std::filesystem::path DefaultDir();

  PgSandbox(PgSandbox&& other) noexcept;
  PgSandbox& operator=(PgSandbox&& other) noexcept;
  PgSandbox(const PgSandbox&) = delete;
  PgSandbox& operator=(const PgSandbox&) = delete;

  // Stops a server that is still owned (see Detach); never throws.
  ~PgSandbox();

  // Stops the server (pg_ctl stop -m fast, waits until the postmaster is gone)
  // and removes DIR if Start created it, else only what Start put in it.
  // Idempotent. Throws Error when the server does not stop.
  void Stop();

  // Leaves the server running when this object is destroyed (for
  // `sandbox up`, whose process ends while the server lives on).
  void Detach() { owned_ = false; }

  // postgresql://ROLE@127.0.0.1:PORT/DATABASE (no password: trust auth).
  std::string Uri(const std::string& database = "postgres") const;

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& bin_dir() const { return bin_dir_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& role() const { return role_; }
  const std::string& server_user() const { return server_user_; }

 private:
  PgSandbox() = default;
  void RestoreOwner() noexcept;  // gives DIR back to its owner before Start

  std::filesystem::path dir_;
  std::filesystem::path bin_dir_;
  std::string role_;
  std::string server_user_;  // empty: the current user
  int port_ = 0;
  pid_t pid_ = 0;
  bool created_dir_ = false;
  long dir_uid_ = -1;  // DIR's owner to restore; -1: unchanged
  long dir_gid_ = -1;
  bool owned_ = false;    // the destructor stops the server
  bool stopped_ = true;   // Stop has run (or the server never started)
};

// The directory of the PostgreSQL server binaries (holding initdb and
// pg_ctl), searched as StartOptions::bin_dir describes. Throws Error saying to
// run scripts/install-deps.sh when there is none.
std::filesystem::path FindPgBinDir();

// Whether a process with this pid exists and is not a zombie.
bool ProcessAlive(pid_t pid);

}  // namespace seedforge
