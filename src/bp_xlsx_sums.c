/* bp_xlsx_sums: the sums block of the Workings sheet - every sum the workbook's formulas
 * read, by institution, phase and the trust (bp_formula.h, "The data").  Planned before
 * anything is written, so that every formula can point at its cells; written with the
 * Workings sheet, each cell with the value the engine's own figures give it.
 *
 * Why a block of sums rather than a SUMIFS in each formula: the criteria come from the
 * row's and column's headers (code, year, scenario, institution), never typed into a
 * formula nor kept in a per-row key on Data, so that sorting or adding facts changes
 * nothing else; a formula reads two cells; and each sum is worked out once.  Gnumeric
 * runs a SUMIFS over every row of its ranges, stopping at a row's first criterion that
 * fails: the code (the most selective) comes first, and COUNTIFS runs only where a total
 * is zero (IF evaluates one branch in Excel, LibreOffice and Gnumeric alike). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- what the block needs ---- */

typedef struct {
    const char *code;
    size_t len;
    int year, scenario;
} want;

typedef struct {
    want *w;
    size_t n, cap;
    bool nomem;
} wants;

static void want_add(wants *ws, const char *code, size_t len, int year, int scenario)
{
    want *w = bp_grow(ws->w, &ws->cap, ws->n + 1, sizeof *w);
    if (!w) {
        ws->nomem = true;
        return;
    }
    ws->w = w;
    ws->w[ws->n++] = (want){code, len, year, scenario};
}

/* A code and its ancestors at its '.' boundaries: the tree its total is added up in. */
static void want_tree(wants *ws, const char *code, int year, int scenario)
{
    size_t i = 0;
    for (; code[i]; i++)
        if (code[i] == '.') want_add(ws, code, i, year, scenario);
    want_add(ws, code, i, year, scenario);
}

static int view_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

/* Year, scenario, then code: within a year and scenario a code's children follow it, as
 * '.' sorts before every other character of a code. */
static int want_cmp(const void *pa, const void *pb)
{
    const want *a = pa, *b = pb;
    if (a->year != b->year) return (a->year > b->year) - (a->year < b->year);
    if (a->scenario != b->scenario) return (a->scenario > b->scenario) - (a->scenario < b->scenario);
    return view_cmp(a->code, a->len, b->code, b->len);
}

/* The codes one KPI sums - its expression, targets and measures, and those of the KPIs
 * it refers to with kpi() - and the course fields it uses. */
typedef struct {
    const bp_kpiset *ks;
    const char **codes;
    size_t n, cap;
    bool course[4];
    bool *seen;              /* per KPI: already visited */
    bool nomem;
} kpi_codes;

static const char *const course_codes[4] = {"course.income", "course.direct_costs",
                                            "course.students", "course.count"};

static void visit_kpi(kpi_codes *k, size_t i);

static void visit_code(const bp_expr *e, void *arg)
{
    kpi_codes *k = arg;
    if (e->op == BP_E_KPI) {
        int i = bp_kpi_find(k->ks, e->name);
        if (i >= 0) visit_kpi(k, (size_t)i);
        return;
    }
    if (e->op != BP_E_SUM) return;
    if (bp_course_field(e->name)) {
        for (int i = 0; i < 4; i++) k->course[i] = k->course[i] || strcmp(e->name, course_codes[i]) == 0;
        return;
    }
    const char **c = bp_grow(k->codes, &k->cap, k->n + 1, sizeof *c);
    if (!c) {
        k->nomem = true;
        return;
    }
    k->codes = c;
    k->codes[k->n++] = e->name;
}

static void visit_kpi(kpi_codes *k, size_t i)
{
    const bp_kpi *kp = &k->ks->kpis[i];
    if (k->seen[i]) return;
    k->seen[i] = true;
    bp_expr_visit(kp->expr, visit_code, k);
    for (size_t t = 0; t < kp->ntargets; t++) {
        bp_expr_visit(kp->targets[t].lo, visit_code, k);
        bp_expr_visit(kp->targets[t].hi, visit_code, k);
        bp_expr_visit(kp->targets[t].when, visit_code, k);
    }
    for (size_t m = 0; m < kp->nmeasures; m++) bp_expr_visit(kp->measures[m].expr, visit_code, k);
}

/* A year and scenario (bp_scenario). */
typedef struct { int year, scenario; } pair;

static size_t add_pair(pair *p, size_t n, size_t max, int year, int scenario)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].year == year && p[i].scenario == scenario) return n;
    if (n < max) p[n++] = (pair){year, scenario};
    return n;
}

/* Is the internal code ic under code[0..len)? */
static bool ic_under(const char *ic, const char *code, size_t len)
{
    return strlen(ic) > len && strncmp(ic, code, len) == 0 && ic[len] == '.';
}

static bool strictly_above_internal(const char *code, size_t len)
{
    for (size_t i = 0; i < BP_FORMULA_NINTERNAL; i++)
        if (ic_under(bp_formula_internal_codes[i], code, len)) return true;
    return false;
}

static bool internal_code(const char *code, size_t len)
{
    for (size_t i = 0; i < BP_FORMULA_NINTERNAL; i++) {
        size_t n = strlen(bp_formula_internal_codes[i]);
        if (len >= n && strncmp(code, bp_formula_internal_codes[i], n) == 0
            && (len == n || code[n] == '.'))
            return true;
    }
    return false;
}

static bool money_code(const char *code, size_t len)
{
    static const char *const heads[] = {"income", "exp", "memo", "bs", "cash"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        size_t n = strlen(heads[i]);
        if (len >= n && strncmp(code, heads[i], n) == 0 && (len == n || code[n] == '.')) return true;
    }
    return false;
}

static xl_sum *push(xl *x, size_t *cap, xl_sum s)
{
    xl_sum *n = bp_grow(x->sums, cap, x->nsums + 1, sizeof *n);
    if (!n) {
        xl_nomem(x);
        return NULL;
    }
    x->sums = n;
    s.row = WORK_SUMS_ROW + (int)x->nsums;
    s.eliminated = -1;
    s.plain = -1;
    x->sums[x->nsums] = s;
    return &x->sums[x->nsums++];
}

/* A fact whose code is longer than a criterion holds: the workbook cannot sum it. */
static void long_code(xl *x, const bp_fact *f)
{
    size_t n = strlen(f->code);
    xl_src at = {x->m->inputs[f->file].name, f->line, 0, "a fact"};
    xl_limit(x, &at, "found code '%.40s...' of %zu characters, expected at most %d characters: "
             "the workbook's sums select a code with a SUMIFS criterion, and Excel matches at most "
             "255 characters of one", f->code, n, BP_FORMULA_CODE_MAX);
}

static void plan_rows(xl *x, const wants *ws, const kpi_codes *kc, const int *years, size_t ny)
{
    size_t cap = 0;
    static const char *const attrs[] = {"capacity", "pan", "years_in_trust"};
    for (size_t i = 0; i < 3; i++)
        push(x, &cap, (xl_sum){attrs[i], strlen(attrs[i]), 0, -1, XR_ATTR, 0, 0, 0, -1, -1,
                               false, false, 0});
    x->sums_facts0 = x->nsums;
    for (size_t i = 0; i < ws->n && xl_live(x); i++) {
        const want *w = &ws->w[i];
        if (i && want_cmp(w, &ws->w[i - 1]) == 0) continue;
        xl_sum *s = push(x, &cap, (xl_sum){w->code, w->len, w->year, w->scenario, XR_FACTS, 0, 0,
                                           0, -1, -1, internal_code(w->code, w->len),
                                           money_code(w->code, w->len), 0});
        if (!s || !strictly_above_internal(w->code, w->len)) continue;
        size_t plain = x->nsums - 1;
        x->sums[plain].eliminated = (int)x->nsums;
        xl_sum e = x->sums[plain];
        e.kind = XR_ELIMINATED;
        s = push(x, &cap, e);
        if (s) s->plain = (int)plain;
    }
    x->sums_facts1 = x->nsums;
    for (size_t y = 0; y < ny && xl_live(x); y++)
        for (int f = 0; f < 4; f++)
            if (kc->course[f])
                push(x, &cap, (xl_sum){course_codes[f], strlen(course_codes[f]), years[y], -1,
                                       XR_COURSE, 0, 0, 0, -1, -1, false, f < 2, 0});
}

