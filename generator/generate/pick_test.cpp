// Counts read from a parent's column (`per_parent: {column}`) and picks on
// links that do not count (`pick: {weight, match, distinct_from,
// distinct}`), as the generator applies them: exact counts, --rows scaling,
// picks that follow the weights, keep to the match, avoid the other
// reference and stay distinct within a group, the same rows in any batching.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "generate/generated_rows.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"

namespace seedforge {
namespace {

using engine_test::GenerateAll;
using engine_test::Tables;

Domain Parse(const std::string& text) { return ParseDomain(text, "pick.yaml", BuiltinRegistry()); }

GenerateOptions Options() { return engine_test::TestOptions(11); }

// Shops with a count column (some NULL, some negative), orders counted by it.
constexpr const char* kCounted = R"(
domain: counted
entities:
  shops:
    rows: 3000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      n_orders: {type: integer, provider: integer, params: {min: -2, max: 9}, null_rate: 0.1}
  orders:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      shop_id: {type: bigint, not_null: true, references: shops.id, per_parent: {column: n_orders, max: 7}}
)";

TEST(CountColumn, EveryParentHasExactlyItsValueOfChildren) {
  const Tables t = GenerateAll(Generator(Parse(kCounted), BuiltinRegistry(), Options()), 1000);
  std::map<int64_t, int64_t> children;
  for (const auto& shop : t[1][1]) ++children[*shop];
  int64_t nulls = 0, clamped = 0;
  for (size_t i = 0; i < t[0][0].size(); ++i) {
    const auto& n = t[0][1][i];
    nulls += !n;
    clamped += n && *n > 7;
    // NULL and negative: none; above max: max.
    const int64_t expected = n ? std::clamp<int64_t>(*n, 0, 7) : 0;
    ASSERT_EQ(children[*t[0][0][i]], expected) << "shop " << *t[0][0][i];
  }
  EXPECT_GT(nulls, 0);  // the fixture reaches every case
  EXPECT_GT(clamped, 0);
}

TEST(CountColumn, RowsOnTheChildScaleTheCountsAndImplyTheParents) {
  GenerateOptions options = Options();
  options.rows["orders"] = 50000;
  const Domain domain = Parse(kCounted);  // outlives the generator, which keeps a reference
  const Generator generator(domain, BuiltinRegistry(), options);
  EXPECT_EQ(generator.entities()[1].rows, 50000u);
  // Shops implied from the mean the probe measured: per shop, 0.9 x (the
  // clamped value of a uniform -2..9: (0+0+0+1+...+7+7+7) / 12 = 3.5) =
  // 3.15, so about 15,873 shops. The probe's 16,384 shops measure the mean
  // with sd 2.5 x 0.95 / 128 = 0.019 (0.6%); 3% is five times that. A probe
  // ignored (the domain's 3,000 shops) or the unclamped mean (3.6) fails.
  const double shops = static_cast<double>(generator.entities()[0].rows);
  EXPECT_NEAR(shops, 50000 / 3.15, 0.03 * 50000 / 3.15);
  const Tables t = GenerateAll(generator, 8000);
  EXPECT_EQ(t[1][0].size(), 50000u);
  // Scaled counts stay within one of value x rows / drawn.
  std::map<int64_t, int64_t> children;
  for (const auto& shop : t[1][1]) ++children[*shop];
  for (size_t i = 0; i < t[0][0].size(); i += 97) {
    const auto& n = t[0][1][i];
    const double expected = (n ? std::clamp<int64_t>(*n, 0, 7) : 0) * 50000.0 / (3.15 * shops);
    EXPECT_NEAR(static_cast<double>(children[*t[0][0][i]]), expected, 0.2 * expected + 1.01);
  }
}

// Airports with a size (0 to 10: some weigh nothing) and a region; flights
// between them.
constexpr const char* kFlights = R"(
domain: flights
entities:
  regions:
    rows: 3
    columns:
      id: {type: integer, primary_key: true, provider: sequence}
  airports:
    rows: 60
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      size: {type: integer, provider: integer, params: {min: 0, max: 10}}
      region: {type: integer, provider: integer, params: {min: 1, max: 3}}
  flights:
    rows: 30000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      origin: {type: bigint, not_null: true, references: airports.id, pick: {weight: size}}
      destination: {type: bigint, not_null: true, references: airports.id, pick: {weight: size, distinct_from: origin}}
      region: {type: integer, provider: integer, params: {min: 1, max: 4}}
      hub: {type: bigint, not_null: true, references: airports.id, pick: {match: {region: region}}}
)";

