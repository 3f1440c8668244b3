#!/bin/sh
# The command line as a clerk or a CI job uses it: help and version, usage errors (2),
# the one option table of every command (--opt VALUE and --opt=VALUE, COMMAND --help,
# errors naming the command), the environment it hands down, data errors with
# file:line:column (65, nothing on stdout but the JSON errors object), I/O errors (74),
# --fail-on (1), --year, KPI file errors, and a messy but valid export giving exactly
# the same results as a tidy one.
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

# one option table for every command: --opt VALUE and --opt=VALUE alike, COMMAND --help
# from the table, every usage error naming the command (exit 2)
# lacks NAME FILE TEXT: FILE does not contain TEXT
lacks() {
    if grep -qF -- "$3" "$2"; then ko "$1: '$3' in $2"; else ok "$1"; fi
}
for c in check build batch; do
    case $c in
        check) opts="--data --year --format --fail-on" ;;
        build) opts="--data --out --pack --year --fail-on" ;;
        batch) opts="--root --out -j, --jobs --shard --pack --timeout --resume" ;;
    esac
    for h in --help -h; do
        expect "$c $h" 0 "$BOARDPACK" "$c" "$h"
        has "$c $h: the synopsis" "$tmp/out" "usage: boardpack $c "
        for o in $opts -h, --help; do has "$c $h mentions $o" "$tmp/out" " $o "; done
        if [ -s "$tmp/err" ]; then ko "$c $h: nothing on stderr"; else ok "$c $h: nothing on stderr"; fi
    done
    expect "$c: unknown option" 2 "$BOARDPACK" "$c" --x
    has "$c: the unknown option names the command" "$tmp/err" "boardpack $c: unknown option '--x'"
    expect "$c: a flag given a value" 2 "$BOARDPACK" "$c" --help=yes
    has "$c: the flag's message names the command" "$tmp/err" "boardpack $c: option '--help' takes no value"
    expect "$c: an argument that is no option" 2 "$BOARDPACK" "$c" stray
    has "$c: the stray argument named" "$tmp/err" "boardpack $c: unexpected argument 'stray'"
done
expect "--help=x before the other options" 2 "$BOARDPACK" check -h=x --data "$hw"
has "-h takes no value" "$tmp/err" "boardpack check: option '-h' takes no value"
expect "--help after the other options" 0 "$BOARDPACK" build --data "$hw" --out "$tmp/never" --help
if [ -e "$tmp/never" ]; then ko "build --help writes nothing"; else ok "build --help writes nothing"; fi
expect "check: --data=" 2 "$BOARDPACK" check --data=
has "check: an empty value" "$tmp/err" "boardpack check: option '--data' needs a value"
expect "build: --out without a value" 2 "$BOARDPACK" build --data "$hw" --out
has "build: the missing value named" "$tmp/err" "boardpack build: option '--out' needs a value"
expect "batch: -j without a value" 2 "$BOARDPACK" batch --root "$tmp" --out "$tmp/b" -j
has "batch: -j's missing value" "$tmp/err" "boardpack batch: option '-j' needs a value"
expect "batch: --root= without a value" 2 "$BOARDPACK" batch --root= --out "$tmp/b"
has "batch: --root's missing value" "$tmp/err" "boardpack batch: option '--root' needs a value"
expect "build: missing --out" 2 "$BOARDPACK" build --data "$hw"
has "build: the required option named" "$tmp/err" "boardpack build: --out DIR is required"
expect "batch: missing --root" 2 "$BOARDPACK" batch --out "$tmp/b"
has "batch: the required option named" "$tmp/err" "boardpack batch: --root DIR is required"
expect "batch: --jobs=0" 2 "$BOARDPACK" batch --root "$tmp" --out "$tmp/b" --jobs=0
has "batch: --jobs's range" "$tmp/err" "boardpack batch: --jobs '0': expected a number of workers from 1 to 1024"
expect "check: --format=xml" 2 "$BOARDPACK" check --data "$hw" --format=xml
has "check: --format's values" "$tmp/err" "boardpack check: --format 'xml': expected text or json"
if [ -e "$tmp/b" ]; then ko "refused batches write nothing"; else ok "refused batches write nothing"; fi

# --opt=VALUE on each command, the same run as --opt VALUE
expect "check --opt=VALUE" 0 "$BOARDPACK" check --data="$hw" --year=2023/24 --format=json
has "check --year=2023/24 sets report_year" "$tmp/out" '"report_year": "2023/24"'
cp "$tmp/out" "$tmp/eq.json"
"$BOARDPACK" check --data "$hw" --year 2023/24 --format json >"$tmp/sp.json" 2>/dev/null
if cmp -s "$tmp/eq.json" "$tmp/sp.json"; then ok "check: --opt=VALUE and --opt VALUE agree"; else ko "check: --opt=VALUE and --opt VALUE differ"; fi
expect "check --fail-on=amber" 1 "$BOARDPACK" check --data="$hw" --fail-on=amber
# the hand-worked trust has reds: --fail-on=red is read, and the files are written
expect "build --opt=VALUE" 1 "$BOARDPACK" build --data="$hw" --out="$tmp/eq" --pack=finance --year=2022/23 --fail-on=red
# finance alone: its PDF, the workbook and the results
if [ "$(ls "$tmp/eq" | tr '\n' ' ')" = "hw-2022-23-finance.pdf hw-2022-23-manifest.txt hw-2022-23-results.json hw-2022-23.xlsx " ]; then
    ok "build --pack=finance: the finance pack, the manifest, the workbook and the results"
