/* bp_num: the exact rationals every figure and every threshold comparison is made of -
 * normal form, arithmetic, the overflow limit (parts below 2^100, else no data, never a
 * wrapped value), comparisons at thresholds, pence, parsing and the plain text of a
 * threshold.  Every expected value is worked out by hand in the comment beside it. */
#include "bp_test.h"

#include <stdbool.h>
#include <stdlib.h>

/* 2^k as a 128-bit integer */
#define P2(k) ((bp_i128)1 << (k))

/* v is valid and held exactly as n/d in lowest terms with d > 0 (the normal form). */
#define assert_parts(value, n, d) do { \
        bp_num p_ = (value); \
        assert_true(p_.ok); \
        assert_true(p_.num == (bp_i128)(n)); \
        assert_true(p_.den == (bp_i128)(d)); \
    } while (0)

static bp_num parsed(const char *s)
{
    bp_num v = bp_num_none();
    if (!bp_num_parse(s, strlen(s), &v)) fail_msg("rejected \"%s\"", s);
    return v;
}

/* ---------- construction and normal form ---------- */

static void test_normal_form(void **state)
{
    (void)state;
    assert_parts(bp_num_int(7), 7, 1);
    assert_parts(bp_num_int(-7), -7, 1);
    assert_parts(bp_num_int(0), 0, 1);
    /* 6/-4: the sign moves to the numerator, then gcd 2: -3/2 */
    assert_parts(bp_num_frac(6, -4), -3, 2);
    /* -4/-6: both signs cancel, gcd 2: 2/3 */
    assert_parts(bp_num_frac(-4, -6), 2, 3);
    /* zero over anything is 0/1 (gcd(0, 5) = 5) */
    assert_parts(bp_num_frac(0, -5), 0, 1);
    /* 12/4 = 3/1 */
    assert_parts(bp_num_frac(12, 4), 3, 1);
    /* 1000000/1000000 = 1 */
    assert_parts(bp_num_frac(1000000, 1000000), 1, 1);
    /* a zero denominator is no data */
    assert_num_none(bp_num_frac(7, 0));
    assert_num_none(bp_num_frac(0, 0));
    assert_num_none(bp_num_none());
    /* INT64_MIN / -1 = 2^63, which int64 cannot hold but the 128-bit parts can */
    assert_parts(bp_num_frac(INT64_MIN, -1), P2(63), 1);
    /* INT64_MIN / INT64_MIN = 1 */
    assert_parts(bp_num_frac(INT64_MIN, INT64_MIN), 1, 1);
    /* INT64_MAX / INT64_MAX = 1; INT64_MAX = 2^63 - 1 */
    assert_parts(bp_num_frac(INT64_MAX, INT64_MAX), 1, 1);
    assert_parts(bp_num_int(INT64_MAX), P2(63) - 1, 1);
}

static void test_pence_and_micros(void **state)
{
    (void)state;
    /* 150p = 150/100 = £3/2 */
    assert_parts(bp_num_pence(150), 3, 2);
    /* -5p = -5/100 = -1/20 */
    assert_parts(bp_num_pence(-5), -1, 20);
    /* £1,234.56 = 123456/100 = 30864/25 (gcd 4) */
    assert_parts(bp_num_pence(123456), 30864, 25);
    /* 0.733 as millionths: 733000/1000000 = 733/1000 (gcd 1000) */
    assert_parts(bp_num_micros(733000), 733, 1000);
    /* 0.666667: 666667 is odd and does not end in 0 or 5, so gcd with 2^6 5^6 is 1 */
    assert_parts(bp_num_micros(666667), 666667, 1000000);
    /* 1.5 = 1500000/1000000 = 3/2 */
    assert_parts(bp_num_micros(1500000), 3, 2);
    assert_parts(bp_num_micros(-1), -1, 1000000);
    /* INT64_MIN pence = -2^63/100; gcd(2^63, 100) = 4: -2^61/25 */
    assert_parts(bp_num_pence(INT64_MIN), -P2(61), 25);
}

