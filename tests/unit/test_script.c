/* bp_script: which font draws a code point, which scripts are right to left, and the
 * warnings for a field - their words, their lists, the cap per file - and that KPI and
 * pack files are warned of at the line of the text.  Which font has which
 * character was looked up in the fonts' cmaps with fontTools (DejaVu Sans 2.37, Debian's
 * fonts-wqy-microhei 0.2.0-beta); the blocks are the Unicode standard's. */
#include "bp_test.h"

#include "bp_kpi.h"
#include "bp_pack.h"
#include "bp_script.h"

static void main_fonts_draw_latin_and_more(void **state)
{
    (void)state;
    assert_int_equal(bp_script_font(' '), BP_GLYPH_MAIN);
    assert_int_equal(bp_script_font('A'), BP_GLYPH_MAIN);
    assert_int_equal(bp_script_font(0x00E9), BP_GLYPH_MAIN);    /* é */
    assert_int_equal(bp_script_font(0x20AC), BP_GLYPH_MAIN);    /* € */
    assert_int_equal(bp_script_font(0x2022), BP_GLYPH_MAIN);    /* •: both fonts; DejaVu first */
    assert_int_equal(bp_script_font(0x0627), BP_GLYPH_MAIN);    /* Arabic alef */
    assert_int_equal(bp_script_font(0x05D0), BP_GLYPH_MAIN);    /* Hebrew alef */
}

static void fallback_draws_cjk(void **state)
{
    (void)state;
    assert_int_equal(bp_script_font(0x4E2D), BP_GLYPH_FALLBACK);   /* 中 Han */
    assert_int_equal(bp_script_font(0x4EAC), BP_GLYPH_FALLBACK);   /* 京 */
    assert_int_equal(bp_script_font(0x3042), BP_GLYPH_FALLBACK);   /* あ Hiragana */
    assert_int_equal(bp_script_font(0x30A2), BP_GLYPH_FALLBACK);   /* ア Katakana */
    assert_int_equal(bp_script_font(0xAC00), BP_GLYPH_FALLBACK);   /* 가 Hangul */
    assert_int_equal(bp_script_font(0x3000), BP_GLYPH_FALLBACK);   /* ideographic space */
    assert_int_equal(bp_script_font(0x3001), BP_GLYPH_FALLBACK);   /* 、 */
    assert_int_equal(bp_script_font(0xFF01), BP_GLYPH_FALLBACK);   /* ！ fullwidth */
}

static void no_font_draws_these(void **state)
{
    (void)state;
    assert_int_equal(bp_script_font(0x0710), BP_GLYPH_NONE);    /* Syriac alaph */
    assert_int_equal(bp_script_font(0x0905), BP_GLYPH_NONE);    /* Devanagari a */
    assert_int_equal(bp_script_font(0x0E01), BP_GLYPH_NONE);    /* Thai ko kai */
    /* DejaVu has U+1F600, but libharu maps only the Basic Multilingual Plane */
    assert_int_equal(bp_script_font(0x1F600), BP_GLYPH_NONE);
    assert_int_equal(bp_script_font('\n'), BP_GLYPH_NONE);      /* controls are no glyphs */
    assert_int_equal(bp_script_font(0x0085), BP_GLYPH_NONE);
}

