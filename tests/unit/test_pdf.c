/* bp_pdf: measuring, the flow model, errors, and one document that uses everything -
 * checked for identical bytes across runs and time zones, then (when poppler-utils and
 * qpdf are installed) for structure, text, page numbers, contents, bookmarks, document
 * information and that no word leaves the margins or overlaps another. */
#include "bp_test.h"

#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bp_pdf.h"

#define EPOCH 1700000000     /* 2023-11-14 22:13:20 UTC */
#define A4_W 595.276
#define A4_H 841.89
#define MARGIN 50.0

/* ---- helpers ---- */

/* Where open_pdf_in's documents find the prepared fonts (bp_pdf_options.fonts_dir);
 * NULL: beside the test binary. */
static const char *fonts_dir;

static bp_pdf *open_pdf_in(bp_pdf_fonts fonts)
{
    bp_pdf_options o;
    memset(&o, 0, sizeof o);
    o.fonts = fonts;
    o.fonts_dir = fonts_dir;
    o.header_left = "Moorside Learning Trust";
    o.header_right = "Finance and Resources Committee";
    o.footer_left = "Confidential \xE2\x80\x93 not for publication";
    o.title = "Board pack \xC2\xA3 \xC3\xA9 \xC5\xB4";                 /* £ é Ŵ */
    o.author = "Clerk to the Trust";
    o.subject = "Finance and Resources, autumn term";
    o.keywords = "finance, reserves";
    o.epoch = EPOCH;
    bp_diags d;
    bp_diags_init(&d);
    bp_pdf *p = NULL;
    assert_int_equal(bp_pdf_new(&p, &o, &d), BP_OK);
    assert_int_equal(d.count, 0);
    bp_diags_free(&d);
    return p;
}

/* The full fonts: any text. */
static bp_pdf *open_pdf(void)
{
    return open_pdf_in(BP_PDF_FONTS_FULL);
}

/* Everything left in a stream, NUL-terminated. */
static char *read_all(FILE *f, size_t *n)
{
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
    if (n) *n = len;
    return buf;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = read_all(f, n);
    fclose(f);
    return buf;
}

/* The standard output of a shell command. */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char *buf = read_all(f, NULL);
    pclose(f);
    return buf;
}

static bool have(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static void temp_path(char *path, size_t n, const char *suffix)
{
    char tmpl[64] = "/tmp/bp_pdf_XXXXXX";
    bp_test_temp_file(tmpl);
    unlink(tmpl);
    snprintf(path, n, "%s%s", tmpl, suffix);
}

/* ---- measuring and flow ---- */

static void measures_utf8_by_code_point(void **state)
{
    (void)state;
    bp_pdf *p = open_pdf();
    /* DejaVu Sans advances (units per em 2048): A 1401, W 2025, pound 1303, space 651;
     * libharu keeps them in thousandths of an em, truncated */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A"), 6.84, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xC5\xB4"), 9.88, 0.015);   /* Ŵ */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xC2\xA3"), 6.36, 0.015);   /* £ */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A \xC2\xA3"), 6.84 + 3.17 + 6.36,
                       0.03);
    /* 8 pt is 0.8 of 10 pt; 12 pt is 1.2 */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_SMALL, "A"), 6.84 * 0.8, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_LEAD, "A"), 6.84 * 1.2, 0.015);
    /* the widest line of several; bold is wider */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A\nAA\nA"), 13.68, 0.03);
    assert_true(bp_pdf_text_width(p, BP_PDF_BOLD, "A") > bp_pdf_text_width(p, BP_PDF_BODY, "A"));
    /* invalid UTF-8 is measured as U+FFFD, not as garbage or nothing */
    assert_true(bp_pdf_text_width(p, BP_PDF_BODY, "\xFF") > 1.0);
    bp_pdf_free(p);
}

/* The same widths from the WinAnsi fonts' own table as from libharu's Unicode fonts. */
static void measures_winansi_text(void **state)
{
    (void)state;
    fonts_dir = "build/fonts";
    bp_pdf *p = open_pdf_in(BP_PDF_FONTS_WINANSI);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A"), 6.84, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xC2\xA3"), 6.36, 0.015);   /* £ */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "A \xC2\xA3"), 6.84 + 3.17 + 6.36,
                       0.03);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_LEAD, "A"), 6.84 * 1.2, 0.015);
    assert_true(bp_pdf_text_width(p, BP_PDF_BOLD, "A") > bp_pdf_text_width(p, BP_PDF_BODY, "A"));
    /* en dash (1024 units), euro (1303): characters from Windows-1252's 0x80-0x9F */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xE2\x80\x93"), 5.00, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xE2\x82\xAC"), 6.36, 0.015);
    /* the trend marks, drawn as shapes, as wide as DejaVu's glyphs: 769 and 873 units */
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xE2\x96\xB2"), 7.69, 0.015);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xE2\x96\xBC A"), 7.69 + 3.17 + 6.84,
                       0.03);
    assert_float_equal(bp_pdf_text_width(p, BP_PDF_BODY, "\xE2\x97\x8F"), 8.73, 0.015);
    bp_pdf_free(p);
    fonts_dir = NULL;
}

/* The cheapest fonts for the text drawn so far: WinAnsi for Windows-1252, the subset
 * fonts for the rest of BP_SUBSET_RANGES, the full fonts beyond.  Document information
 * is not set in a font and does not count. */
