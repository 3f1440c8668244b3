#!/bin/sh
# Accessible tagged PDFs (issue #15, docs/accessibility.md): every pack of the shipped
# fixtures (pet, second-trust), of the messy one, of pet-ledger (its ledger control totals
# table), of the in-year PET (pet-inyear, M04) and of the PET renamed beyond Windows-1252
# (Unicode and fallback fonts), read with real readers -
# - pdfinfo: "Tagged: yes", PDF version 1.7; qpdf --check clean;
# - tests/e2e/tagged_check.py (pikepdf, pdftotext, pdfinfo -struct-text): /MarkInfo,
#   /Lang, /DisplayDocTitle, XMP pdfuaid, ToUnicode for every font; no content outside
#   marked content or artifacts; every MCID referenced exactly once from the tree and the
#   parent tree; headings skip no level; Table/TR/TH with /Scope, L/LI, Figure /Alt, Link
#   with its annotation; bookmarks and contents entries match the H1/H2 headings; the
#   structure text reads what the pages show outside artifacts, in the same order; the
#   artifacts hold only the running header, footer, page numbers and repeated headers;
# - tests/e2e/contrast_check.py: every string drawn has a WCAG contrast of at least 4.5:1
#   against the fill it is drawn on, and none is under 8 pt;
# - for the PET's board pack, the expected roles: the scorecard is a Table whose first row
#   is TH /Scope /Column and whose rows start with a TH /Scope /Row; each Figure's /Alt
#   has every plotted value as the tables beside the chart print it (the scorecard's and
#   the key figures' cells, the finance summary's consolidated result).
# Run alone: BOARDPACK=./boardpack sh tests/e2e/tagged.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
for tool in pdfinfo pdftotext qpdf "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"; echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done
if ! "$py" -c "import pikepdf" 2>/dev/null; then
    echo "skip: python3-pikepdf missing"; echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi
check=$(dirname "$0")/tagged_check.py
# and the PET with a trust name beyond Windows-1252 (a Welsh letter, CJK): its packs are
# set in the Unicode (Type0) fonts and the fallback font, whose ToUnicode maps differ
cp -R fixtures/pet "$tmp/unicode"
sed -i '0,/^name,/s/^name,\(.*\)$/name,\1 \xC5\xB4 \xE5\xAD\xA6\xE6\xA0\xA1/' "$tmp/unicode/trust.csv"

for fx in fixtures/pet fixtures/second-trust fixtures/messy fixtures/pet-ledger fixtures/pet-inyear "$tmp/unicode"; do
    name=$(basename "$fx")
    rm -rf "$tmp/out" "$tmp/elements.txt"
    if ! BOARDPACK_PDF_ELEMENTS="$tmp/elements.txt" SOURCE_DATE_EPOCH=1700000000 \
            "$BOARDPACK" build --data "$fx" --out "$tmp/out" >"$tmp/build.log" 2>&1; then
        ko "$name: boardpack build"; tail -3 "$tmp/build.log"; continue
    fi
    for f in "$tmp"/out/*.pdf; do
        b=$(basename "$f")
        info=$(pdfinfo "$f" 2>/dev/null)
        if printf '%s\n' "$info" | grep -q '^Tagged: *yes' &&
           printf '%s\n' "$info" | grep -q '^PDF version: *1\.7$'; then
            ok "$b: pdfinfo says Tagged: yes, PDF version 1.7"
        else
            ko "$b: pdfinfo: $(printf '%s\n' "$info" | grep -E '^(Tagged|PDF version)' | tr '\n' ' ')"
        fi
        if qpdf --check "$f" >"$tmp/qpdf.txt" 2>&1; then ok "$b: qpdf --check"; else ko "$b: qpdf --check"; tail -3 "$tmp/qpdf.txt"; fi
        # poppler reads every map without a complaint (libharu's own Type0 ToUnicode drew
        # "Invalid 'begincidrange' operator in ToUnicode CMap")
        if pdftotext "$f" /dev/null 2>"$tmp/warn.txt" && [ ! -s "$tmp/warn.txt" ]; then
            ok "$b: pdftotext reads it without a warning"
        else
            ko "$b: pdftotext warns: $(sort -u "$tmp/warn.txt" | head -2)"
        fi
        mkdir -p "$tmp/chk"
        # the PET's board pack: also its charts' Alt against the tables beside them
        extra=; [ "$name/$b" = pet/pet-2022-23-board.pdf ] && extra=pet-board
        "$py" "$check" "$f" "$tmp/elements.txt" "$tmp/chk" $extra >"$tmp/chk.txt" 2>&1
        while IFS= read -r line; do
            case "$line" in
                "ok   "*) ok "${line#ok   }" ;;
                "FAIL "*) ko "${line#FAIL }" ;;
                *) ko "$b: tagged_check.py: $line" ;;
            esac
        done <"$tmp/chk.txt"
        # WCAG 1.4.3 contrast and no text under 8 pt, from what the content streams draw
        "$py" "$(dirname "$0")/contrast_check.py" "$f" >"$tmp/chk.txt" 2>&1
        while IFS= read -r line; do
            case "$line" in
                "ok   "*) ok "${line#ok   }" ;;
                "FAIL "*) ko "${line#FAIL }" ;;
                *) ko "$b: contrast_check.py: $line" ;;
            esac
        done <"$tmp/chk.txt"
    done
    if [ "$name" = pet ]; then
        # the scorecard: the table headed "KPI" whose rows are headed by their KPI
        "$py" - "$tmp/out/pet-2022-23-board.pdf" >"$tmp/score.txt" 2>&1 <<'PY'
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
def kids(e):
    k = e.get("/K", [])
    return [x for x in (k if isinstance(k, pikepdf.Array) else [k]) if isinstance(x, pikepdf.Dictionary) and "/S" in x]
tables = []
def walk(e):
    if str(e.get("/S")) == "/Table":
        tables.append(e)
    for k in kids(e):
        walk(k)
walk(pdf.Root.StructTreeRoot.K)
def scope(c):
    return str(c.A.Scope) if str(c.S) == "/TH" and "/A" in c else None
good = 0
for t in tables:
    rows = kids(t)
    if len(rows) < 3:
        continue
    head = kids(rows[0])
    if all(scope(c) == "/Column" for c in head) and all(kids(r) and scope(kids(r)[0]) == "/Row" and all(str(c.S) == "/TD" for c in kids(r)[1:]) for r in rows[1:]):
        good += 1
print(good, len(tables))
PY
        read -r good all <"$tmp/score.txt" || true
        if [ "${good:-0}" -ge 1 ]; then
            ok "pet board: $good of $all tables have a header row of TH /Scope /Column and rows headed by a TH /Scope /Row"
        else
            ko "pet board: no table with a column-header row and row headers"; cat "$tmp/score.txt"
        fi
    fi
done
summary
