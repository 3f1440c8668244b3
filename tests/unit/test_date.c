/* Dates and academic years (bp_model.h) and the documents' date from the as-of date
 * (bp_build_epoch): leap years, month and day bounds, malformed forms, ordering, the
 * "2022/23" years and their check, and the epoch.  Expected values are worked out by hand
 * from known anchors: 2023-01-01 is day 19358 (1672531200 s), 2024-01-01 is day 19723
 * (1704067200 s), and 1900-01-01 is 70 x 365 + 17 leap days (1904..1968) = 25567 days
 * before 1970-01-01. */
#include "bp_test.h"

#include <stdbool.h>
#include <stdlib.h>
#include "bp_build.h"

static int32_t date(const char *s)
{
    int32_t d = INT32_MIN;
    if (!bp_date_parse(s, &d)) fail_msg("rejected \"%s\"", s);
    return d;
}

static void refused(const char *s)
{
    int32_t d = 12345;
    if (bp_date_parse(s, &d)) fail_msg("accepted \"%s\"", s);
    assert_int_equal(d, 12345);   /* untouched */
}

static void test_days_from_known_anchors(void **state)
{
    (void)state;
    assert_int_equal(date("1970-01-01"), 0);
    assert_int_equal(date("1970-01-02"), 1);
    assert_int_equal(date("1900-01-01"), -25567);
    assert_int_equal(date("2023-01-01"), 19358);
    assert_int_equal(date("2024-01-01"), 19723);
    /* 2023-08-31: 19358 + Jan..Jul (31+28+31+30+31+30+31 = 212) + 30 = 19600 */
    assert_int_equal(date("2023-08-31"), 19600);
    assert_int_equal(date("2023-09-01"), 19601);
    /* 2024-02-29: 19723 + 31 + 28 = 19782; 2024-03-01 the day after */
    assert_int_equal(date("2024-02-29"), 19782);
    assert_int_equal(date("2024-03-01"), 19783);
    /* 2000-01-01 = 10957 (30 years, 7 leap days 1972..1996); + 31 + 28 = 2000-02-29 */
    assert_int_equal(date("2000-02-29"), 10957 + 59);
    assert_int_equal(date("2000-03-01"), 10957 + 60);
    /* bp_date_from_ymd agrees, and goes before 1970 */
    assert_int_equal(bp_date_from_ymd(2023, 8, 31), 19600);
    assert_int_equal(bp_date_from_ymd(1969, 12, 31), -1);
}

static void test_leap_years(void **state)
{
    (void)state;
    /* divisible by 4: leap; by 100: not; by 400: leap */
    date("2024-02-29");
    date("2000-02-29");
    date("2400-02-29");
    date("1904-02-29");
    refused("2023-02-29");
    refused("1900-02-29");
    refused("2100-02-29");
    refused("2024-02-30");
    date("2023-02-28");
}

static void test_month_and_day_bounds(void **state)
{
    (void)state;
    static const char *const last[] = {"2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30",
                                       "2023-05-31", "2023-06-30", "2023-07-31", "2023-08-31",
                                       "2023-09-30", "2023-10-31", "2023-11-30", "2023-12-31"};
    static const char *const past[] = {"2023-01-32", "2023-02-29", "2023-03-32", "2023-04-31",
                                       "2023-05-32", "2023-06-31", "2023-07-32", "2023-08-32",
                                       "2023-09-31", "2023-10-32", "2023-11-31", "2023-12-32"};
    for (int m = 0; m < 12; m++) {
        /* the last day of each month is the day before the first of the next */
        int32_t d = date(last[m]);
        int32_t next = m < 11 ? bp_date_from_ymd(2023, m + 2, 1) : bp_date_from_ymd(2024, 1, 1);
        assert_int_equal(d + 1, next);
        refused(past[m]);
    }
    refused("2023-00-10");
    refused("2023-13-01");
    refused("2023-99-01");
    refused("2023-08-00");
    /* the years a data set can hold: 1900 to 2999 */
    date("1900-01-01");
    date("2999-12-31");
    refused("1899-12-31");
    refused("3000-01-01");
    refused("0000-01-01");
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "2023", "2023-08", "2023-8-31", "2023-08-1", "23-08-31", "2023/08/31",
        "31/08/2023", "08/31/2023", "20230831", "2023-08-31 ", " 2023-08-31",
        "2023-08-31T00:00", "2023-08-3a", "2023-0a-31", "2o23-08-31", "+023-08-31",
        "-023-08-31", "2023-08--1", "2023--8-31", "2023_08_31", "2023-08-31\n",
        "31 August 2023", "\xEF\xBC\x92" "023-08-31",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) refused(bad[i]);
}

