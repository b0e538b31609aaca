#include "sandbox/pg_sandbox.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "load/conninfo.h"
#include "seedforge/error.h"

namespace seedforge {

namespace fs = std::filesystem;

namespace {

constexpr char kStateFile[] = "sandbox.json";
constexpr char kLogFile[] = "server.log";
constexpr char kConfFile[] = "seedforge.conf";  // in the data dir
constexpr int kStateVersion = 1;
constexpr int kLogTailLines = 25;
constexpr int kPortAttempts = 5;
constexpr auto kExitWait = std::chrono::seconds(15);

struct RunResult {
  int status = -1;  // exit code; -1 when killed by a signal or not run
  std::string output;  // stdout and stderr together
};

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

std::string Tail(const std::string& text, int lines = kLogTailLines) {
  std::deque<std::string> last;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const std::string& line : last) out += "  | " + line + "\n";
  return out;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LogTail(const fs::path& dir) {
  fs::path log = dir / kLogFile;
  std::string text = ReadText(log);
  if (text.empty()) return "  (" + log.string() + " is empty or missing)\n";
  return "last lines of " + log.string() + ":\n" + Tail(text);
}

std::string RunuserPath() {
  for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "runuser";
}

// Runs argv (argv[0] a path, or a name searched in PATH) as the given OS user
// (empty: as ourselves) in cwd, and captures its output. Only
// async-signal-safe calls happen between fork and exec.
RunResult Run(std::vector<std::string> argv, const std::string& as_user, const fs::path& cwd) {
  if (!as_user.empty()) argv.insert(argv.begin(), {RunuserPath(), "-u", as_user, "--"});
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::string cwd_text = cwd.string();

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
  pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("cannot fork to run ") + argv[0] + ": " + std::strerror(errno));
  }
  if (child == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    // Keep our descriptors (database connections, files) out of the server.
    ::close_range(3, ~0U, 0);
    if (!cwd_text.empty() && ::chdir(cwd_text.c_str()) != 0) ::_exit(126);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  RunResult result;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.status = WEXITSTATUS(status);
  if (result.status == 127 && result.output.empty()) result.output = "cannot execute " + argv[0] + "\n";
  return result;
}

// The OS user the server runs as: ourselves, or under root a system user,
// since initdb and postgres refuse to run as root.
std::string ServerUser() {
  if (::geteuid() != 0) return "";
  if (::getpwnam("postgres")) return "postgres";
  if (::getpwnam("seedforge")) return "seedforge";
  RunResult made = Run({"useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "seedforge"},
                       "", "/");
  if (made.status != 0 || !::getpwnam("seedforge")) {
    throw Error("running as root, PostgreSQL needs a non-root user: there is no 'postgres' user and creating "
                "'seedforge' failed (" + Join({"useradd", "--system", "seedforge"}) + "):\n" + Tail(made.output));
  }
  return "seedforge";
}

std::string CurrentUserName() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "postgres";
}

void ChownTo(const fs::path& path, const std::string& user) {
  if (user.empty()) return;
  const passwd* pw = ::getpwnam(user.c_str());
  if (!pw) throw Error("no such user '" + user + "'");
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw Error("cannot give " + path.string() + " to the '" + user + "' user: " + std::strerror(errno));
  }
}

bool Executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0; }

bool HasServerBinaries(const fs::path& dir) {
  return !dir.empty() && Executable(dir / "initdb") && Executable(dir / "pg_ctl") && Executable(dir / "postgres");
}

// Major version from a path like /usr/lib/postgresql/15/bin; -1 when unknown.
double VersionOf(const fs::path& bin) {
  const std::string name = bin.parent_path().filename().string();
  char* end = nullptr;
  double v = std::strtod(name.c_str(), &end);
  return end && *end == '\0' && end != name.c_str() ? v : -1;
}

// Binds 127.0.0.1:wanted (0: any port) and returns the port bound; the
// kernel hands out port 0 requests from its ephemeral range. Throws when the
// port is taken.
int FreePort(int wanted = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(wanted));
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    throw Error("cannot bind a port on 127.0.0.1" + (wanted ? " (" + std::to_string(wanted) + ")" : std::string()) +
                ": " + std::strerror(err));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A value for postgresql.conf: single-quoted, quotes doubled.
std::string ConfString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

