// The identifier rules of seedforge/identifiers.h. Each rule cites where it
// comes from; the tables here are the only copy of them in the repository
// (providers keep their own generation weights, not their own rules).
#include "seedforge/identifiers.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace seedforge::identifiers {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// The value of s[0..n) as a decimal number; REQUIRES digits only, n <= 9.
int Decimal(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// --- Cards -------------------------------------------------------------------

// One range of issuer identification numbers: prefixes lo..hi of `digits`
// digits, on numbers of min_length..max_length digits. Lengths of a scheme
// that are not contiguous (Visa 13, 16 and 19) are checked separately.
struct IinRange {
  uint32_t lo, hi;
  int digits;
  int min_length, max_length;
  CardScheme scheme;
};

constexpr CardScheme kVisa{"visa", "Visa"};
constexpr CardScheme kMastercard{"mastercard", "Mastercard"};
constexpr CardScheme kAmex{"amex", "American Express"};
constexpr CardScheme kDiscover{"discover", "Discover"};
constexpr CardScheme kJcb{"jcb", "JCB"};
constexpr CardScheme kDiners{"diners", "Diners Club"};
constexpr CardScheme kUnionPay{"unionpay", "UnionPay"};
constexpr CardScheme kMaestro{"maestro", "Maestro"};

// IIN ranges and lengths per the networks' published tables (Visa Core
// Rules; Mastercard Rules, 2-series from 2017; Discover Global Network's IIN
// table, which also lists Diners Club International, JCB and UnionPay;
// Maestro per Mastercard), as gathered in joumaico/coreutil
// src/coreutil/card/const.py. Ranges are tried in order, so the narrow
// Discover range inside UnionPay's 62 comes first.
constexpr IinRange kIinRanges[] = {
    {4, 4, 1, 13, 19, kVisa},
    {51, 55, 2, 16, 16, kMastercard},
    {2221, 2720, 4, 16, 16, kMastercard},
    {34, 34, 2, 15, 15, kAmex},
    {37, 37, 2, 15, 15, kAmex},
    {6011, 6011, 4, 16, 19, kDiscover},
    {622126, 622925, 6, 16, 19, kDiscover},
    {644, 649, 3, 16, 19, kDiscover},
    {65, 65, 2, 16, 19, kDiscover},
    {3528, 3589, 4, 16, 19, kJcb},
    {300, 305, 3, 14, 19, kDiners},
    {309, 309, 3, 14, 19, kDiners},
    {36, 36, 2, 14, 19, kDiners},
    {38, 39, 2, 14, 19, kDiners},
    {62, 62, 2, 16, 19, kUnionPay},
    {5018, 5018, 4, 12, 19, kMaestro},
    {5020, 5020, 4, 12, 19, kMaestro},
    {5038, 5038, 4, 12, 19, kMaestro},
    {5893, 5893, 4, 12, 19, kMaestro},
    {6304, 6304, 4, 12, 19, kMaestro},
    {6759, 6759, 4, 12, 19, kMaestro},
    {6761, 6763, 4, 12, 19, kMaestro},
};

// --- IBAN --------------------------------------------------------------------

struct IbanCountry {
  char code[3];
  int length;
};

// IBAN lengths of the SWIFT IBAN Registry (ISO 13616 registration
// authority), as tabulated in arhs/iban.js, and Russia (33, registered
// 2021).
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
    {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

// ISO 7064 mod 97-10 of the characters of `s` read as one number, letters
// standing for 10 (A) to 35 (Z), continuing from `r`. REQUIRES: digits and
// upper-case letters only.
int Mod97(std::string_view s, int r) {
  for (char c : s) {
    if (IsDigit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else {
      r = (r * 100 + (c - 'A' + 10)) % 97;
    }
  }
  return r;
}

// --- VIN -----------------------------------------------------------------------

// Transliteration of 49 CFR 565.15(c) Table IV ('A'..'Z'; -1 for I, O, Q,
// which a VIN never holds).
constexpr int kVinLetterValues[26] = {1, 2, 3, 4, 5, 6, 7, 8, -1, 1, 2, 3, 4,
                                      5, -1, 7, -1, 9, 2, 3, 4, 5, 6, 7, 8, 9};
// Position weights of 565.15(c) Table V; position 9, the check digit,
// weighs nothing.
constexpr int kVinWeights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

// --- Addresses ---------------------------------------------------------------

// WHATWG HTML "valid e-mail address": the local part is atext and dots
// (RFC 5322 atext).
bool IsEmailLocalChar(char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  return c != '\0' && std::strchr(".!#$%&'*+/=?^_`{|}~-", c) != nullptr;
}

// inet_pton on a copy of `text` (it needs a terminating NUL); longer text
// than any address form is refused without a copy.
bool InetPton(int family, std::string_view text) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return false;
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char address[16];
  return inet_pton(family, buf, address) == 1;
}

}  // namespace

// --- Payment cards -----------------------------------------------------------

// ISO/IEC 7812-1 Annex B: from the rightmost digit leftwards, every second
// digit is doubled (and 9 taken off a two-digit result); the sum is a
// multiple of ten.
bool LuhnValid(std::string_view digits) {
  if (digits.size() < 2 || !AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Doubling starts with the payload's rightmost digit, the one next to where
// the check digit goes.
char LuhnCheckDigit(std::string_view payload) {
  int sum = 0;
  bool twice = true;
  for (size_t i = payload.size(); i-- > 0;) {
    int d = payload[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::optional<CardScheme> FindCardScheme(std::string_view digits) {
  if (!AllDigits(digits)) return std::nullopt;
  const int length = static_cast<int>(digits.size());
  for (const IinRange& r : kIinRanges) {
    if (length < r.min_length || length > r.max_length || length < r.digits) continue;
    const uint32_t prefix = static_cast<uint32_t>(Decimal(digits.substr(0, static_cast<size_t>(r.digits))));
    if (prefix < r.lo || prefix > r.hi) continue;
    // Visa issues 13, 16 and 19 digits only.
    if (r.scheme.key == kVisa.key && length != 13 && length != 16 && length != 19) return std::nullopt;
    return r.scheme;
  }
  return std::nullopt;
}

bool CardNumberValid(std::string_view text) {
  char digits[19];
  size_t n = 0;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (!IsDigit(c) || n == sizeof digits) return false;
    digits[n++] = c;
  }
  const std::string_view number(digits, n);
  return FindCardScheme(number).has_value() && LuhnValid(number);
}

// --- US Social Security numbers ----------------------------------------------

// SSA, "Social Security Number Randomization" (2011) and its FAQ: area
// numbers 000, 666 and 900-999 are never assigned, group 00 and serial 0000
// never.
bool SsnPartsValid(int area, int group, int serial) {
  return area >= 1 && area <= 899 && area != 666 && group >= 1 && group <= 99 && serial >= 1 &&
         serial <= 9999;
}

// The dashed or the bare form, never a mix. The numbers refused beyond the
// parts rules: all one digit and 123-45-6789 (never issued, used as
// placeholders), and 078-05-1120, printed on sample cards sold in wallets in
// 1938 and used by thousands (SSA history pages); Presidio's
// us_ssn_recognizer refuses the same ones.
bool SsnValid(std::string_view text) {
  char d[9];
  if (text.size() == 11) {
    if (text[3] != '-' || text[6] != '-') return false;
    const std::string_view a = text.substr(0, 3), g = text.substr(4, 2), s = text.substr(7, 4);
    if (!AllDigits(a) || !AllDigits(g) || !AllDigits(s)) return false;
    std::memcpy(d, a.data(), 3);
    std::memcpy(d + 3, g.data(), 2);
    std::memcpy(d + 5, s.data(), 4);
  } else if (text.size() == 9 && AllDigits(text)) {
    std::memcpy(d, text.data(), 9);
  } else {
    return false;
  }
  const std::string_view digits(d, 9);
  if (digits.find_first_not_of(d[0]) == std::string_view::npos) return false;
  if (digits == "123456789" || digits == "078051120") return false;
  return SsnPartsValid(Decimal(digits.substr(0, 3)), Decimal(digits.substr(3, 2)), Decimal(digits.substr(5, 4)));
}

// --- Vehicle identification numbers ------------------------------------------

int VinCharValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (IsUpper(c)) return kVinLetterValues[c - 'A'];
  return -1;
}

// 49 CFR 565.15(c): the weighted sum mod 11, 10 written 'X'.
char VinCheckDigit(std::string_view vin) {
  if (vin.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (i == 8) continue;  // the check digit's own place
    const int v = VinCharValue(vin[i]);
    if (v < 0) return '\0';
    sum += v * kVinWeights[i];
  }
  const int r = sum % 11;
  return r == 10 ? 'X' : static_cast<char>('0' + r);
}

// The check digit alone passes 17 x '1' (and other one-character strings),
// a common placeholder; no manufacturer identifier is one character
// repeated, so such strings are refused.
bool VinValid(std::string_view vin) {
  const char check = VinCheckDigit(vin);
  if (check == '\0' || vin[8] != check) return false;
  return vin.find_first_not_of(vin[0]) != std::string_view::npos;
}

// --- IBAN ----------------------------------------------------------------------

int IbanLength(std::string_view country) {
  if (country.size() != 2) return 0;
  for (const IbanCountry& c : kIbanCountries) {
    if (country[0] == c.code[0] && country[1] == c.code[1]) return c.length;
  }
  return 0;
}

// ISO 13616-1: the check digits are 98 minus the mod 97-10 of BBAN,
// country and "00".
std::string IbanCheckDigits(std::string_view country, std::string_view bban) {
  const int check = 98 - Mod97("00", Mod97(country, Mod97(bban, 0)));
  return std::string{static_cast<char>('0' + check / 10), static_cast<char>('0' + check % 10)};
}

// The electronic form is upper case without spaces; the printed form puts
// a space between groups of four. Any single spaces between characters are
// taken, so a group of another size still reads. Check digits 00, 01 and 99
// can pass the mod-97 test but are never issued (ISO 13616-1: 02 to 98).
bool IbanValid(std::string_view text) {
  char iban[34];
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') {
      if (i == 0 || i + 1 == text.size() || text[i + 1] == ' ') return false;
      continue;
    }
    if (!(IsDigit(c) || IsUpper(c)) || n == sizeof iban) return false;
    iban[n++] = c;
  }
  if (n < 5 || !IsUpper(iban[0]) || !IsUpper(iban[1]) || !IsDigit(iban[2]) || !IsDigit(iban[3])) return false;
  const std::string_view s(iban, n);
  if (static_cast<int>(n) != IbanLength(s.substr(0, 2))) return false;
  const int check = Decimal(s.substr(2, 2));
  if (check < 2 || check > 98) return false;
  return Mod97(s.substr(0, 4), Mod97(s.substr(4), 0)) == 1;
}

// --- Telephone numbers ---------------------------------------------------------

// ATIS-0300051 and the NANPA's NPA allocation rules: N is 2-9; N11 codes
// are service codes, N9X codes are kept for expanding the plan, 37X and
// 96X are reserved by the INC.
bool NanpAreaCodeValid(int npa) {
  if (npa < 200 || npa > 999) return false;
  const int middle = npa / 10 % 10, last = npa % 10;
  return !(middle == 1 && last == 1) && middle != 9 && npa / 10 != 37 && npa / 10 != 96;
}

// ATIS-0300051, "Central Office Code (NXX) Assignment Guidelines", section
// 2: first digit 2-9; N11 codes are service codes (411, 911).
bool NanpExchangeValid(int nxx) { return nxx >= 200 && nxx <= 999 && nxx % 100 != 11; }

bool NanpNumberValid(std::string_view text) {
  char d[11];
  size_t n = 0;
  bool plus = false, opened = false, closed = false;
  size_t open_at = 0;  // digits before '('
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      if (n == sizeof d) return false;
      d[n++] = c;
    } else if (c == '+') {
      if (i != 0) return false;
      plus = true;
    } else if (c == '(') {
      if (opened) return false;
      opened = true;
      open_at = n;
    } else if (c == ')') {
      // The parentheses hold the three digits of the area code.
      if (!opened || closed || n != open_at + 3) return false;
      closed = true;
    } else if (c != ' ' && c != '-' && c != '.') {
      return false;
    }
  }
  if (opened != closed || text.empty() || !IsDigit(text.back())) return false;
  size_t start = 0;
  if (n == 11) {
    if (d[0] != '1') return false;
    start = 1;
  } else if (n != 10 || plus) {
    return false;  // "+" is followed by the country code 1
  }
  if (opened && open_at != start) return false;
  return NanpAreaCodeValid(Decimal(std::string_view(d + start, 3))) &&
         NanpExchangeValid(Decimal(std::string_view(d + start + 3, 3)));
}

