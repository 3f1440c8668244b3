#!/bin/sh
# tests/e2e/inyear_workbook.sh - the in-year audit workbook of fixtures/pet-inyear (M04):
# every formula recalculates in LibreOffice to its cached value (xlsx-verify), the master
# check holds, and the figures the sheets show are the hand-worked ones of
# fixtures/pet-inyear/README.md (not the program's output).
# Run alone: make -j2 all && sh tests/e2e/inyear_workbook.sh
set -eu
BP=${BOARDPACK:-./boardpack}
PY=/usr/bin/python3
VERIFY=${XLSX_VERIFY:-../shared/tools/xlsx-verify}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$BP" build --data fixtures/pet-inyear --out "$out" >/dev/null
book="$out/pet-2023-24-m04.xlsx"
"$VERIFY" "$book" >"$out/verify.txt" 2>&1 || true
tail -1 "$out/verify.txt" | grep -q ' 0 mismatches$' || { cat "$out/verify.txt" | head -20; echo "FAIL: in-year workbook does not recalculate to its cached values"; exit 1; }
"$PY" - "$book" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
fails = []
def want(what, got, exp):
    if got is None or round(got - exp, 2) != 0:
        fails.append("%s: %r, expected %r" % (what, got, exp))
ws = wb['Checks']
if ws['C4'].value != 0: fails.append("MasterCheck is %r" % ws['C4'].value)
# Data: the period column carries the month of every monthly fact
data = wb['Data']
periods = {r[3] for r in data.iter_rows(min_row=2, values_only=True) if r[0]}
if not {'M01', 'M04', 'M12'} <= periods: fails.append("Data periods %r" % sorted(p or '' for p in periods))
# Finance, the report year's actuals to date (README "Year to date, trust"/"SFC")
fin = wb['Finance']
head = [c.value for c in fin[4]]
col = head.index('2023/24 actual')
rows = {r[1] or r[0]: r for r in fin.iter_rows(min_row=5, max_row=14, values_only=True)}
want("SFC income to date", rows['SFC'][col], 3854843.76)
want("trust consolidated income to date", rows['trust'][col], 9981509.08)
# Balance sheet at M04 (README "Cash flow": M04 closing = the actual bs.cash; opening = 2022/23's)
bs = wb['Balance sheet']
if 'end of December 2023' not in bs['A1'].value: fails.append("Balance sheet title %r" % bs['A1'].value)
cash = [r for r in bs.iter_rows(values_only=True) if r[1] == 'bs.cash'][0]
want("SFC cash at M04", cash[2], 1789816.26)
want("SFC cash 2022/23", cash[3], 1714254.27)
want("trust cash at M04", cash[12], 3875255.20)
want("trust cash 2022/23", cash[13], 3828093.93)
if fails:
    print("\n".join("FAIL: " + f for f in fails)); sys.exit(1)
print("inyear_workbook: ok")
PYEOF
