/* The finance sections of a pack: the money per institution and consolidated (with the
 * eliminations shown), budget against actual, trends, reserves, financial health, the
 * forecast, the central charge and post-16 course contribution.  Every money figure is
 * summed in pence from the facts; nothing is accumulated in floating point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"
#include "bp_packpdf_charts.h"
#include "bp_packpdf_dataq.h"
#include "bp_packpdf_sections.h"

#define NONE_CELL {"", BP_PDF_TINT_NONE, false, false}

/* The rows of a money table: the document's institutions and, in trust packs, the
 * central services row. */
static size_t money_rows(const pk_ctx *c, int *rows)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ninsts; i++) rows[n++] = c->insts[i];
    if (!c->lgb && c->m->central >= 0) rows[n++] = c->m->central;
    return n;
}

static int *alloc_rows(const pk_ctx *c)
{
    return calloc(c->ninsts + 1, sizeof(int));     /* money_rows': its own and the centre */
}

typedef struct {
    bool has;
    int64_t v;
} opt_pence;

static opt_pence sum_of(const pk_ctx *c, int inst, int year, bp_scenario s, const char *code,
                        bool eliminate)
{
    opt_pence o = {false, 0};
    o.has = pk_pence(c, inst, year, s, code, eliminate, &o.v);
    return o;
}

static void add(opt_pence *a, opt_pence b)
{
    if (!b.has) return;
    a->v += b.v;
    a->has = true;
}

static const char *money_text(const pk_ctx *c, opt_pence p, char *buf, size_t size)
{
    if (!p.has) snprintf(buf, size, "-");
    else pk_money(c, p.v, buf, size);
    return buf;
}

static const char *share_text(opt_pence a, opt_pence b, char *buf, size_t size)
{
    if (!a.has || !b.has || b.v == 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    pk_percent(bp_num_frac(a.v, b.v), buf, size);
    return buf;
}

/* A figure that is also a KPI's value (the result % of income is surplus_pct, the
 * trust's revenue reserves reserves_total): the KPI's figure as the scorecards give it -
 * rounded toward the failing side where ordinary rounding would show a miss as met, and
 * marked - with its status mark; without a result, the plain figure. */
static const char *kpi_cell(const pk_ctx *c, const bp_result *r, const char *plain, char *buf,
                            size_t size)
{
    bp_pdf_cell cell;
    if (r && r->value.ok) pk_result_cell(c, r, buf, size, &cell);
    else snprintf(buf, size, "%s", plain);
    return buf;
}

static const bp_result *kpi_result(const pk_ctx *c, const char *id, bp_scope scope, int entity,
                                   int year, bp_scenario s)
{
    int k = bp_kpi_find(&c->s->kpis, id);
    const bp_result *r = k < 0 ? NULL : bp_results_find(c->r, k, scope, entity, year, s);
    if (r && r->value.ok) pk_shown(c, k);
    return r;
}

static const char *inst_label(const pk_ctx *c, int inst)
{
    return c->m->insts[inst].name;
}

/* ---- finance summary ---- */

void pk_finance_summary(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Finance summary", false);
    char yb[16], intro[400];
    bp_year_format(c->year, yb, sizeof yb);
    snprintf(intro, sizeof intro,
             "Income, expenditure and the in-year result for %s, %s. An institution's "
             "figures include the central charge it pays (or, for the centre, receives); the "
             "consolidated trust eliminates these internal transfers.", yb, pk_actual_words(c));
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    bool unreconciled = pk_dq_reconcile_note(c);
    char h1[48], h2[48], h3[48];
    bp_pdf_col cols[] = {{"Institution", 3.4f, BP_PDF_LEFT}, {pk_money_head(c, "Income", h1, sizeof h1), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Expenditure", h2, sizeof h2), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "In-year result", h3, sizeof h3), 2, BP_PDF_RIGHT},
                         {"Result % of income", 1.6f, BP_PDF_RIGHT}};
    int *rows = alloc_rows(c);
    if (!rows) return;
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 5, BP_PDF_SMALL);
    size_t n = money_rows(c, rows);
    opt_pence ti = {false, 0}, te = {false, 0}, ii = {false, 0}, ie = {false, 0};
    for (size_t i = 0; i < n; i++) {
        opt_pence in = sum_of(c, rows[i], c->year, c->actual, "income", false);
        opt_pence ex = sum_of(c, rows[i], c->year, c->actual, "exp", false);
        opt_pence res = {in.has && ex.has, in.v - ex.v};
        add(&ti, in);
        add(&te, ex);
        add(&ii, sum_of(c, rows[i], c->year, c->actual, "income.internal", false));
        add(&ie, sum_of(c, rows[i], c->year, c->actual, "exp.internal", false));
        char a[48], b[48], d[48], e[48], pct[96];
        const bp_result *sp = kpi_result(c, "surplus_pct", BP_SCOPE_INSTITUTION, rows[i], c->year, c->actual);
        kpi_cell(c, sp, share_text(res, in, e, sizeof e), pct, sizeof pct);
        bp_pdf_cell row[5] = {{inst_label(c, rows[i]), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, in, a, sizeof a), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, ex, b, sizeof b), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, res, d, sizeof d), BP_PDF_TINT_NONE, false, false},
                              {pct, pk_tint(sp ? sp->status : BP_STATUS_NONE), false, false}};
        bp_pdf_table_row(t, row);
    }
    if (!c->lgb) {
        char a[48], b[48], d[48], e[48];
        opt_pence tr = {ti.has && te.has, ti.v - te.v};
        bp_pdf_cell tot[5] = {{"Total of the institutions and the centre", BP_PDF_TINT_NONE, true, false},
                              {money_text(c, ti, a, sizeof a), BP_PDF_TINT_NONE, true, false},
                              {money_text(c, te, b, sizeof b), BP_PDF_TINT_NONE, true, false},
                              {money_text(c, tr, d, sizeof d), BP_PDF_TINT_NONE, true, false},
                              {share_text(tr, ti, e, sizeof e), BP_PDF_TINT_NONE, true, false}};
        bp_pdf_table_total(t, tot);
        opt_pence ni = {ii.has, -ii.v}, ne = {ie.has, -ie.v}, nr = {ii.has || ie.has, ie.v - ii.v};
        bp_pdf_tint et = unreconciled ? BP_PDF_TINT_AMBER : BP_PDF_TINT_NONE;
        bp_pdf_cell el[5] = {{unreconciled ? "Less internal transfers (central charge), which do not reconcile"
                                           : "Less internal transfers (central charge)", BP_PDF_TINT_NONE, false, false},
                             {money_text(c, ni, a, sizeof a), et, false, false},
                             {money_text(c, ne, b, sizeof b), et, false, false},
                             {money_text(c, nr, d, sizeof d), et, false, false}, NONE_CELL};
        bp_pdf_table_row(t, el);
        /* The consolidation summed independently, fact by fact, with eliminations. */
        opt_pence ci = {false, 0}, ce = {false, 0};
        for (size_t i = 0; i < c->m->ninsts; i++) {
            add(&ci, sum_of(c, (int)i, c->year, c->actual, "income", true));
            add(&ce, sum_of(c, (int)i, c->year, c->actual, "exp", true));
        }
        opt_pence cr = {ci.has && ce.has, ci.v - ce.v};
        bp_pdf_cell con[5] = {{"Consolidated trust", BP_PDF_TINT_NONE, true, false},
                              {money_text(c, ci, a, sizeof a), BP_PDF_TINT_NONE, true, false},
                              {money_text(c, ce, b, sizeof b), BP_PDF_TINT_NONE, true, false},
                              {money_text(c, cr, d, sizeof d), BP_PDF_TINT_NONE, true, false},
                              {share_text(cr, ci, e, sizeof e), BP_PDF_TINT_NONE, true, false}};
        bp_pdf_table_total(t, con);
    }
    bp_pdf_table_end(t);
    pk_rounding_note(c);
    free(rows);
    /* what the chair needs beside the year's table: where the result is heading against
     * its band, and who is over a staff-cost ceiling */
    pk_chart_result(c);
    pk_institutions_key(c);
    pk_chart_staff(c);
}