/* Each row's children: the rows of the codes one segment below it, in the same year and
 * scenario; an eliminated row's are its code's children less the internal ones, a child
 * with an eliminated row of its own by that row. */
static void plan_children(xl *x)
{
    size_t n = x->nsums, k = 0;
    x->sum_child = malloc((2 * n + 1) * sizeof *x->sum_child);
    size_t *parent = malloc((n + 1) * sizeof *parent);
    if (!x->sum_child || !parent) {
        free(parent);
        xl_nomem(x);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const xl_sum *s = &x->sums[i];
        parent[i] = SIZE_MAX;
        if (s->kind != XR_FACTS) continue;
        size_t len = s->len;
        while (len && s->code[len - 1] != '.') len--;
        int p = len ? xl_sum_find(x, s->code, len - 1, s->year, s->scenario) : -1;
        if (p >= 0) parent[i] = (size_t)p;
    }
    /* each row's children in order, by counting: a row's run starts where the runs of the
     * rows before it end */
    for (size_t i = 0; i < n; i++) x->sums[i].nchild = 0;
    for (size_t j = 0; j < n; j++)
        if (parent[j] != SIZE_MAX) x->sums[parent[j]].nchild++;
    for (size_t i = 0; i < n; i++) {
        xl_sum *s = &x->sums[i];
        s->child0 = k;
        k += s->kind == XR_FACTS ? s->nchild : 0;
        s->nchild = 0;
    }
    for (size_t j = 0; j < n; j++)
        if (parent[j] != SIZE_MAX) {
            xl_sum *s = &x->sums[parent[j]];
            x->sum_child[s->child0 + s->nchild++] = j;
        }
    for (size_t i = 0; i < n; i++) {
        xl_sum *s = &x->sums[i];
        if (s->kind != XR_ELIMINATED) continue;
        const xl_sum *p = &x->sums[s->plain];
        s->child0 = k;
        for (size_t c = 0; c < p->nchild; c++) {
            const xl_sum *ch = &x->sums[x->sum_child[p->child0 + c]];
            if (ch->internal) continue;
            x->sum_child[k++] = ch->eliminated >= 0 ? (size_t)ch->eliminated : x->sum_child[p->child0 + c];
        }
        s->nchild = k - s->child0;
    }
    free(parent);
}

/* KPIs with a per-course target, as bp_eval's eval_courses finds them. */
static bool course_kpi(const bp_kpi *k)
{
    for (size_t t = 0; k->expr && t < k->ntargets; t++)
        if (k->targets[t].scopes & BP_SCOPE_F_COURSE) return true;
    return false;
}

/* Does the Forecast show KPI k in year and scenario (a result with data there)? */
static bool forecast_shows(const xl *x, size_t k, int year, bp_scenario sc)
{
    for (size_t e = 0; e < x->nents; e++) {
        const xl_entity *ent = &x->ents[e];
        const bp_result *r = bp_results_find(x->res, (int)k, ent->scope, ent->entity, year, sc);
        if (r && r->value.ok) return true;
    }
    return false;
}

/* The facts' codes in their years and scenarios, each once: codes are interned, so the
 * pointers tell them apart (a million facts have far fewer). */
typedef struct {
    const char *code;
    int year, scenario;
} leaf;

static int leaf_cmp(const void *pa, const void *pb)
{
    const leaf *a = pa, *b = pb;
    if (a->code != b->code) return (uintptr_t)a->code > (uintptr_t)b->code ? 1 : -1;
    if (a->year != b->year) return (a->year > b->year) - (a->year < b->year);
    return (a->scenario > b->scenario) - (a->scenario < b->scenario);
}

/* The rows: every code of the facts and its ancestors, in the year and scenario of the
 * fact; every code a KPI sums in each year and scenario the workbook shows the KPI in
 * (the report year's actuals, the Forecast's budgets and forecasts with data, the course
 * years for a per-course KPI); the finance lines' codes in every year and scenario with
 * facts; pupils on roll for the central charge. */
static void plan_periods(xl *x);

