/* bp_xlsx_printf: "%.16G" written byte for byte as glibc's own snprintf writes it (reached
 * through vsnprintf, which the executable does not define), over millions of doubles -
 * random bits, random values of the range done without libc, pence, integers, the ties
 * that round to even, the neighbours of every power of ten and of the 16 digits' rounding
 * edges; the snprintf and __fprintf_chk that take libc's place write what libc's own write
 * (return values, truncation, the formats left to libc); and libxlsxwriter's own calls
 * reach them.  BP_TEST_G16_SCALE=n runs n times as many values. */
#define _GNU_SOURCE     /* RTLD_NEXT, open_memstream, nextafter */
#include "bp_test.h"

#include <dlfcn.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "bp_xlsx.h"

int __fprintf_chk(FILE *fp, int flag, const char *format, ...);
typedef int (*fprintf_chk_fn)(FILE *, int, const char *, ...);

/* glibc's snprintf: vsnprintf is libc's own in this program */
static int libc_snprintf(char *s, size_t n, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int r = vsnprintf(s, n, format, ap);
    va_end(ap);
    return r;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

static long scale(void)
{
    const char *s = getenv("BP_TEST_G16_SCALE");
    long n = s ? atol(s) : 1;
    return n > 0 ? n : 1;
}

static unsigned long checked, done_here;

/* v as glibc writes it, and as bp_xlsx_g16 does when it does it; and our snprintf. */
static void same(double v)
{
    char want[64], got[BP_XLSX_G16_MAX], via[64];
    int n = libc_snprintf(want, sizeof want, "%.16G", v);
    size_t k = bp_xlsx_g16(got, v);
    if (k) {
        done_here++;
        if (k != (size_t)n || memcmp(got, want, k + 1) != 0) {
            uint64_t bits;
            memcpy(&bits, &v, sizeof bits);
            print_error("%.17g (bits %016llx): libc \"%s\", bp_xlsx_g16 \"%s\"\n", v,
                        (unsigned long long)bits, want, got);
            fail();
        }
    }
    assert_int_equal(snprintf(via, sizeof via, "%.16G", v), n);
    assert_string_equal(via, want);
    checked++;
}

static void both_signs(double v)
{
    same(v);
    same(-v);
}

/* A normal double of the range done without libc: 2^-13 <= |v| < 2^64. */
static double in_range(void)
{
    uint64_t r = next();
    uint64_t e = 1075 - 65 + r % 77;   /* biased exponents of 2^-13 .. 2^63 */
    return from_bits((r >> 63) << 63 | e << 52 | (next() & ((UINT64_C(1) << 52) - 1)));
}

static void random_doubles(void **state)
{
    (void)state;
    long n = 400000 * scale();
    unsigned long before = done_here;
    for (long i = 0; i < n; i++) same(from_bits(next()));
    for (long i = 0; i < n; i++) same(in_range());
    /* every value of the range is done here: the random bits' share of it, and all of these */
    assert_true(done_here - before >= (unsigned long)n);
}

static void pence_and_integers(void **state)
{
    (void)state;
    long n = 200000 * scale();
    unsigned long before = done_here;
    for (int64_t k = -20000; k <= 20000; k++) both_signs((double)k / 100.0);
    for (long i = 0; i < n; i++) {
        int64_t k = (int64_t)(next() % 200000000000000u);  /* up to 2 trillion pounds */
        same((double)k / 100.0);
        same((double)-k / 100.0);
        same((double)(next() >> (next() % 64)));
        same((double)(next() % 100000) / 1000.0);
        same((double)(int64_t)(next() % 2000001) / 1000000.0);
    }
    assert_true(done_here - before >= (unsigned long)n * 4);
}

/* n + 0.5 with n of 16 digits: the 17th digit a 5 and nothing after, rounded to even;
 * and their neighbours, a unit of the last place either side. */
static void ties(void **state)
{
    (void)state;
    long n = 300000 * scale();
    unsigned long before = done_here;
    for (long i = 0; i < n; i++) {
        double v = (double)(1000000000000000u + next() % 3503599627370496u) + 0.5;
        both_signs(v);
        both_signs(nextafter(v, 0));
        both_signs(nextafter(v, INFINITY));
    }
    assert_true(done_here - before >= (unsigned long)n * 6);
    /* by hand: 2251799813685248.5 keeps its even 8, 2251799813685249.5 rounds up to 50 */
    char b[BP_XLSX_G16_MAX];
    assert_true(bp_xlsx_g16(b, 2251799813685248.5) > 0);
    assert_string_equal(b, "2251799813685248");
    assert_true(bp_xlsx_g16(b, 2251799813685249.5) > 0);
    assert_string_equal(b, "2251799813685250");
}

/* Around each power of ten and each rounding edge of 16 digits (x.xxxxxxxxxxxxxxx5E+k,
 * 9.9999999999999995E+k), a few units of the last place either side; zero, and values
 * that are libc's. */
static void edges(void **state)
{
    (void)state;
    char text[64];
    for (int k = -20; k <= 22; k++) {
        snprintf(text, sizeof text, "1e%d", k);
        double p = strtod(text, NULL);
        snprintf(text, sizeof text, "9.9999999999999995e%d", k - 1);
        double q = strtod(text, NULL);
        double lo = p, hi = p, qlo = q, qhi = q;
        for (int i = 0; i < 200; i++) {
            both_signs(lo);
            both_signs(hi);
            both_signs(qlo);
            both_signs(qhi);
            lo = nextafter(lo, 0);
            hi = nextafter(hi, INFINITY);
            qlo = nextafter(qlo, 0);
            qhi = nextafter(qhi, INFINITY);
        }
    }
    long n = 100000 * scale();
    for (long i = 0; i < n; i++) {
        /* 17 random digits ending in 5 at a random exponent: near a tie */
        uint64_t d = 10000000000000000u + next() % 90000000000000000u;
        snprintf(text, sizeof text, "%llu5e%d", (unsigned long long)(d / 10),
                 (int)(next() % 40) - 32);
        double v = strtod(text, NULL);
        for (int j = 0; j < 3; j++, v = nextafter(v, INFINITY)) both_signs(v);
    }
    const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, 5e-324, 2.2250738585072014e-308,
                              1.7976931348623157e308, 0x1p-13, 0x1p64, nextafter(0x1p64, 0),
                              nextafter(0x1p-13, 0), 1e16, 1e17, 123456789012345678.0, 0.0001,
                              0.00012207031250000001};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) same(special[i]);
    char b[BP_XLSX_G16_MAX];
    assert_true(bp_xlsx_g16(b, -0.0) > 0);
    assert_string_equal(b, "-0");
    assert_true(bp_xlsx_g16(b, 1234.5) > 0);
    assert_string_equal(b, "1234.5");
    assert_true(bp_xlsx_g16(b, 1e16) > 0);
    assert_string_equal(b, "1E+16");
    assert_true(bp_xlsx_g16(b, 0.1) > 0);
    assert_string_equal(b, "0.1");
    assert_int_equal(bp_xlsx_g16(b, NAN), 0);
    assert_int_equal(bp_xlsx_g16(b, 1e-300), 0);
}

