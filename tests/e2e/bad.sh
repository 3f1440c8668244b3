#!/bin/sh
# Hostile and messy input: every case of the catalogue tests/bad/ (see tests/bad/README.md;
# BAD_CASES="NNN-name ..." runs only those) and the cases generated here because they are
# too big to commit (a 3 MB field, a million-row finance.csv, a KPI file past the nesting
# cap) or need a device (/dev/full).
#
# A case is the hand-worked data set (tests/fixtures/handworked) with the case's files
# laid over it.  Its `expect` gives the exit status and the diagnostics: each one must
# appear exactly, and the run must report exactly as many errors as are listed, so that
# a lost error and a spurious one both fail.  A case that is accepted (exit 0) must give
# exactly the results of the untouched data set, unless it says otherwise (`differs`).
. "$(dirname "$0")/lib/common.sh"
base=tests/fixtures/handworked
cat=tests/bad
indent() { sed 's/^/    /' "$@" | head -n 40; }

# unhex IN OUT: the bytes written in IN as hex digits ('#' starts a comment)
unhex() {
    sed 's/#.*//' "$1" | tr -d ' \t\r\n' | fold -w 2 | while read -r h; do
        # shellcheck disable=SC2059
        printf "\\$(printf '%03o' "0x$h")"
    done >"$2"
}

# make_case CASEDIR DIR: the base data set with the case applied, in DIR
make_case() {
    rm -rf "$2" && mkdir "$2" && cp "$base"/*.csv "$2"/ || return 1
    for f in "$1"/*; do
        [ -f "$f" ] || continue
        n=${f##*/}
        case $n in
            expect|args|delete|gen|differs|same-as|timeout|build|README*|*.pack) ;;
            *.hex) unhex "$f" "$2/${n%.hex}" || return 1 ;;
            *) cp "$f" "$2/$n" || return 1 ;;
        esac
    done
    if [ -f "$1/delete" ]; then
        while read -r n; do
            [ -n "$n" ] && { rm -f "$2/$n" || return 1; }
        done <"$1/delete"
    fi
    if [ -f "$1/gen" ]; then
        g=$(cd "$1" && pwd)/gen
        (cd "$2" && sh "$g") || return 1
    fi
    return 0
}

# results FILE: the computed part of a JSON result (the KPI results, exceptions, courses
# and central charge; not the inputs' hashes and warnings, which a BOM or CRLF changes)
results() { sed -n '/^  "results": \[/,/^  "data": {/p' "$1" | sed '$d'; }

"$BOARDPACK" check --data "$base" --format json >"$tmp/base.json" 2>"$tmp/err"
if [ ! -s "$tmp/base.json" ]; then
    echo "FAIL the base data set does not load"; indent "$tmp/err"
    echo "e2e: 0 passed, 1 failed, 0 skipped"; exit 1
fi
results "$tmp/base.json" >"$tmp/base.results"

