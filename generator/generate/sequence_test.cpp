// Ordered histories as the generator makes them: sequences rising with the
// row's place among its parent's children (spread over the window, or
// delays after the first child), next_of chains, funnels and their steps;
// the same values for any split into batches and any thread count.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <thread>

#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"

namespace seedforge {
namespace {

// One value: the stored integer of keys, numbers, dates and timestamps, or
// the text of text columns; nullopt for NULL.
struct Value {
  std::optional<int64_t> number;
  std::string text;
  bool null = false;
  bool operator==(const Value&) const = default;
};
using Column = std::vector<Value>;
using Table = std::vector<Column>;

// Rows [first, first + count) of entity e.
void AppendBatch(const Generator& generator, int e, uint64_t first, size_t count, Table& table) {
  Batch batch;
  generator.InitBatch(e, batch);
  generator.Generate(e, first, count, batch);
  table.resize(batch.columns.size());
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    const BatchColumn& in = batch.columns[c];
    for (size_t i = 0; i < count; ++i) {
      Value v;
      v.null = in.IsNull(i);
      if (!v.null && in.kind == ValueKind::kText) v.text = in.texts[i];
      if (!v.null && in.kind != ValueKind::kText) v.number = in.ints[i];
      table[c].push_back(v);
    }
  }
}

// Every row of entity `name`, in batches of `batch_rows`.
Table Rows(const Generator& generator, const std::string& name, size_t batch_rows) {
  const int e = generator.domain().FindEntity(name);
  const uint64_t rows = generator.entities()[e].rows;
  Table table;
  for (uint64_t first = 0; first < rows; first += batch_rows) {
    AppendBatch(generator, e, first, static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first)), table);
  }
  return table;
}

// The same, with batches of `batch_rows` made by `threads` threads at once
// (thread t makes batches t, t + threads, ...), then put in row order.
Table RowsOnThreads(const Generator& generator, const std::string& name, size_t batch_rows, int threads) {
  const int e = generator.domain().FindEntity(name);
  const uint64_t rows = generator.entities()[e].rows;
  const size_t batches = static_cast<size_t>((rows + batch_rows - 1) / batch_rows);
  std::vector<Table> made(batches);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t b = static_cast<size_t>(t); b < batches; b += static_cast<size_t>(threads)) {
        const uint64_t first = b * batch_rows;
        AppendBatch(generator, e, first, static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first)), made[b]);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  Table table(made.empty() ? 0 : made.front().size());
  for (const Table& part : made) {
    for (size_t c = 0; c < part.size(); ++c) table[c].insert(table[c].end(), part[c].begin(), part[c].end());
  }
  return table;
}

GenerateOptions Options() {
  GenerateOptions options;
  options.seed = 5;
  options.today = DaysFromCivil(2026, 1, 1);
  return options;
}

Domain Parse(const std::string& text) { return ParseDomain(text, "histories.yaml", BuiltinRegistry()); }

// Campaigns with contacts (a spread timestamp inside the campaign and a
// spread integer rank), and each contact's funnel of events, each step a
// delay after the one before, after the contact and before the campaign ends.
constexpr const char* kCampaigns = R"(entities:
  campaigns:
    rows: 300
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      starts_on: {type: date, not_null: true, provider: date, params: {from: 2024-01-01, to: 2024-06-30}}
      ends_on: {type: date, not_null: true, provider: date, params: {after: starts_on, max_days_after: 20}}
  contacts:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      campaign_id: {type: bigint, not_null: true, references: campaigns, per_parent: {poisson: 20}}
      at: {type: timestamp, not_null: true, provider: timestamp, params: {from: 2023-01-01, to: 2025-12-31},
           between: [campaigns.starts_on, campaigns.ends_on], sequence: true}
      rank: {type: integer, not_null: true, provider: integer, params: {min: 1, max: 1000}, sequence: true}
  events:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      contact_id: {type: bigint, not_null: true, references: contacts,
                   per_parent: {funnel: {sent: 1, opened: 0.5, clicked: 0.4, converted: 0.25}}}
      step: {type: text, not_null: true, step_of: contact_id}
      at: {type: timestamp, not_null: true, provider: timestamp, params: {from: 2023-01-01, to: 2025-12-31},
           after: contacts.at, before: campaigns.ends_on, sequence: {gap: {min: 5 minutes, max: 2 days}}}
)";

