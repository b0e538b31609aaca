// Passwords, session tokens and the login rate limiter of `seedforge serve`.
//
// Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str, its
// "interactive" limits: 2 passes over 64 MiB, about 0.1 s on one core; the
// encoded string carries its parameters, so stronger limits can come later
// without breaking stored hashes). Session tokens are 256 random bits; only
// their BLAKE2b hash is stored, so a copy of the database opens no session.
//
// Thread safety: the free functions are reentrant; LoginRateLimiter locks.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace seedforge::serve {

// The shortest password `users add` and the API accept.
inline constexpr size_t kMinPasswordLength = 8;

// Throws Error when libsodium cannot start (no entropy source).
void InitCrypto();

std::string HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);

// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string RandomHex(size_t bytes);

// A new session token (256 bits, hex) and the hash stored for it.
std::string NewToken();
std::string TokenHash(const std::string& token);

// Compares in time independent of where the strings differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

// Failed logins within a window, per (user name, client address) and per
// client address: after `per_user` failures for a name from one address, or
// `per_address` from an address, further attempts are refused until the
// oldest failure leaves the window. The name's count is per address so that
// nobody elsewhere can lock a user (an admin) out by guessing at its name;
// the per-address count bounds what one client may try.
//
// An attempt is reserved (counted as failed) before the slow password hash
// and released when it succeeds: parallel guesses cannot all pass the check
// before any of them is recorded.
class LoginRateLimiter {
 public:
  LoginRateLimiter(int per_user = 5, int per_address = 20, int64_t window_seconds = 15 * 60)
      : per_user_(per_user), per_address_(per_address), window_(window_seconds) {}

  // 0: the attempt may go ahead and is counted as failed until Succeeded;
  // else the seconds to wait (nothing counted).
  int64_t Begin(const std::string& user, const std::string& address, int64_t now);
  // The attempt begun at `began` succeeded: it no longer counts for the
  // address, and the name's failures from the address are forgotten.
  void Succeeded(const std::string& user, const std::string& address, int64_t began);

 private:
  using Failures = std::deque<int64_t>;
  int64_t Wait(std::map<std::string, Failures>& table, const std::string& key, int limit, int64_t now);
  static std::string UserKey(const std::string& user, const std::string& address) { return user + '\n' + address; }

  std::mutex mutex_;
  int per_user_, per_address_;
  int64_t window_;
  std::map<std::string, Failures> users_, addresses_;
};

}  // namespace seedforge::serve
