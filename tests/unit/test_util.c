/* bp_util: UTF-8 decoding at every edge RFC 3629 draws, array growth, digit grouping (and
 * the grouping as its two users print it), calendar dates.  Every expected value worked
 * out by hand. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_format.h"
#include "bp_money.h"
#include "bp_util.h"

/* Decodes the bytes of s (all of them available) and checks length and code point. */
static void expect_utf8(const char *s, size_t len, size_t n, uint32_t cp)
{
    uint32_t got = 0xDEADu;
    size_t k = bp_utf8_decode((const unsigned char *)s, len, &got);
    if (k != n) fail_msg("length %zu, expected %zu", k, n);
    if (n) assert_int_equal(got, cp);
}

static void expect_bad(const char *s, size_t len)
{
    assert_int_equal(bp_utf8_decode((const unsigned char *)s, len, NULL), 0);
}

static void utf8_valid_at_every_boundary(void **state)
{
    (void)state;
    expect_utf8("A", 1, 1, 0x41);
    expect_utf8("", 1, 1, 0);                         /* NUL is ASCII: callers judge it */
    expect_utf8("\x7F", 1, 1, 0x7F);
    expect_utf8("\xC2\x80", 2, 2, 0x80);              /* the first two-byte character */
    expect_utf8("\xC2\xA3", 2, 2, 0xA3);              /* the pound sign */
    expect_utf8("\xDF\xBF", 2, 2, 0x7FF);
    expect_utf8("\xE0\xA0\x80", 3, 3, 0x800);         /* the first three-byte character */
    expect_utf8("\xE2\x82\xAC", 3, 3, 0x20AC);        /* the euro sign */
    expect_utf8("\xED\x9F\xBF", 3, 3, 0xD7FF);        /* just below the surrogates */
    expect_utf8("\xEE\x80\x80", 3, 3, 0xE000);        /* just above them */
    expect_utf8("\xEF\xBF\xBF", 3, 3, 0xFFFF);
    expect_utf8("\xF0\x90\x80\x80", 4, 4, 0x10000);   /* the first four-byte character */
    expect_utf8("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF);  /* the last code point */
    /* only the character's own bytes are taken */
    expect_utf8("\xC2\xA3xyz", 5, 2, 0xA3);
    /* the code point is optional */
    assert_int_equal(bp_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3, NULL), 3);
}

static void utf8_invalid(void **state)
{
    (void)state;
    expect_bad("A", 0);                               /* nothing to read */
    expect_bad("\x80", 1);                            /* a continuation byte first */
    expect_bad("\xBF", 1);
    expect_bad("\xC0\x80", 2);                        /* overlong NUL */
    expect_bad("\xC1\xBF", 2);                        /* overlong U+007F */
    expect_bad("\xE0\x9F\xBF", 3);                    /* overlong U+07FF */
    expect_bad("\xF0\x8F\xBF\xBF", 4);                /* overlong U+FFFF */
    expect_bad("\xED\xA0\x80", 3);                    /* U+D800, the first surrogate */
    expect_bad("\xED\xBF\xBF", 3);                    /* U+DFFF, the last */
    expect_bad("\xF4\x90\x80\x80", 4);                /* U+110000: U+10FFFF + 1 */
    expect_bad("\xF5\x80\x80\x80", 4);                /* no lead byte above 0xF4 */
    expect_bad("\xFF", 1);
    expect_bad("\xE2\x41\xAC", 3);                    /* a continuation missing */
    expect_bad("\xE2\x82\x41", 3);
    expect_bad("\xF0\x90\x80\xC0", 4);
    /* cut short: by the bytes available, and by a string's NUL */
    expect_bad("\xE2\x82\xAC", 2);
    expect_bad("\xF0\x90\x80\x80", 3);
    expect_bad("\xC2", 1);
    expect_bad("\xE2\x82", SIZE_MAX);                 /* stops at the NUL after 0x82 */
}

