"""Run by tests/codegen_test.cpp against the Python code `seedforge codegen
--domain banking --lang python` writes: the CSV and JSON Lines loaders agree
row for row, navigation goes both ways, find() finds rows by primary key,
and values have their Python types.

    banking_check.py GENERATED_DIR CSV_DIR JSONL_DIR
"""
import datetime
import sys
from decimal import Decimal

sys.path.insert(0, sys.argv[1])
import banking_fixtures  # noqa: E402

csv = banking_fixtures.load_csv(sys.argv[2])
jsonl = banking_fixtures.load_jsonl(sys.argv[3])

for name in ("customers", "accounts", "campaigns", "transactions", "campaign_contacts", "campaign_events"):
    a, b = list(getattr(csv, name)), list(getattr(jsonl, name))
    assert len(a) == len(b) and len(a) > 0, name
    for x, y in zip(a, b):
        assert x == y, (name, x, y)

children = 0
for customer in csv.customers:
    for account in customer.accounts():
        assert account.customer() is customer
        assert account.customer_id == customer.customer_id
        children += 1
assert children == len(csv.accounts)
for account in csv.accounts:
    assert csv.customers.find(account.customer_id) is account.customer()
assert csv.customers.find(-1) is None
assert sum(len(a.transactions()) for a in csv.accounts) == len(csv.transactions)

account = csv.accounts[0]
assert isinstance(account.balance, Decimal) and account.balance.as_tuple().exponent == -2, account.balance
assert isinstance(account.opened_on, datetime.date)
assert account.closed_on is None or isinstance(account.closed_on, datetime.date)
assert banking_fixtures.SCHEMA_HASH
print("ok")
