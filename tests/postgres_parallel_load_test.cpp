// `seedforge load --jobs N`, `load --shard K/N` and `load --finish` against a
// real throwaway PostgreSQL server: the same rows as a single load, nothing
// changed by a refused finish or by a kill at any point, and no staging
// schema left behind by the next run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <pqxx/pqxx>

#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

const char* const kBanking[] = {"customers", "accounts", "campaigns", "transactions", "campaign_contacts",
                                "campaign_events"};

int Seedforge(const std::string& args, std::string* output) {
  return RunCommand(SeedforgeBinary() + " " + args, output);
}

// Every table's rows, as md5 of the rows' text in order (row order on disk
// may differ between loads; the contents may not). "absent" for a missing
// table.
std::map<std::string, std::string> Contents(const std::string& uri) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  std::map<std::string, std::string> out;
  for (const char* table : kBanking) {
    if (tx.exec1(std::string("SELECT to_regclass('") + table + "') IS NULL")[0].as<bool>()) {
      out[table] = "absent";
      continue;
    }
    pqxx::row r = tx.exec1(std::string("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY "
                                       "x::text)), '-') FROM ") + table + " x");
    out[table] = r[0].as<std::string>();
  }
  return out;
}

std::vector<std::string> StagingSchemas(const std::string& uri) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  std::vector<std::string> names;
  for (const auto& row : tx.exec("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'seedforge%' ORDER BY 1")) {
    names.push_back(row[0].as<std::string>());
  }
  return names;
}

class PostgresParallelLoad : public testing::PostgresSuite {
 protected:
  // The banking tables (the domain's DDL), empty.
  void CreateBankingTables(const std::string& uri) {
    fs::path dir = testing::MakeTempDir("seedforge-parallel-ddl");
    std::string output;
    ASSERT_EQ(Seedforge("generate -q --domain banking --format ddl --out " + ShellQuote(dir.string()), &output), 0);
    ASSERT_EQ(Psql(uri, dir / "banking.ddl.sql", &output), 0) << output;
    fs::remove_all(dir);
  }
};

TEST_F(PostgresParallelLoad, JobsLoadTheSameRowsAsASingleLoad) {
  const std::string rows = " --domain banking --seed 4 --rows customers=3000";
  std::string single = CreateDatabase("jobs_single");
  std::string output;
  ASSERT_EQ(Seedforge("load -q" + rows + " --create-schema --db " + ShellQuote(single), &output), 0) << output;
  const auto expected = Contents(single);
  ASSERT_NE(expected.at("transactions"), "absent");
  for (int jobs : {2, 3}) {
    SCOPED_TRACE("--jobs " + std::to_string(jobs));
    // Tables created by the load: the staging tables are moved into place.
    std::string created = CreateDatabase("jobs_created_" + std::to_string(jobs));
    ASSERT_EQ(Seedforge("load" + rows + " --create-schema --jobs " + std::to_string(jobs) + " --db " +
                            ShellQuote(created),
                        &output),
              0)
        << output;
    EXPECT_NE(output.find("final transaction"), std::string::npos) << output;
    EXPECT_EQ(Contents(created), expected);
    testing::ExpectForeignKeysHold(created);
    EXPECT_TRUE(StagingSchemas(created).empty());
    // Existing tables: INSERT ... SELECT from the staging tables.
    std::string existing = CreateDatabase("jobs_existing_" + std::to_string(jobs));
    CreateBankingTables(existing);
    ASSERT_EQ(Seedforge("load -q" + rows + " --jobs " + std::to_string(jobs) + " --db " + ShellQuote(existing), &output),
              0)
        << output;
    EXPECT_EQ(Contents(existing), expected);
    testing::ExpectForeignKeysHold(existing);
    EXPECT_TRUE(StagingSchemas(existing).empty());
    // The same safety as the single load: rows present are refused.
    EXPECT_EQ(Seedforge("load -q" + rows + " --jobs " + std::to_string(jobs) + " --db " + ShellQuote(existing), &output),
              2);
    EXPECT_NE(output.find("already hold rows"), std::string::npos) << output;
    EXPECT_EQ(Contents(existing), expected);
    EXPECT_TRUE(StagingSchemas(existing).empty());
  }
}

