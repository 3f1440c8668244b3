/* bp_libs, the content-stream operators: each writes the bytes libharu's operator of the
 * same name writes and leaves the page in the same state.  libharu itself is the oracle:
 * the same drawing is made once through HPDF_Page_* and once through bpi_*, in two
 * documents, and the content streams, the page state after every step and finally the
 * two saved documents (fonts, widths and embedded glyphs included) must be identical. */
#include "bp_test.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <hpdf.h>
#include <hpdf_utils.h>
#include <hpdf_font.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include "../../src/bp_pdf_internal.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct {
    HPDF_Doc doc;
    HPDF_Page page;
    HPDF_Font font;
} side;

static void open_side(side *s)
{
    s->doc = HPDF_New(NULL, NULL);
    assert_non_null(s->doc);
    HPDF_SetCompressionMode(s->doc, HPDF_COMP_NONE);
    const char *name = HPDF_LoadTTFontFromFile(s->doc, DEJAVU, HPDF_TRUE);
    assert_non_null(name);
    s->font = HPDF_GetFont(s->doc, name, "CP1252");
    assert_non_null(s->font);
    s->page = HPDF_AddPage(s->doc);
    assert_non_null(s->page);
}

static char *stream_bytes(HPDF_Stream st, size_t *n)
{
    HPDF_UINT32 size = HPDF_Stream_Size(st);
    char *buf = malloc(size + 1);
    assert_non_null(buf);
    assert_int_equal(HPDF_Stream_Seek(st, 0, HPDF_SEEK_SET), HPDF_OK);
    HPDF_UINT len = size;
    if (size) assert_int_equal(HPDF_Stream_Read(st, (HPDF_BYTE *)buf, &len), HPDF_OK);
    assert_int_equal(len, size);
    buf[size] = 0;
    *n = size;
    return buf;
}

static void same_content(side *lib, side *ours, const char *step)
{
    size_t na, nb;
    char *a = stream_bytes(((HPDF_PageAttr)lib->page->attr)->stream, &na);
    char *b = stream_bytes(((HPDF_PageAttr)ours->page->attr)->stream, &nb);
    if (na != nb || memcmp(a, b, na) != 0) fail_msg("%s:\nlibharu:\n%s\nours:\n%s", step, a, b);
    free(a);
    free(b);
}

#define SAME(field) assert_memory_equal(&a->field, &b->field, sizeof a->field)

/* The state libharu keeps and reads back: graphics mode, points, the graphics state. */
static void same_state(side *lib, side *ours)
{
    HPDF_PageAttr a = lib->page->attr, b = ours->page->attr;
    SAME(gmode);
    SAME(cur_pos);
    SAME(str_pos);
    SAME(text_pos);
    SAME(gstate->line_width);
    SAME(gstate->line_cap);
    SAME(gstate->line_join);
    SAME(gstate->dash_mode);
    SAME(gstate->cs_fill);
    SAME(gstate->cs_stroke);
    SAME(gstate->rgb_fill);
    SAME(gstate->rgb_stroke);
    SAME(gstate->gray_fill);
    SAME(gstate->gray_stroke);
    SAME(gstate->font_size);
    SAME(gstate->writing_mode);
    assert_int_equal(a->gstate->font == lib->font, b->gstate->font == ours->font);
    assert_int_equal(a->gstate->depth, b->gstate->depth);
}

static void check(side *lib, side *ours, const char *step)
{
    same_content(lib, ours, step);
    same_state(lib, ours);
}

/* Each test's two documents: one drawn through libharu, one through bpi_*. */
typedef struct {
    side lib, ours;
} sides;

static int open_sides(void **state)
{
    sides *s = malloc(sizeof *s);
    if (!s) return -1;
    open_side(&s->lib);
    open_side(&s->ours);
    *state = s;
    return 0;
}

static int close_sides(void **state)
{
    sides *s = *state;
    HPDF_Free(s->lib.doc);
    HPDF_Free(s->ours.doc);
    free(s);
    return 0;
}

/* Coordinates that take every path through libharu's number formatting: whole, negative,
 * five places and more, rounding up into the next unit, tiny, clamped. */
