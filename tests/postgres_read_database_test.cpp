// ReadPostgresDatabase against a real server: a shop with a root
// (customer, with a self-reference), a child (orders), a grandchild
// (order_line, which also refers to product), a junction (product_tag)
// and lookup roots (product, tag). Read whole, every value and NULL comes
// back with the type of its SQL column; read as a sample, the sample is
// FK-closed, the same for a seed, and never the whole of the big tables.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "learn/database_model.h"
#include "load/conninfo.h"
#include "load/pg_read_session.h"
#include "seedforge/database.h"
#include "seedforge/registry.h"
#include "support/pg_fixture.h"

namespace seedforge {
namespace {

constexpr int kCustomers = 200, kOrdersPerCustomer = 10, kProducts = 300, kTags = 10;

// Rows in a deterministic pattern, so every value can be checked: zip NULL
// on every 5th customer, score on every 6th, referred_by on every 4th (and
// the first); a name with a tab, a line break and a backslash.
constexpr const char* kShop = R"sql(
CREATE TABLE customer (
  customer_id serial PRIMARY KEY, name text NOT NULL, zip varchar(5), score numeric(6,2), code integer,
  signed_up date, vip boolean, seen_at timestamptz,
  referred_by integer REFERENCES customer (customer_id));
CREATE TABLE product (product_id serial PRIMARY KEY, title text NOT NULL, price numeric(8,2) NOT NULL);
CREATE TABLE tag (tag_id serial PRIMARY KEY, label text NOT NULL UNIQUE);
CREATE TABLE orders (order_id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customer,
  placed_at timestamp NOT NULL, note text);
CREATE TABLE order_line (order_id integer NOT NULL REFERENCES orders, line_no integer NOT NULL,
  product_id integer NOT NULL REFERENCES product, qty integer NOT NULL, PRIMARY KEY (order_id, line_no));
CREATE TABLE product_tag (product_id integer NOT NULL REFERENCES product, tag_id integer NOT NULL REFERENCES tag,
  PRIMARY KEY (product_id, tag_id));
INSERT INTO customer (name, zip, score, code, signed_up, vip, seen_at, referred_by)
  SELECT CASE WHEN i = 3 THEN E'tab\there\nnew \\ line' ELSE 'c' || i END,
         CASE WHEN i % 5 = 0 THEN NULL ELSE lpad((i * 37)::text, 5, '0') END,
         CASE WHEN i % 6 = 0 THEN NULL ELSE i * 1.25 END, i % 7, date '2020-01-01' + i, i % 3 = 0,
         timestamptz '2021-06-01 12:00:00+02' + i * interval '90 minutes',
         CASE WHEN i % 4 = 0 OR i = 1 THEN NULL ELSE i / 2 END
  FROM generate_series(1, 200) i;
INSERT INTO product (title, price) SELECT 'p' || i, (i % 50) + 0.99 FROM generate_series(1, 300) i;
INSERT INTO tag (label) SELECT 't' || i FROM generate_series(1, 10) i;
INSERT INTO orders (customer_id, placed_at, note)
  SELECT (i % 200) + 1, timestamp '2022-01-01' + i * interval '1 hour', CASE WHEN i % 2 = 0 THEN 'n' || i END
  FROM generate_series(0, 1999) i;
INSERT INTO order_line SELECT o, l, ((o * 31 + l * 17) % 300) + 1, l FROM generate_series(1, 2000) o,
  generate_series(1, 10) l WHERE l <= 1 + o % 10;
INSERT INTO product_tag SELECT p, (p % 10) + 1 FROM generate_series(1, 300) p
  UNION SELECT p, ((p * 3 + 1) % 10) + 1 FROM generate_series(1, 300) p;
)sql";

class PostgresReadDatabase : public testing::PostgresSuite {
 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    if (HasFatalFailure() || !uri_.empty()) return;
    uri_ = CreateDatabase("shop");
    pqxx::connection c(uri_);
    pqxx::work tx(c);
    tx.exec(kShop);
    tx.commit();
  }