void xl_plan_sums(xl *x)
{
    const bp_model *m = x->m;
    const bp_kpiset *ks = &x->s->kpis;
    wants ws = {0};
    kpi_codes kc = {ks, NULL, 0, 0, {false}, calloc(ks->count + 1, sizeof(bool)), false};
    bool course[4] = {false};
    pair pairs[3 * 256], shown[3 * 256 + 1];
    int years[256];
    size_t np = 0, ny = 0;
    static const char *const finance[] = {"income", "exp", "income.internal", "exp.internal"};
    if (!kc.seen) {
        xl_nomem(x);
        return;
    }
    ny = xl_course_years(x, years, 256);
    leaf *leaves = malloc((m->nfacts + 1) * sizeof *leaves);
    size_t nl = 0;
    if (!leaves) {
        free(kc.seen);
        xl_nomem(x);
        return;
    }
    for (size_t i = 0; i < m->nfacts && xl_live(x); i++) {
        const bp_fact *f = &m->facts[i];
        np = add_pair(pairs, np, 3 * 256, f->year, (int)f->scenario);
        if (strlen(f->code) > BP_FORMULA_CODE_MAX) long_code(x, f);
        else leaves[nl++] = (leaf){f->code, f->year, (int)f->scenario};
    }
    /* a published workbook has lost the facts of the KPIs that count people
     * (bp_suppress_workbook_model), perhaps a year's or a scenario's only ones: the years
     * and scenarios are still the results' */
    for (size_t j = 0; x->res->typed && j < x->res->nresults; j++)
        np = add_pair(pairs, np, 3 * 256, x->res->results[j].year, (int)x->res->results[j].scenario);
    if (nl) qsort(leaves, nl, sizeof *leaves, leaf_cmp);
    /* in-year, the report year's outturn and budget to date (Budget v actual): a row for
     * every code of the year (the tree of a code's outturn is its own and its children's,
     * as the engine adds them) */
    int outturn = xl_outturn_year(x);
    for (size_t i = 0; i < nl; i++)
        if (!i || leaf_cmp(&leaves[i], &leaves[i - 1]) != 0) {
            want_tree(&ws, leaves[i].code, leaves[i].year, leaves[i].scenario);
            if (outturn && leaves[i].year == outturn) {
                want_tree(&ws, leaves[i].code, outturn, BP_OUTTURN);
                want_tree(&ws, leaves[i].code, outturn, BP_YTD_BUDGET);
            }
        }
    free(leaves);
    for (size_t p = 0; p < np; p++)
        for (size_t c = 0; c < sizeof finance / sizeof *finance; c++)
            want_tree(&ws, finance[c], pairs[p].year, pairs[p].scenario);
    for (size_t c = 0; c < sizeof finance / sizeof *finance && outturn; c++) {
        want_tree(&ws, finance[c], outturn, BP_OUTTURN);
        want_tree(&ws, finance[c], outturn, BP_YTD_BUDGET);
    }
    /* the balance sheet's and the reserves' rows (bp_xlsx_balance.c): the codes net assets
     * and the revenue reserve's roll-forward read, at the report year end and the one
     * before, whether or not the data has them, so that those formulas always have a row
     * to read (a fixed asset added to Data then shows) */
    static const char *const balance[] = {"bs.fixed_assets", "bs.current_assets",
                                          "bs.current_liabilities", "bs.reserves.revenue"};
    for (int y = 0; y < 2; y++)
        for (size_t c = 0; c < sizeof balance / sizeof *balance; c++)
            want_tree(&ws, balance[c], x->s->year - y, BP_ACTUAL);
    for (size_t i = 0; i < x->res->ncharges; i++) {
        const bp_charge *ch = &x->res->charges[i];
        want_tree(&ws, "students.on_roll", ch->year, (int)ch->scenario);
        want_tree(&ws, "students.on_roll", ch->year, BP_ACTUAL);
    }
    for (size_t k = 0; k < ks->count && xl_live(x); k++) {
        /* a typed KPI of a published workbook reads no fact: no rows for its codes */
        if (x->res->typed && x->res->typed[k]) continue;
        size_t ns = 0;
        shown[ns++] = (pair){x->s->year, BP_ACTUAL};
        if (outturn) shown[ns++] = (pair){outturn, BP_OUTTURN};
        /* the Scorecard's prior-year actual beside the report year's (bp_xlsx_kpis.c) */
        for (size_t p = 0; p < np; p++)
            if (pairs[p].year == x->s->year - 1 && pairs[p].scenario == BP_ACTUAL)
                ns = add_pair(shown, ns, 3 * 256 + 1, pairs[p].year, pairs[p].scenario);
        for (size_t p = 0; p < np; p++)
            if (pairs[p].year > x->s->year && pairs[p].scenario != BP_ACTUAL
                && forecast_shows(x, k, pairs[p].year, (bp_scenario)pairs[p].scenario))
                ns = add_pair(shown, ns, 3 * 256 + 1, pairs[p].year, pairs[p].scenario);
        for (size_t y = 0; y < ny && course_kpi(&ks->kpis[k]); y++)
            ns = add_pair(shown, ns, 3 * 256 + 1, years[y], BP_ACTUAL);
        kc.n = 0;
        memset(kc.seen, 0, ks->count * sizeof *kc.seen);
        memset(kc.course, 0, sizeof kc.course);
        visit_kpi(&kc, k);
        for (size_t c = 0; c < kc.n; c++)
            for (size_t p = 0; p < ns && strlen(kc.codes[c]) <= BP_FORMULA_CODE_MAX; p++)
                want_tree(&ws, kc.codes[c], shown[p].year, shown[p].scenario);
        for (int f = 0; f < 4; f++) course[f] = course[f] || kc.course[f];
        /* the course sums: in every year the KPI is shown */
        for (size_t p = 0; p < ns && (kc.course[0] || kc.course[1] || kc.course[2] || kc.course[3]); p++) {
            size_t at = 0;
            while (at < ny && years[at] < shown[p].year) at++;
            if ((at < ny && years[at] == shown[p].year) || ny == 256) continue;
            memmove(years + at + 1, years + at, (ny - at) * sizeof *years);
            years[at] = shown[p].year;
            ny++;
        }
    }
    memcpy(kc.course, course, sizeof course);
    if (ws.nomem || kc.nomem) xl_nomem(x);
    if (ws.n) qsort(ws.w, ws.n, sizeof *ws.w, want_cmp);
    if (xl_live(x)) plan_rows(x, &ws, &kc, years, ny);
    if (xl_live(x)) plan_children(x);
    if (xl_live(x)) plan_periods(x);
    free(ws.w);
    free(kc.codes);
    free(kc.seen);
    /* the columns: institutions, phases, the trust; a gap; the facts the same way */
    size_t n = m->ninsts, nph = x->res->nphases;
    x->phase_col = malloc(BP_PHASE_COUNT * sizeof *x->phase_col);
    if (!x->phase_col) {
        xl_nomem(x);
        return;
    }
    for (int ph = 0; ph < BP_PHASE_COUNT; ph++) {
        int i = xl_phase_index(x, (bp_phase)ph);
        x->phase_col[ph] = i < 0 ? -1 : BP_XL_WORK_FIRST_COL + (int)n + i;
    }
    x->trust_col = BP_XL_WORK_FIRST_COL + (int)(n + nph);
    x->facts_offset = (int)(n + nph + 2);
    x->terms_at = WORK_SUMS_ROW + (int)x->nsums + 1;
    /* in-year: the months not received under the block, a blank row, then the terms */
    x->recv_row = m->inyear && m->period ? x->terms_at : -1;
    if (x->recv_row >= 0) x->terms_at += 2;
    x->facts_cols = n + nph + 1;
    x->facts_read = calloc(x->nsums * x->facts_cols + 1, 1);
    if (!x->facts_read) xl_nomem(x);
}

int xl_phase_index(const xl *x, bp_phase ph)
{
    for (size_t i = 0; i < x->res->nphases; i++)
        if (x->res->phases[i] == ph) return (int)i;
    return -1;
}

/* Is code[0..len) a balance (bs.*, cash.opening), whose months are not added up? */
static bool balance_code(const char *code, size_t len)
{
    char buf[BP_FORMULA_CODE_MAX + 1];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, code, len);
    buf[len] = '\0';
    return bp_code_is_balance(buf);
}

/* The Period each fact row selects (xl_sum.period).  A year and scenario without a
 * monthly fact keeps the whole-year criterion (Period empty), so that an annual workbook
 * is what it always was.  With monthly facts a flow adds every period (the months are
 * the year; a code is never both whole-year and monthly, contract v2) and a balance takes
 * one month: the closed period for the report year's actuals in-year, else the latest
 * month a balance of that year and scenario is given for (the contract's latest month;
 * codes ending in different months are the engine's warning, and the workbook then shows
 * the latest month). */
static void plan_periods(xl *x)
{
    const bp_model *m = x->m;
    if (!m->totals) return;
    for (size_t i = x->sums_facts0; i < x->sums_facts1; i++) {
        xl_sum *s = &x->sums[i];
        bool monthly = false;
        int latest = 0;
        for (size_t k = 0; k < m->nfacts; k++) {
            const bp_fact *f = &m->facts[k];
            if (f->period == 0 || f->year != s->year || (int)f->scenario != s->scenario) continue;
            monthly = true;
            if (bp_code_is_balance(f->code) && f->period > latest) latest = f->period;
        }
        if (!monthly) continue;
        if (!balance_code(s->code, s->len)) s->period = -1;
        else if (m->inyear && s->year == m->inyear && s->scenario == BP_ACTUAL) s->period = m->period;
        else s->period = latest ? latest : -1;
    }
}

bool xl_sum_takes(const xl_sum *s, int period)
{
    return s->period < 0 || s->period == period;
}

/* The index of a row of the sums block: code[0..len), year and scenario (-1 for a
 * course sum; 0 and -1 for an attribute); -1 when there is none. */