/* ---- income and expenditure by category ---- */

/* Categories down, institutions across: ten money columns with pence do not fit across
 * a page, so institutions come in blocks and the last block adds the total, the
 * eliminations and the consolidated trust. */
static const char *const ie_codes[] = {"income.esfa", "income.gov", "income.self", "income.internal",
                                       "income", "exp.staff", "exp.nonpay", "exp.internal", "exp"};
static const char *const ie_names[] = {"DfE grants", "Other public funding", "Self-generated income",
                                       "Internal income (central charge)", "Total income", "Staff costs",
                                       "Non-pay costs", "Internal charge (central charge)",
                                       "Total expenditure", "In-year result"};
enum { IE_ROWS = 10, IE_BLOCK = 4 };

typedef struct {
    const char *label;
    opt_pence v[IE_ROWS];
} ie_column;

static void ie_fill(const pk_ctx *c, ie_column *col, int inst, bool eliminate)
{
    for (int j = 0; j < IE_ROWS - 1; j++) {
        col->v[j] = (opt_pence){false, 0};
        /* an institution's column is its own sum; a total's the document's institutions'
         * (a walk of all of them for each column would be quadratic in a trust's) */
        if (inst >= 0) {
            add(&col->v[j], sum_of(c, inst, c->year, c->actual, ie_codes[j], eliminate));
            continue;
        }
        for (size_t q = 0; q < pk_doc_count(c); q++)
            add(&col->v[j], sum_of(c, pk_doc_inst(c, q), c->year, c->actual, ie_codes[j], eliminate));
    }
    col->v[9] = (opt_pence){col->v[4].has && col->v[8].has, col->v[4].v - col->v[8].v};
}

