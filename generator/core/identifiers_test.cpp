// The identifier rules (seedforge/identifiers.h) on published test vectors
// and on the near misses that each rule exists to refuse. Every table lists
// valid and invalid values side by side, so that a rule that accepts or
// refuses everything fails.
#include "seedforge/identifiers.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace seedforge::identifiers {
namespace {

struct Case {
  std::string_view text;
  bool valid;
};

// Runs `rule` over `cases` and names the failing value.
template <typename Rule>
void ExpectAll(const char* what, Rule rule, std::initializer_list<Case> cases) {
  for (const Case& c : cases) EXPECT_EQ(rule(c.text), c.valid) << what << ": '" << c.text << "'";
}

TEST(Identifiers, Luhn) {
  ExpectAll("LuhnValid", LuhnValid,
            {{"4111111111111111", true}, {"79927398713", true}, {"00", true},
             {"4111111111111112", false}, {"79927398710", false}, {"0", false}, {"", false},
             {"4111 1111 1111 1111", false}, {"41111111111111a1", false}});
  // The check digit completes a payload to a number that passes, and only
  // that digit does.
  for (std::string_view payload : {"411111111111111", "37828224631000", "7992739871", "0"}) {
    const char check = LuhnCheckDigit(payload);
    for (char d = '0'; d <= '9'; ++d) {
      EXPECT_EQ(LuhnValid(std::string(payload) + d), d == check) << payload << d;
    }
  }
}

TEST(Identifiers, CardSchemes) {
  struct SchemeCase {
    std::string_view digits;
    std::string_view key;  // empty: no scheme
  } cases[] = {
      {"4111111111111111", "visa"},        {"4222222222222", "visa"},
      {"4111111111111111111", "visa"},     {"41111111111111111", ""},  // Visa has no 17 digits
      {"5555555555554444", "mastercard"},  {"2223003122003222", "mastercard"},
      {"2721000000000000", ""},            {"555555555555444", ""},
      {"378282246310005", "amex"},         {"371449635398431", "amex"},
      {"3782822463100050", ""},            {"6011111111111117", "discover"},
      {"6221260000000000", "discover"},    {"6229250000000000", "discover"},
      {"6221250000000000", "unionpay"},    {"6441111111111111", "discover"},
      {"6500000000000000", "discover"},    {"6431111111111111", ""},
      {"3530111333300000", "jcb"},         {"3590111333300000", ""},
      {"30569309025904", "diners"},        {"36227206271667", "diners"},
      {"30669309025904", ""},              {"6759649826438453", "maestro"},
      {"501800000000", "maestro"},         {"9111111111111111", ""},
      {"", ""},                            {"4111-1111", ""},
  };
  for (const SchemeCase& c : cases) {
    const auto scheme = FindCardScheme(c.digits);
    EXPECT_EQ(scheme ? scheme->key : std::string_view(), c.key) << c.digits;
  }
  EXPECT_EQ(FindCardScheme("378282246310005")->name, "American Express");
}

TEST(Identifiers, CardNumbers) {
  ExpectAll("CardNumberValid", CardNumberValid,
            {{"4111111111111111", true}, {"378282246310005", true}, {"6011111111111117", true},
             {"5555555555554444", true}, {"4111 1111 1111 1111", true}, {"4111-1111-1111-1111", true},
             {"4111111111111112", false},
             // Passes Luhn, but 9 is no card network's IIN.
             {"9111111111111110", false}, {"4111.1111.1111.1111", false}, {"", false},
             {"41111111111111111111", false}});
  ASSERT_TRUE(LuhnValid("9111111111111110"));
}

TEST(Identifiers, Ssn) {
  ExpectAll("SsnValid", SsnValid,
            {{"536-22-1234", true}, {"536221234", true}, {"001-01-0001", true}, {"899-99-9999", true},
             {"078-05-1120", false}, {"123-45-6789", false}, {"111-11-1111", false},
             {"666-12-3456", false}, {"900-12-3456", false}, {"999-12-3456", false},
             {"000-12-3456", false}, {"536-00-1234", false}, {"536-22-0000", false},
             {"536-221234", false}, {"53622-1234", false}, {"536 22 1234", false},
             {"536-22-123a", false}, {"", false}});
  EXPECT_TRUE(SsnPartsValid(1, 1, 1));
  EXPECT_TRUE(SsnPartsValid(665, 99, 9999));
  EXPECT_TRUE(SsnPartsValid(667, 50, 5000));
  EXPECT_FALSE(SsnPartsValid(0, 1, 1));
  EXPECT_FALSE(SsnPartsValid(666, 1, 1));
  EXPECT_FALSE(SsnPartsValid(900, 1, 1));
  EXPECT_FALSE(SsnPartsValid(1, 0, 1));
  EXPECT_FALSE(SsnPartsValid(1, 100, 1));
  EXPECT_FALSE(SsnPartsValid(1, 1, 0));
  EXPECT_FALSE(SsnPartsValid(1, 1, 10000));
}

TEST(Identifiers, Vin) {
  ExpectAll("VinValid", VinValid,
            {{"1M8GDM9AXKP042788", true}, {"1HGCM82633A004352", true},
             {"1M8GDM9A0KP042788", false},   // check digit changed
             {"1HGCM82633A00435", false},    // 16 characters
             {"1HGCM82633A004352X", false},  // 18
             {"1HGCM8263IA004352", false},   // I is never used
             {"1hgcm82633a004352", false},   // lower case
             {"11111111111111111", false}});  // passes the check digit alone
  EXPECT_EQ(VinCheckDigit("11111111111111111"), '1');
  EXPECT_EQ(VinCheckDigit("1M8GDM9A?KP042788"), 'X');  // position 9 is ignored
  EXPECT_EQ(VinCheckDigit("1M8GDM9AXKP04278"), '\0');
  EXPECT_EQ(VinCharValue('A'), 1);
  EXPECT_EQ(VinCharValue('R'), 9);
  EXPECT_EQ(VinCharValue('Z'), 9);
  EXPECT_EQ(VinCharValue('7'), 7);
  for (char c : {'I', 'O', 'Q', 'a', '-', ' '}) EXPECT_EQ(VinCharValue(c), -1) << c;
}

TEST(Identifiers, Iban) {
  ExpectAll("IbanValid", IbanValid,
            {{"DE89370400440532013000", true}, {"GB82WEST12345698765432", true},
             {"FR1420041010050500013M02606", true}, {"NO9386011117947", true},
             {"GB82 WEST 1234 5698 7654 32", true}, {"DE89 3704 0044 0532 0130 00", true},
             {"GB82WEST12345698765433", false},     // last digit + 1
             {"DE8937040044053201300", false},      // 21 characters
             {"DE893704004405320130000", false},    // 23
             {"XX89370400440532013000", false},     // no such country
             {"gb82west12345698765432", false},     // lower case
             {" GB82WEST12345698765432", false}, {"GB82  WEST12345698765432", false},
             {"GB82-WEST-1234-5698-7654-32", false}, {"", false}});
  EXPECT_EQ(IbanLength("DE"), 22);
  EXPECT_EQ(IbanLength("NO"), 15);
  EXPECT_EQ(IbanLength("MT"), 31);
  EXPECT_EQ(IbanLength("US"), 0);
  EXPECT_EQ(IbanLength("D"), 0);
  EXPECT_EQ(IbanCheckDigits("DE", "370400440532013000"), "89");
  EXPECT_EQ(IbanCheckDigits("GB", "WEST12345698765432"), "82");
  EXPECT_EQ(IbanCheckDigits("FR", "20041010050500013M02606"), "14");
  EXPECT_EQ(IbanCheckDigits("NO", "86011117947"), "93");
  // Check digits 97 and 98 have the residues of 00 and 01, which pass the
  // mod-97 test but are never issued (ISO 13616-1: 02 to 98).
  int found = 0;
  for (int n = 0; n < 1000 && found < 2; ++n) {
    const std::string b = "37040044" + std::to_string(1000000000 + n);
    const std::string check = IbanCheckDigits("DE", b);
    if (check != "97" && check != "98") continue;
    ++found;
    EXPECT_TRUE(IbanValid("DE" + check + b));
    EXPECT_FALSE(IbanValid("DE" + std::string(check == "97" ? "00" : "01") + b)) << b;
  }
  EXPECT_EQ(found, 2);  // about 2 in 97 BBANs have them
  for (int n = 0; n < 200; ++n) {
    // Every BBAN completes to exactly one valid IBAN among the 97 check
    // values 02-98.
    const std::string b = "37040044" + std::to_string(1000000000 + n * 7919);
    int valid = 0;
    for (int c = 2; c <= 98; ++c) {
      const std::string cd{static_cast<char>('0' + c / 10), static_cast<char>('0' + c % 10)};
      valid += IbanValid("DE" + cd + b);
    }
    EXPECT_EQ(valid, 1) << b;
    EXPECT_TRUE(IbanValid("DE" + IbanCheckDigits("DE", b) + b)) << b;
  }
}

TEST(Identifiers, Nanp) {
  ExpectAll("NanpNumberValid", NanpNumberValid,
            {{"(212) 555-0100", true}, {"212-555-0100", true}, {"212.555.0100", true}, {"2125550100", true},
             {"+1 212 555 0100", true}, {"1 (212) 555-0100", true}, {"12125550100", true},
             {"(211) 555-0100", false},  // N11 area code
             {"(212) 411-0100", false},  // N11 exchange
             {"(112) 555-0100", false}, {"(212) 155-0100", false}, {"(292) 555-0100", false},
             {"(372) 555-0100", false}, {"(962) 555-0100", false},
             {"+2125550100", false}, {"22125550100", false}, {"(2125) 55-0100", false},
             {"212) 555-0100", false}, {"(212 555-0100", false}, {"212555010", false}, {"", false},
             {"212-555-0100 ", false}});
  EXPECT_TRUE(NanpAreaCodeValid(212));
  EXPECT_TRUE(NanpAreaCodeValid(989));
  for (int npa : {0, 199, 211, 911, 290, 375, 965, 1000}) EXPECT_FALSE(NanpAreaCodeValid(npa)) << npa;
  EXPECT_TRUE(NanpExchangeValid(200));
  EXPECT_TRUE(NanpExchangeValid(555));
  for (int nxx : {199, 211, 411, 911, 1000}) EXPECT_FALSE(NanpExchangeValid(nxx)) << nxx;
}

TEST(Identifiers, E164) {
  ExpectAll("E164Valid", E164Valid,
            {{"+14155552671", true}, {"+442071838750", true}, {"+44 20 7183 8750", true},
             {"+1-415-555-2671", true}, {"+123456789012345", true},
             {"+04155552671", false}, {"14155552671", false}, {"+1234567", false},
             {"+1234567890123456", false}, {"+1 (415) 555-2671", false}, {"+ 14155552671", false},
             {"+1415555267 ", false}, {"+1--4155552671", false}, {"+", false}, {"", false}});
}

TEST(Identifiers, EmailAndHostNames) {
  ExpectAll("EmailValid", EmailValid,
            {{"ann@example.org", true}, {"bo.li+tag@mail.example.com", true}, {"o'neil@example.co.uk", true},
             {"a@b.c", true}, {std::string(64, 'a') + "@example.com", true},
             {std::string(65, 'a') + "@example.com", false}, {"ann@localhost", false}, {"ann@", false},
             {"@example.org", false}, {"ann@@example.org", false}, {"ann smith@example.org", false},
             {"ann@-example.org", false}, {"ann@example..org", false}, {"ann@example.org.", false},
             {"ann@exa_mple.org", false}, {"", false}});
  // RFC 5321's 254 octets for the whole address.
  const std::string label(60, 'b');
  std::string domain = label + "." + label + "." + label + "." + label;  // 243
  EXPECT_TRUE(EmailValid("abcdefghij@" + domain));                        // 254
  EXPECT_FALSE(EmailValid("abcdefghijk@" + domain));                      // 255
  ExpectAll("HostNameValid", HostNameValid,
            {{"example.com", true}, {"localhost", true}, {"3com.com", true}, {"a-b.example", true},
             {"Example.COM", true}, {std::string(63, 'a') + ".com", true}, {std::string(64, 'a') + ".com", false},
             {"-a.com", false}, {"a-.com", false}, {"a..com", false}, {".com", false}, {"com.", false},
             {"a_b.com", false}, {"", false}});
}

TEST(Identifiers, IpAddresses) {
  ExpectAll("Ipv4Valid", Ipv4Valid,
            {{"1.2.3.4", true}, {"0.0.0.0", true}, {"255.255.255.255", true}, {"192.0.2.1", true},
             {"01.2.3.4", false},  // a leading zero, octal to some parsers
             {"1.2.3.04", false}, {"256.1.1.1", false}, {"1.2.3", false}, {"1.2.3.4.5", false},
             {"1.2.3.4 ", false}, {"1.2.3.-4", false}, {"0x1.2.3.4", false}, {"", false}});
  ExpectAll("Ipv6Valid", Ipv6Valid,
            {{"::1", true}, {"::", true}, {"2001:db8::1", true}, {"::ffff:192.0.2.1", true},
             {"2001:0db8:0000:0000:0000:ff00:0042:8329", true}, {"2001:DB8::FF00:42:8329", true},
             {"fe80::1:2:3:4", true},
             {"2001:db8::1::2", false}, {"2001:db8:0:0:0:0:0:0:1", false}, {"12345::1", false},
             {"::ffff:01.2.3.4", false}, {"2001:db8::g", false}, {"1.2.3.4", false}, {":1", false},
             {"", false}});
  // Text longer than any address form is refused without reading it.
  EXPECT_FALSE(Ipv6Valid(std::string(100, ':')));
  EXPECT_FALSE(Ipv4Valid(std::string_view("1.2.3.4\0", 8)));
}

TEST(Identifiers, AbaRoutingNumbers) {
  // Published routing numbers: JPMorgan Chase (New York), the Federal
  // Reserve Banks of Boston and of New York.
  ExpectAll("AbaRoutingValid", AbaRoutingValid,
            {{"021000021", true}, {"011000015", true}, {"021001208", true},
             {"021000022", false}, {"02100002", false}, {"0210000210", false}, {"02100002a", false},
             {"", false}});
  EXPECT_EQ(AbaCheckDigit("02100002"), '1');
  for (int n = 0; n < 100; ++n) {
    const std::string payload = std::to_string(10000000 + n * 898989 % 89999999);
    const char check = AbaCheckDigit(payload);
    for (char d = '0'; d <= '9'; ++d) EXPECT_EQ(AbaRoutingValid(payload + d), d == check) << payload << d;
  }
}

}  // namespace
}  // namespace seedforge::identifiers
