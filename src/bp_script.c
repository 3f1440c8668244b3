/* bp_script: the shipped fonts' coverage and the right-to-left scripts (see bp_script.h). */
#include "bp_script.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bp_util.h"

typedef struct { uint32_t lo, hi; } bp_cp_range;

/* bp_cover_main and bp_cover_fallback, sorted, disjoint: generated from the fonts by
 * scripts/font-coverage.py (the Makefile's $(COVERAGE)). */
#include "font_coverage.inc"

static bool in_table(const bp_cp_range *t, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < t[mid].lo) hi = mid;
        else if (cp > t[mid].hi) lo = mid + 1;
        else return true;
    }
    return false;
}

#define COUNT(a) (sizeof (a) / sizeof *(a))

bp_glyph_font bp_script_font(uint32_t cp)
{
    /* control characters become spaces or line breaks before anything is drawn */
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return BP_GLYPH_NONE;
    if (in_table(bp_cover_main, COUNT(bp_cover_main), cp)) return BP_GLYPH_MAIN;
    if (in_table(bp_cover_fallback, COUNT(bp_cover_fallback), cp)) return BP_GLYPH_FALLBACK;
    return BP_GLYPH_NONE;
}

/* The Unicode blocks of the right-to-left scripts (their characters' bidirectional class
 * is R or AL), in order. */
static const struct { uint32_t lo, hi; const char *name; } rtl_blocks[] = {
    {0x0590, 0x05FF, "Hebrew"},
    {0x0600, 0x06FF, "Arabic"},
    {0x0700, 0x074F, "Syriac"},
    {0x0750, 0x077F, "Arabic"},
    {0x0780, 0x07BF, "Thaana"},
    {0x07C0, 0x07FF, "N'Ko"},
    {0x0800, 0x083F, "Samaritan"},
    {0x0840, 0x085F, "Mandaic"},
    {0x0860, 0x086F, "Syriac"},
    {0x0870, 0x08FF, "Arabic"},
    {0xFB1D, 0xFB4F, "Hebrew"},
    {0xFB50, 0xFDFF, "Arabic"},
    {0xFE70, 0xFEFE, "Arabic"},       /* U+FEFF is the byte-order mark, no letter */
    {0x10800, 0x1083F, "Cypriot"},
    {0x10840, 0x1085F, "Imperial Aramaic"},
    {0x10860, 0x1087F, "Palmyrene"},
    {0x10880, 0x108AF, "Nabataean"},
    {0x108E0, 0x108FF, "Hatran"},
    {0x10900, 0x1091F, "Phoenician"},
    {0x10920, 0x1093F, "Lydian"},
    {0x10980, 0x109FF, "Meroitic"},
    {0x10A00, 0x10A5F, "Kharoshthi"},
    {0x10A60, 0x10A9F, "Old Arabian"},
    {0x10AC0, 0x10AFF, "Manichaean"},
    {0x10B00, 0x10B3F, "Avestan"},
    {0x10B40, 0x10BAF, "Pahlavi"},
    {0x10C00, 0x10C4F, "Old Turkic"},
    {0x10C80, 0x10CFF, "Old Hungarian"},
    {0x10D00, 0x10D3F, "Hanifi Rohingya"},
    {0x10E80, 0x10EBF, "Yezidi"},
    {0x10EC0, 0x10EFF, "Arabic"},
    {0x10F00, 0x10F6F, "Sogdian"},
    {0x10F70, 0x10FAF, "Old Uyghur"},
    {0x10FB0, 0x10FDF, "Chorasmian"},
    {0x10FE0, 0x10FFF, "Elymaic"},
    {0x1E800, 0x1E8DF, "Mende Kikakui"},
    {0x1E900, 0x1E95F, "Adlam"},
    {0x1EC70, 0x1ECBF, "Indic Siyaq"},
    {0x1ED00, 0x1ED4F, "Ottoman Siyaq"},
    {0x1EE00, 0x1EEFF, "Arabic"},
};

const char *bp_script_rtl(uint32_t cp)
{
    if (cp < 0x0590) return NULL;
    for (size_t i = 0; i < COUNT(rtl_blocks); i++) {
        if (cp < rtl_blocks[i].lo) return NULL;
        if (cp <= rtl_blocks[i].hi) return rtl_blocks[i].name;
    }
    return NULL;
}

/* ---- the warnings ---- */

#define MAX_LISTED 3