/* ---------- arithmetic ---------- */

static void test_arithmetic(void **state)
{
    (void)state;
    /* 1/6 + 1/3 = 1/6 + 2/6 = 3/6 = 1/2 */
    assert_parts(bp_num_add(bp_num_frac(1, 6), bp_num_frac(1, 3)), 1, 2);
    /* 1/2 - 1/3 = 3/6 - 2/6 = 1/6 */
    assert_parts(bp_num_sub(bp_num_frac(1, 2), bp_num_frac(1, 3)), 1, 6);
    /* 1/3 - 1/2 = -1/6 */
    assert_parts(bp_num_sub(bp_num_frac(1, 3), bp_num_frac(1, 2)), -1, 6);
    /* 2/3 x 9/4 = 18/12 = 3/2 */
    assert_parts(bp_num_mul(bp_num_frac(2, 3), bp_num_frac(9, 4)), 3, 2);
    /* -2/3 x -3/2 = 1 */
    assert_parts(bp_num_mul(bp_num_frac(-2, 3), bp_num_frac(-3, 2)), 1, 1);
    /* (3/4) / (-9/8) = 3/4 x -8/9 = -24/36 = -2/3 */
    assert_parts(bp_num_div(bp_num_frac(3, 4), bp_num_frac(-9, 8)), -2, 3);
    /* (-1/2) / (-1/4) = 2 */
    assert_parts(bp_num_div(bp_num_frac(-1, 2), bp_num_frac(-1, 4)), 2, 1);
    /* £1,234.56 + £0.44 = 123500p = £1,235 */
    assert_parts(bp_num_add(bp_num_pence(123456), bp_num_pence(44)), 1235, 1);
    /* x - x = 0/1, and zero is zero */
    bp_num z = bp_num_sub(bp_num_frac(5, 7), bp_num_frac(5, 7));
    assert_parts(z, 0, 1);
    assert_true(bp_num_is_zero(z));
    assert_false(bp_num_is_zero(bp_num_frac(1, 1000000)));
    assert_false(bp_num_is_zero(bp_num_none()));
    /* 0 x anything = 0/1 */
    assert_parts(bp_num_mul(bp_num_int(0), bp_num_frac(-7, 3)), 0, 1);
    /* negation */
    assert_parts(bp_num_neg(bp_num_frac(2, 3)), -2, 3);
    assert_parts(bp_num_neg(bp_num_frac(-2, 3)), 2, 3);
    assert_num_none(bp_num_neg(bp_num_none()));
    /* a staff-cost ratio: £733,000.00 / £1,000,000.00 = 73300000/100000000 = 733/1000 */
    assert_parts(bp_num_div(bp_num_pence(73300000), bp_num_pence(100000000)), 733, 1000);
}

static void test_no_data_and_division_by_zero(void **state)
{
    (void)state;
    bp_num none = bp_num_none(), one = bp_num_int(1);
    /* no data in, no data out, on either side */
    assert_num_none(bp_num_add(none, one));
    assert_num_none(bp_num_add(one, none));
    assert_num_none(bp_num_sub(none, one));
    assert_num_none(bp_num_sub(one, none));
    assert_num_none(bp_num_mul(none, one));
    assert_num_none(bp_num_mul(one, none));
    assert_num_none(bp_num_div(none, one));
    assert_num_none(bp_num_div(one, none));
    /* division by zero is no data, whatever the numerator */
    assert_num_none(bp_num_div(one, bp_num_int(0)));
    assert_num_none(bp_num_div(bp_num_int(0), bp_num_int(0)));
    assert_num_none(bp_num_div(bp_num_frac(-3, 7), bp_num_sub(bp_num_frac(1, 3), bp_num_frac(2, 6))));
    /* zero divided by something is zero */
    assert_parts(bp_num_div(bp_num_int(0), bp_num_frac(5, 2)), 0, 1);
}

/* ---------- overflow: exact below 2^100, no data at and beyond it ---------- */

