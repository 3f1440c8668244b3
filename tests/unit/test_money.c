/* bp_money: every accepted and rejected form of bp_money.h, worked out by hand. */
#include "bp_test.h"

#include <stdbool.h>
#include "bp_money.h"

static bool money(const char *s, int64_t *v)
{
    const char *why = NULL;
    size_t col = 99;
    bool ok = bp_money_parse(s, strlen(s), v, &why, &col);
    if (!ok) {
        assert_non_null(why);
        assert_true(strncmp(why, "expected ", 9) == 0);
        assert_true(col <= strlen(s));
    }
    return ok;
}

static void expect_money(const char *s, int64_t pence)
{
    int64_t v = -777;
    if (!money(s, &v)) fail_msg("rejected \"%s\"", s);
    assert_int_equal(v, pence);
}

static void expect_reject(const char *s, const char *why_part, size_t at)
{
    int64_t v = -777;
    const char *why = NULL;
    size_t col = 999;
    if (bp_money_parse(s, strlen(s), &v, &why, &col)) fail_msg("accepted \"%s\"", s);
    if (!strstr(why, why_part)) fail_msg("\"%s\": %s", s, why);
    assert_int_equal(col, at);
    assert_int_equal(v, -777);   /* untouched on failure */
}

static void test_money_accepts(void **state)
{
    (void)state;
    expect_money("1234", 123400);
    expect_money("1234.5", 123450);
    expect_money("1,234.50", 123450);
    expect_money("\xC2\xA3" "1,234.50", 123450);
    expect_money("-1,200", -120000);
    expect_money("(1,200)", -120000);
    expect_money("-\xC2\xA3" "5", -500);
    expect_money("\xC2\xA3-5", -500);
    expect_money("  42.07 ", 4207);
    expect_money("0", 0);
    expect_money("-0", 0);
    expect_money("0.01", 1);
    expect_money("+3", 300);
    expect_money("1,000,000", 100000000);
    expect_money("( 7.5 )", -750);
    expect_money("(\xC2\xA3" "2.25)", -225);
    expect_money(".5", 50);
}

static void test_money_boundaries(void **state)
{
    (void)state;
    expect_money("90,000,000,000,000.00", 9000000000000000LL);
    expect_money("-90000000000000", -9000000000000000LL);
    expect_money("89999999999999.99", 8999999999999999LL);
    expect_reject("90000000000000.01", "no larger", 0);
    expect_reject("90000000000001", "no larger", 14);
    expect_reject("100000000000000000000000", "no larger", 14);
}

static void test_money_rejects(void **state)
{
    (void)state;
    expect_reject("", "pounds", 0);
    expect_reject("   ", "pounds", 0);
    expect_reject("1e300", "exponent", 1);
    expect_reject("12.345", "at most 2 decimal places", 5);
    expect_reject("1,23", "groups of three", 4);
    expect_reject("1234,567", "groups of three", 4);
    expect_reject(",123", "groups of three", 0);
    expect_reject("%", "% sign", 0);
    expect_reject("12%", "% sign", 2);
    expect_reject("12x", "pounds", 2);
    expect_reject("abc", "pounds", 0);
    expect_reject("(12", "closing bracket", 2);
    expect_reject("(-12)", "brackets or a sign", 1);
    expect_reject("--5", "pounds", 1);
    expect_reject("-\xC2\xA3-5", "pounds", 3);
    expect_reject("5.", "digits after the decimal point", 1);
    expect_reject("\xC2\xA3", "pounds", 0);
    expect_reject("1 234", "pounds", 1);
    expect_reject("\xA3" "5", "pounds", 0);   /* Windows-1252 pound sign */
}

static void test_quantity(void **state)
{
    (void)state;
    int64_t v;
    const char *why;
    size_t col;
    assert_true(bp_quantity_parse("1,650", 5, &v, &why, &col));
    assert_int_equal(v, 1650000000LL);
    assert_true(bp_quantity_parse("0.947", 5, &v, &why, &col));
    assert_int_equal(v, 947000);
    assert_true(bp_quantity_parse("12.123456", 9, &v, &why, &col));
    assert_int_equal(v, 12123456);
    assert_true(bp_quantity_parse("(3)", 3, &v, &why, &col));
    assert_int_equal(v, -3000000);
    assert_false(bp_quantity_parse("1.1234567", 9, &v, &why, &col));
    assert_non_null(strstr(why, "at most 6 decimal places"));
    assert_int_equal(col, 8);
    assert_false(bp_quantity_parse("\xC2\xA3" "5", 3, &v, &why, &col));
    assert_int_equal(col, 0);
    assert_true(bp_quantity_parse("9000000000000", 13, &v, &why, &col));
    assert_int_equal(v, 9000000000000000000LL);
    assert_false(bp_quantity_parse("9000000000001", 13, &v, &why, &col));
    assert_non_null(strstr(why, "no larger"));
    assert_false(bp_quantity_parse("1e3", 3, &v, &why, &col));
    assert_false(bp_quantity_parse("", 0, &v, &why, &col));
}

static void test_money_format(void **state)
{
    (void)state;
    char b[64];
    bp_money_format(123456789, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "1,234,567.89");
    bp_money_format(123456700, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "1,234,567");
    bp_money_format(123456700, true, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "1,234,567.00");
    bp_money_format(-120000, false, b, sizeof b);
    assert_string_equal(b, "-\xC2\xA3" "1,200");
    bp_money_format(5, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "0.05");
    bp_money_format(INT64_MIN, true, b, sizeof b);
    assert_string_equal(b, "-\xC2\xA3" "92,233,720,368,547,758.08");
    bp_money_format_plain(123456789, b, sizeof b);
    assert_string_equal(b, "1234567.89");
    bp_money_format_plain(-120000, b, sizeof b);
    assert_string_equal(b, "-1200.00");
    bp_money_format_plain(-5, b, sizeof b);
    assert_string_equal(b, "-0.05");
    bp_money_format_plain(0, b, sizeof b);
    assert_string_equal(b, "0.00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_accepts),
        cmocka_unit_test(test_money_boundaries),
        cmocka_unit_test(test_money_rejects),
        cmocka_unit_test(test_quantity),
        cmocka_unit_test(test_money_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
