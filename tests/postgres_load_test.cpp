// `seedforge load`, `sandbox` and `introspect` against real PostgreSQL
// servers: the sandbox round trip, safety of existing rows, rollback on
// every kind of failure, and the introspection round trip.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include <pqxx/pqxx>

#include "support/csv_reader.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

int64_t Count(const std::string& uri, const std::string& sql) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  return tx.exec1(sql)[0].as<int64_t>();
}

int Seedforge(const std::string& args, std::string* output) {
  return RunCommand(SeedforgeBinary() + " " + args, output);
}

// The README's flow: sandbox up, load --create-schema, check, sandbox down.
TEST(PostgresSandboxLoad, BankingRoundTripLeavesNothingRunning) {
  fs::path dir = testing::MakeTempDir("seedforge-sandbox-load");
  fs::path sandbox = dir / "pg";
  std::string output;
  ASSERT_EQ(Seedforge("sandbox up --dir " + ShellQuote(sandbox.string()), &output), 0) << output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(output, m, std::regex(R"(postgresql://\S+)"))) << output;
  const std::string uri = m[0];
  std::string load_output;
  int status = Seedforge("load --domain banking --seed 3 --db " + ShellQuote(uri) + " --create-schema", &load_output);
  EXPECT_EQ(status, 0) << load_output;
  EXPECT_NE(load_output.find("total"), std::string::npos) << "no summary: " << load_output;
  // The same rows as `generate`: compare counts with the CSV output.
  fs::path csv = dir / "csv";
  ASSERT_EQ(Seedforge("generate -q --domain banking --seed 3 --out " + ShellQuote(csv.string()), &output), 0);
  for (const char* table : {"customers", "accounts", "transactions", "campaigns", "campaign_contacts", "campaign_events"}) {
    size_t expected = testing::ReadCsv((csv / (std::string(table) + ".csv")).string()).rows.size();
    EXPECT_EQ(Count(uri, std::string("SELECT count(*) FROM ") + table), static_cast<int64_t>(expected)) << table;
  }
  testing::ExpectForeignKeysHold(uri);
  ASSERT_EQ(Seedforge("sandbox down --dir " + ShellQuote(sandbox.string()), &output), 0) << output;
  EXPECT_FALSE(fs::exists(sandbox)) << "sandbox down left its directory";
  EXPECT_NE(Seedforge("sandbox status --dir " + ShellQuote(sandbox.string()), &output), 0) << output;
  EXPECT_THROW(pqxx::connection{uri}, std::exception) << "server still answers after sandbox down";
  fs::remove_all(dir);
}

class PostgresLoad : public testing::PostgresSuite {};

TEST_F(PostgresLoad, RefusesTablesWithRowsUnlessTruncateOrAppend) {
  std::string uri = CreateDatabase("load_safety");
  std::string output;
  ASSERT_EQ(Seedforge("load -q --domain pci --db " + ShellQuote(uri) + " --create-schema", &output), 0) << output;
  {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec("CREATE TABLE keep_me (note text)");
    tx.exec("INSERT INTO keep_me VALUES ('not the domain''s')");
    tx.commit();
  }
  EXPECT_EQ(Seedforge("load -q --domain pci --db " + ShellQuote(uri), &output), 2);
  EXPECT_NE(output.find("already hold rows"), std::string::npos) << output;
  EXPECT_EQ(Count(uri, "SELECT count(*) FROM cards"), 1000);
  // --truncate empties only the domain's table, then loads.
  EXPECT_EQ(Seedforge("load -q --domain pci --seed 2 --rows cards=10 --db " + ShellQuote(uri) + " --truncate", &output), 0)
      << output;
  EXPECT_EQ(Count(uri, "SELECT count(*) FROM cards"), 10);
  EXPECT_EQ(Count(uri, "SELECT count(*) FROM keep_me"), 1);
  // --append adds (another seed, so the card numbers differ).
  EXPECT_EQ(Seedforge("load -q --domain pci --seed 9 --rows cards=10 --db " + ShellQuote(uri) + " --append", &output), 0)
      << output;
  EXPECT_EQ(Count(uri, "SELECT count(*) FROM cards"), 20);
}

TEST_F(PostgresLoad, WrongUriFailsClearlyWithoutThePassword) {
  std::string output;
  int status = Seedforge("load -q --domain pci --db postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere", &output);
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("cannot connect"), std::string::npos) << output;
  EXPECT_EQ(output.find("s3cret-pw"), std::string::npos) << "password printed: " << output;
  EXPECT_NE(output.find("***"), std::string::npos) << output;
}

