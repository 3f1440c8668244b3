/* bp_xlsx_statements: the financial statements - income and expenditure by institution,
 * consolidated with internal transfers eliminated (Finance), and the central charge
 * allocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- Finance ---- */


typedef struct {
    int year;
    bp_scenario sc;
} xl_pair;

#define FIN_FIRST_COL 2
#define FIN_HEADER_ROW 3

static bool has_finance(const bp_model *m, int year, bp_scenario sc)
{
    return bp_model_has_facts(m, year, sc, "income") || bp_model_has_facts(m, year, sc, "exp");
}

/* Years with income or expenditure: actuals first (the chart's run), then budgets and
 * forecasts, each ascending. */
static size_t finance_pairs(const xl *x, xl_pair *out, size_t max, size_t *nactual)
{
    size_t n = 0;
    for (bp_scenario sc = BP_ACTUAL; sc < BP_SCENARIO_COUNT; sc++) {
        for (size_t i = 0; i < x->m->nyears && n < max; i++)
            if (has_finance(x->m, x->m->years[i], sc)) out[n++] = (xl_pair){x->m->years[i], sc};
        if (sc == BP_ACTUAL) *nactual = n;
    }
    return n;
}

static void finance_line(xl *x, int row, const char *label, const char *id, const bp_expr *e,
                         const xl_entity *ent, bool eliminate, const xl_pair *pairs, size_t np,
                         lxw_format *f)
{
    xl_put_text(x, XS_FINANCE, row, 0, label, f == x->f.money_bold ? x->f.bold : x->f.text);
    xl_put_text(x, XS_FINANCE, row, 1, id, x->f.text);
    for (size_t j = 0; j < np && xl_live(x); j++) {
        bp_expr_ctx c = xl_entity_ctx(x, ent, pairs[j].year, pairs[j].sc);
        c.eliminate = eliminate;
        if (!xl_cell_formula(x, e, &c, true, label)) return;
        c.scenario = xl_engine_scenario(x, c.year, c.scenario);
        xl_put_formula(x, XS_FINANCE, row, FIN_FIRST_COL + (int)j, x->fb.s, f,
                       xl_cache_num(xl_engine_eval(x, e, &c), true));
    }
}

/* A total down the column over rows r0..r1 of the block: "=IF(COUNT(C6:C10),ROUND(SUM(C6:C10),2),"")",
 * no data when none of them has data; v: the rows' values (stride np), the total's. */
static void finance_sum(xl *x, int row, int r0, int r1, size_t np, xl_amt *v, int vrow0,
                        lxw_format *f)
{
    for (size_t j = 0; j < np && xl_live(x); j++) {
        char a[16], b[16], formula[96];
        int col = FIN_FIRST_COL + (int)j;
        xl_amt t = {false, 0};
        bp_formula_ref(a, sizeof a, NULL, r0, col);
        bp_formula_ref(b, sizeof b, NULL, r1, col);
        snprintf(formula, sizeof formula, "=IF(COUNT(%s:%s),ROUND(SUM(%s:%s),2),\"\")", a, b, a, b);
        for (int r = r0; r <= r1; r++) t = xl_amt_add(t, v[(size_t)(r - vrow0) * np + j], 1);
        v[(size_t)(row - vrow0) * np + j] = t;
        xl_put_formula(x, XS_FINANCE, row, col, formula, f, xl_cache_amt(t));
    }
}

/* In-year, the total of the institutions of the report year's actuals (to date) is no
 * data while a month is not received (the Workings count of the trust), as the engine's
 * trust: the consolidated line below it follows.  v: the row's values (stride 1). */
static void finance_not_received(xl *x, int row, const xl_pair *pairs, size_t np, xl_amt *v)
{
    for (size_t j = 0; j < np && xl_live(x); j++) {
        if (!xl_outturn_year(x) || pairs[j].year != x->m->inyear || pairs[j].sc != BP_ACTUAL) continue;
        char a[16], b[16], recv[40], formula[160];
        int col = FIN_FIRST_COL + (int)j;
        bp_formula_ref(a, sizeof a, NULL, row - (int)x->m->ninsts, col);
        bp_formula_ref(b, sizeof b, NULL, row - 1, col);
        bp_formula_ref(recv, sizeof recv, BP_XL_SHEET_WORKINGS, x->recv_row, x->trust_col);
        snprintf(formula, sizeof formula, "=IF(%s,\"\",IF(COUNT(%s:%s),ROUND(SUM(%s:%s),2),\"\"))",
                 recv, a, b, a, b);
        if (xl_trust_missing(x)) v[j] = (xl_amt){false, 0};
        xl_put_formula(x, XS_FINANCE, row, col, formula, x->f.money, xl_cache_amt(v[j]));
    }
}