// Effective-dated prices: each product's prices form a chain of intervals
// [valid_from, valid_to], the last one open (valid_to NULL).
constexpr const char* kPrices = R"(entities:
  products:
    rows: 400
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
  prices:
    columns:
      product_id: {type: bigint, not_null: true, references: products, per_parent: {min: 1, max: 12}}
      valid_from: {type: date, not_null: true, provider: date, params: {from: 2020-01-01, to: 2024-12-31}, sequence: true}
      valid_to: {type: date, next_of: {column: valid_from, days: -1}}
      stamped: {type: timestamp, provider: timestamp, sequence: true}
      stamped_until: {type: timestamp, next_of: stamped}
      amount: {type: 'numeric(10,2)', not_null: true, provider: decimal, params: {min: 1, max: 100},
               sequence: {gap: {min: 0.5, max: 2}}}
)";

constexpr int64_t kMicrosPerSecond = 1'000'000;

TEST(Sequence, SameValuesForAnySplitIntoBatches) {
  for (const char* text : {kCampaigns, kPrices}) {
    const Domain domain = Parse(text);
    const Generator generator(domain, BuiltinRegistry(), Options());
    for (const DomainEntity& entity : domain.entities) {
      SCOPED_TRACE(entity.name);
      const Table whole = Rows(generator, entity.name, 1 << 20);
      EXPECT_EQ(Rows(generator, entity.name, 7), whole);
      EXPECT_EQ(Rows(generator, entity.name, 1), whole);
    }
  }
}

TEST(Sequence, SameValuesOnOneAndFourThreads) {
  const Domain domain = Parse(kCampaigns);
  const Generator generator(domain, BuiltinRegistry(), Options());
  for (const char* entity : {"contacts", "events"}) {
    SCOPED_TRACE(entity);
    EXPECT_EQ(RowsOnThreads(generator, entity, 7, 4), RowsOnThreads(generator, entity, 7, 1));
  }
}

TEST(Sequence, SpreadRisesWithTheOrdinalInsideTheWindow) {
  const Domain domain = Parse(kCampaigns);
  const Generator generator(domain, BuiltinRegistry(), Options());
  const Table campaigns = Rows(generator, "campaigns", 1000), contacts = Rows(generator, "contacts", 7);
  ASSERT_GT(contacts[0].size(), 4000u);
  int not_rising = 0, outside = 0, rank_not_rising = 0;
  std::vector<int64_t> first_at, last_at;  // per campaign, to see the spread
  for (size_t i = 0; i < contacts[0].size(); ++i) {
    const size_t campaign = static_cast<size_t>(*contacts[1][i].number - 1);
    const int64_t at = *contacts[2][i].number;
    const int64_t starts = *campaigns[1][campaign].number * kMicrosPerDay,
                  ends = *campaigns[2][campaign].number * kMicrosPerDay;
    outside += at < starts || at > ends;
    EXPECT_EQ(at % kMicrosPerSecond, 0) << "timestamps in whole seconds";
    if (i > 0 && contacts[1][i] == contacts[1][i - 1]) {
      // A campaign of one day has a window of one instant (the bounds are
      // midnights); a longer one has room for every sibling to differ.
      not_rising += ends > starts ? at <= *contacts[2][i - 1].number : at != *contacts[2][i - 1].number;
      rank_not_rising += *contacts[3][i].number <= *contacts[3][i - 1].number;
    }
  }
  EXPECT_EQ(not_rising, 0);
  EXPECT_EQ(rank_not_rising, 0);
  EXPECT_EQ(outside, 0);
}