// ITU-T E.164 section 6: at most 15 digits, and country codes never start
// with 0. The floor of 8 digits in all keeps short codes and extensions out;
// it also refuses the few plans whose numbers are shorter (Niue's +683 and
// four digits).
bool E164Valid(std::string_view text) {
  if (text.size() < 2 || text[0] != '+' || !IsDigit(text[1]) || text[1] == '0') return false;
  size_t n = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      ++n;
    } else if (c == ' ' || c == '-') {
      // A separator stands between two digits.
      if (i + 1 == text.size() || !IsDigit(text[i - 1]) || !IsDigit(text[i + 1])) return false;
    } else {
      return false;
    }
  }
  return n >= 8 && n <= 15;
}

// --- Others --------------------------------------------------------------------

bool EmailValid(std::string_view text) {
  if (text.size() > 254) return false;
  const size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  for (size_t i = 0; i < at; ++i) {
    if (!IsEmailLocalChar(text[i])) return false;
  }
  const std::string_view domain = text.substr(at + 1);
  return domain.find('.') != std::string_view::npos && HostNameValid(domain);
}

// RFC 1035 section 2.3.1 as relaxed by RFC 1123 section 2.1 (a label may
// start with a digit): labels of letters, digits and inner hyphens.
bool HostNameValid(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!(IsAlpha(c) || IsDigit(c) || c == '-')) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// The C library's parser (POSIX inet_pton): glibc and musl take exactly
// four decimal parts of 0-255 and refuse leading zeros, which some other
// parsers read as octal (identifiers_test checks this library does).
bool Ipv4Valid(std::string_view text) { return InetPton(AF_INET, text); }

// inet_pton(AF_INET6) reads every RFC 4291 section 2.2 form: eight groups,
// "::" once, and a dotted-quad tail.
bool Ipv6Valid(std::string_view text) { return InetPton(AF_INET6, text); }

// ABA "Routing Number Policy" and 12 CFR 229 (Regulation CC): 3 x (d1 + d4 +
// d7) + 7 x (d2 + d5 + d8) + (d3 + d6 + d9) is a multiple of 10.
bool AbaRoutingValid(std::string_view digits) {
  if (digits.size() != 9 || !AllDigits(digits)) return false;
  return AbaCheckDigit(digits.substr(0, 8)) == digits[8];
}

char AbaCheckDigit(std::string_view payload) {
  static constexpr int kWeights[8] = {3, 7, 1, 3, 7, 1, 3, 7};
  int sum = 0;
  for (size_t i = 0; i < 8 && i < payload.size(); ++i) sum += kWeights[i] * (payload[i] - '0');
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace seedforge::identifiers