/* The engine's values of a line, per year (stride np from v). */
static void finance_values(xl *x, const bp_expr *e, const xl_entity *ent, bool eliminate,
                           const xl_pair *pairs, size_t np, xl_amt *v)
{
    for (size_t j = 0; j < np; j++) {
        bp_expr_ctx c = xl_entity_ctx(x, ent, pairs[j].year,
                                      xl_engine_scenario(x, pairs[j].year, pairs[j].sc));
        c.eliminate = eliminate;
        bp_num n = xl_engine_eval(x, e, &c);
        int64_t p;
        v[j] = n.ok && bp_num_to_pence(n, &p) ? (xl_amt){true, p} : (xl_amt){false, 0};
    }
}

/* One block: every institution, their total (the sum of the lines), the internal
 * transfers eliminated and the consolidated trust (the total less them).  v holds the
 * values of the block's rows from vrow0 (stride np).  Returns the consolidated row. */
static int finance_block(xl *x, int row, const char *title, bp_expr *const *ex, int line,
                         int internal, const char *total_label, const xl_pair *pairs, size_t np,
                         xl_amt *v, int vrow0)
{
    const xl_entity *trust = xl_trust_entity(x);
    xl_put_text(x, XS_FINANCE, row++, 0, title, x->f.bold);
    int first = row;
    for (size_t p = 0; p < x->m->ninsts; p++, row++) {
        finance_line(x, row, x->ents[p].name, x->ents[p].id, ex[line], &x->ents[p], false, pairs, np,
                     x->f.money);
        finance_values(x, ex[line], &x->ents[p], false, pairs, np, v + (size_t)(row - vrow0) * np);
    }
    xl_put_text(x, XS_FINANCE, row, 0, "Total of the institutions", x->f.text);
    finance_sum(x, row, first, row - 1, np, v, vrow0, x->f.money);
    finance_not_received(x, row, pairs, np, v + (size_t)(row - vrow0) * np);
    row++;
    if (internal >= 0) {
        finance_line(x, row, "Less internal transfers (eliminated)", "", ex[internal], trust,
                     false, pairs, np, x->f.money);
        finance_values(x, ex[internal], trust, false, pairs, np, v + (size_t)(row - vrow0) * np);
    } else {
        /* the result's: the eliminated income less the eliminated expenditure, what of the
         * internal transfers does not reconcile */
        xl_put_text(x, XS_FINANCE, row, 0, "Internal transfers not reconciled (eliminated)",
                    x->f.text);
        for (size_t j = 0; j < np && xl_live(x); j++) {
            char a[16], b[16], formula[96];
            int col = FIN_FIRST_COL + (int)j;
            xl_amt in = v[(size_t)(x->finance_row[0] - 1 - vrow0) * np + j];
            xl_amt out = v[(size_t)(x->finance_row[1] - 1 - vrow0) * np + j];
            bp_formula_ref(a, sizeof a, NULL, x->finance_row[0] - 1, col);
            bp_formula_ref(b, sizeof b, NULL, x->finance_row[1] - 1, col);
            snprintf(formula, sizeof formula, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),\"\")", a, b, a, b);
            xl_amt d = in.has && out.has ? (xl_amt){true, in.p - out.p} : (xl_amt){false, 0};
            v[(size_t)(row - vrow0) * np + j] = d;
            xl_put_formula(x, XS_FINANCE, row, col, formula, x->f.money, xl_cache_amt(d));
        }
    }
    row++;
    xl_put_text(x, XS_FINANCE, row, 0, total_label, x->f.bold);
    xl_put_text(x, XS_FINANCE, row, 1, "trust", x->f.text);
    finance_sum(x, row, row - 2, row - 1, np, v, vrow0, x->f.money_bold);
    return row;
}

/* A check row under the blocks: each year's consolidated income (or expenditure) less
 * the sums block's eliminated total of the code. */
