// Introspection's text parsing (load/introspect_text.h): catalog arrays,
// CHECK definitions and YAML scalars. Cases the fuzzer
// (tests/fuzz/values_fuzz.cpp) found are marked.
#include "load/introspect_text.h"

#include <gtest/gtest.h>

#include "seedforge/error.h"

namespace seedforge::internal {
namespace {

TEST(IntrospectText, ParseIntArrayReadsCatalogArrays) {
  EXPECT_EQ(ParseIntArray("{1,2,3}"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ParseIntArray("1 2"), (std::vector<int>{1, 2}));
  EXPECT_EQ(ParseIntArray("{-1}"), (std::vector<int>{-1}));
  EXPECT_TRUE(ParseIntArray("{}").empty());
}

// Fuzzer: std::stoi's std::invalid_argument / std::out_of_range escaped.
TEST(IntrospectText, ParseIntArrayRefusesWhatIsNoNumberWithAnError) {
  EXPECT_THROW(ParseIntArray("{-}"), Error);
  EXPECT_THROW(ParseIntArray("{1-2}"), Error);
  EXPECT_THROW(ParseIntArray("{99999999999}"), Error);
}

}  // namespace
}  // namespace seedforge::internal
