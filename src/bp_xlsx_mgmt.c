/* bp_xlsx_mgmt: the Management accounts sheet of an in-year workbook (contract v2,
 * "In-year figures"; docs/workbook.md, "Months") - per management-accounts line (the
 * prefixes of bp_inyear_line: income, its groups, exp, its groups, the in-year result),
 * for the consolidated trust and each institution: the actuals to date against the
 * budget to date, and the full-year budget against the outturn, with variances
 * favourable positive, and each institution's months received.  Every figure reads one
 * cell of the sums block (the code's own total, whose rows add up its codes), so no
 * formula grows with the number of codes under a line; its check sets the totals
 * against Budget v actual's, which add up the lines instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_inyear.h"
#include "bp_xlsx_internal.h"

/* The management-accounts lines, in the order of the statements (docs/workbook.md, "The
 * statements"); a line the sums block has no row for (no fact of the year under it) is
 * left out.  "result" is income less expenditure. */
static const char *const ma_lines[] = {"income", "income.esfa", "income.gov", "income.self",
                                       "exp", "exp.staff", "exp.nonpay", "result"};
#define MA_NLINES (sizeof ma_lines / sizeof *ma_lines)

enum { MA_LABEL, MA_CODE, MA_YTD_ACT, MA_YTD_BUD, MA_YTD_VAR, MA_YTD_PCT, MA_BUD, MA_OUT,
       MA_VAR, MA_PCT, MA_NCOLS };

/* The scenario of a figure column. */
static bp_scenario ma_scenario(int col)
{
    return col == MA_YTD_ACT ? BP_ACTUAL : col == MA_YTD_BUD ? BP_YTD_BUDGET
           : col == MA_BUD ? BP_BUDGET : BP_OUTTURN;
}

/* One line's figure for column p (workbook position; -1 the consolidated trust): the
 * sums block's cell, blank for no data.  Returns its value. */
static xl_amt ma_figure(xl *x, int row, int col, const char *code, int p)
{
    const int year = x->s->year;
    bp_scenario sc = ma_scenario(col);
    bool elim = p < 0 && xl_sums_row(x, code, year, (int)sc, true) >= 0;
    char ref[200];
    if (!xl_fact_ref(x, ref + 1, sizeof ref - 1, code, year, (int)sc, elim, p)) return (xl_amt){false, 0};
    ref[0] = '=';
    xl_amt a = xl_engine_sum(x, p, code, year, sc, elim);
    xl_put_formula(x, XS_MGMT, row, col, ref, x->f.money, xl_cache_amt(a));
    return a;
}

/* Variance (favourable positive, dir: +1 more is better) and % variance of actual column
 * ca against budget column cb. */
static void ma_variance(xl *x, int row, int ca, int cb, int cv, int dir, xl_amt a, xl_amt b)
{
    char A[16], B[16], V[16], f[256];
    bp_formula_ref(A, sizeof A, NULL, row, ca);
    bp_formula_ref(B, sizeof B, NULL, row, cb);
    bp_formula_ref(V, sizeof V, NULL, row, cv);
    snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),\"\")", A, B, dir > 0 ? A : B,
             dir > 0 ? B : A);
    bool has = a.has && b.has;
    int64_t var = dir > 0 ? a.p - b.p : b.p - a.p;
    xl_put_formula(x, XS_MGMT, row, cv, f, x->f.money,
                   has ? xl_cache_double((double)var / 100.0) : xl_cache_text(""));
    /* % variance = variance / |budget|; a budget of 0 or none: no data (DATA.md) */
    snprintf(f, sizeof f, "=IF(AND(COUNT(%s),COUNT(%s)),IF(%s=0,\"\",%s/ABS(%s)),\"\")", V, B, B, V, B);
    xl_put_formula(x, XS_MGMT, row, cv + 1, f, x->f.percent,
                   !has || b.p == 0 ? xl_cache_text("")
                   : xl_cache_double(((double)var / 100.0) / ((double)(b.p < 0 ? -b.p : b.p) / 100.0)));
}

/* The block of entity p: its title, the header, a row per line, the months received of
 * an institution, and the check against Budget v actual.  Returns the next free row. */
