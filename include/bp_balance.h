/* bp_balance: the balance sheet of an institution or the trust at one date (contract v2,
 * "Balance sheet") from the model's totals: its lines, net assets (FA + CA - CL -
 * long-term liabilities - pension, a missing long-term liability or pension counting 0;
 * FA, CA and CL needed) and funds (sum(bs.reserves), whose children are disjoint). */
#ifndef BP_BALANCE_H
#define BP_BALANCE_H

#include <stdbool.h>
#include <stdint.h>
#include "bp_model.h"

/* One money figure: ok false is no data (never shown as 0). */
typedef struct {
    bool ok;
    int64_t pence;
} bp_money_fig;

typedef enum {
    BP_BS_FIXED_ASSETS, BP_BS_CURRENT_ASSETS, BP_BS_CASH, BP_BS_CURRENT_LIABILITIES,
    BP_BS_LONG_TERM_LIABILITIES, BP_BS_PENSION, BP_BS_BORROWING, BP_BS_FUNDS,
    BP_BS_NET_ASSETS, BP_BS_LINE_COUNT
} bp_bs_line;

/* "bs.fixed_assets", ... "bs.reserves" for funds; NULL for net assets. */
const char *bp_bs_code(bp_bs_line l);

typedef struct {
    bp_money_fig line[BP_BS_LINE_COUNT];
    bool checked;            /* FA, CA, CL and funds all given: net assets = funds checked */
    int64_t difference;      /* checked: net assets - funds, pence (0 when it balances) */
} bp_balance_sheet;

/* The balance sheet of the institutions members[0..n) together (one institution, a
 * phase's, or every one for the trust) for year and scenario (BP_ACTUAL: the year end;
 * in in-year mode BP_YTD_ACTUAL: the period end). */
void bp_balance_make(const bp_model *m, const int *members, size_t n, int year, bp_scenario s,
                     bp_balance_sheet *out);

#endif