static void ie_table(pk_ctx *c, const ie_column *cols, size_t n)
{
    bp_pdf_col tc[1 + IE_BLOCK + 3];
    /* in thousands the unit heads the categories' column, over every figure */
    tc[0] = (bp_pdf_col){c->units == BP_MONEY_THOUSANDS ? "\xC2\xA3" "000" : "", 2.2f, BP_PDF_LEFT};
    for (size_t k = 0; k < n; k++) tc[1 + k] = (bp_pdf_col){cols[k].label, 1.6f, BP_PDF_RIGHT};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, tc, 1 + n, BP_PDF_SMALL);
    char bufs[1 + IE_BLOCK + 3][48];
    for (int j = 0; j < IE_ROWS; j++) {
        bp_pdf_cell row[1 + IE_BLOCK + 3];
        memset(row, 0, sizeof row);
        bool total = j == 4 || j == 8 || j == 9;
        row[0].text = ie_names[j];
        row[0].bold = total;
        for (size_t k = 0; k < n; k++) {
            row[1 + k].text = money_text(c, cols[k].v[j], bufs[1 + k], sizeof bufs[1 + k]);
            row[1 + k].bold = total;
        }
        if (total) bp_pdf_table_total(t, row);
        else bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    bp_pdf_space(c->pdf, 10);
}

void pk_income_expenditure(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Income and expenditure", true);
    char yb[16], intro[400];
    bp_year_format(c->year, yb, sizeof yb);
    snprintf(intro, sizeof intro, "Income and expenditure by category, %s %s. "
             "The eliminations column removes the central charge from both sides on "
             "consolidation; the consolidated trust is summed fact by fact without it.", yb,
             pk_actual_words(c));
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    bool unreconciled = pk_dq_reconcile_note(c);
    int *rows = alloc_rows(c);
    ie_column *cols = calloc(c->ninsts + 4, sizeof *cols);   /* money_rows' and the totals */
    if (!rows || !cols) {
        free(rows);
        free(cols);
        return;
    }
    size_t n = money_rows(c, rows), nc = 0;
    for (size_t i = 0; i < n; i++) {
        cols[nc].label = c->m->insts[rows[i]].name;
        ie_fill(c, &cols[nc++], rows[i], false);
    }
    cols[nc].label = c->lgb ? "Total" : "Total of the institutions and the centre";
    ie_fill(c, &cols[nc++], -1, false);
    if (!c->lgb) {
        ie_column *tot = &cols[nc - 1], *el = &cols[nc], *con = &cols[nc + 1];
        el->label = unreconciled ? "Eliminations (do not reconcile)" : "Eliminations";
        for (int j = 0; j < IE_ROWS; j++) el->v[j] = (opt_pence){false, 0};
        if (tot->v[3].has) el->v[3] = el->v[4] = (opt_pence){true, -tot->v[3].v};
        if (tot->v[7].has) el->v[7] = el->v[8] = (opt_pence){true, -tot->v[7].v};
        el->v[9] = (opt_pence){tot->v[3].has || tot->v[7].has, tot->v[7].v - tot->v[3].v};
        con->label = "Consolidated trust";
        ie_fill(c, con, -1, true);
        nc += 2;
    }
    /* institutions in blocks; the summary columns stay with the last block */
    size_t ninst = n, nsum = nc - n;
    for (size_t from = 0; from < ninst || from == 0; from += IE_BLOCK) {
        size_t k = ninst - from;
        if (k > IE_BLOCK) k = IE_BLOCK;
        bool last = from + k >= ninst;
        ie_column blk[IE_BLOCK + 3];
        size_t m = 0;
        for (size_t i = 0; i < k; i++) blk[m++] = cols[from + i];
        if (last)
            for (size_t i = 0; i < nsum; i++) blk[m++] = cols[ninst + i];
        ie_table(c, blk, m);
        if (last) break;
    }
    free(cols);
    free(rows);
}

/* A total over the document's institutions: consolidated (eliminations) for the trust,
 * plain for a governing body's institutions. */
static opt_pence trust_sum(const pk_ctx *c, int year, bp_scenario s, const char *code)
{
    opt_pence o = {false, 0};
    o.has = pk_scope_pence(c, year, s, code, &o.v);
    return o;
}

/* ---- budget against actual ---- */