TEST(Sequence, FunnelStepsInOrderWithTheirChances) {
  const Domain domain = Parse(kCampaigns);
  const int e = domain.FindEntity("events");
  EXPECT_DOUBLE_EQ(domain.entities[e].links[0].per_parent->Mean(), 1 + 0.5 + 0.2 + 0.05);
  const Generator generator(domain, BuiltinRegistry(), Options());
  const Table campaigns = Rows(generator, "campaigns", 1000), contacts = Rows(generator, "contacts", 1000),
              events = Rows(generator, "events", 7);
  const std::vector<std::string> states = {"sent", "opened", "clicked", "converted"};
  std::map<std::string, double> reached;
  int out_of_order = 0, not_later = 0, before_contact = 0, after_campaign = 0, long_gaps = 0;
  for (size_t i = 0; i < events[0].size(); ++i) {
    const bool first = i == 0 || !(events[1][i] == events[1][i - 1]);
    // The k-th event of a contact is the k-th state: none skipped.
    const size_t k = first ? 0 : static_cast<size_t>(std::find(states.begin(), states.end(), events[2][i - 1].text) -
                                                     states.begin()) + 1;
    out_of_order += k >= states.size() || events[2][i].text != states[k];
    ++reached[events[2][i].text];
    const size_t contact = static_cast<size_t>(*events[1][i].number - 1);
    const size_t campaign = static_cast<size_t>(*contacts[1][contact].number - 1);
    const int64_t at = *events[3][i].number;
    before_contact += at < *contacts[2][contact].number;
    after_campaign += at > *campaigns[2][campaign].number * kMicrosPerDay;
    if (!first) {
      const int64_t gap = at - *events[3][i - 1].number;
      not_later += gap < 0;
      long_gaps += gap > 2 * kMicrosPerDay;  // scaling only shortens delays
    }
  }
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(not_later, 0);
  EXPECT_EQ(before_contact, 0);
  EXPECT_EQ(after_campaign, 0);
  EXPECT_EQ(long_gaps, 0);
  // Each state's share of contacts: the product of the chances up to it.
  const double n = static_cast<double>(contacts[0].size());
  EXPECT_EQ(reached["sent"], n);
  for (const auto& [state, p] : {std::pair<std::string, double>{"opened", 0.5}, {"clicked", 0.2}, {"converted", 0.05}}) {
    EXPECT_NEAR(reached[state] / n, p, testing::ShareBound(p, n, testing::kManyComparisons)) << state;
  }
}

TEST(Sequence, NextOfChainsHaveNoGapsAndNoOverlaps) {
  const Domain domain = Parse(kPrices);
  const Generator generator(domain, BuiltinRegistry(), Options());
  const Table prices = Rows(generator, "prices", 7);
  ASSERT_GT(prices[0].size(), 2000u);
  int broken = 0, open_not_last = 0, last_not_open = 0, empty = 0, amount_not_rising = 0, stamps = 0;
  size_t chains = 0;
  for (size_t i = 0; i < prices[0].size(); ++i) {
    const bool last = i + 1 == prices[0].size() || !(prices[0][i + 1] == prices[0][i]);
    if (last) {
      ++chains;
      last_not_open += !prices[2][i].null || !prices[4][i].null;
      continue;
    }
    open_not_last += prices[2][i].null;
    // The next interval starts the day after this one ends.
    broken += *prices[2][i].number + 1 != *prices[1][i + 1].number;
    empty += *prices[2][i].number < *prices[1][i].number;
    stamps += prices[4][i] != prices[3][i + 1];
    amount_not_rising += *prices[5][i + 1].number < *prices[5][i].number || *prices[5][i + 1].number > 10000;
  }
  EXPECT_EQ(chains, 400u);
  EXPECT_EQ(broken, 0);
  EXPECT_EQ(open_not_last, 0);
  EXPECT_EQ(last_not_open, 0);
  EXPECT_EQ(empty, 0);
  EXPECT_EQ(stamps, 0);
  // Delays of 0.50 to 2.00 after the first amount, scaled down where the
  // chain would pass the provider's 100.00.
  EXPECT_EQ(amount_not_rising, 0);
}

TEST(Sequence, ValidateSaysEachConstructInWords) {
  const Domain campaigns = Parse(kCampaigns), prices = Parse(kPrices);
  auto explain = [](const Domain& domain, const std::string& entity, const std::string& column) {
    const DomainEntity& e = domain.entities[domain.FindEntity(entity)];
    return ExplainColumn(e, e.columns[e.FindColumn(column)]);
  };
  EXPECT_EQ(explain(campaigns, "events", "contact_id"),
            (std::vector<std::string>{
                "funnel sent (1) → opened (0.5) → clicked (0.4) → converted (0.25): 0 to 4 (mean 1.75) per contacts row"}));
  EXPECT_EQ(explain(campaigns, "events", "step"),
            (std::vector<std::string>{"the funnel state at the row's place among the children of its contact_id"}));
  EXPECT_EQ(explain(campaigns, "contacts", "rank"),
            (std::vector<std::string>{"rising among siblings, spread over the window"}));
  EXPECT_EQ(explain(prices, "prices", "valid_to"),
            (std::vector<std::string>{"the next sibling's valid_from - 1 day, NULL in the last"}));
}

}  // namespace
}  // namespace seedforge
