// The plugin host: loading, refusals, and the C view of a fill, with the
// example pack (examples/plugin/eu_vat.c) and the bad plugins of
// tests/plugin/bad_plugin.c, built in-tree into SEEDFORGE_TEST_PLUGIN_DIR.
// The command line's side is tests/plugin_cli_test.cpp; the out-of-tree build
// of the pack against an installed header is the ctest PluginExampleOutOfTree.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "seedforge/csv.h"
#include "seedforge/error.h"
#include "seedforge/plugin_host.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"
#include "support/vat_numbers.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::MakeParams;
using testing::MakeTempDir;

using testing::BadPlugin;
using testing::kManyComparisons;
using testing::ShareBound;
using testing::ValidVat;
using testing::VatPlugin;

// The message of the UsageError that loading `file` into a registry of the
// built-ins (plus `first`, when given) throws; "" when it loads.
std::string RefusalOf(const std::string& file, const std::string& first = "") {
  ProviderRegistry registry = BuiltinRegistry();
  if (!first.empty()) LoadPlugin(first, registry);
  const size_t before = registry.All().size();
  try {
    LoadPlugin(file, registry);
  } catch (const UsageError& e) {
    EXPECT_EQ(registry.All().size(), before) << "a refused plugin added providers";
    return e.what();
  }
  return "";
}

TEST(PluginCheckDigits, ValidatorsAcceptPublishedNumbersAndRejectAltered) {
  // Published examples: DE136695976 (BZSt sample), FR40303265045 (SIREN
  // 303265045), IT00743110157, NL004495445B01, BE0403170701.
  std::string why;
  for (const char* vat : {"DE136695976", "FR40303265045", "IT00743110157", "NL004495445B01", "BE0403170701"}) {
    EXPECT_TRUE(ValidVat(vat, &why)) << vat << ": " << why;
  }
  for (const char* vat : {"DE136695977", "FR41303265045", "IT00743110158", "NL004495446B01", "BE0403170702"}) {
    EXPECT_FALSE(ValidVat(vat, &why)) << vat;
  }
}

// ---- Loading and refusals

TEST(PluginHost, LoadsTheExampleWithItsPackAndFile) {
  ProviderRegistry registry = BuiltinRegistry();
  EXPECT_EQ(LoadPlugin(VatPlugin(), registry), std::vector<std::string>{"eu_vat"});
  const ProviderSpec* spec = registry.Find("eu_vat");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->pack, "eu_vat");
  EXPECT_EQ(spec->origin, VatPlugin());
  ASSERT_EQ(spec->fields.size(), 2u);
  EXPECT_EQ(spec->fields[0].name, "number");
  EXPECT_EQ(spec->fields[0].kind, ValueKind::kText);
  EXPECT_EQ(spec->fields[0].max_length, 14);
  ASSERT_NE(spec->FindParam("country_from"), nullptr);
  EXPECT_TRUE(spec->FindParam("country_from")->is_column);
  EXPECT_EQ(BuiltinRegistry().Find("eu_vat"), nullptr);  // the shared built-ins stay as they are
}

TEST(PluginHost, RefusesAnotherAbiVersionNamingTheFile) {
  const std::string message = RefusalOf(BadPlugin("abi_v2"));
  EXPECT_NE(message.find(BadPlugin("abi_v2")), std::string::npos) << message;
  EXPECT_NE(message.find("plugin ABI version 2, but this seedforge loads version 1"), std::string::npos) << message;
}

TEST(PluginHost, RefusesALibraryWithoutTheEntrySymbol) {
  const std::string message = RefusalOf(BadPlugin("no_symbol"));
  EXPECT_NE(message.find(BadPlugin("no_symbol")), std::string::npos) << message;
  EXPECT_NE(message.find("no symbol 'seedforge_plugin'"), std::string::npos) << message;
}

TEST(PluginHost, RefusesAProviderNameTakenByABuiltInOrAnotherPlugin) {
  std::string message = RefusalOf(BadPlugin("dup_builtin"));
  EXPECT_NE(message.find(BadPlugin("dup_builtin")), std::string::npos) << message;
  EXPECT_NE(message.find("provider 'person' is already defined by the built-in pack 'person'"), std::string::npos)
      << message;
  message = RefusalOf(BadPlugin("dup_vat"), VatPlugin());
  EXPECT_NE(message.find("plugin " + BadPlugin("dup_vat") + ": provider 'eu_vat' is already defined by pack 'eu_vat' of " +
                         VatPlugin()),
            std::string::npos)
      << message;
}

