/* bp_money: parsing the numbers people's spreadsheets export into exact integers.
 *
 * Money is pounds with at most two decimal places, held as int64 pence.  Other facts
 * (pupils, FTE, periods) are held as int64 millionths, at most six decimal places. */
#ifndef BP_MONEY_H
#define BP_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Accepts "1234", "1234.5", "1,234.50", "£1,234.50", "-1,200", "(1,200)" (= -1200),
 * "-£5", "£-5", surrounding spaces.  Rejects empty text, "1e300", "12.345", "%", stray
 * characters, values beyond +/- 90,000,000,000,000.00 and every comma but the
 * thousands of [1-9][0-9]{0,2}(,[0-9]{3})+ - so "0,125", "1,23", "1,2345", ",123" and
 * "1,,234" are errors.
 * On failure returns false and sets *why to a static "expected ..." phrase and *col to
 * the 0-based offset in s of the offending character. */
bool bp_money_parse(const char *s, size_t len, int64_t *pence, const char **why, size_t *col);

/* Money as a finance system's ledger export writes it (contract v2, Ledger import): the
 * forms above, or a figure without sign or brackets followed by a trailing minus
 * ("1,200.00-") or a DR or CR suffix (any case, spaces before it allowed; CR negates). */
bool bp_money_parse_ledger(const char *s, size_t len, int64_t *pence, const char **why,
                           size_t *col);

/* The same grammar without '£', at most 6 decimal places, result in millionths. */
bool bp_quantity_parse(const char *s, size_t len, int64_t *micros, const char **why, size_t *col);

/* "£1,234,567" or "£1,234,567.89" (cents shown only when not whole or when force_pence),
 * negative as "-£1,200".  UK conventions. */
void bp_money_format(int64_t pence, bool force_pence, char *buf, size_t size);

/* "1234567.89" / "-1200.00": exact, for JSON. */
void bp_money_format_plain(int64_t pence, char *buf, size_t size);

#endif
