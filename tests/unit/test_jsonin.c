/* Tests for bp_jsonin, the strict JSON reader: what RFC 8259 allows is read, with its
 * values and positions; every departure is refused at its line and column (counted by
 * hand below) with a reason; no input can nest deeper than the cap; and what bp_json
 * writes reads back as written. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_json.h"
#include "bp_jsonin.h"

static bp_err parse(const char *text, bp_jv *v, int *line, int *col, char *why, size_t n)
{
    return bp_jsonin_parse(text, strlen(text), v, line, col, why, n);
}

static void reads_values(void **state)
{
    (void)state;
    bp_jv v;
    int line = 0, col = 0;
    char why[160];
    const char *doc = "{\"schema\": \"boardpack-results/2\",\n"
                      " \"n\": [0, -1.5, 2e3, 0.71232876712328763, true, false, null],\n"
                      " \"s\": \"a\\\"b\\\\c\\/d\\n\\u00a3\\ud83d\\ude00\", \"e\": {}, \"a\": []}";
    assert_int_equal(parse(doc, &v, &line, &col, why, sizeof why), BP_OK);
    assert_int_equal(v.kind, BP_JV_OBJECT);
    assert_int_equal(v.n, 5);
    const bp_jv *s = bp_jv_get(&v, "schema");
    assert_non_null(s);
    assert_string_equal(s->text, "boardpack-results/2");
    assert_int_equal(s->line, 1);
    assert_int_equal(s->column, 12);
    const bp_jv *n = bp_jv_get(&v, "n");
    assert_int_equal(n->kind, BP_JV_ARRAY);
    assert_int_equal(n->n, 7);
    assert_int_equal(n->line, 2);
    assert_int_equal(n->column, 7);
    assert_true(n->items[0].num == 0.0);
    assert_true(n->items[1].num == -1.5);
    assert_true(n->items[2].num == 2000.0);
    assert_string_equal(n->items[3].text, "0.71232876712328763");
    assert_true(n->items[3].num == 0.71232876712328763);
    assert_int_equal(n->items[4].kind, BP_JV_BOOL);
    assert_true(n->items[4].b);
    assert_false(n->items[5].b);
    assert_int_equal(n->items[6].kind, BP_JV_NULL);
    /* a"b\c/d, a line break, £ (C2 A3) and U+1F600 (F0 9F 98 80) */
    assert_string_equal(bp_jv_get(&v, "s")->text, "a\"b\\c/d\n\xC2\xA3\xF0\x9F\x98\x80");
    assert_int_equal(bp_jv_get(&v, "e")->n, 0);
    assert_int_equal(bp_jv_get(&v, "a")->kind, BP_JV_ARRAY);
    assert_null(bp_jv_get(&v, "missing"));
    bp_jv_free(&v);
}

/* text must fail at line:col with a reason holding want */
static void refused(const char *text, int want_line, int want_col, const char *want)
{
    bp_jv v;
    int line = 0, col = 0;
    char why[160] = "";
    assert_int_equal(parse(text, &v, &line, &col, why, sizeof why), BP_ERR_DATA);
    if (line != want_line || col != want_col || !strstr(why, want))
        fail_msg("%s: got %d:%d %s, want %d:%d %s", text, line, col, why, want_line, want_col, want);
    bp_jv_free(&v);
}

static void refuses_departures(void **state)
{
    (void)state;
    refused("", 1, 1, "found the end of the file, expected a value");
    refused("[1, 2,]", 1, 7, "a trailing comma");
    refused("{\"a\": 1,}", 1, 9, "a trailing comma");
    refused("{\"a\" 1}", 1, 6, "found '1', expected ':'");
    refused("{a: 1}", 1, 2, "expected a member name in double quotes");
    refused("[01]", 1, 3, "no leading zero");
    refused("[1.]", 1, 4, "a digit after the decimal point");
    refused("[1e]", 1, 4, "a digit of the exponent");
    refused("[-]", 1, 3, "expected a digit");
    refused("[NaN]", 1, 2, "expected a value");
    refused("[1e400]", 1, 2, "too large");
    refused("// c\n[]", 1, 1, "found '/', expected a value");
    refused("[1]\n x", 2, 2, "the end of the file after the value");
    refused("[\"a\nb\"]", 1, 4, "a line break inside a string");
    refused("[\"a\x01\"]", 1, 4, "a control character");
    refused("[\"\\x\"]", 1, 3, "an unknown escape");
    refused("[\"\\u12\"]", 1, 3, "four hex digits");
    refused("[\"\\ud83d\"]", 1, 3, "a high surrogate without a low one");
    refused("[\"\\ude00\"]", 1, 3, "a low surrogate without a high one");
    refused("[\"\\u0000\"]", 1, 3, "NUL");
    refused("[\"\xC3\x28\"]", 1, 3, "not UTF-8");
    refused("[\"open", 1, 2, "never closed");
    refused("\xEF\xBB\xBF[]", 1, 1, "a byte-order mark");
    refused("{\"a\": 1,\n \"a\": 2}", 2, 2, "given twice");
    refused("[tru]", 1, 2, "expected a value");
}

static void caps_nesting(void **state)
{
    (void)state;
    char deep[200];
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    bp_jv v;
    int line, col;
    char why[160];
    assert_int_equal(parse(deep, &v, &line, &col, why, sizeof why), BP_OK);
    bp_jv_free(&v);
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = '\0';
    assert_int_equal(parse(deep, &v, &line, &col, why, sizeof why), BP_ERR_DATA);
    assert_int_equal(col, 65);
    assert_non_null(strstr(why, "deeper than 64"));
    bp_jv_free(&v);
}

/* bp_json_string's output reads back to the text itself */
static void reads_what_the_writer_writes(void **state)
{
    (void)state;
    const char *texts[] = {"", "plain", "q\"b\\s/", "\x01\x1f\t\r\n", "\xC2\xA3\xE2\x80\xA8\xF0\x9F\x98\x80"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        assert_non_null(f);
        bp_json_string(f, texts[i]);
        assert_int_equal(fclose(f), 0);
        bp_jv v;
        int line, col;
        char why[160];
        assert_int_equal(bp_jsonin_parse(buf, n, &v, &line, &col, why, sizeof why), BP_OK);
        assert_int_equal(v.kind, BP_JV_STRING);
        assert_string_equal(v.text, texts[i]);
        bp_jv_free(&v);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_values),
        cmocka_unit_test(refuses_departures),
        cmocka_unit_test(caps_nesting),
        cmocka_unit_test(reads_what_the_writer_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
