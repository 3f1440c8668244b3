#!/bin/sh
# The board packs (boardpack build): every pack of both shipped fixtures and of a
# generated 50-institution trust is a valid PDF (qpdf --check) with every font embedded,
# bookmarks and page numbers, the figures a clerk expects (worked out independently in
# the fixtures' README and generators), no word outside the layout's margins, and
# byte-identical rebuilds whatever the time, time zone or working directory.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
bp=$(cd "$(dirname "$BOARDPACK")" && pwd)/$(basename "$BOARDPACK")
root=$(pwd)

for tool in qpdf pdffonts pdftotext pdfinfo "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"
        echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done

# check_pdf NAME FILE: valid, fonts embedded, bookmarks, footers, words inside the margins
check_pdf() {
    name=$1 f=$2
    if qpdf --check "$f" >"$tmp/qpdf.log" 2>&1; then ok "$name: qpdf --check"; else ko "$name: qpdf --check"; tail -3 "$tmp/qpdf.log"; fi
    # pdffonts: after two header lines, column "emb" must be yes for every font
    if pdffonts "$f" 2>/dev/null | awk 'NR > 2 { n++; if ($(NF-4) != "yes") bad++ } END { exit (n > 0 && !bad) ? 0 : 1 }'; then
        ok "$name: every font embedded"
    else
        ko "$name: fonts not all embedded"; pdffonts "$f" 2>/dev/null
    fi
    if qpdf --json --json-key=outlines "$f" 2>/dev/null | "$py" -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d.get("outlines") else 1)'; then
        ok "$name: has bookmarks"
    else
        ko "$name: no bookmarks"
    fi
    pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    pdftotext -layout "$f" "$tmp/t.txt" 2>/dev/null
    if grep -q "Page $pages of $pages" "$tmp/t.txt" && grep -q "Page 2 of $pages" "$tmp/t.txt"; then
        ok "$name: page numbers Page X of $pages"
    else
        ko "$name: page numbers"
    fi
    check_margins "$name" "$f"
}

# check_margins NAME FILE...: on every page of every FILE each word lies inside the
# layout's margins (BPI_MARGIN_SIDE, _TOP and _BOTTOM, read from the source) to within
# 1 pt of rounding - but for the running header and footer, which draw_header_footer
# (src/bp_pdf.c) sets inside the top and bottom margins, each on a line of its own: 8 pt
# text on baselines 40 pt below the top edge and 30 pt above the bottom edge, between the
# side margins.  The pages with a word outside are listed.
check_margins() {
    name=$1; shift
    if "$py" - "$root" "$@" <<'PY'
import glob, os, re, subprocess, sys
margin = {}
for h in glob.glob(os.path.join(sys.argv[1], "src", "*.h")) + glob.glob(os.path.join(sys.argv[1], "include", "*.h")):
    for k, v in re.findall(r"#define\s+BPI_MARGIN_(SIDE|TOP|BOTTOM)\s+([\d.]+)f?\b", open(h).read()):
        margin[k] = float(v)
if sorted(margin) != ["BOTTOM", "SIDE", "TOP"]:
    sys.exit("cannot read the layout's margins (BPI_MARGIN_SIDE, _TOP, _BOTTOM): %s" % margin)
side, top, bottom = margin["SIDE"], margin["TOP"], margin["BOTTOM"]
tol, head, foot, size = 1.0, 40.0, 30.0, 8.0
word = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>')
bad = npages = 0
for pdf in sys.argv[2:]:
    html = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True).stdout.decode("utf-8")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    if not pages:
        sys.exit("%s: no pages" % pdf)
    for no, (w, h, body) in enumerate(pages, 1):
        w, h = float(w), float(h)
        npages += 1
        words = word.findall(body)
        if not words:
            sys.exit("%s: page %d has no words" % (pdf, no))
        out = []
        for x0, y0, x1, y1, text in words:
            x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))   # y down from the top edge
            across = x0 >= side - tol and x1 <= w - side + tol
            inside = y0 >= top - tol and y1 <= h - bottom + tol
            # a word's box reaches the font's ascent (0.93 em) above its baseline and its
            # descent (0.24 em) below
            header = y0 >= head - size - tol and y1 <= head + 0.3 * size + tol
            footer = y0 >= h - foot - size - tol and y1 <= h - foot + 0.3 * size + tol
            if not (across and (inside or header or footer)):
                out.append("%s (%.1f,%.1f)-(%.1f,%.1f)" % (text, x0, y0, x1, y1))
        if out:
            bad += 1
            print("  %s page %d: %s" % (os.path.basename(pdf), no, ", ".join(out[:8])))
