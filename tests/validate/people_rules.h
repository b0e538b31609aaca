// Validators for people's identifiers, written from the published rules and
// not from the generators' code, so that tests of the person, contact and
// identity packs (and end-to-end tests of domains that use them) check the
// output against an independent reading of each rule.
//
// Header-only: tests/validate/ is not compiled on its own.
//
// Thread safety: every function is pure; DriverLicenseMatchesState compiles
// its regular expressions once, in a function-local static.
#pragma once

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <string_view>

#include "seedforge/column.h"

namespace seedforge::validate {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// The number written by the digits of `s` at [pos, pos + n), or -1 when any
// of them is not a digit.
inline int64_t DigitsAt(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// A Social Security number written AAA-GG-SSSS. Since the SSA's
// randomisation of 25 June 2011 ("Social Security Number Randomization",
// SSA, 2011) any area number is possible except 000, 666 and 900-999; the
// group number is never 00 and the serial number never 0000.
inline bool IsValidSsn(std::string_view ssn) {
  if (ssn.size() != 11 || ssn[3] != '-' || ssn[6] != '-') return false;
  const int64_t area = DigitsAt(ssn, 0, 3), group = DigitsAt(ssn, 4, 2),
                serial = DigitsAt(ssn, 7, 4);
  if (area < 0 || group < 0 || serial < 0) return false;
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

// The ten digits of a North American number written with any punctuation
// and an optional leading country code 1, or "" when it has not ten.
inline std::string NanpDigits(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (IsDigit(c)) digits.push_back(c);
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  return digits.size() == 10 ? digits : std::string();
}

// A number of the North American Numbering Plan, NPA-NXX-XXXX (ATIS-0300051,
// "Central Office Code (NXX) Assignment Guidelines"; NANPA, "NPA Code
// Allocation"): the area code (NPA) starts 2-9, is not an N11 service code,
// has no 9 as middle digit (N9X is reserved for expansion) and is not in
// 37X or 96X (set aside by the INC); the exchange (NXX) starts 2-9 and is
// not an N11 code.
inline bool IsValidNanpPhone(std::string_view phone) {
  const std::string d = NanpDigits(phone);
  if (d.empty()) return false;
  const bool npa_ok = d[0] >= '2' && !(d[1] == '1' && d[2] == '1') && d[1] != '9' &&
                      !(d[0] == '3' && d[1] == '7') && !(d[0] == '9' && d[1] == '6');
  const bool nxx_ok = d[3] >= '2' && !(d[4] == '1' && d[5] == '1');
  return npa_ok && nxx_ok;
}

// The area code of a valid NANP number, or -1.
inline int NanpAreaCode(std::string_view phone) {
  const std::string d = NanpDigits(phone);
  return d.empty() ? -1 : static_cast<int>(DigitsAt(d, 0, 3));
}

// An address of the form the generators produce and every mail system
// accepts: a dot-atom local part (RFC 5322 section 3.2.3) of at most 64
// octets (RFC 5321 section 4.5.3.1.1) and a domain of letter-digit-hyphen
// labels (RFC 1035 section 2.3.1, RFC 1123 section 2.1) of 1-63 octets,
// at least two, the last alphabetic; 254 octets in all (RFC 3696 errata).
inline bool IsValidEmail(std::string_view email) {
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || email.size() > 254) return false;
  const std::string_view local = email.substr(0, at), domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.')
    return false;
  constexpr std::string_view kAtextSpecials = "!#$%&'*+-/=?^_`{|}~";
  for (size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    if (c == '.') {
      if (local[i - 1] == '.') return false;
      continue;
    }
    if (!IsDigit(c) && !IsUpper(c) && !IsLower(c) &&
        kAtextSpecials.find(c) == std::string_view::npos) {
      return false;
    }
  }
  int labels = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    bool alphabetic = true;
    for (char c : label) {
      if (!IsDigit(c) && !IsUpper(c) && !IsLower(c) && c != '-') return false;
      alphabetic = alphabetic && (IsUpper(c) || IsLower(c));
    }
    ++labels;
    if (dot == std::string_view::npos) return labels >= 2 && alphabetic;
    start = dot + 1;
  }
}

// Domains reserved for documentation and testing by RFC 2606: the
// second-level example.com, example.net and example.org, and anything under
// the TLDs .example, .test, .invalid and .localhost.
inline bool IsReservedExampleDomain(std::string_view domain) {
  std::string d(domain);
  for (char& c : d) {
    if (IsUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  if (d == "example.com" || d == "example.net" || d == "example.org") return true;
  for (std::string_view tld : {".example", ".test", ".invalid", ".localhost"}) {
    if (d.size() > tld.size() && d.compare(d.size() - tld.size(), tld.size(), tld) == 0)
      return true;
  }
  return false;
}

// Whether `dl` has one of the driver licence number formats that `state`
// (a USPS code, 50 states and DC) issues or has issued, as listed by the
// National Traffic Safety Institute, "State Driver's License Formats"
// (ntsi.com/drivers-license-format), with the formats of Starpoint
// Screening's "Driver's License Format by State" (updated 2024-12-17)
// added where they differ. False for an unknown state.
inline bool DriverLicenseMatchesState(std::string_view dl, std::string_view state) {
  static const std::map<std::string, std::regex, std::less<>> kFormats = [] {
    const std::pair<const char*, const char*> formats[] = {
        {"AL", R"(\d{1,8})"},
        {"AK", R"(\d{1,7})"},
        {"AZ", R"([A-Z]\d{8}|\d{9})"},
        {"AR", R"(\d{4,9})"},
        {"CA", R"([A-Z]\d{7})"},
        {"CO", R"(\d{9}|[A-Z]\d{3,6}|[A-Z]{2}\d{2,5})"},
        {"CT", R"(\d{9})"},
        {"DE", R"(\d{1,7})"},
        {"DC", R"(\d{7}|\d{9})"},
        {"FL", R"([A-Z]\d{12})"},
        {"GA", R"(\d{7,9})"},
        {"HI", R"([A-Z]\d{8}|\d{9})"},
        {"ID", R"([A-Z]{2}\d{6}[A-Z]|\d{9})"},
        {"IL", R"([A-Z]\d{11,12})"},
        {"IN", R"([A-Z]\d{9}|\d{9,10})"},
        {"IA", R"(\d{9}|\d{3}[A-Z]{2}\d{4})"},
        {"KS", R"([A-Z]\d[A-Z]\d[A-Z]|[A-Z]\d{8}|\d{9})"},
        {"KY", R"([A-Z]\d{8,9}|\d{9})"},
        {"LA", R"(\d{1,9})"},
        {"ME", R"(\d{7,8}|\d{7}[A-Z])"},
        {"MD", R"([A-Z]\d{12})"},
        {"MA", R"([A-Z]\d{8}|[A-Z]{2}\d{7}|\d{9})"},
        {"MI", R"([A-Z]\d{10}|[A-Z]\d{12})"},
        {"MN", R"([A-Z]\d{12})"},
        {"MS", R"(\d{9})"},
        {"MO", R"([A-Z]\d{5,9}|[A-Z]\d{6}R|\d{8}[A-Z]{2}|\d{9}[A-Z]?|\d{3}[A-Z]\d{6})"},
        {"MT", R"([A-Z]\d{8}|\d{9}|\d{13,14})"},
        {"NE", R"([A-Z]\d{6,8})"},
        {"NV", R"(\d{9,10}|\d{12}|X\d{8})"},
        {"NH", R"(\d{2}[A-Z]{3}\d{5})"},
        {"NJ", R"([A-Z]\d{14})"},
        {"NM", R"(\d{8,9})"},
        {"NY", R"([A-Z]\d{7}|[A-Z]\d{18}|\d{8,9}|\d{16}|[A-Z]{8})"},
        {"NC", R"(\d{1,12})"},
        {"ND", R"([A-Z]{3}\d{6}|\d{9})"},
        {"OH", R"([A-Z]\d{4,8}|[A-Z]{2}\d{3,7}|\d{8})"},
        {"OK", R"([A-Z]\d{9}|\d{9})"},
        {"OR", R"(\d{1,9}|[A-Z]\d{6,7})"},
        {"PA", R"(\d{8})"},
        {"RI", R"(\d{7}|[A-Z]\d{6})"},
        {"SC", R"(\d{5,11})"},
        {"SD", R"(\d{6,10}|\d{12})"},
        {"TN", R"(\d{7,9})"},
        {"TX", R"(\d{7,8})"},
        {"UT", R"(\d{4,10})"},
        {"VT", R"(\d{8}|\d{7}A)"},
        {"VA", R"([A-Z]\d{8,11}|\d{9})"},
        // 12 characters: 1-7 letters, then letters, digits or '*'.
        {"WA", R"((?=.{12}$)[A-Z]{1,7}[A-Z0-9*]*)"},
        {"WV", R"(\d{7}|[A-Z]{1,2}\d{5,6})"},
        {"WI", R"([A-Z]\d{13})"},
        {"WY", R"(\d{9,10})"},
    };
    std::map<std::string, std::regex, std::less<>> compiled;
    for (const auto& [code, pattern] : formats) {
      compiled.emplace(code, std::regex(std::string("^(?:") + pattern + ")$"));
    }
    return compiled;
  }();
  auto it = kFormats.find(state);
  return it != kFormats.end() && std::regex_match(dl.begin(), dl.end(), it->second);
}

// Age in whole years on `today` of someone born on `birth` (both days since
// 1970-01-01): the number of birthdays passed, counting the birthday itself
// as passed; in common years a 29 February birthday passes on 1 March.
inline int AgeOn(int64_t birth, int64_t today) {
  int by, ty;
  unsigned bm, bd, tm, td;
  CivilFromDays(birth, by, bm, bd);
  CivilFromDays(today, ty, tm, td);
  int age = ty - by;
  if (tm < bm || (tm == bm && td < bd)) --age;
  return age;
}

}  // namespace seedforge::validate