TEST_F(PostgresLoad, ACheckViolationRollsBackEverything) {
  std::string uri = CreateDatabase("load_check");
  fs::path dir = testing::MakeTempDir("seedforge-check");
  // The banking schema, with a CHECK the generated amounts break.
  std::string output;
  ASSERT_EQ(Seedforge("generate -q --domain banking --format ddl --out " + ShellQuote(dir.string()), &output), 0);
  ASSERT_EQ(Psql(uri, dir / "banking.ddl.sql", &output), 0) << output;
  {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec("ALTER TABLE transactions ADD CONSTRAINT small_amounts CHECK (amount < 100)");
    tx.commit();
  }
  EXPECT_EQ(Seedforge("load -q --domain banking --db " + ShellQuote(uri), &output), 1);
  EXPECT_NE(output.find("transactions"), std::string::npos) << output;
  EXPECT_NE(output.find("small_amounts"), std::string::npos) << output;
  EXPECT_NE(output.find("nothing was committed"), std::string::npos) << output;
  // customers and accounts were loaded before transactions, in the same
  // transaction: nothing of them stays.
  EXPECT_EQ(Count(uri, "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM accounts) + "
                       "(SELECT count(*) FROM transactions)"),
            0);
  fs::remove_all(dir);
}

TEST_F(PostgresLoad, AKilledLoadCommitsNothing) {
  std::string uri = CreateDatabase("load_killed");
  fs::path dir = testing::MakeTempDir("seedforge-killed");
  std::string output;
  ASSERT_EQ(Seedforge("generate -q --domain banking --format ddl --out " + ShellQuote(dir.string()), &output), 0);
  ASSERT_EQ(Psql(uri, dir / "banking.ddl.sql", &output), 0) << output;
  // A load of some 25 million rows, killed once rows are flowing.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string binary = SeedforgeBinary();
    execl(binary.c_str(), binary.c_str(), "load", "-q", "--domain", "banking", "--rows", "customers=500000", "--db",
          uri.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  bool copying = false;
  for (int i = 0; i < 300 && !copying; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    copying = Count(uri, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%'") > 0;
  }
  EXPECT_TRUE(copying) << "the load never reached COPY";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the load ended before it was killed";
  // The server notices the closed connection and aborts the transaction.
  int64_t rows = -1;
  for (int i = 0; i < 100; ++i) {
    if (Count(uri, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%'") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  rows = Count(uri, "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM accounts) + "
                    "(SELECT count(*) FROM transactions) + (SELECT count(*) FROM campaigns)");
  EXPECT_EQ(rows, 0);
  fs::remove_all(dir);
}

// introspect -> validate -> load into a fresh copy of the same schema: zero
// violations (the database enforces every constraint), every table filled,
// counts as asked.
TEST_F(PostgresLoad, IntrospectRoundTrip) {
  const fs::path schema = testing::SourceDir() / "tests/postgres/shop_schema.sql";
  std::string source = CreateDatabase("introspect_source");
  std::string target = CreateDatabase("introspect_target");
  std::string output;
  ASSERT_EQ(Psql(source, schema, &output), 0) << output;
  ASSERT_EQ(Psql(target, schema, &output), 0) << output;
  fs::path dir = testing::MakeTempDir("seedforge-introspect");
  fs::path domain = dir / "shop.yaml";
  ASSERT_EQ(Seedforge("introspect --db " + ShellQuote(source) + " --rows 200 --out " + ShellQuote(domain.string()), &output),
            0)
      << output;
  std::string validate;
  ASSERT_EQ(Seedforge("validate --domain " + ShellQuote(domain.string()), &validate), 0)
      << validate << "\n" << testing::ReadFile(domain);
  ASSERT_EQ(Seedforge("load --domain " + ShellQuote(domain.string()) + " --db " + ShellQuote(target), &output), 0)
      << output << "\n" << testing::ReadFile(domain);
  // Every table of the schema is filled, with the count `validate` planned.
  std::map<std::string, int64_t> planned;
  std::regex line(R"(^  (\w+): (\d+) rows)");
  std::istringstream in(validate);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line)) planned[m[1]] = std::stoll(m[2]);
  }
  pqxx::connection c(target);
  pqxx::nontransaction tx(c);
  int tables = 0;
  for (const auto& row : tx.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
    std::string table = row[0].as<std::string>();
    ++tables;
    int64_t count = tx.exec1("SELECT count(*) FROM " + tx.quote_name(table))[0].as<int64_t>();
    EXPECT_GT(count, 0) << table;
    ASSERT_TRUE(planned.count(table)) << table << " missing from the domain:\n" << validate;
    EXPECT_EQ(count, planned[table]) << table;
  }
  EXPECT_GE(tables, 10);
  EXPECT_EQ(planned["customers"], 200);
  // Links to tables loaded later (the stores <-> staff cycle) were filled.
  EXPECT_GT(tx.exec1("SELECT count(*) FROM stores WHERE manager_id IS NOT NULL")[0].as<int64_t>(), 0);
  // Identity sequences moved past the loaded rows.
  EXPECT_NO_THROW(tx.exec("INSERT INTO audit_log (table_name, changed_at, details) VALUES ('x', now(), '{}')"));
  testing::ExpectForeignKeysHold(target);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
