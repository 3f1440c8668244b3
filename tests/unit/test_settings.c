/* bp_settings: the one reader of settings files - byte-order mark, CRLF, comments, blank
 * lines, headers and ids, entries and their columns, bad UTF-8 at its column, NUL bytes,
 * the line and file caps, and the kind's own words in every message.  The kinds here are
 * the test's own, so that each parameter is seen to be one; every expected position is
 * counted by hand in bytes. */
#include "bp_test.h"

#include <stdlib.h>
#include <unistd.h>
#include "bp_settings.h"

static const char *const two_words[] = {"kpi", "grade", NULL};
static const char *const one_word[] = {"pack", NULL};
static const char *const three_words[] = {"map", "rule", "skip", NULL};
static const char *const defaults_only[] = {"defaults", NULL};

/* as KPI files: two header words, a preamble key, no line cap */
static const bp_settings_kind KPI = {
    .headers = two_words, .id_noun = "KPI", .id_chars = "_", .id_max = 64,
    .preamble = defaults_only, .max_bytes = 4096, .max_line = 0, .err = BP_ERR_KPI};
/* as pack templates: '-' in ids, a short id, a 20-byte line cap */
static const bp_settings_kind PACK = {
    .headers = one_word, .id_noun = "pack", .id_chars = "_-", .id_max = 8,
    .preamble = NULL, .max_bytes = 4096, .max_line = 20, .err = BP_ERR_PACK};
/* three header words, for the lists in the messages */
static const bp_settings_kind THREE = {
    .headers = three_words, .id_noun = "mapping", .id_chars = "_.-", .id_max = 16,
    .preamble = NULL, .max_bytes = 4096, .max_line = 0, .err = BP_ERR_DATA};

/* Everything the reader gives for text, one line each: headers as "L:C word id@C" (with
 * " bad" for a wrong id, reported as the formats do), entries as "L:C key=value@C" (" pre"
 * before the first block), then each diagnostic as printed.  Also checks that key and
 * value are NUL-terminated at their lengths. */
static char got[8192];

static const char *read_all(const bp_settings_kind *kind, const char *text, size_t len,
                            bp_settings *out_state)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_settings r;
    bp_settings_open(&r, kind, "f.x", text, len, &d);
    bp_setting e;
    size_t used = 0;
    got[0] = 0;
    while (bp_settings_next(&r, &e)) {
        assert_int_equal(strlen(e.key), e.klen);
        assert_int_equal(strlen(e.value), e.vlen);
        assert_ptr_equal(e.key, e.text + e.kcol - 1);
        assert_ptr_equal(e.value, e.text + e.vcol - 1);
        if (e.header) {
            assert_string_equal(e.key, kind->headers[e.word]);
            if (!e.id_ok) bp_settings_bad_id(&r, &e);
            used += (size_t)snprintf(got + used, sizeof got - used, "%d:%d %s %s@%d%s\n", e.line,
                                     e.kcol, e.key, e.value, e.vcol, e.id_ok ? "" : " bad");
        } else {
            used += (size_t)snprintf(got + used, sizeof got - used, "%d:%d %s=%s@%d%s\n", e.line,
                                     e.kcol, e.key, e.value, e.vcol, e.in_block ? "" : " pre");
        }
    }
    assert_int_equal(r.errors, d.errors);
    for (size_t i = 0; i < d.count; i++) {
        char buf[600];
        bp_diag_format(&d.items[i], buf, sizeof buf);
        used += (size_t)snprintf(got + used, sizeof got - used, "%s\n", buf);
    }
    if (out_state) *out_state = r;
    bp_settings_close(&r);
    bp_diags_free(&d);
    return got;
}

#define READ(kind, lit) read_all(&(kind), (lit), sizeof(lit) - 1, NULL)

static void headers_entries_and_columns(void **state)
{
    (void)state;
    assert_string_equal(READ(KPI, "defaults: replace\n"
                                  "kpi a_1\n"
                                  "  name:  Staff costs  \n"
                                  "\tunit :percent\n"
                                  "    grade   g\n"
                                  "  : odd\n"
                                  "  kpi: as a key\n"
                                  "  expr: a: b\n"),
                        "1:1 defaults=replace@11 pre\n"
                        "2:1 kpi a_1@5\n"
                        "3:3 name=Staff costs@10\n"
                        "4:2 unit=percent@8\n"
                        "5:5 grade g@13\n"
                        "6:3 =odd@5\n"
                        "7:3 kpi=as a key@8\n"
                        "8:3 expr=a: b@9\n");
}

/* A BOM is skipped (columns count from after it); CRLF is one line ending; blank lines
 * and comments say nothing but are counted. */
