/* The text guards: which code points no text may hold (bp_cp_refused), cutting a
 * shortened text between characters (bp_utf8_whole), and the writers' own gates - the
 * workbook (bp_xlsx) and the PDF (bp_pdf) driven directly with hostile strings.  Text the
 * loader refuses must make the writer fail naming where, never a broken file; text it
 * accepts, however odd (markup, formulas, a BOM, bidi overrides, line breaks, a long
 * name of two-byte characters cut by a buffer), must give a file that openpyxl loads
 * without a warning and that qpdf passes, holding the text unchanged. */
#include "bp_test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "bp_json.h"
#include "bp_pdf.h"
#include "bp_session.h"
#include "bp_text.h"
#include "bp_util.h"
#include "bp_xlsx.h"

#define EPOCH 1700000000

static bool have(const char *cmd)
{
    return system(cmd) == 0;
}

static void temp_path(char *path, size_t n, const char *suffix)
{
    char tmpl[64] = "/tmp/bp_guard_XXXXXX";
    bp_test_temp_file(tmpl);
    unlink(tmpl);
    snprintf(path, n, "%s%s", tmpl, suffix);
}

static void put(char **slot, const char *text)
{
    free(*slot);
    *slot = strdup(text);
    assert_non_null(*slot);
}

/* ---- the code points ---- */

static void refused_code_points(void **state)
{
    (void)state;
    /* C0 but TAB, LF and CR; DEL; C1; U+FFFE and U+FFFF - and nothing else */
    const uint32_t control[] = {0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x0E, 0x1B, 0x1F,
                                0x7F, 0x80, 0x85, 0x9B, 0x9F};
    for (size_t i = 0; i < sizeof control / sizeof *control; i++)
        assert_string_equal(bp_cp_refused(control[i]), "a control character");
    assert_string_equal(bp_cp_refused(0xFFFE), "a noncharacter");
    assert_string_equal(bp_cp_refused(0xFFFF), "a noncharacter");
    const uint32_t fine[] = {'\t', '\n', '\r', ' ', '~', 0xA0, 0xA3, 0xFEFF, 0x202E, 0x2028,
                             0xFFFD, 0xFFFC, 0x10000, 0x1F600, 0x10FFFF, 0xFDD0};
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
        assert_null(bp_cp_refused(fine[i]));
}

static void whole_characters(void **state)
{
    (void)state;
    /* "aé" is 61 C3 A9; "€" E2 82 AC; "😀" F0 9F 98 80 */
    assert_int_equal(bp_utf8_whole("a\xC3\xA9", 3), 3);
    assert_int_equal(bp_utf8_whole("a\xC3", 2), 1);
    assert_int_equal(bp_utf8_whole("a\xE2\x82\xAC", 4), 4);
    assert_int_equal(bp_utf8_whole("a\xE2\x82", 3), 1);
    assert_int_equal(bp_utf8_whole("a\xE2", 2), 1);
    assert_int_equal(bp_utf8_whole("\xF0\x9F\x98\x80", 4), 4);
    assert_int_equal(bp_utf8_whole("\xF0\x9F\x98", 3), 0);
    assert_int_equal(bp_utf8_whole("abc", 3), 3);
    assert_int_equal(bp_utf8_whole("", 0), 0);
    /* not a cut character, so left alone: a stray continuation byte */
    assert_int_equal(bp_utf8_whole("a\xA9", 2), 2);
}

/* ---- the workbook ---- */

static void open_session(bp_session *s)
{
    assert_int_equal(bp_session_open(s, "tests/fixtures/handworked", 0, "templates"), BP_OK);
}

/* Writes the workbook; returns its error and the first diagnostic's message in msg. */
static bp_err write_book(const bp_session *s, const char *path, char *msg, size_t size)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_err err = bp_xlsx_write(s, EPOCH, NULL, path, &d);
    snprintf(msg, size, "%s", d.count ? d.items[0].message : "");
    bp_diags_free(&d);
    return err;
}

