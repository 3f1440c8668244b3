#!/bin/sh
# Writes the sample outputs for every shipped fixture into OUTDIR:
#   <trust-id>-<yyyy-yy>-check.txt     the check report for people
#   <trust-id>-<yyyy-yy>-results.json  the same results for machines
# Each file is written to a temporary name and renamed, so a failure leaves nothing
# half-written.  Usage: report.sh BOARDPACK OUTDIR
set -eu
bp=$1 outdir=$2
mkdir -p "$outdir"
status=0
for dir in fixtures/*/; do
    [ -f "$dir/trust.csv" ] || continue
    name=$(basename "$dir")
    id=$(awk -F, 'tolower($1) ~ /^ *id *$/ { gsub(/[ "\r]/, "", $2); print $2 }' "$dir/trust.csv")
    year=$(awk -F, 'tolower($1) ~ /^ *report_year *$/ { gsub(/[ "\r]/, "", $2); print $2 }' "$dir/trust.csv" | tr / -)
    base="$outdir/$id-$year"
    for fmt in text json; do
        case $fmt in text) out="$base-check.txt" ;; json) out="$base-results.json" ;; esac
        tmp="$out.tmp.$$"
        rc=0
        "$bp" check --data "$dir" --format "$fmt" >"$tmp" || rc=$?
        if [ "$rc" -ne 0 ]; then
            rm -f "$tmp"
            echo "report: $name: boardpack check --format $fmt failed (exit $rc)" >&2
            status=1
            continue
        fi
        mv "$tmp" "$out"
        echo "wrote $out"
    done
done
exit $status
