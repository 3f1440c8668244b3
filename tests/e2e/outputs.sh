#!/bin/sh
# Output failures: an output directory that cannot be created, a write that fails part way
# (a file-size limit), existing outputs never truncated, symlinks at output paths never
# followed, results to a full device; no two outputs with one name; a commit that fails
# half way, or was interrupted, leaves the whole old set; one run at a time in a folder;
# signals and killed runs leave no temporary file behind.
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

hw=tests/fixtures/handworked
py=/usr/bin/python3
# hidden NAME: the hidden entries of folder NAME (temporaries, a lock, a journal), one line
hidden() { ls -A "$1" 2>/dev/null | grep '^\.' | tr '\n' ' '; }

# ---- the count printed is the count on disk: the packs, the workbook, the results and
# the manifest (5 packs for the handworked trust's 3 governing bodies + 3 + 1 = 9) ----
"$BOARDPACK" build --data "$hw" --out "$tmp/count" >"$tmp/msg" 2>&1
n=$(ls -A "$tmp/count" | wc -l)
if grep -qx "wrote 9 files into $tmp/count" "$tmp/msg" && [ "$n" -eq 9 ]; then
    ok "wrote 9 files, and 9 files are there"
else
    ko "count: $(cat "$tmp/msg"), $n on disk"
fi

# ---- no two outputs with one name: a custom pack lgb-south and the lgb pack of the
# governing body south both make hw-2022-23-lgb-south.pdf ----
mkdir -p "$tmp/clash"
cp -r "$hw" "$tmp/clash/data"
cp -r templates "$tmp/clash/tpl"
printf 'pack lgb-south\n  title: The south\n  section: summary\n' >"$tmp/clash/tpl/packs/custom.pack"
sed 's/^P1,\(.*\),$/P1,\1,south/' "$hw/institutions.csv" >"$tmp/clash/data/institutions.csv"
BOARDPACK_TEMPLATES="$tmp/clash/tpl" "$BOARDPACK" build --data "$tmp/clash/data" --out "$tmp/clash/out" >"$tmp/msg" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 65 ]; then ok "two outputs with one name: exit 65"; else ko "two outputs with one name: exit $rc"; cat "$tmp/err"; fi
if grep -qF "templates/packs/lgb.pack:2: error: found two outputs named hw-2022-23-lgb-south.pdf: the pack 'lgb-south' (templates/packs/custom.pack:1) and the pack 'lgb' (templates/packs/lgb.pack:2) for the local governing body 'south'" "$tmp/err"; then
    ok "the clash names both outputs' sources"
else
    ko "clash message"; cat "$tmp/err"
fi
if [ ! -e "$tmp/clash/out" ] && ! grep -q wrote "$tmp/msg"; then ok "the clash: nothing written"; else ko "the clash wrote: $(ls -A "$tmp/clash/out")"; fi
# differing only in case: one file on Windows and macOS
sed -i 's/,south$/,South/' "$tmp/clash/data/institutions.csv"
BOARDPACK_TEMPLATES="$tmp/clash/tpl" "$BOARDPACK" build --data "$tmp/clash/data" --out "$tmp/clash/out" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 65 ] && grep -qF "found two outputs named hw-2022-23-lgb-south.pdf and hw-2022-23-lgb-South.pdf, one name where case is ignored" "$tmp/err" \
    && [ ! -e "$tmp/clash/out" ]; then
    ok "names differing only in case clash too: exit 65, nothing written"
else
    ko "case-only clash: exit $rc"; cat "$tmp/err"
fi
# the same pack without the clash builds, with both PDFs counted and on disk
sed -i 's/,South$/,north/' "$tmp/clash/data/institutions.csv"
BOARDPACK_TEMPLATES="$tmp/clash/tpl" "$BOARDPACK" build --data "$tmp/clash/data" --out "$tmp/clash/out" >"$tmp/msg" 2>&1
if grep -qx "wrote 10 files into $tmp/clash/out" "$tmp/msg" && [ "$(ls "$tmp/clash/out" | wc -l)" -eq 10 ] \
    && [ -s "$tmp/clash/out/hw-2022-23-lgb-south.pdf" ] && [ -s "$tmp/clash/out/hw-2022-23-lgb-north.pdf" ]; then
    ok "without a clash: the custom pack and every governing body's, 10 files"