static void snprintf_as_libc(void **state)
{
    (void)state;
    const double values[] = {0.0, -1.5, 1234567.891, 1e-200, NAN, 98765432109876543210.0};
    const size_t sizes[] = {0, 1, 2, 4, 7, 32};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        for (size_t j = 0; j < sizeof sizes / sizeof *sizes; j++) {
            char a[40], b[40];
            memset(a, 'x', sizeof a);
            memset(b, 'x', sizeof b);
            assert_int_equal(snprintf(a, sizes[j], "%.16G", values[i]),
                             libc_snprintf(b, sizes[j], "%.16G", values[i]));
            assert_memory_equal(a, b, sizeof a);
        }
    /* other formats are libc's */
    char a[64], b[64];
    assert_int_equal(snprintf(a, sizeof a, "%d:%d %.3f %s", 1, 16, 2.5, "x"),
                     libc_snprintf(b, sizeof b, "%d:%d %.3f %s", 1, 16, 2.5, "x"));
    assert_string_equal(a, b);
    assert_string_equal(a, "1:16 2.500 x");
}

/* The conversions snprintf writes itself - %%, %s, %.*s, %c, %.16G, integers d u x X of
 * every length with a 0 flag and a width - and some it leaves to libc, with extreme
 * values, NULL, a NUL %c, an empty result, text longer than its own buffer, and every size
 * from none to more than enough: the bytes (those past the end too) and the returns are
 * libc's. */