typedef struct {
    const char *scripts[MAX_LISTED];    /* distinct, in order of appearance */
    size_t nscripts;
    uint32_t missing[MAX_LISTED];       /* distinct code points no font draws */
    size_t nmissing;
    bool more_missing;                  /* more than MAX_LISTED of them */
} findings;

static void find(const char *s, size_t n, findings *f)
{
    memset(f, 0, sizeof *f);
    const unsigned char *u = (const unsigned char *)s, *end = u + n;
    while (u < end) {
        if (*u < 0x80) {       /* ASCII, most text: every main font has it */
            u++;
            continue;
        }
        uint32_t cp;
        size_t len = bp_utf8_decode(u, (size_t)(end - u), &cp);
        if (len == 0) {
            u++;
            continue;
        }
        u += len;
        const char *rtl = bp_script_rtl(cp);
        if (rtl) {
            size_t i = 0;
            while (i < f->nscripts && strcmp(f->scripts[i], rtl) != 0) i++;
            if (i == f->nscripts && i < MAX_LISTED) f->scripts[f->nscripts++] = rtl;
        }
        /* C1 controls print as spaces; the noncharacters are the reader's to refuse */
        if ((cp >= 0x80 && cp < 0xA0) || cp == 0xFFFE || cp == 0xFFFF) continue;
        if (bp_script_font(cp) != BP_GLYPH_NONE) continue;
        size_t i = 0;
        while (i < f->nmissing && f->missing[i] != cp) i++;
        if (i < f->nmissing) continue;
        if (f->nmissing < MAX_LISTED) f->missing[f->nmissing++] = cp;
        else f->more_missing = true;
    }
}

/* True when a field of one kind (its count and the lines past the cap) is warned of now;
 * past the cap its line is counted instead. */
static bool under_cap(size_t *count, int *first, int *last, int line)
{
    if (++*count <= BP_SCRIPT_MAX_WARNINGS) return true;
    if (!*first) *first = line;
    *last = line;
    return false;
}

void bp_script_check(bp_script_tally *tally, bp_diags *d, const char *file, int line,
                     const char *field, const char *s, size_t n)
{
    findings f;
    find(s, n, &f);
    bp_script_tally none = {0};
    bp_script_tally *t = tally ? tally : &none;
    if (f.nscripts && under_cap(&t->rtl, &t->rtl_first, &t->rtl_last, line)) {
        char names[128] = "";
        for (size_t i = 0; i < f.nscripts; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     i ? ", " : "", f.scripts[i]);
        bp_diag_add(d, BP_DIAG_WARNING, file, line, 0,
                    "\"%s\" holds right-to-left text (%s), which the PDF packs draw unshaped, "
                    "left to right", field, names);
    }
    if (f.nmissing && under_cap(&t->none, &t->none_first, &t->none_last, line)) {
        char cps[64] = "";
        bool bmp = false, astral = false;
        for (size_t i = 0; i < f.nmissing; i++) {
            snprintf(cps + strlen(cps), sizeof cps - strlen(cps), "%sU+%04lX", i ? ", " : "",
                     (unsigned long)f.missing[i]);
            if (f.missing[i] > 0xFFFF) astral = true;
            else bmp = true;
        }
        bp_diag_add(d, BP_DIAG_WARNING, file, line, 0,
                    "\"%s\" holds characters no font can draw (%s%s): they print as %s", field,
                    cps, f.more_missing ? ", ..." : "",
                    !astral ? "empty boxes"
                    : !bmp ? "the replacement mark U+FFFD"
                    : "empty boxes or the replacement mark U+FFFD");
    }
}

void bp_script_done(const bp_script_tally *t, bp_diags *d, const char *file)
{
    if (t->rtl > BP_SCRIPT_MAX_WARNINGS)
        bp_diag_add(d, BP_DIAG_WARNING, file, t->rtl_first, 0,
                    "%zu more fields, on lines %d to %d, hold right-to-left text, which the PDF "
                    "packs draw unshaped, left to right", t->rtl - BP_SCRIPT_MAX_WARNINGS,
                    t->rtl_first, t->rtl_last);
    if (t->none > BP_SCRIPT_MAX_WARNINGS)
        bp_diag_add(d, BP_DIAG_WARNING, file, t->none_first, 0,
                    "%zu more fields, on lines %d to %d, hold characters no font can draw, "
                    "which print as empty boxes", t->none - BP_SCRIPT_MAX_WARNINGS,
                    t->none_first, t->none_last);
}
