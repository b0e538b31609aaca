// Model files (round trip, corrupt and foreign files), the CSV reader and
// type inference, and sampling determinism for every synthesizer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "learn/test_tables.h"
#include "seedforge/error.h"
#include "seedforge/synthesizer.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::SampleAll;

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Spit(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string Rows(const RowSampler& sampler, size_t n, uint64_t key) {
  std::vector<BatchColumn> out = SampleAll(sampler, n, key);
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    for (const BatchColumn& c : out) text += (c.IsNull(i) ? "NULL" : c.Text(i)) + ",";
    text += "\n";
  }
  return text;
}

std::unique_ptr<Synthesizer> Fitted(const std::string& name, const DataTable& table) {
  auto model = MakeSynthesizer(name);
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 100;
  options.threads = 1;
  options.constraints = {Constraint::Parse("closed >= opened")};
  model->Fit(table, options);
  return model;
}

class SynthFile : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("synth"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_P(SynthFile, RoundTripSamplesTheSameRows) {
  const DataTable table = testing::GroundTruthTable(400);
  auto model = Fitted(GetParam(), table);
  const std::string path = (dir_ / "m.model").string();
  SaveSynthesizer(*model, path);
  auto loaded = LoadSynthesizer(path);
  EXPECT_EQ(loaded->Name(), GetParam());
  ASSERT_EQ(loaded->constraints().size(), 1u);
  EXPECT_EQ(loaded->columns().size(), model->columns().size());
  EXPECT_EQ(Rows(*loaded->MakeSampler(), 300, 9), Rows(*model->MakeSampler(), 300, 9));
  EXPECT_EQ(loaded->SavePayload(), model->SavePayload());
}

TEST_P(SynthFile, RowsDependOnlyOnKeyAndRow) {
  const DataTable table = testing::GroundTruthTable(400);
  auto model = Fitted(GetParam(), table);
  SampleSpec spec;
  spec.constraints = {Constraint::Parse("amount > 90")};
  auto sampler = model->MakeSampler(spec);
  std::vector<BatchColumn> all = SampleAll(*sampler, 500, 77);
  // The same rows in another order and other company give the same values.
  std::vector<uint64_t> rows = {499, 0, 250, 251, 17};
  std::vector<BatchColumn> some;
  sampler->SampleRows(rows, 77, some);
  for (size_t c = 0; c < all.size(); ++c) {
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(all[c].IsNull(rows[i]), some[c].IsNull(i));
      if (!all[c].IsNull(rows[i])) {
        EXPECT_EQ(all[c].Text(rows[i]), some[c].Text(i)) << c << " " << rows[i];
      }
    }
  }
  EXPECT_EQ(Rows(*sampler, 200, 77), Rows(*model->MakeSampler(spec), 200, 77));
  EXPECT_NE(Rows(*sampler, 50, 77), Rows(*sampler, 50, 78));
}

// The bytes of a row do not depend on how rows are split into calls (the
// CLI gives each thread its own batches; the neural drawers push blocks of
// rows through matrix products): one call, or calls of sizes that cut the
// network's row blocks and tiles anywhere, give the same text. With and
// without a fixed category (CTGAN's conditional vector).
TEST_P(SynthFile, BatchSplitsGiveTheSameBytes) {
  const DataTable table = testing::GroundTruthTable(400);
  auto model = Fitted(GetParam(), table);
  for (bool conditioned : {false, true}) {
    SampleSpec spec;
    if (conditioned) spec.conditions = {Condition::Parse("segment=C")};
    auto sampler = model->MakeSampler(spec);
    const size_t n = 700;
    const std::string whole = Rows(*sampler, n, 31);
    for (size_t split : {size_t{1}, size_t{7}, size_t{95}, size_t{96}, size_t{97}, size_t{250}}) {
      std::string text;
      for (size_t first = 0; first < n; first += split) {
        std::vector<uint64_t> rows;
        for (size_t r = first; r < std::min(n, first + split); ++r) rows.push_back(r);
        std::vector<BatchColumn> out;
        sampler->SampleRows(rows, 31, out);
        for (size_t i = 0; i < rows.size(); ++i) {
          for (const BatchColumn& c : out) text += (c.IsNull(i) ? "NULL" : c.Text(i)) + ",";
          text += "\n";
        }
      }
      ASSERT_EQ(text, whole) << "split " << split << (conditioned ? " with segment=C" : "");
    }
  }
}

