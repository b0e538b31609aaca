#include "seedforge/random.h"

#include <bit>

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
  int bits = n <= 1 ? 2 : std::bit_width(n - 1);
  if (bits % 2) ++bits;
  half_bits_ = bits / 2;
  half_mask_ = (half_bits_ >= 64) ? ~0ULL : ((1ULL << half_bits_) - 1);
  uint64_t k = key;
  for (uint64_t& round_key : round_keys_) {
    k = Mix64(k + 0x9e3779b97f4a7c15ULL);
    round_key = k;
  }
}

uint64_t IndexPermutation::Encrypt(uint64_t x) const {
  uint64_t left = x >> half_bits_;
  uint64_t right = x & half_mask_;
  for (uint64_t round_key : round_keys_) {
    uint64_t f = Mix64(right ^ round_key) & half_mask_;
    uint64_t next_right = left ^ f;
    left = right;
    right = next_right;
  }
  return (left << half_bits_) | right;
}

uint64_t IndexPermutation::operator()(uint64_t i) const {
  // Cycle walking: the domain 2^bits is less than 4n, so the expected number
  // of steps is below 4 and the walk always ends (a permutation's cycle
  // through i must come back into [0, n)).
  uint64_t x = Encrypt(i);
  while (x >= n_) x = Encrypt(x);
  return x;
}

}  // namespace seedforge
