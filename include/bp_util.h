/* bp_util: the small helpers that every layer needs and none owns, one of each - decoding
 * UTF-8, growing an array, hashing bytes, sorting indexes with a context, writing a whole number's digits in thousands, the calendar
 * date of a day number.  The lowest module: it includes no other, so that the CSV reader,
 * the loader, the engine and the renderers share one version of each instead of writing
 * their own. */
#ifndef BP_UTIL_H
#define BP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The UTF-8 character at s, of which avail bytes may be read: returns its length (1 to
 * 4) and its code point in *cp (cp may be NULL), or 0 when the bytes there are not UTF-8
 * - a continuation or 0xC0, 0xC1, 0xF5-0xFF as the first byte, a missing continuation,
 * an overlong form, a surrogate (U+D800-DFFF), above U+10FFFF, or cut short by avail.
 * A byte is read only when the bytes before it fit, so NUL-terminated text may be
 * passed with avail SIZE_MAX: the NUL ends a sequence as any non-continuation byte does. */
size_t bp_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* What a code point is, for a message, when no text boardpack reads may hold it (the
 * contract's text rule): "a control character" for C0 other than TAB, LF and CR, for DEL
 * and for C1 (U+0080-U+009F); "a noncharacter" for U+FFFE and U+FFFF.  NULL for every
 * other code point.  XML 1.0 cannot carry C0 at all nor U+FFFE/U+FFFF, and a terminal
 * obeys C0 and C1: refused on input, so that no output has to alter text. */
const char *bp_cp_refused(uint32_t cp);

/* The length of s[0..n) without the UTF-8 sequence cut short at its end, if any - what
 * snprintf leaves when it truncates inside a character - so that a shortened text stays
 * UTF-8.  Only the tail is looked at: at most 3 bytes. */
size_t bp_utf8_whole(const char *s, size_t n);

/* Room for need elements of elem bytes in arr, which has room for *cap: when need is more,
 * arr is reallocated to *cap doubled (16 when 0) as often as it takes, and *cap updated.
 * Returns the array, moved or not (NULL when it was NULL and need is 0), or NULL when out
 * of memory or the size overflows; arr is then untouched and still the caller's. */
void *bp_grow(void *arr, size_t *cap, size_t need, size_t elem);

/* Sorts the indexes v[0..n) by cmp(a, b, ctx) (negative, 0, positive as strcmp),
 * stably, in n log n - qsort has no context argument in C11 and is not stable.  False
 * when out of memory (v untouched). */
typedef int (*bp_index_cmp)(size_t a, size_t b, const void *ctx);
bool bp_sort_indexes(size_t *v, size_t n, bp_index_cmp cmp, const void *ctx);

/* A hash of the bytes s[0..n) (djb2: h * 33 + byte from 5381), for the open-addressing
 * tables of interned strings and accounts; the low bits are used. */
static inline size_t bp_hash_bytes(const char *s, size_t n)
{
    size_t h = 5381;
    for (size_t i = 0; i < n; i++) h = h * 33 + (unsigned char)s[i];
    return h;
}

__extension__ typedef unsigned __int128 bp_u128;

/* Writes w's decimal digits just before `end` (at most 20, no NUL) and returns where they
 * start: "%d"'s digits, for the writers that print whole numbers by the million (inline:
 * called per cell and per structure element). */
static inline char *bp_udigits_before(uint64_t w, char *end)
{
    do {
        *--end = (char)('0' + (int)(w % 10));
        w /= 10;
    } while (w);
    return end;
}

/* Writes v's decimal digits to end just before `end` - "1,234,567" when grouped (a comma
 * before each group of three from the right), "1234567" when not - and returns where
 * they start: at most 51 bytes before end (39 digits, 12 commas), no NUL written. */
char *bp_digits_before(bp_u128 v, bool grouped, char *end);

/* The proleptic Gregorian date of a day counted from 1970-01-01 (0; negative before):
 * 11017 is 2000-03-01, -719468 is 0000-03-01. */
void bp_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