static void grow_doubles_and_keeps(void **state)
{
    (void)state;
    size_t cap = 0;
    assert_null(bp_grow(NULL, &cap, 0, sizeof(int)));   /* nothing needed, nothing made */
    assert_int_equal(cap, 0);
    int *a = bp_grow(NULL, &cap, 1, sizeof *a);
    assert_non_null(a);
    assert_int_equal(cap, 16);
    for (int i = 0; i < 16; i++) a[i] = i * 7;
    assert_ptr_equal(bp_grow(a, &cap, 16, sizeof *a), a);   /* room already */
    assert_int_equal(cap, 16);
    a = bp_grow(a, &cap, 17, sizeof *a);
    assert_non_null(a);
    assert_int_equal(cap, 32);
    a = bp_grow(a, &cap, 100, sizeof *a);                  /* 32 -> 64 -> 128 */
    assert_non_null(a);
    assert_int_equal(cap, 128);
    for (int i = 0; i < 16; i++) assert_int_equal(a[i], i * 7);
    /* a size that overflows: refused, the array and its capacity untouched */
    assert_null(bp_grow(a, &cap, SIZE_MAX, sizeof *a));
    assert_int_equal(cap, 128);
    assert_int_equal(a[15], 105);
    size_t c2 = 0;
    assert_null(bp_grow(NULL, &c2, 2, SIZE_MAX / 4));     /* 16 elements of SIZE_MAX/4 */
    assert_int_equal(c2, 0);
    free(a);
}

/* v's digits as bp_digits_before writes them, checked to stay within their bytes. */
static void expect_digits(bp_u128 v, bool grouped, const char *want)
{
    char buf[80];
    memset(buf, '#', sizeof buf);
    char *end = buf + 70;
    char *start = bp_digits_before(v, grouped, end);
    assert_int_equal(end - start, (long)strlen(want));
    assert_memory_equal(start, want, strlen(want));
    assert_int_equal(start[-1], '#');
    assert_int_equal(*end, '#');
}

static void digits_grouped_in_thousands(void **state)
{
    (void)state;
    expect_digits(0, true, "0");
    expect_digits(0, false, "0");
    expect_digits(7, true, "7");
    expect_digits(999, true, "999");
    expect_digits(1000, true, "1,000");
    expect_digits(1000, false, "1000");
    expect_digits(12345, true, "12,345");
    expect_digits(999999, true, "999,999");
    expect_digits(1000000, true, "1,000,000");
    /* the largest 64-bit value, one more (the 128-bit path), and 10^20 (21 digits, the
     * commas counted on across both paths) */
    expect_digits(UINT64_MAX, true, "18,446,744,073,709,551,615");
    expect_digits((bp_u128)UINT64_MAX + 1, true, "18,446,744,073,709,551,616");
    expect_digits((bp_u128)UINT64_MAX + 1, false, "18446744073709551616");
    expect_digits((bp_u128)10000000000u * 10000000000u, true, "100,000,000,000,000,000,000");
    /* 2^128 - 1: 39 digits and 12 commas */
    expect_digits(~(bp_u128)0, true, "340,282,366,920,938,463,463,374,607,431,768,211,455");
}

/* The grouping as money and figures print it: signs, rounding, the extremes. */
static void grouping_in_money_and_figures(void **state)
{
    (void)state;
    char b[64];
    bp_money_format(0, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "0");
    bp_money_format(99999, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "999.99");
    bp_money_format(100000, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "1,000");
    bp_money_format(-100000, false, b, sizeof b);
    assert_string_equal(b, "-\xC2\xA3" "1,000");
    /* -9,223,372,036,854,775,808 pence */
    bp_money_format(INT64_MIN, false, b, sizeof b);
    assert_string_equal(b, "-\xC2\xA3" "92,233,720,368,547,758.08");
    bp_money_format(INT64_MAX, false, b, sizeof b);
    assert_string_equal(b, "\xC2\xA3" "92,233,720,368,547,758.07");

    bp_format_number(bp_num_int(0), 0, b, sizeof b);
    assert_string_equal(b, "0");
    bp_format_number(bp_num_int(999), 0, b, sizeof b);
    assert_string_equal(b, "999");
    bp_format_number(bp_num_int(1000), 0, b, sizeof b);
    assert_string_equal(b, "1,000");
    bp_format_number(bp_num_int(-1000), 0, b, sizeof b);
    assert_string_equal(b, "-1,000");
    bp_format_number(bp_num_frac(1999, 2), 0, b, sizeof b);     /* 999.5, half away from 0 */
    assert_string_equal(b, "1,000");
    bp_format_number(bp_num_frac(-1999, 2), 0, b, sizeof b);
    assert_string_equal(b, "-1,000");
    bp_format_number(bp_num_frac(-12345678, 100), 2, b, sizeof b);
    assert_string_equal(b, "-123,456.78");
    bp_format_number(bp_num_int(INT64_MIN), 0, b, sizeof b);
    assert_string_equal(b, "-9,223,372,036,854,775,808");
    /* cut to the buffer from the left, as snprintf would */
    char small[6];
    bp_format_number(bp_num_int(-1234567), 0, small, sizeof small);
    assert_string_equal(small, "-1,23");
}

