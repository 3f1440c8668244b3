/* bp_csv: RFC 4180 edge cases, positions (line and character column) and limits.
 * Every expected position was counted by hand from the literal input. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_csv.h"
#include "bp_excel.h"
#include "bp_sha256.h"

typedef struct {
    bp_csv_table t;
    bp_diags d;
    bp_err err;
} parsed;

static void parse(parsed *p, const char *data, size_t len)
{
    bp_diags_init(&p->d);
    p->err = bp_csv_parse("t.csv", data, len, &p->t, &p->d);
}

static void parse_s(parsed *p, const char *data) { parse(p, data, strlen(data)); }

static void done(parsed *p)
{
    bp_csv_table_free(&p->t);
    bp_diags_free(&p->d);
}

static void expect_diag(const parsed *p, size_t i, const char *text)
{
    char buf[600];
    if (i >= p->d.count) fail_msg("no diagnostic %zu (have %zu), wanted: %s", i, p->d.count, text);
    bp_diag_format(&p->d.items[i], buf, sizeof buf);
    assert_string_equal(buf, text);
}

static void expect_field(const parsed *p, size_t row, size_t col, const char *text, int line,
                         int column)
{
    assert_true(row < p->t.nrows);
    assert_true(col < p->t.rows[row].count);
    const bp_csv_field *f = &p->t.rows[row].fields[col];
    assert_string_equal(f->text, text);
    assert_int_equal(f->len, strlen(text));
    assert_int_equal(f->line, line);
    assert_int_equal(f->column, column);
}

static void test_simple(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a,b\n1,2\n");
    assert_int_equal(p.err, BP_OK);
    assert_int_equal(p.d.count, 0);
    assert_int_equal(p.t.header.count, 2);
    assert_string_equal(p.t.header.fields[1].text, "b");
    assert_int_equal(p.t.nrows, 1);
    expect_field(&p, 0, 0, "1", 2, 1);
    expect_field(&p, 0, 1, "2", 2, 3);
    assert_int_equal(p.t.rows[0].line, 2);
    done(&p);
}

static void test_bom_crlf_mixed(void **state)
{
    (void)state;
    parsed p;
    /* BOM, then CRLF, LF, CRLF, and a last line with no ending */
    parse_s(&p, "\xEF\xBB\xBFid,v\r\nx,1\ny,2\r\nz,3");
    assert_int_equal(p.err, BP_OK);
    assert_int_equal(p.d.count, 0);
    assert_string_equal(p.t.header.fields[0].text, "id");
    assert_int_equal(p.t.header.fields[0].column, 1);
    assert_int_equal(p.t.nrows, 3);
    expect_field(&p, 0, 1, "1", 2, 3);
    expect_field(&p, 1, 0, "y", 3, 1);
    expect_field(&p, 2, 0, "z", 4, 1);
    expect_field(&p, 2, 1, "3", 4, 3);
    done(&p);
}

