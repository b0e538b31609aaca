// End-to-end tests of `seedforge privacy epsilon|noise`: the published
// Opacus figures through the binary, JSON output, and clear refusals of
// arguments out of range.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "test_util.h"

namespace seedforge {
namespace {

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

}  // namespace
}  // namespace seedforge
