#include "support/vat_numbers.h"

#include <algorithm>

namespace seedforge::testing {

namespace {

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool LuhnValid(const std::string& digits) {  // ISO/IEC 7812-1 Annex B
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) d = d * 2 % 10 + d * 2 / 10;
    sum += d;
  }
  return sum % 10 == 0;
}
}  // namespace

bool ValidVat(const std::string& vat, std::string* why) {
  const std::string cc = vat.substr(0, 2), body = vat.size() > 2 ? vat.substr(2) : "";
  if (cc == "DE") {  // ISO 7064 MOD 11,10: run over all nine digits, the last sum is 1
    if (body.size() != 9 || !AllDigits(body) || body[0] == '0') return *why = "shape", false;
    int product = 10;
    for (int i = 0; i < 9; ++i) {
      int sum = (body[i] - '0' + product) % 10;
      if (i == 8) return sum == 1 || (*why = "MOD 11,10", false);
      product = (sum == 0 ? 10 : sum) * 2 % 11;
    }
    return false;
  }
  if (cc == "FR") {  // key = (12 + 3 * (SIREN mod 97)) mod 97, SIREN Luhn-valid
    if (body.size() != 11 || !AllDigits(body)) return *why = "shape", false;
    const long long siren = std::stoll(body.substr(2));
    if (!LuhnValid(body.substr(2))) return *why = "SIREN Luhn", false;
    return std::stoi(body.substr(0, 2)) == (12 + 3 * (siren % 97)) % 97 || (*why = "key", false);
  }
  if (cc == "IT") {  // 11 digits, office 001-100 here, Luhn over all 11
    if (body.size() != 11 || !AllDigits(body)) return *why = "shape", false;
    const int office = std::stoi(body.substr(7, 3));
    if (office < 1 || office > 100) return *why = "office", false;
    return LuhnValid(body) || (*why = "Luhn", false);
  }
  if (cc == "NL") {  // 9 digits + B01; sum(d_i * (10 - i)) - d9 = 0 mod 11
    if (body.size() != 12 || !AllDigits(body.substr(0, 9)) || body.substr(9) != "B01") return *why = "shape", false;
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (body[i] - '0') * (9 - i);
    return (sum - (body[8] - '0')) % 11 == 0 || (*why = "eleven test", false);
  }
  if (cc == "BE") {  // 10 digits, first 0/1, first eight mod 97 + last two = 97
    if (body.size() != 10 || !AllDigits(body) || body[0] > '1') return *why = "shape", false;
    return std::stoll(body.substr(0, 8)) % 97 + std::stoi(body.substr(8)) == 97 || (*why = "mod 97", false);
  }
  return *why = "country", false;
}


std::string VatPlugin() { return std::string(SEEDFORGE_TEST_PLUGIN_DIR) + "/seedforge_test_eu_vat.so"; }
std::string BadPlugin(const std::string& variant) {
  return std::string(SEEDFORGE_TEST_PLUGIN_DIR) + "/seedforge_test_plugin_" + variant + ".so";
}

}  // namespace seedforge::testing
