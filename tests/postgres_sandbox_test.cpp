// The throwaway PostgreSQL server (PgSandbox) and `seedforge sandbox`,
// against real servers.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <pqxx/pqxx>

#include "sandbox/pg_sandbox.h"
#include "seedforge/error.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::MakeTempDir;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

// Pids whose parent is `parent` (the postmaster's backends and workers).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(text.substr(paren + 2));
    char state;
    long ppid = 0;
    if (rest >> state >> ppid && ppid == parent && state != 'Z') children.push_back(std::stoi(name));
  }
  return children;
}

// The real uid of a process, from /proc/PID/status.
long UidOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Uid:", 0) == 0) return std::stol(line.substr(4));
  }
  return -1;
}

std::string One(pqxx::connection& c, const std::string& query) {
  pqxx::nontransaction tx(c);
  return tx.exec1(query)[0].as<std::string>();
}

// A temp dir removed when the test ends, however it ends.
struct ScopedTempDir {
  explicit ScopedTempDir(const std::string& prefix) : path(MakeTempDir(prefix)) {}
  ~ScopedTempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

// Stops whatever sandbox is left in a directory when a test ends early, so a
// failed assertion never leaves a server running.
struct StopOnExit {
  fs::path dir;
  ~StopOnExit() {
    try {
      if (PgSandbox::Status(dir).exists) PgSandbox::Attach(dir).Stop();
    } catch (...) {
    }
  }
};

class PostgresSandbox : public testing::PostgresSuite {};

TEST_F(PostgresSandbox, CreatesInsertsAndQueries) {
  pqxx::connection c(CreateDatabase("sandbox_basic"));
  pqxx::work tx(c);
  tx.exec("CREATE TABLE pets (id serial PRIMARY KEY, name text NOT NULL UNIQUE, born date)");
  tx.exec("INSERT INTO pets (name, born) VALUES ('Rex', '2020-02-29'), ('Zoë', NULL), ('O''Malley', '1999-12-31')");
  tx.commit();
  pqxx::nontransaction q(c);
  pqxx::result rows = q.exec("SELECT name, born FROM pets ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "Rex");
  EXPECT_EQ(rows[0][1].as<std::string>(), "2020-02-29");
  EXPECT_EQ(rows[1][0].as<std::string>(), "Zoë");
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_EQ(rows[2][0].as<std::string>(), "O'Malley");
  EXPECT_THROW(q.exec("INSERT INTO pets (name) VALUES ('Rex')"), pqxx::unique_violation);
}

TEST_F(PostgresSandbox, ListensOnLoopbackAndOnASocketInItsDir) {
  const PgSandbox& s = Sandbox();
  EXPECT_TRUE(std::regex_match(s.Uri(), std::regex(R"(postgresql://[^:@/]+@127\.0\.0\.1:\d+/postgres)"))) << s.Uri();
  EXPECT_EQ(s.Uri(), "postgresql://" + s.role() + "@127.0.0.1:" + std::to_string(s.port()) + "/postgres");
  pqxx::connection tcp(s.Uri());
  EXPECT_EQ(One(tcp, "SHOW listen_addresses"), "127.0.0.1");
  EXPECT_EQ(One(tcp, "SHOW port"), std::to_string(s.port()));
  EXPECT_EQ(One(tcp, "SHOW unix_socket_directories"), s.dir().string());
  EXPECT_EQ(One(tcp, "SHOW server_encoding"), "UTF8");
  EXPECT_EQ(One(tcp, "SHOW lc_collate"), "C");
  EXPECT_EQ(One(tcp, "SHOW fsync"), "off");
  EXPECT_EQ(One(tcp, "SELECT current_user"), s.role());
  EXPECT_EQ(One(tcp, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"), "true");

  EXPECT_TRUE(fs::exists(s.dir() / (".s.PGSQL." + std::to_string(s.port()))));
  pqxx::connection socket("host=" + s.dir().string() + " port=" + std::to_string(s.port()) +
                          " dbname=postgres user=" + s.role());
  EXPECT_EQ(One(socket, "SELECT 6 * 7"), "42");
}

TEST_F(PostgresSandbox, TrustsOnlyItsOwnRole) {
  pqxx::connection admin(Sandbox().Uri());
  pqxx::nontransaction(admin).exec("DROP ROLE IF EXISTS intruder; CREATE ROLE intruder LOGIN");
  std::string uri = "postgresql://intruder@127.0.0.1:" + std::to_string(Sandbox().port()) + "/postgres";
  try {
    pqxx::connection c(uri);
    FAIL() << "a role other than " << Sandbox().role() << " connected without password";
  } catch (const pqxx::broken_connection& e) {
    EXPECT_NE(std::string(e.what()).find("pg_hba.conf"), std::string::npos) << e.what();
  }
}

TEST_F(PostgresSandbox, StatusIsReadFromItsDirectory) {
  SandboxStatus status = PgSandbox::Status(Sandbox().dir());
  EXPECT_TRUE(status.exists);
  EXPECT_TRUE(status.running);
  EXPECT_EQ(status.port, Sandbox().port());
  EXPECT_EQ(status.pid, Sandbox().pid());
  EXPECT_EQ(status.role, Sandbox().role());
  EXPECT_EQ(status.uri, Sandbox().Uri());
  EXPECT_TRUE(ProcessAlive(status.pid));

  SandboxStatus none = PgSandbox::Status(Sandbox().dir() / "no-such-sandbox");
  EXPECT_FALSE(none.exists);
  EXPECT_FALSE(none.running);
}

TEST_F(PostgresSandbox, ServerRunsAsANonRootUser) {
  long uid = UidOf(Sandbox().pid());
  ASSERT_GE(uid, 0);
  EXPECT_NE(uid, 0) << "postgres refuses root; the sandbox must run it as another user";
  if (::geteuid() == 0) {
    EXPECT_FALSE(Sandbox().server_user().empty());
    EXPECT_NE(Sandbox().server_user(), "root");
  } else {
    EXPECT_EQ(uid, static_cast<long>(::geteuid()));
    EXPECT_TRUE(Sandbox().server_user().empty());
  }
}

TEST(PostgresSandboxLifecycle, StopLeavesNoProcessAndNoDirectory) {
  ScopedTempDir scoped("seedforge-pg-life");
  const fs::path& tmp = scoped.path;
  fs::path dir = tmp / "sandbox";
  PgSandbox sandbox = PgSandbox::Start(dir);
  pid_t pid = sandbox.pid();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(ProcessAlive(pid));
  std::vector<pid_t> children;
  {
    pqxx::connection c(sandbox.Uri());
    EXPECT_EQ(One(c, "SELECT pg_backend_pid() > 0"), "t");
    children = ChildrenOf(pid);
    EXPECT_FALSE(children.empty()) << "a connected server has backends";
  }
  std::string uri = sandbox.Uri();
  sandbox.Stop();
  EXPECT_FALSE(ProcessAlive(pid)) << "postmaster " << pid << " still runs";
  for (pid_t child : children) EXPECT_FALSE(ProcessAlive(child)) << "server process " << child << " still runs";
  EXPECT_FALSE(fs::exists(dir)) << dir << " was created by Start and must be gone";
  EXPECT_FALSE(PgSandbox::Status(dir).exists);
  EXPECT_THROW(pqxx::connection{uri}, pqxx::broken_connection);
  EXPECT_NO_THROW(sandbox.Stop());  // idempotent
}

TEST(PostgresSandboxLifecycle, StopKeepsADirectoryItDidNotCreate) {
  ScopedTempDir scoped("seedforge-pg-own");
  const fs::path& dir = scoped.path;
  fs::create_directory(dir / "keep");
  struct stat before {};
  ASSERT_EQ(::stat(dir.c_str(), &before), 0);
  PgSandbox sandbox = PgSandbox::Start(dir);
  pid_t pid = sandbox.pid();
  EXPECT_TRUE(fs::exists(dir / "data" / "PG_VERSION"));
  sandbox.Stop();
  EXPECT_FALSE(ProcessAlive(pid));
  ASSERT_TRUE(fs::exists(dir));
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir)) left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"keep"}) << "Stop removes only what Start put in " << dir;
  struct stat after {};
  ASSERT_EQ(::stat(dir.c_str(), &after), 0);
  EXPECT_EQ(after.st_uid, before.st_uid) << "Stop gives the directory back to its owner";
  EXPECT_EQ(after.st_gid, before.st_gid);
}

