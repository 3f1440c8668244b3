/* bp_format: values that rounding would make read as their threshold. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(more_places_near_a_threshold)};
    return cmocka_run_group_tests_name("format", tests, NULL, NULL) ? 1 : 0;
}