TEST_P(SynthFile, ConstraintsAndConditionsHoldOnEveryRow) {
  const DataTable table = testing::GroundTruthTable(400);
  auto model = Fitted(GetParam(), table);  // closed >= opened kept in the model
  SampleSpec spec;
  spec.conditions = {Condition::Parse("segment=B"), Condition::Parse("flag=true")};
  spec.constraints = {Constraint::Parse("amount >= 150"), Constraint::Parse("x < y"),
                      Constraint::Parse("bimodal > 0")};
  auto sampler = model->MakeSampler(spec);
  std::vector<BatchColumn> out = SampleAll(*sampler, 2000, 5);
  auto col = [&](const char* name) -> const BatchColumn& { return out[testing::ColumnIndex(*sampler, name)]; };
  for (size_t i = 0; i < 2000; ++i) {
    ASSERT_EQ(col("segment").texts[i], "B");
    ASSERT_EQ(col("flag").ints[i], 1);
    ASSERT_GE(col("amount").floats[i], 150);
    ASSERT_LT(col("x").floats[i], col("y").floats[i]);
    ASSERT_GT(col("bimodal").floats[i], 0);
    if (!col("closed").IsNull(i)) {
      ASSERT_GE(col("closed").ints[i], col("opened").ints[i]);
    }
  }
}

// `closed IS NOT NULL` samples from the model's rows whose closed is not
// NULL: no NULL left, and the same distribution of closed - opened as the
// unconstrained sampler's non-NULL rows. The bound is Smirnov's at
// p = 0.999 for the two samples' sizes (n free rows of 2,000 are not NULL:
// 0.07 for n = 1,250, 0.13 for n = 250, as little as 2-epoch neural models
// can leave); the two samples share their keys, which only makes them
// closer. Measured over 200 tables (GroundTruthTable seeds 2001-2200):
// copula up to 0.031, TVAE 0.045, CTGAN 0.056. Filling the NULLs with one
// fixed span instead would score at least half the NULL share, 0.18 or
// more. With one try, the fallback (the value drawn under the NULL) fills
// closed and still satisfies closed >= opened.
TEST_P(SynthFile, NotNullConstraintLeavesNoNullAndKeepsTheShape) {
  const DataTable table = testing::GroundTruthTable(400);
  auto model = Fitted(GetParam(), table);
  auto spans = [&](const SampleSpec& spec, size_t* nulls) {
    auto sampler = model->MakeSampler(spec);
    std::vector<BatchColumn> out = SampleAll(*sampler, 2000, 8);
    const BatchColumn& opened = out[testing::ColumnIndex(*sampler, "opened")];
    const BatchColumn& closed = out[testing::ColumnIndex(*sampler, "closed")];
    std::vector<double> days;
    *nulls = 0;
    for (size_t i = 0; i < 2000; ++i) {
      if (closed.IsNull(i)) {
        ++*nulls;
        continue;
      }
      EXPECT_GE(closed.ints[i], opened.ints[i]);
      days.push_back(static_cast<double>(closed.ints[i] - opened.ints[i]));
    }
    return days;
  };
  size_t nulls = 0;
  const std::vector<double> free = spans(SampleSpec{}, &nulls);
  EXPECT_GT(nulls, 200u);  // the model did learn NULLs (30% in the table; measured 555 or more)
  SampleSpec spec;
  spec.constraints = {Constraint::Parse("closed IS NOT NULL")};
  const std::vector<double> kept = spans(spec, &nulls);
  EXPECT_EQ(nulls, 0u);
  EXPECT_LT(testing::Ks(free, kept),
            testing::KsBound(free.size(), kept.size(), testing::kOneComparison));
  spec.max_tries = 1;
  spans(spec, &nulls);
  EXPECT_EQ(nulls, 0u);
  spec.conditions = {Condition::Parse("closed=")};
  try {
    model->MakeSampler(spec);
    ADD_FAILURE() << "--where closed= (NULL) with closed IS NOT NULL";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("contradicts"), std::string::npos) << e.what();
  }
}

