#include "serve/store.h"

#include <sqlite3.h>

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "seedforge/error.h"

namespace seedforge::serve {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string IsoTime(int64_t seconds) {
  if (seconds == 0) return "";
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

bool IsRole(const std::string& role) {
  for (const char* r : kRoles) {
    if (role == r) return true;
  }
  return false;
}

namespace {

// One prepared statement: binds by position (from 1), steps, reads columns.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw Error(std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& Bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  Statement& Bind(int i, double value) {
    sqlite3_bind_double(stmt_, i, value);
    return *this;
  }
  // True while there is a row.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column)) : "";
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Real(int column) const { return sqlite3_column_double(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Schema versions, applied in order; user_version counts those applied.
const char* const kMigrations[] = {
    R"(CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                          created_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
       CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf_token TEXT NOT NULL,
                             expires_at INTEGER NOT NULL);
       CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
                         kind TEXT NOT NULL, domain TEXT NOT NULL, format TEXT NOT NULL, seed INTEGER NOT NULL,
                         state TEXT NOT NULL, progress REAL NOT NULL, rows TEXT NOT NULL, total_rows INTEGER NOT NULL,
                         planned_rows INTEGER NOT NULL, error TEXT NOT NULL, created_at INTEGER NOT NULL,
                         started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
                         size_bytes INTEGER NOT NULL, file_name TEXT NOT NULL, request TEXT NOT NULL);
       CREATE TABLE shares (job_id TEXT NOT NULL, user TEXT NOT NULL, PRIMARY KEY (job_id, user));
       CREATE TABLE limits (role TEXT PRIMARY KEY, max_rows INTEGER NOT NULL);
       INSERT INTO limits VALUES ('admin', 10000000), ('requester', 1000000), ('viewer', 0);
       CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user TEXT NOT NULL,
                          address TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);)",
    // The sweeper's question: which results have expired.
    R"(CREATE INDEX jobs_expiry ON jobs (state, expires_at);)",
};

const char* const kJobColumns =
    "id, owner, kind, domain, format, seed, state, progress, rows, total_rows, planned_rows, error, created_at, "
    "started_at, finished_at, expires_at, size_bytes, file_name, request";

JobRecord ReadJob(const Statement& s) {
  JobRecord job;
  job.id = s.Text(0);
  job.owner = s.Text(1);
  job.kind = s.Text(2);
  job.domain = s.Text(3);
  job.format = s.Text(4);
  job.seed = static_cast<uint64_t>(s.Int(5));
  job.state = s.Text(6);
  job.progress = s.Real(7);
  const nlohmann::json rows = nlohmann::json::parse(s.Text(8));
  for (const auto& [entity, n] : rows.items()) job.rows[entity] = n.get<uint64_t>();
  job.total_rows = static_cast<uint64_t>(s.Int(9));
  job.planned_rows = static_cast<uint64_t>(s.Int(10));
  job.error = s.Text(11);
  job.created_at = s.Int(12);
  job.started_at = s.Int(13);
  job.finished_at = s.Int(14);
  job.expires_at = s.Int(15);
  job.size_bytes = static_cast<uint64_t>(s.Int(16));
  job.file_name = s.Text(17);
  job.request = s.Text(18);
  return job;
}

UserRecord ReadUser(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4) != 0};
}

}  // namespace

Store::Store(const std::filesystem::path& file) {
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error("cannot open the server's database '" + file.string() + "': " + message);
  }
  // Password hashes and session hashes: for the server's user only (SQLite
  // gives its -wal and -shm files the database's permissions).
  std::error_code ec;
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  sqlite3_busy_timeout(db_, 5000);
  Exec("PRAGMA journal_mode=WAL");
  // In WAL mode NORMAL never corrupts the database; a power cut may lose
  // the last commits (a session touch, a progress state), not more. FULL
  // would fsync on every request's session touch.
  Exec("PRAGMA synchronous=NORMAL");
  Exec("PRAGMA foreign_keys=ON");
  Migrate();
}

Store::~Store() { sqlite3_close(db_); }

void Store::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw Error("sqlite: " + message);
  }
}

void Store::Migrate() {
  std::lock_guard lock(mutex_);
  Statement version(db_, "PRAGMA user_version");
  version.Step();
  const int64_t applied = version.Int(0);
  const int64_t known = static_cast<int64_t>(std::size(kMigrations));
  if (applied > known) {
    throw Error("the server's database has schema version " + std::to_string(applied) +
                ", newer than this seedforge knows (" + std::to_string(known) + ")");
  }
  for (int64_t v = applied; v < known; ++v) {
    Exec("BEGIN IMMEDIATE");
    try {
      Exec(kMigrations[v]);
      Exec("PRAGMA user_version = " + std::to_string(v + 1));
      Exec("COMMIT");
    } catch (...) {
      Exec("ROLLBACK");
      throw;
    }
  }
}

