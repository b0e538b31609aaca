#include "mask/crypto.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "seedforge/error.h"

namespace seedforge::mask {
namespace {

std::vector<uint8_t> Hex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string ToHex(const HmacSha256::Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

constexpr std::string_view kK128 = "2B7E151628AED2A6ABF7158809CF4F3C";
constexpr std::string_view kK192 = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F";
constexpr std::string_view kK256 = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";

struct Vector {
  std::string_view key;
  int radix;
  std::string_view tweak;
  std::string_view plain, cipher;
};

// NIST's FF1 samples (csrc.nist.gov, FF1samples.pdf), as carried by
// capitalone/fpe ff1/ff1_test.go.
const Vector kNist[] = {
    {kK128, 10, "", "0123456789", "2433477484"},
    {kK128, 10, "39383736353433323130", "0123456789", "6124200773"},
    {kK128, 36, "3737373770717273373737", "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
    {kK192, 10, "", "0123456789", "2830668132"},
    {kK192, 10, "39383736353433323130", "0123456789", "2496655549"},
    {kK192, 36, "3737373770717273373737", "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
    {kK256, 10, "", "0123456789", "6657667009"},
    {kK256, 10, "39383736353433323130", "0123456789", "1001623463"},
    {kK256, 36, "3737373770717273373737", "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
};

TEST(Ff1, NistSamplesBothWays) {
  for (const Vector& v : kNist) {
    Ff1 ff1(Hex(v.key), v.radix, Hex(v.tweak));
    EXPECT_EQ(ff1.EncryptText(v.plain), v.cipher) << v.key << " " << v.tweak;
    EXPECT_EQ(ff1.DecryptText(v.cipher), v.plain) << v.key << " " << v.tweak;
  }
}

// Paths the NIST samples do not reach: a tweak spanning several blocks, a
// half longer than 12 bytes (d = 20, two AES calls per round), a half above
// 2^64 (the byte-wise reduction), radix 2, a 46-symbol radix-36 string and
// the edges of the 64-bit path.
// Expected values from the Python reference of the research brief
// (/work/briefs/14-ref/ff1_ref.py), K256.
TEST(Ff1, ReferenceBeyondTheSamples) {
  const struct {
    int radix;
    std::string_view tweak, plain, cipher;
  } cases[] = {
      {10, "seedforge-mask/v1/ssn-and-a-long-tweak-over-two-blocks",
       "0123456789012345678901234567890123456789012345678901234567890123",
       "9935763617782995887968644794115710874353593269479269756303485270"},
      {10, "", "999999999999999999999999999999999999999999999999999999999999999999999999",
       "704883051296090919792077271082787863922040822255019047837858484456708606"},
      {2, "kind", "10110011100011110000", "01100011111001010101"},
      {36, "xxxxxxxxxxxxxxxxx", "0123456789abcdefghijklmnopqrstuvwxyz0123456789",
       "phumxyg2oroco7h64z16semjsqpc1v8av6o9s2plk1n8ab"},
      {10, "ssn", "123456", "228879"},
      // The 64-bit path's edges: d = 12 (halves of 10 digits), and halves of
      // 10^19 > 2^63 (b = 8, the round number in the high word, sums that
      // carry out of 64 bits), in radix 10 and 36.
      {10, "account", "98765432109876543210", "50741635498244506586"},
      {10, "", "99999999999999999999999999999999999999", "46582509746550644702124198783775397510"},
      {10, "edge", "12345678901234567890123456789012345678", "91037871459699791438777279192172954571"},
      {36, "x", "zyxwvutsrqponmlkjihgfedc", "iyk8tkkzw1kn3sbm19acned8"},
  };
  for (const auto& c : cases) {
    Ff1 ff1(Hex(kK256), c.radix, Bytes(c.tweak));
    EXPECT_EQ(ff1.EncryptText(c.plain), c.cipher) << c.plain;
    EXPECT_EQ(ff1.DecryptText(c.cipher), c.plain) << c.plain;
  }
}

TEST(Ff1, RoundTripsRandomInputsAtEveryLength) {
  std::mt19937_64 random(7);
  for (int radix : {2, 10, 16, 26, 36}) {
    Ff1 ff1(Hex(kK128), radix, Bytes("tweak"));
    for (int n = ff1.min_length(); n <= std::min(38, ff1.max_length()); ++n) {
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<uint8_t> x(n);
        for (auto& d : x) d = static_cast<uint8_t>(random() % radix);
        std::vector<uint8_t> y = x;
        ff1.Encrypt(y);
        for (uint8_t d : y) ASSERT_LT(d, radix);
        std::vector<uint8_t> z = y;
        ff1.Decrypt(z);
        ASSERT_EQ(z, x) << "radix " << radix << " n " << n;
      }
    }
  }
}

TEST(Ff1, RefusesDomainsBelowAMillion) {
  EXPECT_EQ(Ff1(Hex(kK128), 10).min_length(), 6);
  EXPECT_EQ(Ff1(Hex(kK128), 16).min_length(), 5);
  EXPECT_EQ(Ff1(Hex(kK128), 36).min_length(), 4);
  EXPECT_EQ(Ff1(Hex(kK128), 2).min_length(), 20);
  Ff1 ff1(Hex(kK128), 10);
  EXPECT_THROW(ff1.EncryptText("12345"), Error);
  EXPECT_NO_THROW(ff1.EncryptText("123456"));
  EXPECT_THROW(Ff1(Hex("0011"), 10), Error);  // not an AES key size
  EXPECT_THROW(Ff1(Hex(kK128), 37), Error);
}

// A permutation: the whole 10^6 domain of six digits maps onto itself.
TEST(Ff1, PermutesTheWholeSmallestDomain) {
  Ff1 ff1(Hex(kK256), 10, Bytes("perm"));
  std::vector<uint8_t> seen(1'000'000, 0);
  std::vector<uint8_t> x(6);
  for (int value = 0; value < 1'000'000; ++value) {
    int v = value;
    for (int k = 5; k >= 0; --k, v /= 10) x[k] = static_cast<uint8_t>(v % 10);
    ff1.Encrypt(x);
    int out = 0;
    for (uint8_t d : x) out = out * 10 + d;
    ASSERT_FALSE(seen[out]) << value;
    seen[out] = 1;
  }
}

// Lockstep encryption gives what one value at a time gives, for batches
// below, at and above the lane count, and with two AES calls per round.
TEST(Ff1, BatchEqualsOneByOne) {
  std::mt19937_64 random(5);
  Ff1 ff1(Hex(kK256), 10, Bytes("batch"));
  for (int n : {6, 9, 16, 64}) {
    for (size_t count : {size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{40}}) {
      std::vector<std::vector<uint8_t>> values(count, std::vector<uint8_t>(n));
      for (auto& v : values) {
        for (auto& d : v) d = static_cast<uint8_t>(random() % 10);
      }
      std::vector<std::vector<uint8_t>> batch = values;
      std::vector<std::span<uint8_t>> spans(batch.begin(), batch.end());
      ff1.EncryptBatch(spans);
      for (size_t k = 0; k < count; ++k) {
        ff1.Encrypt(values[k]);
        ASSERT_EQ(batch[k], values[k]) << "n " << n << " count " << count << " value " << k;
      }
    }
  }
}

TEST(Ff1, CloneEncryptsTheSame) {
  Ff1 ff1(Hex(kK192), 36, Bytes("t"));
  auto copy = ff1.Clone();
  EXPECT_EQ(copy->EncryptText("abcdef0123"), ff1.EncryptText("abcdef0123"));
}

// RFC 4231 test cases 1, 2 and 6 (a key longer than the block is hashed).
TEST(HmacSha256, Rfc4231) {
  EXPECT_EQ(ToHex(HmacSha256(std::vector<uint8_t>(20, 0x0b)).Mac("Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(ToHex(HmacSha256(Bytes("Jefe")).Mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  HmacSha256 long_key(std::vector<uint8_t>(131, 0xaa));
  EXPECT_EQ(ToHex(long_key.Mac("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // The precomputed states are reused: a second MAC is the same, and the
  // two-part form equals the joined message.
  HmacSha256 jefe(Bytes("Jefe"));
  EXPECT_EQ(jefe.Mac("what do ya ", "want for nothing?"), jefe.Mac("what do ya want for nothing?"));
  EXPECT_EQ(ToHex(jefe.Clone()->Mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace seedforge::mask
