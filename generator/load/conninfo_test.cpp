#include "load/conninfo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "seedforge/error.h"

namespace seedforge {
namespace {

struct Case {
  std::string text;
  std::string display;               // exactly
  std::vector<std::string> secrets;  // every spelling that must never show
};

// Passwords with every character that broke the old regular expressions, as
// URI userinfo, as a URI query parameter and as a key=value value.
const std::vector<Case> kCases = {
    {"postgresql://u:p%40ss%2Fw?rd@127.0.0.1:1/db",
     "postgresql://u:***@127.0.0.1:1/db",
     {"p%40ss%2Fw?rd", "p@ss/w?rd"}},
    {"postgresql://u:pa:ss w'rd@127.0.0.1:1/db",
     "postgresql://u:***@127.0.0.1:1/db",
     {"pa:ss w'rd"}},
    {"postgresql://u@127.0.0.1:1/db?password=s%3Fe%26c%2Fr&sslmode=disable",
     "postgresql://u:***@127.0.0.1:1/db?sslmode=disable",
     {"s%3Fe%26c%2Fr", "s?e&c/r"}},
    {"postgres://127.0.0.1:1/db?password=q@x:y", "postgres://:***@127.0.0.1:1/db", {"q@x:y"}},
    {"host=127.0.0.1 port=1 password='a b\\'c'",
     "host=127.0.0.1 port=1 password=***",
     {"a b\\'c", "a b'c"}},
    {"host=127.0.0.1 port=1 dbname=db user=u password=p%40ss",
     "host=127.0.0.1 port=1 dbname=db user=u password=***",
     {"p%40ss"}},
    {"password=se\\ cret host=h", "host=h password=***", {"se\\ cret", "se cret"}},
    {"host=h sslpassword=k3y password=pw", "host=h password=*** sslpassword=***", {"k3y", "pw"}},
    {"postgresql://u:pw@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db", {"pw"}},
    {"postgresql://u:pw@[::1]:5/db", "postgresql://u:***@[::1]:5/db", {"pw"}},
    {"postgresql:///db?host=/var/run/postgresql", "postgresql://%2Fvar%2Frun%2Fpostgresql/db", {}},
    {"postgresql://localhost/app", "postgresql://localhost/app", {}},
};

TEST(ConnectionString, DisplayKeepsTheRestAndHidesEverySecret) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.text);
    ConnectionString db(c.text);
    EXPECT_EQ(db.text(), c.text);
    EXPECT_EQ(db.Display(), c.display);
    for (const std::string& secret : c.secrets)
      EXPECT_EQ(db.Display().find(secret), std::string::npos) << secret;
  }
}

TEST(ConnectionString, RedactCleansMessagesOfEverySpelling) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.text);
    ConnectionString db(c.text);
    std::string message = "connecting to " + c.text + " failed";
    for (const std::string& secret : c.secrets) message += "; server said \"" + secret + "\"";
    std::string redacted = db.Redact(message);
    EXPECT_NE(redacted.find("connecting to " + c.display + " failed"), std::string::npos)
        << redacted;
    for (const std::string& secret : c.secrets)
      EXPECT_EQ(redacted.find(secret), std::string::npos) << redacted;
  }
}

TEST(ConnectionString, EmptyMeansTheEnvironment) {
  ConnectionString db("");
  EXPECT_EQ(db.Display(), "the PG* environment");
  EXPECT_EQ(db.Redact("could not connect"), "could not connect");
}

// libpq's own parse errors quote the fragment they stop at; none of it, nor
// the string, reaches the message.
TEST(ConnectionString, UnparsableTextIsAUsageErrorThatShowsNoFragment) {
  struct Bad {
    std::string text;
    std::string secret;
    std::string reason;  // part of libpq's message that stays
  };
  const std::vector<Bad> bad = {
      {"postgresql://u:p%zzsecret@h/db", "zzsecret", "invalid percent-encoded token"},
      {"host=h password=a bsecret", "bsecret", "missing \"=\" after"},
      {"host=h password=a bsecret=c", "bsecret", "invalid connection option"},
      {"host=h password='unterminated secret", "unterminated secret", "unterminated quoted string"},
      // An unescaped '/' in a URI password would turn its pieces into port
      // and database, which libpq does not hide.
      {"postgresql://u:pa/ssecret@127.0.0.1:1/db", "ssecret", "besides the one between the user and the host"},
      {"postgresql://u:secretA@secretB@127.0.0.1:1/db", "secretB", "besides the one between the user and the host"},
      {"postgresql://u:abc/def?sslmode=require@h/db", "def", "besides the one between the user and the host"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.text);
    try {
      ConnectionString db(b.text);
      ADD_FAILURE() << "parsed";
    } catch (const UsageError& e) {
      std::string message = e.what();
      EXPECT_EQ(message.find(b.secret), std::string::npos) << message;
      EXPECT_EQ(message.find(b.text), std::string::npos) << message;
      EXPECT_NE(message.find(b.reason), std::string::npos) << message;
      EXPECT_NE(message.find("--db"), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace seedforge