static void workbook_refuses_what_loading_refuses(void **state)
{
    (void)state;
    static const struct {
        const char *text, *says;
    } cases[] = {
        {"Primary\x07One", "U+0007 (a control character)"},
        {"Esc \x1b[31mred", "U+001B (a control character)"},
        {"Next \xC2\x85line", "U+0085 (a control character)"},
        {"Non \xEF\xBF\xBE", "U+FFFE (a noncharacter)"},
        {"Cut \xC3", "byte 0xC3, which is not UTF-8"},
    };
    char path[80], msg[600];
    temp_path(path, sizeof path, ".xlsx");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bp_session s;
        open_session(&s);
        put(&s.model.insts[0].name, cases[i].text);
        assert_int_equal(write_book(&s, path, msg, sizeof msg), BP_ERR_RENDER);
        if (!strstr(msg, cases[i].says) || !strstr(msg, "internal error: the text for ")
            || !strstr(msg, "!"))
            fail_msg("\"%s\": %s", cases[i].text, msg);
        bp_session_close(&s);
        unlink(path);
    }
    /* a KPI's name and the trust's name take the same gate (document properties too) */
    bp_session s;
    open_session(&s);
    put(&s.kpis.kpis[0].name, "KPI \x7f");
    assert_int_equal(write_book(&s, path, msg, sizeof msg), BP_ERR_RENDER);
    assert_non_null(strstr(msg, "U+007F"));
    bp_session_close(&s);
    open_session(&s);
    put(&s.model.name, "Trust \xEF\xBF\xBF");
    assert_int_equal(write_book(&s, path, msg, sizeof msg), BP_ERR_RENDER);
    assert_non_null(strstr(msg, "U+FFFF"));
    assert_non_null(strstr(msg, "the document's"));
    bp_session_close(&s);
    unlink(path);
}

/* Text the loader accepts, however hostile: the workbook loads in openpyxl with warnings
 * as errors, and each text is some cell's value exactly (nothing altered). */
static void workbook_of_hostile_text_is_valid(void **state)
{
    (void)state;
    if (!have("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null")) skip();
    char long_name[700];
    size_t n = 0;
    for (int i = 0; i < 300; i++) n += (size_t)snprintf(long_name + n, sizeof long_name - n, "\xC3\xA9");
    const char *names[] = {
        "<b>&amp;</b> \"quoted\" 'apos' ]]>",
        "=1+1",
        "@SUM(A1)",
        "\xEF\xBB\xBF" "BOM first",
        "Right \xE2\x80\xAE" "to left \xE2\x81\xA6" "isolate",
        "Two\nlines_x000D_\nthree",
        "Replacement \xEF\xBF\xBD and \xF0\x9F\x98\x80 and \xE2\x80\xA8",
    };
    size_t nn = sizeof names / sizeof *names;
    bp_session s;
    open_session(&s);
    assert_true(s.model.ninsts >= 4);
    for (size_t i = 0; i < 3; i++) put(&s.model.insts[i].name, names[i]);
    put(&s.model.insts[3].name, names[3]);
    put(&s.model.name, long_name);                      /* cut inside titles' buffers */
    put(&s.kpis.kpis[0].name, names[4]);
    /* a CR is written as Excel's escape _x000D_ (XML would read a raw CR LF as one LF),
     * which Excel reads back as the CR and openpyxl leaves as it is: names[5] */
    put(&s.kpis.kpis[1].name, "Two\nlines\r\nthree");
    put(&s.kpis.kpis[2].name, names[6]);
    char path[80], msg[600];
    temp_path(path, sizeof path, ".xlsx");
    assert_int_equal(write_book(&s, path, msg, sizeof msg), BP_OK);
    bp_session_close(&s);

    char list[80];
    temp_path(list, sizeof list, ".txt");
    FILE *f = fopen(list, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < nn; i++) {
        /* one text a record, NUL-separated: they hold line breaks */
        fputs(names[i], f);
        fputc('\0', f);
    }
    fclose(f);
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -W error -c '"
             "import sys, warnings, openpyxl\n"
             "warnings.simplefilter(\"error\")\n"
             "wb = openpyxl.load_workbook(sys.argv[1])\n"
             "with open(sys.argv[2], \"rb\") as f: want = f.read().decode(\"utf-8\").split(\"\\0\")[:-1]\n"
             "got = set(c.value for ws in wb for row in ws.iter_rows() for c in row"
             " if isinstance(c.value, str))\n"
             "missing = [w for w in want if w not in got]\n"
             "title = wb.properties.title or \"\"\n"
             "ok = not missing and title == \"\\u00e9\" * 127\n"
             "print(\"missing:\", missing, \"title:\", len(title)) if not ok else None\n"
             "sys.exit(0 if ok else 1)' %s %s",
             path, list);
    int rc = system(cmd);
    unlink(list);
    unlink(path);
    assert_int_equal(rc, 0);
}

