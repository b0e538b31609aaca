// A PostgreSQL connection string that never shows its passwords.
//
// The string (a postgresql:// URI or a key=value list, --db or $DATABASE_URL)
// is parsed by libpq's own parser, PQconninfoParse, so percent-escapes,
// quoting and backslash escapes mean exactly what they mean to the
// connection. The options libpq marks as secret (dispchar "*": password,
// sslpassword) are the secrets, whether written as user:PASSWORD@ or as
// ?password= or password='...'.
//
// Display() rebuilds the string from the parsed options with each secret
// as "***", so host, port and database stay readable in messages. Redact()
// cleans any other text (a libpq or server message) of every spelling of
// every secret: decoded, and exactly as written in the string (percent- or
// backslash-escaped).
//
// Thread safety: immutable after construction.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace seedforge {

// A URI component (user, password, host, database) with RFC 3986's
// unreserved characters kept and every other byte percent-encoded, so that
// libpq reads it back as the same value.
std::string PercentEncode(std::string_view value);

class ConnectionString {
 public:
  // An empty text stands for libpq's PG* environment variables. Throws
  // UsageError when libpq cannot parse the text, or when a URI is ambiguous
  // in a way that would put a password in another field (an unescaped '/'
  // in it); the message shows neither the text nor any fragment of it.
  explicit ConnectionString(std::string text);

  // What to connect with. Never print it.
  const std::string& text() const { return text_; }

  // The string with every secret as "***": a URI stays a URI, a key=value
  // list a key=value list; "the PG* environment" for an empty string.
  const std::string& Display() const { return display_; }

  // `message` with the whole string replaced by Display(), then every
  // spelling of every secret replaced by "***".
  std::string Redact(std::string message) const;

 private:
  std::string text_;
  std::string display_;
  std::vector<std::string> spellings_;  // of the secrets, longest first
};

// Ends a load that failed while `what`: throws Error with the message of `e`
// (from libpq or the server, which may quote the connection string, so its
// secrets are redacted) and the promise that nothing was committed.
[[noreturn]] void FailLoad(const std::string& what, const std::exception& e, const ConnectionString& db);

}  // namespace seedforge
