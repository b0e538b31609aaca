// `seedforge mask --subset` on a throwaway server: the subset loads into a
// target with every foreign key declared, the chosen share is within a
// sampling bound, every descendant of a chosen row is there, an unlinked
// table gets no rows unless named, and bad arguments are refused.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <cmath>
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

// customers <- orders <- items -> products -> categories (a tree through
// parent_id); tickets refer to a customer or to none; audit is linked to
// nothing and has no primary key.
constexpr const char* kSchema = R"(
CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), total numeric);
CREATE TABLE categories (id integer PRIMARY KEY, parent_id integer REFERENCES categories (id), name text);
CREATE TABLE products (id integer PRIMARY KEY, category_id integer NOT NULL REFERENCES categories (id));
CREATE TABLE items (order_id integer NOT NULL REFERENCES orders (id), line integer NOT NULL,
                    product_id integer NOT NULL REFERENCES products (id), PRIMARY KEY (order_id, line));
CREATE TABLE tickets (id integer PRIMARY KEY, customer_id integer REFERENCES customers (id), body text);
CREATE TABLE audit (at integer, what text);
)";

constexpr int kCustomers = 2000;

constexpr const char* kRows = R"(
INSERT INTO customers SELECT i, 'person' || i || '@example.com' FROM generate_series(1, 2000) i;
INSERT INTO orders SELECT o, 1 + o * 37 % 2000, o % 100 FROM generate_series(1, 6000) o;
INSERT INTO categories SELECT i, CASE WHEN i > 1 THEN i / 2 END, 'c' || i FROM generate_series(1, 63) i;
INSERT INTO products SELECT p, 1 + p % 63 FROM generate_series(1, 300) p;
INSERT INTO items SELECT o, l, 1 + (o * 7 + l * 13) % 300 FROM generate_series(1, 6000) o, generate_series(1, 3) l
  WHERE l <= 1 + o % 3;
INSERT INTO tickets SELECT t, CASE WHEN t % 5 = 0 THEN NULL ELSE 1 + t * 11 % 2000 END, 'help' FROM generate_series(1, 1000) t;
INSERT INTO audit SELECT i, 'x' FROM generate_series(1, 50) i;
)";

class PostgresMaskSubset : public testing::PostgresSuite {
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
  static std::string InList(const std::set<std::string>& values) {
    std::string out;
    for (const std::string& v : values) out += (out.empty() ? "" : ",") + v;
    return out.empty() ? "NULL" : out;
  }

  void SetUp() override {
    dir_ = testing::MakeTempDir("pg_mask_subset");
    std::ofstream(dir_ / "key") << "postgres mask subset test key, long enough\n";
    std::ofstream(dir_ / "rules.yaml") << "customers.email: email\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Mask(const std::string& src, const std::string& dst, const std::string& subsets, std::string* output) {
    return RunCommand(SeedforgeBinary() + " mask --from " + ShellQuote(src) + " --to " + ShellQuote(dst) +
                          " --key-file " + (dir_ / "key").string() + " --rules " + (dir_ / "rules.yaml").string() +
                          " " + subsets,
                      output);
  }

  fs::path dir_;
};

TEST_F(PostgresMaskSubset, ClosedShareWithinBoundAndEveryDescendant) {
  const std::string src = CreateDatabase("subset_src"), dst = CreateDatabase("subset_dst"),
                    dst2 = CreateDatabase("subset_dst2");
  Exec(src, std::string(kSchema) + kRows);
  Exec(dst, kSchema);
  Exec(dst2, kSchema);
  std::string output;
  // The target declares every foreign key: the COPY in commits only if
  // each one resolves.
  ASSERT_EQ(Mask(src, dst, "--subset customers=10%", &output), 0) << output;
  testing::ExpectForeignKeysHold(dst);

  // Customers are reached only as chosen roots (no row added by closure
  // refers to one that was not chosen): each kept with probability 0.1, so
  // the count is Binomial(2000, 0.1), sd 13.4; 5 sd either side.
  const int64_t chosen = Count(dst, "SELECT count(*) FROM customers");
  const double mean = kCustomers * 0.1, sd = std::sqrt(kCustomers * 0.1 * 0.9);
  EXPECT_GT(chosen, mean - 5 * sd);
  EXPECT_LT(chosen, mean + 5 * sd);

  // Every child and grandchild of a chosen customer, and nothing else.
  const std::string customers = InList(Column(dst, "SELECT id FROM customers"));
  EXPECT_EQ(Column(dst, "SELECT id FROM orders"),
            Column(src, "SELECT id FROM orders WHERE customer_id IN (" + customers + ")"));
  const std::string orders = InList(Column(dst, "SELECT id FROM orders"));
  EXPECT_EQ(Column(dst, "SELECT order_id || '/' || line || '/' || product_id FROM items"),
            Column(src, "SELECT order_id || '/' || line || '/' || product_id FROM items WHERE order_id IN (" +
                            orders + ")"));
  EXPECT_EQ(Column(dst, "SELECT id FROM tickets"),
            Column(src, "SELECT id FROM tickets WHERE customer_id IN (" + customers + ")"));
  // Parents only as far as referred to: the products of the items, and
  // their categories up to the root of the tree.
  EXPECT_EQ(Column(dst, "SELECT id FROM products"), Column(dst, "SELECT product_id FROM items"));
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM categories WHERE id = 1"), 1);
  // Masked on the way, as without --subset.
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM customers WHERE email LIKE 'person%'"), 0);
  // Linked to nothing: no rows, and the run says so.
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM audit"), 0);
  EXPECT_NE(output.find("audit: no rows (linked to no row of the sample)"), std::string::npos) << output;

  // The same key chooses the same rows; a count gives exactly that many
  // roots, and naming the unlinked table copies it.
  ASSERT_EQ(Mask(src, dst2, "--subset customers=10%", &output), 0) << output;
  EXPECT_EQ(Column(dst2, "SELECT id FROM customers"), Column(dst, "SELECT id FROM customers"));
  const std::string dst3 = CreateDatabase("subset_dst3");
  Exec(dst3, kSchema);
  ASSERT_EQ(Mask(src, dst3, "--subset customers=37 --subset audit=100%", &output), 0) << output;
  testing::ExpectForeignKeysHold(dst3);
  EXPECT_EQ(Count(dst3, "SELECT count(*) FROM customers"), 37);
  EXPECT_EQ(Count(dst3, "SELECT count(*) FROM audit"), 50);
}

