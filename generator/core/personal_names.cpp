// The header rules of personal data. Patterns match the whole normalized
// name, so "state" is a state but "statement" is not, and "ip" is an
// address but "zip" or "ship_to" are not.
#include "seedforge/personal_names.h"

#include <cctype>
#include <regex>
#include <utility>
#include <vector>

namespace seedforge {

std::string NormalizedColumnName(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c)) {
      // customerEmail -> customer_email; SSN and IPAddress stay one word
      // until a lower-case letter follows a run of capitals.
      const bool after_lower = i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                                         std::isdigit(static_cast<unsigned char>(name[i - 1])));
      const bool ends_run = i > 0 && std::isupper(static_cast<unsigned char>(name[i - 1])) && i + 1 < name.size() &&
                            std::islower(static_cast<unsigned char>(name[i + 1]));
      if ((after_lower || ends_run) && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(std::tolower(c));
    } else if (c == ' ' || c == '-' || c == '.' || c == '_') {
      if (!out.empty() && out.back() != '_') out += '_';
    } else {
      out += static_cast<char>(c);
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

PersonalName PersonalColumnName(std::string_view column, std::string_view table) {
  using P = PersonalName;
  // In the order of the enum: the first that matches wins.
  static const std::vector<std::pair<P, std::regex>> kRules = [] {
    std::vector<std::pair<P, std::regex>> rules = {
        {P::kEmail, std::regex(R"(.*e_?mail.*)")},
        {P::kPhone, std::regex(R"(.*(phone|mobile|fax).*|(.*_)?(tel|telephone|cell)(_(no|number))?)")},
        {P::kSsn, std::regex(R"((.*_)?ssn|social_security.*|soc_sec(_.*)?)")},
        {P::kFirstName, std::regex(R"((first|given|fore)_?name|fname)")},
        {P::kLastName, std::regex(R"((last|family|sur)_?name|lname)")},
        {P::kFullName, std::regex(R"(full_?name|(customer|person|patient|employee|contact|holder)_name|)"
                                  R"(card_?holder(_name)?)")},
        {P::kStreet, std::regex(R"((street|address)(_?line)?_?[12]?|(street|home|mailing|billing|shipping)_address|)"
                                R"(addr(_line)?_?[12]?)")},
        {P::kCard, std::regex(R"((credit_)?card_?(number|num|no|pan)|credit_card|cc_?(number|num|no)|pan)")},
        {P::kCvv, std::regex(R"(cvv|cvc|cvv2)")},
        {P::kZip, std::regex(R"(.*(zip(_?code)?|postal_?code|postcode))")},
        {P::kCity, std::regex(R"((.*_)?city|town)")},
        {P::kState, std::regex(R"((.*_)?state(_code)?|province)")},
        {P::kDateOfBirth, std::regex(R"((date_of_)?birth(_?(date|day|dt))?|dob|birthday|born(_on)?)")},
        {P::kIpAddress, std::regex(R"((.*_)?ip(_?addr(ess)?)?|(.*_)?ip_?v[46](_addr(ess)?)?|remote_addr(ess)?)")},
        {P::kVin, std::regex(R"(vin|vin_?(number|no|code)|vehicle_identification_number)")},
        {P::kIban, std::regex(R"((.*_)?iban(_.*)?)")},
    };
    return rules;
  }();
  static const std::regex kPersonTable(
      R"(.*(customer|person|people|employee|staff|user|member|patient|client|contact|author|actor|student|teacher|driver).*)");
  const std::string name = NormalizedColumnName(column);
  for (const auto& [kind, pattern] : kRules) {
    if (std::regex_match(name, pattern)) return kind;
  }
  if (name == "name" && std::regex_match(NormalizedColumnName(table), kPersonTable)) return P::kFullName;
  return P::kNone;
}

}  // namespace seedforge
