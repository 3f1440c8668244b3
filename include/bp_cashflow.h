/* bp_cashflow: the 12-month cash-flow forecast of a year (contract v2, "Cash flow") for
 * an institution or the trust, from the model's cash.* and bs.cash facts alone: actual
 * months to the closed period, then each code's forecast month, else its budget month.
 * Exact pence throughout; a month that cannot be formed is no data, and so is every
 * month after it. */
#ifndef BP_CASHFLOW_H
#define BP_CASHFLOW_H

#include <stdbool.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_model.h"

typedef struct {
    bool ok;                 /* false: no data (this month and every later one) */
    int64_t opening, receipts, payments, closing;   /* pence */
    bp_scenario source;      /* BP_ACTUAL, BP_FORECAST (any code of the month used a
                                forecast) or BP_BUDGET */
    bool has_balance;        /* actual months: bs.cash given at the month end (closing is
                                then that balance) */
    int64_t difference;      /* has_balance: bs.cash - (opening + receipts - payments) */
} bp_cash_month;

typedef struct {
    int inst;                /* institution index, or -1 for the trust */
    int year;
    int period;              /* last actual month: trust.csv period in in-year mode, else 12 */
    bool ok;                 /* an opening balance was found: else every month is no data */
    bp_cash_month months[12];
    /* cash_min: the lowest closing over M01..M12 (ok only when every month is) and A, the
     * year's payments / 12 as an exact fraction (ok likewise) */
    bool has_low;
    int64_t low;             /* pence */
    int low_month;           /* 1..12, the first month at the low */
    bp_num avg_payments;
} bp_cashflow;

/* Does institution inst have any cash.* fact of year? (It then has a cash flow.) */
bool bp_cashflow_has(const bp_model *m, int inst, int year);

/* The cash flow of year for inst (-1: the trust, the sum over the institutions with a
 * cash flow, cash.receipts.internal and cash.payments.internal eliminated). */
void bp_cashflow_make(const bp_model *m, int inst, int year, bp_cashflow *out);

#endif