static void bom_crlf_blank_lines_and_comments(void **state)
{
    (void)state;
    assert_string_equal(READ(PACK, "\xEF\xBB\xBFpack b\r\n"
                                   "\r\n"
                                   "   \t \n"
                                   "# all comment\r\n"
                                   "  #indented\n"
                                   " a: 75%#no\n"
                                   " b: 75% # yes\n"
                                   " c: x\t#tab\n"
                                   " d:#x\n"),
                        "1:1 pack b@6\n"
                        "6:2 a=75%#no@5\n"
                        "7:2 b=75%@5\n"
                        "8:2 c=x@5\n"
                        "9:2 d=#x@4\n");
    /* only a file's first three bytes can be a BOM: later, U+FEFF is text */
    assert_string_equal(READ(PACK, "pack b\n\xEF\xBB\xBFk: v\n"),
                        "1:1 pack b@6\n2:1 \xEF\xBB\xBFk=v@7\n");
    /* a file that is only a BOM, or empty, has nothing in it */
    assert_string_equal(READ(PACK, "\xEF\xBB\xBF"), "");
    assert_string_equal(READ(PACK, ""), "");
    /* the last line needs no line ending */
    assert_string_equal(READ(PACK, "pack b\n k: v"), "1:1 pack b@6\n2:2 k=v@5\n");
}

/* The messages name the kind's own header words and ids. */
static void messages_in_the_kinds_words(void **state)
{
    (void)state;
    assert_string_equal(READ(KPI, "  name: A\nkpi\nkpi Bad-Id\n  just words\n  expr:\n"),
                        "3:1 kpi Bad-Id@5 bad\n"
                        "f.x:1:3: error: 'name:' outside a block: start one with 'kpi ID' or 'grade ID'\n"
                        "f.x:2:1: error: expected 'kpi ID', 'grade ID' or 'key: value', found 'kpi'\n"
                        "f.x:3:5: error: 'Bad-Id' is not a KPI id: use lower-case letters, digits and '_'\n"
                        "f.x:4:3: error: expected 'kpi ID', 'grade ID' or 'key: value', found 'just words'\n"
                        "f.x:5:8: error: 'expr:' needs a value\n");
    assert_string_equal(READ(PACK, "title: A\npack Big_1-x\npack toolong12\nwords\n"),
                        "2:1 pack Big_1-x@6 bad\n"
                        "3:1 pack toolong12@6 bad\n"
                        "f.x:1:1: error: 'title:' outside a block: start one with 'pack ID'\n"
                        "f.x:2:6: error: 'Big_1-x' is not a pack id: use lower-case letters, digits, '_' and '-'\n"
                        "f.x:3:6: error: 'toolong12' is not a pack id: use lower-case letters, digits, '_' and '-'\n"
                        "f.x:4:1: error: expected 'pack ID' or 'key: value', found 'words'\n");
    assert_string_equal(READ(THREE, "from: x\nrule a.b-c_d\n?\nskip A\n"),
                        "2:1 rule a.b-c_d@6\n"
                        "4:1 skip A@6 bad\n"
                        "f.x:1:1: error: 'from:' outside a block: start one with 'map ID', 'rule ID' or 'skip ID'\n"
                        "f.x:3:1: error: expected 'map ID', 'rule ID', 'skip ID' or 'key: value', found '?'\n"
                        "f.x:4:6: error: 'A' is not a mapping id: use lower-case letters, digits, '_', '.' and '-'\n");
    /* the error each kind's file gives, as the command line's summary names it */
    assert_string_equal(bp_strerror(KPI.err), "invalid KPI definition file");
    assert_string_equal(bp_strerror(PACK.err), "invalid pack templates");
    /* a preamble key is a preamble key only before the first block */
    assert_string_equal(READ(KPI, "defaults: a\ndefaults: b\nkpi k\ndefaults: c\n"),
                        "1:1 defaults=a@11 pre\n2:1 defaults=b@11 pre\n3:1 kpi k@5\n"
                        "4:1 defaults=c@11\n");
    /* a key met twice is given twice: what a repeat means is the format's to say */
    assert_string_equal(READ(PACK, "pack p\n t: 1\n t: 2\n"),
                        "1:1 pack p@6\n2:2 t=1@5\n3:2 t=2@5\n");
}

/* A line quoted in a message is quoted as every message quotes text (bp_diag_quote): 40
 * characters, never a character cut in two, then "...". */
