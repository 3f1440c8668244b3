/* bp_num: exact numbers.  Money is int64 pence; every computed figure is an exact
 * rational (128-bit numerator and denominator) so that thresholds are compared as
 * fractions, never as floating point.  A bp_num may also be "no data". */
#ifndef BP_NUM_H
#define BP_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 bp_i128;

typedef struct {
    bp_i128 num;
    bp_i128 den;   /* > 0, gcd(num, den) == 1 */
    bool ok;       /* false: no data (missing fact, division by zero, overflow) */
} bp_num;

bp_num bp_num_none(void);
bp_num bp_num_int(int64_t v);
bp_num bp_num_frac(int64_t num, int64_t den);     /* den != 0, else no data */
bp_num bp_num_pence(int64_t pence);               /* pence / 100 */
bp_num bp_num_micros(int64_t micros);             /* micros / 1,000,000 */

/* Arithmetic: no data in, no data out; division by zero and overflow give no data. */
bp_num bp_num_add(bp_num a, bp_num b);
bp_num bp_num_sub(bp_num a, bp_num b);
bp_num bp_num_mul(bp_num a, bp_num b);
bp_num bp_num_div(bp_num a, bp_num b);
bp_num bp_num_neg(bp_num a);

/* Exact three-way comparison of two valid numbers: -1, 0, 1. */
int bp_num_cmp(bp_num a, bp_num b);
bool bp_num_is_zero(bp_num a);

double bp_num_to_double(bp_num a);

/* Round half away from zero to whole pence (a money figure from an exact rational). */
bool bp_num_to_pence(bp_num a, int64_t *pence);

/* Parse a decimal literal such as "0.5", "75%", "1,650", "-2", "1.5e" (rejected).
 * A trailing '%' divides by 100.  Returns false on anything else. */
bool bp_num_parse(const char *s, size_t len, bp_num *out);

/* Shortest decimal text for a rational known to be a terminating decimal with at most
 * 6 places (thresholds written by people), else "%.6g".  For target descriptions. */
void bp_num_format_plain(bp_num a, char *buf, size_t size);

#endif
