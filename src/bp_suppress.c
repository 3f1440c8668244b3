/* bp_suppress: small-number suppression of evaluated results (include/bp_suppress.h). */
#include "bp_suppress.h"

#include <stdlib.h>
#include <string.h>
#include "bp_util.h"

bool bp_suppress_small(bp_num v, int64_t max)
{
    return v.ok && bp_num_cmp(v, bp_num_int(0)) > 0 && bp_num_cmp(v, bp_num_int(max)) <= 0;
}

typedef struct {
    bp_results *r;
    bp_num *size;            /* per result: the count that orders secondary suppression */
    int *phase_members;      /* the institutions of each phase, central excluded */
    size_t phase_start[BP_PHASE_COUNT + 1];
    int *all;                /* every institution, for the trust */
} sup;

/* The expression a KPI's value is worked out from, through kpi() references (a set is
 * validated free of cycles; the bound is only a guard). */
static const bp_expr *own_expr(const bp_kpiset *s, const bp_expr *e)
{
    for (int depth = 0; e && e->op == BP_E_KPI && depth < 64; depth++)
        e = bp_kpi_lookup_expr(s, e->name);
    return e;
}

/* The context a result was evaluated in (bp_eval's entities). */
static bp_expr_ctx ctx_of(const sup *S, const bp_result *res)
{
    const bp_results *r = S->r;
    const bp_model *m = r->model;
    switch (res->scope) {
    case BP_SCOPE_INSTITUTION:
        return bp_kpi_ctx(r->kpis, m, &S->all[res->entity], 1, res->year, res->scenario, false,
                          bp_phase_id(m->insts[res->entity].phase));
    case BP_SCOPE_PHASE: {
        size_t a = S->phase_start[res->entity], b = S->phase_start[res->entity + 1];
        return bp_kpi_ctx(r->kpis, m, S->phase_members + a, b - a, res->year, res->scenario,
                          false, bp_phase_id((bp_phase)res->entity));
    }
    case BP_SCOPE_TRUST: break;
    }
    return bp_kpi_ctx(r->kpis, m, S->all, m->ninsts, res->year, res->scenario, true, "all");
}

/* Primary suppression of one result; its size for the secondary. */
static bool primary(sup *S, size_t j)
{
    const bp_results *r = S->r;
    const bp_result *res = &r->results[j];
    const bp_kpi *k = &r->kpis->kpis[res->kpi];
    const bp_expr *e = own_expr(r->kpis, k->expr);
    S->size[j] = res->value;
    if (!e || e->op != BP_E_DIV) return bp_suppress_small(res->value, r->suppress_max);
    bp_expr_ctx c = ctx_of(S, res);
    bp_num num = bp_expr_eval(e->a, &c), den = bp_expr_eval(e->b, &c);
    S->size[j] = den;
    return bp_suppress_small(num, r->suppress_max) || bp_suppress_small(den, r->suppress_max);
}

static int index_of(const bp_results *r, const bp_result *x)
{
    return x ? (int)(x - r->results) : -1;
}

/* One group: its total and parts (result indexes, -1 for none).  Suppresses one more
 * part when the total is shown and exactly one part with a value is suppressed. */
static bool protect(sup *S, int total, const int *parts, size_t n)
{
    bp_result *rs = S->r->results;
    if (total < 0 || !rs[total].value.ok || rs[total].suppressed) return false;
    size_t lone = 0;
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        int p = parts[i];
        if (p < 0 || !rs[p].value.ok) continue;
        if (rs[p].suppressed) {
            lone++;
            continue;
        }
        /* the smallest count; a part without one (no data on a side) sorts last */
        if (best < 0 || (S->size[p].ok && (!S->size[best].ok || bp_num_cmp(S->size[p], S->size[best]) < 0)))
            best = p;
    }
    if (lone != 1) return false;
    rs[best >= 0 ? best : total].suppressed = true;
    return true;
}

