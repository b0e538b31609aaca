// End to end: `seedforge codegen --lang typescript --example` for the banking
// domain type-checks with tsc (strict), and the compiled example prints the
// row count of every entity's fixture file, from CSV and from JSON Lines;
// the records carry exact values and link both ways; a malformed row is
// refused with file:line, fixtures of another schema by their hash; and the
// Vitest helper loads the fixtures into a real PostgreSQL server inside a
// transaction that every test and the suite roll back.
//
// tsc, vitest and pg come from scripts/install-node-tools.sh (npm, into the
// git-ignored .cache/node-tools). The tests skip only when node or npm is not
// installed at all.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <pqxx/pqxx>

#include "seedforge/codegen.h"
#include "seedforge/domain.h"
#include "seedforge/registry.h"
#include "support/codegen_outputs.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::BankingFixtures;
using testing::CsvRowCounts;
using testing::FindOnPath;
using testing::MakeTempDir;
using testing::ParseCountLines;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;
using testing::SourceDir;

// What every test of the file shares, made once: the node tools, the
// generated code (with node_modules linked in) compiled by tsc.
struct TypeScriptOutput {
  std::string skip;   // why the tests skip (node or npm absent)
  std::string error;  // why they fail
  fs::path code;      // the generated code, compiled into code/build
  fs::path tools;     // .cache/node-tools
};

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// A program compiled with the example: checks the records against the CSV
// text and the links both ways, then prints "ok".
const char* kCheckProgram = R"ts(
import { loadFixtures, SCHEMA_HASH } from "./banking";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

const fx = loadFixtures(process.argv[2]);
check(/^[0-9a-f]{16}$/.test(SCHEMA_HASH), "schema hash");
const account = fx.accounts[0];
// bigint ids, exact decimals, dates at midnight UTC, nullable as null.
check(typeof account.accountId === "bigint" && account.accountId === 100001n, "accountId is the bigint 100001n");
check(account.openingBalance === process.argv[3], `openingBalance ${account.openingBalance} is the CSV text ${process.argv[3]}`);
check(account.openedOn instanceof Date && account.openedOn.toISOString().slice(0, 10) === process.argv[4], "openedOn");
check(account.openedOn.getUTCHours() === 0, "a date is midnight UTC");
check(fx.accounts.some((a) => a.closedOn === null), "some account has closedOn null");
check(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(fx.customers[0].createdAt), "createdAt is ISO 8601");
// Links: child to parent and back, by identity, for every row.
for (const a of fx.accounts) {
  const c = a.customer();
  check(c.customerId === a.customerId, "account.customer() has the account's customer_id");
  check(c.accounts().includes(a), "customer.accounts() holds the account");
}
let linked = 0;
for (const c of fx.customers) linked += c.accounts().length;
check(linked === fx.accounts.length, "every account is under exactly one customer");
let withCampaign = 0;
for (const t of fx.transactions) {
  const campaign = t.campaign();
  if (t.campaignId === null) check(campaign === null, "a NULL campaign_id has no campaign");
  else {
    withCampaign++;
    check(campaign !== null && campaign.campaignId === t.campaignId, "transaction.campaign()");
  }
}
check(withCampaign > 0, "some transaction has a campaign");
check(fx.customers.get(fx.customers[5].customerId) === fx.customers[5], "customers.get(id)");
check(fx.customers.get(-1n) === undefined, "customers.get(missing)");
console.log("ok");
)ts";

const TypeScriptOutput& Output() {
  static const TypeScriptOutput output = [] {
    TypeScriptOutput o;
    if (FindOnPath("node").empty() || FindOnPath("npm").empty()) {
      o.skip = "node and npm are not installed (Debian: nodejs npm; CI installs them)";
      return o;
    }
    std::string text;
    const std::string install = ShellQuote((SourceDir() / "scripts/install-node-tools.sh").string()) + " --print-dir";
    if (RunCommand(install + " 2>/dev/null", &text) != 0) {
      RunCommand(install, &text);
      o.error = install + " failed:\n" + text;
      return o;
    }
    o.tools = fs::path(text.substr(0, text.find('\n')));
    o.code = MakeTempDir("seedforge-codegen-ts") / "code";
    testing::RemoveAtExit(o.code.parent_path());
    const std::string codegen = ShellQuote(SeedforgeBinary()) +
                                " codegen --domain banking --lang typescript --example --out " +
                                ShellQuote(o.code.string());
    if (RunCommand(codegen, &text) != 0) {
      o.error = codegen + " failed:\n" + text;
      return o;
    }
    fs::create_directory_symlink(o.tools / "node_modules", o.code / "node_modules");
    WriteFile(o.code / "check.ts", kCheckProgram);
    const std::string tsc = ShellQuote((o.tools / "node_modules/.bin/tsc").string()) + " -p " +
                            ShellQuote((o.code / "tsconfig.json").string());
    if (RunCommand(tsc, &text) != 0) o.error = tsc + " (strict, noUnusedLocals) failed:\n" + text;
    return o;
  }();
  return output;
}