void pk_budget_actual(pk_ctx *c, const bp_section *sec)
{
    bool iy = c->actual == BP_OUTTURN;
    pk_heading(c, sec, iy ? "Budget against forecast outturn" : "Budget against actual", false);
    char yb[16], intro[300];
    bp_year_format(c->year, yb, sizeof yb);
    snprintf(intro, sizeof intro,
             "The %s budget against the %s outturn. Variance is %s less budget: more "
             "income or less expenditure than budgeted improves the result.", yb,
             iy ? "forecast" : "actual", iy ? "outturn" : "actual");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    if (!trust_sum(c, c->year, BP_BUDGET, "income").has) {
        snprintf(intro, sizeof intro, "The data set holds no budget for %s.", yb);
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
        return;
    }
    static const char *const what[] = {"Income", "Expenditure"};
    static const char *const code[] = {"income", "exp"};
    int *rows = alloc_rows(c);
    if (!rows) return;
    size_t n = money_rows(c, rows);
    /* a budget short of lines its actuals have is not compared: its variance would be
     * the lines left out (bp_model_budget_gaps), and so would the trust's */
    bool shorts = pk_dq_budget_note(c);
    for (int w = 0; w < 3; w++) {
        bp_pdf_heading(c->pdf, 2, w < 2 ? what[w] : "In-year result", false);
        char h1[48], h2[48], h3[48];
        bp_pdf_col cols[] = {{"Institution", 3.4f, BP_PDF_LEFT}, {pk_money_head(c, "Budget", h1, sizeof h1), 2, BP_PDF_RIGHT},
                             {pk_money_head(c, iy ? "Outturn" : "Actual", h2, sizeof h2), 2, BP_PDF_RIGHT},
                             {pk_money_head(c, "Variance", h3, sizeof h3), 2, BP_PDF_RIGHT},
                             {"Variance %", 1.4f, BP_PDF_RIGHT}};
        bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 5, BP_PDF_SMALL);
        for (size_t i = 0; i <= n; i++) {
            bool trust = i == n;
            if (trust && c->lgb) break;
            opt_pence b = {false, 0}, a = {false, 0};
            for (size_t j = 0; j < (trust ? c->m->ninsts : 1); j++) {
                int inst = trust ? (int)j : rows[i];
                if (w < 2) {
                    add(&b, sum_of(c, inst, c->year, BP_BUDGET, code[w], trust));
                    add(&a, sum_of(c, inst, c->year, c->actual, code[w], trust));
                } else {
                    opt_pence bi = sum_of(c, inst, c->year, BP_BUDGET, "income", trust);
                    opt_pence be = sum_of(c, inst, c->year, BP_BUDGET, "exp", trust);
                    opt_pence ai = sum_of(c, inst, c->year, c->actual, "income", trust);
                    opt_pence ae = sum_of(c, inst, c->year, c->actual, "exp", trust);
                    if (bi.has && be.has) add(&b, (opt_pence){true, bi.v - be.v});
                    if (ai.has && ae.has) add(&a, (opt_pence){true, ai.v - ae.v});
                }
            }
            bool part = trust ? shorts : pk_dq_budget_short(c, rows[i], NULL, NULL);
            opt_pence var = {a.has && b.has && !part, a.v - b.v};
            /* for expenditure a positive variance is an overspend: flag it amber */
            bp_pdf_tint st = BP_PDF_TINT_NONE;
            if (var.has && var.v != 0) {
                bool worse = w == 1 ? var.v > 0 : var.v < 0;
                st = worse ? BP_PDF_TINT_AMBER : BP_PDF_TINT_NONE;
            }
            char x[48], y[48], z[48], p[48];
            opt_pence absb = {b.has, b.v < 0 ? -b.v : b.v};
            money_text(c, b, x, sizeof x);
            if (part && !b.has) snprintf(x, sizeof x, "no budget");
            else if (part) strcat(x, " (incomplete)");
            money_text(c, var, z, sizeof z);
            /* an adverse variance says so with a mark as well as its tint: the scorecards'
             * "worse" (drawn as a shape: it needs no glyph) */
            if (st != BP_PDF_TINT_NONE) strncat(z, " \xE2\x96\xBC", sizeof z - strlen(z) - 1);
            if (part) snprintf(z, sizeof z, "not compared");
            bp_pdf_cell row[5] = {{trust ? "Consolidated trust" : inst_label(c, rows[i]), BP_PDF_TINT_NONE, trust, false},
                                  {x, part ? BP_PDF_TINT_AMBER : BP_PDF_TINT_NONE, trust, false},
                                  {money_text(c, a, y, sizeof y), BP_PDF_TINT_NONE, trust, false},
                                  {z, st, trust, false},
                                  {share_text(var, absb, p, sizeof p), BP_PDF_TINT_NONE, trust, false}};
            if (trust) bp_pdf_table_total(t, row);
            else bp_pdf_table_row(t, row);
        }
        bp_pdf_table_end(t);
        bp_pdf_space(c->pdf, 6);
    }
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, shorts ? "Variances that worsen the result are marked "
                     "\xE2\x96\xBC and tinted amber; the budgets that leave out lines with "
                     "actuals are tinted amber and say so." :
                     "Variances that worsen the result are marked \xE2\x96\xBC and tinted amber.");
    if (shorts) pk_dq_budget_lines(c);
    free(rows);
}

/* ---- trends ---- */