static void test_order_and_round_trip(void **state)
{
    (void)state;
    /* days order dates: across a month, a year and a leap day */
    assert_true(date("2023-08-31") < date("2023-09-01"));
    assert_int_equal(date("2024-01-01") - date("2023-12-31"), 1);
    assert_int_equal(date("2024-03-01") - date("2024-02-28"), 2);
    assert_int_equal(date("2023-03-01") - date("2023-02-28"), 1);
    /* a leap year has 366 days, a common year 365, 1900 and 2100 common */
    assert_int_equal(date("2025-01-01") - date("2024-01-01"), 366);
    assert_int_equal(date("2024-01-01") - date("2023-01-01"), 365);
    assert_int_equal(date("1901-01-01") - date("1900-01-01"), 365);
    assert_int_equal(date("2001-01-01") - date("2000-01-01"), 366);
    /* 400 Gregorian years are 146097 days */
    assert_int_equal(date("2400-01-01") - date("2000-01-01"), 146097);

    /* every day from 1900-01-01 to 2999-12-31: the calendar steps by one day at a time
     * (day + 1, or the 1st of the next month, or 1 January), and the ISO text of each
     * day parses back to it */
    int py = 1899, pm = 12, pd = 31;
    int32_t first = bp_date_from_ymd(1900, 1, 1), end = bp_date_from_ymd(2999, 12, 31);
    for (int32_t d = first; d <= end; d++) {
        int y, m, dd;
        bp_date_ymd(d, &y, &m, &dd);
        bool step = (y == py && m == pm && dd == pd + 1) || (y == py && m == pm + 1 && dd == 1)
                    || (y == py + 1 && m == 1 && pm == 12 && dd == 1);
        if (!step) fail_msg("day %d is %d-%d-%d after %d-%d-%d", (int)d, y, m, dd, py, pm, pd);
        char iso[16];
        bp_date_format_iso(d, iso, sizeof iso);
        int32_t back = INT32_MIN;
        if (!bp_date_parse(iso, &back) || back != d) fail_msg("%s does not parse back to %d", iso, (int)d);
        py = y, pm = m, pd = dd;
    }
    assert_true(py == 2999 && pm == 12 && pd == 31);
}

static void test_formats(void **state)
{
    (void)state;
    char b[32];
    bp_date_format_long(19600, b, sizeof b);
    assert_string_equal(b, "31 August 2023");
    bp_date_format_long(19601, b, sizeof b);
    assert_string_equal(b, "1 September 2023");
    bp_date_format_long(19782, b, sizeof b);
    assert_string_equal(b, "29 February 2024");
    bp_date_format_iso(19782, b, sizeof b);
    assert_string_equal(b, "2024-02-29");
    bp_date_format_iso(0, b, sizeof b);
    assert_string_equal(b, "1970-01-01");
    bp_date_format_iso(-25567, b, sizeof b);
    assert_string_equal(b, "1900-01-01");
    int y, m, d;
    bp_date_ymd(-1, &y, &m, &d);
    assert_true(y == 1969 && m == 12 && d == 31);
}

static int year(const char *s)
{
    int y = -1;
    if (!bp_year_parse(s, &y)) fail_msg("rejected \"%s\"", s);
    return y;
}

