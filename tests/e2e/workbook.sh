#!/bin/sh
# The audit workbook used as a finance team uses it (issue #13, "How it is checked"), for
# the workbooks `boardpack build` writes for fixtures/pet and fixtures/second-trust
# (horizon):
#  (a) openpyxl loads each with no warning (every warning an error);
#  (b) Gnumeric (ssconvert --recalc) agrees with the cached value of every formula cell -
#      money to the penny, other numbers to 1e-12 relative, text exactly
#      (tests/e2e/gnumeric_recalc.py); the time it took is printed, not asserted (timed
#      tests fail on a loaded machine: docs/workbook.md records the figures), and
#      GNUMERIC_TIMEOUT only stops a hang;
#  (c) each edit of edits() below, made in headless LibreOffice (tests/e2e/lo_edit.py) on
#      a fresh copy and followed by a full recalculation, against the book as built,
#      recalculated the same way (tests/e2e/workbook_check.py edit):
#      "unchanged": every formula cell outside Data keeps its value, and Data its rows;
#      "moves": the figures worked out from the CSVs (consolidated income, two KPIs of
#      the institution) move by exactly the appended amount, every formula cell the
#      engine moves for the data with that fact added equals the engine's, and every
#      other keeps its value;
#      and the Checks sheet (docs/workbook.md, "Checks"): the book as built has the master
#      check (MasterCheck) 0 and every provenance check green (ProvenanceCheck 0); every
#      edit keeps MasterCheck 0; sort, filter and move keep the provenance green, append
#      and insert turn it red ("Data differs from the input files")
#      (workbook_check.py checks);
#  (d) the Checks sheet's tamper tests, on one more fresh copy in the same LibreOffice
#      session (workbook_check.py plan, then tampers): a phase changed on Institutions and
#      a threshold edited on Targets keep MasterCheck 0 and the provenance green; then one
#      tamper per integrity check listed on Checks - a formula cell it covers overwritten
#      with a constant (the sheet's protection lifted), a value typed below a bounded
#      range, a fact appended that the sums block cannot count - makes that check fail
#      and MasterCheck not 0.  Each is undone before the next (lo_edit.py restore) and
#      read after recalculating what it made dirty (lo_edit.py quick): seconds, not a
#      reload and a full recalculation each.  A check a sheet registers (xl_add_check)
#      has its tamper without more ado: the last cell its block's first formula reads,
#      overwritten with its value plus one; a check of another kind needs a line in
#      workbook_check.py tamper_plan(), which fails the test until it has one.
# Cells are found by their labels, not their addresses (workbook_check.py figures()).
#
# Part of make check; on its own: BOARDPACK=./boardpack sh tests/e2e/workbook.sh.
# Skips (counted; under CI=true a failure) only what
# needs soffice with python3-uno, or ssconvert, when they are missing.  Time limits:
# LO_TIMEOUT (one LibreOffice session a workbook), GNUMERIC_TIMEOUT (seconds).
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
e2e=$(dirname "$0")
: "${GNUMERIC_TIMEOUT:=120}" "${LO_TIMEOUT:=240}"

# The edits: name, expectation, the provenance checks after it (green or red), lo_edit.py
# operations ($inst: the institution of the
# appended fact; $fact: INSTITUTION YEAR SCENARIO CODE VALUE, workbook_check.py fact).
edits() {
    cat <<EOF
sort    unchanged  green  sort-data
filter  unchanged  green  filter-data $inst
move    unchanged  green  move-sheet Data 99 move-sheet Finance 0
append  moves      red    append-fact $fact
insert  moves      red    insert-fact $fact
EOF
}

have_py=false have_lo=false have_gn=false
if [ -x "$py" ] && "$py" -c 'import openpyxl' 2>/dev/null; then have_py=true; fi
if $have_py && command -v soffice >/dev/null 2>&1 && "$py" -c 'import uno' 2>/dev/null; then have_lo=true; fi
if command -v ssconvert >/dev/null 2>&1; then have_gn=true; fi
$have_py || echo "note: $py with openpyxl missing (apt-get install python3-openpyxl)"
$have_lo || echo "note: soffice or python3-uno missing (apt-get install libreoffice-calc-nogui python3-uno)"
$have_gn || echo "note: ssconvert missing (apt-get install gnumeric)"