int xl_sum_find(const xl *x, const char *code, size_t len, int year, int scenario)
{
    if (scenario < 0) {
        for (size_t i = 0; i < x->nsums; i++) {
            const xl_sum *s = &x->sums[i];
            if ((s->kind == XR_ATTR || s->kind == XR_COURSE) && s->year == year
                && view_cmp(s->code, s->len, code, len) == 0)
                return (int)i;
        }
        return -1;
    }
    want key = {code, len, year, scenario};
    size_t lo = x->sums_facts0, hi = x->sums_facts1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const xl_sum *s = &x->sums[mid];
        want w = {s->code, s->len, s->year, s->scenario};
        int c = want_cmp(&w, &key);
        /* an eliminated row sorts after its code's own */
        if (c == 0 && s->kind == XR_ELIMINATED) c = 1;
        if (c == 0) return (int)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

/* The academic year from which years_in_trust counts: bp_years_in_trust is the year
 * less this (a school joining after 1 September counts from the next year). */
int xl_base_year(const bp_institution *in)
{
    int y, mo, d;
    bp_date_ymd(in->joined, &y, &mo, &d);
    return y + (mo > 9 || (mo == 9 && d > 1));
}

/* The distinct years of courses.csv, ascending. */
size_t xl_course_years(const xl *x, int *years, size_t max)
{
    size_t n = 0;
    for (size_t ci = 0; ci < x->m->ncourses; ci++) {
        int y = x->m->courses[ci].year;
        size_t at = 0;
        while (at < n && years[at] < y) at++;
        if ((at < n && years[at] == y) || n == max) continue;
        memmove(years + at + 1, years + at, (n - at) * sizeof *years);
        years[at] = y;
        n++;
    }
    return n;
}

/* A row with more children than this reads its facts straight from Data, the code and
 * the codes under it ("code.*"), rather than adding up its children's cells: so that no
 * formula grows with the number of codes under one (formulas of at most 300 characters,
 * docs/workbook.md). */
#define WIDE 24

static bool wide(const xl *x, const xl_sum *s)
{
    /* an outturn or a budget to date adds its children: its own facts are no single
     * SUMIFS (outturn_own, ytd_budget_own) */
    if (s->scenario == BP_OUTTURN || s->scenario == BP_YTD_BUDGET) return false;
    return (s->kind == XR_ELIMINATED ? x->sums[s->plain].nchild : s->nchild) > WIDE;
}

/* ---- the values: what each cell works out to, from the model ---- */

/* Per row and institution (workbook position): the total in the facts' units (pence or
 * millionths; whole units for courses and attributes) and the facts (bp_formula.h). */
typedef struct {
    bp_i128 *total;
    int64_t *facts;
    int64_t *count;          /* the number of facts under the row, for a wide row */
    unsigned char *unprofiled;   /* a budget-to-date row: a whole-year budget under it */
} values;

static bool outturn_row(const xl *x, const xl_sum *s);

static bool values_of(xl *x, values *v)
{
    const bp_model *m = x->m;
    size_t n = m->ninsts, ns = x->nsums;
    v->total = calloc(ns * n + 1, sizeof *v->total);
    v->facts = calloc(ns * n + 1, sizeof *v->facts);
    v->count = calloc(ns * n + 1, sizeof *v->count);
    int64_t *own = calloc(ns * n + 1, sizeof *own);
    if (!v->total || !v->facts || !v->count || !own) {
        free(own);
        xl_nomem(x);
        return false;
    }
    for (size_t i = 0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        int r = xl_sum_find(x, f->code, strlen(f->code), f->year, (int)f->scenario);
        if (r < 0 || !xl_sum_takes(&x->sums[r], f->period)) continue;
        size_t at = (size_t)r * n + (size_t)x->inst_pos[f->inst];
        v->total[at] += f->value;
        own[at]++;
    }
    /* the outturn rows: the engine's outturn of each code (bp_totals), and as facts the
     * code's facts of the year that outturn_own's COUNTIFS counts */
    int oy = xl_outturn_year(x);
    for (size_t i = 0; i < m->nfacts && oy; i++) {
        const bp_fact *f = &m->facts[i];
        int r = f->year == oy ? xl_sum_find(x, f->code, strlen(f->code), oy, BP_OUTTURN) : -1;
        if (r >= 0 && (f->money || f->scenario == BP_ACTUAL))
            own[(size_t)r * n + (size_t)x->inst_pos[f->inst]]++;
    }
    for (size_t i = 0; i < m->ntotals && oy; i++) {
        const bp_fact *f = &m->totals[i];
        if (f->year != oy || (f->scenario != BP_OUTTURN && f->scenario != BP_YTD_BUDGET)) continue;
        int r = xl_sum_find(x, f->code, strlen(f->code), oy, (int)f->scenario);
        if (r >= 0) v->total[(size_t)r * n + (size_t)x->inst_pos[f->inst]] += f->value;
    }
    /* the budget to date: the budget facts ytd_budget_facts counts, and a whole-year
     * budget of the year marks the rows of its code and every ancestor unprofiled */
    v->unprofiled = calloc(ns * n + 1, 1);
    if (!v->unprofiled) {
        free(own);
        xl_nomem(x);
        return false;
    }
    for (size_t i = 0; i < m->nfacts && oy; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->year != oy || f->scenario != BP_BUDGET) continue;
        size_t len = strlen(f->code), pos = (size_t)x->inst_pos[f->inst];
        int r = xl_sum_find(x, f->code, len, oy, BP_YTD_BUDGET);
        if (r >= 0) own[(size_t)r * n + pos]++;
        for (size_t k = len; f->money && f->period == 0 && k > 0; k--) {
            if (k < len && f->code[k] != '.') continue;
            int a = xl_sum_find(x, f->code, k, oy, BP_YTD_BUDGET);
            if (a < 0) continue;
            v->unprofiled[(size_t)a * n + pos] = 1;
            if (x->sums[a].eliminated >= 0) v->unprofiled[(size_t)x->sums[a].eliminated * n + pos] = 1;
        }
    }
    /* children follow their parents: from the last row up, each total is complete; the
     * eliminated rows after, from their codes' totals */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = x->sums_facts1; i-- > x->sums_facts0;) {
            const xl_sum *s = &x->sums[i];
            if ((s->kind == XR_ELIMINATED) != (pass == 1)) continue;
            for (size_t p = 0; p < n; p++) {
                bp_i128 t = v->total[i * n + p];
                int64_t c = own[i * n + p], all = c;
                if (s->kind == XR_ELIMINATED) {
                    t = v->total[(size_t)s->plain * n + p];
                    c = own[(size_t)s->plain * n + p];
                    all = v->count[(size_t)s->plain * n + p];
                    for (size_t k = 0; k < BP_FORMULA_NINTERNAL; k++) {
                        const char *ic = bp_formula_internal_codes[k];
                        int r = ic_under(ic, s->code, s->len)
                                ? xl_sum_find(x, ic, strlen(ic), s->year, s->scenario) : -1;
                        if (r < 0) continue;
                        t -= v->total[(size_t)r * n + p];
                        all -= v->count[(size_t)r * n + p];
                    }
                }
                for (size_t k = 0; k < s->nchild; k++) {
                    size_t ch = x->sum_child[s->child0 + k];
                    if (s->kind == XR_FACTS) {
                        t += v->total[ch * n + p];
                        all += v->count[ch * n + p];
                    }
                    c += v->facts[ch * n + p];
                }
                v->total[i * n + p] = t;
                v->count[i * n + p] = all;
                /* a wide row counts its facts straight from Data */
                v->facts[i * n + p] = v->unprofiled[i * n + p] ? 0 : t != 0 ? 1 : wide(x, s) ? all : c;
            }
        }
    /* an institution with a month not received: its actuals to date are no data */
    for (size_t p = 0; p < n; p++)
        for (size_t i = x->sums_facts0; i < x->sums_facts1 && xl_months_missing(x, p); i++)
            if (xl_sum_ytd(x, &x->sums[i]) || outturn_row(x, &x->sums[i]))
                v->total[i * n + p] = v->facts[i * n + p] = 0;
    for (size_t i = 0; i < ns; i++) {
        const xl_sum *s = &x->sums[i];
        for (size_t p = 0; p < n && s->kind == XR_ATTR; p++) {
            const bp_institution *in = &m->insts[x->inst_order[p]];
            bool has = i == 0 ? in->has_capacity : i == 1 ? in->has_pan : true;
            v->facts[i * n + p] = has;
            v->total[i * n + p] = !has ? 0 : i == 0 ? in->capacity : i == 1 ? in->pan
                                                                           : xl_base_year(in);
        }
    }
    for (size_t ci = 0; ci < m->ncourses; ci++) {
        const bp_course *co = &m->courses[ci];
        if (co->minority) continue;
        for (size_t i = x->sums_facts1; i < ns; i++) {
            const xl_sum *s = &x->sums[i];
            if (s->year != co->year) continue;
            size_t at = i * n + (size_t)x->inst_pos[co->inst];
            const char *field = s->code + 7;
            v->total[at] += field[0] == 'i' ? co->income : field[0] == 'd' ? co->direct_costs
                            : field[0] == 's' ? co->students : 1;
            v->facts[at]++;
        }
    }
    free(own);
    return true;
}

