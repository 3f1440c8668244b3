#!/bin/sh
# Text the DejaVu fonts cannot draw: never a silent box.  A data set whose institution
# names hold CJK, Arabic and an emoji, and whose kpis.kpi names a KPI in Hebrew: the CJK
# name comes out of the packs as those characters, drawn in the embedded fallback font
# (with every glyph's outline: libharu left out the parts of composite glyphs), only in the
# packs that hold it and for some 100 KB; the Arabic, Hebrew and emoji fields are warned of
# at their file:line in check and in the packs' data-quality appendix.  The same from
# Debian's font collection when the prepared fallback font is not there.
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3

for tool in qpdf pdffonts pdftotext "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"
        echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done

cjk="Primary One 東京 한국 ひらがな"
data=$tmp/data
cp -r tests/fixtures/handworked "$data"
# line 2: CJK, line 3: Arabic (مدرسة), line 4: an emoji (U+1F600)
cat >"$data/institutions.csv" <<EOF
id,name,phase,joined,capacity,pan,lgb
P1,$cjk,primary,2019-09-01,210,30,
P2,مدرسة Primary Two,primary,2020-09-01,420,60,
S1,Secondary 😀 One,secondary,2019-09-01,900,100,
CENTRAL,Central Services,central,2019-09-01,,,
EOF
# line 2: Hebrew (עודף)
cat >"$data/kpis.kpi" <<'EOF'
kpi surplus_he
  name: עודף surplus
  section: finance
  unit: percent
  expr: (income - exp) / income
  target: min 0%
EOF

w_arabic='institutions.csv:3: warning: "name" holds right-to-left text (Arabic), which the PDF packs draw unshaped, left to right'
w_emoji='institutions.csv:4: warning: "name" holds characters no font can draw (U+1F600): they print as the replacement mark U+FFFD'
w_hebrew='kpis.kpi:2: warning: "name" holds right-to-left text (Hebrew), which the PDF packs draw unshaped, left to right'

"$BOARDPACK" check --data "$data" >"$tmp/check.txt" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ]; then ok "check: exit 0 (warnings only)"; else ko "check: exit $rc"; cat "$tmp/err"; fi
for w in "$w_arabic" "$w_emoji" "$w_hebrew"; do
    if grep -qF "$w" "$tmp/check.txt"; then ok "check warns: ${w%%:*}:$(echo "$w" | cut -d: -f2)"
    else ko "check does not say: $w"; grep -n "warning" "$tmp/check.txt"; fi
done
if grep -q "institutions.csv:2:" "$tmp/check.txt"; then
    ko "the CJK name is warned of, though the fallback font draws it"; grep "institutions.csv:2:" "$tmp/check.txt"
else
    ok "no warning for the CJK name"
fi

"$BOARDPACK" build --data "$data" --out "$tmp/out" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ]; then ok "build: exit 0"; else ko "build: exit $rc"; cat "$tmp/err"; fi
board=$tmp/out/hw-2022-23-board.pdf

# has_fallback FILE: pdffonts lists the fallback font, embedded and subset
has_fallback() {
    pdffonts "$1" 2>/dev/null | awk '/\+WenQuanYiMicroHei / { found = 1; if ($(NF-4) != "yes" || $(NF-3) != "yes") bad = 1 }
                                     END { exit found && !bad ? 0 : 1 }'
}

# outlines FILE TEXT: every character of TEXT the embedded fallback font maps has a glyph
# with outline points, its composite parts included
outlines() {
    "$py" - "$1" "$2" <<'PY'
import io, json, subprocess, sys
from fontTools.ttLib import TTFont
pdf, text = sys.argv[1], sys.argv[2]
objs = json.loads(subprocess.run(["qpdf", "--json=1", "--json-key=objects", pdf],
                                 capture_output=True, check=True).stdout)["objects"]
ref = [v["/FontFile2"] for v in objs.values()
       if isinstance(v, dict) and "WenQuanYi" in str(v.get("/FontName", ""))]
if len(ref) != 1:
    sys.exit("no single fallback font file: %s" % ref)
data = subprocess.run(["qpdf", "--show-object=" + ref[0].split()[0], "--filtered-stream-data", pdf],
                      capture_output=True, check=True).stdout
font = TTFont(io.BytesIO(data))
cmap, glyf = font.getBestCmap(), font["glyf"]
checked = 0
for ch in text:
    if ord(ch) < 0x2E80:
        continue                                  # drawn in DejaVu
    coords = glyf[cmap[ord(ch)]].getCoordinates(glyf)[0]
    if len(coords) == 0:
        sys.exit("U+%04X has no outline in the embedded font" % ord(ch))
    checked += 1
if checked == 0:
    sys.exit("no CJK character checked")
PY
}

