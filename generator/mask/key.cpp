#include "mask/key.h"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "mask/crypto.h"
#include "seedforge/error.h"

namespace seedforge::mask {

namespace {

std::vector<uint8_t> Trimmed(std::string_view secret) {
  while (!secret.empty() && std::strchr(" \t\r\n", secret.back())) secret.remove_suffix(1);
  return {secret.begin(), secret.end()};
}

}  // namespace

MaskKey MaskKey::Load(const std::string& key_file) {
  if (!key_file.empty()) return FromFile(key_file);
  if (const char* env = std::getenv(kEnvironment); env && *env) {
    return FromSecret(env, std::string("$") + kEnvironment);
  }
  throw UsageError(std::string("mask needs a key: give --key-file FILE or set ") + kEnvironment +
                   " (refusing to mask without one)");
}

MaskKey MaskKey::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path}, std::string("cannot read the key file: ") + std::strerror(errno));
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError({path}, "cannot read the key file");
  MaskKey key = FromSecret(secret, "key file " + path);
  OPENSSL_cleanse(secret.data(), secret.size());
  return key;
}

MaskKey MaskKey::FromSecret(std::string_view secret, std::string origin) {
  std::vector<uint8_t> bytes = Trimmed(secret);
  if (bytes.size() < kMinBytes) {
    const size_t size = bytes.size();
    if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
    throw InputError({origin}, "the mask key is " + std::to_string(size) + " bytes; at least " +
                                   std::to_string(kMinBytes) +
                                   " are needed (e.g. head -c 32 /dev/urandom | base64 > mask.key)");
  }
  return MaskKey(std::move(bytes), std::move(origin));
}

MaskKey::MaskKey(MaskKey&& other) noexcept : secret_(std::move(other.secret_)), origin_(std::move(other.origin_)) {
  other.secret_.clear();
}

MaskKey::~MaskKey() {
  if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
}

MaskKey::Subkey MaskKey::Derive(std::string_view purpose) const {
  HmacSha256 mac(secret_);
  return mac.Mac("seedforge-mask/v1/", purpose);
}

std::string MaskKey::Id() const {
  const Subkey id = Derive("key-id");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int k = 0; k < 4; ++k) {
    out += digits[id[k] >> 4];
    out += digits[id[k] & 15];
  }
  return out;
}

}  // namespace seedforge::mask
