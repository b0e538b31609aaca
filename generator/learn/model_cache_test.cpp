// The model cache: keys, entries, and LoadModelRef's use of them
// (MakeModelLoader). End-to-end runs of the binary are in
// tests/model_cache_cli_test.cpp.
#include "seedforge/model_cache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "seedforge/error.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;

void Spit(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::vector<fs::path> Entries(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) files.push_back(e.path());
  return files;
}

// 60 rows: age, income rising with age, a segment.
std::string TinyCsv(int salt = 0) {
  std::string csv = "age,income,segment\n";
  for (int i = 0; i < 60; ++i) {
    const int age = 20 + (i * 37 + salt) % 50;
    csv += std::to_string(age) + "," + std::to_string(age * 1000 + (i * 7919) % 5000) + ".25," +
           "abc"[(i * 5 + salt) % 3] + "\n";
  }
  return csv;
}

TEST(ModelCacheKey, EveryInputThatShapesTheModelChangesIt) {
  const std::string data = TinyCsv();
  const CsvReadOptions read;
  const FitOptions fit;
  const std::string base = ModelCacheKey(data, "ctgan", read, fit);
  ASSERT_EQ(base.size(), 64u);
  EXPECT_EQ(base.find_first_not_of("0123456789abcdef"), std::string::npos) << base;
  EXPECT_EQ(ModelCacheKey(data, "ctgan", read, fit), base);  // a function of its inputs

  std::vector<std::pair<std::string, std::string>> keys;
  auto add = [&](const std::string& what, const std::string& key) { keys.emplace_back(what, key); };
  add("base", base);
  std::string other = data;
  other[other.size() - 2] = other[other.size() - 2] == 'a' ? 'b' : 'a';  // one byte of the data
  add("data", ModelCacheKey(other, "ctgan", read, fit));
  add("data + newline", ModelCacheKey(data + "\n", "ctgan", read, fit));
  add("synthesizer", ModelCacheKey(data, "tvae", read, fit));
  CsvReadOptions typed;
  typed.types["age"] = DataType::kCategorical;
  add("override", ModelCacheKey(data, "ctgan", typed, fit));
  typed.types["age"] = DataType::kContinuous;
  add("override type", ModelCacheKey(data, "ctgan", typed, fit));
  CsvReadOptions capped;
  capped.max_rows = 10;
  add("max rows", ModelCacheKey(data, "ctgan", capped, fit));
  auto with = [&](const std::string& what, auto change) {
    FitOptions f;
    change(f);
    add(what, ModelCacheKey(data, "ctgan", read, f));
  };
  with("epochs", [](FitOptions& f) { f.epochs = 301; });
  with("batch size", [](FitOptions& f) { f.batch_size = 501; });
  with("seed", [](FitOptions& f) { f.seed = 2; });
  with("threads", [](FitOptions& f) { f.threads = 1; });
  with("generator lr", [](FitOptions& f) { f.ctgan.generator_lr = 1e-3; });
  with("discriminator lr", [](FitOptions& f) { f.ctgan.discriminator_lr = 1e-3; });
  with("discriminator steps", [](FitOptions& f) { f.ctgan.discriminator_steps = 5; });
  with("pac", [](FitOptions& f) { f.ctgan.pac = 2; });
  with("constraint", [](FitOptions& f) { f.constraints = {Constraint::Parse("income > 0")}; });
  std::set<std::string> distinct;
  for (const auto& [what, key] : keys) {
    EXPECT_TRUE(distinct.insert(key).second) << what << " gives a key already seen";
  }

  // A progress callback watches the fit; it does not shape the model.
  FitOptions watched;
  watched.progress = [](const FitProgress&) {};
  EXPECT_EQ(ModelCacheKey(data, "ctgan", read, watched), base);
  // Fields are length-prefixed: moving a byte from one field to the next
  // is another key.
  EXPECT_NE(ModelCacheKey("ab", "ctgan", read, fit), ModelCacheKey("a", "bctgan", read, fit));
}

