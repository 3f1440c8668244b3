/* The summary page of a pack (docs/pack-format.md, "The summary page"): on one page, what
 * the paper asks (papers.csv), the headline figures of its scope beside the year before,
 * the RAG counts, the issues that matter most (bp_exgroups_issues) and the data warnings
 * in plain words.  The board's chair reads this page and perhaps no other: everything on
 * it is said in full sentences or in a small table, and nothing flows onto a second page -
 * what does not fit is counted and pointed to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"
#include "bp_inyear.h"
#include "bp_packpdf_dataq.h"
#include "bp_packpdf_sections.h"

/* What a page must keep free for what follows an item: the next heading and a line. */
#define TAIL_ROOM 60.0f

/* The main section of the template that holds the exceptions, by number (0: none), and
 * the section itself: its KPIs are a committee's scope. */
static const bp_section *exceptions_section(const pk_ctx *c, int *number)
{
    int n = 0;
    *number = 0;
    for (size_t i = 0; i < c->pack->nsections; i++) {
        const bp_section *s = &c->pack->sections[i];
        if (s->appendix) continue;
        n++;
        if (s->kind == BP_SEC_EXCEPTIONS) {
            *number = n;
            return s;
        }
    }
    return NULL;
}

/* A total of the document's scope: the consolidated trust (internal transfers
 * eliminated), or a governing body's institutions as they stand. */
static bool scope_pence(const pk_ctx *c, int year, const char *code, int64_t *out)
{
    return pk_scope_pence(c, year, BP_ACTUAL, code, out);
}

static bool scope_pupils(const pk_ctx *c, int year, bp_num *out)
{
    bool any = false;
    bp_num t = bp_num_int(0);
    for (size_t j = 0; j < pk_doc_count(c); j++) {
        int i = pk_doc_inst(c, j);
        bp_num v;
        if (!bp_model_sum(c->m, i, year, BP_ACTUAL, "students.on_roll", false, &v)) continue;
        t = bp_num_add(t, v);
        any = true;
    }
    *out = t;
    return any && t.ok;
}

/* "up £1,234", "down £1,234", "no change": the exact change, rounded once. */
static void money_change(const pk_ctx *c, int64_t d, char *buf, size_t size)
{
    char m[48];
    pk_money(c, d < 0 ? -d : d, m, sizeof m);
    if (bp_money_round(d, c->units == BP_MONEY_THOUSANDS ? 100000 : 100) == 0)
        snprintf(buf, size, "no change");
    else
        snprintf(buf, size, "%s %s", d > 0 ? "up" : "down", m);
}

typedef struct {
    const char *label;
    char now[64], before[64], change[96];
} headline;

/* Income, expenditure, the in-year result, revenue reserves and cash: money rows. */
static void money_row(const pk_ctx *c, headline *h, const char *label, const char *code,
                      bool result)
{
    int64_t a = 0, b = 0, ai = 0, ae = 0;
    bool ha, hb;
    if (result) {
        ha = scope_pence(c, c->year, "income", &ai) && scope_pence(c, c->year, "exp", &ae);
        a = ai - ae;
        hb = scope_pence(c, c->year - 1, "income", &ai) && scope_pence(c, c->year - 1, "exp", &ae);
        b = ai - ae;
    } else {
        ha = scope_pence(c, c->year, code, &a);
        hb = scope_pence(c, c->year - 1, code, &b);
    }
    h->label = label;
    if (ha) pk_money(c, a, h->now, sizeof h->now);
    else snprintf(h->now, sizeof h->now, "-");
    if (hb) pk_money(c, b, h->before, sizeof h->before);
    else snprintf(h->before, sizeof h->before, "-");
    if (!ha || !hb) {
        snprintf(h->change, sizeof h->change, "-");
        return;
    }
    money_change(c, a - b, h->change, sizeof h->change);
    /* where the sign turns, the words a board needs */
    size_t n = strlen(h->change);
    if (result && a < 0 && b >= 0)
        snprintf(h->change + n, sizeof h->change - n, ": now a deficit");
    else if (result && a >= 0 && b < 0)
        snprintf(h->change + n, sizeof h->change - n, ": now a surplus");
    else if (!result && strcmp(code, "bs.reserves.revenue") == 0 && a < 0)
        snprintf(h->change + n, sizeof h->change - n, ": a cumulative deficit");
}

