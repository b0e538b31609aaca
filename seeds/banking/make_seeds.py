#!/usr/bin/env python3
"""Makes the banking sample data (customers.csv, accounts.csv) that the
banking domain's learned columns are fitted on, and that `seedforge learn
--from seeds/banking` learns as a two-table database. Standard library only;
the fixed seeds make the files reproducible byte for byte:

    python3 seeds/banking/make_seeds.py seeds/banking

The numbers are invented, but shaped after public figures: FICO scores
run 300-850 with a US mean near 715 and rise with age and income (FICO,
"Average U.S. FICO Score", 2023); personal incomes are log-normal with a
median near 50,000 USD (US Census Bureau, CPS ASEC 2023); bank segments
follow income (students young and poor, private banking the top 2%).

The keys come from a second random stream, so the other columns do not
depend on them. The owner's income sets both the account count (1 +
Poisson, mean rising with the square root of income) and, within each
account type, the balance.
"""
import math
import random
import sys
from datetime import date, timedelta

SEGMENT_BY_INCOME = [  # (income floor, segment) for non-students, highest first
    (250_000, "private"),
    (120_000, "affluent"),
    (0, "mass"),
]


def customers(rng, n):
    rows = []
    for _ in range(n):
        student = rng.random() < 0.06
        age = rng.randint(18, 26) if student else int(min(90, max(18, rng.gauss(47, 15))))
        # log income: grows with age up to the fifties, then flattens
        career = min(age, 55) - 18
        mu = 9.3 if student else 10.2 + 0.025 * career
        z_income = rng.gauss(0, 1)
        income = math.exp(mu + (0.5 if student else 0.65) * z_income)
        # credit score: correlated with income (through z_income) and age
        z_score = 0.45 * z_income + math.sqrt(1 - 0.45 ** 2) * rng.gauss(0, 1)
        score = 675 + 1.4 * (age - 18) + 60 * z_score - (35 if student else 0)
        score = int(round(min(850, max(300, score))))
        if student:
            segment = "student"
        else:
            segment = next(s for floor, s in SEGMENT_BY_INCOME if income >= floor)
        rows.append((age, score, f"{income:.2f}", segment))
    return rows


def accounts(rng, n):
    rows = []
    first = date(2015, 1, 1)
    for _ in range(n):
        kind = rng.choices(["checking", "savings", "credit"], [0.55, 0.30, 0.15])[0]
        opened = first + timedelta(days=rng.randrange(10 * 365))
        if kind == "credit":
            balance = -math.exp(rng.gauss(7.0, 1.0))  # money owed
        elif kind == "savings":
            balance = math.exp(rng.gauss(9.3, 1.4))
        else:
            balance = math.exp(rng.gauss(7.6, 1.1))
        closed = ""
        if rng.random() < 0.15:
            closed = (opened + timedelta(days=int(rng.expovariate(1 / 700)) + 1)).isoformat()
        rows.append((kind, f"{max(-20000.0, balance):.2f}", opened.isoformat(), closed))
    return rows


def poisson(rng, lam):
    # Knuth's method: fine for the small means used here
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def owners(rng, custs, accts):
    """The customer (1-based) of each account: counts by income, and within
    each account type the larger balances to the richer customers."""
    incomes = [float(c[2]) for c in custs]
    median = sorted(incomes)[len(incomes) // 2]
    lam = [0.5 * math.sqrt(i / median) for i in incomes]
    counts = [1 + poisson(rng, l) for l in lam]
    while sum(counts) > len(accts):  # exactly one slot per account
        c = rng.randrange(len(counts))
        if counts[c] > 1:
            counts[c] -= 1
    while sum(counts) < len(accts):
        counts[rng.choices(range(len(counts)), lam)[0]] += 1
    by_income = sorted(range(len(custs)), key=lambda c: incomes[c])
    slots = [c for c in by_income for _ in range(counts[c])]
    rank = {}  # account -> quantile of its balance within its type
    for kind in ("checking", "savings", "credit"):
        ids = sorted((a for a in range(len(accts)) if accts[a][0] == kind), key=lambda a: float(accts[a][1]))
        if kind == "credit":
            ids.reverse()  # the largest debts to the richest
        for q, a in enumerate(ids):
            rank[a] = q / max(1, len(ids) - 1)
    order = sorted(range(len(accts)), key=lambda a: rank[a] + rng.gauss(0, 0.25))
    owner = [0] * len(accts)
    for slot, a in enumerate(order):
        owner[a] = slots[slot] + 1
    return owner


def main(out_dir):
    rng = random.Random(20240611)
    custs = customers(rng, 2000)
    accts = accounts(rng, 3000)
    owner = owners(random.Random(20261207), custs, accts)
    with open(f"{out_dir}/customers.csv", "w", newline="") as f:
        f.write("customer_id,age,credit_score,annual_income,segment\n")
        for i, r in enumerate(custs):
            f.write(",".join(str(v) for v in (i + 1,) + r) + "\n")
    with open(f"{out_dir}/accounts.csv", "w", newline="") as f:
        f.write("account_id,customer_id,account_type,balance,opened_on,closed_on\n")
        for i, r in enumerate(accts):
            f.write(",".join(str(v) for v in (i + 1, owner[i]) + r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
