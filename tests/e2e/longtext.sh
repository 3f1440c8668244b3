#!/bin/sh
# Long text reaches the packs whole and unaltered (docs/fuzzing.md, F8 to F11): a pack
# title longer than the 511 bytes of the document's title, which was cut inside a
# character and drawn as U+FFFD on the cover and in the document information;
# commentary longer than the 1,188 bytes a fixed buffer kept of it; a priority longer
# than 2,048 bytes, with the ambitions it serves; and a name over many lines, whose line
# breaks the contents page drew as '?' on its last line.
. "$(dirname "$0")/lib/common.sh"
bp=$(cd "$(dirname "$BOARDPACK")" && pwd)/$(basename "$BOARDPACK")
base=tests/fixtures/handworked
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
    skip=$((skip + 1)); echo "skip long text in the packs (no pdftotext, pdfinfo)"
    summary; exit
fi
# the pages' text as one line: a paragraph wraps wherever the page width says
text() { pdftotext "$1" - 2>/dev/null | tr -s ' \n' '  '; }
fffd=$(printf '\357\277\275')

# ---- 2,200 bytes of commentary on an exception (staff costs at P2 are amber) ----
mkdir "$tmp/long" && cp "$base"/*.csv "$tmp/long"/
long=$(i=0; while [ $i -lt 100 ]; do printf 'Staff costs rose %02d. ' $i; i=$((i + 1)); done)
printf 'kpi,entity,year,text\nstaff_cost_pct,P2,2022/23,"%sThe end of the commentary."\n' "$long" \
    >"$tmp/long/commentary.csv"
# and a priority of 2,300 bytes serving two ambitions
printf 'id,title,summary\nreading,Reading for all,Every pupil reads.\nstaff,Staff we keep,Good staff stay.\n' \
    >"$tmp/long/ambitions.csv"
title=$(i=0; while [ $i -lt 100 ]; do printf 'Raise reading %02d and ' $i; i=$((i + 1)); done)
printf 'institution,id,title,ambitions\nP1,P1-1,"%sthe end of the priority.",reading;staff\n' "$title" \
    >"$tmp/long/priorities.csv"
"$bp" build --data "$tmp/long" --out "$tmp/long-out" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && text "$tmp/long-out/hw-2022-23-board.pdf" |
   grep -qF 'Staff costs rose 99. The end of the commentary.'; then
    ok "2,200 bytes of commentary: whole in the board pack"
else
    ko "2,200 bytes of commentary: exit $rc, or cut in the board pack"; sed 's/^/    /' "$tmp/err"
fi
if [ "$rc" -eq 0 ] && text "$tmp/long-out/hw-2022-23-lgb-P1.pdf" |
   grep -qF 'Raise reading 99 and the end of the priority. Serves: Reading for all, Staff we keep'; then
    ok "a priority of 2,300 bytes: whole, with the ambitions it serves, in P1's pack"
else
    ko "a priority of 2,300 bytes: exit $rc, or cut in P1's pack"
fi

# ---- a pack title of 300 e-acute (600 bytes): cut between characters, never U+FFFD ----
mkdir -p "$tmp/tpl/packs" && cp -R templates/kpis "$tmp/tpl"/
name=$(i=0; while [ $i -lt 300 ]; do printf '\303\251'; i=$((i + 1)); done)
printf 'pack long\n  title: %s\n  section: summary\n' "$name" >"$tmp/tpl/packs/long.pack"
BOARDPACK_TEMPLATES=$tmp/tpl "$bp" build --data "$base" --out "$tmp/tpl-out" >/dev/null 2>"$tmp/err"; rc=$?
pdf=$tmp/tpl-out/hw-2022-23-long.pdf
if [ "$rc" -eq 0 ] && [ -f "$pdf" ] && ! text "$pdf" | grep -qF "$fffd" &&
   ! pdfinfo "$pdf" 2>/dev/null | grep -qF "$fffd" && pdfinfo "$pdf" | grep -q "^Title: *$(printf '\303\251\303\251')"; then
    ok "a pack title of 600 bytes: no U+FFFD on the pages or in the document information"
else
    ko "a pack title of 600 bytes: exit $rc, or U+FFFD in the PDF"; sed 's/^/    /' "$tmp/err"
fi

# ---- a name over twenty lines heading P1's priorities: its contents entry ends on one
# line, the name's line breaks spaces there - never a '?' (WinAnsi) or U+000A drawn ----
mkdir "$tmp/lines" && cp "$base"/*.csv "$tmp/lines"/
cp "$tmp/long/ambitions.csv" "$tmp/lines"/
printf 'institution,id,title,ambitions\nP1,P1-1,Read more,reading\n' >"$tmp/lines/priorities.csv"
name=$(i=0; while [ $i -lt 20 ]; do printf 'Primary One line\n'; i=$((i + 1)); done)
awk -v name="$name" 'BEGIN { FS = OFS = "," } $1 == "P1" { $2 = "\"" name "\"" } { print }' \
    "$base/institutions.csv" >"$tmp/lines/institutions.csv"
"$bp" build --data "$tmp/lines" --out "$tmp/lines-out" --pack lgb >/dev/null 2>"$tmp/err"; rc=$?
pdf=$tmp/lines-out/hw-2022-23-lgb-P1.pdf
if [ "$rc" -eq 0 ] && text "$pdf" | grep -qF 'Primary One line Primary One line' &&
   ! text "$pdf" | grep -qF 'line?'; then
    ok "a name over twenty lines: its contents entry on one line, line breaks as spaces"
else
    ko "a name over twenty lines: exit $rc, or a line break drawn in its contents entry"
    sed 's/^/    /' "$tmp/err"
fi

summary
