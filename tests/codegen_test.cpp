// seedforge codegen, end to end: fixtures from `seedforge generate`, code from
// `seedforge codegen`, compiled with g++ or run with /usr/bin/python3, and the
// generated test glue run against a throwaway PostgreSQL server. The
// complete GoogleTest and pytest tests of docs/codegen.md are the ones run
// here (read from the document), so the documentation cannot drift.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "seedforge/codegen.h"
#include "seedforge/domain.h"
#include "seedforge/registry.h"
#include "support/pg_fixture.h"
#include "support/codegen_outputs.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;
using testing::SourceDir;

const char* const kDomains[] = {"banking", "employee"};

// "ENTITY COUNT" lines of a fixture directory, in the manifest's order
// (parents first), the counts taken from the JSON Lines files: one line per row.
std::string ExpectedCounts(const fs::path& jsonl_dir, const std::string& domain) {
  const nlohmann::json manifest = nlohmann::json::parse(ReadFile(jsonl_dir / (domain + ".manifest.json")));
  std::string out;
  for (const auto& entity : manifest["entities"]) {
    const std::string name = entity["name"].get<std::string>();
    const std::string text = ReadFile(jsonl_dir / (name + ".jsonl"));
    out += name + " " + std::to_string(std::count(text.begin(), text.end(), '\n')) + "\n";
  }
  return out;
}

// Per domain: csv/ and jsonl/ fixtures, cpp/ and python/ code with examples,
// made once for the suite (about a second). ctest runs each test in its own
// process, so the C++ binaries are built only by the tests that run them
// (at -O0: these tests check behaviour, bench/codegen_loader.sh speed).
class Codegen : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    dir_ = testing::MakeTempDir("seedforge-codegen");
    std::string commands;
    for (const std::string domain : kDomains) {
      const fs::path d = dir_ / domain;
      const std::string run = SeedforgeBinary() + " generate -q --domain " + domain + " --seed 5 --as-of 2026-01-01";
      commands += run + " --out " + ShellQuote((d / "csv").string()) + " && ";
      commands += run + " --format jsonl --out " + ShellQuote((d / "jsonl").string()) + " && ";
      for (const char* lang : {"cpp", "python"}) {
        commands += SeedforgeBinary() + " codegen -q --domain " + domain + " --lang " + lang + " --example --out " +
                    ShellQuote((d / lang).string()) + " && ";
      }
    }
    std::string output;
    if (RunCommand(commands + "true", &output) != 0) error_ = "generate/codegen failed: " + output;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 protected:
  void SetUp() override { ASSERT_TRUE(error_.empty()) << error_; }

  // Runs `command`; returns its output; expects exit status `status`.
  static std::string Run(const std::string& command, int status = 0) {
    std::string output;
    EXPECT_EQ(RunCommand(command, &output), status) << command << "\n" << output;
    return output;
  }

  // Builds `domain`'s C++ example with its run_example.sh (the script's
  // build step, run on no fixtures); returns the binary.
  static fs::path CppExample(const std::string& domain) {
    const fs::path cpp = dir_ / domain / "cpp";
    if (!fs::exists(cpp / "example")) {
      std::string output;
      RunCommand("CXXFLAGS=-O0 " + ShellQuote((cpp / "run_example.sh").string()) + " /nonexistent", &output);
      EXPECT_TRUE(fs::exists(cpp / "example")) << output;
    }
    return cpp / "example";
  }

  static std::string RunCppExample(const std::string& domain, const fs::path& fixtures, const std::string& format,
                                   int status = 0) {
    return Run(ShellQuote(CppExample(domain).string()) + " " + ShellQuote(fixtures.string()) + " " + format, status);
  }

  static fs::path dir_;
  static std::string error_;
};

fs::path Codegen::dir_;
std::string Codegen::error_;

