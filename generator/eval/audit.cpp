#include "eval/audit.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_set>

namespace seedforge::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Num(double v, const char* format = "%g") {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

std::string Share(double v) {
  if (!std::isfinite(v)) return "n/a";
  return Num(100 * v, "%.1f") + "%";
}

std::string Fixed3(double v) { return std::isfinite(v) ? Num(v, "%.3f") : "n/a"; }

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "a, b and c".
std::string JoinWords(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  }
  return out;
}

// The words of a column name: split at non-alphanumerics and at a lower
// case letter or digit followed by an upper case one; lower-cased.
std::vector<std::string> Words(const std::string& name) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    if (std::isupper(c) && !word.empty() && i > 0 &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) ||
         std::isdigit(static_cast<unsigned char>(name[i - 1])))) {
      words.push_back(std::move(word));
      word.clear();
    }
    word += static_cast<char>(std::tolower(c));
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// Name patterns per kind, most specific kinds first ("email_address" is an
// e-mail before it is an address, "ip_address" an IP address). A pattern is
// a sequence of words separated by spaces.
struct NameRule {
  const char* kind;
  std::vector<const char*> patterns;
};
const std::vector<NameRule>& NameRules() {
  static const std::vector<NameRule> kRules = {
      {"email", {"email", "e mail", "mail address"}},
      {"url", {"url", "website", "homepage", "web address"}},
      {"ip_address", {"ip", "ip address", "ipv4", "ipv6", "inet"}},
      {"device_id", {"device id", "serial number", "serial no", "imei", "mac address", "udid"}},
      {"ssn", {"ssn", "social security", "social security number"}},
      {"fax", {"fax", "fax number"}},
      {"phone", {"phone", "telephone", "tel", "mobile", "cell phone", "phone number"}},
      {"date_of_birth", {"dob", "birth date", "birthdate", "date of birth", "birthday", "born on"}},
      {"age", {"age"}},
      {"person_name",
       {"first name", "firstname", "last name", "lastname", "surname", "full name", "fullname",
        "given name", "family name", "middle name", "maiden name", "patient name", "customer name",
        "person name", "contact name"}},
      {"payment_card", {"card number", "credit card", "cc number", "card no"}},
      {"iban", {"iban"}},
      {"account_number",
       {"account number", "account no", "acct number", "acct no", "bank account"}},
      {"license_plate", {"license plate", "licence plate", "plate number", "number plate"}},
      {"license_number",
       {"driver license", "drivers license", "driving licence", "license number", "licence number",
        "certificate number", "passport", "passport number"}},
      {"vin", {"vin"}},
      {"medical_record", {"mrn", "medical record", "medical record number"}},
      {"health_plan", {"health plan", "insurance id", "policy number", "member id", "beneficiary"}},
      {"biometric", {"fingerprint", "biometric", "voiceprint", "retina", "iris scan"}},
      {"photo", {"photo", "photograph", "face image", "portrait", "selfie"}},
      {"username", {"username", "user name", "login", "screen name"}},
      {"street_address", {"address", "street", "street address", "address line", "addr"}},
      {"zip", {"zip", "zipcode", "zip code", "postal code", "postcode"}},
      {"city", {"city", "town", "county"}},
      {"geolocation", {"latitude", "longitude", "lat", "lon", "lng", "geolocation", "geo"}},
  };
  return kRules;
}

bool ContainsWords(const std::vector<std::string>& words, const char* pattern) {
  std::vector<std::string> want;
  for (const char* p = pattern; *p;) {
    const char* space = std::strchr(p, ' ');
    size_t n = space ? static_cast<size_t>(space - p) : std::strlen(p);
    want.emplace_back(p, n);
    p += n + (space ? 1 : 0);
  }
  if (want.size() > words.size()) return false;
  for (size_t i = 0; i + want.size() <= words.size(); ++i) {
    if (std::equal(want.begin(), want.end(), words.begin() + i)) return true;
  }
  return false;
}