/* ---- the JSON ---- */

/* RFC 8259: every C0 control escaped (DEL, C1 and U+2028 are legal as they are); a byte
 * that is not UTF-8 (which nothing loaded can hold) as \ufffd, so that the file stays
 * JSON; valid multi-byte characters as they are. */
static void json_strings_stay_json(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\x01\x07\x1f" "b", "\"a\\u0001\\u0007\\u001fb\""},
        {"tab\there\nline\r", "\"tab\\there\\nline\\r\""},
        {"q\"b\\", "\"q\\\"b\\\\\""},
        {"del\x7f c1\xC2\x85 ls\xE2\x80\xA8", "\"del\x7f c1\xC2\x85 ls\xE2\x80\xA8\""},
        {"\xC3\xA9\xF0\x9F\x98\x80", "\"\xC3\xA9\xF0\x9F\x98\x80\""},
        {"cut \xC3", "\"cut \\ufffd\""},
        {"bad \xFF\xC0\xAF x", "\"bad \\ufffd\\ufffd\\ufffd x\""},
        {"sur\xED\xA0\x80", "\"sur\\ufffd\\ufffd\\ufffd\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        bp_json_string(f, cases[i].in);
        fclose(f);
        assert_string_equal(buf, cases[i].out);
        free(buf);
    }
}

/* ---- the check's text ---- */

/* Loading refuses control characters, but if one got through, the terminal must still
 * be shown it, not obey it: ESC, C1, DEL and BEL as escapes, a BOM and bidi overrides
 * (which loading accepts) as <U+....>. */
static void text_report_shows_what_a_terminal_would_obey(void **state)
{
    (void)state;
    bp_session s;
    open_session(&s);
    put(&s.model.insts[0].name, "Esc \x1b[31mred\x1b[0m");
    put(&s.model.name, "Trust \xC2\x9B" "2J \x7f \x07");
    int k = bp_kpi_find(&s.kpis, "staff_cost_pct");
    assert_true(k >= 0);
    put(&s.kpis.kpis[k].name, "\xEF\xBB\xBF" "Staff \xE2\x80\xAE" "costs");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(bp_text_report(f, &s), BP_OK);
    fclose(f);
    bp_session_close(&s);
    /* no byte a terminal acts on: below 0x20 only LF, no DEL, no C1 (C2 80-9F) */
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)buf[i];
        if ((b < 0x20 && b != '\n') || b == 0x7F
            || (b == 0xC2 && i + 1 < len && (unsigned char)buf[i + 1] <= 0x9F))
            fail_msg("byte 0x%02X at %zu", b, i);
    }
    assert_non_null(strstr(buf, "Trust <U+009B>2J \\x7f \\x07: KPI check for 2022/23"));
    assert_non_null(strstr(buf, "P1 = Esc \\x1b[31mred\\x1b[0m (Primary)"));
    assert_non_null(strstr(buf, "\n<U+FEFF>Staff <U+202E>costs "));
    assert_null(strstr(buf, "\xEF\xBB\xBF"));
    assert_null(strstr(buf, "\xE2\x80\xAE"));
    free(buf);
}

/* ---- the PDF ---- */

/* A document whose information has this title; NULL when bp_pdf_new fails (its error
 * in *err and its message in msg). */
static bp_pdf *open_pdf_or(const char *title, bp_err *err, char *msg, size_t size)
{
    bp_pdf_options o;
    memset(&o, 0, sizeof o);
    o.header_left = "Trust (with brackets) \\ backslash";
    o.header_right = "Pack";
    o.title = title;
    o.author = "Clerk";
    o.epoch = EPOCH;
    bp_diags d;
    bp_diags_init(&d);
    bp_pdf *p = NULL;
    *err = bp_pdf_new(&p, &o, &d);
    snprintf(msg, size, "%s", d.count ? d.items[0].message : "");
    bp_diags_free(&d);
    return *err == BP_OK ? p : NULL;
}