static const float NUMS[] = {0.0f, 1.0f, 50.0f, 595.276f, 841.89f, 0.62f, -3.25f, 12.345678f,
                             0.000004f, 0.999996f, -0.000001f, 32766.99f, 40000.0f, -40000.0f,
                             1e-9f, 72.5f};
#define NNUMS (sizeof NUMS / sizeof *NUMS)

static void paths_match(void **state)
{
    sides *two = *state;
    side l = two->lib, o = two->ours;
    for (size_t i = 0; i < NNUMS; i++) {
        float x = NUMS[i], y = NUMS[(i + 3) % NNUMS];
        float w = NUMS[(i + 5) % NNUMS] < 0 ? 1.5f : NUMS[(i + 5) % NNUMS];
        if (w > 100.0f) w = 3.0f;
        HPDF_Page_SetLineWidth(l.page, w);
        bpi_line_width(o.page, w);
        check(&l, &o, "w");
        HPDF_Page_MoveTo(l.page, x, y);
        bpi_move_to(o.page, x, y);
        check(&l, &o, "m");
        HPDF_Page_LineTo(l.page, y, x);
        bpi_line_to(o.page, y, x);
        check(&l, &o, "l");
        HPDF_Page_LineTo(l.page, x + 1.0f, y - 2.5f);
        bpi_line_to(o.page, x + 1.0f, y - 2.5f);
        HPDF_Page_ClosePath(l.page);
        bpi_close_path(o.page);
        check(&l, &o, "h");
        HPDF_Page_Stroke(l.page);
        bpi_stroke(o.page);
        check(&l, &o, "S");
        HPDF_Page_Rectangle(l.page, x, y, 10.25f, -4.0f);
        bpi_rectangle(o.page, x, y, 10.25f, -4.0f);
        check(&l, &o, "re");
        if (i % 3 == 0) {
            HPDF_Page_Fill(l.page);
            bpi_fill(o.page);
        } else if (i % 3 == 1) {
            HPDF_Page_FillStroke(l.page);
            bpi_fill_stroke(o.page);
        } else {
            HPDF_Page_EndPath(l.page);
            bpi_end_path(o.page);
        }
        check(&l, &o, "f/B/n");
    }
    /* a clip inside q/Q, libharu's own q and Q around ours */
    HPDF_Page_GSave(l.page);
    HPDF_Page_GSave(o.page);
    HPDF_Page_Rectangle(l.page, 10, 20, 30, 40);
    bpi_rectangle(o.page, 10, 20, 30, 40);
    HPDF_Page_Clip(l.page);
    bpi_clip(o.page);
    check(&l, &o, "W");
    HPDF_Page_EndPath(l.page);
    bpi_end_path(o.page);
    check(&l, &o, "W n");
    HPDF_Page_GRestore(l.page);
    HPDF_Page_GRestore(o.page);
    check(&l, &o, "Q");
    /* a libharu circle painted by ours */
    HPDF_Page_Circle(l.page, 100, 100, 3.5f);
    HPDF_Page_Circle(o.page, 100, 100, 3.5f);
    HPDF_Page_Fill(l.page);
    bpi_fill(o.page);
    check(&l, &o, "circle f");
}

