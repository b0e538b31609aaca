// EU VAT numbers checked from each country's published rule, written apart
// from the example pack's code (examples/plugin/eu_vat.c): validation over the
// whole number, not generation. And where the test plugins are built.
#pragma once

#include <string>

namespace seedforge::testing {

// Whether `vat` (country prefix and number) is valid for BE, DE, FR, IT or
// NL; otherwise false with the failed rule in *why.
bool ValidVat(const std::string& vat, std::string* why);

// The plugins CMake builds for the tests (build/test_plugins/): the example
// pack, and the variants of tests/plugin/bad_plugin.c ("abi_v2", "good", ...).
std::string VatPlugin();
std::string BadPlugin(const std::string& variant);

}  // namespace seedforge::testing