  static int64_t Count(const std::string& sql) {
    pqxx::connection c(uri_);
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  static DatabaseSample Read(uint64_t sample_rows, uint64_t seed = 1, std::vector<std::string>* lines = nullptr,
                             const std::string& uri = "") {
    ReadDatabaseOptions options;
    options.uri = uri.empty() ? uri_ : uri;
    options.sample_rows = sample_rows;
    options.seed = seed;
    if (lines) options.progress = [lines](std::string_view line) { lines->emplace_back(line); };
    return ReadPostgresDatabase(options, BuiltinRegistry());
  }

  static std::string uri_;
};

std::string PostgresReadDatabase::uri_;

const TableColumn& Column(const DatabaseSample& sample, const std::string& table, const std::string& column) {
  const Table& t = sample.tables.at(table);
  const int c = t.Find(column);
  EXPECT_GE(c, 0) << table << "." << column;
  return t.columns.at(static_cast<size_t>(c));
}

// Every foreign key of the schema, checked in the rows read: each non-NULL
// value of the child's columns is a key of a row of the parent.
void ExpectClosed(const DatabaseSample& sample) {
  for (const DomainEntity& entity : sample.schema.entities) {
    const Table& child = sample.tables.at(entity.name);
    for (const DomainLink& link : entity.links) {
      const Table& parent = sample.tables.at(link.parent);
      std::set<std::vector<std::string>> keys;
      for (size_t r = 0; r < parent.rows(); ++r) {
        std::vector<std::string> key;
        for (const std::string& c : link.parent_columns) key.emplace_back(parent.columns[parent.Find(c)].Text(r));
        keys.insert(key);
      }
      size_t checked = 0;
      for (size_t r = 0; r < child.rows(); ++r) {
        std::vector<std::string> key;
        bool null = false;
        for (const std::string& c : link.columns) {
          const TableColumn& column = child.columns[child.Find(c)];
          null = null || column.IsNull(r);
          key.emplace_back(column.Text(r));
        }
        if (null) continue;
        ++checked;
        EXPECT_TRUE(keys.count(key)) << entity.name << " row " << r << " refers to a " << link.parent
                                     << " row not in the sample: " << key[0];
      }
      EXPECT_GT(checked, 0u) << entity.name << " -> " << link.parent << ": nothing to check";
    }
  }
}

TEST_F(PostgresReadDatabase, WholeDatabaseKeepsValuesNullsAndSqlTypes) {
  std::vector<std::string> lines;
  const DatabaseSample sample = Read(0, 1, &lines);
  ASSERT_EQ(sample.schema.entities.size(), 6u);
  for (const char* table : {"customer", "product", "tag", "orders", "order_line", "product_tag"}) {
    const int64_t rows = Count(std::string("SELECT count(*) FROM ") + table);
    EXPECT_EQ(static_cast<int64_t>(sample.tables.at(table).rows()), rows) << table;
    EXPECT_EQ(static_cast<int64_t>(sample.full_rows.at(table)), rows) << table;
    bool reported = false;
    for (const std::string& line : lines) reported = reported || line.rfind(std::string(table) + ": " + std::to_string(rows) + " rows in ", 0) == 0;
    EXPECT_TRUE(reported) << table << " has no progress line";
  }
  EXPECT_TRUE(sample.sampled_rows.empty());
  EXPECT_EQ(Column(sample, "customer", "code").type, ColumnType::kInteger);
  EXPECT_EQ(Column(sample, "customer", "score").type, ColumnType::kDecimal);
  EXPECT_EQ(Column(sample, "customer", "signed_up").type, ColumnType::kDate);
  EXPECT_EQ(Column(sample, "customer", "vip").type, ColumnType::kBoolean);
  EXPECT_EQ(Column(sample, "customer", "seen_at").type, ColumnType::kTimestamp);
  EXPECT_EQ(Column(sample, "customer", "customer_id").type, ColumnType::kId);
  EXPECT_EQ(Column(sample, "orders", "customer_id").type, ColumnType::kId);
  EXPECT_EQ(Column(sample, "order_line", "qty").type, ColumnType::kInteger);
  // Digits in a varchar stay text, with their leading zeros.
  EXPECT_TRUE(IsTextType(Column(sample, "customer", "zip").type)) << ColumnTypeName(Column(sample, "customer", "zip").type);

  // Every customer's values, against the database's own.
  pqxx::connection c(uri_);
  pqxx::nontransaction tx(c);
  std::map<std::string, pqxx::row> expected;
  pqxx::result rows = tx.exec(
      "SELECT customer_id::text, name, zip, score::float8, code, signed_up - date '1970-01-01', vip,"
      " (extract(epoch FROM seen_at) * 1000000)::bigint, referred_by::text FROM customer");
  for (const pqxx::row& row : rows) expected.emplace(row[0].as<std::string>(), row);
  const Table& customer = sample.tables.at("customer");
  ASSERT_EQ(customer.rows(), expected.size());
  int nulls = 0;
  for (size_t r = 0; r < customer.rows(); ++r) {
    const pqxx::row& want = expected.at(std::string(Column(sample, "customer", "customer_id").Text(r)));
    EXPECT_EQ(Column(sample, "customer", "name").Text(r), want[1].as<std::string>());
    const TableColumn& zip = Column(sample, "customer", "zip");
    EXPECT_EQ(zip.IsNull(r), want[2].is_null());
    if (!want[2].is_null()) {
      EXPECT_EQ(zip.Text(r), want[2].as<std::string>());
    }
    const TableColumn& score = Column(sample, "customer", "score");
    EXPECT_EQ(score.IsNull(r), want[3].is_null());
    if (!want[3].is_null()) {
      EXPECT_DOUBLE_EQ(score.numbers[r], want[3].as<double>());
    }
    EXPECT_EQ(Column(sample, "customer", "code").ints[r], want[4].as<int64_t>());
    EXPECT_EQ(Column(sample, "customer", "signed_up").ints[r], want[5].as<int64_t>());
    EXPECT_EQ(Column(sample, "customer", "vip").ints[r], want[6].as<bool>() ? 1 : 0);
    EXPECT_EQ(Column(sample, "customer", "seen_at").ints[r], want[7].as<int64_t>());
    const TableColumn& referred = Column(sample, "customer", "referred_by");
    EXPECT_EQ(referred.IsNull(r), want[8].is_null());
    if (!want[8].is_null()) {
      EXPECT_EQ(referred.Text(r), want[8].as<std::string>());
    }
    nulls += zip.IsNull(r) + score.IsNull(r) + referred.IsNull(r);
  }
  EXPECT_EQ(nulls, 40 + 33 + 51);  // every 5th, every 6th, every 4th and the first
  ExpectClosed(sample);
}

TEST_F(PostgresReadDatabase, SampleIsClosedDeterministicAndBounded) {
  std::vector<std::string> lines;
  const DatabaseSample sample = Read(20, 7, &lines);
  ExpectClosed(sample);
  // The sample proper: 20 customers and 20 products drawn (tag has only
  // 10), then every order of those customers, every line of those orders.
  EXPECT_EQ(sample.sampled_rows.at("customer"), 20u);
  EXPECT_EQ(sample.sampled_rows.at("product"), 20u);
  EXPECT_EQ(sample.sampled_rows.at("tag"), static_cast<uint64_t>(kTags));
  EXPECT_EQ(sample.sampled_rows.at("orders"), 20u * kOrdersPerCustomer);
  const Table& orders = sample.tables.at("orders");
  EXPECT_EQ(orders.rows(), sample.sampled_rows.at("orders")) << "nothing refers to an order but its lines";
  // The customers that referred_by pulls in come after the 20 drawn.
  EXPECT_GT(sample.tables.at("customer").rows(), 20u);
  std::map<std::string, int> orders_of;
  for (size_t r = 0; r < orders.rows(); ++r) ++orders_of[std::string(Column(sample, "orders", "customer_id").Text(r))];
  const TableColumn& customer_id = Column(sample, "customer", "customer_id");
  for (size_t r = 0; r < sample.tables.at("customer").rows(); ++r) {
    const int expected = r < 20 ? kOrdersPerCustomer : 0;
    EXPECT_EQ(orders_of[std::string(customer_id.Text(r))], expected) << "customer " << customer_id.Text(r);
  }
  // The lines: exactly those of the sampled orders, a fraction of them all.
  int64_t lines_of_sampled = 0;
  {
    std::string ids;
    for (size_t r = 0; r < orders.rows(); ++r) ids += (ids.empty() ? "" : ",") + std::string(Column(sample, "orders", "order_id").Text(r));
    lines_of_sampled = Count("SELECT count(*) FROM order_line WHERE order_id IN (" + ids + ")");
  }
  const uint64_t all_lines = static_cast<uint64_t>(Count("SELECT count(*) FROM order_line"));
  EXPECT_EQ(static_cast<int64_t>(sample.tables.at("order_line").rows()), lines_of_sampled);
  EXPECT_LT(sample.tables.at("order_line").rows() * 5, all_lines);
  EXPECT_EQ(sample.full_rows.at("order_line"), all_lines);
  EXPECT_EQ(sample.full_rows.at("customer"), static_cast<uint64_t>(kCustomers));
  // Products: the 20 drawn, then those the lines refer to; product_tag has
  // the tags of the 20 drawn only.
  EXPECT_GT(sample.tables.at("product").rows(), 20u);
  EXPECT_LT(sample.tables.at("product").rows(), static_cast<size_t>(kProducts));
  EXPECT_EQ(sample.sampled_rows.at("product_tag"), sample.tables.at("product_tag").rows());
  EXPECT_LE(sample.tables.at("product_tag").rows(), 40u);
  bool closing_reported = false;
  for (const std::string& line : lines) closing_reported = closing_reported || (line.rfind("product: ", 0) == 0 && line.find("refers to") != std::string::npos);
  EXPECT_TRUE(closing_reported);

  // The same seed, the same rows in the same order; another seed, others.
  const DatabaseSample again = Read(20, 7);
  const DatabaseSample other = Read(20, 8);
  for (const auto& [name, table] : sample.tables) {
    const Table& same = again.tables.at(name);
    ASSERT_EQ(same.rows(), table.rows()) << name;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      for (size_t r = 0; r < table.rows(); ++r) {
        ASSERT_EQ(same.columns[c].Text(r), table.columns[c].Text(r)) << name << " row " << r;
      }
    }
  }
  std::set<std::string> drawn, drawn_other;
  for (size_t r = 0; r < 20; ++r) {
    drawn.emplace(customer_id.Text(r));
    drawn_other.emplace(Column(other, "customer", "customer_id").Text(r));
  }
  EXPECT_NE(drawn, drawn_other);
  ExpectClosed(other);
}