bool Store::AddUser(const UserRecord& user) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT OR IGNORE INTO users VALUES (?, ?, ?, ?, ?)");
  s.Bind(1, user.name).Bind(2, user.role).Bind(3, user.password_hash).Bind(4, user.created_at)
      .Bind(5, int64_t{user.disabled});
  s.Step();
  return sqlite3_changes(db_) == 1;
}

std::optional<UserRecord> Store::FindUser(const std::string& name) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT name, role, password_hash, created_at, disabled FROM users WHERE name = ?");
  s.Bind(1, name);
  if (!s.Step()) return std::nullopt;
  return ReadUser(s);
}

std::vector<UserRecord> Store::Users() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT name, role, password_hash, created_at, disabled FROM users ORDER BY name");
  std::vector<UserRecord> users;
  while (s.Step()) users.push_back(ReadUser(s));
  return users;
}

namespace {

int64_t ActiveAdmins(sqlite3* db) {
  Statement s(db, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0");
  s.Step();
  return s.Int(0);
}

}  // namespace

template <typename Change>
Store::UserChange Store::InUserTransaction(Change change) {
  Exec("BEGIN IMMEDIATE");
  try {
    const bool had_admin = ActiveAdmins(db_) > 0;
    const bool changed = change();
    if (!changed) {
      Exec("ROLLBACK");
      return UserChange::kNoSuchUser;
    }
    if (had_admin && ActiveAdmins(db_) == 0) {
      Exec("ROLLBACK");
      return UserChange::kLastAdmin;
    }
    Exec("COMMIT");
    return UserChange::kDone;
  } catch (...) {
    Exec("ROLLBACK");
    throw;
  }
}

Store::UserChange Store::UpdateUser(const UserRecord& user) {
  std::lock_guard lock(mutex_);
  return InUserTransaction([&] {
    Statement s(db_, "UPDATE users SET role = ?, password_hash = ?, disabled = ? WHERE name = ?");
    s.Bind(1, user.role).Bind(2, user.password_hash).Bind(3, int64_t{user.disabled}).Bind(4, user.name);
    s.Step();
    return sqlite3_changes(db_) == 1;
  });
}

Store::UserChange Store::RemoveUser(const std::string& name) {
  std::lock_guard lock(mutex_);
  return InUserTransaction([&] {
    Statement s(db_, "DELETE FROM users WHERE name = ?");
    s.Bind(1, name);
    s.Step();
    if (sqlite3_changes(db_) != 1) return false;
    for (const char* sql : {"DELETE FROM sessions WHERE user = ?1", "DELETE FROM shares WHERE user = ?1",
                            "UPDATE jobs SET owner = '(removed) ' || owner WHERE owner = ?1"}) {
      Statement other(db_, sql);
      other.Bind(1, name);
      other.Step();
    }
    return true;
  });
}

int Store::CountActiveAdmins() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0");
  s.Step();
  return static_cast<int>(s.Int(0));
}

void Store::AddSession(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT INTO sessions VALUES (?, ?, ?, ?)");
  s.Bind(1, session.token_hash).Bind(2, session.user).Bind(3, session.csrf_token).Bind(4, session.expires_at);
  s.Step();
}

std::optional<SessionRecord> Store::FindSession(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT token_hash, user, csrf_token, expires_at FROM sessions WHERE token_hash = ?");
  s.Bind(1, token_hash);
  if (!s.Step()) return std::nullopt;
  return SessionRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3)};
}

void Store::TouchSession(const std::string& token_hash, int64_t expires_at) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "UPDATE sessions SET expires_at = ? WHERE token_hash = ?");
  s.Bind(1, expires_at).Bind(2, token_hash);
  s.Step();
}

void Store::RemoveSession(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "DELETE FROM sessions WHERE token_hash = ?");
  s.Bind(1, token_hash);
  s.Step();
}

void Store::RemoveSessionsOf(const std::string& user) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "DELETE FROM sessions WHERE user = ?");
  s.Bind(1, user);
  s.Step();
}

void Store::RemoveExpiredSessions(int64_t now) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "DELETE FROM sessions WHERE expires_at <= ?");
  s.Bind(1, now);
  s.Step();
}