#define REQUIRE_TYPESCRIPT()                          \
  do {                                                \
    const TypeScriptOutput& o = Output();             \
    if (!o.skip.empty()) GTEST_SKIP() << o.skip;      \
    ASSERT_TRUE(o.error.empty()) << o.error;          \
  } while (0)

std::string Node(const fs::path& script, const std::string& args) {
  return "node " + ShellQuote(script.string()) + " " + args;
}

TEST(CodegenTypeScript, ExamplePrintsEveryEntityCountFromCsvAndJsonLines) {
  REQUIRE_TYPESCRIPT();
  const fs::path csv = BankingFixtures("csv");
  const fs::path jsonl = BankingFixtures("jsonl");
  ASSERT_FALSE(csv.empty());
  ASSERT_FALSE(jsonl.empty());
  const auto expected = CsvRowCounts(csv);
  ASSERT_EQ(expected.size(), 6u);

  // run_example.sh compiles with tsc (found in node_modules) and runs node.
  std::string text;
  ASSERT_EQ(RunCommand(ShellQuote((Output().code / "run_example.sh").string()) + " " + ShellQuote(csv.string()), &text), 0)
      << text;
  EXPECT_EQ(ParseCountLines(text), expected) << text;

  ASSERT_EQ(RunCommand(Node(Output().code / "build/example.js", ShellQuote(jsonl.string())), &text), 0) << text;
  EXPECT_EQ(ParseCountLines(text), expected) << text;
}

