// The one JSON string escaper of seedforge: the row encoders, the report's
// JSON and the `json` provider all write strings through it, so every JSON
// seedforge writes follows the same rule.
#pragma once

#include <string>
#include <string_view>

namespace seedforge {

// Appends s as a JSON string literal, quotes included (RFC 8259). Control
// characters are escaped; UTF-8 passes through, and a malformed byte becomes
// U+FFFD, so the result is always valid JSON.
void AppendJsonString(std::string_view s, std::string& out);

}  // namespace seedforge
