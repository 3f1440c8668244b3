/* The in-year sections of a pack (contract v2, "In-year figures", "Cash flow", "Balance
 * sheet"): the management accounts - the year to date against the profiled budget and the
 * full-year budget against the forecast outturn, by line and by institution, with the
 * authors' commentary beside the variances - the 12-month cash flow with its low point,
 * and the balance sheet at the period end against the last year end.  Every figure comes
 * from bp_inyear (the KPIs' own totals), never summed here; a section whose data has
 * none of its figures is left out, so an annual pack is as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"
#include "bp_inyear.h"
#include "bp_packpdf_dataq.h"
#include "bp_packpdf_sections.h"

static bool inyear(const pk_ctx *c)
{
    return c->actual == BP_OUTTURN;
}

static const char *fig_text(const pk_ctx *c, bp_money_fig f, char *buf, size_t size)
{
    if (f.ok) pk_money(c, f.pence, buf, size);
    else snprintf(buf, size, "-");
    return buf;
}

/* ---- the management accounts ---- */

/* The lines of the annual statements (the income and expenditure section's categories):
 * a code prefix each; "result" is the in-year result. */
typedef struct {
    const char *code, *name;
    bool total, internal;
} ma_def;

static const ma_def ma_lines[] = {
    {"income.esfa", "DfE grants", false, false},
    {"income.gov", "Other public funding", false, false},
    {"income.self", "Self-generated income", false, false},
    {"income.internal", "Internal income (central charge)", false, true},
    {"income", "Total income", true, false},
    {"exp.staff", "Staff costs", false, false},
    {"exp.nonpay", "Non-pay costs", false, false},
    {"exp.internal", "Internal charge (central charge)", false, true},
    {"exp", "Total expenditure", true, false},
    {"result", "In-year result", true, false},
};
enum { MA_LINES = sizeof ma_lines / sizeof *ma_lines };

/* The institutions of an entity's table: one, or every one for the trust. */
static bool member(bp_entity e, int inst)
{
    return e.scope == BP_SCOPE_TRUST ? true : e.entity == inst;
}

/* Does a member of the entity have a whole-year budget under the line?  Its year-to-date
 * budget is then not profiled (shown as such, never spread). */
static bool unprofiled(const pk_ctx *c, bp_entity e, const char *code)
{
    bool hit = false;
    for (size_t i = 0; i < c->m->ninsts && !hit; i++) {
        if (!member(e, (int)i)) continue;
        const char **codes = NULL;
        size_t n = bp_inyear_unprofiled_codes(c->r, (int)i, &codes);
        for (size_t k = 0; k < n && !hit; k++)
            hit = strcmp(code, "result") == 0
                  ? bp_code_under(codes[k], "income") || bp_code_under(codes[k], "exp")
                  : bp_code_under(codes[k], code);
        free(codes);
    }
    return hit;
}

/* The entity's id as commentary.csv names it. */
static const char *entity_id(const pk_ctx *c, bp_entity e)
{
    return e.scope == BP_SCOPE_TRUST ? "trust" : c->m->insts[e.entity].id;
}

/* The line of the table a comment on code belongs beside: the most detailed shown line
 * whose code it is at or under; -1 when none. */
static int comment_line(const char *code, const bool *shown)
{
    int best = -1;
    size_t len = 0;
    for (int j = 0; j < MA_LINES; j++) {
        if (!shown[j] || !bp_code_under(code, ma_lines[j].code)) continue;
        if (best < 0 || strlen(ma_lines[j].code) > len) best = j, len = strlen(ma_lines[j].code);
    }
    return best;
}

static bool comment_of(const pk_ctx *c, const bp_comment *cm, bp_entity e)
{
    return cm->code && cm->year == c->year && strcmp(cm->entity, entity_id(c, e)) == 0;
}

/* The commentary beside line j: each comment's code (unless it is the line's own) and
 * month (unless it is this pack's), then its text. */
