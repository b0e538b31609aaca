// The identity pack: US identity numbers and personal attributes. Rules and
// tables cite their sources in the providers' files and data/SOURCES.md.
#include "identity/identity_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterIdentityPack(ProviderRegistry& registry) {
  registry.Add({.name = "ssn",
                .pack = "identity",
                .version = 1,
                .summary =
                    "US Social Security number under the SSA's rules (unique: a permutation of "
                    "all valid numbers)",
                .fields = {{.name = "value",
                            .kind = ValueKind::kText,
                            .max_length = 11,
                            .description = "AAA-GG-SSSS: area not 000, 666, 900-999; group not 00; "
                                           "serial not 0000"}},
                .params = {{"dashes", "write AAA-GG-SSSS (true) or AAAGGSSSS (false)", "true"}},
                .example = "ssn: {type: 'char(11)', unique: true, provider: ssn}",
                .make = &MakeSsnProvider});
  registry.Add(
      {.name = "date_of_birth",
       .pack = "identity",
       .version = 1,
       .summary = "Birth date giving an age in [min_age, max_age] on the run's date (--as-of), or the age "
                  "in a column",
       .fields = {{.name = "value",
                   .kind = ValueKind::kDate,
                   .description = "uniform over the "
                                  "allowed dates"}},
       .params = {{"min_age", "youngest age in whole years", "18"},
                  {"max_age", "oldest age in whole years", "80"},
                  {.name = "age",
                   .description = "column holding the age in whole years (clamped to [min_age, max_age]; "
                                  "NULL = any age); the column cannot then be unique",
                   .is_column = true}},
       .example = "birth_date: {type: date, provider: date_of_birth, params: {min_age: 21, "
                  "max_age: 67}}",
       .make = &MakeDateOfBirthProvider});
  registry.Add(
      {.name = "blood_group",
       .pack = "identity",
       .version = 1,
       .summary = "ABO/Rh blood group with US population frequencies (O+ 37%, A+ 36%, ...)",
       .fields = {{.name = "value",
                   .kind = ValueKind::kText,
                   .max_length = 3,
                   .description = "O+, A+, B+, AB+, O-, A-, B- or AB-"}},
       .params = {},
       .example = "blood_group: {type: text, provider: blood_group}",
       .make = &MakeBloodGroupProvider});
  registry.Add(
      {.name = "driver_license",
       .pack = "identity",
       .version = 1,
       .summary = "US driver licence number in its state's format (CA: A1234567, FL: "
                  "A123456789012, ...)",
       .fields = {{.name = "value",
                   .kind = ValueKind::kText,
                   .max_length = 15,
                   .description = "letters A-Z and digits"}},
       .params = {{"state", "column with the issuing state's two-letter code", "", true},
                  {"issuing_state",
                   "two-letter code used when there is no state column "
                   "(or the row's is unknown); unique only with this",
                   "random state"}},
       .example = "license_no: {type: text, provider: driver_license, params: {state: state}}",
       .make = &MakeDriverLicenseProvider});
}

}  // namespace seedforge
