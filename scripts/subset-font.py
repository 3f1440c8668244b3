#!/usr/bin/python3
"""Writes the subset of a TrueType font that boardpack embeds (see BP_SUBSET_RANGES in
include/bp_pdf.h): the given code points, no hinting, no layout tables, the names that
identify the font and its licence.

usage: subset-font.py FONT.ttf RANGES OUT.ttf   (RANGES as pyftsubset's --unicodes)

The font keeps a 'prep' table of one no-op instruction.  libharu 2.3.0 rebuilds an
embedded font in a memory stream of 4 KiB blocks and then seeks to the start of every
table to checksum it; 'prep' is the last table it writes, and when it is empty its start
is the end of the stream - which libharu cannot seek to when the stream is a whole number
of blocks long, and the document fails ("libharu error 0x1033").  Without hinting
pyftsubset drops 'prep', so it is put back.
"""
import sys

from fontTools import subset
from fontTools.ttLib import newTable
from fontTools.ttLib.tables.ttProgram import Program


def main():
    src, ranges, out = sys.argv[1:4]
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    # The names a reader shows (0-6: copyright, family, style, ids, version) and where the
    # licence is (14, its URL).  The licence's 9.5 KB text (13) is left out: libharu
    # rebuilds and deflates the whole name table in every document, where it was half the
    # embedded font; the copyright notice and the licence's address stay with it.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 14]
    font = subset.load_font(src, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(ranges))
    subsetter.subset(font)
    prep = newTable("prep")
    prep.program = Program()
    prep.program.fromBytecode(bytes([0xB0, 0x00, 0x21]))   # PUSHB[0] 0; POP
    font["prep"] = prep
    subset.save_font(font, out, options)


if __name__ == "__main__":
    main()
