// The one XML text escaper of seedforge: the docx writer's cells and the
// docx template's names and descriptions go through it, so the document is
// well-formed whatever the data holds.
#pragma once

#include <string>
#include <string_view>

namespace seedforge {

// Appends s as XML 1.0 character data: `&`, `<` and `>` escaped; what XML
// 1.0 cannot hold at all (C0 controls other than tab, line feed and carriage
// return; U+FFFE and U+FFFF) and each byte of malformed UTF-8 become U+FFFD,
// so the result always parses.
void AppendXmlText(std::string_view s, std::string& out);
std::string XmlText(std::string_view s);

}  // namespace seedforge
