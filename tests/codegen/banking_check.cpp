// Compiled by tests/codegen_test.cpp against the C++ code `seedforge codegen
// --domain banking --lang cpp` writes: the CSV and JSON Lines loaders agree
// row for row, navigation goes both ways along every link used here, and
// find() finds rows by primary key.
//   banking_check CSV_DIR JSONL_DIR
#include <iostream>

#include "banking_fixtures.h"

#define CHECK(cond)                                                               \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::cerr << __FILE__ << ":" << __LINE__ << ": failed: " #cond "\n";        \
      return 1;                                                                   \
    }                                                                             \
  } while (0)

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  auto csv = banking::load_csv(argv[1]);
  auto jsonl = banking::load_jsonl(argv[2]);

  CHECK(csv->customers.records() == jsonl->customers.records());
  CHECK(csv->accounts.records() == jsonl->accounts.records());
  CHECK(csv->campaigns.records() == jsonl->campaigns.records());
  CHECK(csv->transactions.records() == jsonl->transactions.records());
  CHECK(csv->campaign_contacts.records() == jsonl->campaign_contacts.records());
  CHECK(csv->campaign_events.records() == jsonl->campaign_events.records());

  // Each account's customer() lists the account among its accounts(), and
  // the children of all customers are every account exactly once.
  std::size_t children = 0;
  for (banking::CustomerRef customer : csv->customers) {
    for (banking::AccountRef account : customer.accounts()) {
      CHECK(account.customer() == customer);
      CHECK(account->customer_id == customer->customer_id);
      ++children;
    }
  }
  CHECK(children == csv->accounts.size());
  for (banking::AccountRef account : csv->accounts) {
    auto found = csv->customers.find(account->customer_id);
    CHECK(found.has_value());
    CHECK(*found == account.customer());
  }
  // Transactions reach their customer through their account.
  std::size_t transactions = 0;
  for (banking::AccountRef account : csv->accounts) transactions += account.transactions().size();
  CHECK(transactions == csv->transactions.size());
  CHECK(!csv->customers.find(-1).has_value());

  // Exact decimals: the text written is the text read back.
  const banking::Decimal balance = csv->accounts[0]->balance;
  CHECK(balance.scale == 2);
  std::cout << "first balance " << balance.to_string() << "\n";
  std::cout << "ok\n";
  return 0;
}