else
    ko "no clash: $(cat "$tmp/msg")"
fi

# ---- a rename failing half way: a directory stands at the results' name, after the
# packs and the workbook would have been renamed; the old set is what remains ----
"$BOARDPACK" build --data "$hw" --out "$tmp/half" >/dev/null 2>&1
rm "$tmp/half/hw-2022-23-results.json"
mkdir "$tmp/half/hw-2022-23-results.json"
cp -a "$tmp/half" "$tmp/half-before"
# another date: every new file differs from the old one
SOURCE_DATE_EPOCH=1600000000 "$BOARDPACK" build --data "$hw" --out "$tmp/half" >"$tmp/msg" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 74 ] && grep -qF "$tmp/half/hw-2022-23-results.json: error: cannot rename the output file into place: Is a directory" "$tmp/err" \
    && grep -q "nothing written" "$tmp/err" && ! grep -q wrote "$tmp/msg"; then
    ok "a rename failing half way: exit 74, the reason, nothing written"
else
    ko "half way: exit $rc"; cat "$tmp/err"
fi
if diff -r "$tmp/half-before" "$tmp/half" >/dev/null; then ok "half way: the old set is back, whole, and no new file"; else ko "half way: the folder changed"; diff -r "$tmp/half-before" "$tmp/half"; fi
if [ -z "$(hidden "$tmp/half")" ]; then ok "half way: no temporary, backup, journal or lock left"; else ko "half way left: $(hidden "$tmp/half")"; fi

# ---- a commit interrupted by a crash (the state made by hand): the journal names five
# files of process 4242 - the board pack renamed in (its old one aside), the finance pack's
# old one aside but the new one not yet in, the quality pack not yet touched, a new pack
# renamed in where none stood, another not yet renamed.  The next build rolls it back
# before it reads its data, even when that data set then fails. ----
j=$tmp/journal
"$BOARDPACK" build --data "$hw" --out "$j" >/dev/null 2>&1
cp -a "$j" "$tmp/journal-before"
b=hw-2022-23
mv "$j/$b-board.pdf" "$j/.$b-board.pdf.old-4242-0"; echo new >"$j/$b-board.pdf"
mv "$j/$b-finance.pdf" "$j/.$b-finance.pdf.old-4242-1"; echo new >"$j/.$b-finance.pdf.tmp-4242-1"
echo new >"$j/.$b-quality.pdf.tmp-4242-2"
echo new >"$j/$b-lgb-X.pdf"
echo new >"$j/.$b-lgb-Y.pdf.tmp-4242-4"
{
    echo "boardpack-journal 1"
    printf 'o\t%s\t.%s.tmp-4242-0\t.%s.old-4242-0\n' "$b-board.pdf" "$b-board.pdf" "$b-board.pdf"
    printf 'o\t%s\t.%s.tmp-4242-1\t.%s.old-4242-1\n' "$b-finance.pdf" "$b-finance.pdf" "$b-finance.pdf"
    printf 'o\t%s\t.%s.tmp-4242-2\t.%s.old-4242-2\n' "$b-quality.pdf" "$b-quality.pdf" "$b-quality.pdf"
    printf -- '-\t%s\t.%s.tmp-4242-3\t.%s.old-4242-3\n' "$b-lgb-X.pdf" "$b-lgb-X.pdf" "$b-lgb-X.pdf"
    printf -- '-\t%s\t.%s.tmp-4242-4\t.%s.old-4242-4\n' "$b-lgb-Y.pdf" "$b-lgb-Y.pdf" "$b-lgb-Y.pdf"
    echo "end 5"
} >"$j/.boardpack.journal"
cp -r "$hw" "$tmp/broken"
printf 'P1,2022/23,actual,exp.nonpay.other,1.234\n' >>"$tmp/broken/finance.csv"
"$BOARDPACK" build --data "$tmp/broken" --out "$j" >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 65 ] && diff -r "$tmp/journal-before" "$j" >/dev/null; then
    ok "an interrupted commit is rolled back by the next build: the old set, exactly"
else
    ko "journal roll-back: exit $rc"; diff -r "$tmp/journal-before" "$j"