/* Every group of one KPI, year and scenario, given its trust result. */
static bp_err secondary(sup *S, const bp_result *trust, bool *changed)
{
    bp_results *r = S->r;
    const bp_model *m = r->model;
    int *parts = malloc((m->ninsts + BP_PHASE_COUNT + 1) * sizeof *parts);
    if (!parts) return BP_ERR_NOMEM;
    int k = trust->kpi, y = trust->year;
    bp_scenario sc = trust->scenario;
    int t = index_of(r, trust);
    /* the lowest groups first, each phase beside its institutions: a cell suppressed
     * there usually protects the trust's group too, where the smallest cell of the whole
     * trust would otherwise be taken and need another partner in its own phase */
    size_t np = 0;
    for (size_t p = 0; p < r->nphases; p++) {
        int ph = (int)r->phases[p];
        size_t a = S->phase_start[ph], b = S->phase_start[ph + 1];
        for (size_t i = a; i < b; i++)
            parts[i - a] = index_of(r, bp_results_find(r, k, BP_SCOPE_INSTITUTION,
                                                       S->phase_members[i], y, sc));
        int total = index_of(r, bp_results_find(r, k, BP_SCOPE_PHASE, ph, y, sc));
        if (protect(S, total, parts, b - a)) *changed = true;
    }
    /* the trust beside every institution, then beside the phases and the centre */
    for (size_t i = 0; i < m->ninsts; i++)
        parts[i] = index_of(r, bp_results_find(r, k, BP_SCOPE_INSTITUTION, (int)i, y, sc));
    if (protect(S, t, parts, m->ninsts)) *changed = true;
    for (size_t p = 0; p < r->nphases; p++)
        parts[np++] = index_of(r, bp_results_find(r, k, BP_SCOPE_PHASE, (int)r->phases[p], y, sc));
    if (m->central >= 0)
        parts[np++] = index_of(r, bp_results_find(r, k, BP_SCOPE_INSTITUTION, m->central, y, sc));
    if (protect(S, t, parts, np)) *changed = true;
    free(parts);
    return BP_OK;
}

static bp_err members(sup *S)
{
    const bp_model *m = S->r->model;
    size_t n = m->ninsts ? m->ninsts : 1;
    S->all = malloc(n * sizeof *S->all);
    S->phase_members = malloc(n * sizeof *S->phase_members);
    if (!S->all || !S->phase_members) return BP_ERR_NOMEM;
    size_t at = 0;
    for (int ph = 0; ph < BP_PHASE_COUNT; ph++) {
        S->phase_start[ph] = at;
        for (size_t i = 0; i < m->ninsts; i++)
            if ((int)m->insts[i].phase == ph && (int)i != m->central) S->phase_members[at++] = (int)i;
    }
    S->phase_start[BP_PHASE_COUNT] = at;
    for (size_t i = 0; i < m->ninsts; i++) S->all[i] = (int)i;
    return BP_OK;
}

static bp_err suppress(sup *S)
{
    bp_results *r = S->r;
    bp_err err = members(S);
    if (err != BP_OK) return err;
    for (size_t j = 0; j < r->nresults; j++) {
        const bp_kpi *k = &r->kpis->kpis[r->results[j].kpi];
        if (k->counts_people && k->expr && r->results[j].value.ok && primary(S, j))
            r->results[j].suppressed = true;
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t j = 0; j < r->nresults && err == BP_OK; j++) {
            const bp_result *x = &r->results[j];
            if (x->scope == BP_SCOPE_TRUST && r->kpis->kpis[x->kpi].counts_people)
                err = secondary(S, x, &changed);
        }
        if (err != BP_OK) return err;
    }
    /* withheld: no value, no status, no grade; out of the exceptions */
    for (size_t j = 0; j < r->nresults; j++) {
        bp_result *x = &r->results[j];
        if (!x->suppressed) continue;
        x->value = bp_num_none();
        x->status = BP_STATUS_NONE;
        x->grade = -1;
        /* --previous: the previous value with the movement would bound the withheld one
         * ("unchanged" against the same target is the same value) */
        x->previous_suppressed = x->has_previous;
        x->previous_value = bp_num_none();
        x->previous_status = BP_STATUS_NONE;
        x->movement = -1;
        r->nsuppressed++;
    }
    size_t kept = 0;
    for (size_t i = 0; i < r->nexceptions; i++)
        if (!r->exceptions[i]->suppressed) r->exceptions[kept++] = r->exceptions[i];
    r->nexceptions = kept;
    for (size_t i = 0; i < r->ncourses; i++) {
        bp_course_result *cr = &r->courses[i];
        cr->suppressed = bp_suppress_small(bp_num_int(r->model->courses[cr->course].students),
                                           r->suppress_max);
        r->nsuppressed += cr->suppressed;
    }
    return BP_OK;
}

