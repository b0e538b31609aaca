// The PII detector: which kind of personal data a column holds, how sure
// that is, and the evidence, read from the column's name and values as the
// table layer holds them. `seedforge profile` reports it per column and
// proposes format-aware providers from it; `seedforge mask` chooses its
// default rule per column from it (docs/profile.md).
//
// Evidence per column, never per value alone:
//   format    the share of non-NULL values with the kind's shape
//   checksum  of those, the share that pass the kind's validity rule
//             (seedforge/identifiers.h: Luhn and the IIN table, mod 97,
//             the VIN check digit, the SSA and NANP rules)
//   dictionary the share found in the name, city or state tables
//   header    whether the name says so (seedforge/personal_names.h)
// and the confidence combines them (PiiFinding::confidence below).
//
// Link the CMake target seedforge_profile (core and table only).
//
// Thread safety: pure functions; the tables are loaded once, thread-safely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/table.h"

namespace seedforge {

enum class PiiKind : uint8_t {
  kNone,
  kFirstName,
  kLastName,
  kFullName,
  kEmail,
  kPhone,          // NANP or E.164
  kSsn,
  kCard,           // payment card number
  kIban,
  kStreetAddress,
  kZip,
  kCity,
  kState,
  kDateOfBirth,
  kIpAddress,      // IPv4 or IPv6
  kVin,
  kFreeText,       // free text with identifiers of the kinds above inside
};

// "none", "first_name", "last_name", "full_name", "email", "phone", "ssn",
// "card", "iban", "street_address", "zip", "city", "state", "date_of_birth",
// "ip_address", "vin", "free_text".
std::string_view PiiKindName(PiiKind kind);
// The inverse of PiiKindName (for rules files); nullopt for another word.
std::optional<PiiKind> ParsePiiKind(std::string_view name);

// What the detector saw. Shares are of the non-NULL values it read; a
// share that does not apply to the kind is -1.
struct PiiEvidence {
  size_t values = 0;            // non-NULL values read (at most kPiiSampleValues)
  double format = 0;            // share with the kind's shape
  double checksum = -1;         // of those, the share passing its rule
  double dictionary = -1;       // share in the name / city / state tables
  bool header = false;          // the column's name says this kind
  // kFreeText: share of values with an identifier inside, and the kinds
  // found (in PiiKind order).
  double rows_affected = 0;
  std::vector<PiiKind> inside;
  // A detail that a mask or a provider needs: "nanp" or "e164" for phones,
  // "ipv4" or "ipv6", "dashed" or "digits" for SSNs.
  std::string detail;
};

struct PiiFinding {
  PiiKind kind = PiiKind::kNone;
  // 0 to 1: format share f times how far the check share p stands above
  // the share r that look-alikes pass by chance, (p - r) / (1 - r), times
  // the kind's strength (how much its values alone tell), plus 0.35 when
  // the header names the kind (Presidio's context boost), at most 1. A
  // kind is reported at 0.5 or more (docs/profile.md).
  double confidence = 0;
  PiiEvidence evidence;

  // One line in words: "format 100%, Luhn 100%, header".
  std::string Explain() const;
};

// The most values read per column, spread evenly over its rows.
inline constexpr size_t kPiiSampleValues = 5000;
// The least confidence at which a kind is reported.
inline constexpr double kPiiMinConfidence = 0.5;

// The kind of personal data `column` holds (kNone when none reaches
// kPiiMinConfidence), with the evidence. `table` is the table's name: a
// bare "name" column of a table of people is a person's full name. Date
// columns are only a date of birth by their name; see docs/profile.md for
// each kind's rules.
PiiFinding DetectPii(const TableColumn& column, std::string_view table = "");

}  // namespace seedforge
