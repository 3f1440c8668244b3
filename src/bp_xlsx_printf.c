/* bp_xlsx_printf: libc's snprintf and __fprintf_chk, the same bytes, without the general
 * printf machinery for the formats libxlsxwriter writes its cells with.
 *
 * libxlsxwriter writes a number cell with fprintf(f, "<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>",
 * ...), a string cell with "%d" for its shared string and a formula cell's cached value
 * with snprintf(buf, 32, "%.16G", v), inside static functions (its src/worksheet.c); with
 * Debian's _FORTIFY_SOURCE the fprintfs are __fprintf_chk.  Through glibc's vfprintf and
 * its multi-precision __printf_fp, "%.16G" costs some 2,900 instructions and a string
 * cell's fprintf some 1,300 - more than half of what libxlsxwriter spends on a cell.  Both
 * are called through libxlsxwriter's procedure linkage table, so the executable's
 * definitions below take their place (the Makefile exports them, as bp_xlsx_xml.c's) - for
 * every library of the process, which is why they are exact for any format and any
 * caller: a format of nothing but text, %%, %s, %.*s, %c, %.16G and integers (d, u, x, X;
 * l, ll, z; a 0 flag and a width) is written here, every other one goes to libc's own
 * vsnprintf or __vfprintf_chk, unchanged.
 * The program's own snprintfs, mostly "%s" and "%d" into labels, formulas and PDF
 * operators, come here too: through glibc, ~1,000 instructions each, 4.6% of a build.
 *
 * "%.16G" here is exact where it is done at all: 16 significant digits of the double's
 * exact binary value, rounded to nearest with ties to even, as glibc's __printf_fp rounds
 * in the default rounding mode, for normal doubles of magnitude 2^-13 to 2^64 (every
 * amount and ratio a workbook holds), and 0 and -0; NaN, infinities, subnormal, tiny or
 * huge values, another rounding mode or a locale whose decimal point is not "." go to
 * libc.  tests/unit/test_xlsx_printf.c compares it with glibc's snprintf over many millions
 * of doubles (random bits, pence, ties, the neighbours of every power of ten). */
#include <fenv.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bp_util.h"
#include "bp_xlsx.h"

/* glibc's fortified fprintf (bits/stdio2.h declares them only under _FORTIFY_SOURCE) */
int __fprintf_chk(FILE *fp, int flag, const char *format, ...);
int __vfprintf_chk(FILE *fp, int flag, const char *format, va_list ap);

static unsigned long fast;

unsigned long bp_xlsx_printf_fast(void)
{
    return fast;
}

/* ---- %.16G ---- */

/* 10^k, k <= 21 (10^20 and 10^21 do not fit 64 bits) */
static bp_u128 pow10_(int k)
{
    static const uint64_t p[20] = {
        1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
        1000000000u, 10000000000u, 100000000000u, 1000000000000u, 10000000000000u,
        100000000000000u, 1000000000000000u, 10000000000000000u, 100000000000000000u,
        1000000000000000000u, 10000000000000000000u};
    return k < 20 ? p[k] : (bp_u128)p[k - 10] * p[10];
}

#define D_MIN 1000000000000000u     /* 10^15: the 16 digits' range */
#define D_END 10000000000000000u    /* 10^16 */

/* The truncated 16 digits of m * 2^e at decimal exponent x, a = m * 2^e being in
 * [10^x, 10^(x+1)) exactly when the result is in [10^15, 10^16); *up: whether rounding to
 * nearest, ties to even, adds one to them. */
static uint64_t digits_at(uint64_t m, int e, int x, bool *up)
{
    int p = 15 - x;
    *up = false;
    if (p >= 0) {
        bp_u128 n = (bp_u128)m * pow10_(p);
        if (e >= 0) return (uint64_t)(n << e);  /* an integer: nothing to round */
        int s = -e;
        bp_u128 q = n >> s, r = n - (q << s), half = (bp_u128)1 << (s - 1);
        *up = r > half || (r == half && (q & 1));
        return q > D_END ? D_END : (uint64_t)q;     /* beyond 10^16: only "too big" */
    }
    /* a below 2^53 has fewer than 16 digits before 10^(x-15): the exponent is too big */
    if (e < 1) return 0;
    /* an integer m * 2^e below 2^64 */
    uint64_t i = m << e, d = (uint64_t)pow10_(-p), q = i / d, r = i % d;
    *up = r > d - r || (r == d - r && (q & 1));
    return q;
}

