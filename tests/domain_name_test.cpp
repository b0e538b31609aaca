// `--domain NAME`: a bare name is a built-in domain, a path is spelled as one
// (a '/' or a .yaml/.yml suffix); what the working directory holds never
// changes which domain a name means.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/pg_fixture.h"  // ShellQuote
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

// A valid domain that is not the built-in banking one.
constexpr const char* kLocalDomain =
    "domain: local\n"
    "entities:\n"
    "  widgets:\n"
    "    rows: 3\n"
    "    columns:\n"
    "      widget_id: {type: bigint, primary_key: true, provider: sequence}\n";

class DomainName : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-domain-name"); }
  void TearDown() override { fs::remove_all(dir_); }

  // `seedforge validate --domain ARG` run in dir_.
  int Validate(const std::string& arg, std::string* output) {
    return RunCommand("cd " + ShellQuote(dir_.string()) + " && " + SeedforgeBinary() +
                          " validate --domain " + ShellQuote(arg),
                      output);
  }

  fs::path dir_;
};

TEST_F(DomainName, AFolderNamedLikeABuiltinDoesNotShadowIt) {
  fs::create_directory(dir_ / "banking");
  std::string output;
  EXPECT_EQ(Validate("banking", &output), 0) << output;
  EXPECT_NE(output.find("domain 'banking'"), std::string::npos) << output;
  EXPECT_NE(output.find("transactions:"), std::string::npos) << output;
}

TEST_F(DomainName, AFileNamedLikeABuiltinDoesNotShadowIt) {
  std::ofstream(dir_ / "banking") << kLocalDomain;
  std::string output;
  EXPECT_EQ(Validate("banking", &output), 0) << output;
  EXPECT_NE(output.find("domain 'banking'"), std::string::npos) << output;
  EXPECT_EQ(output.find("widgets"), std::string::npos) << "the local file was used: " << output;
  // Spelled as a path, the file is used.
  EXPECT_EQ(Validate("./banking", &output), 0) << output;
  EXPECT_NE(output.find("domain 'local'"), std::string::npos) << output;
  EXPECT_NE(output.find("widgets: 3 rows"), std::string::npos) << output;
}

TEST_F(DomainName, AnUnknownNameThatIsAFileSaysToWriteDotSlash) {
  std::ofstream(dir_ / "shop") << kLocalDomain;
  std::string output;
  EXPECT_EQ(Validate("shop", &output), 2) << output;
  EXPECT_NE(output.find("unknown domain 'shop'"), std::string::npos) << output;
  EXPECT_NE(output.find("--domain ./shop"), std::string::npos) << output;
  EXPECT_EQ(Validate("./shop", &output), 0) << output;
  EXPECT_NE(output.find("widgets: 3 rows"), std::string::npos) << output;
}

TEST_F(DomainName, YamlAndYmlSuffixesArePaths) {
  std::ofstream(dir_ / "shop.yaml") << kLocalDomain;
  std::ofstream(dir_ / "shop.yml") << kLocalDomain;
  std::string output;
  for (const char* name : {"shop.yaml", "shop.yml"}) {
    EXPECT_EQ(Validate(name, &output), 0) << name << "\n" << output;
    EXPECT_NE(output.find("widgets: 3 rows"), std::string::npos) << output;
  }
  // Another suffix is a name, not a path.
  std::ofstream(dir_ / "shop.txt") << kLocalDomain;
  EXPECT_EQ(Validate("shop.txt", &output), 2) << output;
  EXPECT_NE(output.find("--domain ./shop.txt"), std::string::npos) << output;
}

TEST_F(DomainName, AMissingPathIsAUsageError) {
  std::string output;
  EXPECT_EQ(Validate("nowhere/shop.yaml", &output), 2) << output;
  EXPECT_NE(output.find("cannot read domain file 'nowhere/shop.yaml'"), std::string::npos)
      << output;
}

}  // namespace
}  // namespace seedforge
