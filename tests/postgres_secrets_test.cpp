// Passwords never reach the output of the commands that take --db (load,
// introspect), whatever characters they hold and however the connection
// string spells them, while host, port and database stay in the messages.
// Runs the real binary against the suite's real server: a closed port, a
// wrong password, and failures after a successful login.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

// The role that must log in with a password; the sandbox trusts only its own.
constexpr const char* kRole = "seedforge_pw";
// Every character that needs escaping somewhere: in a URI (/ ? @ : % space)
// or in a key=value value (' \ space).
constexpr const char* kPassword = "p@ss/w?rd: 'q\\%41";

// Percent-encodes only `reserved` (and '%'): the least a URI needs, which
// leaves the characters that fooled pattern-based redaction (? : ' space)
// as they are.
std::string PercentEncode(const std::string& s, const std::string& reserved) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c == '%' || reserved.find(static_cast<char>(c)) != std::string::npos) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A key=value value in single quotes, as libpq reads it.
std::string KeyValueQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

struct Spelling {
  std::string db;       // the connection string given to --db
  std::string display;  // how seedforge must show it
};

// The ways one password can be written into a connection string for
// 127.0.0.1:port/database: in a URI's user:password@, as its ?password=,
// and in a key=value list. `secrets` gets what must never be printed: the
// password and each spelling of it.
std::vector<Spelling> Spellings(const std::string& password, int port, const std::string& database,
                                std::vector<std::string>* secrets) {
  const std::string role = kRole;
  const std::string where = "127.0.0.1:" + std::to_string(port) + "/" + database;
  const std::string in_userinfo =
      PercentEncode(password, "@/");  // libpq's user:password@ ends at '@' or '/'
  const std::string in_query = PercentEncode(password, "&=");
  *secrets = {password, in_userinfo, in_query, KeyValueQuote(password)};
  return {
      {"postgresql://" + role + ":" + in_userinfo + "@" + where,
       "postgresql://" + role + ":***@" + where},
      {"postgresql://" + role + "@" + where + "?password=" + in_query,
       "postgresql://" + role + ":***@" + where},
      {"host=127.0.0.1 port=" + std::to_string(port) + " dbname=" + database + " user=" + role +
           " password=" + KeyValueQuote(password),
       "host=127.0.0.1 port=" + std::to_string(port) + " dbname=" + database + " user=" + role +
           " password=***"},
  };
}

