// End-to-end tests of `seedforge report`'s privacy and audit options through
// the binary: --quasi-identifiers/--sensitive (attribute inference), --model
// (the privacy budget read from a model file) and their errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::SourceDir;

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-report-cli"); }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Run(const std::string& args, int* status) {
    std::string output;
    *status = RunCommand(SeedforgeBinary() + " " + args, &output);
    return output;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// A copula learned from the banking customers, its sample, and the report
// with the model: the audit says the model carries no DP budget. Then the
// real table against itself: every customer's quasi-identifiers (age,
// credit score, income to the cent) find their own row, so the segment is
// guessed right for all of them.
TEST_F(ReportCli, AttributeInferenceAndModelBudget) {
  // The customers without their key, which the sample does not make.
  {
    std::istringstream in(ReadFile(SourceDir() / "seeds/banking/customers.csv"));
    std::ofstream out(dir_ / "real.csv");
    for (std::string line; std::getline(in, line);) out << line.substr(line.find(',') + 1) << "\n";
  }
  const std::string real = Path("real.csv");
  int status = 0;
  std::string out =
      Run("learn -q --from " + real + " --model copula --out " + Path("m.model"), &status);
  ASSERT_EQ(status, 0) << out;
  out = Run("sample -q --model " + Path("m.model") + " --rows 500 --seed 3 --out " + Path("s.csv"),
            &status);
  ASSERT_EQ(status, 0) << out;

  out = Run("report -q --real " + real + " --synthetic " + Path("s.csv") + " --model " +
                Path("m.model") +
                " --quasi-identifiers age,credit_score --sensitive segment --json " +
                Path("r.json") + " --out " + Path("r.html"),
            &status);
  ASSERT_EQ(status, 0) << out;
  nlohmann::json j = nlohmann::json::parse(ReadFile(dir_ / "r.json"));
  const auto& ai = j["privacy"][0]["attribute_inference"];
  EXPECT_EQ(ai["sensitive"], "segment");
  EXPECT_TRUE(ai["accuracy"].is_number());
  EXPECT_TRUE(ai["baseline"].is_number());
  EXPECT_TRUE(ai["holdout_accuracy"].is_null());  // no --holdout
  const auto& budget = j["audit"]["dp_budget"];
  ASSERT_EQ(budget.size(), 1u);
  EXPECT_EQ(budget[0]["model"], Path("m.model"));
  EXPECT_TRUE(budget[0]["mechanism"].is_null());
  EXPECT_FALSE(j["audit"]["differentially_private"].get<bool>());
  EXPECT_EQ(j["audit"]["safe_harbor"].size(), 18u);
  const std::string html = ReadFile(dir_ / "r.html");
  EXPECT_NE(html.find("<section id=\"audit\">"), std::string::npos);
  EXPECT_NE(html.find("no differential privacy"), std::string::npos);

  out = Run("report -q --real " + real + " --synthetic " + real +
                " --quasi-identifiers age,credit_score,annual_income --sensitive segment --json " +
                Path("c.json"),
            &status);
  ASSERT_EQ(status, 0) << out;
  j = nlohmann::json::parse(ReadFile(dir_ / "c.json"));
  EXPECT_EQ(j["privacy"][0]["attribute_inference"]["accuracy"].get<double>(), 1.0);
  EXPECT_EQ(j["privacy"][0]["attribute_inference"]["exact_match_share"].get<double>(), 1.0);
  EXPECT_TRUE(j["audit"]["dp_budget"].is_null());  // no --model
}

TEST_F(ReportCli, BadPrivacyOptionsAreUsageErrors) {
  const std::string real = (SourceDir() / "seeds/banking/customers.csv").string();
  const std::string base =
      "report -q --real " + real + " --synthetic " + real + " --json " + Path("r.json");
  int status = 0;
  std::string out = Run(base + " --quasi-identifiers age,segment --sensitive segment", &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("--sensitive segment is also a quasi-identifier"), std::string::npos) << out;
  out = Run(base + " --sensitive segment", &status);
  EXPECT_EQ(status, 2) << out;
  out = Run(base + " --model " + Path("missing.model"), &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("missing.model"), std::string::npos) << out;
  out = Run(base + " --model-info epsilon=lots", &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_FALSE(fs::exists(dir_ / "r.json"));
}

}  // namespace
}  // namespace seedforge
