/* bp_pdf: the PDF page layer over libharu (see bp_pdf.h).
 *
 * libharu draws; everything about layout is ours: measuring, line breaking, page
 * breaks, tables, contents and page numbers.  Content flows down the open page from
 * p->y; whatever does not fit starts a new page.  Page numbers, the contents pages and
 * the headers and footers are only known at the end, so every page handle is kept and
 * they are drawn by bp_pdf_write.
 *
 * Findings about libharu 2.3.0 that shape this file:
 * - With the document's current encoder set to "UTF-8", the strings of the document
 *   information and of bookmarks are written as UTF-16BE with a byte-order mark, which
 *   every reader shows correctly; without it raw UTF-8 bytes would be read as
 *   PDFDocEncoding ("Â£").  The encoder maps only the Basic Multilingual Plane, so text
 *   is cleaned first (bpi_clean).
 * - HPDF_Font_TextWidth measures UTF-8 text by code point, and widths add up (no
 *   kerning), so line breaking can measure one code point at a time.
 * - A Unicode (CID) font has a fixed cost of about 3 ms per document: HPDF_GetFont with
 *   the UTF-8 encoder maps all 65,536 code points through the font's cmap (a linear
 *   search each), writes a width for each and a 128 KiB CIDToGIDMap to deflate.  A
 *   simple font in Windows-1252 has none of that, and its text is one byte a character
 *   instead of four hex digits; a pack is written in half the time.  So documents whose
 *   text fits Windows-1252 are set that way (bp_pdf_fonts), widths measured from a table
 *   of the 224 characters read once per font.
 * - No /ID is written (only with encryption or PDF/A), font subset tags come from a
 *   per-document counter ("HPDFAA", "HPDFAB") and object numbers follow call order: the
 *   output depends only on the calls and the epoch, which sets both dates in UTC.
 * - HPDF_Destination_SetXYZ refuses a zoom of 0 ("keep the reader's zoom"), so link
 *   and bookmark targets are written as arrays directly (see destination()).
 * - HPDF_ReadFromStream reports the end of the stream through the error handler as
 *   HPDF_STREAM_EOF; that is not a failure.
 * - A Type0 font draws only what its own font has: a character DejaVu lacks (CJK) is set
 *   in the fallback font, a run of such characters at a time (next_run), and its text
 *   objects switch fonts between runs.  libharu embeds the glyphs measured, but not the
 *   parts of composite glyphs numbered above 32767, which most of the fallback font's
 *   are (bpi_ttf_mark_parts puts them back). */
#include "bp_pdf_internal.h"
#include "bp_infile.h"
#include "bp_script.h"
#include "bp_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FONT_ASCENT 0.928f    /* DejaVu Sans, in ems */
#define FONT_DESCENT 0.236f
#define ELLIPSIS "\xE2\x80\xA6"
#define REPLACEMENT "\xEF\xBF\xBD"

/* Document information and bookmark titles longer than this are cut (libharu refuses
 * strings over 64 KiB; no reader shows more than a line). */
#define INFO_MAX 1000

/* Font files larger than this are refused (DejaVu Sans is 760 KB). */
#define FONT_MAX (64u << 20)

#define KEEP_WITH_NEXT 60.0f  /* room a heading wants below it */
#define CELL_PAD 3.0f         /* table cell padding */

/* ---- state and errors ---- */

bool bpi_ok(const bp_pdf *p)
{
    return p && p->err == BP_OK && p->hpdf_error == HPDF_OK;
}

/* Records the first failure; later content calls do nothing and bp_pdf_write reports
 * it. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(bp_pdf *p, bp_err err, const char *fmt, ...)
{
    if (p->err != BP_OK) return;
    p->err = err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err_msg, sizeof p->err_msg, fmt, ap);
    va_end(ap);
}

static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                                       void *user_data)
{
    bp_pdf *p = user_data;
    if (error_no == HPDF_STREAM_EOF) return;   /* the normal end of HPDF_ReadFromStream */
    if (p->hpdf_error == HPDF_OK) {
        p->hpdf_error = error_no;
        p->hpdf_detail = detail_no;
    }
}

/* Turns the recorded failure, if any, into a diagnostic and its error. */
static bp_err report(const bp_pdf *p, bp_diags *diags)
{
    if (p->err != BP_OK) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "%s", p->err_msg);
        return p->err;
    }
    if (p->hpdf_error != HPDF_OK) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0,
                    "the PDF library (libharu) failed with error 0x%04X, detail %u",
                    (unsigned)p->hpdf_error, (unsigned)p->hpdf_detail);
        return BP_ERR_RENDER;
    }
    return BP_OK;
}

/* ---- clean UTF-8 ---- */

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
static unsigned long cp1252_cp(unsigned b)
{
    return b >= 0x80 && b < 0xA0 ? cp1252_high[b - 0x80] : b;
}

/* The Windows-1252 byte of a code point; 0 when it has none. */
static unsigned char cp1252_byte(unsigned long cp)
{
    if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) return (unsigned char)cp;
    for (unsigned i = 0; i < 32; i++)
        if (cp1252_high[i] && cp1252_high[i] == cp) return (unsigned char)(0x80 + i);
    return 0;
}

bool bp_pdf_cp1252_in_subset(void)
{
    for (unsigned b = 0x20; b <= 0xFF; b++) {
        unsigned long cp = cp1252_cp(b);
        if (cp && b != 0x7F && !in_subset(cp)) return false;
    }
    return true;
}