// Learning from the sample: children are counted along the link the
// sampler read them by, and only over the sample proper. Every customer
// has 10 orders; the customers that referred_by pulls in have none in the
// sample, and counting them would teach 0 as often as 10.
TEST_F(PostgresReadDatabase, SampleIsLearnedAlongTheLinkItWasReadBy) {
  const DatabaseSample sample = Read(50, 3);
  const int customer = sample.schema.FindEntity("customer"), orders = sample.schema.FindEntity("orders");
  EXPECT_EQ(sample.counting_links.at("orders"), 0);
  EXPECT_EQ(sample.counting_links.at("customer"), -1);
  ASSERT_GT(sample.tables.at("customer").rows(), 50u) << "referred_by pulls in customers past the sample proper";
  const internal::DatabasePlan plan = internal::PlanDatabase(sample);
  EXPECT_EQ(plan.entities[orders].counting_link, 0);
  const DataTable training = internal::TrainingTable(sample, plan, customer);
  ASSERT_EQ(training.rows, 50u);
  const int n_orders = training.Find("n_orders");
  ASSERT_GE(n_orders, 0);
  for (size_t r = 0; r < training.rows; ++r) EXPECT_EQ(training.columns[n_orders].ints[r], kOrdersPerCustomer) << r;
}

TEST_F(PostgresReadDatabase, TablesSubsetDropsLinksAndRefusesUnknownNames) {
  ReadDatabaseOptions options;
  options.uri = uri_;
  options.tables = {"orders", "order_line"};
  std::vector<std::string> lines;
  options.progress = [&](std::string_view line) { lines.emplace_back(line); };
  const DatabaseSample sample = ReadPostgresDatabase(options, BuiltinRegistry());
  ASSERT_EQ(sample.tables.size(), 2u);
  ASSERT_EQ(sample.schema.entities.size(), 2u);
  EXPECT_EQ(sample.tables.at("order_line").rows(), static_cast<size_t>(Count("SELECT count(*) FROM order_line")));
  // orders -> customer and order_line -> product are gone; the columns stay.
  const DomainEntity& line_entity = sample.schema.entities[static_cast<size_t>(sample.schema.FindEntity("order_line"))];
  ASSERT_EQ(line_entity.links.size(), 1u);
  EXPECT_EQ(line_entity.links[0].parent, "orders");
  EXPECT_EQ(Column(sample, "orders", "customer_id").type, ColumnType::kInteger);
  int dropped = 0;
  for (const std::string& line : lines) dropped += line.find("link dropped") != std::string::npos;
  EXPECT_EQ(dropped, 2);

  options.tables = {"orders", "invoices"};
  try {
    ReadPostgresDatabase(options, BuiltinRegistry());
    FAIL() << "an unknown table was accepted";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'invoices' is not a table"), std::string::npos) << message;
    EXPECT_NE(message.find("order_line"), std::string::npos) << "the known tables are not listed: " << message;
  }
}

