// Fits CTGAN or TVAE with or without differential privacy through the C++
// API (FitOptions::dp) and saves the model, for bench/dp_neural_bench.sh. `learn
// --dp` is the command users run; this driver gives the benchmark the
// public bounds of its datasets without depending on that command's flags.
//
// Usage: seedforge_dp_fit CSV MODEL(ctgan|tvae) EPOCHS BATCH EPSILON(0 = not private) OUT [PUBLIC...]
//   PUBLIC: COLUMN=MIN:MAX (numbers) or COLUMN=A|B|C (categories)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "seedforge/error.h"
#include "seedforge/synthesizer.h"

int main(int argc, char** argv) {
  using namespace seedforge;
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s CSV MODEL EPOCHS BATCH EPSILON OUT [COLUMN=MIN:MAX | COLUMN=A|B ...]\n", argv[0]);
    return 2;
  }
  try {
    const DataTable table = ReadCsvTable(argv[1]);
    FitOptions options;
    options.epochs = std::atoi(argv[3]);
    options.batch_size = std::atoi(argv[4]);
    if (const char* threads = std::getenv("THREADS")) options.threads = std::atoi(threads);
    options.dp.epsilon = std::atof(argv[5]);
    for (int i = 7; i < argc; ++i) {
      const std::string spec = argv[i];
      const size_t eq = spec.find('=');
      if (eq == std::string::npos) throw UsageError("not COLUMN=...: " + spec);
      PublicColumn& column = options.dp.public_columns[spec.substr(0, eq)];
      const std::string value = spec.substr(eq + 1);
      const size_t colon = value.find(':');
      if (colon != std::string::npos && value.find('|') == std::string::npos) {
        column.min = std::stod(value.substr(0, colon));
        column.max = std::stod(value.substr(colon + 1));
      } else {
        for (size_t at = 0;;) {
          const size_t bar = value.find('|', at);
          column.categories.push_back(value.substr(at, bar - at));
          if (bar == std::string::npos) break;
          at = bar + 1;
        }
      }
    }
    if (!options.dp.enabled()) options.dp.public_columns.clear();
    auto model = MakeSynthesizer(argv[2]);
    const auto start = std::chrono::steady_clock::now();
    model->Fit(table, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    SaveSynthesizer(*model, argv[6]);
    const DpAccount& a = model->privacy();
    std::printf("fit %.1f s", seconds);
    if (!a.mechanism.empty()) {
      std::printf("; epsilon %.4f delta %.3g q %.5f sigma %.4f steps %lld", a.epsilon, a.delta, a.sample_rate,
                  a.noise_multiplier, static_cast<long long>(a.steps));
    }
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
