#!/bin/sh
# Writes the sample outputs for every shipped fixture into OUTDIR:
#   <trust-id>-<yyyy-yy>-<pack>.pdf     the board packs (boardpack build)
#   <trust-id>-<yyyy-yy>-results.json   the results for machines
#   <trust-id>-<yyyy-yy>-check.txt      the check report for people
# (in-year data sets, trust.csv period: <trust-id>-<yyyy-yy>-m04-... for each)
# boardpack writes each set all-or-nothing; the text report goes through a temporary
# name, so a failure never leaves anything half-written.  Usage: report.sh BOARDPACK OUTDIR
set -eu
bp=$1 outdir=$2
mkdir -p "$outdir"
status=0
for dir in fixtures/*/; do
    [ -f "$dir/trust.csv" ] || continue
    name=$(basename "$dir")
    if ! "$bp" build --data "$dir" --out "$outdir"; then
        echo "report: $name: boardpack build failed" >&2
        status=1
        continue
    fi
    id=$(awk -F, 'tolower($1) ~ /^ *id *$/ { gsub(/[ "\r]/, "", $2); print $2 }' "$dir/trust.csv")
    year=$(awk -F, 'tolower($1) ~ /^ *report_year *$/ { gsub(/[ "\r]/, "", $2); print $2 }' "$dir/trust.csv" | tr / -)
    # in-year (trust.csv period, M04 or P04): the names carry the month, -m04
    period=$(awk -F, 'tolower($1) ~ /^ *period *$/ { gsub(/[ "\r]/, "", $2); print tolower($2) }' "$dir/trust.csv" | sed 's/^p/m/')
    [ -z "$period" ] || year="$year-$period"
    out="$outdir/$id-$year-check.txt"
    tmp="$outdir/.$id-$year-check.txt.tmp.$$"
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
