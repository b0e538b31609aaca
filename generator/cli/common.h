// Options shared by the commands that run a domain (generate, validate,
// load): domain, row counts, seed, reference date, simulation window.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/shard.h"

namespace seedforge {

struct RunArgs {
  std::string domain;
  std::vector<std::string> rows;  // ENTITY=N
  double scale = 1.0;
  uint64_t seed = 1;
  std::string as_of;  // YYYY-MM-DD; default today (UTC)
  std::string from, to;  // the simulation window; default the domain's `time:`
  bool no_cache = false;  // neither read nor write the model cache
};

void AddRunOptions(CLI::App& command, RunArgs& args);

// What a command prints on stderr while it fits or loads a domain's models.
struct ModelMessages {
  // Training epochs, then whether a neural model was trained or read from
  // the model cache: the progress convention (a terminal, or --progress).
  bool progress = false;
  // A model cache that cannot be written (off with --quiet).
  bool warnings = true;
};

// Turns the options into GenerateOptions, whose model loader uses the model
// cache (model_cache.h) unless --no-cache; throws UsageError naming a bad
// --rows, --as-of, --from or --to value.
GenerateOptions MakeGenerateOptions(const RunArgs& args, const Domain& domain, const ModelMessages& messages = {});

std::string FormatDate(int64_t days);

// A row count given to `option` (digits, at most kMaxRows); throws
// UsageError naming the option otherwise. Options take counts as text so
// that "-1" is an error, not 2^64 - 1.
uint64_t ParseRowsOption(const std::string& option, const std::string& text);

// One line of progress on stderr, rewritten in place; silent when disabled.
class ProgressLine {
 public:
  // With a shard, counts are of the shard's rows and the line names it.
  ProgressLine(const Generator& generator, bool enabled, Shard shard = {});
  void Update(int entity, uint64_t done);
  void Done();

 private:
  const Generator& generator_;
  bool enabled_;
  int last_percent_ = -1;
  int last_entity_ = -1;
  Shard shard_;
};

}  // namespace seedforge
