// End-to-end tests of `seedforge mask` over CSV folders: consistency across
// tables and runs, joins, no source value left, untouched bytes, and the
// refusals (no key, in place, foreign files).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "seedforge/csv.h"
#include "seedforge/identifiers.h"
#include "seedforge/table.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;

constexpr const char* kKey = "mask-cli-test key 0123456789abcdef";

void Write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Rows of a CSV file, NULL as nullopt.
std::vector<std::vector<std::optional<std::string>>> ReadRows(const fs::path& path, std::vector<std::string>* header) {
  const std::string text = ReadFile(path);
  auto reader = CsvReader::FromText(text, path.string());
  if (header) *header = reader->header();
  std::vector<std::vector<std::optional<std::string>>> rows;
  while (reader->Next()) {
    rows.emplace_back();
    for (const auto& f : reader->fields()) rows.back().push_back(f ? std::optional<std::string>(*f) : std::nullopt);
  }
  return rows;
}

// A customers table and an orders table whose customer_id and email repeat
// the customer's: 1,000 customers, 3,000 orders.
struct Fixture {
  fs::path dir = MakeTempDir("mask_cli");
  fs::path src = dir / "src";
  fs::path key = dir / "mask.key";
  fs::path rules = dir / "rules.yaml";
  std::map<std::string, std::vector<std::string>> masked_values;  // column -> source values