void Store::SaveJob(const JobRecord& job) {
  nlohmann::json rows = nlohmann::json::object();
  for (const auto& [entity, n] : job.rows) rows[entity] = n;
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("INSERT INTO jobs (") + kJobColumns +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(id) DO UPDATE SET state = excluded.state, progress = excluded.progress, "
                       "rows = excluded.rows, total_rows = excluded.total_rows, planned_rows = excluded.planned_rows, "
                       "error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at, "
                       "expires_at = excluded.expires_at, size_bytes = excluded.size_bytes, "
                       "file_name = excluded.file_name");
  s.Bind(1, job.id).Bind(2, job.owner).Bind(3, job.kind).Bind(4, job.domain).Bind(5, job.format)
      .Bind(6, static_cast<int64_t>(job.seed)).Bind(7, job.state).Bind(8, job.progress).Bind(9, rows.dump())
      .Bind(10, static_cast<int64_t>(job.total_rows)).Bind(11, static_cast<int64_t>(job.planned_rows))
      .Bind(12, job.error).Bind(13, job.created_at).Bind(14, job.started_at).Bind(15, job.finished_at)
      .Bind(16, job.expires_at).Bind(17, static_cast<int64_t>(job.size_bytes)).Bind(18, job.file_name)
      .Bind(19, job.request);
  s.Step();
}

std::optional<JobRecord> Store::FindJob(const std::string& id) {
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadJob(s);
}

std::vector<JobRecord> Store::Jobs() {
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("SELECT ") + kJobColumns + " FROM jobs ORDER BY seq DESC");
  std::vector<JobRecord> jobs;
  while (s.Step()) jobs.push_back(ReadJob(s));
  return jobs;
}

std::optional<JobRecord> Store::SampleJobOf(const std::string& domain) {
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("SELECT ") + kJobColumns +
                       " FROM jobs WHERE kind = 'sample' AND domain = ? AND state IN ('done', 'expired') "
                       "ORDER BY seq DESC LIMIT 1");
  s.Bind(1, domain);
  if (!s.Step()) return std::nullopt;
  return ReadJob(s);
}

bool Store::SamplePending(const std::string& domain) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT 1 FROM jobs WHERE kind = 'sample' AND domain = ? AND state IN ('queued', 'running')");
  s.Bind(1, domain);
  return s.Step();
}

std::vector<std::string> Store::ExpiredJobIds(int64_t now) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT id FROM jobs WHERE state = 'done' AND expires_at <= ?");
  s.Bind(1, now);
  std::vector<std::string> ids;
  while (s.Step()) ids.push_back(s.Text(0));
  return ids;
}

std::vector<std::string> Store::SharedWith(const std::string& id) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT user FROM shares WHERE job_id = ? ORDER BY user");
  s.Bind(1, id);
  std::vector<std::string> users;
  while (s.Step()) users.push_back(s.Text(0));
  return users;
}

void Store::Share(const std::string& id, const std::vector<std::string>& users) {
  std::lock_guard lock(mutex_);
  for (const std::string& user : users) {
    Statement s(db_, "INSERT OR IGNORE INTO shares VALUES (?, ?)");
    s.Bind(1, id).Bind(2, user);
    s.Step();
  }
}

std::map<std::string, uint64_t> Store::Limits() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT role, max_rows FROM limits");
  std::map<std::string, uint64_t> limits;
  while (s.Step()) limits[s.Text(0)] = static_cast<uint64_t>(s.Int(1));
  return limits;
}

void Store::SetLimit(const std::string& role, uint64_t max_rows) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT INTO limits VALUES (?, ?) ON CONFLICT(role) DO UPDATE SET max_rows = excluded.max_rows");
  s.Bind(1, role).Bind(2, static_cast<int64_t>(max_rows));
  s.Step();
}

namespace {

// At most kMaxAuditField bytes, cut before a UTF-8 continuation byte.
std::string ClipAuditField(const std::string& text) {
  if (text.size() <= kMaxAuditField) return text;
  size_t end = kMaxAuditField;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

void Store::Audit(const std::string& user, const std::string& address, const std::string& action,
                  const std::string& target, const std::string& detail) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)");
  s.Bind(1, NowSeconds()).Bind(2, ClipAuditField(user)).Bind(3, ClipAuditField(address)).Bind(4, ClipAuditField(action))
      .Bind(5, ClipAuditField(target)).Bind(6, ClipAuditField(detail));
  s.Step();
}

std::vector<AuditEntry> Store::AuditEntries(int limit, int64_t before) {
  std::lock_guard lock(mutex_);
  // substr() in SQL: an old oversize row is cut before it is copied out.
  Statement s(db_, "SELECT id, at, substr(user, 1, ?4), substr(address, 1, ?4), substr(action, 1, ?4), "
                   "substr(target, 1, ?4), substr(detail, 1, ?4) FROM audit WHERE (?1 = 0 OR id < ?1) "
                   "ORDER BY id DESC LIMIT ?3");
  s.Bind(1, before).Bind(3, int64_t{limit}).Bind(4, static_cast<int64_t>(kMaxAuditField));
  std::vector<AuditEntry> entries;
  while (s.Step()) {
    entries.push_back({s.Int(0), s.Int(1), ClipAuditField(s.Text(2)), ClipAuditField(s.Text(3)),
                       ClipAuditField(s.Text(4)), ClipAuditField(s.Text(5)), ClipAuditField(s.Text(6))});
  }
  return entries;
}

}  // namespace seedforge::serve