TEST(CodegenTypeScript, RecordsHoldExactValuesAndLinkBothWays) {
  REQUIRE_TYPESCRIPT();
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  // The first account's opening balance and opening date as the CSV has them.
  std::ifstream in(csv / "accounts.csv");
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  ASSERT_EQ(header, "account_id,customer_id,account_number,account_type,currency,opening_balance,balance,opened_on,"
                    "closed_on,status");
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    const size_t comma = first.find(',', start);
    fields.push_back(first.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ASSERT_EQ(fields.size(), 10u);
  for (const fs::path& dir : {csv, BankingFixtures("jsonl")}) {
    std::string text;
    ASSERT_EQ(RunCommand(Node(Output().code / "build/check.js",
                              ShellQuote(dir.string()) + " " + fields[5] + " " + fields[7]),
                         &text),
              0)
        << dir << ":\n"
        << text;
    EXPECT_EQ(text, "ok\n");
  }
}

TEST(CodegenTypeScript, MalformedRowFailsWithFileAndLine) {
  REQUIRE_TYPESCRIPT();
  const fs::path csv = BankingFixtures("csv");
  const fs::path jsonl = BankingFixtures("jsonl");
  ASSERT_FALSE(csv.empty());
  const fs::path temp = MakeTempDir("seedforge-codegen-ts-bad");
  const fs::path example = Output().code / "build/example.js";
  std::string text;

  // Line 5 of accounts.csv is account 100004: its currency USD becomes a
  // field too many.
  ASSERT_TRUE(testing::CopyWithBrokenLine(csv, temp / "fields", "accounts.csv", 5, ",USD,", ",USD,USD,"));
  EXPECT_EQ(RunCommand(Node(example, ShellQuote((temp / "fields").string())), &text), 1) << text;
  EXPECT_NE(text.find("accounts.csv:5: 11 fields, expected 10"), std::string::npos) << text;

  // A date that is no date: date_of_birth (field 5) on line 9 of customers.csv.
  ASSERT_TRUE(testing::CopyWithBrokenField(csv, temp / "date", "customers.csv", 9, 5, "1980-02-30"));
  EXPECT_EQ(RunCommand(Node(example, ShellQuote((temp / "date").string())), &text), 1) << text;
  EXPECT_NE(text.find("customers.csv:9: column date_of_birth: \"1980-02-30\" is not a date"), std::string::npos)
      << text;

  // JSON Lines: a bigint that is not an integer, line 3.
  ASSERT_TRUE(testing::CopyWithBrokenLine(jsonl, temp / "json", "transactions.jsonl", 3, "\"transaction_id\":3",
                                          "\"transaction_id\":3.5"));
  EXPECT_EQ(RunCommand(Node(example, ShellQuote((temp / "json").string())), &text), 1) << text;
  EXPECT_NE(text.find("transactions.jsonl:3: column transaction_id: \"3.5\" is not an integer"), std::string::npos)
      << text;

  // A reference to no row: account 100004 (line 5) of customer 999999.
  ASSERT_TRUE(testing::CopyWithBrokenField(csv, temp / "link", "accounts.csv", 5, 1, "999999"));
  EXPECT_EQ(RunCommand(Node(example, ShellQuote((temp / "link").string())), &text), 1) << text;
  EXPECT_NE(text.find("accounts.csv:5: (customer_id) = (999999)"), std::string::npos) << text;
  EXPECT_NE(text.find("has no customers row"), std::string::npos) << text;

  // Fixtures of another schema: the manifest's hash differs.
  fs::copy(csv, temp / "schema", fs::copy_options::recursive);
  const fs::path manifest = temp / "schema" / "banking.manifest.json";
  ASSERT_TRUE(fs::exists(manifest)) << "generate wrote no " << manifest;
  std::string json = testing::ReadFile(manifest);
  const size_t at = json.find("\"schema_hash\"");
  ASSERT_NE(at, std::string::npos) << json;
  const size_t digits = json.find('"', json.find(':', at)) + 1;
  json[digits] = json[digits] == '0' ? '1' : '0';
  WriteFile(manifest, json);
  EXPECT_EQ(RunCommand(Node(example, ShellQuote((temp / "schema").string())), &text), 1) << text;
  EXPECT_NE(text.find("banking.manifest.json:1: schema hash"), std::string::npos) << text;
  EXPECT_NE(text.find("another version of the banking domain"), std::string::npos) << text;
  fs::remove_all(temp);
}

// Other domains: the code type-checks and the example's counts are the files'.
TEST(CodegenTypeScript, EveryBuiltInDomainTypeChecksAndLoads) {
  REQUIRE_TYPESCRIPT();
  const fs::path temp = MakeTempDir("seedforge-codegen-ts-domains");
  testing::RemoveAtExit(temp);
  // automotive, and tests/codegen/types.yaml: every type family, a composite
  // key and link, a self link, a quoted column name (employee and pci are
  // banking's shape; tsc takes seconds a domain).
  for (const std::string& domain : {std::string("automotive"), (SourceDir() / "tests/codegen/types.yaml").string()}) {
    SCOPED_TRACE(domain);
    const std::string name = fs::path(domain).stem().string();
    const fs::path fixtures = temp / name / "fixtures";
    const fs::path code = temp / name / "code";
    std::string text;
    ASSERT_EQ(RunCommand(ShellQuote(SeedforgeBinary()) + " generate -q --domain " + ShellQuote(domain) + " --seed 3 --scale 0.1 --format jsonl --out " +
                             ShellQuote(fixtures.string()) + " && " + ShellQuote(SeedforgeBinary()) + " generate -q --domain " +
                             ShellQuote(domain) + " --seed 3 --scale 0.1 --out " + ShellQuote(fixtures.string()) + " && " +
                             ShellQuote(SeedforgeBinary()) + " codegen -q --example --lang typescript --domain " + ShellQuote(domain) +
                             " --out " + ShellQuote(code.string()),
                         &text),
              0)
        << text;
    ASSERT_FALSE(CsvRowCounts(fixtures).empty());
    fs::create_directory_symlink(Output().tools / "node_modules", code / "node_modules");
    for (const std::string format : {"csv", "jsonl"}) {
      ASSERT_EQ(RunCommand(ShellQuote((code / "run_example.sh").string()) + " " + ShellQuote(fixtures.string()) + " " + format, &text), 0)
          << format << ":\n" << text;
      EXPECT_EQ(ParseCountLines(text), CsvRowCounts(fixtures)) << format << ":\n" << text;
    }
  }
}

// Named rows (scenarios) are members of their entity's table: codegen given
// labels in-process (the CLI passes those of the domain's scenarios), the
// code type-checks, and each label is the row at its position; a label
// named like an array member gets a trailing underscore; a label past the
// end of the file is a FixtureError.
const char* kLabelsProgram = R"ts(
import { loadFixtures } from "./banking";

const fx = loadFixtures(process.argv[2]);
const same = fx.customers.alice === fx.customers[3] && fx.customers.length_ === fx.customers[4] &&
  fx.accounts.firstAccount === fx.accounts[0];
console.log(same ? "ok" : "labels are not their rows");
)ts";

