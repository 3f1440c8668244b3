/* bp_format: how figures read in every output - KPI values, thresholds, targets and the
 * plain-English exception sentences - to UK conventions (£1,234,567, 71.4%, 2022/23).
 * Shared by the text, PDF and workbook renderers so they never disagree. */
#ifndef BP_FORMAT_H
#define BP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_eval.h"
#include "bp_exgroup.h"
#include "bp_kpi.h"
#include "bp_model.h"
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

/* One entry of the grouped exceptions (bp_exgroup) in words.  Every sentence has a subject
 * of its own ("The result", "The exception"), never the KPI's label, so that it reads for
 * any label, singular or plural ("Staff turnover", "Leavers in sustained destinations").
 * Each returns text the caller frees, or NULL when out of memory. */

/* What and where: "Staff costs as a share of income: Moorside High School"; a phase
 * "Attendance: Secondary (11-16) phase". */
char *bp_format_exgroup_title(const bp_results *res, const bp_exgroup *g);

/* Every year and scenario affected, in one sentence, each value beside its year and the
 * target beside the first: "The result was red in 2022/23 (82.4% against a ceiling of
 * 80%) and is red in the 2023/24 forecast (82.1%), and amber in the 2023/24 budget
 * (81.5%) and the 2024/25 and 2025/26 forecasts (81.8% and 80.6%)."  Plans that cover
 * every budget or forecast year of the window (all->nplan) read "each of the three
 * forecast years (...)", two "both forecast years (...)". */
char *bp_format_exgroup_years(const bp_results *res, const bp_exgroups *all, const bp_exgroup *g);

/* The report year against the year before: "The exception is new: 2021/22 met the target
 * (79.2%).", "The exception persists from 2021/22 (red at 81.2%) and is worse."; for an
 * entry in the plans alone what the report year was ("The exception is in the plans
 * alone: 2022/23 met the target (0.8%).").  "" when there is nothing to compare (no
 * target applies to the report year's actuals). */
char *bp_format_exgroup_movement(const bp_results *res, const bp_exgroup *g);

/* Since the last pack (--previous: bp_format_exgroup_movement says this instead of the
 * year before): "Since the last pack: new (green at 79.2% there).", "Since the last
 * pack: persistent and worse (amber at 81.2% there).", "... persistent and better ...",
 * "... persistent, unchanged ..."; for an entry in the plans alone, of its first plan
 * ("Since the last pack, the 2023/24 budget: new ..."). */
char *bp_format_since(const bp_results *res, const bp_exgroup *g);

/* A cleared exception, once: "Staff good: BHS - cleared since the last pack: green in
 * 2022/23 (91.0%), amber there (86.6%)." */
char *bp_format_cleared(const bp_results *res, const bp_result *r);

/* The previous pack as the pages name it: its file or folder name and its year (and
 * period): "pet-prev (2022/23)", "pet-2023-24-M03-results.json (2023/24 M03)". */
void bp_format_previous_pack(const bp_results *res, char *buf, size_t size);

/* The summary's count: "Since the last pack (NAME): 2 new, 3 persistent (1 worse, 1
 * better, 1 unchanged) and 4 cleared." */
char *bp_format_since_counts(const bp_results *res, const bp_since_counts *n);

/* An issue of the summary (bp_exgroups_issues) in one sentence after its title, its lead
 * result with the target and the money at stake: "The result was red in 2022/23 (82.4%
 * against a ceiling of 80%), a gap worth £72,519, and is outside target in three plans."  A money KPI's gap is the money itself ("a gap of £45,120"). */
char *bp_format_issue(const bp_results *res, const bp_exgroup *g, const bp_exgroup_issue *is);

/* An action that addresses it: "Action A26 (School Business Manager; due 31 August 2024,
 * overdue; off track): Bring staff costs back within 80% of income." */
char *bp_format_action(const bp_model *m, const bp_action *a);

/* "green", "amber", "red", "none" and a mark readable without colour: "OK", "AMBER",
 * "RED", "-". */
const char *bp_status_word(bp_status s);
const char *bp_status_mark(bp_status s);

/* A number with thousands separators and at most `decimals` places, rounded half away
 * from zero: 1650 -> "1,650", 27.44 -> "27.4". */
void bp_format_number(bp_num v, int decimals, char *buf, size_t size);

/* ---- figures as boards read them (the packs' tables and summary) ---- */

/* pence / unit as a whole number, rounded half away from zero, in integers only: unit
 * 100 gives whole pounds (£2.50 -> 3, -£2.50 -> -3, £2.49 -> 2), 100,000 thousands of
 * pounds.  Safe for every int64 (INT64_MIN included); unit > 0. */
int64_t bp_money_round(int64_t pence, int64_t unit);

/* Money in a board's units (trust.csv money_units, a pack's money_units:): pounds
 * "£1,235" and "(£1,235)" for a negative amount, never "-£1,235"; thousands "1,235"
 * and "(1,235)", the heading saying "£000" (bp_format_money_unit_note).  A value that
 * rounds to nothing is "£0" / "0", never "(£0)". */
void bp_format_money_as(int64_t pence, bp_money_units units, char *buf, size_t size);

/* " (£000)" after a money heading in thousands, "" in pounds. */
const char *bp_format_money_unit_note(bp_money_units units);

/* A result's value for a board's table: a percentage at one decimal place, a ratio at
 * two, a number at one, money in `units`, a grade by its label.  Where ordinary rounding
 * (half away from zero) would show a missed target as met - 94.998% against a floor of
 * 95% reads "95.0%", 80.04% against a ceiling of 80% reads "80.0%" - the value is
 * rounded toward the failing side instead ("94.9%", "80.1%") and true is returned, for
 * the caller to mark and footnote it.  "no data" when there is none. */
bool bp_format_board_value(const bp_kpi *k, const bp_result *r, bp_money_units units,
                           char *buf, size_t size);

/* A percentage v (0.714 -> "71.4%") at one decimal place, rounded half away from zero. */
void bp_format_percent1(bp_num v, char *buf, size_t size);

#endif