TEST_F(Codegen, CppExamplePrintsEveryEntitysRowCount) {
  for (const std::string domain : kDomains) {
    const fs::path d = dir_ / domain;
    const std::string expected = ExpectedCounts(d / "jsonl", domain);
    ASSERT_GE(std::count(expected.begin(), expected.end(), '\n'), domain == "banking" ? 6 : 1) << expected;
    CppExample(domain);  // run_example.sh builds only when the source is newer
    EXPECT_EQ(Run(ShellQuote((d / "cpp/run_example.sh").string()) + " " + ShellQuote((d / "csv").string())), expected);
    EXPECT_EQ(Run(ShellQuote((d / "cpp/run_example.sh").string()) + " " + ShellQuote((d / "jsonl").string()) + " jsonl"),
              expected);
  }
}

TEST_F(Codegen, PythonExamplePrintsEveryEntitysRowCount) {
  for (const std::string domain : kDomains) {
    const fs::path d = dir_ / domain;
    const std::string expected = ExpectedCounts(d / "jsonl", domain);
    EXPECT_EQ(Run(ShellQuote((d / "python/run_example.sh").string()) + " " + ShellQuote((d / "csv").string())),
              expected);
    EXPECT_EQ(
        Run(ShellQuote((d / "python/run_example.sh").string()) + " " + ShellQuote((d / "jsonl").string()) + " jsonl"),
        expected);
  }
}

TEST_F(Codegen, CppLoadersAgreeNavigateAndFindByKey) {
  const fs::path d = dir_ / "banking";
  std::string output;
  ASSERT_EQ(RunCommand("g++ -std=c++20 -O0 -Wall -Wextra -Werror -I " + ShellQuote((d / "cpp").string()) + " -o " +
                           ShellQuote((d / "cpp/check").string()) + " " +
                           ShellQuote((SourceDir() / "tests/codegen/banking_check.cpp").string()),
                       &output),
            0)
      << output;
  output = Run(ShellQuote((d / "cpp/check").string()) + " " + ShellQuote((d / "csv").string()) +
                                 " " + ShellQuote((d / "jsonl").string()));
  EXPECT_NE(output.find("ok\n"), std::string::npos) << output;
}

TEST_F(Codegen, PythonLoadersAgreeNavigateAndFindByKey) {
  const fs::path d = dir_ / "banking";
  const std::string output =
      Run("/usr/bin/python3 " + ShellQuote((SourceDir() / "tests/codegen/banking_check.py").string()) + " " +
          ShellQuote((d / "python").string()) + " " + ShellQuote((d / "csv").string()) + " " +
          ShellQuote((d / "jsonl").string()));
  EXPECT_EQ(output, "ok\n");
}

// Every type family (tests/codegen/types.yaml) loads alike from CSV and
// JSON Lines, in both languages, with composite keys and a self-reference.
TEST_F(Codegen, EveryTypeLoadsAlikeFromCsvAndJsonLines) {
  const fs::path d = dir_ / "types";
  const std::string domain = ShellQuote((SourceDir() / "tests/codegen/types.yaml").string());
  Run(SeedforgeBinary() + " generate -q --seed 3 --domain " + domain + " --out " + ShellQuote((d / "csv").string()) +
      " && " + SeedforgeBinary() + " generate -q --seed 3 --format jsonl --domain " + domain + " --out " +
      ShellQuote((d / "jsonl").string()) + " && " + SeedforgeBinary() + " codegen -q --lang python --domain " + domain +
      " --out " + ShellQuote((d / "python").string()) + " && " + SeedforgeBinary() +
      " codegen -q --lang cpp --domain " + domain + " --out " + ShellQuote((d / "cpp").string()));
  EXPECT_EQ(Run("/usr/bin/python3 " + ShellQuote((SourceDir() / "tests/codegen/types_check.py").string()) + " " +
                ShellQuote((d / "python").string()) + " " + ShellQuote((d / "csv").string()) + " " +
                ShellQuote((d / "jsonl").string())),
            "ok\n");
  Run("g++ -std=c++20 -O0 -Wall -Wextra -Werror -I " + ShellQuote((d / "cpp").string()) + " -o " +
      ShellQuote((d / "check").string()) + " " + ShellQuote((SourceDir() / "tests/codegen/types_check.cpp").string()));
  EXPECT_EQ(Run(ShellQuote((d / "check").string()) + " " + ShellQuote((d / "csv").string()) + " " +
                ShellQuote((d / "jsonl").string())),
            "ok\n");
}

