/* bp_script: what the PDF packs can draw of a text, known without the PDF library - which
 * shipped font has a glyph for a code point (the DejaVu fonts, else the fallback font that
 * holds the CJK characters, else none: it prints as an empty box) and which code points
 * belong to a script written right to left (libharu lays text out left to right and does
 * not shape it).  The fonts' coverage is compiled in from their cmaps when boardpack is
 * built (scripts/font-coverage.py), so that the loaders can warn of such text at the line
 * that holds it, before anything is drawn; bp_pdf sets the text in the same fonts. */
#ifndef BP_SCRIPT_H
#define BP_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include "bp_error.h"

/* The font a code point is drawn in: the main fonts (DejaVu Sans, regular and bold)
 * wherever they have it, else the fallback font (WenQuanYi Micro Hei), else none.
 * Control characters, which are never drawn as glyphs, are NONE as well. */
typedef enum { BP_GLYPH_NONE, BP_GLYPH_MAIN, BP_GLYPH_FALLBACK } bp_glyph_font;

bp_glyph_font bp_script_font(uint32_t cp);

/* The name of the right-to-left script of cp ("Arabic", "Hebrew", "Syriac", "Thaana",
 * "N'Ko", ...), or NULL when cp is not in one: U+0590-08FF, U+FB1D-FDFF, U+FE70-FEFE and
 * the right-to-left blocks beyond the Basic Multilingual Plane. */
const char *bp_script_rtl(uint32_t cp);

/* Warnings for one file's fields, at most BP_SCRIPT_MAX_WARNINGS of each kind; beyond
 * that bp_script_done adds one that counts the rest and gives their lines.  Zero it
 * before the first field. */
#define BP_SCRIPT_MAX_WARNINGS 20

typedef struct {
    size_t rtl, none;             /* fields warned of, each kind */
    int rtl_first, rtl_last;      /* the lines of the fields past the cap */
    int none_first, none_last;
} bp_script_tally;

/* Checks the text s[0..n) of the field `field` (a column or key name) at file:line: a
 * warning when it holds right-to-left text - "\"name\" holds right-to-left text (Arabic),
 * which the PDF packs draw unshaped, left to right" - and one when it holds characters no
 * font draws - "\"name\" holds characters no font can draw (U+0710): they print as empty
 * boxes" (up to three code points, then "..."; the PDF layer draws characters above U+FFFF,
 * which libharu cannot map, as the replacement mark U+FFFD, and the message says so).
 * Bytes that are not UTF-8 are skipped: reporting them is the reader's.  tally may be
 * NULL: no cap. */
void bp_script_check(bp_script_tally *tally, bp_diags *d, const char *file, int line,
                     const char *field, const char *s, size_t n);

/* The warnings that count the fields past the cap, if any. */
void bp_script_done(const bp_script_tally *tally, bp_diags *d, const char *file);

#endif
