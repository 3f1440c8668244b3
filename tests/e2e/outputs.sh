#!/bin/sh
# Output failures: an output directory that cannot be created, a write that fails part way
# (a file-size limit), existing outputs never truncated, symlinks at output paths never
# followed, and results to a full device.
. "$(dirname "$0")/lib/common.sh"

# an output path below a plain file cannot be created
: >"$tmp/afile"
"$BOARDPACK" build --data tests/fixtures/handworked --out "$tmp/afile/out" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 74 ] && grep -q "cannot create the output directory" "$tmp/err"; then
    ok "uncreatable output directory: exit 74 with the reason"
else
    ko "uncreatable output directory: exit $rc"; cat "$tmp/err"
fi

# a write that fails part way: earlier outputs stay whole, nothing new, no temporary files
mkdir "$tmp/out"
"$BOARDPACK" build --data tests/fixtures/handworked --out "$tmp/out" >/dev/null 2>&1
cp -r "$tmp/out" "$tmp/before"
(ulimit -f 40; "$BOARDPACK" build --data tests/fixtures/handworked --out "$tmp/out" >/dev/null 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 74 ]; then ok "a write hitting the file-size limit: exit 74"; else ko "file-size limit: exit $rc"; cat "$tmp/err"; fi
if grep -q "error:" "$tmp/err" && grep -q "nothing written" "$tmp/err"; then ok "the failure is reported"; else ko "no report"; cat "$tmp/err"; fi
if diff -r "$tmp/before" "$tmp/out" >/dev/null; then ok "existing outputs untouched and whole"; else ko "outputs changed"; fi
if [ -z "$(ls -A "$tmp/out" | grep '^\.')" ]; then ok "no temporary files left"; else ko "temporary files left: $(ls -A "$tmp/out")"; fi

# a symlink planted at an output path is replaced, never written through
echo "precious" >"$tmp/victim"
mkdir "$tmp/links"
ln -s "$tmp/victim" "$tmp/links/hw-2022-23-board.pdf"
"$BOARDPACK" build --data tests/fixtures/handworked --out "$tmp/links" >/dev/null 2>&1
if [ "$(cat "$tmp/victim")" = "precious" ] && [ ! -L "$tmp/links/hw-2022-23-board.pdf" ] \
    && [ -s "$tmp/links/hw-2022-23-board.pdf" ]; then
    ok "a planted symlink is not followed"
else
    ko "symlink followed or not replaced"
fi

# results to a full device
if [ -w /dev/full ]; then
    "$BOARDPACK" check --data tests/fixtures/handworked --format json >/dev/full 2>"$tmp/err"; rc=$?
    if [ "$rc" -eq 74 ]; then ok "check to /dev/full: exit 74"; else ko "check to /dev/full: exit $rc"; fi
fi

summary
