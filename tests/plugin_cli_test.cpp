// The plugin options of the command line: --plugin and SEEDFORGE_PLUGIN_PATH
// on list, generate, validate and codegen, with the example pack built in-tree
// (tests/support/vat_numbers.h) and the bad plugins of tests/plugin/.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "seedforge/csv.h"
#include "support/vat_numbers.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::BadPlugin;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::SourceDir;
using testing::ValidVat;
using testing::VatPlugin;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Column `name` of a CSV file, NULL as nullopt.
std::vector<std::optional<std::string>> CsvColumn(const fs::path& file, const std::string& name) {
  auto reader = CsvReader::Open(file.string());
  const auto& header = reader->header();
  const size_t index = std::find(header.begin(), header.end(), name) - header.begin();
  EXPECT_LT(index, header.size()) << name;
  std::vector<std::optional<std::string>> values;
  while (reader->Next()) {
    const auto& field = reader->fields()[index];
    values.push_back(field ? std::optional<std::string>(std::string(*field)) : std::nullopt);
  }
  return values;
}

TEST(PluginCli, ListShowsThePackAndTheFile) {
  std::string output;
  ASSERT_EQ(RunCommand(Quote(SeedforgeBinary()) + " list providers --plugin " + Quote(VatPlugin()), &output), 0) << output;
  EXPECT_NE(output.find("eu_vat  (eu_vat, plugin " + VatPlugin() + ")  EU VAT number"), std::string::npos) << output;
  EXPECT_NE(output.find("person  (person)"), std::string::npos) << output;
}

// codegen reads the domain with the same providers as generate: without the
// pack the plugin's columns are unknown, with it the code is written.
TEST(PluginCli, CodegenReadsADomainOfPluginProviders) {
  const fs::path dir = MakeTempDir("plugin_codegen");
  const std::string base = Quote(SeedforgeBinary()) + " codegen -q --lang python --domain " +
                           Quote((SourceDir() / "examples/plugin/suppliers.yaml").string()) + " --out " +
                           Quote((dir / "gen").string());
  std::string output;
  EXPECT_EQ(RunCommand(base, &output), 2) << output;
  EXPECT_NE(output.find("unknown provider 'eu_vat'"), std::string::npos) << output;
  ASSERT_EQ(RunCommand(base + " --plugin " + Quote(VatPlugin()), &output), 0) << output;
  EXPECT_NE(ReadFile(dir / "gen" / "suppliers_fixtures.py").find("vat"), std::string::npos);
  fs::remove_all(dir);
}

TEST(PluginCli, GeneratesTheExampleDomainTheSameAtAnyThreadCountAndFromThePath) {
  const fs::path dir = MakeTempDir("plugin_cli");
  const std::string domain = Quote((SourceDir() / "examples/plugin/suppliers.yaml").string());
  const std::string base = Quote(SeedforgeBinary()) + " generate -q --domain " + domain + " --rows suppliers=20000";
  std::string output;
  ASSERT_EQ(RunCommand(base + " --plugin " + Quote(VatPlugin()) + " --threads 1 --out " + Quote((dir / "one").string()),
                       &output),
            0)
      << output;
  // SEEDFORGE_PLUGIN_PATH naming a directory with the pack in it.
  fs::create_directory(dir / "packs");
  fs::copy_file(VatPlugin(), dir / "packs/eu_vat.so");
  ASSERT_EQ(RunCommand("SEEDFORGE_PLUGIN_PATH=" + Quote((dir / "packs").string()) + " " + base +
                           " --threads 4 --out " + Quote((dir / "four").string()),
                       &output),
            0)
      << output;
  for (const char* file : {"suppliers.csv", "buyers.csv"}) {
    EXPECT_EQ(ReadFile(dir / "one" / file), ReadFile(dir / "four" / file)) << file;
  }
  const auto vat = CsvColumn(dir / "one/suppliers.csv", "vat");
  const auto country = CsvColumn(dir / "one/suppliers.csv", "country");
  ASSERT_EQ(vat.size(), 20000u);
  std::string why;
  size_t nulls = 0;
  for (size_t i = 0; i < vat.size(); ++i) {
    if (*country[i] == "AT") {
      EXPECT_FALSE(vat[i]) << "row " << i;
      ++nulls;
      continue;
    }
    ASSERT_TRUE(vat[i]) << "row " << i;
    ASSERT_EQ(vat[i]->substr(0, 2), *country[i]);
    ASSERT_TRUE(ValidVat(*vat[i], &why)) << *vat[i] << ": " << why;
  }
  EXPECT_GT(nulls, 0u);
  const auto buyers = CsvColumn(dir / "one/buyers.csv", "vat");
  const auto buyer_country = CsvColumn(dir / "one/buyers.csv", "vat_country");
  std::set<std::string> distinct;
  for (size_t i = 0; i < buyers.size(); ++i) {
    ASSERT_TRUE(ValidVat(*buyers[i], &why)) << *buyers[i] << ": " << why;
    ASSERT_EQ(buyers[i]->substr(0, 2), *buyer_country[i]);
    distinct.insert(*buyers[i]);
  }
  EXPECT_EQ(distinct.size(), 200u);
  fs::remove_all(dir);
}

TEST(PluginCli, RefusalsExitTwoNamingTheFileAndWriteNothing) {
  const fs::path dir = MakeTempDir("plugin_refused");
  const std::string domain = Quote((SourceDir() / "examples/plugin/suppliers.yaml").string());
  for (const char* variant : {"abi_v2", "no_symbol", "dup_builtin"}) {
    std::string output;
    EXPECT_EQ(RunCommand(Quote(SeedforgeBinary()) + " generate --domain " + domain + " --plugin " +
                             Quote(BadPlugin(variant)) + " --out " + Quote((dir / "out").string()),
                         &output),
              2)
        << output;
    EXPECT_NE(output.find("seedforge: plugin " + BadPlugin(variant) + ": "), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(dir / "out")) << variant;
  }
  std::string output;
  EXPECT_EQ(RunCommand("SEEDFORGE_PLUGIN_PATH=" + Quote((dir / "nowhere").string()) + " " + Quote(SeedforgeBinary()) +
                           " list providers",
                       &output),
            2);
  EXPECT_NE(output.find("SEEDFORGE_PLUGIN_PATH: " + (dir / "nowhere").string() + ": no such file or directory"),
            std::string::npos)
      << output;
  fs::remove_all(dir);
}

TEST(PluginCli, ABadParameterPointsAtTheDomainFile) {
  const fs::path dir = MakeTempDir("plugin_param");
  std::ofstream(dir / "bad.yaml") << "domain: bad\nentities:\n  firms:\n    rows: 5\n    columns:\n"
                                     "      vat: {type: text, provider: eu_vat, params: {countries: [DE, XX]}}\n";
  std::string output;
  EXPECT_EQ(RunCommand(Quote(SeedforgeBinary()) + " validate --plugin " + Quote(VatPlugin()) + " --domain " +
                           Quote((dir / "bad.yaml").string()),
                       &output),
            2)
      << output;
  EXPECT_NE(output.find((dir / "bad.yaml").string() + ":6:"), std::string::npos) << output;
  EXPECT_NE(output.find(": provider 'eu_vat': parameter 'countries': unknown country 'XX'"), std::string::npos)
      << output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