bool bp_pdf_winansi_is_cp1252(void)
{
    size_t n = 0;
    for (unsigned b = 0x20; b <= 0xFF; b++) {
        unsigned long cp = cp1252_cp(b);
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
static bp_pdf_fonts fonts_for(unsigned long cp)
{
    if (cp == '\n' || cp1252_byte(cp)) return BP_PDF_FONTS_WINANSI;
    if (in_subset(cp)) return BP_PDF_FONTS_SUBSET;
    return bp_script_font((uint32_t)cp) == BP_GLYPH_FALLBACK ? BP_PDF_FONTS_FALLBACK
                                                             : BP_PDF_FONTS_FULL;
}

bp_pdf_fonts bp_pdf_fonts_needed(const bp_pdf *p)
{
    return p->needed;
}

/* bpi_clean; `drawn` text also counts towards the fonts the document needs (document
 * information does not: it is stored as UTF-16, not set in a font). */
static char *clean_text(bp_pdf *p, const char *utf8, bool drawn)
{
    const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
    size_t len = 0;
    while (s[len] >= 0x20 ? s[len] < 0x7F : s[len] == '\n') len++;
    if (!s[len]) {
        /* printable ASCII and line breaks, most text: already clean, any font sets it */
        char *copy = strdup((const char *)s);
        if (!copy) fail(p, BP_ERR_NOMEM, "out of memory while laying out text");
        return copy;
    }
    len += strlen((const char *)s + len);
    /* one invalid byte can become the 3 bytes of U+FFFD */
    char *out = len < ((size_t)-1) / 3 ? malloc(len * 3 + 1) : NULL;
    if (!out) {
        fail(p, BP_ERR_NOMEM, "out of memory while laying out text");
        return NULL;
    }
    /* A text cut short by its caller's buffer (a title of a long name, snprintf) can
     * end inside a character: the start of a character cut there is dropped, as
     * bp_utf8_whole does, rather than drawn as U+FFFD.  Loading lets no other broken
     * sequence through; any other (a stray 0xFF) is still U+FFFD. */
    size_t whole = bp_utf8_whole((const char *)s, len);
    const unsigned char *end = s + (whole < len && s[whole] >= 0xC2 && s[whole] <= 0xF4 ? whole : len);
    size_t o = 0;
    while (s < end) {
        uint32_t cp;
        size_t n = bp_utf8_decode(s, (size_t)(end - s), &cp);
        if (n == 0 || cp > 0xFFFF) {
            memcpy(out + o, REPLACEMENT, 3);
            o += 3;
            s += n ? n : 1;
            cp = 0xFFFD;
        } else if (cp == '\r') {
            if (s[1] != '\n') out[o++] = '\n';   /* CR LF and lone CR end a line */
            s++;
            cp = '\n';
        } else if (cp == '\t' || bp_cp_refused(cp)) {
            /* A TAB is a space, as the contract prints it.  A control character or a
             * noncharacter cannot come from any input (loading refuses them): one here
             * is boardpack's own bug, so the document fails, naming the text, rather
             * than differ from it unseen; meanwhile a space keeps the page valid. */
            if (cp != '\t') {
                char shown[200];
                bp_diag_quote(utf8, strlen(utf8), shown, sizeof shown);
                fail(p, BP_ERR_RENDER, "internal error: the text \"%s\" holds U+%04X (%s), which "
                     "no page may show", shown, (unsigned)cp, bp_cp_refused(cp));
            }
            out[o++] = ' ';
            s += n;
            cp = ' ';
        } else {
            memcpy(out + o, s, n);
            o += n;
            s += n;
        }
        if (drawn && cp >= 0x80) {
            bp_pdf_fonts f = fonts_for(cp);
            if (f < p->needed) p->needed = f;
        }
    }
    out[o] = '\0';
    return out;
}

char *bpi_clean(bp_pdf *p, const char *utf8)
{
    return clean_text(p, utf8, true);
}

static size_t cp_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Cuts clean text to at most max bytes without splitting a code point. */
static void shorten(char *s, size_t max)
{
    size_t i = 0;
    while (s[i]) {
        size_t n = cp_len(s + i);
        if (i + n > max) break;
        i += n;
    }
    s[i] = '\0';
}

/* ---- fonts and text ---- */

static HPDF_Font font_of(const bp_pdf *p, bool bold)
{
    return bold ? p->bold : p->regular;
}

/* Points from thousandths of an em. */
static float em_width(unsigned long units, float size)
{
    return (float)units * size / 1000.0f;
}

/* With the fallback font: whether a code point of clean text is set in it - when the
 * main font of its weight has no glyph for it and the fallback has one (a character
 * neither has stays with the main font's empty box: bp_script has warned of it).  Found
 * once per document for each weight and code point. */
static bool in_fallback(const bp_pdf *p, bool bold, uint32_t cp)
{
    if (cp < 0x80 || cp > 0xFFFF) return false;
    unsigned char *c = &p->run_font[(bold ? 0x10000u : 0u) + cp];
    if (!*c)
        *c = !bpi_ttf_has(p->main_def[bold], cp) && bpi_ttf_has(p->fallback_def, cp) ? 2 : 1;
    return *c == 2;
}

/* With the fallback font: the bytes of the run of clean text at s (of len bytes) that is
 * set in one font, and that font in *font.  Measuring and drawing both go run by run, so
 * that every width is the width drawn. */
static size_t next_run(const bp_pdf *p, bool bold, const char *s, size_t len, HPDF_Font *font)
{
    size_t i = 0;
    bool first = false;
    while (i < len) {
        uint32_t cp = (unsigned char)s[i];
        size_t n = cp < 0x80 ? 1 : bp_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) n = 1;             /* cannot happen in clean text */
        bool fb = in_fallback(p, bold, cp);
        if (i == 0) first = fb;
        else if (fb != first) break;
        i += n;
    }
    *font = first ? p->fallback : font_of(p, bold);
    return i;
}

/* The Windows-1252 byte of the code point of clean text at u (0 when it has none) into
 * *b; returns the code point's length. */
static size_t next_cp1252(const unsigned char *u, unsigned char *b)
{
    uint32_t cp;
    size_t n = *u < 0x80 ? (cp = *u, 1) : bp_utf8_decode(u, SIZE_MAX, &cp);
    *b = n ? cp1252_byte(cp) : 0;
    return n ? n : 1;
}

float bpi_width(const bp_pdf *p, bool bold, float size, const char *s, size_t len)
{
    if (len == 0) return 0.0f;
    if (p->fonts == BP_PDF_FONTS_WINANSI) {
        /* our own table: libharu would look every character up in the font again */
        const unsigned char *u = (const unsigned char *)s, *end = u + len;
        unsigned long total = 0;
        unsigned char b;
        while (u < end) {
            u += next_cp1252(u, &b);
            total += p->widths[bold][b];
        }
        return em_width(total, size);
    }
    if (p->fallback) {
        unsigned long total = 0;
        for (size_t i = 0, n; i < len; i += n) {
            HPDF_Font f;
            n = next_run(p, bold, s + i, len - i, &f);
            total += HPDF_Font_TextWidth(f, (const HPDF_BYTE *)s + i, (HPDF_UINT)n).width;
        }
        return em_width(total, size);
    }
    HPDF_TextWidth tw = HPDF_Font_TextWidth(font_of(p, bold), (const HPDF_BYTE *)s,
                                            (HPDF_UINT)len);
    return em_width(tw.width, size);
}

float bpi_baseline(float top, float size, float leading)
{
    /* the font's own box (ascent + descent) centred in the line's box */
    float natural = (FONT_ASCENT + FONT_DESCENT) * size;
    return top - (leading - natural) / 2.0f - FONT_ASCENT * size;
}

void bpi_text(bp_pdf *p, HPDF_Page pg, bool bold, float size, float ink, float x, float y,
              const char *s, size_t len)
{
    if (!pg || len == 0 || !bpi_ok(p)) return;
    char small[256];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) {
        fail(p, BP_ERR_NOMEM, "out of memory while drawing text");
        return;
    }
    if (p->fonts == BP_PDF_FONTS_WINANSI) {
        /* one byte a character; a character Windows-1252 lacks (the document is then set
         * again in Unicode fonts, see bp_pdf_fonts_needed) stands as '?' meanwhile */
        const unsigned char *u = (const unsigned char *)s, *end = u + len;
        size_t o = 0;
        unsigned char b;
        while (u < end) {
            u += next_cp1252(u, &b);
            buf[o++] = b ? (char)b : '?';
        }
        buf[o] = '\0';
    } else {
        memcpy(buf, s, len);
        buf[len] = '\0';
    }
    /* Fill and font stay set across text objects (libharu tracks them through q and Q):
     * set only when they change - most lines repeat the last ones. */
    if (HPDF_Page_GetFillingColorSpace(pg) != HPDF_CS_DEVICE_GRAY
        || HPDF_Page_GetGrayFill(pg) != ink)
        bpi_gray_fill(pg, ink);
    HPDF_Font font = font_of(p, bold);
    if (p->fonts == BP_PDF_FONTS_WINANSI) {
        bpi_text_simple(pg, font, size, x, y, (const unsigned char *)buf, strlen(buf));
    } else if (p->fallback) {
        /* run by run, each from where the one before ends, in one text object */
        HPDF_Page_BeginText(pg);
        float at = x;
        for (size_t i = 0, n; i < len; i += n) {
            HPDF_Font f;
            n = next_run(p, bold, buf + i, len - i, &f);
            char after = buf[i + n];
            buf[i + n] = '\0';
            if (HPDF_Page_GetCurrentFont(pg) != f || HPDF_Page_GetCurrentFontSize(pg) != size)
                HPDF_Page_SetFontAndSize(pg, f, size);
            HPDF_Page_TextOut(pg, at, y, buf + i);
            at += em_width(HPDF_Font_TextWidth(f, (const HPDF_BYTE *)buf + i, (HPDF_UINT)n).width,
                           size);
            buf[i + n] = after;
        }
        HPDF_Page_EndText(pg);
    } else {
        HPDF_Page_BeginText(pg);
        if (HPDF_Page_GetCurrentFont(pg) != font || HPDF_Page_GetCurrentFontSize(pg) != size)
            HPDF_Page_SetFontAndSize(pg, font, size);
        HPDF_Page_TextOut(pg, x, y, buf);
        HPDF_Page_EndText(pg);
    }
    if (buf != small) free(buf);
}

/* Offset of a line `used` points wide within `width` for an alignment. */
static float align_offset(bp_pdf_align align, float width, float used)
{
    if (align == BP_PDF_RIGHT) return width - used;
    if (align == BP_PDF_CENTRE) return (width - used) / 2.0f;
    return 0.0f;
}

/* Bytes of the longest prefix of s (whole code points) at most `width` wide. */
static size_t fit_prefix(const bp_pdf *p, bool bold, float size, const char *s, float width)
{
    size_t i = 0;
    float used = 0.0f;
    while (s[i]) {
        size_t n = cp_len(s + i);
        float w = bpi_width(p, bold, size, s + i, n);
        if (used + w > width) break;
        used += w;
        i += n;
    }
    return i;
}

static void text_fit(bp_pdf *p, HPDF_Page pg, bool bold, float size, float ink, float x,
                     float y, float width, bp_pdf_align align, const char *s)
{
    size_t len = strlen(s);
    float w = bpi_width(p, bold, size, s, len);
    if (w <= width) {
        bpi_text(p, pg, bold, size, ink, x + align_offset(align, width, w), y, s, len);
        return;
    }
    float ell = bpi_width(p, bold, size, ELLIPSIS, strlen(ELLIPSIS));
    if (ell > width) return;
    size_t keep = fit_prefix(p, bold, size, s, width - ell);
    while (keep > 0 && s[keep - 1] == ' ') keep--;
    char *buf = malloc(keep + sizeof ELLIPSIS);
    if (!buf) {
        fail(p, BP_ERR_NOMEM, "out of memory while drawing text");
        return;
    }
    memcpy(buf, s, keep);
    memcpy(buf + keep, ELLIPSIS, sizeof ELLIPSIS);
    size_t blen = keep + strlen(ELLIPSIS);
    w = bpi_width(p, bold, size, buf, blen);
    bpi_text(p, pg, bold, size, ink, x + align_offset(align, width, w), y, buf, blen);
    free(buf);
}