TEST(PluginHost, RefusesAMalformedDescriptor) {
  const std::string message = RefusalOf(BadPlugin("bad_kind"));
  EXPECT_NE(message.find("malformed descriptor: provider 'plugin_probe': field 'value' has an unknown kind 42"),
            std::string::npos)
      << message;
}

TEST(PluginHost, RefusesWhatIsNoLibrary) {
  const fs::path dir = MakeTempDir("plugin_not_so");
  std::ofstream(dir / "fake.so") << "not an ELF file";
  const std::string message = RefusalOf((dir / "fake.so").string());
  EXPECT_NE(message.find((dir / "fake.so").string() + ": cannot be loaded"), std::string::npos) << message;
  fs::remove_all(dir);
}

TEST(PluginHost, PathListsAndDirectories) {
  EXPECT_EQ(SplitPluginPath(":a.so::/x/dir:"), (std::vector<std::string>{"a.so", "/x/dir"}));
  const fs::path dir = MakeTempDir("plugin_dir");
  fs::copy_file(VatPlugin(), dir / "b.so");
  fs::copy_file(BadPlugin("good"), dir / "a.so");
  std::ofstream(dir / "README") << "not a plugin";
  EXPECT_EQ(PluginFiles({dir.string()}, "SEEDFORGE_PLUGIN_PATH"),
            (std::vector<std::string>{(dir / "a.so").string(), (dir / "b.so").string()}));
  try {
    PluginFiles({(dir / "missing.so").string()}, "--plugin");
    ADD_FAILURE() << "a missing plugin was accepted";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "--plugin: " + (dir / "missing.so").string() + ": no such file or directory");
  }
  // The same library named twice (a directory and a file) loads once.
  ProviderRegistry registry = BuiltinRegistry();
  std::vector<std::string> files = PluginFiles({dir.string()}, "x");
  files.push_back(VatPlugin());
  files.push_back((dir / "b.so").string());
  EXPECT_THROW(LoadPlugins(files, registry), UsageError);  // dir/b.so and VatPlugin() are two files, one name
  ProviderRegistry again = BuiltinRegistry();
  LoadPlugins({(dir / "b.so").string(), (dir / ".." / dir.filename() / "b.so").string()}, again);
  EXPECT_NE(again.Find("eu_vat"), nullptr);
  fs::remove_all(dir);
}

// ---- Providers through the C view

std::vector<BatchColumn> Fill(const ProviderSpec& spec, const Provider& provider, const std::vector<uint64_t>& rows,
                              const std::vector<const BatchColumn*>& inputs, std::vector<bool> unique = {}) {
  std::vector<BatchColumn> out(spec.fields.size());
  std::vector<BatchColumn*> outputs;
  for (size_t f = 0; f < out.size(); ++f) {
    out[f].kind = spec.fields[f].kind;
    out[f].Resize(rows.size());
    outputs.push_back(&out[f]);
  }
  unique.resize(spec.fields.size(), false);
  std::unique_ptr<bool[]> flags(new bool[unique.size()]);
  std::copy(unique.begin(), unique.end(), flags.get());
  FillArgs args;
  args.rows = rows;
  args.key = 1234;
  args.inputs = inputs;
  args.outputs = outputs;
  args.unique = std::span<const bool>(flags.get(), unique.size());
  provider.Fill(args);
  return out;
}

TEST(PluginProvider, EveryNumberHasValidCheckDigitsAndItsCountry) {
  ProviderRegistry registry = BuiltinRegistry();
  LoadPlugin(VatPlugin(), registry);
  const ProviderSpec& spec = *registry.Find("eu_vat");
  auto provider = spec.make(MakeParams({}), {});
  std::vector<uint64_t> rows(20000);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const std::vector<BatchColumn> out = Fill(spec, *provider, rows, {nullptr});
  std::map<std::string, int> countries;
  std::string why;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_FALSE(out[0].IsNull(i));
    ASSERT_TRUE(ValidVat(out[0].texts[i], &why)) << out[0].texts[i] << ": " << why;
    ASSERT_EQ(out[0].texts[i].substr(0, 2), out[1].texts[i]);
    ++countries[out[1].texts[i]];
  }
  // Five countries drawn uniformly: each share 0.2 within the binomial bound
  // (about 0.0139 at 1e-6 for each of five comparisons); a provider that
  // ignored the stream's draw for the country would give one country 1.0.
  ASSERT_EQ(countries.size(), 5u);
  const double bound = ShareBound(0.2, rows.size(), kManyComparisons);
  for (const auto& [country, count] : countries) EXPECT_NEAR(count / 20000.0, 0.2, bound) << country;
}

