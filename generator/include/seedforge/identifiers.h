// The rules of the identifiers seedforge makes, detects and masks: one
// function per rule, shared by the providers (plugins/), the PII detector
// (profile) and the format-preserving masks (mask), so that what a provider
// writes, what the detector accepts and what a mask keeps valid never drift
// apart.
//
// Every function is pure, allocation-free where it can be, and thread-safe.
// Inputs are taken as written; each function states which separators it
// accepts. Sources of each rule are cited at its definition
// (core/identifiers.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seedforge::identifiers {

// --- Payment cards (ISO/IEC 7812-1) ------------------------------------------

// True when `digits` (digits only, at least 2) passes the Luhn check.
bool LuhnValid(std::string_view digits);
// The digit that makes `payload` followed by it pass the Luhn check.
// REQUIRES: payload is digits only.
char LuhnCheckDigit(std::string_view payload);

// A card scheme, found from the IIN prefix and the length together.
struct CardScheme {
  std::string_view key;   // "visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro"
  std::string_view name;  // "Visa", ...
};
// The scheme whose IIN ranges and lengths admit `digits` (digits only), or
// nullopt. Does not check Luhn.
std::optional<CardScheme> FindCardScheme(std::string_view digits);
// Digits only after removing spaces and dashes; a known scheme, its length,
// and Luhn.
bool CardNumberValid(std::string_view text);

// --- US Social Security numbers (SSA rules since 2011-06-25) -----------------

// Area 001-899 except 666; group 01-99; serial 0001-9999.
bool SsnPartsValid(int area, int group, int serial);
// "AAA-GG-SSSS" or 9 digits; the parts valid as above, and none of the
// numbers never issued or publicised (all one digit, 123-45-6789,
// 078-05-1120).
bool SsnValid(std::string_view text);

// --- Vehicle identification numbers (49 CFR 565.15) --------------------------

// The value of a VIN character in the check-digit sum, or -1 for a
// character a VIN never holds (I, O, Q, lower case, punctuation).
int VinCharValue(char c);
// The check digit ('0'-'9' or 'X') of a 17-character VIN (position 9 is
// ignored), or '\0' when a character is invalid.
char VinCheckDigit(std::string_view vin);
// 17 valid characters, not all the same, and the check digit right.
bool VinValid(std::string_view vin);

// --- IBAN (ISO 13616, ISO 7064 mod 97-10) ------------------------------------

// The IBAN length of a country (two upper-case letters), or 0 when the
// country has no IBAN in the registry table kept here.
int IbanLength(std::string_view country);
// The two check digits for `country` and `bban` (upper case, no spaces).
std::string IbanCheckDigits(std::string_view country, std::string_view bban);
// Spaces allowed (groups of four as printed); the country's length and the
// mod-97 check.
bool IbanValid(std::string_view text);

// --- Telephone numbers -------------------------------------------------------

// NANP (ATIS-0300051): an area code that can be geographic ([2-9]XX, not
// N11, not N9X, not 37X or 96X).
bool NanpAreaCodeValid(int npa);
// A central-office code: [2-9]XX, not N11.
bool NanpExchangeValid(int nxx);
// A 10-digit NANP number, or 11 digits with a leading 1, written with any
// of "+", spaces, dashes, dots and one pair of parentheses around the area
// code; area code and exchange valid.
bool NanpNumberValid(std::string_view text);
// ITU-T E.164: "+", a country code not starting with 0, 8 to 15 digits in
// all (spaces and dashes between digits allowed).
bool E164Valid(std::string_view text);

// --- Others ------------------------------------------------------------------

// The WHATWG "valid e-mail address" with RFC 5321's sizes (local part at
// most 64 octets, the whole at most 254), and a dot in the domain.
bool EmailValid(std::string_view text);
// A host name of LDH labels of 1-63 characters, at most 253 in all.
bool HostNameValid(std::string_view text);
// Dotted-quad IPv4 without leading zeros.
bool Ipv4Valid(std::string_view text);
// An IPv6 address in any RFC 4291 text form (with "::" and an IPv4 tail).
bool Ipv6Valid(std::string_view text);
// An ABA routing number: 9 digits whose weighted sum 3-7-1 is a multiple of 10.
bool AbaRoutingValid(std::string_view digits);
// The ninth digit that makes the first eight of `payload` an ABA routing
// number. REQUIRES: payload holds at least 8 digits.
char AbaCheckDigit(std::string_view payload);

}  // namespace seedforge::identifiers
