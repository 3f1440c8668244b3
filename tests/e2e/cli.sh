#!/bin/sh
# The command line as a clerk or a CI job uses it: help and version, usage errors (2),
# data errors with file:line:column (65, nothing on stdout but the JSON errors object),
# I/O errors (74), --fail-on (1), --year, KPI file errors, and a messy but valid export
# giving exactly the same results as a tidy one.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
hw=tests/fixtures/handworked
# expect NAME RC CMD...: run CMD, compare its exit status
expect() {
    name=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; else ko "$name: exit $rc, expected $want"; cat "$tmp/err"; fi
}
has() {  # has NAME FILE TEXT: FILE contains TEXT (fixed string)
    if grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1: '$3' not in $2"; sed 's/^/    /' "$2" | head -20; fi
}

expect "--version" 0 "$BOARDPACK" --version
has "--version prints the version" "$tmp/out" "boardpack 0.1.0"
expect "--help" 0 "$BOARDPACK" --help
has "--help shows check" "$tmp/out" "boardpack check --data DIR"
expect "no arguments" 2 "$BOARDPACK"
expect "unknown command" 2 "$BOARDPACK" frobnicate
has "unknown command named" "$tmp/err" "unknown command 'frobnicate'"
expect "unknown option" 2 "$BOARDPACK" check --data "$hw" --colour
has "unknown option named" "$tmp/err" "unknown option '--colour'"
expect "missing --data" 2 "$BOARDPACK" check
expect "bad --format" 2 "$BOARDPACK" check --data "$hw" --format xml
expect "bad --year" 2 "$BOARDPACK" check --data "$hw" --year 2022
expect "bad --fail-on" 2 "$BOARDPACK" check --data "$hw" --fail-on green
expect "option without value" 2 "$BOARDPACK" check --data
expect "missing data directory" 74 "$BOARDPACK" check --data "$tmp/nowhere"
has "missing directory named" "$tmp/err" "nowhere: error: cannot open the data set: No such file or directory"

# --fail-on: the hand-worked trust has red and amber results in the reporting window
expect "--fail-on red with reds" 1 "$BOARDPACK" check --data "$hw" --fail-on red --format json
has "--fail-on still prints the results" "$tmp/out" '"schema": "boardpack-results/1"'
expect "--fail-on amber with ambers" 1 "$BOARDPACK" check --data "$hw" --fail-on amber
expect "no --fail-on: exit 0" 0 "$BOARDPACK" check --data "$hw"

# a trust with only green results passes --fail-on amber
mkdir "$tmp/green"
cp "$hw/trust.csv" "$hw/institutions.csv" "$tmp/green/"
printf 'institution,year,scenario,code,value\nP1,2022/23,actual,income.esfa.gag,800\nP1,2022/23,actual,income.self.lettings,200\nP1,2022/23,actual,exp.staff.teaching,700\nP1,2022/23,actual,exp.nonpay.cpd,10\nP1,2022/23,actual,exp.nonpay.other,280\n' >"$tmp/green/finance.csv"
expect "all green: --fail-on amber exits 0" 0 "$BOARDPACK" check --data "$tmp/green" --fail-on amber

# --year moves the reporting window
expect "--year 2023/24" 0 "$BOARDPACK" check --data "$hw" --year 2023/24 --format json
has "--year sets report_year" "$tmp/out" '"report_year": "2023/24"'