static void fonts_follow_the_text(void **state)
{
    (void)state;
    assert_true(bp_pdf_cp1252_in_subset());
    assert_true(bp_pdf_winansi_is_cp1252());
    bp_pdf *p = open_pdf_in(BP_PDF_FONTS_WINANSI);      /* its title has a Ŵ */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_WINANSI);
    bp_pdf_paragraph(p, BP_PDF_BODY, "\xC2\xA3" "1 \xE2\x80\x93 \xE2\x80\x98x\xE2\x80\x99 "
                     "\xE2\x80\xA6 caf\xC3\xA9 \xE2\x82\xAC \xC5\x93 \xC6\x92");
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_WINANSI);
    /* the trend marks are drawn as shapes in the WinAnsi fonts: they need no other */
    bp_pdf_paragraph(p, BP_PDF_BODY, "\xE2\x96\xB2 better \xE2\x96\xBC worse \xE2\x97\x8F same");
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_WINANSI);
    bp_pdf_paragraph(p, BP_PDF_BODY, "Ysgol \xC5\xB4");                 /* Ŵ: subset only */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_SUBSET);
    bp_pdf_paragraph(p, BP_PDF_BODY, "\xCE\x94 growth");                /* Greek Delta */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_FULL);
    bp_pdf_paragraph(p, BP_PDF_BODY, "plain");                          /* never cheaper again */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_FULL);
    bp_pdf_free(p);

    /* text in a table cell or a heading counts too */
    p = open_pdf_in(BP_PDF_FONTS_WINANSI);
    bp_pdf_heading(p, 1, "\xE2\x9C\x93 Done", false);                    /* ✓ */
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_SUBSET);
    bp_pdf_free(p);
}

/* The set-up's subset fonts end with a non-empty 'prep' table: libharu 2.3.0 cannot
 * embed a font whose last table is empty when the rebuilt font is a whole number of its
 * 4 KiB blocks long (scripts/subset-font.py). */
static void subset_fonts_keep_a_prep_table(void **state)
{
    (void)state;
    char reg[512], bold[512], wreg[512], wbold[512];
    bool found = bp_pdf_subset_fonts("build/fonts", reg, sizeof reg, bold, sizeof bold)
                 && bp_pdf_winansi_fonts("build/fonts", wreg, sizeof wreg, wbold, sizeof wbold);
    if (!found) skip();
    const char *paths[4] = {reg, bold, wreg, wbold};
    for (int f = 0; f < 4; f++) {
        size_t n;
        unsigned char *b = (unsigned char *)slurp(paths[f], &n);
        assert_true(n > 12);
        unsigned tables = (unsigned)b[4] << 8 | b[5];
        assert_true(12 + 16 * (size_t)tables <= n);
        uint32_t prep_len = 0;
        bool has_prep = false;
        for (unsigned i = 0; i < tables; i++) {
            const unsigned char *e = b + 12 + 16 * i;
            if (memcmp(e, "prep", 4) == 0) {
                has_prep = true;
                prep_len = (uint32_t)e[12] << 24 | (uint32_t)e[13] << 16 | (uint32_t)e[14] << 8 | e[15];
            }
        }
        assert_true(has_prep);
        assert_true(prep_len > 0);
        free(b);
    }
}

static void widths_and_room_follow_the_page(void **state)
{
    (void)state;
    bp_pdf *p = open_pdf();
    /* A4 less two side margins of 50 pt */
    assert_float_equal(bp_pdf_width(p), A4_W - 2 * MARGIN, 0.01);
    bp_pdf_page(p, true);
    assert_float_equal(bp_pdf_width(p), A4_H - 2 * MARGIN, 0.01);
    float full = bp_pdf_room(p);
    assert_true(full > 450.0f && full < A4_W - 2 * 40.0);
    bp_pdf_paragraph(p, BP_PDF_BODY, "One line.");
    float after = bp_pdf_room(p);
    assert_true(after < full - 10.0f);
    /* space is dropped when it would not fit, and `need` opens a fresh page */
    bp_pdf_need(p, after + 1.0f);
    assert_float_equal(bp_pdf_room(p), full, 0.01);
    bp_pdf_page(p, false);
    assert_float_equal(bp_pdf_width(p), A4_W - 2 * MARGIN, 0.01);
    assert_true(bp_pdf_room(p) > full);
    bp_pdf_free(p);
}

static void reports_failures(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    bp_pdf_options o;
    memset(&o, 0, sizeof o);
    o.font_regular = "/nonexistent/Regular.ttf";
    o.font_bold = "/nonexistent/Bold.ttf";
    bp_pdf *p = NULL;
    assert_int_equal(bp_pdf_new(&p, &o, &d), BP_ERR_IO);
    assert_null(p);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].message, "/nonexistent/Regular.ttf"));
    bp_diags_free(&d);

    /* a file that is not a TrueType font: libharu's error becomes a render error */
    char junk[80];
    temp_path(junk, sizeof junk, ".ttf");
    FILE *jf = fopen(junk, "wb");
    assert_non_null(jf);
    fputs("this is not a font\n", jf);
    fclose(jf);
    bp_diags_init(&d);
    memset(&o, 0, sizeof o);
    o.font_regular = junk;
    o.font_bold = junk;
    assert_int_equal(bp_pdf_new(&p, &o, &d), BP_ERR_RENDER);
    assert_null(p);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].message, junk));
    bp_diags_free(&d);
    unlink(junk);

    /* a creation time past 9999-12-31 cannot be written as a PDF date */
    bp_diags_init(&d);
    memset(&o, 0, sizeof o);
    o.epoch = 253402300800LL;
    assert_int_equal(bp_pdf_new(&p, &o, &d), BP_ERR_RENDER);
    assert_null(p);
    assert_int_equal(d.errors, 1);
    bp_diags_free(&d);

    /* a full disk is an I/O error */
    FILE *full = fopen("/dev/full", "wb");
    if (!full) skip();
    p = open_pdf();
    bp_pdf_paragraph(p, BP_PDF_BODY, "Text");
    bp_diags_init(&d);
    assert_int_equal(bp_pdf_write(p, full, &d), BP_ERR_IO);
    assert_int_equal(d.errors, 1);
    fclose(full);
    bp_diags_free(&d);
    bp_pdf_free(p);
}