void bpi_text_fit(bp_pdf *p, HPDF_Page pg, bool bold, float size, float ink, float x,
                  float y, float width, bp_pdf_align align, const char *s)
{
    if (!strchr(s, '\n')) {
        text_fit(p, pg, bold, size, ink, x, y, width, align, s);
        return;
    }
    /* One line: a line break in the text - a trust's name over two lines in the header,
     * the rest of a long title on the last line of its contents entry - is a space here,
     * never drawn ('?' in the WinAnsi fonts, U+000A in the Unicode ones). */
    char *flat = strdup(s);
    if (!flat) {
        fail(p, BP_ERR_NOMEM, "out of memory while drawing text");
        return;
    }
    for (char *c = flat; (c = strchr(c, '\n')) != NULL;) *c = ' ';
    text_fit(p, pg, bold, size, ink, x, y, width, align, flat);
    free(flat);
}

/* ---- line breaking ---- */

void bpi_wrap_init(bpi_wrap *w, const bp_pdf *p, bool bold, float size, float width,
                   const char *text)
{
    w->p = p;
    w->bold = bold;
    w->size = size;
    w->width = width;
    w->pos = text ? text : "";
    w->done = *w->pos == '\0';
}

static void emit_line(bpi_wrap *w, const char *s, const char *end, bpi_line *line)
{
    line->s = s;
    line->len = (size_t)(end - s);
    line->width = bpi_width(w->p, w->bold, w->size, s, line->len);
}

bool bpi_wrap_next(bpi_wrap *w, bpi_line *line)
{
    if (w->done) return false;
    const char *s = w->pos;
    while (*s == ' ') s++;          /* the spaces a line was broken at */
    const char *q = s, *brk = NULL;
    float used = 0.0f;
    for (;;) {
        if (*q == '\0' || *q == '\n') {
            emit_line(w, s, q, line);
            w->pos = *q ? q + 1 : q;
            /* a final newline does not open an empty last line */
            w->done = *q == '\0' || q[1] == '\0';
            return true;
        }
        if (*q == ' ' && q > s && q[-1] != ' ') brk = q;   /* before a run of spaces */
        size_t n = cp_len(q);
        /* a printable ASCII character in the WinAnsi fonts straight from the table, as
         * bpi_width would give it: the line breaker measures every character */
        unsigned char b = (unsigned char)*q;
        float cw = w->p->fonts == BP_PDF_FONTS_WINANSI && b >= 0x20 && b < 0x7F
                   ? em_width(w->p->widths[w->bold][b], w->size)
                   : bpi_width(w->p, w->bold, w->size, q, n);
        if (used + cw > w->width && q > s) {
            /* break at the last space, or inside a word too long for the line */
            const char *end = brk ? brk : q;
            emit_line(w, s, end, line);
            w->pos = end;
            return true;
        }
        used += cw;
        q += n;
    }
}

static size_t count_lines(const bp_pdf *p, bool bold, float size, float width, const char *text)
{
    bpi_wrap w;
    bpi_line line;
    size_t n = 0;
    bpi_wrap_init(&w, p, bold, size, width, text);
    while (bpi_wrap_next(&w, &line)) n++;
    return n;
}

/* ---- colour and shapes ---- */

void bpi_tint_rgb(bp_pdf_tint s, float rgb[3])
{
    static const float tint[4][3] = {
        {1.0f, 1.0f, 1.0f},     /* none */
        {0.80f, 0.92f, 0.80f},  /* green */
        {1.0f, 0.88f, 0.60f},   /* amber */
        {0.96f, 0.75f, 0.75f},  /* red */
    };
    int i = s == BP_PDF_TINT_GREEN ? 1 : s == BP_PDF_TINT_AMBER ? 2
            : s == BP_PDF_TINT_RED ? 3 : 0;
    memcpy(rgb, tint[i], sizeof tint[i]);
}

/* Colours and line widths persist on a page (libharu follows them through q and Q): set
 * only when they change, as most rules and boxes repeat the last ones. */
void bpi_fill_rgb(HPDF_Page pg, const float rgb[3])
{
    HPDF_RGBColor c = HPDF_Page_GetRGBFill(pg);
    if (HPDF_Page_GetFillingColorSpace(pg) != HPDF_CS_DEVICE_RGB || c.r != rgb[0]
        || c.g != rgb[1] || c.b != rgb[2])
        bpi_rgb_fill(pg, rgb[0], rgb[1], rgb[2]);
}

void bpi_stroke_style(HPDF_Page pg, float width, float grey)
{
    if (HPDF_Page_GetLineWidth(pg) != width) bpi_line_width(pg, width);
    if (HPDF_Page_GetStrokingColorSpace(pg) != HPDF_CS_DEVICE_GRAY
        || HPDF_Page_GetGrayStroke(pg) != grey)
        bpi_gray_stroke(pg, grey);
}

void bpi_rule(HPDF_Page pg, float x0, float x1, float y, float width, float grey)
{
    bpi_stroke_style(pg, width, grey);
    bpi_move_to(pg, x0, y);
    bpi_line_to(pg, x1, y);
    bpi_stroke(pg);
}

void bpi_box(HPDF_Page pg, float x, float y, float w, float h, const float fill[3],
             float line_width)
{
    /* graphics state first: it cannot change while a path is being built */
    bpi_fill_rgb(pg, fill);
    if (line_width > 0.0f) bpi_stroke_style(pg, line_width, BPI_OUTLINE);
    bpi_rectangle(pg, x, y, w, h);
    if (line_width > 0.0f)
        bpi_fill_stroke(pg);
    else
        bpi_fill(pg);
}

void bpi_clip_to(HPDF_Page pg, float x, float y, float w, float h)
{
    HPDF_Page_GSave(pg);
    bpi_rectangle(pg, x, y, w, h);
    bpi_clip(pg);
    bpi_end_path(pg);
}

/* ---- page geometry and flow ---- */

static float page_width(bool landscape)
{
    return landscape ? BPI_A4_LONG : BPI_A4_SHORT;
}

static float page_height(bool landscape)
{
    return landscape ? BPI_A4_SHORT : BPI_A4_LONG;
}

float bpi_left(void)
{
    return BPI_MARGIN_SIDE;
}

float bpi_content_top(bool landscape)
{
    return page_height(landscape) - BPI_MARGIN_TOP;
}

float bpi_bottom(void)
{
    return BPI_MARGIN_BOTTOM;
}

static bool push_page(bp_pdf *p, HPDF_Page pg, bool landscape, bool cover)
{
    bpi_page *pages = bp_grow(p->pages, &p->cap_pages, p->npages + 1, sizeof *pages);
    if (!pages) {
        fail(p, BP_ERR_NOMEM, "out of memory while adding a page");
        return false;
    }
    p->pages = pages;
    p->pages[p->npages++] = (bpi_page){pg, landscape, cover};
    return true;
}

static void set_a4(HPDF_Page pg, bool landscape)
{
    HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4,
                      landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
}

/* Opens a new page in the current orientation with the flow at its top. */
static void start_page(bp_pdf *p, bool cover)
{
    p->on_page = false;
    if (!bpi_ok(p)) return;
    HPDF_Page pg = HPDF_AddPage(p->doc);
    if (!pg) return;                       /* the error handler has recorded why */
    set_a4(pg, p->landscape);
    if (!push_page(p, pg, p->landscape, cover)) return;
    p->on_page = true;
    p->page_used = false;
    p->y = bpi_content_top(p->landscape);
}

HPDF_Page bpi_page_here(bp_pdf *p)
{
    if (!bpi_ok(p)) return NULL;
    if (!p->on_page) start_page(p, false);
    if (!p->on_page) return NULL;
    p->page_used = true;
    return p->pages[p->npages - 1].page;
}

static size_t page_index_here(const bp_pdf *p)
{
    return p->npages - 1;
}

/* Opens a page for new content in the current orientation: the open page if nothing has
 * been drawn on it yet (so that no blank page is left behind), else a new one. */
static void fresh_page(bp_pdf *p, bool cover)
{
    if (!p->on_page || p->page_used) {
        start_page(p, cover);
        return;
    }
    bpi_page *cur = &p->pages[page_index_here(p)];
    set_a4(cur->page, p->landscape);
    cur->landscape = p->landscape;
    cur->cover = cover;
    p->y = bpi_content_top(p->landscape);
}