# data errors: every one reported with file:line:column, exit 65, JSON errors object
mkdir "$tmp/bad"
cp "$hw"/*.csv "$tmp/bad/"
# line 3: 3 decimal places; line 5: unknown institution; line 7: the key of line 4 again
"$py" - "$tmp/bad/finance.csv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
lines[2] = "P1,2022/23,actual,exp.staff.teaching,80000.123"
lines[4] = "XX,2022/23,actual,exp.nonpay.other,1"
lines[6] = "P1,2022/23,actual,exp.nonpay.cpd,1"
open(p, "w").write("\n".join(lines))
PY
expect "data errors exit 65" 65 "$BOARDPACK" check --data "$tmp/bad" --format json
has "money error at line 3 column 38" "$tmp/err" 'finance.csv:3:38: error: found "80000.123" in column "value", expected money in pounds with at most 2 decimal places'
has "unknown institution at line 5 column 1" "$tmp/err" "finance.csv:5:1: error:"
has "duplicate fact at line 7" "$tmp/err" "finance.csv:7:"
if "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); e=d["errors"]; sys.exit(0 if len(e)==3 and all(set(x)>={"file","line","column","message"} for x in e) and "results" not in d else 1)' "$tmp/out"; then
    ok "JSON errors object lists all three errors"
else
    ko "JSON errors object"; cat "$tmp/out"
fi

# an invalid kpis.kpi in the data set
mkdir "$tmp/kpi"
cp "$hw"/*.csv "$tmp/kpi/"
printf 'kpi my_kpi\n  name: Mine\n  expr: sum(exp.staff) /\n' >"$tmp/kpi/kpis.kpi"
expect "bad kpis.kpi exits 65" 65 "$BOARDPACK" check --data "$tmp/kpi"
has "KPI error with line and column" "$tmp/err" "kpis.kpi:3:25: error: expected a number, a fact code, a function or '(', found end of expression"
printf 'kpi my_kpi\n  name: Mine\n  expr: sum(staf.costs) / income\n' >"$tmp/kpi/kpis.kpi"
expect "unknown code in kpis.kpi exits 65" 65 "$BOARDPACK" check --data "$tmp/kpi"
has "unknown code named" "$tmp/err" "kpis.kpi:3:9: error: unknown fact code 'staf.costs'"

# a data set's own KPI file extends the defaults and may replace one
printf 'kpi staff_cost_pct\n  name: Staff costs (own)\n  unit: percent\n  expr: sum(exp.staff) / income\n  target: max 90%%\nkpi lettings\n  name: Lettings income\n  unit: money\n  expr: sum(income.self.lettings, 0)\n' >"$tmp/kpi/kpis.kpi"
expect "own kpis.kpi" 0 "$BOARDPACK" check --data "$tmp/kpi" --format json
"$py" - "$tmp/out" <<'PY' && ok "own KPI added and default replaced" || ko "own KPI added and default replaced"
import json, sys
d = json.load(open(sys.argv[1]))
r = {(x["kpi"], x["entity"], x["year"], x["scenario"]): x for x in d["results"]}
# S1 lettings 30,000.00; P2 staff 82% is green against the replaced 90% ceiling;
# the other defaults are still there
sys.exit(0 if str(r[("lettings", "S1", "2022/23", "actual")]["value"]) == "30000.0"
         and r[("staff_cost_pct", "P2", "2022/23", "actual")]["status"] == "green"
         and ("surplus_pct", "P1", "2022/23", "actual") in r else 1)
PY

# a messy export of the same data: BOM, CRLF, columns reordered and renamed in another
# case with spaces, pound signs, thousands separators, blank lines, an unknown column
mkdir "$tmp/messy"
cp "$hw"/*.csv "$tmp/messy/"
"$py" - "$hw/finance.csv" "$tmp/messy/finance.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    f.write("\ufeff")
    f.write(" Value ,CODE,Scenario,Year,Institution,Note\r\n")
    for i, r in enumerate(rows):
        v = r["value"].replace(",", "").replace("£", "")
        neg = v.startswith("(") or v.startswith("-")
        v = v.strip("()-")
        whole, _, frac = v.partition(".")
        grouped = "{:,}".format(int(whole)) + ("." + frac if frac else "")
        v = ("(£%s)" % grouped) if neg else ("£" + grouped)
        f.write('"%s", %s ,%s,%s,%s,exported\r\n' % (v, r["code"], r["scenario"], r["year"].replace("/", "-"), r["institution"]))
        if i % 10 == 0:
            f.write("\r\n")
PY
"$BOARDPACK" check --data "$hw" --format json >"$tmp/tidy.json" 2>/dev/null
expect "messy export loads" 0 "$BOARDPACK" check --data "$tmp/messy" --format json
"$py" - "$tmp/tidy.json" "$tmp/out" <<'PY' && ok "messy export gives exactly the same results" || ko "messy export gives exactly the same results"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if a["results"] == b["results"] and a["central_charge"] == b["central_charge"] else 1)
PY
has "unknown column is a warning" "$tmp/out" "Note"

summary
