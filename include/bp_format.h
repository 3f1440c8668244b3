/* bp_format: how figures read in every output - KPI values, thresholds, targets and the
 * plain-English exception sentences - to UK conventions (£1,234,567, 71.4%, 2022/23).
 * Shared by the text, PDF and workbook renderers so they never disagree. */
#ifndef BP_FORMAT_H
#define BP_FORMAT_H

#include <stddef.h>
#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_num.h"

/* A KPI value: "82.1%", "£1,234,567", "0.77", "27.4", "Good (200)"; "no data". */
void bp_format_value(const bp_kpi *k, bp_num v, int grade, char *buf, size_t size);

/* A result's value, with more decimal places when the usual rounding would make it read
 * the same as its threshold (or as zero) although it is not: 94.998% against a floor of
 * 95% shows as "94.998%", never as a red "95.0%"; one that would still read the same
 * after four more places shows as "just under 0.5%" or "just over 0.5%". */
void bp_format_result_value(const bp_kpi *k, const bp_result *r, char *buf, size_t size);

/* A threshold in the KPI's unit: "80%", "0.5%", "£1,000,000", "0.74", "1,650". */
void bp_format_threshold(const bp_kpi *k, bp_num v, char *buf, size_t size);

/* A target in words with its thresholds resolved for the entity:
 * "at most 80% (amber to 82%)", "between 0.5% and 2% (amber 0% to 0.5%, 2% to 4%)",
 * "at least 95.1%", "at least Good". */
void bp_format_target(const bp_kpi *k, const bp_target *t, bp_num lo, bp_num hi,
                      char *buf, size_t size);

/* The result's target as short text for tables and JSON: "max 80%", "band 0.5%..2%". */
void bp_format_target_short(const bp_kpi *k, const bp_result *r, char *buf, size_t size);

/* "Staff costs as a share of income at Moorside High School was 82.1% in 2022/23 against
 * a ceiling of 80% (red)". */
void bp_format_exception(const bp_results *res, const bp_result *r, char *buf, size_t size);

/* "green", "amber", "red", "none" and a mark readable without colour: "OK", "AMBER",
 * "RED", "-". */
const char *bp_status_word(bp_status s);
const char *bp_status_mark(bp_status s);

/* A number with thousands separators and at most `decimals` places, rounded half away
 * from zero: 1650 -> "1,650", 27.44 -> "27.4". */
void bp_format_number(bp_num v, int decimals, char *buf, size_t size);

#endif