static void right_to_left_scripts(void **state)
{
    (void)state;
    assert_null(bp_script_rtl('A'));
    assert_null(bp_script_rtl(0x058F));                          /* Armenian, before Hebrew */
    assert_string_equal(bp_script_rtl(0x0590), "Hebrew");
    assert_string_equal(bp_script_rtl(0x05D0), "Hebrew");
    assert_string_equal(bp_script_rtl(0x0627), "Arabic");
    assert_string_equal(bp_script_rtl(0x0710), "Syriac");
    assert_string_equal(bp_script_rtl(0x0750), "Arabic");        /* Arabic Supplement */
    assert_string_equal(bp_script_rtl(0x0780), "Thaana");
    assert_string_equal(bp_script_rtl(0x07CA), "N'Ko");
    assert_string_equal(bp_script_rtl(0x0800), "Samaritan");
    assert_string_equal(bp_script_rtl(0x0840), "Mandaic");
    assert_string_equal(bp_script_rtl(0x08FF), "Arabic");        /* Arabic Extended-A */
    assert_null(bp_script_rtl(0x0900));                          /* Devanagari: left to right */
    assert_null(bp_script_rtl(0xFB1C));
    assert_string_equal(bp_script_rtl(0xFB1D), "Hebrew");        /* presentation forms */
    assert_string_equal(bp_script_rtl(0xFB50), "Arabic");
    assert_string_equal(bp_script_rtl(0xFDFF), "Arabic");
    assert_null(bp_script_rtl(0xFE6F));
    assert_string_equal(bp_script_rtl(0xFE70), "Arabic");
    assert_string_equal(bp_script_rtl(0xFEFE), "Arabic");
    assert_null(bp_script_rtl(0xFEFF));                          /* the byte-order mark */
    assert_string_equal(bp_script_rtl(0x10900), "Phoenician");
    assert_string_equal(bp_script_rtl(0x1E900), "Adlam");
    assert_null(bp_script_rtl(0x1F600));
}

/* The diagnostics as printed, one a line. */
static char got[4096];

static const char *printed(const bp_diags *d)
{
    got[0] = '\0';
    for (size_t i = 0; i < d->count; i++) {
        char line[512];
        bp_diag_format(&d->items[i], line, sizeof line);
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s\n", line);
    }
    return got;
}

static const char *check_one(const char *text)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_script_check(NULL, &d, "institutions.csv", 4, "name", text, strlen(text));
    assert_int_equal(d.errors, 0);
    printed(&d);
    bp_diags_free(&d);
    return got;
}

static void warns_of_a_field(void **state)
{
    (void)state;
    assert_string_equal(check_one("Moorside High School, Stoke \xC2\xA3 \xE2\x80\x93 \xC3\xA9"), "");
    /* 東京 and 한국: drawn in the fallback font, no warning */
    assert_string_equal(check_one("\xE6\x9D\xB1\xE4\xBA\xAC \xED\x95\x9C\xEA\xB5\xAD"), "");
    assert_string_equal(check_one("\xD9\x85\xD8\xAF\xD8\xB1\xD8\xB3\xD8\xA9 Moorside"),   /* مدرسة */
                        "institutions.csv:4: warning: \"name\" holds right-to-left text "
                        "(Arabic), which the PDF packs draw unshaped, left to right\n");
    /* two scripts, each named once, in their order */
    assert_string_equal(check_one("\xD7\xA9\xD7\x9C \xD8\xB3\xD9\x84 \xD7\x90"),
                        "institutions.csv:4: warning: \"name\" holds right-to-left text "
                        "(Hebrew, Arabic), which the PDF packs draw unshaped, left to right\n");
    /* U+1F600 twice: listed once */
    assert_string_equal(check_one("Sunny \xF0\x9F\x98\x80 School \xF0\x9F\x98\x80"),
                        "institutions.csv:4: warning: \"name\" holds characters no font can "
                        "draw (U+1F600): they print as the replacement mark U+FFFD\n");
    /* Devanagari: left to right, but no font */
    assert_string_equal(check_one("\xE0\xA4\x85"),
                        "institutions.csv:4: warning: \"name\" holds characters no font can "
                        "draw (U+0905): they print as empty boxes\n");
    /* Syriac alaph: both */
    assert_string_equal(check_one("\xDC\x90 \xF0\x9F\x98\x80"),
                        "institutions.csv:4: warning: \"name\" holds right-to-left text "
                        "(Syriac), which the PDF packs draw unshaped, left to right\n"
                        "institutions.csv:4: warning: \"name\" holds characters no font can "
                        "draw (U+0710, U+1F600): they print as empty boxes or the replacement "
                        "mark U+FFFD\n");
    /* Thai ko kai, kho khai, kho khuat, kho khwai: three listed */
    assert_string_equal(check_one("\xE0\xB8\x81\xE0\xB8\x82\xE0\xB8\x83\xE0\xB8\x84"),
                        "institutions.csv:4: warning: \"name\" holds characters no font can "
                        "draw (U+0E01, U+0E02, U+0E03, ...): they print as empty boxes\n");
    /* bytes that are not UTF-8 and control characters are the reader's to report */
    assert_string_equal(check_one("a\xFF\xC2\x85\tb"), "");
}

