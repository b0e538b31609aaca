#include "seedforge/json_string.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace seedforge {
namespace {

std::string Quoted(std::string_view s) {
  std::string out = "x";  // appends, never replaces
  AppendJsonString(s, out);
  return out.substr(1);
}

TEST(AppendJsonString, EscapesWhatRfc8259Requires) {
  const struct {
    std::string_view in, out;
  } cases[] = {
      {"", R"("")"},
      {"plain text", R"("plain text")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"a\\b", R"("a\\b")"},
      {"line\nbreak\r\ttab", R"("line\nbreak\r\ttab")"},
      {"\b\f", R"("\b\f")"},
      {std::string_view("\x00\x1f\x7f", 3), "\"\\u0000\\u001f\x7f\""},
      {"/ stays", R"("/ stays")"},
  };
  for (const auto& c : cases) EXPECT_EQ(Quoted(c.in), c.out) << c.in;
}

TEST(AppendJsonString, PassesUtf8AndReplacesMalformedBytes) {
  EXPECT_EQ(Quoted("Zoë 日本 🎉"), "\"Zoë 日本 🎉\"");
  EXPECT_EQ(Quoted("a\xff" "b"), R"("a\ufffdb")");
  EXPECT_EQ(Quoted("\xc3"), R"("\ufffd")");  // a lead byte without its continuation
}

// Whatever the bytes, the result is one JSON string that reads back as the
// text (malformed bytes aside): checked with nlohmann's parser on every byte.
TEST(AppendJsonString, EveryByteReadsBack) {
  for (int c = 0; c < 0x80; ++c) {
    std::string text = "<";
    text += static_cast<char>(c);
    text += '>';
    EXPECT_EQ(nlohmann::json::parse(Quoted(text)).get<std::string>(), text) << c;
  }
}

}  // namespace
}  // namespace seedforge
