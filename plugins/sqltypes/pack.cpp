// The sqltypes pack: values of PostgreSQL types that have no format of their
// own in the other packs (bytea, inet/cidr, interval, time, ranges,
// tsvector), written as the server's text input reads them, so that COPY,
// INSERT and CSV outputs load as they are.
#include "seedforge/registry.h"
#include "sqltypes/sqltypes_providers.h"

namespace seedforge {

void RegisterSqltypesPack(ProviderRegistry& registry) {
  registry.Add({.name = "bytes",
                .pack = "sqltypes",
                .version = 1,
                .summary = "Random bytes as a bytea hex literal (\\x0a1b...)",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"min_length", "fewest bytes", "4"}, {"max_length", "most bytes", "16"}},
                .example = "checksum: {type: bytea, provider: bytes, params: {min_length: 16, max_length: 16}}",
                .make = &MakeBytesProvider});
  registry.Add({.name = "ip",
                .pack = "sqltypes",
                .version = 1,
                .summary = "Public-looking IPv4 host address, and a network with its host bits zero",
                .fields = {{.name = "inet", .kind = ValueKind::kText, .max_length = 15,
                            .description = "a host address: 93.184.216.34"},
                           {.name = "cidr", .kind = ValueKind::kText, .max_length = 18,
                            .description = "a network: 93.184.0.0/16 (prefix 8 to 30)"}},
                .params = {},
                .example = "client_ip: {type: inet, provider: ip.inet}",
                .make = &MakeIpProvider});
  registry.Add({.name = "ipv6",
                .pack = "sqltypes",
                .version = 1,
                .summary = "Public-looking IPv6 host address (regional registries' global unicast blocks, "
                           "RFC 5952 form), and a network with its host bits zero",
                .fields = {{.name = "inet", .kind = ValueKind::kText, .max_length = 39,
                            .description = "a host address: 2a00:1450:4001:82b::25 or all eight groups"},
                           {.name = "cidr", .kind = ValueKind::kText, .max_length = 43,
                            .description = "a network: 2a00:1450::/32 (prefix 32 to 64)"}},
                .params = {},
                .example = "client_ip: {type: inet, provider: ipv6.inet}",
                .make = &MakeIpv6Provider});
  registry.Add({.name = "interval",
                .pack = "sqltypes",
                .version = 1,
                .summary = "A duration as PostgreSQL writes intervals ('3 days 04:05:06'), to the second",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"min", "shortest, in seconds", "0"}, {"max", "longest, in seconds", "2592000 (30 days)"}},
                .example = "rental_duration: {type: interval, provider: interval, params: {min: 86400, max: 604800}}",
                .make = &MakeIntervalProvider});
  registry.Add({.name = "time_of_day",
                .pack = "sqltypes",
                .version = 1,
                .summary = "A time of day HH:MM:SS, uniform in [from, to]",
                .fields = {{.name = "value", .kind = ValueKind::kText, .max_length = 8}},
                .params = {{"from", "earliest, HH:MM[:SS]", "00:00:00"}, {"to", "latest, HH:MM[:SS]", "23:59:59"}},
                .example = "opens_at: {type: time, provider: time_of_day, params: {from: '07:00', to: '11:00'}}",
                .make = &MakeTimeOfDayProvider});
  registry.Add({.name = "range",
                .pack = "sqltypes",
                .version = 1,
                .summary = "A non-empty range [lower,upper) of integers, numbers, dates or timestamps",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"of", "integer|numeric|date|timestamp|timestamptz (int4range, int8range and numrange "
                                  "take integer or numeric, daterange date, tsrange timestamp, tstzrange timestamptz)",
                            "integer"},
                           {"min", "lowest lower bound: a number, YYYY-MM-DD or YYYY-MM-DD HH:MM:SS", "0 or 2024-01-01"},
                           {"max", "highest upper bound, as min", "1000 or 2024-12-31"},
                           {"max_width", "widest range: units of the number, days or seconds", "a tenth of max - min"}},
                .example = "valid_during: {type: daterange, provider: range, params: {of: date, min: 2024-01-01}}",
                .make = &MakeRangeProvider});
  registry.Add({.name = "tsvector",
                .pack = "sqltypes",
                .version = 1,
                .summary = "A text-search vector of the words of up to three text columns of the row "
                           "('academy':1 'dinosaur':2), as to_tsvector('simple', ...) would give",
                .fields = {{.name = "value", .kind = ValueKind::kText}},
                .params = {{"source", "a text column whose words it holds", "", true},
                           {"source2", "a second text column", "", true},
                           {"source3", "a third text column", "", true}},
                .example = "search: {type: tsvector, provider: tsvector, params: {source: title, source2: description}}",
                .make = &MakeTsvectorProvider});
}

}  // namespace seedforge