static char *line_commentary(const pk_ctx *c, bp_entity e, int j, const bool *shown)
{
    size_t size = 1;
    for (size_t i = 0; i < c->m->ncomments; i++) {
        const bp_comment *cm = &c->m->comments[i];
        if (comment_of(c, cm, e) && comment_line(cm->code, shown) == j)
            size += strlen(cm->code) + strlen(cm->text) + 32;
    }
    char *s = malloc(size);
    if (!s) return NULL;
    size_t n = 0;
    s[0] = '\0';
    for (size_t i = 0; i < c->m->ncomments; i++) {
        const bp_comment *cm = &c->m->comments[i];
        if (!comment_of(c, cm, e) || comment_line(cm->code, shown) != j) continue;
        char mb[16] = "";
        if (cm->period && cm->period != c->period) {
            char m[8];
            bp_month_format(cm->period, m, sizeof m);
            snprintf(mb, sizeof mb, " (to %s)", m);
        }
        bool own = strcmp(cm->code, ma_lines[j].code) == 0;
        n += (size_t)snprintf(s + n, size - n, "%s%s%s%s%s", n ? "\n" : "", own ? "" : cm->code, mb,
                              own && !*mb ? "" : ": ", cm->text);
    }
    return s;
}

/* A variance cell: favourable positive; an adverse one tinted amber and marked with the
 * scorecards' "worse" (drawn as a shape), so that it reads without its colour. */
static void variance_cells(const pk_ctx *c, int dir, bp_money_fig a, bp_money_fig b, char *vbuf,
                           size_t vsize, char *pbuf, size_t psize, bp_pdf_cell *v, bp_pdf_cell *p)
{
    bp_money_fig var = bp_variance(dir, a, b);
    fig_text(c, var, vbuf, vsize);
    v->tint = BP_PDF_TINT_NONE;
    if (var.ok && var.pence < 0 && bp_money_round(var.pence, c->units == BP_MONEY_THOUSANDS ? 100000 : 100)) {
        strncat(vbuf, " \xE2\x96\xBC", vsize - strlen(vbuf) - 1);
        v->tint = BP_PDF_TINT_AMBER;
    }
    bp_num pct = bp_variance_pct(var, b);
    if (pct.ok) pk_percent(pct, pbuf, psize);
    else snprintf(pbuf, psize, "-");
    v->text = vbuf;
    p->text = pbuf;
    p->tint = v->tint;
}

/* "Months received" for an institution, or for the trust the institutions short of some. */
static void months_line(pk_ctx *c, bp_entity e)
{
    char buf[600], a[32], b[32];
    bp_month_long(c->year, 1, a, sizeof a);
    bp_month_long(c->year, c->period, b, sizeof b);
    if (e.scope == BP_SCOPE_TRUST) {
        size_t n = 0;
        int k = snprintf(buf, sizeof buf, "Months received: ");
        for (size_t i = 0; i < c->m->ninsts; i++) {
            bool expected;
            unsigned got = bp_inyear_months_received(c->r, (int)i, &expected);
            unsigned want = (1u << c->period) - 1;
            if (!expected || (got & want) == want || (size_t)k >= sizeof buf) continue;
            k += snprintf(buf + k, sizeof buf - (size_t)k, "%s%s short of some months (below)",
                          n++ ? "; " : "", c->m->insts[i].id);
        }
        if (!n) snprintf(buf + k, sizeof buf - (size_t)k, "every institution's actuals for %s to %s "
                         "(M01 to M%02d).", a, b, c->period);
        else if ((size_t)k < sizeof buf)
            snprintf(buf + k, sizeof buf - (size_t)k, ": the trust's year to date and outturn cannot "
                     "be formed.");
        bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, buf);
        return;
    }
    bool expected;
    unsigned got = bp_inyear_months_received(c->r, e.entity, &expected);
    if (!expected) return;
    size_t have = 0;
    char miss[200] = "";
    size_t mn = 0;
    for (int m = 1; m <= c->period; m++) {
        if (got & (1u << (m - 1))) {
            have++;
            continue;
        }
        char mb[8], ml[32];
        bp_month_format(m, mb, sizeof mb);
        bp_month_long(c->year, m, ml, sizeof ml);
        mn += (size_t)snprintf(miss + mn, sizeof miss - mn, "%s%s (%s)", mn ? ", " : "", mb, ml);
        if (mn >= sizeof miss) break;
    }
    if (have == (size_t)c->period)
        snprintf(buf, sizeof buf, "Months received: %s to %s (M01 to M%02d), all %d.", a, b, c->period,
                 c->period);
    else
        snprintf(buf, sizeof buf, "Months received: %zu of %d to %s; not received: %s, so %s's year "
                 "to date and outturn, its phase's and the trust's cannot be formed.", have, c->period,
                 b, miss, c->m->insts[e.entity].id);
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, buf);
}

