#include "seedforge/xml_text.h"

#include <gtest/gtest.h>

namespace seedforge {
namespace {

TEST(XmlText, EscapesMarkupAndKeepsUtf8) {
  EXPECT_EQ(XmlText("a < b && c > \"d\" 'e'"), "a &lt; b &amp;&amp; c &gt; \"d\" 'e'");
  EXPECT_EQ(XmlText("ünï 漢字 🎉"), "ünï 漢字 🎉");
  EXPECT_EQ(XmlText("tab\tlf\ncr\r"), "tab\tlf\ncr\r");  // XML 1.0 characters
  EXPECT_EQ(XmlText(""), "");
}

TEST(XmlText, ReplacesWhatXmlCannotHold) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(XmlText(std::string("a\x01" "b\x1f" "c", 5)), "a" + fffd + "b" + fffd + "c");
  EXPECT_EQ(XmlText(std::string("\0", 1)), fffd);
  EXPECT_EQ(XmlText("\xEF\xBF\xBE\xEF\xBF\xBF"), fffd + fffd);  // U+FFFE, U+FFFF
  EXPECT_EQ(XmlText("\xEF\xBF\xBD"), fffd);                        // U+FFFD itself stays
  EXPECT_EQ(XmlText("x\xC3"), "x" + fffd);                         // cut character
  EXPECT_EQ(XmlText("\xED\xA0\x80"), fffd + fffd + fffd);          // a surrogate: three bad bytes
}

}  // namespace
}  // namespace seedforge
