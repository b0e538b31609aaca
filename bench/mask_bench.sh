#!/usr/bin/env bash
# Masking speed: `seedforge mask` of one table with five masked PII columns
# (ssn, email, phone, card, account digits) and three kept ones, against the
# same command with no rule (the CSV read-and-write round trip alone) and
# `cp`. Two inputs: every PII value distinct (the worst case, no memo hit),
# and one where each customer's values repeat over 10 rows (orders carrying
# the customer's e-mail and phone).
#
# Usage: bench/mask_bench.sh [path/to/seedforge] [rows]
# Prints seconds and rows/s of each run. Single-threaded: the figure is per
# core.
set -euo pipefail
bin=$(realpath "${1:-build/seedforge}")
rows=${2:-500000}
work=$(mktemp -d /tmp/seedforge-maskbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c 32 /dev/urandom | base64 > "$work/key"

python3 - "$work" "$rows" <<'PY'
import random, sys
work, rows = sys.argv[1], int(sys.argv[2])
def luhn(payload):
    s = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        s += d
    return str((10 - s % 10) % 10)
for name, repeat in (("unique", 1), ("repeated", 10)):
    r = random.Random(1)
    import os
    os.makedirs(f"{work}/{name}", exist_ok=True)
    with open(f"{work}/{name}/t.csv", "w") as f:
        f.write("id,ssn,email,phone,card,account,amount,status,created\n")
        for i in range(rows):
            c = i // repeat
            r.seed(c)
            ssn = f"{r.randint(1,899):03d}-{r.randint(1,99):02d}-{r.randint(1,9999):04d}"
            card = "411111" + f"{r.randrange(10**9):09d}"
            card += luhn(card)
            f.write(f"{i},{ssn},user{c}.{r.randrange(10**6)}@example.com,({r.randint(201,989)}) "
                    f"{r.randint(200,999)}-{r.randrange(10**4):04d},{card},{r.randrange(10**10):010d},"
                    f"{i % 997}.{i % 100:02d},{'open' if i % 3 else 'closed'},2024-01-{1 + i % 28:02d}\n")
PY
cat > "$work/rules.yaml" <<'YAML'
t.ssn: ssn
t.email: email
t.phone: phone
t.card: card
t.account: {digits: {kind: account}}
YAML
: > "$work/none.yaml"

# CPU time (user + system) as well as wall time: on a shared machine the
# wall clock counts other processes' turns, CPU time is the per-core figure.
run() {  # label, command...
  local label=$1; shift
  /usr/bin/time -o "$work/time" -f '%e %U %S' "$@"
  python3 -c "import sys; e,u,s=map(float,open(sys.argv[1]).read().split()); c=u+s; n=int(sys.argv[3]); r=f'{n/c:>12,.0f} rows per cpu-second' if c >= 0.05 else '   (too short to rate)'; print(f'{sys.argv[2]:<44} wall {e:6.2f} s  cpu {c:6.2f} s  {r}')" "$work/time" "$label" "$rows"
}
for input in unique repeated; do
  run "$input: cp" cp "$work/$input/t.csv" "$work/cp.csv"
  run "$input: mask, no rule (CSV round trip)" "$bin" mask -q --from "$work/$input" --to "$work/out-none-$input" --key-file "$work/key" --rules "$work/none.yaml"
  run "$input: mask, 5 PII columns" "$bin" mask -q --from "$work/$input" --to "$work/out-$input" --key-file "$work/key" --rules "$work/rules.yaml"
done
