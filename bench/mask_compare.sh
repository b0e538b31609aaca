#!/usr/bin/env bash
# Byte-for-byte check of a change to the masking code: masks one folder with
# two seedforge binaries (e.g. main's and a branch's) under the same key and
# diffs the outputs. The folder holds every transform, and values off the
# fast paths: fallbacks (malformed SSNs, cards, phones), digit strings of 1
# to 40 digits (the small-domain cycles, FF1's 64-bit and 128-bit paths),
# non-NANP phones, mixed-case names and e-mails, and NULLs.
#
# Usage: bench/mask_compare.sh path/to/reference/seedforge path/to/new/seedforge [rows]
# Prints "identical" and exits 0, or shows the first differences and exits 1.
set -euo pipefail
ref=$(realpath "$1")
new=$(realpath "$2")
rows=${3:-20000}
work=$(mktemp -d /tmp/seedforge-maskcmp-XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c 32 /dev/urandom | base64 > "$work/key"
mkdir "$work/in"
python3 - "$work/in" "$rows" <<'PY'
import random, sys
out, rows = sys.argv[1], int(sys.argv[2])
r = random.Random(14)
first = ["Mary", "JOHN", "li", "José", "Anne-Marie", "o'brien", "Zoë"]
last = ["Smith", "GARCIA", "nguyen", "Van Der Berg", "O'Neil"]
def digits(n):
    return "".join(r.choice("0123456789") for _ in range(n))
def luhn(payload):
    s = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        s += d
    return str((10 - s % 10) % 10)
with open(f"{out}/people.csv", "w") as f:
    f.write("id,ssn,card,phone,account,email,token,first,last,full,street,city,zip,born,amount,noisy\n")
    for i in range(rows):
        pick = r.random()
        ssn = (f"{r.randint(0,999):03d}-{r.randint(0,99):02d}-{r.randint(0,9999):04d}" if pick < 0.8
               else r.choice(["12345678", "abc-de-fghi", "123 45 6789", ""]))
        payload = r.choice(["411111", "550000", "340000", "601100"]) + digits(r.choice([6, 9, 10, 12]))
        card = payload + (luhn(payload) if r.random() < 0.9 else "0")
        if r.random() < 0.05: card = "4111-1111-1111-111x"
        phone = r.choice([f"({r.randint(200,999)}) {r.randint(100,999)}-{digits(4)}", f"+1 {digits(10)}",
                          f"+44 20 {digits(8)}", f"+33 {digits(9)}", "555-0100", f"{digits(10)}"])
        account = r.choice([digits(r.randint(1, 40)), f"AC-{digits(8)}", "", "x"])
        email = r.choice([f"User{i}.{digits(3)}@Example.com", f"{r.choice(first)}@mail.org", "no-at-sign",
                          f"a@b", "@x.org"])
        fn, ln = r.choice(first), r.choice(last)
        full = r.choice([f"{fn} {ln}", f"{ln}, {fn}", f"{fn} Q. {ln}", ln])
        street = f"{r.randint(1,9999)} {r.choice(['Main', 'Oak', 'elm'])} {r.choice(['St', 'Ave', 'Road'])}"
        zipc = r.choice([f"{r.randint(0,99999):05d}", f"{r.randint(10000,99999)}-{digits(4)}", "1234", "ABCDE",
                         "10001", "90210"])
        born = f"19{r.randint(40,99)}-{r.randint(1,12):02d}-{r.randint(1,28):02d}"
        amount = f"{r.randint(0,99999)}.{digits(2)}"
        def q(v):
            return '"' + v.replace('"', '""') + '"' if ("," in v or '"' in v) else v
        f.write(",".join(q(v) for v in [str(i), ssn, card, phone, account, email, f"tok{r.randint(0,rows)}", fn,
                                        ln, full, street, r.choice(["Springfield", "BOSTON", "austin"]), zipc,
                                        born, amount, amount]) + "\n")
PY
cat > "$work/rules.yaml" <<'YAML'
people.ssn: ssn
people.card: card
people.phone: phone
people.account: {digits: {kind: account}}
people.email: email
people.token: {token: {bits: 100, encoding: base32, prefix: "T-"}}
people.first: first_name
people.last: last_name
people.full: full_name
people.street: street_address
people.city: city
people.zip: zip
people.born: {date_shift: {days: 30, entity: people.id}}
people.amount: {round: {step: 100}}
people.noisy: {noise: {scale: 0.1}}
YAML
cp "$work/rules.yaml" "$work/rules-name.yaml"
sed -i 's/^people.email: email$/people.email: {email: {style: name}}/; s/^people.phone: phone$/people.phone: {phone: {keep_area_code: false}}/' "$work/rules-name.yaml"
status=0
for rules in rules rules-name; do
  "$ref" mask -q --from "$work/in" --to "$work/ref-$rules" --key-file "$work/key" --rules "$work/$rules.yaml"
  "$new" mask -q --from "$work/in" --to "$work/new-$rules" --key-file "$work/key" --rules "$work/$rules.yaml"
  if diff -r "$work/ref-$rules" "$work/new-$rules" > "$work/diff"; then
    echo "$rules.yaml: identical ($rows rows)"
  else
    echo "$rules.yaml: DIFFERENT"; head -20 "$work/diff"; status=1
  fi
done
exit $status