static void test_beyond_int64_is_exact(void **state)
{
    (void)state;
    /* sums and products that overflow int64 are exact in the 128-bit parts */
    /* INT64_MAX + 1 = 2^63 */
    assert_parts(bp_num_add(bp_num_int(INT64_MAX), bp_num_int(1)), P2(63), 1);
    /* INT64_MIN - 1 = -2^63 - 1 */
    assert_parts(bp_num_sub(bp_num_int(INT64_MIN), bp_num_int(1)), -P2(63) - 1, 1);
    /* INT64_MAX x 2 = 2^64 - 2 */
    assert_parts(bp_num_mul(bp_num_int(INT64_MAX), bp_num_int(2)), P2(64) - 2, 1);
    /* INT64_MAX pence twice: (2^64 - 2)/100; 2^64 - 2 = 2 x INT64_MAX and INT64_MAX is odd
     * and ends in 7, so gcd is 2: INT64_MAX/50 */
    assert_parts(bp_num_add(bp_num_pence(INT64_MAX), bp_num_pence(INT64_MAX)), INT64_MAX, 50);
    /* 2^40 x 2^40 = 2^80 */
    assert_parts(bp_num_mul(bp_num_int(INT64_C(1) << 40), bp_num_int(INT64_C(1) << 40)), P2(80), 1);
}

static void test_overflow_is_no_data(void **state)
{
    (void)state;
    bp_num p50 = bp_num_int(INT64_C(1) << 50), p62 = bp_num_int(INT64_C(1) << 62);
    bp_num p99 = bp_num_mul(p62, bp_num_int(INT64_C(1) << 37));   /* 2^62 x 2^37 = 2^99 */
    assert_parts(p99, P2(99), 1);

    /* products: 2^50 x (2^50 - 1) = 2^100 - 2^50 is just inside; 2^50 x 2^50 = 2^100 is not */
    assert_parts(bp_num_mul(p50, bp_num_int((INT64_C(1) << 50) - 1)), P2(100) - P2(50), 1);
    assert_num_none(bp_num_mul(p50, p50));
    assert_num_none(bp_num_mul(bp_num_neg(p50), p50));   /* -2^100: the magnitude counts */
    /* (2^63 - 1)^2 = 2^126 - 2^64 + 1, and (-2^63)^2 = 2^126: far past the limit */
    assert_num_none(bp_num_mul(bp_num_int(INT64_MAX), bp_num_int(INT64_MAX)));
    assert_num_none(bp_num_mul(bp_num_int(INT64_MIN), bp_num_int(INT64_MIN)));
    /* 2^99 x 2^99 = 2^198 overflows 128 bits itself: still no data, never wrapped */
    assert_num_none(bp_num_mul(p99, p99));
    assert_num_none(bp_num_mul(bp_num_neg(p99), p99));

    /* sums: 2^99 + (2^99 - 1) = 2^100 - 1 is the largest part; 2^99 + 2^99 = 2^100 is not */
    bp_num p99m1 = bp_num_sub(p99, bp_num_int(1));
    assert_parts(p99m1, P2(99) - 1, 1);
    assert_parts(bp_num_add(p99, p99m1), P2(100) - 1, 1);
    assert_num_none(bp_num_add(p99, p99));
    assert_num_none(bp_num_sub(bp_num_neg(p99), p99));   /* -2^100 */

    /* denominators: 1/2^62 x 1/2^37 = 1/2^99 is kept, 1/2^62 x 1/2^38 = 1/2^100 is not */
    bp_num i62 = bp_num_frac(1, INT64_C(1) << 62);
    assert_parts(bp_num_mul(i62, bp_num_frac(1, INT64_C(1) << 37)), 1, P2(99));
    assert_num_none(bp_num_mul(i62, bp_num_frac(1, INT64_C(1) << 38)));
    /* 1/(2^63 - 1) + 1/(2^63 - 2): consecutive, so coprime, so the common denominator is
     * their product, about 2^126 */
    assert_num_none(bp_num_add(bp_num_frac(1, INT64_MAX), bp_num_frac(1, INT64_MAX - 1)));
    /* division: 2^99 / (1/2) = 2^100 */
    assert_num_none(bp_num_div(p99, bp_num_frac(1, 2)));
    assert_parts(bp_num_div(p99, bp_num_int(2)), P2(98), 1);

    /* no data carries on through later operations: a total never comes back from it */
    bp_num lost = bp_num_mul(p50, p50);
    assert_num_none(bp_num_sub(lost, bp_num_mul(p50, p50)));
    assert_num_none(bp_num_mul(lost, bp_num_int(0)));
}

