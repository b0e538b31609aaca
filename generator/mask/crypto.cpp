#include "mask/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>

#include "seedforge/error.h"

namespace seedforge::mask {

namespace {

using u128 = unsigned __int128;

constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr u128 kLimit = u128(1) << 120;  // every half's value stays below this

u128 Power(int radix, int exponent) {
  u128 p = 1;
  for (int i = 0; i < exponent; ++i) p *= static_cast<unsigned>(radix);
  return p;
}

int BitLength(u128 x) {
  int bits = 0;
  while (x) {
    ++bits;
    x >>= 1;
  }
  return bits;
}

u128 Num(const uint8_t* numerals, int count, int radix) {
  u128 x = 0;
  for (int i = 0; i < count; ++i) x = x * static_cast<unsigned>(radix) + numerals[i];
  return x;
}

void Str(u128 x, int radix, uint8_t* numerals, int count) {
  if (radix == 10 && x >> 64 == 0) {  // a division by a constant compiles to a multiplication
    uint64_t y = static_cast<uint64_t>(x);
    for (int i = count - 1; i >= 0; --i) {
      numerals[i] = static_cast<uint8_t>(y % 10);
      y /= 10;
    }
    return;
  }
  if (x >> 64 == 0) {  // 64-bit division is one instruction; 128-bit is a libgcc call
    uint64_t y = static_cast<uint64_t>(x);
    for (int i = count - 1; i >= 0; --i) {
      numerals[i] = static_cast<uint8_t>(y % static_cast<unsigned>(radix));
      y /= static_cast<unsigned>(radix);
    }
    return;
  }
  for (int i = count - 1; i >= 0; --i) {
    numerals[i] = static_cast<uint8_t>(x % static_cast<unsigned>(radix));
    x /= static_cast<unsigned>(radix);
  }
}

// The big-endian number in s[0..d) modulo m. For m < 2^64, eight bytes at a
// time in 128-bit arithmetic (one 128-by-64 division each); otherwise a byte
// at a time, which m < 2^120 keeps below 2^128.
u128 ModBytes(const uint8_t* s, int d, u128 m) {
  if (m >> 64 == 0) {
    const uint64_t m64 = static_cast<uint64_t>(m);
    uint64_t acc = 0;
    int pos = 0;
    int take = d % 8 ? d % 8 : 8;
    while (pos < d) {
      uint64_t chunk = 0;
      for (int k = 0; k < take; ++k) chunk = chunk << 8 | s[pos + k];
      acc = pos == 0 ? chunk % m64 : static_cast<uint64_t>(((static_cast<u128>(acc) << (8 * take)) | chunk) % m64);
      pos += take;
      take = 8;
    }
    return acc;
  }
  u128 acc = 0;
  for (int k = 0; k < d; ++k) acc = (acc * 256 + s[k]) % m;
  return acc;
}

}  // namespace

// What every value of one length n shares: the halves' sizes, b and d of
// the spec, and the CBC-MAC state after P and the tweak's whole blocks.
struct Ff1::Length {
  int u = 0, v = 0, b = 0, d = 0;
  u128 pow_u = 0, pow_v = 0;
  uint8_t state[16] = {};  // CBC-MAC chaining value before the last block of P||Q
  uint8_t last[16] = {};   // the last block's constant bytes (round and NUM(B) zero)
};

Ff1::Ff1(std::span<const uint8_t> key, int radix, std::span<const uint8_t> tweak)
    : key_(key.begin(), key.end()), tweak_(tweak.begin(), tweak.end()), radix_(radix) {
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_ecb()
                             : key.size() == 24 ? EVP_aes_192_ecb()
                             : key.size() == 32 ? EVP_aes_256_ecb()
                                                : nullptr;
  if (!cipher) throw Error("FF1 needs an AES key of 16, 24 or 32 bytes");
  if (radix < 2 || radix > static_cast<int>(kAlphabet.size())) throw Error("FF1 radix must be 2 to 36");
  ctx_ = EVP_CIPHER_CTX_new();
  if (!ctx_ || EVP_EncryptInit_ex(ctx_, cipher, nullptr, key_.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx_, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx_);
    throw Error("cannot set up AES for FF1");
  }
  min_length_ = 2;
  while (Power(radix, min_length_) < kMinDomain) ++min_length_;
  max_length_ = min_length_;
  while (Power(radix, (max_length_ + 2) / 2) < kLimit) ++max_length_;  // ceil((n+1)/2) fits

  const uint32_t t = static_cast<uint32_t>(tweak_.size());
  lengths_.resize(max_length_ + 1);
  for (int n = min_length_; n <= max_length_; ++n) {
    Length& L = lengths_[n];
    L.u = n / 2;
    L.v = n - L.u;
    L.pow_u = Power(radix, L.u);
    L.pow_v = Power(radix, L.v);
    L.b = (BitLength(L.pow_v - 1) + 7) / 8;
    L.d = 4 * ((L.b + 3) / 4) + 4;
    // P || Q with the round number and NUM(B) left zero.
    std::vector<uint8_t> pq = {1, 2, 1, static_cast<uint8_t>(radix >> 16), static_cast<uint8_t>(radix >> 8),
                               static_cast<uint8_t>(radix), 10, static_cast<uint8_t>(L.u % 256),
                               static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                               static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n),
                               static_cast<uint8_t>(t >> 24), static_cast<uint8_t>(t >> 16),
                               static_cast<uint8_t>(t >> 8), static_cast<uint8_t>(t)};
    pq.insert(pq.end(), tweak_.begin(), tweak_.end());
    const size_t pad = ((-static_cast<int64_t>(t) - L.b - 1) % 16 + 16) % 16;
    pq.resize(pq.size() + pad + 1 + L.b, 0);
    uint8_t y[16] = {};
    for (size_t block = 0; block + 16 < pq.size(); block += 16) {
      for (int k = 0; k < 16; ++k) y[k] ^= pq[block + k];
      Aes(y, y);
    }
    std::memcpy(L.state, y, 16);
    std::memcpy(L.last, pq.data() + pq.size() - 16, 16);
  }
}