# run NAME CMD...: a python check, its ok and FAIL lines counted
run() {
    what=$1; shift
    "$@" >"$tmp/py.out" 2>&1; rc=$?
    cat "$tmp/py.out"
    p=$(grep -c '^ok ' "$tmp/py.out") f=$(grep -c '^FAIL ' "$tmp/py.out")
    pass=$((pass + p)) fail=$((fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then ko "$what: exited $rc"; fi
}

# lo OUT.json BOOK OP...: lo_edit.py; 1 when it failed (OUT.json says how far it got)
lo() {
    out=$1; shift
    timeout $((LO_TIMEOUT + 30)) "$py" "$e2e/lo_edit.py" --timeout "$LO_TIMEOUT" "$@" >"$out" 2>"$out.err" ||
        { sed 's/^/    /' "$out.err"; return 1; }
}

if ! $have_py; then
    sk "every workbook check (python3-openpyxl)"
    summary
    exit $?
fi

for dir in fixtures/pet fixtures/second-trust; do
    name=$(basename "$dir")
    if ! "$BOARDPACK" build --data "$dir" --out "$tmp/$name" >"$tmp/build.log" 2>&1; then
        ko "$name: build"; sed 's/^/    /' "$tmp/build.log"; continue
    fi
    book=$(ls "$tmp/$name"/*.xlsx)
    ok "$name: build writes $(basename "$book")"

    # ---- (a) ----
    run "$name load" "$py" "$e2e/workbook_check.py" load "$book"

    # ---- (b), in the background while LibreOffice works ----
    gpid=
    if $have_gn; then
        "$py" "$e2e/gnumeric_recalc.py" --timeout "$GNUMERIC_TIMEOUT" "$book" >"$tmp/$name-gnumeric.out" 2>&1 &
        gpid=$!
    else
        sk "$name: Gnumeric recalculation (gnumeric)"
    fi

    # ---- (c) ----
    if ! $have_lo; then
        sk "$name: edits in LibreOffice (libreoffice-calc-nogui, python3-uno)"
    elif ! fact=$("$py" "$e2e/workbook_check.py" fact "$dir"); then
        ko "$name: a fact to append"
    else
        inst=${fact%% *}
        engine=
        rm -rf "$tmp/$name-bumped"
        if "$py" "$e2e/workbook_check.py" bump "$dir" "$tmp/$name-bumped" &&
           "$BOARDPACK" build --data "$tmp/$name-bumped" --out "$tmp/$name-bumped-out" >"$tmp/build.log" 2>&1; then
            engine=$(ls "$tmp/$name-bumped-out"/*.xlsx)
        else
            ko "$name: build with the fact's value raised ($fact)"; sed 's/^/    /' "$tmp/build.log"
        fi
        # one LibreOffice session: the book as built, then each edit on a fresh copy, then
        # the tamper tests on one more
        edits >"$tmp/$name-edits"
        ops="values data"
        while read -r edit expect checks args; do ops="$ops reopen $args values data"; done <"$tmp/$name-edits"
        ntamper=$("$py" "$e2e/workbook_check.py" plan "$book" "$dir" "$tmp/$name-plan.json") ||
            ko "$name: the tamper tests' plan"
        start=$(date +%s)
        # shellcheck disable=SC2086
        if lo "$tmp/$name.json" --ops "$tmp/$name-plan.json" "$book" $ops; then
            ok "$name: LibreOffice ran the book, its $(wc -l <"$tmp/$name-edits") edits and $ntamper tamper tests in $(($(date +%s) - start)) s"
        else
            ko "$name: LibreOffice ran the book, its edits and the tamper tests"
        fi
        run "$name as built" "$py" "$e2e/workbook_check.py" checks "$name as built" green "$book" "$tmp/$name.json#0"
        i=0
        while read -r edit expect checks args; do
            i=$((i + 1))
            # shellcheck disable=SC2086
            run "$name $edit" "$py" "$e2e/workbook_check.py" edit "$name $edit" "$expect" "$book" "$dir" \
                "$tmp/$name.json#0" "$tmp/$name.json#$i" $engine
            run "$name $edit checks" "$py" "$e2e/workbook_check.py" checks "$name $edit" "$checks" "$book" \
                "$tmp/$name.json#$i"
        done <"$tmp/$name-edits"
        run "$name tampers" "$py" "$e2e/workbook_check.py" tampers "$book" "$tmp/$name-plan.json" \
            "$tmp/$name.json" $((i + 1))
    fi

    if [ -n "$gpid" ]; then
        wait "$gpid"
        cat "$tmp/$name-gnumeric.out"
        p=$(grep -c '^ok ' "$tmp/$name-gnumeric.out") f=$(grep -c '^FAIL ' "$tmp/$name-gnumeric.out")
        pass=$((pass + p)) fail=$((fail + f))
        [ $((p + f)) -gt 0 ] || ko "$name: gnumeric_recalc.py ran"
    fi
done

summary
