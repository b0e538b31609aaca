#include "mask/transforms.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <unordered_set>

#include "seedforge/error.h"
#include "seedforge/identifiers.h"

namespace seedforge::mask {
namespace {

namespace ids = identifiers;

const MaskKey& Key() {
  static const MaskKey key = MaskKey::FromSecret("test key: correct horse battery staple", "test");
  return key;
}
const MaskKey& OtherKey() {
  static const MaskKey key = MaskKey::FromSecret("another key, just as long as the first", "test");
  return key;
}

std::unique_ptr<Transform> Make(const std::string& name, std::map<std::string, std::string> options = {},
                                const MaskKey& key = Key()) {
  TransformSpec spec;
  spec.name = name;
  spec.options = std::move(options);
  return MakeTransform(spec, key);
}

std::string Mask(Transform& t, std::string_view value, std::string_view entity = {}) {
  std::string out;
  t.Apply(value, entity, out);
  return out;
}

std::string RandomValidSsn(std::mt19937_64& random) {
  while (true) {
    char text[12];
    std::snprintf(text, sizeof text, "%03d-%02d-%04d", static_cast<int>(random() % 1000),
                  static_cast<int>(random() % 100), static_cast<int>(random() % 10000));
    if (ids::SsnValid(text)) return text;
  }
}

TEST(MaskSsn, ValidStaysValidInItsFormat) {
  auto t = Make("ssn");
  std::mt19937_64 random(1);
  std::unordered_set<std::string> outputs;
  for (int i = 0; i < 200'000; ++i) {
    const std::string ssn = RandomValidSsn(random);
    const std::string masked = Mask(*t, ssn);
    ASSERT_EQ(masked.size(), 11u);
    ASSERT_EQ(masked[3], '-');
    ASSERT_EQ(masked[6], '-');
    ASSERT_TRUE(ids::SsnValid(masked)) << ssn << " -> " << masked;
    outputs.insert(masked);
  }
  // The random inputs repeat now and then (10^9 values); the map must not
  // merge any two of them.
  std::mt19937_64 again(1);
  std::unordered_set<std::string> inputs;
  for (int i = 0; i < 200'000; ++i) inputs.insert(RandomValidSsn(again));
  EXPECT_EQ(outputs.size(), inputs.size());
  // Digits only stay digits only; an invalid number stays invalid.
  const std::string bare = Mask(*t, "219099999");
  EXPECT_EQ(bare.size(), 9u);
  EXPECT_TRUE(ids::SsnValid(bare));
  EXPECT_FALSE(ids::SsnValid(Mask(*t, "000-12-3456")));
  EXPECT_EQ(t->fallbacks(), 0u);
  Mask(*t, "12-34");  // not an SSN: masked by the fallback, counted
  EXPECT_EQ(t->fallbacks(), 1u);
}

TEST(MaskSsn, SameKeySameOutputOtherKeyOther) {
  auto a = Make("ssn"), b = Make("ssn"), c = Make("ssn", {}, OtherKey());
  std::mt19937_64 random(2);
  int same_as_other_key = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string ssn = RandomValidSsn(random);
    EXPECT_EQ(Mask(*a, ssn), Mask(*b, ssn));
    same_as_other_key += Mask(*a, ssn) == Mask(*c, ssn);
  }
  // Two keys agree on a value with probability about 1/888,931,098.
  EXPECT_EQ(same_as_other_key, 0);
}

// The FF1 path (6 digits) over its whole domain of 10^6 values, and the
// keyed cycle (5 digits) over its 10^5: each a bijection that keeps the
// leading-zero class, and the cycle has no fixed point.
TEST(MaskDigits, BijectiveOverWholeDomains) {
  auto t = Make("digits", {{"kind", "account"}});
  for (int n : {6, 5}) {
    int size = n == 6 ? 1'000'000 : 100'000;
    std::vector<uint8_t> seen(size, 0);
    int fixed = 0;
    for (int v = 0; v < size; ++v) {
      char in[8];
      std::snprintf(in, sizeof in, "%0*d", n, v);
      const std::string out = Mask(*t, in);
      ASSERT_EQ(out.size(), static_cast<size_t>(n));
      ASSERT_EQ(out[0] == '0', in[0] == '0') << in << " -> " << out;
      const int x = std::stoi(out);
      ASSERT_FALSE(seen[x]) << "two values map to " << out;
      seen[x] = 1;
      fixed += out == in;
    }
    if (n == 5) {
      EXPECT_EQ(fixed, 0);
    }
  }
  // Separators and signs are kept.
  const std::string account = Mask(*t, "ACC-0042-7781");
  EXPECT_EQ(account.substr(0, 4), "ACC-");
  EXPECT_EQ(account[8], '-');
  EXPECT_NE(account, "ACC-0042-7781");
}

TEST(MaskCard, KeepsIinLengthAndLuhn) {
  auto t = Make("card");
  for (std::string pan : {"4111111111111111", "378282246310005", "6011111111111117", "5555555555554444",
                          "4111 1111 1111 1111", "30569309025904", "6759649826438453"}) {
    const std::string masked = Mask(*t, pan);
    ASSERT_EQ(masked.size(), pan.size());
    EXPECT_EQ(masked.substr(0, 6), pan.substr(0, 6));
    EXPECT_NE(masked, pan);
    std::string digits;
    for (char c : masked) {
      if (c != ' ') digits += c;
    }
    EXPECT_TRUE(ids::LuhnValid(digits)) << pan << " -> " << masked;
  }
  // An invalid number stays invalid: the Luhn remainder is kept.
  std::string bad = Mask(*t, "4111111111111112");
  EXPECT_FALSE(ids::LuhnValid(bad));
  // Bijective on the 10^9 middles of one IIN: 10^5 distinct valid inputs
  // give 10^5 distinct outputs.
  std::set<std::string> outputs;
  for (int i = 0; i < 100'000; ++i) {
    std::string payload = "411111" + std::to_string(100'000'000 + i * 7919);
    payload += ids::LuhnCheckDigit(payload);
    outputs.insert(Mask(*t, payload));
  }
  EXPECT_EQ(outputs.size(), 100'000u);
}

TEST(MaskPhone, KeepsAreaCodeAndFormatWithAValidExchange) {
  auto t = Make("phone");
  std::mt19937_64 random(3);
  for (int i = 0; i < 20'000; ++i) {
    const int nxx = 200 + static_cast<int>(random() % 800);
    if (!ids::NanpExchangeValid(nxx)) continue;
    char in[20];
    std::snprintf(in, sizeof in, "(212) %03d-%04d", nxx, static_cast<int>(random() % 10000));
    const std::string out = Mask(*t, in);
    ASSERT_EQ(out.substr(0, 6), "(212) ");
    ASSERT_EQ(out[9], '-');
    ASSERT_TRUE(ids::NanpExchangeValid(std::stoi(out.substr(6, 3)))) << in << " -> " << out;
  }
  const std::string e164 = Mask(*t, "+1 415 555 2671");
  EXPECT_EQ(e164.substr(0, 7), "+1 415 ");
  auto all = Make("phone", {{"keep_area_code", "false"}});
  const std::string moved = Mask(*all, "415.555.2671");
  EXPECT_TRUE(ids::NanpAreaCodeValid(std::stoi(moved.substr(0, 3))));
  EXPECT_TRUE(ids::NanpExchangeValid(std::stoi(moved.substr(4, 3))));
  EXPECT_EQ(Mask(*t, "+44 20 7946 0958").substr(0, 4), "+44 ");
}

TEST(MaskEmail, KeepsDomainAndFoldsCase) {
  auto t = Make("email");
  const std::string a = Mask(*t, "Jane.Doe@Example.com");
  EXPECT_EQ(a.substr(a.find('@')), "@Example.com");
  EXPECT_EQ(a.find('@'), 20u);  // 100 bits in base32
  EXPECT_EQ(Mask(*t, "jane.doe@example.com").substr(0, 20), a.substr(0, 20));
  EXPECT_NE(Mask(*t, "jane.doe@example.org").substr(0, 20), a.substr(0, 20));
  auto names = Make("email", {{"style", "name"}});
  const std::string n = Mask(*names, "jane.doe@example.com");
  EXPECT_NE(n.find('.'), std::string::npos);
  EXPECT_EQ(n.substr(n.find('@')), "@example.com");
  Mask(*t, "not an address");
  EXPECT_EQ(t->fallbacks(), 1u);
}

TEST(MaskToken, LengthAndEncoding) {
  EXPECT_EQ(Mask(*Make("token"), "customer-17").size(), 32u);
  const std::string b32 = Mask(*Make("token", {{"bits", "100"}, {"encoding", "base32"}, {"prefix", "c_"}}), "x");
  EXPECT_EQ(b32.size(), 22u);
  EXPECT_EQ(b32.substr(0, 2), "c_");
  EXPECT_EQ(b32.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567", 2), std::string::npos);
  EXPECT_THROW(Make("token", {{"bits", "64"}}), UsageError);
}

TEST(MaskNames, FromTheTablesAndConsistentAcrossColumns) {
  auto first = Make("first_name"), last = Make("last_name"), full = Make("full_name");
  const std::string f = Mask(*first, "John"), l = Mask(*last, "Smith");
  EXPECT_NE(f, "John");
  EXPECT_NE(l, "Smith");
  EXPECT_EQ(Mask(*full, "John Smith"), f + " " + l);
  EXPECT_EQ(Mask(*full, "Smith, John"), l + ", " + f);
  EXPECT_EQ(Mask(*first, "JOHN"), [&] {
    std::string u = f;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }());
  const std::string street = Mask(*Make("street_address"), "12 Elm Street");
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(street[0])));
  EXPECT_NE(street, "12 Elm Street");
}

TEST(MaskZip, KnownZipsPermuteAmongThemselves) {
  auto t = Make("zip");
  EXPECT_EQ(Mask(*t, "02139").size(), 5u);
  const std::string plus4 = Mask(*t, "02139-4307");
  EXPECT_EQ(plus4.size(), 10u);
  EXPECT_EQ(plus4[5], '-');
  EXPECT_NE(plus4.substr(0, 5), "02139");
  std::set<std::string> outputs;
  for (int z = 0; z < 100'000; ++z) {
    char in[6];
    std::snprintf(in, sizeof in, "%05d", z);
    outputs.insert(Mask(*t, in));
  }
  EXPECT_EQ(outputs.size(), 100'000u);  // a bijection of the 10^5 codes
}

TEST(MaskDateShift, OneShiftPerEntityWithinBounds) {
  TransformSpec spec;
  spec.name = "date_shift";
  spec.options = {{"days", "30"}, {"entity", "customers.id"}};
  spec.date_format.order = DateFormat::Order::kMdy;
  spec.date_format.date_separator = '/';
  auto t = MakeTransform(spec, Key());
  std::set<int64_t> offsets;
  for (int customer = 0; customer < 500; ++customer) {
    const std::string id = std::to_string(customer);
    const auto a = ParseDateTime(Mask(*t, "01/15/2024", id), spec.date_format);
    const auto b = ParseDateTime(Mask(*t, "03/01/2024", id), spec.date_format);
    ASSERT_TRUE(a && b);
    const int64_t day = 86'400'000'000;
    EXPECT_EQ((b->micros - a->micros) / day, 46);  // the interval is kept
    const int64_t offset = (a->micros - ParseDateTime("01/15/2024", spec.date_format)->micros) / day;
    EXPECT_GE(offset, -30);
    EXPECT_LE(offset, 30);
    EXPECT_NE(offset, 0);
    offsets.insert(offset);
  }
  // 500 entities over 60 offsets: each offset missed with probability
  // (59/60)^500 < 3e-4, so nearly all appear.
  EXPECT_GE(offsets.size(), 55u);
  EXPECT_EQ(Mask(*t, "01/15/2024", "7").size(), 10u);
}

TEST(MaskNumbers, RoundAndNoise) {
  EXPECT_EQ(Mask(*Make("round", {{"step", "1000"}}), "52499"), "52000");
  EXPECT_EQ(Mask(*Make("round", {{"step", "0.5"}}), "3.14"), "3.00");
  auto noise = Make("noise", {{"scale", "0.1"}});
  for (int i = 1; i < 200; ++i) {
    const double x = 1000.0 * i;
    const double y = std::stod(Mask(*noise, std::to_string(1000 * i)));
    EXPECT_LE(std::abs(y - x), 0.1 * x + 0.5);
  }
  EXPECT_EQ(Mask(*noise, "12.50").find('.'), 2u);
}

TEST(MaskTransforms, UnknownNamesAndOptionsAreUsageErrors) {
  EXPECT_THROW(Make("sha1"), UsageError);
  EXPECT_THROW(Make("ssn", {{"keep_area_code", "true"}}), UsageError);
  EXPECT_THROW(Make("date_shift"), UsageError);
  EXPECT_THROW(Make("phone", {{"keep_area_code", "maybe"}}), UsageError);
}

}  // namespace
}  // namespace seedforge::mask