static void quoted_line_cut_at_40_characters(void **state)
{
    (void)state;
    /* 39 x's, a two-byte pound sign (the 40th character, its bytes the 40th and 41st),
     * then " more": the five characters after the 40th become "..." */
    assert_string_equal(READ(KPI, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC2\xA3 more\n"),
                        "f.x:1:1: error: expected 'kpi ID', 'grade ID' or 'key: value', found "
                        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC2\xA3...'\n");
    /* exactly 40 characters: all of them, no "..." */
    assert_string_equal(READ(KPI, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC2\xA3\n"),
                        "f.x:1:1: error: expected 'kpi ID', 'grade ID' or 'key: value', found "
                        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC2\xA3'\n");
}

/* Each line with bytes that are not UTF-8 is one error at its first bad byte; the line is
 * still read with each bad byte as '?' (one byte for one byte, columns unchanged). */
#define NOT_UTF8(at, byte) \
    "f.x:" at ": error: found byte " byte ", which is not valid UTF-8, expected UTF-8 text: " \
    "save the file as UTF-8\n"

static void bad_utf8_at_its_column(void **state)
{
    (void)state;
    assert_string_equal(READ(KPI, "kpi a\n"
                                  "  name: Caf\xE9 \xE9t\xE9\n"        /* Latin-1 e-acute at 12 */
                                  /* pound, euro, emoji (2, 3, 4 bytes), an overlong NUL at 19 */
                                  "  name: \xC2\xA3\xE2\x82\xAC\xF0\x9F\x98\x80 \xC0\x80\n"
                                  "  a: \xED\xA0\x80\n"                /* a surrogate at 6 */
                                  "  b: \xF4\x90\x80\x80\n"            /* above U+10FFFF at 6 */
                                  "  c: \xE2\x82\n"                    /* cut short at 6 */
                                  "  d: \xE2\x82"),                    /* cut short by the end */
                        "1:1 kpi a@5\n"
                        "2:3 name=Caf? ?t?@9\n"
                        "3:3 name=\xC2\xA3\xE2\x82\xAC\xF0\x9F\x98\x80 ??@9\n"
                        "4:3 a=???@6\n"
                        "5:3 b=????@6\n"
                        "6:3 c=??@6\n"
                        "7:3 d=??@6\n"
                        NOT_UTF8("2:12", "0xE9")
                        NOT_UTF8("3:19", "0xC0")
                        NOT_UTF8("4:6", "0xED")
                        NOT_UTF8("5:6", "0xF4")
                        NOT_UTF8("6:6", "0xE2")
                        NOT_UTF8("7:6", "0xE2"));
    /* a file saved as UTF-16 has NUL bytes; its BOM alone is not UTF-8 either */
    assert_string_equal(READ(KPI, "\xFF\xFEk\0"),
                        "f.x:1: error: the file contains a NUL byte: is it a text file?\n");
    assert_string_equal(READ(KPI, "\xFF\xFE"),
                        NOT_UTF8("1:1", "0xFF")
                        "f.x:1:1: error: expected 'kpi ID', 'grade ID' or 'key: value', found '?\?'\n");
}

/* A NUL byte ends the reading at its line (the whole line: no column); nothing after it
 * is read, and the reader says it stopped. */
static void nul_byte_stops(void **state)
{
    (void)state;
    bp_settings r;
    const char text[] = "kpi a\n  name: A\n  expr: in\0come\n  unit: \xE9\n";
    assert_string_equal(read_all(&KPI, text, sizeof text - 1, &r),
                        "1:1 kpi a@5\n2:3 name=A@9\n"
                        "f.x:3: error: the file contains a NUL byte: is it a text file?\n");
    assert_true(r.stopped);
    assert_int_equal(r.errors, 1);
    read_all(&KPI, "kpi a\n", 6, &r);
    assert_false(r.stopped);
}

/* The kind's line cap: its length exactly is read, a byte more is refused at column 1
 * and the next line is still read.  A kind without a cap reads a long line whole. */
static void line_cap(void **state)
{
    (void)state;
    /* 20 bytes, then 21 (with a CR, which counts), then 21 */
    assert_string_equal(READ(PACK, "pack p\n"
                                   "  key: 1234567890123\n"
                                   "  key: 1234567890123\r\n"
                                   "  key: 12345678901234\n"
                                   "  k: v\n"),
                        "1:1 pack p@6\n"
                        "2:3 key=1234567890123@8\n"
                        "5:3 k=v@6\n"
                        "f.x:3:1: error: line is 21 bytes long, expected at most 20\n"
                        "f.x:4:1: error: line is 21 bytes long, expected at most 20\n");
    size_t n = 100000;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "kpi a\n  k: ", 11);
    memset(big + 11, '1', n);
    bp_diags d;
    bp_diags_init(&d);
    bp_settings r;
    bp_settings_open(&r, &KPI, "f.x", big, n + 11, &d);
    bp_setting e;
    assert_true(bp_settings_next(&r, &e));
    assert_true(bp_settings_next(&r, &e));
    assert_int_equal(e.vlen, n);
    assert_false(bp_settings_next(&r, &e));
    assert_int_equal(d.count, 0);
    bp_settings_close(&r);
    bp_diags_free(&d);
    free(big);
}

/* The kind's file cap: a file of exactly max_bytes is read, a byte more is refused. */
static void file_cap(void **state)
{
    (void)state;
    char path[] = "/tmp/bp-settings-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char block[4096];
    memset(block, '#', sizeof block);
    assert_int_equal(write(fd, block, sizeof block), (ssize_t)sizeof block);
    bp_diags d;
    bp_diags_init(&d);
    char *buf;
    size_t len;
    assert_int_equal(bp_settings_read_file(&PACK, path, "p.pack", &buf, &len, &d), BP_OK);
    assert_int_equal(len, 4096);
    free(buf);
    assert_int_equal(write(fd, "#", 1), 1);
    close(fd);
    assert_int_equal(bp_settings_read_file(&PACK, path, "p.pack", &buf, &len, &d), BP_ERR_LIMIT);
    assert_null(buf);
    assert_int_equal(d.errors, 1);
    char msg[200];
    bp_diag_format(&d.items[0], msg, sizeof msg);
    assert_string_equal(msg, "p.pack: error: found a file larger than 4096 bytes, expected at most "
                             "4096 bytes");
    bp_diags_free(&d);
    unlink(path);
}

/* Errors of the format's own go through the reader too: counted, at their line and column,
 * and mended where quoted text was cut inside a character. */
static void the_formats_own_errors(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    bp_settings r;
    bp_settings_open(&r, &KPI, "f.x", "", 0, &d);
    bp_settings_error(&r, 3, 7, "found '%.*s'", 3, "\xC2\xA3\xC2\xA3");   /* cut after 1.5 signs */
    bp_settings_error(&r, 0, 0, "whole file");
    assert_int_equal(r.errors, 2);
    char buf[100];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "f.x:3:7: error: found '\xC2\xA3?'");
    bp_diag_format(&d.items[1], buf, sizeof buf);
    assert_string_equal(buf, "f.x: error: whole file");
    bp_settings_close(&r);
    bp_diags_free(&d);
}

static void ids_and_lists(void **state)
{
    (void)state;
    assert_true(bp_settings_id_ok(&KPI, "a_1", 3));
    assert_false(bp_settings_id_ok(&KPI, "a-1", 3));
    assert_true(bp_settings_id_ok(&PACK, "a-1", 3));
    assert_false(bp_settings_id_ok(&PACK, "", 0));
    assert_true(bp_settings_id_ok(&PACK, "abcdefgh", 8));
    assert_false(bp_settings_id_ok(&PACK, "abcdefghi", 9));
    assert_false(bp_settings_id_ok(&PACK, "a\0b", 3));      /* a NUL is no id character */

    bp_span it[4];
    const char *v = "800,000..1,000,000, 2,50 , ,x";
    /* numbers: "800,000..1,000,000" is one item; "2,50" has two digits, so splits */
    assert_int_equal(bp_settings_list(v, strlen(v), true, it, 4), 5);
    assert_int_equal(it[0].n, 18);
    assert_memory_equal(it[0].s, "800,000..1,000,000", 18);
    assert_int_equal(it[1].n, 1);
    assert_memory_equal(it[1].s, "2", 1);
    assert_int_equal(it[2].n, 2);
    assert_memory_equal(it[2].s, "50", 2);
    assert_int_equal(it[3].n, 0);                             /* empty items are kept */
    /* not numbers: every comma separates */
    assert_int_equal(bp_settings_list(v, strlen(v), false, it, 4), 8);
    assert_memory_equal(it[0].s, "800", 3);
    assert_int_equal(bp_settings_list("1,2345", 6, true, it, 4), 2);   /* four digits */
    assert_int_equal(bp_settings_list("a", 1, true, NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headers_entries_and_columns),
        cmocka_unit_test(bom_crlf_blank_lines_and_comments),
        cmocka_unit_test(messages_in_the_kinds_words),
        cmocka_unit_test(quoted_line_cut_at_40_characters),
        cmocka_unit_test(bad_utf8_at_its_column),
        cmocka_unit_test(nul_byte_stops),
        cmocka_unit_test(line_cap),
        cmocka_unit_test(file_cap),
        cmocka_unit_test(the_formats_own_errors),
        cmocka_unit_test(ids_and_lists),
    };
    return cmocka_run_group_tests_name("settings files", tests, NULL, NULL) ? 1 : 0;
}
