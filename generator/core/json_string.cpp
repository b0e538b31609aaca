#include "seedforge/json_string.h"

#include <array>

#include "seedforge/utf8.h"

namespace seedforge {

void AppendJsonString(std::string_view s, std::string& out) {
  // Bytes that can be copied as they are, looked up in a table so that runs
  // of them are appended at once: this runs for every text value of every row.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> table{};
    for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
    return table;
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    size_t run = i;
    while (run < s.size() && kPlain[static_cast<unsigned char>(s[run])]) ++run;
    out.append(s.data() + i, run - i);
    if (run == s.size()) break;
    i = run;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // UTF-8 passes through unchanged (RFC 8259 section 7); a malformed
      // byte becomes U+FFFD so that the output stays valid JSON.
      size_t n = Utf8CharLength(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    ++i;
  }
  out += '"';
}

}  // namespace seedforge
