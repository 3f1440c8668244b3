#!/bin/sh
# The audit workbook (`boardpack build` writes <trust-id>-<yyyy-yy>.xlsx):
#  (a) LibreOffice, forced to recalculate everything, gets every formula's cached value
#      (relative 1e-9) for the PET (also from its ledger, fixtures/pet-ledger), the second
#      trust and the hand-worked trust;
#  (b) a copy with one fact and one threshold changed recalculates to the figures and
#      statuses computed independently from the CSVs (tests/e2e/xlsx_check.py);
#  (c) every Scorecard figure, measure, grade and status equals `check --format json`;
#  (d) input text starting with = + - @ is written as text, never as a formula;
#  (e) two builds at different times and in different time zones are byte-identical,
#      and the document's creation time is SOURCE_DATE_EPOCH, else the as-of date;
#  (f) a 50-institution trust keeps every formula within Excel's 8,192 characters;
#  (g) every threshold of the default KPIs met exactly, missed and passed by one penny or
#      one unit (tests/e2e/edges.py): the engine decides each as worked out there, and the
#      recalculated workbook every status as the engine does;
#  (h) readable formulas: over every cell formula and defined name as stored, none longer
#      than 300 characters and the median under 100 (scripts/formula-lengths.py), for both
#      fixtures and the 50-institution trust.
# Skips (counted) only what needs LibreOffice (soffice) or /usr/bin/python3 with openpyxl
# when they are missing.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
check=tests/e2e/xlsx_check.py

have_py=false have_lo=false
if [ -x "$py" ] && "$py" -c 'import openpyxl' 2>/dev/null; then have_py=true; fi
if command -v soffice >/dev/null 2>&1; then have_lo=true; fi
$have_py || echo "note: $py with openpyxl missing (apt-get install python3-openpyxl)"
$have_lo || echo "note: soffice missing (apt-get install libreoffice-calc-nogui)"

# trust.csv value: trust_key DIR KEY
trust_key() {
    awk -F, -v k="$2" 'tolower($1) ~ "^ *" k " *$" { gsub(/[ "\r]/, "", $2); print $2 }' "$1/trust.csv"
}

# build DIR OUT: `boardpack build`, then the workbook's path on stdout
build() {
    id=$(trust_key "$1" id)
    year=$(trust_key "$1" report_year | tr / -)
    if ! "$BOARDPACK" build --data "$1" --out "$2" >"$tmp/build.log" 2>&1; then
        sed 's/^/    /' "$tmp/build.log" >&2
        return 1
    fi
    [ -f "$2/$id-$year.xlsx" ] || return 1
    echo "$2/$id-$year.xlsx"
}