static void finance_check(xl *x, int row, int trow, const char *code, const xl_pair *pairs,
                          size_t np, const xl_amt *v, int vrow0, const char *label, const char *what)
{
    xl_put_text(x, XS_FINANCE, row, 0, label, x->f.text);
    /* before its cells (xl_add_check) */
    if (np) xl_add_check(x, XS_FINANCE, row, FIN_FIRST_COL, row, FIN_FIRST_COL + (int)np - 1, what);
    for (size_t j = 0; j < np && xl_live(x); j++) {
        char t[16], w[64], formula[128];
        int col = FIN_FIRST_COL + (int)j;
        int wrow = xl_sums_row(x, code, pairs[j].year, (int)pairs[j].sc, true);
        xl_amt e = xl_engine_sum(x, -1, code, pairs[j].year, pairs[j].sc, true);
        xl_amt g = v[(size_t)(trow - vrow0) * np + j];
        if (wrow < 0) continue;
        bp_formula_ref(t, sizeof t, NULL, trow, col);
        bp_formula_ref(w, sizeof w, BP_XL_SHEET_WORKINGS, wrow, x->trust_col);
        /* in-year the year to date is no data while a month is not received (the facts
         * cell 0): 0 against 0 */
        if (xl_outturn_year(x) && pairs[j].year == x->m->inyear && pairs[j].sc == BP_ACTUAL) {
            char tc[28], fc[28];
            bp_formula_ref(tc, sizeof tc, BP_XL_SHEET_WORKINGS, wrow, x->trust_col);
            bp_formula_ref(fc, sizeof fc, BP_XL_SHEET_WORKINGS, wrow, x->trust_col + x->facts_offset);
            snprintf(w, sizeof w, "IF(%s,%s,0)", fc, tc);
        }
        snprintf(formula, sizeof formula, "=ROUND(SUM(%s)-%s,2)", t, w);
        xl_put_formula(x, XS_FINANCE, row, col, formula, x->f.money,
                       xl_cache_double((double)((g.has ? g.p : 0) - (e.has ? e.p : 0)) / 100.0));
    }
}

/* The lowest consolidated income or expenditure of the actual years the chart plots,
 * in pounds (no data is not plotted). */
static double finance_lowest(const xl *x, bp_expr *const *ex, const xl_pair *pairs, size_t nactual)
{
    double lowest = 0;
    for (size_t j = 0; j < nactual; j++)
        for (int i = 0; i < 2; i++) {
            bp_expr_ctx c = xl_entity_ctx(x, xl_trust_entity(x), pairs[j].year,
                                          xl_engine_scenario(x, pairs[j].year, pairs[j].sc));
            xl_cache v = xl_cache_num(xl_engine_eval(x, ex[i ? FX_EXP : FX_INCOME], &c), true);
            if (!v.is_text && v.num < lowest) lowest = v.num;
        }
    return lowest;
}

/* Chart 2: consolidated income and expenditure over the actual years. */
static void write_finance_chart(xl *x, int row, size_t nactual, double lowest)
{
    const char *sheet = xl_sheets[XS_FINANCE].name;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
    lxw_chart_series *in = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    lxw_chart_series *out = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    if (!ch || !in || !out) {
        xl_nomem(x);
        return;
    }
    lxw_col_t c0 = FIN_FIRST_COL, c1 = (lxw_col_t)(FIN_FIRST_COL + (int)nactual - 1);
    chart_series_set_categories(in, sheet, FIN_HEADER_ROW, c0, FIN_HEADER_ROW, c1);
    chart_series_set_values(in, sheet, (lxw_row_t)x->finance_row[0], c0, (lxw_row_t)x->finance_row[0], c1);
    chart_series_set_name(in, "Income (consolidated)");
    chart_series_set_categories(out, sheet, FIN_HEADER_ROW, c0, FIN_HEADER_ROW, c1);
    chart_series_set_values(out, sheet, (lxw_row_t)x->finance_row[1], c0, (lxw_row_t)x->finance_row[1], c1);
    chart_series_set_name(out, "Expenditure (consolidated)");
    chart_series_set_marker_type(in, LXW_CHART_MARKER_CIRCLE);
    chart_series_set_marker_type(out, LXW_CHART_MARKER_SQUARE);
    char title[96];
    snprintf(title, sizeof title, "Income against expenditure, consolidated, by year%s",
             xl_money_note(x));
    chart_title_set_name(ch, title);
    chart_axis_set_num_format(ch->y_axis, x->m->money_units == BP_MONEY_THOUSANDS
                                              ? "#,##0,;(#,##0,)"
                                              : "\xC2\xA3#,##0;(\xC2\xA3#,##0)");
    xl_chart_style(x, ch, lowest);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_scale = 1.6, .y_scale = 1.3};
    xl_check(x, worksheet_insert_chart_opt(x->ws[XS_FINANCE], (lxw_row_t)row, 0, ch, &opt), XS_FINANCE,
             row, 0);
}