static void test_sha256(void **state)
{
    (void)state;
    unsigned char h[32];
    char hex[65];
    bp_sha256("", 0, h);
    bp_sha256_hex(h, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    bp_sha256("abc", 3, h);
    bp_sha256_hex(h, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* 56 bytes: the length no longer fits in the first padding block */
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    bp_sha256(m, strlen(m), h);
    bp_sha256_hex(h, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* the table's digest is of the raw bytes, BOM included */
    parsed p;
    parse_s(&p, "abc");
    bp_sha256_hex(p.t.sha256, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(p.t.bytes, 3);
    done(&p);
}

static void test_quoted(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a,b,c\n\"x, y\",\"line1\nline2\",\"say \"\"hi\"\"\"\n  p  , \"q\" ,r\n");
    assert_int_equal(p.err, BP_OK);
    assert_int_equal(p.d.count, 0);
    assert_int_equal(p.t.nrows, 2);
    expect_field(&p, 0, 0, "x, y", 2, 1);
    expect_field(&p, 0, 1, "line1\nline2", 2, 8);
    expect_field(&p, 0, 2, "say \"hi\"", 3, 8);
    assert_int_equal(p.t.rows[0].fields[0].quoted, 1);
    /* surrounding spaces of unquoted fields and outside quotes are dropped */
    expect_field(&p, 1, 0, "p", 4, 3);
    expect_field(&p, 1, 1, "q", 4, 8);
    expect_field(&p, 1, 2, "r", 4, 13);
    assert_int_equal(p.t.rows[1].fields[0].quoted, 0);
    assert_int_equal(p.t.rows[1].line, 4);
    done(&p);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a,b\n1,2\n3,\"open\n4,5\n6,7\n");
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 1);
    expect_diag(&p, 0, "t.csv:3:3: error: found a quoted field that is never closed, expected a "
                       "closing quote (\") - the field opens here");
    assert_int_equal(p.t.nrows, 1);
    done(&p);
}

static void test_stray_after_quote(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a,b\n\"x\"y,1\n2,3\nab\"c,4\n5,6\n");
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 2);
    expect_diag(&p, 0, "t.csv:2:4: error: found \"y\" after the closing quote of a quoted field, "
                       "expected a comma or the end of the line (write \"\" for a quote inside a "
                       "quoted field)");
    expect_diag(&p, 1, "t.csv:4:3: error: found a quote (\") inside an unquoted field, expected "
                       "the whole field in quotes with each inner quote doubled (\"\")");
    /* the rows after each broken line are still read */
    assert_int_equal(p.t.nrows, 2);
    expect_field(&p, 0, 0, "2", 3, 1);
    expect_field(&p, 1, 0, "5", 5, 1);
    done(&p);
}

static void test_invalid_utf8_and_nul(void **state)
{
    (void)state;
    parsed p;
    /* 0xA3 is a Windows-1252 pound sign; "é" before it is two bytes but one column */
    const char data[] = "a,b\n\xC3\xA9x,\xA3" "5\n1,2\nq,\0\n";
    parse(&p, data, sizeof data - 1);
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 2);
    expect_diag(&p, 0, "t.csv:2:4: error: found byte 0xA3, which is not valid UTF-8, expected "
                       "UTF-8 text: save the file as \"CSV UTF-8\" (a Windows-1252 \xC2\xA3 is 0xA3)");
    expect_diag(&p, 1, "t.csv:4:3: error: found a NUL byte (0x00), expected text: is this a "
                       "spreadsheet (.xlsx) rather than a CSV file?");
    assert_int_equal(p.t.nrows, 1);
    expect_field(&p, 0, 0, "1", 3, 1);
    done(&p);
}

static void test_overlong_and_surrogate(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a\n\xC0\xAF\nok\n\xED\xA0\x80\n\xF0\x9F\x98\x80\n");
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 2);
    expect_diag(&p, 0, "t.csv:2:1: error: found byte 0xC0, which is not valid UTF-8, expected "
                       "UTF-8 text: save the file as \"CSV UTF-8\" (a Windows-1252 \xC2\xA3 is 0xA3)");
    expect_diag(&p, 1, "t.csv:4:1: error: found byte 0xED, which is not valid UTF-8, expected "
                       "UTF-8 text: save the file as \"CSV UTF-8\" (a Windows-1252 \xC2\xA3 is 0xA3)");
    assert_int_equal(p.t.nrows, 2);
    expect_field(&p, 1, 0, "\xF0\x9F\x98\x80", 5, 1);
    done(&p);
}

static void test_short_long_rows(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a,b,c,d,e\n1,2,3,4\n1,2,3,4,5,6\n1,2,3,4,5\n");
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 2);
    expect_diag(&p, 0, "t.csv:2: error: found 4 fields, expected 5 as in the header");
    expect_diag(&p, 1, "t.csv:3:11: error: found 6 fields, expected 5 as in the header");
    assert_int_equal(p.t.nrows, 1);
    assert_int_equal(p.t.rows[0].line, 4);
    done(&p);
}

static void test_blank_lines(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "\na,b\n\n1,2\r\n   \r\n,\n3,4\n");
    assert_int_equal(p.err, BP_OK);
    assert_int_equal(p.d.count, 4);
    expect_diag(&p, 0, "t.csv:1: warning: blank line skipped");
    expect_diag(&p, 1, "t.csv:3: warning: blank line skipped");
    expect_diag(&p, 2, "t.csv:5: warning: blank line skipped");
    expect_diag(&p, 3, "t.csv:6: warning: blank line (only commas) skipped");
    assert_int_equal(p.t.header.line, 2);
    assert_int_equal(p.t.nrows, 2);
    expect_field(&p, 0, 0, "1", 4, 1);
    expect_field(&p, 1, 1, "4", 7, 3);
    done(&p);
}

