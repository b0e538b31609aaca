// End to end: `seedforge codegen --lang go --example` for the banking domain
// passes `go vet`, and the example (go run) prints the row count of every
// entity's fixture file, from CSV and from JSON Lines; the records carry
// exact values and link both ways (a go test in the package); a malformed
// row is refused with file:line, fixtures of another schema by their hash;
// and the `testing` helper loads the fixtures into a real PostgreSQL server
// through database/sql and lib/pq inside a transaction that every test and
// the suite roll back.
//
// Go and lib/pq are Debian's (golang-go, golang-github-lib-pq-dev, from
// scripts/install-deps.sh); nothing is downloaded: GOPROXY=off, and the
// database test points the module at Debian's lib/pq source. The tests skip
// only when go is not installed at all.
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

// Debian's lib/pq source (golang-github-lib-pq-dev).
const char* kDebianLibPq = "/usr/share/gocode/src/github.com/lib/pq";

struct GoOutput {
  std::string skip;
  std::string error;
  fs::path code;
  std::string env;  // "cd CODE && GOPROXY=off ... " for every go command
};

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

const GoOutput& Output() {
  static const GoOutput output = [] {
    GoOutput o;
    if (FindOnPath("go").empty()) {
      o.skip = "go is not installed (Debian: golang-go, from scripts/install-deps.sh; CI installs it)";
      return o;
    }
    o.code = MakeTempDir("seedforge-codegen-go") / "banking";
    testing::RemoveAtExit(o.code.parent_path());
    std::string text;
    const std::string codegen = ShellQuote(SeedforgeBinary()) + " codegen --domain banking --lang go --example --out " +
                                ShellQuote(o.code.string());
    if (RunCommand(codegen, &text) != 0) {
      o.error = codegen + " failed:\n" + text;
      return o;
    }
    // The build cache is kept (git-ignored) between runs: compiling the
    // standard library once costs more than the rest of the tests.
    const fs::path cache = SourceDir() / ".cache" / "go-build";
    o.env = "cd " + ShellQuote(o.code.string()) + " && GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local GOCACHE=" +
            ShellQuote(cache.string()) + " GOPATH=" + ShellQuote((o.code.parent_path() / "gopath").string()) + " ";
    const std::string vet = o.env + "go vet . && " + o.env + "go vet example_main.go";
    if (RunCommand(vet, &text) != 0) {
      o.error = vet + " failed:\n" + text;
      return o;
    }
    // Generated Go is formatted as gofmt would (gofmt -l lists the files it would change).
    const std::string gofmt = "gofmt -l " + ShellQuote(o.code.string());
    if (RunCommand(gofmt, &text) != 0 || !text.empty()) o.error = gofmt + " lists files gofmt would change:\n" + text;
    return o;
  }();
  return output;
}

#define REQUIRE_GO()                             \
  do {                                           \
    const GoOutput& o = Output();                \
    if (!o.skip.empty()) GTEST_SKIP() << o.skip; \
    ASSERT_TRUE(o.error.empty()) << o.error;     \
  } while (0)

std::string GoRun(const fs::path& fixtures) {
  return Output().env + "go run example_main.go " + ShellQuote(fixtures.string());
}

TEST(CodegenGo, ExamplePrintsEveryEntityCountFromCsvAndJsonLines) {
  REQUIRE_GO();
  const fs::path csv = BankingFixtures("csv");
  const fs::path jsonl = BankingFixtures("jsonl");
  ASSERT_FALSE(csv.empty());
  ASSERT_FALSE(jsonl.empty());
  const auto expected = CsvRowCounts(csv);
  ASSERT_EQ(expected.size(), 6u);
  std::string text;
  // run_example.sh is `go run example_main.go FIXTURE_DIR` from its folder.
  const std::string run = Output().env + "./run_example.sh " + ShellQuote(csv.string());
  ASSERT_EQ(RunCommand(run, &text), 0) << run << "\n" << text;
  EXPECT_EQ(ParseCountLines(text), expected) << text;
  ASSERT_EQ(RunCommand(GoRun(jsonl), &text), 0) << text;
  EXPECT_EQ(ParseCountLines(text), expected) << text;
}

// A test in the generated package: exact values and links both ways.
const char* kCheckTest = R"go(package banking

import (
	"os"
	"testing"
	"time"
)

