// The person pack: people's names and the identifiers derived from them.
// Name frequencies are American (SSA births, Census surnames); see
// data/SOURCES.md for where each table comes from and its licence. The
// max_length of the name fields is that of the longest name in the tables
// (person_test.cpp checks it).
#include "person/person_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterPersonPack(ProviderRegistry& registry) {
  registry.Add(
      {.name = "person",
       .pack = "person",
       .version = 1,
       .summary = "A person's name with US frequencies; the first name agrees with the gender",
       .fields = {{.name = "full_name",
                   .kind = ValueKind::kText,
                   .max_length = 28,
                   .description = "'First Last'"},
                  {.name = "first_name",
                   .kind = ValueKind::kText,
                   .max_length = 14,
                   .description = "given name (SSA baby-name data, births 1946-2007)"},
                  {.name = "last_name",
                   .kind = ValueKind::kText,
                   .max_length = 13,
                   .description = "surname (Census surname frequencies)"},
                  {.name = "gender",
                   .kind = ValueKind::kText,
                   .max_length = 0,
                   .description = "male or female label, M/F unless gender_labels says"},
                  {.name = "middle_initial",
                   .kind = ValueKind::kText,
                   .max_length = 1,
                   .description = "one upper-case letter"}},
       .params = {{"gender_labels", "labels for male and female, in that order", "M,F"},
                  {"female_share", "probability of a female name", "0.5"}},
       .example = "gender: {type: text, provider: person.gender, params: {gender_labels: "
                  "'Male,Female'}}",
       .make = &MakePersonProvider});
  registry.Add(
      {.name = "username",
       .pack = "person",
       .version = 1,
       .summary = "Login name from the row's names: jsmith, john.smith42, smithj (unique: "
                  "a distinct number per row)",
       .fields = {{.name = "value",
                   .kind = ValueKind::kText,
                   .max_length = 39,
                   .description = "lower-case ASCII letters, '.', '_' and digits"}},
       .params = {{"first", "column with the first name", "", true},
                  {"last", "column with the last name", "", true},
                  {"digits", "probability of a number suffix (always one when unique)", "0.4"}},
       .example = "login: {type: text, unique: true, provider: username, params: {first: "
                  "first_name, last: last_name}}",
       .make = &MakeUsernameProvider});
  registry.Add(
      {.name = "user_id",
       .pack = "person",
       .version = 1,
       .summary = "Account identifier: a prefix and zero-padded digits, u00421337 (unique: a "
                  "permutation of the row index)",
       .fields = {{.name = "value",
                   .kind = ValueKind::kText,
                   .max_length = 0,
                   .description = "prefix + `digits` digits"}},
       .params = {{"prefix", "text before the digits", "u"},
                  {"digits", "number of digits, 1-18", "8"}},
       .example = "user_id: {type: text, unique: true, provider: user_id, params: {prefix: "
                  "'EMP', digits: 6}}",
       .make = &MakeUserIdProvider});
}

}  // namespace seedforge
