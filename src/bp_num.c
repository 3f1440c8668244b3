/* bp_num: exact rationals over 128-bit integers.  Every operation reduces by the gcd
 * and checks for overflow, which turns the result into no data rather than a wrong
 * figure. */
#include "bp_num.h"

#include <stdio.h>
#include "bp_util.h"

static bp_i128 i128_abs(bp_i128 x) { return x < 0 ? -x : x; }

static bp_i128 gcd(bp_i128 a, bp_i128 b)
{
    a = i128_abs(a);
    b = i128_abs(b);
    while (b) {
        bp_i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

bp_num bp_num_none(void)
{
    bp_num n = {0, 1, false};
    return n;
}

static bp_num make(bp_i128 num, bp_i128 den)
{
    if (den == 0) return bp_num_none();
    if (den < 0) {
        num = -num;
        den = -den;
    }
    bp_i128 g = gcd(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    bp_num n = {num, den, true};
    return n;
}

bp_num bp_num_int(int64_t v) { return make(v, 1); }
bp_num bp_num_frac(int64_t num, int64_t den) { return make(num, den); }
bp_num bp_num_pence(int64_t pence) { return make(pence, 100); }
bp_num bp_num_micros(int64_t micros) { return make(micros, 1000000); }

/* Overflow limit: keep well inside 128 bits so that cross products in comparisons fit. */
#define LIMIT ((bp_i128)1 << 100)

static bool mul_ok(bp_i128 a, bp_i128 b, bp_i128 *r)
{
    return !__builtin_mul_overflow(a, b, r) && i128_abs(*r) < LIMIT * 8;
}

bp_num bp_num_add(bp_num a, bp_num b)
{
    if (!a.ok || !b.ok) return bp_num_none();
    bp_i128 g = gcd(a.den, b.den);
    bp_i128 x, y, d;
    if (!mul_ok(a.num, b.den / g, &x) || !mul_ok(b.num, a.den / g, &y)
        || !mul_ok(a.den / g, b.den, &d))
        return bp_num_none();
    bp_i128 s;
    if (__builtin_add_overflow(x, y, &s)) return bp_num_none();
    bp_num r = make(s, d);
    if (r.ok && (i128_abs(r.num) >= LIMIT || r.den >= LIMIT)) return bp_num_none();
    return r;
}

bp_num bp_num_neg(bp_num a)
{
    if (!a.ok) return a;
    a.num = -a.num;
    return a;
}

bp_num bp_num_sub(bp_num a, bp_num b) { return bp_num_add(a, bp_num_neg(b)); }

bp_num bp_num_mul(bp_num a, bp_num b)
{
    if (!a.ok || !b.ok) return bp_num_none();
    /* Cross-reduce first to keep the parts small. */
    bp_i128 g1 = gcd(a.num, b.den), g2 = gcd(b.num, a.den);
    if (g1 == 0) g1 = 1;
    if (g2 == 0) g2 = 1;
    bp_i128 n, d;
    if (!mul_ok(a.num / g1, b.num / g2, &n) || !mul_ok(a.den / g2, b.den / g1, &d))
        return bp_num_none();
    bp_num r = make(n, d);
    if (r.ok && (i128_abs(r.num) >= LIMIT || r.den >= LIMIT)) return bp_num_none();
    return r;
}

bp_num bp_num_div(bp_num a, bp_num b)
{
    if (!a.ok || !b.ok || b.num == 0) return bp_num_none();
    bp_num inv = make(b.den, b.num);
    return bp_num_mul(a, inv);
}

int bp_num_cmp(bp_num a, bp_num b)
{
    /* Parts are below 2^100; compare a.num/a.den with b.num/b.den without overflow by
     * comparing integer parts first, then the remainders as fractions recursively. */
    for (int guard = 0; guard < 256; guard++) {
        bp_i128 qa = a.num / a.den, ra = a.num % a.den;
        bp_i128 qb = b.num / b.den, rb = b.num % b.den;
        if (ra < 0) { qa -= 1; ra += a.den; }   /* floor division */
        if (rb < 0) { qb -= 1; rb += b.den; }
        if (qa != qb) return qa < qb ? -1 : 1;
        if (ra == 0 || rb == 0) {
            if (ra == rb) return 0;
            return ra == 0 ? -1 : 1;
        }
        /* ra/a.den vs rb/b.den, both in (0,1): compare the reciprocals, reversed. */
        bp_num x = {a.den, ra, true}, y = {b.den, rb, true};
        a = y;
        b = x;
    }
    return 0;
}

bool bp_num_is_zero(bp_num a) { return a.ok && a.num == 0; }

double bp_num_to_double(bp_num a)
{
    if (!a.ok) return 0.0;
    /* Split into integer part and remainder so that large money values keep precision. */
    bp_i128 q = a.num / a.den, r = a.num % a.den;
    return (double)q + (double)((long double)r / (long double)a.den);
}

bool bp_num_to_pence(bp_num a, int64_t *pence)
{
    if (!a.ok) return false;
    bp_i128 n;
    if (__builtin_mul_overflow(a.num, (bp_i128)100, &n)) return false;
    bp_i128 q = n / a.den, r = n % a.den;
    /* half away from zero */
    if (r < 0) r = -r;
    if (2 * r >= a.den) q += n < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) return false;
    *pence = (int64_t)q;
    return true;
}

bool bp_num_parse(const char *s, size_t len, bp_num *out)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    bool neg = false;
    if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    bp_i128 num = 0, den = 1;
    int digits = 0, frac = 0;
    bool dot = false, pct = false;
    size_t last_comma = 0;
    bool had_comma = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (digits >= 30) return false;
            num = num * 10 + (c - '0');
            digits++;
            if (dot) {
                den *= 10;
                if (++frac > 12) return false;
            }
        } else if (c == ',' && !dot && digits > 0) {
            if (had_comma && i - last_comma != 4) return false;
            /* a first group of 1-3 digits not starting with 0: "0,947" is no thousands */
            if (!had_comma && (i == 0 || digits > 3 || s[i - (size_t)digits] == '0')) return false;
            had_comma = true;
            last_comma = i;
        } else if (c == '.' && !dot) {
            if (had_comma && i - last_comma != 4) return false;
            dot = true;
        } else if (c == '%' && i + 1 == len && digits > 0) {
            pct = true;
        } else {
            return false;
        }
    }
    if (digits == 0) return false;
    if (had_comma && !dot) {
        /* the group after the last comma must be exactly three digits */
        size_t end = pct ? len - 1 : len;
        if (end - last_comma != 4) return false;
    }
    if (pct) den *= 100;
    *out = make(neg ? -num : num, den);
    return out->ok;
}

void bp_num_format_plain(bp_num a, char *buf, size_t size)
{
    if (!a.ok) {
        snprintf(buf, size, "no data");
        return;
    }
    /* A terminating decimal with at most 6 places prints exactly. */
    bp_i128 scale = 1;
    int places = 0;
    while (places <= 6 && (scale % a.den) != 0) {
        scale *= 10;
        places++;
    }
    if (places <= 6) {
        bp_i128 v = a.num * (scale / a.den);
        bp_u128 mag = v < 0 ? -(bp_u128)v : (bp_u128)v;
        char digs[52], *end = digs + sizeof digs;
        char *d = bp_digits_before(mag / (bp_u128)scale, false, end);
        unsigned long frac = (unsigned long)(mag % (bp_u128)scale);   /* below 10^6 */
        if (places)
            snprintf(buf, size, "%s%.*s.%0*lu", v < 0 ? "-" : "", (int)(end - d), d, places, frac);
        else
            snprintf(buf, size, "%s%.*s", v < 0 ? "-" : "", (int)(end - d), d);
        return;
    }
    snprintf(buf, size, "%.6g", bp_num_to_double(a));
}