func TestCheckFixtures(t *testing.T) {
	fx, err := Load(os.Getenv("FIXTURES"))
	if err != nil {
		t.Fatal(err)
	}
	a := &fx.Accounts.Rows[0]
	if a.AccountID != 100001 {
		t.Errorf("AccountID = %d, want 100001", a.AccountID)
	}
	if string(a.OpeningBalance) != os.Getenv("OPENING_BALANCE") || a.OpeningBalance.Rat().RatString() == "" {
		t.Errorf("OpeningBalance = %s, want the CSV text %s", a.OpeningBalance, os.Getenv("OPENING_BALANCE"))
	}
	if got := a.OpenedOn.Format("2006-01-02"); got != os.Getenv("OPENED_ON") || a.OpenedOn.Location() != time.UTC || a.OpenedOn.Hour() != 0 {
		t.Errorf("OpenedOn = %v, want %s at midnight UTC", a.OpenedOn, os.Getenv("OPENED_ON"))
	}
	closed := 0
	for i := range fx.Accounts.Rows {
		a := &fx.Accounts.Rows[i]
		if a.ClosedOn == nil {
			closed++
		}
		c := a.Customer()
		if c == nil || c.CustomerID != a.CustomerID {
			t.Fatalf("account %d: Customer() = %v", a.AccountID, c)
		}
		found := false
		for _, b := range c.Accounts() {
			found = found || b == a
		}
		if !found {
			t.Fatalf("customer %d: Accounts() lacks account %d", c.CustomerID, a.AccountID)
		}
	}
	if closed == 0 {
		t.Error("no account has a NULL closed_on")
	}
	linked := 0
	for i := range fx.Customers.Rows {
		linked += len(fx.Customers.Rows[i].Accounts())
	}
	if linked != fx.Accounts.Len() {
		t.Errorf("%d accounts under customers, want %d", linked, fx.Accounts.Len())
	}
	withCampaign := 0
	for i := range fx.Transactions.Rows {
		tr := &fx.Transactions.Rows[i]
		if tr.CampaignID == nil {
			if tr.Campaign() != nil {
				t.Fatal("a NULL campaign_id has a campaign")
			}
			continue
		}
		withCampaign++
		if tr.Campaign() == nil || int32(tr.Campaign().CampaignID) != *tr.CampaignID {
			t.Fatal("Transaction.Campaign()")
		}
	}
	if withCampaign == 0 {
		t.Error("no transaction has a campaign")
	}
	if fx.Customers.Get(fx.Customers.Rows[5].CustomerID) != &fx.Customers.Rows[5] || fx.Customers.Get(-1) != nil {
		t.Error("Customers.Get")
	}
	if fx.Customers.Rows[0].CreatedAt.IsZero() || fx.Customers.Rows[0].CreatedAt.Location() != time.UTC {
		t.Error("CreatedAt")
	}
}
)go";