// Replaces line `line` (1-based) of `file`.
void ReplaceLine(const fs::path& file, int line, const std::string& text) {
  std::istringstream in(ReadFile(file));
  std::string out, l;
  for (int n = 1; std::getline(in, l); ++n) out += (n == line ? text : l) + "\n";
  std::ofstream(file, std::ios::binary) << out;
}

TEST_F(Codegen, AMalformedRowIsReportedWithFileLineAndColumn) {
  const fs::path d = dir_ / "banking";
  const fs::path bad_csv = dir_ / "bad_csv", bad_jsonl = dir_ / "bad_jsonl";
  fs::copy(d / "csv", bad_csv);
  fs::copy(d / "jsonl", bad_jsonl);
  // Line 5 of accounts.csv: a customer_id that is no integer.
  std::istringstream in(ReadFile(bad_csv / "accounts.csv"));
  std::string line;
  for (int n = 0; n < 5; ++n) std::getline(in, line);
  const size_t comma = line.find(',');
  ReplaceLine(bad_csv / "accounts.csv", 5,
              line.substr(0, comma) + ",x12" + line.substr(line.find(',', comma + 1)));
  // Line 7 of campaigns.jsonl: not JSON.
  ReplaceLine(bad_jsonl / "campaigns.jsonl", 7, "{\"campaign_id\": 7,");

  const std::string where = (bad_csv / "accounts.csv").string() + ":5: column customer_id: ";
  std::string output = RunCppExample("banking", bad_csv, "csv", 1);
  EXPECT_NE(output.find(where + "'x12' is not an integer"), std::string::npos) << output;
  output = Run(ShellQuote((d / "python/run_example.sh").string()) + " " + ShellQuote(bad_csv.string()), 1);
  EXPECT_NE(output.find(where + "'x12' is not an integer"), std::string::npos) << output;

  const std::string jsonl_where = (bad_jsonl / "campaigns.jsonl").string() + ":7: ";
  output = RunCppExample("banking", bad_jsonl, "jsonl", 1);
  EXPECT_NE(output.find(jsonl_where + "not a JSON value"), std::string::npos) << output;
  output = Run(ShellQuote((d / "python/run_example.sh").string()) + " " + ShellQuote(bad_jsonl.string()) + " jsonl", 1);
  EXPECT_NE(output.find(jsonl_where + "not JSON"), std::string::npos) << output;
}