static void ma_table(pk_ctx *c, bp_entity e, const char *title)
{
    bool shown[MA_LINES];
    bp_ma_line lines[MA_LINES];
    bool any = false;
    for (int j = 0; j < MA_LINES; j++) {
        const ma_def *d = &ma_lines[j];
        /* the trust's transfers are eliminated: no internal lines */
        shown[j] = !(d->internal && e.scope == BP_SCOPE_TRUST);
        if (shown[j] && !d->total) {
            const char **codes = NULL;
            shown[j] = bp_inyear_codes(c->r, e, d->code, &codes) > 0;
            free(codes);
        }
        if (shown[j]) lines[j] = bp_inyear_line(c->r, e, d->code);
        any |= shown[j] && !d->total;
    }
    if (!any) return;
    bool notes = false;
    for (size_t i = 0; i < c->m->ncomments && !notes; i++)
        notes = comment_of(c, &c->m->comments[i], e) && comment_line(c->m->comments[i].code, shown) >= 0;
    bp_pdf_heading(c->pdf, 2, title, false);
    char h[8][48], to[40], mb[32];
    bp_month_long(c->year, c->period, mb, sizeof mb);
    snprintf(to, sizeof to, "to %s", mb);
    bp_pdf_col cols[10] = {
        {c->units == BP_MONEY_THOUSANDS ? "\xC2\xA3" "000" : "", 2.3f, BP_PDF_LEFT},
        {pk_money_head(c, "Actual to date", h[0], sizeof h[0]), 1.35f, BP_PDF_RIGHT},
        {pk_money_head(c, "Budget to date", h[1], sizeof h[1]), 1.35f, BP_PDF_RIGHT},
        {pk_money_head(c, "Variance to date", h[2], sizeof h[2]), 1.35f, BP_PDF_RIGHT},
        /* wide enough for "Variance" and "-257.9%" on one line each beside a commentary */
        {"Variance %", 1.05f, BP_PDF_RIGHT},
        {pk_money_head(c, "Full-year budget", h[3], sizeof h[3]), 1.35f, BP_PDF_RIGHT},
        {pk_money_head(c, "Forecast outturn", h[4], sizeof h[4]), 1.35f, BP_PDF_RIGHT},
        {pk_money_head(c, "Variance full year", h[5], sizeof h[5]), 1.35f, BP_PDF_RIGHT},
        {"Variance %", 1.05f, BP_PDF_RIGHT},
        {"Commentary", 3.0f, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, notes ? 10 : 9, BP_PDF_SMALL);
    bp_pdf_table_row_headers(t);
    for (int j = 0; j < MA_LINES; j++) {
        if (!shown[j]) continue;
        const ma_def *d = &ma_lines[j];
        int dir = bp_code_direction(d->code);
        bp_pdf_cell row[10];
        char b[8][64];
        memset(row, 0, sizeof row);
        row[0].text = d->name;
        fig_text(c, lines[j].ytd_actual, b[0], sizeof b[0]);
        if (!lines[j].ytd_budget.ok && unprofiled(c, e, d->code)) snprintf(b[1], sizeof b[1], "not profiled");
        else fig_text(c, lines[j].ytd_budget, b[1], sizeof b[1]);
        row[1].text = b[0];
        row[2].text = b[1];
        variance_cells(c, dir, lines[j].ytd_actual, lines[j].ytd_budget, b[2], sizeof b[2], b[3],
                       sizeof b[3], &row[3], &row[4]);
        row[5].text = fig_text(c, lines[j].budget, b[4], sizeof b[4]);
        row[6].text = fig_text(c, lines[j].outturn, b[5], sizeof b[5]);
        variance_cells(c, dir, lines[j].outturn, lines[j].budget, b[6], sizeof b[6], b[7], sizeof b[7],
                       &row[7], &row[8]);
        char *note = notes ? line_commentary(c, e, j, shown) : NULL;
        row[9].text = note;
        for (int k = 0; k < 10; k++) row[k].bold = d->total;
        if (d->total) bp_pdf_table_total(t, row);
        else bp_pdf_table_row(t, row);
        free(note);
    }
    bp_pdf_table_end(t);
    months_line(c, e);
    bp_pdf_space(c->pdf, 8);
}

void pk_management_accounts(pk_ctx *c, const bp_section *sec)
{
    if (!pk_inyear_shown(c, sec->kind)) return;
    pk_heading(c, sec, "Management accounts", true);
    char yb[16], mb[32], intro[900];
    bp_year_format(c->year, yb, sizeof yb);
    bp_month_long(c->year, c->period, mb, sizeof mb);
    snprintf(intro, sizeof intro,
             "Income and expenditure to the end of %s (M01 to M%02d) against the budget profiled "
             "by month, and the %s budget for the whole year against the forecast outturn: the "
             "actuals to date and, for each month to come, the re-forecast where there is one, "
             "else the budget. Variances are favourable positive - more income or less "
             "expenditure than budgeted - and an adverse one is in brackets, marked "
             "\xE2\x96\xBC and tinted amber. %s", mb, c->period, yb,
             c->lgb ? "Each institution's figures include the central charge it pays."
                    : "The consolidated trust eliminates the central charge; each institution's "
                      "figures include it.");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    pk_lines w = {NULL, 0, 0};
    pk_dq_inyear(c, PK_DQ_MA, &w);
    for (size_t i = 0; i < w.n; i++) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, w.v[i]);
    pk_lines_free(&w);
    if (!c->lgb) ma_table(c, (bp_entity){BP_SCOPE_TRUST, 0}, "Consolidated trust");
    for (size_t i = 0; i < c->ninsts; i++)
        ma_table(c, (bp_entity){BP_SCOPE_INSTITUTION, c->insts[i]}, c->m->insts[c->insts[i]].name);
    if (!c->lgb && c->m->central >= 0)
        ma_table(c, (bp_entity){BP_SCOPE_INSTITUTION, c->m->central}, c->m->insts[c->m->central].name);
}