void WriteFile(const fs::path& path, const std::string& text, const std::string& owner) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw Error("cannot write " + tmp.string());
  }
  ChownTo(tmp, owner);
  fs::rename(tmp, path);
}

void AppendFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
  out.close();
  if (!out) throw Error("cannot write " + path.string());
}

// The pid in the first line of DATA/postmaster.pid; 0 when absent.
pid_t PostmasterPid(const fs::path& data) {
  std::ifstream in(data / "postmaster.pid");
  long pid = 0;
  if (!(in >> pid)) return 0;
  return static_cast<pid_t>(pid);
}

struct State {
  int port = 0;
  pid_t pid = 0;
  std::string role;
  std::string server_user;
  fs::path bin_dir;
  bool created_dir = false;
  long dir_uid = -1;  // DIR's owner before Start gave it to the server user
  long dir_gid = -1;
};

std::optional<State> ReadState(const fs::path& dir) {
  fs::path path = dir / kStateFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(ReadText(path));
    State s;
    s.port = j.at("port").get<int>();
    s.pid = j.at("pid").get<pid_t>();
    s.role = j.at("role").get<std::string>();
    s.server_user = j.value("server_user", "");
    s.bin_dir = j.value("bin_dir", "");
    s.created_dir = j.value("created_dir", false);
    s.dir_uid = j.value("dir_uid", -1L);
    s.dir_gid = j.value("dir_gid", -1L);
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": not a seedforge sandbox state file: " + e.what());
  }
}

void WriteState(const fs::path& dir, const State& s) {
  nlohmann::json j = {{"version", kStateVersion},
                      {"port", s.port},
                      {"pid", s.pid},
                      {"role", s.role},
                      {"server_user", s.server_user},
                      {"bin_dir", s.bin_dir.string()},
                      {"created_dir", s.created_dir},
                      {"dir_uid", s.dir_uid},
                      {"dir_gid", s.dir_gid}};
  WriteFile(dir / kStateFile, j.dump(2) + "\n", "");
}

// Alive, and still the postmaster of this cluster (not a reused pid).
bool ServerAlive(const fs::path& dir, pid_t pid) {
  return pid > 0 && ProcessAlive(pid) && PostmasterPid(dir / "data") == pid;
}

std::string MakeUri(const std::string& role, int port, const std::string& database) {
  return "postgresql://" + PercentEncode(role) + "@127.0.0.1:" + std::to_string(port) + "/" + PercentEncode(database);
}

std::string Settings(const fs::path& dir, int port) {
  return "# Written by seedforge sandbox on every start; a throwaway server, so no durability.\n"
         "listen_addresses = '127.0.0.1'\n"
         "port = " + std::to_string(port) + "\n"
         "unix_socket_directories = " + ConfString(dir.string()) + "\n"
         "unix_socket_permissions = 0700\n"
         "fsync = off\n"
         "synchronous_commit = off\n"
         "full_page_writes = off\n"
         "wal_level = minimal\n"
         "max_wal_senders = 0\n"
         "max_wal_size = 4GB\n"
         "checkpoint_timeout = 30min\n"
         "logging_collector = off\n";
}

}  // namespace

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  // A zombie (exited, not yet reaped by whoever adopted it) is gone for us.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return ::kill(pid, 0) == 0 || errno == EPERM;
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return true;
  char state = text[paren + 2];
  return state != 'Z' && state != 'X';
}

fs::path FindPgBinDir() {
  if (const char* env = std::getenv("SEEDFORGE_PG_BINDIR"); env && *env) {
    if (HasServerBinaries(env)) return env;
    throw Error(std::string("SEEDFORGE_PG_BINDIR=") + env + " does not hold initdb, pg_ctl and postgres");
  }
  fs::path best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (HasServerBinaries(bin) && (best.empty() || VersionOf(bin) > VersionOf(best))) best = bin;
  }
  if (!best.empty()) return best;
  RunResult config = Run({"pg_config", "--bindir"}, "", "/");
  if (config.status == 0) {
    std::string dir = config.output.substr(0, config.output.find('\n'));
    if (HasServerBinaries(dir)) return dir;
  }
  if (const char* path = std::getenv("PATH")) {
    std::istringstream in(path);
    for (std::string part; std::getline(in, part, ':');) {
      if (HasServerBinaries(part)) return part;
    }
  }
  throw Error(
      "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin, "
      "`pg_config --bindir` or PATH; run scripts/install-deps.sh (or set SEEDFORGE_PG_BINDIR)");
}

