// `generate --shard K/N` through the binary: the N shards' files, concatenated
// in shard order, are the single run's, byte for byte, for every built-in
// domain (docs/scale.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/registry.h"
#include "support/csv_reader.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;

class ShardTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-shard"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `generate` with `args` into `out`; returns its exit status, the
  // output in *output.
  int Generate(const std::string& args, const fs::path& out, std::string* output = nullptr) {
    std::string text;
    const int status =
        RunCommand(SeedforgeBinary() + " generate -q --as-of 2026-01-01 --out " + out.string() + " " + args, &text);
    if (output) *output = text;
    return status;
  }

  // The whole run into whole/, shard K of N into shard-K/ (the names the
  // Kubernetes Job uses). The whole run on two threads, the shards on one:
  // the thread count must not matter either, neither the writer's nor the
  // plan's (GenerateOptions::threads counts children per parent block by
  // block).
  void GenerateAll(const std::string& args, int n) {
    std::string output;
    ASSERT_EQ(Generate(args + " --threads 2", dir_ / "whole", &output), 0) << output;
    for (int k = 0; k < n; ++k) {
      const std::string shard = " --shard " + std::to_string(k) + "/" + std::to_string(n);
      ASSERT_EQ(Generate(args + shard + " --threads 1", Shard(k), &output), 0) << args << shard << "\n" << output;
    }
  }

  fs::path Shard(int k) const { return dir_ / ("shard-" + std::to_string(k)); }

  std::string Concatenated(const std::string& file, int n) const {
    std::string text;
    for (int k = 0; k < n; ++k) {
      const fs::path path = Shard(k) / file;
      EXPECT_TRUE(fs::exists(path)) << path << ": every shard writes every entity's file, empty or not";
      if (fs::exists(path)) text += ReadFile(path);
    }
    return text;
  }

  // Every per-entity file (*.EXT) of the whole run equals the concatenation of
  // the shards' files; the manifest is shard 0's alone, the whole run's.
  // Returns, for each file, how many shards hold some of its bytes.
  std::map<std::string, int> ExpectUnionIsWholeRun(const std::string& domain, const std::string& ext, int n) {
    std::map<std::string, int> nonempty;
    for (const auto& entry : fs::directory_iterator(dir_ / "whole")) {
      const std::string file = entry.path().filename().string();
      if (entry.path().extension() != "." + ext || file == domain + ".manifest.json") continue;
      const std::string whole = ReadFile(entry.path());
      const std::string joined = Concatenated(file, n);
      // Not EXPECT_EQ on the texts: a failure would print megabytes.
      EXPECT_EQ(joined.size(), whole.size()) << domain << " N=" << n << ": " << file;
      EXPECT_TRUE(joined == whole) << domain << " N=" << n << ": " << file << " differs from the whole run's";
      for (int k = 0; k < n; ++k) nonempty[file] += fs::exists(Shard(k) / file) && fs::file_size(Shard(k) / file) > 0;
    }
    EXPECT_FALSE(nonempty.empty()) << "no ." << ext << " files in the whole run";
    const std::string manifest = domain + ".manifest.json";
    EXPECT_EQ(ReadFile(Shard(0) / manifest), ReadFile(dir_ / "whole" / manifest));
    for (int k = 1; k < n; ++k) EXPECT_FALSE(fs::exists(Shard(k) / manifest)) << "shard " << k;
    return nonempty;
  }

  void Clear() {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  fs::path dir_;
};

// Row counts that give each domain's largest entities at least seven batches
// of 8,000 rows (so all of 7 shards hold some), kept small enough for the
// whole test to take seconds.
struct DomainRun {
  std::string domain;
  std::string args;
  std::string largest;  // an entity's file every shard holds rows of
};

const std::vector<DomainRun>& DomainRuns() {
  static const std::vector<DomainRun> runs = {
      {"employee", "--domain employee --rows employees=60000", "employees"},
      {"pci", "--domain pci --rows cards=60000", "cards"},
      // Named rows (alice_overdrawn), per-parent groups of five kinds,
      // unique columns, an aggregate over children, sequences and dates
      // within parents' lives, all across the seams.
      {"banking", "--domain banking --scale 20 --rows transactions=120000", "transactions"},
      {"automotive", "--domain automotive --scale 3 --rows telematics_events=60000", "telematics_events"},
  };
  return runs;
}

TEST_F(ShardTest, CsvShardsConcatenateToTheWholeRunForEveryBuiltinDomain) {
  for (const DomainRun& run : DomainRuns()) {
    for (int n : {2, 3, 7}) {
      SCOPED_TRACE(run.domain + " N=" + std::to_string(n));
      Clear();
      GenerateAll(run.args, n);
      const std::map<std::string, int> nonempty = ExpectUnionIsWholeRun(run.domain, "csv", n);
      // The CSV header is in shard 0 only, and every shard has rows of the
      // largest entity: the seams are really crossed.
      EXPECT_EQ(nonempty.at(run.largest + ".csv"), n);
    }
  }
}

