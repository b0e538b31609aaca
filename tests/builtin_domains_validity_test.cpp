// The promises of the built-in `employee` and `pci` domains, checked on the
// output of the binary: 100,000 employees and 100,000 cards, each value
// valid by its published rule (validators in tests/validate/, written from
// the rules, not from the providers' code).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "seedforge/column.h"
#include "seedforge/params.h"
#include "seedforge/tables.h"
#include "support/csv_reader.h"
#include "test_util.h"
#include "validate/finance_rules.h"
#include "validate/people_rules.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::CsvTable;

constexpr const char* kAsOf = "2026-01-01";

CsvTable Generate(const std::string& args, const std::string& file) {
  fs::path dir = testing::MakeTempDir("seedforge-validity");
  std::string output;
  int status = testing::RunCommand(testing::SeedforgeBinary() + " generate -q --as-of " + kAsOf + " --seed 7 --format csv --out " +
                                       dir.string() + " " + args,
                                   &output);
  EXPECT_EQ(status, 0) << output;
  CsvTable table = testing::ReadCsv((dir / file).string());
  fs::remove_all(dir);
  return table;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Letters only, lower case: how a name appears in an e-mail address.
std::string Slug(const std::string& s) {
  std::string out;
  for (char c : Lower(s)) {
    if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

TEST(EmployeeDomain, HundredThousandRowsAreValid) {
  CsvTable t = Generate("--domain employee --rows employees=100000", "employees.csv");
  ASSERT_EQ(t.rows.size(), 100000u);
  auto col = [&](const char* name) {
    int c = t.Column(name);
    EXPECT_GE(c, 0) << name;
    return c;
  };
  const int name = col("name"), user_id = col("user_id"), email = col("email"), ssn = col("ssn"),
            blood = col("blood_group"), gender = col("gender"), address = col("address"), city = col("city"),
            state = col("state"), zip = col("zip"), phone = col("phone"), dob = col("date_of_birth"),
            dl = col("driver_license");
  // Area codes by state, from the NANPA-derived table the contact pack ships.
  std::map<std::string, std::set<int>> area_codes;
  const std::string area_code_table = testing::ReadFile(testing::SourceDir() / "plugins/contact/data/area_codes.tsv");
  for (const auto& row : ParseTsv(area_code_table)) {
    area_codes[std::string(row[0])].insert(std::stoi(std::string(row[1])));
  }
  int64_t today = 0;
  ASSERT_TRUE(ParseDateSpec(kAsOf, 0, &today));
  std::set<std::string> emails, ssns, user_ids;
  const std::set<std::string> kBloodGroups = {"O+", "O-", "A+", "A-", "B+", "B-", "AB+", "AB-"};
  size_t failures = 0;
  for (const auto& row : t.rows) {
    auto v = [&](int c) { return row[c].value_or(""); };
    const std::string s = v(state);
    bool ok = true;
    ok &= validate::IsValidSsn(v(ssn));
    ok &= validate::IsValidEmail(v(email));
    std::string domain = v(email).substr(v(email).find('@') + 1);
    ok &= validate::IsReservedExampleDomain(domain);
    // Derived from the name: the local part holds the last name, or the
    // first name (forms such as first.last, flast, first_last).
    std::string local = Slug(v(email).substr(0, v(email).find('@')));
    std::string full = v(name);
    std::string first = Slug(full.substr(0, full.find(' '))), last = Slug(full.substr(full.rfind(' ') + 1));
    ok &= local.find(last) != std::string::npos || local.find(first) != std::string::npos;
    ok &= validate::IsValidNanpPhone(v(phone));
    ok &= area_codes[s].count(validate::NanpAreaCode(v(phone))) == 1;
    ok &= validate::ZipMatchesState(v(zip), s);
    ok &= validate::DriverLicenseMatchesState(v(dl), s);
    int64_t birth = 0;
    ok &= ParseDateSpec(v(dob), today, &birth);
    int age = validate::AgeOn(birth, today);
    ok &= age >= 18 && age <= 70;
    ok &= v(gender) == "M" || v(gender) == "F";
    ok &= kBloodGroups.count(v(blood)) == 1;
    ok &= !v(address).empty() && !v(city).empty();
    ok &= emails.insert(v(email)).second && ssns.insert(v(ssn)).second && user_ids.insert(v(user_id)).second;
    if (!ok && ++failures <= 5) {
      ADD_FAILURE() << "invalid row: " << full << " | " << v(email) << " | " << v(ssn) << " | " << v(phone) << " | "
                    << v(zip) << " " << s << " | " << v(dl) << " | " << v(dob) << " | " << v(gender) << " | " << v(blood);
    }
  }
  EXPECT_EQ(failures, 0u);
}

TEST(PciDomain, HundredThousandCardsAreValid) {
  CsvTable t = Generate("--domain pci --rows cards=100000", "cards.csv");
  ASSERT_EQ(t.rows.size(), 100000u);
  const int holder = t.Column("card_holder_name"), provider = t.Column("card_provider"),
            number = t.Column("card_number"), cvv = t.Column("cvv"), expiry = t.Column("expiration_date");
  int64_t today = 0;
  ASSERT_TRUE(ParseDateSpec(kAsOf, 0, &today));
  std::set<std::string> numbers;
  std::map<std::string, size_t> issuers;
  size_t failures = 0;
  for (const auto& row : t.rows) {
    auto v = [&](int c) { return row[c].value_or(""); };
    int64_t expires = 0;
    bool ok = validate::IsLuhnValid(v(number)) && validate::CardMatchesIssuer(v(number), v(provider)) &&
              validate::CvvMatchesIssuer(v(cvv), v(provider)) && ParseDateSpec(v(expiry), today, &expires) &&
              expires > today && !v(holder).empty() && numbers.insert(v(number)).second;
    ++issuers[v(provider)];
    if (!ok && ++failures <= 5) {
      ADD_FAILURE() << "invalid card: " << v(provider) << " " << v(number) << " cvv " << v(cvv) << " exp " << v(expiry);
    }
  }
  EXPECT_EQ(failures, 0u);
  // Several issuers, American Express among them (its 15 digits and 4-digit
  // CVV are the rule most often got wrong).
  EXPECT_GE(issuers.size(), 4u);
  EXPECT_GT(issuers["American Express"], 1000u);
}

}  // namespace
}  // namespace seedforge