TEST(PluginProvider, ValuesArePureFunctionsOfTheRow) {
  ProviderRegistry registry = BuiltinRegistry();
  LoadPlugin(VatPlugin(), registry);
  const ProviderSpec& spec = *registry.Find("eu_vat");
  auto provider = spec.make(MakeParams({{"countries", "DE,NL"}}), {});
  std::vector<uint64_t> all(3000);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<BatchColumn> whole = Fill(spec, *provider, all, {nullptr});
  // The same rows one at a time, backwards: the same values.
  for (uint64_t row = all.size(); row-- > 0;) {
    if (row % 7 != 0) continue;
    const std::vector<BatchColumn> one = Fill(spec, *provider, {row}, {nullptr});
    ASSERT_EQ(one[0].texts[0], whole[0].texts[row]) << row;
  }
}

TEST(PluginProvider, InputColumnsAndNulls) {
  ProviderRegistry registry = BuiltinRegistry();
  LoadPlugin(VatPlugin(), registry);
  const ProviderSpec& spec = *registry.Find("eu_vat");
  auto provider = spec.make(MakeParams({{"country_from", "country"}}), {});
  BatchColumn country;
  country.kind = ValueKind::kText;
  country.texts = {"FR", "AT", "it", "BE", "NL", ""};
  country.SetNull(5);
  const std::vector<BatchColumn> out = Fill(spec, *provider, {0, 1, 2, 3, 4, 5}, {&country});
  std::string why;
  EXPECT_EQ(out[1].texts[0], "FR");
  EXPECT_TRUE(out[0].IsNull(1));  // Austria: no rule in the pack
  EXPECT_EQ(out[1].texts[2], "IT");
  EXPECT_EQ(out[1].texts[3], "BE");
  EXPECT_EQ(out[1].texts[4], "NL");
  EXPECT_TRUE(out[0].IsNull(5));
  for (size_t i : {0, 2, 3, 4}) EXPECT_TRUE(ValidVat(out[0].texts[i], &why)) << out[0].texts[i];
  EXPECT_FALSE(provider->UniqueSpace(0));  // the row's country decides: no permutation
}

TEST(PluginProvider, UniqueNumbersThroughTheHostPermutation) {
  ProviderRegistry registry = BuiltinRegistry();
  LoadPlugin(VatPlugin(), registry);
  const ProviderSpec& spec = *registry.Find("eu_vat");
  auto provider = spec.make(MakeParams({{"countries", "BE"}}), {});
  ASSERT_EQ(provider->UniqueSpace(0), std::optional<uint64_t>(20000000));
  EXPECT_FALSE(spec.make(MakeParams({{"countries", "BE,NL"}}), {})->UniqueSpace(0));
  std::vector<uint64_t> rows(50000);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const std::vector<BatchColumn> out = Fill(spec, *provider, rows, {nullptr}, {true, false});
  // Drawn without the permutation, 50,000 of 2e7 values would collide ~62
  // times (n^2 / 2N); with it, never.
  std::set<std::string> seen(out[0].texts.begin(), out[0].texts.end());
  EXPECT_EQ(seen.size(), rows.size());
}

TEST(PluginProvider, BadParametersAreInputErrorsAtTheParameter) {
  ProviderRegistry registry = BuiltinRegistry();
  LoadPlugin(VatPlugin(), registry);
  Params params({{"countries", [] {
                    ParamValue v;
                    v.scalar = "DE,XX";
                    v.where = {"shop.yaml", 12, 40};
                    return v;
                  }()}},
                {"shop.yaml", 12, 5});
  try {
    registry.Find("eu_vat")->make(params, {});
    ADD_FAILURE() << "unknown country accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("shop.yaml:12:40: parameter 'countries': unknown country 'XX'"), 0u) << e.what();
  }
}

TEST(PluginProvider, TextThatIsNotUtf8StopsTheFill) {
  ProviderRegistry registry = BuiltinRegistry();
  LoadPlugin(BadPlugin("bad_utf8"), registry);
  const ProviderSpec& spec = *registry.Find("plugin_probe");
  auto provider = spec.make(MakeParams({}), {});
  try {
    Fill(spec, *provider, {7, 8}, {});
    ADD_FAILURE() << "invalid UTF-8 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "plugin provider 'plugin_probe' (" + BadPlugin("bad_utf8") +
                                         "): field 'value', row 7: invalid UTF-8");
  }
}

}  // namespace
}  // namespace seedforge