fi
# a journal boardpack did not write is not acted on
cp "$j/$b-board.pdf" "$tmp/board-copy"
printf 'boardpack-journal 1\no\t%s\t../x\t.%s.old-1-0\nend 1\n' "$b-board.pdf" "$b-board.pdf" >"$j/.boardpack.journal"
"$BOARDPACK" build --data "$hw" --out "$j" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 74 ] && grep -qF "$j/.boardpack.journal:2: error: found a journal that is not one boardpack writes" "$tmp/err" \
    && cmp -s "$j/$b-board.pdf" "$tmp/board-copy" && [ -e "$j/.boardpack.journal" ]; then
    ok "a journal that is not boardpack's: exit 74, nothing touched"
else
    ko "foreign journal: exit $rc"; cat "$tmp/err"
fi
rm "$j/.boardpack.journal"

# ---- stale temporaries of boardpack's naming (a killed run's) go with the next build;
# other hidden files stay ----
s=$tmp/stale
"$BOARDPACK" build --data "$hw" --out "$s" >/dev/null 2>&1
: >"$s/.$b-board.pdf.tmp-4000001-0"
: >"$s/.$b.xlsx.old-77-6"
: >"$s/.boardpack.journal.tmp-77-0"
: >"$s/.keep"
: >"$s/.notes.tmp-draft"
"$BOARDPACK" build --data "$hw" --out "$s" >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 0 ] && [ "$(hidden "$s")" = ".keep .notes.tmp-draft " ]; then
    ok "stale temporaries removed by the next build, other hidden files kept"
else
    ko "stale temporaries: exit $rc, hidden: $(hidden "$s")"
fi

# ---- one run at a time: another process holds the folder's lock ----
mkdir "$tmp/locked"
"$py" -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.truncate(0); f.write("%d\n" % os.getpid()); f.flush()
open(sys.argv[2], "w").close()
time.sleep(120)
' "$tmp/locked/.boardpack.lock" "$tmp/holding" &
holder=$!
for _ in $(seq 1 200); do [ -e "$tmp/holding" ] && break; sleep 0.05; done
"$BOARDPACK" build --data "$hw" --out "$tmp/locked" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 74 ] && grep -qF "$tmp/locked: error: another run (process $holder) is writing into this folder and holds its lock $tmp/locked/.boardpack.lock" "$tmp/err"; then
    ok "the folder locked by another process: exit 74 naming the process ($holder)"
else
    ko "locked: exit $rc"; cat "$tmp/err"
fi
if [ "$(ls "$tmp/locked")" = "" ]; then ok "locked: nothing written"; else ko "locked: wrote $(ls "$tmp/locked")"; fi
kill "$holder"
wait "$holder" 2>/dev/null
"$BOARDPACK" build --data "$hw" --out "$tmp/locked" >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 0 ] && [ -z "$(hidden "$tmp/locked")" ]; then ok "the lock let go: the build runs, and takes its lock file away"; else ko "after the lock: exit $rc, $(hidden "$tmp/locked")"; fi

# ---- SIGTERM and SIGINT in the middle of a build: no temporary file, no lock, nothing
# renamed; the exit status is the signal's.  A 600-institution trust takes seconds. ----
"$py" scripts/fixtures/gen_large.py "$tmp/big" 600
# sigdfl CMD...: CMD with SIGINT at its default (a script's background job ignores it); exec,
# so that $! of `sigdfl CMD &` is CMD's process
sigdfl() { exec "$py" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
for sig in TERM:15 INT:2; do
    num=${sig#*:} sig=${sig%:*}
    d=$tmp/sig-$sig
    sigdfl "$BOARDPACK" build --data "$tmp/big" --out "$d" >/dev/null 2>&1 &
    pid=$!
    n=0
    for _ in $(seq 1 1200); do
        n=$(ls -A "$d" 2>/dev/null | grep -c '\.tmp-')
        [ "$n" -ge 5 ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -"$sig" "$pid"
    wait "$pid" 2>/dev/null; rc=$?
    want=$((128 + num))
    if [ "$n" -ge 5 ] && [ "$rc" -eq "$want" ]; then ok "SIG$sig while $n temporary files were open: exit $rc"; else ko "SIG$sig: $n temporaries, exit $rc (want $want)"; fi
    if [ -z "$(ls -A "$d")" ]; then ok "SIG$sig: nothing left in the folder"; else ko "SIG$sig left $(ls -A "$d" | wc -l) files: $(ls -A "$d" | head -3 | tr '\n' ' ')"; fi
done

summary