/* Defined names for the report year's consolidated income, expenditure and result. */
static void define_headlines(xl *x)
{
    static const char *const names[3] = {"Headline_Income", "Headline_Expenditure",
                                         "Headline_Result"};
    for (int i = 0; i < 3 && x->finance_report_col >= 0; i++) {
        char ref[64], formula[80];
        bp_formula_ref(ref, sizeof ref, xl_sheets[XS_FINANCE].name, x->finance_row[i],
                       x->finance_report_col);
        snprintf(formula, sizeof formula, "=%s", ref);
        xl_define(x, names[i], formula);
    }
}

void xl_write_finance(xl *x, bp_expr *const *ex)
{
    const xl_sheet s = XS_FINANCE;
    xl_pair pairs[3 * 64];
    size_t nactual = 0, np = finance_pairs(x, pairs, sizeof pairs / sizeof *pairs, &nactual);
    xl_put_title(x, s, "Income and expenditure",
                 "Each institution keeps its internal transfers (the central charge); the trust is "
                 "consolidated with income.internal and exp.internal eliminated.");
    xl_put_text(x, s, FIN_HEADER_ROW, 0, "Line", x->f.header);
    xl_put_text(x, s, FIN_HEADER_ROW, 1, "ID", x->f.header);
    x->finance_report_col = -1;
    for (size_t j = 0; j < np; j++) {
        char yb[16], head[48];
        bp_year_format(pairs[j].year, yb, sizeof yb);
        snprintf(head, sizeof head, "%s %s", yb, bp_scenario_id(pairs[j].sc));
        xl_put_text(x, s, FIN_HEADER_ROW, FIN_FIRST_COL + (int)j, head, x->f.header_num);
        /* the unit over each column of figures, as a statement in thousands shows it (the
         * header itself names the chart's years) */
        if (*xl_money_note(x))
            xl_put_text(x, s, FIN_HEADER_ROW - 1, FIN_FIRST_COL + (int)j, "\xC2\xA3" "000",
                        x->f.header_num);
        if (pairs[j].year == x->s->year && pairs[j].sc == BP_ACTUAL)
            x->finance_report_col = FIN_FIRST_COL + (int)j;
    }
    int row = FIN_HEADER_ROW + 1;
    /* the values of every row of the three blocks, for the totals' cached values */
    size_t nrows = 3 * (x->m->ninsts + 5);
    xl_amt *v = calloc(nrows * (np ? np : 1), sizeof *v);
    if (!v) {
        xl_nomem(x);
        return;
    }
    x->finance_row[0] = finance_block(x, row, "Income", ex, FX_INCOME, FX_INCOME_INTERNAL,
                                      "Consolidated income", pairs, np, v, row);
    x->finance_row[1] = finance_block(x, x->finance_row[0] + 2, "Expenditure", ex, FX_EXP,
                                      FX_EXP_INTERNAL, "Consolidated expenditure", pairs, np, v, row);
    x->finance_row[2] = finance_block(x, x->finance_row[1] + 2, "In-year result (income less "
                                      "expenditure)", ex, FX_RESULT, -1,
                                      "Consolidated in-year result", pairs, np, v, row);
    finance_check(x, x->finance_row[2] + 2, x->finance_row[0], "income", pairs, np, v, row,
                  "check: consolidated income less the sums on Workings (0)",
                  "Finance: each year's consolidated income is the sum of the institutions less "
                  "the internal transfers and equals the sums on Workings");
    finance_check(x, x->finance_row[2] + 3, x->finance_row[1], "exp", pairs, np, v, row,
                  "check: consolidated expenditure less the sums on Workings (0)",
                  "Finance: each year's consolidated expenditure is the sum of the institutions "
                  "less the internal transfers and equals the sums on Workings");
    free(v);
    xl_set_col(x, s, 0, 0, 44, NULL);
    xl_set_col(x, s, 1, 1, 10, NULL);
    xl_set_col(x, s, FIN_FIRST_COL, FIN_FIRST_COL + (int)(np ? np : 1) - 1, 17, NULL);
    worksheet_freeze_panes(x->ws[s], FIN_HEADER_ROW + 1, FIN_FIRST_COL);
    xl_print_setup(x, s, FIN_HEADER_ROW, FIN_HEADER_ROW);
    if (nactual) write_finance_chart(x, x->finance_row[2] + 6, nactual, finance_lowest(x, ex, pairs, nactual));
    define_headlines(x);
}

/* ---- Central charge ---- */

enum {
    CC_ID, CC_NAME, CC_ROLL, CC_WEIGHT, CC_WEIGHTED, CC_EXACT, CC_FLOOR, CC_REM, CC_RANK, CC_SHARE,
    CC_CHARGED, CC_DIFF, CC_NCOLS
};

