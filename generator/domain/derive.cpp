#include "domain/derive.h"

#include <algorithm>
#include <cctype>

namespace seedforge {

namespace {
struct Token {
  std::string literal;
  std::string column;
  std::vector<std::string> filters;
};

bool Tokenize(const std::string& text, std::vector<Token>* tokens, std::string* error) {
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    if (c == '}') {
      *error = "unmatched '}' in derive template (write '}}' for a brace)";
      return false;
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string::npos) {
      *error = "unclosed '{' in derive template";
      return false;
    }
    if (!literal.empty()) tokens->push_back({literal, "", {}});
    literal.clear();
    std::string inner = text.substr(i + 1, close - i - 1);
    Token token;
    size_t bar = inner.find('|');
    token.column = inner.substr(0, bar);
    while (bar != std::string::npos) {
      size_t next = inner.find('|', bar + 1);
      token.filters.push_back(inner.substr(bar + 1, next == std::string::npos ? next : next - bar - 1));
      bar = next;
    }
    if (token.column.empty()) {
      *error = "empty '{}' in derive template";
      return false;
    }
    tokens->push_back(std::move(token));
    i = close;
  }
  if (!literal.empty()) tokens->push_back({literal, "", {}});
  return true;
}

bool KnownFilter(const std::string& f) {
  return f == "lower" || f == "upper" || f == "slug" || f == "digits" || f == "initial";
}
}  // namespace

std::vector<std::string> DeriveTemplate::References(const std::string& text, std::string* error) {
  std::vector<Token> tokens;
  std::vector<std::string> out;
  if (!Tokenize(text, &tokens, error)) return out;
  for (const Token& t : tokens) {
    if (t.column.empty()) continue;
    for (const std::string& f : t.filters) {
      if (!KnownFilter(f)) {
        *error = "unknown filter '" + f + "' in derive template (lower, upper, slug, digits, initial)";
        return {};
      }
    }
    bool seen = false;
    for (const std::string& o : out) seen = seen || o == t.column;
    if (!seen) out.push_back(t.column);
  }
  return out;
}

DeriveTemplate::DeriveTemplate(const std::string& text) {
  std::vector<Token> tokens;
  std::string error;
  Tokenize(text, &tokens, &error);
  std::vector<std::string> names;
  for (const Token& t : tokens) {
    Piece piece;
    if (t.column.empty()) {
      piece.literal = t.literal;
    } else {
      int index = -1;
      for (size_t k = 0; k < names.size(); ++k) {
        if (names[k] == t.column) index = static_cast<int>(k);
      }
      if (index < 0) {
        index = static_cast<int>(names.size());
        names.push_back(t.column);
      }
      piece.column = index;
      for (const std::string& f : t.filters) {
        piece.filters.push_back(f == "lower"    ? Filter::kLower
                                : f == "upper"  ? Filter::kUpper
                                : f == "slug"   ? Filter::kSlug
                                : f == "digits" ? Filter::kDigits
                                                : Filter::kInitial);
      }
    }
    pieces_.push_back(std::move(piece));
  }
}

void DeriveTemplate::Render(const std::vector<const BatchColumn*>& columns, size_t row,
                            std::string& out) const {
  out.clear();
  for (const Piece& piece : pieces_) {
    if (piece.column < 0) {
      out += piece.literal;
      continue;
    }
    const BatchColumn& column = *columns[piece.column];
    if (column.IsNull(row)) continue;
    size_t start = out.size();
    column.AppendText(row, out);
    for (Filter f : piece.filters) {
      std::string value = out.substr(start);
      out.resize(start);
      for (char ch : value) {
        unsigned char u = static_cast<unsigned char>(ch);
        switch (f) {
          case Filter::kLower: out += static_cast<char>(std::tolower(u)); break;
          case Filter::kUpper: out += static_cast<char>(std::toupper(u)); break;
          case Filter::kSlug: if (std::isalnum(u)) out += static_cast<char>(std::tolower(u)); break;
          case Filter::kDigits: if (std::isdigit(u)) out += ch; break;
          case Filter::kInitial: if (out.size() == start) out += ch; break;
          case Filter::kNone: out += ch; break;
        }
      }
    }
  }
}

size_t DeriveTemplate::MaxLength(const std::vector<size_t>& input_lengths) const {
  size_t total = 0;
  for (const Piece& piece : pieces_) {
    if (piece.column < 0) {
      total += piece.literal.size();
      continue;
    }
    const size_t length = input_lengths[piece.column];
    if (length == 0) return 0;
    // Every filter keeps or drops bytes; `initial` keeps one.
    const bool initial = std::find(piece.filters.begin(), piece.filters.end(), Filter::kInitial) != piece.filters.end();
    total += initial ? 1 : length;
  }
  return total;
}

}  // namespace seedforge