void bp_pdf_page(bp_pdf *p, bool landscape)
{
    if (!bpi_ok(p)) return;
    p->landscape = landscape;
    fresh_page(p, false);
}

float bp_pdf_width(const bp_pdf *p)
{
    return page_width(p && p->landscape) - 2.0f * BPI_MARGIN_SIDE;
}

float bp_pdf_room(const bp_pdf *p)
{
    if (!p) return 0.0f;
    if (!p->on_page) return bpi_content_top(p->landscape) - bpi_bottom();
    return p->y - bpi_bottom();
}

void bp_pdf_need(bp_pdf *p, float height)
{
    if (!bpi_ok(p)) return;
    if (!p->on_page)
        start_page(p, false);
    else if (p->page_used && p->y - bpi_bottom() < height)
        start_page(p, false);
}

void bp_pdf_space(bp_pdf *p, float height)
{
    /* Space is dropped at the top of a page, where it would only push content down. */
    if (!bpi_ok(p) || !p->on_page || !p->page_used || height <= 0.0f) return;
    p->y -= height;
    if (p->y < bpi_bottom()) p->y = bpi_bottom();
}

/* ---- the document ---- */

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
        fail(p, e, "cannot use the font file %s: %s", path,
             d.count ? d.items[0].message : "out of memory");
        bp_diags_free(&d);
        free(f);
        return NULL;
    }
    bp_diags_free(&d);
    if (!(f->path = malloc(strlen(path) + 1))) {
        free(f->data);
        free(f);
        fail(p, BP_ERR_NOMEM, "out of memory reading the font file %s", path);
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
        fail(p, BP_ERR_RENDER, "cannot use the font file %s (libharu error 0x%04X): a "
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
        unsigned long cp = cp1252_cp(b);
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
        fail(p, BP_ERR_RENDER, "the fallback font for CJK text is missing (%s): install "
                 "fonts-wqy-microhei", path);
        return;
    }
    p->run_font = calloc(2, 0x10000);
    if (!p->run_font) {
        fail(p, BP_ERR_NOMEM, "out of memory loading the fonts");
        return;
    }
    p->main_def[0] = rdef;
    p->main_def[1] = bdef;
    p->fallback = load_font(p, path, index, &p->fallback_def);
    if (p->fallback_def) p->fallback_src = &p->font_src[p->nfonts - 1];
}

static void load_fonts(bp_pdf *p, const bp_pdf_options *o)
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
            fail(p, BP_ERR_RENDER, "the DejaVu fonts are missing (%s): install "
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

/* A cleaned copy for the header or footer; NULL for none. */
static char *keep_text(bp_pdf *p, const char *utf8)
{
    return utf8 && *utf8 && bpi_ok(p) ? bpi_clean(p, utf8) : NULL;
}

/* libharu's UTF-8 encoder.  The Unicode fonts need it; so do document information and
 * bookmark titles beyond ASCII, which it writes as UTF-16BE (see the top of the file).
 * Setting it up fills a map of 65,536 code points - a million instructions - so a
 * WinAnsi document whose titles are ASCII never does. */
static HPDF_Encoder use_utf8(bp_pdf *p)
{
    if (!p->utf8 && bpi_ok(p)) {
        HPDF_UseUTFEncodings(p->doc);
        HPDF_SetCurrentEncoder(p->doc, "UTF-8");
        p->utf8 = HPDF_GetEncoder(p->doc, "UTF-8");
    }
    return p->utf8;
}

static bool is_ascii(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (*u >= 0x80) return false;
    return true;
}

static void set_info(bp_pdf *p, HPDF_InfoType type, const char *utf8)
{
    if (!utf8 || !*utf8 || !bpi_ok(p)) return;
    char *s = clean_text(p, utf8, false);
    if (!s) return;
    shorten(s, INFO_MAX);
    /* written through the document's current encoder: none (plain ASCII) until some text
     * needs the UTF-8 one */
    if (!is_ascii(s)) use_utf8(p);
    HPDF_SetInfoAttr(p->doc, type, s);
    free(s);
}

/* Seconds since 1970 for 0001-01-01 and 9999-12-31 23:59:59, the dates PDF can hold. */
#define EPOCH_MIN (-62135596800LL)
#define EPOCH_MAX 253402300799LL

/* The UTC date of an epoch (proleptic Gregorian calendar).  Computed here rather than
 * with gmtime_r, which applies leap seconds when TZ names a "right/" zone: the dates must
 * not depend on the environment. */
static HPDF_Date utc_date(int64_t epoch)
{
    int64_t days = epoch / 86400, secs = epoch % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t year;
    int month, day;
    bp_civil_from_days(days, &year, &month, &day);
    HPDF_Date d = {(HPDF_INT)year, (HPDF_INT)month, (HPDF_INT)day,
                   (HPDF_INT)(secs / 3600), (HPDF_INT)(secs / 60 % 60), (HPDF_INT)(secs % 60),
                   'Z', 0, 0};
    return d;
}

static void set_dates(bp_pdf *p, int64_t epoch)
{
    if (!bpi_ok(p)) return;
    if (epoch < EPOCH_MIN || epoch > EPOCH_MAX) {
        fail(p, BP_ERR_RENDER, "the creation time %lld is not a date between the years "
                 "1 and 9999", (long long)epoch);
        return;
    }
    HPDF_Date d = utc_date(epoch);
    HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
    HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, d);
}

static void set_document_info(bp_pdf *p, const bp_pdf_options *o)
{
    set_info(p, HPDF_INFO_TITLE, o->title);
    set_info(p, HPDF_INFO_AUTHOR, o->author);
    set_info(p, HPDF_INFO_SUBJECT, o->subject);
    set_info(p, HPDF_INFO_KEYWORDS, o->keywords);
    set_info(p, HPDF_INFO_CREATOR, "boardpack");
    set_dates(p, o->epoch);
}

static void open_doc(bp_pdf *p, const bp_pdf_options *o)
{
    p->doc = HPDF_New(on_hpdf_error, p);
    if (!p->doc) {
        fail(p, BP_ERR_NOMEM, "out of memory starting a PDF");
        return;
    }
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    if (o->fonts != BP_PDF_FONTS_WINANSI) use_utf8(p);
    /* the reader opens with the bookmarks showing: the paper's structure at a glance */
    HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);
}

bp_err bp_pdf_new(bp_pdf **out, const bp_pdf_options *o, bp_diags *diags)
{
    *out = NULL;
    /* before anything reaches into libharu's structures or starts a zlib stream */
    bp_err ve = bp_libs_check(diags);
    if (ve != BP_OK) return ve;
    bp_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "out of memory starting a PDF");
        return BP_ERR_NOMEM;
    }
    p->needed = BP_PDF_FONTS_WINANSI;
    open_doc(p, o);
    if (bpi_ok(p)) load_fonts(p, o);
    p->header_left = keep_text(p, o->header_left);
    p->header_right = keep_text(p, o->header_right);
    p->footer_left = keep_text(p, o->footer_left);
    set_document_info(p, o);
    bp_err e = report(p, diags);
    if (e != BP_OK) {
        bp_pdf_free(p);
        return e;
    }
    *out = p;
    return BP_OK;
}

void bp_pdf_free(bp_pdf *p)
{
    if (!p) return;
    if (p->doc) HPDF_Free(p->doc);
    for (size_t i = 0; i < p->nentries; i++) free(p->entries[i].title);
    free(p->entries);
    free(p->pages);
    free(p->header_left);
    free(p->header_right);
    free(p->footer_left);
    free(p->run_font);
    free(p);
}

/* ---- text blocks ---- */

typedef struct {
    bool bold;
    float size, leading, after;
} text_style;

static text_style style_of(bp_pdf_style s)
{
    switch (s) {
    case BP_PDF_BOLD: return (text_style){true, 10.0f, 13.0f, 5.0f};
    case BP_PDF_SMALL: return (text_style){false, 8.0f, 10.4f, 4.0f};
    case BP_PDF_LEAD: return (text_style){false, 12.0f, 15.6f, 7.0f};
    case BP_PDF_BODY: break;
    }
    return (text_style){false, 10.0f, 13.0f, 5.0f};
}

/* Draws clean text line by line from the left margin + indent, starting a new page
 * whenever the next line does not fit. */
