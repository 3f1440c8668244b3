#!/bin/sh
# Runs every test: the cmocka unit binaries in $UNIT_DIR, then every tests/e2e/*.sh.
# Prints one closing line "N passed, N failed[, N skipped]".  Under CI=true a skipped
# test counts as a failure (CI installs everything the tests need).
set -u
: "${BOARDPACK:=./boardpack}" "${UNIT_DIR:=build/tests}"
export BOARDPACK
passed=0 failed=0 skipped=0
failures=
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$UNIT_DIR"/test_*; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1; rc=$?
    # a binary may run several groups: add up every group's summary
    p=$(awk '/^\[  PASSED  \] [0-9]+ test/ { n += $4 } END { print n + 0 }' "$log")
    f=$(awk '/^\[  FAILED  \] [0-9]+ test/ { n += $4 } END { print n + 0 }' "$log")
    s=$(awk '/^\[  SKIPPED \] [0-9]+ test/ { n += $4 } END { print n + 0 }' "$log")
    p=${p:-0} f=${f:-0} s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer abort
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$f" -ne 0 ]; then cat "$log"; failures="$failures $(basename "$t")"; fi
    echo "$(basename "$t"): $p passed, $f failed"
done
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    sh "$t" >"$log" 2>&1; rc=$?
    p=$(sed -n 's/^e2e: \([0-9]*\) passed.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^e2e: [0-9]* passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -n 1)
    s=$(sed -n 's/^e2e: .* \([0-9]*\) skipped.*/\1/p' "$log" | tail -n 1)
    p=${p:-0} f=${f:-0} s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$f" -ne 0 ] || [ "$s" -ne 0 ]; then cat "$log"; fi
    [ "$f" -ne 0 ] && failures="$failures $(basename "$t")"
    echo "$(basename "$t"): $p passed, $f failed, $s skipped"
done
if [ "${CI:-}" = true ] && [ "$skipped" -ne 0 ]; then
    echo "CI=true: $skipped skipped test(s) count as failures"
    failed=$((failed + skipped)); skipped=0
fi
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