TEST_P(SynthFile, CorruptAndForeignFilesAreInputErrorsNamingTheFile) {
  const DataTable table = testing::GroundTruthTable(200);
  auto model = Fitted(GetParam(), table);
  const std::filesystem::path good = dir_ / "good.model";
  SaveSynthesizer(*model, good.string());
  const std::string bytes = Slurp(good);
  auto expect_error = [&](const std::string& name, const std::string& content, const std::string& words) {
    const std::filesystem::path path = dir_ / name;
    Spit(path, content);
    try {
      LoadSynthesizer(path.string());
      ADD_FAILURE() << name << " loaded";
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      EXPECT_NE(message.find(words), std::string::npos) << message;
    }
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x20;
  expect_error("flipped.model", flipped, "checksum");
  expect_error("truncated.model", bytes.substr(0, bytes.size() - 100), "truncated");
  expect_error("foreign.model", "id,name\n1,Ann\n", "not a seedforge model file");
  expect_error("empty.model", "", "not a seedforge model file");
  std::string newer = bytes;
  newer[8] = 9;  // format version
  expect_error("newer.model", newer, "newer");
  std::string unknown = bytes;
  unknown[16] = 'x';  // first letter of the synthesizer name
  expect_error("unknown.model", unknown, "unknown synthesizer");
  EXPECT_THROW(LoadSynthesizer((dir_ / "missing.model").string()), InputError);
}

INSTANTIATE_TEST_SUITE_P(Synth, SynthFile, ::testing::Values("copula", "tvae", "ctgan"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(LearnCsv, ReadsQuotesNullsAndInfersTypes) {
  const std::string csv =
      "\xEF\xBB\xBFid,name,price,qty,ok,day,at,note\r\n"
      "1,\"Smith, \"\"J\"\"\",1.50,3,true,2024-01-31,2024-01-31 12:00:00,\"a\nb\"\r\n"
      "2,Ann,,4,false,2024-02-01,2024-02-01T08:30:00.25Z,\"\"\r\n"
      "3,Bob,2.25,,yes,2024-02-02,2024-02-02 00:00:00,x\r\n";
  DataTable t = ParseCsvTable(csv, "t.csv");
  ASSERT_EQ(t.rows, 3u);
  ASSERT_EQ(t.names.size(), 8u);
  EXPECT_EQ(t.types[0], DataType::kId);
  EXPECT_EQ(t.types[1], DataType::kCategorical);  // 3 distinct values are too few to be an id
  EXPECT_EQ(t.types[2], DataType::kContinuous);
  EXPECT_EQ(t.types[3], DataType::kInteger);
  EXPECT_EQ(t.types[4], DataType::kBoolean);
  EXPECT_EQ(t.types[5], DataType::kDate);
  EXPECT_EQ(t.types[6], DataType::kTimestamp);
  EXPECT_EQ(t.columns[1].texts[0], "Smith, \"J\"");
  EXPECT_TRUE(t.columns[2].IsNull(1));
  EXPECT_EQ(t.digits[2], 2);
  EXPECT_EQ(t.digits[6], 2);
  EXPECT_TRUE(t.columns[3].IsNull(2));
  EXPECT_EQ(t.columns[7].texts[0], "a\nb");
  EXPECT_FALSE(t.columns[7].IsNull(1));  // "" is the empty string, not NULL
  EXPECT_EQ(t.columns[5].ints[0], DaysFromCivil(2024, 1, 31));
  EXPECT_EQ(t.columns[6].ints[1], DaysFromCivil(2024, 2, 1) * 86'400'000'000LL + 30'600'250'000LL);
}

TEST(LearnCsv, OverridesAndErrorsNameTheFileAndLine) {
  CsvReadOptions options;
  options.types["qty"] = DataType::kCategorical;
  DataTable t = ParseCsvTable("qty,v\n1,2\n3,4\n", "t.csv", options);
  EXPECT_EQ(t.types[0], DataType::kCategorical);
  EXPECT_EQ(t.columns[0].texts[1], "3");
  options.types = {{"nope", DataType::kInteger}};
  EXPECT_THROW(ParseCsvTable("qty\n1\n", "t.csv", options), InputError);
  options.types = {{"v", DataType::kInteger}};
  try {
    ParseCsvTable("qty,v\n1,2\n3,abc\n", "t.csv", options);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:3"), std::string::npos) << e.what();
  }
  try {
    ParseCsvTable("a,b\n1,2\n3\n", "ragged.csv");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ragged.csv:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseCsvTable("a\n\"open\n", "q.csv"), InputError);
  EXPECT_THROW(ReadCsvTable("/nonexistent/x.csv"), InputError);
}

TEST(LearnCsv, ReadsTheSharedDatasets) {
  const std::filesystem::path shared = testing::SharedDataDir();
  if (shared.empty()) {
    std::fprintf(stderr, "WARNING: LearnCsv.ReadsTheSharedDatasets skipped: no shared/data above %s or the working "
                         "directory (set SEEDFORGE_SHARED_DATA)\n", testing::SourceDir().c_str());
    GTEST_SKIP() << "no shared/data folder found";
  }
  const std::filesystem::path data = shared / "penguins.csv";
  ASSERT_TRUE(std::filesystem::exists(data)) << data << " is missing from the shared datasets";
  DataTable t = ReadCsvTable(data.string());
  EXPECT_EQ(t.rows, 344u);
  EXPECT_EQ(t.types[t.Find("species")], DataType::kCategorical);
  EXPECT_EQ(t.types[t.Find("body_mass_g")], DataType::kInteger);
  EXPECT_EQ(t.types[t.Find("bill_length_mm")], DataType::kContinuous);
  EXPECT_TRUE(t.columns[t.Find("sex")].IsNull(3));
  const std::filesystem::path birds = data.parent_path() / "birdstrikes.csv";
  DataTable b = ReadCsvTable(birds.string());
  EXPECT_EQ(b.types[b.Find("Airport Name")], DataType::kCategorical);  // 50 values over 10,000 rows
  EXPECT_EQ(b.types[b.Find("Flight Date")], DataType::kDate);
}

TEST(LearnConstraint, ParsesTheOperatorsAndIsNotNull) {
  Constraint c = Constraint::Parse("closed_at >= opened_at");
  EXPECT_EQ(c.column, "closed_at");
  EXPECT_EQ(c.other, "opened_at");
  EXPECT_EQ(c.op, Constraint::Op::kGreaterEqual);
  c = Constraint::Parse("income>0");
  EXPECT_EQ(c.value, "0");
  EXPECT_EQ(c.op, Constraint::Op::kGreater);
  EXPECT_EQ(Constraint::Parse("a <= 2024-01-01").value, "2024-01-01");
  EXPECT_EQ(Constraint::Parse("a < b").op, Constraint::Op::kLess);
  EXPECT_THROW(Constraint::Parse(">= b"), UsageError);
  EXPECT_THROW(Constraint::Parse("a = b"), UsageError);
  c = Constraint::Parse("  annual income Is  NOT\tnull ");
  EXPECT_EQ(c.op, Constraint::Op::kNotNull);
  EXPECT_EQ(c.column, "annual income");
  EXPECT_THROW(Constraint::Parse("is not null"), UsageError);
  EXPECT_THROW(Constraint::Parse("a isnot null"), UsageError);
  Condition w = Condition::Parse("segment=retail=x");
  EXPECT_EQ(w.column, "segment");
  EXPECT_EQ(w.value, "retail=x");
}

}  // namespace
}  // namespace seedforge

namespace seedforge {
namespace {

TEST(LearnDomain, ModelRefLoadsFilesAndFitsSampleData) {
  const std::filesystem::path dir = testing::MakeTempDir("modelref");
  Spit(dir / "people.csv", "age,score,tier\n30,600,a\n40,650,b\n50,700,b\n60,720,c\n35,610,a\n45,690,b\n");
  const std::string domain_file = (dir / "domain.yaml").string();
  ModelRef ref;
  ref.path = "people.csv";
  ref.from_data = true;
  ref.synthesizer = "copula";
  std::unique_ptr<LearnedSource> source = LoadModelRef(ref, domain_file);
  auto columns = source->Columns();
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0], std::make_pair(std::string("age"), ValueKind::kInt));
  EXPECT_EQ(columns[2], std::make_pair(std::string("tier"), ValueKind::kText));
  std::vector<uint64_t> rows = {5, 6, 7};
  std::vector<BatchColumn> a, b;
  source->SampleRows(rows, 9, a);
  LoadModelRef(ref, domain_file)->SampleRows(rows, 9, b);  // fitting is reproducible
  for (size_t c = 0; c < 3; ++c) {
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a[c].Text(i), b[c].Text(i));
  }

  auto model = MakeSynthesizer("copula");
  model->Fit(ParseCsvTable(testing::ReadFile(dir / "people.csv"), "people.csv"), FitOptions{});
  SaveSynthesizer(*model, (dir / "people.model").string());
  ModelRef file_ref;
  file_ref.path = "people.model";
  EXPECT_EQ(LoadModelRef(file_ref, domain_file)->Columns().size(), 3u);

  file_ref.path = "missing.model";
  file_ref.where = {"domain.yaml", 7, 5};
  try {
    LoadModelRef(file_ref, domain_file);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("domain.yaml:7:5"), std::string::npos) << e.what();
  }
  ref.synthesizer = "nope";
  EXPECT_THROW(LoadModelRef(ref, domain_file), InputError);
  std::filesystem::remove_all(dir);
}

