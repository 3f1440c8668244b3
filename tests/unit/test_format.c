/* bp_format: values that rounding would make read as their threshold; money and ratios
 * as boards read them. */
#include "bp_test.h"

#include "bp_format.h"

static bp_result result(bp_num value, bp_num lo)
{
    bp_result r;
    memset(&r, 0, sizeof r);
    r.value = value;
    r.lo = lo;
    r.hi = bp_num_none();
    r.grade = -1;
    return r;
}

static void more_places_near_a_threshold(void **state)
{
    (void)state;
    bp_kpi k;
    memset(&k, 0, sizeof k);
    k.unit = BP_UNIT_PERCENT;
    char buf[64];
    /* 2963/3119 = 0.949984...: 95.0% and 95.00% read as the 95% floor; 94.998% does not */
    bp_result r = result(bp_num_frac(2963, 3119), bp_num_frac(95, 100));
    bp_format_result_value(&k, &r, buf, sizeof buf);
    assert_string_equal(buf, "94.998%");
    /* away from the threshold: the usual one place */
    r = result(bp_num_frac(41, 50), bp_num_frac(95, 100));
    bp_format_result_value(&k, &r, buf, sizeof buf);
    assert_string_equal(buf, "82.0%");
    /* 0.004999999 is 0.50000% even at five places: say which side of 0.5% it is */
    r = result(bp_num_frac(4999999, 1000000000), bp_num_frac(5, 1000));
    bp_format_result_value(&k, &r, buf, sizeof buf);
    assert_string_equal(buf, "just under 0.5%");
    /* a value on the threshold is simply the threshold */
    r = result(bp_num_frac(5, 1000), bp_num_frac(5, 1000));
    bp_format_result_value(&k, &r, buf, sizeof buf);
    assert_string_equal(buf, "0.5%");
}

