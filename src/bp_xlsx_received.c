/* bp_xlsx_received: the months not received, in-year (contract v2, "In-year figures": a
 * month m <= period for which an institution has no actual flow fact at all).  The
 * engine then has no year to date for that institution (bp_model_sum_state); the
 * workbook says the same with one row under the sums block on Workings, a live count
 * per institution over Data, which every row of the report year's actuals reads
 * (bp_xlsx_sums.c): the institution's total and facts are 0 while it is not 0, and the
 * facts of its phase and the trust (whose cells add up their members' counts) are 0 while
 * theirs is not 0, so that every figure of theirs is blank, as the engine's; the row
 * explains why (docs/workbook.md, "Months"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_inyear.h"
#include "bp_xlsx_internal.h"

bool xl_sum_ytd(const xl *x, const xl_sum *s)
{
    return x->recv_row >= 0 && (s->kind == XR_FACTS || s->kind == XR_ELIMINATED)
           && s->year == x->m->inyear && s->scenario == BP_ACTUAL;
}

int xl_outturn_year(const xl *x)
{
    return x->m->inyear && x->m->period && x->s->year == x->m->inyear ? x->m->inyear : 0;
}

int xl_months_missing(const xl *x, size_t p)
{
    if (x->recv_row < 0 || !x->m->missing) return 0;
    unsigned v = x->m->missing[x->inst_order[p]];
    int n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

int xl_trust_missing(const xl *x)
{
    int n = 0;
    for (size_t p = 0; p < x->m->ninsts; p++) n += xl_months_missing(x, p);
    return n;
}

/* An institution's count: 0 unless it has a money fact of the year (not expected to send
 * any, as the engine has it), else one for each month up to the period with no actual fact
 * but balances (bs.*: a monthly cash.opening is a data error). */
static void inst_formula(const xl *x, bp_fbuf *b, const char *col)
{
    static const char *const heads[] = {"income", "exp", "memo", "bs", "cash"};
    char yb[16], head[24], mb[8], buf[256];
    bp_year_format(x->m->inyear, yb, sizeof yb);
    snprintf(head, sizeof head, "%s$%d", col, WORK_HEAD_ROW + 1);
    bp_fbuf_puts(b, "=IF(");
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        snprintf(buf, sizeof buf, "%sCOUNTIFS(" BP_XL_FACT_CODE ",\"%s*\"," BP_XL_FACT_INST ",%s,"
                 BP_XL_FACT_YEAR ",\"%s\")", i ? "+" : "", heads[i], head, yb);
        bp_fbuf_puts(b, buf);
    }
    bp_fbuf_puts(b, ",");
    for (int m = 1; m <= x->m->period; m++) {
        bp_month_format(m, mb, sizeof mb);
        snprintf(buf, sizeof buf, "%s(COUNTIFS(" BP_XL_FACT_PERIOD ",\"%s\"," BP_XL_FACT_INST ",%s,"
                 BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO ",\"actual\")", m > 1 ? "+" : "",
                 mb, head, yb);
        bp_fbuf_puts(b, buf);
        snprintf(buf, sizeof buf, "-COUNTIFS(" BP_XL_FACT_CODE ",\"bs*\"," BP_XL_FACT_PERIOD ",\"%s\","
                 BP_XL_FACT_INST ",%s," BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO
                 ",\"actual\")=0)", mb, head, yb);
        bp_fbuf_puts(b, buf);
    }
    bp_fbuf_puts(b, ",0)");
}

void xl_write_received(xl *x)
{
    if (x->recv_row < 0) return;
    const xl_sheet ws = XS_WORKINGS;
    size_t n = x->m->ninsts;
    int R = x->recv_row, total = 0;
    char first[8], last[8], col[8], f[256], pb[8];
    bp_formula_col(first, sizeof first, BP_XL_WORK_FIRST_COL);
    bp_formula_col(last, sizeof last, BP_XL_WORK_FIRST_COL + (int)(n ? n - 1 : 0));
    bp_month_format(x->m->period, pb, sizeof pb);
    xl_put_text(x, ws, R, BP_XL_WORK_CODE, "months not received", x->f.bold);
    xl_text_fmt(f, sizeof f, "actual months M01..%s with no actual flow fact: while not 0 the "
                "institution's %s actuals to date are no data", pb, "report year's");
    xl_put_text(x, ws, R, BP_XL_WORK_NOTE, f, x->f.text);
    bp_fbuf b;
    bp_fbuf_init(&b);
    for (size_t p = 0; p < n && xl_live(x); p++) {
        int c = BP_XL_WORK_FIRST_COL + (int)p, k = xl_months_missing(x, p);
        bp_formula_col(col, sizeof col, c);
        bp_fbuf_reset(&b);
        inst_formula(x, &b, col);
        if (b.nomem) xl_nomem(x);
        else xl_put_formula(x, ws, R, c, b.s, x->f.whole, xl_cache_double(k));
        total += k;
    }
    for (size_t ph = 0; ph < x->res->nphases && xl_live(x); ph++) {
        bp_phase phase = x->res->phases[ph];
        int c = x->phase_col[phase], k = 0;
        for (size_t p = 0; p < n; p++)
            if (x->m->insts[x->inst_order[p]].phase == phase) k += xl_months_missing(x, p);
        bp_formula_col(col, sizeof col, c);
        snprintf(f, sizeof f, "=SUMIF($%s$%d:$%s$%d,%s$%d,%s%d:%s%d)", first, WORK_PHASE_ROW + 1,
                 last, WORK_PHASE_ROW + 1, col, WORK_HEAD_ROW + 1, first, R + 1, last, R + 1);
        xl_put_formula(x, ws, R, c, f, x->f.whole, xl_cache_double(k));
    }
    snprintf(f, sizeof f, "=SUM(%s%d:%s%d)", first, R + 1, last, R + 1);
    if (xl_live(x)) xl_put_formula(x, ws, R, x->trust_col, f, x->f.whole, xl_cache_double(total));
    bp_fbuf_free(&b);
}

