// End-to-end tests of `seedforge privacy epsilon|noise`: the published
// Opacus figures through the binary, JSON output, and clear refusals of
// arguments out of range.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;

std::string RunPrivacy(const std::string& args, int* status) {
  std::string output;
  *status = RunCommand(SeedforgeBinary() + " privacy " + args, &output);
  return output;
}

double JsonNumber(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\":([-0-9.eE+]+)"))) {
    ADD_FAILURE() << key << " not in " << json;
    return 0;
  }
  return std::stod(m[1]);
}

TEST(PrivacyCli, EpsilonMatchesOpacus) {
  int status = 0;
  // Opacus tests/accountants_test.py::test_rdp_accountant.
  std::string out = RunPrivacy("epsilon --sample-rate 0.04 --noise-multiplier 1.5 --steps 2250 --delta 1e-5 --json", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NEAR(JsonNumber(out, "epsilon"), 7.32911117143, 5e-8) << out;
  EXPECT_DOUBLE_EQ(JsonNumber(out, "order"), 3.9);
  EXPECT_EQ(JsonNumber(out, "steps"), 2250);
  EXPECT_NE(out.find("\"accountant\":\"rdp\""), std::string::npos) << out;

  out = RunPrivacy("epsilon --sample-rate 0.04 --noise-multiplier 1.5 --steps 2250 --delta 1e-5", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("epsilon 7.32911 at delta 1e-05"), std::string::npos) << out;
}

TEST(PrivacyCli, NoiseMatchesOpacusAndDoesNotOverspend) {
  int status = 0;
  // Opacus test_get_noise_multiplier_rdp_epochs: 1.416 for 90 epochs.
  std::string out = RunPrivacy("noise --epsilon 8 --delta 1e-5 --sample-rate 0.04 --epochs 90 --json", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NEAR(JsonNumber(out, "noise_multiplier"), 1.416, 5e-5) << out;
  EXPECT_EQ(JsonNumber(out, "steps"), 2250);
  const double spent = JsonNumber(out, "epsilon");
  EXPECT_LE(spent, 8.0);
  EXPECT_GT(spent, 8.0 - 0.01);
  // ... and test_get_noise_multiplier_rdp_steps: 1.3562 for 2000 steps.
  out = RunPrivacy("noise --epsilon 8 --delta 1e-5 --sample-rate 0.04 --steps 2000", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("noise multiplier 1.3562"), std::string::npos) << out;
  // The multiplier printed, fed back, spends what was printed.
  out = RunPrivacy("noise --epsilon 2 --delta 1e-6 --sample-rate 0.01 --steps 5000 --json", &status);
  ASSERT_EQ(status, 0) << out;
  const double sigma = JsonNumber(out, "noise_multiplier");
  std::string back = RunPrivacy("epsilon --sample-rate 0.01 --steps 5000 --delta 1e-6 --json --noise-multiplier " +
                             std::to_string(sigma),
                         &status);
  ASSERT_EQ(status, 0) << back;
  EXPECT_LE(JsonNumber(back, "epsilon"), 2.0);
  EXPECT_NEAR(JsonNumber(back, "epsilon"), JsonNumber(out, "epsilon"), 1e-4);
}

TEST(PrivacyCli, RefusesOutOfRangeArguments) {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"epsilon --sample-rate 1.5 --noise-multiplier 1 --steps 10 --delta 1e-5", "--sample-rate must be in (0, 1]"},
      {"epsilon --sample-rate 0 --noise-multiplier 1 --steps 10 --delta 1e-5", "--sample-rate must be in (0, 1]"},
      {"epsilon --sample-rate 0.1 --noise-multiplier 0 --steps 10 --delta 1e-5", "--noise-multiplier must be > 0"},
      {"epsilon --sample-rate 0.1 --noise-multiplier 1 --steps 0 --delta 1e-5", "--steps must be at least 1"},
      {"epsilon --sample-rate 0.1 --noise-multiplier 1 --steps 10 --delta 1", "--delta must be in (0, 1)"},
      {"epsilon --sample-rate 0.1 --noise-multiplier 1 --steps 10", "--delta is required"},
      {"noise --epsilon 1 --delta 1e-5 --sample-rate 0.01", "needs --steps or --epochs"},
      {"noise --epsilon 1 --delta 1e-5 --sample-rate 0.01 --steps 10 --epochs 2", "excludes"},
      {"noise --epsilon -1 --delta 1e-5 --sample-rate 0.01 --steps 10", "--epsilon must be > 0"},
      {"noise --epsilon 1 --delta 1e-5 --sample-rate 0.01 --epochs 0", "--epochs must be > 0"},
      {"noise --epsilon 0.05 --delta 1e-5 --sample-rate 0.01 --steps 100", "privacy budget too low"},
      {"", "A subcommand is required"},
  };
  for (const Case& c : cases) {
    int status = 0;
    const std::string out = RunPrivacy(c.args, &status);
    EXPECT_EQ(status, 2) << c.args << "\n" << out;
    EXPECT_NE(out.find(c.message), std::string::npos) << c.args << "\n" << out;
  }
}

