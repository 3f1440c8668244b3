/* bp_xlsx_cashflow: the Cash flow sheet of an in-year workbook (contract v2, "Cash flow"):
 * for each institution with cash.* facts and the trust, the 12 months of the report year -
 * actual months to the closed period, then each code's forecast month, else its budget
 * month - opening, receipts, payments and closing, the lowest closing and A (the year's
 * payments / 12) that cash_min is judged against.  Every figure is a formula over Data
 * (SUMIFS on code, institution, year, scenario and period), its cached value the engine's
 * (bp_inyear_cashflows); a check row per block holds 0 while each closing is its opening +
 * receipts - payments (or, in an actual month, the actual bs.cash given) and each opening the
 * month before's closing.  Only in-year (xl_sheet_present): an annual workbook is unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_inyear.h"
#include "bp_util.h"
#include "bp_xlsx_internal.h"


static bool internal_cash(const char *code)
{
    return bp_code_under(code, "cash.receipts.internal") || bp_code_under(code, "cash.payments.internal");
}

/* The distinct codes (interned: one pointer a code) of inst's monthly receipts (dir +1)
 * or payments (-1) of the year in the forecast and budget, internal ones only or none of
 * them; *codes malloc()ed. */
static size_t later_codes(const xl *x, int inst, int dir, bool internal, const char ***codes)
{
    const bp_model *m = x->m;
    *codes = malloc((m->nfacts + 1) * sizeof **codes);
    if (!*codes) return 0;
    size_t n = 0;
    for (size_t i = 0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != xl_cashflow_year(x) || !f->period
            || (f->scenario != BP_FORECAST && f->scenario != BP_BUDGET)
            || !bp_code_under(f->code, dir > 0 ? "cash.receipts" : "cash.payments")
            || internal_cash(f->code) != internal)
            continue;
        size_t k = 0;
        while (k < n && (*codes)[k] != f->code) k++;
        if (k == n) (*codes)[n++] = f->code;
    }
    return n;
}

/* inst's actual (month <= period) or forecast-else-budget flows of month k under codes as
 * above, in pence: the engine's rule (bp_cashflow.c), for the internal rows' cached values. */
static int64_t month_pence(const xl *x, int inst, int k, int dir, bool internal)
{
    const bp_model *m = x->m;
    bool actual = k <= xl_cashflow_period(x);
    int64_t t = 0;
    for (size_t i = 0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != xl_cashflow_year(x) || f->period != k
            || !bp_code_under(f->code, dir > 0 ? "cash.receipts" : "cash.payments")
            || internal_cash(f->code) != internal)
            continue;
        if (actual) {
            if (f->scenario == BP_ACTUAL) t += f->value;
            continue;
        }
        if (f->scenario == BP_FORECAST) {
            t += f->value;
        } else if (f->scenario == BP_BUDGET) {
            bool fc = false;
            for (size_t j = 0; j < m->nfacts && !fc; j++)
                fc = m->facts[j].inst == inst && m->facts[j].year == f->year
                     && m->facts[j].scenario == BP_FORECAST && m->facts[j].period == k
                     && m->facts[j].code == f->code;
            if (!fc) t += f->value;
        }
    }
    return t;
}

/* The criteria after a code: institution, year, scenario, month. */
static void crit(char *buf, size_t size, const char *id, const char *yb, const char *sc,
                 const char *mb)
{
    snprintf(buf, size, BP_XL_FACT_INST ",\"%s\"," BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO
             ",\"%s\"," BP_XL_FACT_PERIOD ",\"%s\"", id, yb, sc, mb);
}

/* An institution's flows of month k: the actual month's facts under the head, or code by
 * code the forecast month, else the budget month. */