TEST(PostgresSandboxLifecycle, AnotherProcessCanAttachAndStop) {
  ScopedTempDir scoped("seedforge-pg-attach");
  const fs::path& tmp = scoped.path;
  fs::path dir = tmp / "sandbox";
  StopOnExit guard{dir};
  pid_t pid = 0;
  {
    PgSandbox sandbox = PgSandbox::Start(dir);
    pid = sandbox.pid();
    sandbox.Detach();  // as `sandbox up` does before its process ends
  }
  ASSERT_TRUE(ProcessAlive(pid)) << "a detached sandbox outlives its object";
  try {
    PgSandbox::Start(dir);
    ADD_FAILURE() << "a second Start in a running sandbox's dir succeeded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already running"), std::string::npos) << e.what();
  }
  PgSandbox attached = PgSandbox::Attach(dir);
  EXPECT_EQ(attached.pid(), pid);
  {
    pqxx::connection c(attached.Uri());
    EXPECT_EQ(One(c, "SELECT 1"), "1");
  }
  attached.Stop();
  EXPECT_FALSE(ProcessAlive(pid));
  EXPECT_FALSE(fs::exists(dir));
}

TEST(PostgresSandboxLifecycle, DestructorStopsAnOwnedServer) {
  ScopedTempDir scoped("seedforge-pg-dtor");
  const fs::path& tmp = scoped.path;
  pid_t pid = 0;
  {
    PgSandbox sandbox = PgSandbox::Start(tmp / "sandbox");
    pid = sandbox.pid();
    PgSandbox moved = std::move(sandbox);  // ownership moves, the server stays up
    EXPECT_TRUE(ProcessAlive(pid));
  }
  EXPECT_FALSE(ProcessAlive(pid));
  EXPECT_FALSE(fs::exists(tmp / "sandbox"));
}

