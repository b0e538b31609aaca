// Model files the fuzzer (tests/fuzz/model_fuzz.cpp) made: each is refused
// with an InputError naming the file, or read and sampled safely. Payloads
// are written here with a valid header and checksum, as the harness does,
// so that they reach the synthesizers' decoders.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "learn/serialize.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

using internal::ByteWriter;

std::string ModelFile(const std::string& name, const std::string& payload) {
  ByteWriter out;
  out.bytes() = "SFMODEL\n";
  out.U32(1);
  out.U32(static_cast<uint32_t>(name.size()));
  out.bytes() += name;
  out.U64(payload.size());
  out.bytes() += payload;
  out.U64(HashName(payload));
  return std::move(out.bytes());
}

// Expects ParseSynthesizer to refuse `file` with an InputError whose
// message names the file and contains `what`.
void ExpectRefused(const std::string& file, const std::string& what) {
  try {
    ParseSynthesizer(file, "bad.sfmodel");
    ADD_FAILURE() << "accepted; expected an error containing '" << what << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.sfmodel"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

// One categorical column, as WriteColumns writes it.
void OneColumn(ByteWriter& out) {
  out.U64(1);
  out.Str("c");
  out.U8(static_cast<uint8_t>(DataType::kCategorical));
  out.F64(0);  // min
  out.F64(0);  // max
  out.I64(0);  // digits
  out.F64(0);  // null rate
  out.U64(1);
  out.Str("x");
  out.F64s({1.0});
}

// A neural payload up to its network: one categorical column, no
// constraints.
ByteWriter NeuralPrefix() {
  ByteWriter out;
  out.U32(1);  // payload version
  OneColumn(out);
  out.U8(0);    // the column's transform: no NULLs,
  out.F64(0);   // fill,
  for (int i = 0; i < 4; ++i) out.F64s({});  // no modes (categorical)
  out.U64(0);  // no constraints
  out.U32(1);  // epochs
  return out;
}

// Fuzzer: a model of no columns was read, and sampling it indexed an empty
// vector (UBSan: reference binding to null pointer, ConstrainedSampler).
TEST(ModelFile, NoColumnsIsRefused) {
  for (const char* name : {"copula", "ctgan", "tvae"}) {
    SCOPED_TRACE(name);
    ByteWriter out;
    out.U32(1);  // payload version
    out.U64(0);  // no columns
    ExpectRefused(ModelFile(name, out.bytes()), "the model has no columns");
  }
}

// Review: a column whose minimum is above its maximum (or not finite) was
// read, and sampling clamped to an empty range (std::clamp's precondition).
TEST(ModelFile, ColumnRangesMustHoldTheirValues) {
  const double kNan = std::numeric_limits<double>::quiet_NaN();
  for (auto [min, max] : {std::pair{2.0, 1.0}, std::pair{kNan, 1.0}, std::pair{0.0, HUGE_VAL}}) {
    SCOPED_TRACE(std::to_string(min) + " " + std::to_string(max));
    ByteWriter out;
    out.U32(1);  // payload version
    out.U64(1);
    out.Str("x");
    out.U8(static_cast<uint8_t>(DataType::kContinuous));
    out.F64(min);
    out.F64(max);
    out.I64(2);  // digits
    out.F64(0);  // null rate
    out.U64(0);  // no categories
    out.F64s({});
    ExpectRefused(ModelFile("copula", out.bytes()), "column 'x' has no valid range");
  }
}

// Fuzzer: embedding and condition sizes near 2^31 overflowed `int width`
// (UBSan: signed integer overflow in CtganSynthesizer::LoadPayload).
TEST(ModelFile, CtganWidthsBeyondAnyModelAreRefused) {
  ByteWriter out = NeuralPrefix();
  out.U32(0x53535300);  // embedding size
  out.U32(0x53535353);  // conditional vector size
  out.U64(0);           // no residual layers
  ExpectRefused(ModelFile("ctgan", out.bytes()), "implausible embedding size");
}

TEST(ModelFile, TvaeLayerWidthsBeyondAnyModelAreRefused) {
  ByteWriter out = NeuralPrefix();
  out.U32(4);  // embedding size
  out.U64(1);  // one hidden layer
  out.U32(4);
  out.U32(0x7fffffff);
  ExpectRefused(ModelFile("tvae", out.bytes()), "implausible layer output width");
}

}  // namespace
}  // namespace seedforge
