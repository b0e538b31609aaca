// Named rows (scenarios:) as the plan makes them: fixed places at every
// scale and --rows, named values and parents, counts and aggregates that
// include named children, unique columns kept unique by remapping, the same
// values on any number of threads, and conflicts reported where the file
// wrote them.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"

namespace seedforge {
namespace {

// Every row of every entity, each value as its text (NULL as "\\N"), made in
// batches of `batch_rows` on `threads` threads (round-robin).
using Table = std::vector<std::vector<std::string>>;  // per row, per column
std::vector<Table> GenerateAll(const Generator& generator, size_t batch_rows, int threads = 1) {
  std::vector<Table> tables;
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
    Table table;
    for (const Batch& batch : made) {
      for (size_t i = 0; i < batch.size; ++i) {
        std::vector<std::string> row;
        for (const BatchColumn& column : batch.columns) row.push_back(column.IsNull(i) ? "\\N" : column.Text(i));
        table.push_back(std::move(row));
      }
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

GenerateOptions Options(uint64_t seed, double scale = 1, std::map<std::string, uint64_t> rows = {}) {
  GenerateOptions options;
  options.seed = seed;
  options.scale = scale;
  options.today = DaysFromCivil(2026, 1, 1);
  options.rows = std::move(rows);
  return options;
}

// Customers with 0-5 invoices (grouped), payments picking an invoice
// uniformly (not grouped), an aggregate over the invoices.
constexpr const char* kShop = R"y(domain: shop
time: {from: 2024-01-01, to: 2024-12-31}
entities:
  customers:
    rows: 40
    columns:
      customer_id: {type: bigint, primary_key: true, provider: sequence}
      first_name:  {type: text, not_null: true, provider: person.first_name}
      last_name:   {type: text, not_null: true, provider: person.last_name}
      email:       {type: text, not_null: true, unique: true, provider: email, params: {first: first_name, last: last_name}}
      created_at:  {type: date, not_null: true, provider: date, params: {from: 2020-01-01, to: 2023-12-31}}
      n_invoices:  {aggregate: {count: invoices}}
      billed:      {aggregate: {sum: invoices.amount}}
  invoices:
    columns:
      invoice_id:  {type: uuid, primary_key: true, provider: uuid}
      customer_id: {type: bigint, not_null: true, references: customers, per_parent: {min: 0, max: 5}}
      status:      {type: text, not_null: true, check: "status in ('paid', 'open', 'overdue')", provider: category,
                    params: {values: {paid: 0.8, open: 0.15, overdue: 0.05}}}
      issued_on:   {type: date, not_null: true, provider: date, after: customers.created_at}
      amount:      {type: 'numeric(10,2)', not_null: true, check: "amount > 0", provider: decimal, params: {min: 1, max: 900}}
  payments:
    rows: 30
    columns:
      payment_id:  {type: bigint, primary_key: true, provider: sequence}
      invoice_id:  {type: uuid, null_rate: 0.5, references: invoices}
scenarios:
  alice_overdue:
    customers: {label: alice, first_name: Alice, email: alice@example.com, created_at: 2022-03-01}
    invoices: {count: 3, status: overdue, customer_id: alice, issued_on: 2024-02-01, amount: 100.25}
  bob_pays:
    customers: {label: bob, email: bob@example.com}
    invoices: [{label: bob_first, customer_id: bob, status: paid, amount: 10.50}]
    payments: {label: bob_paid, invoice_id: bob_first}
)y";

enum { kCustomers, kInvoices, kPayments };

TEST(NamedRows, LabelsKeepTheirRowsAndKeysAtEveryScale) {
  const Domain domain = ParseDomain(kShop, "shop.yaml", BuiltinRegistry());
  std::map<std::string, std::vector<std::string>> first;  // label -> its row's values at scale 1
  for (auto [scale, rows] : {std::pair{1.0, std::map<std::string, uint64_t>{}},
                             std::pair{3.0, std::map<std::string, uint64_t>{}},
                             std::pair{1.0, std::map<std::string, uint64_t>{{"invoices", 500}}},
                             std::pair{1.0, std::map<std::string, uint64_t>{{"invoices", 12}}}}) {
    SCOPED_TRACE(testing::Message() << "scale " << scale << " rows " << rows.size());
    Generator generator(domain, BuiltinRegistry(), Options(7, scale, rows));
    const auto tables = GenerateAll(generator, 16);
    const auto customers = generator.Labels(kCustomers);
    ASSERT_EQ(customers.size(), 2u);
    EXPECT_EQ(customers[0].label, "alice");
    EXPECT_EQ(customers[0].row, 0u);
    EXPECT_EQ(customers[1].label, "bob");
    EXPECT_EQ(customers[1].row, 1u);
    const auto invoices = generator.Labels(kInvoices);
    ASSERT_EQ(invoices.size(), 1u);
    const auto payments = generator.Labels(kPayments);
    ASSERT_EQ(payments.size(), 1u);
    EXPECT_EQ(payments[0].row, 0u);

    const auto& alice = tables[kCustomers][0];
    EXPECT_EQ(alice[1], "Alice");
    EXPECT_EQ(alice[3], "alice@example.com");
    EXPECT_EQ(alice[4], "2022-03-01");
    // Her three named invoices are her first children: rows 0-2.
    const auto& invoice_rows = tables[kInvoices];
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(invoice_rows[i][1], alice[0]);
      EXPECT_EQ(invoice_rows[i][2], "overdue");
      EXPECT_EQ(invoice_rows[i][3], "2024-02-01");
      EXPECT_EQ(invoice_rows[i][4], "100.25");
    }
    // Aggregates count and sum her named children with the generated ones.
    int64_t count = 0;
    double sum = 0;
    for (const auto& row : invoice_rows) {
      if (row[1] != alice[0]) continue;
      ++count;
      sum += std::stod(row[4]);
    }
    EXPECT_GE(count, 3);
    EXPECT_EQ(alice[5], std::to_string(count));
    EXPECT_NEAR(std::stod(alice[6]), sum, 0.005);
    const auto& bob_first = invoice_rows[invoices[0].row];
    EXPECT_EQ(bob_first[1], tables[kCustomers][1][0]);
    EXPECT_EQ(bob_first[2], "paid");
    // The payment names bob's invoice by label: its key (a uuid), never NULL.
    EXPECT_EQ(tables[kPayments][0][1], bob_first[0]);

    // The labelled rows are the same values at every scale, keys included.
    for (auto [label, values] : {std::pair{std::string("alice"), alice},
                                 std::pair{std::string("bob_first"), bob_first},
                                 std::pair{std::string("bob_paid"), tables[kPayments][0]}}) {
      std::vector<std::string> key_and_named(values.begin(), values.begin() + 2);
      auto [it, added] = first.emplace(label, key_and_named);
      if (!added) EXPECT_EQ(it->second, key_and_named) << label;
    }
  }
}

TEST(NamedRows, DatesFollowNamedParentsAndUniqueValuesStayUnique) {
  const Domain domain = ParseDomain(kShop, "shop.yaml", BuiltinRegistry());
  Generator generator(domain, BuiltinRegistry(), Options(11, 5));
  const auto tables = GenerateAll(generator, 64);
  std::set<std::string> emails;
  for (const auto& row : tables[kCustomers]) EXPECT_TRUE(emails.insert(row[3]).second) << row[3] << " twice";
  std::map<std::string, std::string> created;
  for (const auto& row : tables[kCustomers]) created[row[0]] = row[4];
  for (const auto& row : tables[kInvoices]) EXPECT_GE(row[3], created[row[1]]) << "invoice before its customer";
}

TEST(NamedRows, SameValuesOnAnyNumberOfThreads) {
  const Domain domain = ParseDomain(kShop, "shop.yaml", BuiltinRegistry());
  Generator generator(domain, BuiltinRegistry(), Options(5, 20));
  EXPECT_EQ(GenerateAll(generator, 7, 1), GenerateAll(generator, 7, 4));
}

// Ten rows drawing ten distinct one-digit codes: every digit is drawn by
// exactly one row, so a digit named for row 0 is certainly drawn by another
// row too unless the plan remaps it.
constexpr const char* kDigits = R"y(entities:
  codes:
    rows: 10
    columns:
      id:   {type: integer, primary_key: true, provider: sequence}
      code: {type: text, unique: true, provider: pattern, params: {pattern: '#'}}
)y";

TEST(NamedRows, ANamedUniqueValueIsNeverDrawnForAnotherRow) {
  const Domain plain = ParseDomain(kDigits, "digits.yaml", BuiltinRegistry());
  Generator natural(plain, BuiltinRegistry(), Options(3));
  const auto drawn = GenerateAll(natural, 4)[0];
  // A digit that row 0 does not draw: some other row draws it.
  std::string named = drawn[0][1] == "7" ? "2" : "7";
  int other = -1;
  for (int r = 1; r < 10; ++r) {
    if (drawn[r][1] == named) other = r;
  }
  ASSERT_GT(other, 0) << "the collision this test needs did not happen";

  const Domain domain = ParseDomain(std::string(kDigits) + "scenarios:\n  s:\n    codes: {label: first, code: '" + named +
                                        "'}\n",
                                    "digits.yaml", BuiltinRegistry());
  for (int batch : {1, 3, 10}) {
    Generator generator(domain, BuiltinRegistry(), Options(3));
    const auto codes = GenerateAll(generator, static_cast<size_t>(batch))[0];
    std::set<std::string> seen;
    for (const auto& row : codes) EXPECT_TRUE(seen.insert(row[1]).second) << row[1] << " drawn twice";
    EXPECT_EQ(codes[0][1], named);
    // The row that drew it takes what row 0 would have drawn.
    EXPECT_EQ(codes[other][1], drawn[0][1]);
    for (int r = 1; r < 10; ++r) {
      if (r != other) EXPECT_EQ(codes[r][1], drawn[r][1]) << "row " << r << " changed";
    }
  }
}

TEST(NamedRows, MoreNamedRowsThanPlannedGrowTheEntityUnlessRowsAskedFewer) {
  const std::string text = std::string(kDigits) + "scenarios:\n  s:\n    codes: [{label: a}, {label: b}, {label: c}]\n";
  const Domain domain = ParseDomain(text, "digits.yaml", BuiltinRegistry());
  Generator small(domain, BuiltinRegistry(), Options(3, 0.1));  // 1 row planned
  EXPECT_EQ(small.entities()[0].rows, 3u);
  EXPECT_THROW(Generator(domain, BuiltinRegistry(), Options(3, 1, {{"codes", 2}})), UsageError);
}

TEST(NamedRows, RowsOnAChildWhoseParentsAreAllFixedIsAUsageError) {
  // Two customers, both named with children: no unfixed parent is left
  // for --rows invoices=N to scale.
  const Domain domain = ParseDomain(kShop, "shop.yaml", BuiltinRegistry());
  GenerateOptions options = Options(7, 1, {{"customers", 2}, {"invoices", 50}});
  EXPECT_THROW(Generator(domain, BuiltinRegistry(), options), UsageError);
  // Fewer rows than the named ones fix: refused too.
  EXPECT_THROW(Generator(domain, BuiltinRegistry(), Options(7, 1, {{"invoices", 2}})), UsageError);
}

TEST(NamedRows, ANamedChildWhoseRulesLeaveNoRoomIsAPlanError) {
  // A customer created after the simulation window: an invoice of hers,
  // drawn in the window and after her, has no day left.
  const std::string text = std::string(kShop) +
                           "  future:\n    customers: {label: fut, created_at: 2025-06-01}\n"
                           "    invoices: {customer_id: fut, status: open}\n";
  const Domain domain = ParseDomain(text, "shop.yaml", BuiltinRegistry());
  try {
    Generator generator(domain, BuiltinRegistry(), Options(7));
    FAIL() << "no conflict reported";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("shop.yaml:37:15: named row of scenario 'future': its rules (after "
                                         "customers.created_at) leave 'invoices.issued_on' no room"),
              std::string::npos)
        << e.what();
  }
}