# run_case CASEDIR
run_case() {
    c=$1 name=${1##*/}
    if ! make_case "$c" "$tmp/data"; then ko "$name: cannot build its data set"; return; fi
    args=; [ -f "$c/args" ] && args=$(sed "s|@DIR@|$tmp/data|g" "$c/args")
    # a case's NAME.pack files replace or join the shipped pack templates, in a copy
    # (BOARDPACK_TEMPLATES): pack settings are checked with the data set
    tpl=
    if ls "$c"/*.pack >/dev/null 2>&1; then
        rm -rf "$tmp/tpl" && cp -R templates "$tmp/tpl" && cp "$c"/*.pack "$tmp/tpl/packs/" &&
            tpl=$tmp/tpl || { ko "$name: cannot build its templates"; return; }
    fi
    want=$(sed -n 1p "$c/expect")
    # a case that once hung (a FIFO) gives itself a time limit: a hang fails (exit 124)
    # rather than stopping make check
    limit=; [ -f "$c/timeout" ] && limit="timeout $(cat "$c/timeout")"
    # shellcheck disable=SC2086
    $limit env ${tpl:+BOARDPACK_TEMPLATES="$tpl"} "$BOARDPACK" check --data "$tmp/data" $args >"$tmp/out" 2>"$tmp/err"; rc=$?
    # the diagnostics: stderr; for a run that succeeds, also the report's warnings
    sed -n 's/^  \([^ ]\)/\1/p' "$tmp/err" >"$tmp/diags"
    [ "$rc" -eq 0 ] && grep -E '^  [^ ].*: (error|warning): ' "$tmp/out" | sed 's/^  //' >>"$tmp/diags"
    sed -n '2,$p' "$c/expect" | sed "s|@DIR@|$tmp/data|g" | grep -v '^$' >"$tmp/want"
    bad=
    [ "$rc" -eq "$want" ] || bad="exit $rc, expected $want"
    while IFS= read -r line; do
        grep -qxF -- "$line" "$tmp/diags" || bad="${bad:+$bad; }missing: $line"
    done <"$tmp/want"
    ne=$(grep -c ': error: ' "$tmp/diags") we=$(grep -c ': error: ' "$tmp/want")
    [ "$ne" -eq "$we" ] || bad="${bad:+$bad; }$ne errors reported, $we expected"
    if [ -z "$bad" ] && [ "$rc" -eq 0 ] && [ ! -f "$c/differs" ]; then
        # accepted input: the same results as the tidy data set (or as another case)
        ref=$tmp/base.results
        if [ -f "$c/same-as" ]; then
            other=$cat/$(cat "$c/same-as")
            if make_case "$other" "$tmp/data2" &&
                "$BOARDPACK" check --data "$tmp/data2" --format json >"$tmp/other.json" 2>/dev/null; then
                results "$tmp/other.json" >"$tmp/other.results"; ref=$tmp/other.results
            else
                bad="the case it is compared with ($other) does not load"
            fi
        fi
        # shellcheck disable=SC2086
        $limit env ${tpl:+BOARDPACK_TEMPLATES="$tpl"} "$BOARDPACK" check --data "$tmp/data" --format json $args >"$tmp/case.json" 2>/dev/null
        results "$tmp/case.json" >"$tmp/case.results"
        [ -s "$tmp/case.results" ] && cmp -s "$ref" "$tmp/case.results" ||
            bad="${bad:+$bad; }results differ from ${ref##*/}"
    fi
    # build must refuse what check refuses, with the same diagnostics, and write nothing;
    # what check accepts, it writes
    if [ -f "$c/build" ]; then
        rm -rf "$tmp/built"
        # shellcheck disable=SC2086
        $limit env ${tpl:+BOARDPACK_TEMPLATES="$tpl"} "$BOARDPACK" build --data "$tmp/data" --out "$tmp/built" $args >/dev/null 2>"$tmp/berr"; brc=$?
        sed -n 's/^  \([^ ]\)/\1/p' "$tmp/berr" >"$tmp/bdiags"
        [ "$brc" -eq "$want" ] || bad="${bad:+$bad; }build: exit $brc, expected $want"
        while IFS= read -r line; do
            grep -qxF -- "$line" "$tmp/bdiags" || bad="${bad:+$bad; }build missing: $line"
        done <"$tmp/want"
        be=$(grep -c ': error: ' "$tmp/bdiags")
        [ "$be" -eq "$we" ] || bad="${bad:+$bad; }build: $be errors reported, $we expected"
        if [ "$want" -ne 0 ]; then
            # not even the folder: a workbook limit the writer meets after the packs ends
            # the build as the check before them would have (src/bp_build.c)
            [ -e "$tmp/built" ] && bad="${bad:+$bad; }build wrote $(ls -A "$tmp/built" | wc -l) files"
        else
            ls "$tmp/built"/*.xlsx >/dev/null 2>&1 || bad="${bad:+$bad; }build wrote no workbook"
        fi
    fi
    if [ -z "$bad" ]; then
        ok "$name (exit $rc, $we error(s)$([ -f "$c/build" ] && echo ', build too'))"
    else
        ko "$name: $bad"
        echo "    stderr:"; indent "$tmp/err"
    fi
}

# BAD_CASES="NNN-name ...": only those cases of the catalogue, and none generated here
# (while writing a new one: BAD_CASES=171-my-case sh tests/e2e/bad.sh)
if [ -n "${BAD_CASES:-}" ]; then
    for n in $BAD_CASES; do
        if [ -f "$cat/$n/expect" ]; then run_case "$cat/$n"; else ko "$n: no such case in $cat"; fi
    done
    summary
    exit
fi
for c in "$cat"/[0-9]*; do
    [ -f "$c/expect" ] || continue
    run_case "$c"
done

# ---- generated cases ----------------------------------------------------------------
mkdir "$tmp/gen"
fresh() { rm -rf "$tmp/gen" && mkdir "$tmp/gen" && cp "$base"/*.csv "$tmp/gen"/; }
# expect_run NAME RC LINE: the last run exited RC and reported LINE (and one error)
expect_run() {
    e=$(grep -c ': error: ' "$tmp/err")
    if [ "$rc" -eq "$2" ] && grep -qxF -- "  $3" "$tmp/err" && [ "$e" -eq 1 ]; then
        ok "$1 (exit $rc)"
    else
        ko "$1: exit $rc (expected $2), $e error(s)"; indent "$tmp/err"
    fi
}
now() { date +%s; }

# a 3 MB field, as a quote left open would make: rejected at the 1 MiB field cap, at the
# field's start, without reading the rest of the file
fresh
{
    printf 'institution,year,scenario,code,value\nP1,2022/23,actual,income.esfa.gag,"'
    dd if=/dev/zero bs=1000 count=3000 2>/dev/null | tr '\000' '9'
    printf '"\nP1,2022/23,actual,exp.staff.teaching,80000\n'
} >"$tmp/gen/finance.csv"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_run "3 MB field: the field cap" 65 'finance.csv:2:35: error: found a field longer than 1048576 bytes, expected at most 1048576 bytes in one field (is a quote left open?); the rest of the file was not read'

# 1,500 broken rows: the first 1,000 errors are listed, then one more says the rest of the
# file was not read (a gigabyte of broken rows must not become a gigabyte of messages)
fresh
awk 'BEGIN { print "institution,year,scenario,code,value"; for (i = 0; i < 1500; i++) print "x" }' >"$tmp/gen/finance.csv"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
e=$(grep -c ': error: ' "$tmp/err")
if [ "$rc" -eq 65 ] && [ "$e" -eq 1001 ] &&
    grep -qxF '  finance.csv:2: error: found 1 field, expected 5 as in the header' "$tmp/err" &&
    grep -qxF '  finance.csv:1001: error: found 1 field, expected 5 as in the header' "$tmp/err" &&
    grep -qxF '  finance.csv:1002: error: found more than 1000 errors in this file, expected fewer: the rest of the file was not read' "$tmp/err" &&
    ! grep -qF 'finance.csv:1002: error: found 1 field' "$tmp/err"; then
    ok "1,500 broken rows: 1,000 errors listed, then the file is abandoned (exit $rc)"
else
    ko "1,500 broken rows: exit $rc, $e errors"; tail -n 5 "$tmp/err"
fi

# a million-row finance.csv (under the 5,000,000-row cap): loads, every row counted and
# every penny in the control total (its time is printed, not asserted: a timed test fails
# on a busy machine, and make bench measures speed, docs/performance.md)
fresh
awk 'BEGIN {
    print "institution,year,scenario,code,value"
    split("P1 P2 S1 CENTRAL", inst, " ")
    for (i = 0; i < 1000000; i++) {
        y = 2000 + int(i / 40000) % 25
        printf "%s,%d/%02d,%s,income.self.c%d,%d.%02d\n", inst[i % 4 + 1], y, (y + 1) % 100,
            (int(i / 4) % 2 ? "budget" : "actual"), int(i / 8) % 5000, i % 997, i % 100
    }
}' >"$tmp/gen/finance.csv"
# the control total, in pence, worked out separately from the same rule
want_total=$(awk 'BEGIN { t = 0; for (i = 0; i < 1000000; i++) t += (i % 997) * 100 + i % 100;
    printf "%d.%02d", int(t / 100), t % 100 }')
t0=$(now)
"$BOARDPACK" check --data "$tmp/gen" --format json >"$tmp/out" 2>"$tmp/err"; rc=$?
t1=$(now)
if [ "$rc" -eq 0 ] && grep -qF "\"file\": \"finance.csv\"" "$tmp/out" &&
    grep -q '"file": "finance.csv", "sha256": "[0-9a-f]*", "rows": 1000000, "money_total": '"$want_total"'}' "$tmp/out" &&
    grep -q '"rows_read": 1000043,' "$tmp/out"; then
    ok "1,000,000-row finance.csv loads: 1000000 rows, total $want_total, 1000043 rows read ($((t1 - t0)) s)"
else
    ko "1,000,000-row finance.csv: exit $rc"; indent "$tmp/err"; grep -E '"(file|rows_read)"' "$tmp/out" | head -n 12
fi

# more facts than the workbook's Data sheet has rows: 1,048,576 rows below its header, one
# a fact.  finance.csv alone holds 1,048,576 facts (each institution, scenario and code
# once in each of three years), so the first that does not fit, in reading order, is its
# last, on line 1,048,577.  check refuses it as build does, and build writes nothing
# (today both pass it to the workbook, which fails with exit 74).
fresh
awk 'BEGIN {
    print "institution,year,scenario,code,value"
    split("P1 P2 S1 CENTRAL", inst, " ")
    for (i = 0; i < 1048576; i++) {
        y = 2000 + int(i / 400000)
        printf "%s,%d/%02d,%s,income.self.c%d,1\n", inst[i % 4 + 1], y, (y + 1) % 100,
            (int(i / 4) % 2 ? "budget" : "actual"), int(i / 8) % 50000
    }
}' >"$tmp/gen/finance.csv"
want='finance.csv:1048577: error: found more than 1048575 facts, expected at most 1048575: the rows of the workbook'"'"'s Data sheet below its header'
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_run "1,048,576 facts: more than the Data sheet holds (check)" 65 "$want"
rm -rf "$tmp/built"
"$BOARDPACK" build --data "$tmp/gen" --out "$tmp/built" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_run "1,048,576 facts: more than the Data sheet holds (build)" 65 "$want"
if [ -e "$tmp/built" ]; then ko "1,048,576 facts: build wrote $tmp/built"; else ok "1,048,576 facts: build wrote nothing"; fi

# an expression of 50,000 additions (200 KB): once a stack overflow, now the nesting cap
fresh
awk 'BEGIN { printf "kpi long_sum\n  name: Long\n  expr: income"; for (i = 0; i < 50000; i++) printf " + 1"; print "" }' >"$tmp/gen/kpis.kpi"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
# column: 9 (after "  expr: ") + 6 ("income") + 200 x 4 (" + 1") + 1 (the space) = 816
expect_run "50,000-term expression: the nesting cap" 65 'kpis.kpi:3:816: error: expression nested too deeply: more than 200 levels of operations'

# kpi(b) + kpi(b), b = kpi(c) + kpi(c), ... 40 levels: 2^40 evaluations, now refused
fresh
awk 'BEGIN { for (i = 0; i < 40; i++) printf "kpi k%d\n  name: K\n  expr: kpi(k%d) + kpi(k%d)\n", i, i + 1, i + 1
    print "kpi k40\n  name: K\n  expr: income" }' >"$tmp/gen/kpis.kpi"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
# terms once expanded: k40 (income) is 1; k(n) = 3 (+ and two kpi()) + 2 k(n+1), so
# k(n) = 2^(42-n) - 3: k29 = 8189 is within 10,000, k28 = 16381 is not.  Every KPI from
# k28 down to k0 is reported (29 errors), each at its expression (line 3n + 3, column 9)
e=$(grep -c ': error: ' "$tmp/err")
if [ "$rc" -eq 65 ] && [ "$e" -eq 29 ] &&
    grep -qxF "  kpis.kpi:87:9: error: found KPI 'k28' with more than 10000 terms once its kpi() references are expanded, expected at most 10000" "$tmp/err" &&
    grep -qxF "  kpis.kpi:3:9: error: found KPI 'k0' with more than 10000 terms once its kpi() references are expanded, expected at most 10000" "$tmp/err" &&
    ! grep -qF "'k29'" "$tmp/err"; then
    ok "kpi() fan-out: refused at k28..k0 (exit $rc, $e errors)"
else
    ko "kpi() fan-out: exit $rc, $e errors"; indent "$tmp/err"
fi

# a KPI file one byte over the 4 MiB cap (a log file given by mistake)
fresh
dd if=/dev/zero bs=4096 count=1024 2>/dev/null | tr '\000' '#' >"$tmp/gen/kpis.kpi"
printf '#' >>"$tmp/gen/kpis.kpi"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_run "4 MiB + 1 byte kpis.kpi: the KPI file cap" 65 'kpis.kpi: error: found a file larger than 4194304 bytes, expected at most 4194304 bytes'

# 1,001 institutions: one error at the 1,001st (line 1002), and no flood of errors from
# the facts of the institutions left out
fresh
awk 'BEGIN { print "id,name,phase,joined,capacity,pan,lgb"
    for (i = 1; i <= 1000; i++) printf "I%d,School %d,primary,2019-09-01,,,\n", i, i
    print "CENTRAL,Central Services,central,2019-09-01,,," }' >"$tmp/gen/institutions.csv"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_run "1,001 institutions: the institutions cap" 65 'institutions.csv:1002: error: found more than 1000 institutions, expected at most 1000: the files that refer to institutions were not checked'

# results = KPIs x (institutions + phases + trust) x (year, scenario) pairs: 30 own KPIs
# (defaults replaced) x (1000 + 1 phase + 1 trust) x (12 years x 3 scenarios) = 1,082,160,
# over the 1,000,000 cap: refused before anything is evaluated
fresh
awk 'BEGIN { print "id,name,phase,joined,capacity,pan,lgb"
    for (i = 1; i <= 999; i++) printf "I%d,School %d,primary,2019-09-01,,,\n", i, i
    print "CENTRAL,Central Services,central,2019-09-01,,," }' >"$tmp/gen/institutions.csv"
awk 'BEGIN { print "institution,year,scenario,code,value"
    for (y = 2012; y < 2024; y++) { split("actual budget forecast", sc, " ")
        for (s = 1; s <= 3; s++) printf "I1,%d/%02d,%s,income.esfa.gag,100\n", y, (y + 1) % 100, sc[s] } }' >"$tmp/gen/finance.csv"
rm -f "$tmp/gen/staff.csv" "$tmp/gen/students.csv" "$tmp/gen/governance.csv"
awk 'BEGIN { print "defaults: replace"; for (i = 0; i < 30; i++) printf "kpi k%d\n  name: K\n  expr: income\n", i }' >"$tmp/gen/kpis.kpi"
"$BOARDPACK" check --data "$tmp/gen" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_run "1,082,160 results: the results cap" 65 'kpis.kpi: error: found 30 KPIs for 1002 institutions, phases and the trust in 36 years and scenarios, 1082160 results, expected at most 1000000 results'

# output that cannot be written: I/O error 74, a clear message, for text and JSON
if [ -w /dev/full ]; then
    for fmt in text json; do
        "$BOARDPACK" check --data "$base" --format "$fmt" >/dev/full 2>"$tmp/err"; rc=$?
        if [ "$rc" -eq 74 ] && grep -qxF 'boardpack: cannot write the results to standard output: input/output error' "$tmp/err"; then
            ok "--format $fmt to /dev/full: exit 74"
        else
            ko "--format $fmt to /dev/full: exit $rc"; indent "$tmp/err"
        fi
    done
else
    sk "/dev/full: no such device here"
fi

summary