static void simple_formats_as_libc(void **state)
{
    (void)state;
    static char longtext[3000];
    memset(longtext, 'w', sizeof longtext - 1);
    const char *texts[] = {"", "A1", "Sheet!$B$7", NULL, longtext + 2999 - 1020, longtext + 2999 - 1030, longtext};
    const long longs[] = {0, 1, -1, 9, 10, 2147483647L, -2147483647L - 1, LONG_MAX, LONG_MIN, 1234567890123L};
    const size_t sizes[] = {0, 1, 2, 3, 5, 9, 17, 64, 1023, 1024, 1025, 1100, 3100};
    static char a[3200], b[3200];
    const char *volatile nothing = NULL;    /* a NULL the compiler does not see */
    unsigned long before = bp_xlsx_printf_fast();
    for (int n = 0; n < 20000; n++) {
        const char *t = texts[n % 7];
        long l = n % 11 == 10 ? (long)next() : longs[n % 10];
        int i = (int)l;
        unsigned u = (unsigned)l;
        size_t z = (size_t)l;
        int ch = n % 5 == 0 ? 0 : (int)(next() & 0xFF);
        size_t size = sizes[(size_t)n / 7 % 13];
        int ra, rb;
        memset(a, 'x', sizeof a);
        memset(b, 'x', sizeof b);
        switch (n % 17) {
        case 0: ra = snprintf(a, size, "%s", t); rb = libc_snprintf(b, size, "%s", t); break;
        case 1: ra = snprintf(a, size, "%d", i); rb = libc_snprintf(b, size, "%d", i); break;
        case 2: ra = snprintf(a, size, "%u|%zu", u, z); rb = libc_snprintf(b, size, "%u|%zu", u, z); break;
        case 3: ra = snprintf(a, size, "%ld %lu", l, (unsigned long)l); rb = libc_snprintf(b, size, "%ld %lu", l, (unsigned long)l); break;
        case 4: ra = snprintf(a, size, "[%c]%c", ch, 'q'); rb = libc_snprintf(b, size, "[%c]%c", ch, 'q'); break;
        case 5: ra = snprintf(a, size, "%%%s%%%d%%", t, i); rb = libc_snprintf(b, size, "%%%s%%%d%%", t, i); break;
        case 6: ra = snprintf(a, size, "=SUM(%s%d:%s%zu)", t, i, t, z); rb = libc_snprintf(b, size, "=SUM(%s%d:%s%zu)", t, i, t, z); break;
        case 7: ra = snprintf(a, size, "/%s <</MCID %d>> BDC", t, i); rb = libc_snprintf(b, size, "/%s <</MCID %d>> BDC", t, i); break;
        case 8: ra = snprintf(a, size, "%s=%.16G;%lu", t, (double)l / 7, (unsigned long)z); rb = libc_snprintf(b, size, "%s=%.16G;%lu", t, (double)l / 7, (unsigned long)z); break;
        case 9: ra = snprintf(a, size, "%.*s|%.*s", i % 40 - 3, t ? t : "", 7, "abc"); rb = libc_snprintf(b, size, "%.*s|%.*s", i % 40 - 3, t ? t : "", 7, "abc"); break;
        case 10: ra = snprintf(a, size, "%02x%02X<%04lX>%x", u & 0xFF, u, (unsigned long)l, u); rb = libc_snprintf(b, size, "%02x%02X<%04lX>%x", u & 0xFF, u, (unsigned long)l, u); break;
        case 11: ra = snprintf(a, size, "%s%llu.%02u:%lld", t, (unsigned long long)l, u % 100, (long long)l); rb = libc_snprintf(b, size, "%s%llu.%02u:%lld", t, (unsigned long long)l, u % 100, (long long)l); break;
        case 12: ra = snprintf(a, size, "[%5d][%05d][%3u][%012zd]", i, i, u, (ssize_t)l); rb = libc_snprintf(b, size, "[%5d][%05d][%3u][%012zd]", i, i, u, (ssize_t)l); break;
        case 13: ra = snprintf(a, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", i % 10000, ch, i % 13, ch % 24, i % 60, 59); rb = libc_snprintf(b, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", i % 10000, ch, i % 13, ch % 24, i % 60, 59); break;
        case 14: ra = snprintf(a, size, "%s", ""); rb = libc_snprintf(b, size, "%s", ""); break;
        case 15: ra = snprintf(a, size, "%.*s", i % 9, nothing); rb = libc_snprintf(b, size, "%.*s", i % 9, nothing); break;  /* libc's */
        default: ra = snprintf(a, size, "%0*d|%-4s|%18s|%.1f|%hhd", 6, i, "ab", t ? t : "", (double)l, (signed char)i); rb = libc_snprintf(b, size, "%0*d|%-4s|%18s|%.1f|%hhd", 6, i, "ab", t ? t : "", (double)l, (signed char)i); break;  /* libc's */
        }
        if (ra != rb || memcmp(a, b, sizeof a) != 0) {
            print_error("case %d size %zu: ours %d \"%.60s\", libc's %d \"%.60s\"\n", n % 17, size, ra, a, rb, b);
            fail();
        }
    }
    /* most of them were written here, not by libc */
    assert_true(bp_xlsx_printf_fast() - before > 14000);
}