static void flow(bp_pdf *p, text_style st, float ink, float indent, bp_pdf_align align,
                 const char *text)
{
    float width = bp_pdf_width(p) - indent;
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, st.bold, st.size, width, text);
    while (bpi_wrap_next(&w, &line)) {
        bp_pdf_need(p, st.leading);
        HPDF_Page pg = bpi_page_here(p);
        if (!pg) return;
        float x = bpi_left() + indent + align_offset(align, width, line.width);
        bpi_text(p, pg, st.bold, st.size, ink, x, bpi_baseline(p->y, st.size, st.leading),
                 line.s, line.len);
        p->y -= st.leading;
    }
}

/* Keeps an indent within the page so that at least an inch remains for the text. */
static float clamp_indent(const bp_pdf *p, float indent)
{
    float max = bp_pdf_width(p) - 72.0f;
    return indent < 0.0f ? 0.0f : indent > max ? max : indent;
}

void bp_pdf_paragraph_indent(bp_pdf *p, bp_pdf_style style, float indent, const char *utf8)
{
    if (!bpi_ok(p)) return;
    char *text = bpi_clean(p, utf8);
    if (!text) return;
    text_style st = style_of(style);
    flow(p, st, BPI_INK, clamp_indent(p, indent), BP_PDF_LEFT, text);
    bp_pdf_space(p, st.after);
    free(text);
}

void bp_pdf_paragraph(bp_pdf *p, bp_pdf_style style, const char *utf8)
{
    bp_pdf_paragraph_indent(p, style, 0.0f, utf8);
}

float bp_pdf_text_width(bp_pdf *p, bp_pdf_style style, const char *utf8)
{
    if (!bpi_ok(p)) return 0.0f;
    char *text = bpi_clean(p, utf8);
    if (!text) return 0.0f;
    text_style st = style_of(style);
    float widest = 0.0f;
    for (const char *s = text;;) {           /* the widest of its lines */
        size_t n = strcspn(s, "\n");
        float w = bpi_width(p, st.bold, st.size, s, n);
        if (w > widest) widest = w;
        if (!s[n]) break;
        s += n + 1;
    }
    free(text);
    return widest;
}

/* ---- status marks ---- */

#define MARK_SIZE 7.5f
#define MARK_HEIGHT 11.0f

static const char *mark_word(bp_pdf_tint s)
{
    switch (s) {
    case BP_PDF_TINT_RED: return "RED";
    case BP_PDF_TINT_AMBER: return "AMBER";
    case BP_PDF_TINT_GREEN: return "OK";
    case BP_PDF_TINT_NONE: break;
    }
    return "N/A";
}

/* Every mark is as wide as the widest word, so the texts beside them line up. */
static float mark_width(const bp_pdf *p)
{
    return bpi_width(p, true, MARK_SIZE, "AMBER", 5) + 8.0f;
}

/* The word in bold in a box of its status colour with a dark border: readable in
 * greyscale and for colour-blind readers. */
static void draw_mark(bp_pdf *p, HPDF_Page pg, bp_pdf_tint s, float x, float top)
{
    float rgb[3], w = mark_width(p);
    bpi_tint_rgb(s, rgb);
    bpi_box(pg, x, top - MARK_HEIGHT, w, MARK_HEIGHT, rgb, 0.6f);
    const char *word = mark_word(s);
    float ww = bpi_width(p, true, MARK_SIZE, word, strlen(word));
    /* DejaVu's capitals are 0.73 em tall: centre them in the box */
    float base = top - MARK_HEIGHT + (MARK_HEIGHT - 0.73f * MARK_SIZE) / 2.0f;
    bpi_text(p, pg, true, MARK_SIZE, BPI_INK, x + (w - ww) / 2.0f, base, word, strlen(word));
}

void bp_pdf_status_paragraph(bp_pdf *p, bp_pdf_tint tint, const char *utf8)
{
    if (!bpi_ok(p)) return;
    char *text = bpi_clean(p, utf8);
    if (!text) return;
    text_style st = style_of(BP_PDF_BODY);
    bp_pdf_need(p, st.leading > MARK_HEIGHT ? st.leading : MARK_HEIGHT);
    HPDF_Page pg = bpi_page_here(p);
    if (pg) {
        draw_mark(p, pg, tint, bpi_left(), p->y - (st.leading - MARK_HEIGHT) / 2.0f);
        flow(p, st, BPI_INK, mark_width(p) + 7.0f, BP_PDF_LEFT, text);
        if (!*text) p->y -= st.leading;    /* the mark alone still takes its line */
        bp_pdf_space(p, st.after + 2.0f);
    }
    free(text);
}

/* ---- headings, bookmarks and contents entries ---- */

typedef struct {
    float size, above, below;
} heading_style;

static heading_style heading_of(int level)
{
    if (level == 1) return (heading_style){16.0f, 16.0f, 7.0f};
    if (level == 2) return (heading_style){12.0f, 11.0f, 5.0f};
    return (heading_style){10.0f, 7.0f, 3.0f};
}

static bool add_entry(bp_pdf *p, int level, char *title, size_t page, float y)
{
    bpi_entry *e = bp_grow(p->entries, &p->cap_entries, p->nentries + 1, sizeof *e);
    if (!e) {
        fail(p, BP_ERR_NOMEM, "out of memory while recording a heading");
        return false;
    }
    p->entries = e;
    p->entries[p->nentries++] = (bpi_entry){level, title, page, y};
    return true;
}

/* A destination showing `page` from height y at the reader's current zoom:
 * [page /XYZ 0 y 0], where zoom 0 means "unchanged" (ISO 32000-1, 12.3.2.2).  libharu
 * 2.3.0's HPDF_Destination_SetXYZ refuses a zoom of 0, so the array is written here. */
static HPDF_Destination destination(bp_pdf *p, HPDF_Page page, float y)
{
    HPDF_Destination d = HPDF_Page_CreateDestination(page);
    if (!d) return NULL;
    HPDF_Array_Clear(d);
    HPDF_STATUS st = HPDF_Array_Add(d, page);
    if (st == HPDF_OK) st = HPDF_Array_AddName(d, "XYZ");
    if (st == HPDF_OK) st = HPDF_Array_AddReal(d, 0.0f);
    if (st == HPDF_OK) st = HPDF_Array_AddReal(d, y);
    if (st == HPDF_OK) st = HPDF_Array_AddReal(d, 0.0f);
    if (st != HPDF_OK) {
        fail(p, BP_ERR_RENDER, "could not make a link target (libharu error 0x%04X)",
                 (unsigned)st);
        return NULL;
    }
    return d;
}

static void add_bookmark(bp_pdf *p, int level, const char *title, HPDF_Page page, float y)
{
    /* level 2 nests under the last level 1; NULL parent means the outline root */
    HPDF_Outline parent = level == 2 ? p->last_top : NULL;
    HPDF_Outline o = HPDF_CreateOutline(p->doc, parent, title,
                                        is_ascii(title) ? NULL : use_utf8(p));
    HPDF_Destination d = o ? destination(p, page, y) : NULL;
    if (!d) return;
    HPDF_Outline_SetDestination(o, d);
    if (level == 1) {
        HPDF_Outline_SetOpened(o, HPDF_TRUE);
        p->last_top = o;
    }
}

void bp_pdf_heading(bp_pdf *p, int level, const char *text, bool new_page)
{
    if (!bpi_ok(p)) return;
    char *t = bpi_clean(p, text);
    if (!t) return;
    level = level < 1 ? 1 : level > 3 ? 3 : level;
    heading_style hs = heading_of(level);
    text_style st = {true, hs.size, hs.size * 1.25f, 0.0f};
    size_t lines = count_lines(p, true, st.size, bp_pdf_width(p), t);
    if (level <= 1 && new_page) fresh_page(p, false);
    bp_pdf_need(p, hs.above + (float)lines * st.leading + hs.below + KEEP_WITH_NEXT);
    bp_pdf_space(p, hs.above);
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) {
        free(t);
        return;
    }
    size_t page = page_index_here(p);
    float top = p->y;
    flow(p, st, BPI_INK, 0.0f, BP_PDF_LEFT, t);
    bp_pdf_space(p, hs.below);
    if (level > 2) {
        free(t);
        return;
    }
    /* the view opens a little above the heading so that it is not at the very edge */
    float y = top + 8.0f;
    float ceiling = page_height(p->pages[page].landscape);
    if (y > ceiling) y = ceiling;
    shorten(t, INFO_MAX);          /* for the bookmark and the contents, not the page */
    add_bookmark(p, level, t, pg, y);
    if (!add_entry(p, level, t, page, y)) free(t);
}

void bp_pdf_contents(bp_pdf *p)
{
    if (!bpi_ok(p) || p->has_contents) return;   /* one contents per document */
    p->has_contents = true;
    if (p->on_page && !p->page_used) {
        p->contents_at = page_index_here(p);     /* before the empty page, which stays open */
        return;
    }
    p->contents_at = p->npages;
    p->on_page = false;      /* what follows starts after the contents */
}

