// The server's state in one SQLite file (DATA/seedforge.db): users,
// sessions, jobs, shares, row limits and the audit log.
//
// The schema is versioned with PRAGMA user_version (Migrate() in store.cpp);
// the database runs in WAL mode so that readers (the CLI's `users list`
// while a server runs) never block the server.
//
// Thread safety: every method may be called from any thread; one connection
// is shared under a mutex (the server's queries are small and short).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace seedforge::serve {

// Seconds since 1970-01-01 UTC.
int64_t NowSeconds();
// "2026-12-07T21:54:43Z"; "" for 0.
std::string IsoTime(int64_t seconds);

inline constexpr const char* kRoles[] = {"admin", "requester", "viewer"};
bool IsRole(const std::string& role);

struct UserRecord {
  std::string name;
  std::string role;
  std::string password_hash;  // Argon2id, libsodium's encoded string
  int64_t created_at = 0;
  bool disabled = false;
};

struct SessionRecord {
  std::string token_hash;  // never the token itself
  std::string user;
  std::string csrf_token;
  int64_t expires_at = 0;
};

struct JobRecord {
  std::string id;  // 128 random bits, hex
  std::string owner;
  std::string kind = "generate";  // generate | sample
  std::string domain;
  std::string format;
  uint64_t seed = 1;
  std::string state = "queued";  // queued|running|done|failed|cancelled|expired
  double progress = 0;
  std::map<std::string, uint64_t> rows;  // entity -> rows done
  uint64_t total_rows = 0;
  uint64_t planned_rows = 0;
  std::string error;
  int64_t created_at = 0, started_at = 0, finished_at = 0, expires_at = 0;
  uint64_t size_bytes = 0;
  std::string file_name;  // the downloadable file in DATA/jobs/<id>/, once done
  std::string request;    // the request's JSON, to run it
};

// The most bytes an audit field keeps, on write and on read (a log of what
// clients sent must not grow by what they send).
inline constexpr size_t kMaxAuditField = 256;

struct AuditEntry {
  int64_t id = 0;
  int64_t at = 0;
  std::string user, address, action, target, detail;
};

class Store {
 public:
  // Opens (creating) `file` and brings its schema up to date. Throws Error.
  explicit Store(const std::filesystem::path& file);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Users. AddUser is false when the name is taken.
  bool AddUser(const UserRecord& user);
  std::optional<UserRecord> FindUser(const std::string& name);
  std::vector<UserRecord> Users();
  // The change and the check that an active admin remains are one
  // transaction (BEGIN IMMEDIATE: also against `seedforge users` in another
  // process). kLastAdmin: nothing was changed.
  enum class UserChange { kDone, kNoSuchUser, kLastAdmin };
  UserChange UpdateUser(const UserRecord& user);
  // Also ends the user's sessions, drops shares with it and marks its jobs'
  // owner "(removed) NAME", so that a new user of the name inherits nothing.
  UserChange RemoveUser(const std::string& name);
  int CountActiveAdmins();

  // Sessions, by the hash of their token.
  void AddSession(const SessionRecord& session);
  std::optional<SessionRecord> FindSession(const std::string& token_hash);
  void TouchSession(const std::string& token_hash, int64_t expires_at);
  void RemoveSession(const std::string& token_hash);
  void RemoveSessionsOf(const std::string& user);
  void RemoveExpiredSessions(int64_t now);

  // Jobs: SaveJob inserts or replaces (shares are kept).
  void SaveJob(const JobRecord& job);
  std::optional<JobRecord> FindJob(const std::string& id);
  std::vector<JobRecord> Jobs();  // newest first
  // The finished sample job that learned the domain `domain` (its owner
  // and shares say who may use the domain).
  std::optional<JobRecord> SampleJobOf(const std::string& domain);
  // Whether a sample job learning `domain` is queued or running.
  bool SamplePending(const std::string& domain);
  // Done jobs whose results expire at or before `now` (indexed).
  std::vector<std::string> ExpiredJobIds(int64_t now);
  std::vector<std::string> SharedWith(const std::string& id);
  void Share(const std::string& id, const std::vector<std::string>& users);

  // Row limits per role.
  std::map<std::string, uint64_t> Limits();
  void SetLimit(const std::string& role, uint64_t max_rows);

  // The audit log; entries newest first, ids below `before` (0: all).
  // Every field is cut to kMaxAuditField bytes when written and when read
  // (rows written before the cap existed).
  void Audit(const std::string& user, const std::string& address, const std::string& action,
             const std::string& target, const std::string& detail);
  std::vector<AuditEntry> AuditEntries(int limit, int64_t before);

 private:
  void Migrate();
  void Exec(const std::string& sql);
  // Runs change() (false: no such user) in BEGIN IMMEDIATE, rolled back if
  // it left no active admin where there was one. mutex_ held.
  template <typename Change>
  UserChange InUserTransaction(Change change);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace seedforge::serve