static void flow_formula(xl *x, bp_fbuf *b, int inst, int k, int dir, bool internal)
{
    const char *id = x->m->insts[inst].id;
    const char *head = dir > 0 ? "cash.receipts" : "cash.payments";
    char yb[16], mb[8], f[2048];
    bp_year_format(xl_cashflow_year(x), yb, sizeof yb);
    bp_month_format(k, mb, sizeof mb);
    bp_fbuf_reset(b);
    if (k <= xl_cashflow_period(x)) {
        char c[192];
        crit(c, sizeof c, id, yb, "actual", mb);
        if (internal)
            snprintf(f, sizeof f, "=ROUND(SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                     ",\"%s.internal\",%s)+SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                     ",\"%s.internal.*\",%s),2)", head, c, head, c);
        else
            snprintf(f, sizeof f, "=ROUND(SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                     ",\"%s.*\",%s)-SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                     ",\"%s.internal\",%s)-SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                     ",\"%s.internal.*\",%s),2)", head, c, head, c, head, c);
        bp_fbuf_puts(b, f);
        return;
    }
    const char **codes;
    size_t n = later_codes(x, inst, dir, internal, &codes);
    bp_fbuf_puts(b, "=ROUND(0");
    for (size_t i = 0; i < n; i++) {
        char fc[192], bc[192];
        crit(fc, sizeof fc, id, yb, "forecast", mb);
        crit(bc, sizeof bc, id, yb, "budget", mb);
        snprintf(f, sizeof f, "+IF(COUNTIFS(" BP_XL_FACT_CODE ",\"%s\",%s),SUMIFS(" BP_XL_FACT_VALUE
                 "," BP_XL_FACT_CODE ",\"%s\",%s),SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                 ",\"%s\",%s))", codes[i], fc, codes[i], fc, codes[i], bc);
        bp_fbuf_puts(b, f);
    }
    bp_fbuf_puts(b, ",2)");
    free(codes);
}

static void ref(char *buf, size_t size, int row, int col)
{
    bp_formula_ref(buf, size, NULL, row, col);
}

/* The actual bs.cash given at month k: the product of the members' COUNTIFS (every member
 * gives it) into cnt, the sum of their SUMIFS into sum; inst < 0: every institution's. */
static void given(const xl *x, const bp_cashflow *all, size_t n, int inst, int k, bp_fbuf *cnt,
                  bp_fbuf *sum)
{
    char yb[16], mb[8], c[192], f[320];
    bp_year_format(xl_cashflow_year(x), yb, sizeof yb);
    bp_month_format(k, mb, sizeof mb);
    bp_fbuf_reset(cnt);
    bp_fbuf_reset(sum);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (all[i].inst < 0 || (inst >= 0 && all[i].inst != inst)) continue;
        crit(c, sizeof c, x->m->insts[all[i].inst].id, yb, "actual", mb);
        snprintf(f, sizeof f, "%sCOUNTIFS(" BP_XL_FACT_CODE ",\"bs.cash\",%s)", first ? "" : "*", c);
        bp_fbuf_puts(cnt, f);
        snprintf(f, sizeof f, "%sSUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE ",\"bs.cash\",%s)",
                 first ? "" : "+", c);
        bp_fbuf_puts(sum, f);
        first = false;
    }
}

static void put_f(xl *x, int row, int col, const bp_fbuf *b, lxw_format *f, xl_cache v)
{
    if (b->nomem) xl_nomem(x);
    else xl_put_formula(x, XS_CASHFLOW, row, col, b->s, f, v);
}

static xl_cache pence(bool ok, int64_t p)
{
    return ok ? xl_cache_double((double)p / 100.0) : xl_cache_text("");
}

/* An institution's flow facts of month k: actual ones to the period, forecast or budget
 * ones after (the engine's "any"); 0 makes that closing and every later one no data. */
static void facts_formula(const xl *x, bp_fbuf *b, int inst, int k)
{
    char yb[16], mb[8], c[192], f[320];
    bp_year_format(xl_cashflow_year(x), yb, sizeof yb);
    bp_month_format(k, mb, sizeof mb);
    bp_fbuf_reset(b);
    bp_fbuf_puts(b, "=0");
    static const char *const scs[3] = {"actual", "forecast", "budget"};
    for (int sc = k <= xl_cashflow_period(x) ? 0 : 1; sc < (k <= xl_cashflow_period(x) ? 1 : 3); sc++)
        for (int d = 0; d < 2; d++) {
            crit(c, sizeof c, x->m->insts[inst].id, yb, scs[sc], mb);
            snprintf(f, sizeof f, "+COUNTIFS(" BP_XL_FACT_CODE ",\"%s.*\",%s)",
                     d ? "cash.payments" : "cash.receipts", c);
            bp_fbuf_puts(b, f);
        }
}

