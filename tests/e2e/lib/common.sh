# Sourced by every tests/e2e/*.sh: the binary under test, a scratch directory removed on
# exit, the pass/fail/skip counters and the summary line tests/run.sh reads.
set -u
: "${BOARDPACK:=./boardpack}"
pass=0 fail=0 skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
sk() { skip=$((skip + 1)); echo "skip $1"; }

# The last line of a script: the counts, and its exit status.
summary() {
    echo "e2e: $pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
}

# The checks read results JSON through tests/e2e/lib/bpresults.py: its results as one
# row per result, whatever the schema - in Python (`from bpresults import flat`, on the
# path here), and in the shell `results_rows FILE`, a result a line.
e2e_lib="$(cd "$(dirname "$0")" && pwd)/lib"
PYTHONPATH="$e2e_lib${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
results_rows() { /usr/bin/python3 "$e2e_lib/bpresults.py" "$1"; }

# lo_recalc BOOK CSVDIR: LibreOffice loads a copy of BOOK (CSVDIR/book.xlsx), recalculating
# every formula because the profile says so for OOXML and ODF, and writes each sheet as CSV
# (CSVDIR/book-SHEET.csv) - for `tests/e2e/xlsx_check.py recalc BOOK CSVDIR`, which
# compares every formula's recalculated value with the one cached in BOOK.  The project's
# own check, so that no test needs a tool from outside the repository.
lo_recalc() {
    prof="$tmp/lo-profile"
    if [ ! -d "$prof/user" ]; then
        mkdir -p "$prof/user"
        cat >"$prof/user/registrymodifications.xcu" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
EOF
    fi
    mkdir -p "$2"
    cp "$1" "$2/book.xlsx"
    timeout 600 soffice --headless --norestore -env:UserInstallation="file://$prof" \
        --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
        --outdir "$2" "$2/book.xlsx" >"$2/lo.log" 2>&1 || return 1
    ls "$2"/book-*.csv >/dev/null 2>&1
}
