/* bp_pdf_fonts: which fonts a document is set in (see bp_pdf.h, bp_pdf_fonts) - the code
 * points each set of fonts draws, finding the font files, reading each once per process
 * and loading them into a document, and libharu's UTF-8 encoder.
 *
 * Findings about libharu 2.3.0 that shape this file:
 * - A Unicode (CID) font has a fixed cost of about 3 ms per document: HPDF_GetFont with
 *   the UTF-8 encoder maps all 65,536 code points through the font's cmap (a linear
 *   search each), writes a width for each and a 128 KiB CIDToGIDMap to deflate.  A
 *   simple font in Windows-1252 has none of that, and its text is one byte a character
 *   instead of four hex digits; a pack is written in half the time.  So documents whose
 *   text fits Windows-1252 are set that way, widths measured from a table of the 224
 *   characters read once per font (bp_pdf_text.c).
 * - With the document's current encoder set to "UTF-8", the strings of the document
 *   information and of bookmarks are written as UTF-16BE with a byte-order mark, which
 *   every reader shows correctly; without it raw UTF-8 bytes would be read as
 *   PDFDocEncoding ("Â£").
 * - Font subset tags come from a per-document counter ("HPDFAA", "HPDFAB"): the output
 *   depends only on the calls. */
#include "bp_pdf_internal.h"
#include "bp_infile.h"
#include "bp_script.h"
#include "bp_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Font files larger than this are refused (DejaVu Sans is 760 KB). */
#define FONT_MAX (64u << 20)

/* ---- the code points each set of fonts draws ---- */

/* A list of code-point ranges ("U+0020-007E,U+0192,...") as a table, read once. */
typedef struct { unsigned long lo, hi; } cp_range;
typedef struct {
    const char *text;
    cp_range r[32];
    size_t n;
} cp_ranges;

static cp_ranges subset_ranges = {BP_SUBSET_RANGES, {{0, 0}}, 0};
static cp_ranges winansi_ranges = {BP_WINANSI_RANGES, {{0, 0}}, 0};

static bool in_ranges(cp_ranges *t, unsigned long cp)
{
    if (!t->n) {
        const char *s = t->text;
        while (*s && t->n < sizeof t->r / sizeof *t->r) {
            char *end;
            if (strncmp(s, "U+", 2) != 0) break;
            unsigned long lo = strtoul(s + 2, &end, 16), hi = lo;
            if (*end == '-') hi = strtoul(end + 1, &end, 16);
            t->r[t->n++] = (cp_range){lo, hi};
            s = *end == ',' ? end + 1 : end;
        }
    }
    for (size_t i = 0; i < t->n; i++)
        if (cp >= t->r[i].lo && cp <= t->r[i].hi) return true;
    return false;
}

static bool in_subset(unsigned long cp) { return in_ranges(&subset_ranges, cp); }

/* Windows-1252's code points for its bytes 0x80-0x9F (0: unassigned); every other byte
 * from 0x20 up is its own code point. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* The code point of a Windows-1252 byte from 0x20 (0: unassigned). */
unsigned long bpi_cp1252_cp(unsigned b)
{
    return b >= 0x80 && b < 0xA0 ? cp1252_high[b - 0x80] : b;
}

/* The Windows-1252 byte of a code point; 0 when it has none. */
unsigned char bpi_cp1252_byte(unsigned long cp)
{
    if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) return (unsigned char)cp;
    for (unsigned i = 0; i < 32; i++)
        if (cp1252_high[i] && cp1252_high[i] == cp) return (unsigned char)(0x80 + i);
    return 0;
}

bool bp_pdf_cp1252_in_subset(void)
{
    for (unsigned b = 0x20; b <= 0xFF; b++) {
        unsigned long cp = bpi_cp1252_cp(b);
        if (cp && b != 0x7F && !in_subset(cp)) return false;
    }
    return true;
}

bool bp_pdf_winansi_is_cp1252(void)
{
    size_t n = 0;
    for (unsigned b = 0x20; b <= 0xFF; b++) {
        unsigned long cp = bpi_cp1252_cp(b);
        if (!cp || b == 0x7F) continue;
        if (!in_ranges(&winansi_ranges, cp)) return false;
        n++;
    }
    /* and nothing else: as many code points in the list as characters */
    size_t listed = 0;
    for (size_t i = 0; i < winansi_ranges.n; i++)
        listed += winansi_ranges.r[i].hi - winansi_ranges.r[i].lo + 1;
    return listed == n;
}

/* The cheapest fonts that can set a code point: what DejaVu lacks and the fallback font
 * has, as bp_script knows from the fonts themselves, needs the fallback. */
bp_pdf_fonts bpi_fonts_for(unsigned long cp)
{
    if (cp == '\n' || bpi_cp1252_byte(cp)) return BP_PDF_FONTS_WINANSI;
    if (in_subset(cp)) return BP_PDF_FONTS_SUBSET;
    return bp_script_font((uint32_t)cp) == BP_GLYPH_FALLBACK ? BP_PDF_FONTS_FALLBACK
                                                             : BP_PDF_FONTS_FULL;
}