/* ---------- comparison ---------- */

static void test_compare_at_thresholds(void **state)
{
    (void)state;
    bp_num t = parsed("0.733");
    assert_parts(t, 733, 1000);
    /* £73,300.00 / £100,000.00 = 733/1000: exactly the threshold */
    assert_int_equal(bp_num_cmp(bp_num_div(bp_num_pence(7330000), bp_num_pence(10000000)), t), 0);
    /* £73,299.99 / £100,000.00 = 0.7329999: one penny below */
    assert_int_equal(bp_num_cmp(bp_num_div(bp_num_pence(7329999), bp_num_pence(10000000)), t), -1);
    /* £73,300.01 / £100,000.00 = 0.7330001: one penny above */
    assert_int_equal(bp_num_cmp(bp_num_div(bp_num_pence(7330001), bp_num_pence(10000000)), t), 1);
    /* one millionth either side */
    assert_int_equal(bp_num_cmp(bp_num_micros(733000), t), 0);
    assert_int_equal(bp_num_cmp(bp_num_micros(732999), t), -1);
    assert_int_equal(bp_num_cmp(bp_num_micros(733001), t), 1);
    assert_int_equal(bp_num_cmp(t, bp_num_micros(732999)), 1);
    assert_int_equal(bp_num_cmp(t, bp_num_micros(733001)), -1);
    /* a percentage threshold is the same number: 73.3% = 733/1000 */
    assert_int_equal(bp_num_cmp(parsed("73.3%"), t), 0);

    /* 2/3 against thresholds written to six places:
     * 2/3 - 0.666666 = (2000000 - 1999998)/3000000 = 2/3000000 > 0
     * 2/3 - 0.666667 = (2000000 - 2000001)/3000000 = -1/3000000 < 0 */
    bp_num two3 = bp_num_frac(2, 3);
    assert_int_equal(bp_num_cmp(two3, parsed("0.666666")), 1);
    assert_int_equal(bp_num_cmp(two3, parsed("0.666667")), -1);
    assert_int_equal(bp_num_cmp(parsed("0.666666"), two3), -1);
    assert_int_equal(bp_num_cmp(parsed("0.666667"), two3), 1);
    assert_int_equal(bp_num_cmp(two3, parsed("66.6666%")), 1);
    /* 4 of 6 pupils is 2/3 exactly */
    assert_int_equal(bp_num_cmp(bp_num_div(bp_num_int(4), bp_num_int(6)), two3), 0);

    /* where floating point goes wrong: 0.1 + 0.2 is 0.30000000000000004 in doubles,
     * exactly 3/10 here */
    assert_int_equal(bp_num_cmp(bp_num_add(parsed("0.1"), parsed("0.2")), parsed("0.3")), 0);
    /* 1/3 + 1/3 + 1/3 = 1 */
    bp_num third = bp_num_frac(1, 3);
    assert_int_equal(bp_num_cmp(bp_num_add(bp_num_add(third, third), third), bp_num_int(1)), 0);

    /* a negative threshold: an in-year deficit of 0.5% = -1/200
     * -1/199 = -0.0050251... is below it; -1/201 = -0.0049751... is above it */
    bp_num d = parsed("-0.5%");
    assert_parts(d, -1, 200);
    assert_int_equal(bp_num_cmp(bp_num_frac(-1, 200), d), 0);
    assert_int_equal(bp_num_cmp(bp_num_frac(-1, 199), d), -1);
    assert_int_equal(bp_num_cmp(bp_num_frac(-1, 201), d), 1);
}