# py NAME ARGS...: run xlsx_check.py, counting its ok and FAIL lines
py() {
    what=$1; shift
    "$py" "$check" "$@" >"$tmp/py.out" 2>&1; rc=$?
    cat "$tmp/py.out"
    p=$(grep -c '^ok ' "$tmp/py.out") f=$(grep -c '^FAIL ' "$tmp/py.out")
    pass=$((pass + p)) fail=$((fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then ko "$what: xlsx_check.py exited $rc"; fi
}

# ---- (a) and (c): each data set ----
for dir in fixtures/pet fixtures/pet-ledger fixtures/second-trust tests/fixtures/handworked tests/fixtures/balance; do
    name=$(basename "$dir")
    if ! book=$(build "$dir" "$tmp/$name"); then
        ko "$name: build writes the workbook"
        continue
    fi
    ok "$name: build writes $(basename "$book")"
    if ! $have_py; then
        sk "$name: recalculation and JSON agreement (python3-openpyxl)"
        continue
    fi
    if $have_lo; then
        if lo_recalc "$book" "$tmp/$name-csv"; then
            py "$name recalculation" recalc "$book" "$tmp/$name-csv"
        else
            ko "$name: LibreOffice converts the workbook"
            sed 's/^/    /' "$tmp/$name-csv/lo.log"
        fi
    else
        sk "$name: LibreOffice recalculation (soffice)"
    fi
    if "$BOARDPACK" check --data "$dir" --format json >"$tmp/$name.json" 2>"$tmp/err"; then
        py "$name JSON agreement" json "$book" "$tmp/$name.json"
    else
        ko "$name: check --format json"
        cat "$tmp/err"
    fi
done

# ---- (b) a fact and a threshold edited, recalculated ----
for dir in tests/fixtures/handworked fixtures/pet; do
    name=$(basename "$dir")
    book=$(ls "$tmp/$name"/*.xlsx 2>/dev/null | head -n 1)
    if ! $have_py || ! $have_lo; then
        sk "$name: edit and recalculate (soffice, python3-openpyxl)"
        continue
    fi
    [ -n "$book" ] || { ko "$name: a workbook to edit"; continue; }
    py "$name edit" edit "$book" "$tmp/$name-edited.xlsx" "$dir"
    if lo_recalc "$tmp/$name-edited.xlsx" "$tmp/$name-edited-csv"; then
        py "$name edited" edited "$tmp/$name-edited-csv" "$dir"
    else
        ko "$name: LibreOffice converts the edited workbook"
    fi
done

# ---- (d) formula injection: text from the input stays text ----
inj="$tmp/inject"
cp -r tests/fixtures/handworked "$inj"
rm -f "$inj/expected.tsv" "$inj/EXPECTED.md"
awk -F, 'BEGIN { OFS = "," }
    $1 == "P1" { $2 = "\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\"" }
    $1 == "P2" { $2 = "+SUM(1)" }
    { print }' tests/fixtures/handworked/institutions.csv >"$inj/institutions.csv"
printf 'id,title,summary\nq,@ambition,-summary\n' >"$inj/ambitions.csv"
printf '%s\n' 'id,institution,ambition,plan,action,owner,due,status,updated,evidence' \
    'A1,P1,q,+plan,=1+1,-owner,2023-01-01,on_track,2023-01-02,@SUM(A1)' >"$inj/actions.csv"
if book=$(build "$inj" "$tmp/inject-out"); then
    ok "injection data set: build writes the workbook"
    if $have_py; then
        py "injection" text "$book" '=HYPERLINK("http://example.invalid","x")' '+SUM(1)' \
            '@ambition' '+plan' '=1+1' '-owner' '@SUM(A1)'
    else
        sk "injection: cell types (python3-openpyxl)"
    fi
else
    ko "injection data set: build writes the workbook"
fi

# ---- (e) reproducible ----
hw=tests/fixtures/handworked
a=$(unset SOURCE_DATE_EPOCH; TZ=UTC build "$hw" "$tmp/repro-a") || a=
sleep 1
b=$(unset SOURCE_DATE_EPOCH; TZ=Pacific/Chatham build "$hw" "$tmp/repro-b") || b=
if [ -n "$a" ] && [ -n "$b" ] && cmp -s "$a" "$b"; then
    ok "two builds, a second apart in UTC and Pacific/Chatham, are byte-identical"
else
    ko "two builds, a second apart in UTC and Pacific/Chatham, are byte-identical"
fi
c=$(SOURCE_DATE_EPOCH=1700000000 build "$hw" "$tmp/repro-c") || c=
if ! $have_py; then
    sk "creation time (python3)"
elif [ -n "$a" ] && [ -n "$c" ]; then
    asof=$(trust_key "$hw" as_of)
    for pair in "$a ${asof}T00:00:00Z as-of date" "$c 2023-11-14T22:13:20Z SOURCE_DATE_EPOCH"; do
        set -- $pair
        got=$("$py" -c 'import re, sys, zipfile
core = zipfile.ZipFile(sys.argv[1]).read("docProps/core.xml").decode()
stamps = set(re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core))
zips = set(i.date_time for i in zipfile.ZipFile(sys.argv[1]).infolist())
print(" ".join(sorted(stamps)), len(zips))' "$1")
        if [ "$got" = "$2 1" ]; then ok "created is the $3 ($2), one zip timestamp"
        else ko "created is the $3 ($2), one zip timestamp: got $got"; fi
    done
else
    ko "SOURCE_DATE_EPOCH build writes the workbook"
fi

# ---- (f) a large trust ----
large=
if $have_py; then
    "$py" scripts/fixtures/gen_large.py "$tmp/large" 50 >/dev/null
    if book=$(build "$tmp/large" "$tmp/large-out"); then
        py "large trust" lengths "$book"
        large=$book
    else
        ko "large trust: build writes the workbook"
    fi
else
    sk "large trust (python3)"
fi

# ---- (h) formulas of at most 300 characters, the median under 100 ----
if [ -x "$py" ]; then
    for book in "$tmp"/pet/*.xlsx "$tmp"/second-trust/*.xlsx $large; do
        [ -f "$book" ] || { ko "formula lengths: no workbook $book"; continue; }
        if got=$("$py" scripts/formula-lengths.py "$book" --max 300 --median 100); then
            ok "formula lengths: ${got#"$tmp"/}"
        else
            ko "formula lengths (max 300, median under 100): ${got#"$tmp"/}"
        fi
    done
else
    sk "formula lengths (python3)"
fi

# ---- (g) engine and workbook agree exactly, on the edges of every threshold ----
if ! $have_py; then
    sk "edges (python3-openpyxl)"
elif ! "$py" tests/e2e/edges.py "$tmp/edges" >"$tmp/edges.log" 2>&1; then
    ko "edges: the data set is generated"; cat "$tmp/edges.log"
else
    # the data set would catch the old formulas out: rounding to 12 places decided some
    # of its edges otherwise
    differ=$(sed -n 's/^[0-9]* edges, \([0-9]*\) of them decided otherwise.*/\1/p' "$tmp/edges.log")
    if [ "${differ:-0}" -gt 0 ]; then ok "edges: $(cat "$tmp/edges.log")"; else ko "edges: $(cat "$tmp/edges.log")"; fi
    if "$BOARDPACK" check --data "$tmp/edges" --format json >"$tmp/edges.json" 2>"$tmp/err"; then
        "$py" tests/e2e/edges.py check "$tmp/edges" "$tmp/edges.json" >"$tmp/py.out" 2>&1
        cat "$tmp/py.out"
        if grep -q '^ok ' "$tmp/py.out"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    else
        ko "edges: check --format json"; cat "$tmp/err"
    fi
    if ! book=$(build "$tmp/edges" "$tmp/edges-out"); then
        ko "edges: build writes the workbook"
    elif ! $have_lo; then
        py "edges JSON agreement" json "$book" "$tmp/edges.json"
        sk "edges: LibreOffice recalculation (soffice)"
    elif lo_recalc "$book" "$tmp/edges-csv"; then
        py "edges recalculation" recalc "$book" "$tmp/edges-csv"
        py "edges JSON agreement" json "$book" "$tmp/edges.json"
    else
        ko "edges: LibreOffice converts the workbook"
    fi
fi

summary
