// The keyed primitives under `seedforge mask`: FF1 format-preserving
// encryption (NIST SP 800-38G) and HMAC-SHA-256 (RFC 2104), both on
// OpenSSL's EVP (libcrypto 3).
//
// Ff1 encrypts a string of numerals in radix 2..36 into another of the same
// length and radix; it is a permutation of the radix^n strings of length n
// for every key and tweak. The domain must hold at least 1,000,000 strings
// (SP 800-38G Rev. 1 raises the 2016 minimum of 100 to 10^6, because small
// domains fall to known attacks): radix 10 needs 6 numerals, 16 needs 5,
// 36 needs 4. Lengths go up to where radix^ceil(n/2) < 2^120 (36 decimal
// digits a half, 72 in all), which lets every round's arithmetic run in
// unsigned __int128 with no bignum.
//
// Costs: P, the first block of every round's CBC-MAC, and the tweak's whole
// blocks are the same for every value of a given length, so their MAC state
// is computed once per length at construction; a round then costs one AES
// call (two when d > 16, i.e. more than 24 decimal digits a half). When
// both halves are below 2^64 (radix 10: up to 38 numerals, which covers
// SSNs, cards, phones and account numbers) the rounds run in 64-bit
// arithmetic, the 128-bit path being kept for longer strings.
//
// HmacSha256 keeps the SHA-256 states after key^ipad and key^opad (plain
// SHA256_CTX structs), so a MAC of a message under 56 bytes costs two
// compressions and two struct copies, with no allocation.
//
// Thread safety: an Ff1 holds an OpenSSL cipher context and an HmacSha256
// its working state, neither thread-safe; use one object per thread
// (Clone()).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/sha.h>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace seedforge::mask {

class Ff1 {
 public:
  // The smallest domain SP 800-38G Rev. 1 allows.
  static constexpr uint64_t kMinDomain = 1'000'000;

  // `key` is an AES key (16, 24 or 32 bytes); `tweak` is fixed for this
  // object. Throws Error for a bad key size or radix.
  Ff1(std::span<const uint8_t> key, int radix, std::span<const uint8_t> tweak = {});
  ~Ff1();
  Ff1(const Ff1&) = delete;
  Ff1& operator=(const Ff1&) = delete;
  std::unique_ptr<Ff1> Clone() const;

  int radix() const { return radix_; }
  // The lengths this object encrypts: radix^min_length() >= kMinDomain, and
  // the halves fit the 120-bit arithmetic.
  int min_length() const { return min_length_; }
  int max_length() const { return max_length_; }

  // In place, `numerals` each < radix. REQUIRES: min_length() <= n <=
  // max_length() (Error otherwise).
  void Encrypt(std::span<uint8_t> numerals);
  void Decrypt(std::span<uint8_t> numerals);
  // Encrypt() of each value, all of one length, run side by side: a round's
  // AES blocks for up to kLanes values go to OpenSSL in one call, which
  // costs about a sixth of a call per block.
  static constexpr size_t kLanes = 16;
  void EncryptBatch(std::span<const std::span<uint8_t>> values);

  // The same over text in the alphabet 0-9a-z (its first `radix` symbols,
  // the NIST samples' alphabet). Throws Error for a symbol outside it.
  std::string EncryptText(std::string_view text);
  std::string DecryptText(std::string_view text);

 private:
  struct Length;  // per-length constants (crypto.cpp)
  void Run(std::span<uint8_t> numerals, bool decrypt);
  void RunLanes(std::span<const std::span<uint8_t>> lanes, bool decrypt);
  void RunLanes64(std::span<const std::span<uint8_t>> lanes, bool decrypt);
  void Aes(const uint8_t* in, uint8_t* out, size_t blocks = 1);

  std::vector<uint8_t> key_;
  std::vector<uint8_t> tweak_;
  int radix_;
  int min_length_ = 0;
  int max_length_ = 0;
  EVP_CIPHER_CTX* ctx_ = nullptr;
  std::vector<Length> lengths_;  // index n
};

class HmacSha256 {
 public:
  using Digest = std::array<uint8_t, 32>;
  explicit HmacSha256(std::span<const uint8_t> key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  std::unique_ptr<HmacSha256> Clone() const;

  Digest Mac(std::span<const uint8_t> message);
  Digest Mac(std::string_view message) {
    return Mac(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(message.data()), message.size()));
  }
  // The MAC of `a` followed by `b`, without joining them.
  Digest Mac(std::string_view a, std::string_view b);
  // The first 8 bytes of the MAC, big-endian: a keyed 64-bit hash.
  uint64_t Hash64(std::string_view message);

 private:
  HmacSha256() = default;
  SHA256_CTX inner_;  // after key ^ ipad
  SHA256_CTX outer_;  // after key ^ opad
};

}  // namespace seedforge::mask
