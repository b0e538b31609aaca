// The basic pack: keys, numbers, categories, dates and times. Everything
// here is format-agnostic; the packs beside it know about people, places,
// cards and vehicles.
#include "basic/basic_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterBasicPack(ProviderRegistry& registry) {
  registry.Add({.name = "sequence",
                .pack = "basic",
                .version = 1,
                .summary = "Consecutive integers: start, start+step, ... (unique)",
                .fields = {{.name = "value", .kind = ValueKind::kInt}},
                .params = {{"start", "first value", "1"}, {"step", "increment", "1"}},
                .example = "id: {type: bigint, primary_key: true, provider: sequence}",
                .make = &MakeSequenceProvider});
  registry.Add({.name = "uuid",
                .pack = "basic",
                .version = 1,
                .summary = "Random version-4 UUID, distinct for every row",
                .fields = {{.name = "value", .kind = ValueKind::kUuid, .max_length = 36}},
                .params = {},
                .example = "id: {type: uuid, primary_key: true, provider: uuid}",
                .make = &MakeUuidProvider});
  registry.Add({.name = "integer",
                .pack = "basic",
                .version = 1,
                .summary = "Integer, uniform in [min, max], or normal/log-normal when given",
                .fields = {{.name = "value", .kind = ValueKind::kInt}},
                .params = {{"min", "smallest value", "0"},
                           {"max", "largest value", "1000000"},
                           {"distribution", "uniform|normal|lognormal", "uniform"},
                           {"mean", "mean (normal) or mean of log (lognormal)", ""},
                           {"stddev", "standard deviation (of log for lognormal)", ""}},
                .example = "age: {type: integer, provider: integer, params: {min: 18, max: 90}}",
                .make = &MakeIntegerProvider});
  registry.Add({.name = "decimal",
                .pack = "basic",
                .version = 1,
                .summary = "Decimal number or money amount with a fixed scale",
                .fields = {{.name = "value", .kind = ValueKind::kDecimal, .scale = 2}},
                .params = {{"min", "smallest value", "0"},
                           {"max", "largest value", "10000"},
                           {"scale", "digits after the point", "2"},
                           {"distribution", "uniform|normal|lognormal", "uniform"},
                           {"mean", "mean (normal) or mean of log (lognormal)", ""},
                           {"stddev", "standard deviation (of log for lognormal)", ""}},
                .example = "amount: {type: 'numeric(12,2)', provider: decimal, params: {min: 1, max: "
                           "500, distribution: lognormal, mean: 3.5, stddev: 1}}",
                .make = &MakeDecimalProvider});
  registry.Add({.name = "float",
                .pack = "basic",
                .version = 1,
                .summary = "Floating-point number, uniform or normal",
                .fields = {{.name = "value", .kind = ValueKind::kFloat}},
                .params = {{"min", "smallest value", "0"},
                           {"max", "largest value", "1"},
                           {"distribution", "uniform|normal", "uniform"},
                           {"mean", "mean (normal)", ""},
                           {"stddev", "standard deviation (normal)", ""}},
                .example = "score: {type: 'double precision', provider: float}",
                .make = &MakeFloatProvider});
  registry.Add({.name = "category",
                .pack = "basic",
                .version = 1,
                .summary = "One of a list of values, with optional weights",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"values", "list, or map of value: weight; with 'by', one such table per value of the 'by' column", ""},
                           {"by", "column of the row whose value chooses the table of 'values'", "", true},
                           {"otherwise", "with 'by': the table for values no table names (default: all tables' values)", ""},
                           {"cycle", "true: every run of as many rows as the weights add up to (1 a value in a list) holds each value as often as its weight, in a shuffled order", "false"}},
                .example = "status: {type: text, provider: category, params: {values: {active: "
                           "0.8, closed: 0.2}}}",
                .make = &MakeCategoryProvider});
  registry.Add({.name = "boolean",
                .pack = "basic",
                .version = 1,
                .summary = "true with probability p",
                .fields = {{.name = "value", .kind = ValueKind::kBool}},
                .params = {{"p", "probability of true", "0.5"}},
                .example = "is_active: {type: boolean, provider: boolean, params: {p: 0.9}}",
                .make = &MakeBooleanProvider});
  registry.Add({.name = "date",
                .pack = "basic",
                .version = 1,
                .summary = "Date uniform in [from, to], or after another date column",
                .fields = {{.name = "value", .kind = ValueKind::kDate}},
                .params = {{"from", "earliest date, YYYY-MM-DD or 'today-Nd' (default: the simulation window's)", "2015-01-01"},
                           {"to", "latest date, YYYY-MM-DD or 'today+Nd' (default: the simulation window's)", "2024-12-31"},
                           {"after", "a date column this one follows", "", true},
                           {"max_days_after", "with 'after': at most this many days later", "365"}},
                .example = "opened_on: {type: date, provider: date, params: {from: 2018-01-01}}",
                .make = &MakeDateProvider});
  registry.Add({.name = "timestamp",
                .pack = "basic",
                .version = 1,
                .summary = "Timestamp uniform in a window (second resolution), or weighted by hour, weekday and month "
                           "(season)",
                .fields = {{.name = "value", .kind = ValueKind::kTimestamp}},
                .params = {{"from", "start, YYYY-MM-DD[ HH:MM:SS] (default: the simulation window's)", "2024-01-01"},
                           {"to", "end, YYYY-MM-DD[ HH:MM:SS] (default: the simulation window's)", "2024-12-31 23:59:59"},
                           {"after", "a timestamp column this one follows", "", true},
                           {"max_seconds_after", "with 'after': at most this much later", "2592000"},
                           {"season", "weights of the hours, weekdays and months: a profile, business_hours or retail "
                                      "(weights in docs/domain-files.md, \"Time\"), or {hour: [24 weights], "
                                      "weekday: [7, Monday first], month: [12]}, each optional", ""}},
                .example = "posted_at: {type: timestamptz, provider: timestamp, params: {season: retail}}",
                .make = &MakeTimestampProvider});
  registry.Add({.name = "constant",
                .pack = "basic",
                .version = 1,
                .summary = "The same value in every row",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"value", "the value", ""}},
                .example = "currency: {type: 'char(3)', provider: constant, params: {value: USD}}",
                .make = &MakeConstantProvider});
  registry.Add({.name = "pattern",
                .pack = "basic",
                .version = 1,
                .summary = "Text from a pattern: # digit, ? upper-case letter, * letter or digit",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"pattern", "e.g. 'INV-####-AB?' (letters other than ?, # and * are kept)", ""}},
                .example = "reference: {type: text, unique: true, provider: pattern, params: "
                           "{pattern: 'REF-########'}}",
                .make = &MakePatternProvider});
  registry.Add({.name = "text",
                .pack = "basic",
                .version = 1,
                .summary = "Filler text: lower-case Latin words (lorem ipsum), cut to a length",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"min_words", "fewest words", "1"},
                           {"max_words", "most words", "8"},
                           {"max_length", "longest text in characters; 0 = no limit", "0"}},
                .example = "note: {type: varchar(80), provider: text, params: {max_words: 12, max_length: 80}}",
                .make = &MakeTextProvider});
  registry.Add({.name = "json",
                .pack = "basic",
                .version = 1,
                .summary = "A small JSON object with the given keys (integer, text, number and boolean values in turn)",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"keys", "keys of the object", "id,label,score,active"}},
                .example = "attributes: {type: jsonb, provider: json, params: {keys: [color, size]}}",
                .make = &MakeJsonProvider});
  registry.Add({.name = "array",
                .pack = "basic",
                .version = 1,
                .summary = "A PostgreSQL array literal: {a,b} of chosen values, or of integers in [min, max]",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"values", "elements to choose from (text); integers when absent", ""},
                           {"min", "smallest integer element", "0"},
                           {"max", "largest integer element", "100"},
                           {"min_items", "fewest elements", "0"},
                           {"max_items", "most elements", "3"}},
                .example = "tags: {type: 'text[]', provider: array, params: {values: [new, sale, eco]}}",
                .make = &MakeArrayProvider});
}

}  // namespace seedforge
