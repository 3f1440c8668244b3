#!/bin/sh
# The packs' charts (issue #14): the in-year result by year against its band (board
# finance summary, finance pack trends), staff costs against each institution's ceiling
# (board finance summary, finance pack efficiency charts), the reserves over time (board
# forecast, finance pack reserves) - each where it belongs, its alternative text with the
# values worked out from fixtures/pet's CSVs, its caption saying the message; adverse
# variances marked; a 50-institution trust's staff-cost charts legible (bars shared evenly,
# at most 14 and the trust a chart, every label within its slot).  tests/e2e/charts.py.
# Run alone: BOARDPACK=./boardpack sh tests/e2e/charts.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
if ! "$py" -c "import fontTools" 2>/dev/null; then
    echo "skip: $py or fontTools missing"
    echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi
"$py" scripts/fixtures/gen_large.py "$tmp/t50" 50 >/dev/null
mkdir "$tmp/pet" "$tmp/large"
if BOARDPACK_PDF_ELEMENTS="$tmp/pet.el" "$BOARDPACK" build --data fixtures/pet --out "$tmp/pet" >/dev/null \
   && BOARDPACK_PDF_ELEMENTS="$tmp/large.el" "$BOARDPACK" build --data "$tmp/t50" --out "$tmp/large" >/dev/null; then
    ok "the packs of fixtures/pet and of a 50-institution trust build"
    out=$("$py" tests/e2e/charts.py "$tmp/pet.el" "$tmp/large.el" fixtures/pet "$tmp/t50")
    echo "$out"
    pass=$((pass + $(echo "$out" | grep -c '^ok')))
    fail=$((fail + $(echo "$out" | grep -c '^FAIL')))
    echo "$out" | grep -q '^ok' || ko "charts.py ran"
else
    ko "the packs build"
fi
summary