/* ---- the full document ---- */

static const char *const SCHOOLS[] = {
    "Moorside High School", "Ysgol Gymraeg Caerdydd \xC5\xB4",
    "St Aidan's C of E Primary Academy", "Castle Vale Sixth Form College",
};

/* 300 characters without a space, with two-byte é among them: it must be broken between
 * characters, never inside one. */
static void long_word(char *buf)
{
    size_t o = 0;
    for (int i = 0; i < 300; i++) {
        if (i % 7 == 3) {
            buf[o++] = '\xC3';
            buf[o++] = '\xA9';
        } else {
            buf[o++] = (char)('a' + i % 26);
        }
    }
    buf[o] = '\0';
}

static void cover_and_summary(bp_pdf *p)
{
    static const bp_pdf_field fields[] = {
        {"Meeting date", "Tuesday 21 November 2023"},
        {"Paper reference", "FRC/2023-24/07"},
        {"Classification", "Confidential"},
        {"Author", "Chief Finance Officer, on behalf of the Chief Executive Officer and the "
                   "trust's executive leadership team"},
        {"As at", "31 October 2023"},
        {"Not shown", NULL},
    };
    bp_pdf_cover(p, "Moorside Learning Trust", "Finance & Resources Committee",
                 "Board pack for the autumn term 2023/24", fields, 6);
    bp_pdf_contents(p);
    bp_pdf_heading(p, 1, "1. Summary", true);
    bp_pdf_paragraph(p, BP_PDF_LEAD, "This paper reports the trust's financial position at "
                     "the end of October against the budget approved in July.");
    for (int i = 0; i < 6; i++)
        bp_pdf_paragraph(p, BP_PDF_BODY, "Income is ahead of budget because of the teachers' "
                         "pay grant, while staff costs rose with the September pay award. The "
                         "consolidated reserves remain above the policy minimum of \xC2\xA3"
                         "1,234,567 and every academy holds cash for more than thirty days.");
    bp_pdf_status_paragraph(p, BP_PDF_TINT_RED, "Staff costs at Moorside High School are 82.4% "
                            "of income against a ceiling of 80%; the recovery plan is in "
                            "section 2 and the committee is asked to note the risk to the "
                            "in-year surplus.");
    bp_pdf_status_paragraph(p, BP_PDF_TINT_AMBER, "Attendance at Castle Vale is 93.1%, inside "
                            "the amber band.");
    bp_pdf_status_paragraph(p, BP_PDF_TINT_GREEN, "Liquidity is on target everywhere.");
    char word[700];
    long_word(word);
    bp_pdf_paragraph(p, BP_PDF_BODY, word);
    bp_pdf_heading(p, 2, "1.1 Ysgol Gymraeg Caerdydd \xC5\xB4", false);
    bp_pdf_paragraph_indent(p, BP_PDF_SMALL, 20.0f, "Source: management accounts, October.");
    bp_pdf_heading(p, 3, "Notes", false);
    bp_pdf_paragraph(p, BP_PDF_BODY, "Figures are unaudited.");
}

static void finance_table(bp_pdf *p)
{
    static const bp_pdf_col cols[] = {
        {"Institution", 2.0f, BP_PDF_LEFT}, {"Phase", 1.0f, BP_PDF_CENTRE},
        {"Income", 1.2f, BP_PDF_RIGHT}, {"Staff costs as a share of income", 1.1f, BP_PDF_RIGHT},
        {"Commentary", 3.0f, BP_PDF_LEFT},
    };
    static const char *const phases[] = {"Secondary", "Primary", "Sixth form"};
    static const bp_pdf_tint st[] = {BP_PDF_TINT_GREEN, BP_PDF_TINT_AMBER, BP_PDF_TINT_RED, BP_PDF_TINT_NONE};
    bp_pdf_heading(p, 1, "2. Finance", true);
    bp_pdf_table *t = bp_pdf_table_begin(p, cols, 5, BP_PDF_SMALL);
    assert_non_null(t);
    for (int i = 0; i < 150; i++) {
        char income[32], pct[32], comment[256];
        if (i == 0) snprintf(income, sizeof income, "\xC2\xA3" "1,234,567");
        else snprintf(income, sizeof income, "\xC2\xA3%d,%03d,%03d", 1 + i % 9, (i * 37) % 1000,
                      (i * 91) % 1000);
        snprintf(pct, sizeof pct, "%d.%d%% %s", 70 + i % 15, i % 10,
                 st[i % 4] == BP_PDF_TINT_RED ? "R!" : st[i % 4] == BP_PDF_TINT_AMBER ? "A!" : "ok");
        snprintf(comment, sizeof comment, "Row %d: %s", i + 1,
                 i % 5 == 0 ? "Long commentary from the academy's business manager explaining "
                              "the variance against budget in full sentences so that it wraps "
                              "over several lines of the cell." : "As expected.");
        bp_pdf_cell row[5] = {
            {SCHOOLS[i % 4], BP_PDF_TINT_NONE, false, false}, {phases[i % 3], BP_PDF_TINT_NONE, false, false},
            {income, BP_PDF_TINT_NONE, false, false}, {pct, st[i % 4], false, false},
            {comment, BP_PDF_TINT_NONE, false, false},
        };
        bp_pdf_table_row(t, row);
    }
    bp_pdf_cell total[5] = {{"Trust", 0, false, false}, {"", 0, false, false},
                            {"\xC2\xA3" "98,765,432", 0, false, false}, {"79.9% ok", 0, false, false},
                            {NULL, 0, false, false}};
    bp_pdf_table_total(t, total);
    bp_pdf_table_end(t);
    bp_pdf_heading(p, 2, "2.1 Reserves", false);
    bp_pdf_paragraph(p, BP_PDF_BODY, "Reserves are set out by academy in the table above.");
}

