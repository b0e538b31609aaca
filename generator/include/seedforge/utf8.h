// UTF-8 checks for names and text that must stay valid in every output.
//
// Strict RFC 3629 decoding: no overlong forms, no surrogates (U+D800 to
// U+DFFF), nothing above U+10FFFF. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace seedforge {

// The length in bytes (1 to 4) of the well-formed UTF-8 character that
// starts at s[i], or 0 when the bytes there are not one. REQUIRES: i < s.size().
size_t Utf8CharLength(std::string_view s, size_t i);

bool IsValidUtf8(std::string_view s);

// The number of characters of s, counting each byte that starts no
// well-formed character as one (what PostgreSQL's varchar(n) limits).
size_t Utf8Length(std::string_view s);

// The longest prefix of s of at most max_bytes bytes that does not cut a
// character in two (of valid UTF-8 s).
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

}  // namespace seedforge