static void expect_date(int64_t days, int64_t y, int m, int d)
{
    int64_t year = -1;
    int month = -1, day = -1;
    bp_civil_from_days(days, &year, &month, &day);
    if (year != y || month != m || day != d)
        fail_msg("day %lld: %lld-%02d-%02d, expected %lld-%02d-%02d", (long long)days,
                 (long long)year, month, day, (long long)y, m, d);
}

/* Day numbers counted by hand from 1970-01-01: 365 a year, one more in a leap year. */
static void calendar_dates_of_day_numbers(void **state)
{
    (void)state;
    expect_date(0, 1970, 1, 1);
    expect_date(-1, 1969, 12, 31);
    expect_date(10957, 2000, 1, 1);       /* 30 x 365 + 7 leap days (1972 ... 1996) */
    expect_date(11016, 2000, 2, 29);      /* + 31 + 28: 2000 is a leap year (400) */
    expect_date(11017, 2000, 3, 1);
    expect_date(19681, 2023, 11, 20);     /* 53 x 365 + 13, + 304 + 19 */
    expect_date(-25509, 1900, 2, 28);     /* -(70 x 365 + 17) + 58: 1900 is not leap */
    expect_date(-25508, 1900, 3, 1);
    expect_date(-719162, 1, 1, 1);        /* the first day a PDF date can hold */
    expect_date(-719468, 0, 3, 1);        /* the start of the 400-year eras */
    expect_date(-719469, 0, 2, 29);       /* year 0 is a leap year */
    expect_date(2932896, 9999, 12, 31);   /* the last day a PDF date can hold */
}

/* By key only, so that equal keys show whether the sort keeps their order. */
static int by_key(size_t a, size_t b, const void *ctx)
{
    const int *k = ctx;
    return k[a] < k[b] ? -1 : k[a] > k[b];
}

/* Indexes sorted by their keys, equal keys in index order (stable): worked out by hand
 * for a small case, and for 1,000 keys of ten values against counting them out. */
static void indexes_sorted_stably_with_a_context(void **state)
{
    (void)state;
    static const int keys[] = {3, 1, 2, 1, 3, 0, 2};
    size_t v[] = {0, 1, 2, 3, 4, 5, 6};
    assert_true(bp_sort_indexes(v, 7, by_key, keys));
    const size_t want[] = {5, 1, 3, 2, 6, 0, 4};
    for (size_t i = 0; i < 7; i++) assert_int_equal(v[i], want[i]);
    assert_true(bp_sort_indexes(v, 0, by_key, keys));     /* nothing to sort */
    size_t one = 4;
    assert_true(bp_sort_indexes(&one, 1, by_key, keys));
    assert_int_equal(one, 4);
    enum { N = 1000 };
    static int big[N];
    static size_t w[N];
    for (size_t i = 0; i < N; i++) {
        big[i] = (int)((i * 7919) % 10);
        w[i] = N - 1 - i;                  /* handed in backwards */
    }
    assert_true(bp_sort_indexes(w, N, by_key, big));
    /* key by key, the indexes of that key from the largest down (the order given) */
    size_t k = 0;
    for (int key = 0; key < 10; key++)
        for (size_t i = N; i-- > 0;)
            if (big[i] == key) assert_int_equal(w[k++], i);
    assert_int_equal(k, N);
}

static void expect_udigits(uint64_t w, const char *want)
{
    char buf[32];
    buf[31] = 'x';                          /* nothing written at or after end */
    const char *d = bp_udigits_before(w, buf + 31);
    assert_int_equal((size_t)(buf + 31 - d), strlen(want));
    assert_memory_equal(d, want, strlen(want));
    assert_int_equal(buf[31], 'x');
}

/* "%d"'s digits: by hand at the edges of each width. */
static void unsigned_digits_before_end(void **state)
{
    (void)state;
    expect_udigits(0, "0");
    expect_udigits(7, "7");
    expect_udigits(10, "10");
    expect_udigits(1048576, "1048576");
    expect_udigits(2147483648u, "2147483648");
    expect_udigits(UINT32_MAX, "4294967295");
    expect_udigits(UINT64_MAX, "18446744073709551615");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_valid_at_every_boundary),
        cmocka_unit_test(utf8_invalid),
        cmocka_unit_test(grow_doubles_and_keeps),
        cmocka_unit_test(digits_grouped_in_thousands),
        cmocka_unit_test(grouping_in_money_and_figures),
        cmocka_unit_test(calendar_dates_of_day_numbers),
        cmocka_unit_test(indexes_sorted_stably_with_a_context),
        cmocka_unit_test(unsigned_digits_before_end),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL) ? 1 : 0;
}