static int64_t facts_count(const xl *x, int inst, int k)
{
    int64_t n = 0;
    bool actual = k <= xl_cashflow_period(x);
    for (size_t i = 0; i < x->m->nfacts; i++) {
        const bp_fact *f = &x->m->facts[i];
        if (f->inst == inst && f->year == xl_cashflow_year(x) && f->period == k
            && (actual ? f->scenario == BP_ACTUAL : (f->scenario == BP_FORECAST || f->scenario == BP_BUDGET))
            && (bp_code_under(f->code, "cash.receipts") || bp_code_under(f->code, "cash.payments"))
            && strcmp(f->code, "cash.receipts") != 0 && strcmp(f->code, "cash.payments") != 0)
            n++;
    }
    return n;
}

/* "=ROUND(SUM(refs of the institutions' row r at col),2)" for the trust. */
static void members_sum(bp_fbuf *b, const bp_cashflow *all, size_t n, int r, int col, bool round)
{
    char a[16];
    bp_fbuf_reset(b);
    bp_fbuf_puts(b, round ? "=ROUND(SUM(" : "=SUM(");
    bool first = true;
    for (size_t j = 0; j < n; j++) {
        if (all[j].inst < 0) continue;
        ref(a, sizeof a, xl_cashflow_block_row(j) + r, col);
        if (!first) bp_fbuf_puts(b, ",");
        bp_fbuf_puts(b, a);
        first = false;
    }
    bp_fbuf_puts(b, round ? "),2)" : ")");
}

/* The closing's rule at column col of the block at R: opening + receipts - payments (an
 * institution's internal rows included), or in an actual month the members' bs.cash where
 * every member gives it. */
static void closing_rule(const xl *x, bp_fbuf *b, bp_fbuf *cnt, const bp_cashflow *all, size_t n,
                         int inst, int R, int k)
{
    int col = CF_M01 + k - 1;
    char c1[16], c2[16], c3[16], computed[96];
    ref(c1, sizeof c1, R + CF_OPEN, col);
    ref(c2, sizeof c2, R + CF_REC, col);
    ref(c3, sizeof c3, R + CF_PAY, col);
    if (inst < 0) {
        snprintf(computed, sizeof computed, "%s+%s-%s", c1, c2, c3);
    } else {
        char a[16], z[16];
        ref(a, sizeof a, R + CF_IREC, col);
        ref(z, sizeof z, R + CF_IPAY, col);
        snprintf(computed, sizeof computed, "%s+%s+%s-%s-%s", c1, c2, a, c3, z);
    }
    bp_fbuf_reset(b);
    if (k > xl_cashflow_period(x)) {
        bp_fbuf_puts(b, computed);
        return;
    }
    bp_fbuf sums;
    bp_fbuf_init(&sums);
    given(x, all, n, inst, k, cnt, &sums);
    bp_fbuf_puts(b, "IF(");
    bp_fbuf_puts(b, cnt->s);
    bp_fbuf_puts(b, ",");
    bp_fbuf_puts(b, sums.s);
    bp_fbuf_puts(b, ",");
    bp_fbuf_puts(b, computed);
    bp_fbuf_puts(b, ")");
    if (sums.nomem) b->nomem = true;
    bp_fbuf_free(&sums);
}