/* ---- tables ----
 *
 * A row is kept whole on one page when it fits on a page; a row taller than a whole page
 * (in practice rows are a few lines) is split between lines of its cells and continues
 * under the repeated header on the next pages, so no text is ever lost or drawn past the
 * margin.  Each cell's text is also clipped to its cell, as a last guard. */

struct bp_pdf_table {
    bp_pdf *p;
    size_t ncols;
    char **titles;
    bp_pdf_align *align;
    float *x, *w;          /* left edge and width of each column */
    text_style st;
    bool header;           /* a header row, repeated on every page */
    bool rules;            /* thin rules under the rows */
    float header_h;
    size_t header_page;    /* npages when the header was last drawn */
    bool any_row;
    bool header_cut;       /* the titles are taller than the header row allows */
};

typedef struct {
    char *text;
    size_t nlines, done;
    bool bold, tick;
    bp_pdf_tint tint;
} row_cell;

static void table_free(bp_pdf_table *t)
{
    if (!t) return;
    if (t->titles)
        for (size_t c = 0; c < t->ncols; c++) free(t->titles[c]);
    free(t->titles);
    free(t->align);
    free(t->x);
    free(t->w);
    free(t);
}

/* Width of cell text in a column. */
static float text_w(const bp_pdf_table *t, size_t c)
{
    float w = t->w[c] - 2.0f * CELL_PAD;
    return w > 1.0f ? w : 1.0f;
}

static float fresh_room(const bp_pdf *p)
{
    return bpi_content_top(p->landscape) - bpi_bottom();
}

/* Columns share the width by weight (a weight of zero or less counts as 1). */
static void table_columns(bp_pdf_table *t, const bp_pdf_col *cols)
{
    float total = 0.0f, width = bp_pdf_width(t->p), x = bpi_left();
    for (size_t c = 0; c < t->ncols; c++) total += cols[c].weight > 0.0f ? cols[c].weight : 1.0f;
    for (size_t c = 0; c < t->ncols; c++) {
        float wt = cols[c].weight > 0.0f ? cols[c].weight : 1.0f;
        t->x[c] = x;
        t->w[c] = width * wt / total;
        x += t->w[c];
    }
}

/* The header row's height: its tallest title, at most a third of a page (longer titles
 * are clipped to their cell). */
static float header_height(bp_pdf_table *t)
{
    size_t lines = 1;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t n = count_lines(t->p, true, t->st.size, text_w(t, c), t->titles[c]);
        if (n > lines) lines = n;
    }
    float h = (float)lines * t->st.leading + 2.0f * CELL_PAD;
    float cap = fresh_room(t->p) / 3.0f;
    t->header_cut = h > cap;
    return h < cap ? h : cap;
}

static bp_pdf_table *table_new(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                               bp_pdf_style style, bool header, bool rules)
{
    if (!bpi_ok(p) || !cols || ncols == 0) return NULL;
    bp_pdf_table *t = calloc(1, sizeof *t);
    if (t) {
        t->titles = calloc(ncols, sizeof *t->titles);
        t->align = malloc(ncols * sizeof *t->align);
        t->x = malloc(ncols * sizeof *t->x);
        t->w = malloc(ncols * sizeof *t->w);
    }
    if (!t || !t->titles || !t->align || !t->x || !t->w) {
        table_free(t);
        fail(p, BP_ERR_NOMEM, "out of memory while starting a table");
        return NULL;
    }
    t->p = p;
    t->ncols = ncols;
    t->st = style_of(style);
    t->header = header;
    t->rules = rules;
    for (size_t c = 0; c < ncols; c++) {
        t->titles[c] = bpi_clean(p, cols[c].title);
        if (!t->titles[c]) {
            table_free(t);
            return NULL;
        }
        t->align[c] = cols[c].align;
    }
    table_columns(t, cols);
    t->header_h = header ? header_height(t) : 0.0f;
    return t;
}

bp_pdf_table *bp_pdf_table_begin(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                                 bp_pdf_style style)
{
    return table_new(p, cols, ncols, style, true, true);
}

/* Draws lines [from, from + count) of a cell's text from `top`, within the cell: all of
 * them clipped to it when `clip` (they may run below it), else only a line wider than
 * the column (a single character too wide to break) - clipping costs five operators. */
static void cell_lines(bp_pdf_table *t, HPDF_Page pg, size_t c, const char *text, bool bold,
                       size_t from, size_t count, float top, float h, bool clip)
{
    bp_pdf *p = t->p;
    float tw = text_w(t, c), x0 = t->x[c] + CELL_PAD;
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, bold, t->st.size, tw, text);
    if (clip) bpi_clip_to(pg, t->x[c], top - h, t->w[c], h);
    float y = top - CELL_PAD;
    for (size_t i = 0; i < from && bpi_wrap_next(&w, &line); i++)
        continue;                        /* lines drawn on earlier pages */
    for (size_t i = 0; i < count && bpi_wrap_next(&w, &line); i++) {
        float x = x0 + align_offset(t->align[c], tw, line.width);
        bool wide = !clip && line.width > tw;
        if (wide) bpi_clip_to(pg, t->x[c], top - h, t->w[c], h);
        bpi_text(p, pg, bold, t->st.size, BPI_INK, x, bpi_baseline(y, t->st.size, t->st.leading),
                 line.s, line.len);
        if (wide) HPDF_Page_GRestore(pg);
        y -= t->st.leading;
    }
    if (clip) HPDF_Page_GRestore(pg);
}

/* A tick as tall as a capital letter on the first line of a cell, placed as the column
 * aligns its text. */
static void cell_tick(const bp_pdf_table *t, HPDF_Page pg, size_t c, float top)
{
    float size = t->st.size, h = 0.73f * size, w = 0.8f * size, tw = text_w(t, c);
    float x = t->x[c] + CELL_PAD + align_offset(t->align[c], tw, w);
    float y = bpi_baseline(top - CELL_PAD, size, t->st.leading);
    bpi_stroke_style(pg, size / 8.0f, BPI_INK);
    bpi_line_cap(pg, HPDF_ROUND_END);
    bpi_line_join(pg, HPDF_ROUND_JOIN);
    bpi_move_to(pg, x, y + 0.45f * h);
    bpi_line_to(pg, x + 0.35f * w, y);
    bpi_line_to(pg, x + w, y + h);
    bpi_stroke(pg);
    bpi_line_cap(pg, HPDF_BUTT_END);
    bpi_line_join(pg, HPDF_MITER_JOIN);
}

static void draw_header(bp_pdf_table *t)
{
    bp_pdf *p = t->p;
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) return;
    float top = p->y, h = t->header_h, x0 = t->x[0];
    float x1 = t->x[t->ncols - 1] + t->w[t->ncols - 1];
    static const float fill[3] = {0.88f, 0.88f, 0.88f};
    bpi_box(pg, x0, top - h, x1 - x0, h, fill, 0.0f);
    for (size_t c = 0; c < t->ncols; c++)
        cell_lines(t, pg, c, t->titles[c], true, 0, SIZE_MAX, top, h, t->header_cut);
    bpi_rule(pg, x0, x1, top - h, 0.8f, 0.4f);
    p->y = top - h;
    t->header_page = p->npages;
}

static bool header_on_this_page(const bp_pdf_table *t)
{
    return t->p->on_page && t->header_page == t->p->npages;
}

/* Opens a new page for the rest of a table, with its header row. */
static void table_new_page(bp_pdf_table *t)
{
    start_page(t->p, false);
    if (t->header) draw_header(t);
}

/* Moves to a new page unless the row fits here; a row taller than a whole page starts
 * here if a line of it fits and is split across pages. */
static void place_row(bp_pdf_table *t, float row_h)
{
    bp_pdf *p = t->p;
    float one_line = t->st.leading + 2.0f * CELL_PAD;
    float need = row_h > fresh_room(p) - t->header_h ? one_line : row_h;
    if (t->header && !header_on_this_page(t)) need += t->header_h;
    bp_pdf_need(p, need);
    if (t->header && !header_on_this_page(t)) draw_header(t);
}

static row_cell *prepare_cells(bp_pdf_table *t, const bp_pdf_cell *cells, bool total)
{
    row_cell *rc = calloc(t->ncols, sizeof *rc);
    if (!rc) {
        fail(t->p, BP_ERR_NOMEM, "out of memory while drawing a table");
        return NULL;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        rc[c].bold = total || cells[c].bold || t->st.bold;
        rc[c].tint = cells[c].tint;
        rc[c].tick = cells[c].tick;
        rc[c].text = bpi_clean(t->p, rc[c].tick ? "" : cells[c].text);
        if (!rc[c].text) continue;     /* failure recorded; nothing more is drawn */
        rc[c].nlines = rc[c].tick ? 1
                     : count_lines(t->p, rc[c].bold, t->st.size, text_w(t, c), rc[c].text);
    }
    return rc;
}

