#include "seedforge/xml_text.h"

#include "seedforge/utf8.h"

namespace seedforge {

void AppendXmlText(std::string_view s, std::string& out) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\t':
        case '\n':
        case '\r': out += static_cast<char>(c); break;
        default:
          if (c < 0x20) {
            out += kReplacement;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t length = Utf8CharLength(s, i);
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters.
    if (length == 0 || (length == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                        static_cast<unsigned char>(s[i + 2]) >= 0xBE)) {
      out += kReplacement;
      i += length == 0 ? 1 : length;
      continue;
    }
    out.append(s.data() + i, length);
    i += length;
  }
}

std::string XmlText(std::string_view s) {
  std::string out;
  AppendXmlText(s, out);
  return out;
}

}  // namespace seedforge
