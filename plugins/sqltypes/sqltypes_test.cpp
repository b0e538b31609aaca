// The sqltypes pack writes what PostgreSQL's input functions read; the
// PostgreSQL tests (tests/postgres_introspect_test.cpp) load these values
// into real columns of each type.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "seedforge/identifiers.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::RunProvider;

TEST(SqltypesPack, BytesAreHexOfTheAskedLength) {
  auto cols = RunProvider("bytes", {.params = {{"min_length", "2"}, {"max_length", "5"}}});
  const std::regex hex(R"(\\x([0-9a-f]{2}){2,5})");
  for (const std::string& v : cols[0].texts) EXPECT_TRUE(std::regex_match(v, hex)) << v;
}

TEST(SqltypesPack, CidrHasNoHostBits) {
  auto cols = RunProvider("ip", {.rows = 5000});
  const std::regex inet(R"((\d+)\.(\d+)\.(\d+)\.(\d+))"), cidr(R"((\d+)\.(\d+)\.(\d+)\.(\d+)/(\d+))");
  for (size_t i = 0; i < cols[0].texts.size(); ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(cols[0].texts[i], m, inet)) << cols[0].texts[i];
    EXPECT_NE(m[1], "10");
    EXPECT_NE(m[1], "127");
    ASSERT_TRUE(std::regex_match(cols[1].texts[i], m, cidr)) << cols[1].texts[i];
    uint32_t address = 0;
    for (int k = 1; k <= 4; ++k) address = address << 8 | static_cast<uint32_t>(std::stoul(m[k]));
    const int prefix = std::stoi(m[5]);
    ASSERT_GE(prefix, 8);
    ASSERT_LE(prefix, 30);
    EXPECT_EQ(address & ((1u << (32 - prefix)) - 1), 0u) << cols[1].texts[i];
  }
}

// Every address is valid (identifiers.h), in a registry's global unicast
// block, and in RFC 5952's canonical form (the C library's inet_ntop writes
// that form; glibc and musl do), and both the full and the "::" forms occur.
TEST(SqltypesPack, Ipv6AddressesAreValidAndCanonical) {
  const size_t rows = 5000;
  auto cols = RunProvider("ipv6", {.rows = rows});
  size_t compressed = 0;
  for (size_t i = 0; i < rows; ++i) {
    const std::string& inet = cols[0].texts[i];
    ASSERT_TRUE(identifiers::Ipv6Valid(inet)) << inet;
    unsigned char bytes[16];
    ASSERT_EQ(inet_pton(AF_INET6, inet.c_str(), bytes), 1) << inet;
    char canonical[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, bytes, canonical, sizeof canonical), nullptr);
    ASSERT_EQ(inet, canonical);
    const int block = bytes[0] << 4 | bytes[1] >> 4;  // the first 12 bits
    ASSERT_TRUE(block == 0x240 || block == 0x260 || block == 0x280 || block == 0x2a0 || block == 0x2c0) << inet;
    compressed += inet.find("::") != std::string::npos;

    const std::string& cidr = cols[1].texts[i];
    const size_t slash = cidr.find('/');
    ASSERT_NE(slash, std::string::npos) << cidr;
    const std::string network = cidr.substr(0, slash);
    ASSERT_TRUE(identifiers::Ipv6Valid(network)) << cidr;
    ASSERT_EQ(inet_pton(AF_INET6, network.c_str(), bytes), 1);
    ASSERT_NE(inet_ntop(AF_INET6, bytes, canonical, sizeof canonical), nullptr);
    ASSERT_EQ(network, canonical);
    const int prefix = std::stoi(cidr.substr(slash + 1));
    ASSERT_GE(prefix, 32);
    ASSERT_LE(prefix, 64);
    for (int bit = prefix; bit < 128; ++bit) ASSERT_EQ(bytes[bit / 8] >> (7 - bit % 8) & 1, 0) << cidr;
  }
  // Half the hosts have a small interface identifier, hence "::"; a random
  // one has two zero groups side by side with probability about 3 / 2^32.
  EXPECT_NEAR(static_cast<double>(compressed) / rows, 0.5,
              testing::ShareBound(0.5, rows, testing::kOneComparison));
}

