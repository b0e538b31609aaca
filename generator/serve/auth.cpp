#include "serve/auth.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>
#include <thread>

#include "seedforge/error.h"

namespace seedforge::serve {

void InitCrypto() {
  if (sodium_init() < 0) throw Error("libsodium could not start (no source of randomness?)");
}

namespace {

constexpr size_t kPruneAbove = 10000;

// Argon2id takes 64 MiB and a core per hash: at most one hash per core at
// once, so that a burst of logins neither takes a gigabyte nor holds every
// request thread (the others keep answering job polls).
std::counting_semaphore<>& HashSlots() {
  static std::counting_semaphore<> slots(std::max<std::ptrdiff_t>(1, std::thread::hardware_concurrency()));
  return slots;
}

struct HashSlot {
  HashSlot() { HashSlots().acquire(); }
  ~HashSlot() { HashSlots().release(); }
};

}  // namespace

std::string HashPassword(const std::string& password) {
  HashSlot slot;
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw Error("out of memory while hashing a password");
  }
  return hash;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

std::string NewToken() { return RandomHex(32); }

std::string TokenHash(const std::string& token) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  char hex[2 * crypto_generichash_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

int64_t LoginRateLimiter::Wait(std::map<std::string, Failures>& table, const std::string& key, int limit,
                               int64_t now) {
  auto it = table.find(key);
  if (it == table.end()) return 0;
  Failures& failures = it->second;
  while (!failures.empty() && failures.front() <= now - window_) failures.pop_front();
  if (failures.empty()) {
    table.erase(it);
    return 0;
  }
  if (static_cast<int>(failures.size()) < limit) return 0;
  // Allowed again when enough of the oldest failures have left the window.
  return std::max<int64_t>(1, failures[failures.size() - limit] + window_ - now);
}

int64_t LoginRateLimiter::Begin(const std::string& user, const std::string& address, int64_t now) {
  std::lock_guard lock(mutex_);
  const std::string user_key = UserKey(user, address);
  const int64_t wait = std::max(Wait(users_, user_key, per_user_, now), Wait(addresses_, address, per_address_, now));
  if (wait > 0) return wait;
  // Names and addresses an attacker makes up must not grow the tables
  // without bound: past a size, entries whose failures all left the
  // window go.
  for (auto* table : {&users_, &addresses_}) {
    if (table->size() < kPruneAbove) continue;
    std::erase_if(*table, [&](const auto& entry) { return entry.second.back() <= now - window_; });
  }
  users_[user_key].push_back(now);
  addresses_[address].push_back(now);
  // Bounded memory: a table keeps at most the failures that still count.
  for (Failures* f : {&users_[user_key], &addresses_[address]}) {
    while (f->size() > static_cast<size_t>(std::max(per_user_, per_address_))) f->pop_front();
  }
  return 0;
}

void LoginRateLimiter::Succeeded(const std::string& user, const std::string& address, int64_t began) {
  std::lock_guard lock(mutex_);
  users_.erase(UserKey(user, address));
  auto it = addresses_.find(address);
  if (it == addresses_.end()) return;
  Failures& failures = it->second;
  for (auto f = failures.rbegin(); f != failures.rend(); ++f) {
    if (*f == began) {
      failures.erase(std::next(f).base());
      break;
    }
  }
  if (failures.empty()) addresses_.erase(it);
}

}  // namespace seedforge::serve
