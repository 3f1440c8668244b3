#!/bin/sh
# Writes the sample outputs for every shipped fixture into OUTDIR:
#   <trust-id>-<yyyy-yy>-<pack>.pdf     the board packs (boardpack build)
#   <trust-id>-<yyyy-yy>-results.json   the results for machines
#   <trust-id>-<yyyy-yy>-check.txt      the check report for people
# (in-year data sets, trust.csv period: <trust-id>-<yyyy-yy>-m04-... for each)
# boardpack writes each set all-or-nothing; the text report goes through a temporary
# name, so a failure never leaves anything half-written.  A fixture of a trust that
# another fixture's folder is named after, and whose files would bear the same names
# (fixtures/pet-ledger is the PET of fixtures/pet, its finance from a ledger), writes into
# OUTDIR/<folder>/, so that two data sets of one trust never overwrite each other's files.  Usage: report.sh BOARDPACK OUTDIR
set -eu
bp=$1 outdir=$2
mkdir -p "$outdir"
status=0
# The name stem of a data set's files: <trust-id>-<yyyy-yy>, in-year (trust.csv period, M04
# or P04) with the month after it, -m04.
stem() {
    awk -F, 'tolower($1) ~ /^ *id *$/ { gsub(/[ "\r]/, "", $2); id = $2 }
             tolower($1) ~ /^ *report_year *$/ { gsub(/[ "\r]/, "", $2); gsub(/\//, "-", $2); y = $2 }
             tolower($1) ~ /^ *period *$/ { gsub(/[ "\r]/, "", $2); p = tolower($2); sub(/^p/, "m", p) }
             END { printf "%s-%s%s\n", id, y, p == "" ? "" : "-" p }' "$1/trust.csv"
}
for dir in fixtures/*/; do
    [ -f "$dir/trust.csv" ] || continue
    name=$(basename "$dir")
    id=$(awk -F, 'tolower($1) ~ /^ *id *$/ { gsub(/[ "\r]/, "", $2); print $2 }' "$dir/trust.csv")
    key=$(stem "$dir")
    to=$outdir
    if [ "$id" != "$name" ] && [ -f "fixtures/$id/trust.csv" ] && [ "$(stem "fixtures/$id")" = "$key" ]; then
        to=$outdir/$name
    fi
    mkdir -p "$to"
    if ! "$bp" build --data "$dir" --out "$to"; then
        echo "report: $name: boardpack build failed" >&2
        status=1
        continue
    fi
    out="$to/$key-check.txt"
    tmp="$to/.$key-check.txt.tmp.$$"
    if "$bp" check --data "$dir" >"$tmp"; then
        mv "$tmp" "$out"
        echo "wrote $out"
    else
        rm -f "$tmp"
        echo "report: $name: boardpack check failed" >&2
        status=1
    fi
done
exit $status