void pk_trends(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Three-year trends", false);
    char tier[128], ours[260];
    pk_tier(c, false, tier, sizeof tier);
    bool iy = c->actual == BP_OUTTURN;
    snprintf(ours, sizeof ours, "The %s's institutions together, actuals%s.", tier,
             iy ? " (the report year: its forecast outturn)" : "");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, c->lgb ? ours : iy
                     ? "The consolidated trust (internal transfers eliminated), actuals (the report "
                       "year: its forecast outturn)."
                     : "The consolidated trust (internal transfers eliminated), actuals.");
    /* the report year and up to two years before it that have actuals (any institution's
     * income): the session's index */
    const int *years = c->ix->trend_years;
    size_t ny = c->ix->ntrend_years;
    char h[5][48];
    bp_pdf_col cols[] = {{"Year", 1.2f, BP_PDF_LEFT}, {pk_money_head(c, "Income", h[0], sizeof h[0]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Expenditure", h[1], sizeof h[1]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "In-year result", h[2], sizeof h[2]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Revenue reserves", h[3], sizeof h[3]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Cash", h[4], sizeof h[4]), 2, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 6, BP_PDF_SMALL);
    char labels[3][16];
    for (size_t i = 0; i < ny; i++) {
        opt_pence a = trust_sum(c, years[i], years[i] == c->year ? c->actual : BP_ACTUAL, "income");
        opt_pence b = trust_sum(c, years[i], years[i] == c->year ? c->actual : BP_ACTUAL, "exp");
        opt_pence r = trust_sum(c, years[i], years[i] == c->year ? c->actual : BP_ACTUAL, "bs.reserves.revenue");
        opt_pence k = trust_sum(c, years[i], years[i] == c->year ? c->actual : BP_ACTUAL, "bs.cash");
        opt_pence d = {a.has && b.has, a.v - b.v};
        bp_year_format(years[i], labels[i], sizeof labels[i]);
        char s1[48], s2[48], s3[48], s4[48], s5[48];
        bp_pdf_cell row[6] = {{labels[i], BP_PDF_TINT_NONE, false, false},
                              {money_text(c, a, s1, sizeof s1), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, b, s2, sizeof s2), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, d, s3, sizeof s3), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, r, s4, sizeof s4), BP_PDF_TINT_NONE, false, false},
                              {money_text(c, k, s5, sizeof s5), BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    /* the table has the money; the chart the result's course against its band, plans
     * included (two lines of income and expenditure would hide a shrinking surplus) */
    bp_pdf_space(c->pdf, 6);
    pk_chart_result(c);
}

/* ---- reserves and liquidity ---- */

void pk_reserves(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Reserves and liquidity", false);
    char yb[16], intro[600];
    bp_year_format(c->year, yb, sizeof yb);
    /* named as the KPI set names it, which the methodology then explains */
    int lk = bp_kpi_find(&c->s->kpis, "liquidity_pct");
    snprintf(intro, sizeof intro, "%s, %s. Cash %% of income is %s%s%s, cash as a "
             "share of the year's income; the trust's targets apply to the consolidated figures.",
             c->actual == BP_OUTTURN ? "Forecast year-end balances" : "Year-end balances", yb,
             lk >= 0 ? "the KPI \xE2\x80\x9C" : "liquidity", lk >= 0 ? c->s->kpis.kpis[lk].name : "",
             lk >= 0 ? "\xE2\x80\x9D" : "");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    char h1[48], h2[48], h3[48];
    bp_pdf_col cols[] = {{"Institution", 3.2f, BP_PDF_LEFT}, {pk_money_head(c, "Revenue reserves", h1, sizeof h1), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Rainy-day reserve", h2, sizeof h2), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Cash", h3, sizeof h3), 2, BP_PDF_RIGHT},
                         {"Cash % of income", 1.6f, BP_PDF_RIGHT}};
    int *rows = alloc_rows(c);
    if (!rows) return;
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 5, BP_PDF_SMALL);
    size_t n = money_rows(c, rows);
    for (size_t i = 0; i <= n; i++) {
        bool trust = i == n;
        if (trust && c->lgb) break;
        opt_pence r = trust ? trust_sum(c, c->year, c->actual, "bs.reserves.revenue")
                            : sum_of(c, rows[i], c->year, c->actual, "bs.reserves.revenue", false);
        opt_pence d = trust ? trust_sum(c, c->year, c->actual, "bs.reserves.rainy_day")
                            : sum_of(c, rows[i], c->year, c->actual, "bs.reserves.rainy_day", false);
        opt_pence k = trust ? trust_sum(c, c->year, c->actual, "bs.cash")
                            : sum_of(c, rows[i], c->year, c->actual, "bs.cash", false);
        opt_pence in = trust ? trust_sum(c, c->year, c->actual, "income")
                             : sum_of(c, rows[i], c->year, c->actual, "income", false);
        char s1[96], s2[96], s3[64], s4[96], t1[48], t2[48], t3[48];
        const bp_result *kr = NULL, *kd = NULL, *kl = NULL;
        if (trust) {
            kr = kpi_result(c, "reserves_total", BP_SCOPE_TRUST, 0, c->year, c->actual);
            kd = kpi_result(c, "rainy_day_reserve", BP_SCOPE_TRUST, 0, c->year, c->actual);
            kl = kpi_result(c, "liquidity_pct", BP_SCOPE_TRUST, 0, c->year, c->actual);
        }
        kpi_cell(c, kr, money_text(c, r, t1, sizeof t1), s1, sizeof s1);
        kpi_cell(c, kd, money_text(c, d, t2, sizeof t2), s2, sizeof s2);
        kpi_cell(c, kl, share_text(k, in, t3, sizeof t3), s4, sizeof s4);
        bp_pdf_cell row[5] = {{trust ? "Consolidated trust" : inst_label(c, rows[i]), BP_PDF_TINT_NONE, trust, false},
                              {s1, pk_tint(kr ? kr->status : BP_STATUS_NONE), trust, false},
                              {s2, pk_tint(kd ? kd->status : BP_STATUS_NONE), trust, false},
                              {money_text(c, k, s3, sizeof s3), BP_PDF_TINT_NONE, trust, false},
                              {s4, pk_tint(kl ? kl->status : BP_STATUS_NONE), trust, false}};
        if (trust) bp_pdf_table_total(t, row);
        else bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    pk_status_key(c);
    free(rows);
    pk_chart_reserves(c);
}

/* ---- financial health ---- */

void pk_health(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Financial health", false);
    for (size_t k = 0; k < c->s->kpis.count; k++) {
        const bp_kpi *kp = &c->s->kpis.kpis[k];
        if (kp->unit != BP_UNIT_GRADE || !pk_selects(c, sec, (int)k)) continue;
        char buf[600];
        size_t n = (size_t)snprintf(buf, sizeof buf, "%s: each measure scores points; the total "
                                    "gives the grade (", kp->name);
        for (size_t g = 0; g < kp->ngrades && n < sizeof buf; g++) {
            char pts[32];
            if (kp->grades[g].has_min) bp_format_number(kp->grades[g].min, 0, pts, sizeof pts);
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%s%s", g ? ", " : "", kp->grades[g].label,
                                  kp->grades[g].has_min ? " from " : " below that", kp->grades[g].has_min ? pts : "");
        }
        if (n < sizeof buf) snprintf(buf + n, sizeof buf - n, ").");
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
        size_t nm = kp->nmeasures;
        if (nm > BP_MAX_MEASURES) nm = BP_MAX_MEASURES;
        bp_pdf_col cols[2 + BP_MAX_MEASURES];
        cols[0] = (bp_pdf_col){"Institution", 3, BP_PDF_LEFT};
        for (size_t i = 0; i < nm; i++) cols[1 + i] = (bp_pdf_col){kp->measures[i].name, 1.7f, BP_PDF_RIGHT};
        cols[1 + nm] = (bp_pdf_col){"Grade (points)", 2.2f, BP_PDF_LEFT};
        bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 2 + nm, BP_PDF_SMALL);
        for (size_t i = 0; i <= c->ninsts; i++) {
            bool trust = i == c->ninsts;
            const bp_result *r = trust ? pk_result(c, (int)k, BP_SCOPE_TRUST, 0)
                                       : pk_result(c, (int)k, BP_SCOPE_INSTITUTION, c->insts[i]);
            bp_pdf_cell row[2 + BP_MAX_MEASURES];
            char bufs[2 + BP_MAX_MEASURES][96];
            memset(row, 0, sizeof row);
            row[0].text = trust ? "Consolidated trust" : inst_label(c, c->insts[i]);
            row[0].bold = trust;
            for (size_t m = 0; m < nm; m++) {
                bp_kpi unit;
                memset(&unit, 0, sizeof unit);
                unit.unit = kp->measures[m].unit;
                if (r && r->measure[m].ok) {
                    char v[48], p[32];
                    bp_format_value(&unit, r->measure[m], -1, v, sizeof v);
                    bp_format_number(r->points[m], 0, p, sizeof p);
                    snprintf(bufs[1 + m], sizeof bufs[1 + m], "%s (%s)", v, p);
                } else {
                    snprintf(bufs[1 + m], sizeof bufs[1 + m], "-");
                }
                row[1 + m].text = bufs[1 + m];
            }
            if (r && r->value.ok) {
                char v[72];
                bp_format_value(kp, r->value, r->grade, v, sizeof v);
                snprintf(bufs[1 + nm], sizeof bufs[1 + nm], "%s%s%s", v, *pk_mark(r->status) ? " " : "",
                         pk_mark(r->status));
                row[1 + nm].tint = pk_tint(r->status);
            } else {
                snprintf(bufs[1 + nm], sizeof bufs[1 + nm], "no data");
            }
            row[1 + nm].text = bufs[1 + nm];
            if (trust && c->lgb) break;
            if (trust) bp_pdf_table_total(t, row);
            else bp_pdf_table_row(t, row);
        }
        bp_pdf_table_end(t);
        bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, "Each measure shows its value and, in brackets, its points.");
        pk_status_key(c);
    }
}