TEST(PostgresSandboxLifecycle, UnusableDirectoryIsAClearError) {
  ScopedTempDir scoped("seedforge-pg-bad");
  const fs::path& tmp = scoped.path;
  std::ofstream(tmp / "file") << "not a directory";
  try {
    PgSandbox::Start(tmp / "file");
    ADD_FAILURE() << "Start accepted a regular file as its directory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((tmp / "file").string()), std::string::npos) << e.what();
  }
  try {
    PgSandbox::Start(tmp / std::string(120, 'd'));
    ADD_FAILURE() << "Start accepted a directory too long for a unix socket";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PgSandbox::Attach(tmp), Error);

  // A parent only its owner may enter: fine for a non-root owner, who runs the
  // server himself; under root the server user cannot reach it.
  fs::path closed = tmp / "closed";
  fs::create_directory(closed);
  fs::permissions(closed, fs::perms::owner_all);
  if (::geteuid() == 0) {
    try {
      PgSandbox::Start(closed / "sandbox");
      ADD_FAILURE() << "Start under root accepted a directory the server user cannot reach";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("searchable"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(closed / "sandbox")) << "a failed Start leaves the directory it created";
  } else {
    PgSandbox sandbox = PgSandbox::Start(closed / "sandbox");
    sandbox.Stop();
  }
}

// `seedforge sandbox up|status|down`, as a user runs them.
TEST(PostgresSandboxCli, UpStatusDown) {
  ScopedTempDir scoped("seedforge-pg-cli");
  const fs::path& tmp = scoped.path;
  fs::path dir = tmp / "sandbox";
  StopOnExit guard{dir};
  const std::string sandbox = SeedforgeBinary() + " sandbox ";
  const std::string at = " --dir " + ShellQuote(dir.string());
  std::string out;
  ASSERT_EQ(RunCommand(sandbox + "up --env" + at, &out), 0) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(export DATABASE_URL='(postgresql://[^:@\s]+@127\.0\.0\.1:\d+/postgres)'\n)")))
      << out;
  const std::string uri = m[1];
  SandboxStatus status = PgSandbox::Status(dir);
  ASSERT_TRUE(status.running);
  EXPECT_EQ(status.uri, uri);
  {
    pqxx::connection c(uri);
    EXPECT_EQ(One(c, "SELECT 'hello'"), "hello");
  }

  ASSERT_EQ(RunCommand(sandbox + "status" + at, &out), 0) << out;
  EXPECT_NE(out.find(uri), std::string::npos) << out;
  ASSERT_EQ(RunCommand(sandbox + "up" + at, &out), 0) << "up on a running sandbox reprints its URI: " << out;
  EXPECT_NE(out.find(uri), std::string::npos) << out;
  EXPECT_EQ(PgSandbox::Status(dir).pid, status.pid);

  ASSERT_EQ(RunCommand(sandbox + "down" + at, &out), 0) << out;
  EXPECT_FALSE(ProcessAlive(status.pid)) << "sandbox down left the server running";
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ(RunCommand(sandbox + "status" + at, &out), 1) << out;
  EXPECT_NE(out.find("no sandbox"), std::string::npos) << out;
  EXPECT_EQ(RunCommand(sandbox + "down" + at, &out), 0) << "down is idempotent: " << out;
}

}  // namespace
}  // namespace seedforge
