#include "load/conninfo.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>

#include "seedforge/error.h"

namespace seedforge {

namespace {

constexpr const char* kSource = "the connection string (--db or $DATABASE_URL)";

bool IsUri(const std::string& text) {
  return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Every substring of `text` that reads as `secret` when each character is
// taken as itself, or a %XX as the byte it encodes (URIs), or a backslash and
// a character as that character (key=value values): the secret as the user
// wrote it, wherever it is. libpq decoded the secret from one of these
// spellings, so at least one is found.
std::set<std::string> SpellingsIn(const std::string& text, const std::string& secret) {
  std::set<std::string> found;
  for (size_t start = 0; start < text.size(); ++start) {
    std::set<size_t> ends = {start};  // positions after reading secret[0, k)
    for (size_t k = 0; k < secret.size() && !ends.empty(); ++k) {
      std::set<size_t> next;
      for (size_t p : ends) {
        if (p >= text.size()) continue;
        if (text[p] == secret[k]) next.insert(p + 1);
        if (text[p] == '%' && p + 2 < text.size() && HexValue(text[p + 1]) >= 0 &&
            HexValue(text[p + 2]) >= 0 &&
            static_cast<char>(HexValue(text[p + 1]) * 16 + HexValue(text[p + 2])) == secret[k]) {
          next.insert(p + 3);
        }
        if (text[p] == '\\' && p + 1 < text.size() && text[p + 1] == secret[k]) next.insert(p + 2);
      }
      ends = std::move(next);
    }
    for (size_t end : ends) found.insert(text.substr(start, end - start));
  }
  return found;
}

// libpq's parse errors quote the fragment they stumble on ("invalid
// percent-encoded token: \"p%zzss\""), which may be part of a password:
// every quoted fragment but a lone "=" becomes "...".
std::string ElideQuoted(const std::string& message) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = message.find('"', pos);
    if (open == std::string::npos) break;
    size_t close = message.find('"', open + 1);
    if (close == std::string::npos) {  // unpaired: whatever follows may be a fragment
      out += message.substr(pos, open - pos) + "\"...";
      pos = message.size();
      break;
    }
    std::string quoted = message.substr(open + 1, close - open - 1);
    out += message.substr(pos, open - pos) + "\"" + (quoted == "=" ? quoted : std::string("...")) +
           "\"";
    pos = close + 1;
  }
  out += message.substr(pos);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// libpq reads a URI's user:password@ up to the first '@' or '/'. A password
// written with an unescaped '@', '/' or '?' is then split: a second '@'
// leaves its tail in the host name; a '/' ends the search early, so its
// pieces become host, port, database or query values. libpq hides none of
// those. The signs, refused unseen:
// - a second '@' before the first '/';
// - an '@' after the first '/' but before the query (the old password
//   around the '/');
// - no user information before the first '/', an '@' after it, and a "port"
//   that is no number (u:pa/ss?x@h: the password's head read as a port).
// An '@' inside a query value (?password=q@x) is legitimate and passes.
bool HasStrayAt(const std::string& uri) {
  const size_t rest = uri.find("://") + 3;
  const size_t slash = std::min(uri.find('/', rest), uri.size());
  const size_t first = uri.find('@', rest);
  if (first == std::string::npos) return false;
  if (first < slash) return uri.find('@', first + 1) < slash;
  const size_t query = std::min(uri.find('?', slash), uri.size());
  if (first < query) return true;
  // No user information: every host[:port] of the authority must end in a
  // port number, or the "port" is part of a password.
  const std::string authority = uri.substr(rest, std::min(slash, uri.find('?', rest)) - rest);
  size_t begin = 0;
  while (begin <= authority.size()) {
    size_t end = std::min(authority.find(',', begin), authority.size());
    std::string host = authority.substr(begin, end - begin);
    if (!host.empty() && host.front() == '[') host = host.substr(std::min(host.find(']'), host.size()));
    const size_t colon = host.rfind(':');
    if (colon != std::string::npos &&
        host.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
      return true;
    }
    begin = end + 1;
  }
  return false;
}


// A key=value value, quoted as libpq reads it when it must be.
std::string QuoteValue(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t\n\r\f\v'\\") == std::string::npos) return value;
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::vector<std::string> SplitCommas(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    out.push_back(
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

constexpr const char* kSecretShown = "***";

// The options the string sets, in libpq's order, and which are secret.
struct Options {
  std::vector<std::pair<std::string, std::string>> values;  // keyword, value
  std::set<std::string> secret;                             // keywords
  const std::string* Find(const std::string& keyword) const {
    for (const auto& [k, v] : values) {
      if (k == keyword) return &v;
    }
    return nullptr;
  }
};

// key=value pairs: where, then who, then the rest in libpq's order.
std::string DisplayKeyValue(const Options& options) {
  std::string out;
  for (const char* first : {"host", "hostaddr", "port", "dbname", "user"}) {
    if (const std::string* v = options.Find(first)) {
      out += (out.empty() ? "" : " ") + std::string(first) + "=" + QuoteValue(*v);
    }
  }
  for (const auto& [k, v] : options.values) {
    if (k == "host" || k == "hostaddr" || k == "port" || k == "dbname" || k == "user") continue;
    out += (out.empty() ? "" : " ") + k + "=" +
           (options.secret.count(k) ? kSecretShown : QuoteValue(v));
  }
  return out;
}

// postgresql://user:***@host:port,host:port/dbname?rest, as libpq reads URIs.
std::string DisplayUri(const std::string& text, const Options& options) {
  std::string out = text.substr(0, text.find("://") + 3);
  const std::string* user = options.Find("user");
  const bool password = options.Find("password") != nullptr;
  if (user || password) {
    if (user) out += PercentEncode(*user);
    if (password) out += std::string(":") + kSecretShown;
    out += '@';
  }
  std::vector<std::pair<std::string, std::string>> query;
  const std::string* host = options.Find("host");
  const std::string* port = options.Find("port");
  std::vector<std::string> hosts = host ? SplitCommas(*host) : std::vector<std::string>{""};
  std::vector<std::string> ports = port ? SplitCommas(*port) : std::vector<std::string>{};
  if (!ports.empty() && ports.size() != hosts.size()) {
    // One port for several hosts exists only as ?port=; keep it there.
    query.push_back({"port", *port});
    ports.clear();
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (i) out += ',';
    const std::string& h = hosts[i];
    out += h.find(':') != std::string::npos && h[0] != '/' ? "[" + h + "]" : PercentEncode(h);
    if (i < ports.size() && !ports[i].empty()) out += ":" + PercentEncode(ports[i]);
  }
  if (const std::string* dbname = options.Find("dbname")) out += "/" + PercentEncode(*dbname);
  for (const auto& [k, v] : options.values) {
    if (k == "user" || k == "password" || k == "host" || k == "port" || k == "dbname") continue;
    query.push_back({k, options.secret.count(k) ? kSecretShown : PercentEncode(v)});
  }
  for (size_t i = 0; i < query.size(); ++i) {
    out += (i ? "&" : "?") + query[i].first + "=" + query[i].second;
  }
  return out;
}

}  // namespace

std::string PercentEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ConnectionString::ConnectionString(std::string text) : text_(std::move(text)) {
  if (text_.empty()) {
    display_ = "the PG* environment";
  } else {
    if (IsUri(text_) && HasStrayAt(text_)) {
      throw UsageError(
          std::string(kSource) +
          " is not a URI libpq reads as meant: it has an '@' besides the one between the user and the host. "
          "Write a '/', '@' or '?' in the user name or password as %2F, %40 or %3F (the string is not shown: "
          "it may hold a password)");
    }
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed(
        PQconninfoParse(text_.c_str(), &error), &PQconninfoFree);
    if (!parsed) {
      std::string reason = error ? ElideQuoted(error) : "out of memory";
      if (error) PQfreemem(error);
      throw UsageError("libpq cannot read " + std::string(kSource) + ": " + reason +
                       " (the string is not shown: it may hold a password)");
    }
    Options options;
    std::vector<std::string> secrets;
    for (const PQconninfoOption* o = parsed.get(); o->keyword; ++o) {
      if (!o->val) continue;
      options.values.push_back({o->keyword, o->val});
      if (o->dispchar && std::string(o->dispchar).find('*') != std::string::npos) {
        options.secret.insert(o->keyword);
        if (*o->val) secrets.push_back(o->val);
      }
    }
    display_ = IsUri(text_) ? DisplayUri(text_, options) : DisplayKeyValue(options);
    std::set<std::string> spellings;
    for (const std::string& secret : secrets) {
      spellings.insert(secret);
      for (const std::string& s : SpellingsIn(text_, secret)) spellings.insert(s);
    }
    spellings_.assign(spellings.begin(), spellings.end());
  }
  // libpq never shows PGPASSWORD; hidden all the same, should a message
  // ever hold it.
  if (const char* env = std::getenv("PGPASSWORD"); env && *env) spellings_.push_back(env);
  std::stable_sort(spellings_.begin(), spellings_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string ConnectionString::Redact(std::string message) const {
  auto clean = [&](std::string piece) {
    for (const std::string& s : spellings_) {
      for (size_t pos = 0; (pos = piece.find(s, pos)) != std::string::npos;
           pos += std::strlen(kSecretShown)) {
        piece.replace(pos, s.size(), kSecretShown);
      }
    }
    return piece;
  };
  if (text_.empty()) return clean(std::move(message));
  // Display() shows no secret, though it may hold a secret's letters by
  // chance (a password "1", port 1): it goes in after the cleaning.
  std::string out;
  size_t pos = 0;
  for (size_t at; (at = message.find(text_, pos)) != std::string::npos; pos = at + text_.size()) {
    out += clean(message.substr(pos, at - pos)) + display_;
  }
  return out + clean(message.substr(pos));
}

void FailLoad(const std::string& what, const std::exception& e, const ConnectionString& db) {
  std::string message = db.Redact(e.what());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw Error(what + ": " + message + "\nnothing was committed");
}

}  // namespace seedforge