TEST(PrivacyCli, WarnsWhenTheBestOrderIsAtTheEdge) {
  int status = 0;
  // Heavy noise over few steps: the best order is the largest, 63.
  const std::string out = RunPrivacy("epsilon --sample-rate 0.001 --noise-multiplier 4 --steps 1000 --delta 1e-5", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("best RDP order is 63, the largest"), std::string::npos) << out;
}


// learn --dp: the safety checks before training, the public bounds from
// the command line and from a domain, and the record after it.
class LearnDpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("seedforge-dp");
    std::ofstream csv(dir_ / "people.csv");
    csv << "age,income,city,joined\n";
    for (int i = 0; i < 2000; ++i) {
      csv << 18 + (i * 37) % 73 << "," << 20000 + (i * 7919) % 60000 << "," << (i % 3 == 0 ? "Paris" : "Lyon")
          << ",2021-" << (1 + i % 12 < 10 ? "0" : "") << 1 + i % 12 << "-15\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Learn(const std::string& args, int* status) {
    std::string output;
    *status = RunCommand(SeedforgeBinary() + " learn --from " + (dir_ / "people.csv").string() + " --out " +
                             (dir_ / "m.model").string() + " " + args,
                         &output);
    return output;
  }
  static constexpr const char* kPublic =
      "--public-bounds age=18:90 --public-bounds income=0:100000 --public-bounds joined=2021-01-01:2021-12-31 "
      "--public-categories city=Paris,Lyon,Nice";
  fs::path dir_;
};

TEST_F(LearnDpTest, RefusesOutOfRangeBudgetsAndDataDerivedBounds) {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"--dp", "--dp needs a budget"},
      {"--dp --epsilon 0.001", "outside [0.01, 100]"},
      {"--dp --epsilon 101", "outside [0.01, 100]"},
      {"--epsilon 1", "need --dp"},
      {"--dp --epsilon 1 --delta 0.5", "--delta must be in (0, 0.01)"},
      {"--dp --epsilon 1 --bounds-budget 1", "--bounds-budget is a share"},
      {"--dp --epsilon 1", "none for: age (bounds), income (bounds), city (categories), joined (bounds)"},
      {"--dp --epsilon 1 --public-bounds age=18:90", "none for: income (bounds)"},
      {"--dp --epsilon 1 --public-bounds age=90:18 --bounds-budget 0.1", "need MIN below MAX"},
      {"--dp --epsilon 1 --public-bounds nosuch=1:2 --bounds-budget 0.1", "'nosuch' is no column"},
      {"--dp --epsilon 1 --public-bounds age=1 --bounds-budget 0.1", "expects COL=MIN:MAX"},
      {"--dp --epsilon 1 --public-categories age=1,2 --bounds-budget 0.1", "not categorical"},
      {"--dp --epsilon 1 --public-bounds joined=yesterday:2021-12-31 --bounds-budget 0.1", "not a value of date"},
  };
  for (const Case& c : cases) {
    int status = 0;
    const std::string out = Learn(c.args, &status);
    EXPECT_EQ(status, 2) << c.args << "\n" << out;
    EXPECT_NE(out.find(c.message), std::string::npos) << c.args << "\n" << out;
    EXPECT_FALSE(fs::exists(dir_ / "m.model")) << c.args;
  }
  // A folder is refused: learning a database copies columns.
  int status = 0;
  std::string output;
  status = RunCommand(SeedforgeBinary() + " learn --dp --epsilon 1 --from " + dir_.string() + " --out " +
                          (dir_ / "out").string(),
                      &output);
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("a folder or database is not supported"), std::string::npos) << output;
}