bp_pdf_fonts bp_pdf_fonts_needed(const bp_pdf *p)
{
    return p->needed;
}

/* ---- font files ---- */

/* access, not fopen: with every descriptor in use an open fails, and fonts that are
 * there would be reported missing; reading them then says what is wrong. */
static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

bool bp_pdf_default_fonts(char *regular, size_t rsize, char *bold, size_t bsize)
{
    static const char dir[] = "/usr/share/fonts/truetype/dejavu/";
    int r = snprintf(regular, rsize, "%sDejaVuSans.ttf", dir);
    int b = snprintf(bold, bsize, "%sDejaVuSans-Bold.ttf", dir);
    if (r < 0 || (size_t)r >= rsize || b < 0 || (size_t)b >= bsize) return false;
    return readable(regular) && readable(bold);
}

static bool fonts_in(const char *dir, char *regular, size_t rsize, char *bold, size_t bsize)
{
    int r = snprintf(regular, rsize, "%s/DejaVuSans.ttf", dir);
    int b = snprintf(bold, bsize, "%s/DejaVuSans-Bold.ttf", dir);
    if (r < 0 || (size_t)r >= rsize || b < 0 || (size_t)b >= bsize) return false;
    return readable(regular) && readable(bold);
}

/* The i-th folder where the prepared fonts may be: env ($BOARDPACK_FONTS) when set (only
 * that one), else fonts/ or build/fonts/ beside the executable.  False when there is no
 * such folder. */
static bool prepared_dir(const char *env, size_t i, char *base, size_t size)
{
    static const char *const beside[] = {"fonts", "build/fonts"};
    if (env && *env) return i == 0 && snprintf(base, size, "%s", env) > 0;
    return i < 2 && bp_beside_exe(beside[i], 0, base, size);
}

/* The prepared fonts in `sub` ("" or "/winansi") of the first prepared_dir that has them. */
static bool prepared_fonts(const char *env, const char *sub, char *regular, size_t rsize,
                           char *bold, size_t bsize)
{
    char dir[4096], base[4096];
    for (size_t i = 0; i < 2; i++) {
        if (!prepared_dir(env, i, base, sizeof base)) continue;
        int n = snprintf(dir, sizeof dir, "%s%s", base, sub);
        if (n > 0 && (size_t)n < sizeof dir && fonts_in(dir, regular, rsize, bold, bsize))
            return true;
    }
    return false;
}

bool bp_pdf_subset_fonts(const char *dir, char *regular, size_t rsize, char *bold,
                         size_t bsize)
{
    return prepared_fonts(dir, "", regular, rsize, bold, bsize);
}

bool bp_pdf_winansi_fonts(const char *dir, char *regular, size_t rsize, char *bold,
                          size_t bsize)
{
    return prepared_fonts(dir, "/winansi", regular, rsize, bold, bsize);
}

