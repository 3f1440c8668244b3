#!/bin/sh
# Text on its way to the outputs (the contract's text rule): a control character in a
# pack template is an error at its line and column, as in every input file; a TAB in
# commentary is printed as a space (the pack and the JSON); a line break in commentary
# stays one in the check report, under its label; and the check report shows a BOM and
# bidirectional overrides inside a name or a KPI's name as visible escapes, never as the
# raw characters a terminal would act on.
. "$(dirname "$0")/lib/common.sh"
bp=$(cd "$(dirname "$BOARDPACK")" && pwd)/$(basename "$BOARDPACK")
base=tests/fixtures/handworked

# ---- a control character in a pack's title: an error, nothing written ----
mkdir -p "$tmp/tpl" && cp -R templates/kpis templates/packs "$tmp/tpl"/
printf 'pack minutes\n  title: Min\033[5mutes\n  section: summary\n' >"$tmp/tpl/packs/minutes.pack"
BOARDPACK_TEMPLATES=$tmp/tpl "$bp" build --data "$base" --out "$tmp/tpl-out" >/dev/null 2>"$tmp/err"; rc=$?
want='  templates/packs/minutes.pack:2:13: error: found U+001B (a control character), expected text without control characters'
if [ "$rc" -eq 65 ] && grep -qxF -- "$want" "$tmp/err" && [ "$(grep -c ': error: ' "$tmp/err")" -eq 1 ] &&
   [ -z "$(ls -A "$tmp/tpl-out" 2>/dev/null)" ]; then
    ok "ESC in a pack's title: exit 65, at 2:13, nothing written"
else
    ko "ESC in a pack's title: exit $rc"; sed 's/^/    /' "$tmp/err"
fi

# ---- commentary: a TAB is a space in the pack and the JSON; a line break stays one ----
mkdir "$tmp/tab" && cp "$base"/*.csv "$tmp/tab"/
printf 'kpi,entity,year,text\nsurplus_pct,P2,2022/23,"Break-even,\tas\tplanned"\n' >"$tmp/tab/commentary.csv"
"$bp" build --data "$tmp/tab" --out "$tmp/tab-out" --pack board >/dev/null 2>"$tmp/err"; rc=$?
json=$tmp/tab-out/hw-2022-23-results.json
if [ "$rc" -eq 0 ] && grep -qF '"commentary": "Break-even, as planned"' "$json" && ! grep -q '\\t' "$json"; then
    ok "a TAB in commentary: a space in the JSON"
else
    ko "a TAB in commentary, JSON: exit $rc"; sed 's/^/    /' "$tmp/err"
fi
if ! command -v pdftotext >/dev/null 2>&1; then
    sk "a TAB in commentary, PDF (no pdftotext)"
elif pdftotext "$tmp/tab-out/hw-2022-23-board.pdf" - 2>/dev/null | grep -qF 'Break-even, as planned'; then
    ok "a TAB in commentary: a space in the board pack"
else
    ko "a TAB in commentary: not 'Break-even, as planned' in the board pack"
fi
printf 'kpi,entity,year,text\nsurplus_pct,P2,2022/23,"Line one\r\nline two"\n' >"$tmp/tab/commentary.csv"
"$bp" check --data "$tmp/tab" >"$tmp/out" 2>"$tmp/err"; rc=$?
printf '           Commentary: Line one\n                       line two\n' >"$tmp/want"
if [ "$rc" -eq 0 ] && grep -A1 'Commentary: Line one' "$tmp/out" | cmp -s - "$tmp/want"; then
    ok "a line break in commentary: a line break in check, under its label"
else
    ko "a line break in commentary: exit $rc"; grep -A1 'Commentary' "$tmp/out" | sed 's/^/    /'
fi

# ---- check's text: a BOM and bidi overrides in a name shown as escapes ----
mkdir "$tmp/bidi" && cp "$base"/*.csv "$tmp/bidi"/
name=$(printf '"\357\273\277Primary \342\200\256enO"')
sed "s/^P1,Primary One,/P1,$name,/" "$base/institutions.csv" >"$tmp/bidi/institutions.csv"
printf 'kpi surplus_pct\n  name: Surplus \342\201\246isolated\342\201\251\n  expr: (income - exp) / income\n' >"$tmp/bidi/kpis.kpi"
"$bp" check --data "$tmp/bidi" >"$tmp/out" 2>"$tmp/err"; rc=$?
# the raw characters: EF BB BF, E2 80 AE, E2 81 A6, E2 81 A9
raw=$(LC_ALL=C grep -c "$(printf '\357\273\277\|\342\200\256\|\342\201\246\|\342\201\251')" "$tmp/out")
if [ "$rc" -eq 0 ] && [ "$raw" -eq 0 ] &&
   grep -qF 'P1 = <U+FEFF>Primary <U+202E>enO (Primary)' "$tmp/out" &&
   grep -qF 'Surplus <U+2066>isolated<U+2069>' "$tmp/out"; then
    ok "check: a BOM and bidi overrides in names shown as <U+....>, none raw"
else
    ko "check: exit $rc, $raw raw line(s)"; grep -n 'Institutions\|Surplus' "$tmp/out" | sed 's/^/    /'
fi

summary
