#!/bin/sh
# The shipped fixtures: each loads and checks cleanly, its JSON has every KPI of its KPI
# set for every institution, phase and the trust, and a different trust runs on its own
# KPIs with no code change.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3

if [ ! -x "$py" ]; then
    skip=$((skip + 1)); echo "skip: $py missing"
    echo "e2e: $pass passed, $fail failed, $skip skipped"; exit 0
fi

for fx in pet second-trust; do
    dir=fixtures/$fx
    if "$BOARDPACK" check --data "$dir" --format json >"$tmp/$fx.json" 2>"$tmp/$fx.err"; then
        ok "$fx: check --format json exits 0"
    else
        ko "$fx: check --format json failed"; cat "$tmp/$fx.err"; continue
    fi
    if "$BOARDPACK" check --data "$dir" >"$tmp/$fx.txt" 2>&1 && grep -q "EXCEPTIONS" "$tmp/$fx.txt" \
        && grep -q "DATA QUALITY" "$tmp/$fx.txt"; then
        ok "$fx: text report has scorecard, exceptions and data quality"
    else
        ko "$fx: text report"
    fi
    # every KPI id defined in the templates (and the data set's own file) appears for
    # every institution, every phase with institutions and the trust, in the report year;
    # but cash_min, which has results only where cash.* facts exist (contract v2, "New
    # default KPIs": the shipped fixtures have none, so it has no rows)
    if "$py" - "$tmp/$fx.json" templates/kpis/default.kpi "$dir" <<'PY'
import csv, json, os, re, sys
from bpresults import flat
res = flat(json.load(open(sys.argv[1])))
ids = []
def kpi_ids(path):
    out, replace = [], False
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].rstrip()
        if re.match(r"^defaults:\s*replace", line.strip()): replace = True
        m = re.match(r"^(kpi|grade)\s+([a-z0-9_]+)\s*$", line)
        if m: out.append(m.group(2))
    return out, replace
ids, _ = kpi_ids(sys.argv[2])
fin = os.path.join(sys.argv[3], "finance.csv")
has_cash = os.path.exists(fin) and any(",cash." in ln for ln in open(fin, encoding="utf-8-sig"))
if not has_cash: ids = [k for k in ids if k != "cash_min"]
own = os.path.join(sys.argv[3], "kpis.kpi")
if os.path.exists(own):
    extra, replace = kpi_ids(own)
    ids = extra if replace else ids + [k for k in extra if k not in ids]
insts, phases = [], set()
with open(os.path.join(sys.argv[3], "institutions.csv"), encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
        insts.append(row["id"])
        if row["phase"] != "central": phases.add(row["phase"])
year = res["report_year"]
have = {(r["kpi"], r["scope"], r["entity"]) for r in res["results"]
        if r["year"] == year and r["scenario"] == "actual"}
missing = [(k, s, e) for k in ids for s, ents in
           (("institution", insts), ("phase", sorted(phases)), ("trust", ["trust"]))
           for e in ents if (k, s, e) not in have]
if missing:
    print("missing results:", missing[:10], "... of", len(missing)); sys.exit(1)
for key in ("schema", "version", "trust", "report_year", "results", "data"):
    assert key in res, key
for key in ("inputs", "rows_read", "warnings"):
    assert key in res["data"], key
print(len(ids), "KPIs x", len(insts), "institutions,", len(phases), "phases and the trust")
PY
    then ok "$fx: JSON has every KPI for every institution, phase and the trust"
    else ko "$fx: JSON coverage"; fi
done

# The PET fixture is designed with red, amber and green results.
if "$py" -c '
import json, sys
from bpresults import flat
r = flat(json.load(open(sys.argv[1])))
st = {x["status"] for x in r["results"] if x["reported"]}
sys.exit(0 if {"green", "amber", "red"} <= st else 1)' "$tmp/pet.json"; then
    ok "pet: a mix of green, amber and red"
else ko "pet: status mix"; fi

# The second trust's own aims are evaluated from its own kpis.kpi.
if grep -q "good_within_3\|p8_disadvantaged" "$tmp/second-trust.json" 2>/dev/null; then
    ok "second-trust: its own KPIs are in the results"
else ko "second-trust: own KPIs missing"; fi

# Control totals: every money value of each file summed independently from the CSV text
# (Python's csv and Decimal, not the C loader) must equal the JSON's money_total.
for fx in pet second-trust; do
    if "$py" - "$tmp/$fx.json" "fixtures/$fx" <<'PY'
import csv, json, os, sys
from decimal import Decimal
from bpresults import flat
res = flat(json.load(open(sys.argv[1]), parse_float=Decimal))
money_heads = ("income", "exp", "memo", "bs")
def money(code): return code.split(".")[0] in money_heads
def amount(text):
    t = text.strip().replace("£", "").replace(",", "")
    neg = t.startswith("(") and t.endswith(")")
    if neg: t = t[1:-1]
    v = Decimal(t)
    return -v if neg else v
want = {}
for name in ("finance.csv", "staff.csv", "students.csv", "governance.csv", "courses.csv"):
    path = os.path.join(sys.argv[2], name)
    if not os.path.exists(path): continue
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    total, any_money = Decimal(0), False
    for r in rows:
        r = {k.strip().lower(): v for k, v in r.items()}
        if name == "courses.csv":
            total += amount(r["income"]) + amount(r["direct_costs"]); any_money = True
        elif money(r["code"].strip()):
            total += amount(r["value"]); any_money = True
    want[name] = (len(rows), total if any_money else None)
got = {i["file"]: (i["rows"], None if i["money_total"] is None else Decimal(str(i["money_total"])).quantize(Decimal("0.01")))
       for i in res["data"]["inputs"]}
bad = [(k, want[k], got.get(k)) for k in want if got.get(k) != want[k]]
if bad: print(bad); sys.exit(1)
PY
    then ok "$fx: rows and money control totals equal an independent sum of the CSV text"
    else ko "$fx: control totals"; fi
done

summary