/* In-year, a row of the report year's outturn (xl_plan_sums). */
static bool outturn_row(const xl *x, const xl_sum *s)
{
    return x->recv_row >= 0 && (s->kind == XR_FACTS || s->kind == XR_ELIMINATED)
           && s->scenario == BP_OUTTURN && s->year == xl_outturn_year(x);
}

/* The units of a row's totals: 100 for pence, 10^6 for millionths, 1 for whole units. */
static double units(const xl_sum *s)
{
    if (s->kind == XR_ATTR) return 1;
    if (s->kind == XR_COURSE) return s->money ? 100 : 1;
    return s->money ? 100 : 1e6;
}

/* The places a row's totals are rounded to: the facts' own, so that a total is exactly
 * the engine's (the floating-point noise of adding pounds and pence taken off). */
static int places(const xl_sum *s)
{
    if (s->kind == XR_ATTR || (s->kind == XR_COURSE && !s->money)) return -1;
    return s->money ? 2 : 6;
}

/* ---- writing ---- */

typedef struct {
    char c[8];       /* totals column letters */
    char f[8];       /* facts column letters */
} cols;

static void col_of(cols *c, int col, int facts_offset)
{
    bp_formula_col(c->c, sizeof c->c, col);
    bp_formula_col(c->f, sizeof c->f, col + facts_offset);
}

/* The block's formulas are assembled piece by piece rather than with printf: they are
 * most of the workbook's cells, and a printf of a few pieces cost as much as
 * libxlsxwriter's storing the cell (docs/performance.md). */
static void put_int(bp_fbuf *b, int v)
{
    char buf[16];
    buf[sizeof buf - 1] = '\0';
    bp_fbuf_puts(b, bp_digits_before((bp_u128)(v < 0 ? 0 : v), false, buf + sizeof buf - 1));
}

/* col then row (1-based): E9, or E$5 with the row's $ in col's place: pieces, as
 * "$B" "9" or "E" "$" "5". */
static void put_at(bp_fbuf *b, const char *col, int row1)
{
    bp_fbuf_puts(b, col);
    put_int(b, row1);
}

static void put_head(bp_fbuf *b, const char *col)
{
    bp_fbuf_puts(b, col);
    bp_fbuf_puts(b, "$");
    put_int(b, WORK_HEAD_ROW + 1);
}

/* "ROUND(...,2)" around a total, nothing for whole units */
static void open_round(bp_fbuf *b, const xl_sum *s) { if (places(s) >= 0) bp_fbuf_puts(b, "ROUND("); }
static void close_round(bp_fbuf *b, const xl_sum *s)
{
    if (places(s) >= 0) bp_fbuf_puts(b, places(s) == 2 ? ",2)" : ",6)");
}

static void children(bp_fbuf *b, const xl *x, const xl_sum *s, const char *col)
{
    for (size_t k = 0; k < s->nchild; k++) {
        bp_fbuf_puts(b, "+");
        put_at(b, col, x->sums[x->sum_child[s->child0 + k]].row + 1);
    }
}

/* The criteria of a fact row's SUMIFS and COUNTIFS: the code first (the fewest rows
 * match it), the institution from its column's header; the code criterion is the code
 * cell of row C, $A9, or with under the codes under it, $A9&".*". */
static void fact_criteria(bp_fbuf *b, int R, const char *col, int C, bool under, int period)
{
    bp_fbuf_puts(b, BP_XL_FACT_CODE ",$A");
    put_int(b, C);
    bp_fbuf_puts(b, under ? "&\".*\"," BP_XL_FACT_YEAR ",$B" : "," BP_XL_FACT_YEAR ",$B");
    put_int(b, R);
    bp_fbuf_puts(b, "," BP_XL_FACT_INST ",");
    put_head(b, col);
    bp_fbuf_puts(b, "," BP_XL_FACT_SCENARIO ",$C");
    put_int(b, R);
    if (period < 0) {
        bp_fbuf_puts(b, ")");
    } else if (period == 0) {
        bp_fbuf_puts(b, "," BP_XL_FACT_PERIOD ",\"\")");
    } else {
        char month[8];
        bp_month_format(period, month, sizeof month);
        bp_fbuf_puts(b, "," BP_XL_FACT_PERIOD ",\"");
        bp_fbuf_puts(b, month);
        bp_fbuf_puts(b, "\")");
    }
}

/* fn(criteria) for the code and, for a wide row, fn(criteria) for the codes under it; an
 * eliminated wide row's facts less those of the internal codes under it. */
static void direct(bp_fbuf *b, const xl *x, const xl_sum *s, const char *fn, const char *value,
                   int R, const char *col)
{
    bp_fbuf_puts(b, fn);
    bp_fbuf_puts(b, value);
    fact_criteria(b, R, col, R, false, s->period);
    if (!wide(x, s)) return;
    bp_fbuf_puts(b, "+");
    bp_fbuf_puts(b, fn);
    bp_fbuf_puts(b, value);
    fact_criteria(b, R, col, R, true, s->period);
    for (size_t k = 0; k < BP_FORMULA_NINTERNAL && s->kind == XR_ELIMINATED; k++) {
        const char *ic = bp_formula_internal_codes[k];
        int r = ic_under(ic, s->code, s->len) ? xl_sum_find(x, ic, strlen(ic), s->year, s->scenario)
                                              : -1;
        for (int w = 0; w < 2 && r >= 0; w++) {
            bp_fbuf_puts(b, "-");
            bp_fbuf_puts(b, fn);
            bp_fbuf_puts(b, value);
            fact_criteria(b, R, col, x->sums[r].row + 1, w, s->period);
        }
    }
}

/* fn(FactValue, the code's own facts of the row's year and the column's institution, in
 * scenario sc and period per: "" the whole year, NULL every period, else a criterion as
 * written, a month) */
static void own_of(bp_fbuf *b, const char *fn, int R, const char *col, const char *sc,
                   const char *per)
{
    bp_fbuf_puts(b, fn);
    if (fn[0] == 'S') bp_fbuf_puts(b, "(" BP_XL_FACT_VALUE ",");
    else bp_fbuf_puts(b, "(");
    bp_fbuf_puts(b, BP_XL_FACT_CODE ",$A");
    put_int(b, R);
    bp_fbuf_puts(b, "," BP_XL_FACT_YEAR ",$B");
    put_int(b, R);
    bp_fbuf_puts(b, "," BP_XL_FACT_INST ",");
    put_head(b, col);
    if (sc) {
        bp_fbuf_puts(b, "," BP_XL_FACT_SCENARIO ",\"");
        bp_fbuf_puts(b, sc);
        bp_fbuf_puts(b, "\"");
    }
    if (per) {
        bp_fbuf_puts(b, "," BP_XL_FACT_PERIOD ",");
        bp_fbuf_puts(b, per);
    }
    bp_fbuf_puts(b, ")");
}

