// The contact pack: e-mail addresses and telephone numbers. Addresses are
// derived from the row's name (person pack) and use domains reserved for
// examples; numbers follow the North American Numbering Plan with real area
// codes (data/SOURCES.md).
#include "contact/contact_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterContactPack(ProviderRegistry& registry) {
  registry.Add(
      {.name = "email",
       .pack = "contact",
       .version = 1,
       .summary = "E-mail address from the row's name (john.smith@example.com); unique: a "
                  "distinct number per row",
       .fields = {{.name = "value",
                   .kind = ValueKind::kText,
                   .max_length = 0,
                   .description = "lower-case ASCII local part, '@', a domain of `domains`"}},
       .params = {{"first", "column with the first name", "", true},
                  {"last", "column with the last name", "", true},
                  {"name", "column with the full name (first and last word used)", "", true},
                  {"domains",
                   "list, or map of domain: weight (RFC 2606 example domains by default)",
                   "example.com,example.org,example.net"},
                  {"digits", "probability of a number after the name (always one when unique)",
                   "0.3"}},
       .example = "email: {type: text, unique: true, provider: email, params: {first: "
                  "first_name, last: last_name}}",
       .make = &MakeEmailProvider});
  registry.Add(
      {.name = "phone",
       .pack = "contact",
       .version = 1,
       .summary = "US telephone number (NANP) with a real area code, of the row's state if given",
       .fields = {{.name = "value",
                   .kind = ValueKind::kText,
                   .max_length = 0,
                   .description = "ten digits laid out by `format`"}},
       .params = {{"state", "column with a two-letter US state code", "", true},
                  {"format",
                   "layout, ten '#' for the digits: '(###) ###-####', "
                   "'+1-###-###-####', '###-###-####', '##########'",
                   "(###) ###-####"}},
       .example = "phone: {type: text, provider: phone, params: {state: state, format: "
                  "'+1-###-###-####'}}",
       .make = &MakePhoneProvider});
}

}  // namespace seedforge
