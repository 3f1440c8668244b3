/* bp_inyear: the management accounts' figures for the renderers (include/bp_inyear.h),
 * all read from the model's totals and facts and the results' cash flows, so that what a
 * pack or the workbook shows is what the KPIs were computed from. */
#include "bp_inyear.h"

#include <stdlib.h>
#include <string.h>

bool bp_inyear_mode(const bp_results *r, int *year, int *period)
{
    const bp_model *m = r->model;
    bool on = m->inyear && m->inyear == r->report_year && m->period;
    if (year) *year = on ? m->inyear : r->report_year;
    if (period) *period = on ? m->period : 12;
    return on;
}

/* The entity's institutions (a phase: its non-central ones), into a malloc'ed array. */
static int *members_of(const bp_model *m, bp_entity e, size_t *n)
{
    int *v = malloc((m->ninsts ? m->ninsts : 1) * sizeof *v);
    *n = 0;
    if (!v) return NULL;
    for (size_t i = 0; i < m->ninsts; i++) {
        bool in = e.scope == BP_SCOPE_TRUST
                  || (e.scope == BP_SCOPE_INSTITUTION && (int)i == e.entity)
                  || (e.scope == BP_SCOPE_PHASE && (int)m->insts[i].phase == e.entity
                      && (int)i != m->central);
        if (in) v[(*n)++] = (int)i;
    }
    return v;
}

static bool internal_code(const char *code)
{
    return bp_code_under(code, "income.internal") || bp_code_under(code, "exp.internal");
}

/* sum(prefix) over the members, as a KPI's sum() forms it: no data when no member has a
 * figure or one member's cannot be formed. */
static bp_money_fig ent_sum(const bp_model *m, const int *mem, size_t n, bool trust, int year,
                            bp_scenario s, const char *prefix)
{
    bp_money_fig r = {false, 0};
    if (!mem) return r;
    for (size_t i = 0; i < n; i++) {
        bp_num v;
        int64_t p;
        bp_sum_state st = bp_model_sum_state(m, mem[i], year, s, prefix, trust, &v);
        if (st == BP_SUM_NODATA) return (bp_money_fig){false, 0};
        if (st != BP_SUM_OK || !bp_num_to_pence(v, &p)) continue;
        r.ok = true;
        r.pence += p;
    }
    return r;
}

static bp_money_fig fig_sub(bp_money_fig a, bp_money_fig b)
{
    return a.ok && b.ok ? (bp_money_fig){true, a.pence - b.pence} : (bp_money_fig){false, 0};
}

static bp_money_fig line_fig(const bp_model *m, const int *mem, size_t n, bool trust, int year,
                             bp_scenario s, const char *prefix)
{
    if (strcmp(prefix, "result") == 0)
        return fig_sub(ent_sum(m, mem, n, trust, year, s, "income"),
                       ent_sum(m, mem, n, trust, year, s, "exp"));
    return ent_sum(m, mem, n, trust, year, s, prefix);
}

bp_ma_line bp_inyear_line(const bp_results *r, bp_entity e, const char *prefix)
{
    const bp_model *m = r->model;
    size_t n;
    int *mem = members_of(m, e, &n);
    bool trust = e.scope == BP_SCOPE_TRUST;
    int y = r->report_year;
    bp_ma_line l;
    l.ytd_actual = line_fig(m, mem, n, trust, y, BP_YTD_ACTUAL, prefix);
    l.ytd_budget = line_fig(m, mem, n, trust, y, BP_YTD_BUDGET, prefix);
    l.budget = line_fig(m, mem, n, trust, y, BP_BUDGET, prefix);
    l.outturn = line_fig(m, mem, n, trust, y, BP_OUTTURN, prefix);
    free(mem);
    return l;
}

static int code_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct codes of the facts that keep says yes to, sorted. */
static size_t collect(const bp_model *m, bool (*keep)(const bp_fact *, const void *),
                      const void *arg, const char ***out)
{
    const char **v = malloc((m->nfacts ? m->nfacts : 1) * sizeof *v);
    *out = v;
    if (!v) return 0;
    size_t n = 0;
    for (size_t i = 0; i < m->nfacts; i++)
        if (keep(&m->facts[i], arg)) v[n++] = m->facts[i].code;
    if (n > 1) qsort(v, n, sizeof *v, code_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)   /* interned: equal codes are one pointer */
        if (!k || v[k - 1] != v[i]) v[k++] = v[i];
    return k;
}

typedef struct {
    const bp_model *m;
    bp_entity e;
    int year;
    const char *prefix;
} code_sel;

static bool keep_code(const bp_fact *f, const void *arg)
{
    const code_sel *c = arg;
    if (f->year != c->year || !bp_code_under(f->code, c->prefix)) return false;
    if (c->e.scope == BP_SCOPE_TRUST) return !internal_code(f->code);
    if (c->e.scope == BP_SCOPE_INSTITUTION) return f->inst == c->e.entity;
    return (int)c->m->insts[f->inst].phase == c->e.entity && f->inst != c->m->central;
}

size_t bp_inyear_codes(const bp_results *r, bp_entity e, const char *prefix, const char ***codes)
{
    code_sel c = {r->model, e, r->report_year, prefix};
    return collect(r->model, keep_code, &c, codes);
}