Ff1::~Ff1() {
  EVP_CIPHER_CTX_free(ctx_);
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
}

std::unique_ptr<Ff1> Ff1::Clone() const { return std::make_unique<Ff1>(key_, radix_, tweak_); }

void Ff1::Aes(const uint8_t* in, uint8_t* out, size_t blocks) {
  // EVP_Cipher skips EVP_EncryptUpdate's buffering checks (the input is
  // whole blocks, padding off): the same result, less overhead per call,
  // which matters at ten calls per value.
  if (EVP_Cipher(ctx_, out, in, static_cast<unsigned>(16 * blocks)) <= 0) throw Error("AES failed");
}

void Ff1::Encrypt(std::span<uint8_t> numerals) { Run(numerals, false); }
void Ff1::Decrypt(std::span<uint8_t> numerals) { Run(numerals, true); }

void Ff1::Run(std::span<uint8_t> x, bool decrypt) {
  const std::span<uint8_t> one[1] = {x};
  RunLanes(one, decrypt);
}

void Ff1::EncryptBatch(std::span<const std::span<uint8_t>> values) {
  for (size_t start = 0; start < values.size(); start += kLanes) {
    RunLanes(values.subspan(start, std::min(kLanes, values.size() - start)), false);
  }
}

// The common case of RunLanes: both halves below 2^64 (radix 10: up to 38
// numerals), so b <= 8, d <= 12 and one AES block a round. The halves and
// every round's arithmetic stay in 64-bit registers, and a round's block is
// the per-length constant with the round number and NUM(B) xored into its
// last eight bytes as one big-endian word.
void Ff1::RunLanes64(std::span<const std::span<uint8_t>> lanes, bool decrypt) {
  const size_t count = lanes.size();
  const int n = static_cast<int>(lanes[0].size());
  const Length& L = lengths_[n];
  const uint64_t pow_u = static_cast<uint64_t>(L.pow_u), pow_v = static_cast<uint64_t>(L.pow_v);
  uint64_t a[kLanes], b[kLanes];
  for (size_t j = 0; j < count; ++j) {
    const uint8_t* x = lanes[j].data();
    uint64_t an = 0, bn = 0;
    for (int k = 0; k < L.u; ++k) an = an * static_cast<unsigned>(radix_) + x[k];
    for (int k = L.u; k < n; ++k) bn = bn * static_cast<unsigned>(radix_) + x[k];
    a[j] = an;
    b[j] = bn;
  }
  // The block before the round's fields: chaining value xor the constant
  // bytes of the last block of P||Q, as two big-endian words.
  uint64_t base_hi = 0, base_lo = 0;
  for (int k = 0; k < 8; ++k) base_hi = base_hi << 8 | static_cast<uint8_t>(L.state[k] ^ L.last[k]);
  for (int k = 8; k < 16; ++k) base_lo = base_lo << 8 | static_cast<uint8_t>(L.state[k] ^ L.last[k]);
  uint8_t blocks[kLanes * 16], r[kLanes * 16];
  for (int round = 0; round < 10; ++round) {
    const int i = decrypt ? 9 - round : round;
    // The round number sits just before NUM(B)'s b bytes.
    const uint64_t round_lo = L.b < 8 ? static_cast<uint64_t>(i) << (8 * L.b) : 0;
    const uint64_t round_hi = L.b < 8 ? 0 : static_cast<uint64_t>(i);
    for (size_t j = 0; j < count; ++j) {
      const uint64_t hi = __builtin_bswap64(base_hi ^ round_hi);
      const uint64_t lo = __builtin_bswap64(base_lo ^ round_lo ^ (decrypt ? a[j] : b[j]));
      std::memcpy(blocks + 16 * j, &hi, 8);
      std::memcpy(blocks + 16 * j + 8, &lo, 8);
    }
    Aes(blocks, r, count);
    const uint64_t m = i % 2 == 0 ? pow_u : pow_v;
    for (size_t j = 0; j < count; ++j) {
      uint64_t first;
      std::memcpy(&first, r + 16 * j, 8);
      first = __builtin_bswap64(first);
      uint64_t y;
      if (L.d == 8) {
        y = first % m;
      } else {  // d == 12: the next four bytes too
        const uint64_t next = uint64_t{r[16 * j + 8]} << 24 | uint64_t{r[16 * j + 9]} << 16 |
                              uint64_t{r[16 * j + 10]} << 8 | r[16 * j + 11];
        y = static_cast<uint64_t>(((static_cast<u128>(first % m) << 32) | next) % m);
      }
      // a, b and y are below m < 2^64, so one comparison replaces the modulo;
      // a + y can pass 2^64 when m > 2^63 (radix 10, halves of 19 digits),
      // and then it is >= m too.
      if (!decrypt) {
        uint64_t c = a[j] + y;
        if (c < a[j] || c >= m) c -= m;
        a[j] = b[j];
        b[j] = c;
      } else {
        const uint64_t c = b[j] >= y ? b[j] - y : b[j] + (m - y);
        b[j] = a[j];
        a[j] = c;
      }
    }
  }
  for (size_t j = 0; j < count; ++j) {
    Str(a[j], radix_, lanes[j].data(), L.u);
    Str(b[j], radix_, lanes[j].data() + L.u, L.v);
  }
}