TEST_F(ShardTest, PicksAndColumnCountsAreTheWholeRunsAcrossSeams) {
  // Weighted, matched, distinct_from and distinct-in-group picks and counts
  // read from a parent's column, which the built-in domains do not use.
  const std::string args = "--domain " + (testing::SourceDir() / "tests/fixtures/shard_picks.yaml").string();
  for (int n : {2, 3, 7}) {
    SCOPED_TRACE("N=" + std::to_string(n));
    Clear();
    GenerateAll(args, n);
    const std::map<std::string, int> nonempty = ExpectUnionIsWholeRun("shard_picks", "csv", n);
    EXPECT_EQ(nonempty.at("order_lines.csv"), n);
  }
}

TEST_F(ShardTest, JsonAndJsonLinesShardsConcatenateToTheWholeRun) {
  // N=7 leaves most shards without rows of the small entities (campaigns):
  // JSON's '[' and ']' must still come out once each.
  for (const std::string format : {"json", "jsonl"}) {
    for (int n : {3, 7}) {
      SCOPED_TRACE(format + " N=" + std::to_string(n));
      Clear();
      GenerateAll(DomainRuns()[2].args + " --format " + format, n);
      const std::map<std::string, int> nonempty = ExpectUnionIsWholeRun("banking", format, n);
      EXPECT_EQ(nonempty.at("transactions." + format), n);
      EXPECT_LT(nonempty.at("campaigns." + format), n);
    }
  }
}

TEST_F(ShardTest, EveryForeignKeyOfEveryShardPointsIntoTheUnion) {
  const int n = 3;
  GenerateAll(DomainRuns()[2].args, n);
  const Domain domain = LoadDomain("banking", BuiltinRegistry());
  std::map<std::string, testing::CsvTable> tables;  // the union, by entity
  for (const DomainEntity& entity : domain.entities) tables[entity.name] = testing::ParseCsv(Concatenated(entity.name + ".csv", n));

  auto key = [](const testing::CsvTable& table, const std::vector<std::optional<std::string>>& row,
                const std::vector<std::string>& columns, bool* null) {
    std::string k;
    *null = false;
    for (const std::string& c : columns) {
      const int i = table.Column(c);
      EXPECT_GE(i, 0) << c;
      if (i < 0 || !row[i]) {
        *null = true;
        return k;
      }
      k += *row[i] + '\x1f';
    }
    return k;
  };
  uint64_t checked = 0;
  for (const DomainEntity& entity : domain.entities) {
    for (const DomainLink& link : entity.links) {
      SCOPED_TRACE(entity.name + " -> " + link.parent);
      const testing::CsvTable& parent = tables.at(link.parent);
      std::set<std::string> keys;
      for (const auto& row : parent.rows) {
        bool null = false;
        keys.insert(key(parent, row, link.parent_columns, &null));
      }
      const testing::CsvTable& child = tables.at(entity.name);
      for (const auto& row : child.rows) {
        bool null = false;
        const std::string k = key(child, row, link.columns, &null);
        if (null) continue;
        ++checked;
        ASSERT_TRUE(keys.count(k)) << "a " << entity.name << " row points to no " << link.parent << " row";
      }
    }
  }
  EXPECT_GT(checked, 150'000u);

  // Some account's transactions (a per-parent group, the children the
  // account's aggregate sums) straddle a seam between two shards.
  std::map<std::string, std::set<int>> shards_of_account;
  const std::string first = ReadFile(Shard(0) / "transactions.csv");
  const std::string header = first.substr(0, first.find('\n') + 1);  // shard 0 alone has it
  for (int k = 0; k < n; ++k) {
    const testing::CsvTable part = testing::ParseCsv(k == 0 ? first : header + ReadFile(Shard(k) / "transactions.csv"));
    const int account = part.Column("account_id");
    ASSERT_GE(account, 0);
    for (const auto& row : part.rows) shards_of_account[*row[account]].insert(k);
  }
  int straddling = 0;
  for (const auto& [account, shards] : shards_of_account) straddling += shards.size() > 1;
  EXPECT_GE(straddling, 1);

  // The named customer is where the single run has it, with its values.
  const testing::CsvTable& customers = tables.at("customers");
  ASSERT_FALSE(customers.rows.empty());
  EXPECT_EQ(*customers.rows[0][customers.Column("email")], "alice@example.com");
}

TEST_F(ShardTest, TheThreadCountDoesNotChangeAShard) {
  const std::string args = DomainRuns()[2].args + " --shard 1/3";
  std::string output;
  ASSERT_EQ(Generate(args + " --threads 1", dir_ / "one", &output), 0) << output;
  ASSERT_EQ(Generate(args + " --threads 4", dir_ / "four", &output), 0) << output;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "one")) {
    if (entry.path().extension() != ".csv") continue;
    ++files;
    EXPECT_TRUE(ReadFile(entry.path()) == ReadFile(dir_ / "four" / entry.path().filename())) << entry.path();
  }
  EXPECT_EQ(files, 6);
}

