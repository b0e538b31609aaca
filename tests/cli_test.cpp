// End-to-end tests of the seedforge binary: broken domains, output safety,
// determinism and golden hashes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "seedforge/random.h"
#include "support/csv_reader.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::SourceDir;

std::string RunSeedforge(const std::string& args, int* status) {
  std::string output;
  *status = RunCommand(SeedforgeBinary() + " " + args, &output);
  return output;
}

// Every file in tests/domains_broken names on its first line the message and
// exit code it must produce.
TEST(DomainsBroken, EachFileGetsItsMessageAndExitCode) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(SourceDir() / "tests/domains_broken")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    std::string text = ReadFile(entry.path());
    std::smatch m;
    std::string first = text.substr(0, text.find('\n'));
    ASSERT_TRUE(std::regex_match(first, m, std::regex(R"(# expect: (\d+:\d+: .*) \(exit (\d+)\))")))
        << entry.path() << " lacks an '# expect:' line";
    int status = 0;
    std::string path = entry.path().string();
    std::string output = RunSeedforge("validate --domain " + path, &status);
    EXPECT_EQ(status, std::stoi(m[2])) << path << "\n" << output;
    EXPECT_NE(output.find(path + ":" + m[1].str()), std::string::npos)
        << "expected: " << path << ":" << m[1] << "\ngot: " << output;
  }
  EXPECT_GE(files, 12);
}

class GenerateTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-cli"); }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Generate(const std::string& args, const fs::path& out, int* status) {
    return RunSeedforge("generate -q --as-of 2026-01-01 --out " + out.string() + " " + args, status);
  }

  fs::path Shop() const { return SourceDir() / "tests/fixtures/shop.yaml"; }
  fs::path dir_;
};

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(GenerateTest, UnwritableOutGivesClearErrorAndNoFile) {
  fs::path blocker = dir_ / "not_a_dir";
  std::ofstream(blocker) << "x";
  int status = 0;
  std::string output = Generate("--domain " + Shop().string(), blocker / "out", &status);
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("cannot create output directory"), std::string::npos) << output;
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"not_a_dir"});
}

TEST_F(GenerateTest, NeverOverwritesAFileItDidNotWrite) {
  fs::path out = dir_ / "out";
  fs::create_directories(out);
  std::ofstream(out / "orders.csv") << "precious";
  int status = 0;
  std::string output = Generate("--domain " + Shop().string(), out, &status);
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("was not written by seedforge"), std::string::npos) << output;
  EXPECT_EQ(ReadFile(out / "orders.csv"), "precious");
  EXPECT_EQ(ListDir(out), std::vector<std::string>{"orders.csv"});  // no partial or temp file
}

TEST_F(GenerateTest, ReplacesItsOwnFiles) {
  int status = 0;
  Generate("--domain " + Shop().string() + " --seed 1", dir_ / "out", &status);
  ASSERT_EQ(status, 0);
  std::string first = ReadFile(dir_ / "out/orders.csv");
  Generate("--domain " + Shop().string() + " --seed 2", dir_ / "out", &status);
  ASSERT_EQ(status, 0);
  EXPECT_NE(ReadFile(dir_ / "out/orders.csv"), first);
}

TEST_F(GenerateTest, FromAndToSetTheSimulationWindow) {
  // shop declares no window: --from and --to together give one, which its
  // undated timestamps then fall in; a bad or reversed bound is a usage
  // error naming the option, and one bound alone names the other.
  int status = 0;
  Generate("--domain " + Shop().string() + " --format csv --from 2021-03-01 --to 2021-03-31", dir_ / "w", &status);
  ASSERT_EQ(status, 0);
  const testing::CsvTable orders = testing::ReadCsv((dir_ / "w/orders.csv").string());
  ASSERT_FALSE(orders.rows.empty());
  for (const auto& row : orders.rows) EXPECT_EQ(row[orders.Column("placed")]->substr(0, 8), "2021-03-");
  const struct {
    const char* args;
    const char* message;
  } cases[] = {
      {"--from 2021-02-30 --to 2021-03-31", "--from expects a date YYYY-MM-DD"},
      {"--from 2021-03-01 --to soon", "--to expects a date YYYY-MM-DD"},
      {"--from 2021-04-01 --to 2021-03-31", "--from (2021-04-01) is after --to (2021-03-31)"},
      {"--from 2021-03-01", "--from needs --to as well"},
  };
  for (const auto& c : cases) {
    const std::string output = Generate("--domain " + Shop().string() + " " + c.args, dir_ / "bad", &status);
    EXPECT_EQ(status, 2) << c.args << "\n" << output;
    EXPECT_NE(output.find(c.message), std::string::npos) << c.args << "\n" << output;
    EXPECT_FALSE(fs::exists(dir_ / "bad"));
  }
}