static void style_and_colour_match(void **state)
{
    sides *two = *state;
    side l = two->lib, o = two->ours;
    for (size_t i = 0; i < NNUMS; i++) {
        float g = NUMS[i] < 0 ? -NUMS[i] : NUMS[i];
        while (g > 1.0f) g /= 10.0f;
        HPDF_Page_SetGrayFill(l.page, g);
        bpi_gray_fill(o.page, g);
        check(&l, &o, "g");
        HPDF_Page_SetGrayStroke(l.page, 1.0f - g);
        bpi_gray_stroke(o.page, 1.0f - g);
        check(&l, &o, "G");
        HPDF_Page_SetRGBFill(l.page, g, 0.92f, 1.0f - g);
        bpi_rgb_fill(o.page, g, 0.92f, 1.0f - g);
        check(&l, &o, "rg");
        HPDF_Page_SetRGBStroke(l.page, 0.16f, g, 0.4f);
        bpi_rgb_stroke(o.page, 0.16f, g, 0.4f);
        check(&l, &o, "RG");
    }
    static const HPDF_LineCap caps[] = {HPDF_ROUND_END, HPDF_PROJECTING_SCUARE_END, HPDF_BUTT_END};
    static const HPDF_LineJoin joins[] = {HPDF_ROUND_JOIN, HPDF_BEVEL_JOIN, HPDF_MITER_JOIN};
    for (size_t i = 0; i < 3; i++) {
        HPDF_Page_SetLineCap(l.page, caps[i]);
        bpi_line_cap(o.page, caps[i]);
        HPDF_Page_SetLineJoin(l.page, joins[i]);
        bpi_line_join(o.page, joins[i]);
        check(&l, &o, "J j");
    }
    static const HPDF_UINT16 dots[] = {1, 2}, dashes[] = {4, 3, 100, 7};
    HPDF_Page_SetDash(l.page, dots, 2, 0);
    bpi_dash(o.page, dots, 2);
    check(&l, &o, "d dots");
    HPDF_Page_SetDash(l.page, dashes, 4, 0);
    bpi_dash(o.page, dashes, 4);
    check(&l, &o, "d dashes");
    HPDF_Page_SetDash(l.page, NULL, 0, 0);
    bpi_dash(o.page, NULL, 0);
    check(&l, &o, "d solid");
}

/* What bp_pdf does for a line of WinAnsi text, through libharu. */
static void lib_text(side *s, float size, float x, float y, const char *text)
{
    HPDF_Page_BeginText(s->page);
    if (HPDF_Page_GetCurrentFont(s->page) != s->font
        || HPDF_Page_GetCurrentFontSize(s->page) != size)
        HPDF_Page_SetFontAndSize(s->page, s->font, size);
    HPDF_Page_TextOut(s->page, x, y, text);
    HPDF_Page_EndText(s->page);
}

static char *saved(HPDF_Doc doc, size_t *n)
{
    assert_int_equal(HPDF_SaveToStream(doc), HPDF_OK);
    HPDF_UINT32 size = HPDF_GetStreamSize(doc);
    char *buf = malloc(size);
    assert_non_null(buf);
    HPDF_UINT32 len = size;
    assert_int_equal(HPDF_ReadFromStream(doc, (HPDF_BYTE *)buf, &len), HPDF_OK);
    assert_int_equal(len, size);
    *n = size;
    return buf;
}