/* The outturn of a row's own code for one institution, the engine's rule (contract v2,
 * bp_totals): a whole-year forecast is the outturn; else a flow is its actuals to date
 * plus, month by month after the period, the forecast where the month has one, else the
 * budget; a balance the forecast at M12, else the budget at M12 (a whole-year budget
 * counting as M12); cash.opening and a non-money code their actual. */
static void outturn_own(bp_fbuf *b, const xl *x, const xl_sum *s, int R, const char *col)
{
    int p = x->m->period;
    char code[BP_FORMULA_CODE_MAX + 1], months[128];
    snprintf(code, sizeof code, "%.*s", (int)s->len, s->code);
    if (!s->money) {
        own_of(b, "SUMIFS", R, col, "actual", "\"\"");
        return;
    }
    bp_fbuf_puts(b, "IF(");
    own_of(b, "COUNTIFS", R, col, "forecast", "\"\"");
    bp_fbuf_puts(b, ",");
    own_of(b, "SUMIFS", R, col, "forecast", "\"\"");
    bp_fbuf_puts(b, ",");
    if (bp_code_under(code, "cash.opening")) {
        own_of(b, "SUMIFS", R, col, "actual", "\"\"");
    } else if (bp_code_is_balance(code)) {
        if (p == 12) {
            own_of(b, "SUMIFS", R, col, "actual", "\"M12\"");
        } else {
            bp_fbuf_puts(b, "IF(");
            own_of(b, "COUNTIFS", R, col, "forecast", "\"M12\"");
            bp_fbuf_puts(b, ",");
            own_of(b, "SUMIFS", R, col, "forecast", "\"M12\"");
            bp_fbuf_puts(b, ",");
            own_of(b, "SUMIFS", R, col, "budget", "\"M12\"");
            bp_fbuf_puts(b, "+");
            own_of(b, "SUMIFS", R, col, "budget", "\"\"");
            bp_fbuf_puts(b, ")");
        }
    } else {
        own_of(b, "SUMIFS", R, col, "actual", NULL);
        /* month by month (an array constant of months in SUMIFS is not an array in
         * Gnumeric): the forecast where the month has one, else the budget */
        for (int m = p + 1; m <= 12; m++) {
            snprintf(months, sizeof months, "\"M%02d\"", m);
            bp_fbuf_puts(b, "+IF(");
            own_of(b, "COUNTIFS", R, col, "forecast", months);
            bp_fbuf_puts(b, ",");
            own_of(b, "SUMIFS", R, col, "forecast", months);
            bp_fbuf_puts(b, ",");
            own_of(b, "SUMIFS", R, col, "budget", months);
            bp_fbuf_puts(b, ")");
        }
    }
    bp_fbuf_puts(b, ")");
}

/* The budget to date of a row's own code for one institution (contract v2, ytd_budget):
 * a flow the budget months M01..period, a balance the budget at the
 * period, cash.opening and a non-money code the whole-year budget. */
static void ytd_budget_own(bp_fbuf *b, const xl *x, const xl_sum *s, int R, const char *col)
{
    int p = x->m->period;
    char code[BP_FORMULA_CODE_MAX + 1], months[128];
    snprintf(code, sizeof code, "%.*s", (int)s->len, s->code);
    if (!s->money || bp_code_under(code, "cash.opening")) {
        own_of(b, "SUMIFS", R, col, "budget", "\"\"");
    } else if (bp_code_is_balance(code)) {
        snprintf(months, sizeof months, "\"M%02d\"", p);
        own_of(b, "SUMIFS", R, col, "budget", months);
    } else {
        /* month by month, as the outturn (Gnumeric) */
        for (int m = 1; m <= p; m++) {
            snprintf(months, sizeof months, "\"M%02d\"", m);
            if (m > 1) bp_fbuf_puts(b, "+");
            own_of(b, "SUMIFS", R, col, "budget", months);
        }
    }
}

/* "IF(n,0," where n counts the whole-year budgets of the row's year under its code (the
 * code and the codes under it) - of the column's institution, or (col NULL) of any: the
 * budget to date is then no data, as the engine's (contract v2: never spread). */
static void unprofiled_open(bp_fbuf *b, int R, const char *col)
{
    bp_fbuf_puts(b, "IF(");
    for (int w = 0; w < 2; w++) {
        bp_fbuf_puts(b, w ? "+COUNTIFS(" BP_XL_FACT_CODE ",$A" : "COUNTIFS(" BP_XL_FACT_CODE ",$A");
        put_int(b, R);
        bp_fbuf_puts(b, w ? "&\".*\"," BP_XL_FACT_YEAR ",$B" : "," BP_XL_FACT_YEAR ",$B");
        put_int(b, R);
        if (col) {
            bp_fbuf_puts(b, "," BP_XL_FACT_INST ",");
            put_head(b, col);
        }
        bp_fbuf_puts(b, "," BP_XL_FACT_SCENARIO ",\"budget\"," BP_XL_FACT_PERIOD ",\"\")");
    }
    bp_fbuf_puts(b, ",0,");
}

/* An outturn row's own facts: the code's facts of the year in any scenario (its actual,
 * for a non-money code). */
static void outturn_facts(bp_fbuf *b, const xl_sum *s, int R, const char *col)
{
    own_of(b, "COUNTIFS", R, col, s->money ? NULL : "actual", s->money ? NULL : "\"\"");
}

static const char *course_range(const xl_sum *s)
{
    const char *field = s->code + 7;
    return field[0] == 'i' ? BP_XL_COURSE_INCOME : field[0] == 'd' ? BP_XL_COURSE_COSTS
           : field[0] == 's' ? BP_XL_COURSE_STUDENTS : NULL;
}

static void course_criteria(bp_fbuf *b, int R, const char *col)
{
    bp_fbuf_puts(b, BP_XL_COURSE_INST ",");
    put_head(b, col);
    bp_fbuf_puts(b, "," BP_XL_COURSE_YEAR ",$B");
    put_int(b, R);
    bp_fbuf_puts(b, "," BP_XL_COURSE_MINORITY ",\"no\"");
}

static const char *attr_range(size_t i)
{
    return i == 0 ? BP_XL_INST_CAPACITY_NAME : i == 1 ? BP_XL_INST_PAN_NAME : BP_XL_INST_BASE_NAME;
}

/* Which facts cells of the fact rows the block has: those a formula elsewhere reads
 * (x->facts_read), and those they read in turn - a phase's or the trust's facts cell adds
 * up every institution's of its row (a phase by the phase row, which a user may change),
 * an institution's adds its children's rows' (a wide row counts on Data instead).  Rows
 * run parents first, so one pass from the top closes the set.  A facts cell only tells a
 * zero total from no data; a total never reads one, so the cells nobody reads are left
 * out: in a one-school trust three facts cells in five. */
static void close_facts(xl *x)
{
    size_t nc = x->facts_cols, n = x->m->ninsts;
    unsigned char *need = x->facts_read;
    for (size_t i = x->sums_facts0; i < x->sums_facts1; i++) {
        const xl_sum *s = &x->sums[i];
        unsigned char *r = need + i * nc;
        for (size_t g = n; g < nc; g++)
            if (r[g]) memset(r, 1, n);
        if (wide(x, s)) continue;
        for (size_t k = 0; k < s->nchild; k++) {
            unsigned char *ch = need + x->sum_child[s->child0 + k] * nc;
            for (size_t p = 0; p < n; p++) ch[p] |= r[p];
        }
    }
}

/* Does row i have its facts cell in column col (an entity's totals column)? */
static bool has_facts(const xl *x, size_t i, int col)
{
    if (i < x->sums_facts0 || i >= x->sums_facts1) return true;
    return x->facts_read[i * x->facts_cols + (size_t)(col - BP_XL_WORK_FIRST_COL)] != 0;
}