// A role with a password and nothing but SELECT: the read is read-only, and
// the password shows neither in the source nor in any error.
TEST_F(PostgresReadDatabase, SelectOnlyRoleReadsAndPasswordNeverShows) {
  const std::string password = "s3cr:t/p@ss";
  {
    pqxx::connection admin(uri_);
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE ROLE shop_reader LOGIN PASSWORD " + tx.quote(password));
    tx.exec("GRANT USAGE ON SCHEMA public TO shop_reader");
    tx.exec("GRANT SELECT ON ALL TABLES IN SCHEMA public TO shop_reader");
    std::ofstream(Sandbox().dir() / "data" / "pg_hba.conf", std::ios::app)
        << "host all shop_reader 127.0.0.1/32 scram-sha-256\n";
    tx.exec("SELECT pg_reload_conf()");
  }
  const std::string where = "127.0.0.1:" + std::to_string(Sandbox().port()) + "/shop";
  const std::string uri = "postgresql://shop_reader:" + PercentEncode(password) + "@" + where;
  // The postmaster rereads pg_hba.conf when it gets to the signal.
  std::string error;
  for (int i = 0; i < 100; ++i) {
    try {
      pqxx::connection c(uri);
      error.clear();
      break;
    } catch (const std::exception& e) {
      error = e.what();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_EQ(error, "");
  const DatabaseSample sample = Read(10, 1, nullptr, uri);
  EXPECT_EQ(sample.source, "postgresql://shop_reader:***@" + where);
  EXPECT_EQ(sample.tables.size(), 6u);
  ExpectClosed(sample);

  auto expect_hidden = [&](const std::string& what, const std::function<void()>& read) {
    try {
      read();
      ADD_FAILURE() << what << ": no error";
    } catch (const std::exception& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find(password), std::string::npos) << what << ": " << message;
      EXPECT_EQ(message.find(PercentEncode(password)), std::string::npos) << what << ": " << message;
      EXPECT_NE(message.find(where), std::string::npos) << what << " does not say which database: " << message;
    }
  };
  ReadDatabaseOptions options;
  options.uri = uri;
  options.tables = {"nope"};
  expect_hidden("unknown table", [&] { ReadPostgresDatabase(options, BuiltinRegistry()); });
  options.tables = {};
  options.uri = "postgresql://shop_reader:" + PercentEncode(password + "x") + "@" + where;
  expect_hidden("wrong password", [&] { ReadPostgresDatabase(options, BuiltinRegistry()); });
  // A table it may not read fails inside the read, not before.
  {
    pqxx::connection admin(uri_);
    pqxx::nontransaction tx(admin);
    tx.exec("REVOKE SELECT ON order_line FROM shop_reader");
  }
  options.uri = uri;
  expect_hidden("no SELECT on a table", [&] { ReadPostgresDatabase(options, BuiltinRegistry()); });
}

TEST(PgReadSession, SplitsCopyTextLines) {
  std::string buffer;
  std::vector<std::optional<std::string_view>> fields;
  SplitCopyLine("a\\tb\t\\N\t\tx\\\\y\\n\\101\\x41", buffer, fields);
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], "a\tb");
  EXPECT_FALSE(fields[1].has_value());
  EXPECT_EQ(fields[2], "");
  EXPECT_EQ(fields[3], "x\\y\nAA");
  EXPECT_THROW(SplitCopyLine("a\\", buffer, fields), Error);
}

}  // namespace
}  // namespace seedforge
