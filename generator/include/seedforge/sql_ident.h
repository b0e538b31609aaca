// PostgreSQL identifiers: how a name is written so that the server reads it
// back exactly. In core because the domain checks names with it and every
// SQL writer (sinks, render, load) quotes with it.
//
// Thread safety: pure function.
#pragma once

#include <string>

namespace seedforge {

// PostgreSQL identifier quoting, as the server's quote_ident(): bare when it
// is a plain lower-case name and not a key word, double-quoted (with "
// doubled) otherwise. Every name that reaches SQL goes through here.
std::string QuoteIdent(const std::string& name);

}  // namespace seedforge
