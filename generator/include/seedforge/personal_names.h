// Column names that say what personal data a column holds: "email",
// "ssn", "first_name", "zip_code", "dob". One set of rules shared by the
// provider chooser (domain/column_guess.cpp: a column so named keeps a
// format-aware provider) and the PII detector (seedforge/pii.h: the name is
// one piece of evidence, next to the values), so that both read a header
// the same way.
//
// A name is read in lower case with camelCase and spaces, dots and dashes
// turned into '_' ("customerEmail", "E-Mail", "Zip Code" match). The rules
// are whole-name patterns; see core/personal_names.cpp for each.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace seedforge {

enum class PersonalName : uint8_t {
  kNone,
  kEmail,
  kPhone,
  kSsn,
  kFirstName,
  kLastName,
  kFullName,  // also a bare "name" in a table of people (`table` below)
  kStreet,
  kCard,      // a card number
  kCvv,
  kZip,
  kCity,
  kState,
  kDateOfBirth,
  kIpAddress,
  kVin,
  kIban,
};

// What the name of column `column` of table `table` (may be empty) says the
// column holds; kNone when it says nothing personal. A name that says two
// things ("email_phone") is the first in the order of the enum.
PersonalName PersonalColumnName(std::string_view column, std::string_view table = "");

// `name` in lower case, camelCase split and separators made '_':
// "customerEmail" -> "customer_email", "Zip Code" -> "zip_code".
std::string NormalizedColumnName(std::string_view name);

}  // namespace seedforge