// A cycle of links (stores <-> staff) into existing tables: the link loaded
// later is filled from the staging table, as the single load fills it.
TEST_F(PostgresParallelLoad, JobsFillLinksOfACycleAsASingleLoad) {
  const fs::path schema = testing::SourceDir() / "tests/postgres/shop_schema.sql";
  std::string source = CreateDatabase("cycle_source");
  std::string single = CreateDatabase("cycle_single");
  std::string jobs = CreateDatabase("cycle_jobs");
  std::string output;
  for (const std::string& uri : {source, single, jobs}) ASSERT_EQ(Psql(uri, schema, &output), 0) << output;
  fs::path dir = testing::MakeTempDir("seedforge-parallel-cycle");
  fs::path domain = dir / "shop.yaml";
  ASSERT_EQ(Seedforge("introspect --db " + ShellQuote(source) + " --rows 300 --out " + ShellQuote(domain.string()), &output),
            0)
      << output;
  ASSERT_EQ(Seedforge("load -q --domain " + ShellQuote(domain.string()) + " --db " + ShellQuote(single), &output), 0)
      << output;
  ASSERT_EQ(Seedforge("load -q --jobs 2 --domain " + ShellQuote(domain.string()) + " --db " + ShellQuote(jobs), &output),
            0)
      << output;
  pqxx::connection a(single), b(jobs);
  pqxx::nontransaction ta(a), tb(b);
  int tables = 0;
  for (const auto& row : ta.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
    const std::string sql = "SELECT count(*) || ':' || md5(string_agg(x::text, '|' ORDER BY x::text)) FROM " +
                            ta.quote_name(row[0].as<std::string>()) + " x";
    EXPECT_EQ(tb.exec1(sql)[0].as<std::string>(), ta.exec1(sql)[0].as<std::string>()) << row[0].as<std::string>();
    ++tables;
  }
  EXPECT_GE(tables, 10);
  EXPECT_GT(tb.exec1("SELECT count(*) FROM stores WHERE manager_id IS NOT NULL")[0].as<int64_t>(), 0);
  testing::ExpectForeignKeysHold(jobs);
  EXPECT_TRUE(StagingSchemas(jobs).empty());
  fs::remove_all(dir);
}

TEST_F(PostgresParallelLoad, ShardsFinishedEqualASingleLoad) {
  const std::string rows = " --domain banking --seed 6 --rows customers=2500";
  std::string single = CreateDatabase("shards_single");
  std::string output;
  ASSERT_EQ(Seedforge("load -q" + rows + " --create-schema --db " + ShellQuote(single), &output), 0) << output;
  const auto expected = Contents(single);
  for (int n : {2, 3}) {
    SCOPED_TRACE(std::to_string(n) + " shards");
    std::string uri = CreateDatabase("shards_" + std::to_string(n));
    // Shards may arrive in any order.
    for (int k = n - 1; k >= 0; --k) {
      ASSERT_EQ(Seedforge("load" + rows + " --shard " + std::to_string(k) + "/" + std::to_string(n) + " --db " +
                              ShellQuote(uri),
                          &output),
                0)
          << output;
      EXPECT_NE(output.find("staged shard " + std::to_string(k)), std::string::npos) << output;
      // Nothing is published before the finish.
      EXPECT_EQ(Contents(uri).at("customers"), "absent");
    }
    // A shard staged twice is refused (its rows are in already).
    EXPECT_EQ(Seedforge("load -q" + rows + " --shard 0/" + std::to_string(n) + " --db " + ShellQuote(uri), &output), 1);
    EXPECT_NE(output.find("staged already"), std::string::npos) << output;
    ASSERT_EQ(Seedforge("load -q" + rows + " --finish --create-schema --db " + ShellQuote(uri), &output), 0) << output;
    EXPECT_EQ(Contents(uri), expected);
    testing::ExpectForeignKeysHold(uri);
    EXPECT_TRUE(StagingSchemas(uri).empty());
  }
  // Into existing tables, too.
  std::string existing = CreateDatabase("shards_existing");
  CreateBankingTables(existing);
  for (int k = 0; k < 2; ++k) {
    ASSERT_EQ(Seedforge("load -q" + rows + " --shard " + std::to_string(k) + "/2 --db " + ShellQuote(existing), &output),
              0)
        << output;
  }
  ASSERT_EQ(Seedforge("load -q" + rows + " --finish --db " + ShellQuote(existing), &output), 0) << output;
  EXPECT_EQ(Contents(existing), expected);
  testing::ExpectForeignKeysHold(existing);
  EXPECT_TRUE(StagingSchemas(existing).empty());
}