/* The exact figures behind one allocation, as the engine works them (bp_allocate_pence):
 * for the cached values of the formulas that reproduce it. */
typedef struct {
    bp_num exact;
    bp_i128 floor;
    double rem;              /* exact - floor to 6 places, as the sheet ranks it */
    int rank;
} xl_share;

static bp_i128 floor_of(bp_num v)
{
    bp_i128 q = v.num / v.den;
    if (v.num < 0 && v.num % v.den) q -= 1;
    return q;
}

/* False when out of memory. */
static bool plan_shares(const bp_charge *ch, xl_share *sh)
{
    bp_num w = bp_num_int(0);
    for (size_t i = 0; i < ch->nlines; i++) w = bp_num_add(w, ch->lines[i].weighted);
    bool alloc = w.ok && bp_num_cmp(w, bp_num_int(0)) > 0;
    size_t n = ch->nlines ? ch->nlines : 1;
    bp_num *r = malloc(n * sizeof *r);
    size_t *order = malloc(n * sizeof *order);
    bool ok = r && order;
    for (size_t i = 0; ok && i < ch->nlines; i++) {
        sh[i].exact = alloc ? bp_num_div(bp_num_mul(bp_num_int(ch->total), ch->lines[i].weighted), w)
                            : bp_num_int(0);
        if (!sh[i].exact.ok) sh[i].exact = bp_num_int(0);
        sh[i].floor = floor_of(sh[i].exact);
        r[i] = bp_num_sub(sh[i].exact, bp_num_frac((int64_t)sh[i].floor, 1));
        bp_num scaled = bp_num_mul(r[i], bp_num_int(1000000));
        sh[i].rem = scaled.ok ? (double)floor_of(bp_num_add(scaled, bp_num_frac(1, 2))) / 1e6 : 0;
        /* the rank compares the exact remainders; one that cannot be formed counts as 0 */
        if (!r[i].ok) r[i] = bp_num_int(0);
    }
    /* the rank: 1 + the lines with a larger remainder + the earlier lines with an equal
     * one, the remainder's place in bp_allocate_pence's order */
    if (ok) ok = bp_remainder_order(r, ch->nlines, order) == BP_OK;
    for (size_t k = 0; ok && k < ch->nlines; k++) sh[order[k]].rank = (int)k + 1;
    free(r);
    free(order);
    return ok;
}

/* Weights by phase: trust.csv weight.PHASE, as cells.  Returns the row after them. */
static int write_weights(xl *x, int *weight_row)
{
    const xl_sheet s = XS_CHARGE;
    xl_put_text(x, s, 3, 0, "Phase", x->f.header);
    xl_put_text(x, s, 3, 1, "Weight", x->f.header_num);
    int row = 4;
    for (size_t p = 0; p < x->res->nphases; p++, row++) {
        bp_phase ph = x->res->phases[p];
        weight_row[ph] = row;
        xl_put_text(x, s, row, 0, bp_phase_id(ph), x->f.text);
        xl_put_number(x, s, row, 1, bp_num_to_double(x->m->weight[ph]), xl_input(x, x->f.quantity));
    }
    return row + 1;
}

/* Where one allocation block keeps its totals: the weighted pupils, the total in pence
 * and the pence left over after whole pence; and its first and last line. */
typedef struct {
    char weighted[16], pence[16], left[16], pot[16];
    int first, last;
} xl_block;

/* Pupils on roll.  Budgets and forecasts often carry none: the engine then uses the
 * year's actual, and 0 without either. */
static void charge_roll(xl *x, const bp_charge *ch, const bp_charge_line *l, int row,
                        bp_expr *const *ex)
{
    bp_expr_ctx c = xl_inst_ctx(x, l->inst, ch->year, BP_ACTUAL);
    char *actual = xl_body_formula(x, ex[FX_ON_ROLL], &c, "pupils on roll");
    c.scenario = ch->scenario;
    char *own = xl_body_formula(x, ex[FX_ON_ROLL], &c, "pupils on roll");
    bp_num v;
    if (own && actual) {
        bp_fbuf_reset(&x->fb);
        bp_fbuf_printf(&x->fb, "=IFERROR(%s,IFERROR(%s,0))", own, actual);
        if (!bp_model_sum(x->m, l->inst, ch->year, ch->scenario, "students.on_roll", false, &v)
            && !bp_model_sum(x->m, l->inst, ch->year, BP_ACTUAL, "students.on_roll", false, &v))
            v = bp_num_int(0);
        if (x->fb.nomem) xl_nomem(x);
        else xl_put_formula(x, XS_CHARGE, row, CC_ROLL, x->fb.s, x->f.quantity, xl_cache_num(v, false));
    }
    free(own);
    free(actual);
}

