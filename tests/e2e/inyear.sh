#!/bin/sh
# In-year mode (contract v2, "In-year figures", "Cash flow") on tests/fixtures/inyear-small:
# every figure of its EXPECTED.md, worked out by hand, against the results JSON; the
# output names carrying the month; --year of another year reported annually.
# Alone: BOARDPACK=./boardpack sh tests/e2e/inyear.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
dir=tests/fixtures/inyear-small

if [ ! -x "$py" ]; then
    echo "skip: $py missing"
    echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi
"$BOARDPACK" check --data "$dir" --format json >"$tmp/r.json" 2>"$tmp/err" || { cat "$tmp/err"; }

"$py" - "$tmp/r.json" >"$tmp/py.log" <<'PY'
import json, sys
from decimal import Decimal as D
from fractions import Fraction as F
from bpresults import flat
res = flat(json.load(open(sys.argv[1]), parse_float=D))
ok = bad = 0
def check(name, cond, detail=""):
    global ok, bad
    if cond: ok += 1; print("ok   " + name)
    else: bad += 1; print("FAIL " + name + " " + str(detail))
def r(kpi, ent, sc, year="2023/24"):
    for x in res["results"]:
        if x["kpi"] == kpi and x["entity"] == ent and x["scenario"] == sc and x["year"] == year:
            return x
    return None
def val(kpi, ent, sc, want, status=None):
    x = r(kpi, ent, sc)
    got = None if x is None else x["value"]
    if want is None: good = x is not None and got is None
    elif isinstance(want, F): good = got is not None and abs(F(str(got)) - want) < F(1, 10**12)
    else: good = got is not None and D(str(got)) == D(want)
    if status: good = good and x["status"] == status
    check(f"{kpi} {ent} {sc} = {want} {status or ''}", good, x)

check("schema /3", res["schema"] == "boardpack-results/3", res["schema"])
check("period M03", res.get("period") == "M03", res.get("period"))
check("no actual results of 2023/24", not any(x["year"] == "2023/24" and x["scenario"] == "actual" for x in res["results"]))
val("surplus_pct", "A", "outturn", F(1250, 12100), "red")
val("surplus_pct", "A", "ytd_actual", F(500, 3100))
val("surplus_pct", "A", "ytd_budget", F(300, 3000))
val("staff_cost_pct", "A", "outturn", F(10250, 12100), "red")
val("revenue_reserve", "A", "ytd_actual", "30000.00", "green")
val("revenue_reserve", "A", "outturn", None)
val("surplus_pct", "B", "ytd_actual", F(2670, 15120))
val("surplus_pct", "B", "ytd_budget", None)
val("surplus_pct", "B", "outturn", None)
val("staff_cost_pct", "B", "outturn", F(48900, 60600), "amber")
val("surplus_pct", "trust", "ytd_actual", F(3200, 18220))
val("non_esfa_income_pct", "trust", "outturn", F(600, 72700), "red")
val("cash_min", "A", "outturn", "40150.00", "green")
val("cash_min", "CENTRAL", "outturn", "19520.00", "none")
val("cash_min", "trust", "outturn", "60110.00", "green")
val("cash_min", "B", "outturn", None)
x = r("cash_min", "A", "outturn")
check("cash_min A target min A = 904.17", x and x["target"] == "min £904.17", x)
x = r("cash_min", "trust", "outturn")
check("cash_min trust target min A = 944.17", x and x["target"] == "min £944.17", x)
rep = {(x["scenario"], x["reported"]) for x in res["results"] if x["year"] == "2023/24"}
check("outturn reported, ytd not", ("outturn", True) in rep and ("ytd_actual", False) in rep
      and ("ytd_budget", False) in rep and ("ytd_actual", True) not in rep, rep)
check("exceptions on the outturn only", res["exceptions"] and all(
      e["scenario"] == "outturn" for e in res["exceptions"] if e["year"] == "2023/24"), res["exceptions"])
ch = {(c["scenario"]): {a["institution"]: D(str(a["share"])) for a in c["allocation"]}
      for c in res["central_charge"] if c["year"] == "2023/24"}
check("central charge on the outturn", ch.get("outturn") == {"A": D("216.00"), "B": D("864.00")}, ch)
check("central charge to date", ch.get("ytd_actual") == {"A": D("54.00"), "B": D("216.00")}, ch)
cf = {c["entity"]: c for c in res["cashflow"]}
check("cash flows of A, CENTRAL and the trust", sorted(cf) == ["A", "CENTRAL", "trust"], sorted(cf))
want = {"A": ["40150", "40300", "40500", "40550", "40600", "40650", "40750", "40850", "40950", "41050", "41150", "41250"],
        "CENTRAL": [str(19960 - 40 * i) for i in range(12)],
        "trust": ["60110", "60220", "60380", "60390", "60400", "60410", "60470", "60530", "60590", "60650", "60710", "60770"]}
for e, w in want.items():
    got = [D(str(m["closing"])) for m in cf[e]["months"]]
    check(f"cash flow {e} closings", got == [D(v) for v in w], got)
check("A sources", [m["source"] for m in cf["A"]["months"]] == ["actual"] * 3 + ["forecast"] * 3 + ["budget"] * 6)
check("trust opening", D(str(cf["trust"]["months"][0]["opening"])) == D(60000))
w = [x["message"] for x in res["data"]["warnings"]]
for m in ["budget not profiled by month: B exp.nonpay.ict",
          "outturn of exp.nonpay.ict for B has no month-by-month forecast or budget after M03",
          "outturn from a whole-year forecast rather than the actuals to M03: B income.self.lettings"]:
    check("warning: " + m, m in w, w)
check("no reconciliation warnings", not any("reconcile" in m or "does not balance" in m for m in w), w)
print(f"python: {ok} {bad}")
sys.exit(1 if bad else 0)
PY

cat "$tmp/py.log"
pass=$(sed -n 's/^python: \([0-9]*\) .*/\1/p' "$tmp/py.log"); pass=${pass:-0}
fail=$(sed -n 's/^python: [0-9]* \([0-9]*\)/\1/p' "$tmp/py.log"); fail=${fail:-1}

# names carry the month; another --year is annual
out="$tmp/out"
if "$BOARDPACK" build --data "$dir" --out "$out" >/dev/null 2>&1 && [ -f "$out/iys-2023-24-m03-results.json" ] \
   && [ -f "$out/iys-2023-24-m03.xlsx" ] && [ -f "$out/iys-2023-24-m03-board.pdf" ]; then
    ok "names carry -m03-"
else ko "names carry -m03-"; ls "$out" 2>/dev/null; fi
if "$BOARDPACK" check --data "$dir" --year 2022/23 --format json 2>/dev/null | grep -q '"period": null'; then
    ok "--year 2022/23 is annual"
else ko "--year 2022/23 is annual"; fi
summary