static void charts(bp_pdf *p)
{
    bp_pdf_page(p, true);
    bp_pdf_heading(p, 1, "3. Charts", false);
    bp_pdf_bar bars[] = {
        {"MHS", 0.021, true, BP_PDF_TINT_GREEN},
        {"YGC", -0.034, true, BP_PDF_TINT_RED},
        {"St Aidan's C of E Primary Academy", 0.004, true, BP_PDF_TINT_AMBER},
        {"CVC", 0.0, false, BP_PDF_TINT_NONE},
        {"Primary phase", 0.012, true, BP_PDF_TINT_GREEN},
        {"Secondary phase", -0.008, true, BP_PDF_TINT_RED},
        {"Sixth form", 0.0, false, BP_PDF_TINT_NONE},
        {"Trust", 0.009, true, BP_PDF_TINT_NONE},
    };
    bp_pdf_band band = {true, 0.005, 0.02, true, true};
    bp_pdf_bar_chart(p, "In-year surplus as a share of income", BP_PDF_UNIT_PERCENT, bars, 8, &band,
                     230.0f);
    bp_pdf_bar money[] = {
        {"MHS", 1234567.0, true, BP_PDF_TINT_GREEN}, {"YGC", -250000.0, true, BP_PDF_TINT_RED},
        {"SAP", 900.0, true, BP_PDF_TINT_AMBER}, {"Trust", 3100000.0, true, BP_PDF_TINT_GREEN},
    };
    bp_pdf_band min_only = {true, 500000.0, 0.0, true, false};
    bp_pdf_bar_chart(p, "Revenue reserves", BP_PDF_UNIT_MONEY, money, 4, &min_only, 200.0f);

    static const char *const years[] = {"2020/21", "2021/22", "2022/23", "2023/24", "2024/25",
                                        "2025/26"};
    static const double income[] = {21.1e6, 22.4e6, 23.0e6, 24.2e6, 24.9e6, 25.3e6};
    static const double spend[] = {20.8e6, 22.9e6, 23.4e6, 24.0e6, 25.1e6, 25.0e6};
    static const double reserves[] = {3.1e6, 2.6e6, 0.0, 2.4e6, 2.2e6, 2.5e6};
    static const bool all[] = {true, true, true, true, true, true};
    static const bool gap[] = {true, true, false, true, true, true};
    static const bool forecast[] = {false, false, false, true, true, true};
    bp_pdf_series series[] = {
        {"Income", income, all, false}, {"Expenditure", spend, all, false},
        {"Reserves (no figure for 2022/23)", reserves, gap, false},
        {"Income forecast", income, forecast, true},
    };
    bp_pdf_line_chart(p, "Income, expenditure and reserves", BP_PDF_UNIT_MONEY, years, 6, series, 4,
                      240.0f);

    /* narrow slots: labels are shortened, values shrunk or left out, never overlapping */
    bp_pdf_bar many[30];
    char names[30][48];
    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof names[i], "Academy number %d of the trust", i + 1);
        many[i] = (bp_pdf_bar){names[i], -1234.5 * i, i % 5 != 4, (bp_pdf_tint)(i % 4)};
    }
    bp_pdf_band below = {true, 0.0, -5000.0, false, true};
    bp_pdf_bar_chart(p, "Thirty academies, all at or below zero", BP_PDF_UNIT_NUMBER, many, 30,
                     &below, 200.0f);
}

/* A row taller than a page: its text continues on the next page. */
static void appendix(bp_pdf *p)
{
    bp_pdf_page(p, false);
    bp_pdf_heading(p, 1, "Appendix A. Methodology", true);
    static const bp_pdf_col cols[] = {{"KPI", 1.0f, BP_PDF_LEFT}, {"Formula", 3.0f, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(p, cols, 2, BP_PDF_BODY);
    size_t n = 0, cap = 12000;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; n + 80 < cap; i++)
        n += (size_t)snprintf(text + n, cap - n, "Sentence %d of a formula description. ", i + 1);
    bp_pdf_cell row[2] = {{"Staff costs", BP_PDF_TINT_NONE, true, false}, {text, BP_PDF_TINT_NONE, false, false}};
    bp_pdf_table_row(t, row);
    bp_pdf_cell last[2] = {{"Reserves", BP_PDF_TINT_NONE, true, false},
                           {"Revenue reserves at the year end.", BP_PDF_TINT_NONE, false, false}};
    bp_pdf_table_row(t, last);
    bp_pdf_table_end(t);
    free(text);
}

/* Writes the document to path without a diagnostic, and frees it. */
static void save(bp_pdf *p, const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_pdf_write(p, f, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(fclose(f), 0);
    bp_diags_free(&d);
    bp_pdf_free(p);
}

static void write_document(const char *path)
{
    bp_pdf *p = open_pdf();
    cover_and_summary(p);
    finance_table(p);
    charts(p);
    appendix(p);
    save(p, path);
}

/* Same calls, same epoch: same bytes, whatever the time zone or directory. */
static void output_is_reproducible(void **state)
{
    (void)state;
    char a[80], b[80], c[80], cwd[4096];
    temp_path(a, sizeof a, ".pdf");
    temp_path(b, sizeof b, ".pdf");
    temp_path(c, sizeof c, ".pdf");
    write_document(a);
    write_document(b);
    const char *tz = getenv("TZ");
    char *saved = tz ? strcpy(malloc(strlen(tz) + 1), tz) : NULL;
    assert_non_null(getcwd(cwd, sizeof cwd));
    setenv("TZ", "right/Pacific/Chatham", 1);      /* +13:45, and with leap seconds */
    tzset();
    assert_int_equal(chdir("/"), 0);
    write_document(c);
    assert_int_equal(chdir(cwd), 0);
    if (saved) setenv("TZ", saved, 1);
    else unsetenv("TZ");
    tzset();
    free(saved);

    size_t na, nb, nc;
    char *da = slurp(a, &na), *db = slurp(b, &nb), *dc = slurp(c, &nc);
    assert_true(na > 1000);
    assert_memory_equal(da, "%PDF-", 5);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, na);
    assert_int_equal(na, nc);
    assert_memory_equal(da, dc, na);
    free(da);
    free(db);
    free(dc);
    unlink(a);
    unlink(b);
    unlink(c);
}

/* ---- reading the document back with poppler and qpdf ---- */

static char *tool(const char *fmt, const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, path);
    return run(cmd);
}

