/* bp_balance: a balance sheet's lines and its net assets = funds check, in pence. */
#include "bp_balance.h"

static const char *const codes[BP_BS_LINE_COUNT] = {
    "bs.fixed_assets", "bs.current_assets", "bs.cash", "bs.current_liabilities",
    "bs.long_term_liabilities", "bs.pension", "bs.borrowing", "bs.reserves", NULL};

const char *bp_bs_code(bp_bs_line l) { return l < BP_BS_LINE_COUNT ? codes[l] : NULL; }

/* sum(code) over the entity's members: no data when no member has it, or one member's
 * figure cannot be formed */
static bp_money_fig line_of(const bp_model *m, const int *members, size_t n, int year,
                            bp_scenario s, const char *code)
{
    bp_money_fig r = {false, 0};
    for (size_t i = 0; i < n; i++) {
        bp_num v;
        int64_t p;
        bp_sum_state st = bp_model_sum_state(m, members[i], year, s, code, false, &v);
        if (st == BP_SUM_NODATA) return (bp_money_fig){false, 0};
        if (st != BP_SUM_OK || !bp_num_to_pence(v, &p)) continue;
        r.ok = true;
        r.pence += p;
    }
    return r;
}

void bp_balance_make(const bp_model *m, const int *members, size_t n, int year, bp_scenario s,
                     bp_balance_sheet *out)
{
    for (int l = 0; l < BP_BS_NET_ASSETS; l++)
        out->line[l] = line_of(m, members, n, year, s, codes[l]);
    const bp_money_fig *L = out->line;
    bp_money_fig net = {false, 0};
    if (L[BP_BS_FIXED_ASSETS].ok && L[BP_BS_CURRENT_ASSETS].ok && L[BP_BS_CURRENT_LIABILITIES].ok) {
        net.ok = true;
        net.pence = L[BP_BS_FIXED_ASSETS].pence + L[BP_BS_CURRENT_ASSETS].pence
                    - L[BP_BS_CURRENT_LIABILITIES].pence
                    - (L[BP_BS_LONG_TERM_LIABILITIES].ok ? L[BP_BS_LONG_TERM_LIABILITIES].pence : 0)
                    - (L[BP_BS_PENSION].ok ? L[BP_BS_PENSION].pence : 0);
    }
    out->line[BP_BS_NET_ASSETS] = net;
    out->checked = net.ok && L[BP_BS_FUNDS].ok;
    out->difference = out->checked ? net.pence - L[BP_BS_FUNDS].pence : 0;
}