/* The report year's actuals are those to date in-year. */
static bp_expr_ctx engine_ctx(const xl *x, const bp_expr_ctx *c0)
{
    bp_expr_ctx c = *c0;
    if (x->m->inyear && c0->year == x->m->inyear && c0->scenario == BP_ACTUAL)
        c.scenario = BP_YTD_ACTUAL;
    return c;
}

bp_num xl_engine_eval(const xl *x, const bp_expr *e, const bp_expr_ctx *c0)
{
    /* a member's month not received leaves a phase's or the trust's year to date and
     * outturn no data, in the engine as in the facts cells of Workings */
    bp_expr_ctx c = engine_ctx(x, c0);
    return bp_expr_eval(e, &c);
}

bp_num xl_engine_eval_sent(const xl *x, const bp_expr *e, const bp_expr_ctx *c0)
{
    bp_expr_ctx mapped = engine_ctx(x, c0);
    const bp_expr_ctx *c = &mapped;
    if (x->recv_row < 0 || !x->m->missing || c->year != x->m->inyear || c->nmembers < 2
        || (c->scenario != BP_YTD_ACTUAL && c->scenario != BP_OUTTURN))
        return bp_expr_eval(e, c);
    int *kept = malloc(c->nmembers * sizeof *kept);
    if (!kept) return bp_num_none();
    size_t n = 0;
    for (size_t i = 0; i < c->nmembers; i++)
        if (!x->m->missing[c->members[i]]) kept[n++] = c->members[i];
    bp_expr_ctx k = *c;
    k.members = kept;
    k.nmembers = n;
    bp_num v = n ? bp_expr_eval(e, &k) : bp_num_none();
    free(kept);
    return v;
}

/* ---- the Cash flow sheet's layout (bp_xlsx_cashflow.c writes it; the Scorecard's cash_min
 * reads its lowest closing) ---- */

bool xl_sheet_present(const xl *x, xl_sheet s)
{
    size_t n = 0;
    if (s == XS_MGMT) return xl_outturn_year(x) != 0;
    if (s == XS_CASHFLOW) bp_inyear_cashflows(x->res, &n);
    return s != XS_CASHFLOW || n > 0;
}

int xl_cashflow_year(const xl *x)
{
    return x->m->inyear ? x->m->inyear : x->s->year;
}

int xl_cashflow_period(const xl *x)
{
    return x->m->inyear && x->m->period ? x->m->period : 12;
}

bool xl_cash_low_ref(const bp_formula_env *env, const bp_expr_ctx *c, char *buf, size_t size)
{
    const xl *x = env->arg;
    /* the engine's rule (eval_cash_min): the year reported's outturn in-year, else its
     * actual; a phase has no cash flow */
    bp_scenario sc = x->m->inyear == c->year ? BP_OUTTURN : BP_ACTUAL;
    if (c->year != xl_cashflow_year(x) || !c->nmembers || c->phase || c->scenario != sc)
        return false;
    int inst = c->nmembers == 1 ? c->members[0] : c->nmembers == x->m->ninsts && c->eliminate ? -1 : -2;
    int row = inst < -1 ? -1 : xl_cashflow_low_row(x, inst);
    if (row < 0) return false;
    bp_formula_ref(buf, size, xl_sheets[XS_CASHFLOW].name, row, CF_LOW);
    return true;
}

int xl_cashflow_block_row(size_t i)
{
    return XL_CF_FIRST + (int)i * (CF_NROWS + 1);
}

bool xl_cash_avg_ref(const xl *x, const bp_expr_ctx *c, char *buf, size_t size)
{
    char low[64];
    if (!xl_cash_low_ref(&x->env, c, low, sizeof low)) return false;
    int inst = c->nmembers == 1 ? c->members[0] : -1;
    bp_formula_ref(buf, size, xl_sheets[XS_CASHFLOW].name,
                   xl_cashflow_low_row(x, inst) - CF_CLOSE + CF_PAY, CF_AVG);
    return true;
}

int xl_cashflow_low_row(const xl *x, int inst)
{
    if (!xl_sheet_present(x, XS_CASHFLOW)) return -1;
    size_t n;
    const bp_cashflow *cf = bp_inyear_cashflows(x->res, &n);
    for (size_t i = 0; i < n; i++)
        if (cf[i].inst == inst) return xl_cashflow_block_row(i) + CF_CLOSE;
    return -1;
}