/* The block of cash flow i: all the whole list (the trust's block adds up the others). */
static void write_block(xl *x, const bp_cashflow *all, size_t n, size_t i, bp_fbuf *b,
                        bp_fbuf *b2)
{
    const xl_sheet s = XS_CASHFLOW;
    const bp_cashflow *cf = &all[i];
    const bp_model *m = x->m;
    int R = xl_cashflow_block_row(i), inst = cf->inst;
    bool trust = inst < 0;
    char title[160], a[16], z[16], c1[16], f[1536];
    if (trust) xl_text_fmt(title, sizeof title, "%s (the trust: internal receipts and payments "
                           "eliminated)", m->name);
    else xl_text_fmt(title, sizeof title, "%s (%s)", m->insts[inst].name, m->insts[inst].id);
    xl_put_text(x, s, R, 0, title, x->f.bold);
    xl_put_text(x, s, R + CF_HEAD, 0, "Line", x->f.header);
    xl_put_text(x, s, R + CF_HEAD, 1, "Code", x->f.header);
    for (int k = 1; k <= 12; k++) {
        char mb[8], h[24];
        bp_month_format(k, mb, sizeof mb);
        snprintf(h, sizeof h, "%s %s", mb, k <= xl_cashflow_period(x) ? "actual" : "forecast");
        xl_put_text(x, s, R + CF_HEAD, CF_M01 + k - 1, h, x->f.header_num);
    }
    xl_put_text(x, s, R + CF_HEAD, CF_LOW, "Lowest closing", x->f.header_num);
    xl_put_text(x, s, R + CF_HEAD, CF_AVG, "Payments / 12 (A)", x->f.header_num);
    static const char *const labels[CF_NROWS] = {
        NULL, NULL, "Opening balance", "Receipts", "Payments", "of which internal receipts",
        "of which internal payments", "Closing balance",
        "flow facts of the month (0: no data from this month on)",
        "check: closing = opening + receipts - payments (an actual month: its bs.cash); "
        "opening = last closing"};
    for (int r = CF_OPEN; r < CF_NROWS; r++)
        if (!trust || (r != CF_IREC && r != CF_IPAY)) xl_put_text(x, s, R + r, 0, labels[r], x->f.text);
    xl_put_text(x, s, R + CF_REC, 1, trust ? "cash.receipts, less internal" : "cash.receipts, not internal",
                x->f.text);
    xl_put_text(x, s, R + CF_PAY, 1, trust ? "cash.payments, less internal" : "cash.payments, not internal",
                x->f.text);
    if (!trust) {
        xl_put_text(x, s, R + CF_IREC, 1, "cash.receipts.internal", x->f.text);
        xl_put_text(x, s, R + CF_IPAY, 1, "cash.payments.internal", x->f.text);
    }
    for (int k = 1; k <= 12 && xl_live(x); k++) {
        const bp_cash_month *mo = &cf->months[k - 1];
        int col = CF_M01 + k - 1;
        /* the month's flow facts: the engine's "any" */
        int64_t nf = 0;
        if (trust) {
            for (size_t j = 0; j < n; j++)
                if (all[j].inst >= 0) nf += facts_count(x, all[j].inst, k);
            members_sum(b, all, n, CF_FACTS, col, false);
        } else {
            nf = facts_count(x, inst, k);
            facts_formula(x, b, inst, k);
        }
        put_f(x, R + CF_FACTS, col, b, x->f.whole, xl_cache_double((double)nf));
        ref(c1, sizeof c1, R + CF_FACTS, col);
        /* the opening: of M01 last year's closing bs.cash (M12, a whole-year fact counting
         * as M12), else this year's cash.opening, the trust's the institutions' when every
         * one has one; of a later month the closing before; no data in a month without
         * flow facts or after one */
        bp_fbuf_reset(b);
        if (k > 1) {
            ref(a, sizeof a, R + CF_CLOSE, col - 1);
            snprintf(f, sizeof f, "=IF(AND(%s>0,ISNUMBER(%s)),%s,\"\")", c1, a, a);
        } else if (trust) {
            size_t nm = 0;
            bp_fbuf_reset(b2);
            for (size_t j = 0; j < n; j++) {
                if (all[j].inst < 0) continue;
                ref(a, sizeof a, xl_cashflow_block_row(j) + CF_OPEN, col);
                if (nm++) bp_fbuf_puts(b2, ",");
                bp_fbuf_puts(b2, a);
            }
            bp_fbuf_puts(b, "=IF(COUNT(");
            bp_fbuf_puts(b, b2->s);
            snprintf(f, sizeof f, ")<%zu,\"\",ROUND(SUM(", nm);
            bp_fbuf_puts(b, f);
            bp_fbuf_puts(b, b2->s);
            bp_fbuf_puts(b, "),2))");
            if (b2->nomem) b->nomem = true;
            f[0] = '\0';
        } else {
            char yb[16], yp[16], id[64], prior[256], open[256];
            bp_year_format(xl_cashflow_year(x), yb, sizeof yb);
            bp_year_format(xl_cashflow_year(x) - 1, yp, sizeof yp);
            snprintf(id, sizeof id, "%s", m->insts[inst].id);
            snprintf(prior, sizeof prior, BP_XL_FACT_CODE ",\"bs.cash\"," BP_XL_FACT_INST ",\"%s\","
                     BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO ",\"actual\"", id, yp);
            snprintf(open, sizeof open, BP_XL_FACT_CODE ",\"cash.opening\"," BP_XL_FACT_INST ",\"%s\","
                     BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO ",\"actual\"", id, yb);
            snprintf(f, sizeof f, "=IF(%s=0,\"\",IF(COUNTIFS(%s),ROUND(SUMIFS(" BP_XL_FACT_VALUE
                     ",%s," BP_XL_FACT_PERIOD ",\"M12\")+SUMIFS(" BP_XL_FACT_VALUE ",%s,"
                     BP_XL_FACT_PERIOD ",\"\"),2),IF(COUNTIFS(%s),ROUND(SUMIFS(" BP_XL_FACT_VALUE
                     ",%s),2),\"\")))", c1, prior, prior, prior, open, open);
        }
        if (f[0]) bp_fbuf_puts(b, f);
        put_f(x, R + CF_OPEN, col, b, x->f.money, pence(mo->ok, mo->opening));
        /* receipts and payments as Data has them, whether or not the month has a closing */
        for (int d = 0; d < 2; d++) {
            int row = R + (d ? CF_PAY : CF_REC), irow = R + (d ? CF_IPAY : CF_IREC);
            if (trust) {
                int64_t t = 0;
                for (size_t j = 0; j < n; j++)
                    if (all[j].inst >= 0) t += month_pence(x, all[j].inst, k, d ? -1 : 1, false);
                members_sum(b, all, n, d ? CF_PAY : CF_REC, col, true);
                put_f(x, row, col, b, x->f.money, pence(true, t));
                continue;
            }
            flow_formula(x, b, inst, k, d ? -1 : 1, false);
            put_f(x, row, col, b, x->f.money, pence(true, month_pence(x, inst, k, d ? -1 : 1, false)));
            flow_formula(x, b, inst, k, d ? -1 : 1, true);
            put_f(x, irow, col, b, x->f.money, pence(true, month_pence(x, inst, k, d ? -1 : 1, true)));
        }
        char open[16];
        ref(open, sizeof open, R + CF_OPEN, col);
        closing_rule(x, b2, b, all, n, inst, R, k);
        bp_fbuf_reset(b);
        bp_fbuf_puts(b, "=IF(ISNUMBER(");
        bp_fbuf_puts(b, open);
        bp_fbuf_puts(b, "),ROUND(");
        bp_fbuf_puts(b, b2->s);
        bp_fbuf_puts(b, ",2),\"\")");
        if (b2->nomem) b->nomem = true;
        put_f(x, R + CF_CLOSE, col, b, x->f.money_bold, pence(mo->ok, mo->closing));
    }
    /* the check: the closing's own rule again and the opening against the closing before,
     * the closing last, so that the tamper test overwrites a figure it checks */
    if (xl_live(x)) xl_add_check(x, s, R + CF_CHECK, CF_M01, R + CF_CHECK, CF_M01 + 11,
                                 "Cash flow: each closing balance is its opening + receipts - "
                                 "payments (an actual month: its bs.cash) and each opening the "
                                 "closing before");
    for (int k = 1; k <= 12 && xl_live(x); k++) {
        int col = CF_M01 + k - 1;
        char cl[16], op[16], cont[48] = "";
        ref(cl, sizeof cl, R + CF_CLOSE, col);
        ref(op, sizeof op, R + CF_OPEN, col);
        if (k > 1) {
            ref(a, sizeof a, R + CF_CLOSE, col - 1);
            snprintf(cont, sizeof cont, "+%s-%s", op, a);
        }
        closing_rule(x, b2, b, all, n, inst, R, k);
        bp_fbuf_reset(b);
        bp_fbuf_puts(b, "=IF(ISNUMBER(");
        bp_fbuf_puts(b, op);
        bp_fbuf_puts(b, "),ROUND(0");
        bp_fbuf_puts(b, cont);
        bp_fbuf_puts(b, "+");
        bp_fbuf_puts(b, b2->s);
        bp_fbuf_puts(b, "-");
        bp_fbuf_puts(b, cl);
        bp_fbuf_puts(b, ",2),0)");
        if (b2->nomem) b->nomem = true;
        put_f(x, R + CF_CHECK, col, b, x->f.money, xl_cache_double(0));
    }
    ref(a, sizeof a, R + CF_CLOSE, CF_M01);
    ref(z, sizeof z, R + CF_CLOSE, CF_M01 + 11);
    snprintf(f, sizeof f, "=IF(COUNT(%s:%s)=12,MIN(%s:%s),\"\")", a, z, a, z);
    xl_put_formula(x, s, R + CF_CLOSE, CF_LOW, f, x->f.money_bold, pence(cf->has_low, cf->low));
    char p0[16], p1[16];
    ref(p0, sizeof p0, R + CF_PAY, CF_M01);
    ref(p1, sizeof p1, R + CF_PAY, CF_M01 + 11);
    int64_t paid = 0;
    for (int k = 0; k < 12; k++) paid += cf->months[k].payments;
    if (trust) {
        snprintf(f, sizeof f, "=IF(COUNT(%s:%s)=12,SUM(%s:%s)/12,\"\")", a, z, p0, p1);
    } else {
        char c2[16];
        ref(c1, sizeof c1, R + CF_IPAY, CF_M01);
        ref(c2, sizeof c2, R + CF_IPAY, CF_M01 + 11);
        snprintf(f, sizeof f, "=IF(COUNT(%s:%s)=12,(SUM(%s:%s)+SUM(%s:%s))/12,\"\")", a, z, p0, p1, c1, c2);
    }
    xl_put_formula(x, s, R + CF_PAY, CF_AVG, f, x->f.money,
                   cf->has_low ? xl_cache_double((double)paid / 1200.0) : xl_cache_text(""));
}