/* Weighted pupils, the exact share in pence, its whole pence and remainder, the
 * remainder's rank and the share: bp_allocate_pence as formulas. */
static void charge_share(xl *x, const bp_charge_line *l, const xl_share *sh, int row,
                         const xl_block *b)
{
    const xl_sheet s = XS_CHARGE;
    char f[256], roll[16], weight[16], weighted[16], exact[16], whole[16], rem[16], rank[16];
    char top[16], bottom[16];
    bp_formula_ref(roll, sizeof roll, NULL, row, CC_ROLL);
    bp_formula_ref(weight, sizeof weight, NULL, row, CC_WEIGHT);
    bp_formula_ref(weighted, sizeof weighted, NULL, row, CC_WEIGHTED);
    bp_formula_ref(exact, sizeof exact, NULL, row, CC_EXACT);
    bp_formula_ref(whole, sizeof whole, NULL, row, CC_FLOOR);
    bp_formula_ref(rem, sizeof rem, NULL, row, CC_REM);
    bp_formula_ref(rank, sizeof rank, NULL, row, CC_RANK);
    bp_formula_ref(top, sizeof top, NULL, b->first, CC_REM);
    bp_formula_ref(bottom, sizeof bottom, NULL, b->last, CC_REM);
    snprintf(f, sizeof f, "=%s*%s", roll, weight);
    xl_put_formula(x, s, row, CC_WEIGHTED, f, x->f.quantity, xl_cache_num(l->weighted, false));
    snprintf(f, sizeof f, "=IF(%s>0,%s*%s/%s,0)", b->weighted, b->pence, weighted, b->weighted);
    xl_put_formula(x, s, row, CC_EXACT, f, x->f.exact, xl_cache_num(sh->exact, false));
    snprintf(f, sizeof f, "=INT(ROUND(%s,6))", exact);
    xl_put_formula(x, s, row, CC_FLOOR, f, x->f.whole, xl_cache_double((double)sh->floor));
    snprintf(f, sizeof f, "=ROUND(%s-%s,6)", exact, whole);
    xl_put_formula(x, s, row, CC_REM, f, x->f.quantity, xl_cache_double(sh->rem));
    /* largest remainder first, ties to the earlier line */
    snprintf(f, sizeof f, "=1+SUMPRODUCT((%s:%s>%s)+(%s:%s=%s)*(ROW(%s:%s)<ROW(%s)))", top, bottom,
             rem, top, bottom, rem, top, bottom, rem);
    xl_put_formula(x, s, row, CC_RANK, f, x->f.whole, xl_cache_double(sh->rank));
    snprintf(f, sizeof f, "=IF(%s>0,(%s+IF(%s<=%s,1,0))/100,0)", b->weighted, whole, rank, b->left);
    xl_put_formula(x, s, row, CC_SHARE, f, x->f.money, xl_cache_double((double)l->share / 100.0));
}

/* What the institution was charged (its exp.internal) and how it compares. */
static void charge_charged(xl *x, const bp_charge *ch, const bp_charge_line *l, int row,
                           bp_expr *const *ex)
{
    bp_expr_ctx c = xl_inst_ctx(x, l->inst, ch->year, ch->scenario);
    char f[96], charged[16], share[16];
    if (!xl_cell_formula(x, ex[FX_CHARGED], &c, true, "the charge")) return;
    xl_put_formula(x, XS_CHARGE, row, CC_CHARGED, x->fb.s, x->f.money,
                   l->has_charged ? xl_cache_double((double)l->charged / 100.0) : xl_cache_text(""));
    bp_formula_ref(charged, sizeof charged, NULL, row, CC_CHARGED);
    bp_formula_ref(share, sizeof share, NULL, row, CC_SHARE);
    snprintf(f, sizeof f, "=IF(ISNUMBER(%s),%s-%s,\"\")", charged, charged, share);
    xl_put_formula(x, XS_CHARGE, row, CC_DIFF, f, x->f.money,
                   l->has_charged ? xl_cache_double((double)(l->charged - l->share) / 100.0)
                                  : xl_cache_text(""));
}