static void text_matches(void **state)
{
    sides *two = *state;
    side l = two->lib, o = two->ours;
    /* Windows-1252 bytes: the characters PDF strings escape, £ (A3), € (80), é (E9), a
     * long line that crosses libharu's 256-byte escaping buffer */
    char longline[700];
    for (size_t i = 0; i < sizeof longline - 1; i++) longline[i] = "(a)\\b%c\xA3#/<>[]{}"[i % 16];
    longline[sizeof longline - 1] = 0;
    const struct { float size, x, y; const char *text; } lines[] = {
        {9.0f, 50.0f, 700.25f, "Income and expenditure (2022/23)"},
        {9.0f, 60.5f, 690.0f, "\xA3" "1,234.56 \x80 caf\xE9 100% #1 <a> [b] {c} /d \\e"},
        {12.5f, 50.0f, 680.0f, "Heading"},
        {12.5f, 0.000001f, -3.0f, "x"},
        {7.0f, 841.89f, 595.276f, longline},
        {9.0f, 50.0f, 100.0f, "\t\x7F\x81\xFF"},
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        lib_text(&l, lines[i].size, lines[i].x, lines[i].y, lines[i].text);
        bpi_text_simple(o.page, o.font, lines[i].size, lines[i].x, lines[i].y,
                        (const unsigned char *)lines[i].text, strlen(lines[i].text));
        check(&l, &o, lines[i].text);
    }
    HPDF_FontAttr fl = l.font->attr, fo = o.font->attr;
    assert_memory_equal(fl->used, fo->used, 256);
    assert_memory_equal(fl->widths, fo->widths, 256 * sizeof *fl->widths);
    size_t na, nb;
    char *a = saved(l.doc, &na), *b = saved(o.doc, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
}

static void check_real(float v)
{
    char ours[32], lib[32];
    memset(lib, 0, sizeof lib);
    char *end = bpi_real(ours, v);
    *end = 0;
    HPDF_FToA(lib, v, lib + sizeof lib - 1);
    if (strcmp(ours, lib) != 0) fail_msg("%.9g: libharu '%s', ours '%s'", (double)v, lib, ours);
}

/* Numbers: the same digits as libharu's HPDF_FToA for every float of a dense sweep of
 * the page's range and beyond (both signs), the values around every rounding step, and
 * the extremes. */
static void numbers_match(void **state)
{
    (void)state;
    static const float specials[] = {0.0f, -0.0f, 1.0f, 0.5f, 32767.0f, -32767.0f, 32767.5f,
                                     40000.0f, -1e30f, 1e30f, 1e-30f, 5e-6f, 4.9999e-6f,
                                     0.999995f, 0.9999951f, 2.999999f, 9.99999f, 99999.0f,
                                     595.276f, 841.89f, 0.62f};
    for (size_t i = 0; i < sizeof specials / sizeof *specials; i++) {
        check_real(specials[i]);
        check_real(-specials[i]);
    }
    /* every 7th float bit pattern from 0 up to 40000 */
    float f = 0.0f;
    uint32_t bits = 0;
    while (f < 40000.0f) {
        memcpy(&f, &bits, sizeof f);
        check_real(f);
        check_real(-f);
        bits += 7u << (bits > 0x38000000u ? 4 : 12);
    }
    /* hundredths and the float next to each, either side, across a page */
    for (int c = 0; c < 90000; c++) {
        float v = (float)c / 100.0f;
        check_real(v);
        check_real(nextafterf(v, 0.0f));
        check_real(nextafterf(v, 1e9f));
    }
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *q = hay; (q = strstr(q, needle)) != NULL; q++) n++;
    return n;
}

/* Rules and boxes set a stroke width, a grey or a fill only when it changes - also
 * across q/Q, where libharu restores its record of them as the viewer restores them. */
static void styles_only_when_they_change(void **state)
{
    side o = ((sides *)*state)->ours;
    static const float tint[3] = {0.8f, 0.92f, 0.8f};
    bpi_rule(o.page, 50, 500, 700, 0.5f, 0.7f);
    bpi_rule(o.page, 50, 500, 690, 0.5f, 0.7f);            /* same: no w, no G */
    bpi_rule(o.page, 50, 500, 680, 1.0f, 0.7f);            /* a new width only */
    bpi_box(o.page, 50, 600, 40, 10, tint, 0.0f);
    bpi_box(o.page, 50, 580, 40, 10, tint, 0.0f);          /* same fill: no rg */
    HPDF_Page_GSave(o.page);
    bpi_rule(o.page, 50, 500, 560, 0.25f, 0.2f);
    HPDF_Page_GRestore(o.page);
    bpi_rule(o.page, 50, 500, 550, 1.0f, 0.7f);            /* as before the q: nothing */
    bpi_rule(o.page, 50, 500, 540, 0.25f, 0.2f);           /* both again */
    size_t n;
    char *c = stream_bytes(((HPDF_PageAttr)o.page->attr)->stream, &n);
    assert_int_equal(count_of(c, " w\n"), 4);     /* 0.5, 1, 0.25 inside q, 0.25 */
    assert_int_equal(count_of(c, " G\n"), 3);     /* 0.7, 0.2 inside q, 0.2 */
    assert_int_equal(count_of(c, " rg\n"), 1);
    assert_int_equal(count_of(c, "\nS\n"), 6);    /* every rule drawn */
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_match),
        cmocka_unit_test_setup_teardown(paths_match, open_sides, close_sides),
        cmocka_unit_test_setup_teardown(style_and_colour_match, open_sides, close_sides),
        cmocka_unit_test_setup_teardown(text_matches, open_sides, close_sides),
        cmocka_unit_test_setup_teardown(styles_only_when_they_change, open_sides, close_sides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
