#!/usr/bin/python3
"""Writes the fallback font boardpack embeds for the characters its main fonts lack - CJK
text: Han, kana, Hangul, CJK punctuation, fullwidth forms.  It is one font of a Debian
TrueType collection (fonts-wqy-microhei: WenQuanYi Micro Hei, TrueType outlines, which
libharu 2.3.0 can embed - the Noto CJK fonts are CFF outlines, which it cannot), cut to
the code points of the Basic Multilingual Plane that none of the main fonts has: a
document's text is set in the main font wherever it can be (see src/bp_pdf_text.c).

usage: fallback-font.py COLLECTION.ttc INDEX OUT.ttf MAIN.ttf...

Cut for the size of every document that uses it: libharu embeds the glyphs a document
draws but copies every other table whole, so the glyph names ('post', 540 KB), hinting
and the glyphs of the Latin letters and symbols the main fonts draw stay out - some
100 KB embedded per document instead of 300 KB.  Like scripts/subset-font.py it keeps a
'prep' table of one no-op instruction (libharu fails on an embedded font whose last
table is empty at a 4 KiB boundary; see there).
"""
import sys

from fontTools import subset
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables.ttProgram import Program


def main():
    src, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    main_cps = None
    for path in sys.argv[4:]:
        cps = set(TTFont(path).getBestCmap())
        main_cps = cps if main_cps is None else main_cps & cps
    options = subset.Options()
    options.font_number = index
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 14]
    font = subset.load_font(src, options)
    # libharu maps only the Basic Multilingual Plane; what every main font draws stays there
    wanted = sorted(cp for cp in font.getBestCmap()
                    if cp <= 0xFFFF and cp not in (main_cps or set()))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font["post"].formatType = 3.0
    prep = newTable("prep")
    prep.program = Program()
    prep.program.fromBytecode(bytes([0xB0, 0x00, 0x21]))   # PUSHB[0] 0; POP
    font["prep"] = prep
    subset.save_font(font, out, options)


if __name__ == "__main__":
    main()
