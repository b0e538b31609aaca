// Shared by the libFuzzer harnesses (tests/fuzz/*_fuzz.cpp).
//
// The contract under test: for any input, a parser returns a value or throws
// seedforge::Error (or a subclass); anything else is a finding. A harness
// wraps its work in Reject(), which swallows exactly those; any other
// exception escapes, std::terminate aborts, and libFuzzer reports the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "seedforge/error.h"

namespace seedforge::fuzz {

// Runs f(); an Error is the expected way to refuse an input.
template <typename F>
void Reject(F&& f) {
  try {
    f();
  } catch (const Error&) {
  }
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Stops a harness when a property the code promises does not hold: abort()
// shows up in libFuzzer as a crash with the input saved.
#define FUZZ_CHECK(condition)                                                         \
  do {                                                                                \
    if (!(condition)) {                                                               \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

}  // namespace seedforge::fuzz
