// Options shared by the commands that run a domain (generate, validate,
// load): domain, row counts, seed, reference date.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/generator.h"

namespace seedforge {

struct RunArgs {
  std::string domain;
  std::vector<std::string> rows;  // ENTITY=N
  double scale = 1.0;
  uint64_t seed = 1;
  std::string as_of;  // YYYY-MM-DD; default today (UTC)
};

void AddRunOptions(CLI::App& command, RunArgs& args);

// Turns the options into GenerateOptions; throws UsageError naming a bad
// --rows or --as-of value.
GenerateOptions MakeGenerateOptions(const RunArgs& args, const Domain& domain);

std::string FormatDate(int64_t days);

// One line of progress on stderr, rewritten in place; silent when disabled.
class ProgressLine {
 public:
  ProgressLine(const Generator& generator, bool enabled);
  void Update(int entity, uint64_t done);
  void Done();

 private:
  const Generator& generator_;
  bool enabled_;
  int last_percent_ = -1;
  int last_entity_ = -1;
};

}  // namespace seedforge