PgSandbox PgSandbox::Start(const fs::path& dir_arg, const StartOptions& options) {
  if (dir_arg.empty()) throw UsageError("the sandbox directory is empty");
  const fs::path dir = fs::absolute(dir_arg).lexically_normal();
  const fs::path data = dir / "data";
  const fs::path bin = options.bin_dir.empty() ? FindPgBinDir() : options.bin_dir;
  if (!HasServerBinaries(bin)) throw Error(bin.string() + " does not hold initdb, pg_ctl and postgres");

  // The socket DIR/.s.PGSQL.NNNNN must fit in sockaddr_un::sun_path.
  const size_t socket_path = dir.string().size() + std::strlen("/.s.PGSQL.65535.lock");
  if (socket_path >= sizeof(sockaddr_un{}.sun_path)) {
    throw Error("sandbox directory " + dir.string() + " is too long for a unix socket path (at most " +
                std::to_string(sizeof(sockaddr_un{}.sun_path) - 21) + " characters); choose a shorter --dir");
  }

  std::optional<State> previous = ReadState(dir);
  if (previous && ServerAlive(dir, previous->pid)) {
    throw Error("a sandbox is already running in " + dir.string() + ": " +
                MakeUri(previous->role, previous->port, "postgres"));
  }

  PgSandbox sandbox;
  sandbox.dir_ = dir;
  sandbox.bin_dir_ = bin;
  sandbox.server_user_ = ServerUser();
  sandbox.role_ = !options.role.empty() ? options.role : previous ? previous->role : CurrentUserName();

  std::error_code ec;
  const bool create_dir = !fs::exists(dir, ec);
  sandbox.created_dir_ = previous ? previous->created_dir : create_dir;
  if (!create_dir && !fs::is_directory(dir, ec)) throw Error(dir.string() + " exists and is not a directory");
  const bool had_cluster = fs::exists(data / "PG_VERSION", ec);
  if (!had_cluster && fs::exists(data, ec) && !fs::is_empty(data, ec)) {
    throw Error(data.string() + " exists and is not a PostgreSQL cluster; remove it or choose another --dir");
  }

  // From here on, a failure leaves nothing behind that Start created.
  struct Cleanup {
    PgSandbox* sandbox;
    bool created_dir;
    bool had_cluster;
    ~Cleanup() {
      if (!sandbox) return;
      std::error_code ec;
      if (created_dir) {
        fs::remove_all(sandbox->dir_, ec);
      } else if (!had_cluster) {
        fs::remove_all(sandbox->dir_ / "data", ec);
        fs::remove(sandbox->dir_ / kLogFile, ec);
        sandbox->RestoreOwner();
      }
    }
  } cleanup{&sandbox, create_dir, had_cluster};

  if (create_dir) {
    if (!fs::create_directories(dir, ec) && ec) {
      throw Error("cannot create the sandbox directory " + dir.string() + ": " + ec.message());
    }
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  if (!sandbox.server_user_.empty()) {
    // A directory the caller made keeps its owner once the sandbox is down.
    struct stat st {};
    if (previous) {
      sandbox.dir_uid_ = previous->dir_uid;
      sandbox.dir_gid_ = previous->dir_gid;
    } else if (!create_dir && ::stat(dir.c_str(), &st) == 0) {
      sandbox.dir_uid_ = st.st_uid;
      sandbox.dir_gid_ = st.st_gid;
    }
    ChownTo(dir, sandbox.server_user_);
    RunResult reach = Run({"test", "-w", dir.string()}, sandbox.server_user_, "/");
    if (reach.status != 0) {
      throw Error("running as root, the server runs as the '" + sandbox.server_user_ + "' user, which cannot write " +
                  dir.string() + ": every parent directory must be searchable by it (a directory under /tmp works)");
    }
  }

  if (!had_cluster) {
    std::vector<std::string> initdb = {(bin / "initdb").string(), "--pgdata=" + data.string(),
                                       "--username=" + sandbox.role_, "--auth=trust", "--encoding=UTF8",
                                       "--locale=C", "--no-sync"};
    RunResult made = Run(initdb, sandbox.server_user_, dir);
    if (made.status != 0) {
      throw Error("initdb failed (exit " + std::to_string(made.status) + "): " + Join(initdb) + "\n" +
                  Tail(made.output));
    }
    // Trust only the sandbox's role, only on the socket and on loopback.
    WriteFile(data / "pg_hba.conf",
              "# Written by seedforge sandbox: a throwaway server for local tests.\n"
              "local all \"" + sandbox.role_ + "\" trust\n"
              "host  all \"" + sandbox.role_ + "\" 127.0.0.1/32 trust\n",
              sandbox.server_user_);
    AppendFile(data / "postgresql.conf", "\ninclude_if_exists = '" + std::string(kConfFile) + "'\n");
  } else if (pid_t stale = PostmasterPid(data); stale > 0 && !ProcessAlive(stale)) {
    // A server that was killed leaves its lock; postgres would take a zombie
    // (not yet reaped) for a live postmaster and refuse to start.
    fs::remove(data / "postmaster.pid", ec);
    // Same for its socket lock, DIR/.s.PGSQL.PORT.lock, which names the pid.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".s.PGSQL.", 0) != 0 || entry.path().extension() != ".lock") continue;
      std::ifstream lock(entry.path());
      long owner = 0;
      if (lock >> owner && owner == stale) {
        std::error_code ignored;
        fs::remove(entry.path(), ignored);
        fs::remove(fs::path(entry.path()).replace_extension(), ignored);
      }
    }
  }

  for (int attempt = 1;; ++attempt) {
    sandbox.port_ = options.port;
    if (sandbox.port_ <= 0 && attempt == 1 && previous) {
      // A restarted sandbox keeps its URI when it can.
      try {
        sandbox.port_ = FreePort(previous->port);
      } catch (const Error&) {
      }
    }
    if (sandbox.port_ <= 0) sandbox.port_ = FreePort();
    WriteFile(data / kConfFile, Settings(dir, sandbox.port_), sandbox.server_user_);
    std::vector<std::string> start = {(bin / "pg_ctl").string(), "--pgdata=" + data.string(),
                                      "--log=" + (dir / kLogFile).string(), "--wait",
                                      "--timeout=" + std::to_string(options.timeout.count()), "--silent", "start"};
    RunResult started = Run(start, sandbox.server_user_, dir);
    if (started.status == 0) break;
    std::string log = ReadText(dir / kLogFile);
    pid_t stray = PostmasterPid(data);
    if (stray > 0 && ProcessAlive(stray)) {
      // Timed out while starting: do not leave it running.
      Run({(bin / "pg_ctl").string(), "--pgdata=" + data.string(), "--mode=immediate", "--wait", "stop"},
          sandbox.server_user_, dir);
    }
    bool port_taken = log.find("could not bind") != std::string::npos ||
                      log.find("Address already in use") != std::string::npos;
    if (port_taken && options.port == 0 && attempt < kPortAttempts) continue;
    throw Error("the PostgreSQL server in " + data.string() + " did not start on 127.0.0.1:" +
                std::to_string(sandbox.port_) + " (" + Join(start) + ", exit " + std::to_string(started.status) +
                ")\n" + Tail(started.output) + LogTail(dir));
  }
  sandbox.pid_ = PostmasterPid(data);
  sandbox.stopped_ = false;
  sandbox.owned_ = true;
  if (sandbox.pid_ <= 0) {
    sandbox.Stop();
    throw Error("the PostgreSQL server in " + data.string() + " started but left no postmaster.pid\n" + LogTail(dir));
  }
  State state{sandbox.port_,         sandbox.pid_,  sandbox.role_,   sandbox.server_user_, bin,
              sandbox.created_dir_, sandbox.dir_uid_, sandbox.dir_gid_};
  try {
    WriteState(dir, state);
  } catch (...) {
    sandbox.Stop();
    throw;
  }
  cleanup.sandbox = nullptr;
  return sandbox;
}