TEST_F(GenerateTest, BadRowsOptionIsAUsageError) {
  int status = 0;
  std::string output = Generate("--domain " + Shop().string() + " --rows custmers=5", dir_ / "o", &status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(output.find("did you mean 'customers'"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir_ / "o"));
}

// Counts that do not fit: past 2^64 (strtoull's ERANGE), past kMaxRows, or
// a --scale whose product with the domain's counts is too large or NaN.
// Each is a usage error before anything is written, never a wrapped count.
TEST_F(GenerateTest, RowCountsOutOfRangeAreUsageErrors) {
  const struct {
    const char* args;
    const char* words;
  } cases[] = {
      {"--rows customers=18446744073709551616", "whole number N from 0 to 1000000000000000"},
      {"--rows customers=1000000000000001", "whole number N from 0 to 1000000000000000"},
      {"--rows customers=-1", "whole number N"},
      {"--scale 1e15", "rows a run accepts per entity"},
      {"--scale 1e300", "--scale expects a number above 0"},
      {"--scale nan", "--scale"},
  };
  for (const auto& c : cases) {
    int status = 0;
    std::string output = Generate("--domain " + Shop().string() + " " + c.args, dir_ / "o", &status);
    EXPECT_EQ(status, 2) << c.args << "\n" << output;
    EXPECT_NE(output.find(c.words), std::string::npos) << c.args << "\n" << output;
    EXPECT_FALSE(fs::exists(dir_ / "o")) << c.args;
  }
}

// numeric(40,30) learned from values up to 3.125 with at most 3 decimals:
// 30 decimals of an int64 overflow at this magnitude (the formatter once
// overran a 20-byte buffer and divided by a wrapped power of ten). The plan
// keeps the decimals a double holds exactly (1.1 must not print as
// 1.100000000000000088): trailing zeros aside, no value has more than the
// data's 3 decimals, and each is one PostgreSQL accepts for the type.
TEST_F(GenerateTest, LearnedNumericWithALargeScale) {
  int status = 0;
  std::string output = Generate("--domain " + (SourceDir() / "tests/fixtures/wide_numeric.yaml").string(), dir_ / "o",
                                &status);
  ASSERT_EQ(status, 0) << output;
  const std::string csv = ReadFile(dir_ / "o/products.csv");
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "price");
  int rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    ASSERT_TRUE(std::regex_match(line, std::regex(R"(\d\.\d{1,3}0*)"))) << line;
    const double v = std::stod(line);
    EXPECT_GE(v, 1.1) << line;
    EXPECT_LE(v, 3.125) << line;
  }
  EXPECT_EQ(rows, 50);
}

