// The report's CSV reader (generator/eval/csv.*) and what the report does
// next with a table: infer each column's kind and encode the values.
#include "eval/csv.h"
#include "eval/table.h"
#include "fuzz/fuzz_util.h"

using namespace seedforge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reject([&] {
    eval::RawTable raw = eval::ParseCsv(fuzz::AsText(data, size), "fuzz.csv");
    FUZZ_CHECK(raw.columns.size() == raw.header.size());
    for (const eval::RawColumn& column : raw.columns) FUZZ_CHECK(column.size() == raw.rows());
    std::vector<eval::ColumnInfo> schema = eval::InferSchema(raw);
    eval::TableData encoded = eval::Encode(raw, schema);
    FUZZ_CHECK(encoded.rows == raw.rows());
  });
  return 0;
}
