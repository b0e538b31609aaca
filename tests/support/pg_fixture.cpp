#include "support/pg_fixture.h"

#include <pqxx/pqxx>

#include "seedforge/error.h"
#include "test_util.h"

namespace seedforge::testing {

std::unique_ptr<PgSandbox> PostgresSuite::sandbox_;
std::filesystem::path PostgresSuite::temp_dir_;
std::string PostgresSuite::start_error_;

void PostgresSuite::SetUpTestSuite() {
  start_error_.clear();
  try {
    temp_dir_ = MakeTempDir("seedforge-pg");
    // A directory Start creates, so Stop removes it whole.
    sandbox_ = std::make_unique<PgSandbox>(PgSandbox::Start(temp_dir_ / "sandbox"));
  } catch (const std::exception& e) {
    start_error_ = e.what();
    if (start_error_.find("install-deps") == std::string::npos) {
      start_error_ += "\n(PostgreSQL 15 and its client come from scripts/install-deps.sh)";
    }
  }
}

void PostgresSuite::TearDownTestSuite() {
  if (sandbox_) {
    try {
      sandbox_->Stop();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stopping the suite's PostgreSQL sandbox: " << e.what();
    }
    sandbox_.reset();
  }
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
  temp_dir_.clear();
}

void PostgresSuite::SetUp() {
  ASSERT_TRUE(sandbox_) << "the suite's PostgreSQL sandbox did not start: " << start_error_;
}

std::string PostgresSuite::CreateDatabase(const std::string& name) {
  pqxx::connection admin(sandbox_->Uri());
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name));
  tx.exec("CREATE DATABASE " + tx.quote_name(name) + " TEMPLATE template0");
  return sandbox_->Uri(name);
}

std::string PostgresSuite::PgBinary(const std::string& name) { return (sandbox_->bin_dir() / name).string(); }

int PostgresSuite::Psql(const std::string& uri, const std::filesystem::path& file, std::string* output) {
  std::string command = ShellQuote(PgBinary("psql")) + " -X -q -v ON_ERROR_STOP=1 -d " + ShellQuote(uri) + " -f " +
                        ShellQuote(file.string());
  return RunCommand(command, output);
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}


namespace {
// "a,b" -> {"a", "b"}; the names come from quote_ident, and our column
// names never hold a comma.
std::vector<std::string> SplitColumns(const std::string& list) {
  std::vector<std::string> out;
  for (size_t start = 0, comma; start <= list.size(); start = comma + 1) {
    comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    out.push_back(list.substr(start, comma - start));
  }
  return out;
}
}  // namespace

void ExpectForeignKeysHold(const std::string& uri, std::set<std::pair<std::string, std::string>>* links) {
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    pqxx::result fks = tx.exec(R"(
      SELECT con.conname, child.relname, parent.relname, con.convalidated,
             array_to_string(array(SELECT quote_ident(a.attname) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                                   ORDER BY k.i), ','),
             array_to_string(array(SELECT quote_ident(a.attname) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                                   ORDER BY k.i), ',')
      FROM pg_constraint con
      JOIN pg_class child ON child.oid = con.conrelid
      JOIN pg_class parent ON parent.oid = con.confrelid
      WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
      ORDER BY 1)");
    for (const auto& fk : fks) {
      const std::string name = fk[0].as<std::string>();
      const std::string child = fk[1].as<std::string>(), parent = fk[2].as<std::string>();
      if (links) links->emplace(child, parent);
      EXPECT_TRUE(fk[3].as<bool>()) << name << " is NOT VALID";
      const std::vector<std::string> from = SplitColumns(fk[4].as<std::string>());
      const std::vector<std::string> to = SplitColumns(fk[5].as<std::string>());
      ASSERT_EQ(from.size(), to.size()) << name;
      std::string not_null, match;
      for (size_t i = 0; i < from.size(); ++i) {
        not_null += (i ? " AND c." : "c.") + from[i] + " IS NOT NULL";
        match += (i ? " AND p." : "p.") + to[i] + " = c." + from[i];
      }
      std::string orphans = "SELECT count(*) FROM " + tx.quote_name(child) + " c WHERE " + not_null +
                            " AND NOT EXISTS (SELECT 1 FROM " + tx.quote_name(parent) + " p WHERE " + match + ")";
      EXPECT_EQ(tx.exec1(orphans)[0].as<long>(), 0) << name << ": rows of " << child << " with no " << parent
                                                    << " (" << orphans << ")";
    }
}

}  // namespace seedforge::testing
