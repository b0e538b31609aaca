#include "seedforge/random.h"

#include <bit>
#include <utility>

namespace seedforge {

uint64_t HashName(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;  // FNV-1a prime
  }
  return Mix64(h);
}

uint64_t DeriveKey(uint64_t seed, std::string_view scope, std::string_view name) {
  return Mix64(Mix64(seed ^ HashName(scope)) ^ HashName(name));
}

IndexPermutation::IndexPermutation(uint64_t key, uint64_t n) : n_(n) {
  // The smallest power of two >= n, split into halves of a and b bits
  // (unbalanced when the width is odd), so the domain is below 2n and cycle
  // walking takes under two steps on average.
  int bits = n <= 2 ? 2 : std::bit_width(n - 1);
  left_bits_ = bits / 2;
  right_bits_ = bits - left_bits_;
  uint64_t k = key;
  for (uint64_t& round_key : round_keys_) {
    k = Mix64(k + 0x9e3779b97f4a7c15ULL);
    round_key = k;
  }
}

uint64_t IndexPermutation::Encrypt(uint64_t x) const {
  // Feistel rounds on halves of alternating widths: (L:a, R:b) becomes
  // (R:b, L ^ F(R):a); four rounds bring the widths back to (a, b). Each
  // round is invertible, so the whole is a bijection of [0, 2^(a+b)).
  int a = left_bits_, b = right_bits_;
  uint64_t left = x >> b;
  uint64_t right = x & ((1ULL << b) - 1);
  for (uint64_t round_key : round_keys_) {
    uint64_t f = Mix64(right ^ round_key) & ((1ULL << a) - 1);
    uint64_t next_right = left ^ f;
    left = right;
    right = next_right;
    std::swap(a, b);
  }
  return (left << b) | right;
}

uint64_t IndexPermutation::operator()(uint64_t i) const {
  // Cycle walking: the domain 2^bits is less than 2n, so the expected number
  // of steps is below 2 and the walk always ends (a permutation's cycle
  // through i must come back into [0, n)).
  uint64_t x = Encrypt(i);
  while (x >= n_) x = Encrypt(x);
  return x;
}

}  // namespace seedforge