/* In-year, a row of the report year's actuals or outturn: formula b becomes 0 while the
 * institution of column col, or a member of its phase or the trust, has a month not
 * received (bp_xlsx_received.c: column col of its row). */
static void ytd_wrap(xl *x, bp_fbuf *b, const xl_sum *s, const char *col)
{
    if ((!xl_sum_ytd(x, s) && !outturn_row(x, s)) || b->nomem) return;
    size_t len = strlen(b->s);
    char *body = malloc(len + 1);
    if (!body) {
        xl_nomem(x);
        return;
    }
    memcpy(body, b->s, len + 1);
    bp_fbuf_reset(b);
    bp_fbuf_puts(b, "=IF(");
    bp_fbuf_puts(b, col);
    bp_fbuf_puts(b, "$");
    put_int(b, x->recv_row + 1);
    bp_fbuf_puts(b, ",0,");
    bp_fbuf_puts(b, body + 1);
    bp_fbuf_puts(b, ")");
    free(body);
}

/* One institution's total and facts on row i. */
static void inst_cells(xl *x, bp_fbuf *b, size_t i, int col, bp_i128 total, int64_t facts)
{
    const xl_sum *s = &x->sums[i];
    const xl_sheet ws = XS_WORKINGS;
    cols c;
    int R = s->row + 1;
    col_of(&c, col, x->facts_offset);
    bp_fbuf_reset(b);
    switch (s->kind) {
    case XR_ATTR:
        bp_fbuf_puts(b, "=IF(");
        put_at(b, c.f, R);
        bp_fbuf_puts(b, ",INDEX(");
        bp_fbuf_puts(b, attr_range(i));
        bp_fbuf_puts(b, ",MATCH(");
        put_head(b, c.c);
        bp_fbuf_puts(b, "," BP_XL_INST_ID_NAME ",0)),0)");
        break;
    case XR_FACTS:
        bp_fbuf_puts(b, "=ROUND(");
        if (s->scenario == BP_OUTTURN) outturn_own(b, x, s, R, c.c);
        else if (s->scenario == BP_YTD_BUDGET) ytd_budget_own(b, x, s, R, c.c);
        else direct(b, x, s, "SUMIFS(", BP_XL_FACT_VALUE ",", R, c.c);
        if (!wide(x, s)) children(b, x, s, c.c);
        close_round(b, s);
        break;
    case XR_ELIMINATED: {
        bp_fbuf_puts(b, "=ROUND(");
        put_at(b, c.c, x->sums[s->plain].row + 1);
        for (size_t k = 0; k < BP_FORMULA_NINTERNAL; k++) {
            const char *ic = bp_formula_internal_codes[k];
            if (!ic_under(ic, s->code, s->len)) continue;
            int r = xl_sum_find(x, ic, strlen(ic), s->year, s->scenario);
            if (r < 0) continue;
            bp_fbuf_puts(b, "-");
            put_at(b, c.c, x->sums[r].row + 1);
        }
        close_round(b, s);
        break;
    }
    case XR_COURSE:
        bp_fbuf_puts(b, "=");
        if (course_range(s)) {
            open_round(b, s);
            bp_fbuf_puts(b, "SUMIFS(");
            bp_fbuf_puts(b, course_range(s));
            bp_fbuf_puts(b, ",");
        } else {
            bp_fbuf_puts(b, "COUNTIFS(");
        }
        course_criteria(b, R, c.c);
        bp_fbuf_puts(b, ")");
        if (course_range(s)) close_round(b, s);
        break;
    }
    ytd_wrap(x, b, s, c.c);
    if (b->nomem) {
        xl_nomem(x);
        return;
    }
    xl_put_formula(x, ws, s->row, col, b->s, x->f.quantity, xl_cache_double((double)total / units(s)));
    if (!has_facts(x, i, col)) return;
    bp_fbuf_reset(b);
    switch (s->kind) {
    case XR_ATTR:
        bp_fbuf_puts(b, "=IFERROR(IF(ISNUMBER(INDEX(");
        bp_fbuf_puts(b, attr_range(i));
        bp_fbuf_puts(b, ",MATCH(");
        put_head(b, c.f);
        bp_fbuf_puts(b, "," BP_XL_INST_ID_NAME ",0))),1,0),0)");
        break;
    case XR_FACTS: case XR_ELIMINATED:
        bp_fbuf_puts(b, "=");
        if (s->scenario == BP_YTD_BUDGET && s->money) unprofiled_open(b, R, c.f);
        bp_fbuf_puts(b, "IF(");
        put_at(b, c.c, R);
        bp_fbuf_puts(b, ",1,");
        if (s->kind == XR_FACTS && s->scenario == BP_OUTTURN) outturn_facts(b, s, R, c.f);
        else if (s->kind == XR_FACTS && s->scenario == BP_YTD_BUDGET)
            own_of(b, "COUNTIFS", R, c.f, "budget", NULL);
        else direct(b, x, s, "COUNTIFS(", "", R, c.f);
        if (!wide(x, s)) children(b, x, s, c.f);
        bp_fbuf_puts(b, s->scenario == BP_YTD_BUDGET && s->money ? "))" : ")");
        break;
    case XR_COURSE:
        bp_fbuf_puts(b, "=COUNTIFS(");
        course_criteria(b, R, c.f);
        bp_fbuf_puts(b, ")");
        break;
    }
    ytd_wrap(x, b, s, c.c);
    if (b->nomem) xl_nomem(x);
    else xl_put_formula(x, ws, s->row, col + x->facts_offset, b->s, x->f.whole,
                        xl_cache_double((double)facts));
}

/* A phase's or the trust's total and facts on row i: the institutions' added up, a
 * phase's selected by the phase row (ph < 0: the trust). */
static void group_cells(xl *x, bp_fbuf *b, size_t i, int col, int ph, bp_i128 total, int64_t facts)
{
    const xl_sum *s = &x->sums[i];
    cols c, first, last;
    int R = s->row + 1, n = (int)x->m->ninsts;
    bool lazy = s->kind == XR_FACTS || s->kind == XR_ELIMINATED;
    col_of(&c, col, x->facts_offset);
    col_of(&first, BP_XL_WORK_FIRST_COL, x->facts_offset);
    col_of(&last, BP_XL_WORK_FIRST_COL + n - 1, x->facts_offset);
    for (int half = 0; half < 1 + has_facts(x, i, col) && xl_live(x); half++) {
        const char *a = half ? first.f : first.c, *z = half ? last.f : last.c;
        bp_fbuf_reset(b);
        bp_fbuf_puts(b, "=");
        /* the trust's budget to date: no data where any institution's is unprofiled */
        if (half && lazy && ph < 0 && s->scenario == BP_YTD_BUDGET && s->money) unprofiled_open(b, R, NULL);
        if (half && lazy) {
            bp_fbuf_puts(b, "IF(");
            put_at(b, c.c, R);
            bp_fbuf_puts(b, ",1,");
        }
        if (!half) open_round(b, s);
        if (ph >= 0) {
            bp_fbuf_puts(b, "SUMIF($");
            bp_fbuf_puts(b, first.c);
            bp_fbuf_puts(b, "$");
            put_int(b, WORK_PHASE_ROW + 1);
            bp_fbuf_puts(b, ":$");
            bp_fbuf_puts(b, last.c);
            bp_fbuf_puts(b, "$");
            put_int(b, WORK_PHASE_ROW + 1);
            bp_fbuf_puts(b, ",");
            put_head(b, half ? c.f : c.c);
            bp_fbuf_puts(b, ",");
        } else {
            bp_fbuf_puts(b, "SUM(");
        }
        put_at(b, a, R);
        bp_fbuf_puts(b, ":");
        put_at(b, z, R);
        bp_fbuf_puts(b, ")");
        if (!half) close_round(b, s);
        if (half && lazy) bp_fbuf_puts(b, ph < 0 && s->scenario == BP_YTD_BUDGET && s->money ? "))" : ")");
        /* a member's month not received: the group's year to date and outturn are no data
         * (its facts 0), as the engine's; its total stays the sum of the members' cells, so
         * that "every fact counted" still adds up every institution */
        if (half) ytd_wrap(x, b, s, c.c);
        if (b->nomem) {
            xl_nomem(x);
            return;
        }
        if (half)
            xl_put_formula(x, XS_WORKINGS, s->row, col + x->facts_offset, b->s, x->f.whole,
                           xl_cache_double((double)facts));
        else
            xl_put_formula(x, XS_WORKINGS, s->row, col, b->s, x->f.quantity,
                           xl_cache_double((double)total / units(s)));
    }
}