TEST_F(PostgresParallelLoad, FinishRefusesMissingOrMixedShards) {
  const std::string rows = " --domain banking --seed 7 --rows customers=1000";
  std::string uri = CreateDatabase("shards_refused");
  std::string output;
  for (int k : {0, 2}) {
    ASSERT_EQ(Seedforge("load -q" + rows + " --shard " + std::to_string(k) + "/3 --db " + ShellQuote(uri), &output), 0)
        << output;
  }
  EXPECT_EQ(Seedforge("load -q" + rows + " --finish --create-schema --db " + ShellQuote(uri), &output), 1);
  EXPECT_NE(output.find("missing shard(s) 1/3"), std::string::npos) << output;
  EXPECT_NE(output.find("nothing was changed"), std::string::npos) << output;
  EXPECT_EQ(Contents(uri).at("customers"), "absent");
  // Another seed is another run: its finish finds nothing of its own, and
  // a shard of it under the same load id is refused.
  EXPECT_EQ(Seedforge("load -q --domain banking --seed 8 --rows customers=1000 --finish --create-schema --db " +
                          ShellQuote(uri),
                      &output),
            1);
  EXPECT_NE(output.find("no staged shards"), std::string::npos) << output;
  EXPECT_EQ(Seedforge("load -q --domain banking --seed 8 --rows customers=1000 --shard 1/3 --load-id banking_7_of3 "
                      "--db " + ShellQuote(uri),
                      &output),
            1);
  EXPECT_NE(output.find("of another run"), std::string::npos) << output;
  EXPECT_EQ(Seedforge("load -q --domain banking --seed 8 --rows customers=1000 --finish --create-schema --load-id "
                      "banking_7_of3 --db " + ShellQuote(uri),
                      &output),
            1);
  EXPECT_NE(output.find("staged by another run"), std::string::npos) << output;
  EXPECT_EQ(Contents(uri).at("customers"), "absent");
  // The staged shards outlived the refused runs' cleanups: once the missing
  // one is staged, the finish publishes all three.
  ASSERT_EQ(Seedforge("load -q" + rows + " --shard 1/3 --db " + ShellQuote(uri), &output), 0) << output;
  ASSERT_EQ(Seedforge("load -q" + rows + " --finish --create-schema --db " + ShellQuote(uri), &output), 0) << output;
  std::string single = CreateDatabase("shards_refused_single");
  ASSERT_EQ(Seedforge("load -q" + rows + " --create-schema --db " + ShellQuote(single), &output), 0) << output;
  EXPECT_EQ(Contents(uri), Contents(single));
  EXPECT_TRUE(StagingSchemas(uri).empty());
}