TEST(Pick, WeightsFollowTheParentsColumn) {
  const Tables t = GenerateAll(Generator(Parse(kFlights), BuiltinRegistry(), Options()), 8000);
  const auto& airports = t[1];
  const auto& flights = t[2];
  std::map<int64_t, double> weight;
  double total = 0;
  for (size_t i = 0; i < airports[0].size(); ++i) total += weight[*airports[0][i]] = static_cast<double>(*airports[1][i]);
  std::map<int64_t, double> picked;
  for (const auto& origin : flights[1]) ++picked[*origin];
  // Pearson's chi-square over the airports that weigh something; an airport
  // of size 0 is never picked.
  const double n = static_cast<double>(flights[1].size());
  double chi2 = 0;
  int cells = 0;
  for (const auto& [id, w] : weight) {
    if (w == 0) {
      EXPECT_EQ(picked[id], 0) << "airport " << id;
      continue;
    }
    const double expected = n * w / total;
    chi2 += (picked[id] - expected) * (picked[id] - expected) / expected;
    ++cells;
  }
  // The chi-square quantile at p = 0.001 for cells - 1 degrees of freedom
  // (Wilson-Hilferty): about 90 for 53. Uniform picks score in the thousands.
  const double df = cells - 1;
  const double z = testing::NormalTwoSided(2 * testing::kOneComparison);
  const double bound = df * std::pow(1 - 2 / (9 * df) + z * std::sqrt(2 / (9 * df)), 3);
  EXPECT_LT(chi2, bound);
}

TEST(Pick, MatchKeepsToParentsWithTheRowsValue) {
  const Tables t = GenerateAll(Generator(Parse(kFlights), BuiltinRegistry(), Options()), 8000);
  std::map<int64_t, int64_t> region;
  for (size_t i = 0; i < t[1][0].size(); ++i) region[*t[1][0][i]] = *t[1][2][i];
  std::set<int64_t> unmatched_hubs;
  int64_t unmatched = 0;
  for (size_t i = 0; i < t[2][0].size(); ++i) {
    const int64_t r = *t[2][3][i], hub = *t[2][4][i];
    if (r <= 3) {
      ASSERT_EQ(region[hub], r) << "flight " << i;
    } else {
      ++unmatched;
      unmatched_hubs.insert(hub);  // region 4 has no airport: any of them
    }
  }
  EXPECT_GT(unmatched, 0);
  EXPECT_GT(unmatched_hubs.size(), 40u);
  std::set<int64_t> regions;
  for (const auto& [id, r] : region) regions.insert(r);
  EXPECT_EQ(regions.size(), 3u);
}

TEST(Pick, DistinctFromNeverNamesTheOtherReferencesParent) {
  const Tables t = GenerateAll(Generator(Parse(kFlights), BuiltinRegistry(), Options()), 8000);
  for (size_t i = 0; i < t[2][0].size(); ++i) ASSERT_NE(*t[2][1][i], *t[2][2][i]) << "flight " << i;
}

TEST(Pick, SameRowsInAnyBatching) {
  // Batches stand for threads: each is made alone, from its rows' streams.
  const Domain domain = Parse(kFlights);
  const Generator generator(domain, BuiltinRegistry(), Options());
  EXPECT_EQ(GenerateAll(generator, 8000), GenerateAll(generator, 777));
}

// A junction table: each playlist's tracks are distinct tracks.
std::string Playlists(int tracks, int most) {
  return R"(
domain: junction
entities:
  tracks:
    rows: )" + std::to_string(tracks) + R"(
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      plays: {type: integer, provider: integer, params: {min: 0, max: 100}}
  playlists:
    rows: 200
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
  playlist_track:
    columns:
      playlist_id: {type: bigint, not_null: true, primary_key: true, references: playlists.id, per_parent: {min: 0, max: )" +
         std::to_string(most) + R"(}}
      track_id: {type: bigint, not_null: true, primary_key: true, references: tracks.id, pick: {distinct: true, weight: plays}}
)";
}

TEST(Pick, DistinctGivesEachGroupDistinctParents) {
  const Domain domain = Parse(Playlists(60, 55));
  const Generator generator(domain, BuiltinRegistry(), Options());
  const Tables t = GenerateAll(generator, 500);
  std::set<std::pair<int64_t, int64_t>> pairs;
  for (size_t i = 0; i < t[2][0].size(); ++i) {
    ASSERT_TRUE(pairs.emplace(*t[2][0][i], *t[2][1][i]).second)
        << "playlist " << *t[2][0][i] << " has track " << *t[2][1][i] << " twice";
  }
  EXPECT_GT(pairs.size(), 4000u);  // groups of up to 55 of the 60 tracks: the free walk is reached
  EXPECT_EQ(GenerateAll(generator, 7), t);  // a group cut by batches agrees with itself
}

TEST(Pick, DistinctGroupLargerThanTheParentsIsAnErrorAtPlanTime) {
  try {
    Generator(Parse(Playlists(30, 40)), BuiltinRegistry(), Options());
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'playlist_track'"), std::string::npos) << message;
    EXPECT_NE(message.find("'tracks' has 30 rows"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace seedforge
