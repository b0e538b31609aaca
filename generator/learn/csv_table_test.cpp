// learn's CSV reader (ParseCsvTable): inputs the fuzzer
// (tests/fuzz/csv_learn_fuzz.cpp) found.
#include <gtest/gtest.h>

#include "seedforge/error.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

// Fuzzer: a header ",a,," has two columns named "" (and "a,a" two named
// "a"); columns are found by name, so fitting read the wrong column's
// values (UBSan: reference binding to null pointer in CopulaSynthesizer::Fit).
TEST(LearnCsvTable, DuplicateColumnNamesAreAnInputError) {
  for (const char* text : {",a,,\n1,x,2,y\n", "a,b,a\n1,2,3\n"}) {
    SCOPED_TRACE(text);
    try {
      ParseCsvTable(text, "data.csv");
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("data.csv:1: duplicate column name"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace seedforge
