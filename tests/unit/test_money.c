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

/* The contract's comma rule: after an optional sign, pound sign or brackets, a number
 * with commas is [1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?; every other comma is an error.
 * Each position was counted by hand: the offending comma, or for a group cut short or
 * run long the end of the digits ("1,2345" ends at 6). */
static void test_money_comma_rule(void **state)
{
    (void)state;
    /* the rule's own shapes: 1 to 3 leading digits, then groups of exactly three */
    expect_money("1,000", 100000);
    expect_money("12,345", 1234500);
    expect_money("999,999,999.99", 99999999999LL);
    expect_money("1,000.5", 100050);
    expect_money("-1,000", -100000);
    expect_money("\xC2\xA3" "1,000", 100000);
    expect_money("(1,000)", -100000);
    expect_money("\xC2\xA3-1,000", -100000);
    /* without a comma a leading zero is only a zero */
    expect_money("0125", 12500);
    expect_money("0.12", 12);
    /* a first group that starts with 0: a decimal comma, not thousands (0,125 is not 125) */
    expect_reject("0,125", "decimal point, not a comma", 1);
    expect_reject("00,125", "decimal point, not a comma", 2);
    expect_reject("01,234", "decimal point, not a comma", 2);
    expect_reject("0,000", "decimal point, not a comma", 1);
    expect_reject("-0,125", "decimal point, not a comma", 2);
    expect_reject("\xC2\xA3" "0,125", "decimal point, not a comma", 3);
    expect_reject("(0,125)", "decimal point, not a comma", 2);
    expect_reject("0,125.5", "decimal point, not a comma", 1);
    /* groups of other sizes, and commas with no digits between */
    expect_reject("1,23", "groups of three", 4);
    expect_reject("1,2345", "groups of three", 6);
    expect_reject("1,234,56", "groups of three", 8);
    expect_reject("1234,567", "groups of three", 4);
    expect_reject(",123", "groups of three", 0);
    expect_reject("1,,234", "groups of three", 2);
    expect_reject("1,234,", "groups of three", 6);
    /* a comma after the point is no thousands separator */
    expect_reject("1,234.5,6", "pounds", 7);
}

/* The same rule for other numbers (bp_quantity_parse) and plain decimals (bp_num_parse:
 * national.csv, trust weights, KPI constants), where "0,947" would be 947. */
static void test_comma_rule_elsewhere(void **state)
{
    (void)state;
    int64_t v = -777;
    const char *why;
    size_t col;
    assert_true(bp_quantity_parse("1,650", 5, &v, &why, &col));
    assert_int_equal(v, 1650000000LL);
    assert_false(bp_quantity_parse("0,125", 5, &v, &why, &col));
    assert_non_null(strstr(why, "decimal point, not a comma"));
    assert_int_equal(col, 1);
    assert_false(bp_quantity_parse("1,2345", 6, &v, &why, &col));
    assert_int_equal(col, 6);
    bp_num n;
    assert_true(bp_num_parse("1,000", 5, &n));
    assert_num_frac(n, 1000, 1);
    assert_true(bp_num_parse("-12,345.5", 9, &n));
    assert_num_frac(n, -24691, 2);
    assert_true(bp_num_parse("0.947", 5, &n));
    assert_num_frac(n, 947, 1000);
    assert_false(bp_num_parse("0,947", 5, &n));
    assert_false(bp_num_parse("00,947", 6, &n));
    assert_false(bp_num_parse("-0,947", 6, &n));
    assert_false(bp_num_parse("0,947%", 6, &n));
    assert_false(bp_num_parse("1,23", 4, &n));
    assert_false(bp_num_parse("1,2345", 6, &n));
    assert_false(bp_num_parse(",123", 4, &n));
    assert_false(bp_num_parse("1,,234", 6, &n));
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

/* The ledger forms (contract v2): a trailing minus and DR/CR suffixes, CR negating. */
static void expect_ledger(const char *s, int64_t pence)
{
    int64_t v = -777;
    const char *why = NULL;
    size_t col = 0;
    if (!bp_money_parse_ledger(s, strlen(s), &v, &why, &col)) fail_msg("rejected \"%s\": %s", s, why);
    assert_int_equal(v, pence);
}

static void expect_ledger_reject(const char *s, size_t at)
{
    int64_t v = -777;
    const char *why = NULL;
    size_t col = 999;
    if (bp_money_parse_ledger(s, strlen(s), &v, &why, &col)) fail_msg("accepted \"%s\"", s);
    assert_true(strncmp(why, "expected ", 9) == 0);
    assert_int_equal(col, at);
}

static void test_money_ledger(void **state)
{
    (void)state;
    expect_ledger("1,200.00-", -120000);
    expect_ledger("1200-", -120000);
    expect_ledger("1,200.00 CR", -120000);
    expect_ledger("1,200.00CR", -120000);
    expect_ledger("1,200.00 cr", -120000);
    expect_ledger("1,200.00 DR", 120000);
    expect_ledger("  5.5 Dr ", 550);
    expect_ledger("\xC2\xA3" "3.00 CR", -300);
    /* the v1 forms still hold */
    expect_ledger("(1,200)", -120000);
    expect_ledger("-1,200", -120000);
    expect_ledger("0", 0);
    expect_ledger("0.00 CR", 0);
    /* a sign and a suffix together say the direction twice */
    expect_ledger_reject("-5 CR", 0);
    expect_ledger_reject("(5)-", 0);
    expect_ledger_reject("+5 DR", 0);
    expect_ledger_reject("CR", 0);
    expect_ledger_reject("-", 0);
    /* the figure itself must still be money: three decimals, a comma rule broken */
    expect_ledger_reject("1.234 CR", 4);
    expect_ledger_reject("1,23-", 4);
    expect_ledger_reject("12 XR", 2);
    /* plain bp_money_parse still refuses them */
    int64_t v;
    assert_false(bp_money_parse("1,200.00-", 9, &v, NULL, NULL));
    assert_false(bp_money_parse("5 CR", 4, &v, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_accepts),
        cmocka_unit_test(test_money_boundaries),
        cmocka_unit_test(test_money_rejects),
        cmocka_unit_test(test_money_comma_rule),
        cmocka_unit_test(test_comma_rule_elsewhere),
        cmocka_unit_test(test_quantity),
        cmocka_unit_test(test_money_format),
        cmocka_unit_test(test_money_ledger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
