// Counter-based random streams.
//
// Every random value seedforge draws is a pure function of
// (seed, entity, column or provider group, row, draw number). Nothing carries
// state from one row to the next, so any row can be regenerated on its own,
// batches can be produced in any order on any number of threads, and the same
// seed always gives the same bytes.
//
// The mixing function is SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014): a Weyl sequence passed
// through a 64-bit finaliser, which is itself a counter-based generator. The
// stream of one row is SplitMix64 started at Mix(key ^ Mix(row)).
//
// Thread safety: all types here are values; share keys freely, give each
// thread its own RandomStream.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace seedforge {

// SplitMix64's finaliser: a bijection on 64-bit integers with good avalanche.
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A 64-bit hash of a string (FNV-1a, then mixed). Stable across platforms and
// versions: keys derived from names must never change, or outputs would.
uint64_t HashName(std::string_view name);

// The key of one stream family: e.g. DeriveKey(seed, "customers", "email").
uint64_t DeriveKey(uint64_t seed, std::string_view scope, std::string_view name);

// The random numbers of one row of one stream family.
class RandomStream {
 public:
  RandomStream(uint64_t key, uint64_t row) : state_(Mix64(key ^ Mix64(row + kGamma))) {}

  uint64_t Next() {
    state_ += kGamma;
    return Mix64(state_);
  }

  // Uniform in [0, 1), 53 bits of precision.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n > 0. Lemire's multiply-shift: the bias is at
  // most n / 2^64, far below anything a test-data user can observe.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform integer in [lo, hi], lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    // In unsigned arithmetic: hi - lo overflows int64 for wide ranges.
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    const uint64_t offset = span == UINT64_MAX ? Next() : Below(span + 1);
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
  }

  bool Chance(double p) { return Uniform() < p; }

  // Standard normal (Box-Muller; one value per call keeps rows independent).
  double Normal() {
    double u1 = 1.0 - Uniform();  // (0, 1]
    double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
  uint64_t state_;
};

// A keyed bijection of [0, n) onto itself: a Feistel network on the smallest
// power of two >= n, with cycle walking to stay inside [0, n)
// (Black and Rogaway, "Ciphers with arbitrary finite domains", 2002).
// Unique columns map row i to Permute(i) in the provider's value space, so
// values are distinct by construction, with no retries and no memory.
class IndexPermutation {
 public:
  IndexPermutation(uint64_t key, uint64_t n);

  // REQUIRES: i < size().
  uint64_t operator()(uint64_t i) const;
  uint64_t size() const { return n_; }

 private:
  uint64_t Encrypt(uint64_t x) const;

  uint64_t n_;
  int left_bits_;
  int right_bits_;
  uint64_t round_keys_[4];
};

}  // namespace seedforge
