#!/bin/sh
# The workbook's financial statements (issue #13, "Statements"): Income and expenditure,
# Budget v actual, Balance sheet, Reserves, the Finance totals and the Scorecard's prior
# year, for fixtures/pet, fixtures/second-trust and tests/fixtures/balance (a balance
# sheet with every v2 code, worked by hand in its EXPECTED.md):
#  (a) every figure equals the sums of finance.csv worked out in tests/e2e/statements_check.py
#      (Decimal, pence), every total the sum of the lines shown, variances favourable
#      positive with their % and word, net assets as DATA.md has them, the revenue reserve
#      rolled forward, every check cell 0;
#  (b) the balance data set's figures as EXPECTED.md works them out;
#  (c) tamper tests, in LibreOffice (tests/e2e/lo_edit.py): a constant typed over a formula
#      feeding each registered check turns that check non-zero; sorting Data leaves every
#      check cell at 0;
#  (d) Gnumeric agrees with every cached value of the balance data set's workbook (the
#      fixtures' are tests/e2e/workbook.sh's).
# On its own: BOARDPACK=./boardpack sh tests/e2e/statements.sh.  Skips (counted) what needs
# python3-openpyxl, soffice with python3-uno, or ssconvert when they are missing.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
e2e=$(dirname "$0")
: "${LO_TIMEOUT:=240}" "${GNUMERIC_TIMEOUT:=120}"

run() {
    what=$1; shift
    "$@" >"$tmp/py.out" 2>&1; rc=$?
    cat "$tmp/py.out"
    p=$(grep -c '^ok ' "$tmp/py.out") f=$(grep -c '^FAIL ' "$tmp/py.out")
    pass=$((pass + p)) fail=$((fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then ko "$what: exited $rc"; fi
}

have_py=false have_lo=false have_gn=false
if [ -x "$py" ] && "$py" -c 'import openpyxl' 2>/dev/null; then have_py=true; fi
if $have_py && command -v soffice >/dev/null 2>&1 && "$py" -c 'import uno' 2>/dev/null; then have_lo=true; fi
if command -v ssconvert >/dev/null 2>&1; then have_gn=true; fi
if ! $have_py; then
    sk "statements (python3-openpyxl)"
    summary
    exit $?
fi

for dir in fixtures/pet fixtures/second-trust tests/fixtures/balance; do
    name=$(basename "$dir")
    if ! "$BOARDPACK" build --data "$dir" --out "$tmp/$name" >"$tmp/build.log" 2>&1; then
        ko "$name: build"; sed 's/^/    /' "$tmp/build.log"; continue
    fi
    book=$(ls "$tmp/$name"/*.xlsx)
    ok "$name: build writes $(basename "$book")"
    run "$name statements" "$py" "$e2e/statements_check.py" check "$book" "$dir"
    if $have_lo; then
        run "$name tamper" "$py" "$e2e/statements_check.py" tamper "$book" "$LO_TIMEOUT"
    else
        sk "$name: tamper tests (libreoffice-calc-nogui, python3-uno)"
    fi
done

# ---- (b) the hand-worked figures of tests/fixtures/balance/EXPECTED.md ----
book=$(ls "$tmp/balance"/*.xlsx 2>/dev/null)
if [ -n "$book" ]; then
    got=$("$py" - "$book" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
def row(sheet, label):
    for r in wb[sheet].iter_rows(values_only=True):
        if r[0] and str(r[0]).strip() == label:
            return r
bs, rs = row("Balance sheet", "Net assets"), row("Reserves", "Closing revenue reserve (opening + result)")
tf = row("Balance sheet", "Total funds")
ie = row("Income and expenditure", "In-year result (income less expenditure)")
print(bs[2:10], tf[2:10], rs[2:6], ie[2:8])
PY
)
    want="(1735000.25, 1700000, 'n/a', 'n/a', 'n/a', 'n/a', 1800000.25, 1765000) (1735000.25, 1700000, 45000, 50000, 20000, 15000, 1800000.25, 1765000) (130000.25, 45000, 20000, 195000.25) (30000.25, -5000, 5000, 30000.25, 0, 30000.25)"
    if [ "$got" = "$want" ]; then ok "balance: net assets, funds, closing reserves and results as EXPECTED.md works them out"
    else ko "balance: hand-worked figures: got $got, want $want"; fi
fi

# ---- (d) ----
if [ -n "$book" ] && $have_gn; then
    run "balance gnumeric" "$py" "$e2e/gnumeric_recalc.py" --timeout "$GNUMERIC_TIMEOUT" "$book"
else
    sk "balance: Gnumeric recalculation (gnumeric)"
fi

summary