TEST(NamedRows, ASelfReferenceNamesItsParentByLabel) {
  const Domain domain = ParseDomain(R"y(entities:
  staff:
    rows: 20
    columns:
      id:         {type: bigint, primary_key: true, provider: sequence}
      manager_id: {type: bigint, references: staff}
scenarios:
  team:
    staff: [{label: worker, manager_id: boss}, {label: boss, manager_id: ~}]
)y",
                                    "staff.yaml", BuiltinRegistry());
  Generator generator(domain, BuiltinRegistry(), Options(2));
  const auto staff = GenerateAll(generator, 8)[0];
  const auto labels = generator.Labels(0);
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(staff[labels[0].row][1], staff[labels[1].row][0]);  // the worker's manager is the boss
  EXPECT_EQ(staff[labels[1].row][1], "\\N");
}

// Every message names file:line:column of what the file wrote.
std::string Problems(const std::string& scenarios) {
  try {
    ParseDomain(std::string(kShop).substr(0, std::string(kShop).find("scenarios:")) + scenarios, "shop.yaml",
                BuiltinRegistry());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(NamedRows, ConflictsAreValidationErrorsWithTheirPlace) {
  const std::string text = Problems(R"y(scenarios:
  s:
    customers: {label: al, created_at: 2023-05-01, colour: red, email: ~}
    invoices: [{count: 6, customer_id: al}, {customer_id: nobody}, {status: late, customer_id: al},
               {customer_id: al, issued_on: 2023-01-01, amount: -3}]
    payments: {invoice_id: al, n: 1}
    orders: {label: o}
)y");
  for (const char* expected : {
           "shop.yaml:29:60: 'customers' has no column 'colour'",
           "shop.yaml:29:72: 'customers.email' is NOT NULL; a named row cannot set it to NULL",
           "shop.yaml:30:40: 'customers' row 'al' would have 6 named 'invoices' rows, and per_parent allows at most 5",
           "shop.yaml:30:59: 'invoices.customer_id' names its 'customers' row by label, and no named row of "
           "'customers' is labelled 'nobody'",
           "shop.yaml:31:45: the named row's 'invoices.issued_on' (2023-01-01) must be on or after customers.created_at",
           "shop.yaml:31:65: the named row's 'invoices.amount' breaks its CHECK (amount > 0)",
           "shop.yaml:33:13: scenario 's' names a row of unknown entity 'orders'",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
  // The status CHECK reads only the named status: evaluated.
  EXPECT_NE(text.find("shop.yaml:30:77: the named row's 'invoices.status' breaks its CHECK (status in ('paid', 'open', "
                      "'overdue'))"),
            std::string::npos)
      << text;
  // A parent's named children past its per_parent maximum: said once.
  EXPECT_EQ(text.find("would have 7 named"), std::string::npos) << text;
}

TEST(NamedRows, ANamedDateAGeneratedParentLeavesNoRoomForIsAPlanError) {
  // Bob's created_at is generated (2020-2023), and his invoice's issued_on,
  // named in 2019, would have to be after it.
  const std::string text = std::string(kShop) + "  late:\n    invoices: {customer_id: bob, issued_on: 2019-06-01}\n";
  const Domain domain = ParseDomain(text, "shop.yaml", BuiltinRegistry());
  try {
    Generator generator(domain, BuiltinRegistry(), Options(7));
    FAIL() << "no conflict reported";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("shop.yaml:36:45: named row of scenario 'late': 'invoices.issued_on' "
                                         "(2019-06-01) breaks its rules (after customers.created_at"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace seedforge
