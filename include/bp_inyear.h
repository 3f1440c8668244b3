/* bp_inyear: what the in-year packs and workbook render (contract v2, "In-year figures:
 * monthly management accounts", "Cash flow", "Balance sheet"): for an entity and a code
 * prefix the year to date against the profiled budget and the full-year budget against
 * the outturn, the months received, the cash flows, the balance sheet at the period
 * against the last year end, and the favourable-positive variance.  Read-only over a
 * session's model and results; every figure is exact pence, ratios of sums.
 *
 * The figures come from the model's totals (bp_model_totals), so a renderer and the
 * KPIs can never disagree: ytd_actual, ytd_budget and outturn are the scenarios of those
 * names, and the full-year budget is the report year's budget scenario (the sum of its
 * months, or its whole-year facts). */
#ifndef BP_INYEAR_H
#define BP_INYEAR_H

#include <stdbool.h>
#include <stdint.h>
#include "bp_balance.h"
#include "bp_cashflow.h"
#include "bp_eval.h"
#include "bp_model.h"
#include "bp_num.h"

/* In-year mode for results r: the model's inyear year (its report year) and period, or
 * false (annual: nothing of this header applies but the variance and the cash flows). */
bool bp_inyear_mode(const bp_results *r, int *year, int *period);

/* An entity, as results name them: BP_SCOPE_INSTITUTION and an institution index,
 * BP_SCOPE_PHASE and a bp_phase (its non-central institutions), or BP_SCOPE_TRUST (every
 * institution, internal transfers eliminated). */
typedef struct {
    bp_scope scope;
    int entity;
} bp_entity;

/* Management accounts of one line: sum(prefix) for the entity in the report year; prefix
 * "result" is the in-year result, income - exp (no data unless both are given). */
typedef struct {
    bp_money_fig ytd_actual, ytd_budget;   /* M01..period */
    bp_money_fig budget;                   /* the full-year budget */
    bp_money_fig outturn;                  /* the forecast outturn */
} bp_ma_line;

bp_ma_line bp_inyear_line(const bp_results *r, bp_entity e, const char *prefix);

/* The codes of the report year's facts of the entity (any scenario) under prefix, sorted
 * and distinct, for a statement by line: *codes (free() it) and their number. */
size_t bp_inyear_codes(const bp_results *r, bp_entity e, const char *prefix, const char ***codes);

/* Months received: bit m-1 set for each month m (1..12) with any actual flow fact of the
 * report year for institution inst.  *expected: the institution has money facts of the
 * year, so a month up to the period without actuals is "not received". */
unsigned bp_inyear_months_received(const bp_results *r, int inst, bool *expected);

/* Institution inst's outturn codes from a whole-year forecast rather than the actuals to
 * date (the data-quality list): *codes (free() it) and their number. */
size_t bp_inyear_forecast_codes(const bp_results *r, int inst, const char ***codes);

/* Institution inst's codes whose budget of the report year is whole-year, not profiled
 * by month (flows only): the year-to-date budget of any line holding one is no data (the
 * warning "budget not profiled by month: INST CODE, ..."): *codes (free() it) and their
 * number. */
size_t bp_inyear_unprofiled_codes(const bp_results *r, int inst, const char ***codes);

/* The cash flows of the year reported: each institution with cash.* facts in institution
 * order, then the trust (inst -1) when any institution has one.  Owned by the results. */
const bp_cashflow *bp_inyear_cashflows(const bp_results *r, size_t *n);

/* The balance sheet of an entity (bp_balance.h: lines, net assets, funds, the check) at
 * the period end (annual: the year end) and at the previous year end. */
void bp_inyear_balance_sheet(const bp_results *r, bp_entity e, bp_balance_sheet *now,
                             bp_balance_sheet *last_year_end);

/* ---- variances (favourable positive) ---- */

/* +1 when more is favourable for code (income.*, cash.receipts.*, bs.cash,
 * bs.current_assets, bs.fixed_assets, bs.reserves.*, and "result", the in-year result),
 * -1 when less is (exp.*, memo.*, cash.payments.*, bs.current_liabilities,
 * bs.long_term_liabilities, bs.borrowing, bs.pension), 0 for any other code. */
int bp_code_direction(const char *code);

/* dir * (actual - budget), exact; no data when either is, or dir is 0. */
bp_money_fig bp_variance(int dir, bp_money_fig actual, bp_money_fig budget);

/* variance / |budget| as an exact ratio; no data when either is no data or budget is 0. */
bp_num bp_variance_pct(bp_money_fig variance, bp_money_fig budget);

/* A KPI's variance of actual against budget by its direction: min targets higher is
 * better (actual - budget), max lower (budget - actual), band closer to the band
 * (distance of budget outside the band - that of actual; 0 inside); a KPI with no target
 * applied to actual by its higher_is_better.  Thresholds from the actual's result. */
bp_num bp_kpi_variance(const bp_results *r, const bp_result *actual, const bp_result *budget);

#endif
