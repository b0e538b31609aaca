// Validators for payment cards, vehicle identification numbers and US
// postal addresses, written from the published rules and not from the
// generators' code, so that tests of the finance, vehicle and address packs
// (and end-to-end tests of domains that use them) check the output against
// an independent reading of each rule.
//
// Header-only: tests/validate/ is not compiled on its own. The helpers live
// in finance_detail so that this header can be included beside
// people_rules.h, which has its own IsDigit and friends.
//
// Thread safety: every function is pure; the tables are constants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace seedforge::validate {
namespace finance_detail {

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

inline bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

// The number written by the first n characters of s (all digits).
inline int64_t Prefix(std::string_view s, size_t n) {
  int64_t v = 0;
  for (size_t i = 0; i < n && i < s.size(); ++i) v = v * 10 + (s[i] - '0');
  return v;
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace finance_detail

// --- Payment cards ----------------------------------------------------------

// The Luhn formula (ISO/IEC 7812-1, Annex B; H. P. Luhn, US patent
// 2,950,048): from the rightmost digit (the check digit) leftwards, double
// every second digit, subtract 9 from any result above 9, add everything
// up; the number is valid when the total is a multiple of 10.
inline bool IsLuhnValid(std::string_view number) {
  if (number.size() < 2 || !finance_detail::AllDigits(number)) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = number.size(); i-- > 0;) {
    int d = number[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Whether `number` (digits only) has a prefix (issuer identification
// number) and a length that `issuer` uses, by the networks' published
// ranges: Visa "4", 16 digits (Visa Core Rules; 13- and 19-digit Visa
// numbers exist but are rare, and this check accepts 16 only);
// Mastercard 51-55 and, since 2017, 2221-2720, 16 digits (Mastercard
// "Mastercard Rules", BIN ranges); American Express 34 and 37, 15 digits;
// Discover 6011, 644-649 and 65, 16 digits (Discover Global Network IIN
// ranges); JCB 3528-3589, 16 digits; Diners Club International 36 and
// 300-305, 14 digits (Discover Global Network IIN ranges, which carry
// Diners Club). `issuer` is the name as the generator writes it ("Visa",
// "American Express") or its short form ("visa", "amex"), any case.
inline bool CardMatchesIssuer(std::string_view number, std::string_view issuer) {
  using finance_detail::Prefix;
  if (!finance_detail::AllDigits(number)) return false;
  const std::string name = finance_detail::Lower(issuer);
  const size_t n = number.size();
  if (name == "visa") return n == 16 && number[0] == '4';
  if (name == "mastercard") {
    const int64_t p2 = Prefix(number, 2), p4 = Prefix(number, 4);
    return n == 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720));
  }
  if (name == "american express" || name == "amex") {
    const int64_t p2 = Prefix(number, 2);
    return n == 15 && (p2 == 34 || p2 == 37);
  }
  if (name == "discover") {
    const int64_t p2 = Prefix(number, 2), p3 = Prefix(number, 3), p4 = Prefix(number, 4);
    return n == 16 && (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65);
  }
  if (name == "jcb") {
    const int64_t p4 = Prefix(number, 4);
    return n == 16 && p4 >= 3528 && p4 <= 3589;
  }
  if (name == "diners club" || name == "diners") {
    const int64_t p2 = Prefix(number, 2), p3 = Prefix(number, 3);
    return n == 14 && (p2 == 36 || (p3 >= 300 && p3 <= 305));
  }
  return false;
}

// The card security code printed on the card: four digits on the front of
// American Express cards (their "CID"), three on the back of the others
// (Visa CVV2, Mastercard CVC2, Discover CID, JCB CAV2, Diners CVV).
inline bool CvvMatchesIssuer(std::string_view cvv, std::string_view issuer) {
  const std::string name = finance_detail::Lower(issuer);
  const size_t want = (name == "american express" || name == "amex") ? 4 : 3;
  return cvv.size() == want && finance_detail::AllDigits(cvv);
}

// An ABA routing transit number (American Bankers Association, "Routing
// Number Policy"; the check digit is also given in Federal Reserve
// Regulation CC, 12 CFR 229, as used on cheques since 1910): nine digits
// whose first two are a Federal Reserve district 01-12, a thrift district
// 21-32, an electronic-only 61-72 or 80 (traveller's cheques), and whose
// weighted sum 3*(d1+d4+d7) + 7*(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
inline bool IsValidAbaRouting(std::string_view routing) {
  if (routing.size() != 9 || !finance_detail::AllDigits(routing)) return false;
  const int64_t district = finance_detail::Prefix(routing, 2);
  const bool district_ok = (district >= 1 && district <= 12) ||
                           (district >= 21 && district <= 32) ||
                           (district >= 61 && district <= 72) || district == 80;
  int d[9];
  for (int i = 0; i < 9; ++i) d[i] = routing[static_cast<size_t>(i)] - '0';
  const int sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
  return district_ok && sum % 10 == 0;
}

// --- Vehicle identification numbers -------------------------------------------

// The value of a VIN character for the check digit, 49 CFR 565.15(c) Table
// IV (transliteration): digits are themselves; A-H are 1-8, J-N 1-5, P 7,
// R 9, S-Z 2-9. -1 for a character a VIN may not hold (I, O, Q, anything
// else), 565.15: "the letters I, O and Q are not to be used".
inline int VinCharValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  switch (c) {
    case 'A': case 'J': return 1;
    case 'B': case 'K': case 'S': return 2;
    case 'C': case 'L': case 'T': return 3;
    case 'D': case 'M': case 'U': return 4;
    case 'E': case 'N': case 'V': return 5;
    case 'F': case 'W': return 6;
    case 'G': case 'P': case 'X': return 7;
    case 'H': case 'Y': return 8;
    case 'R': case 'Z': return 9;
    default: return -1;
  }
}

// The check digit (position 9) of a 17-character VIN, 49 CFR 565.15(c):
// the transliterated values times the position weights of Table V
// (8 7 6 5 4 3 2 10 * 9 8 7 6 5 4 3 2, position 9 itself counting 0),
// summed, modulo 11; a remainder of 10 is written 'X'. '\0' when the VIN
// holds a character without a value.
inline char VinCheckDigit(std::string_view vin) {
  static constexpr int kWeights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
  if (vin.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = VinCharValue(vin[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  const int r = sum % 11;
  return r == 10 ? 'X' : static_cast<char>('0' + r);
}

// A 17-character VIN of the current system (49 CFR 565.15, in force since
// model year 1981): only digits and capital letters other than I, O and Q,
// and a correct check digit in position 9.
inline bool IsValidVin(std::string_view vin) {
  return vin.size() == 17 && VinCheckDigit(vin) != '\0' && vin[8] == VinCheckDigit(vin);
}

// The model-year code of position 10, 49 CFR 565.15(d) Table VI: a 30-year
// cycle A-Y (less I, O, Q, U and Z) then 1-9, with A = 1980 and 2010.
inline char VinYearCode(int year) {
  static constexpr std::string_view kCodes = "ABCDEFGHJKLMNPRSTVWXY123456789";
  if (year < 1980) return '\0';
  return kCodes[static_cast<size_t>((year - 1980) % 30)];
}

// Whether a light vehicle's VIN says `year`: position 10 holds the year's
// code and, for passenger cars, MPVs and trucks of 10,000 lb GVWR or less,
// position 7 is a digit for model years 1980-2009 and a letter for
// 2010-2039, so the two 30-year cycles can be told apart (NHTSA final rule,
// 73 FR 23367, 30 April 2008).
inline bool VinMatchesYear(std::string_view vin, int year) {
  if (vin.size() != 17 || year < 1980 || year > 2039) return false;
  const bool digit7 = finance_detail::IsAsciiDigit(vin[6]);
  return vin[9] == VinYearCode(year) && digit7 == (year < 2010);
}

// The make a World Manufacturer Identifier (VIN positions 1-3, assigned
// under SAE J1044 and registered with NHTSA, 49 CFR 565.16) stands for, for
// the WMIs of the light vehicles sold most in the US, as recorded in NHTSA's
// Product Information Catalog and Vehicle Listing (vPIC, tables Wmi and
// Wmi_Make). A WMI shared by several makes of one group (1C4: Chrysler,
// Dodge, Jeep, ...) lists them all, '|'-separated. "" when not in the list.
inline std::string_view WmiMakes(std::string_view wmi) {
  static constexpr std::pair<std::string_view, std::string_view> kWmis[] = {
      {"19U", "Acura"},
      {"19X", "Honda"},
      {"1C4", "Chrysler|Dodge|Fiat|Jeep|Lancia|Ram|Volkswagen"},
      {"1C6", "Chrysler|Dodge|Fiat|Jeep|Lancia|Ram|Volkswagen"},
      {"1FA", "Ford"},
      {"1FM", "Ford"},
      {"1FT", "Ford"},
      {"1G1", "Chevrolet"},
      {"1GC", "Chevrolet"},
      {"1GK", "GMC"},
      {"1GN", "Chevrolet"},
      {"1GT", "GMC"},
      {"1GY", "Cadillac"},
      {"1HG", "Honda"},
      {"1N4", "Infiniti|Nissan"},
      {"1V2", "Volkswagen"},
      {"1VW", "Volkswagen"},
      {"2C3", "Chrysler|Dodge|Fiat|Lancia"},
      {"2C4", "Chrysler|Dodge|Fiat|Jeep|Lancia|Ram|Volkswagen"},
      {"2G1", "Chevrolet"},
      {"2GN", "Chevrolet"},
      {"2HG", "Honda"},
      {"2HK", "Honda"},
      {"2T1", "Toyota"},
      {"2T2", "Lexus"},
      {"2T3", "Toyota"},
      {"3C6", "Chrysler|Dodge|Fiat|Jeep|Lancia|Ram|Volkswagen"},
      {"3FA", "Ford"},
      {"3GC", "Chevrolet"},
      {"3GN", "Chevrolet"},
      {"3GT", "GMC"},
      {"3KP", "Hyundai|Kia"},
      {"3MZ", "Mazda"},
      {"3N1", "Infiniti|Nissan"},
      {"3TM", "Toyota"},
      {"3VV", "Volkswagen"},
      {"3VW", "Volkswagen"},
      {"4JG", "Mercedes-Benz"},
      {"4S4", "Subaru"},
      {"4T1", "Toyota"},
      {"55S", "Mercedes-Benz"},
      {"58A", "Lexus"},
      {"5FN", "Honda"},
      {"5GA", "Buick"},
      {"5J6", "Honda"},
      {"5J8", "Acura"},
      {"5LM", "Lincoln"},
      {"5N1", "Infiniti|Nissan"},
      {"5NM", "Genesis|Hyundai"},
      {"5NP", "Hyundai"},
      {"5TD", "Lexus|Toyota"},
      {"5TF", "Toyota"},
      {"5UX", "BMW"},
      {"5XY", "Hyundai|Kia"},
      {"5YF", "Toyota"},
      {"5YJ", "Tesla"},
      {"7SA", "Tesla"},
      {"JA4", "Mitsubishi|Nissan"},
      {"JF1", "Subaru|Toyota"},
      {"JF2", "Subaru"},
      {"JHM", "Honda"},
      {"JM1", "Mazda"},
      {"JM3", "Mazda"},
      {"JN8", "Infiniti|Nissan"},
      {"JTD", "Toyota"},
      {"JTH", "Lexus"},
      {"JTJ", "Lexus"},
      {"JTM", "Subaru|Toyota"},
      {"KM8", "Hyundai"},
      {"KMH", "Genesis|Hyundai"},
      {"KND", "Hyundai|Kia"},
      {"KNM", "Nissan"},
      {"SAL", "Land Rover"},
      {"WA1", "Audi"},
      {"WAU", "Audi"},
      {"WBA", "BMW"},
      {"WDD", "Mercedes-Benz"},
      {"WP0", "Porsche"},
      {"WP1", "Porsche"},
      {"WVG", "Volkswagen"},
      {"WVW", "Volkswagen"},
      {"YV4", "Volvo"},
  };
  for (const auto& [code, makes] : kWmis) {
    if (code == wmi) return makes;
  }
  return "";
}

// Whether the VIN's WMI is one of `make`'s in the list above.
inline bool VinWmiMatchesMake(std::string_view vin, std::string_view make) {
  if (vin.size() < 3 || make.empty()) return false;
  std::string_view makes = WmiMakes(vin.substr(0, 3));
  while (!makes.empty()) {
    const size_t bar = makes.find('|');
    if (makes.substr(0, bar) == make) return true;
    if (bar == std::string_view::npos) break;
    makes.remove_prefix(bar + 1);
  }
  return false;
}

// --- US postal addresses ------------------------------------------------------

// The state or territory (USPS code) whose 3-digit ZIP prefixes include
// `zip`'s, from the USPS assignment of ZIP Code prefixes to states (USPS
// Publication 65, National Five-Digit ZIP Code and Post Office Directory;
// the same ranges appear in the USPS Domestic Mail Manual's 3-digit ZIP
// prefix lists). 969 is shared by Guam and the Northern Mariana Islands,
// 967 by Hawaii and American Samoa (96799). Military (AA, AE, AP) and
// unassigned prefixes match nothing. A few ZIPs cross a state line and are
// not in the range of their own state (06390 Fishers Island NY, 73960
// Texhoma TX, 83414 Alta WY); the generator's table leaves them out.
inline bool ZipMatchesState(std::string_view zip, std::string_view state) {
  struct Range {
    int lo, hi;
    std::string_view state;
  };
  static constexpr Range kRanges[] = {
      {5, 5, "NY"},       {6, 7, "PR"},       {8, 8, "VI"},       {9, 9, "PR"},
      {10, 27, "MA"},     {28, 29, "RI"},     {30, 38, "NH"},     {39, 49, "ME"},
      {50, 54, "VT"},     {55, 55, "MA"},     {56, 59, "VT"},     {60, 69, "CT"},
      {70, 89, "NJ"},     {100, 149, "NY"},   {150, 196, "PA"},   {197, 199, "DE"},
      {200, 200, "DC"},   {201, 201, "VA"},   {202, 205, "DC"},   {206, 219, "MD"},
      {220, 246, "VA"},   {247, 268, "WV"},   {270, 289, "NC"},   {290, 299, "SC"},
      {300, 319, "GA"},   {398, 399, "GA"},   {320, 339, "FL"},   {341, 349, "FL"},
      {350, 369, "AL"},   {370, 385, "TN"},   {386, 397, "MS"},   {400, 427, "KY"},
      {430, 459, "OH"},   {460, 479, "IN"},   {480, 499, "MI"},   {500, 528, "IA"},
      {530, 549, "WI"},   {550, 567, "MN"},   {569, 569, "DC"},   {570, 577, "SD"},
      {580, 588, "ND"},   {590, 599, "MT"},   {600, 629, "IL"},   {630, 658, "MO"},
      {660, 679, "KS"},   {680, 693, "NE"},   {700, 714, "LA"},   {716, 729, "AR"},
      {730, 731, "OK"},   {733, 733, "TX"},   {734, 749, "OK"},   {750, 799, "TX"},
      {885, 885, "TX"},   {800, 816, "CO"},   {820, 831, "WY"},   {832, 838, "ID"},
      {840, 847, "UT"},   {850, 865, "AZ"},   {870, 884, "NM"},   {889, 898, "NV"},
      {900, 961, "CA"},   {967, 968, "HI"},   {967, 967, "AS"},   {969, 969, "GU"},
      {969, 969, "MP"},   {970, 979, "OR"},   {980, 994, "WA"},   {995, 999, "AK"},
  };
  if (zip.size() != 5 || !finance_detail::AllDigits(zip)) return false;
  const int prefix = static_cast<int>(finance_detail::Prefix(zip, 3));
  for (const Range& r : kRanges) {
    if (prefix >= r.lo && prefix <= r.hi && r.state == state) return true;
  }
  return false;
}

}  // namespace seedforge::validate
