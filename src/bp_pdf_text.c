/* bp_pdf_text: text for the page layer (see bp_pdf_internal.h) - cleaning UTF-8 for the
 * fonts, measuring, drawing a line (shortened to fit when asked), line breaking, and the
 * body styles.
 *
 * Findings about libharu 2.3.0 that shape this file:
 * - libharu's UTF-8 encoder maps only the Basic Multilingual Plane, so text is cleaned
 *   first (bpi_clean).
 * - HPDF_Font_TextWidth measures UTF-8 text by code point, and widths add up (no
 *   kerning), so line breaking can measure one code point at a time.
 * - A Type0 font draws only what its own font has: a character DejaVu lacks (CJK) is set
 *   in the fallback font, a run of such characters at a time (next_run), and its text
 *   objects switch fonts between runs. */
#include "bp_pdf_internal.h"
#include "bp_util.h"

#include <stdlib.h>
#include <string.h>

#define FONT_ASCENT 0.928f    /* DejaVu Sans, in ems */
#define FONT_DESCENT 0.236f
#define ELLIPSIS "\xE2\x80\xA6"
#define REPLACEMENT "\xEF\xBF\xBD"

/* ---- clean UTF-8 ---- */

char *bpi_clean_text(bp_pdf *p, const char *utf8, bool drawn)
{
    const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
    size_t len = 0;
    while (s[len] >= 0x20 ? s[len] < 0x7F : s[len] == '\n') len++;
    if (!s[len]) {
        /* printable ASCII and line breaks, most text: already clean, any font sets it */
        char *copy = strdup((const char *)s);
        if (!copy) bpi_fail(p, BP_ERR_NOMEM, "out of memory while laying out text");
        return copy;
    }
    len += strlen((const char *)s + len);
    /* one invalid byte can become the 3 bytes of U+FFFD */
    char *out = len < ((size_t)-1) / 3 ? malloc(len * 3 + 1) : NULL;
    if (!out) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while laying out text");
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
                bpi_fail(p, BP_ERR_RENDER, "internal error: the text \"%s\" holds U+%04X (%s), which "
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
        if (drawn && cp >= 0x80 && !bpi_drawn_mark(cp)) {
            bp_pdf_fonts f = bpi_fonts_for(cp);
            if (f < p->needed) p->needed = f;
        }
    }
    out[o] = '\0';
    return out;
}

char *bpi_clean(bp_pdf *p, const char *utf8)
{
    return bpi_clean_text(p, utf8, true);
}

