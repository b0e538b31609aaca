// `seedforge profile --from postgresql://...` against a real server: the
// database is read as `learn --from` reads it (types from the SQL columns,
// an FK-closed sample with --sample-rows), personal columns are found, and
// --domain-out gives them providers.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPeople = R"sql(
CREATE TABLE customer (
  customer_id serial PRIMARY KEY, full_name text NOT NULL, contact text, tax_number char(11), phone text,
  zip varchar(5), born_on date, last_ip inet, notes text, tier text NOT NULL);
CREATE TABLE orders (order_id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customer,
  order_no bigint NOT NULL, amount numeric(8,2) NOT NULL);
INSERT INTO customer (full_name, contact, tax_number, phone, zip, born_on, last_ip, notes, tier)
  SELECT (ARRAY['Mary','James','Linda','Robert','Susan','David','Karen','Thomas'])[i % 8 + 1] || ' ' ||
           (ARRAY['Smith','Johnson','Brown','Garcia','Miller','Davis','Wilson','Moore','Clark'])[i % 9 + 1],
         CASE WHEN i % 10 = 0 THEN NULL ELSE 'user' || i || '@example.com' END,
         (100 + i)::text || '-' || (10 + i % 80)::text || '-' || (1000 + i)::text,
         '(' || (ARRAY['212','415','312','617'])[i % 4 + 1] || ') ' || (220 + i % 700)::text || '-' ||
           lpad(i::text, 4, '0'),
         (ARRAY['10001','94103','60601','02139','98101','33056'])[i % 6 + 1],
         date '1950-01-01' + i * 97,
         (((i * 37) % 200 + 20)::text || '.' || (i % 250)::text || '.' || ((i * 7) % 250)::text || '.' ||
           (i % 200 + 1)::text)::inet,
         CASE WHEN i % 4 = 0 THEN 'please call ' || '(212) 555-' || lpad(i::text, 4, '0') || ' after noon'
              ELSE 'nothing to add for now' END,
         (ARRAY['gold','silver','bronze'])[i % 3 + 1]
  FROM generate_series(1, 200) i;
INSERT INTO orders (customer_id, order_no, amount)
  SELECT (i % 200) + 1, 4000000000000000 + i * 7919, (i % 90) + 0.5 FROM generate_series(1, 1000) i;
)sql";

class PostgresProfile : public testing::PostgresSuite {
 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    if (HasFatalFailure() || !uri_.empty()) return;
    const std::string uri = CreateDatabase("people");
    pqxx::connection c(uri);
    pqxx::work tx(c);
    tx.exec(kPeople);
    tx.commit();
    uri_ = uri;
  }
  static std::string uri_;
};

std::string PostgresProfile::uri_;

TEST_F(PostgresProfile, FindsPersonalColumnsAndProposesProviders) {
  const fs::path dir = testing::MakeTempDir("pg_profile");
  const fs::path json = dir / "p.json", domain = dir / "proposed/domain.yaml";
  std::string output;
  const int status = testing::RunCommand(testing::SeedforgeBinary() + " profile -q --from " + testing::ShellQuote(uri_) +
                                             " --json " + json.string() + " --domain-out " + domain.string() + " 2>&1",
                                         &output);
  ASSERT_EQ(status, 0) << output;
  const nlohmann::json profile = nlohmann::json::parse(testing::ReadFile(json));
  std::map<std::string, nlohmann::json> by;
  for (const nlohmann::json& c : profile["columns"]) {
    by[c["table"].get<std::string>() + "." + c["column"].get<std::string>()] = c;
  }
  const std::map<std::string, std::string> kinds = {
      {"customer.full_name", "full_name"}, {"customer.contact", "email"},   {"customer.tax_number", "ssn"},
      {"customer.phone", "phone"},         {"customer.zip", "zip"},         {"customer.born_on", "date_of_birth"},
      {"customer.last_ip", "ip_address"},  {"customer.notes", "free_text"}, {"customer.tier", "none"},
      {"orders.order_no", "none"},         {"orders.amount", "none"}};
  for (const auto& [column, kind] : kinds) EXPECT_EQ(by[column]["pii"]["kind"], kind) << column;
  EXPECT_DOUBLE_EQ(by["customer.contact"]["null_rate"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(by["customer.notes"]["pii"]["evidence"]["rows_affected"].get<double>(), 0.25);
  EXPECT_EQ(by["orders.amount"]["type"], "decimal");
  EXPECT_EQ(by["customer.born_on"]["type"], "date");
  const std::string text = testing::ReadFile(domain);
  EXPECT_NE(text.find("contact:"), std::string::npos) << text;
  EXPECT_NE(text.find("provider: email"), std::string::npos) << text;
  EXPECT_NE(text.find("provider: ssn"), std::string::npos) << text;
  EXPECT_NE(text.find("provider: date_of_birth"), std::string::npos) << text;
  EXPECT_EQ(text.find("user1@example.com"), std::string::npos);
  fs::remove_all(dir);
}

TEST_F(PostgresProfile, SampleRowsReadsAnFkClosedSample) {
  const fs::path dir = testing::MakeTempDir("pg_profile_sample");
  const fs::path json = dir / "p.json";
  std::string output;
  const int status = testing::RunCommand(testing::SeedforgeBinary() + " profile -q --from " + testing::ShellQuote(uri_) +
                                             " --sample-rows 50 --json " + json.string() + " 2>&1",
                                         &output);
  ASSERT_EQ(status, 0) << output;
  const nlohmann::json profile = nlohmann::json::parse(testing::ReadFile(json));
  for (const nlohmann::json& c : profile["columns"]) {
    if (c["table"] == "customer") {
      EXPECT_LT(c["rows"].get<int>(), 200) << c["column"];
      EXPECT_GE(c["rows"].get<int>(), 25) << c["column"];
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