const IdentifierKind* FindKind(const std::string& key) {
  for (const IdentifierKind& k : IdentifierKinds()) {
    if (key == k.key) return &k;
  }
  return nullptr;
}

char LetterOf(const std::string& kind) {
  const IdentifierKind* k = FindKind(kind);
  return k ? k->letter : 'R';  // a kind this list does not know: "any other unique identifier"
}

std::string WordsOf(const std::string& kind) {
  const IdentifierKind* k = FindKind(kind);
  return k ? k->words : kind;
}

// Kinds whose values point at one person or thing, so that a synthetic value
// equal to a real one is worth a look; names, places, dates, ages and record
// keys come from small sets and coincide by nature.
bool SinglesOut(const std::string& kind) {
  static const std::unordered_set<std::string> kSingle = {"email",
                                                          "url",
                                                          "ip_address",
                                                          "device_id",
                                                          "ssn",
                                                          "fax",
                                                          "phone",
                                                          "payment_card",
                                                          "iban",
                                                          "account_number",
                                                          "license_plate",
                                                          "license_number",
                                                          "vin",
                                                          "medical_record",
                                                          "health_plan",
                                                          "username",
                                                          "street_address",
                                                          "biometric",
                                                          "photo"};
  return kSingle.count(kind) > 0;
}

// The kind a provider's field makes ("" when it is not an identifier).
std::string ProviderKind(const std::string& provider, const std::string& field) {
  if (provider == "person") {
    if (field == "gender") return "";
    return "person_name";
  }
  if (provider == "address") {
    if (field == "city") return "city";
    if (field == "zip") return "zip";
    if (field == "state" || field == "state_name") return "";  // a state is not below state level
    return "street_address";
  }
  if (provider == "credit_card") return field.empty() || field == "number" ? "payment_card" : "";
  if (provider == "bank_account")
    return field.empty() || field == "account_number" ? "account_number" : "";
  if (provider == "vin") return field.empty() || field == "vin" ? "vin" : "";
  static const std::map<std::string, std::string> kByProvider = {
      {"email", "email"},       {"phone", "phone"},
      {"ssn", "ssn"},           {"date_of_birth", "date_of_birth"},
      {"age", "age"},           {"driver_license", "license_number"},
      {"ip", "ip_address"},     {"username", "username"},
      {"user_id", "username"},  {"uuid", "record_id"},
      {"sequence", "record_id"}};
  auto it = kByProvider.find(provider);
  return it == kByProvider.end() ? "" : it->second;
}

// --- Figures per identifier column -------------------------------------------

AuditColumn NotInOutput(HandledColumn handled) {
  AuditColumn a;
  a.handled = std::move(handled);
  a.reproduced_share = kNaN;
  return a;
}

AuditColumn Measure(const TableSet& table, size_t c, HandledColumn handled) {
  AuditColumn a = NotInOutput(std::move(handled));
  const ColumnEncoding& encoding = table.columns[c];
  a.kind = KindName(encoding.kind);
  const EncodedValues& syn = table.synthetic.columns[c];
  const EncodedValues& real = table.real.columns[c];
  if (syn.codes.empty()) {
    std::unordered_set<double> real_values;
    for (double v : real.values) {
      if (!std::isnan(v)) real_values.insert(v == 0 ? 0.0 : v);
    }
    std::unordered_set<double> seen;
    for (double v : syn.values) {
      if (std::isnan(v)) continue;
      ++a.synthetic_values;
      if (real_values.count(v == 0 ? 0.0 : v)) {
        ++a.reproduced;
        seen.insert(v == 0 ? 0.0 : v);
      }
      if (a.handled.pii_kind == "age" && v > 89) ++a.over_89;
    }
    a.distinct_reproduced = seen.size();
  } else {
    std::unordered_set<int32_t> seen;
    for (int32_t code : syn.codes) {
      if (code < 0) continue;
      ++a.synthetic_values;
      if (static_cast<size_t>(code) < encoding.real_labels) {
        ++a.reproduced;
        seen.insert(code);
      }
    }
    a.distinct_reproduced = seen.size();
  }
  a.in_output = a.synthetic_values > 0;
  a.reproduced_share =
      a.synthetic_values ? static_cast<double>(a.reproduced) / a.synthetic_values : kNaN;
  return a;
}

