// One libpq connection that reads: queries with text results, and
// COPY (query) TO STDOUT streamed row by row.
//
// libpqxx 6.4's stream_from copies a table, never a query, and hides the
// connection's COPY calls, so a sample's `WHERE key IN (...)` reads could not
// be streamed through it; libpq's own calls are few enough to use directly.
// Every message libpq or the server gives passes through
// ConnectionString::Redact, so no password reaches an Error.
//
// Thread safety: one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "load/conninfo.h"

typedef struct pg_conn PGconn;

namespace seedforge {

class PgReadSession {
 public:
  using Row = std::vector<std::optional<std::string>>;
  using Fields = std::span<const std::optional<std::string_view>>;

  // Connects. Throws Error naming the connection (without its password).
  explicit PgReadSession(const ConnectionString& db);
  ~PgReadSession();
  PgReadSession(const PgReadSession&) = delete;
  PgReadSession& operator=(const PgReadSession&) = delete;

  // A statement without rows (BEGIN, SET LOCAL, COMMIT).
  void Exec(const std::string& sql);
  // A query's rows as text; NULL is nullopt. $1, $2... are `params`.
  std::vector<Row> Query(const std::string& sql, const std::vector<std::string>& params = {});
  // Runs COPY (query) TO STDOUT and calls `row` once per row with its fields
  // (NULL is nullopt), valid during the call only. Returns the rows.
  uint64_t Copy(const std::string& query, const std::function<void(Fields)>& row);

 private:
  [[noreturn]] void Fail(const std::string& what, const std::string& message) const;

  const ConnectionString& db_;
  PGconn* connection_ = nullptr;
};

// Splits one line of COPY's text format into `fields`: tab-separated, \N is
// NULL, backslash escapes (\t \n \\ \b \f \r \v, octal \ooo, hex \xhh)
// decoded into `buffer`, which the fields view. Throws Error for a line
// that ends in a lone backslash.
void SplitCopyLine(std::string_view line, std::string& buffer, std::vector<std::optional<std::string_view>>& fields);

}  // namespace seedforge
