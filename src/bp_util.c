/* bp_util: UTF-8 decoding, growing arrays, digit grouping and calendar dates - see
 * include/bp_util.h. */
#include "bp_util.h"

#include <stdlib.h>
#include <string.h>

size_t bp_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    if (avail == 0) return 0;
    unsigned char b = s[0];
    if (b < 0x80) {
        if (cp) *cp = b;
        return 1;
    }
    /* the second byte's range rules out the overlong forms, the surrogates and what lies
     * above U+10FFFF (RFC 3629, section 4), so no code point needs checking after */
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    uint32_t c;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
        c = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        c = b & 0x0Fu;
        if (b == 0xE0) lo = 0xA0;          /* below U+0800: overlong */
        if (b == 0xED) hi = 0x9F;          /* U+D800-DFFF: surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        c = b & 0x07u;
        if (b == 0xF0) lo = 0x90;          /* below U+10000: overlong */
        if (b == 0xF4) hi = 0x8F;          /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < n || s[1] < lo || s[1] > hi) return 0;
    c = (c << 6) | (s[1] & 0x3Fu);
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (cp) *cp = c;
    return n;
}

const char *bp_cp_refused(uint32_t cp)
{
    if (cp < 0x20) return cp == '\t' || cp == '\n' || cp == '\r' ? NULL : "a control character";
    if (cp >= 0x7F && cp <= 0x9F) return "a control character";
    if (cp == 0xFFFE || cp == 0xFFFF) return "a noncharacter";
    return NULL;
}

size_t bp_utf8_whole(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    /* back over at most 3 continuation bytes to the lead byte of the last character */
    size_t i = n, back = 0;
    while (i > 0 && back < 3 && (u[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0 || u[i - 1] < 0xC0) return n;       /* ASCII last, or no lead byte */
    unsigned char b = u[i - 1];
    size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    return back + 1 < need ? i - 1 : n;
}

void *bp_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return arr;
    size_t c = *cap ? *cap : 16;
    while (c < need) c = c <= SIZE_MAX / 2 ? c * 2 : need;
    if (elem && c > SIZE_MAX / elem) return NULL;
    void *p = realloc(arr, c * elem);
    if (p) *cap = c;
    return p;
}

/* A merge sort: the earlier of two equal indexes first. */
static void merge_sort(size_t *v, size_t *tmp, size_t n, bp_index_cmp cmp, const void *ctx)
{
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort(v, tmp, h, cmp, ctx);
    merge_sort(v + h, tmp, n - h, cmp, ctx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = cmp(v[j], v[i], ctx) < 0 ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

bool bp_sort_indexes(size_t *v, size_t n, bp_index_cmp cmp, const void *ctx)
{
    if (n < 2) return true;
    size_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp) return false;
    merge_sort(v, tmp, n, cmp, ctx);
    free(tmp);
    return true;
}

char *bp_digits_before(bp_u128 v, bool grouped, char *end)
{
    char *p = end;
    int digits = 0;
    /* a 128-bit division is a library call: only while the value needs one (every money
     * figure and most others fit 64 bits) */
    for (; v > UINT64_MAX; v /= 10, digits++) {
        if (grouped && digits && digits % 3 == 0) *--p = ',';
        *--p = (char)('0' + (int)(v % 10));
    }
    uint64_t w = (uint64_t)v;
    do {
        if (grouped && digits && digits % 3 == 0) *--p = ',';
        *--p = (char)('0' + (int)(w % 10));
        w /= 10;
        digits++;
    } while (w);
    return p;
}

void bp_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    /* Howard Hinnant's civil_from_days: 400-year eras of 146,097 days counted from
     * 0000-03-01, so that the leap day ends each year of the era */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                  /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* from 1 March */
    int64_t mp = (5 * doy + 2) / 153;                                /* March is 0 */
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = m;
    *year = yoe + era * 400 + (m <= 2);
}