TEST_F(Codegen, FixturesOfAnotherSchemaAreRefused) {
  // The employee domain with one column's type changed: same entities,
  // same file names, another schema.
  std::string domain = ReadFile(SourceDir() / "domains/employee.yaml");
  const std::string from = "blood_group:    {type: varchar(3)";
  ASSERT_NE(domain.find(from), std::string::npos);
  domain.replace(domain.find(from), from.size(), "blood_group:    {type: varchar(4)");
  const fs::path changed = dir_ / "employee_changed.yaml";
  std::ofstream(changed) << domain;
  const fs::path fixtures = dir_ / "changed_fixtures";
  Run(SeedforgeBinary() + " generate -q --seed 5 --domain " + ShellQuote(changed.string()) + " --out " +
      ShellQuote(fixtures.string()));

  const fs::path d = dir_ / "employee";
  const std::string stale = "stale fixtures or stale code";
  std::string output = RunCppExample("employee", fixtures, "csv", 1);
  EXPECT_NE(output.find((fixtures / "employee.manifest.json").string() + ": the fixtures are of schema"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find(stale), std::string::npos) << output;
  output = Run(ShellQuote((d / "python/run_example.sh").string()) + " " + ShellQuote(fixtures.string()), 1);
  EXPECT_NE(output.find(stale), std::string::npos) << output;

  // Row counts and seeds are not part of the schema: other fixtures of the
  // same domain load.
  const fs::path bigger = dir_ / "bigger";
  Run(SeedforgeBinary() + " generate -q --seed 9 --rows employees=1234 --domain employee --out " +
      ShellQuote(bigger.string()));
  EXPECT_EQ(RunCppExample("employee", bigger, "csv"), "employees 1234\n");

  // No manifest: not fixtures of seedforge generate.
  fs::remove(bigger / "employee.manifest.json");
  output = RunCppExample("employee", bigger, "csv", 1);
  EXPECT_NE(output.find("employee.manifest.json: missing"), std::string::npos) << output;
}

// Named rows reach the code through CodegenOptions::labels (the CLI fills
// them from the domain's scenarios: banking's alice, checked by the
// *LoadersAgree* tests): each label is its row, by position; a label that
// is a keyword is escaped.
TEST_F(Codegen, NamedRowsAreExposedByLabel) {
  const Domain domain = LoadDomain("banking", BuiltinRegistry());
  CodegenOptions options;
  options.labels = {{"customers", {{"alice", 3}, {"class", 0}}}};
  options.language = "python";
  options.out_dir = dir_ / "labels_python";
  GenerateCode(domain, options);
  const std::string script = "import sys; sys.path.insert(0, sys.argv[1]); import banking_fixtures as m; "
                             "fx = m.load_csv(sys.argv[2]); "
                             "assert fx.customers.alice is fx.customers[3]; "
                             "assert fx.customers.class_ is fx.customers[0]; "
                             "assert fx.customers.alice.accounts()[0].customer() is fx.customers.alice; print('ok')";
  EXPECT_EQ(Run("/usr/bin/python3 -c " + ShellQuote(script) + " " + ShellQuote(options.out_dir.string()) + " " +
                ShellQuote((dir_ / "banking" / "csv").string())),
            "ok\n");

  options.language = "cpp";
  options.out_dir = dir_ / "labels_cpp";
  GenerateCode(domain, options);
  const std::string header = ReadFile(options.out_dir / "banking_fixtures.h");
  EXPECT_NE(header.find("CustomerRef alice() const { return at(3); }"), std::string::npos);
  EXPECT_NE(header.find("CustomerRef class_() const { return at(0); }"), std::string::npos);
  // A domain without scenarios, no label members.
  EXPECT_EQ(ReadFile(dir_ / "employee" / "cpp" / "employee_fixtures.h").find("() const { return at("),
            std::string::npos);
}

TEST_F(Codegen, ABrokenTemplateWritesNothing) {
  const fs::path templates = dir_ / "templates";
  fs::create_directories(templates / "codegen/cpp");
  std::ofstream(templates / "codegen/cpp/gtest.h.mustache") << "{{#entities}} never closed\n";
  const fs::path out = dir_ / "never";
  const std::string output = Run(SeedforgeBinary() + " codegen --domain banking --lang cpp --templates " +
                                     ShellQuote(templates.string()) + " --out " + ShellQuote(out.string()),
                                 2);
  EXPECT_NE(output.find("codegen/cpp/gtest.h.mustache"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Codegen, AnUnknownLanguageIsAUsageError) {
  const std::string output = Run(SeedforgeBinary() + " codegen --domain banking --lang cobol --out " +
                                     ShellQuote((dir_ / "cobol").string()),
                                 2);
  EXPECT_NE(output.find("cobol"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir_ / "cobol"));
}

// The GoogleTest glue and the pytest conftest against a real server: the
// tests of docs/codegen.md load the fixtures, compare rows with the
// database, and prove that a test's insert is rolled back before the next.
class CodegenPostgres : public testing::PostgresSuite {
 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    dir_ = testing::MakeTempDir("seedforge-codegen-pg");
    std::string output;
    ASSERT_EQ(RunCommand(SeedforgeBinary() + " generate -q --domain banking --seed 5 --scale 0.2 --out " +
                             ShellQuote((dir_ / "fixtures").string()),
                         &output),
              0)
        << output;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Env(const std::string& database) {
    return "SEEDFORGE_TEST_DATABASE_URL=" + ShellQuote(CreateDatabase(database)) +
           " SEEDFORGE_FIXTURE_DIR=" + ShellQuote((dir_ / "fixtures").string()) + " ";
  }

  fs::path dir_;
};

TEST_F(CodegenPostgres, GoogleTestEnvironmentLoadsAndEachTestRollsBack) {
  const fs::path gen = dir_ / "cpp";
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " codegen -q --domain banking --lang cpp --out " + ShellQuote(gen.string()),
                       &output),
            0)
      << output;
  const std::string test = testing::DocumentedBlock("banking_db_test.cpp");
  ASSERT_FALSE(test.empty()) << "docs/codegen.md lacks its GoogleTest test";
  std::ofstream(gen / "banking_db_test.cpp") << test;
  ASSERT_EQ(RunCommand("g++ -std=c++20 -O1 -Wall -Wextra -o " + ShellQuote((gen / "db_test").string()) + " " +
                           ShellQuote((gen / "banking_db_test.cpp").string()) + " -I " + ShellQuote(gen.string()) +
                           " $(pkg-config --cflags --libs libpqxx libpq) -lgtest -lpthread",
                       &output),
            0)
      << output;
  EXPECT_EQ(RunCommand(Env("codegen_cpp") + ShellQuote((gen / "db_test").string()), &output), 0) << output;
  EXPECT_NE(output.find("[  PASSED  ] 4 tests."), std::string::npos) << output;
}

TEST_F(CodegenPostgres, PytestConftestLoadsAndEachTestRollsBack) {
  const fs::path gen = dir_ / "python";
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " codegen -q --domain banking --lang python --out " +
                           ShellQuote(gen.string()),
                       &output),
            0)
      << output;
  const std::string test = testing::DocumentedBlock("test_banking_db.py");
  ASSERT_FALSE(test.empty()) << "docs/codegen.md lacks its pytest test";
  std::ofstream(gen / "test_banking_db.py") << test;
  EXPECT_EQ(RunCommand(Env("codegen_python") + "/usr/bin/python3 -m pytest -q -p no:cacheprovider " +
                           ShellQuote(gen.string()),
                       &output),
            0)
      << output;
  EXPECT_NE(output.find("4 passed"), std::string::npos) << output;
}

