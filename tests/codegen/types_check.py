"""Run by tests/codegen_test.cpp on tests/codegen/types.yaml's generated
Python: every column loads alike from CSV and JSON Lines (json and arrays
aside: their text differs by format), with its Python type.

    types_check.py GENERATED_DIR CSV_DIR JSONL_DIR
"""
import datetime
import sys
from decimal import Decimal

sys.path.insert(0, sys.argv[1])
import types_fixtures  # noqa: E402

csv, jsonl = types_fixtures.load_csv(sys.argv[2]), types_fixtures.load_jsonl(sys.argv[3])
assert len(csv.items) == len(jsonl.items) == 200
same = ("id", "region", "number", "parent_id", "flag", "small", "ratio", "score", "price", "loose", "seen_at",
        "local_at", "born", "mood", "uid", "quoted_name")
for a, b in zip(csv.items, jsonl.items):
    for name in same:
        assert getattr(a, name) == getattr(b, name), (a.id, name, getattr(a, name), getattr(b, name))
kinds = {"id": int, "small": int, "score": float, "price": Decimal, "seen_at": datetime.datetime, "uid": str}
for name, kind in kinds.items():
    assert all(type(getattr(r, name)) is kind for r in csv.items), name
assert all(r.seen_at.tzinfo is datetime.timezone.utc for r in csv.items)
assert all(r.local_at is None or r.local_at.tzinfo is None for r in csv.items)
assert any(r.flag is None for r in csv.items) and any(r.flag is True for r in csv.items)
assert all(r.price.as_tuple().exponent == -3 for r in csv.items)
# Composite link and self-reference, both ways.
assert sum(len(g.items()) for g in csv.groups) == len(csv.items)
for r in csv.items:
    assert (r.group().region, r.group().number) == (r.region, r.number)
    assert r in r.group().items()
    assert (r.parent() is None) == (r.parent_id is None)
    assert r.parent() is None or r.parent().id == r.parent_id
assert sum(len(r.items()) for r in csv.items) == sum(r.parent_id is not None for r in csv.items)
assert csv.groups.find(csv.groups[3].region, csv.groups[3].number) is csv.groups[3]
print("ok")