static void caps_the_warnings_of_a_file(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    bp_script_tally t = {0};
    /* 25 Arabic names on lines 2 to 26; an emoji on line 30 */
    for (int line = 2; line <= 26; line++)
        bp_script_check(&t, &d, "institutions.csv", line, "name", "\xD8\xA7", 2);
    bp_script_check(&t, &d, "institutions.csv", 30, "name", "\xF0\x9F\x98\x80", 4);
    bp_script_done(&t, &d, "institutions.csv");
    assert_int_equal(d.count, 20 + 1 + 1);
    printed(&d);
    const char *last_warned = "institutions.csv:21: warning: \"name\" holds right-to-left text "
                              "(Arabic), which the PDF packs draw unshaped, left to right\n";
    const char *at = strstr(got, last_warned);
    assert_non_null(at);
    assert_string_equal(at + strlen(last_warned),
                        "institutions.csv:30: warning: \"name\" holds characters no font can "
                        "draw (U+1F600): they print as the replacement mark U+FFFD\n"
                        "institutions.csv:22: warning: 5 more fields, on lines 22 to 26, hold "
                        "right-to-left text, which the PDF packs draw unshaped, left to right\n");
    assert_null(strstr(got, "institutions.csv:22: warning: \"name\""));
    bp_diags_free(&d);
}

/* The settings reader warns of a KPI file's text at its line; ids keep their own rules. */
static void kpi_files_are_checked_at_their_lines(void **state)
{
    (void)state;
    static const char text[] =
        "kpi pupils\n"
        "  name: \xD9\x86\xD8\xB3\xD8\xA8\xD8\xA9 pupils\n"              /* line 2: Arabic */
        "  unit: number\n"
        "  expr: students.fte\n"
        "  description: \xE7\x94\x9F\xE5\xBE\x92 \xE0\xB8\x81\n"         /* line 5: 生徒, Thai */
        "  target: min 1\n";
    bp_kpiset s;
    bp_kpiset_init(&s);
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_kpi_parse("kpis.kpi", text, sizeof text - 1, &s, &d), BP_OK);
    assert_string_equal(printed(&d),
                        "kpis.kpi:2: warning: \"name\" holds right-to-left text (Arabic), "
                        "which the PDF packs draw unshaped, left to right\n"
                        "kpis.kpi:5: warning: \"description\" holds characters no font can "
                        "draw (U+0E01): they print as empty boxes\n");
    bp_diags_free(&d);
    bp_kpiset_free(&s);
}

/* ... and a pack file's titles. */
static void pack_files_are_checked_at_their_lines(void **state)
{
    (void)state;
    static const char text[] =
        "# \xD7\xA9 a comment is never drawn\n"
        "pack board\n"
        "  title: Board \xF0\x9F\x98\x80\n"                            /* line 3: emoji */
        "  audience: Trustees\n"
        "  section: summary\n"
        "    title: \xD7\xA1\xD7\x99\xD7\x9B\xD7\x95\xD7\x9D\n";  /* line 6: סיכום */
    bp_packset s;
    bp_packset_init(&s);
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_pack_parse("templates/packs/board.pack", text, sizeof text - 1, &s, &d),
                     BP_OK);
    assert_string_equal(printed(&d),
                        "templates/packs/board.pack:3: warning: \"title\" holds characters no "
                        "font can draw (U+1F600): they print as the replacement mark U+FFFD\n"
                        "templates/packs/board.pack:6: warning: \"title\" holds right-to-left "
                        "text (Hebrew), which the PDF packs draw unshaped, left to right\n");
    bp_diags_free(&d);
    bp_packset_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(main_fonts_draw_latin_and_more),
        cmocka_unit_test(fallback_draws_cjk),
        cmocka_unit_test(no_font_draws_these),
        cmocka_unit_test(right_to_left_scripts),
        cmocka_unit_test(warns_of_a_field),
        cmocka_unit_test(caps_the_warnings_of_a_file),
        cmocka_unit_test(kpi_files_are_checked_at_their_lines),
        cmocka_unit_test(pack_files_are_checked_at_their_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