static void test_compare_signs_and_whole_parts(void **state)
{
    (void)state;
    /* equal whole parts, one with no remainder: 2 < 5/2, -3 > -7/2 (floor -4 + 1/2) */
    assert_int_equal(bp_num_cmp(bp_num_int(2), bp_num_frac(5, 2)), -1);
    assert_int_equal(bp_num_cmp(bp_num_frac(5, 2), bp_num_int(2)), 1);
    assert_int_equal(bp_num_cmp(bp_num_int(-3), bp_num_frac(-7, 2)), 1);
    assert_int_equal(bp_num_cmp(bp_num_frac(-7, 2), bp_num_int(-3)), -1);
    assert_int_equal(bp_num_cmp(bp_num_frac(-7, 2), bp_num_frac(-5, 2)), -1);
    assert_int_equal(bp_num_cmp(bp_num_frac(-1, 2), bp_num_int(0)), -1);
    assert_int_equal(bp_num_cmp(bp_num_int(0), bp_num_int(0)), 0);
    assert_int_equal(bp_num_cmp(bp_num_frac(-5, 2), parsed("-2.5")), 0);

    /* Against an independent oracle: every pair n1/d1, n2/d2 with n in -7..7, d in 1..6,
     * ordered by the sign of n1 d2 - n2 d1 (small enough for int64). */
    for (int64_t n1 = -7; n1 <= 7; n1++)
        for (int64_t d1 = 1; d1 <= 6; d1++)
            for (int64_t n2 = -7; n2 <= 7; n2++)
                for (int64_t d2 = 1; d2 <= 6; d2++) {
                    int64_t x = n1 * d2 - n2 * d1;
                    int want = (x > 0) - (x < 0);
                    int got = bp_num_cmp(bp_num_frac(n1, d1), bp_num_frac(n2, d2));
                    if (got != want)
                        fail_msg("cmp(%lld/%lld, %lld/%lld) = %d, expected %d", (long long)n1,
                                 (long long)d1, (long long)n2, (long long)d2, got, want);
                }
}

static void test_compare_large_parts(void **state)
{
    (void)state;
    /* Parts near the limit, where cross products (about 2^198) would overflow 128 bits.
     * a = (2^99 - 1)/2^99, b = (2^99 - 2)/(2^99 - 1): a - b has the sign of
     * (2^99 - 1)^2 - (2^99 - 2) 2^99 = (2^198 - 2^100 + 1) - (2^198 - 2^100) = 1 > 0. */
    bp_num p99 = bp_num_mul(bp_num_int(INT64_C(1) << 62), bp_num_int(INT64_C(1) << 37));
    bp_num m1 = bp_num_sub(p99, bp_num_int(1)), m2 = bp_num_sub(p99, bp_num_int(2));
    bp_num a = bp_num_div(m1, p99), b = bp_num_div(m2, m1);
    assert_parts(a, P2(99) - 1, P2(99));
    assert_parts(b, P2(99) - 2, P2(99) - 1);
    assert_int_equal(bp_num_cmp(a, b), 1);
    assert_int_equal(bp_num_cmp(b, a), -1);
    assert_int_equal(bp_num_cmp(a, a), 0);
    /* (2^62 - 1)/2^62 < 2^62/(2^62 + 1): (2^62 - 1)(2^62 + 1) = 2^124 - 1 < 2^124 */
    int64_t n = INT64_C(1) << 62;
    assert_int_equal(bp_num_cmp(bp_num_frac(n - 1, n), bp_num_frac(n, n + 1)), -1);
    /* the largest parts: 2^100 - 1 > 2^100 - 2, and negated the other way round */
    bp_num big = bp_num_add(p99, m1), big2 = bp_num_add(m1, m1);   /* 2^100 - 1, 2^100 - 2 */
    assert_int_equal(bp_num_cmp(big, big2), 1);
    assert_int_equal(bp_num_cmp(bp_num_neg(big), bp_num_neg(big2)), -1);
}