TEST(CodegenTypeScript, NamedRowsAreMembersOfTheirTable) {
  REQUIRE_TYPESCRIPT();
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  const fs::path temp = MakeTempDir("seedforge-codegen-ts-labels");
  testing::RemoveAtExit(temp);
  const Domain domain = LoadDomain("banking", BuiltinRegistry());
  for (const uint64_t alice_row : {uint64_t{3}, uint64_t{1000}}) {
    const fs::path code = temp / std::to_string(alice_row);
    CodegenOptions options;
    options.language = "typescript";
    options.out_dir = code;
    options.labels = {{"customers", {{"alice", alice_row}, {"length", 4}}}, {"accounts", {{"first_account", 0}}}};
    GenerateCode(domain, options);
    fs::create_directory_symlink(Output().tools / "node_modules", code / "node_modules");
    fs::copy_file(Output().code / "tsconfig.json", code / "tsconfig.json");
    WriteFile(code / "labels.ts", kLabelsProgram);
    std::string text;
    const std::string tsc = ShellQuote((Output().tools / "node_modules/.bin/tsc").string()) + " -p " +
                            ShellQuote((code / "tsconfig.json").string());
    ASSERT_EQ(RunCommand(tsc, &text), 0) << tsc << "\n" << text;
    const int status = RunCommand(Node(code / "build/labels.js", ShellQuote(csv.string())), &text);
    if (alice_row == 3) {
      EXPECT_EQ(status, 0) << text;
      EXPECT_EQ(text, "ok\n");
    } else {
      // banking has 1,000 customers: row 1000 is past the end.
      EXPECT_NE(status, 0) << text;
      EXPECT_NE(text.find("customers: the named row \"alice\" is row 1000, but the file has 1000 rows"),
                std::string::npos)
          << text;
    }
  }
}

// The Vitest helper on a real server: the first test changes rows, the
// second sees them as loaded (the savepoint rolled back), and after the run
// the database holds no table (the suite's transaction rolled back).
class PostgresCodegenTypeScript : public testing::PostgresSuite {};

const char* kVitestFile = R"ts(
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { useFixtureDatabase } from "./banking_testdb";

const db = useFixtureDatabase({ beforeAll, afterAll, beforeEach, afterEach }, { dir: process.env.FIXTURES! });

async function count(table: string): Promise<number> {
  const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n as number;
}

test("the fixtures are loaded and a test may change them", async () => {
  expect(await count("transactions")).toBe(db.fixtures.transactions.length);
  expect(await count("customers")).toBe(db.fixtures.customers.length);
  await db.client.query("DELETE FROM transactions");
  await db.client.query("UPDATE customers SET first_name = 'changed'");
  expect(await count("transactions")).toBe(0);
});

test("the next test sees the rows as loaded", async () => {
  expect(await count("transactions")).toBe(db.fixtures.transactions.length);
  const { rows } = await db.client.query("SELECT count(*)::int AS n FROM customers WHERE first_name = 'changed'");
  expect(rows[0].n).toBe(0);
  // Exact values went in: the sum of the balances, as PostgreSQL adds them.
  const sum = await db.client.query("SELECT sum(balance)::text AS s, min(opened_on)::text AS d FROM accounts");
  const cents = db.fixtures.accounts.reduce((s, a) => s + BigInt(a.balance.replace(".", "")), 0n);
  expect(sum.rows[0].s.replace(".", "")).toBe(cents.toString());
  const first = db.fixtures.accounts.map((a) => a.openedOn.toISOString().slice(0, 10)).sort()[0];
  expect(sum.rows[0].d).toBe(first);
});
)ts";

TEST_F(PostgresCodegenTypeScript, VitestHelperLoadsTheFixturesAndRollsEachTestBack) {
  REQUIRE_TYPESCRIPT();
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  const std::string uri = CreateDatabase("codegen_ts");
  WriteFile(Output().code / "db.test.ts", kVitestFile);
  const std::string vitest = "cd " + ShellQuote(Output().code.string()) + " && FIXTURES=" + ShellQuote(csv.string()) +
                             " SEEDFORGE_TEST_DATABASE_URL=" + ShellQuote(uri) + " " +
                             ShellQuote((Output().tools / "node_modules/.bin/vitest").string()) +
                             " run --root . --reporter verbose db.test.ts";
  std::string text;
  EXPECT_EQ(RunCommand(vitest, &text), 0) << vitest << "\n" << text;
  EXPECT_NE(text.find("2 passed"), std::string::npos) << text;

  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0].as<int>(), 0)
      << "the helper left tables behind: its transaction was committed";
}

}  // namespace
}  // namespace seedforge