/* Staff costs as a share of income: the trust's KPI result where the set has it (so that
 * the figure is the scorecard's, rounded toward the failing side where it must be), else
 * the ratio of the scope's sums. */
static void staff_share(const pk_ctx *c, int year, char *buf, size_t size, bp_num *v)
{
    int k = bp_kpi_find(&c->s->kpis, "staff_cost_pct");
    const bp_result *r = k >= 0 && !c->lgb
                         ? bp_results_find(c->r, k, BP_SCOPE_TRUST, 0, year, BP_ACTUAL) : NULL;
    int64_t s, i;
    *v = bp_num_none();
    if (r && r->value.ok) {
        *v = r->value;
        if (bp_format_board_value(&c->s->kpis.kpis[k], r, c->units, buf, size - 4)) {
            strcat(buf, "\xE2\x80\xA0");
            if (c->toward) *c->toward = true;
        }
        return;
    }
    if (scope_pence(c, year, "exp.staff", &s) && scope_pence(c, year, "income", &i) && i != 0) {
        *v = bp_num_frac(s, i);
        bp_format_percent1(*v, buf, size);
        return;
    }
    snprintf(buf, size, "-");
}

static void headlines(pk_ctx *c)
{
    char yb[16], pb[16], h[200], tier[128];
    bp_year_format(c->year, yb, sizeof yb);
    bp_year_format(c->year - 1, pb, sizeof pb);
    pk_tier(c, false, tier, sizeof tier);
    if (c->lgb) snprintf(h, sizeof h, "The %s's institutions in %s", tier, yb);
    else snprintf(h, sizeof h, "The trust in %s", yb);
    bp_pdf_heading(c->pdf, 2, h, false);
    headline rows[7];
    memset(rows, 0, sizeof rows);
    char l[5][64];
    const char *note = bp_format_money_unit_note(c->units);
    snprintf(l[0], sizeof l[0], "Income%s", note);
    snprintf(l[1], sizeof l[1], "Expenditure%s", note);
    snprintf(l[2], sizeof l[2], "In-year result%s", note);
    snprintf(l[3], sizeof l[3], "Revenue reserves%s", note);
    snprintf(l[4], sizeof l[4], "Cash%s", note);
    money_row(c, &rows[0], l[0], "income", false);
    money_row(c, &rows[1], l[1], "exp", false);
    money_row(c, &rows[2], l[2], NULL, true);
    money_row(c, &rows[3], l[3], "bs.reserves.revenue", false);
    money_row(c, &rows[4], l[4], "bs.cash", false);
    rows[5].label = "Staff costs as a share of income";
    bp_num a, b;
    staff_share(c, c->year, rows[5].now, sizeof rows[5].now, &a);
    staff_share(c, c->year - 1, rows[5].before, sizeof rows[5].before, &b);
    snprintf(rows[5].change, sizeof rows[5].change, "-");
    if (a.ok && b.ok) {
        /* in percentage points, one place, from the exact shares */
        bp_num d = bp_num_sub(a, b);
        char pts[48];
        bp_format_percent1(d.ok && d.num < 0 ? bp_num_neg(d) : d, pts, sizeof pts);
        char *pc = strchr(pts, '%');
        if (pc) *pc = '\0';
        if (strcmp(pts, "0.0") == 0) snprintf(rows[5].change, sizeof rows[5].change, "no change");
        else snprintf(rows[5].change, sizeof rows[5].change, "%s %s points", d.num > 0 ? "up" : "down", pts);
    }
    rows[6].label = "Pupils and students on roll";
    bool hp = scope_pupils(c, c->year, &a), hq = scope_pupils(c, c->year - 1, &b);
    if (hp) bp_format_number(a, 0, rows[6].now, sizeof rows[6].now);
    else snprintf(rows[6].now, sizeof rows[6].now, "-");
    if (hq) bp_format_number(b, 0, rows[6].before, sizeof rows[6].before);
    else snprintf(rows[6].before, sizeof rows[6].before, "-");
    snprintf(rows[6].change, sizeof rows[6].change, "-");
    if (hp && hq) {
        bp_num d = bp_num_sub(a, b);
        char n[48];
        bp_format_number(d.ok && d.num < 0 ? bp_num_neg(d) : d, 0, n, sizeof n);
        if (strcmp(n, "0") == 0) snprintf(rows[6].change, sizeof rows[6].change, "no change");
        else snprintf(rows[6].change, sizeof rows[6].change, "%s %s", d.num > 0 ? "up" : "down", n);
    }
    bp_pdf_col cols[] = {{"", 3.4f, BP_PDF_LEFT}, {yb, 2, BP_PDF_RIGHT}, {pb, 2, BP_PDF_RIGHT},
                         {"Change", 3, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 4, BP_PDF_SMALL);
    for (size_t i = 0; i < 7; i++) {
        bp_pdf_cell row[4] = {{rows[i].label, BP_PDF_TINT_NONE, false, false},
                              {rows[i].now, BP_PDF_TINT_NONE, true, false},
                              {rows[i].before, BP_PDF_TINT_NONE, false, false},
                              {rows[i].change, BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    pk_rounding_note(c);
}

/* ---- in-year: the outturn against the budget, and the cash low point ---- */

static bp_money_fig fig_add(bp_money_fig a, bp_money_fig b, bool first)
{
    if (first) return b;
    return (bp_money_fig){a.ok && b.ok, a.pence + b.pence};
}

/* A line of the document's scope: the consolidated trust's, or the sum of a governing
 * body's institutions' lines (no data when any of theirs is). */
static bp_ma_line scope_line(const pk_ctx *c, const char *code)
{
    if (!c->lgb) return bp_inyear_line(c->r, (bp_entity){BP_SCOPE_TRUST, 0}, code);
    bp_ma_line t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < c->ninsts; i++) {
        bp_ma_line l = bp_inyear_line(c->r, (bp_entity){BP_SCOPE_INSTITUTION, c->insts[i]}, code);
        t.ytd_actual = fig_add(t.ytd_actual, l.ytd_actual, i == 0);
        t.ytd_budget = fig_add(t.ytd_budget, l.ytd_budget, i == 0);
        t.budget = fig_add(t.budget, l.budget, i == 0);
        t.outturn = fig_add(t.outturn, l.outturn, i == 0);
    }
    return t;
}

static void fig_cell(const pk_ctx *c, bp_money_fig f, char *buf, size_t size)
{
    if (f.ok) pk_money(c, f.pence, buf, size);
    else snprintf(buf, size, "-");
}

/* The scope's cash low point against A, in one sentence, with cash_min's status. */
static void cash_low(pk_ctx *c)
{
    size_t n = 0;
    const bp_cashflow *cfs = bp_inyear_cashflows(c->r, &n);
    const bp_cashflow *cf = NULL;
    for (size_t i = 0; i < n && !cf; i++)
        if (c->lgb ? c->ninsts == 1 && cfs[i].inst == c->insts[0] : cfs[i].inst < 0) cf = &cfs[i];
    if (!cf) return;
    char buf[600], low[48], a[48], mb[32];
    if (!cf->has_low) {
        snprintf(buf, sizeof buf, "Cash low point: no data - the cash flow cannot be formed for "
                 "every month (section Cash flow).");
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
        return;
    }
    const bp_result *r = NULL;
    for (size_t k = 0; k < c->s->kpis.count && !r; k++)
        if (bp_kpi_is_cash_min(&c->s->kpis.kpis[k]))
            r = cf->inst < 0 ? pk_result(c, (int)k, BP_SCOPE_TRUST, 0)
                             : pk_result(c, (int)k, BP_SCOPE_INSTITUTION, cf->inst);
    pk_money(c, cf->low, low, sizeof low);
    bp_month_long(cf->year, cf->low_month, mb, sizeof mb);
    int64_t ap = 0;
    bool has_a = cf->avg_payments.ok && bp_num_to_pence(cf->avg_payments, &ap);
    if (has_a) pk_money(c, ap, a, sizeof a);
    const char *verdict = !r || r->target < 0 ? "" : r->status == BP_STATUS_GREEN ? ": met (green)"
                          : r->status == BP_STATUS_AMBER ? ": below it (amber)"
                          : r->status == BP_STATUS_RED ? ": an overdraft (red)" : "";
    if (has_a && *verdict)
        snprintf(buf, sizeof buf, "Cash low point: %s at the end of %s, against a target of %s (a "
                 "month's payments)%s.", low, mb, a, verdict);
    else
        snprintf(buf, sizeof buf, "Cash low point: %s at the end of %s.", low, mb);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
}

static void inyear_headlines(pk_ctx *c)
{
    char yb[16], mb[32], h[200], tier[128];
    bp_year_format(c->year, yb, sizeof yb);
    bp_month_long(c->year, c->period, mb, sizeof mb);
    pk_tier(c, false, tier, sizeof tier);
    if (c->lgb) snprintf(h, sizeof h, "The %s's institutions in %s", tier, yb);
    else snprintf(h, sizeof h, "The trust in %s", yb);
    bp_pdf_heading(c->pdf, 2, h, false);
    static const char *const codes[] = {"income", "exp", "result", "bs.reserves.revenue", "bs.cash"};
    static const char *const names[] = {"Income", "Expenditure", "In-year result", "Revenue reserves",
                                        "Cash"};
    char todate[64], hb[3][64];
    snprintf(todate, sizeof todate, "To the end of %s", mb);
    bp_pdf_col cols[] = {{"", 2.6f, BP_PDF_LEFT}, {pk_money_head(c, todate, hb[0], sizeof hb[0]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Full-year budget", hb[1], sizeof hb[1]), 2, BP_PDF_RIGHT},
                         {pk_money_head(c, "Forecast outturn", hb[2], sizeof hb[2]), 2, BP_PDF_RIGHT},
                         {"Outturn against budget", 2.4f, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 5, BP_PDF_SMALL);
    bp_pdf_table_row_headers(t);
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        bp_ma_line l = scope_line(c, codes[i]);
        char a[48], b[48], o[48], v[96];
        fig_cell(c, l.ytd_actual, a, sizeof a);
        fig_cell(c, l.budget, b, sizeof b);
        fig_cell(c, l.outturn, o, sizeof o);
        bp_money_fig var = bp_variance(bp_code_direction(codes[i]), l.outturn, l.budget);
        bp_pdf_cell row[5] = {{names[i], BP_PDF_TINT_NONE, false, false}, {a, BP_PDF_TINT_NONE, false, false},
                              {b, BP_PDF_TINT_NONE, false, false}, {o, BP_PDF_TINT_NONE, true, false},
                              {v, BP_PDF_TINT_NONE, false, false}};
        fig_cell(c, var, v, sizeof v);
        /* adverse: the word as well as the tint */
        if (var.ok && bp_money_round(var.pence, c->units == BP_MONEY_THOUSANDS ? 100000 : 100) < 0) {
            strncat(v, " adverse", sizeof v - strlen(v) - 1);
            row[4].tint = BP_PDF_TINT_AMBER;
        } else if (var.ok && bp_money_round(var.pence, c->units == BP_MONEY_THOUSANDS ? 100000 : 100) > 0) {
            strncat(v, " favourable", sizeof v - strlen(v) - 1);
        }
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, "The forecast outturn is the actuals to date and, for "
                     "each month to come, the re-forecast where there is one, else the budget. A "
                     "variance is favourable positive: more income or less expenditure than budgeted.");
    cash_low(c);
}

/* Is this result one the summary counts: of the document's institutions (and, in a trust
 * pack, the trust), of the committee's KPIs? */
static bool counted(const pk_ctx *c, const bp_section *scope, const bp_result *x)
{
    if (scope && !pk_selects(c, scope, x->kpi)) return false;
    if (c->lgb) return x->scope == BP_SCOPE_INSTITUTION && pk_has_inst(c, x->entity);
    return x->scope != BP_SCOPE_PHASE;
}

static void rag_counts(pk_ctx *c, const bp_section *scope)
{
    size_t n[4] = {0, 0, 0, 0}, later = 0, withheld = 0;
    /* a governing body's pack looks up its own institutions' results (one each a KPI)
     * rather than walk the whole trust's: one pack per body, the walk would be quadratic */
    size_t nk = c->lgb ? c->s->kpis.count : 0;
    for (size_t k = 0; k < nk; k++) {
        if (scope && !pk_selects(c, scope, (int)k)) continue;
        for (size_t i = 0; i < c->ninsts; i++) {
            const bp_result *x = bp_results_find(c->r, (int)k, BP_SCOPE_INSTITUTION, c->insts[i],
                                                 c->year, c->actual);
            if (!x || x->target < 0) continue;
            if (x->suppressed) withheld++;
            else n[x->status]++;
        }
    }
    for (size_t i = 0; !c->lgb && i < c->r->nresults; i++) {
        const bp_result *x = &c->r->results[i];
        if (x->year != c->year || x->scenario != c->actual || x->target < 0 || !counted(c, scope, x))
            continue;
        if (x->suppressed) withheld++;     /* build --publish: neither a status nor no data */
        else n[x->status]++;
    }
    /* a governing body's: its institutions' exceptions alone, from the session's index */
    size_t *at = NULL, nx = c->lgb ? pk_lgb_places(c, &c->ix->exc, &at) : c->r->nexceptions;
    if (nx == (size_t)-1) nx = c->r->nexceptions;     /* out of memory: the walk of all */
    for (size_t j = 0; j < nx; j++) {
        const bp_result *x = c->r->exceptions[at ? at[j] : j];
        if ((x->year == c->year && x->scenario == c->actual) || !counted(c, scope, x)) continue;
        later++;
    }
    free(at);
    char yb[16], buf[400], tier[128], who[200];
    bp_year_format(c->year, yb, sizeof yb);
    pk_tier(c, false, tier, sizeof tier);
    snprintf(who, sizeof who, "the institutions of this %s", tier);
    int k = snprintf(buf, sizeof buf,
                     "Of the %s KPI results with a target for %s: %zu red, %zu amber and %zu green; "
                     "%zu had no data%s.", yb, c->lgb ? who : "the institutions and the trust",
                     n[BP_STATUS_RED], n[BP_STATUS_AMBER], n[BP_STATUS_GREEN], n[BP_STATUS_NONE],
                     withheld ? " and " : "");
    if (withheld && k > 1 && (size_t)k < sizeof buf) {
        /* after "and ": how many are withheld, with the footnote's meaning of c */
        char note[96];
        pk_suppressed_note(c, note, sizeof note);
        k += snprintf(buf + k - 1, sizeof buf - (size_t)k + 1, "%zu %s suppressed as small counts "
                      "(%s).", withheld, withheld == 1 ? "is" : "are", note) - 1;
    }
    if (later && k > 0 && (size_t)k < sizeof buf)
        snprintf(buf + k, sizeof buf - (size_t)k, " A further %zu budget or forecast result%s for "
                 "later years %s outside target.", later, later == 1 ? "" : "s", later == 1 ? "is" : "are");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
}

/* The height of a paragraph of body text at this indent, near enough to decide whether it
 * fits: its lines, each 13 pt, and the space after. */
static float para_height(pk_ctx *c, float indent, const char *text)
{
    float width = bp_pdf_width(c->pdf) - indent;
    if (width < 72.0f) width = 72.0f;
    return 13.0f * (1.0f + (float)(int)(bp_pdf_text_width(c->pdf, BP_PDF_BODY, text) / width)) + 8.0f;
}

/* --previous: the entries counted by their movement since the last pack, and the
 * cleared (the exceptions section lists them). */
static void since_counts(pk_ctx *c, const bp_section *scope, const bp_exgroups *all)
{
    if (!c->r->previous) return;
    bp_cleared cl;
    if (pk_cleared(c, scope, &cl) != BP_OK) return;
    bp_since_counts n = bp_since_count(all, &cl);
    bp_cleared_free(&cl);
    char *text = bp_format_since_counts(c->r, &n);
    if (text) bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, text);
    free(text);
}

static void issues(pk_ctx *c, const bp_section *scope, int number, float keep)
{
    bp_pdf_heading(c->pdf, 2, "The issues that matter most", false);
    bp_exgroups all;
    if (pk_exgroups(c, scope, &all) != BP_OK) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "The issues could not be listed: out of memory.");
        return;
    }
    if (!all.n) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No result in this paper is amber or red.");
        since_counts(c, scope, &all);
        bp_exgroups_free(&all);
        return;
    }
    enum { MAX_ISSUES = 6 };
    bp_exgroup_issue top[MAX_ISSUES];
    size_t n = bp_exgroups_issues(c->r, &all, top, MAX_ISSUES);
    float indent = bp_pdf_text_width(c->pdf, BP_PDF_BOLD, "AMBER") * 0.75f + 15.0f;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const bp_exgroup *g = &all.v[top[i].index];
        char *title = bp_format_exgroup_title(c->r, g);
        char *text = bp_format_issue(c->r, g, &top[i]);
        size_t size = (title ? strlen(title) : 0) + (text ? strlen(text) : 0) + 4;
        char *line = malloc(size);
        if (line) snprintf(line, size, "%s. %s", title ? title : "", text ? text : "");
        /* the page's room decides: an issue that would push the summary over is left to
         * the exceptions section, and the count below says so */
        bool fits = line && para_height(c, indent, line) + keep <= bp_pdf_room(c->pdf);
        if (fits) {
            pk_shown(c, g->kpi);
            bp_pdf_status_paragraph(c->pdf, pk_tint(g->worst), line);
            shown++;
        }
        free(line);
        free(title);
        free(text);
        if (!fits) break;
    }
    char buf[300];
    size_t red = 0;
    for (size_t i = 0; i < all.n; i++) red += all.v[i].worst == BP_STATUS_RED;
    int k = snprintf(buf, sizeof buf, "%s %zu of %zu %s (%zu red, %zu amber)",
                     shown == all.n ? "These are all" : "The first", shown, all.n,
                     all.n == 1 ? "entry" : "entries", red, all.n - red);
    /* past the pack's max_exceptions the section holds the first entries and an appendix
     * the rest (bp_packpdf.c's exceptions) */
    bool spills = scope && !scope->appendix && c->pack->max_exceptions
                  && all.n > (size_t)c->pack->max_exceptions;
    if (k > 0 && (size_t)k < sizeof buf) {
        if (number && spills)
            snprintf(buf + k, sizeof buf - (size_t)k, "; section %d, Exceptions, gives the first %d "
                     "with every year each affects, its commentary and its actions, and an "
                     "appendix the rest.", number, c->pack->max_exceptions);
        else if (number)
            snprintf(buf + k, sizeof buf - (size_t)k, "; section %d, Exceptions, gives each with "
                     "every year it affects, its commentary and its actions.", number);
        else
            snprintf(buf + k, sizeof buf - (size_t)k, ".");
    }
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, buf);
    since_counts(c, scope, &all);
    bp_exgroups_free(&all);
}