static int ma_block(xl *x, int row, int p)
{
    const xl_sheet s = XS_MGMT;
    static const char *const heads[MA_NCOLS] = {
        "Line", "Code", "Actual to date", "Budget to date", "Variance", "% variance",
        "Full-year budget", "Outturn", "Variance", "% variance"};
    char title[200], hb[MA_NCOLS][48];
    const char *hp[MA_NCOLS];
    if (p < 0) xl_text_fmt(title, sizeof title, "%s (consolidated: internal transfers eliminated)",
                           x->m->name);
    else xl_text_fmt(title, sizeof title, "%s (%s)", x->ents[p].name, x->ents[p].id);
    xl_put_text(x, s, row, 0, title, x->f.bold);
    for (int c = 0; c < MA_NCOLS; c++) {
        bool money = c == MA_YTD_ACT || c == MA_YTD_BUD || c == MA_YTD_VAR || c == MA_BUD
                     || c == MA_OUT || c == MA_VAR;
        snprintf(hb[c], sizeof hb[c], "%s%s", heads[c], money ? xl_money_note(x) : "");
        hp[c] = hb[c];
    }
    xl_put_headers_as(x, s, row + 1, 0, hp, MA_NCOLS, "llrrrrrrrr");
    row += 2;
    static const int figs[4] = {MA_YTD_ACT, MA_YTD_BUD, MA_BUD, MA_OUT};
    int at[2] = {-1, -1};   /* the rows of income and exp */
    for (size_t i = 0; i < MA_NLINES && xl_live(x); i++) {
        const char *code = ma_lines[i];
        bool result = strcmp(code, "result") == 0;
        xl_amt v[4] = {{false, 0}, {false, 0}, {false, 0}, {false, 0}};
        if (result && (at[0] < 0 || at[1] < 0)) continue;
        if (!result && xl_sums_row(x, code, x->s->year, BP_ACTUAL, false) < 0) continue;
        char label[160];
        if (result) snprintf(label, sizeof label, "In-year result (income less expenditure)");
        else xl_code_label(label, sizeof label, code, strlen(code));
        xl_put_text(x, s, row, MA_LABEL, label, strchr(code, '.') ? x->f.text : x->f.bold);
        if (!result) xl_put_text(x, s, row, MA_CODE, code, x->f.text);
        for (int k = 0; k < 4 && xl_live(x); k++) {
            if (!result) {
                v[k] = ma_figure(x, row, figs[k], code, p);
                continue;
            }
            char I[16], E[16], f[160];
            bp_formula_ref(I, sizeof I, NULL, at[0], figs[k]);
            bp_formula_ref(E, sizeof E, NULL, at[1], figs[k]);
            snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),\"\")", I, E, I, E);
            xl_amt a = xl_engine_sum(x, p, "income", x->s->year, ma_scenario(figs[k]), p < 0);
            xl_amt e = xl_engine_sum(x, p, "exp", x->s->year, ma_scenario(figs[k]), p < 0);
            v[k] = a.has && e.has ? (xl_amt){true, a.p - e.p} : (xl_amt){false, 0};
            xl_put_formula(x, s, row, figs[k], f, x->f.money, xl_cache_amt(v[k]));
        }
        int dir = result ? 1 : bp_code_direction(code);
        ma_variance(x, row, MA_YTD_ACT, MA_YTD_BUD, MA_YTD_VAR, dir, v[0], v[1]);
        ma_variance(x, row, MA_OUT, MA_BUD, MA_VAR, dir, v[3], v[2]);
        if (!strcmp(code, "income")) at[0] = row;
        if (!strcmp(code, "exp")) at[1] = row;
        row++;
    }
    if (x->recv_row >= 0) {
        /* an institution: the months up to the period less those not received; the
         * trust: the months not received of all its institutions, which explain its
         * blanks (while not 0 its actuals to date, outturn and their variances are no
         * data, as the engine's: docs/workbook.md, "Months") - Workings, live */
        char ref[64], f[128];
        bp_formula_ref(ref, sizeof ref, BP_XL_SHEET_WORKINGS, x->recv_row, xl_sums_col(x, p));
        int missing = 0;
        for (size_t i = 0; i < x->m->ninsts; i++)
            if (p < 0 || (size_t)p == i) missing += xl_months_missing(x, i);
        if (p >= 0) xl_text_fmt(title, sizeof title, "Months received (of %d)", x->m->period);
        else xl_text_fmt(title, sizeof title, "Months not received, all institutions (while not 0, "
                         "no data to date or for the outturn)");
        xl_put_text(x, s, row, MA_LABEL, title, x->f.text);
        if (p >= 0) snprintf(f, sizeof f, "=%d-%s", x->m->period, ref);
        else snprintf(f, sizeof f, "=%s", ref);
        xl_put_formula(x, s, row, MA_YTD_ACT, f, x->f.whole,
                       xl_cache_double(p >= 0 ? (double)(x->m->period - missing) : (double)missing));
        row++;
    }
    /* the check: income and expenditure, each figure less Budget v actual's total */
    const int *bva = x->bva_rows ? &x->bva_rows[2 * (p + 1)] : NULL;
    for (int k = 0; k < 2 && bva && xl_live(x); k++) {
        if (at[k] < 0 || bva[k] < 0) continue;
        static const int bcol[4] = {3, 2, 7, 8};   /* Budget v actual: actual, budget to date,
                                                    * full-year budget, outturn */
        char what[256];
        xl_text_fmt(what, sizeof what, "Management accounts, %s: total %s (to date, budget to date, "
                    "full-year budget, outturn) equals Budget v actual's sum of its lines",
                    p < 0 ? "the trust" : x->ents[p].id, k ? "expenditure" : "income");
        xl_put_text(x, s, row, MA_LABEL, k ? "check: total expenditure less Budget v actual's (0)"
                                           : "check: total income less Budget v actual's (0)", x->f.text);
        /* two blocks, the year to date's columns and the full year's (a check's block
         * has a formula in every cell) */
        for (int half = 0; half < 2 && xl_live(x); half++) {
            int c0 = half ? MA_BUD : MA_YTD_ACT;
            xl_add_check(x, s, row, c0, row, c0 + 1, what);
            for (int j = 0; j < 2 && xl_live(x); j++) {
                char m[16], b[64], f[160];
                bp_formula_ref(m, sizeof m, NULL, at[k], c0 + j);
                bp_formula_ref(b, sizeof b, xl_sheets[XS_BVA].name, bva[k], bcol[2 * half + j]);
                snprintf(f, sizeof f, "=ROUND(SUM(%s)-SUM(%s),2)", m, b);
                /* both are the engine's figure: the same sums, added two ways */
                xl_put_formula(x, s, row, c0 + j, f, x->f.money, xl_cache_double(0));
            }
        }
        row++;
    }
    return row + 1;
}