// Products as the entity: the items that refer to a chosen product come
// down with it (a second foreign key, not the counting one), and their
// orders and customers are closed upwards.
TEST_F(PostgresMaskSubset, ChildrenAlongAnyForeignKey) {
  const std::string src = CreateDatabase("subset_src4"), dst = CreateDatabase("subset_dst4");
  Exec(src, std::string(kSchema) + kRows);
  Exec(dst, kSchema);
  std::string output;
  ASSERT_EQ(Mask(src, dst, "--subset products=5%", &output), 0) << output;
  testing::ExpectForeignKeysHold(dst);
  const std::string products = InList(Column(dst, "SELECT id FROM products"));
  // Items of other products come along when an order holds both; every
  // item of a chosen product is there.
  EXPECT_EQ(Count(src, "SELECT count(*) FROM items WHERE product_id IN (" + products + ")"),
            Count(dst, "SELECT count(*) FROM items WHERE product_id IN (" + products + ")"));
  EXPECT_GT(Count(dst, "SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Column(dst, "SELECT id FROM customers"), Column(dst, "SELECT customer_id FROM orders"));

  // Down a self-reference: a chosen category brings its whole subtree (and
  // the products in it), and its ancestors up to the root.
  const std::string dst2 = CreateDatabase("subset_dst4b");
  Exec(dst2, kSchema);
  ASSERT_EQ(Mask(src, dst2, "--subset categories=3", &output), 0) << output;
  testing::ExpectForeignKeysHold(dst2);
  const std::set<std::string> categories = Column(dst2, "SELECT id FROM categories");
  EXPECT_GE(categories.size(), 3u);
  // Every category has products in the source, so the categories of steps 1
  // and 2 (chosen, or below a chosen one) are those of the products taken:
  // they hold every child of theirs and every product of theirs.
  const std::string below = InList(Column(dst2, "SELECT category_id FROM products"));
  EXPECT_GE(Column(dst2, "SELECT category_id FROM products").size(), 3u);
  EXPECT_EQ(Count(src, "SELECT count(*) FROM categories WHERE parent_id IN (" + below + ") AND id NOT IN (" + below + ")"), 0);
  EXPECT_EQ(Column(dst2, "SELECT id FROM products"),
            Column(src, "SELECT id FROM products WHERE category_id IN (" + below + ")"));
  // The others are there as ancestors only.
  EXPECT_EQ(Count(dst2, "SELECT count(*) FROM categories c WHERE c.id NOT IN (" + below +
                            ") AND NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = c.id)"),
            0);
  EXPECT_GE(categories.size(), 3u);
}

TEST_F(PostgresMaskSubset, BadArgumentsAreRefusedAndNothingIsWritten) {
  const std::string src = CreateDatabase("subset_src5"), dst = CreateDatabase("subset_dst5");
  Exec(src, std::string(kSchema) + kRows);
  Exec(dst, kSchema);
  std::string output;
  EXPECT_EQ(Mask(src, dst, "--subset clients=5%", &output), 2) << output;
  EXPECT_NE(output.find("no table 'clients'"), std::string::npos) << output;
  for (const char* bad : {"customers=0%", "customers=101%", "customers=5%%", "customers=abc", "customers=0",
                          "customers=", "=5%", "customers=-3"}) {
    EXPECT_EQ(Mask(src, dst, std::string("--subset ") + bad, &output), 2) << bad << ": " << output;
    EXPECT_NE(output.find("--subset"), std::string::npos) << bad << ": " << output;
  }
  EXPECT_EQ(Count(dst, "SELECT count(*) FROM customers"), 0);
  // A CSV folder has no declared links.
  EXPECT_EQ(RunCommand(SeedforgeBinary() + " mask --from " + dir_.string() + " --to " + (dir_ / "out").string() +
                           " --key-file " + (dir_ / "key").string() + " --subset customers=5%",
                       &output),
            2)
      << output;
  EXPECT_NE(output.find("database source"), std::string::npos) << output;
}

}  // namespace
}  // namespace seedforge