  Fixture() {
    fs::create_directories(src);
    Write(key, std::string(kKey) + "\n");
    std::mt19937_64 random(11);
    std::string customers = "id,email,ssn,phone,card,joined\n";
    std::vector<std::string> emails;
    for (int id = 1; id <= 1000; ++id) {
      char ssn[12], phone[16], card[20];
      do {
        std::snprintf(ssn, sizeof ssn, "%03d-%02d-%04d", static_cast<int>(random() % 900),
                      static_cast<int>(random() % 100), static_cast<int>(random() % 10000));
      } while (!identifiers::SsnValid(ssn));
      std::snprintf(phone, sizeof phone, "(%03d) %03d-%04d", 201 + static_cast<int>(random() % 700),
                    200 + static_cast<int>(random() % 700), static_cast<int>(random() % 10000));
      std::string pan = "411111" + std::to_string(100'000'000 + random() % 900'000'000);
      pan += identifiers::LuhnCheckDigit(pan);
      std::snprintf(card, sizeof card, "%s", pan.c_str());
      const std::string email = "customer" + std::to_string(id * 7919 % 100'003) + "@example.com";
      emails.push_back(email);
      customers += std::to_string(id) + "," + email + "," + ssn + "," + phone + "," + card + ",2024-0" +
                   std::to_string(1 + id % 9) + "-1" + std::to_string(id % 10) + "\n";
      masked_values["email"].push_back(email);
      masked_values["ssn"].push_back(ssn);
      masked_values["phone"].push_back(phone);
      masked_values["card"].push_back(pan);
    }
    std::string orders = "order_id,customer_id,email,ordered_at,note\n";
    for (int o = 1; o <= 3000; ++o) {
      const int customer = 1 + static_cast<int>(random() % 1000);
      orders += std::to_string(o) + "," + std::to_string(customer) + "," + emails[customer - 1] + ",2024-10-0" +
                std::to_string(1 + o % 9) + " 12:00:00," + (o % 5 == 0 ? "" : "\"plain, \"\"quoted\"\"\"") + "\n";
    }
    Write(src / "customers.csv", customers);
    Write(src / "orders.csv", orders);
    Write(rules, R"(customers.id: {digits: {kind: customer_id}}
orders.customer_id: {digits: {kind: customer_id}}
customers.email: email
orders.email: email
customers.ssn: ssn
customers.phone: phone
customers.card: card
customers.joined: {date_shift: {days: 30, entity: customers.id}}
orders.ordered_at: {date_shift: {days: 30, entity: customers.id}}
)");
  }
  ~Fixture() { fs::remove_all(dir); }

  int Mask(const fs::path& to, std::string* output, const std::string& extra = "") const {
    return RunCommand(SeedforgeBinary() + " mask --from " + src.string() + " --to " + to.string() + " --key-file " +
                          key.string() + " --rules " + rules.string() + " " + extra,
                      output);
  }
};

TEST(MaskCli, SameInTwoTablesAndTwoRunsAndJoinsSurvive) {
  Fixture f;
  std::string output;
  ASSERT_EQ(f.Mask(f.dir / "a", &output), 0) << output;
  ASSERT_EQ(f.Mask(f.dir / "b", &output), 0) << output;
  EXPECT_EQ(output.find(kKey), std::string::npos) << "the key was printed";
  for (const char* file : {"customers.csv", "orders.csv"}) {
    EXPECT_EQ(ReadFile(f.dir / "a" / file), ReadFile(f.dir / "b" / file)) << file;
  }
  auto source_customers = ReadRows(f.src / "customers.csv", nullptr);
  auto source_orders = ReadRows(f.src / "orders.csv", nullptr);
  auto customers = ReadRows(f.dir / "a" / "customers.csv", nullptr);
  auto orders = ReadRows(f.dir / "a" / "orders.csv", nullptr);
  ASSERT_EQ(customers.size(), 1000u);
  ASSERT_EQ(orders.size(), 3000u);
  // Masked ids stay unique, and every order finds its customer by the
  // masked id with the same masked e-mail, and the same date shift as the
  // customer's (order date - joined date kept).
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < customers.size(); ++i) by_id[*customers[i][0]] = i;
  EXPECT_EQ(by_id.size(), 1000u);
  for (size_t o = 0; o < orders.size(); ++o) {
    auto it = by_id.find(*orders[o][1]);
    ASSERT_NE(it, by_id.end()) << "order " << *orders[o][0] << " lost its customer";
    const size_t c = it->second;
    EXPECT_EQ(*source_customers[c][0], *source_orders[o][1]);  // the same customer as before masking
    EXPECT_EQ(*orders[o][2], *customers[c][1]);
    auto days = [](const std::string& text) { return ParseDateTime(text)->micros / 86'400'000'000; };
    EXPECT_EQ(days(*orders[o][3]) - days(*customers[c][5]),
              days(*source_orders[o][3]) - days(*source_customers[c][5]));
  }
}

// Every field of every output file is compared with every source value of
// the masked PII columns, and the longer values are also looked for inside
// the files' text.
TEST(MaskCli, NoSourceValueLeftInTheOutput) {
  Fixture f;
  std::string output;
  ASSERT_EQ(f.Mask(f.dir / "out", &output), 0) << output;
  std::set<std::string> secrets;
  for (const auto& [column, values] : f.masked_values) secrets.insert(values.begin(), values.end());
  size_t fields = 0;
  for (const auto& entry : fs::directory_iterator(f.dir / "out")) {
    if (entry.path().extension() != ".csv") continue;
    for (const auto& row : ReadRows(entry.path(), nullptr)) {
      for (const auto& field : row) {
        ++fields;
        if (field) {
          EXPECT_FALSE(secrets.count(*field)) << *field << " left in " << entry.path();
        }
      }
    }
    const std::string text = ReadFile(entry.path());
    for (const std::string& secret : secrets) {
      ASSERT_EQ(text.find(secret), std::string::npos) << secret << " inside " << entry.path();
    }
  }
  EXPECT_EQ(fields, 1000u * 6 + 3000u * 5);
}

// Without --rules, the PII detector (seedforge/pii.h) chooses the columns:
// the e-mails, SSNs, phones and cards are all masked, the keys are not.
TEST(MaskCli, DefaultRulesComeFromTheDetector) {
  Fixture f;
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " mask --from " + f.src.string() + " --to " + (f.dir / "d").string() +
                           " --key-file " + f.key.string(),
                       &output),
            0)
      << output;
  for (const char* column : {"customers.email", "customers.ssn", "customers.phone", "customers.card", "orders.email"}) {
    EXPECT_NE(output.find(std::string(column) + ":"), std::string::npos) << column << " not masked:\n" << output;
  }
  std::set<std::string> secrets;
  for (const auto& [column, values] : f.masked_values) secrets.insert(values.begin(), values.end());
  for (const char* file : {"customers.csv", "orders.csv"}) {
    const std::string text = ReadFile(f.dir / "d" / file);
    for (const std::string& secret : secrets) ASSERT_EQ(text.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(ReadRows(f.dir / "d" / "orders.csv", nullptr)[0][1], ReadRows(f.src / "orders.csv", nullptr)[0][1]);
}

TEST(MaskCli, OtherKeyOtherOutput) {
  Fixture f;
  std::string output;
  ASSERT_EQ(f.Mask(f.dir / "a", &output), 0) << output;
  const fs::path other = f.dir / "other.key";
  Write(other, "a different key, also long enough\n");
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " mask --from " + f.src.string() + " --to " + (f.dir / "b").string() +
                           " --key-file " + other.string() + " --rules " + f.rules.string(),
                       &output),
            0)
      << output;
  auto a = ReadRows(f.dir / "a" / "customers.csv", nullptr);
  auto b = ReadRows(f.dir / "b" / "customers.csv", nullptr);
  int same_ssn = 0;
  for (size_t i = 0; i < a.size(); ++i) same_ssn += *a[i][2] == *b[i][2];
  EXPECT_EQ(same_ssn, 0);
}