/* ---------- to pence, to double ---------- */

static int64_t to_pence(bp_num v)
{
    int64_t p = -777;
    if (!bp_num_to_pence(v, &p)) fail_msg("to_pence refused");
    return p;
}

static void test_to_pence(void **state)
{
    (void)state;
    assert_int_equal(to_pence(bp_num_pence(123456)), 123456);
    assert_int_equal(to_pence(bp_num_pence(-5)), -5);
    assert_int_equal(to_pence(bp_num_int(0)), 0);
    /* half a penny and more rounds away from zero, less rounds towards it:
     * £1/8 = 12.5p -> 13p; -£1/8 -> -13p */
    assert_int_equal(to_pence(bp_num_frac(1, 8)), 13);
    assert_int_equal(to_pence(bp_num_frac(-1, 8)), -13);
    /* £1/3 = 33.33..p -> 33p; £2/3 = 66.66..p -> 67p; -£2/3 -> -67p */
    assert_int_equal(to_pence(bp_num_frac(1, 3)), 33);
    assert_int_equal(to_pence(bp_num_frac(2, 3)), 67);
    assert_int_equal(to_pence(bp_num_frac(-2, 3)), -67);
    /* £0.005 = 0.5p -> 1p; £0.004999 = 0.4999p -> 0p (either sign) */
    assert_int_equal(to_pence(bp_num_frac(5, 1000)), 1);
    assert_int_equal(to_pence(bp_num_frac(-5, 1000)), -1);
    assert_int_equal(to_pence(bp_num_micros(4999)), 0);
    assert_int_equal(to_pence(bp_num_micros(-4999)), 0);
    /* £10,000.00 shared three ways: 333333.33..p -> 333333p */
    assert_int_equal(to_pence(bp_num_div(bp_num_pence(1000000), bp_num_int(3))), 333333);
    /* the ends of int64 */
    assert_int_equal(to_pence(bp_num_pence(INT64_MAX)), INT64_MAX);
    assert_true(to_pence(bp_num_pence(INT64_MIN)) == INT64_MIN);

    /* beyond int64 pence, or no data: refused and *pence untouched */
    int64_t p = -777;
    assert_false(bp_num_to_pence(bp_num_add(bp_num_pence(INT64_MAX), bp_num_pence(1)), &p));
    assert_false(bp_num_to_pence(bp_num_sub(bp_num_pence(INT64_MIN), bp_num_pence(1)), &p));
    assert_false(bp_num_to_pence(bp_num_int(INT64_MAX), &p));      /* x 100 */
    /* 2^99 pounds: x 100 still fits 128 bits, the pence do not fit 64 */
    assert_false(bp_num_to_pence(bp_num_mul(bp_num_int(INT64_C(1) << 62),
                                            bp_num_int(INT64_C(1) << 37)), &p));
    assert_false(bp_num_to_pence(bp_num_none(), &p));
    assert_int_equal(p, -777);
}

static void test_to_double(void **state)
{
    (void)state;
    /* values a double holds exactly */
    assert_true(bp_num_to_double(bp_num_frac(3, 2)) == 1.5);
    assert_true(bp_num_to_double(bp_num_frac(-7, 2)) == -3.5);
    assert_true(bp_num_to_double(bp_num_frac(1, 4)) == 0.25);
    assert_true(bp_num_to_double(bp_num_int(INT64_C(1) << 53)) == 9007199254740992.0);
    assert_true(bp_num_to_double(bp_num_none()) == 0.0);
}

/* ---------- parsing and plain text ---------- */