typedef struct {
    int inst, year;
} inst_year;

static bool keep_forecast(const bp_fact *f, const void *arg)
{
    const inst_year *c = arg;
    return f->inst == c->inst && f->year == c->year && f->scenario == BP_FORECAST && f->money
           && !f->period;
}

size_t bp_inyear_forecast_codes(const bp_results *r, int inst, const char ***codes)
{
    int year;
    if (!bp_inyear_mode(r, &year, NULL)) {
        *codes = NULL;
        return 0;
    }
    inst_year c = {inst, year};
    return collect(r->model, keep_forecast, &c, codes);
}

/* A whole-year budget flow of the year: what leaves a year-to-date budget unformed (a
 * whole-year balance counts as M12 and is no gap) */
static bool keep_unprofiled(const bp_fact *f, const void *arg)
{
    const inst_year *c = arg;
    return f->inst == c->inst && f->year == c->year && f->scenario == BP_BUDGET && f->money
           && !f->period && !bp_code_is_balance(f->code);
}

size_t bp_inyear_unprofiled_codes(const bp_results *r, int inst, const char ***codes)
{
    int year;
    if (!bp_inyear_mode(r, &year, NULL)) {
        *codes = NULL;
        return 0;
    }
    inst_year c = {inst, year};
    return collect(r->model, keep_unprofiled, &c, codes);
}

unsigned bp_inyear_months_received(const bp_results *r, int inst, bool *expected)
{
    const bp_model *m = r->model;
    unsigned got = 0;
    bool exp = false;
    for (size_t i = 0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != r->report_year || !f->money) continue;
        exp = true;
        if (f->scenario == BP_ACTUAL && f->period && !bp_code_is_balance(f->code))
            got |= 1u << (f->period - 1);
    }
    if (expected) *expected = exp;
    return got;
}

const bp_cashflow *bp_inyear_cashflows(const bp_results *r, size_t *n)
{
    *n = r->ncashflows;
    return r->cashflows;
}

void bp_inyear_balance_sheet(const bp_results *r, bp_entity e, bp_balance_sheet *now,
                             bp_balance_sheet *last_year_end)
{
    const bp_model *m = r->model;
    size_t n;
    int *mem = members_of(m, e, &n);
    bool iy = bp_inyear_mode(r, NULL, NULL);
    bp_balance_make(m, mem, mem ? n : 0, r->report_year, iy ? BP_YTD_ACTUAL : BP_ACTUAL, now);
    bp_balance_make(m, mem, mem ? n : 0, r->report_year - 1, BP_ACTUAL, last_year_end);
    free(mem);
}

/* ---- variances ---- */

int bp_code_direction(const char *code)
{
    static const char *const up[] = {"income", "cash.receipts", "bs.cash", "bs.current_assets",
                                     "bs.fixed_assets", "bs.reserves", "result"};
    static const char *const down[] = {"exp", "memo", "cash.payments", "bs.current_liabilities",
                                       "bs.long_term_liabilities", "bs.borrowing", "bs.pension"};
    for (size_t i = 0; i < sizeof up / sizeof *up; i++)
        if (bp_code_under(code, up[i])) return 1;
    for (size_t i = 0; i < sizeof down / sizeof *down; i++)
        if (bp_code_under(code, down[i])) return -1;
    return 0;
}

bp_money_fig bp_variance(int dir, bp_money_fig actual, bp_money_fig budget)
{
    if (!dir || !actual.ok || !budget.ok) return (bp_money_fig){false, 0};
    return (bp_money_fig){true, dir > 0 ? actual.pence - budget.pence : budget.pence - actual.pence};
}

bp_num bp_variance_pct(bp_money_fig variance, bp_money_fig budget)
{
    if (!variance.ok || !budget.ok || budget.pence == 0) return bp_num_none();
    int64_t b = budget.pence < 0 ? -budget.pence : budget.pence;
    return bp_num_div(bp_num_pence(variance.pence), bp_num_pence(b));
}

/* How far v lies outside [lo, hi]: 0 inside. */
static bp_num outside(bp_num v, bp_num lo, bp_num hi)
{
    if (bp_num_cmp(v, lo) < 0) return bp_num_sub(lo, v);
    if (bp_num_cmp(v, hi) > 0) return bp_num_sub(v, hi);
    return bp_num_int(0);
}

bp_num bp_kpi_variance(const bp_results *r, const bp_result *actual, const bp_result *budget)
{
    if (!actual || !budget || !actual->value.ok || !budget->value.ok) return bp_num_none();
    const bp_kpi *k = &r->kpis->kpis[actual->kpi];
    bp_num a = actual->value, b = budget->value;
    if (actual->target >= 0) {
        switch (k->targets[actual->target].cmp) {
        case BP_CMP_MIN: return bp_num_sub(a, b);
        case BP_CMP_MAX: return bp_num_sub(b, a);
        case BP_CMP_BAND:
            if (!actual->lo.ok || !actual->hi.ok) return bp_num_none();
            return bp_num_sub(outside(b, actual->lo, actual->hi), outside(a, actual->lo, actual->hi));
        }
    }
    return k->higher_is_better ? bp_num_sub(a, b) : bp_num_sub(b, a);
}