/* ---- forecast ---- */

typedef struct {
    int year;
    bp_scenario s;
} pk_plan;

/* The budget and forecast columns after the report year that hold any income. */
static size_t plan_columns(const pk_ctx *c, pk_plan *out, size_t max)
{
    size_t n = 0;
    for (size_t y = 0; y < c->m->nyears; y++) {
        int year = c->m->years[y];
        if (year <= c->year) continue;
        for (int s = BP_BUDGET; s <= BP_FORECAST && n < max; s++) {
            opt_pence any = trust_sum(c, year, (bp_scenario)s, "income");
            if (any.has) out[n++] = (pk_plan){year, (bp_scenario)s};
        }
    }
    return n;
}

void pk_forecast(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Budget and forecast", false);
    pk_plan plan[8];
    size_t np = plan_columns(c, plan, 8);
    if (!np) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "The data set holds no budget or forecast for the years "
                                              "after the report year.");
        return;
    }
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                     "The planned in-year result (income less expenditure) for the years after the "
                     "report year. Every institution is to plan a balanced budget or better: a "
                     "deficit is red.");
    bp_pdf_col cols[1 + 8];
    char heads[8][40];
    cols[0] = (bp_pdf_col){"Institution", 3, BP_PDF_LEFT};
    for (size_t i = 0; i < np; i++) {
        char yb[16];
        bp_year_format(plan[i].year, yb, sizeof yb);
        snprintf(heads[i], sizeof heads[i], "%s %s%s", yb, bp_scenario_id(plan[i].s),
                 bp_format_money_unit_note(c->units));
        cols[1 + i] = (bp_pdf_col){heads[i], 1.6f, BP_PDF_RIGHT};
    }
    int *rows = alloc_rows(c);
    if (!rows) return;
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 1 + np, BP_PDF_SMALL);
    size_t n = money_rows(c, rows);
    for (size_t i = 0; i <= n; i++) {
        bool trust = i == n;
        if (trust && c->lgb) break;
        bp_pdf_cell row[1 + 8];
        char bufs[8][96];
        memset(row, 0, sizeof row);
        row[0].text = trust ? "Consolidated trust" : inst_label(c, rows[i]);
        row[0].bold = trust;
        for (size_t j = 0; j < np; j++) {
            opt_pence a = trust ? trust_sum(c, plan[j].year, plan[j].s, "income")
                                : sum_of(c, rows[i], plan[j].year, plan[j].s, "income", false);
            opt_pence b = trust ? trust_sum(c, plan[j].year, plan[j].s, "exp")
                                : sum_of(c, rows[i], plan[j].year, plan[j].s, "exp", false);
            opt_pence d = {a.has && b.has, a.v - b.v};
            const bp_result *fr = kpi_result(c, "forecast_surplus", trust ? BP_SCOPE_TRUST : BP_SCOPE_INSTITUTION,
                                             trust ? 0 : rows[i], plan[j].year, plan[j].s);
            char m[48];
            kpi_cell(c, fr, money_text(c, d, m, sizeof m), bufs[j], sizeof bufs[j]);
            row[1 + j].text = bufs[j];
            row[1 + j].tint = pk_tint(fr ? fr->status : BP_STATUS_NONE);
            row[1 + j].bold = trust;
        }
        if (trust) bp_pdf_table_total(t, row);
        else bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    pk_status_key(c);
    free(rows);

    /* the in-year result and the reserves the plans lead to, unless the document has
     * charted them already (the finance pack's trends and reserves) */
    pk_chart_result(c);
    pk_chart_reserves(c);
}