size_t bp_xlsx_g16(char *out, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool neg = bits >> 63;
    int be = (int)(bits >> 52 & 0x7FF);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (fegetround() != FE_TONEAREST) return 0;
    const char *radix = nl_langinfo(RADIXCHAR);
    if (radix[0] != '.' || radix[1]) return 0;
    char *o = out;
    if (neg) *o++ = '-';
    if (be == 0 && m == 0) {
        *o++ = '0';
        *o = '\0';
        return (size_t)(o - out);
    }
    /* normal, 2^-13 <= a < 2^64: a = m * 2^e, 2^52 <= m < 2^53, -65 <= e <= 11 */
    if (be == 0 || be == 0x7FF) return 0;
    m |= UINT64_C(1) << 52;
    int e = be - 1075;
    if (e < -65 || e > 11) return 0;
    /* the decimal exponent: log10(2) * log2(a), within one, then made exact */
    int x = (e + 52 + 1000) * 1233 / 4096 - 301;    /* 1233/4096 ~ log10(2); no negative / */
    bool up;
    uint64_t d;
    for (int tries = 0;; tries++) {
        d = digits_at(m, e, x, &up);
        if (d >= D_END) x++;
        else if (d < D_MIN) x--;
        else break;
        if (tries == 3) return 0;   /* never: the estimate is off by one at most */
    }
    if (up && ++d == D_END) {
        d = D_MIN;
        x++;
    }
    char dig[16];
    for (int i = 15; i >= 0; i--, d /= 10) dig[i] = (char)('0' + d % 10);
    int last = 15;      /* the last digit kept: %G drops trailing zeros */
    if (x < -4 || x >= 16) {
        /* style E: d.ddd then E, the exponent's sign and at least two digits */
        while (last > 0 && dig[last] == '0') last--;
        *o++ = dig[0];
        if (last > 0) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)last);
            o += last;
        }
        int ax = x < 0 ? -x : x;
        *o++ = 'E';
        *o++ = x < 0 ? '-' : '+';
        *o++ = (char)('0' + ax / 10);
        *o++ = (char)('0' + ax % 10);
    } else if (x >= 0) {
        /* style f with 15 - x places: the first x + 1 digits before the point */
        while (last > x && dig[last] == '0') last--;
        memcpy(o, dig, (size_t)x + 1);
        o += x + 1;
        if (last > x) {
            *o++ = '.';
            memcpy(o, dig + x + 1, (size_t)(last - x));
            o += last - x;
        }
    } else {
        /* 0.000ddd: -x - 1 zeros after the point, then the digits */
        while (dig[last] == '0') last--;
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++) *o++ = '0';
        memcpy(o, dig, (size_t)last + 1);
        o += last + 1;
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* ---- the simple formats ---- */

/* An integer conversion at out + *n: m, its magnitude, in base 10 or 16 (upper: its
 * letters), a minus sign when neg, padded to width with zeros after the sign (zero) or
 * spaces before it; false if it does not fit before out + size - 1. */
static bool put_int(char *out, size_t size, size_t *n, uint64_t m, bool neg, unsigned base,
                    bool upper, bool zero, size_t width)
{
    char digits[24], *end = digits + sizeof digits, *d = end;
    if (base == 10) {
        d = bp_udigits_before(m, end);
    } else {
        const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        do *--d = hex[m & 15]; while (m >>= 4);
    }
    size_t k = (size_t)(end - d), len = k + neg, pad = width > len ? width - len : 0;
    if (len + pad >= size - *n) return false;
    char *o = out + *n;
    if (!zero) for (size_t i = 0; i < pad; i++) *o++ = ' ';
    if (neg) *o++ = '-';
    if (zero) for (size_t i = 0; i < pad; i++) *o++ = '0';
    memcpy(o, d, k);
    *n += len + pad;
    return true;
}

/* Writes format with its arguments at out and its length at *len, and is true, when it has
 * no conversion but %%, %s, %.*s (not of NULL), %c, %.16G (of a value bp_xlsx_g16 does) and
 * the integers d, u, x and X, with no length, l, ll or z, a 0 flag and a width of digits,
 * and all of it fits in size - 1 bytes; else false, whatever was taken from ap. */
