// learn's reading of a CSV file (ParseCsvTable: the table layer's reader and
// type inference as a DataTable, generator/learn/data_table.cpp), then what `seedforge learn` does with a table: the learned
// columns and, for small tables, a Gaussian copula fitted and sampled.
#include "fuzz/fuzz_util.h"
#include "learn/values.h"
#include "seedforge/synthesizer.h"

using namespace seedforge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reject([&] {
    DataTable table = ParseCsvTable(fuzz::AsText(data, size), "fuzz.csv");
    FUZZ_CHECK(table.columns.size() == table.names.size() && table.types.size() == table.names.size());
    for (const BatchColumn& column : table.columns) FUZZ_CHECK(column.size() == table.rows);
    if (table.rows == 0 || table.rows > 64) return;
    internal::LearnColumns(table);
    std::unique_ptr<Synthesizer> model = MakeSynthesizer("copula");
    FitOptions options;
    options.threads = 1;
    model->Fit(table, options);
    std::vector<BatchColumn> out;
    const uint64_t rows[] = {0, 1, 2, 3};
    model->MakeSampler()->SampleRows(rows, 7, out);
    FUZZ_CHECK(out.size() == model->columns().size());
  });
  return 0;
}
