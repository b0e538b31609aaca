// The finance pack: payment cards (issuer prefix and length, Luhn check
// digit, security code, expiry), US bank accounts (ABA routing numbers
// with their check digit) and IBANs. Money amounts are basic's `decimal`.
#include "finance/finance_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterFinancePack(ProviderRegistry& registry) {
  registry.Add(
      {.name = "credit_card",
       .pack = "finance",
       .version = 1,
       .summary = "Payment card: number with its issuer's prefix and length and a Luhn check "
                  "digit, issuer, CVV, expiry after today (number unique on demand)",
       .fields = {{.name = "number",
                   .kind = ValueKind::kText,
                   .max_length = 16,
                   .description = "digits only: 16 (Visa, Mastercard, Discover, JCB), 15 (American "
                                  "Express) or 14 (Diners Club); unique: 10^10 numbers"},
                  {.name = "provider",
                   .kind = ValueKind::kText,
                   .max_length = 16,
                   .description = "issuer: Visa, Mastercard, American Express, Discover, JCB, "
                                  "Diners Club"},
                  {.name = "cvv",
                   .kind = ValueKind::kText,
                   .max_length = 4,
                   .description = "security code: 4 digits for American Express, 3 otherwise"},
                  {.name = "expiration",
                   .kind = ValueKind::kDate,
                   .description = "last day of the expiry month, after today"},
                  {.name = "expiration_mmyy",
                   .kind = ValueKind::kText,
                   .max_length = 5,
                   .description = "the expiry month as printed: MM/YY"}},
       .params = {{"issuers",
                   "list, or map of issuer: weight (visa, mastercard, amex, discover, jcb, diners)",
                   "visa: 0.52, mastercard: 0.25, amex: 0.14, discover: 0.05, jcb: 0.02, "
                   "diners: 0.02"},
                  {"years", "expiries run up to this many years after today", "5"}},
       .example = "card_number: {type: varchar(19), primary_key: true, provider: "
                  "credit_card.number, params: {issuers: {visa: 3, amex: 1}}}",
       .make = &MakeCreditCardProvider});
  registry.Add(
      {.name = "bank_account",
       .pack = "finance",
       .version = 1,
       .summary = "US bank account: ABA routing number with a valid check digit, account number "
                  "(unique on demand), account type",
       .fields = {{.name = "account_number",
                   .kind = ValueKind::kText,
                   .description = "`account_digits` digits, leading zeros kept"},
                  {.name = "routing_number",
                   .kind = ValueKind::kText,
                   .max_length = 9,
                   .description = "nine-digit ABA routing transit number: Federal Reserve or "
                                  "thrift district, 3-7-1 check digit"},
                  {.name = "account_type",
                   .kind = ValueKind::kText,
                   .description = "one of `types`"}},
       .params = {{"account_digits", "length of the account number, 4-17", "10"},
                  {"types", "list, or map of type: weight", "checking: 0.7, savings: 0.3"}},
       .example = "account_number: {type: varchar(17), unique: true, provider: "
                  "bank_account.account_number, params: {account_digits: 12}}",
       .make = &MakeBankAccountProvider});
  registry.Add(
      {.name = "iban",
       .pack = "finance",
       .version = 1,
       .summary = "IBAN of a European account: the country's length and BBAN format, valid "
                  "ISO 13616 check digits (unique on demand); national check digits inside "
                  "the BBAN are not computed",
       .fields = {{.name = "iban",
                   .kind = ValueKind::kText,
                   .max_length = 28,
                   .description = "electronic form, no spaces: DE89370400440532013000; unique: "
                                  "10^10 numbers"},
                  {.name = "printed",
                   .kind = ValueKind::kText,
                   .max_length = 34,
                   .description = "groups of four: DE89 3704 0044 0532 0130 00"},
                  {.name = "country",
                   .kind = ValueKind::kText,
                   .max_length = 2,
                   .description = "ISO 3166 country code: DE"}},
       .params = {{"country",
                   "a country code, a list, or a map of country: weight (AT, BE, CH, DE, DK, ES, "
                   "FI, FR, GB, IE, IT, NL, NO, PL, PT, SE)",
                   "DE: 84, GB: 68, FR: 68, IT: 59, ES: 48, NL: 18"}},
       .example = "iban: {type: varchar(34), unique: true, provider: iban, params: {country: "
                  "{DE: 3, FR: 1}}}",
       .make = &MakeIbanProvider});
}

}  // namespace seedforge