class PostgresSecrets : public testing::PostgresSuite {
 public:
  static void SetUpTestSuite() {
    configured_ = false;  // a new server
    PostgresSuite::SetUpTestSuite();
  }

 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    if (HasFatalFailure() || configured_) return;
    // A role with a password, and a database it owns, that the server asks
    // the password of (scram-sha-256) on 127.0.0.1. The sandbox itself
    // trusts only its own role.
    {
      pqxx::connection admin(Sandbox().Uri());
      pqxx::nontransaction tx(admin);
      tx.exec("CREATE ROLE " + tx.quote_name(kRole) + " LOGIN PASSWORD " + tx.quote(kPassword));
      tx.exec("CREATE DATABASE secrets_db OWNER " + tx.quote_name(kRole) + " TEMPLATE template0");
      std::ofstream(Sandbox().dir() / "data" / "pg_hba.conf", std::ios::app)
          << "host all \"" << kRole << "\" 127.0.0.1/32 scram-sha-256\n";
      tx.exec("SELECT pg_reload_conf()");
    }
    // The postmaster rereads pg_hba.conf when it gets to the signal: wait
    // until the password is accepted.
    std::vector<std::string> secrets;
    const std::string uri = Spellings(kPassword, Sandbox().port(), "secrets_db", &secrets)[0].db;
    std::string error;
    for (int i = 0; i < 100 && !configured_; ++i) {
      try {
        pqxx::connection c(uri);
        configured_ = true;
      } catch (const std::exception& e) {
        error = e.what();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    ASSERT_TRUE(configured_) << "the password role cannot log in: " << error;
  }

  // Runs `seedforge ARGS --db DB`; checks the exit status, that no secret is
  // in the output and that every one of `shown` is.
  void ExpectClean(const std::string& args, const std::string& db, int status,
                   const std::vector<std::string>& secrets, const std::vector<std::string>& shown) {
    SCOPED_TRACE(args + " --db " + db);
    std::string output;
    EXPECT_EQ(RunCommand(SeedforgeBinary() + " " + args + " --db " + ShellQuote(db), &output),
              status)
        << output;
    for (const std::string& secret : secrets) {
      EXPECT_EQ(output.find(secret), std::string::npos) << "printed \"" << secret << "\":\n"
                                                        << output;
    }
    for (const std::string& text : shown)
      EXPECT_NE(output.find(text), std::string::npos) << text << "\n" << output;
  }

  static bool configured_;
};

bool PostgresSecrets::configured_ = false;

// Nothing listens on port 1: libpq's "connection refused".
TEST_F(PostgresSecrets, AClosedPortPrintsNoPassword) {
  std::vector<std::string> secrets;
  for (const Spelling& s : Spellings(kPassword, 1, "nowhere_db", &secrets)) {
    ExpectClean("load -q --domain pci", s.db, 1, secrets,
                {"cannot connect to " + s.display + ": "});
    ExpectClean("introspect", s.db, 1, secrets, {"introspecting " + s.display + ": "});
  }
}

TEST_F(PostgresSecrets, AWrongPasswordPrintsNeither) {
  const int port = Sandbox().port();
  std::vector<std::string> secrets;
  for (const Spelling& s : Spellings("wr@ng/pa?ss: 'x\\%41", port, "secrets_db", &secrets)) {
    std::vector<std::string> all = secrets;
    all.push_back(kPassword);
    ExpectClean("load -q --domain pci", s.db, 1, all,
                {"cannot connect to " + s.display + ": ", "password authentication failed"});
    ExpectClean("introspect", s.db, 1, all,
                {"introspecting " + s.display + ": ", "password authentication failed"});
  }
}

// Logged in with the right password (all its characters reach the server
// intact), then failing: the messages that name the database show it
// without the password.
TEST_F(PostgresSecrets, FailuresAfterLoginPrintNoPassword) {
  std::vector<std::string> secrets;
  for (const Spelling& s : Spellings(kPassword, Sandbox().port(), "secrets_db", &secrets)) {
    ExpectClean("load -q --domain pci", s.db, 1, secrets, {"does not exist in " + s.display});
    ExpectClean("introspect --schema nothing_here", s.db, 1, secrets,
                {"schema 'nothing_here' of " + s.display + " has no tables"});
  }
  // $DATABASE_URL is treated as --db is.
  const Spelling s = Spellings(kPassword, 1, "env_db", &secrets)[0];
  std::string output;
  EXPECT_EQ(RunCommand("DATABASE_URL=" + ShellQuote(s.db) + " " + SeedforgeBinary() +
                           " load -q --domain pci",
                       &output),
            1);
  for (const std::string& secret : secrets)
    EXPECT_EQ(output.find(secret), std::string::npos) << output;
  EXPECT_NE(output.find("cannot connect to " + s.display), std::string::npos) << output;
}

// A string libpq cannot parse is a usage error that quotes none of it.
TEST_F(PostgresSecrets, AnUnparsableStringIsNotEchoed) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"postgresql://u:p%zzs3cret@127.0.0.1:1/db", "zzs3cret"},
      {"host=127.0.0.1 password=a bs3cret", "bs3cret"},
      {"host=127.0.0.1 password='s3cret", "s3cret"},
      {"postgresql://u:pa/ss3cret@127.0.0.1:1/db", "ss3cret"},
  };
  for (const auto& [db, secret] : bad) {
    ExpectClean("load -q --domain pci", db, 2, {secret, db}, {"--db"});
    ExpectClean("introspect", db, 2, {secret, db}, {"--db"});
  }
}

}  // namespace
}  // namespace seedforge
