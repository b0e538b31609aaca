// End-to-end tests of the model cache through the seedforge binary: a domain
// whose entity fits ctgan from sample data trains once, then reads the
// model from the cache, with the same output bytes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;

void Spit(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// 60 rows: age, income rising with age, a segment.
std::string PeopleCsv(int salt) {
  std::string csv = "age,income,segment\n";
  for (int i = 0; i < 60; ++i) {
    const int age = 20 + (i * 37 + salt) % 50;
    csv += std::to_string(age) + "," + std::to_string(age * 1000 + (i * 7919) % 5000) + ".25," +
           "abc"[(i * 5 + salt) % 3] + "\n";
  }
  return csv;
}

// What identifies a file on disk: rewriting it (AtomicFile renames a new
// file into place) changes the inode.
struct FileId {
  ino_t inode = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileId&) const = default;
};

FileId Identify(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return {st.st_ino, static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

class ModelCacheCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("seedforge-model-cache");
    Spit(dir_ / "people.csv", PeopleCsv(0));
    Spit(dir_ / "people2.csv", PeopleCsv(1));
    cache_ = dir_ / "cache";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A domain whose people are learned by `model` (the inside of the
  // model's map), written beside the data.
  fs::path Domain(const std::string& model, const std::string& name = "d.yaml") {
    Spit(dir_ / name,
         "domain: tiny\n"
         "entities:\n"
         "  people:\n"
         "    rows: 40\n"
         "    model: {" + model + "}\n"
         "    columns:\n"
         "      id: {type: bigint, primary_key: true, provider: sequence}\n"
         "      age: {type: integer, learned: true}\n"
         "      income: {type: 'numeric(12,2)', learned: true}\n"
         "      segment: {type: text, learned: true}\n");
    return dir_ / name;
  }
  static std::string Ctgan() { return "from: people.csv, synthesizer: ctgan, epochs: 2, batch_size: 20"; }

  // Runs generate into dir_/out; returns stdout and stderr. The cache is
  // chosen through XDG_CACHE_HOME, the way a user's is.
  std::string Generate(const fs::path& domain, const std::string& args, int* status,
                       const std::string& out = "out") {
    std::string output;
    *status = testing::RunCommand("env -u SEEDFORGE_CACHE_DIR XDG_CACHE_HOME=" + cache_.string() + " " +
                                      testing::SeedforgeBinary() + " generate --as-of 2026-01-01 --domain " +
                                      domain.string() + " --out " + (dir_ / out).string() + " " + args,
                                  &output);
    return output;
  }

  std::vector<fs::path> Entries() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache_ / "seedforge", ec)) files.push_back(e.path());
    return files;
  }

  fs::path dir_, cache_;
};

TEST_F(ModelCacheCli, FirstRunTrainsSecondReadsTheCacheSameBytes) {
  const fs::path domain = Domain(Ctgan());
  int status = 0;
  std::string log = Generate(domain, "--progress", &status);
  ASSERT_EQ(status, 0) << log;
  EXPECT_NE(log.find("ctgan model of"), std::string::npos) << log;
  EXPECT_NE(log.find("trained in"), std::string::npos) << log;
  EXPECT_NE(log.find("cached as " + (cache_ / "seedforge").string()), std::string::npos) << log;
  const std::vector<fs::path> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);  // one entry, no temporary file
  const FileId written = Identify(entries[0]);
  const std::string rows = ReadFile(dir_ / "out/people.csv");
  ASSERT_EQ(std::count(rows.begin(), rows.end(), '\n'), 41);

  log = Generate(domain, "--progress", &status);
  ASSERT_EQ(status, 0) << log;
  EXPECT_NE(log.find("read from the cache (" + entries[0].string() + ")"), std::string::npos) << log;
  EXPECT_EQ(log.find("trained"), std::string::npos) << log;
  EXPECT_TRUE(Identify(entries[0]) == written) << "the entry was rewritten";
  EXPECT_EQ(ReadFile(dir_ / "out/people.csv"), rows);

  // --no-cache trains again, touches nothing, and gives the same bytes.
  log = Generate(domain, "--progress --no-cache", &status, "fresh");
  ASSERT_EQ(status, 0) << log;
  EXPECT_NE(log.find("trained in"), std::string::npos) << log;
  EXPECT_EQ(log.find("cached as"), std::string::npos) << log;
  EXPECT_EQ(ReadFile(dir_ / "fresh/people.csv"), rows);
  EXPECT_TRUE(Identify(entries[0]) == written);

  // Off a terminal and without --progress, nothing about models is said.
  log = Generate(domain, "", &status);
  ASSERT_EQ(status, 0) << log;
  EXPECT_EQ(log.find("model of"), std::string::npos) << log;
  EXPECT_EQ(ReadFile(dir_ / "out/people.csv"), rows);
  EXPECT_EQ(Entries().size(), 1u);
}