TEST_F(GenerateTest, UnknownDomainSuggests) {
  int status = 0;
  std::string output = Generate("--domain bankng", dir_ / "o", &status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(output.find("unknown domain 'bankng'"), std::string::npos) << output;
}

uint64_t HashFile(const fs::path& path) { return HashName(ReadFile(path)); }

// Same seed, same bytes, whatever the thread count; another seed, other data.
TEST_F(GenerateTest, DeterministicAcrossRunsAndThreads) {
  for (const char* format : {"csv", "json", "sql", "copy"}) {
    SCOPED_TRACE(format);
    std::string base = "--domain " + Shop().string() + " --rows customers=3000 --format " + format;
    int status = 0;
    Generate(base + " --seed 7 --threads 1", dir_ / "a", &status);
    ASSERT_EQ(status, 0);
    Generate(base + " --seed 7 --threads 2", dir_ / "b", &status);
    ASSERT_EQ(status, 0);
    Generate(base + " --seed 7 --threads 1", dir_ / "c", &status);
    ASSERT_EQ(status, 0);
    Generate(base + " --seed 8 --threads 2", dir_ / "d", &status);
    ASSERT_EQ(status, 0);
    auto files = ListDir(dir_ / "a");
    ASSERT_GE(files.size(), 2u);
    for (const std::string& f : files) {
      if (f.front() == '.') continue;
      EXPECT_EQ(ReadFile(dir_ / "a" / f), ReadFile(dir_ / "b" / f)) << f << " differs between 1 and 2 threads";
      EXPECT_EQ(ReadFile(dir_ / "a" / f), ReadFile(dir_ / "c" / f)) << f << " differs between runs";
      EXPECT_NE(ReadFile(dir_ / "a" / f), ReadFile(dir_ / "d" / f)) << f << " same for seeds 7 and 8";
    }
    for (const char* d : {"a", "b", "c", "d"}) fs::remove_all(dir_ / d);
  }
}

// Golden hashes: any change of output for the same seed must be a visible,
// deliberate commit. If you changed output on purpose, update the hashes and
// say so in the commit message (and bump the provider's version if a
// provider's output changed).
TEST_F(GenerateTest, GoldenHashes) {
  struct Case {
    const char* args;
    const char* file;
    uint64_t hash;
  };
  const Case cases[] = {
      {"--format csv --seed 7", "orders.csv", 0x75834ab3d2c40f83ULL},
      {"--format json --seed 7", "customers.json", 0x1e03e9ff190269f8ULL},
      {"--format sql --seed 7", "shop.sql", 0x93ca2bb8f4c5c5beULL},
      {"--format copy --seed 7", "shop.copy.sql", 0x04cc895d749950bcULL},
  };
  for (const Case& c : cases) {
    int status = 0;
    fs::path out = dir_ / "golden";
    Generate("--domain " + Shop().string() + " " + c.args, out, &status);
    ASSERT_EQ(status, 0);
    EXPECT_EQ(HashFile(out / c.file), c.hash) << c.args << " " << c.file << ": 0x" << std::hex
                                              << HashFile(out / c.file);
    fs::remove_all(out);
  }
}

// Counts that do not fit are usage errors, never a wrapped 2^64 - 1.
TEST(LearnCli, SampleRowCountsAreRangeChecked) {
  const fs::path dir = testing::MakeTempDir("seedforge-sample-rows");
  int status = 0;
  const std::string model = (dir / "m.model").string();
  std::string output = RunSeedforge("learn -q --from " + (SourceDir() / "seeds/banking/customers.csv").string() +
                                        " --out " + model,
                                    &status);
  ASSERT_EQ(status, 0) << output;
  for (const char* rows : {"-1", "18446744073709551615", "1000000000000001", "ten"}) {
    SCOPED_TRACE(rows);
    output = RunSeedforge("sample -q --model " + model + " --rows " + rows + " --out " + (dir / "s.csv").string(),
                          &status);
    EXPECT_EQ(status, 2) << output;
    EXPECT_NE(output.find("--rows expects a whole number from 0 to 1000000000000000"), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(dir / "s.csv"));
  }
  output = RunSeedforge("learn -q --from " + (SourceDir() / "seeds/banking/customers.csv").string() +
                            " --max-rows -1 --out " + model,
                        &status);
  EXPECT_EQ(status, 2) << output;
  fs::remove_all(dir);
}

// `sample` writes the same bytes for any --threads (batches sampled on
// workers, written in row order), for every synthesizer and format.
TEST(LearnCli, SampleIsTheSameForAnyThreadCount) {
  const fs::path dir = testing::MakeTempDir("seedforge-sample");
  {
    std::ofstream csv(dir / "t.csv");
    csv << "kind,size,weight,day\n";
    for (int i = 0; i < 300; ++i) {
      RandomStream r(5, i);
      const char* kind = r.Chance(0.5) ? "a" : r.Chance(0.5) ? "b" : "c";
      const uint64_t day = 1 + r.Below(28);
      csv << kind << "," << (r.Chance(0.1) ? "" : std::to_string(r.Between(1, 40))) << ","
          << std::to_string(50 + 10 * r.Normal()) << ",2024-01-" << (day < 10 ? "0" : "") << day << "\n";
    }
  }
  for (const char* model : {"copula", "tvae", "ctgan"}) {
    SCOPED_TRACE(model);
    int status = 0;
    const std::string path = (dir / (std::string(model) + ".model")).string();
    const std::string learned = RunSeedforge("learn -q --from " + (dir / "t.csv").string() + " --model " + model +
                                                 " --epochs 1 --threads 1 --out " + path,
                                             &status);
    // Every build makes the neural module beside the binary: a model that
    // cannot be trained here is a failure, not a case to skip.
    ASSERT_EQ(status, 0) << learned;
    for (const char* format : {"csv", "jsonl"}) {
      std::string first;
      for (int threads : {1, 2, 3}) {
        const fs::path out = dir / fmt::format("s{}.{}", threads, format);
        const std::string sampled = RunSeedforge("sample -q --model " + path + " --rows 20000 --format " + format +
                                                     " --threads " + std::to_string(threads) +
                                                     " --out " + out.string(),
                                                 &status);
        ASSERT_EQ(status, 0) << sampled;
        const std::string bytes = ReadFile(out);
        if (threads == 1) {
          first = bytes;
          EXPECT_GT(bytes.size(), 20000u);
        } else {
          EXPECT_TRUE(bytes == first) << format << ": --threads " << threads << " differs from --threads 1";
        }
      }
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge

namespace seedforge {
namespace {

// docs/providers.md is generated from the registry; regenerate it with
//   build/seedforge list providers --markdown > docs/providers.md
TEST(Docs, ProviderReferenceMatchesRegistry) {
  std::string output;
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " list providers --markdown 2>/dev/null", &output), 0);
  EXPECT_EQ(testing::ReadFile(testing::SourceDir() / "docs/providers.md"), output)
      << "docs/providers.md is stale: run build/seedforge list providers --markdown > docs/providers.md";
}

}  // namespace
}  // namespace seedforge
