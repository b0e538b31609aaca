#!/bin/bash
# ctest PluginExampleOutOfTree: builds examples/plugin/ as a pack author
# would, against a `cmake --install` of seedforge's plugin SDK into a
# temporary prefix, loads it with --plugin and with SEEDFORGE_PLUGIN_PATH,
# and checks every VAT number it generated (independently, in Python) and
# that 1 and 4 threads give the same bytes.
# Usage: example_out_of_tree.sh CMAKE SOURCE_DIR BUILD_DIR SEEDFORGE
set -euo pipefail
cmake=$1 source=$2 build=$3 seedforge=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/seedforge-plugin-example.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$cmake" --install "$build" --prefix "$work/prefix" --component plugin_sdk >/dev/null
test -f "$work/prefix/include/seedforge/plugin_abi.h"
# Only the installed prefix: the example must not see the source tree's headers.
"$cmake" -S "$source/examples/plugin" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
"$cmake" --build "$work/build" >/dev/null
pack=$(echo "$work"/build/*.so)
test -f "$pack"

"$seedforge" list providers --plugin "$pack" | grep -F "eu_vat  (eu_vat, plugin $pack)"
"$seedforge" generate -q --plugin "$pack" --domain "$source/examples/plugin/suppliers.yaml" \
  --rows suppliers=5000 --threads 1 --out "$work/one"
SEEDFORGE_PLUGIN_PATH="$work/build" "$seedforge" generate -q --domain "$source/examples/plugin/suppliers.yaml" \
  --rows suppliers=5000 --threads 4 --out "$work/four"
cmp "$work/one/suppliers.csv" "$work/four/suppliers.csv"
cmp "$work/one/buyers.csv" "$work/four/buyers.csv"

/usr/bin/python3 - "$work/one" <<'PY'
import csv, sys

def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0

def mod11_10_ok(digits):  # ISO 7064 MOD 11,10 over all digits ends on 1
    product = 10
    for ch in digits:
        s = (int(ch) + product) % 10
        last = s
        product = ((s or 10) * 2) % 11
    return last == 1

def valid(vat):
    cc, body = vat[:2], vat[2:]
    if cc == "DE":
        return len(body) == 9 and body.isdigit() and body[0] != "0" and mod11_10_ok(body)
    if cc == "FR":
        siren = body[2:]
        return len(body) == 11 and body.isdigit() and luhn_ok(siren) and int(body[:2]) == (12 + 3 * (int(siren) % 97)) % 97
    if cc == "IT":
        return len(body) == 11 and body.isdigit() and 1 <= int(body[7:10]) <= 100 and luhn_ok(body)
    if cc == "NL":
        d = body[:9]
        return (len(body) == 12 and d.isdigit() and body[9:] == "B01"
                and sum(int(d[i]) * (9 - i) for i in range(8)) % 11 == int(d[8]))
    if cc == "BE":
        return len(body) == 10 and body.isdigit() and body[0] in "01" and int(body[:8]) % 97 + int(body[8:]) == 97
    return False

out = sys.argv[1]
checked = 0
with open(f"{out}/suppliers.csv", newline="") as f:
    for row in csv.DictReader(f):
        if row["country"] == "AT":
            assert row["vat"] == "", row
            continue
        assert row["vat"][:2] == row["country"] and valid(row["vat"]), row
        checked += 1
with open(f"{out}/buyers.csv", newline="") as f:
    buyers = [row["vat"] for row in csv.DictReader(f)]
assert all(valid(v) for v in buyers) and len(set(buyers)) == len(buyers) == 200
assert checked > 4000, checked
print(f"{checked} supplier and {len(buyers)} buyer VAT numbers valid")
PY
