// The mask key: the one secret behind every masked value, and the subkeys
// derived from it, one per purpose.
//
// The key comes from a file (--key-file) or, failing that, from the
// environment variable SEEDFORGE_MASK_KEY; a run with neither is refused.
// Its bytes are used as written, less trailing white space (so `head -c 32
// /dev/urandom | base64 > key` and a line typed into a file both work), and
// must be at least 16 bytes. The key is never printed: no message, log line
// or --help text holds it, and its memory is wiped when it goes.
//
// Subkeys: HMAC-SHA-256(key, "seedforge-mask/v1/" + purpose), 32 bytes, so
// FF1 over SSNs, the e-mail tokens and the date shifts never share a key,
// and knowing one subkey tells nothing of another or of the key.
//
// Thread safety: immutable after construction.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seedforge::mask {

class MaskKey {
 public:
  static constexpr const char* kEnvironment = "SEEDFORGE_MASK_KEY";
  static constexpr size_t kMinBytes = 16;
  using Subkey = std::array<uint8_t, 32>;

  // From `key_file` when not empty, else from $SEEDFORGE_MASK_KEY. Throws
  // UsageError when there is no key, InputError naming the file (never its
  // content) when it cannot be read or is too short.
  static MaskKey Load(const std::string& key_file);
  static MaskKey FromFile(const std::string& path);
  // `origin` says where the secret came from, for messages.
  static MaskKey FromSecret(std::string_view secret, std::string origin);

  MaskKey(MaskKey&& other) noexcept;
  MaskKey& operator=(MaskKey&&) = delete;
  MaskKey(const MaskKey&) = delete;
  ~MaskKey();

  Subkey Derive(std::string_view purpose) const;
  // "key file K" or "$SEEDFORGE_MASK_KEY": where the key came from.
  const std::string& origin() const { return origin_; }
  // Eight hex digits of HMAC(key, "seedforge-mask/v1/key-id"): lets a user
  // check that two runs used the same key without showing it.
  std::string Id() const;

 private:
  MaskKey(std::vector<uint8_t> secret, std::string origin) : secret_(std::move(secret)), origin_(std::move(origin)) {}
  std::vector<uint8_t> secret_;
  std::string origin_;
};

}  // namespace seedforge::mask