PgSandbox PgSandbox::Attach(const fs::path& dir_arg) {
  const fs::path dir = fs::absolute(dir_arg).lexically_normal();
  std::optional<State> state = ReadState(dir);
  if (!state) throw Error("no sandbox in " + dir.string() + " (no " + kStateFile + ")");
  PgSandbox sandbox;
  sandbox.dir_ = dir;
  sandbox.bin_dir_ = HasServerBinaries(state->bin_dir) ? state->bin_dir : FindPgBinDir();
  sandbox.role_ = state->role;
  sandbox.server_user_ = state->server_user;
  sandbox.port_ = state->port;
  sandbox.pid_ = state->pid;
  sandbox.created_dir_ = state->created_dir;
  sandbox.dir_uid_ = state->dir_uid;
  sandbox.dir_gid_ = state->dir_gid;
  sandbox.stopped_ = false;
  sandbox.owned_ = false;
  return sandbox;
}

fs::path PgSandbox::DefaultDir() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (::geteuid() != 0 && runtime && *runtime && fs::is_directory(runtime)) {
    return fs::path(runtime) / "seedforge-sandbox";
  }
  return fs::path("/tmp") / ("seedforge-sandbox-" + std::to_string(::geteuid()));
}

SandboxStatus PgSandbox::Status(const fs::path& dir_arg) {
  const fs::path dir = fs::absolute(dir_arg).lexically_normal();
  SandboxStatus status;
  std::optional<State> state;
  try {
    state = ReadState(dir);
  } catch (const Error&) {
    return status;
  }
  if (!state) return status;
  status.exists = true;
  status.port = state->port;
  status.pid = state->pid;
  status.role = state->role;
  status.server_user = state->server_user;
  status.uri = MakeUri(state->role, state->port, "postgres");
  status.running = ServerAlive(dir, state->pid);
  return status;
}