void xl_write_mgmt(xl *x)
{
    if (!xl_sheet_present(x, XS_MGMT)) return;
    const xl_sheet s = XS_MGMT;
    char yb[16], month[32], title[200];
    bp_year_format(x->s->year, yb, sizeof yb);
    bp_month_long(x->s->year, x->m->period, month, sizeof month);
    xl_text_fmt(title, sizeof title, "%s: management accounts %s to the end of %s", x->m->name, yb,
                month);
    xl_put_title(x, s, title,
                 "Each figure reads the sums on Workings: the actuals and budget to date (months M01 "
                 "to the period), the full-year budget and the outturn (actuals to date, then the "
                 "forecast, else the budget, month by month). Variance is favourable positive; "
                 "blank is no data (a budget set only for the whole year has no budget to date).");
    int row = ma_block(x, 3, -1);
    for (size_t p = 0; p < x->m->ninsts && xl_live(x); p++) row = ma_block(x, row, (int)p);
    xl_set_col(x, s, MA_LABEL, MA_LABEL, 40, NULL);
    xl_set_col(x, s, MA_CODE, MA_CODE, 14, NULL);
    xl_set_col(x, s, MA_YTD_ACT, MA_PCT, 14, NULL);
    xl_print_setup(x, s, 0, -1);
}