// Up to kLanes values of one length through the ten rounds side by side:
// each round's blocks go to AES in one call.
void Ff1::RunLanes(std::span<const std::span<uint8_t>> lanes, bool decrypt) {
  const size_t count = lanes.size();
  if (count == 0) return;
  const int n = static_cast<int>(lanes[0].size());
  if (n < min_length_ || n > max_length_) {
    throw Error("FF1 over " + std::to_string(n) + " numerals in radix " + std::to_string(radix_) +
                ": the length must be " + std::to_string(min_length_) + " to " + std::to_string(max_length_) +
                " (a domain of at least 1,000,000 values)");
  }
  const Length& L = lengths_[n];
  u128 a[kLanes], b[kLanes];
  for (size_t j = 0; j < count; ++j) {
    if (static_cast<int>(lanes[j].size()) != n) throw Error("FF1 batch values must all have the same length");
    for (uint8_t c : lanes[j]) {
      if (c >= radix_) throw Error("FF1 numeral out of range for radix " + std::to_string(radix_));
    }
  }
  if (L.pow_v >> 64 == 0) return RunLanes64(lanes, decrypt);
  for (size_t j = 0; j < count; ++j) {
    a[j] = Num(lanes[j].data(), L.u, radix_);
    b[j] = Num(lanes[j].data() + L.u, L.v, radix_);
  }
  uint8_t blocks[kLanes * 16], r[kLanes * 16], r2[kLanes * 16], s[32];
  for (int round = 0; round < 10; ++round) {
    const int i = decrypt ? 9 - round : round;
    for (size_t j = 0; j < count; ++j) {
      uint8_t* block = blocks + 16 * j;
      u128 source = decrypt ? a[j] : b[j];
      std::memcpy(block, L.last, 16);
      block[15 - L.b] = static_cast<uint8_t>(i);
      for (int k = 15; k >= 16 - L.b; --k) {
        block[k] = static_cast<uint8_t>(source);
        source >>= 8;
      }
      for (int k = 0; k < 16; ++k) block[k] ^= L.state[k];
    }
    Aes(blocks, r, count);  // R of each lane
    if (L.d > 16) {
      std::memcpy(blocks, r, 16 * count);
      for (size_t j = 0; j < count; ++j) blocks[16 * j + 15] ^= 1;
      Aes(blocks, r2, count);
    }
    const u128 m = i % 2 == 0 ? L.pow_u : L.pow_v;
    for (size_t j = 0; j < count; ++j) {
      std::memcpy(s, r + 16 * j, 16);
      if (L.d > 16) std::memcpy(s + 16, r2 + 16 * j, 16);
      const u128 y = ModBytes(s, L.d, m);
      // a, b and y are below m, so one comparison replaces the modulo.
      if (!decrypt) {
        u128 c = a[j] + y;
        if (c >= m) c -= m;
        a[j] = b[j];
        b[j] = c;
      } else {
        const u128 c = b[j] >= y ? b[j] - y : b[j] + m - y;
        b[j] = a[j];
        a[j] = c;
      }
    }
  }
  for (size_t j = 0; j < count; ++j) {
    Str(a[j], radix_, lanes[j].data(), L.u);
    Str(b[j], radix_, lanes[j].data() + L.u, L.v);
  }
}

