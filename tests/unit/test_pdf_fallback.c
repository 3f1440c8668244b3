/* bp_pdf, the fallback font: CJK text asks for it, it is found (the prepared font, else
 * Debian's collection), text is measured and drawn run by run in the font that has each
 * character, and only a document that needs it embeds it.  Widths are the fonts' hmtx
 * advances (units per em 2048 in both) in thousandths of an em, truncated as libharu
 * keeps them: DejaVu Sans A 1401 (684), B 1405 (686), space 651 (317); WenQuanYi Micro Hei
 * 中, 京 and 가 2048 (1000). */
#include "bp_test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "bp_pdf.h"

#define ZHONG "\xE4\xB8\xAD"      /* 中 */
#define JING "\xE4\xBA\xAC"       /* 京 */
#define GA "\xEA\xB0\x80"         /* 가 */

static bp_pdf *open_in(bp_pdf_fonts fonts, const char *dir)
{
    bp_pdf_options o;
    memset(&o, 0, sizeof o);
    o.fonts = fonts;
    o.fonts_dir = dir;
    o.title = "Fallback";
    o.epoch = 1700000000;
    bp_diags d;
    bp_diags_init(&d);
    bp_pdf *p = NULL;
    assert_int_equal(bp_pdf_new(&p, &o, &d), BP_OK);
    assert_int_equal(d.count, 0);
    bp_diags_free(&d);
    return p;
}

static bool have(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, len = 0, got;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            assert_non_null(grown);
            buf = grown;
        }
    }
    buf[len] = '\0';
    pclose(f);
    return buf;
}

/* Writes p to a temporary file (freeing p) and returns its path in path. */
static void write_to(bp_pdf *p, char *path, size_t n)
{
    char tmpl[64] = "/tmp/bp_fallback_XXXXXX";
    bp_test_temp_file(tmpl);
    snprintf(path, n, "%s", tmpl);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_pdf_write(p, f, &d), BP_OK);
    bp_diags_free(&d);
    fclose(f);
    bp_pdf_free(p);
}

static void cjk_text_needs_the_fallback(void **state)
{
    (void)state;
    bp_pdf *p = open_in(BP_PDF_FONTS_WINANSI, "build/fonts");
    bp_pdf_paragraph(p, BP_PDF_BODY, "Biddulph \xCE\x94");            /* Greek: full fonts */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_FULL);
    bp_pdf_paragraph(p, BP_PDF_BODY, "Biddulph " ZHONG);
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_FALLBACK);
    bp_pdf_paragraph(p, BP_PDF_BODY, "plain");                        /* never cheaper again */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_FALLBACK);
    bp_pdf_free(p);
    /* Hangul in a table cell too */
    p = open_in(BP_PDF_FONTS_WINANSI, "build/fonts");
    static const bp_pdf_col cols[1] = {{"School", 1.0f, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(p, cols, 1, BP_PDF_BODY);
    bp_pdf_cell cell = {GA, BP_PDF_TINT_NONE, false, false};
    bp_pdf_table_row(t, &cell);
    bp_pdf_table_end(t);
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_FALLBACK);
    bp_pdf_free(p);
}

static void finds_the_fallback_font(void **state)
{
    (void)state;
    char path[4096];
    int index = 7;
    assert_true(bp_pdf_fallback_font("build/fonts", path, sizeof path, &index));
    assert_string_equal(path, "build/fonts/fallback/WenQuanYiMicroHei.ttf");
    assert_int_equal(index, -1);
    /* a fonts folder without it: Debian's collection, its first font */
    assert_true(bp_pdf_fallback_font("/nonexistent", path, sizeof path, &index));
    assert_string_equal(path, "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
    assert_int_equal(index, 0);
}

static void measures_run_by_run(void **state)
{
    (void)state;
    bp_pdf *p = open_in(BP_PDF_FONTS_FALLBACK, "build/fonts");
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, ZHONG), 10.0, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A"), 6.84, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A " ZHONG JING),
                       6.84 + 3.17 + 10.0 + 10.0, 0.03);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A" ZHONG "B"), 6.84 + 10.0 + 6.86,
                       0.03);
    /* the fallback has no bold: bold CJK is the same font, as wide */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BOLD, GA), 10.0, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_SMALL, ZHONG), 8.0, 0.015);
    bp_pdf_free(p);
    /* the system's collection gives the same widths */
    p = open_in(BP_PDF_FONTS_FALLBACK, "/nonexistent");
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A" ZHONG "B"), 6.84 + 10.0 + 6.86,
                       0.03);
    bp_pdf_free(p);
}

/* Drawn where measured: the word's box in the PDF is as wide as the width given for it,
 * and only a document set with the fallback embeds it. */
static void draws_run_by_run_and_embeds_only_when_needed(void **state)
{
    (void)state;
    if (!have("pdffonts") || !have("pdftotext")) skip();
    char path[128], cmd[512];
    bp_pdf *p = open_in(BP_PDF_FONTS_FALLBACK, "build/fonts");
    bp_pdf_paragraph(p, BP_PDF_BODY, "A" ZHONG "B " JING GA);
    write_to(p, path, sizeof path);
    snprintf(cmd, sizeof cmd, "pdffonts %s 2>/dev/null", path);
    char *fonts = run(cmd);
    assert_non_null(strstr(fonts, "+WenQuanYiMicroHei "));
    assert_non_null(strstr(fonts, "+DejaVuSans,Book "));
    free(fonts);
    snprintf(cmd, sizeof cmd, "pdftotext -bbox %s - 2>/dev/null", path);
    char *html = run(cmd);
    /* the words at the left margin (50): A中B 23.70 wide, then after a space 京가 */
    const char *w = strstr(html, ">A" ZHONG "B</word>");
    assert_non_null(w);
    const char *open = w;
    while (open > html && strncmp(open, "<word", 5) != 0) open--;
    double x0, y0, x1, y1;
    assert_int_equal(sscanf(open, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
                            &x0, &y0, &x1, &y1), 4);
    assert_float_equal(x0, 50.0, 0.01);
    assert_float_equal(x1, 50.0 + 6.84 + 10.0 + 6.86, 0.02);
    const char *w2 = strstr(html, ">" JING GA "</word>");
    assert_non_null(w2);
    open = w2;
    while (open > html && strncmp(open, "<word", 5) != 0) open--;
    assert_int_equal(sscanf(open, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
                            &x0, &y0, &x1, &y1), 4);
    assert_float_equal(x0, 50.0 + 23.70 + 3.17, 0.02);
    assert_float_equal(x1, 50.0 + 23.70 + 3.17 + 20.0, 0.02);
    free(html);
    unlink(path);

    /* a document of the full fonts without CJK: no fallback */
    p = open_in(BP_PDF_FONTS_FULL, "build/fonts");
    bp_pdf_paragraph(p, BP_PDF_BODY, "\xCE\x94 growth");
    write_to(p, path, sizeof path);
    snprintf(cmd, sizeof cmd, "pdffonts %s 2>/dev/null", path);
    fonts = run(cmd);
    assert_non_null(strstr(fonts, "+DejaVuSans,Book "));
    assert_null(strstr(fonts, "WenQuanYi"));
    free(fonts);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cjk_text_needs_the_fallback),
        cmocka_unit_test(finds_the_fallback_font),
        cmocka_unit_test(measures_run_by_run),
        cmocka_unit_test(draws_run_by_run_and_embeds_only_when_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