// Starts `load ARGS`, kills it (SIGKILL) as soon as the server runs a query
// matching `pattern` for it, and waits until the server has ended its
// sessions. Returns false when the load ended before the pattern was seen.
bool KillLoadWhen(const std::string& uri, const std::vector<std::string>& args, const std::string& pattern) {
  pid_t pid = fork();
  if (pid == 0) {
    std::string binary = SeedforgeBinary();
    std::vector<char*> argv{binary.data()};
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  const std::string seen = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                           "pg_backend_pid() AND state = 'active' AND query LIKE " + tx.quote(pattern);
  bool hit = false;
  for (int i = 0; i < 6000 && !hit; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    hit = tx.exec1(seen)[0].as<int64_t>() > 0;
    if (!hit) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  for (int i = 0; i < 500; ++i) {
    if (tx.exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                 "pg_backend_pid()")[0].as<int64_t>() == 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return hit && WIFSIGNALED(status);
}

TEST_F(PostgresParallelLoad, AKilledParallelLoadChangesNothingAndTheNextRunCleansUp) {
  std::string uri = CreateDatabase("jobs_killed");
  CreateBankingTables(uri);
  std::string output;
  // The user's previous rows, which every killed load must leave as they are.
  ASSERT_EQ(Seedforge("load -q --domain banking --seed 5 --rows customers=200 --db " + ShellQuote(uri), &output), 0)
      << output;
  const auto before = Contents(uri);
  const std::vector<std::string> big = {"load", "-q", "--domain", "banking", "--seed", "9", "--rows",
                                        "customers=40000", "--jobs", "2", "--truncate", "--db", uri};
  struct Point {
    const char* name;
    const char* pattern;
  };
  for (const Point& point : {Point{"staging", "COPY %seedforge_staging_%"},
                             Point{"final transaction (INSERT ... SELECT)", "INSERT INTO %seedforge_staging_%"}}) {
    SCOPED_TRACE(point.name);
    ASSERT_TRUE(KillLoadWhen(uri, big, point.pattern)) << "the load never reached " << point.name;
    EXPECT_EQ(Contents(uri), before);
    EXPECT_EQ(StagingSchemas(uri).size(), 1u) << "the killed run's staging schema is expected until the next run";
  }
  // Tables the load creates: killed while the keys are built, then while
  // the foreign keys are validated (after the rows, before the final
  // transaction, which is then metadata only): none of them exists.
  std::string created = CreateDatabase("jobs_killed_created");
  std::vector<std::string> create = {"load", "-q", "--domain", "banking", "--seed", "9", "--rows", "customers=40000",
                                     "--jobs", "2", "--create-schema", "--db", created};
  for (const Point& point : {Point{"building keys", "ALTER TABLE % ADD CONSTRAINT % PRIMARY KEY%"},
                             Point{"validating foreign keys", "%VALIDATE CONSTRAINT%"}}) {
    SCOPED_TRACE(point.name);
    ASSERT_TRUE(KillLoadWhen(created, create, point.pattern)) << "the load never reached " << point.name;
    EXPECT_EQ(Contents(created).at("customers"), "absent");
    EXPECT_EQ(Contents(created).at("transactions"), "absent");
    EXPECT_EQ(StagingSchemas(created).size(), 1u);
  }
  // The next runs (a parallel one and a single one) drop the dead runs'
  // staging schemas and succeed.
  ASSERT_EQ(Seedforge("load -q --domain banking --seed 9 --rows customers=300 --jobs 2 --truncate --db " + ShellQuote(uri),
                      &output),
            0)
      << output;
  EXPECT_TRUE(StagingSchemas(uri).empty());
  EXPECT_NE(Contents(uri), before);
  testing::ExpectForeignKeysHold(uri);
  ASSERT_EQ(Seedforge("load -q --domain banking --seed 9 --rows customers=300 --create-schema --db " + ShellQuote(created),
                      &output),
            0)
      << output;
  EXPECT_TRUE(StagingSchemas(created).empty());
  // A user's schema named like ours, without seedforge's marker, is never
  // dropped.
  {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec("CREATE SCHEMA seedforge_staging_mine");
    tx.exec("CREATE TABLE seedforge_staging_mine.keep (x int)");
    tx.commit();
  }
  ASSERT_EQ(Seedforge("load -q --domain banking --seed 9 --rows customers=300 --jobs 2 --truncate --db " + ShellQuote(uri),
                      &output),
            0)
      << output;
  EXPECT_EQ(StagingSchemas(uri), std::vector<std::string>{"seedforge_staging_mine"});
}

// A shard killed while it stages leaves nothing staged: its rows and its
// manifest row commit together. The finish refuses; the shard run again
// completes the load.
TEST_F(PostgresParallelLoad, AKilledShardIsNotStaged) {
  std::string uri = CreateDatabase("shard_killed");
  const std::string rows = " --domain banking --seed 11 --rows customers=20000";
  ASSERT_TRUE(KillLoadWhen(uri, {"load", "-q", "--domain", "banking", "--seed", "11", "--rows", "customers=20000",
                                 "--shard", "0/2", "--db", uri},
                           "COPY %seedforge_staging_%"))
      << "the shard never reached COPY";
  std::string output;
  ASSERT_EQ(Seedforge("load -q" + rows + " --shard 1/2 --db " + ShellQuote(uri), &output), 0) << output;
  EXPECT_EQ(Seedforge("load -q" + rows + " --finish --create-schema --db " + ShellQuote(uri), &output), 1);
  EXPECT_NE(output.find("missing shard(s) 0/2"), std::string::npos) << output;
  EXPECT_EQ(Contents(uri).at("transactions"), "absent");
  ASSERT_EQ(Seedforge("load -q" + rows + " --shard 0/2 --db " + ShellQuote(uri), &output), 0) << output;
  ASSERT_EQ(Seedforge("load -q" + rows + " --finish --create-schema --db " + ShellQuote(uri), &output), 0) << output;
  std::string single = CreateDatabase("shard_killed_single");
  ASSERT_EQ(Seedforge("load -q" + rows + " --create-schema --db " + ShellQuote(single), &output), 0) << output;
  EXPECT_EQ(Contents(uri), Contents(single));
  testing::ExpectForeignKeysHold(uri);
  EXPECT_TRUE(StagingSchemas(uri).empty());
}

TEST_F(PostgresParallelLoad, BadOptionsAndUrisFailClearlyWithoutThePassword) {
  std::string output;
  for (const char* mode : {"--jobs 2", "--shard 0/2", "--finish"}) {
    SCOPED_TRACE(mode);
    EXPECT_EQ(Seedforge(std::string("load -q --domain pci ") + mode +
                            " --db postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere",
                        &output),
              1);
    EXPECT_NE(output.find("cannot connect"), std::string::npos) << output;
    EXPECT_EQ(output.find("s3cret-pw"), std::string::npos) << "password printed: " << output;
  }
  const std::string db = " --db postgresql://127.0.0.1:1/nowhere";
  EXPECT_EQ(Seedforge("load -q --domain pci --shard 0/2 --create-schema" + db, &output), 2);
  EXPECT_NE(output.find("give them to load --finish"), std::string::npos) << output;
  EXPECT_EQ(Seedforge("load -q --domain pci --shard 0/2 --jobs 2" + db, &output), 2);
  EXPECT_EQ(Seedforge("load -q --domain pci --shard 2/2" + db, &output), 2);
  EXPECT_NE(output.find("--shard '2/2'"), std::string::npos) << output;
  EXPECT_EQ(Seedforge("load -q --domain pci --load-id x" + db, &output), 2);
  EXPECT_EQ(Seedforge("load -q --domain pci --finish --load-id Bad-Id" + db, &output), 2);
  EXPECT_NE(output.find("lower-case letters"), std::string::npos) << output;
  EXPECT_EQ(Seedforge("load -q --domain pci --jobs 0" + db, &output), 2);
}

}  // namespace
}  // namespace seedforge
