#include "cli/common.h"

#include "cli/app.h"

#include <chrono>
#include <cstdio>
#include <tuple>

#include "seedforge/error.h"
#include "seedforge/learn_driver.h"
#include "seedforge/model_cache.h"
#include "seedforge/params.h"
#include "seedforge/synthesizer.h"

namespace seedforge {

namespace {

ModelLoadOptions MakeModelLoadOptions(const RunArgs& args, const ModelMessages& messages) {
  ModelLoadOptions load;
  if (!args.no_cache) {
    std::function<void(const std::string&)> warn;
    if (messages.warnings) {
      warn = [](const std::string& message) { std::fprintf(stderr, "seedforge: warning: %s\n", message.c_str()); };
    }
    load.cache = std::make_shared<ModelCache>(DefaultModelCacheDir(), std::move(warn));
  }
  if (messages.progress) {
    load.progress = [](const ModelRef& ref, const FitProgress& p) {
      if (p.epochs == 0) return;
      const double per_epoch = p.epoch > 0 ? p.seconds / p.epoch : 0;
      std::fprintf(stderr, "\r\033[K%s: %s epoch %d/%d, ETA %s", ref.path.c_str(), ref.synthesizer.c_str(), p.epoch,
                   p.epochs, FormatDuration(per_epoch * (p.epochs - p.epoch)).c_str());
      std::fflush(stderr);
    };
    load.loaded = [](const ModelRef& ref, const ModelLoadInfo& info) {
      // The copula fits in milliseconds and model files load as fast: only
      // training, or the training a cache entry saved, is worth a line.
      if (info.origin == ModelOrigin::kFile || info.synthesizer == "copula") return;
      if (info.origin == ModelOrigin::kCache) {
        std::fprintf(stderr, "seedforge: %s model of %s read from the cache (%s)\n", info.synthesizer.c_str(),
                     info.source.c_str(), info.cache_file.c_str());
      } else {
        std::fprintf(stderr, "\r\033[Kseedforge: %s model of %s trained in %.2f s%s%s\n", info.synthesizer.c_str(),
                     info.source.c_str(), info.fit_seconds, info.cache_file.empty() ? "" : ", cached as ",
                     info.cache_file.c_str());
      }
    };
  }
  return load;
}

}  // namespace

void AddRunOptions(CLI::App& command, RunArgs& args) {
  command.add_option("-d,--domain", args.domain, "Built-in domain name, or path to a domain file (with a '/' or a .yaml/.yml suffix)")->required();
  command.add_option("-r,--rows", args.rows, "Rows of an entity, ENTITY=N (repeatable)");
  command.add_option("--scale", args.scale, "Multiply the domain's default row counts")
      ->check(CLI::PositiveNumber);
  command.add_option("-s,--seed", args.seed, "Random seed: the same seed gives the same rows")
      ->default_str("1");
  command.add_option("--as-of", args.as_of,
                     "Reference date YYYY-MM-DD for ages and expiry dates (default: today, UTC); "
                     "pin it for fixtures that must not change from day to day");
  command.add_option("--from", args.from,
                     "Start of the simulation window, YYYY-MM-DD[ HH:MM[:SS]] or today-N(d|m|y): replaces the domain's "
                     "'time: {from}' (dates and timestamps without their own bounds fall in the window)");
  command.add_option("--to", args.to,
                     "End of the simulation window, inclusive (a date covers its whole day): replaces the domain's "
                     "'time: {to}'; a domain without 'time:' needs both --from and --to");
  command.add_flag("--no-cache", args.no_cache,
                   "Train the domain's ctgan/tvae models from their data even when an earlier run cached them "
                   "(and cache nothing)");
  AddPluginOption(command);
}

GenerateOptions MakeGenerateOptions(const RunArgs& args, const Domain& domain, const ModelMessages& messages) {
  GenerateOptions options;
  options.seed = args.seed;
  // CLI11's check lets NaN through (every comparison with it is false).
  if (!(args.scale > 0 && args.scale <= static_cast<double>(kMaxRows))) {
    throw UsageError("--scale expects a number above 0 and at most " + std::to_string(kMaxRows));
  }
  options.scale = args.scale;
  for (const std::string& spec : args.rows) {
    size_t eq = spec.find('=');
    std::string entity = spec.substr(0, eq);
    std::string count = eq == std::string::npos ? "" : spec.substr(eq + 1);
    const std::optional<uint64_t> n = ParseRowCount(count);
    if (entity.empty() || !n) {
      throw UsageError("--rows expects ENTITY=N with a whole number N from 0 to " + std::to_string(kMaxRows) +
                       ", got '" + spec + "'");
    }
    options.rows[entity] = *n;
  }
  int64_t now_days = std::chrono::duration_cast<std::chrono::hours>(
                         std::chrono::system_clock::now().time_since_epoch()).count() / 24;
  options.today = now_days;
  if (!args.as_of.empty() && !ParseDateSpec(args.as_of, now_days, &options.today)) {
    throw UsageError("--as-of expects a date YYYY-MM-DD, got '" + args.as_of + "'");
  }
  for (auto [option, text, out, upper] : {std::tuple{"--from", &args.from, &options.from, false},
                                           std::tuple{"--to", &args.to, &options.to, true}}) {
    if (text->empty()) continue;
    *out = ParseTimeBound(*text, options.today, upper);
    if (!*out) {
      throw UsageError(std::string(option) + " expects a date YYYY-MM-DD, a timestamp YYYY-MM-DD HH:MM[:SS] or "
                       "today[+-]N(d|m|y), got '" + *text + "'");
    }
  }
  if (options.from && options.to && *options.from > *options.to) {
    throw UsageError("--from (" + args.from + ") is after --to (" + args.to + ")");
  }
  (void)domain;
  options.model_loader = MakeModelLoader(MakeModelLoadOptions(args, messages));  // domains' learned columns
  return options;
}

std::string FormatDate(int64_t days) {
  std::string out;
  AppendDate(days, out);
  return out;
}

ProgressLine::ProgressLine(const Generator& generator, bool enabled, Shard shard)
    : generator_(generator), enabled_(enabled), shard_(shard) {}

void ProgressLine::Update(int entity, uint64_t done) {
  if (!enabled_) return;
  const EntityPlan& plan = generator_.entities()[entity];
  const uint64_t rows = ShardRows(plan.rows, shard_).size();
  int percent = rows ? static_cast<int>(done * 100 / rows) : 100;
  if (entity == last_entity_ && percent == last_percent_) return;
  last_entity_ = entity;
  last_percent_ = percent;
  const std::string part =
      shard_.whole() ? "" : "shard " + std::to_string(shard_.index) + "/" + std::to_string(shard_.count) + ": ";
  std::fprintf(stderr, "\r\033[K%s%s: %llu / %llu rows (%d%%)", part.c_str(), plan.def->name.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(rows), percent);
  std::fflush(stderr);
}

void ProgressLine::Done() {
  if (enabled_ && last_entity_ >= 0) std::fprintf(stderr, "\r\033[K");
}

uint64_t ParseRowsOption(const std::string& option, const std::string& text) {
  const std::optional<uint64_t> rows = ParseRowCount(text);
  if (!rows) {
    throw UsageError(option + " expects a whole number from 0 to " + std::to_string(kMaxRows) + ", got '" + text + "'");
  }
  return *rows;
}

}  // namespace seedforge