/* ---- central charge ---- */

void pk_central_charge(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Central charge", false);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                     "The centre's expenditure is shared among the institutions in proportion to "
                     "pupils on roll times the phase's curriculum weight, in whole pence (largest "
                     "remainder, so the shares add up exactly to the total), and compared with the "
                     "central charge each institution paid. Each figure is rounded from its exact "
                     "amount, so rounded lines may not add to the rounded total.");
    for (size_t i = 0; i < c->r->ncharges; i++) {
        const bp_charge *ch = &c->r->charges[i];
        if (!(ch->year == c->year && ch->scenario == c->actual) && ch->year <= c->year) continue;
        char yb[16], h[128], tot[48];
        bp_year_format(ch->year, yb, sizeof yb);
        pk_money(c, ch->total, tot, sizeof tot);
        if (ch->shared) snprintf(h, sizeof h, "%s %s: %s to share", yb, bp_scenario_id(ch->scenario), tot);
        else snprintf(h, sizeof h, "%s %s: %s, not shared", yb, bp_scenario_id(ch->scenario), tot);
        bp_pdf_heading(c->pdf, 2, h, false);
        /* no pupils, no shares: the table gives what was charged, never a nil share */
        pk_dq_charge_note(c, ch);
        char h1[48], h2[48], h3[48];
        bp_pdf_col cols[] = {{"Institution", 3.2f, BP_PDF_LEFT}, {"Pupils x weight", 1.5f, BP_PDF_RIGHT},
                             {pk_money_head(c, "Share", h1, sizeof h1), 2, BP_PDF_RIGHT},
                             {pk_money_head(c, "Charged", h2, sizeof h2), 2, BP_PDF_RIGHT},
                             {pk_money_head(c, "Charged less share", h3, sizeof h3), 2, BP_PDF_RIGHT}};
        bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 5, BP_PDF_SMALL);
        int64_t sum_share = 0, sum_charged = 0;
        bool any_charged = false;
        for (size_t l = 0; l < ch->nlines; l++) {
            const bp_charge_line *ln = &ch->lines[l];
            if (c->lgb && !pk_has_inst(c, ln->inst)) continue;
            char w[48], s1[48], s2[48], s3[48];
            if (ln->has_roll) bp_format_number(ln->weighted, 1, w, sizeof w);
            else snprintf(w, sizeof w, "no pupils");
            if (ch->shared) pk_money(c, ln->share, s1, sizeof s1);
            else snprintf(s1, sizeof s1, "-");
            opt_pence chg = {ln->has_charged, ln->charged};
            opt_pence diff = {ln->has_charged && ch->shared, ln->charged - ln->share};
            sum_share += ln->share;
            if (ln->has_charged) {
                sum_charged += ln->charged;
                any_charged = true;
            }
            bp_pdf_cell row[5] = {{inst_label(c, ln->inst), BP_PDF_TINT_NONE, false, false},
                                  {w, BP_PDF_TINT_NONE, false, false}, {s1, BP_PDF_TINT_NONE, false, false},
                                  {money_text(c, chg, s2, sizeof s2), BP_PDF_TINT_NONE, false, false},
                                  {money_text(c, diff, s3, sizeof s3), BP_PDF_TINT_NONE, false, false}};
            bp_pdf_table_row(t, row);
        }
        char s1[48], s2[48], s3[48];
        if (ch->shared) pk_money(c, sum_share, s1, sizeof s1);
        else snprintf(s1, sizeof s1, "not shared");
        opt_pence chg = {any_charged, sum_charged}, diff = {any_charged && ch->shared, sum_charged - sum_share};
        bp_pdf_cell row[5] = {{"Total", BP_PDF_TINT_NONE, true, false}, {"", BP_PDF_TINT_NONE, true, false},
                              {s1, BP_PDF_TINT_NONE, true, false},
                              {money_text(c, chg, s2, sizeof s2), BP_PDF_TINT_NONE, true, false},
                              {money_text(c, diff, s3, sizeof s3), BP_PDF_TINT_NONE, true, false}};
        bp_pdf_table_total(t, row);
        bp_pdf_table_end(t);
        bp_pdf_space(c->pdf, 6);
    }
}