// The conftest replaces the tables of its own earlier load (a second session
// on the same database passes) but never a table it did not make: a user's
// `customers` stops the load with an error naming it, and keeps its row.
TEST_F(CodegenPostgres, ConftestReplacesItsOwnTablesAndLeavesTheUsersAlone) {
  const fs::path gen = dir_ / "python";
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " codegen -q --domain banking --lang python --out " +
                           ShellQuote(gen.string()),
                       &output),
            0)
      << output;
  std::ofstream(gen / "test_loaded.py") << "def test_loaded(banking_database, banking_rows, db):\n"
                                           "    with db.cursor() as cur:\n"
                                           "        cur.execute('SELECT count(*) FROM customers')\n"
                                           "        assert cur.fetchone()[0] == len(banking_rows.customers)\n";
  const std::string pytest = "/usr/bin/python3 -m pytest -q -p no:cacheprovider " + ShellQuote(gen.string());
  const std::string env = Env("codegen_reload");
  EXPECT_EQ(RunCommand(env + pytest, &output), 0) << output;
  EXPECT_EQ(RunCommand(env + pytest, &output), 0) << "the second load must replace the first one's tables\n"
                                                  << output;

  const std::string users = CreateDatabase("codegen_users_table");
  std::ofstream(dir_ / "users.sql") << "CREATE TABLE customers (note text);\n"
                                       "INSERT INTO customers VALUES ('keep me');\n";
  ASSERT_EQ(Psql(users, dir_ / "users.sql", &output), 0) << output;
  EXPECT_NE(RunCommand("SEEDFORGE_TEST_DATABASE_URL=" + ShellQuote(users) + " SEEDFORGE_FIXTURE_DIR=" +
                           ShellQuote((dir_ / "fixtures").string()) + " " + pytest,
                       &output),
            0)
      << output;
  EXPECT_NE(output.find("table customers exists and was not made by a load of these fixtures"), std::string::npos)
      << output;
  std::ofstream(dir_ / "check.sql") << "SELECT 'rows=' || count(*) || ':' || string_agg(note, ',') FROM customers;\n";
  ASSERT_EQ(Psql(users, dir_ / "check.sql", &output), 0) << output;
  EXPECT_NE(output.find("rows=1:keep me"), std::string::npos) << output;
}

