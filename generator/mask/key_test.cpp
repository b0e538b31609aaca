#include "mask/key.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "seedforge/error.h"

namespace seedforge::mask {
namespace {

namespace fs = std::filesystem;

std::string Hex(const MaskKey::Subkey& k) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : k) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

fs::path WriteKey(const std::string& name, const std::string& content) {
  fs::path path = fs::temp_directory_path() / ("seedforge_key_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Subkeys are HMAC-SHA-256(key, "seedforge-mask/v1/" + purpose); expected
// value from Python's hmac module.
TEST(MaskKey, SubkeyIsHmacOfThePurpose) {
  MaskKey key = MaskKey::FromSecret("correct horse battery staple\n", "test");
  EXPECT_EQ(Hex(key.Derive("ff1/ssn")), "8f3f073bb48e6785aa617c691d9fc7968352d1e5d22f42d907cc707731f6004a");
  EXPECT_NE(Hex(key.Derive("ff1/ssn")), Hex(key.Derive("ff1/card")));
  EXPECT_EQ(key.Id().size(), 8u);
}

TEST(MaskKey, FileAndEnvironmentGiveTheSameKey) {
  const fs::path path = WriteKey("same", "correct horse battery staple\r\n");
  MaskKey from_file = MaskKey::Load(path.string());
  ::setenv(MaskKey::kEnvironment, "correct horse battery staple", 1);
  MaskKey from_env = MaskKey::Load("");
  ::unsetenv(MaskKey::kEnvironment);
  EXPECT_EQ(Hex(from_file.Derive("x")), Hex(from_env.Derive("x")));
  EXPECT_EQ(from_env.origin(), "$SEEDFORGE_MASK_KEY");
  fs::remove(path);
}

TEST(MaskKey, NoKeyIsRefused) {
  ::unsetenv(MaskKey::kEnvironment);
  try {
    MaskKey::Load("");
    FAIL() << "a run without a key must be refused";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--key-file"), std::string::npos);
  }
  EXPECT_THROW(MaskKey::Load("/nonexistent/seedforge.key"), InputError);
}

// A short key is refused, and the message names the file but never holds
// the secret.
TEST(MaskKey, ShortKeyIsRefusedWithoutShowingIt) {
  const fs::path path = WriteKey("short", "hunter2secret\n");
  try {
    MaskKey::Load(path.string());
    FAIL() << "a 13-byte key must be refused";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos);
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
  fs::remove(path);
}

}  // namespace
}  // namespace seedforge::mask
