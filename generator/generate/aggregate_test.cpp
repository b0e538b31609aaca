// Values from children (aggregate:) as the generator computes them, checked
// against the children it generates; and volume control (--rows on a
// grouped child): exact totals, grouping kept, parents' counts implied.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <thread>

#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"

namespace seedforge {
namespace {

// One value as a test compares it: NULL, or its stored form (integer-backed
// kinds in `number`: decimals in units of 10^-scale, dates, timestamps).
struct Value {
  bool null = true;
  int64_t number = 0;
  double real = 0;
  std::string text;
  bool operator==(const Value&) const = default;
};
using Column = std::vector<Value>;
using Table = std::vector<Column>;  // per column
using Tables = std::vector<Table>;  // per entity

void Append(const BatchColumn& in, size_t count, Column& out) {
  for (size_t i = 0; i < count; ++i) {
    Value v;
    if (!in.IsNull(i)) {
      v.null = false;
      if (in.kind == ValueKind::kFloat) {
        v.real = in.floats[i];
      } else if (in.kind == ValueKind::kText || in.kind == ValueKind::kUuid) {
        v.text = in.texts[i];
      } else {
        v.number = in.ints[i];
      }
    }
    out.push_back(std::move(v));
  }
}

// Every row of every entity in batches of `batch_rows`; with `threads` > 1
// the batches are made round-robin on that many threads (each batch is a
// pure function of its rows, so any split gives the same values).
Tables GenerateAll(const Generator& generator, size_t batch_rows, int threads = 1) {
  Tables tables;
  for (size_t e = 0; e < generator.entities().size(); ++e) {
    const uint64_t rows = generator.entities()[e].rows;
    const size_t batches = static_cast<size_t>((rows + batch_rows - 1) / batch_rows);
    std::vector<Batch> made(batches);
    auto work = [&](int t) {
      for (size_t b = static_cast<size_t>(t); b < batches; b += static_cast<size_t>(threads)) {
        generator.InitBatch(static_cast<int>(e), made[b]);
        const uint64_t first = b * batch_rows;
        generator.Generate(static_cast<int>(e), first, static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first)),
                           made[b]);
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (std::thread& t : pool) t.join();
    Batch shape;
    generator.InitBatch(static_cast<int>(e), shape);
    Table table(shape.columns.size());
    for (const Batch& batch : made) {
      for (size_t c = 0; c < table.size(); ++c) Append(batch.columns[c], batch.size, table[c]);
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

Domain Parse(const std::string& text) { return ParseDomain(text, "aggregate.yaml", BuiltinRegistry()); }

GenerateOptions Options(uint64_t seed, std::map<std::string, uint64_t> rows = {}) {
  GenerateOptions options;
  options.seed = seed;
  options.today = DaysFromCivil(2026, 1, 1);
  options.rows = std::move(rows);
  return options;
}

// Customers with 0-4 accounts, accounts with Poisson(6) transactions. The
// transactions' amounts and memos are sometimes NULL (skipped by every
// aggregate but a count of rows), and their dates follow a rule reading the
// account: making them again makes the account's date again too. A
// customer sums an aggregate of its accounts.
constexpr const char* kBank = R"(entities:
  customers:
    rows: 60
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      n_accounts: {aggregate: {count: accounts}}
      n_transactions: {aggregate: {sum: accounts.n_tx}}
  accounts:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      customer_id: {type: bigint, not_null: true, references: customers, per_parent: {min: 0, max: 4}}
      opened_on: {type: date, not_null: true, provider: date, params: {from: 2020-01-01, to: 2024-12-31}}
      n_tx: {aggregate: {count: transactions}}
      n_memo: {aggregate: {count: transactions.memo}}
      total: {aggregate: {sum: transactions.amount}}
      balance: {not_null: true, aggregate: {sum: transactions.amount}}
      smallest: {aggregate: {min: transactions.amount}}
      largest: {aggregate: {max: transactions.amount}}
      first_at: {aggregate: {first: transactions.posted_at}}
      last_at: {aggregate: {last: transactions.posted_at}}
      first_memo: {aggregate: {first: transactions.memo}}
      top_score: {aggregate: {max: transactions.score}}
  transactions:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      account_id: {type: bigint, not_null: true, references: accounts, per_parent: {poisson: 6, max: 40}}
      line: {ordinal: account_id}
      amount: {type: 'numeric(12,2)', null_rate: 0.2, provider: decimal, params: {min: -500, max: 500}}
      posted_at: {type: timestamp, not_null: true, provider: timestamp, after: accounts.opened_on}
      memo: {type: text, null_rate: 0.3, provider: text, params: {max_length: 12}}
      score: {type: double precision, provider: float}
)";

enum Customer { kCustomerId, kAccounts, kTransactions };
enum Account { kId, kCustomer, kOpened, kTx, kMemos, kTotal, kBalance, kSmallest, kLargest, kFirstAt, kLastAt, kFirstMemo,
               kTopScore };
enum Transaction { kTxId, kAccount, kLine, kAmount, kPostedAt, kMemo, kScore };

// The children of each parent row, by the parent's key: row indices in
// child order.
std::map<int64_t, std::vector<size_t>> Groups(const Column& link) {
  std::map<int64_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < link.size(); ++i) groups[link[i].number].push_back(i);
  return groups;
}

Value Number(int64_t n) { return {false, n, 0, ""}; }

// What SQL says of an account's transactions, from the transaction rows.
void ExpectAccountsMatchTransactions(const Tables& t) {
  const Table& accounts = t[1];
  const Table& tx = t[2];
  const auto groups = Groups(tx[kAccount]);
  for (size_t a = 0; a < accounts[kId].size(); ++a) {
    auto found = groups.find(accounts[kId][a].number);
    const std::vector<size_t> none;
    const std::vector<size_t>& rows = found == groups.end() ? none : found->second;
    Value memos = Number(0), total, smallest, largest, first_at, last_at, first_memo, top;
    for (size_t r : rows) {
      const Value& amount = tx[kAmount][r];
      if (!amount.null) {
        total = total.null ? amount : Number(total.number + amount.number);
        if (smallest.null || amount.number < smallest.number) smallest = amount;
        if (largest.null || amount.number > largest.number) largest = amount;
      }
      if (first_at.null) first_at = tx[kPostedAt][r];
      last_at = tx[kPostedAt][r];
      if (!tx[kMemo][r].null) {
        ++memos.number;
        if (first_memo.null) first_memo = tx[kMemo][r];
      }
      if (!tx[kScore][r].null && (top.null || tx[kScore][r].real > top.real)) top = tx[kScore][r];
    }
    const std::string at = "account row " + std::to_string(a);
    EXPECT_EQ(accounts[kTx][a], Number(static_cast<int64_t>(rows.size()))) << at;
    EXPECT_EQ(accounts[kMemos][a], memos) << at;
    EXPECT_EQ(accounts[kTotal][a], total) << at;
    EXPECT_EQ(accounts[kBalance][a], total.null ? Number(0) : total) << at;  // NOT NULL: as COALESCE(sum, 0)
    EXPECT_EQ(accounts[kSmallest][a], smallest) << at;
    EXPECT_EQ(accounts[kLargest][a], largest) << at;
    EXPECT_EQ(accounts[kFirstAt][a], first_at) << at;
    EXPECT_EQ(accounts[kLastAt][a], last_at) << at;
    EXPECT_EQ(accounts[kFirstMemo][a], first_memo) << at;
    EXPECT_EQ(accounts[kTopScore][a], top) << at;
  }
}

void ExpectCustomersMatchAccounts(const Tables& t) {
  const Table& customers = t[0];
  const Table& accounts = t[1];
  const auto groups = Groups(accounts[kCustomer]);
  for (size_t c = 0; c < customers[kCustomerId].size(); ++c) {
    auto found = groups.find(customers[kCustomerId][c].number);
    int64_t n = 0, transactions = 0;
    if (found != groups.end()) {
      for (size_t r : found->second) {
        ++n;
        transactions += accounts[kTx][r].number;
      }
    }
    EXPECT_EQ(customers[kAccounts][c], Number(n)) << "customer row " << c;
    // A sum of no rows is NULL.
    EXPECT_EQ(customers[kTransactions][c], n == 0 ? Value{} : Number(transactions)) << "customer row " << c;
  }
}

TEST(Aggregate, EqualsWhatTheChildrenGive) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Domain domain = Parse(kBank);
    const Tables t = GenerateAll(Generator(domain, BuiltinRegistry(), Options(seed)), 8000);
    ASSERT_GT(t[2][0].size(), 500u);
    ExpectAccountsMatchTransactions(t);
    ExpectCustomersMatchAccounts(t);
    // The NULLs are there to be skipped: a test that missed them would pass.
    size_t null_amounts = 0, empty_accounts = 0;
    for (const Value& v : t[2][kAmount]) null_amounts += v.null;
    for (const Value& v : t[1][kTx]) empty_accounts += v.number == 0;
    EXPECT_GT(null_amounts, 50u);
    EXPECT_GT(empty_accounts + null_amounts, 0u);
  }
}

TEST(Aggregate, SameValuesForAnyBatchSplitAndThreadCount) {
  // Batches of 7 rows cut groups of children in the middle and start runs
  // of parents anywhere in a block of the count index.
  const Domain domain = Parse(kBank);
  const Generator generator(domain, BuiltinRegistry(), Options(5));
  const Tables one = GenerateAll(generator, 100000);
  EXPECT_EQ(GenerateAll(generator, 7), one);
  EXPECT_EQ(GenerateAll(generator, 7, 4), one);
}

TEST(Aggregate, RowsMadeAloneInAnyOrderGetTheirOwnChildren) {
  // Rows made again out of order (as a uniform link or a rule reads them)
  // find their children from the count index alone.
  const Domain domain = Parse(kBank);
  const Generator generator(domain, BuiltinRegistry(), Options(9));
  const Tables all = GenerateAll(generator, 8000);
  // Customers one at a time, backwards: every seek starts from a block.
  const uint64_t customers = generator.entities()[0].rows;
  Batch batch;
  generator.InitBatch(0, batch);
  for (uint64_t r = customers; r-- > 0;) {
    generator.Generate(0, r, 1, batch);
    Column got;
    Append(batch.columns[kTransactions], 1, got);
    EXPECT_EQ(got[0], all[0][kTransactions][r]) << "customer row " << r;
  }
}

// Parents' counts and their children's groups under --rows.
TEST(VolumeControl, ExactTotalsGroupedAndScaledFromTheDrawnCounts) {
  const Domain domain = Parse(kBank);
  // The same 300 accounts (their counts are drawn from their own keys):
  // drawn, then scaled to 10,007 and to 200 transactions.
  const Tables drawn = GenerateAll(Generator(domain, BuiltinRegistry(), Options(4, {{"accounts", 300}})), 8000);
  std::vector<uint64_t> cum{0};
  for (const Value& n : drawn[1][kTx]) cum.push_back(cum.back() + static_cast<uint64_t>(n.number));
  const uint64_t total = cum.back();
  for (uint64_t target : {uint64_t{10007}, uint64_t{200}, total}) {
    SCOPED_TRACE("transactions=" + std::to_string(target));
    const Generator generator(domain, BuiltinRegistry(), Options(4, {{"accounts", 300}, {"transactions", target}}));
    ASSERT_EQ(generator.entities()[2].rows, target);
    const Tables t = GenerateAll(generator, 997);
    ASSERT_EQ(t[2][kTxId].size(), target);
    // Parent p gets round(cum(p+1) N / T) - round(cum(p) N / T).
    auto scaled = [&](uint64_t c) { return static_cast<int64_t>(std::floor(static_cast<long double>(c) * target / total + 0.5L)); };
    for (size_t p = 0; p < 300; ++p) {
      ASSERT_EQ(t[1][kTx][p].number, scaled(cum[p + 1]) - scaled(cum[p])) << "account row " << p;
    }
    // Grouped: each account's transactions are one run, numbered 1, 2, ...
    for (size_t i = 0; i < target; ++i) {
      const bool starts = i == 0 || t[2][kAccount][i].number != t[2][kAccount][i - 1].number;
      if (i > 0) ASSERT_GE(t[2][kAccount][i].number, t[2][kAccount][i - 1].number) << "row " << i;
      ASSERT_EQ(t[2][kLine][i].number, starts ? 1 : t[2][kLine][i - 1].number + 1) << "row " << i;
    }
    ExpectAccountsMatchTransactions(t);
  }
}

TEST(VolumeControl, ParentsFollowTheirChildrenUpTheCountingChain) {
  // 2 accounts per customer (uniform 0..4), 6 transactions per account:
  // 30,000 transactions come from the fewest accounts whose drawn counts
  // reach 30,000 (about 5,000), and those from the fewest customers whose
  // drawn accounts reach that (about 2,500): within 2%, several standard
  // deviations of the sums of the draws.
  const Domain domain = Parse(kBank);
  const Generator generator(domain, BuiltinRegistry(), Options(6, {{"transactions", 30000}}));
  EXPECT_NEAR(static_cast<double>(generator.entities()[0].rows), 2500, 50);
  EXPECT_NEAR(static_cast<double>(generator.entities()[1].rows), 5000, 100);
  EXPECT_EQ(generator.entities()[2].rows, 30000u);
  // A parent given its own count keeps it.
  // A parent given its own count keeps it; its children's drawn counts are
  // scaled down to what the grandchildren imply.
  const Generator given(domain, BuiltinRegistry(), Options(6, {{"transactions", 30000}, {"customers", 3000}}));
  EXPECT_EQ(given.entities()[0].rows, 3000u);
  EXPECT_NEAR(static_cast<double>(given.entities()[1].rows), 5000, 100);
  // Too few of them to hold that many children (at most 4 accounts each) is
  // refused: scaling up would give some more than their 'per_parent' max.
  EXPECT_THROW(Generator(domain, BuiltinRegistry(), Options(6, {{"transactions", 30000}, {"customers", 10}})), UsageError);
  EXPECT_EQ(given.entities()[2].rows, 30000u);
  const Tables t = GenerateAll(given, 8000);
  ExpectAccountsMatchTransactions(t);
  ExpectCustomersMatchAccounts(t);
}

TEST(VolumeControl, ANotNullFirstRefusesScalingBelowOneChildPerParent) {
  // Fewer children than drawn could leave a parent none: a NOT NULL first
  // would have no value.
  std::string text = kBank;
  text.replace(text.find("first_at: {aggregate"), 20, "first_at: {not_null: true, aggregate");
  text.replace(text.find("{poisson: 6, max: 40}"), 21, "{poisson: 6, min: 1, max: 40}");
  const Domain domain = Parse(text);
  EXPECT_NO_THROW(Generator(domain, BuiltinRegistry(), Options(1, {{"accounts", 100}, {"transactions", 5000}})));
  try {
    Generator(domain, BuiltinRegistry(), Options(1, {{"accounts", 100}, {"transactions", 50}}));
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("NOT NULL column 'accounts.first_at'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace seedforge