static int page_count(const char *path)
{
    char *info = tool("pdfinfo %s 2>/dev/null", path);
    const char *s = strstr(info, "\nPages:");
    assert_non_null(s);
    int n = atoi(s + 7);
    free(info);
    return n;
}

static char *page_text(const char *path, int page)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -layout -f %d -l %d %s - 2>/dev/null", page, page, path);
    return run(cmd);
}

/* The page number the contents give for a title: the last number on its line. */
static int contents_number(const char *contents, const char *title)
{
    const char *s = strstr(contents, title);
    assert_non_null(s);
    const char *eol = strchr(s, '\n');
    if (!eol) eol = s + strlen(s);
    const char *q = eol;
    while (q > s && (q[-1] == ' ' || q[-1] == '\n')) q--;
    while (q > s && q[-1] >= '0' && q[-1] <= '9') q--;
    return atoi(q);
}

/* The page a leaf bookmark leads to, from qpdf's JSON. */
static int bookmark_page(const char *json, const char *title)
{
    char key[256];
    snprintf(key, sizeof key, "\"title\": \"%s\"", title);
    const char *s = strstr(json, key);
    assert_non_null(s);
    const char *best = NULL;
    for (const char *q = json; (q = strstr(q, "\"destpageposfrom1\": ")) && q < s; q++) best = q;
    assert_non_null(best);
    return atoi(best + strlen("\"destpageposfrom1\": "));
}

static void text_pages_and_information(const char *path)
{
    int pages = page_count(path);
    assert_true(pages >= 8);
    char *all = tool("pdftotext -layout %s - 2>/dev/null", path);
    assert_non_null(strstr(all, "\xC2\xA3" "1,234,567"));
    assert_non_null(strstr(all, "Moorside High School"));
    assert_non_null(strstr(all, "Ysgol Gymraeg Caerdydd \xC5\xB4"));
    assert_non_null(strstr(all, "Finance & Resources"));         /* the cover title, wrapped */
    assert_null(strstr(all, "\xEF\xBF\xBD"));        /* no character was split */
    assert_null(strstr(all, "Not shown"));           /* a field without a value */
    /* every page but the cover carries "Page X of N" */
    char want[64];
    assert_null(strstr(all, "Page 1 of"));
    for (int i = 2; i <= pages; i++) {
        snprintf(want, sizeof want, "Page %d of %d", i, pages);
        assert_non_null(strstr(all, want));
    }
    free(all);

    char *info = tool("pdfinfo -isodates %s 2>/dev/null", path);
    assert_non_null(strstr(info, "Title:           Board pack \xC2\xA3 \xC3\xA9 \xC5\xB4\n"));
    assert_non_null(strstr(info, "Author:          Clerk to the Trust\n"));
    assert_non_null(strstr(info, "Creator:         boardpack\n"));
    assert_non_null(strstr(info, "CreationDate:    2023-11-14T22:13:20Z\n"));
    assert_non_null(strstr(info, "ModDate:         2023-11-14T22:13:20Z\n"));
    free(info);
}

/* The contents is page 2 (after the cover); its numbers, the bookmarks and the pages
 * where the headings really are agree. */
static void contents_and_bookmarks(const char *path)
{
    char *contents = page_text(path, 2);
    assert_non_null(strstr(contents, "Contents"));
    /* the first section follows the cover and the single contents page */
    assert_int_equal(contents_number(contents, "1. Summary"), 3);
    static const char *const titles[] = {"1.1 Ysgol Gymraeg Caerdydd \xC5\xB4", "2. Finance",
                                         "2.1 Reserves", "3. Charts", "Appendix A. Methodology"};
    char *json = tool("qpdf --json --json-key=outlines %s 2>/dev/null", path);
    int last = 3;
    for (size_t i = 0; i < 5; i++) {
        int page = contents_number(contents, titles[i]);
        assert_true(page >= last);
        last = page;
        char *there = page_text(path, page);
        assert_non_null(strstr(there, titles[i]));
        free(there);
        if (i != 1)   /* "2. Finance" has a child, whose entry comes first in the JSON */
            assert_int_equal(bookmark_page(json, titles[i]), page);
    }
    /* one link per contents entry */
    char *qdf = tool("qpdf --qdf --object-streams=disable %s - 2>/dev/null", path);
    size_t links = 0;
    for (const char *q = qdf; (q = strstr(q, "/Subtype /Link")); q++) links++;
    assert_int_equal(links, 6);
    free(qdf);
    /* level 2 nests under level 1: a parent's kids are written before its title */
    const char *child = strstr(json, "\"title\": \"1.1 Ysgol");
    const char *parent = strstr(json, "\"title\": \"1. Summary\"");
    const char *next = strstr(json, "\"title\": \"2. Finance\"");
    assert_non_null(child);
    assert_non_null(parent);
    assert_non_null(next);
    assert_true(child < parent && parent < next);
    free(json);
    free(contents);
}

