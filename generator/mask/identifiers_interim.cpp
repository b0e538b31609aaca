// INTERIM, to be deleted when core/identifiers.cpp lands on main (branch
// `ids`): weak definitions of the few rules of seedforge/identifiers.h that
// mask uses, so that this branch links before then. The linker prefers the
// strong definitions of core once they exist.
#include <cctype>

#include "seedforge/identifiers.h"

namespace seedforge::identifiers {

namespace {
bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}
}  // namespace

__attribute__((weak)) bool LuhnValid(std::string_view digits) {
  if (digits.size() < 2 || !AllDigits(digits)) return false;
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 == 0;
}

__attribute__((weak)) char LuhnCheckDigit(std::string_view payload) {
  int sum = 0;
  for (size_t i = 0; i < payload.size(); ++i) {
    int d = payload[payload.size() - 1 - i] - '0';
    if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

__attribute__((weak)) bool SsnPartsValid(int area, int group, int serial) {
  return area >= 1 && area <= 899 && area != 666 && group >= 1 && group <= 99 && serial >= 1 && serial <= 9999;
}

__attribute__((weak)) bool SsnValid(std::string_view text) {
  std::string digits;
  if (text.size() == 11 && text[3] == '-' && text[6] == '-') {
    digits = std::string(text.substr(0, 3)) + std::string(text.substr(4, 2)) + std::string(text.substr(7, 4));
  } else {
    digits = std::string(text);
  }
  if (digits.size() != 9 || !AllDigits(digits)) return false;
  if (digits.find_first_not_of(digits[0]) == std::string::npos) return false;
  if (digits == "123456789" || digits == "078051120") return false;
  return SsnPartsValid(std::stoi(digits.substr(0, 3)), std::stoi(digits.substr(3, 2)), std::stoi(digits.substr(5, 4)));
}

__attribute__((weak)) bool NanpAreaCodeValid(int npa) {
  if (npa < 200 || npa > 999) return false;
  if (npa % 100 == 11) return false;
  if (npa / 10 % 10 == 9) return false;
  if (npa / 10 == 37 || npa / 10 == 96) return false;
  return true;
}

__attribute__((weak)) bool NanpExchangeValid(int nxx) { return nxx >= 200 && nxx <= 999 && nxx % 100 != 11; }

}  // namespace seedforge::identifiers
