// PostgreSQL identifiers: how a name is written so that the server reads it
// back exactly. In core because the domain checks names with it and every
// SQL writer (sinks, render, load) quotes with it.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace seedforge {

// PostgreSQL identifier quoting, as the server's quote_ident(): bare when it
// is a plain lower-case name and not a key word, double-quoted (with "
// doubled) otherwise. Every name that reaches SQL goes through here.
std::string QuoteIdent(const std::string& name);

// A string literal, as the server's quote_literal(): the quote doubled, and
// with a backslash the E'' form with backslashes doubled, so the literal
// means the same whatever standard_conforming_strings is.
std::string QuoteLiteral(std::string_view text);

}  // namespace seedforge