/* A word as pdftotext -bbox-layout places it (y down from the top of the page). */
typedef struct {
    int page;              /* from 1 */
    double x0, y0, x1, y1;
    double page_w, page_h;
    char text[48];
} word;

static double attr(const char *s, const char *name, const char *end)
{
    const char *q = strstr(s, name);
    assert_true(q && q < end);
    return atof(q + strlen(name));
}

/* Every word of the document, page by page, from the XHTML of pdftotext -bbox-layout. */
static word *read_words(const char *path, size_t *count, int *pages)
{
    char html[96], cmd[512];
    temp_path(html, sizeof html, ".html");
    snprintf(cmd, sizeof cmd, "pdftotext -bbox-layout %s %s 2>/dev/null", path, html);
    assert_int_equal(system(cmd), 0);
    char *x = slurp(html, NULL);
    size_t n = 0, cap = 1024;
    word *w = malloc(cap * sizeof *w);
    assert_non_null(w);
    *pages = 0;
    for (const char *q = strstr(x, "<page "); q; (*pages)++) {
        const char *next = strstr(q + 1, "<page ");
        const char *end = next ? next : q + strlen(q);
        double pw = attr(q, "width=\"", end), ph = attr(q, "height=\"", end);
        for (const char *t = q; (t = strstr(t, "<word ")) && t < end; t++) {
            const char *close = strchr(t, '>'), *stop = strchr(close, '<');
            if (n == cap) {
                cap *= 2;
                word *grown = realloc(w, cap * sizeof *w);
                assert_non_null(grown);
                w = grown;
            }
            word *d = &w[n++];
            *d = (word){*pages + 1, attr(t, "xMin=\"", close), attr(t, "yMin=\"", close),
                        attr(t, "xMax=\"", close), attr(t, "yMax=\"", close), pw, ph, ""};
            size_t len = (size_t)(stop - close - 1);
            if (len >= sizeof d->text) len = sizeof d->text - 1;
            memcpy(d->text, close + 1, len);
        }
        q = next;
    }
    free(x);
    unlink(html);
    *count = n;
    return w;
}

/* Every word inside the side margins and the page, and no two words overlapping. */
static void words_stay_in_place(const word *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const word *a = &w[i];
        assert_true((fabs(a->page_w - A4_W) < 0.01 && fabs(a->page_h - A4_H) < 0.01) ||
                    (fabs(a->page_w - A4_H) < 0.01 && fabs(a->page_h - A4_W) < 0.01));
        if (a->x0 < MARGIN - 0.5 || a->x1 > a->page_w - MARGIN + 0.5 || a->y0 < 20.0 ||
            a->y1 > a->page_h - 20.0)
            fprintf(stderr, "outside the margins on page %d: %s\n", a->page, a->text);
        assert_true(a->x0 >= MARGIN - 0.5 && a->x1 <= a->page_w - MARGIN + 0.5);
        assert_true(a->y0 >= 20.0 && a->y1 <= a->page_h - 20.0);
        for (size_t j = i + 1; j < n && w[j].page == a->page; j++) {
            double ox = fmin(a->x1, w[j].x1) - fmax(a->x0, w[j].x0);
            double oy = fmin(a->y1, w[j].y1) - fmax(a->y0, w[j].y0);
            if (ox > 0.5 && oy > 0.5)
                fprintf(stderr, "overlap on page %d: %s / %s\n", a->page, a->text, w[j].text);
            assert_false(ox > 0.5 && oy > 0.5);
        }
    }
}

static int by_height(const void *a, const void *b)
{
    double ya = ((const word *)a)->y0, yb = ((const word *)b)->y0;
    return ya < yb ? -1 : ya > yb;
}

/* The y-axis labels on the page of the word `on_page`: the words at the left of the plot
 * that `is_tick` accepts, from the top down. */
static void axis_labels(const word *w, size_t n, const char *on_page,
                        bool (*is_tick)(const char *), const char *const *want, size_t nwant)
{
    size_t i = 0;
    while (i < n && strcmp(w[i].text, on_page) != 0) i++;
    assert_true(i < n);
    word found[16] = {{0}};
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        if (w[j].page == w[i].page && w[j].x0 < MARGIN + 40.0 && is_tick(w[j].text)) {
            assert_true(k < 16);
            found[k++] = w[j];
        }
    qsort(found, k, sizeof *found, by_height);
    assert_int_equal(k, nwant);
    for (size_t j = 0; j < k; j++) assert_string_equal(found[j].text, want[j]);
}

static bool ends_in_percent(const char *s)
{
    return *s && s[strlen(s) - 1] == '%';
}

static bool is_money(const char *s)
{
    return strncmp(s, "\xC2\xA3", 2) == 0 || strncmp(s, "-\xC2\xA3", 3) == 0;
}

static bool has_word(const word *w, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].text, text) == 0) return true;
    return false;
}

/* Ticks at a nice step covering the data, zero and the band, worked out by hand:
 * surplus -3.4%..2.1% (band to 2%): step 2% gives -4%..4%; reserves -£250k..£3.1m:
 * steps of £0.5m need 8 intervals, £1m needs 5: -£1m..£4m. */