bp_err bp_suppress_apply(bp_results *r)
{
    sup S;
    memset(&S, 0, sizeof S);
    S.r = r;
    r->published = true;
    r->suppress_max = r->model->suppress_max;
    S.size = malloc((r->nresults ? r->nresults : 1) * sizeof *S.size);
    bp_err err = S.size ? suppress(&S) : BP_ERR_NOMEM;
    free(S.size);
    free(S.all);
    free(S.phase_members);
    return err;
}

/* ---- a published workbook ---- */

/* The codes a KPI sums, through its kpi() references (course fields aside: not facts). */
typedef struct {
    const bp_kpiset *ks;
    bool *seen;              /* per KPI: visited */
    const char **codes;
    size_t n, cap;
    bool nomem;
} wb_codes;

static void wb_kpi(wb_codes *w, size_t i);

static void wb_visit(const bp_expr *e, void *arg)
{
    wb_codes *w = arg;
    if (e->op == BP_E_KPI) {
        int i = bp_kpi_find(w->ks, e->name);
        if (i >= 0) wb_kpi(w, (size_t)i);
        return;
    }
    if (e->op != BP_E_SUM || bp_course_field(e->name)) return;
    const char **c = bp_grow(w->codes, &w->cap, w->n + 1, sizeof *c);
    if (!c) {
        w->nomem = true;
        return;
    }
    w->codes = c;
    w->codes[w->n++] = e->name;
}

static void wb_kpi(wb_codes *w, size_t i)
{
    if (w->seen[i]) return;
    w->seen[i] = true;
    const bp_kpi *k = &w->ks->kpis[i];
    if (k->expr) bp_expr_visit(k->expr, wb_visit, w);
    for (size_t m = 0; m < k->nmeasures; m++)
        if (k->measures[m].expr) bp_expr_visit(k->measures[m].expr, wb_visit, w);
}

/* The codes of KPI i alone (from a fresh walk), or of every people KPI (i < 0). */
static void wb_collect(wb_codes *w, int i)
{
    w->n = 0;
    memset(w->seen, 0, w->ks->count * sizeof *w->seen);
    for (size_t k = 0; k < w->ks->count; k++)
        if (i < 0 ? w->ks->kpis[k].counts_people : (int)k == i) wb_kpi(w, k);
}

/* Does a code read one under another, or the other way round (a prefix sums both)? */
static bool overlaps(const char *a, const char *b)
{
    return bp_code_under(a, b) || bp_code_under(b, a);
}

bp_err bp_suppress_workbook_model(bp_model *m, const bp_kpiset *ks, bool *typed)
{
    wb_codes held = {ks, calloc(ks->count + 1, sizeof(bool)), NULL, 0, 0, false};
    wb_codes one = {ks, calloc(ks->count + 1, sizeof(bool)), NULL, 0, 0, false};
    bp_err err = held.seen && one.seen ? BP_OK : BP_ERR_NOMEM;
    if (err == BP_OK) wb_collect(&held, -1);
    for (size_t k = 0; k < ks->count && err == BP_OK && !held.nomem; k++) {
        typed[k] = ks->kpis[k].counts_people;
        wb_collect(&one, (int)k);
        for (size_t a = 0; a < one.n && !typed[k]; a++)
            for (size_t b = 0; b < held.n && !typed[k]; b++)
                typed[k] = overlaps(one.codes[a], held.codes[b]);
    }
    if (held.nomem || one.nomem) err = BP_ERR_NOMEM;
    if (err == BP_OK) {
        /* money is never suppressed (the contract), so money facts stay */
        size_t kept = 0;
        for (size_t f = 0; f < m->nfacts; f++) {
            bool drop = false;
            for (size_t b = 0; b < held.n && !drop && !m->facts[f].money; b++)
                drop = bp_code_under(m->facts[f].code, held.codes[b]);
            if (!drop) m->facts[kept++] = m->facts[f];
        }
        m->nfacts = kept;
    }
    free(held.seen);
    free(held.codes);
    free(one.seen);
    free(one.codes);
    return err;
}
