#!/bin/sh
# make bench's report into docs/performance.md (scripts/bench_doc.py): only the measured block
# is replaced and every hand-written line is kept - on a document written before the markers
# (the bench's own sections found by their headings), on one with them, and on a copy of the
# real docs/performance.md; a document whose markers are broken is left as it was.
# Alone: sh tests/e2e/bench_doc.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
doc_py=scripts/bench_doc.py
B='<!-- make bench writes from here to its end marker: edits in between are overwritten -->'
E='<!-- make bench: end of what it writes -->'

printf '# Performance\n\nMeasured NEW on day 2.\n\n## (a) One trust: the PET\n\n| 1 s |\n\n' >"$tmp/report"
printf '# Performance\n\nMeasured on day 3.\n\n## (f) Against the Python peer\n\n| 2x |\n' >"$tmp/report3"

# before the markers: the title, the bench's sections, then hand-written ones (one lettered)
printf '%s\n' '# Performance' '' 'Measured OLD.' '' '## (a) One trust: the PET' '' '| 9 s |' '' \
    '## (c) Cost against the number of institutions' '' 'old rows' '' \
    '## (b) Every multi-academy trust in England' '' 'old batch' '' '## (d) The floor' '' \
    'old floor' '' '## (e) KPI files at the caps' '' 'Hand-written, kept.' '' \
    '## Where the time goes' '' 'Also kept.' >"$tmp/old.md"
printf '%s\n' '# Performance' "$B" '' 'Measured NEW on day 2.' '' '## (a) One trust: the PET' '' \
    '| 1 s |' '' "$E" '## (e) KPI files at the caps' '' 'Hand-written, kept.' '' \
    '## Where the time goes' '' 'Also kept.' >"$tmp/want2.md"
if "$py" "$doc_py" "$tmp/report" "$tmp/old.md" && cmp -s "$tmp/old.md" "$tmp/want2.md"; then
    ok "a document without markers: the bench's sections replaced, the hand-written kept"
else
    ko "a document without markers: not as worked out"; diff "$tmp/want2.md" "$tmp/old.md"
fi

# with the markers, and a hand-written line added above them: the next run
sed 's/^# Performance$/# Performance\nA note above./' "$tmp/want2.md" >"$tmp/doc.md"
printf '%s\n' '# Performance' 'A note above.' "$B" '' 'Measured on day 3.' '' \
    '## (f) Against the Python peer' '' '| 2x |' '' "$E" '## (e) KPI files at the caps' '' \
    'Hand-written, kept.' '' '## Where the time goes' '' 'Also kept.' >"$tmp/want3.md"
if "$py" "$doc_py" "$tmp/report3" "$tmp/doc.md" && cmp -s "$tmp/doc.md" "$tmp/want3.md"; then
    ok "a document with markers: the block between them replaced, all else kept"
else
    ko "a document with markers: not as worked out"; diff "$tmp/want3.md" "$tmp/doc.md"
fi

# the real document: every line from its first hand-written section on, unchanged
cp docs/performance.md "$tmp/perf.md"
first=$(grep -n '^## ' docs/performance.md | grep -v -e '## (a) One trust: the PET$' \
    -e '## (c) Cost against the number of institutions$' \
    -e '## (b) Every multi-academy trust in England$' -e '## (d) The floor$' | head -n 1 | cut -d: -f1)
if grep -qxF "$B" docs/performance.md; then
    first=$(($(grep -nxF "$E" docs/performance.md | cut -d: -f1) + 1))
fi
tail -n "+$first" docs/performance.md >"$tmp/hand"
"$py" "$doc_py" "$tmp/report" "$tmp/perf.md"
"$py" "$doc_py" "$tmp/report3" "$tmp/perf.md"
end=$(grep -nxF "$E" "$tmp/perf.md" | cut -d: -f1)
if tail -n "+$((end + 1))" "$tmp/perf.md" | cmp -s - "$tmp/hand" \
   && [ "$(grep -cxF "$B" "$tmp/perf.md")" = 1 ] && grep -qx 'Measured on day 3.' "$tmp/perf.md"; then
    ok "docs/performance.md: twice updated, its hand-written sections unchanged"
else
    ko "docs/performance.md: hand-written text changed"
fi

# broken markers: nothing changes, exit 1
printf '%s\n' '# Performance' "$B" 'x' "$B" 'y' "$E" 'kept' >"$tmp/bad.md"
cp "$tmp/bad.md" "$tmp/bad0.md"
"$py" "$doc_py" "$tmp/report" "$tmp/bad.md" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && cmp -s "$tmp/bad.md" "$tmp/bad0.md" && grep -q 'two\|found 2' "$tmp/err"; then
    ok "two start markers: the document left as it was, exit 1"
else
    ko "two start markers: rc $rc"; cat "$tmp/err"
fi
printf '%s\n' '# Elsewhere' '' '## (a) One trust: the PET' >"$tmp/title.md"
cp "$tmp/title.md" "$tmp/title0.md"
"$py" "$doc_py" "$tmp/report" "$tmp/title.md" 2>/dev/null; rc=$?
if [ "$rc" = 1 ] && cmp -s "$tmp/title.md" "$tmp/title0.md"; then
    ok "no markers and another title: left as it was, exit 1"
else
    ko "no markers and another title: rc $rc"
fi
summary