TEST_F(ShardTest, ScriptsHoldTheShardsRowsWithTheDdlFirstAndTheForeignKeysLast) {
  // COPY scripts: each table's data lines, concatenated over the shards,
  // are the whole run's; CREATE TABLE only in shard 0, the foreign keys
  // only in the last shard (banking has no identity column to reset).
  const int n = 3;
  GenerateAll(DomainRuns()[2].args + " --format copy", n);
  auto blocks = [](const std::string& script) {
    std::map<std::string, std::string> data;  // COPY line -> its data lines
    size_t at = 0;
    while ((at = script.find("\nCOPY ", at)) != std::string::npos) {
      const size_t line_end = script.find('\n', at + 1);
      const size_t end = script.find("\\.\n", line_end);
      data[script.substr(at + 1, line_end - at - 1)] = script.substr(line_end + 1, end - line_end - 1);
      at = end;
    }
    return data;
  };
  const std::map<std::string, std::string> whole = blocks(ReadFile(dir_ / "whole" / "banking.copy.sql"));
  ASSERT_EQ(whole.size(), 6u);
  std::map<std::string, std::string> joined;
  for (int k = 0; k < n; ++k) {
    SCOPED_TRACE("shard " + std::to_string(k));
    const std::string script = ReadFile(Shard(k) / "banking.copy.sql");
    for (const auto& [copy, data] : blocks(script)) joined[copy] += data;
    EXPECT_EQ(script.find("CREATE TABLE") != std::string::npos, k == 0);
    EXPECT_EQ(script.find("FOREIGN KEY") != std::string::npos, k == n - 1);
    EXPECT_NE(script.find("-- Shard " + std::to_string(k) + " of 3"), std::string::npos);
    EXPECT_NE(script.find("COMMIT;"), std::string::npos);
  }
  EXPECT_TRUE(joined == whole);
  // A whole run's script keeps its text: no shard line.
  EXPECT_EQ(ReadFile(dir_ / "whole" / "banking.copy.sql").find("-- Shard"), std::string::npos);
}

TEST_F(ShardTest, AShardOverAWholeRunRemovesTheWholeRunsManifest) {
  // The manifest would otherwise describe files that are now one shard's.
  std::string output;
  ASSERT_EQ(Generate("--domain employee", dir_ / "o", &output), 0) << output;
  ASSERT_TRUE(fs::exists(dir_ / "o" / "employee.manifest.json"));
  ASSERT_EQ(Generate("--domain employee --shard 1/2", dir_ / "o", &output), 0) << output;
  EXPECT_FALSE(fs::exists(dir_ / "o" / "employee.manifest.json"));
  EXPECT_TRUE(fs::exists(dir_ / "o" / "employees.csv"));
  // Shard 0 writes it again.
  ASSERT_EQ(Generate("--domain employee --shard 0/2", dir_ / "o", &output), 0) << output;
  EXPECT_TRUE(fs::exists(dir_ / "o" / "employee.manifest.json"));
}

TEST_F(ShardTest, ProgressAndSummaryNameTheShard) {
  // 20,000 rows are three batches: shard 1 of 2 has the last two.
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " generate --progress --as-of 2026-01-01 --domain employee --rows employees=20000 "
                                           "--shard 1/2 --out " + (dir_ / "o").string(),
                       &output),
            0)
      << output;
  EXPECT_NE(output.find("shard 1/2: employees: 12000 / 12000 rows (100%)"), std::string::npos) << output;
  EXPECT_NE(output.find("employee (shard 1/2): 12000 rows in 1 file(s)"), std::string::npos) << output;
}

TEST_F(ShardTest, BadShardsAndWholeDocumentFormatsAreUsageErrors) {
  for (const std::string bad : {"3/3", "-1/2", "1/0", "0/0", "a/b", "2", "0/2x", "/2", "0/1000001"}) {
    std::string output;
    EXPECT_EQ(Generate("--domain employee --shard " + bad, dir_ / "out", &output), 2) << bad << "\n" << output;
    EXPECT_NE(output.find("--shard '" + bad + "'"), std::string::npos) << output;
  }
  for (const std::string format : {"xlsx", "docx", "ddl"}) {
    std::string output;
    EXPECT_EQ(Generate("--domain employee --format " + format + " --shard 0/2", dir_ / "out", &output), 2) << output;
    EXPECT_NE(output.find("--shard: format " + format), std::string::npos) << output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out")) << "a refused run leaves nothing";
  // 0/1 is the whole run.
  std::string output;
  ASSERT_EQ(Generate("--domain employee --shard 0/1", dir_ / "one", &output), 0) << output;
  ASSERT_EQ(Generate("--domain employee", dir_ / "whole", &output), 0) << output;
  EXPECT_EQ(ReadFile(dir_ / "one" / "employees.csv"), ReadFile(dir_ / "whole" / "employees.csv"));
}

}  // namespace
}  // namespace seedforge
