// libpq reads: text queries and streamed COPY TO STDOUT (pg_read_session.h).
#include "load/pg_read_session.h"

#include <libpq-fe.h>

#include <memory>

#include "seedforge/error.h"

namespace seedforge {

namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void SplitCopyLine(std::string_view line, std::string& buffer, std::vector<std::optional<std::string_view>>& fields) {
  // Decoded text is never longer than the line, so the views into the
  // buffer stay valid while it fills.
  buffer.resize(line.size());
  fields.clear();
  size_t out = 0, field_start = 0;
  bool null_field = false;
  auto end_field = [&] {
    if (null_field) {
      fields.emplace_back(std::nullopt);
    } else {
      fields.emplace_back(std::string_view(buffer).substr(field_start, out - field_start));
    }
    field_start = out;
    null_field = false;
  };
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      end_field();
      continue;
    }
    if (c != '\\') {
      buffer[out++] = c;
      continue;
    }
    if (++i == line.size()) throw Error("a COPY row ends in a backslash");
    const char e = line[i];
    switch (e) {
      case 'N': null_field = true; break;
      case 'b': buffer[out++] = '\b'; break;
      case 'f': buffer[out++] = '\f'; break;
      case 'n': buffer[out++] = '\n'; break;
      case 'r': buffer[out++] = '\r'; break;
      case 't': buffer[out++] = '\t'; break;
      case 'v': buffer[out++] = '\v'; break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && i + 1 < line.size() && HexDigit(line[i + 1]) >= 0) value = value * 16 + HexDigit(line[++i]), ++digits;
        buffer[out++] = digits ? static_cast<char>(value) : 'x';
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int value = e - '0';
          for (int digits = 1; digits < 3 && i + 1 < line.size() && line[i + 1] >= '0' && line[i + 1] <= '7'; ++digits) {
            value = value * 8 + (line[++i] - '0');
          }
          buffer[out++] = static_cast<char>(value);
        } else {
          buffer[out++] = e;  // \\ and any other character stand for themselves
        }
    }
  }
  end_field();
}

PgReadSession::PgReadSession(const ConnectionString& db) : db_(db) {
  connection_ = PQconnectdb(db.text().c_str());
  if (!connection_ || PQstatus(connection_) != CONNECTION_OK) {
    const std::string message = connection_ ? PQerrorMessage(connection_) : "out of memory";
    PQfinish(connection_);
    connection_ = nullptr;
    Fail("connecting", message);
  }
  // Tabs and backslashes are never bytes of a multibyte character in UTF-8
  // (they can be in SJIS or BIG5), which SplitCopyLine relies on.
  Exec("SET client_encoding = 'UTF8'");
}

PgReadSession::~PgReadSession() { PQfinish(connection_); }

void PgReadSession::Fail(const std::string& what, const std::string& message) const {
  std::string text = db_.Redact(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  throw Error("reading " + db_.Display() + ": " + what + ": " + text);
}

void PgReadSession::Exec(const std::string& sql) {
  Result result(PQexec(connection_, sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK && PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    Fail(sql.substr(0, sql.find(' ')), PQerrorMessage(connection_));
  }
}

std::vector<PgReadSession::Row> PgReadSession::Query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  Result result(PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) Fail("query", PQerrorMessage(connection_));
  std::vector<Row> rows(static_cast<size_t>(PQntuples(result.get())));
  const int columns = PQnfields(result.get());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (int c = 0; c < columns; ++c) {
      const int row = static_cast<int>(r);
      if (PQgetisnull(result.get(), row, c)) {
        rows[r].emplace_back(std::nullopt);
      } else {
        rows[r].emplace_back(std::string(PQgetvalue(result.get(), row, c),
                                         static_cast<size_t>(PQgetlength(result.get(), row, c))));
      }
    }
  }
  return rows;
}

uint64_t PgReadSession::Copy(const std::string& query, const std::function<void(Fields)>& row) {
  Result start(PQexec(connection_, ("COPY (" + query + ") TO STDOUT").c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_OUT) Fail("COPY", PQerrorMessage(connection_));
  std::string buffer;
  std::vector<std::optional<std::string_view>> fields;
  uint64_t rows = 0;
  std::exception_ptr failed;
  for (;;) {
    char* data = nullptr;
    // Blocking: one whole row (one CopyData message) per call.
    const int length = PQgetCopyData(connection_, &data, 0);
    if (length < 0) break;  // -1 done, -2 error: PQgetResult tells which
    std::unique_ptr<char, void (*)(void*)> line(data, PQfreemem);
    if (failed) continue;  // drain the rest so the connection stays usable
    try {
      std::string_view text(data, static_cast<size_t>(length));
      if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
      SplitCopyLine(text, buffer, fields);
      row(fields);
      ++rows;
    } catch (...) {
      failed = std::current_exception();
    }
  }
  for (Result end(PQgetResult(connection_)); end; end.reset(PQgetResult(connection_))) {
    if (PQresultStatus(end.get()) != PGRES_COMMAND_OK && !failed) Fail("COPY", PQerrorMessage(connection_));
  }
  if (failed) std::rethrow_exception(failed);
  return rows;
}

}  // namespace seedforge