PgSandbox::PgSandbox(PgSandbox&& other) noexcept { *this = std::move(other); }

PgSandbox& PgSandbox::operator=(PgSandbox&& other) noexcept {
  if (this == &other) return *this;
  if (owned_ && !stopped_) {
    try {
      Stop();
    } catch (...) {
    }
  }
  dir_ = std::move(other.dir_);
  bin_dir_ = std::move(other.bin_dir_);
  role_ = std::move(other.role_);
  server_user_ = std::move(other.server_user_);
  port_ = other.port_;
  pid_ = other.pid_;
  created_dir_ = other.created_dir_;
  dir_uid_ = other.dir_uid_;
  dir_gid_ = other.dir_gid_;
  owned_ = other.owned_;
  stopped_ = other.stopped_;
  other.owned_ = false;
  other.stopped_ = true;
  return *this;
}

PgSandbox::~PgSandbox() {
  if (!owned_ || stopped_) return;
  try {
    Stop();
  } catch (...) {
  }
}

void PgSandbox::Stop() {
  if (stopped_) return;
  const fs::path data = dir_ / "data";
  if (ServerAlive(dir_, pid_)) {
    std::vector<std::string> stop = {(bin_dir_ / "pg_ctl").string(), "--pgdata=" + data.string(), "--mode=fast",
                                     "--wait", "--timeout=60", "--silent", "stop"};
    RunResult stopped = Run(stop, server_user_, dir_);
    // pg_ctl returns once postmaster.pid is gone; the process exits just after.
    auto deadline = std::chrono::steady_clock::now() + kExitWait;
    while (ProcessAlive(pid_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (ProcessAlive(pid_)) {
      ::kill(pid_, SIGQUIT);  // immediate shutdown: the data is throwaway
      deadline = std::chrono::steady_clock::now() + kExitWait;
      while (ProcessAlive(pid_) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (ProcessAlive(pid_)) {
      throw Error("the PostgreSQL server in " + data.string() + " (pid " + std::to_string(pid_) +
                  ") did not stop: " + Join(stop) + " exited " + std::to_string(stopped.status) + "\n" +
                  Tail(stopped.output) + LogTail(dir_));
    }
  }
  std::error_code ec;
  if (created_dir_) {
    fs::remove_all(dir_, ec);
  } else {
    fs::remove_all(data, ec);
    if (!ec) fs::remove(dir_ / kStateFile, ec);
    if (!ec) fs::remove(dir_ / kLogFile, ec);
    if (!ec) RestoreOwner();
  }
  if (ec) throw Error("the sandbox server stopped, but removing " + dir_.string() + " failed: " + ec.message());
  stopped_ = true;
}

void PgSandbox::RestoreOwner() noexcept {
  if (dir_uid_ < 0 || dir_gid_ < 0) return;
  if (::chown(dir_.c_str(), static_cast<uid_t>(dir_uid_), static_cast<gid_t>(dir_gid_)) == 0) {
    dir_uid_ = dir_gid_ = -1;
  }
}

std::string PgSandbox::Uri(const std::string& database) const { return MakeUri(role_, port_, database); }

}  // namespace seedforge