static void test_academic_years(void **state)
{
    (void)state;
    /* held as the starting calendar year */
    assert_int_equal(year("2022/23"), 2022);
    assert_int_equal(year("2022-23"), 2022);
    /* across a century: 1999/00, 2099/00; the first and last years held */
    assert_int_equal(year("1999/00"), 1999);
    assert_int_equal(year("2099/00"), 2099);
    assert_int_equal(year("1900/01"), 1900);
    assert_int_equal(year("2999/00"), 2999);
    /* the second part must be the next year */
    static const char *const bad[] = {
        "2022/24", "2022/22", "2022/21", "1999/01", "2099/01", "2022/2023", "22/23", "2022/3",
        "2022_23", "2022 23", "2022/23 ", " 2022/23", "2022", "", "1899/00", "3000/01",
        "2022/2a", "2o22/23", "+022/23", "2022//3", "2022-2023",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int y = -1;
        if (bp_year_parse(bad[i], &y)) fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(y, -1);
    }

    char b[16];
    bp_year_format(2022, b, sizeof b);
    assert_string_equal(b, "2022/23");
    bp_year_format(1999, b, sizeof b);
    assert_string_equal(b, "1999/00");
    bp_year_format(2099, b, sizeof b);
    assert_string_equal(b, "2099/00");
    bp_year_format(1900, b, sizeof b);
    assert_string_equal(b, "1900/01");
    bp_year_format(2009, b, sizeof b);
    assert_string_equal(b, "2009/10");
    /* a short buffer is cut, never overrun */
    char small[5];
    bp_year_format(2022, small, sizeof small);
    assert_string_equal(small, "2022");
    /* every year held formats and parses back */
    for (int y = 1900; y <= 2999; y++) {
        bp_year_format(y, b, sizeof b);
        if (year(b) != y) fail_msg("%s does not parse back to %d", b, y);
        b[4] = '-';
        if (year(b) != y) fail_msg("%s does not parse back to %d", b, y);
    }
}

static void test_years_in_trust(void **state)
{
    (void)state;
    /* whole years from joining to 1 September of the academic year */
    bp_institution in;
    memset(&in, 0, sizeof in);
    in.joined = bp_date_from_ymd(2018, 9, 1);
    assert_int_equal(bp_years_in_trust(&in, 2022), 4);    /* exactly four years */
    in.joined = bp_date_from_ymd(2018, 9, 2);
    assert_int_equal(bp_years_in_trust(&in, 2022), 3);    /* a day short of four */
    in.joined = bp_date_from_ymd(2019, 8, 31);
    assert_int_equal(bp_years_in_trust(&in, 2022), 3);    /* three years and a day */
    in.joined = bp_date_from_ymd(2022, 9, 1);
    assert_int_equal(bp_years_in_trust(&in, 2022), 0);    /* joined that day */
    in.joined = bp_date_from_ymd(2020, 2, 29);
    assert_int_equal(bp_years_in_trust(&in, 2022), 2);    /* a leap day: 2 years 6 months */
}

/* The documents' date: midnight UTC of the as-of date unless SOURCE_DATE_EPOCH is set. */
static void test_epoch_from_as_of(void **state)
{
    (void)state;
    bp_model m;
    bp_model_init(&m);
    int64_t e = -1;

    /* no SOURCE_DATE_EPOCH: the as-of date at midnight UTC */
    m.as_of = date("2023-08-31");
    assert_true(bp_build_epoch(&m, NULL, &e));
    /* 19600 days x 86400 s = 1,693,440,000 s: 2023-08-31 00:00:00 UTC */
    assert_true(e == INT64_C(1693440000));
    m.as_of = date("2024-02-29");
    assert_true(bp_build_epoch(&m, NULL, &e));
    assert_true(e == INT64_C(19782) * 86400);   /* 1,709,164,800 */
    m.as_of = date("1970-01-01");
    assert_true(bp_build_epoch(&m, NULL, &e));
    assert_true(e == 0);
    /* set but empty: as if unset */
    m.as_of = date("2023-08-31");
    assert_true(bp_build_epoch(&m, "", &e));
    assert_true(e == INT64_C(1693440000));
    /* set: whole seconds, whatever the as-of date */
    assert_true(bp_build_epoch(&m, "1700438400", &e));
    assert_true(e == INT64_C(1700438400));
    assert_true(bp_build_epoch(&m, "0", &e));
    assert_true(e == 0);
    /* not whole seconds, or too many for int64: refused */
    static const char *const bad[] = {"-1", "+5", "17e8", "1.5", " 1", "1 ", "0x10",
                                      "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (bp_build_epoch(&m, bad[i], &e)) fail_msg("SOURCE_DATE_EPOCH \"%s\" accepted", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_known_anchors),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_month_and_day_bounds),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_order_and_round_trip),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_academic_years),
        cmocka_unit_test(test_years_in_trust),
        cmocka_unit_test(test_epoch_from_as_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