static const char *note_of(const xl_sum *s, size_t i)
{
    switch (s->kind) {
    case XR_ATTR: return i == 2 ? "Institutions: the year its years in trust count from"
                                : "Institutions";
    case XR_ELIMINATED: return "internal transfers eliminated";
    case XR_COURSE: return "non-minority courses (courses.csv)";
    case XR_FACTS: break;
    }
    /* not "": the every-fact-counted check adds up the rows without a note, and an
     * outturn is no fact's sum */
    if (s->scenario == BP_OUTTURN) return "outturn: to date, then forecast else budget";
    if (s->scenario == BP_YTD_BUDGET) return "budget to date: months M01 to the period";
    return "";
}

static void write_row(xl *x, bp_fbuf *b, const values *v, size_t i)
{
    const xl_sum *s = &x->sums[i];
    const xl_sheet ws = XS_WORKINGS;
    size_t n = x->m->ninsts;
    char code[BP_FORMULA_CODE_MAX + 1];
    snprintf(code, sizeof code, "%.*s", (int)s->len, s->code);
    xl_put_text(x, ws, s->row, BP_XL_WORK_CODE, code, x->f.text);
    if (s->year) {
        char yb[16];
        bp_year_format(s->year, yb, sizeof yb);
        xl_put_text(x, ws, s->row, BP_XL_WORK_YEAR, yb, x->f.text);
    }
    if (s->scenario >= 0)
        xl_put_text(x, ws, s->row, BP_XL_WORK_SCENARIO, bp_scenario_id((bp_scenario)s->scenario),
                    x->f.text);
    if (*note_of(s, i)) xl_put_text(x, ws, s->row, BP_XL_WORK_NOTE, note_of(s, i), x->f.text);
    bp_i128 trust = 0;
    int64_t any = 0;
    for (size_t p = 0; p < n && xl_live(x); p++) {
        inst_cells(x, b, i, BP_XL_WORK_FIRST_COL + (int)p, v->total[i * n + p], v->facts[i * n + p]);
        trust += v->total[i * n + p];
        any += v->facts[i * n + p];
    }
    bool lazy = s->kind == XR_FACTS || s->kind == XR_ELIMINATED;
    bool ytd = xl_sum_ytd(x, s) || outturn_row(x, s), missing = false;
    for (size_t p = 0; p < n; p++) missing |= ytd && xl_months_missing(x, p) > 0;
    for (size_t ph = 0; ph < x->res->nphases && xl_live(x); ph++) {
        bp_phase phase = x->res->phases[ph];
        bp_i128 t = 0;
        int64_t f = 0;
        bool gone = false;
        for (size_t p = 0; p < n; p++) {
            const bp_institution *in = &x->m->insts[x->inst_order[p]];
            if (in->phase != phase) continue;
            t += v->total[i * n + p];
            f += v->facts[i * n + p];
            gone |= ytd && xl_months_missing(x, p) > 0;
        }
        group_cells(x, b, i, x->phase_col[phase], (int)phase, t, gone ? 0 : lazy && t != 0 ? 1 : f);
    }
    bool unprofiled = false;
    for (size_t p = 0; p < n; p++) unprofiled |= v->unprofiled[i * n + p] != 0;
    if (xl_live(x)) group_cells(x, b, i, x->trust_col, -1, trust,
                                unprofiled || missing ? 0 : lazy && trust != 0 ? 1 : any);
}

/* The block: its title, the header of institution, phase and trust ids twice (totals,
 * facts), the phase row, and one row per code, year and scenario. */
void xl_write_sums(xl *x)
{
    const xl_sheet ws = XS_WORKINGS;
    const bp_model *m = x->m;
    size_t n = m->ninsts;
    static const char *const heads[] = {"Code", "Year", "Scenario", "Note"};
    values v = {NULL, NULL, NULL, NULL};
    bp_fbuf b;
    bp_fbuf_init(&b);
    xl_put_text(x, ws, WORK_HEAD_ROW - 1, 0, "Sums of the facts on Data, by institution, phase "
                "and the trust: every figure of the workbook reads these cells", x->f.bold);
    xl_put_text(x, ws, WORK_HEAD_ROW - 1, BP_XL_WORK_FIRST_COL, "Totals: a code's own facts "
                "and its children's rows", x->f.bold);
    xl_put_text(x, ws, WORK_HEAD_ROW - 1, BP_XL_WORK_FIRST_COL + x->facts_offset, "Facts: 1 "
                "where the total is not zero, else how many (0: no data)", x->f.bold);
    xl_put_headers(x, ws, WORK_HEAD_ROW, 0, heads, 4);
    for (int half = 0; half < 2; half++) {
        int off = half ? x->facts_offset : 0;
        for (size_t p = 0; p < n; p++)
            xl_put_text(x, ws, WORK_HEAD_ROW, BP_XL_WORK_FIRST_COL + (int)p + off,
                        m->insts[x->inst_order[p]].id, x->f.header);
        for (size_t ph = 0; ph < x->res->nphases; ph++)
            xl_put_text(x, ws, WORK_HEAD_ROW, x->phase_col[x->res->phases[ph]] + off,
                        bp_phase_id(x->res->phases[ph]), x->f.header);
        xl_put_text(x, ws, WORK_HEAD_ROW, x->trust_col + off, "trust", x->f.header);
    }
    xl_put_text(x, ws, WORK_PHASE_ROW, BP_XL_WORK_NOTE, "Phase (Institutions)", x->f.bold);
    for (size_t p = 0; p < n && xl_live(x); p++) {
        char col[8], f[128];
        bp_formula_col(col, sizeof col, BP_XL_WORK_FIRST_COL + (int)p);
        snprintf(f, sizeof f, "=INDEX(" BP_XL_INST_PHASE_NAME ",MATCH(%s$%d," BP_XL_INST_ID_NAME ",0))",
                 col, WORK_HEAD_ROW + 1);
        xl_put_formula(x, ws, WORK_PHASE_ROW, BP_XL_WORK_FIRST_COL + (int)p, f, x->f.text,
                       xl_cache_text(bp_phase_id(m->insts[x->inst_order[p]].phase)));
    }
    if (xl_live(x)) close_facts(x);
    if (xl_live(x) && values_of(x, &v))
        for (size_t i = 0; i < x->nsums && xl_live(x); i++) {
            /* a dry run checks the limits a row can break - the sheet's rows (the last
             * row), a formula's length (a code with hundreds of children) - and need not
             * lay out every cell */
            if (x->dry && i + 1 < x->nsums && x->sums[i].nchild < 256) continue;
            write_row(x, &b, &v, i);
        }
    if (xl_live(x)) xl_write_received(x);
    x->sums_written = true;
    free(v.total);
    free(v.facts);
    free(v.count);
    free(v.unprofiled);
    bp_fbuf_free(&b);
}