size_t bpi_cp_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Cuts clean text to at most max bytes without splitting a code point. */
void bpi_shorten(char *s, size_t max)
{
    size_t i = 0;
    while (s[i]) {
        size_t n = bpi_cp_len(s + i);
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
    *b = n ? bpi_cp1252_byte(cp) : 0;
    return n ? n : 1;
}

/* ---- marks drawn as shapes ----
 *
 * The trend marks of the scorecards (U+25B2 up, U+25BC down, U+25CF circle) are no
 * characters of Windows-1252: as glyphs they would set every pack with a scorecard in
 * the Unicode fonts, some 40% more time and file size for the PET's packs (issue #14).
 * In the WinAnsi fonts they are drawn as shapes instead - the outlines of DejaVu's own
 * glyphs, in thousandths of an em from the pen position and baseline, with the glyphs'
 * advance widths - so that they look the same in every document; the Unicode fonts draw
 * the glyphs.  A reader of the element list finds the characters. */
static const struct {
    uint32_t cp;
    unsigned char utf8[3];
    unsigned advance;            /* thousandths of an em */
} marks[] = {
    {0x25B2, {0xE2, 0x96, 0xB2}, 769},
    {0x25BC, {0xE2, 0x96, 0xBC}, 769},
    {0x25CF, {0xE2, 0x97, 0x8F}, 873},
};

bool bpi_drawn_mark(uint32_t cp)
{
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (marks[i].cp == cp) return true;
    return false;
}

/* The mark whose UTF-8 starts u (len bytes left), or -1. */
static int mark_at(const unsigned char *u, size_t len)
{
    if (len < 3 || u[0] != 0xE2) return -1;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (memcmp(u, marks[i].utf8, 3) == 0) return (int)i;
    return -1;
}

static void draw_mark(HPDF_Page pg, int m, float x, float y, float size, float ink)
{
    float e = size / 1000.0f;
    if (HPDF_Page_GetFillingColorSpace(pg) != HPDF_CS_DEVICE_GRAY
        || HPDF_Page_GetGrayFill(pg) != ink)
        bpi_gray_fill(pg, ink);
    if (marks[m].cp == 0x25CF) {
        HPDF_Page_Circle(pg, x + 436.3f * e, y + 258.8f * e, 381.6f * e);
    } else {
        bool up = marks[m].cp == 0x25B2;
        float base = up ? -123.0f : 642.6f, apex = up ? 642.6f : -123.0f;
        bpi_move_to(pg, x + 2.9f * e, y + base * e);
        bpi_line_to(pg, x + 766.1f * e, y + base * e);
        bpi_line_to(pg, x + 384.5f * e, y + apex * e);
        bpi_close_path(pg);
    }
    bpi_fill(pg);
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
            int m = *u == 0xE2 ? mark_at(u, (size_t)(end - u)) : -1;
            if (m >= 0) {
                total += marks[m].advance;
                u += 3;
                continue;
            }
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
    if (p->fonts == BP_PDF_FONTS_WINANSI) {
        /* a mark is a shape between the runs of text before and after it */
        const unsigned char *u = (const unsigned char *)s;
        for (size_t i = 0; i + 3 <= len; i++) {
            int m = u[i] == 0xE2 ? mark_at(u + i, len - i) : -1;
            if (m < 0) continue;
            bpi_text(p, pg, bold, size, ink, x, y, s, i);
            float at = x + bpi_width(p, bold, size, s, i);
            draw_mark(pg, m, at, y, size, ink);
            bpi_text(p, pg, bold, size, ink, at + em_width(marks[m].advance, size), y, s + i + 3,
                     len - i - 3);
            return;
        }
    }
    char small[256];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while drawing text");
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
float bpi_align_offset(bp_pdf_align align, float width, float used)
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
        size_t n = bpi_cp_len(s + i);
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
        bpi_text(p, pg, bold, size, ink, x + bpi_align_offset(align, width, w), y, s, len);
        return;
    }
    float ell = bpi_width(p, bold, size, ELLIPSIS, strlen(ELLIPSIS));
    if (ell > width) return;
    size_t keep = fit_prefix(p, bold, size, s, width - ell);
    while (keep > 0 && s[keep - 1] == ' ') keep--;
    char *buf = malloc(keep + sizeof ELLIPSIS);
    if (!buf) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while drawing text");
        return;
    }
    memcpy(buf, s, keep);
    memcpy(buf + keep, ELLIPSIS, sizeof ELLIPSIS);
    size_t blen = keep + strlen(ELLIPSIS);
    w = bpi_width(p, bold, size, buf, blen);
    bpi_text(p, pg, bold, size, ink, x + bpi_align_offset(align, width, w), y, buf, blen);
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
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while drawing text");
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
        size_t n = bpi_cp_len(q);
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

size_t bpi_count_lines(const bp_pdf *p, bool bold, float size, float width, const char *text)
{
    bpi_wrap w;
    bpi_line line;
    size_t n = 0;
    bpi_wrap_init(&w, p, bold, size, width, text);
    while (bpi_wrap_next(&w, &line)) n++;
    return n;
}

bool bpi_is_ascii(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (*u >= 0x80) return false;
    return true;
}

/* ---- body styles ---- */

bpi_text_style bpi_style_of(bp_pdf_style s)
{
    switch (s) {
    case BP_PDF_BOLD: return (bpi_text_style){true, 10.0f, 13.0f, 5.0f};
    case BP_PDF_SMALL: return (bpi_text_style){false, 8.0f, 10.4f, 4.0f};
    case BP_PDF_LEAD: return (bpi_text_style){false, 12.0f, 15.6f, 7.0f};
    case BP_PDF_COMPACT: return (bpi_text_style){false, 8.0f, 9.4f, 4.0f};
    case BP_PDF_BODY: break;
    }
    return (bpi_text_style){false, 10.0f, 13.0f, 5.0f};
}