static void charge_line(xl *x, const bp_charge *ch, size_t i, const xl_share *sh,
                        const xl_block *b, bp_expr *const *ex, const int *weight_row)
{
    const bp_charge_line *l = &ch->lines[i];
    const bp_institution *in = &x->m->insts[l->inst];
    int row = b->first + (int)i;
    xl_put_text(x, XS_CHARGE, row, CC_ID, in->id, x->f.text);
    xl_put_text(x, XS_CHARGE, row, CC_NAME, in->name, x->f.text);
    charge_roll(x, ch, l, row, ex);
    xl_put_link(x, XS_CHARGE, row, CC_WEIGHT, XS_CHARGE, weight_row[in->phase], 1, x->f.quantity,
                xl_cache_num(x->m->weight[in->phase], false));
    charge_share(x, l, &sh[i], row, b);
    charge_charged(x, ch, l, row, ex);
}

/* A "=SUM(col first:last)" total under a block, with its cached value. */
static void put_sum(xl *x, xl_sheet s, int row, int col, int first, int last, lxw_format *f,
                    xl_cache v)
{
    char a[16], b[16], formula[64];
    bp_formula_ref(a, sizeof a, NULL, first, col);
    bp_formula_ref(b, sizeof b, NULL, last, col);
    snprintf(formula, sizeof formula, "=SUM(%s:%s)", a, b);
    xl_put_formula(x, s, row, col, formula, f, v);
}

/* The block's title, the centre's expenditure in pounds and pence, and the pence left
 * after whole pence. */
static void charge_heading(xl *x, int row, const bp_charge *ch, const xl_share *sh,
                           const xl_block *b, bp_expr *const *ex)
{
    const xl_sheet s = XS_CHARGE;
    char yb[16], title[64], formula[96], pounds[16], fa[16], fb[16];
    bp_i128 given = 0;
    for (size_t i = 0; i < ch->nlines; i++) given += sh[i].floor;
    bp_year_format(ch->year, yb, sizeof yb);
    snprintf(title, sizeof title, "%s %s", yb, bp_scenario_id(ch->scenario));
    xl_put_text(x, s, row, 0, title, x->f.bold);
    char label[96];
    snprintf(label, sizeof label, "Centre's expenditure, internal transfers excluded%s", xl_money_note(x));
    xl_put_text(x, s, row + 1, 0, label, x->f.text);
    bp_expr_ctx c = xl_inst_ctx(x, x->m->central, ch->year, ch->scenario);
    c.eliminate = true;
    if (xl_cell_formula(x, ex[FX_EXP], &c, true, "the centre's expenditure"))
        xl_put_formula(x, s, row + 1, CC_ROLL, x->fb.s, x->f.money,
                       xl_cache_double((double)ch->total / 100.0));
    xl_put_text(x, s, row + 1, CC_WEIGHT, "in pence", x->f.text);
    bp_formula_ref(pounds, sizeof pounds, NULL, row + 1, CC_ROLL);
    snprintf(formula, sizeof formula, "=ROUND(%s*100,0)", pounds);
    xl_put_formula(x, s, row + 1, CC_WEIGHTED, formula, x->f.whole, xl_cache_double((double)ch->total));
    xl_put_text(x, s, row + 2, 0, "Pence left after whole pence, one each to the largest remainders",
                x->f.text);
    bp_formula_ref(fa, sizeof fa, NULL, b->first, CC_FLOOR);
    bp_formula_ref(fb, sizeof fb, NULL, b->last, CC_FLOOR);
    snprintf(formula, sizeof formula, "=%s-SUM(%s:%s)", b->pence, fa, fb);
    xl_put_formula(x, s, row + 2, CC_WEIGHTED, formula, x->f.whole,
                   xl_cache_double((double)(ch->total - given)));
}