/* ---- post-16 courses ---- */

void pk_courses(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Post-16 course contribution", false);
    char yb[16], intro[400];
    bp_year_format(c->year, yb, sizeof yb);
    snprintf(intro, sizeof intro,
             "Each course's contribution is its income less its direct costs, as a share of its "
             "income, %s. Courses below their floor are marked R; agreed minority subjects are "
             "exempt from the floor and marked as such. The institution average covers its "
             "non-minority courses.", yb);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    bool any = false, withheld = false;
    /* each institution's course results from the session's index, in the results' order:
     * a walk of all of them for each would be quadratic in a trust's */
    const pk_by_inst *byc = &c->ix->courses;
    for (size_t i = 0; i < c->ninsts; i++) {
        int inst = c->insts[i];
        bool has = false;
        for (size_t q = byc->at[inst]; q < byc->at[inst + 1] && !has; q++) {
            const bp_course *co = &c->m->courses[c->r->courses[byc->v[q]].course];
            has = co->inst == inst && co->year == c->year;
        }
        if (!has) continue;
        any = true;
        bp_pdf_heading(c->pdf, 2, c->m->insts[inst].name, false);
        char h1[48], h2[48];
        bp_pdf_col cols[] = {{"Course", 4, BP_PDF_LEFT}, {"Students", 1.1f, BP_PDF_RIGHT},
                             {pk_money_head(c, "Income", h1, sizeof h1), 1.8f, BP_PDF_RIGHT},
                             {pk_money_head(c, "Direct costs", h2, sizeof h2), 1.8f, BP_PDF_RIGHT},
                             {"Contribution", 2.2f, BP_PDF_RIGHT}};
        bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 5, BP_PDF_SMALL);
        int kpi = -1;
        for (size_t q = byc->at[inst]; q < byc->at[inst + 1]; q++) {
            const bp_course_result *cr = &c->r->courses[byc->v[q]];
            const bp_course *co = &c->m->courses[cr->course];
            if (co->inst != inst || co->year != c->year) continue;
            kpi = cr->kpi;
            char st[32], inc[48], dc[48], val[64], pct[48];
            /* build --publish: a handful of students withheld; the money never is */
            if (cr->suppressed) snprintf(st, sizeof st, "%s", BP_FORMAT_SUPPRESSED);
            else snprintf(st, sizeof st, "%lld", (long long)co->students);
            withheld = withheld || cr->suppressed;
            if (cr->suppressed) pk_say_cell(t, 1, st);
            pk_money(c, co->income, inc, sizeof inc);
            pk_money(c, co->direct_costs, dc, sizeof dc);
            if (cr->value.ok) pk_percent(cr->value, pct, sizeof pct);
            else snprintf(pct, sizeof pct, "no data");
            if (co->minority) snprintf(val, sizeof val, "%s minority", pct);
            else snprintf(val, sizeof val, "%s%s%s", pct, *pk_mark(cr->status) ? " " : "", pk_mark(cr->status));
            bp_pdf_cell row[5] = {{co->course, BP_PDF_TINT_NONE, false, false}, {st, BP_PDF_TINT_NONE, false, false},
                                  {inc, BP_PDF_TINT_NONE, false, false}, {dc, BP_PDF_TINT_NONE, false, false},
                                  {val, cr->status == BP_STATUS_RED || cr->status == BP_STATUS_AMBER
                                            ? pk_tint(cr->status) : BP_PDF_TINT_NONE, false, false}};
            bp_pdf_table_row(t, row);
        }
        if (kpi >= 0) {
            const bp_result *avg = pk_result(c, kpi, BP_SCOPE_INSTITUTION, inst);
            char v[96];
            bp_pdf_cell cell;
            pk_result_cell(c, avg, v, sizeof v, &cell);
            cell.bold = true;
            bp_pdf_cell row[5] = {{"Institution average (non-minority courses)", BP_PDF_TINT_NONE, true, false},
                                  NONE_CELL, NONE_CELL, NONE_CELL, cell};
            bp_pdf_table_total(t, row);
        }
        bp_pdf_table_end(t);
        bp_pdf_space(c->pdf, 6);
    }
    if (!any) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No post-16 courses are recorded for these institutions.");
    else pk_status_key(c);
    if (withheld) {
        char note[96];
        pk_suppressed_note(c, note, sizeof note);
        bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, note);
    }
}