// Columns without a rule come out byte for byte: quoting, doubled quotes,
// NULLs, "" (the empty string), CRLF, a byte-order mark, no final line break.
TEST(MaskCli, UntouchedBytesStayIdentical) {
  const fs::path dir = MakeTempDir("mask_bytes");
  fs::create_directories(dir / "src");
  const std::string people =
      "\xEF\xBB\xBF\"id\",email,\"note\"\r\n1,a@b.com,\"x, \"\"y\"\"\"\r\n2,,\"\"\r\n3,\"c@d.org\",\r\n4,e@f.net,\"multi\nline\"";
  Write(dir / "src" / "people.csv", people);
  const std::string other = "k,v\n1,\"2\"\n";
  Write(dir / "src" / "other.csv", other);
  Write(dir / "key", kKey);
  Write(dir / "rules.yaml", "people.email: email\n");
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " mask -q --from " + (dir / "src").string() + " --to " +
                           (dir / "out").string() + " --key-file " + (dir / "key").string() + " --rules " +
                           (dir / "rules.yaml").string(),
                       &output),
            0)
      << output;
  EXPECT_EQ(ReadFile(dir / "out" / "other.csv"), other);
  std::string masked = ReadFile(dir / "out" / "people.csv");
  // Put the source e-mails' places back to compare the rest.
  for (const char* email : {"a@b.com", "c@d.org", "e@f.net"}) EXPECT_EQ(masked.find(email), std::string::npos);
  auto rows = ReadRows(dir / "out" / "people.csv", nullptr);
  ASSERT_EQ(rows.size(), 4u);
  std::string rebuilt = masked;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {*rows[0][1], "a@b.com"}, {*rows[2][1], "c@d.org"}, {*rows[3][1], "e@f.net"}}) {
    rebuilt.replace(rebuilt.find(from), from.size(), to);
  }
  EXPECT_EQ(rebuilt, people);
  EXPECT_FALSE(rows[1][1].has_value());  // NULL stays NULL
  fs::remove_all(dir);
}

TEST(MaskCli, RefusesWithoutKeyInPlaceAndOverForeignFiles) {
  Fixture f;
  std::string output;
  // No key: refused before anything is written.
  const int status = RunCommand("env -u SEEDFORGE_MASK_KEY " + SeedforgeBinary() + " mask --from " + f.src.string() +
                                    " --to " + (f.dir / "none").string() + " --rules " + f.rules.string(),
                                &output);
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("SEEDFORGE_MASK_KEY"), std::string::npos);
  EXPECT_FALSE(fs::exists(f.dir / "none"));
  // The key from the environment works the same as the file.
  ASSERT_EQ(RunCommand(std::string("SEEDFORGE_MASK_KEY='") + kKey + "' " + SeedforgeBinary() + " mask --from " +
                           f.src.string() + " --to " + (f.dir / "env").string() + " --rules " + f.rules.string(),
                       &output),
            0)
      << output;
  ASSERT_EQ(f.Mask(f.dir / "file", &output), 0) << output;
  EXPECT_EQ(ReadFile(f.dir / "env" / "orders.csv"), ReadFile(f.dir / "file" / "orders.csv"));
  // In place.
  const std::string before = ReadFile(f.src / "customers.csv");
  EXPECT_EQ(f.Mask(f.src, &output), 2) << output;
  EXPECT_EQ(ReadFile(f.src / "customers.csv"), before);
  // A file seedforge did not write is not replaced, and nothing is written.
  fs::create_directories(f.dir / "theirs");
  Write(f.dir / "theirs" / "orders.csv", "mine\n");
  EXPECT_EQ(f.Mask(f.dir / "theirs", &output), 1) << output;
  EXPECT_EQ(ReadFile(f.dir / "theirs" / "orders.csv"), "mine\n");
  EXPECT_FALSE(fs::exists(f.dir / "theirs" / "customers.csv"));
  // A rerun into seedforge's own output replaces it.
  EXPECT_EQ(f.Mask(f.dir / "file", &output), 0) << output;
  // A rule naming a column that is not there: file:line of the rule.
  Write(f.rules, "customers.ssn: ssn\ncustomers.nope: email\n");
  EXPECT_EQ(f.Mask(f.dir / "bad", &output), 2);
  EXPECT_NE(output.find("rules.yaml:2"), std::string::npos) << output;
  EXPECT_NE(output.find("nope"), std::string::npos) << output;
}

}  // namespace
}  // namespace seedforge