bool bp_pdf_fallback_font(const char *dir, char *path, size_t size, int *index)
{
    char base[4096];
    for (size_t i = 0; i < 2; i++) {
        if (!prepared_dir(dir, i, base, sizeof base)) continue;
        int n = snprintf(path, size, "%s/fallback/WenQuanYiMicroHei.ttf", base);
        if (n > 0 && (size_t)n < size && readable(path)) {
            *index = -1;
            return true;
        }
    }
    /* the whole collection: some 200 KB more per document than the prepared font, which
     * leaves out its glyph names and what DejaVu draws */
    int n = snprintf(path, size, "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
    *index = 0;
    return n > 0 && (size_t)n < size && readable(path);
}

/* A font file's bytes, read once per process: every document of a batch worker embeds
 * the same two fonts.  Entries are never freed - documents read their fonts in place
 * (below) - and there are as many as distinct font files, two to seven in practice. */
typedef struct font_file {
    char *path;
    char *data;
    size_t len;
    struct font_file *next;
} font_file;

static font_file *font_cache;

static const font_file *font_bytes(bp_pdf *p, const char *path)
{
    for (const font_file *c = font_cache; c; c = c->next)
        if (strcmp(c->path, path) == 0) return c;
    font_file *f = calloc(1, sizeof *f);
    bp_diags d;
    bp_diags_init(&d);
    bp_err e = f ? bp_read_file(path, path, FONT_MAX, &f->data, &f->len, &d) : BP_ERR_NOMEM;
    if (e != BP_OK) {
        bpi_fail(p, e, "cannot use the font file %s: %s", path,
             d.count ? d.items[0].message : "out of memory");
        bp_diags_free(&d);
        free(f);
        return NULL;
    }
    bp_diags_free(&d);
    if (!(f->path = malloc(strlen(path) + 1))) {
        free(f->data);
        free(f);
        bpi_fail(p, BP_ERR_NOMEM, "out of memory reading the font file %s", path);
        return NULL;
    }
    strcpy(f->path, path);
    f->next = font_cache;
    font_cache = f;
    return f;
}

/* The font parsed from the cached bytes (bp_libs: HPDF_LoadTTFontFromFile would read
 * through a FILE and seek some 2,000 times per font per document). */
static HPDF_FontDef load_ttf(bp_pdf *p, const font_file *f, int index)
{
    size_t slot = (size_t)p->nfonts;
    if (slot >= sizeof p->font_src / sizeof *p->font_src) return NULL;
    p->font_src[slot] = (bpi_font_src){(const unsigned char *)f->data, f->len, 0};
    HPDF_FontDef def = index < 0 ? bpi_ttf_load(p->doc, &p->font_src[slot], p->nfonts)
                                 : bpi_ttc_load(p->doc, &p->font_src[slot], index, p->nfonts);
    if (def) p->nfonts++;
    return def;
}

/* The font (index: in a collection; -1 a single font), and its definition in *def. */
static HPDF_Font load_font(bp_pdf *p, const char *path, int index, HPDF_FontDef *def)
{
    const font_file *f = font_bytes(p, path);
    if (!f) return NULL;
    *def = load_ttf(p, f, index);
    const char *encoding = p->fonts == BP_PDF_FONTS_WINANSI ? "CP1252" : "UTF-8";
    HPDF_Font font = *def ? HPDF_GetFont(p->doc, bpi_ttf_name(*def), encoding) : NULL;
    if (!font)
        bpi_fail(p, BP_ERR_RENDER, "cannot use the font file %s (libharu error 0x%04X): a "
                 "TrueType font is needed", path, (unsigned)p->hpdf_error);
    return font;
}

/* The advance widths of a Windows-1252 font's bytes, in thousandths of an em, read from
 * the font's metrics.  Not through HPDF_Font_TextWidth: libharu marks every glyph it
 * measures as used and embeds it, and measuring all 224 would embed them all - twice the
 * glyphs a pack draws. */
static void read_widths(HPDF_FontDef def, unsigned short widths[256])
{
    for (unsigned b = 0x20; b <= 0xFF; b++) {
        unsigned long cp = bpi_cp1252_cp(b);
        widths[b] = cp ? (unsigned short)bpi_ttf_width(def, cp) : 0;
    }
}

/* The fallback font beside the main ones, for the characters they lack. */
static void load_fallback(bp_pdf *p, const bp_pdf_options *o, HPDF_FontDef rdef,
                          HPDF_FontDef bdef)
{
    char path[4096];
    int index;
    if (!bp_pdf_fallback_font(o->fonts_dir, path, sizeof path, &index)) {
        bpi_fail(p, BP_ERR_RENDER, "the fallback font for CJK text is missing (%s): install "
                 "fonts-wqy-microhei", path);
        return;
    }
    p->run_font = calloc(2, 0x10000);
    if (!p->run_font) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory loading the fonts");
        return;
    }
    p->main_def[0] = rdef;
    p->main_def[1] = bdef;
    p->fallback = load_font(p, path, index, &p->fallback_def);
    if (p->fallback_def) p->fallback_src = &p->font_src[p->nfonts - 1];
}

void bpi_load_fonts(bp_pdf *p, const bp_pdf_options *o)
{
    char reg[512], bold[512];
    const char *rpath = o->font_regular, *bpath = o->font_bold;
    p->fonts = o->fonts;
    if ((!rpath || !bpath) && p->fonts > BP_PDF_FONTS_FULL
        && ((p->fonts == BP_PDF_FONTS_WINANSI
             && bp_pdf_winansi_fonts(o->fonts_dir, reg, sizeof reg, bold, sizeof bold))
            || bp_pdf_subset_fonts(o->fonts_dir, reg, sizeof reg, bold, sizeof bold))) {
        rpath = reg;
        bpath = bold;
    }
    if (!rpath || !bpath) {
        if (!bp_pdf_default_fonts(reg, sizeof reg, bold, sizeof bold)) {
            bpi_fail(p, BP_ERR_RENDER, "the DejaVu fonts are missing (%s): install "
                     "fonts-dejavu-core, or name the fonts to use", reg);
            return;
        }
        if (!rpath) rpath = reg;
        if (!bpath) bpath = bold;
    }
    HPDF_FontDef rdef = NULL, bdef = NULL;
    p->regular = load_font(p, rpath, -1, &rdef);
    if (p->regular) p->bold = load_font(p, bpath, -1, &bdef);
    if (p->bold && p->fonts == BP_PDF_FONTS_WINANSI) {
        read_widths(rdef, p->widths[0]);
        read_widths(bdef, p->widths[1]);
    }
    if (p->bold && p->fonts == BP_PDF_FONTS_FALLBACK) load_fallback(p, o, rdef, bdef);
}

/* libharu's UTF-8 encoder.  The Unicode fonts need it; so do document information and
 * bookmark titles beyond ASCII, which it writes as UTF-16BE (see the top of the file).
 * Setting it up fills a map of 65,536 code points - a million instructions - so a
 * WinAnsi document whose titles are ASCII never does. */
HPDF_Encoder bpi_use_utf8(bp_pdf *p)
{
    if (!p->utf8 && bpi_ok(p)) {
        HPDF_UseUTFEncodings(p->doc);
        HPDF_SetCurrentEncoder(p->doc, "UTF-8");
        p->utf8 = HPDF_GetEncoder(p->doc, "UTF-8");
    }
    return p->utf8;
}