static void test_multibyte_error_column(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "a,b,c\n\xC2\xA3\xE2\x80\x93,\xF0\x9F\x98\x80x,\"\xC2\xA3\"y\n");
    /* £–,😀x,"£"y : columns 1 2 3 4 5 6 7 8 9 10 -> the y is column 10 */
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 1);
    expect_diag(&p, 0, "t.csv:2:10: error: found \"y\" after the closing quote of a quoted field, "
                       "expected a comma or the end of the line (write \"\" for a quote inside a "
                       "quoted field)");
    assert_int_equal(p.t.nrows, 0);
    done(&p);
}

static void test_field_cap(void **state)
{
    (void)state;
    size_t n = BP_CSV_MAX_FIELD;
    char *data = malloc(n + 32);
    assert_non_null(data);
    /* exactly at the cap: read whole - and refused as longer than a cell, its row left
     * out and the next one read */
    memcpy(data, "a,b\n1,", 6);
    memset(data + 6, 'x', n);
    memcpy(data + 6 + n, "\n2,3\n", 5);
    parsed p;
    parse(&p, data, 6 + n + 5);
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 1);
    expect_diag(&p, 0, "t.csv:2:3: error: found a field of 1048576 characters, expected at most "
                       "32767 characters, the most a spreadsheet cell holds");
    assert_int_equal(p.t.nrows, 1);
    assert_string_equal(p.t.rows[0].fields[1].text, "3");
    done(&p);
    /* one byte over: an error at the field's start, and reading stops */
    memset(data + 6, 'x', n + 1);
    memcpy(data + 6 + n + 1, "\n2,3\n", 5);
    parse(&p, data, 6 + n + 1 + 5);
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 1);
    expect_diag(&p, 0, "t.csv:2:3: error: found a field longer than 1048576 bytes, expected at "
                       "most 1048576 bytes in one field (is a quote left open?); the rest of the "
                       "file was not read");
    assert_int_equal(p.t.nrows, 0);
    done(&p);
    free(data);
}

/* What a spreadsheet cell holds: 32,767 characters as Excel counts them, a character
 * beyond U+FFFF (4 bytes of UTF-8) counting two. */
static void test_cell_cap(void **state)
{
    (void)state;
    size_t n = 4 * 16384 + 64;
    char *data = malloc(3 * n);
    assert_non_null(data);
    size_t o = 0;
    o += (size_t)sprintf(data + o, "a,b\n1,");
    memset(data + o, 'x', 32767);                 /* row 2: 32,767 characters */
    o += 32767;
    o += (size_t)sprintf(data + o, "\n2,\"");
    for (int i = 0; i < 16384; i++) {             /* row 3, quoted: 16,384 x U+1F600 */
        memcpy(data + o, "\xF0\x9F\x98\x80", 4);
        o += 4;
    }
    o += (size_t)sprintf(data + o, "\"\n3,");
    for (int i = 0; i < 16383; i++) {             /* row 4: 16,383 of them and "y" */
        memcpy(data + o, "\xF0\x9F\x98\x80", 4);
        o += 4;
    }
    o += (size_t)sprintf(data + o, "y\n");
    parsed p;
    parse(&p, data, o);
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 1);
    /* at the opening quote of the field, column 3 */
    expect_diag(&p, 0, "t.csv:3:3: error: found a field of 32768 characters, expected at most "
                       "32767 characters, the most a spreadsheet cell holds");
    assert_int_equal(p.t.nrows, 2);
    assert_int_equal(p.t.rows[0].fields[1].len, 32767);
    assert_int_equal(p.t.rows[1].fields[1].len, 4 * 16383 + 1);
    assert_int_equal(p.t.nrejected, 1);
    done(&p);
    free(data);
    assert_int_equal(bp_excel_chars("\xC2\xA3\xE2\x80\x93\xF0\x9F\x98\x80x", 10), 5);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    char data[2000];
    size_t o = 0;
    for (int i = 0; i < 257; i++) o += (size_t)snprintf(data + o, sizeof data - o, i ? ",h" : "h");
    o += (size_t)snprintf(data + o, sizeof data - o, "\n");
    parsed p;
    parse(&p, data, o);
    assert_int_equal(p.err, BP_ERR_DATA);
    assert_int_equal(p.d.count, 1);
    /* field 257 starts after 256 "h," pairs: column 513 */
    expect_diag(&p, 0, "t.csv:1:513: error: found more than 256 fields in one row, expected at most 256");
    done(&p);
}