else
    ko "build --pack=finance wrote: $(ls "$tmp/eq" | tr '\n' ' ')"
fi
has "build: the files counted" "$tmp/out" "wrote 4 files into $tmp/eq"
mkdir "$tmp/root"
cp -r "$hw" "$tmp/root/a"
cp -r "$hw" "$tmp/root/b"
cp -r "$hw" "$tmp/root/c"
# folders a, b, c are 0, 1, 2 in name order: shard 2 of 2 is b alone (1 mod 2 = 1)
expect "batch --opt=VALUE" 0 "$BOARDPACK" batch --root="$tmp/root" --out="$tmp/bo" --jobs=1 --shard=2/2 --pack=finance
if [ "$(ls "$tmp/bo" | tr '\n' ' ')" = "b summary.csv summary.json " ] && [ "$(ls "$tmp/bo/b" | wc -l)" -eq 4 ]; then
    ok "batch --root= --out= --shard=2/2 --pack=: b alone, four files"
else
    ko "batch --opt=VALUE wrote: $(ls -R "$tmp/bo" | tr '\n' ' ')"
fi
has "batch --jobs=1: one worker" "$tmp/bo/summary.json" '"shard": "2/2", "workers": 1, "total": 1'
expect "batch -jN" 0 "$BOARDPACK" batch --root "$tmp/root" --out "$tmp/bj" -j2 --shard 1/2 --pack finance
has "batch -j2: two workers, a and c" "$tmp/bj/summary.json" '"shard": "1/2", "workers": 2, "total": 2'
expect "batch -j=N" 0 "$BOARDPACK" batch --root "$tmp/root" --out "$tmp/bk" -j=3 --shard=1/3 --pack=finance
has "batch -j=3: three workers, a alone" "$tmp/bk/summary.json" '"shard": "1/3", "workers": 3, "total": 1'

# the environment is read by the command line and handed to the library: the templates
# folder (KPIs and packs) and the prepared fonts
mkdir -p "$tmp/tpl/packs"
cp -r templates/kpis "$tmp/tpl/kpis"
cp templates/packs/finance.pack "$tmp/tpl/packs/"
expect "BOARDPACK_TEMPLATES: its packs" 0 env BOARDPACK_TEMPLATES="$tmp/tpl" "$BOARDPACK" build --data "$hw" --out "$tmp/tp"
has "BOARDPACK_TEMPLATES: the one pack there, the workbook, the results and the manifest" "$tmp/out" "wrote 4 files into $tmp/tp"
expect "BOARDPACK_TEMPLATES: --pack checked against its packs" 2 env BOARDPACK_TEMPLATES="$tmp/tpl" "$BOARDPACK" build --data "$hw" --out "$tmp/tq" --pack board
has "BOARDPACK_TEMPLATES: the packs listed" "$tmp/err" "boardpack: no pack 'board' (packs: finance)"
expect "BOARDPACK_TEMPLATES: its KPI set" 74 env BOARDPACK_TEMPLATES="$tmp/none" "$BOARDPACK" check --data "$hw"
has "BOARDPACK_TEMPLATES: no default.kpi there" "$tmp/err" "templates/kpis/default.kpi: error: cannot be read: No such file or directory"
expect "BOARDPACK_TEMPLATES empty: the default" 0 env BOARDPACK_TEMPLATES= "$BOARDPACK" check --data "$hw"
mkdir "$tmp/nofonts"
BOARDPACK_FONTS=$tmp/nofonts "$BOARDPACK" build --data "$hw" --out "$tmp/ff" --pack finance >/dev/null 2>&1
"$BOARDPACK" build --data "$hw" --out "$tmp/fs" --pack finance >/dev/null 2>&1
full=$(wc -c <"$tmp/ff/hw-2022-23-finance.pdf") small=$(wc -c <"$tmp/fs/hw-2022-23-finance.pdf")
# without the prepared fonts the pack is set in the full DejaVu fonts: more glyphs embedded
if [ "$full" -gt "$small" ]; then ok "BOARDPACK_FONTS without fonts: the full fonts ($full > $small bytes)"; else ko "BOARDPACK_FONTS: $full, $small bytes"; fi

# --fail-on: the hand-worked trust has red and amber results in the reporting window
expect "--fail-on red with reds" 1 "$BOARDPACK" check --data "$hw" --fail-on red --format json
has "--fail-on still prints the results" "$tmp/out" '"schema": "boardpack-results/3"'
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
from bpresults import flat
d = flat(json.load(open(sys.argv[1])))
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
from bpresults import flat
a, b = flat(json.load(open(sys.argv[1]))), flat(json.load(open(sys.argv[2])))
sys.exit(0 if a["results"] == b["results"] and a["central_charge"] == b["central_charge"] else 1)
PY
has "unknown column is a warning" "$tmp/out" "Note"

summary
