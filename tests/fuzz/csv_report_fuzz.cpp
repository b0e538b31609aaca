// The report's reading of a CSV file: the table layer's reader and type
// inference (seedforge/table.h), then what the report does next with a
// table: map each column to its kind and encode the values.
#include "eval/table.h"
#include "fuzz/fuzz_util.h"
#include "seedforge/table.h"

using namespace seedforge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reject([&] {
    Table table = ParseTable(fuzz::AsText(data, size), "fuzz.csv");
    for (const TableColumn& column : table.columns) {
      FUZZ_CHECK(column.texts.size() == table.rows() && column.nulls.size() == table.rows());
    }
    std::vector<eval::ColumnEncoding> schema = eval::InferSchema(table);
    eval::TableData encoded = eval::Encode(table, schema);
    FUZZ_CHECK(encoded.rows == table.rows());
  });
  return 0;
}