static void money(int64_t pence, bp_money_units u, const char *want)
{
    char buf[64];
    bp_format_money_as(pence, u, buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* Money as boards read it: whole pounds or £000, half away from zero on the exact pence,
 * negatives in brackets, nothing negative about nothing. */
static void money_in_a_boards_units(void **state)
{
    (void)state;
    money(123456789, BP_MONEY_POUNDS, "\xC2\xA3" "1,234,568");      /* £1,234,567.89 */
    money(-123456789, BP_MONEY_POUNDS, "(\xC2\xA3" "1,234,568)");
    money(250, BP_MONEY_POUNDS, "\xC2\xA3" "3");                    /* £2.50: half away */
    money(-250, BP_MONEY_POUNDS, "(\xC2\xA3" "3)");
    money(249, BP_MONEY_POUNDS, "\xC2\xA3" "2");
    money(-249, BP_MONEY_POUNDS, "(\xC2\xA3" "2)");
    money(-49, BP_MONEY_POUNDS, "\xC2\xA3" "0");                    /* -£0.49 rounds to nothing */
    money(-50, BP_MONEY_POUNDS, "(\xC2\xA3" "1)");
    money(0, BP_MONEY_POUNDS, "\xC2\xA3" "0");
    money(123456789, BP_MONEY_THOUSANDS, "1,235");                 /* £1,234,567.89 = £1,234.57k */
    money(-123456789, BP_MONEY_THOUSANDS, "(1,235)");
    money(4999999, BP_MONEY_THOUSANDS, "50");                      /* £49,999.99 */
    money(4950000, BP_MONEY_THOUSANDS, "50");                      /* £49,500.00: half away */
    money(4949999, BP_MONEY_THOUSANDS, "49");
    money(-4950000, BP_MONEY_THOUSANDS, "(50)");
    money(-4999, BP_MONEY_THOUSANDS, "0");                         /* -£49.99 */
    /* the int64 extremes: 9,223,372,036,854,775,807 pence is £92,233,720,368,547,758.07 */
    money(INT64_MAX, BP_MONEY_POUNDS, "\xC2\xA3" "92,233,720,368,547,758");
    money(INT64_MIN, BP_MONEY_POUNDS, "(\xC2\xA3" "92,233,720,368,547,758)");
    money(INT64_MAX, BP_MONEY_THOUSANDS, "92,233,720,368,548");      /* ...547,758.07 / 1000 */
    money(INT64_MIN, BP_MONEY_THOUSANDS, "(92,233,720,368,548)");
    assert_int_equal(bp_money_round(250, 100), 3);
    assert_int_equal(bp_money_round(-250, 100), -3);
    assert_int_equal(bp_money_round(INT64_MIN, 100), -92233720368547758LL);
    assert_int_equal(bp_money_round(INT64_MAX, 100000), 92233720368548LL);
    assert_string_equal(bp_format_money_unit_note(BP_MONEY_THOUSANDS), " (\xC2\xA3" "000)");
    assert_string_equal(bp_format_money_unit_note(BP_MONEY_POUNDS), "");
}

/* A result of a one-target KPI of this unit: cmp with threshold t, the given status. */
static void board(bp_unit unit, bp_cmp cmp, bp_num v, bp_num t, bp_status st, bool want_toward,
                  const char *want)
{
    bp_target tg;
    memset(&tg, 0, sizeof tg);
    tg.cmp = cmp;
    bp_kpi k;
    memset(&k, 0, sizeof k);
    k.unit = unit;
    k.targets = &tg;
    k.ntargets = 1;
    bp_result r = result(v, cmp == BP_CMP_MAX ? bp_num_none() : t);
    if (cmp == BP_CMP_MAX) r.hi = t;
    r.target = 0;
    r.status = st;
    char buf[64];
    assert_int_equal(bp_format_board_value(&k, &r, BP_MONEY_POUNDS, buf, sizeof buf), want_toward);
    assert_string_equal(buf, want);
}

/* One decimal place, and toward the failing side where ordinary rounding would show a
 * miss as a pass. */
static void rounded_toward_the_failing_side(void **state)
{
    (void)state;
    bp_num floor95 = bp_num_frac(95, 100), ceil80 = bp_num_frac(80, 100);
    /* 2963/3119 = 0.9499839...: 95.0% ordinarily, a pass to the eye; 94.9% instead */
    board(BP_UNIT_PERCENT, BP_CMP_MIN, bp_num_frac(2963, 3119), floor95, BP_STATUS_RED, true, "94.9%");
    /* 94.998% exactly (the example) */
    board(BP_UNIT_PERCENT, BP_CMP_MIN, bp_num_frac(94998, 100000), floor95, BP_STATUS_AMBER, true, "94.9%");
    /* 94.94% reads 94.9% anyway: ordinary rounding, no mark */
    board(BP_UNIT_PERCENT, BP_CMP_MIN, bp_num_frac(9494, 10000), floor95, BP_STATUS_RED, false, "94.9%");
    /* on the floor: met, 95.0% */
    board(BP_UNIT_PERCENT, BP_CMP_MIN, floor95, floor95, BP_STATUS_GREEN, false, "95.0%");
    /* 95.04% meets it: ordinary rounding down to 95.0% is no miss */
    board(BP_UNIT_PERCENT, BP_CMP_MIN, bp_num_frac(9504, 10000), floor95, BP_STATUS_GREEN, false, "95.0%");
    /* above a ceiling: 80.04% would read 80.0%; up to 80.1% */
    board(BP_UNIT_PERCENT, BP_CMP_MAX, bp_num_frac(8004, 10000), ceil80, BP_STATUS_AMBER, true, "80.1%");
    /* 80.05% rounds to 80.1% anyway */
    board(BP_UNIT_PERCENT, BP_CMP_MAX, bp_num_frac(8005, 10000), ceil80, BP_STATUS_AMBER, false, "80.1%");
    /* ordinary half away from zero: 82.45% -> 82.5%, -1.05% -> -1.1% */
    board(BP_UNIT_PERCENT, BP_CMP_MAX, bp_num_frac(8245, 10000), ceil80, BP_STATUS_RED, false, "82.5%");
    board(BP_UNIT_PERCENT, BP_CMP_MIN, bp_num_frac(-105, 10000), bp_num_frac(5, 1000), BP_STATUS_RED,
          false, "-1.1%");
    /* a floor of 0.5% and -0.04%: a floor below zero... 0.46% would read 0.5%: 0.4% */
    board(BP_UNIT_PERCENT, BP_CMP_MIN, bp_num_frac(46, 10000), bp_num_frac(5, 1000), BP_STATUS_RED, true, "0.4%");
    /* money: a reserve of -£0.40 against a floor of £0 is "£0" ordinarily; (£1) */
    board(BP_UNIT_MONEY, BP_CMP_MIN, bp_num_pence(-40), bp_num_int(0), BP_STATUS_RED, true, "(\xC2\xA3" "1)");
    board(BP_UNIT_MONEY, BP_CMP_MIN, bp_num_pence(-123456), bp_num_int(0), BP_STATUS_RED, false,
          "(\xC2\xA3" "1,235)");
    /* a ratio at two places: 0.7399 against a floor of 0.74 reads 0.74; 0.73 */
    board(BP_UNIT_RATIO, BP_CMP_MIN, bp_num_frac(7399, 10000), bp_num_frac(74, 100), BP_STATUS_RED, true, "0.73");
    /* no target: ordinary rounding whatever the value */
    bp_kpi k;
    memset(&k, 0, sizeof k);
    k.unit = BP_UNIT_PERCENT;
    bp_result r = result(bp_num_frac(2963, 3119), floor95);
    r.target = -1;
    char buf[64];
    assert_false(bp_format_board_value(&k, &r, BP_MONEY_POUNDS, buf, sizeof buf));
    assert_string_equal(buf, "95.0%");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(more_places_near_a_threshold),
                                       cmocka_unit_test(money_in_a_boards_units),
                                       cmocka_unit_test(rounded_toward_the_failing_side)};
    return cmocka_run_group_tests_name("format", tests, NULL, NULL) ? 1 : 0;
}