static void chart_labels(const word *w, size_t n)
{
    static const char *const pct[] = {"4%", "2%", "0%", "-2%", "-4%"};
    axis_labels(w, n, "In-year", ends_in_percent, pct, 5);
    static const char *const money[] = {"\xC2\xA3" "4m", "\xC2\xA3" "3m", "\xC2\xA3" "2m",
                                        "\xC2\xA3" "1m", "\xC2\xA3" "0", "-\xC2\xA3" "1m"};
    axis_labels(w, n, "Revenue", is_money, money, 6);
    /* values: one decimal of a percentage, money to three figures */
    static const char *const values[] = {"2.1%", "-3.4%", "0.4%", "1.2%", "-0.8%", "0.9%",
                                         "\xC2\xA3" "1.23m", "-\xC2\xA3" "250k",
                                         "\xC2\xA3" "900", "\xC2\xA3" "3.1m"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) assert_true(has_word(w, n, values[i]));
}

static void document_reads_back(void **state)
{
    (void)state;
    if (!have("qpdf") || !have("pdftotext") || !have("pdfinfo")) skip();
    char path[80];
    temp_path(path, sizeof path, ".pdf");
    write_document(path);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "qpdf --check %s >/dev/null 2>&1", path);
    assert_int_equal(system(cmd), 0);
    text_pages_and_information(path);
    contents_and_bookmarks(path);
    size_t n;
    int pages;
    word *w = read_words(path, &n, &pages);
    assert_int_equal(pages, page_count(path));
    assert_true(n > 1000);
    words_stay_in_place(w, n);
    chart_labels(w, n);
    free(w);
    unlink(path);
}

/* A document in the WinAnsi fonts: every Windows-1252 character it was given reads back
 * as itself, the fonts are embedded, a tick cell draws no text. */
static void winansi_document_reads_back(void **state)
{
    (void)state;
    if (!have("qpdf") || !have("pdftotext") || !have("pdffonts")) skip();
    fonts_dir = "build/fonts";
    bp_pdf *p = open_pdf_in(BP_PDF_FONTS_WINANSI);
    fonts_dir = NULL;
    bp_pdf_heading(p, 1, "Caf\xC3\xA9 \xE2\x80\x93 \xE2\x80\x98Plans\xE2\x80\x99", false);
    bp_pdf_paragraph(p, BP_PDF_BODY, "Reserves of \xC2\xA3" "1,234,567 and \xE2\x82\xAC" "89 "
                     "\xE2\x80\x94 \xE2\x80\x9C" "enough\xE2\x80\x9D \xE2\x80\xA6 na\xC3\xAFve "
                     "\xC5\x92uvre \xE2\x80\xA2 5\xC2\xB0 \xC2\xBD");
    bp_pdf_col cols[3] = {{"Priority", 3, BP_PDF_LEFT}, {"Ambition", 1, BP_PDF_CENTRE},
                          {"Other", 1, BP_PDF_CENTRE}};
    bp_pdf_table *t = bp_pdf_table_begin(p, cols, 3, BP_PDF_SMALL);
    bp_pdf_cell row[3] = {{"Reading at KS2", BP_PDF_TINT_NONE, false, false},
                          {"NOT SHOWN", BP_PDF_TINT_NONE, false, true},
                          {"", BP_PDF_TINT_NONE, false, false}};
    bp_pdf_table_row(t, row);
    bp_pdf_table_end(t);
    assert_int_equal(bp_pdf_fonts_needed(p), BP_PDF_FONTS_WINANSI);
    char path[80];
    temp_path(path, sizeof path, ".pdf");
    save(p, path);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "qpdf --check %s >/dev/null 2>&1", path);
    assert_int_equal(system(cmd), 0);
    char *all = tool("pdftotext %s - 2>/dev/null", path);
    assert_non_null(strstr(all, "Caf\xC3\xA9 \xE2\x80\x93 \xE2\x80\x98Plans\xE2\x80\x99"));
    assert_non_null(strstr(all, "Reserves of \xC2\xA3" "1,234,567 and \xE2\x82\xAC" "89 "
                                "\xE2\x80\x94 \xE2\x80\x9C" "enough\xE2\x80\x9D \xE2\x80\xA6 "
                                "na\xC3\xAFve \xC5\x92uvre \xE2\x80\xA2 5\xC2\xB0 \xC2\xBD"));
    assert_non_null(strstr(all, "Reading at KS2"));
    assert_null(strstr(all, "NOT SHOWN"));
    free(all);
    /* the title's non-ASCII characters set up the UTF-8 encoder for it on demand */
    char *info = tool("pdfinfo %s 2>/dev/null", path);
    assert_non_null(strstr(info, "Title:           Board pack \xC2\xA3 \xC3\xA9 \xC5\xB4\n"));
    assert_non_null(strstr(info, "Author:          Clerk to the Trust\n"));
    free(info);
    /* both fonts embedded TrueType, as simple fonts: no Type 0 (CID) font */
    char *fonts = tool("pdffonts %s 2>/dev/null", path);
    assert_non_null(strstr(fonts, "DejaVuSans,Book"));
    assert_non_null(strstr(fonts, "DejaVuSans-Bold,Bold"));
    assert_null(strstr(fonts, "CID"));
    size_t truetype = 0, embedded = 0;
    for (const char *q = fonts; (q = strstr(q, "TrueType ")); q++) truetype++;
    /* emb, sub, uni: each has a ToUnicode map (a tagged PDF's text reads back) */
    for (const char *q = fonts; (q = strstr(q, " yes yes yes ")); q++) embedded++;
    assert_int_equal(truetype, 2);
    assert_int_equal(embedded, 2);
    free(fonts);
    unlink(path);
}

/* The largest embedded font program of a PDF, in bytes (its /Length1). */
static long font_program_bytes(const char *path)
{
    char *out = tool("qpdf --qdf --object-streams=disable %s - 2>/dev/null | grep -a -o "
                     "'/Length1 [0-9]*'", path);
    long most = 0;
    for (const char *q = out; (q = strstr(q, "/Length1 ")); q++) {
        long n = atol(q + 9);
        if (n > most) most = n;
    }
    free(out);
    return most;
}