static void test_empty_and_header_only(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, "");
    assert_int_equal(p.err, BP_OK);
    assert_int_equal(p.t.header.count, 0);
    assert_int_equal(p.t.nrows, 0);
    done(&p);
    parse_s(&p, "\xEF\xBB\xBF" "a,b\r\n");
    assert_int_equal(p.err, BP_OK);
    assert_int_equal(p.t.header.count, 2);
    assert_int_equal(p.t.nrows, 0);
    done(&p);
}

static void test_bind(void **state)
{
    (void)state;
    parsed p;
    parse_s(&p, " ID ,Value,extra,\"Code \",value\n1,2,3,4,5\n");
    assert_int_equal(p.err, BP_OK);
    static const bp_csv_colspec spec[] = {{"id", 1}, {"value", 1}, {"code", 0}, {"year", 1}};
    int idx[4];
    assert_int_equal(bp_csv_bind(&p.t, spec, 4, idx, &p.d), -1);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(idx[2], 3);
    assert_int_equal(idx[3], -1);
    bp_diags_sort(&p.d);
    assert_int_equal(p.d.count, 3);
    expect_diag(&p, 0, "t.csv:1: error: found no column \"year\" in the header, expected the "
                       "columns id, value, code, year");
    expect_diag(&p, 1, "t.csv:1:12: warning: found unknown column \"extra\", expected one of id, "
                       "value, code, year: the column is ignored");
    expect_diag(&p, 2, "t.csv:1:26: error: found column \"value\" a second time (first in column "
                       "6), expected each column name once");
    assert_string_equal(bp_csv_get(&p.t.rows[0], 3)->text, "4");
    assert_null(bp_csv_get(&p.t.rows[0], -1));
    assert_null(bp_csv_get(&p.t.rows[0], 5));
    done(&p);
}

static void test_diags_sort_stable(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    /* many entries, in reverse, with ties that must keep their order */
    for (int i = 2000; i > 0; i--) {
        bp_diag_add(&d, BP_DIAG_ERROR, "b.csv", i / 2, 1, "%d", i);
        bp_diag_add(&d, BP_DIAG_WARNING, "a.csv", i, 0, "w%d", i);
    }
    bp_diags_sort(&d);
    assert_int_equal(d.count, 4000);
    assert_string_equal(d.items[0].file, "a.csv");
    assert_int_equal(d.items[0].line, 1);
    assert_int_equal(d.items[1999].line, 2000);
    /* b.csv line 1: added as 3 then 2 (i = 3, 2), kept in that order */
    assert_string_equal(d.items[2000].file, "b.csv");
    assert_int_equal(d.items[2000].line, 0);
    assert_string_equal(d.items[2000].message, "1");
    assert_string_equal(d.items[2001].message, "3");
    assert_string_equal(d.items[2002].message, "2");
    for (size_t i = 1; i < d.count; i++) {
        int c = strcmp(d.items[i - 1].file, d.items[i].file);
        assert_true(c < 0 || (c == 0 && d.items[i - 1].line <= d.items[i].line));
    }
    bp_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_bom_crlf_mixed),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stray_after_quote),
        cmocka_unit_test(test_invalid_utf8_and_nul),
        cmocka_unit_test(test_overlong_and_surrogate),
        cmocka_unit_test(test_short_long_rows),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_multibyte_error_column),
        cmocka_unit_test(test_field_cap),
        cmocka_unit_test(test_cell_cap),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_empty_and_header_only),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_diags_sort_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