static void free_cells(row_cell *rc, size_t n)
{
    for (size_t c = 0; c < n; c++) free(rc[c].text);
    free(rc);
}

static size_t lines_left(const row_cell *rc, size_t n)
{
    size_t most = 0;
    for (size_t c = 0; c < n; c++)
        if (rc[c].nlines - rc[c].done > most) most = rc[c].nlines - rc[c].done;
    return most;
}

/* Draws `lines` lines of every cell as one band of the row at the flow position. */
static void draw_slice(bp_pdf_table *t, row_cell *rc, size_t lines, bool total)
{
    bp_pdf *p = t->p;
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) return;
    float h = (float)lines * t->st.leading + 2.0f * CELL_PAD, top = p->y;
    float x0 = t->x[0], x1 = t->x[t->ncols - 1] + t->w[t->ncols - 1];
    for (size_t c = 0; c < t->ncols; c++) {
        if (rc[c].tint != BP_PDF_TINT_NONE) {
            float rgb[3];
            bpi_tint_rgb(rc[c].tint, rgb);
            bpi_box(pg, t->x[c], top - h, t->w[c], h, rgb, 0.0f);
        }
        size_t n = rc[c].nlines - rc[c].done;
        if (n > lines) n = lines;
        if (rc[c].tick && n > 0) cell_tick(t, pg, c, top);
        cell_lines(t, pg, c, rc[c].text, rc[c].bold, rc[c].done, n, top, h, false);
        rc[c].done += n;
    }
    if (total) bpi_rule(pg, x0, x1, top, 0.9f, 0.2f);
    if (t->rules) bpi_rule(pg, x0, x1, top - h, 0.4f, BPI_RULE);
    p->y = top - h;
}

static void table_row(bp_pdf_table *t, const bp_pdf_cell *cells, bool total)
{
    if (!t || !cells || !bpi_ok(t->p)) return;
    row_cell *rc = prepare_cells(t, cells, total);
    if (!rc) return;
    size_t lines = lines_left(rc, t->ncols);
    if (lines == 0) lines = 1;                    /* an empty row keeps its height */
    place_row(t, (float)lines * t->st.leading + 2.0f * CELL_PAD);
    /* Slices of the row, one per page.  This ends: a fresh page, less its header (at most
     * a third of it), always holds many lines. */
    bool drawn = false;
    while (bpi_ok(t->p)) {
        size_t left = lines_left(rc, t->ncols);
        if (left == 0) {
            if (drawn) break;
            left = 1;
        }
        float room = bp_pdf_room(t->p) - 2.0f * CELL_PAD;
        size_t fit = room > 0.0f ? (size_t)(room / t->st.leading) : 0;
        if (fit == 0) {
            table_new_page(t);
            continue;
        }
        draw_slice(t, rc, left < fit ? left : fit, total && !drawn);
        drawn = true;
        if (lines_left(rc, t->ncols) > 0) table_new_page(t);
    }
    t->any_row = true;
    free_cells(rc, t->ncols);
}

void bp_pdf_table_row(bp_pdf_table *t, const bp_pdf_cell *cells)
{
    table_row(t, cells, false);
}

void bp_pdf_table_total(bp_pdf_table *t, const bp_pdf_cell *cells)
{
    table_row(t, cells, true);
}

void bp_pdf_table_end(bp_pdf_table *t)
{
    if (!t) return;
    bp_pdf *p = t->p;
    if (bpi_ok(p) && t->header && !t->any_row) {   /* an empty table still shows its columns */
        bp_pdf_need(p, t->header_h);
        draw_header(t);
    }
    bp_pdf_space(p, 10.0f);
    table_free(t);
}

/* ---- the cover ---- */

static void cover_line(bp_pdf *p, const char *utf8, bool bold, float size, float ink,
                       float after)
{
    if (!utf8 || !*utf8) return;
    char *text = bpi_clean(p, utf8);
    if (!text) return;
    flow(p, (text_style){bold, size, size * 1.22f, 0.0f}, ink, 0.0f, BP_PDF_LEFT, text);
    bp_pdf_space(p, after);
    free(text);
}

/* Label and value in two columns without rules: a table, so that a long value wraps
 * and can never run off the page. */
