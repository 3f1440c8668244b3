#!/bin/sh
# The data of contract v2 that issue #14's packs use (docs/data-format.md, kpi-format.md,
# pack-format.md): the default KPI revenue_reserve (an academy in cumulative deficit is
# red; no results where the data set has no reserves), trust.csv's local_tier in the
# packs' prose and headings, the DfE rather than the closed ESFA in labels and the
# financial health grade named as the FE and sixth-form-college method.  actions.csv's
# kpis column and the pack setting max_exceptions are in the bad-input catalogue
# (tests/bad/168-170) and the unit tests; the exceptions they feed in exceptions.sh.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
base=tests/fixtures/handworked

for tool in pdftotext "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"
        echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done

data() { rm -rf "$1" && mkdir -p "$1" && cp "$base"/*.csv "$1"/; }

# ---- revenue_reserve on the second trust: red exactly where the CSV's reserve is below 0 ----
"$BOARDPACK" check --data fixtures/second-trust --format json >"$tmp/h.json" 2>/dev/null
if "$py" - "$tmp/h.json" fixtures/second-trust/finance.csv <<'PY'
import csv, json, sys
from decimal import Decimal
from bpresults import flat
res = flat(json.load(open(sys.argv[1]), parse_float=Decimal))
want = {}
with open(sys.argv[2], encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        if r["code"] == "bs.reserves.revenue" and r["institution"] != "CENTRAL":
            key = (r["institution"], r["year"], r["scenario"])
            want[key] = want.get(key, Decimal(0)) + Decimal(r["value"].replace(",", ""))
got = {(x["entity"], x["year"], x["scenario"]): x for x in res["results"]
       if x["kpi"] == "revenue_reserve" and x["scope"] == "institution" and x["entity"] != "CENTRAL"
       and x["value"] is not None}
assert set(got) == set(want), (sorted(set(got) ^ set(want)))
for k, v in want.items():
    assert Decimal(str(got[k]["value"])) == v, (k, got[k]["value"], v)
    assert got[k]["status"] == ("red" if v < 0 else "green"), (k, got[k]["status"], v)
# the contract's example: the two academies carrying inherited deficits
for inst in ("CVA", "OAK"):
    assert got[(inst, "2022/23", "actual")]["status"] == "red", inst
exc = {(x["kpi"], x["entity"], x["year"], x["scenario"]) for x in res["exceptions"]}
assert ("revenue_reserve", "CVA", "2022/23", "actual") in exc
assert ("revenue_reserve", "OAK", "2022/23", "actual") in exc
PY
then ok "second-trust: revenue_reserve red where the CSV's reserve is below 0 (CVA, OAK in 2022/23)"
else ko "second-trust: revenue_reserve"; fi

# ---- no reserves in the data set: no revenue_reserve results at all, not rows of no data ----
data "$tmp/nores"
grep -v 'bs.reserves.revenue' "$base/finance.csv" >"$tmp/nores/finance.csv"
"$BOARDPACK" check --data "$tmp/nores" --format json >"$tmp/nores.json" 2>/dev/null; rc=$?
"$BOARDPACK" check --data "$tmp/nores" >"$tmp/nores.txt" 2>/dev/null
if [ "$rc" -eq 0 ] && ! grep -q revenue_reserve "$tmp/nores.json" \
    && ! grep -q 'Revenue reserve of each academy' "$tmp/nores.txt" && grep -q reserves_total "$tmp/nores.json"; then
    ok "no bs.reserves.revenue: no revenue_reserve results (reserves_total, a v1 KPI, stays)"
else
    ko "no reserves: exit $rc, revenue_reserve still there"
fi
# ... unless an action names it: then it stays, so that the action's id names a KPI
printf 'id,title,summary\ngrowth,Growth,\n' >"$tmp/nores/ambitions.csv"
printf 'id,institution,ambition,plan,action,owner,due,status,updated,evidence,kpis\nA1,P1,growth,,Rebuild the reserve,Head,2024-03-31,on_track,,,revenue_reserve\n' \
    >"$tmp/nores/actions.csv"
"$BOARDPACK" check --data "$tmp/nores" --format json >"$tmp/nores2.json" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && grep -q '"kpi": "revenue_reserve"' "$tmp/nores2.json"; then
    ok "no reserves but an action names revenue_reserve: kept (no data), the action loads"
else
    ko "no reserves, action names it: exit $rc"; head -n 5 "$tmp/err"
fi
# the hand-worked trust holds reserves: P1 200,000, P2 300,000, S1 500,000, all green
"$BOARDPACK" check --data "$base" --format json >"$tmp/hw.json" 2>/dev/null
if "$py" -c '
import json, sys
from bpresults import flat
r = flat(json.load(open(sys.argv[1])))
got = {x["entity"]: (x["value"], x["status"]) for x in r["results"]
       if x["kpi"] == "revenue_reserve" and x["year"] == "2022/23" and x["scenario"] == "actual"
       and x["scope"] == "institution"}
want = {"P1": (200000.0, "green"), "P2": (300000.0, "green"), "S1": (500000.0, "green")}
sys.exit(0 if all(got.get(k) == v for k, v in want.items()) and got.get("CENTRAL", (None, "none"))[1] == "none" else 1)
' "$tmp/hw.json"; then
    ok "hand-worked: revenue_reserve P1 200,000, P2 300,000, S1 500,000 green; the centre has no target"
else
    ko "hand-worked revenue_reserve"
fi

# ---- local_tier: what the trust calls its local tier, in the packs' prose and headings ----
data "$tmp/tier"
printf 'local_tier,academy council\n' >>"$tmp/tier/trust.csv"
if "$BOARDPACK" build --data "$tmp/tier" --out "$tmp/tier-out" --pack lgb >/dev/null 2>"$tmp/err"; then
    pdftotext "$tmp/tier-out/hw-2022-23-lgb-P1.pdf" "$tmp/tier.txt" 2>/dev/null
    if grep -q 'Academy council pack' "$tmp/tier.txt" && grep -q 'Academy council: Primary One' "$tmp/tier.txt" \
        && grep -q 'this academy council' "$tmp/tier.txt" && grep -q "the academy council's institutions" "$tmp/tier.txt" \
        && ! grep -qi 'governing body' "$tmp/tier.txt"; then
        ok "local_tier academy council: cover, title, prose and headings say it, never 'governing body'"
    else
        ko "local_tier in the LGB pack"; grep -i 'governing\|council' "$tmp/tier.txt" | head -n 8
    fi
    if [ -f "$tmp/tier-out/hw-2022-23-lgb-P1.pdf" ] && [ -f "$tmp/tier-out/hw-2022-23-lgb-S1.pdf" ]; then
        ok "local_tier: the files keep their lgb names"
    else
        ko "local_tier: file names"; ls "$tmp/tier-out"
    fi
else
    ko "local_tier build failed"; head -n 5 "$tmp/err"
fi
"$BOARDPACK" build --data "$base" --out "$tmp/deftier" --pack lgb >/dev/null 2>&1
pdftotext "$tmp/deftier/hw-2022-23-lgb-P1.pdf" "$tmp/deftier.txt" 2>/dev/null
if grep -q 'Local governing body pack' "$tmp/deftier.txt" && grep -q 'Local governing body: Primary One' "$tmp/deftier.txt" \
    && grep -q 'this local governing body' "$tmp/deftier.txt"; then
    ok "no local_tier: local governing body"
else
    ko "default local tier"; grep -i 'governing' "$tmp/deftier.txt" | head -n 5
fi
data "$tmp/notier"
printf 'local_tier,\n' >>"$tmp/notier/trust.csv"
"$BOARDPACK" check --data "$tmp/notier" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 65 ] && grep -qxF '  trust.csv:8:12: error: found an empty value in column "value", expected what the trust calls its local tier, such as local governing body' "$tmp/err"; then
    ok "an empty local_tier: an error at its value"
else
    ko "empty local_tier: exit $rc"; head -n 5 "$tmp/err"
fi

# ---- DfE, not the ESFA (closed in 2025), in every label; the FE and sixth-form-college method ----
"$BOARDPACK" build --data fixtures/pet --out "$tmp/pet" >/dev/null 2>&1
for f in "$tmp"/pet/*.pdf; do pdftotext "$f" - 2>/dev/null; done >"$tmp/pet.txt"
# the methodology prints each formula, whose codes keep their names (income.esfa); the
# authors' own words (commentary.csv's "Non-ESFA income grew ...", an action's evidence
# "Non-ESFA income 13.2% of total") are theirs to change: only those lines may say ESFA
if grep -q 'DfE grants' "$tmp/pet.txt" && grep -q 'Income from sources other than the DfE' "$tmp/pet.txt" \
    && ! grep 'ESFA' "$tmp/pet.txt" | grep -v 'Commentary: Non-ESFA income grew\|Non-ESFA income 13.2% of total' | grep -q .; then
    ok "pet packs: DfE in labels, no ESFA (codes such as income.esfa stay)"
else
    ko "pet packs: ESFA still in labels"; grep -n 'ESFA' "$tmp/pet.txt" | head -n 5
fi
if grep -q 'FE and sixth-form-college method' "$tmp/pet.txt" && ! grep -qi 'ESFA-style' "$tmp/pet.txt"; then
    ok "pet packs: the financial health grade is the FE and sixth-form-college method"
else
    ko "pet packs: the grade's method"
fi

summary