namespace seedforge {
namespace {

// The types domain with an identity key through the Vitest helper: every
// type family loads, and an insert that leaves the id to the database gets
// one past the loaded rows (the helper reset the sequence).
const char* kIdentityVitest = R"ts(
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { useFixtureDatabase } from "./types_testdb";

const db = useFixtureDatabase({ beforeAll, afterAll, beforeEach, afterEach }, { dir: process.env.FIXTURES! });

test("an identity continues past the fixtures", async () => {
  const { rows } = await db.client.query(`INSERT INTO items (region, number, small, score, price, seen_at, uid)
    SELECT region, number, 1, 1, 1, now(), gen_random_uuid() FROM groups LIMIT 1 RETURNING id::text AS id`);
  const max = db.fixtures.items.reduce((m, item) => (item.id > m ? item.id : m), 0n);
  expect(BigInt(rows[0].id)).toBeGreaterThan(max);
});

test("json, arrays and enums went in as written", async () => {
  const { rows } = await db.client.query("SELECT count(*)::int AS n FROM items WHERE meta IS NOT NULL AND tags IS NOT NULL");
  expect(rows[0].n).toBe(db.fixtures.items.filter((i) => i.meta !== null && i.tags !== null).length);
});
)ts";

TEST_F(PostgresCodegenTypeScript, VitestHelperLoadsEveryTypeAndResetsIdentities) {
  REQUIRE_TYPESCRIPT();
  const fs::path temp = MakeTempDir("seedforge-codegen-ts-identity");
  testing::RemoveAtExit(temp);
  const std::string domain = testing::TypesDomainWithIdentity();
  ASSERT_FALSE(domain.empty()) << "tests/codegen/types.yaml lost the items.id line this test changes";
  WriteFile(temp / "types.yaml", domain);
  const fs::path code = temp / "code";
  std::string text;
  ASSERT_EQ(RunCommand(ShellQuote(SeedforgeBinary()) + " generate -q --seed 4 --domain " + ShellQuote((temp / "types.yaml").string()) +
                           " --out " + ShellQuote((temp / "fixtures").string()) + " && " + ShellQuote(SeedforgeBinary()) +
                           " codegen -q --lang typescript --domain " + ShellQuote((temp / "types.yaml").string()) +
                           " --out " + ShellQuote(code.string()),
                       &text),
            0)
      << text;
  fs::create_directory_symlink(Output().tools / "node_modules", code / "node_modules");
  WriteFile(code / "identity.test.ts", kIdentityVitest);
  const std::string uri = CreateDatabase("codegen_ts_identity");
  const std::string vitest = "cd " + ShellQuote(code.string()) + " && FIXTURES=" + ShellQuote((temp / "fixtures").string()) +
                             " SEEDFORGE_TEST_DATABASE_URL=" + ShellQuote(uri) +
                             " node_modules/.bin/vitest run --root . identity.test.ts";
  EXPECT_EQ(RunCommand(vitest, &text), 0) << vitest << "\n" << text;
  EXPECT_NE(text.find("2 passed"), std::string::npos) << text;
}

// docs/codegen.md's Vitest test, as the document shows it, beside gen/ and fixtures/.
TEST_F(PostgresCodegenTypeScript, DocumentedVitestTestPasses) {
  REQUIRE_TYPESCRIPT();
  const std::string documented = testing::DocumentedBlock("banking_db.test.ts");
  ASSERT_FALSE(documented.empty()) << "docs/codegen.md has no <!-- codegen_test: banking_db.test.ts --> block";
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  const fs::path work = MakeTempDir("seedforge-codegen-ts-doc");
  testing::RemoveAtExit(work);
  std::string text;
  ASSERT_EQ(RunCommand(ShellQuote(SeedforgeBinary()) + " codegen -q --domain banking --lang typescript --out " +
                           ShellQuote((work / "gen").string()),
                       &text),
            0)
      << text;
  fs::create_directory_symlink(Output().tools / "node_modules", work / "node_modules");
  fs::create_directory_symlink(csv, work / "fixtures");
  WriteFile(work / "banking_db.test.ts", documented);
  const std::string uri = CreateDatabase("codegen_ts_doc");
  const std::string vitest = "cd " + ShellQuote(work.string()) + " && SEEDFORGE_TEST_DATABASE_URL=" + ShellQuote(uri) +
                             " node_modules/.bin/vitest run --root . banking_db.test.ts";
  EXPECT_EQ(RunCommand(vitest, &text), 0) << vitest << "\n" << text;
  EXPECT_NE(text.find("2 passed"), std::string::npos) << text;
}

}  // namespace
}  // namespace seedforge