/* ---- data warnings in plain words (bp_packpdf_dataq) ---- */

/* Their height on the page, as para_height measures. */
static float warnings_height(pk_ctx *c, const pk_lines *l)
{
    float h = 0;
    /* the first five warnings (those of the data's problems that bite come first): room
     * the last issues give up, when there are that many */
    for (size_t i = 0; i < l->n && i < 5; i++) h += para_height(c, 0, l->v[i]);
    return h;
}

static void warnings(pk_ctx *c, pk_lines l)
{
    bp_pdf_heading(c->pdf, 2, "Data warnings", false);
    for (size_t i = 0; i < l.n; i++) {
        /* one line a warning, as many as the page holds; the rest are counted - always
         * two or more, since a last warning is drawn rather than counted */
        float h = para_height(c, 0, l.v[i]);
        if (i + 1 < l.n && h + 20.0f > bp_pdf_room(c->pdf)) {
            char buf[200];
            snprintf(buf, sizeof buf, "%zu more warnings are in the data-quality appendix.", l.n - i);
            bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
            break;
        }
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, l.v[i]);
    }
    pk_lines_free(&l);
}

void pk_summary(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Summary", false);
    const bp_paper *pp = bp_model_paper(c->m, c->pack->id);
    if (pp && pp->recommendation) {
        /* what the meeting is asked to decide, before any figure */
        bp_pdf_heading(c->pdf, 2, "Recommendation", false);
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, pp->recommendation);
    }
    if (c->actual == BP_OUTTURN) inyear_headlines(c);
    else headlines(c);
    int number;
    const bp_section *scope = exceptions_section(c, &number);
    rag_counts(c, scope);
    /* the issues get the room the warnings leave: their heading, the count under the
     * issues and the first few warnings */
    pk_lines l;
    pk_dq_summary(c, pp, &l);
    issues(c, scope, number, TAIL_ROOM + warnings_height(c, &l));
    warnings(c, l);
}