/* ---- the cash flow ---- */

static const char *entity_name(const pk_ctx *c, int inst)
{
    return inst < 0 ? "Consolidated trust" : c->m->insts[inst].name;
}

static int cash_kpi(const pk_ctx *c)
{
    for (size_t k = 0; k < c->s->kpis.count; k++)
        if (bp_kpi_is_cash_min(&c->s->kpis.kpis[k])) return (int)k;
    return -1;
}

static void cash_chart(pk_ctx *c, const bp_cashflow *cf)
{
    static const char *const months[12] = {"Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr",
                                           "May", "Jun", "Jul", "Aug"};
    double act[12], fc[12], avg[12];
    bool hact[12], hfc[12], havg[12];
    /* a bp_num of money is in pounds (bp_num_pence), the months' closings in pence */
    double a = cf->avg_payments.ok ? bp_num_to_double(cf->avg_payments) : 0;
    for (int m = 0; m < 12; m++) {
        const bp_cash_month *x = &cf->months[m];
        act[m] = fc[m] = x->ok ? (double)x->closing / 100.0 : 0;
        hact[m] = x->ok && m < cf->period;
        /* the forecast line starts at the last actual month, so that the two join */
        hfc[m] = x->ok && m + 1 >= cf->period;
        avg[m] = a;
        havg[m] = cf->avg_payments.ok;
    }
    bp_pdf_series s[3] = {{"Closing cash, actual", act, hact, false},
                          {"Closing cash, forecast", fc, hfc, true},
                          {"A: a month's payments (the target)", avg, havg, true}};
    char title[200];
    snprintf(title, sizeof title, "%s: cash at each month end", entity_name(c, cf->inst));
    bp_pdf_line_chart(c->pdf, title, BP_PDF_UNIT_MONEY, months, 12, s, cf->avg_payments.ok ? 3 : 2, 170);
}