static void test_parse(void **state)
{
    (void)state;
    assert_parts(parsed("0.5"), 1, 2);
    assert_parts(parsed("75%"), 3, 4);
    assert_parts(parsed("1,650"), 1650, 1);
    assert_parts(parsed("-2"), -2, 1);
    assert_parts(parsed("+3"), 3, 1);
    assert_parts(parsed("-0"), 0, 1);
    assert_parts(parsed(" \t0.733\t "), 733, 1000);
    /* 12,345.5 = 123455/10 = 24691/2 */
    assert_parts(parsed("12,345.5"), 24691, 2);
    assert_parts(parsed("1,234,567"), 1234567, 1);
    /* 1,234.5% = 12345/1000 = 2469/200; 1,234% = 1234/100 = 617/50 */
    assert_parts(parsed("1,234.5%"), 2469, 200);
    assert_parts(parsed("1,234%"), 617, 50);
    assert_parts(parsed(".25"), 1, 4);
    assert_parts(parsed("2."), 2, 1);
    /* twelve decimal places are the most: 1/10^12 */
    assert_parts(parsed("0.000000000001"), 1, INT64_C(1000000000000));
    /* thirty digits are the most: 10^30 - 1 */
    bp_num big = parsed("999999999999999999999999999999");
    bp_i128 e30 = 1;
    for (int i = 0; i < 30; i++) e30 *= 10;
    assert_parts(big, e30 - 1, 1);

    static const char *const bad[] = {
        "", " ", "-", "+", ".", "%", "5%%", "%5", "1.5e", "1e3", "1.2.3", "- 5", "1 000",
        "1,65", "1,6500", ",123", "1234,567", "1,234,56", "1,,234", "1.234,5", "0x10",
        "0.0000000000001",                     /* 13 decimal places */
        "9999999999999999999999999999999",     /* 31 digits */
        "\xC2\xA3" "5", "5 %x", "five",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bp_num v = bp_num_int(42);
        if (bp_num_parse(bad[i], strlen(bad[i]), &v)) fail_msg("accepted \"%s\"", bad[i]);
        assert_parts(v, 42, 1);   /* untouched on failure */
    }
    /* the length bounds the text: "0.75" read as its first three characters, "0.7" */
    bp_num v;
    assert_true(bp_num_parse("0.75", 3, &v));
    assert_parts(v, 7, 10);
}

static void plain(bp_num v, const char *want)
{
    char buf[64];
    bp_num_format_plain(v, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_format_plain(void **state)
{
    (void)state;
    /* terminating decimals of at most six places print exactly */
    plain(bp_num_frac(733, 1000), "0.733");
    plain(bp_num_frac(3, 4), "0.75");
    plain(bp_num_frac(-5, 2), "-2.5");
    plain(bp_num_frac(-1, 4), "-0.25");
    plain(bp_num_frac(1, 1000), "0.001");
    plain(bp_num_frac(1, 1000000), "0.000001");
    plain(bp_num_frac(1, 64), "0.015625");   /* 10^6 = 2^6 5^6, so 1/2^6 has six places */
    plain(bp_num_int(1650), "1650");
    plain(bp_num_int(0), "0");
    plain(bp_num_int(-3), "-3");
    plain(bp_num_int(INT64_C(1) << 62), "4611686018427387904");
    /* anything else: six significant figures */
    plain(bp_num_frac(1, 3), "0.333333");
    plain(bp_num_frac(2, 3), "0.666667");
    plain(bp_num_frac(1, 128), "0.0078125");   /* seven places: 0.00781250 to 6 figures */
    plain(bp_num_frac(1, 10000000), "1e-07");
    plain(bp_num_none(), "no data");
    /* a short buffer is cut, never overrun: "0.733" into 4 bytes is "0.7" */
    char small[4];
    bp_num_format_plain(bp_num_frac(733, 1000), small, sizeof small);
    assert_string_equal(small, "0.7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_form),
        cmocka_unit_test(test_pence_and_micros),
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_no_data_and_division_by_zero),
        cmocka_unit_test(test_beyond_int64_is_exact),
        cmocka_unit_test(test_overflow_is_no_data),
        cmocka_unit_test(test_compare_at_thresholds),
        cmocka_unit_test(test_compare_signs_and_whole_parts),
        cmocka_unit_test(test_compare_large_parts),
        cmocka_unit_test(test_to_pence),
        cmocka_unit_test(test_to_double),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