static bool simple_format(char *out, size_t size, const char *format, va_list ap, size_t *len)
{
    size_t n = 0;
    for (const char *p = format; *p;) {
        const char *q = strchr(p, '%');
        size_t lit = q ? (size_t)(q - p) : strlen(p);
        if (lit >= size - n) return false;
        memcpy(out + n, p, lit);
        n += lit;
        if (!q) break;
        p = q + 1;
        if (*p == '%' || *p == 'c') {
            if (n + 1 >= size) return false;
            /* %c of 0 writes a NUL byte and counts it, as glibc's does */
            out[n++] = *p == '%' ? '%' : (char)(unsigned char)va_arg(ap, int);
            p++;
            continue;
        }
        if (*p == 's' || (p[0] == '.' && p[1] == '*' && p[2] == 's')) {
            int prec = -1;
            if (*p == '.') {
                prec = va_arg(ap, int);
                p += 2;
            }
            const char *str = va_arg(ap, const char *);
            if (!str) {
                if (prec >= 0) return false;    /* glibc's "(null)" or "" by precision */
                str = "(null)";                 /* as glibc prints it */
            }
            size_t k = prec < 0 ? strlen(str) : strnlen(str, (size_t)prec);
            if (k >= size - n) return false;
            memcpy(out + n, str, k);
            n += k;
            p++;
            continue;
        }
        if (p[0] == '.' && strncmp(p + 1, "16G", 3) == 0) {
            if (size - n <= BP_XLSX_G16_MAX) return false;
            size_t k = bp_xlsx_g16(out + n, va_arg(ap, double));
            if (!k) return false;
            n += k;
            p += 4;
            continue;
        }
        /* an integer: [0][width][l|ll|z](d|u|x|X) */
        bool zero = *p == '0';
        if (zero) p++;
        size_t width = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
            width = width * 10 + (size_t)(*p - '0');
            if (width > 64) return false;
        }
        int lng = 0;    /* 0 int, 1 long, 2 long long, 3 size_t */
        if (p[0] == 'l' && p[1] == 'l') lng = 2, p += 2;
        else if (*p == 'l') lng = 1, p++;
        else if (*p == 'z') lng = 3, p++;
        char c = *p++;
        uint64_t m;
        bool neg = false;
        if (c == 'd') {
            long long v = lng == 0 ? va_arg(ap, int) : lng == 1 ? va_arg(ap, long)
                        : lng == 2 ? va_arg(ap, long long) : (long long)va_arg(ap, ssize_t);
            neg = v < 0;
            m = neg ? 0u - (uint64_t)v : (uint64_t)v;
        } else if (c == 'u' || c == 'x' || c == 'X') {
            m = lng == 0 ? va_arg(ap, unsigned) : lng == 1 ? va_arg(ap, unsigned long)
              : lng == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, size_t);
        } else {
            return false;   /* any other conversion: libc's */
        }
        if (!put_int(out, size, &n, m, neg, c == 'd' || c == 'u' ? 10 : 16, c == 'X', zero, width))
            return false;
    }
    *len = n;
    return true;
}

/* ---- snprintf ---- */

int snprintf(char *restrict s, size_t n, const char *restrict format, ...)
{
    va_list ap, aq;
    char b[1024];
    size_t k;
    int r;
    va_start(ap, format);
    va_copy(aq, ap);
    bool done = simple_format(b, sizeof b, format, aq, &k);
    va_end(aq);
    if (done) {
        fast++;
        if (n) {
            size_t c = k < n ? k : n - 1;
            memcpy(s, b, c);
            s[c] = '\0';
        }
        r = (int)k;
    } else {
        r = vsnprintf(s, n, format, ap);
    }
    va_end(ap);
    return r;
}

/* ---- __fprintf_chk ---- */

int __fprintf_chk(FILE *fp, int flag, const char *format, ...)
{
    va_list ap, aq;
    char b[512];
    int r;
    va_start(ap, format);
    va_copy(aq, ap);
    size_t n;
    bool done = simple_format(b, sizeof b, format, aq, &n);
    va_end(aq);
    if (done) {
        /* fprintf holds the stream's lock while it writes */
        fast++;
        flockfile(fp);
        r = bp_xlsx_fwrite(fp, b, n) == n ? (int)n : -1;   /* glibc's: -1 for a short write */
        funlockfile(fp);
    } else {
        r = __vfprintf_chk(fp, flag, format, ap);
    }
    va_end(ap);
    return r;
}
