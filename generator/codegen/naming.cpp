// Identifier helpers shared by the languages (language.h).
#include <cctype>

#include "codegen/language.h"

namespace seedforge::codegen {

std::vector<std::string> SplitWords(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) || c >= 0x80) {
      flush();
      continue;
    }
    // "creditScore" and "HTTPServer" split before the upper-case letter
    // that starts a word.
    if (std::isupper(c) && !word.empty()) {
      const bool prev_lower = std::islower(static_cast<unsigned char>(name[i - 1])) ||
                              std::isdigit(static_cast<unsigned char>(name[i - 1]));
      const bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      if (prev_lower || (next_lower && std::isupper(static_cast<unsigned char>(name[i - 1])))) flush();
    }
    word += static_cast<char>(std::tolower(c));
  }
  flush();
  if (words.empty()) words.push_back("x");
  return words;
}

std::string Singular(const std::string& word) {
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return word.size() > s.size() && word.compare(word.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("ies")) return word.substr(0, word.size() - 3) + "y";
  if (ends("sses") || ends("xes") || ends("ches") || ends("shes") || ends("zes")) return word.substr(0, word.size() - 2);
  if (ends("ss") || ends("us") || ends("is")) return word;  // address, status, analysis
  if (ends("s")) return word.substr(0, word.size() - 1);
  return word;
}

std::string SnakeCase(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : "_") + w;
  return out;
}

std::string PascalCase(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    out += w.substr(1);
  }
  return out;
}

std::string CamelCase(const std::vector<std::string>& words) {
  std::string out = PascalCase(words);
  out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

std::string NoLeadingDigit(std::string id, const std::string& prefix) {
  if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0]))) id = prefix + id;
  return id;
}

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kInteger: return "integer";
    case ValueType::kDecimal: return "decimal";
    case ValueType::kDouble: return "double";
    case ValueType::kBoolean: return "boolean";
    case ValueType::kDate: return "date";
    case ValueType::kTimestamp: return "timestamp";
    case ValueType::kText: return "text";
    case ValueType::kJson: return "json";
  }
  return "text";
}

}  // namespace seedforge::codegen