/* A WinAnsi document embeds the glyphs it draws, not the 224 it could: measuring marks
 * no glyph (libharu embeds every glyph it is asked the width of). */
static void winansi_embeds_the_glyphs_drawn(void **state)
{
    (void)state;
    if (!have("qpdf")) skip();
    fonts_dir = "build/fonts";
    long bytes[2];
    for (int k = 0; k < 2; k++) {
        bp_pdf *p = open_pdf_in(BP_PDF_FONTS_WINANSI);
        char all[400];
        size_t n = 0;
        for (unsigned c = 0xA1; c <= 0xFF; c++) {     /* Latin-1 letters, as UTF-8 */
            all[n++] = (char)(0xC0 | (c >> 6));
            all[n++] = (char)(0x80 | (c & 0x3F));
        }
        all[n] = '\0';
        /* both measure everything (the table of contents, a wide table); only the
         * second draws it */
        assert_true(bp_pdf_text_width(p, BP_PDF_BODY, all) > 100.0f);
        bp_pdf_paragraph(p, BP_PDF_BODY, k == 0 ? "Aa" : all);
        char path[80];
        temp_path(path, sizeof path, ".pdf");
        save(p, path);
        bytes[k] = font_program_bytes(path);
        unlink(path);
    }
    fonts_dir = NULL;
    assert_true(bytes[0] > 1000);
    assert_true(bytes[0] * 3 / 2 < bytes[1]);
}

/* A WinAnsi document is set in the WinAnsi fonts (Windows-1252's glyphs only) when they
 * are installed, and in the subset fonts when they are not: the same page, a smaller
 * font program. */
static void winansi_documents_use_the_winansi_fonts(void **state)
{
    (void)state;
    if (!have("qpdf")) skip();
    char cwd[512], dir[600], link[700], target[700];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(dir, sizeof dir, "/tmp/bp-fonts-%ld", (long)getpid());
    assert_int_equal(mkdir(dir, 0700), 0);
    static const char *const names[] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"};
    for (int i = 0; i < 2; i++) {
        snprintf(link, sizeof link, "%s/%s", dir, names[i]);
        snprintf(target, sizeof target, "%s/build/fonts/%s", cwd, names[i]);
        assert_int_equal(symlink(target, link), 0);
    }
    long bytes[2];
    const char *where[2] = {"build/fonts", dir};
    for (int k = 0; k < 2; k++) {
        fonts_dir = where[k];
        bp_pdf *p = open_pdf_in(BP_PDF_FONTS_WINANSI);
        bp_pdf_paragraph(p, BP_PDF_BODY, "Income \xC2\xA3" "1,234 \xE2\x80\x93 caf\xC3\xA9");
        char path[80];
        temp_path(path, sizeof path, ".pdf");
        save(p, path);
        bytes[k] = font_program_bytes(path);
        char *text = tool("pdftotext %s - 2>/dev/null", path);
        assert_non_null(strstr(text, "Income \xC2\xA3" "1,234 \xE2\x80\x93 caf\xC3\xA9"));
        free(text);
        unlink(path);
    }
    fonts_dir = NULL;
    for (int i = 0; i < 2; i++) {
        snprintf(link, sizeof link, "%s/%s", dir, names[i]);
        unlink(link);
    }
    rmdir(dir);
    /* 453 glyph slots in the subset fonts, 219 in the WinAnsi ones: loca and hmtx */
    assert_true(bytes[0] > 1000);
    assert_true(bytes[0] + 1000 < bytes[1]);
}

/* Eighty sections need more than one contents page (an A4 page holds about fifty lines):
 * the numbers count every inserted page, and the last section is on the last page. */
static void contents_spans_pages(void **state)
{
    (void)state;
    if (!have("pdftotext") || !have("pdfinfo")) skip();
    bp_pdf *p = open_pdf();
    bp_pdf_cover(p, "Moorside Learning Trust", "Local governing bodies", NULL, NULL, 0);
    bp_pdf_contents(p);
    for (int i = 1; i <= 80; i++) {
        char title[32];
        snprintf(title, sizeof title, "Section %d", i);
        bp_pdf_heading(p, 1, title, i % 10 == 1);
        bp_pdf_paragraph(p, BP_PDF_BODY, "Text.");
    }
    char path[80];
    temp_path(path, sizeof path, ".pdf");
    save(p, path);

    int pages = page_count(path);
    char *first = page_text(path, 2);
    assert_non_null(strstr(first, "Contents"));
    int p1 = contents_number(first, "Section 1");
    assert_true(p1 >= 4);                  /* two contents pages or more */
    assert_non_null(strstr(first, "Page 2 of"));
    char *last = page_text(path, p1 - 1);  /* the last contents page */
    assert_null(strstr(last, "Contents"));
    assert_int_equal(contents_number(last, "Section 80"), pages);
    char *there = page_text(path, p1);
    assert_non_null(strstr(there, "Section 1\n"));
    char *end = page_text(path, pages);
    assert_non_null(strstr(end, "Section 80"));
    free(first);
    free(last);
    free(there);
    free(end);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(measures_utf8_by_code_point),
        cmocka_unit_test(measures_winansi_text),
        cmocka_unit_test(fonts_follow_the_text),
        cmocka_unit_test(subset_fonts_keep_a_prep_table),
        cmocka_unit_test(winansi_documents_use_the_winansi_fonts),
        cmocka_unit_test(widths_and_room_follow_the_page),
        cmocka_unit_test(reports_failures),
        cmocka_unit_test(output_is_reproducible),
        cmocka_unit_test(document_reads_back),
        cmocka_unit_test(winansi_document_reads_back),
        cmocka_unit_test(winansi_embeds_the_glyphs_drawn),
        cmocka_unit_test(contents_spans_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