if qpdf --check "$board" >"$tmp/qpdf.log" 2>&1; then ok "board pack: qpdf --check"; else ko "board pack: qpdf --check"; tail -3 "$tmp/qpdf.log"; fi
if has_fallback "$board"; then ok "board pack: the fallback font is embedded"; else ko "board pack: no fallback font"; pdffonts "$board"; fi
pdftotext "$board" "$tmp/board.txt" 2>/dev/null
if grep -qF "$cjk" "$tmp/board.txt"; then ok "board pack: the CJK name reads back as written"; else ko "board pack: the CJK name does not read back"; fi
if outlines "$board" "$cjk" 2>"$tmp/py.err"; then ok "board pack: every CJK glyph has its outline"; else ko "board pack: $(cat "$tmp/py.err")"; fi
for w in "$w_arabic" "$w_emoji" "$w_hebrew"; do
    # the appendix wraps long lines: compare without line breaks
    if tr '\n' ' ' <"$tmp/board.txt" | tr -s ' ' | grep -qF "$(echo "$w" | cut -c1-60)"; then
        ok "board pack's data quality: ${w%%: warning*}"
    else
        ko "board pack's data quality lacks: $w"
    fi
done
lgb=$tmp/out/hw-2022-23-lgb-P1.pdf
if has_fallback "$lgb"; then ok "P1's LGB pack (CJK name): the fallback font"; else ko "P1's LGB pack: no fallback font"; fi
for other in lgb-P2 lgb-S1; do
    f=$tmp/out/hw-2022-23-$other.pdf
    if [ -s "$f" ] && ! pdffonts "$f" 2>/dev/null | grep -q WenQuanYi; then
        ok "$other pack (no CJK): no fallback font"
    else
        ko "$other pack: the fallback font embedded without CJK text"
    fi
done

# What the fallback costs: the same data set with the CJK name in Greek (the same full
# DejaVu fonts, no fallback) - the prepared font is 3.6 MB, its share of a pack about 100 KB.
cp -r "$data" "$tmp/greek"
sed -i "s/$cjk/Primary One Ωmega/" "$tmp/greek/institutions.csv"
"$BOARDPACK" build --data "$tmp/greek" --out "$tmp/gout" >/dev/null 2>&1
with=$(wc -c <"$lgb") without=$(wc -c <"$tmp/gout/hw-2022-23-lgb-P1.pdf")
if [ $((with - without)) -gt 20000 ] && [ $((with - without)) -lt 200000 ]; then
    ok "the fallback adds $((with - without)) bytes to a pack (between 20 KB and 200 KB)"
else
    ko "the fallback adds $((with - without)) bytes to a pack"
fi

# without the prepared fallback font: Debian's collection, every outline still there.
# The other prepared fonts from beside the binary under test, as it finds them.
bindir=$(dirname "$BOARDPACK")
if [ -d "$bindir/fonts" ]; then prepared=$bindir/fonts; else prepared=$bindir/build/fonts; fi
mkdir -p "$tmp/fonts/winansi"
cp "$prepared"/DejaVuSans.ttf "$prepared"/DejaVuSans-Bold.ttf "$tmp/fonts/"
cp "$prepared"/winansi/*.ttf "$tmp/fonts/winansi/"
BOARDPACK_FONTS=$tmp/fonts "$BOARDPACK" build --data "$data" --out "$tmp/sys" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && has_fallback "$tmp/sys/hw-2022-23-board.pdf"; then
    ok "from Debian's collection: the fallback font is embedded"
else
    ko "from Debian's collection: exit $rc"; cat "$tmp/err"
fi
if outlines "$tmp/sys/hw-2022-23-board.pdf" "$cjk" 2>"$tmp/py.err"; then
    ok "from Debian's collection: every CJK glyph has its outline"
else
    ko "from Debian's collection: $(cat "$tmp/py.err")"
fi

summary