static void cash_table(pk_ctx *c, const bp_cashflow *cf)
{
    bp_pdf_heading(c->pdf, 2, entity_name(c, cf->inst), false);
    if (!cf->ok) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No opening balance: neither the year before's actual "
                         "bs.cash nor a cash.opening, so the cash flow cannot be formed.");
        return;
    }
    char h[4][48];
    bp_pdf_col cols[] = {{"Month", 2.2f, BP_PDF_LEFT}, {pk_money_head(c, "Opening", h[0], sizeof h[0]), 1.6f, BP_PDF_RIGHT},
                         {pk_money_head(c, "Receipts", h[1], sizeof h[1]), 1.6f, BP_PDF_RIGHT},
                         {pk_money_head(c, "Payments", h[2], sizeof h[2]), 1.6f, BP_PDF_RIGHT},
                         {pk_money_head(c, "Closing", h[3], sizeof h[3]), 2.2f, BP_PDF_RIGHT},
                         {"Source", 1.1f, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 6, BP_PDF_SMALL);
    bp_pdf_table_row_headers(t);
    for (int m = 1; m <= 12; m++) {
        const bp_cash_month *x = &cf->months[m - 1];
        char ml[48], mb[8], o[48], r[48], p[48], cl[128], src[32];
        bp_month_long(cf->year, m, ml, sizeof ml);
        bp_month_format(m, mb, sizeof mb);
        snprintf(ml + strlen(ml), sizeof ml - strlen(ml), " (%s)", mb);
        bool low = cf->has_low && cf->low_month == m;
        bp_pdf_cell row[6];
        memset(row, 0, sizeof row);
        row[0].text = ml;
        if (x->ok) {
            pk_money(c, x->opening, o, sizeof o);
            pk_money(c, x->receipts, r, sizeof r);
            pk_money(c, x->payments, p, sizeof p);
            pk_money(c, x->closing, cl, sizeof cl);
            if (x->has_balance && x->difference) {
                char d[48];
                pk_money(c, x->difference, d, sizeof d);
                snprintf(cl + strlen(cl), sizeof cl - strlen(cl), " (does not reconcile: %s)", d);
                row[4].tint = BP_PDF_TINT_AMBER;
            }
            if (low) strncat(cl, " lowest", sizeof cl - strlen(cl) - 1);
            snprintf(src, sizeof src, "%s", bp_scenario_id(x->source));
        } else {
            snprintf(o, sizeof o, "-");
            snprintf(r, sizeof r, "-");
            snprintf(p, sizeof p, "-");
            snprintf(cl, sizeof cl, "-");
            snprintf(src, sizeof src, "no data");
        }
        row[1].text = o;
        row[2].text = r;
        row[3].text = p;
        row[4].text = cl;
        row[4].bold = low;
        row[5].text = src;
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
}

/* The low point of each cash flow of the document against A, with cash_min's status. */
static void cash_lows(pk_ctx *c, const bp_cashflow *cfs, size_t n)
{
    int k = cash_kpi(c);
    bp_pdf_heading(c->pdf, 2, "The lowest point against its target", false);
    char h[2][48];
    bp_pdf_col cols[] = {{"", 3.2f, BP_PDF_LEFT}, {pk_money_head(c, "Lowest month end", h[0], sizeof h[0]), 2.2f, BP_PDF_RIGHT},
                         {"Month", 1.8f, BP_PDF_LEFT},
                         {pk_money_head(c, "Target A (a month's payments)", h[1], sizeof h[1]), 2.2f, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 4, BP_PDF_SMALL);
    bp_pdf_table_row_headers(t);
    for (size_t i = 0; i < n; i++) {
        const bp_cashflow *cf = &cfs[i];
        if (!pk_cash_in_doc(c, cf)) continue;
        const bp_result *r = k < 0 ? NULL
                             : cf->inst < 0 ? pk_result(c, k, BP_SCOPE_TRUST, 0)
                                            : pk_result(c, k, BP_SCOPE_INSTITUTION, cf->inst);
        char low[96], ml[48], a[48];
        bp_pdf_cell row[4];
        memset(row, 0, sizeof row);
        row[0].text = entity_name(c, cf->inst);
        row[0].bold = cf->inst < 0;
        if (cf->has_low) {
            if (r && r->value.ok) pk_result_cell(c, r, low, sizeof low, &row[1]);
            else pk_money(c, cf->low, low, sizeof low);
            bp_month_long(cf->year, cf->low_month, ml, sizeof ml);
        } else {
            snprintf(low, sizeof low, "no data");
            snprintf(ml, sizeof ml, "-");
        }
        row[1].text = low;
        row[2].text = ml;
        /* the central services' cash has a value and no target */
        if (cf->avg_payments.ok && !(r && r->target < 0)) {
            int64_t pence;
            if (bp_num_to_pence(cf->avg_payments, &pence)) pk_money(c, pence, a, sizeof a);
            else snprintf(a, sizeof a, "-");
        } else {
            snprintf(a, sizeof a, "no target");
        }
        row[3].text = a;
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    pk_status_key_text(c, "The lowest month end, actual months included, against A, the year's "
                       "payments divided by 12: G at or above A, A (amber) between nothing and A, R "
                       "below nothing (an overdraft).");
}

void pk_cash_flow(pk_ctx *c, const bp_section *sec)
{
    if (!pk_inyear_shown(c, sec->kind)) return;
    size_t n = 0;
    const bp_cashflow *cfs = bp_inyear_cashflows(c->r, &n);
    pk_heading(c, sec, "Cash flow", false);
    char yb[16], intro[600];
    bp_year_format(c->year, yb, sizeof yb);
    if (inyear(c)) {
        char mb[32];
        bp_month_long(c->year, c->period, mb, sizeof mb);
        snprintf(intro, sizeof intro, "The %s cash flow month by month: the actual receipts and "
                 "payments to the end of %s, then each line's forecast for the month where there "
                 "is one, else its budget. The opening balance is the year before's closing cash.",
                 yb, mb);
    } else {
        snprintf(intro, sizeof intro, "The %s cash flow month by month, actual receipts and "
                 "payments. The opening balance is the year before's closing cash.", yb);
    }
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    pk_lines w = {NULL, 0, 0};
    pk_dq_inyear(c, PK_DQ_CASH, &w);
    for (size_t i = 0; i < w.n; i++) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, w.v[i]);
    pk_lines_free(&w);
    cash_lows(c, cfs, n);
    /* the trust's month by month with its chart; a governing body's, each institution's */
    for (size_t i = 0; i < n; i++) {
        const bp_cashflow *cf = &cfs[i];
        if (!pk_cash_in_doc(c, cf) || (!c->lgb && cf->inst >= 0)) continue;
        cash_table(c, cf);
        if (cf->ok) cash_chart(c, cf);
    }
}

/* ---- the balance sheet ---- */

static const struct {
    bp_bs_line line;
    const char *name;
    bool total;
} bs_rows[] = {
    {BP_BS_FIXED_ASSETS, "Fixed assets", false},
    {BP_BS_CURRENT_ASSETS, "Current assets", false},
    {BP_BS_CASH, "of which cash", false},
    {BP_BS_CURRENT_LIABILITIES, "Current liabilities", false},
    {BP_BS_LONG_TERM_LIABILITIES, "Long-term liabilities", false},
    {BP_BS_PENSION, "Pension scheme liability", false},
    {BP_BS_BORROWING, "Borrowing (within the liabilities)", false},
    {BP_BS_NET_ASSETS, "Net assets", true},
    {BP_BS_FUNDS, "Funds (reserves)", true},
};

static void check_cell(const pk_ctx *c, const bp_balance_sheet *b, char *buf, size_t size,
                       bp_pdf_cell *cell)
{
    cell->text = buf;
    if (!b->checked) {
        snprintf(buf, size, "not checked");
        return;
    }
    if (!b->difference) {
        snprintf(buf, size, "balances");
        return;
    }
    char d[48];
    pk_money(c, b->difference, d, sizeof d);
    snprintf(buf, size, "out of balance by %s", d);
    cell->tint = BP_PDF_TINT_AMBER;
}

static void bs_table(pk_ctx *c, bp_entity e, const char *title, const char *now_head,
                     const char *last_head)
{
    bp_balance_sheet now, last;
    bp_inyear_balance_sheet(c->r, e, &now, &last);
    if (!pk_balance_any(&now) && !pk_balance_any(&last)) return;
    bp_pdf_heading(c->pdf, 2, title, false);
    char h[3][64];
    bp_pdf_col cols[] = {{c->units == BP_MONEY_THOUSANDS ? "\xC2\xA3" "000" : "", 3.2f, BP_PDF_LEFT},
                         {pk_money_head(c, now_head, h[0], sizeof h[0]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, last_head, h[1], sizeof h[1]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Change", h[2], sizeof h[2]), 2, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 4, BP_PDF_SMALL);
    bp_pdf_table_row_headers(t);
    for (size_t j = 0; j < sizeof bs_rows / sizeof *bs_rows; j++) {
        bp_money_fig a = now.line[bs_rows[j].line], b = last.line[bs_rows[j].line];
        if (!a.ok && !b.ok && !bs_rows[j].total) continue;
        char s[3][48];
        bp_pdf_cell row[4];
        memset(row, 0, sizeof row);
        row[0].text = bs_rows[j].name;
        row[1].text = fig_text(c, a, s[0], sizeof s[0]);
        row[2].text = fig_text(c, b, s[1], sizeof s[1]);
        bp_money_fig d = {a.ok && b.ok, a.pence - b.pence};
        row[3].text = fig_text(c, d, s[2], sizeof s[2]);
        for (int k = 0; k < 4; k++) row[k].bold = bs_rows[j].total;
        if (bs_rows[j].total) bp_pdf_table_total(t, row);
        else bp_pdf_table_row(t, row);
    }
    char k1[96], k2[96];
    bp_pdf_cell row[4];
    memset(row, 0, sizeof row);
    row[0].text = "Net assets = funds";
    check_cell(c, &now, k1, sizeof k1, &row[1]);
    check_cell(c, &last, k2, sizeof k2, &row[2]);
    bp_pdf_table_row(t, row);
    bp_pdf_table_end(t);
    bp_pdf_space(c->pdf, 6);
}

void pk_balance_sheet(pk_ctx *c, const bp_section *sec)
{
    if (!pk_inyear_shown(c, sec->kind)) return;
    pk_heading(c, sec, "Balance sheet", false);
    char nowh[64], lasth[64], mb[32], intro[600];
    if (inyear(c)) {
        bp_month_long(c->year, c->period, mb, sizeof mb);
        snprintf(nowh, sizeof nowh, "End of %s", mb);
    } else {
        bp_month_long(c->year, 12, mb, sizeof mb);
        snprintf(nowh, sizeof nowh, "End of %s", mb);
    }
    bp_month_long(c->year - 1, 12, mb, sizeof mb);
    snprintf(lasth, sizeof lasth, "End of %s (last year end)", mb);
    snprintf(intro, sizeof intro, "The balance sheet at %s against the last year end. Net assets "
             "are fixed and current assets less current and long-term liabilities and the pension "
             "liability; they should equal the funds, the reserves. Borrowing is part of the "
             "liabilities, shown for information, not added again.",
             inyear(c) ? "the period end" : "the year end");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    pk_lines w = {NULL, 0, 0};
    pk_dq_inyear(c, PK_DQ_BALANCE, &w);
    for (size_t i = 0; i < w.n; i++) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, w.v[i]);
    pk_lines_free(&w);
    if (!c->lgb) bs_table(c, (bp_entity){BP_SCOPE_TRUST, 0}, "Consolidated trust", nowh, lasth);
    for (size_t i = 0; i < c->ninsts; i++)
        bs_table(c, (bp_entity){BP_SCOPE_INSTITUTION, c->insts[i]}, c->m->insts[c->insts[i]].name,
                 nowh, lasth);
    if (!c->lgb && c->m->central >= 0)
        bs_table(c, (bp_entity){BP_SCOPE_INSTITUTION, c->m->central}, c->m->insts[c->m->central].name,
                 nowh, lasth);
}
