#!/bin/sh
# The audit workbook's presentation and inputs (docs/workbook.md, "Conventions";
# tests/e2e/xlsx_present.py does the checking):
#  (a) trust.csv money_units thousands changes number formats and "(£000)" notes, never a
#      value or a formula: money on the statement and KPI sheets is whole pounds or £000,
#      Data and the control totals keep their pence; negatives in brackets, never -£;
#  (b) LibreOffice and Gnumeric render the statements alike, and the figures they show
#      are those of finance.csv summed here, in pounds and in £000;
#  (c) the tab order, the input style on every input cell and on no formula, drop-down
#      lists on phase, scenario and status over the rows written and 10,000 more;
#  (d) the calculation sheets protected without a password, Data, Institutions and
#      Targets not, input cells unlocked, the Contents sheet saying how to lift it;
#  (e) one font for every cell, chart and footer; each chart's value axis starts at
#      min(0, the lowest value plotted), a negative lowest value too;
#  (f) target labels are formulas over the threshold cells whose cached text is the KPI
#      file's; four thresholds edited, LibreOffice recalculates the labels to the new
#      thresholds, and so does Gnumeric (over the label formulas alone: it takes minutes
#      over the whole workbook).
# Skips (counted) what needs /usr/bin/python3 with openpyxl, soffice or ssconvert.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
check=tests/e2e/xlsx_present.py
kpis=templates/kpis/default.kpi

have_py=false have_lo=false have_gn=false
if [ -x "$py" ] && "$py" -c 'import openpyxl' 2>/dev/null; then have_py=true; fi
if command -v soffice >/dev/null 2>&1; then have_lo=true; fi
if command -v ssconvert >/dev/null 2>&1; then have_gn=true; fi

# py ARGS...: run xlsx_present.py, counting its ok and FAIL lines
py() {
    "$py" "$check" "$@" >"$tmp/py.out" 2>&1; rc=$?
    cat "$tmp/py.out"
    p=$(grep -c '^ok ' "$tmp/py.out") f=$(grep -c '^FAIL ' "$tmp/py.out")
    pass=$((pass + p)) fail=$((fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then ko "xlsx_present.py $1 exited $rc"; fi
}

# build DIR OUT: the workbook's path on stdout
build() {
    if ! "$BOARDPACK" build --data "$1" --out "$2" >"$tmp/build.log" 2>&1; then
        sed 's/^/    /' "$tmp/build.log" >&2
        return 1
    fi
    ls "$2"/*.xlsx
}

# lo BOOK DIR [recalc]: every sheet as LibreOffice shows it, DIR/book-SHEET.csv
lo() {
    prof="$tmp/profile"
    mode=1   # "never recalculate": the cached values
    [ "${3:-}" = recalc ] && mode=0
    rm -rf "$prof"
    mkdir -p "$prof/user" "$2"
    cat >"$prof/user/registrymodifications.xcu" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>$mode</value></prop></item>
</oor:items>
EOF
    cp "$1" "$2/book.xlsx"
    # token 9 true: cells as shown, in their number formats
    timeout 600 soffice --headless --norestore -env:UserInstallation="file://$prof" \
        --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' \
        --outdir "$2" "$2/book.xlsx" >"$2/lo.log" 2>&1 && [ -f "$2/book-Finance.csv" ]
}

# gn BOOK DIR [--recalc]: every sheet as Gnumeric shows it, DIR/gn-SHEET.csv
gn() {
    mkdir -p "$2"
    timeout 600 ssconvert ${3:-} -S -T Gnumeric_stf:stf_assistant -O 'format=preserve' "$1" \
        "$2/gn-%s.csv" >"$2/gn.log" 2>&1
}

if ! $have_py; then
    sk "the workbook's presentation (python3-openpyxl)"
    summary
    exit
fi

# ---- the data sets: PET in pounds, in thousands, and with a negative staff cost ----
cp -r fixtures/pet "$tmp/k"
printf 'money_units,thousands\n' >>"$tmp/k/trust.csv"
cp -r fixtures/pet "$tmp/neg"
awk -F, 'BEGIN { OFS = "," }
    $1 == "SFC" && $2 == "2022/23" && $3 == "actual" && $4 ~ /^exp\.staff\./ { $5 = "-" $5 }
    { print }' fixtures/pet/finance.csv >"$tmp/neg/finance.csv"
if pounds=$(build fixtures/pet "$tmp/pounds") && thousands=$(build "$tmp/k" "$tmp/thousands") \
    && neg=$(build "$tmp/neg" "$tmp/neg-out"); then
    ok "builds: PET in pounds, in thousands, with a negative staff cost"
else
    ko "builds: PET in pounds, in thousands, with a negative staff cost"
    summary
    exit
fi

# ---- (a) money_units ----
py units "$pounds" "$thousands" fixtures/pet "$kpis"
py brackets "$pounds" "$thousands"

# ---- (b) rendered alike ----
for units in pounds thousands; do
    eval book=\$$units
    if ! $have_lo || ! $have_gn; then
        sk "$units: rendered by LibreOffice and Gnumeric (soffice, ssconvert)"
        continue
    fi
    if lo "$book" "$tmp/shown-$units" && gn "$book" "$tmp/shown-$units"; then
        py shown "$tmp/shown-$units" "$tmp/shown-$units" Finance "Central charge" Contents \
            "Data quality" Checks Institutions Targets Actions Workings
        py figures "$tmp/shown-$units" fixtures/pet $units
    else
        ko "$units: LibreOffice and Gnumeric write the sheets as shown"
        cat "$tmp/shown-$units"/*.log
    fi
done

# ---- (c), (d), (e) ----
py inputs "$pounds"
py protection "$pounds"
py fonts "$pounds"
py axes "$pounds"
py axes "$neg"

# ---- (f) labels ----
py labels "$pounds" "$kpis"
py edit "$pounds" "$tmp/edited.xlsx"
if $have_lo; then
    if lo "$tmp/edited.xlsx" "$tmp/edited" recalc; then
        py edited "$tmp/edited" "$pounds"
    else
        ko "LibreOffice recalculates the edited workbook"
        cat "$tmp/edited/lo.log"
    fi
else
    sk "edited labels recalculated (soffice)"
fi
if $have_gn; then
    py mini "$pounds" "$tmp/mini.xlsx"
    if gn "$tmp/mini.xlsx" "$tmp/mini" --recalc; then
        py mini-check "$tmp/mini/gn-Targets.csv" "$pounds" "$kpis"
    else
        ko "Gnumeric recalculates the labels"
        cat "$tmp/mini/gn.log"
    fi
else
    sk "edited labels in Gnumeric (ssconvert)"
fi

summary