/* What a __fprintf_chk writes into a memory stream, and its returns: twice, the second time
 * into the buffer the first has set up. */
static char *printed(fprintf_chk_fn fn, int *ret, size_t *len, int kind, const char *s, int i,
                     double v)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    for (int twice = 0; twice < 2; twice++, ret++) {
        switch (kind) {
        case 0: *ret = fn(f, 1, "<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>", s, i, v); break;
        case 1: *ret = fn(f, 1, "<c r=\"%s\"><v>%.16G</v></c>", s, v); break;
        case 2: *ret = fn(f, 1, "<c r=\"%s\" s=\"%d\" t=\"s\"><v>%d</v></c>", s, i, (int)((unsigned)i * 7u - 3u)); break;
        case 3: *ret = fn(f, 1, "<c r=\"%s\" t=\"s\"><v>%d</v></c>", s, i); break;
        case 4: *ret = fn(f, 1, "%%%s|%5d|%x|%.3f%%", s, i, (unsigned)i, v); break;  /* libc's */
        case 5: *ret = fn(f, 1, "%.16G%d%s%%", v, i, s); break;
        case 7: *ret = fn(f, 1, "%c%u,%zu;%ld/%lu %02X%.*s", 'a' + i % 26, (unsigned)i, (size_t)i * 3u, (long)i * -5, (unsigned long)i, (unsigned)i, i % 5, s); break;
        case 6: *ret = fn(f, 1, "%s", (const char *)NULL); break;
        default: *ret = fn(f, 0, "plain text, no conversion"); break;
        }
    }
    fclose(f);
    return buf;
}

static void fprintf_as_libc(void **state)
{
    (void)state;
    void *sym = dlsym(RTLD_NEXT, "__fprintf_chk");
    assert_non_null(sym);
    fprintf_chk_fn theirs;
    memcpy(&theirs, &sym, sizeof sym);
    assert_true(theirs != __fprintf_chk);
    const char *refs[] = {"A1", "XFD1048576", "", "ZZ10"};
    const int ints[] = {0, 1, -1, 9, 10, 2147483647, -2147483647 - 1, 123456};
    unsigned long before = bp_xlsx_printf_fast();
    for (int n = 0; n < 20000; n++) {
        double v = n % 3 ? in_range() : from_bits(next());
        int k = n % 9, i = ints[n % 8];
        const char *s = refs[n % 4];
        int ra[2], rb[2];
        size_t la, lb;
        char *a = printed(__fprintf_chk, ra, &la, k, s, i, v);
        char *b = printed(theirs, rb, &lb, k, s, i, v);
        assert_int_equal(ra[0], rb[0]);
        assert_int_equal(ra[1], rb[1]);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
    }
    assert_true(bp_xlsx_printf_fast() > before);
}

static void libxlsxwriter_calls_come_here(void **state)
{
    (void)state;
    char path[] = "/tmp/bp_xlsx_printf_XXXXXX";
    bp_test_temp_file(path);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    assert_non_null(ws);
    assert_int_equal(worksheet_write_number(ws, 0, 0, 1.25, NULL), LXW_NO_ERROR);
    assert_int_equal(worksheet_write_formula_num(ws, 0, 1, "=A1*2", NULL, 2.5), LXW_NO_ERROR);
    assert_int_equal(worksheet_write_string(ws, 0, 2, "text", NULL), LXW_NO_ERROR);
    unsigned long before = bp_xlsx_printf_fast();
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    /* the number cell, the formula's value, the string cell */
    assert_true(bp_xlsx_printf_fast() >= before + 3);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_doubles),
        cmocka_unit_test(pence_and_integers),
        cmocka_unit_test(ties),
        cmocka_unit_test(edges),
        cmocka_unit_test(snprintf_as_libc),
        cmocka_unit_test(simple_formats_as_libc),
        cmocka_unit_test(fprintf_as_libc),
        cmocka_unit_test(libxlsxwriter_calls_come_here),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    printf("%lu values compared, %lu of them written by bp_xlsx_g16\n", checked, done_here);
    return r;
}
