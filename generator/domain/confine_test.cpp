// DomainLoadOptions::confine_files_to: a domain from an untrusted source
// names files only inside its folder (seedforge serve's uploads).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "seedforge/synthesizer.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;

std::string DomainWithModel(const std::string& path) {
  return "domain: confined\nentities:\n  people:\n    rows: 3\n    model: {from: " + path +
         "}\n    columns:\n      age: {type: integer, learned: true}\n";
}

TEST(ConfinedDomain, PathStaysInside) {
  const fs::path root = testing::MakeTempDir("confine");
  fs::create_directories(root / "sub");
  fs::create_symlink("/etc", root / "out");
  std::string why;
  EXPECT_TRUE(PathStaysInside("data.csv", root.string(), &why)) << why;
  EXPECT_TRUE(PathStaysInside("sub/data.csv", root.string(), &why)) << why;
  EXPECT_TRUE(PathStaysInside("./sub/./data.csv", root.string(), &why)) << why;
  for (const std::string path : {"/etc/passwd", "../x.csv", "sub/../../x.csv", "out/passwd", "", ".."}) {
    why.clear();
    EXPECT_FALSE(PathStaysInside(path, root.string(), &why)) << path;
    EXPECT_FALSE(why.empty()) << path;
  }
  fs::remove_all(root);
}

TEST(ConfinedDomain, ParseRefusesPathsOutsideAtTheirLine) {
  const fs::path root = testing::MakeTempDir("confine_parse");
  for (const std::string path : {"/etc/passwd", "../../x.csv"}) {
    try {
      ParseDomain(DomainWithModel(path), (root / "up.yaml").string(), BuiltinRegistry(),
                  {.confine_files_to = root.string()});
      ADD_FAILURE() << path << " was accepted";
    } catch (const InputError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
      EXPECT_EQ(e.diagnostics()[0].where.line, 5) << e.what();
      EXPECT_NE(e.diagnostics()[0].message.find(path), std::string::npos) << e.what();
    }
  }
  // Unconfined (the CLI), the same text parses: the path is looked for later.
  EXPECT_NO_THROW(ParseDomain(DomainWithModel("/etc/passwd"), (root / "up.yaml").string(), BuiltinRegistry()));
  fs::remove_all(root);
}

TEST(ConfinedDomain, TheModelLoaderReadsOnlyInsideTheFolder) {
  const fs::path root = testing::MakeTempDir("confine_load");
  {
    std::ofstream(root / "ages.csv") << "age\n31\n45\n27\n52\n38\n41\n29\n60\n";
  }
  const Domain inside = ParseDomain(DomainWithModel("ages.csv"), (root / "up.yaml").string(), BuiltinRegistry(),
                                    {.confine_files_to = root.string()});
  GenerateOptions options;
  options.model_loader = MakeModelLoader({});
  EXPECT_NO_THROW(Generator(inside, BuiltinRegistry(), options));
  // A built-in sample file the unconfined loader would find is not read.
  Domain builtin = ParseDomain(DomainWithModel("banking/customers.csv"), (root / "up.yaml").string(),
                               BuiltinRegistry(), {.confine_files_to = root.string()});
  EXPECT_THROW(Generator(builtin, BuiltinRegistry(), options), InputError);
  // A symlink made after parsing is caught when the file is read.
  fs::create_symlink("/etc/passwd", root / "late.csv");
  Domain late = inside;
  late.entities[0].model->path = "late.csv";
  EXPECT_THROW(Generator(late, BuiltinRegistry(), options), InputError);
  fs::remove_all(root);
}

}  // namespace
}  // namespace seedforge