TEST(SqltypesPack, Ipv6IsDeterministic) {
  auto first = RunProvider("ipv6", {.rows = 300});
  auto again = RunProvider("ipv6", {.rows = 300});
  EXPECT_EQ(first[0].texts, again[0].texts);
  EXPECT_EQ(first[1].texts, again[1].texts);
  auto tail = RunProvider("ipv6", {.rows = 10, .first_row = 290});
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(first[0].texts[290 + i], tail[0].texts[i]);
  auto other = RunProvider("ipv6", {.rows = 300, .key = 43});
  EXPECT_NE(first[0].texts, other[0].texts);
}

TEST(SqltypesPack, IntervalsAndTimesInTheirBounds) {
  auto intervals = RunProvider("interval", {.params = {{"min", "3600"}, {"max", "200000"}}});
  const std::regex interval(R"((?:(\d+) days )?(\d\d):(\d\d):(\d\d))");
  for (const std::string& v : intervals[0].texts) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(v, m, interval)) << v;
    const long seconds = (m[1].matched ? std::stol(m[1]) * 86400 : 0) + std::stol(m[2]) * 3600 +
                         std::stol(m[3]) * 60 + std::stol(m[4]);
    EXPECT_GE(seconds, 3600);
    EXPECT_LE(seconds, 200000);
  }
  auto times = RunProvider("time_of_day", {.params = {{"from", "07:30"}, {"to", "09:00"}}});
  for (const std::string& v : times[0].texts) {
    EXPECT_GE(v, "07:30:00");
    EXPECT_LE(v, "09:00:00");
    EXPECT_EQ(v.size(), 8u);
  }
}

TEST(SqltypesPack, RangesAreNonEmptyAndInside) {
  auto ints = RunProvider("range", {.params = {{"min", "10"}, {"max", "20"}}});
  const std::regex int_range(R"(\[(-?\d+),(-?\d+)\))");
  for (const std::string& v : ints[0].texts) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(v, m, int_range)) << v;
    EXPECT_GE(std::stol(m[1]), 10);
    EXPECT_LT(std::stol(m[1]), std::stol(m[2]));
    EXPECT_LE(std::stol(m[2]), 20);
  }
  auto dates = RunProvider("range", {.params = {{"of", "date"}, {"min", "2024-01-01"}, {"max", "2024-03-01"}}});
  for (const std::string& v : dates[0].texts) {
    ASSERT_EQ(v.size(), 23u) << v;
    EXPECT_LT(v.substr(1, 10), v.substr(12, 10)) << v;
    EXPECT_GE(v.substr(1, 10), "2024-01-01");
    EXPECT_LE(v.substr(12, 10), "2024-03-01");
  }
  auto stamps = RunProvider("range", {.params = {{"of", "timestamptz"}}});
  EXPECT_TRUE(std::regex_match(stamps[0].texts[0], std::regex(R"(\["[0-9-]+ [0-9:]+\+00","[0-9-]+ [0-9:]+\+00"\))")))
      << stamps[0].texts[0];
}

TEST(SqltypesPack, TsvectorHoldsTheWordsOfItsSources) {
  BatchColumn title, description;
  title.texts = {"Academy Dinosaur", "It's Fine"};
  description.texts = {"A Epic Drama", ""};
  description.nulls = {0, 1};
  auto cols = RunProvider("tsvector", {.rows = 2, .inputs = {&title, &description, nullptr}});
  EXPECT_EQ(cols[0].texts[0], "'academy':1 'dinosaur':2 'a':3 'epic':4 'drama':5");
  EXPECT_EQ(cols[0].texts[1], "'it':1 's':2 'fine':3");
}

TEST(TitlesPack, CapitalisedWordsWithinTheLimit) {
  auto cols = RunProvider("title", {.params = {{"min_words", "2"}, {"max_words", "2"}}, .rows = 2000});
  const std::regex title(R"([A-Z][a-z]+ [A-Z][a-z]+)");
  for (const std::string& v : cols[0].texts) EXPECT_TRUE(std::regex_match(v, title)) << v;
  auto upper = RunProvider("title", {.params = {{"case", "upper"}, {"max_length", "12"}}, .rows = 2000});
  for (const std::string& v : upper[0].texts) {
    EXPECT_TRUE(std::regex_match(v, std::regex(R"([A-Z]+( [A-Z]+)*)"))) << v;
    EXPECT_LE(v.size(), 12u);
  }
}

}  // namespace
}  // namespace seedforge
