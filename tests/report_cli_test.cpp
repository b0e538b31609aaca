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

// The audit finds identifiers from the real values, as `seedforge profile`
// does: SSNs under the neutral header "ref" are item G of Safe Harbor. A
// synthetic file that is the real one is reported as copying them; SSNs the
// ssn provider made (another seed) as replacing them, and with --domain as
// made by that provider. No SSN reaches the terminal or a file.
TEST_F(ReportCli, AuditFindsSsnsByTheirValues) {
  std::ofstream(dir_ / "people.yaml") << R"(domain: people
entities:
  people:
    rows: 80
    columns:
      ref: {type: text, provider: ssn}
      segment: {type: text, provider: category, params: {values: [a, b, c]}}
)";
  int status = 0;
  for (const char* seed : {"5", "6"}) {
    std::string out = Run("generate -q --format csv --seed " + std::string(seed) + " --domain " +
                              Path("people.yaml") + " --out " + Path(std::string("g") + seed),
                          &status);
    ASSERT_EQ(status, 0) << out;
  }
  const std::string real = Path("g5/people.csv"), made = Path("g6/people.csv");
  std::vector<std::string> ssns;
  {
    std::istringstream in(ReadFile(real));
    std::string line;
    std::getline(in, line);
    ASSERT_EQ(line, "ref,segment");
    while (std::getline(in, line)) ssns.push_back(line.substr(0, line.find(',')));
    ASSERT_EQ(ssns.size(), 80u);
  }
  auto audit = [&](const std::string& synthetic, const std::string& extra) {
    std::string out = Run("report --real " + real + " --synthetic " + synthetic + extra + " --json " +
                              Path("r.json") + " --out " + Path("r.html") + " --model-card " + Path("r.md"),
                          &status);
    EXPECT_EQ(status, 0) << out;
    for (const std::string& text :
         {out, ReadFile(dir_ / "r.json"), ReadFile(dir_ / "r.html"), ReadFile(dir_ / "r.md")}) {
      for (const std::string& ssn : ssns) EXPECT_EQ(text.find(ssn), std::string::npos) << ssn;
    }
    nlohmann::json j = nlohmann::json::parse(ReadFile(dir_ / "r.json"));
    nlohmann::json ref, g;
    for (const auto& c : j["audit"]["identifiers"]) {
      if (c["column"] == "ref") ref = c;
    }
    for (const auto& item : j["audit"]["safe_harbor"]) {
      if (item["item"] == "G") g = item;
    }
    return std::make_pair(ref, g);
  };

  auto [ref, g] = audit(real, "");
  ASSERT_FALSE(ref.is_null());
  EXPECT_EQ(ref["pii_kind"], "ssn");
  EXPECT_EQ(ref["handling"], "copied");
  EXPECT_NE(ref["evidence"].get<std::string>().find("values: ssn"), std::string::npos) << ref;
  EXPECT_EQ(g["status"], "present");

  std::tie(ref, g) = audit(made, "");
  ASSERT_FALSE(ref.is_null());
  EXPECT_EQ(ref["pii_kind"], "ssn");
  EXPECT_EQ(ref["handling"], "replaced");
  EXPECT_EQ(g["status"], "replaced");

  std::tie(ref, g) = audit(made, " --domain " + Path("people.yaml"));
  ASSERT_FALSE(ref.is_null());
  EXPECT_EQ(ref["handling"], "provider");
  const std::string evidence = ref["evidence"].get<std::string>();
  EXPECT_NE(evidence.find("domain: provider ssn"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("values: ssn"), std::string::npos) << evidence;
  EXPECT_EQ(g["status"], "replaced");
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