// Sets or unsets environment variables for one test, restoring them after.
class ScopedEnv {
 public:
  void Set(const char* name, const char* value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST(ModelCacheDir, FollowsTheOverrideThenXdgThenHome) {
  ScopedEnv env;
  env.Set("SEEDFORGE_CACHE_DIR", "/tmp/sf-override");
  env.Set("XDG_CACHE_HOME", "/tmp/xdg");
  env.Set("HOME", "/home/ann");
  EXPECT_EQ(DefaultModelCacheDir(), fs::path("/tmp/sf-override"));
  env.Set("SEEDFORGE_CACHE_DIR", "");
  EXPECT_EQ(DefaultModelCacheDir(), fs::path("/tmp/xdg/seedforge"));
  env.Set("SEEDFORGE_CACHE_DIR", nullptr);
  EXPECT_EQ(DefaultModelCacheDir(), fs::path("/tmp/xdg/seedforge"));
  env.Set("XDG_CACHE_HOME", "relative/cache");  // the spec: a relative path is invalid, ignore it
  EXPECT_EQ(DefaultModelCacheDir(), fs::path("/home/ann/.cache/seedforge"));
  env.Set("XDG_CACHE_HOME", "");
  EXPECT_EQ(DefaultModelCacheDir(), fs::path("/home/ann/.cache/seedforge"));
  env.Set("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(DefaultModelCacheDir(), fs::path("/home/ann/.cache/seedforge"));
  env.Set("HOME", nullptr);
  EXPECT_EQ(DefaultModelCacheDir(), fs::path());
}

class ModelCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("model-cache");
    Spit(dir_ / "people.csv", TinyCsv());
    domain_file_ = (dir_ / "domain.yaml").string();
    cache_dir_ = dir_ / "cache" / "seedforge";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A tiny training run: seconds, not minutes.
  ModelRef Ref(const std::string& synthesizer = "tvae") const {
    ModelRef ref;
    ref.path = "people.csv";
    ref.from_data = true;
    ref.synthesizer = synthesizer;
    ref.epochs = 2;
    ref.batch_size = 20;
    return ref;
  }

  // Loads `ref` through a fresh cache on cache_dir_ (a new process's view);
  // returns the sampled rows as text and says where the model came from.
  std::string Load(const ModelRef& ref, ModelLoadInfo* info, bool cached = true) {
    ModelLoadOptions options;
    if (cached) {
      options.cache =
          std::make_shared<ModelCache>(cache_dir_, [this](const std::string& w) { warnings_.push_back(w); });
    }
    options.loaded = [info](const ModelRef&, const ModelLoadInfo& i) { *info = i; };
    std::unique_ptr<LearnedSource> source = MakeModelLoader(options)(ref, domain_file_);
    std::vector<uint64_t> rows(200);
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = i * 3;
    std::vector<BatchColumn> out;
    source->SampleRows(rows, 11, out);
    std::string text;
    for (size_t i = 0; i < rows.size(); ++i) {
      for (const BatchColumn& c : out) text += c.Text(i) + ",";
      text += "\n";
    }
    return text;
  }

  fs::path dir_, cache_dir_;
  std::string domain_file_;
  std::vector<std::string> warnings_;
};

TEST_F(ModelCacheTest, FirstLoadFitsAndStoresSecondReadsTheSameModel) {
  for (const char* synthesizer : {"tvae", "ctgan"}) {
    SCOPED_TRACE(synthesizer);
    fs::remove_all(cache_dir_);
    ModelLoadInfo first, second, uncached;
    const std::string fitted = Load(Ref(synthesizer), &first);
    EXPECT_EQ(first.origin, ModelOrigin::kFitted);
    EXPECT_EQ(first.synthesizer, synthesizer);
    const std::vector<fs::path> entries = Entries(cache_dir_);
    ASSERT_EQ(entries.size(), 1u);  // the entry, and no temporary file left behind
    EXPECT_EQ(first.cache_file, entries[0].string());
    EXPECT_EQ(entries[0].extension(), ".model");
    EXPECT_EQ(fs::status(cache_dir_).permissions() & fs::perms::all, fs::perms::owner_all);
    // The entry is an ordinary model file.
    EXPECT_EQ(LoadSynthesizer(entries[0].string())->Name(), synthesizer);

    const std::string read = Load(Ref(synthesizer), &second);
    EXPECT_EQ(second.origin, ModelOrigin::kCache);
    EXPECT_EQ(second.cache_file, first.cache_file);
    EXPECT_EQ(read, fitted);  // the cached model samples the same bytes

    const std::string refitted = Load(Ref(synthesizer), &uncached, /*cached=*/false);
    EXPECT_EQ(uncached.origin, ModelOrigin::kFitted);
    EXPECT_TRUE(uncached.cache_file.empty());
    EXPECT_EQ(refitted, fitted);  // and so does a fit without the cache
  }
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(ModelCacheTest, SamplingConstraintsShareTheFittedModel) {
  ModelLoadInfo info;
  Load(Ref(), &info);
  ASSERT_EQ(info.origin, ModelOrigin::kFitted);
  ModelRef constrained = Ref();
  constrained.constraints.push_back({"income > 30000", {}});
  const std::string rows = Load(constrained, &info);
  EXPECT_EQ(info.origin, ModelOrigin::kCache);
  EXPECT_EQ(Entries(cache_dir_).size(), 1u);
  std::istringstream lines(rows);
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {  // age,income,segment,
    const size_t comma = line.find(',');
    EXPECT_GT(std::stod(line.substr(comma + 1)), 30000) << line;
    ++checked;
  }
  EXPECT_EQ(checked, 200);

  ModelRef longer = Ref();
  longer.epochs = 3;
  Load(longer, &info);
  EXPECT_EQ(info.origin, ModelOrigin::kFitted);
  EXPECT_EQ(Entries(cache_dir_).size(), 2u);
}

TEST_F(ModelCacheTest, BadEntriesAreRefittedAndReplaced) {
  ModelLoadInfo info;
  const std::string rows = Load(Ref(), &info);
  const fs::path entry = info.cache_file;
  const std::string good = testing::ReadFile(entry);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x01;
  std::string renamed = good;
  renamed[16] = 'c', renamed[17] = 't', renamed[18] = 'g', renamed[19] = 'a';  // "tvae" -> "ctga": unknown
  const std::pair<const char*, std::string> bad[] = {
      {"a flipped bit", flipped},
      {"truncated", good.substr(0, good.size() - 100)},
      {"the header only", good.substr(0, 20)},
      {"empty", ""},
      {"foreign", "age,income,segment\n30,1000,a\n"},
      {"an unknown synthesizer's name", renamed},
  };
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    Spit(entry, bytes);
    EXPECT_EQ(ModelCache(cache_dir_, nullptr).Find(fs::path(entry).stem().string(), "tvae"), nullptr);
    EXPECT_EQ(Load(Ref(), &info), rows);
    EXPECT_EQ(info.origin, ModelOrigin::kFitted);
    // Replaced by the same bytes.
    EXPECT_TRUE(testing::ReadFile(entry) == good) << "the entry differs from the first one";
    EXPECT_EQ(Entries(cache_dir_).size(), 1u);
  }
  // A model of another synthesizer at the key is not this model.
  auto copula = MakeSynthesizer("copula");
  copula->Fit(ParseCsvTable(TinyCsv(), "people.csv"), FitOptions{});
  SaveSynthesizer(*copula, entry.string());
  EXPECT_EQ(Load(Ref(), &info), rows);
  EXPECT_EQ(info.origin, ModelOrigin::kFitted);
  EXPECT_TRUE(testing::ReadFile(entry) == good) << "the entry differs from the first one";
  // A directory where the entry belongs cannot be read or replaced: fitted
  // every time, with a warning, never an error.
  fs::remove(entry);
  fs::create_directory(entry);
  EXPECT_EQ(Load(Ref(), &info), rows);
  EXPECT_EQ(info.origin, ModelOrigin::kFitted);
  EXPECT_TRUE(info.cache_file.empty());
  EXPECT_EQ(warnings_.size(), 1u);
}

TEST_F(ModelCacheTest, UnwritableDirectoryWarnsOnceAndFitsAnyway) {
  Spit(dir_ / "blocker", "a file, not a directory");
  cache_dir_ = dir_ / "blocker" / "seedforge";
  ModelLoadOptions options;
  options.cache = std::make_shared<ModelCache>(cache_dir_, [this](const std::string& w) { warnings_.push_back(w); });
  std::vector<ModelLoadInfo> infos;
  options.loaded = [&](const ModelRef&, const ModelLoadInfo& i) { infos.push_back(i); };
  const ModelLoader loader = MakeModelLoader(options);
  loader(Ref(), domain_file_);
  ModelRef other = Ref();
  other.epochs = 3;
  loader(other, domain_file_);
  ASSERT_EQ(infos.size(), 2u);
  for (const ModelLoadInfo& info : infos) {
    EXPECT_EQ(info.origin, ModelOrigin::kFitted);
    EXPECT_TRUE(info.cache_file.empty());
  }
  ASSERT_EQ(warnings_.size(), 1u);  // once per cache, not once per model
  EXPECT_NE(warnings_[0].find((dir_ / "blocker").string()), std::string::npos) << warnings_[0];
  EXPECT_NE(warnings_[0].find("--no-cache"), std::string::npos) << warnings_[0];

  // No directory at all (no HOME): the same, one warning.
  warnings_.clear();
  ModelCache nowhere("", [this](const std::string& w) { warnings_.push_back(w); });
  auto model = MakeSynthesizer("copula");
  model->Fit(ParseCsvTable(TinyCsv(), "people.csv"), FitOptions{});
  EXPECT_EQ(nowhere.Find("k", "copula"), nullptr);
  EXPECT_FALSE(nowhere.Store("k", *model));
  EXPECT_FALSE(nowhere.Store("k", *model));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("HOME"), std::string::npos) << warnings_[0];
}

TEST_F(ModelCacheTest, CopulaIsFittedEveryTimeAndWritesNothing) {
  ModelLoadInfo first, second;
  const std::string rows = Load(Ref("copula"), &first);
  EXPECT_EQ(Load(Ref("copula"), &second), rows);
  EXPECT_EQ(first.origin, ModelOrigin::kFitted);
  EXPECT_EQ(second.origin, ModelOrigin::kFitted);
  EXPECT_TRUE(second.cache_file.empty());
  EXPECT_FALSE(fs::exists(cache_dir_));  // not even the directory
}

}  // namespace
}  // namespace seedforge