TEST_F(LearnDpTest, LearnsWithPublicBoundsAndRecordsTheBudget) {
  int status = 0;
  std::string out = Learn(std::string("--dp --epsilon 20 --delta 1e-6 ") + kPublic, &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("warning: epsilon 20 is above 10"), std::string::npos) << out;
  EXPECT_NE(out.find("differentially private (noisy-copula, rdp accountant"), std::string::npos) << out;
  EXPECT_NE(out.find("age: bounds [18, 90] (--public-bounds)"), std::string::npos) << out;
  EXPECT_NE(out.find("joined: bounds [2021-01-01, 2021-12-31] (--public-bounds)"), std::string::npos) << out;
  ASSERT_TRUE(fs::exists(dir_ / "m.model"));

  // Sampled rows stay inside the public bounds and lists.
  const fs::path sample = dir_ / "s.csv";
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " sample -q --model " + (dir_ / "m.model").string() +
                           " --rows 2000 --out " + sample.string(),
                       &out),
            0)
      << out;
  std::ifstream in(sample);
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, std::regex(R"((\d*),([\d.]*),(Paris|Lyon|Nice|),(2021-\d\d-\d\d|))")))
        << line;
    if (m[1].length()) {
      EXPECT_GE(std::stoi(m[1]), 18);
      EXPECT_LE(std::stoi(m[1]), 90);
    }
    if (m[2].length()) EXPECT_LE(std::stod(m[2]), 100000);
  }
  EXPECT_EQ(rows, 2000);

  // The model card shows the budget, the accounting and what was public.
  const fs::path card = dir_ / "card.md";
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " report -q --real " + (dir_ / "people.csv").string() + " --synthetic " +
                           sample.string() + " --model " + (dir_ / "m.model").string() + " --model-card " +
                           card.string(),
                       &out),
            0)
      << out;
  const std::string text = ReadFile(card);
  for (const char* expected : {"Trained with differential privacy: ε = ", "δ = 1e-06", "| mechanism | noisy-copula |",
                               "| accountant | RDP (Opacus's orders and conversion) |", "| target ε | 20 |",
                               "| sampling rate q | 1 |", "| noise multiplier σ |", "| steps | 1 |",
                               "- city: 3 categories (--public-categories)"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

TEST_F(LearnDpTest, TakesPublicBoundsFromADomain) {
  std::ofstream(dir_ / "people.yaml") << R"(domain: people
entities:
  people:
    columns:
      age: {type: integer, provider: integer, params: {min: 18, max: 90}}
      income: {type: integer, provider: integer, params: {min: 0, max: 100000}}
      city: {type: text, provider: category, params: {values: [Paris, Lyon, Nice]}}
      joined: {type: date, provider: date, params: {from: 2021-01-01, to: 2021-12-31}}
)";
  int status = 0;
  std::string out = Learn("--dp --epsilon 2 --domain " + (dir_ / "people.yaml").string(), &status);
  ASSERT_EQ(status, 0) << out;
  const std::string source = "(domain " + (dir_ / "people.yaml").string() + ")";
  EXPECT_NE(out.find("age: bounds [18, 90] " + source), std::string::npos) << out;
  EXPECT_NE(out.find("city: 3 categories " + source), std::string::npos) << out;
  EXPECT_NE(out.find("joined: bounds [2021-01-01, 2021-12-31] " + source), std::string::npos) << out;
  // The command line overrides the domain.
  out = Learn("--dp --epsilon 2 --public-bounds age=0:120 --domain " + (dir_ / "people.yaml").string(), &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("age: bounds [0, 120] (--public-bounds)"), std::string::npos) << out;
}

}  // namespace
}  // namespace seedforge