// `epochs:` and `batch_size:` of a domain's model reach the training: other
// values, another model (the default 300 epochs would make both alike).
TEST(LearnDomain, EpochsAndBatchSizeReachTheFit) {
  ModelRef ref;
  ref.path = "banking/customers.csv";
  ref.from_data = true;
  ref.synthesizer = "tvae";
  auto rows_of = [&](int epochs, int batch_size) {
    ref.epochs = epochs;
    ref.batch_size = batch_size;
    std::vector<uint64_t> rows = {0, 1, 2, 3, 4, 5, 6, 7};
    std::vector<BatchColumn> out;
    LoadModelRef(ref, "domains/banking.yaml")->SampleRows(rows, 3, out);
    std::string text;
    for (const BatchColumn& c : out) {
      for (size_t i = 0; i < rows.size(); ++i) text += c.Text(i) + ",";
    }
    return text;
  };
  const std::string base = rows_of(1, 100);
  EXPECT_EQ(rows_of(1, 100), base);
  EXPECT_NE(rows_of(2, 100), base);
  EXPECT_NE(rows_of(1, 200), base);
}

TEST(LearnDomain, BuiltInDomainsReachTheEmbeddedSeeds) {
  ModelRef ref;
  ref.path = "../seeds/banking/customers.csv";  // as written in domains/banking.yaml
  ref.from_data = true;
  std::unique_ptr<LearnedSource> source = LoadModelRef(ref, "domains/banking.yaml");
  std::vector<std::string> names;
  for (const auto& [name, kind] : source->Columns()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"age", "credit_score", "annual_income", "segment"}));
  ref.path = "banking/accounts.csv";  // a name under seeds/ works too
  EXPECT_EQ(LoadModelRef(ref, "domains/banking.yaml")->Columns().size(), 4u);
}

}  // namespace
}  // namespace seedforge