namespace {

// The numerals of `text` in FF1's alphabet (0-9a-z) for `radix`.
std::vector<uint8_t> NumeralsOf(std::string_view text, int radix) {
  std::vector<uint8_t> numerals;
  numerals.reserve(text.size());
  for (char c : text) {
    const size_t at = kAlphabet.find(c);
    if (at == std::string_view::npos || static_cast<int>(at) >= radix) {
      throw Error(std::string("FF1: '") + c + "' is not a numeral of radix " + std::to_string(radix));
    }
    numerals.push_back(static_cast<uint8_t>(at));
  }
  return numerals;
}

std::string TextOf(const std::vector<uint8_t>& numerals) {
  std::string out;
  out.reserve(numerals.size());
  for (uint8_t v : numerals) out += kAlphabet[v];
  return out;
}

}  // namespace

std::string Ff1::EncryptText(std::string_view text) {
  std::vector<uint8_t> numerals = NumeralsOf(text, radix_);
  Encrypt(numerals);
  return TextOf(numerals);
}

std::string Ff1::DecryptText(std::string_view text) {
  std::vector<uint8_t> numerals = NumeralsOf(text, radix_);
  Decrypt(numerals);
  return TextOf(numerals);
}

// --- HMAC-SHA-256 ------------------------------------------------------------

// SHA256_CTX is deprecated in OpenSSL 3 in favour of EVP_MD_CTX, but it is
// still exported, and it is a plain struct: the two midstates are copied by
// value, where EVP_MD_CTX_copy_ex costs a call through the provider and an
// allocation check per copy (two per MAC).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

HmacSha256::HmacSha256(std::span<const uint8_t> key) {
  // RFC 2104: a key longer than the block is hashed first; then padded.
  uint8_t block[64] = {};
  if (key.size() > 64) {
    SHA256(key.data(), key.size(), block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[64];
  for (int k = 0; k < 64; ++k) pad[k] = block[k] ^ 0x36;
  bool ok = SHA256_Init(&inner_) == 1 && SHA256_Update(&inner_, pad, 64) == 1;
  for (int k = 0; k < 64; ++k) pad[k] = block[k] ^ 0x5c;
  ok = ok && SHA256_Init(&outer_) == 1 && SHA256_Update(&outer_, pad, 64) == 1;
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
  if (!ok) throw Error("cannot set up HMAC-SHA-256");
}

HmacSha256::~HmacSha256() {
  OPENSSL_cleanse(&inner_, sizeof inner_);
  OPENSSL_cleanse(&outer_, sizeof outer_);
}

std::unique_ptr<HmacSha256> HmacSha256::Clone() const {
  std::unique_ptr<HmacSha256> copy(new HmacSha256());
  copy->inner_ = inner_;
  copy->outer_ = outer_;
  return copy;
}

HmacSha256::Digest HmacSha256::Mac(std::span<const uint8_t> message) {
  return Mac(std::string_view(reinterpret_cast<const char*>(message.data()), message.size()), {});
}

HmacSha256::Digest HmacSha256::Mac(std::string_view a, std::string_view b) {
  Digest inner, out;
  SHA256_CTX work = inner_;
  SHA256_Update(&work, a.data(), a.size());
  if (!b.empty()) SHA256_Update(&work, b.data(), b.size());
  SHA256_Final(inner.data(), &work);
  work = outer_;
  SHA256_Update(&work, inner.data(), inner.size());
  SHA256_Final(out.data(), &work);
  return out;
}

#pragma GCC diagnostic pop

uint64_t HmacSha256::Hash64(std::string_view message) {
  const Digest d = Mac(message, {});
  uint64_t h = 0;
  for (int k = 0; k < 8; ++k) h = h << 8 | d[k];
  return h;
}

}  // namespace seedforge::mask