static bp_pdf *open_pdf(const char *title)
{
    bp_err err;
    char msg[600];
    bp_pdf *p = open_pdf_or(title, &err, msg, sizeof msg);
    if (!p) fail_msg("cannot start a PDF: %s", msg);
    return p;
}

/* Writes the document; its error, and the first diagnostic's message in msg. */
static bp_err write_pdf(bp_pdf *p, const char *path, char *msg, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    bp_diags d;
    bp_diags_init(&d);
    bp_err err = bp_pdf_write(p, f, &d);
    snprintf(msg, size, "%s", d.count ? d.items[0].message : "");
    bp_diags_free(&d);
    fclose(f);
    bp_pdf_free(p);
    return err;
}

static void pdf_refuses_what_loading_refuses(void **state)
{
    (void)state;
    const char *bad[] = {"Bell \x07", "Esc \x1b[2J", "C1 \xC2\x9B" "31m", "Non \xEF\xBF\xBF",
                         "Del \x7f"};
    char path[80], msg[600];
    temp_path(path, sizeof path, ".pdf");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bp_pdf *p = open_pdf("Title");
        bp_pdf_paragraph(p, BP_PDF_BODY, "Before");
        bp_pdf_paragraph(p, BP_PDF_BODY, bad[i]);
        assert_int_equal(write_pdf(p, path, msg, sizeof msg), BP_ERR_RENDER);
        if (!strstr(msg, "internal error: the text \"") || !strstr(msg, "which no page may show"))
            fail_msg("\"%s\": %s", bad[i], msg);
    }
    /* in the document information (set as the document starts) and in a heading (a
     * bookmark) too */
    bp_err err;
    assert_null(open_pdf_or("Title \x01", &err, msg, sizeof msg));
    assert_int_equal(err, BP_ERR_RENDER);
    assert_non_null(strstr(msg, "U+0001"));
    bp_pdf *p = open_pdf("Title");
    bp_pdf_heading(p, 1, "Heading \x1f", false);
    assert_int_equal(write_pdf(p, path, msg, sizeof msg), BP_ERR_RENDER);
    assert_non_null(strstr(msg, "U+001F"));
    unlink(path);
}

/* Brackets, backslashes, a TAB, line breaks, a BOM and bidi marks, in the text, a
 * heading (a bookmark) and the document information: qpdf passes the file, the TAB is a
 * space and the brackets read back. */
static void pdf_of_hostile_text_is_valid(void **state)
{
    (void)state;
    if (!have("command -v qpdf >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1"))
        skip();
    bp_pdf *p = open_pdf("Title ( unbalanced \\ ) ) \xE2\x80\xAE" "bidi");
    bp_pdf_heading(p, 1, "Heading (one) \\ two\tthree", false);
    bp_pdf_paragraph(p, BP_PDF_BODY, "Tab\there (open ( close ) back \\ slash");
    bp_pdf_paragraph(p, BP_PDF_BODY, "Line one\nline two\r\nline three\rline four");
    bp_pdf_paragraph(p, BP_PDF_BODY, "\xEF\xBB\xBF" "BOM and \xE2\x81\xA6" "isolate");
    char path[80], msg[600];
    temp_path(path, sizeof path, ".pdf");
    assert_int_equal(write_pdf(p, path, msg, sizeof msg), BP_OK);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "qpdf --check %s >/dev/null 2>&1", path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "pdftotext %s - 2>/dev/null | grep -qF 'Tab here (open ( close ) back \\ slash'", path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "pdftotext %s - 2>/dev/null | grep -qF 'Heading (one) \\ two three'", path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "pdftotext %s - 2>/dev/null | grep -qxF 'line four'", path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "pdfinfo %s 2>/dev/null | grep -qF 'Title ( unbalanced \\ ) )'", path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_code_points),
        cmocka_unit_test(whole_characters),
        cmocka_unit_test(workbook_refuses_what_loading_refuses),
        cmocka_unit_test(workbook_of_hostile_text_is_valid),
        cmocka_unit_test(json_strings_stay_json),
        cmocka_unit_test(text_report_shows_what_a_terminal_would_obey),
        cmocka_unit_test(pdf_refuses_what_loading_refuses),
        cmocka_unit_test(pdf_of_hostile_text_is_valid),
    };
    return cmocka_run_group_tests_name("text guards", tests, NULL, NULL);
}