static void charge_totals(xl *x, int row, const bp_charge *ch, const xl_share *sh,
                          const xl_block *b)
{
    const xl_sheet s = XS_CHARGE;
    bp_i128 given = 0;
    bp_num w = bp_num_int(0);
    int64_t shared = 0, charged = 0;
    for (size_t i = 0; i < ch->nlines; i++) {
        given += sh[i].floor;
        w = bp_num_add(w, ch->lines[i].weighted);
        shared += ch->lines[i].share;
        charged += ch->lines[i].has_charged ? ch->lines[i].charged : 0;
    }
    xl_put_text(x, s, row, 0, "Total", x->f.bold);
    put_sum(x, s, row, CC_WEIGHTED, b->first, b->last, x->f.quantity, xl_cache_num(w, false));
    put_sum(x, s, row, CC_FLOOR, b->first, b->last, x->f.whole, xl_cache_double((double)given));
    put_sum(x, s, row, CC_SHARE, b->first, b->last, x->f.money_bold,
            xl_cache_double((double)shared / 100.0));
    put_sum(x, s, row, CC_CHARGED, b->first, b->last, x->f.money_bold,
            xl_cache_double((double)charged / 100.0));
    /* the check row: the shares add up to the pot, whole pence by largest remainder
     * (nothing is shared when no pupil is weighted) */
    char a[16], z[16], f[160];
    bool alloc = w.ok && bp_num_cmp(w, bp_num_int(0)) > 0;
    xl_put_text(x, s, row + 1, 0, "Check (0): the shares add up to the centre's expenditure", x->f.text);
    char yb[16], what[128];
    bp_year_format(ch->year, yb, sizeof yb);
    snprintf(what, sizeof what, "Central charge, %s %s: the shares add up to the centre's "
             "expenditure", yb, bp_scenario_id(ch->scenario));
    xl_add_check(x, s, row + 1, CC_SHARE, row + 1, CC_SHARE, what);
    bp_formula_ref(a, sizeof a, NULL, b->first, CC_SHARE);
    bp_formula_ref(z, sizeof z, NULL, b->last, CC_SHARE);
    /* the shares last: the tamper test overwrites the last figure a check reads (the pot
     * would not do - the shares are worked out from it) */
    snprintf(f, sizeof f, "=IF(%s>0,ROUND(%s-SUM(%s:%s),2),0)", b->weighted, b->pot, a, z);
    xl_put_formula(x, s, row + 1, CC_SHARE, f, x->f.money,
                   xl_cache_double(alloc ? (double)(ch->total - shared) / 100.0 : 0));
}

/* One year and scenario's allocation.  Returns the next free row. */
static int write_charge(xl *x, int row, const bp_charge *ch, bp_expr *const *ex,
                        const int *weight_row)
{
    const char *heads[CC_NCOLS] = {
        "Institution", "Name", "Pupils on roll", "Weight", "Weighted pupils", "Exact share (p)",
        "Whole pence", "Remainder", "Rank", "Share", "Charged", "Charged less share"};
    char money[3][48];
    for (int i = 0; i < 3; i++) {
        snprintf(money[i], sizeof money[i], "%s%s", heads[CC_SHARE + i], xl_money_note(x));
        heads[CC_SHARE + i] = money[i];
    }
    int total = row + 4 + (int)ch->nlines;
    xl_share *sh = calloc(ch->nlines ? ch->nlines : 1, sizeof *sh);
    xl_block b;
    if (!sh) {
        xl_nomem(x);
        return row;
    }
    if (!plan_shares(ch, sh)) {
        free(sh);
        xl_nomem(x);
        return row;
    }
    b.first = row + 4;
    b.last = total - 1;
    bp_formula_ref(b.weighted, sizeof b.weighted, NULL, total, CC_WEIGHTED);
    bp_formula_ref(b.pence, sizeof b.pence, NULL, row + 1, CC_WEIGHTED);
    bp_formula_ref(b.pot, sizeof b.pot, NULL, row + 1, CC_ROLL);
    bp_formula_ref(b.left, sizeof b.left, NULL, row + 2, CC_WEIGHTED);
    charge_heading(x, row, ch, sh, &b, ex);
    xl_put_headers_as(x, XS_CHARGE, row + 3, 0, heads, CC_NCOLS, "llrrrrrrrrrr");
    for (size_t i = 0; i < ch->nlines && xl_live(x); i++) charge_line(x, ch, i, sh, &b, ex, weight_row);
    if (ch->nlines) charge_totals(x, total, ch, sh, &b);
    free(sh);
    return total + 2;
}

void xl_write_charges(xl *x, bp_expr *const *ex)
{
    const xl_sheet s = XS_CHARGE;
    int weight_row[BP_PHASE_COUNT] = {0};
    xl_put_title(x, s, "Central charge allocation",
                 "The centre's expenditure shared in proportion to pupils on roll x the phase "
                 "weight, in whole pence by largest remainder, against each institution's "
                 "exp.internal.");
    int row = write_weights(x, weight_row);
    /* the in-year charges (on the outturn, the year to date) are not the Data sheet's
     * scenarios: the in-year sheets show them (docs/workbook.md) */
    for (size_t i = 0; i < x->res->ncharges && xl_live(x); i++)
        if (x->res->charges[i].scenario < BP_INPUT_SCENARIOS)
            row = write_charge(x, row + 1, &x->res->charges[i], ex, weight_row);
    if (!x->res->ncharges)
        xl_put_text(x, s, row, 0, "No central expenditure to allocate.", x->f.note);
    xl_set_col(x, s, CC_ID, CC_ID, 14, NULL);
    xl_set_col(x, s, CC_NAME, CC_NAME, 40, NULL);
    xl_set_col(x, s, CC_ROLL, CC_DIFF, 14, NULL);
    xl_print_setup(x, s, 0, -1);
}
