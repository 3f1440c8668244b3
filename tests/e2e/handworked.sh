#!/bin/sh
# The hand-worked trust (tests/fixtures/handworked): every figure in expected.tsv, the
# central charge, the warnings and the control totals, all derived by hand in EXPECTED.md.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
dir=tests/fixtures/handworked

if [ ! -x "$py" ]; then
    echo "skip: $py missing"
    echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi
if ! "$BOARDPACK" check --data "$dir" --format json >"$tmp/r.json" 2>"$tmp/err"; then
    cat "$tmp/err"
    echo "e2e: 0 passed, 1 failed, 0 skipped"; exit 1
fi

"$py" - "$tmp/r.json" "$dir/expected.tsv" <<'PY'
import json, sys
from decimal import Decimal
from fractions import Fraction
from bpresults import flat

res = flat(json.load(open(sys.argv[1], encoding="utf-8"), parse_float=Decimal))
ok = bad = 0
def check(name, cond, detail=""):
    global ok, bad
    if cond:
        ok += 1
        print("ok   " + name)
    else:
        bad += 1
        print("FAIL " + name + ("  " + detail if detail else ""))

by = {}
for r in res["results"]:
    by[(r["kpi"], r["scope"], r["entity"], r["year"], r["scenario"])] = r

for line in open(sys.argv[2], encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    kpi, scope, ent, year, scen, want, status = line.rstrip("\n").split("\t")
    name = "%s %s %s %s %s" % (kpi, scope, ent, year, scen)
    r = by.get((kpi, scope, ent, year, scen))
    if r is None:
        check(name, False, "no such result")
        continue
    got = r["value"]
    if want == "null":
        good = got is None
    elif "/" in want:
        n, d = want.split("/")
        exact = Fraction(int(n), int(d))
        good = got is not None and abs(Fraction(got) - exact) <= Fraction(1, 10**15) * max(1, abs(exact))
    elif "." in want:        # money: pounds with exactly two decimals, compared as text
        good = got is not None and str(got) == want
    else:
        good = got is not None and Fraction(got) == int(want)
    check(name + " = " + want, good, "got %s" % got)
    check(name + " is " + status, r["status"] == status, "got %s" % r["status"])

# grade measures of P1 (EXPECTED.md: 2.0 -> 100, 5% -> 40, 0% -> 100)
m = by[("financial_health", "institution", "P1", "2022/23", "actual")]
check("P1 financial health grade is Outstanding", m.get("grade") == "Outstanding")
pts = {k: int(v["points"]) for k, v in m["measures"].items()}
check("P1 financial health points 100/40/100",
      pts == {"current_ratio": 100, "ebitda_pct": 40, "borrowing_pct": 100}, str(pts))
t = by[("financial_health", "trust", "trust", "2022/23", "actual")]
check("trust EBITDA a penny short of 2% scores 0", int(t["measures"]["ebitda_pct"]["points"]) == 0)

# central charge: largest remainder, shares sum to the total
cc = {(c["year"], c["scenario"]): c for c in res["central_charge"]}
a = cc[("2022/23", "actual")]
check("central charge 2022/23 total 14000.01", str(a["total"]) == "14000.01", str(a["total"]))
shares = {x["institution"]: str(x["share"]) for x in a["allocation"]}
check("central charge shares 2016.00 / 3024.00 / 8960.01",
      shares == {"P1": "2016.00", "P2": "3024.00", "S1": "8960.01"}, str(shares))
charged = {x["institution"]: str(x["charged"]) for x in a["allocation"]}
check("central charge charged 5000.00 / 2500.00 / 7500.00",
      charged == {"P1": "5000.00", "P2": "2500.00", "S1": "7500.00"}, str(charged))
b = cc[("2023/24", "budget")]
shares = {x["institution"]: str(x["share"]) for x in b["allocation"]}
check("central charge budget shares 2160.00 / 3240.00 / 9600.00",
      shares == {"P1": "2160.00", "P2": "3240.00", "S1": "9600.00"}, str(shares))

# warnings: the one reconciliation break, and only that one
w = [x["message"] for x in res["data"]["warnings"]]
rec = [x for x in w if "do not reconcile" in x]
check("one reconciliation warning, 2022/23 actual, -£100.00",
      len(rec) == 1 and "2022/23 actual" in rec[0] and "difference -£100.00" in rec[0], str(rec))

# control totals
inp = {x["file"]: x for x in res["data"]["inputs"]}
check("finance.csv 42 rows", inp["finance.csv"]["rows"] == 42)
check("finance.csv money total 2573900.02", str(inp["finance.csv"]["money_total"]) == "2573900.02",
      str(inp["finance.csv"]["money_total"]))
check("85 rows read", res["data"]["rows_read"] == 85)
print("e2e: %d passed, %d failed, 0 skipped" % (ok, bad))
sys.exit(1 if bad else 0)
PY