void xl_write_cashflow(xl *x)
{
    if (!xl_sheet_present(x, XS_CASHFLOW)) return;
    const xl_sheet s = XS_CASHFLOW;
    char yb[16], month[32], title[160];
    bp_year_format(xl_cashflow_year(x), yb, sizeof yb);
    bp_month_long(xl_cashflow_year(x), xl_cashflow_period(x), month, sizeof month);
    xl_text_fmt(title, sizeof title, "Cash flow %s: the actual months to the end of %s, then the "
                "forecast", yb, month);
    xl_put_title(x, s, title, "Each month's receipts and payments from Data: actual months as "
                 "given; a later month code by code from its forecast month, else its budget month. "
                 "Closing = opening + receipts - payments (an actual month: its bs.cash). cash_min "
                 "on the Scorecard is the lowest closing, against A = the year's payments / 12.");
    size_t n;
    const bp_cashflow *cf = bp_inyear_cashflows(x->res, &n);
    if (!n) {
        xl_put_text(x, s, XL_CF_FIRST, 0, "The data has no cash.* facts for the year: no cash flow.",
                    x->f.text);
        return;
    }
    bp_fbuf b, b2;
    bp_fbuf_init(&b);
    bp_fbuf_init(&b2);
    for (size_t i = 0; i < n && xl_live(x); i++) write_block(x, cf, n, i, &b, &b2);
    bp_fbuf_free(&b);
    bp_fbuf_free(&b2);
    xl_set_col(x, s, 0, 0, 44, NULL);
    xl_set_col(x, s, 1, 1, 28, NULL);
    xl_set_col(x, s, CF_M01, CF_AVG, 14, NULL);
    xl_print_setup(x, s, 0, -1);
}