static void cover_fields(bp_pdf *p, const bp_pdf_field *fields, size_t n)
{
    static const bp_pdf_col cols[2] = {{"", 1.0f, BP_PDF_LEFT}, {"", 2.6f, BP_PDF_LEFT}};
    bp_pdf_table *t = table_new(p, cols, 2, BP_PDF_BODY, false, false);
    if (!t) return;
    for (size_t i = 0; i < n; i++) {
        if (!fields[i].value || !*fields[i].value) continue;
        bp_pdf_cell row[2] = {{fields[i].label, BP_PDF_TINT_NONE, true, false},
                              {fields[i].value, BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    table_free(t);
}

void bp_pdf_cover(bp_pdf *p, const char *trust, const char *title, const char *subtitle,
                  const bp_pdf_field *fields, size_t nfields)
{
    if (!bpi_ok(p)) return;
    bool landscape = p->landscape;
    p->landscape = false;                  /* covers are portrait */
    fresh_page(p, true);
    HPDF_Page pg = bpi_page_here(p);
    if (pg) {
        float width = bp_pdf_width(p);
        static const float band[3] = {0.16f, 0.25f, 0.40f};
        bpi_box(pg, bpi_left(), p->y - 6.0f, width, 6.0f, band, 0.0f);
        p->y -= 150.0f;                    /* the title block a quarter down the page */
        cover_line(p, trust, true, 18.0f, 0.25f, 14.0f);
        cover_line(p, title, true, 30.0f, BPI_INK, 10.0f);
        cover_line(p, subtitle, false, 14.0f, 0.25f, 24.0f);
        pg = bpi_page_here(p);
        if (pg) bpi_rule(pg, bpi_left(), bpi_left() + width, p->y, 0.8f, 0.5f);
        bp_pdf_space(p, 16.0f);
        if (fields && nfields) cover_fields(p, fields, nfields);
    }
    p->on_page = false;                    /* the cover is a page of its own */
    p->landscape = landscape;
}

/* ---- contents (drawn by bp_pdf_write) ---- */

#define TOC_SIZE 10.0f
#define TOC_LEADING 14.0f
#define TOC_TITLE_H 40.0f
#define TOC_INDENT 16.0f
#define TOC_GAP 5.0f           /* above a level-1 entry */
#define TOC_MAX_LINES 3        /* a longer title ends in an ellipsis */

typedef struct {
    size_t page;           /* which contents page */
    float top;
    size_t lines;
} toc_place;

static float toc_number_width(const bp_pdf *p)
{
    return bpi_width(p, false, TOC_SIZE, "0000", 4) + 10.0f;
}

static float toc_text_width(const bp_pdf *p, const bpi_entry *e)
{
    float indent = e->level == 1 ? 0.0f : TOC_INDENT;
    return page_width(false) - 2.0f * BPI_MARGIN_SIDE - indent - toc_number_width(p);
}

/* Places every entry on the contents pages; returns how many pages they take. */
static size_t toc_layout(const bp_pdf *p, toc_place *place)
{
    float top = bpi_content_top(false), y = top - TOC_TITLE_H;
    size_t page = 0;
    bool first = true;
    for (size_t i = 0; i < p->nentries; i++) {
        const bpi_entry *e = &p->entries[i];
        size_t lines = count_lines(p, e->level == 1, TOC_SIZE, toc_text_width(p, e), e->title);
        if (lines == 0) lines = 1;
        if (lines > TOC_MAX_LINES) lines = TOC_MAX_LINES;
        float gap = e->level == 1 && !first ? TOC_GAP : 0.0f;
        if (y - gap - (float)lines * TOC_LEADING < bpi_bottom()) {
            page++;
            y = top;
            gap = 0.0f;
        }
        y -= gap;
        place[i] = (toc_place){page, y, lines};
        y -= (float)lines * TOC_LEADING;
        first = false;
    }
    return page + 1;
}

/* The dotted leader from the end of a title to its page number. */
static void leader(HPDF_Page pg, float x0, float x1, float y)
{
    if (x1 - x0 < 6.0f) return;
    static const HPDF_UINT16 dots[2] = {1, 3};
    bpi_dash(pg, dots, 2);
    bpi_rule(pg, x0, x1, y, 0.7f, 0.45f);
    bpi_dash(pg, NULL, 0);
}

/* Draws one entry's title lines; returns the x where the last line ends. */
static float toc_title(bp_pdf *p, HPDF_Page pg, const bpi_entry *e, const toc_place *pl,
                       float x)
{
    bool bold = e->level == 1;
    float width = toc_text_width(p, e), end = x, y = pl->top;
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, bold, TOC_SIZE, width, e->title);
    for (size_t k = 0; k < pl->lines && bpi_wrap_next(&w, &line); k++) {
        float base = bpi_baseline(y, TOC_SIZE, TOC_LEADING);
        if (k + 1 == pl->lines && !w.done) {
            /* the rest of a long title on its last line, shortened */
            bpi_text_fit(p, pg, bold, TOC_SIZE, BPI_INK, x, base, width, BP_PDF_LEFT, line.s);
            end = x + width;
        } else {
            bpi_text(p, pg, bold, TOC_SIZE, BPI_INK, x, base, line.s, line.len);
            end = x + line.width;
        }
        y -= TOC_LEADING;
    }
    return end;
}

static void toc_entry(bp_pdf *p, HPDF_Page pg, const bpi_entry *e, const toc_place *pl)
{
    float left = bpi_left(), right = page_width(false) - BPI_MARGIN_SIDE;
    float x = left + (e->level == 1 ? 0.0f : TOC_INDENT);
    float end = toc_title(p, pg, e, pl, x);
    float last_top = pl->top - (float)(pl->lines - 1) * TOC_LEADING;
    float base = bpi_baseline(last_top, TOC_SIZE, TOC_LEADING);
    char num[24];
    snprintf(num, sizeof num, "%zu", e->page + 1);
    float nw = bpi_width(p, false, TOC_SIZE, num, strlen(num));
    leader(pg, end + 4.0f, right - nw - 4.0f, base + 1.0f);
    bpi_text(p, pg, false, TOC_SIZE, BPI_INK, right - nw, base, num, strlen(num));
    /* the whole entry is the link */
    HPDF_Destination d = destination(p, p->pages[e->page].page, e->y);
    HPDF_Rect r = {x - 2.0f, pl->top - (float)pl->lines * TOC_LEADING, right, pl->top};
    HPDF_Annotation a = d ? HPDF_Page_CreateLinkAnnot(pg, r, d) : NULL;
    if (a) HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
}

/* Adds n portrait pages before pages[contents_at] (or at the end) and shifts the page
 * indices of the entries past them. */
static bool insert_toc_pages(bp_pdf *p, size_t n)
{
    size_t at = p->contents_at;
    HPDF_Page before = at < p->npages ? p->pages[at].page : NULL;
    for (size_t k = 0; k < n; k++) {
        HPDF_Page pg = before ? HPDF_InsertPage(p->doc, before) : HPDF_AddPage(p->doc);
        if (!pg || !push_page(p, pg, false, false)) return false;
        set_a4(pg, false);
    }
    /* push_page appended them: rotate them into place */
    bpi_page tmp;
    for (size_t k = 0; k < n; k++) {
        tmp = p->pages[p->npages - n + k];
        memmove(&p->pages[at + k + 1], &p->pages[at + k],
                (p->npages - n + k - (at + k)) * sizeof tmp);
        p->pages[at + k] = tmp;
    }
    for (size_t i = 0; i < p->nentries; i++)
        if (p->entries[i].page >= at) p->entries[i].page += n;
    return true;
}

static void draw_contents(bp_pdf *p)
{
    toc_place *place = malloc((p->nentries ? p->nentries : 1) * sizeof *place);
    if (!place) {
        fail(p, BP_ERR_NOMEM, "out of memory while laying out the contents");
        return;
    }
    size_t n = toc_layout(p, place);
    if (insert_toc_pages(p, n)) {
        HPDF_Page first = p->pages[p->contents_at].page;
        float top = bpi_content_top(false);
        bpi_text(p, first, true, 16.0f, BPI_INK, bpi_left(), bpi_baseline(top, 16.0f, 20.0f),
                 "Contents", 8);
        for (size_t i = 0; i < p->nentries && bpi_ok(p); i++)
            toc_entry(p, p->pages[p->contents_at + place[i].page].page, &p->entries[i], &place[i]);
    }
    free(place);
}

/* ---- header and footer (drawn by bp_pdf_write) ---- */

#define FURNITURE_SIZE 8.0f

/* Widths for two texts sharing a line: both whole when they fit; otherwise one no wider
 * than half keeps its width and the other has the rest, or two long ones half each. */
static void share_line(float wl, float wr, float avail, float *lw, float *rw)
{
    float half = avail / 2.0f;
    if (wl + wr <= avail) {
        *lw = wl;
        *rw = wr;
    } else if (wr <= half) {
        *lw = avail - wr;
        *rw = wr;
    } else if (wl <= half) {
        *lw = wl;
        *rw = avail - wl;
    } else {
        *lw = *rw = half;
    }
}

static void draw_header_footer(bp_pdf *p, size_t i)
{
    HPDF_Page pg = p->pages[i].page;
    float w = page_width(p->pages[i].landscape), h = page_height(p->pages[i].landscape);
    float left = bpi_left(), width = w - 2.0f * BPI_MARGIN_SIDE, gap = 24.0f;
    float head = h - 40.0f, foot = 30.0f;

    const char *hl = p->header_left ? p->header_left : "";
    const char *hr = p->header_right ? p->header_right : "";
    float lw, rw;
    share_line(bpi_width(p, false, FURNITURE_SIZE, hl, strlen(hl)),
               bpi_width(p, false, FURNITURE_SIZE, hr, strlen(hr)), width - gap, &lw, &rw);
    bpi_text_fit(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left, head, lw, BP_PDF_LEFT, hl);
    bpi_text_fit(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left + width - rw, head, rw,
                 BP_PDF_RIGHT, hr);
    bpi_rule(pg, left, left + width, head - 6.0f, 0.5f, 0.6f);

    char num[64];
    snprintf(num, sizeof num, "Page %zu of %zu", i + 1, p->npages);
    float nw = bpi_width(p, false, FURNITURE_SIZE, num, strlen(num));
    bpi_rule(pg, left, left + width, foot + 12.0f, 0.5f, 0.6f);
    bpi_text(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left + width - nw, foot, num, strlen(num));
    if (p->footer_left)
        bpi_text_fit(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left, foot, width - nw - gap,
                     BP_PDF_LEFT, p->footer_left);
}

/* ---- writing ---- */

static void finish(bp_pdf *p)
{
    if (p->has_contents) draw_contents(p);
    for (size_t i = 0; i < p->npages && bpi_ok(p); i++)
        if (!p->pages[i].cover) draw_header_footer(p, i);
    p->finished = true;
}

/* Copies libharu's in-memory file to fp. */
static bp_err copy_stream(bp_pdf *p, FILE *fp, bp_diags *diags)
{
    HPDF_UINT32 total = HPDF_GetStreamSize(p->doc), done = 0;
    HPDF_BYTE buf[16384];
    HPDF_ResetStream(p->doc);
    while (done < total) {
        HPDF_UINT32 n = total - done < sizeof buf ? total - done : (HPDF_UINT32)sizeof buf;
        HPDF_STATUS st = HPDF_ReadFromStream(p->doc, buf, &n);
        if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || n == 0) {
            HPDF_ResetError(p->doc);
            bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0,
                        "could not read the finished PDF back from memory (libharu error 0x%04X)",
                        (unsigned)st);
            return BP_ERR_RENDER;
        }
        if (fwrite(buf, 1, n, fp) != n) {
            bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "could not write the PDF: %s",
                        strerror(errno));
            return BP_ERR_IO;
        }
        done += n;
    }
    HPDF_ResetError(p->doc);       /* the end-of-stream status */
    if (fflush(fp) != 0 || ferror(fp)) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "could not write the PDF: %s",
                    strerror(errno));
        return BP_ERR_IO;
    }
    return BP_OK;
}

bp_err bp_pdf_write(bp_pdf *p, FILE *fp, bp_diags *diags)
{
    if (bpi_ok(p) && !p->finished) finish(p);
    bp_err e = report(p, diags);
    if (e != BP_OK) return e;
    /* the fallback font's characters are mostly composites of parts numbered above 32767,
     * which libharu leaves out (bp_libs.h); DejaVu's 6,300 glyphs are all below */
    if (p->fallback_def) bpi_ttf_mark_parts(p->fallback_def, p->fallback_src);
    if (HPDF_SaveToStream(p->doc) != HPDF_OK || !bpi_ok(p)) {
        e = report(p, diags);
        if (e != BP_OK) return e;
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "the PDF library could not save the document");
        return BP_ERR_RENDER;
    }
    return copy_stream(p, fp, diags);
}