std::string Where(const AuditColumn& a) { return a.name; }

// --- Safe Harbor -------------------------------------------------------------

struct HarborRule {
  char letter;
  const char* identifier;
};
constexpr HarborRule kHarbor[] = {
    {'A', "Names"},
    {'B',
     "Geographic subdivisions smaller than a state (street address, city, county, precinct, ZIP "
     "code, "
     "geocodes; the first three ZIP digits may stay where that area holds more than 20,000 "
     "people)"},
    {'C',
     "All elements of dates (except the year) directly related to a person (birth, admission, "
     "discharge, "
     "death), and ages over 89"},
    {'D', "Telephone numbers"},
    {'E', "Fax numbers"},
    {'F', "E-mail addresses"},
    {'G', "Social Security numbers"},
    {'H', "Medical record numbers"},
    {'I', "Health plan beneficiary numbers"},
    {'J', "Account numbers"},
    {'K', "Certificate and licence numbers"},
    {'L', "Vehicle identifiers and serial numbers, licence plates included"},
    {'M', "Device identifiers and serial numbers"},
    {'N', "Web addresses (URLs)"},
    {'O', "IP addresses"},
    {'P', "Biometric identifiers, finger and voice prints included"},
    {'Q', "Full-face photographs and comparable images"},
    {'R', "Any other unique identifying number, characteristic or code"},
};

// The worse of two statuses: present > pseudonymised > replaced > removed.
int Rank(const std::string& status) {
  if (status == "present") return 3;
  if (status == "pseudonymised") return 2;
  if (status == "replaced") return 1;
  return 0;
}

std::string StatusOf(const AuditColumn& a) {
  const std::string& h = a.handled.handling;
  if (!a.in_output || h == "dropped") return "removed";
  if (h == "provider" || h == "generated") return "replaced";
  if (h == "masked") return "pseudonymised";
  return "present";  // learned, unknown
}

std::string HandlingWords(const std::string& handling) {
  if (handling == "provider") return "made by a provider";
  if (handling == "generated") return "made by a domain rule";
  if (handling == "learned") return "learned from the real column";
  if (handling == "masked") return "masked with a keyed transform";
  if (handling == "dropped") return "dropped";
  return "handling unknown";
}