print("  %d pages checked at the margins: side %g pt, top %g pt, bottom %g pt; %d with a word outside"
      % (npages, side, top, bottom, bad))
sys.exit(1 if bad else 0)
PY
    then ok "$name: no word outside the margins"; else ko "$name: words outside the margins"; fi
}

# has NAME PDF TEXT...: pdftotext of PDF contains each TEXT
has() {
    name=$1 f=$2; shift 2
    pdftotext -layout "$f" "$tmp/h.txt" 2>/dev/null
    for want in "$@"; do
        if grep -qF -- "$want" "$tmp/h.txt"; then ok "$name: shows '$want'"; else ko "$name: '$want' missing"; fi
    done
}

# ---- the PET ----
out=$tmp/pet
if "$bp" build --data fixtures/pet --out "$out" >"$tmp/build.log" 2>&1; then ok "pet: build exits 0"; else ko "pet: build failed"; cat "$tmp/build.log"; fi
want="pet-2022-23-board.pdf pet-2022-23-finance.pdf pet-2022-23-quality.pdf pet-2022-23-lgb-SFC.pdf pet-2022-23-lgb-BHS.pdf pet-2022-23-lgb-WERR.pdf pet-2022-23-results.json pet-2022-23.xlsx pet-2022-23-manifest.txt"
got=$(ls "$out" 2>/dev/null | sort | tr '\n' ' ')
exp=$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')
if [ "$got" = "$exp" ]; then ok "pet: exactly the expected files"; else ko "pet: files: $got"; fi
for f in "$out"/*.pdf; do check_pdf "pet $(basename "$f")" "$f"; done
# Figures from fixtures/pet/README.md (computed by scripts/fixtures/check_fixture.py and
# the generator, not by boardpack).
has "pet board" "$out/pet-2022-23-board.pdf" "The PET" "Board of Trustees" "Moorside High School" \
    "82.4% R" "80.7% A" "£1,974,033 G" "-£386.40" "Contents" "Outstanding" "Requires improvement"
# The finance tables in whole pounds (#14), half away from zero from the README's pence:
# £334,895.53 -> £334,896, £329,122.34 -> £329,122, £736,118.64 -> £736,119,
# £1,974,032.89 -> £1,974,033.
has "pet finance" "$out/pet-2022-23-finance.pdf" "£334,896" "£329,122" "£736,119" \
    "Physics" "37.0% R" "51.7% G" "Consolidated trust" "£1,974,033"
has "pet quality" "$out/pet-2022-23-quality.pdf" "93.8% R" "89.3% R" "68.6% R" "Teaching and Learning"
has "pet lgb WERR" "$out/pet-2022-23-lgb-WERR.pdf" "Moorside High School" "Werrington Primary School"
# the cover names the kind of paper: the board's pack, a committee's, a governing body's
for k in "board:Board pack" "finance:Committee pack" "quality:Committee pack" "lgb-BHS:Local governing body pack"; do
    cover=$(pdftotext -l 1 "$out/pet-2022-23-${k%%:*}.pdf" - 2>/dev/null | tr -s ' \n' '  ')
    case $cover in
        *"${k#*:}"*) ok "pet ${k%%:*}: the cover says \"${k#*:}\"" ;;
        *) ko "pet ${k%%:*}: the cover says \"${k#*:}\": $cover" ;;
    esac
done
# The methodology explains the KPIs "in this paper": each KPI it lists ("Name (id)") is
# named in the pack before it (the sections, and the board pack's further exceptions,
# Appendix A), and the quality pack, which shows no pupil to teacher ratio, does not
# explain one.  In drawing order (-raw): a scorecard's KPI cell of two lines sits beside
# its target cell, which pdftotext's reading order would put between them.
for f in "$out"/*.pdf; do
    pdftotext -raw "$f" "$tmp/raw.txt" 2>/dev/null
    if "$py" - "$tmp/raw.txt" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
at = [m.start() for m in re.finditer(r"Appendix [A-Z]\. Methodology", text)][-1]
body, appendix = " ".join(text[:at].split()), text[at:]
nxt = re.search(r"Appendix [A-Z]\. ", appendix[1:])
end = nxt.start() + 1 if nxt else -1
names = re.findall(r"^(.+) \(([a-z0-9_]+)\)$", appendix[:end if end > 0 else None], re.M)
missing = [n for n, _ in names if " ".join(n.split()) not in body]
print("  methodology lists %d KPIs; not in the body: %s" % (len(names), missing or "none"))
sys.exit(0 if names and not missing else 1)
PY
    then ok "pet $(basename "$f"): methodology explains the KPIs shown"; else ko "pet $(basename "$f"): methodology"; fi
done
if pdftotext "$out/pet-2022-23-quality.pdf" - 2>/dev/null | grep -q "(pupil_teacher_ratio)"; then
    ko "pet quality: methodology explains a KPI it does not show"
else
    ok "pet quality: methodology leaves out the KPIs it does not show"
fi
if "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["schema"]=="boardpack-results/3" and d["results"] else 1)' "$out/pet-2022-23-results.json"; then
    ok "pet: results JSON written beside the packs"
else
    ko "pet: results JSON"
fi

# ---- the second trust: its own KPIs appear in its packs ----
out2=$tmp/second
if "$bp" build --data fixtures/second-trust --out "$out2" >"$tmp/build.log" 2>&1; then ok "second: build exits 0"; else ko "second: build failed"; cat "$tmp/build.log"; fi
n=$(ls "$out2"/horizon-2022-23-lgb-*.pdf 2>/dev/null | wc -l)
if [ "$n" -eq 6 ]; then ok "second: one LGB pack per school (6)"; else ko "second: $n LGB packs"; fi
for f in "$out2"/*.pdf; do check_pdf "second $(basename "$f")" "$f"; done
has "second board" "$out2/horizon-2022-23-board.pdf" "Horizon Academy Trust" \
    "Progress 8 of disadvantaged pupils" "At least good within three years"

# ---- a large trust: 50 institutions, long UTF-8 names ----
"$py" scripts/fixtures/gen_large.py "$tmp/large-data" 50
if "$bp" build --data "$tmp/large-data" --out "$tmp/large" >"$tmp/build.log" 2>&1; then ok "large: build exits 0"; else ko "large: build failed"; cat "$tmp/build.log"; fi
for p in board finance quality lgb-L01; do check_pdf "large $p" "$tmp/large/large-2022-23-$p.pdf"; done
# the margins on every page of every other pack of the large trust
check_margins "large lgb-L02..L25" $(ls "$tmp"/large/large-2022-23-lgb-*.pdf | grep -v 'lgb-L01\.pdf$')
has "large board" "$tmp/large/large-2022-23-board.pdf" "Ynys Môn" "I50"

# ---- the fonts follow the text: simple WinAnsi fonts for Windows-1252 text, the Unicode
# subset fonts for a Welsh Ŵ, the full fonts for Cyrillic; nothing is lost on the way ----
# fonts_kind FILE: "simple" when every font is a simple TrueType font, "cid" when all are
# CID fonts; font_bytes FILE: the largest embedded font program in bytes
fonts_kind() {
    pdffonts "$1" 2>/dev/null | awk 'NR > 2 { if ($0 ~ /CID TrueType/) c++; else s++ }
        END { print (c && !s) ? "cid" : (s && !c) ? "simple" : "mixed" }'
}
font_bytes() {
    "$py" - "$1" <<'PY'
import re, subprocess, sys
out = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", sys.argv[1], "-"],
                     capture_output=True).stdout.decode("latin-1")
sizes = [int(m) for m in re.findall(r"/Length1 (\d+)", out)]
print(max(sizes) if sizes else 0)
PY
}
kind=$(fonts_kind "$out/pet-2022-23-board.pdf")
if [ "$kind" = simple ]; then ok "pet board: set in simple (WinAnsi) fonts"; else ko "pet board: fonts are $kind"; fi
for case in "welsh:Ysgol Ŵyn (Primary One):cid:subset" "cyr:Школа № 1 (Primary One):cid:full"; do
    dir=${case%%:*}
    rest=${case#*:}
    name=${rest%%:*}
    rest=${rest#*:}
    fkind=${rest%%:*}
    fset=${rest#*:}
    mkdir "$tmp/$dir"
    cp tests/fixtures/handworked/*.csv "$tmp/$dir/"
    sed -i "s/^P1,Primary One,/P1,$name,/" "$tmp/$dir/institutions.csv"
    if "$bp" build --data "$tmp/$dir" --out "$tmp/$dir-out" --pack board >/dev/null 2>&1; then
        f="$tmp/$dir-out/hw-2022-23-board.pdf"
        has "$fset-font fallback ($dir)" "$f" "$name"
        kind=$(fonts_kind "$f") bytes=$(font_bytes "$f")
        # as embedded (the glyphs used, every other table whole): about 10 KB from the
        # subset fonts, 150 KB from the full DejaVu fonts
        if [ "$kind" = "$fkind" ] && { { [ "$fset" = full ] && [ "$bytes" -gt 100000 ]; } || \
                                      { [ "$fset" = subset ] && [ "$bytes" -lt 50000 ]; }; }; then
            ok "$dir: $kind fonts from the $fset set ($bytes bytes)"
        else
            ko "$dir: $kind fonts of $bytes bytes, expected $fkind fonts from the $fset set"
        fi
    else
        ko "build with the name $name"
    fi
done

# ---- reproducible: other time, time zone and directory give the same bytes ----
(cd "$tmp" && TZ=Asia/Tokyo "$bp" build --data "$root/fixtures/pet" --out "$tmp/again" >/dev/null 2>&1)
sleep 1
TZ=America/New_York "$bp" build --data fixtures/pet --out "$tmp/again2" >/dev/null 2>&1
same=1
for f in "$out"/*; do
    b=$(basename "$f")
    cmp -s "$f" "$tmp/again/$b" && cmp -s "$f" "$tmp/again2/$b" || { same=0; echo "differs: $b"; }
done
if [ "$same" -eq 1 ]; then ok "rebuilds are byte-identical (TZ, time, directory)"; else ko "rebuilds differ"; fi
SOURCE_DATE_EPOCH=1700000000 "$bp" build --data fixtures/pet --pack board --out "$tmp/e1" >/dev/null 2>&1
SOURCE_DATE_EPOCH=1800000000 "$bp" build --data fixtures/pet --pack board --out "$tmp/e2" >/dev/null 2>&1
pdftotext "$tmp/e1/pet-2022-23-board.pdf" "$tmp/e1.txt" 2>/dev/null
pdftotext "$tmp/e2/pet-2022-23-board.pdf" "$tmp/e2.txt" 2>/dev/null
d1=$(pdfinfo "$tmp/e1/pet-2022-23-board.pdf" 2>/dev/null | grep CreationDate)
d2=$(pdfinfo "$tmp/e2/pet-2022-23-board.pdf" 2>/dev/null | grep CreationDate)
if cmp -s "$tmp/e1.txt" "$tmp/e2.txt" && [ "$d1" != "$d2" ] && ! cmp -s "$tmp/e1/pet-2022-23-board.pdf" "$tmp/e2/pet-2022-23-board.pdf"; then
    ok "SOURCE_DATE_EPOCH changes only the date"
else
    ko "SOURCE_DATE_EPOCH: text same? dates '$d1' '$d2'"
fi

# ---- options and failures ----
"$bp" build --data fixtures/pet --out "$tmp/one" --pack board --pack finance >/dev/null 2>&1
got=$(ls "$tmp/one" | tr '\n' ' ')
if [ "$got" = "pet-2022-23-board.pdf pet-2022-23-finance.pdf pet-2022-23-manifest.txt pet-2022-23-results.json pet-2022-23.xlsx " ]; then ok "--pack selects packs"; else ko "--pack: $got"; fi
"$bp" build --data fixtures/pet --out "$tmp/none" --pack minutes >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "no pack 'minutes'" "$tmp/err" && [ ! -e "$tmp/none" ]; then ok "unknown --pack: exit 2, nothing written"; else ko "unknown --pack: exit $rc"; fi
"$bp" build --data fixtures/pet --out "$tmp/red" --fail-on red >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 1 ] && [ -f "$tmp/red/pet-2022-23-board.pdf" ]; then ok "--fail-on red: exit 1 with the packs written"; else ko "--fail-on red: exit $rc"; fi
mkdir "$tmp/bad-data" "$tmp/bad-out"
cp fixtures/pet/*.csv "$tmp/bad-data/"
printf 'SFC,2022/23,actual,income.self.other,12.345\n' >>"$tmp/bad-data/finance.csv"
"$bp" build --data "$tmp/bad-data" --out "$tmp/bad-out" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 65 ] && [ -z "$(ls -A "$tmp/bad-out")" ] && grep -q "finance.csv:" "$tmp/err"; then
    ok "data error: exit 65, nothing written"
else
    ko "data error: exit $rc, out: $(ls -A "$tmp/bad-out")"
fi
# an existing pack is replaced whole, never left half-written: no temporary files remain
if [ -z "$(ls -A "$out" | grep '^\.')" ]; then ok "no temporary files left"; else ko "temporary files left"; fi

summary
