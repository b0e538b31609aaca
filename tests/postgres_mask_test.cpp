// `seedforge mask` from one PostgreSQL database to another, on a throwaway
// server: foreign keys intact, joins on masked columns kept, no source value
// of a masked column left, all or nothing, tables with rows refused.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <filesystem>
#include <fstream>
#include <set>

#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

constexpr const char* kSchema = R"(
CREATE TABLE customers (id integer PRIMARY KEY, email text UNIQUE NOT NULL, ssn text, phone text,
                        joined date, note text);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id),
                     email text, ordered_at timestamptz, total numeric(10,2));
)";

// 500 customers with valid SSNs and NANP phones; 2,000 orders repeating
// their customer's e-mail.
constexpr const char* kRows = R"(
INSERT INTO customers
SELECT i, 'person' || i || '@example.com',
       lpad((100 + i % 600)::text, 3, '0') || '-' || lpad((1 + i % 98)::text, 2, '0') || '-' || lpad((1000 + i)::text, 4, '0'),
       '(415) ' || (200 + i % 700) || '-' || lpad((i * 7 % 10000)::text, 4, '0'),
       date '2020-01-01' + i, CASE WHEN i % 4 = 0 THEN NULL ELSE E'tab\there, new\nline' END
FROM generate_series(1, 500) i;
INSERT INTO orders
SELECT o, 1 + o * 37 % 500, 'person' || (1 + o * 37 % 500) || '@example.com',
       timestamptz '2024-01-01 10:00:00+00' + o * interval '1 hour', o % 1000 / 10.0
FROM generate_series(1, 2000) o;
)";

constexpr const char* kRules = R"(customers.id: {digits: {kind: customer_id}}
orders.customer_id: {digits: {kind: customer_id}}
customers.email: email
orders.email: email
customers.ssn: ssn
customers.phone: phone
customers.joined: {date_shift: {days: 30, entity: customers.id}}
orders.ordered_at: {date_shift: {days: 30, entity: customers.id}}
)";

class PostgresMask : public testing::PostgresSuite {
 protected:
  static void Exec(const std::string& uri, const std::string& sql) {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  }
  static std::set<std::string> Column(const std::string& uri, const std::string& sql) {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    std::set<std::string> values;
    for (const auto& row : tx.exec(sql)) values.insert(row[0].is_null() ? "<NULL>" : row[0].c_str());
    return values;
  }
  static int64_t Count(const std::string& uri, const std::string& sql) {
    pqxx::connection c(uri);
    pqxx::work tx(c);
    return tx.exec1(sql)[0].as<int64_t>();
  }
};

TEST_F(PostgresMask, ForeignKeysJoinsAndNoSourceValueLeft) {
  const std::string src = CreateDatabase("mask_src"), dst = CreateDatabase("mask_dst"), dst2 = CreateDatabase("mask_dst2");
  Exec(src, std::string(kSchema) + kRows);
  Exec(dst, kSchema);
  Exec(dst2, kSchema);
  const fs::path dir = testing::MakeTempDir("pg_mask");
  std::ofstream(dir / "key") << "postgres mask test key, long enough\n";
  std::ofstream(dir / "rules.yaml") << kRules;
  auto mask = [&](const std::string& to, std::string* output) {
    return RunCommand(SeedforgeBinary() + " mask --from " + ShellQuote(src) + " --to " + ShellQuote(to) +
                          " --key-file " + (dir / "key").string() + " --rules " + (dir / "rules.yaml").string(),
                      output);
  };
  std::string output;
  ASSERT_EQ(mask(dst, &output), 0) << output;
  testing::ExpectForeignKeysHold(dst);
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM customers"), 500);
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM orders"), 2000);
  // Each order's masked e-mail is its (masked) customer's, and the gap
  // between joining and ordering is what it was.
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
                       "WHERE o.email = c.email"),
            2000);
  EXPECT_EQ(Column(dst, "SELECT (o.ordered_at::date - c.joined) || '/' || o.id FROM orders o "
                        "JOIN customers c ON c.id = o.customer_id"),
            Column(src, "SELECT (o.ordered_at::date - c.joined) || '/' || o.id FROM orders o "
                        "JOIN customers c ON c.id = o.customer_id"));
  // Untouched columns are the same, NULLs, tabs and newlines included.
  EXPECT_EQ(Column(dst, "SELECT coalesce(note, '<NULL>') || o FROM customers, generate_series(1,1) o"),
            Column(src, "SELECT coalesce(note, '<NULL>') || o FROM customers, generate_series(1,1) o"));
  // No source e-mail, SSN or phone anywhere in the target's text columns.
  std::set<std::string> secrets;
  for (const char* column : {"email", "ssn", "phone"}) {
    auto values = Column(src, std::string("SELECT ") + column + " FROM customers");
    secrets.insert(values.begin(), values.end());
  }
  for (const char* query : {"SELECT email FROM customers", "SELECT ssn FROM customers", "SELECT phone FROM customers",
                            "SELECT email FROM orders"}) {
    for (const std::string& value : Column(dst, query)) EXPECT_FALSE(secrets.count(value)) << value;
  }
  // A second run into another database gives the same rows.
  ASSERT_EQ(mask(dst2, &output), 0) << output;
  EXPECT_EQ(Column(dst, "SELECT c.id || c.email || c.ssn || c.phone || c.joined FROM customers c"),
            Column(dst2, "SELECT c.id || c.email || c.ssn || c.phone || c.joined FROM customers c"));
  // A target with rows is refused, and nothing is added to it.
  EXPECT_EQ(mask(dst, &output), 1) << output;
  EXPECT_NE(output.find("has rows"), std::string::npos) << output;
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM customers"), 500);
  fs::remove_all(dir);
}

// A failure half-way (the target's orders table refuses a row) commits
// nothing: the customers copied before it are rolled back too.
TEST_F(PostgresMask, AllOrNothing) {
  const std::string src = CreateDatabase("mask_src3"), dst = CreateDatabase("mask_dst3");
  Exec(src, std::string(kSchema) + kRows);
  Exec(dst, std::string(kSchema) + "ALTER TABLE orders ADD CHECK (total < 50);");
  const fs::path dir = testing::MakeTempDir("pg_mask_atomic");
  std::ofstream(dir / "key") << "postgres mask test key, long enough\n";
  std::string output;
  EXPECT_EQ(RunCommand(SeedforgeBinary() + " mask --from " + ShellQuote(src) + " --to " + ShellQuote(dst) +
                           " --key-file " + (dir / "key").string(),
                       &output),
            1)
      << output;
  EXPECT_NE(output.find("nothing was committed"), std::string::npos) << output;
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM customers"), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