// A domain without links (no foreign keys to add) and with an identity
// column: the conftest loads it, and an insert that leaves the id to the
// database gets one past the loaded rows.
TEST_F(CodegenPostgres, ConftestLoadsADomainWithoutLinksAndResetsIdentities) {
  const std::string domain = testing::TypesDomainWithIdentity();
  ASSERT_FALSE(domain.empty()) << "tests/codegen/types.yaml lost the items.id line this test changes";
  std::ofstream(dir_ / "types.yaml") << domain;
  const fs::path gen = dir_ / "python";
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " generate -q --domain " + ShellQuote((dir_ / "types.yaml").string()) +
                           " --out " + ShellQuote((dir_ / "types").string()) + " && " + SeedforgeBinary() +
                           " generate -q --domain employee --rows employees=300 --out " +
                           ShellQuote((dir_ / "employee").string()) + " && " + SeedforgeBinary() +
                           " codegen -q --domain " + ShellQuote((dir_ / "types.yaml").string()) +
                           " --lang python --out " + ShellQuote((gen / "types").string()) + " && " +
                           SeedforgeBinary() + " codegen -q --domain employee --lang python --out " +
                           ShellQuote((gen / "employee").string()),
                       &output),
            0)
      << output;
  std::ofstream(gen / "types" / "test_identity.py")
      << "def test_identity(types_database, db):\n"
         "    with db.cursor() as cur:\n"
         "        cur.execute(\"INSERT INTO groups (region, number) VALUES ('zz', 1)\")\n"
         "        cur.execute(\"INSERT INTO items (region, number, small, score, price, seen_at, uid) \"\n"
         "                    \"VALUES ('zz', 1, 1, 1, 1, now(), gen_random_uuid()) RETURNING id\")\n"
         "        assert cur.fetchone()[0] == 201\n";
  std::ofstream(gen / "employee" / "test_count.py")
      << "def test_count(employee_database, employee_rows, db):\n"
         "    with db.cursor() as cur:\n"
         "        cur.execute('SELECT count(*) FROM employees')\n"
         "        assert cur.fetchone()[0] == len(employee_rows.employees) == 300\n";
  for (const std::string name : {"types", "employee"}) {
    EXPECT_EQ(RunCommand("SEEDFORGE_TEST_DATABASE_URL=" + ShellQuote(CreateDatabase("codegen_" + name)) +
                             " SEEDFORGE_FIXTURE_DIR=" + ShellQuote((dir_ / name).string()) +
                             " /usr/bin/python3 -m pytest -q -p no:cacheprovider " + ShellQuote((gen / name).string()),
                         &output),
              0)
        << output;
    EXPECT_NE(output.find("1 passed"), std::string::npos) << output;
  }
}

}  // namespace
}  // namespace seedforge