TEST_F(ModelCacheCli, EachInputOfTheFitHasItsOwnEntry) {
  int status = 0;
  ASSERT_EQ((Generate(Domain(Ctgan()), "-q", &status), status), 0);
  const std::string base = ReadFile(dir_ / "out/people.csv");
  ASSERT_EQ(Entries().size(), 1u);
  const std::string variants[] = {
      "from: people2.csv, synthesizer: ctgan, epochs: 2, batch_size: 20",   // other data
      "from: people.csv, synthesizer: tvae, epochs: 2, batch_size: 20",     // other synthesizer
      Ctgan() + ", types: {segment: categorical}",                          // an override (the inferred type)
      "from: people.csv, synthesizer: ctgan, epochs: 3, batch_size: 20",    // other epochs
      "from: people.csv, synthesizer: ctgan, epochs: 2, batch_size: 30",    // other batch size
  };
  size_t expected = 1;
  for (const std::string& model : variants) {
    SCOPED_TRACE(model);
    const std::string log = Generate(Domain(model), "--progress", &status);
    ASSERT_EQ(status, 0) << log;
    EXPECT_NE(log.find("trained in"), std::string::npos) << log;
    EXPECT_EQ(Entries().size(), ++expected);
  }
  // The generation seed and sampling constraints do not change the fitted
  // model (domains fit with seed 1): the first entry serves them.
  for (const std::string& args : {std::string("--seed 2"), std::string("")}) {
    const fs::path domain = args.empty() ? Domain(Ctgan() + ", constraints: [\"income > 30000\"]") : Domain(Ctgan());
    const std::string log = Generate(domain, "--progress " + args, &status, "other");
    ASSERT_EQ(status, 0) << log;
    EXPECT_NE(log.find("read from the cache"), std::string::npos) << args << "\n" << log;
    EXPECT_NE(ReadFile(dir_ / "other/people.csv"), base);
  }
  EXPECT_EQ(Entries().size(), expected);
}

TEST_F(ModelCacheCli, BadEntryIsTrainedAgainAndReplaced) {
  const fs::path domain = Domain(Ctgan());
  int status = 0;
  ASSERT_EQ((Generate(domain, "-q", &status), status), 0);
  const std::string rows = ReadFile(dir_ / "out/people.csv");
  ASSERT_EQ(Entries().size(), 1u);
  const fs::path entry = Entries()[0];
  const std::string good = ReadFile(entry);
  std::string flipped = good;
  flipped[good.size() / 3] ^= 0x10;
  const std::pair<const char*, std::string> bad[] = {
      {"a flipped bit", flipped},
      {"truncated", good.substr(0, good.size() / 2)},
      {"foreign", "not a model\n"},
  };
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    Spit(entry, bytes);
    const std::string log = Generate(domain, "--progress", &status);
    ASSERT_EQ(status, 0) << log;
    EXPECT_NE(log.find("trained in"), std::string::npos) << log;
    EXPECT_TRUE(ReadFile(entry) == good) << "the entry differs from the first one";
    EXPECT_EQ(ReadFile(dir_ / "out/people.csv"), rows);
    EXPECT_EQ(Entries().size(), 1u);
  }
}

TEST_F(ModelCacheCli, UnwritableCacheWarnsOnceAndStillGenerates) {
  // Two learned entities, so that "once" means something.
  Spit(dir_ / "two.yaml",
       "domain: two\n"
       "entities:\n"
       "  people:\n"
       "    rows: 30\n"
       "    model: {" + Ctgan() + "}\n"
       "    columns:\n"
       "      id: {type: bigint, primary_key: true, provider: sequence}\n"
       "      age: {type: integer, learned: true}\n"
       "  others:\n"
       "    rows: 30\n"
       "    model: {from: people2.csv, synthesizer: tvae, epochs: 2, batch_size: 20}\n"
       "    columns:\n"
       "      id: {type: bigint, primary_key: true, provider: sequence}\n"
       "      segment: {type: text, learned: true}\n");
  Spit(dir_ / "blocker", "a file where the cache directory should be");
  int status = 0;
  std::string expected_log = Generate(dir_ / "two.yaml", "-q --no-cache", &status, "expected");
  ASSERT_EQ(status, 0) << expected_log;
  cache_ = dir_ / "blocker";  // XDG_CACHE_HOME=blocker: blocker/seedforge cannot be created
  std::string log = Generate(dir_ / "two.yaml", "", &status);
  ASSERT_EQ(status, 0) << log;
  EXPECT_EQ(Count(log, "seedforge: warning: cannot write the model cache"), 1u) << log;
  EXPECT_NE(log.find((dir_ / "blocker/seedforge").string()), std::string::npos) << log;
  for (const char* file : {"people.csv", "others.csv"}) {
    EXPECT_EQ(ReadFile(dir_ / "out" / file), ReadFile(dir_ / "expected" / file)) << file;
  }
  // --quiet: nothing but errors, and this is not one.
  log = Generate(dir_ / "two.yaml", "-q", &status);
  ASSERT_EQ(status, 0) << log;
  EXPECT_EQ(log, "");
}

TEST_F(ModelCacheCli, ConcurrentRunsLeaveOneGoodEntry) {
  const fs::path domain = Domain(Ctgan());
  const std::string run = "env -u SEEDFORGE_CACHE_DIR XDG_CACHE_HOME=" + cache_.string() + " " +
                          testing::SeedforgeBinary() + " generate -q --as-of 2026-01-01 --domain " + domain.string();
  auto one = [&](const std::string& name) {
    return "(" + run + " --out " + (dir_ / name).string() + "; echo $? > " + (dir_ / (name + ".status")).string() +
           ")";
  };
  const std::string both = one("a") + " & " + one("b") + " & wait";
  std::string output;
  ASSERT_EQ(testing::RunCommand("sh -c '" + both + "'", &output), 0) << output;
  EXPECT_EQ(ReadFile(dir_ / "a.status"), "0\n") << output;
  EXPECT_EQ(ReadFile(dir_ / "b.status"), "0\n") << output;
  EXPECT_EQ(ReadFile(dir_ / "a/people.csv"), ReadFile(dir_ / "b/people.csv"));
  ASSERT_EQ(Entries().size(), 1u);  // one entry, no temporary file left
  int status = 0;
  const std::string log = Generate(domain, "--progress", &status);
  ASSERT_EQ(status, 0) << log;
  EXPECT_NE(log.find("read from the cache"), std::string::npos) << log;
  EXPECT_EQ(ReadFile(dir_ / "out/people.csv"), ReadFile(dir_ / "a/people.csv"));
}

}  // namespace
}  // namespace seedforge
