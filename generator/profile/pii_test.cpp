#include "seedforge/pii.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seedforge {
namespace {

TableColumn ColumnOf(const std::string& header, const std::vector<std::string>& values) {
  std::string csv = header + "\n";
  for (const std::string& v : values) csv += v + "\n";
  Table table = ParseTable(csv, "test");
  return std::move(table.columns[0]);
}

std::vector<std::string> Repeat(const std::vector<std::string>& values, size_t times) {
  std::vector<std::string> out;
  for (size_t i = 0; i < times; ++i) out.insert(out.end(), values.begin(), values.end());
  return out;
}

TEST(Pii, CardNumbersByLuhnAndIinWhateverTheHeader) {
  const std::vector<std::string> cards = {"4111111111111111", "378282246310005", "6011111111111117",
                                          "5555555555554444"};
  const PiiFinding f = DetectPii(ColumnOf("ref", Repeat(cards, 5)));
  EXPECT_EQ(f.kind, PiiKind::kCard);
  EXPECT_DOUBLE_EQ(f.evidence.format, 1.0);
  EXPECT_DOUBLE_EQ(f.evidence.checksum, 1.0);
  EXPECT_FALSE(f.evidence.header);
  EXPECT_GE(f.confidence, 0.9);
}

TEST(Pii, LuhnFailuresAreNoCardEvenUnderACardHeader) {
  // 4111...1112 fails Luhn: a column of such numbers is order numbers.
  const std::vector<std::string> orders = {"4111111111111112", "4111111111111113", "4111111111111114",
                                           "4111111111111115"};
  const PiiFinding f = DetectPii(ColumnOf("card_number", Repeat(orders, 5)));
  EXPECT_EQ(f.kind, PiiKind::kNone);
}

TEST(Pii, HeaderAloneIsNotEnough) {
  const PiiFinding f = DetectPii(ColumnOf("email_sent", Repeat({"true", "false"}, 10)));
  EXPECT_EQ(f.kind, PiiKind::kNone);
}

TEST(Pii, BareNineDigitsNeedTheHeader) {
  const std::vector<std::string> ssns = {"385220143", "711233879", "532523125", "422293482", "441484298"};
  EXPECT_EQ(DetectPii(ColumnOf("account_no", Repeat(ssns, 4))).kind, PiiKind::kNone);
  const PiiFinding f = DetectPii(ColumnOf("SSN", Repeat(ssns, 4)));
  EXPECT_EQ(f.kind, PiiKind::kSsn);
  EXPECT_TRUE(f.evidence.header);
  EXPECT_EQ(f.evidence.detail, "digits");
}

TEST(Pii, ItinsAreNoSsns) {
  const std::vector<std::string> itins = {"912-70-1234", "934-88-2345", "987-91-3456", "900-70-0001"};
  EXPECT_EQ(DetectPii(ColumnOf("ssn", Repeat(itins, 5))).kind, PiiKind::kNone);
}

TEST(Pii, IbanByMod97) {
  const std::vector<std::string> ibans = {"DE89370400440532013000", "GB82WEST12345698765432",
                                          "FR1420041010050500013M02606", "NO9386011117947"};
  const PiiFinding f = DetectPii(ColumnOf("x", Repeat(ibans, 5)));
  EXPECT_EQ(f.kind, PiiKind::kIban);
  // The last digit changed: mod 97 fails.
  const std::vector<std::string> wrong = {"DE89370400440532013001", "GB82WEST12345698765433",
                                          "FR1420041010050500013M02607", "NO9386011117948"};
  EXPECT_EQ(DetectPii(ColumnOf("iban", Repeat(wrong, 5))).kind, PiiKind::kNone);
}

TEST(Pii, VinCheckDigit) {
  const std::vector<std::string> vins = {"1M8GDM9AXKP042788", "1HGCM82633A004352"};
  EXPECT_EQ(DetectPii(ColumnOf("x", Repeat(vins, 10))).kind, PiiKind::kVin);
  // 17 ones pass the check digit but are no VIN.
  EXPECT_EQ(DetectPii(ColumnOf("x", Repeat({"11111111111111111"}, 20))).kind, PiiKind::kNone);
}

TEST(Pii, VersionStringsNeedTheHeaderToBeAddresses) {
  const std::vector<std::string> versions = {"1.2.3.4", "2.0.14.1", "1.10.0.7", "3.1.4.15", "0.9.8.2"};
  EXPECT_EQ(DetectPii(ColumnOf("build", Repeat(versions, 4))).kind, PiiKind::kNone);
  const std::vector<std::string> addresses = {"153.105.164.122", "199.249.230.185", "63.135.139.52",
                                              "209.8.156.127", "111.67.132.96"};
  const PiiFinding f = DetectPii(ColumnOf("origin", Repeat(addresses, 4)));
  EXPECT_EQ(f.kind, PiiKind::kIpAddress);
  EXPECT_EQ(f.evidence.detail, "ipv4");
  const PiiFinding v6 = DetectPii(ColumnOf("origin", Repeat({"2001:db8::1", "fe80::1:2", "2001:db8:0:1::42"}, 5)));
  EXPECT_EQ(v6.kind, PiiKind::kIpAddress);
  EXPECT_EQ(v6.evidence.detail, "ipv6");
}

TEST(Pii, PhonesNanpAndE164) {
  const std::vector<std::string> nanp = {"(318) 235-0392", "(580) 936-3663", "(575) 307-2811", "(270) 693-9723"};
  PiiFinding f = DetectPii(ColumnOf("x", Repeat(nanp, 5)));
  EXPECT_EQ(f.kind, PiiKind::kPhone);
  EXPECT_EQ(f.evidence.detail, "nanp");
  f = DetectPii(ColumnOf("x", Repeat({"+44 20 7946 0958", "+49 30 901820", "+33 1 42 68 53 00"}, 5)));
  EXPECT_EQ(f.kind, PiiKind::kPhone);
  EXPECT_EQ(f.evidence.detail, "e164");
}

TEST(Pii, NamesByDictionary) {
  const std::vector<std::string> first = {"Mary", "James", "Jennifer", "Robert", "Linda",
                                          "Michael", "Susan", "David", "Karen", "Thomas"};
  EXPECT_EQ(DetectPii(ColumnOf("c1", Repeat(first, 3))).kind, PiiKind::kFirstName);
  const std::vector<std::string> full = {"Mary Smith",  "James Johnson", "Jennifer Williams", "Robert Brown",
                                         "Linda Jones", "Michael Davis", "Susan Miller",      "David Wilson",
                                         "Karen Moore", "Thomas Taylor"};
  PiiFinding f = DetectPii(ColumnOf("c1", Repeat(full, 3)));
  EXPECT_EQ(f.kind, PiiKind::kFullName);
  EXPECT_DOUBLE_EQ(f.evidence.dictionary, 1.0);
  // Five names over and over are a category (colours that are surnames):
  // not enough variety for the values alone.
  EXPECT_EQ(DetectPii(ColumnOf("colour", Repeat({"Brown", "Green", "White", "Black", "Gray"}, 6))).kind,
            PiiKind::kNone);
  EXPECT_EQ(DetectPii(ColumnOf("surname", Repeat({"Brown", "Green", "White", "Black", "Gray"}, 6))).kind,
            PiiKind::kLastName);
  // A bare "name" is a person's in a table of people only.
  f = DetectPii(ColumnOf("name", Repeat(full, 5)), "customers");
  EXPECT_TRUE(f.evidence.header);
}

TEST(Pii, DatesAreBirthDatesByTheirNameOnly) {
  const std::vector<std::string> dates = {"1969-11-24", "1946-07-24", "1954-10-12", "1956-06-10"};
  EXPECT_EQ(DetectPii(ColumnOf("hired_on", Repeat(dates, 5))).kind, PiiKind::kNone);
  EXPECT_EQ(DetectPii(ColumnOf("dateOfBirth", Repeat(dates, 5))).kind, PiiKind::kDateOfBirth);
}

TEST(Pii, FreeTextWithEmailsGivesTheShareOfRows) {
  std::vector<std::string> notes;
  for (int i = 0; i < 20; ++i) {
    notes.push_back(i % 4 == 0 ? "please write to jane.doe@example.com soon" : "nothing to see here today");
  }
  const PiiFinding f = DetectPii(ColumnOf("notes", notes));
  EXPECT_EQ(f.kind, PiiKind::kFreeText);
  EXPECT_DOUBLE_EQ(f.evidence.rows_affected, 0.25);
  ASSERT_EQ(f.evidence.inside.size(), 1u);
  EXPECT_EQ(f.evidence.inside[0], PiiKind::kEmail);
  // Cards and IBANs in groups of four, across lines.
  std::vector<std::string> grouped;
  for (int i = 0; i < 10; ++i) {
    grouped.push_back(i == 2 ? "\"paid with 4111 1111 1111 1111\nthanks\""
                      : i == 7 ? "refund to DE89 3704 0044 0532 0130 00 please" : "no numbers at all here");
  }
  const PiiFinding g = DetectPii(ColumnOf("notes", grouped));
  EXPECT_EQ(g.kind, PiiKind::kFreeText);
  EXPECT_DOUBLE_EQ(g.evidence.rows_affected, 0.2);
  EXPECT_EQ(g.evidence.inside, (std::vector<PiiKind>{PiiKind::kCard, PiiKind::kIban}));
  std::vector<std::string> plain(20, "nothing to see here today; version 1.2.3.4");
  EXPECT_EQ(DetectPii(ColumnOf("notes", plain)).kind, PiiKind::kNone);
}

TEST(Pii, KindNamesRoundTrip) {
  for (int k = 0; k <= static_cast<int>(PiiKind::kFreeText); ++k) {
    const PiiKind kind = static_cast<PiiKind>(k);
    EXPECT_EQ(ParsePiiKind(PiiKindName(kind)), kind);
  }
  EXPECT_EQ(ParsePiiKind("passport"), std::nullopt);
}

TEST(Pii, EmptyColumnIsNone) {
  const PiiFinding f = DetectPii(ColumnOf("email", {"", "", ""}));
  EXPECT_EQ(f.kind, PiiKind::kNone);
  EXPECT_EQ(f.evidence.values, 0u);
}

}  // namespace
}  // namespace seedforge