std::vector<SafeHarborItem> SafeHarbor(const std::vector<AuditColumn>& identifiers,
                                       const std::string& detection) {
  std::vector<SafeHarborItem> items;
  for (const HarborRule& rule : kHarbor) {
    SafeHarborItem item;
    item.letter = rule.letter;
    item.identifier = rule.identifier;
    item.status = "not found";
    std::vector<std::string> notes;
    std::vector<std::string> reproduced;
    size_t over_89 = 0;
    bool dates = false, keys_match = false, only_plain_dates = true;
    for (const AuditColumn& a : identifiers) {
      if (LetterOf(a.handled.pii_kind) != rule.letter) continue;
      const std::string status = StatusOf(a);
      item.columns.push_back(Where(a) + " (" + WordsOf(a.handled.pii_kind) + ", " +
                             HandlingWords(a.handled.handling) +
                             (a.in_output ? "" : ", not in the output") + ")");
      if (item.status == "not found" || Rank(status) > Rank(item.status)) item.status = status;
      if (a.in_output && a.reproduced > 0 && status != "removed") {
        reproduced.push_back(Where(a) + " " + Share(a.reproduced_share));
      }
      over_89 += a.over_89;
      dates = dates || a.handled.pii_kind == "date" || a.handled.pii_kind == "date_of_birth";
      keys_match = keys_match ||
                   (a.handled.pii_kind == "record_id" && a.reproduced > 0 && status == "replaced");
      if (status == "present" && a.handled.pii_kind != "date") only_plain_dates = false;
    }
    if (item.columns.empty()) {
      if (rule.letter == 'P' || rule.letter == 'Q') {
        item.status = "not checked";
        item.note =
            "No column is named like one; the report cannot recognise biometric data or images in "
            "values.";
      } else {
        item.note = "No column found (" + detection + ").";
      }
      items.push_back(std::move(item));
      continue;
    }
    if (item.status == "removed") notes.push_back("Not in the synthetic output.");
    if (item.status == "replaced")
      notes.push_back(
          "Values in the output were made by seedforge, not copied from the real data.");
    if (item.status == "pseudonymised") {
      notes.push_back(
          "Masked values are keyed tokens derived from the real ones; Safe Harbor does not accept "
          "a code "
          "derived from the identifier (45 CFR 164.514(c)), so this item is not met by masking "
          "alone.");
    }
    if (item.status == "present") {
      notes.push_back(std::string("The output holds values learned from, or of unknown relation "
                                  "to, the real column: ") +
                      (only_plain_dates
                           ? "this item is not met for any of these dates that relates to a person."
                           : "this item is not met."));
    }
    if (!reproduced.empty()) {
      notes.push_back("Share of synthetic values that also occur in the real column: " +
                      JoinWords(reproduced) + ".");
    }
    if (dates) {
      notes.push_back(
          "Date columns in the output carry month and day; Safe Harbor requires reducing dates "
          "related to a "
          "person to the year. The report cannot tell which dates relate to a person.");
    }
    if (keys_match) {
      notes.push_back(
          "Keys numbered the same way as the real ones coincide with them by construction; a key "
          "singles "
          "out a person only together with the rest of that person's row.");
    }
    if (over_89 > 0)
      notes.push_back(Plural(over_89, "synthetic age is", "synthetic ages are") +
                      " above 89 and would have to be grouped as 90 or older.");
    for (const std::string& n : notes) item.note += (item.note.empty() ? "" : " ") + n;
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

const std::vector<IdentifierKind>& IdentifierKinds() {
  static const std::vector<IdentifierKind> kKinds = {
      {"person_name", 'A', "person name"},
      {"street_address", 'B', "street address"},
      {"city", 'B', "city or county"},
      {"zip", 'B', "ZIP or postal code"},
      {"geolocation", 'B', "geographic coordinates"},
      {"date_of_birth", 'C', "date of birth"},
      {"date", 'C', "date"},
      {"age", 'C', "age"},
      {"phone", 'D', "telephone number"},
      {"fax", 'E', "fax number"},
      {"email", 'F', "e-mail address"},
      {"ssn", 'G', "Social Security number"},
      {"medical_record", 'H', "medical record number"},
      {"health_plan", 'I', "health plan number"},
      {"account_number", 'J', "account number"},
      {"payment_card", 'J', "payment card number"},
      {"iban", 'J', "IBAN"},
      {"license_number", 'K', "certificate or licence number"},
      {"vin", 'L', "vehicle identification number"},
      {"license_plate", 'L', "licence plate"},
      {"device_id", 'M', "device identifier"},
      {"url", 'N', "web address"},
      {"ip_address", 'O', "IP address"},
      {"biometric", 'P', "biometric identifier"},
      {"photo", 'Q', "photograph"},
      {"username", 'R', "user name"},
      {"record_id", 'R', "record key"},
      {"free_text", 'R', "free text"},
  };
  return kKinds;
}

std::string IdentifierKindFromName(const std::string& column) {
  const std::vector<std::string> words = Words(column);
  for (const NameRule& rule : NameRules()) {
    for (const char* pattern : rule.patterns) {
      if (ContainsWords(words, pattern)) return rule.kind;
    }
  }
  return "";
}

std::vector<HandledColumn> DomainHandledColumns(const Domain& domain) {
  std::vector<HandledColumn> out;
  for (const DomainEntity& entity : domain.entities) {
    for (const DomainColumn& column : entity.columns) {
      if (column.hidden) continue;
      // A copy (of a copy, ...) is handled as its origin is.
      const DomainColumn* origin = &column;
      std::string via;
      for (int hops = 0;
           origin->source == ColumnSource::kCopied && origin->copy.target_entity >= 0 &&
           origin->copy.target_column >= 0 && hops < 64;
           ++hops) {
        const DomainEntity& parent = domain.entities[origin->copy.target_entity];
        origin = &parent.columns[origin->copy.target_column];
        via = ", copied from " + parent.name + "." + origin->name;
      }
      HandledColumn h{entity.name, column.name, "", "", ""};
      switch (origin->source) {
        case ColumnSource::kProvider:
          h.handling = "provider";
          h.pii_kind = ProviderKind(origin->provider, origin->field);
          h.evidence = "domain: provider " + origin->provider +
                       (origin->field.empty() ? "" : "." + origin->field);
          break;
        case ColumnSource::kDerived:
          h.handling = "provider";
          h.evidence = "domain: derived from provider values";
          break;
        case ColumnSource::kLearned:
          h.handling = "learned";
          h.evidence = "domain: learned";
          break;
        default:
          h.handling = "generated";
          h.evidence = "domain: generated by a rule";
          break;
      }
      h.evidence += via;
      out.push_back(std::move(h));
    }
  }
  return out;
}

AuditResult EvaluateAudit(const Dataset& dataset, const std::vector<PrivacyResult>& privacy,
                          const AuditInputs& inputs, bool has_holdout) {
  AuditResult audit;
  audit.tables = dataset.tables.size();
  audit.budgets = inputs.budgets;
  bool from_domain = false, from_tools = false;
  for (const HandledColumn& h : inputs.handled) {
    (h.evidence.rfind("domain", 0) == 0 ? from_domain : from_tools) = true;
  }
  const std::string sources = std::string(from_tools ? "the profile or mask rules given, " : "") +
                              (from_domain ? "the domain's providers, " : "") + "column names";
  audit.detection =
      "found by " + sources +
      ", id columns and date columns; values are not scanned, so an identifier in an unremarkable "
      "column or inside free text is not found here";

  // What the inputs say about a column: by table and column; in a one-table
  // report also by column alone when only one entry has that name (a CSV
  // file need not be named after its entity).
  auto handled_for = [&](const std::string& table,
                         const std::string& column) -> const HandledColumn* {
    const HandledColumn* by_name = nullptr;
    size_t by_name_count = 0;
    for (const HandledColumn& h : inputs.handled) {
      if (h.column != column) continue;
      if (h.table == table) return &h;
      by_name = &h;
      ++by_name_count;
    }
    return dataset.tables.size() == 1 && by_name_count == 1 ? by_name : nullptr;
  };

  std::vector<const HandledColumn*> used;
  for (const TableSet& table : dataset.tables) {
    audit.columns += table.columns.size();
    audit.real_rows += table.real.rows;
    audit.synthetic_rows += table.synthetic.rows;
    if (table.holdout) audit.holdout_rows += table.holdout->rows;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const ColumnEncoding& encoding = table.columns[c];
      HandledColumn h{table.name, encoding.name, "", "unknown", ""};
      if (const HandledColumn* given = handled_for(table.name, encoding.name)) {
        used.push_back(given);
        h.pii_kind = given->pii_kind;
        h.handling = given->handling;
        h.evidence = given->evidence;
      }
      if (h.pii_kind.empty()) {
        h.pii_kind = IdentifierKindFromName(encoding.name);
        if (!h.pii_kind.empty())
          h.evidence += (h.evidence.empty() ? "" : "; ") + std::string("column name");
      }
      if (h.pii_kind.empty() && encoding.kind == ColumnKind::kId) {
        h.pii_kind = "record_id";
        h.evidence += (h.evidence.empty() ? "" : "; ") + std::string("id column");
      }
      if (h.pii_kind.empty() && encoding.kind == ColumnKind::kDatetime) {
        h.pii_kind = "date";
        h.evidence += (h.evidence.empty() ? "" : "; ") + std::string("date column");
      }
      if (h.pii_kind.empty()) continue;
      audit.identifiers.push_back(Measure(table, c, std::move(h)));
      audit.identifiers.back().name =
          dataset.multi_table ? table.name + "." + encoding.name : encoding.name;
    }
  }
  // Columns the inputs name that the output does not have (dropped).
  for (const HandledColumn& h : inputs.handled) {
    if (h.pii_kind.empty() || std::find(used.begin(), used.end(), &h) != used.end()) continue;
    int t = dataset.Find(h.table);
    if (t >= 0 && dataset.tables[t].Find(h.column) >= 0) continue;
    if (dataset.tables.size() == 1 && dataset.tables[0].Find(h.column) >= 0) continue;
    HandledColumn dropped = h;
    if (dropped.handling != "dropped") dropped.evidence += "; not in the output";
    audit.identifiers.push_back(NotInOutput(std::move(dropped)));
    audit.identifiers.back().name = dataset.multi_table ? h.table + "." + h.column : h.column;
  }
  audit.safe_harbor = SafeHarbor(audit.identifiers, "searched by " + sources);

  // --- Narrative -------------------------------------------------------------
  std::vector<std::string> tables;
  for (const TableSet& t : dataset.tables) {
    tables.push_back(
        t.name + " (" + Plural(t.real.rows, "real row", "real rows") + ", " +
        std::to_string(t.synthetic.rows) + " synthetic" +
        (t.holdout ? ", " + std::to_string(t.holdout->rows) + " holdout" : std::string()) + ", " +
        Plural(t.columns.size(), "column", "columns") + ")");
  }
  audit.narrative.push_back(
      "Data in: " + Plural(audit.tables, "table", "tables") + ", " + JoinWords(tables) + ". " +
      (has_holdout ? "Holdout rows are real rows the synthesizer never saw; the attacks use them "
                     "as the baseline."
                   : "No holdout rows were given, so the membership attack and the DCR baseline "
                     "could not run."));

  std::map<std::string, std::vector<std::string>> by_handling;
  std::vector<std::string> leaks, coincidences, clean;
  for (const AuditColumn& a : audit.identifiers) {
    if (a.handled.pii_kind == "record_id" || a.handled.pii_kind == "date")
      continue;  // told in the checklist
    by_handling[a.handled.handling].push_back(Where(a) + " (" + WordsOf(a.handled.pii_kind) + ")");
    if (!SinglesOut(a.handled.pii_kind) || !a.in_output) continue;
    if (a.reproduced == 0) {
      clean.push_back(Where(a));
      continue;
    }
    const std::string figure = Where(a) + " (" + std::to_string(a.reproduced) + " of " +
                               std::to_string(a.synthetic_values) + " values)";
    const bool made = a.handled.handling == "provider" || a.handled.handling == "generated";
    (made ? coincidences : leaks).push_back(figure);
  }
  if (by_handling.empty()) {
    audit.narrative.push_back("Identifiers: no column was recognised as a direct identifier (" +
                              audit.detection + "). That is not proof that none is present.");
  } else {
    std::string s = "Identifiers recognised (" + audit.detection + "):";
    for (const char* handling :
         {"provider", "generated", "masked", "learned", "dropped", "unknown"}) {
      auto it = by_handling.find(handling);
      if (it == by_handling.end()) continue;
      s += " " + HandlingWords(handling) + ": " + JoinWords(it->second) + ";";
    }
    s.back() = '.';
    audit.narrative.push_back(s);
    if (!leaks.empty()) {
      audit.narrative.push_back(
          "Real values in the output: synthetic values of " + JoinWords(leaks) +
          " also occur in the real data. For these kinds a match can point at a real person; "
          "check them before release.");
    }
    if (!coincidences.empty()) {
      audit.narrative.push_back("Coincidences: synthetic values of " + JoinWords(coincidences) +
                                " also occur in the real data. These columns are made by "
                                "providers, which draw from finite lists and "
                                "formats, so a match is a coincidence of value, not a copy of the "
                                "real row; it is worth a look only if "
                                "the real data was made from the same lists.");
    }
    if (!clean.empty()) {
      audit.narrative.push_back("No synthetic value of " + JoinWords(clean) +
                                " occurs in the real column.");
    }
  }

  bool any_private = false, any_declared = false;
  std::vector<std::string> budgets;
  for (const PrivacyBudget& b : inputs.budgets) {
    if (b.mechanism.empty()) {
      budgets.push_back(b.model + ": no differential privacy");
      continue;
    }
    (b.mechanism == "declared" ? any_declared : any_private) = true;
    std::string s = b.model + ": " + b.mechanism +
                    (b.accountant.empty() ? "" : " (" + b.accountant + " accountant)") +
                    ", ε = " + Num(b.epsilon) + (b.delta > 0 ? ", δ = " + Num(b.delta) : "");
    if (b.mechanism == "declared")
      s += ", as declared with --model-info and not checked against a model file";
    if (b.steps > 0) {
      s += ", " + std::to_string(b.steps) + " steps at sampling rate " + Num(b.sample_rate) +
           " with noise multiplier " + Num(b.noise_multiplier);
    }
    if (b.preprocessing_epsilon > 0)
      s += ", of which ε = " + Num(b.preprocessing_epsilon) + " on preprocessing";
    if (!b.public_columns.empty()) s += "; taken as public: " + JoinWords(b.public_columns);
    budgets.push_back(s);
  }
  if (budgets.empty()) {
    audit.narrative.push_back(
        "Privacy budget: none. No model file was given (--model), so the report can state no "
        "differential-privacy guarantee; the attack figures below are the only evidence.");
  } else {
    audit.narrative.push_back(
        "Privacy budget: " + JoinWords(budgets) + "." +
        (any_private    ? " The guarantee covers the training of the model, whatever rows it makes."
         : any_declared ? " A declared budget is a statement, not a figure this report checked."
                        : " Without differential privacy the attack figures below are the only "
                          "evidence."));
  }

  for (const PrivacyResult& p : privacy) {
    std::string s =
        (dataset.multi_table ? "Attacks on " + p.table + ": " : std::string("Attacks: ")) +
        std::to_string(p.exact_copies) + " synthetic rows copy a training row";
    if (p.has_holdout) {
      s += " (new real rows match by chance at " + Share(p.holdout_copy_rate) + ")";
      s += "; " + Share(p.dcr_share_below) +
           " of synthetic rows are closer to a training row than 95% of new real rows "
           "(about 5% expected)";
      s += "; the membership attack reaches ROC AUC " + Fixed3(p.mia_auc) + " (0.5 is a coin toss)";
    } else {
      s += "; the DCR baseline and the membership attack need --holdout and did not run";
    }
    const AttributeInferenceResult& a = p.attribute_inference;
    if (a.computed) {
      s += "; knowing " + JoinWords(a.quasi) + ", an attacker holding the synthetic data guesses " +
           a.sensitive + (a.numeric ? " within ±" + Num(a.tolerance) : std::string()) + " for " +
           Share(a.accuracy) + " of training rows, against " + Share(a.baseline) +
           " from the column's distribution alone (lift " + Fixed3(a.lift) + ")";
      if (!std::isnan(a.holdout_accuracy)) {
        s += " and " + Share(a.holdout_accuracy) + " for new real rows";
        const double gap = a.accuracy - a.holdout_accuracy;
        s += gap > 0.05 ? ", so the synthetic data reveals more about the people it was trained on "
                          "than about others"
                        : ", so what it reveals holds for people in general rather than for the "
                          "training rows";
      }
    } else {
      s += "; attribute inference was not run (name --quasi-identifiers and --sensitive)";
    }
    audit.narrative.push_back(s + ".");
  }

  // --- GDPR ------------------------------------------------------------------
  size_t masked = 0;
  std::vector<std::string> learned_direct, unknown_direct;
  for (const AuditColumn& a : audit.identifiers) {
    if (!a.in_output) continue;
    masked += a.handled.handling == "masked";
    if (!SinglesOut(a.handled.pii_kind)) continue;
    if (a.handled.handling == "learned") learned_direct.push_back(Where(a));
    if (a.handled.handling == "unknown") unknown_direct.push_back(Where(a));
  }
  audit.gdpr.push_back(
      "Pseudonymisation is not anonymisation. Data whose identifiers are replaced by keyed tokens "
      "(seedforge mask) is "
      "pseudonymised (Art. 4(5) GDPR): whoever holds the key, or enough other data, can link it "
      "back, so it stays "
      "personal data. " +
      (masked > 0 ? Plural(masked, "column of this output is", "columns of this output are") +
                        " masked, so this output is at best pseudonymised."
                  : std::string("No column of this output is marked as masked.")));
  audit.gdpr.push_back(
      "Recital 26 leaves anonymous information outside the GDPR when a person can no longer be "
      "identified by any "
      "means reasonably likely to be used. Whether synthetic data meets that is a legal judgement "
      "about the whole "
      "release; the figures of this report are evidence for it, not a verdict.");
  std::vector<std::string> support, against;
  for (const PrivacyResult& p : privacy) {
    const std::string where = dataset.multi_table ? " in " + p.table : "";
    if (p.exact_copies == 0) support.push_back("no synthetic row copies a training row" + where);
    if (p.exact_copies > 0)
      against.push_back(std::to_string(p.exact_copies) + " synthetic rows copy training rows" +
                        where);
    if (p.has_holdout && p.mia_auc <= 0.55)
      support.push_back("the membership attack is close to a coin toss" + where);
    if (p.has_holdout && p.mia_auc > 0.55)
      against.push_back("the membership attack has signal (AUC " + Fixed3(p.mia_auc) + ")" + where);
    if (p.has_holdout && p.dcr_share_below > 0.07)
      against.push_back("synthetic rows sit closer to training rows than new data" + where);
    const AttributeInferenceResult& a = p.attribute_inference;
    if (a.computed && !std::isnan(a.holdout_accuracy)) {
      (a.accuracy - a.holdout_accuracy > 0.05 ? against : support)
          .push_back(
              a.accuracy - a.holdout_accuracy > 0.05
                  ? "the sensitive column is easier to guess for training rows than for new rows" +
                        where
                  : "guessing the sensitive column works no better for training rows than for new "
                    "rows" +
                        where);
    }
  }
  if (!leaks.empty()) against.push_back("real identifier values appear in the output");
  if (!learned_direct.empty()) {
    against.push_back("direct identifiers learned from the real values (" +
                      JoinWords(learned_direct) + ")");
  }
  if (!unknown_direct.empty()) {
    against.push_back("direct identifiers whose origin the report cannot see (" +
                      JoinWords(unknown_direct) +
                      "; --domain tells which columns providers filled)");
  }
  if (any_private)
    support.push_back(
        "a differential-privacy budget bounds what the model can reveal about any one training "
        "row");
  std::string figures = "What the figures here support: " +
                        (support.empty() ? std::string("nothing in favour") : JoinWords(support)) +
                        ".";
  if (!against.empty()) figures += " What weighs against: " + JoinWords(against) + ".";
  audit.gdpr.push_back(figures);
  audit.gdpr.push_back(
      "What this report does not claim: the attacks are particular attackers run on samples, so "
      "passing them bounds no "
      "other attack; " +
      std::string(any_private
                      ? ""
                      : "without a differential-privacy budget there is no formal guarantee; ") +
      "linkage with data outside this report, identifiers in columns not recognised here and the "
      "legal basis for "
      "processing the real data are not assessed.");
  return audit;
}

}  // namespace seedforge::eval