TEST(CodegenGo, RecordsHoldExactValuesAndLinkBothWays) {
  REQUIRE_GO();
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  std::ifstream in(csv / "accounts.csv");
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    const size_t comma = first.find(',', start);
    fields.push_back(first.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ASSERT_EQ(fields.size(), 10u) << first;
  WriteFile(Output().code / "check_test.go", kCheckTest);
  for (const fs::path& dir : {csv, BankingFixtures("jsonl")}) {
    const std::string test = Output().env + "FIXTURES=" + ShellQuote(dir.string()) + " OPENING_BALANCE=" + fields[5] +
                             " OPENED_ON=" + fields[7] + " go test -count=1 -run TestCheckFixtures .";
    std::string text;
    EXPECT_EQ(RunCommand(test, &text), 0) << test << "\n" << text;
  }
  fs::remove(Output().code / "check_test.go");
}

TEST(CodegenGo, MalformedRowFailsWithFileAndLine) {
  REQUIRE_GO();
  const fs::path csv = BankingFixtures("csv");
  const fs::path jsonl = BankingFixtures("jsonl");
  ASSERT_FALSE(csv.empty());
  const fs::path temp = MakeTempDir("seedforge-codegen-go-bad");
  std::string text;
  // One binary for the cases.
  const fs::path example = temp / "example";
  ASSERT_EQ(RunCommand(Output().env + "go build -o " + ShellQuote(example.string()) + " example_main.go", &text), 0)
      << text;
  auto run = [&](const fs::path& dir) { return ShellQuote(example.string()) + " " + ShellQuote(dir.string()); };

  ASSERT_TRUE(testing::CopyWithBrokenLine(csv, temp / "fields", "accounts.csv", 5, ",USD,", ",USD,USD,"));
  EXPECT_EQ(RunCommand(run(temp / "fields"), &text), 1) << text;
  EXPECT_NE(text.find("accounts.csv:5: 11 fields, expected 10"), std::string::npos) << text;

  ASSERT_TRUE(testing::CopyWithBrokenField(csv, temp / "date", "customers.csv", 9, 5, "1980-02-30"));
  EXPECT_EQ(RunCommand(run(temp / "date"), &text), 1) << text;
  EXPECT_NE(text.find("customers.csv:9: column date_of_birth: \"1980-02-30\" is not a date"), std::string::npos)
      << text;

  ASSERT_TRUE(testing::CopyWithBrokenLine(jsonl, temp / "json", "transactions.jsonl", 3, "\"transaction_id\":3",
                                          "\"transaction_id\":3.5"));
  EXPECT_EQ(RunCommand(run(temp / "json"), &text), 1) << text;
  EXPECT_NE(text.find("transactions.jsonl:3: column transaction_id: \"3.5\" is not a bigint"), std::string::npos)
      << text;

  ASSERT_TRUE(testing::CopyWithBrokenField(csv, temp / "link", "accounts.csv", 5, 1, "999999"));
  EXPECT_EQ(RunCommand(run(temp / "link"), &text), 1) << text;
  EXPECT_NE(text.find("accounts.csv:5: (customer_id) = (999999) has no customers row"), std::string::npos) << text;

  fs::copy(csv, temp / "schema", fs::copy_options::recursive);
  const fs::path manifest = temp / "schema" / "banking.manifest.json";
  ASSERT_TRUE(fs::exists(manifest)) << "generate wrote no " << manifest;
  std::string json = testing::ReadFile(manifest);
  const size_t at = json.find("\"schema_hash\"");
  ASSERT_NE(at, std::string::npos) << json;
  const size_t digits = json.find('"', json.find(':', at)) + 1;
  json[digits] = json[digits] == '0' ? '1' : '0';
  WriteFile(manifest, json);
  EXPECT_EQ(RunCommand(run(temp / "schema"), &text), 1) << text;
  EXPECT_NE(text.find("banking.manifest.json:1: schema hash"), std::string::npos) << text;
  fs::remove_all(temp);
}

// Named rows (scenarios) are fields of their entity's table (codegen given
// labels in-process, as the CLI passes those of the domain's scenarios); a
// label named like a member of the table gets "Row"; a label past the end of
// the file is a FixtureError.
const char* kLabelsTest = R"go(package banking

import (
	"os"
	"strings"
	"testing"
)

func TestLabels(t *testing.T) {
	fx, err := Load(os.Getenv("FIXTURES"))
	if os.Getenv("WANT_ERROR") != "" {
		if err == nil || !strings.Contains(err.Error(), os.Getenv("WANT_ERROR")) {
			t.Fatalf("error %v, want one with %q", err, os.Getenv("WANT_ERROR"))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if fx.Customers.Alice != &fx.Customers.Rows[3] || fx.Customers.RowsRow != &fx.Customers.Rows[4] ||
		fx.Accounts.FirstAccount != &fx.Accounts.Rows[0] {
		t.Error("labels are not their rows")
	}
}
)go";

TEST(CodegenGo, NamedRowsAreFieldsOfTheirTable) {
  REQUIRE_GO();
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  const fs::path temp = MakeTempDir("seedforge-codegen-go-labels");
  testing::RemoveAtExit(temp);
  const Domain domain = LoadDomain("banking", BuiltinRegistry());
  for (const uint64_t alice_row : {uint64_t{3}, uint64_t{1000}}) {
    const fs::path code = temp / std::to_string(alice_row);
    CodegenOptions options;
    options.language = "go";
    options.out_dir = code;
    options.example = true;
    options.labels = {{"customers", {{"alice", alice_row}, {"rows", 4}}}, {"accounts", {{"first_account", 0}}}};
    GenerateCode(domain, options);
    std::string text;
    ASSERT_EQ(RunCommand("gofmt -l " + ShellQuote(code.string()), &text), 0) << text;
    EXPECT_EQ(text, "") << "gofmt would change these files with labels";
    WriteFile(code / "labels_test.go", kLabelsTest);
    const std::string want = alice_row == 3 ? "" : "customers.csv:0: the named row \"alice\" is row 1000, but the file has 1000 rows";
    const std::string test = "cd " + ShellQuote(code.string()) + " && " + Output().env.substr(Output().env.find("&& ") + 3) +
                             "FIXTURES=" + ShellQuote(csv.string()) + " WANT_ERROR=" + ShellQuote(want) +
                             " go test -count=1 -run TestLabels .";
    EXPECT_EQ(RunCommand(test, &text), 0) << test << "\n" << text;
  }
}

// The other built-in domains and tests/codegen/types.yaml:
// the code vets, is gofmt-clean, and the example's counts are the files'.
TEST(CodegenGo, EveryBuiltInDomainBuildsAndLoads) {
  REQUIRE_GO();
  const fs::path temp = MakeTempDir("seedforge-codegen-go-domains");
  testing::RemoveAtExit(temp);
  const std::string env = Output().env.substr(Output().env.find("&& ") + 3);
  // tests/codegen/types.yaml: every type family, a composite key and link, a self link, a quoted column name.
  const std::string types = (SourceDir() / "tests/codegen/types.yaml").string();
  for (const std::string& domain : {std::string("employee"), std::string("automotive"), std::string("pci"), types}) {
    SCOPED_TRACE(domain);
    const std::string name = fs::path(domain).stem().string();
    const fs::path fixtures = temp / name / "fixtures";
    const fs::path code = temp / name / "code";
    std::string text;
    ASSERT_EQ(RunCommand(ShellQuote(SeedforgeBinary()) + " generate -q --domain " + ShellQuote(domain) +
                             " --seed 3 --scale 0.1 --out " + ShellQuote(fixtures.string()) + " && " +
                             ShellQuote(SeedforgeBinary()) + " codegen -q --example --lang go --domain " + ShellQuote(domain) +
                             " --out " + ShellQuote(code.string()),
                         &text),
              0)
        << text;
    ASSERT_FALSE(CsvRowCounts(fixtures).empty());
    const std::string cd = "cd " + ShellQuote(code.string()) + " && " + env;
    ASSERT_EQ(RunCommand(cd + "go vet . && " + cd + "go vet example_main.go && gofmt -l .", &text), 0) << text;
    EXPECT_EQ(text, "") << "gofmt would change these files";
    ASSERT_EQ(RunCommand(cd + "./run_example.sh " + ShellQuote(fixtures.string()), &text), 0) << text;
    EXPECT_EQ(ParseCountLines(text), CsvRowCounts(fixtures)) << text;
  }
}

class PostgresCodegenGo : public testing::PostgresSuite {};

// The types domain with an identity key: loaded with every type family, and
// an insert that leaves the id to the database gets one past the loaded rows
// (the helper reset the sequence).
const char* kIdentityTest = R"go(package types

import (
	"fmt"
	"os"
	"testing"

	_ "github.com/lib/pq"
)

func TestIdentityContinuesPastTheFixtures(t *testing.T) {
	db, err := OpenTestDB(TestDBOptions{Dir: os.Getenv("FIXTURES")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() }) // after Begin's rollback: cleanups run last-registered first
	tx := db.Begin(t)
	var id int64
	err = tx.QueryRow(`INSERT INTO items (region, number, small, score, price, seen_at, uid)
		SELECT region, number, 1, 1, 1, now(), gen_random_uuid() FROM groups LIMIT 1 RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var max int64
	for _, item := range db.Fixtures.Items.Rows {
		if item.ID > max {
			max = item.ID
		}
	}
	if id <= max {
		t.Errorf("new id %d, want one past the fixtures' %d", id, max)
	}
	fmt.Println("new id", id, "max", max)
}
)go";

TEST_F(PostgresCodegenGo, TestingHelperLoadsEveryTypeAndResetsIdentities) {
  REQUIRE_GO();
  ASSERT_TRUE(fs::exists(fs::path(kDebianLibPq) / "go.mod")) << kDebianLibPq << " is missing";
  const fs::path temp = MakeTempDir("seedforge-codegen-go-identity");
  testing::RemoveAtExit(temp);
  const std::string domain = testing::TypesDomainWithIdentity();
  ASSERT_FALSE(domain.empty()) << "tests/codegen/types.yaml lost the items.id line this test changes";
  WriteFile(temp / "types.yaml", domain);
  const fs::path code = temp / "code";
  std::string text;
  ASSERT_EQ(RunCommand(ShellQuote(SeedforgeBinary()) + " generate -q --seed 4 --domain " + ShellQuote((temp / "types.yaml").string()) +
                           " --out " + ShellQuote((temp / "fixtures").string()) + " && " + ShellQuote(SeedforgeBinary()) +
                           " codegen -q --example --lang go --domain " + ShellQuote((temp / "types.yaml").string()) +
                           " --out " + ShellQuote(code.string()),
                       &text),
            0)
      << text;
  WriteFile(code / "identity_test.go", kIdentityTest);
  const std::string env = "cd " + ShellQuote(code.string()) + " && " + Output().env.substr(Output().env.find("&& ") + 3);
  ASSERT_EQ(RunCommand(env + "go mod edit -require=github.com/lib/pq@v1.10.7 -replace=github.com/lib/pq=" +
                           std::string(kDebianLibPq), &text), 0) << text;
  const std::string uri = CreateDatabase("codegen_go_identity") + "?sslmode=disable";
  const std::string test = env + "FIXTURES=" + ShellQuote((temp / "fixtures").string()) + " SEEDFORGE_TEST_DATABASE_URL=" +
                           ShellQuote(uri) + " go test -count=1 -v -run TestIdentity .";
  EXPECT_EQ(RunCommand(test, &text), 0) << test << "\n" << text;
  EXPECT_NE(text.find("--- PASS: TestIdentityContinuesPastTheFixtures"), std::string::npos) << text;
}

// Tests run in source order: the first changes rows, the second must see
// them as loaded.
const char* kDbTest = R"go(package banking

import (
	"fmt"
	"os"
	"testing"

	_ "github.com/lib/pq"
)

var db *TestDB

func TestMain(m *testing.M) {
	var err error
	if db, err = OpenTestDB(TestDBOptions{Dir: os.Getenv("FIXTURES")}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := db.tx.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDBFirstChangesRows(t *testing.T) {
	tx := db.Begin(t)
	if n := count(t, "SELECT count(*) FROM transactions"); n != db.Fixtures.Transactions.Len() {
		t.Fatalf("%d transactions, want %d", n, db.Fixtures.Transactions.Len())
	}
	if _, err := tx.Exec("DELETE FROM transactions"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE customers SET first_name = 'changed'"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, "SELECT count(*) FROM transactions"); n != 0 {
		t.Fatalf("%d transactions after DELETE", n)
	}
}

func TestDBSecondSeesRowsAsLoaded(t *testing.T) {
	tx := db.Begin(t)
	if n := count(t, "SELECT count(*) FROM transactions"); n != db.Fixtures.Transactions.Len() {
		t.Fatalf("%d transactions, want %d: the first test was not rolled back", n, db.Fixtures.Transactions.Len())
	}
	if n := count(t, "SELECT count(*) FROM customers WHERE first_name = 'changed'"); n != 0 {
		t.Fatalf("%d customers still changed", n)
	}
	var sum, first string
	if err := tx.QueryRow("SELECT sum(balance)::text, min(opened_on)::text FROM accounts").Scan(&sum, &first); err != nil {
		t.Fatal(err)
	}
	want := db.Fixtures.Accounts.Rows[0].Balance.Rat()
	for i := 1; i < db.Fixtures.Accounts.Len(); i++ {
		want.Add(want, db.Fixtures.Accounts.Rows[i].Balance.Rat())
	}
	if sum != want.FloatString(2) {
		t.Errorf("sum(balance) = %s, want %s", sum, want.FloatString(2))
	}
	earliest := db.Fixtures.Accounts.Rows[0].OpenedOn
	for _, a := range db.Fixtures.Accounts.Rows {
		if a.OpenedOn.Before(earliest) {
			earliest = a.OpenedOn
		}
	}
	if first != earliest.Format("2006-01-02") {
		t.Errorf("min(opened_on) = %s, want %s", first, earliest.Format("2006-01-02"))
	}
}
)go";

TEST_F(PostgresCodegenGo, TestingHelperLoadsTheFixturesAndRollsEachTestBack) {
  REQUIRE_GO();
  ASSERT_TRUE(fs::exists(fs::path(kDebianLibPq) / "go.mod"))
      << kDebianLibPq << " is missing: install golang-github-lib-pq-dev (scripts/install-deps.sh)";
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  // lib/pq asks for TLS unless told otherwise; the sandbox has none.
  const std::string uri = CreateDatabase("codegen_go") + "?sslmode=disable";
  // The generated package needs no module; the test's lib/pq is Debian's.
  const fs::path module = MakeTempDir("seedforge-codegen-go-db") / "banking";
  fs::copy(Output().code, module, fs::copy_options::recursive);
  WriteFile(module / "db_test.go", kDbTest);
  const std::string env = "cd " + ShellQuote(module.string()) + " && " +
                          Output().env.substr(Output().env.find("&& ") + 3);
  std::string text;
  const std::string edit = env + "go mod edit -require=github.com/lib/pq@v1.10.7 -replace=github.com/lib/pq=" +
                           std::string(kDebianLibPq);
  ASSERT_EQ(RunCommand(edit, &text), 0) << edit << "\n" << text;
  const std::string test = env + "FIXTURES=" + ShellQuote(csv.string()) + " SEEDFORGE_TEST_DATABASE_URL=" +
                           ShellQuote(uri) + " go test -count=1 -v -run TestDB .";
  EXPECT_EQ(RunCommand(test, &text), 0) << test << "\n" << text;
  EXPECT_NE(text.find("--- PASS: TestDBFirstChangesRows"), std::string::npos) << text;
  EXPECT_NE(text.find("--- PASS: TestDBSecondSeesRowsAsLoaded"), std::string::npos) << text;

  pqxx::connection connection(uri);
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0].as<int>(), 0)
      << "the helper left tables behind: its transaction was committed";
  fs::remove_all(module.parent_path());
}

}  // namespace
}  // namespace seedforge

namespace seedforge {
namespace {

// docs/codegen.md's Go test, as the document shows it, in a module
// example.com/app with the code in internal/banking.
TEST_F(PostgresCodegenGo, DocumentedGoTestPasses) {
  REQUIRE_GO();
  ASSERT_TRUE(fs::exists(fs::path(kDebianLibPq) / "go.mod"))
      << kDebianLibPq << " is missing: install golang-github-lib-pq-dev (scripts/install-deps.sh)";
  const std::string documented = testing::DocumentedBlock("banking_db_test.go");
  ASSERT_FALSE(documented.empty()) << "docs/codegen.md has no <!-- codegen_test: banking_db_test.go --> block";
  const fs::path csv = BankingFixtures("csv");
  ASSERT_FALSE(csv.empty());
  const fs::path app = MakeTempDir("seedforge-codegen-go-doc") / "app";
  testing::RemoveAtExit(app.parent_path());
  const fs::path package = app / "internal" / "banking";
  std::string text;
  ASSERT_EQ(RunCommand(ShellQuote(SeedforgeBinary()) + " codegen -q --domain banking --lang go --out " +
                           ShellQuote(package.string()),
                       &text),
            0)
      << text;
  fs::create_directories(package / "testdata");
  fs::create_directory_symlink(csv, package / "testdata" / "fixtures");
  WriteFile(package / "banking_db_test.go", documented);
  WriteFile(app / "go.mod", "module example.com/app\n\ngo 1.18\n\nrequire github.com/lib/pq v1.10.7\n\nreplace github.com/lib/pq => " +
                                std::string(kDebianLibPq) + "\n");
  const std::string uri = CreateDatabase("codegen_go_doc") + "?sslmode=disable";
  const std::string env = Output().env.substr(Output().env.find("&& ") + 3);
  const std::string test = "cd " + ShellQuote(app.string()) + " && " + env + "SEEDFORGE_TEST_DATABASE_URL=" +
                           ShellQuote(uri) + " go test -count=1 -v ./internal/banking/";
  EXPECT_EQ(RunCommand(test, &text), 0) << test << "\n" << text;
  EXPECT_NE(text.find("--- PASS: TestClosingAnAccountDeletesItsTransactions"), std::string::npos) << text;
  EXPECT_NE(text.find("--- PASS: TestEachTestStartsFromTheFixtures"), std::string::npos) << text;
}

}  // namespace
}  // namespace seedforge
