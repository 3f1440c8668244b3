/* bp_exgroup: bp_eval's exceptions, one per result, gathered into one entry per KPI and
 * entity (bp_exgroup.h). */
#include "bp_exgroup.h"

#include <stdlib.h>
#include <string.h>

/* A kept exception: its place in bp_eval's order (red first, worst first) is its rank. */
typedef struct {
    const bp_result *r;
    size_t rank;
} kept;

/* Same KPI and entity together; within them the report year's actual first, then by
 * year and scenario (budget before forecast), the order a sentence reads them in. */
static int kept_cmp(const void *pa, const void *pb)
{
    const bp_result *a = ((const kept *)pa)->r, *b = ((const kept *)pb)->r;
    if (a->kpi != b->kpi) return a->kpi < b->kpi ? -1 : 1;
    if (a->scope != b->scope) return a->scope < b->scope ? -1 : 1;
    if (a->entity != b->entity) return a->entity < b->entity ? -1 : 1;
    /* the report year's own result: its actual, or in-year its outturn (a ytd result is
     * never an exception) */
    bool aa = a->scenario == BP_ACTUAL || a->scenario == BP_OUTTURN;
    bool ba = b->scenario == BP_ACTUAL || b->scenario == BP_OUTTURN;
    if (aa != ba) return aa ? -1 : 1;
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    if (a->scenario != b->scenario) return a->scenario < b->scenario ? -1 : 1;
    return 0;
}

/* A group while ordering: the report year's tier first (0), then the plans (1); within a
 * tier by the rank of the report year's result, or of the worst plan result. */
typedef struct {
    bp_exgroup g;
    int tier;
    size_t rank;
} ordered;

static int ordered_cmp(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;
    if (a->tier != b->tier) return a->tier < b->tier ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

/* How far inside the report year's target v is (negative: outside), in the target's own
 * terms: min t: v - t; max t: t - v; band: the nearer edge; a grade's points against
 * the threshold points (a grade's target is a min). */
static bp_num inside(const bp_results *res, const bp_result *cur, bp_num v)
{
    const bp_target *t = &res->kpis->kpis[cur->kpi].targets[cur->target];
    switch (t->cmp) {
    case BP_CMP_MIN: return bp_num_sub(v, cur->lo);
    case BP_CMP_MAX: return bp_num_sub(cur->hi, v);
    case BP_CMP_BAND: {
        bp_num a = bp_num_sub(v, cur->lo), b = bp_num_sub(cur->hi, v);
        if (!a.ok || !b.ok) return bp_num_none();
        return bp_num_cmp(a, b) <= 0 ? a : b;
    }
    }
    return bp_num_none();
}

static int status_rank(bp_status s)
{
    return s == BP_STATUS_RED ? 0 : s == BP_STATUS_AMBER ? 1 : 2;
}

static bp_movement movement(const bp_results *res, const bp_exgroup *g)
{
    const bp_result *cur = g->current, *pr = g->prior;
    if (!cur) return BP_MOVE_NONE;
    if (!pr || !pr->value.ok || (pr->status != BP_STATUS_RED && pr->status != BP_STATUS_AMBER))
        return BP_MOVE_NEW;
    int a = status_rank(cur->status), b = status_rank(pr->status);
    if (a != b) return a < b ? BP_MOVE_WORSE : BP_MOVE_BETTER;
    bp_num dc = inside(res, cur, cur->value), dp = inside(res, cur, pr->value);
    if (!dc.ok || !dp.ok) return BP_MOVE_UNCHANGED;
    int c = bp_num_cmp(dc, dp);
    return c < 0 ? BP_MOVE_WORSE : c > 0 ? BP_MOVE_BETTER : BP_MOVE_UNCHANGED;
}

bool bp_action_addresses(const bp_model *m, const bp_action *a, const char *kpi,
                         bp_scope scope, int entity)
{
    bool central = a->inst == m->central;
    if (scope == BP_SCOPE_INSTITUTION ? a->inst != entity : !central) return false;
    for (size_t i = 0; i < a->nkpis; i++)
        if (strcmp(a->kpis[i], kpi) == 0) return true;
    return false;
}

/* One (KPI, institution the action belongs to) an action addresses, for a binary
 * search: an action of the centre is found by the trust's and the phases' entries. */
typedef struct {
    int kpi, inst;
    size_t action;
} link;

static int link_cmp(const void *pa, const void *pb)
{
    const link *a = pa, *b = pb;
    if (a->kpi != b->kpi) return a->kpi < b->kpi ? -1 : 1;
    if (a->inst != b->inst) return a->inst < b->inst ? -1 : 1;
    return (a->action > b->action) - (a->action < b->action);
}

typedef struct {
    const char *id;
    int k;
} kpi_id;

static int kpi_id_cmp(const void *pa, const void *pb)
{
    return strcmp(((const kpi_id *)pa)->id, ((const kpi_id *)pb)->id);
}

/* Every (KPI, institution, action) of actions.csv's kpis, sorted; the ids were checked
 * against the set when the session opened, and an id it does not have is passed over. */
static link *make_links(const bp_results *res, size_t *n)
{
    const bp_model *m = res->model;
    const bp_kpiset *s = res->kpis;
    size_t total = 0;
    for (size_t i = 0; i < m->nactions; i++) total += m->actions[i].nkpis;
    *n = 0;
    link *v = malloc((total ? total : 1) * sizeof *v);
    kpi_id *ids = malloc((s->count ? s->count : 1) * sizeof *ids);
    if (!v || !ids) {
        free(v);
        free(ids);
        return NULL;
    }
    for (size_t k = 0; k < s->count; k++) ids[k] = (kpi_id){s->kpis[k].id, (int)k};
    if (s->count > 1) qsort(ids, s->count, sizeof *ids, kpi_id_cmp);
    for (size_t i = 0; i < m->nactions; i++) {
        const bp_action *a = &m->actions[i];
        for (size_t j = 0; j < a->nkpis; j++) {
            kpi_id key = {a->kpis[j], 0};
            const kpi_id *f = s->count ? bsearch(&key, ids, s->count, sizeof *ids, kpi_id_cmp) : NULL;
            if (!f) continue;
            /* an id twice in one action's list is one link */
            bool again = false;
            for (size_t q = 0; q < j && !again; q++) again = strcmp(a->kpis[q], a->kpis[j]) == 0;
            if (!again) v[(*n)++] = (link){f->k, a->inst, i};
        }
    }
    free(ids);
    if (*n > 1) qsort(v, *n, sizeof *v, link_cmp);
    return v;
}

/* The first link at or after (kpi, inst). */
static size_t links_from(const link *v, size_t n, int kpi, int inst)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].kpi < kpi || (v[mid].kpi == kpi && v[mid].inst < inst)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bp_err bp_exgroups_make(const bp_results *res, bp_exgroup_keep keep, void *arg,
                        bp_exgroups *out)
{
    return bp_exgroups_make_among(res, NULL, res->nexceptions, keep, arg, out);
}

/* places NULL: every exception, nat of them */
bp_err bp_exgroups_make_among(const bp_results *res, const size_t *places, size_t nat,
                              bp_exgroup_keep keep, void *arg, bp_exgroups *out)
{
    memset(out, 0, sizeof *out);
    const bp_model *m = res->model;
    for (int y = res->report_year + 1; y < res->y0 + res->ny && res->kpis->count; y++)
        for (int s = BP_BUDGET; s < BP_SCENARIO_COUNT; s++)
            out->nplan[s] += bp_results_find(res, 0, BP_SCOPE_TRUST, 0, y, (bp_scenario)s) != NULL;

    size_t n = 0;
    kept *ks = malloc((nat ? nat : 1) * sizeof *ks);
    if (!ks) return BP_ERR_NOMEM;
    for (size_t j = 0; j < nat; j++) {
        size_t i = places ? places[j] : j;
        if (!keep || keep(res->exceptions[i], arg))
            ks[n++] = (kept){res->exceptions[i], i};
    }
    if (n > 1) qsort(ks, n, sizeof *ks, kept_cmp);

    size_t nlinks = 0;
    link *links = make_links(res, &nlinks);
    ordered *og = malloc((n ? n : 1) * sizeof *og);
    out->items_buf = malloc((n ? n : 1) * sizeof *out->items_buf);
    if (!links || !og || !out->items_buf) {
        free(ks);
        free(links);
        free(og);
        bp_exgroups_free(out);
        return BP_ERR_NOMEM;
    }
    size_t ng = 0, nacts = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ks[j].r->kpi == ks[i].r->kpi && ks[j].r->scope == ks[i].r->scope
               && ks[j].r->entity == ks[i].r->entity)
            j++;
        ordered *o = &og[ng++];
        memset(o, 0, sizeof *o);
        bp_exgroup *g = &o->g;
        const bp_result *first = ks[i].r;
        g->kpi = first->kpi;
        g->scope = first->scope;
        g->entity = first->entity;
        g->items = out->items_buf + i;
        g->nitems = j - i;
        g->worst = BP_STATUS_AMBER;
        o->rank = (size_t)-1;
        for (size_t q = i; q < j; q++) {
            out->items_buf[q] = ks[q].r;
            if (ks[q].r->status == BP_STATUS_RED) g->worst = BP_STATUS_RED;
            if (ks[q].rank < o->rank) o->rank = ks[q].rank;
        }
        if (first->scenario == bp_results_current(res) && first->year == res->report_year) {
            g->current = first;
            o->rank = ks[i].rank;
        }
        o->tier = g->current ? 0 : 1;
        g->actual = bp_results_find(res, g->kpi, g->scope, g->entity, res->report_year,
                                    bp_results_current(res));
        g->prior = bp_results_find(res, g->kpi, g->scope, g->entity, res->report_year - 1, BP_ACTUAL);
        g->movement = movement(res, g);
        /* the actions, counted now and pointed at once the buffer is made */
        int inst = g->scope == BP_SCOPE_INSTITUTION ? g->entity : m->central;
        for (size_t q = links_from(links, nlinks, g->kpi, inst);
             q < nlinks && links[q].kpi == g->kpi && links[q].inst == inst && inst >= 0; q++)
            g->nactions++;
        nacts += g->nactions;
        i = j;
    }
    free(ks);
    out->actions_buf = malloc((nacts ? nacts : 1) * sizeof *out->actions_buf);
    out->v = malloc((ng ? ng : 1) * sizeof *out->v);
    if (!out->actions_buf || !out->v) {
        free(links);
        free(og);
        bp_exgroups_free(out);
        return BP_ERR_NOMEM;
    }
    size_t at = 0;
    for (size_t i = 0; i < ng; i++) {
        bp_exgroup *g = &og[i].g;
        int inst = g->scope == BP_SCOPE_INSTITUTION ? g->entity : m->central;
        size_t q = links_from(links, nlinks, g->kpi, inst);
        g->actions = out->actions_buf + at;
        for (size_t k = 0; k < g->nactions; k++) out->actions_buf[at++] = links[q + k].action;
    }
    free(links);
    if (ng > 1) qsort(og, ng, sizeof *og, ordered_cmp);
    for (size_t i = 0; i < ng; i++) out->v[i] = og[i].g;
    out->n = ng;
    free(og);
    return BP_OK;
}

void bp_exgroups_free(bp_exgroups *g)
{
    free(g->v);
    free(g->items_buf);
    free(g->actions_buf);
    memset(g, 0, sizeof *g);
}

/* ---- since the last pack ---- */

int bp_exgroup_since(const bp_exgroup *g)
{
    const bp_result *lead = g->current ? g->current : g->nitems ? g->items[0] : NULL;
    return lead ? lead->movement : -1;
}

/* A cleared result to list: reported, kept, and not a phase repeating its institution. */
static bool cleared_kept(const bp_results *res, const bp_result *r, bp_exgroup_keep keep, void *arg)
{
    return r->counts && r->movement == BP_MV_CLEARED && !bp_result_repeats_institution(res, r)
           && (!keep || keep(r, arg));
}

bp_err bp_cleared_make(const bp_results *res, bp_exgroup_keep keep, void *arg, bp_cleared *out)
{
    return bp_cleared_make_among(res, NULL, res->nresults, keep, arg, out);
}

/* places NULL: every result, nat of them */
bp_err bp_cleared_make_among(const bp_results *res, const size_t *places, size_t nat,
                             bp_exgroup_keep keep, void *arg, bp_cleared *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    for (size_t j = 0; j < nat; j++) {
        const bp_result *r = &res->results[places ? places[j] : j];
        n += cleared_kept(res, r, keep, arg);
    }
    if (!n) return BP_OK;
    kept *ks = malloc(n * sizeof *ks);
    out->v = malloc(n * sizeof *out->v);
    if (!ks || !out->v) {
        free(ks);
        bp_cleared_free(out);
        return BP_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t j = 0; j < nat; j++) {
        size_t i = places ? places[j] : j;
        const bp_result *r = &res->results[i];
        if (cleared_kept(res, r, keep, arg)) ks[k++] = (kept){r, i};
    }
    if (n > 1) qsort(ks, n, sizeof *ks, kept_cmp);
    /* once a KPI and entity: the first of its run, in the order a sentence reads them */
    for (size_t i = 0; i < n; i++)
        if (!i || ks[i].r->kpi != ks[i - 1].r->kpi || ks[i].r->scope != ks[i - 1].r->scope
            || ks[i].r->entity != ks[i - 1].r->entity)
            out->v[out->n++] = ks[i].r;
    free(ks);
    return BP_OK;
}

void bp_cleared_free(bp_cleared *c)
{
    free(c->v);
    memset(c, 0, sizeof *c);
}

bp_since_counts bp_since_count(const bp_exgroups *all, const bp_cleared *c)
{
    bp_since_counts n;
    memset(&n, 0, sizeof n);
    for (size_t i = 0; i < all->n; i++) {
        int mv = bp_exgroup_since(&all->v[i]);
        if (mv >= 0 && mv <= BP_MV_UNCHANGED) n.by[mv]++;
        else n.none++;
    }
    n.by[BP_MV_CLEARED] = c ? c->n : 0;
    return n;
}

/* ---- the issues a summary names first ---- */

/* Only sums of money codes, added, subtracted or negated (with constants): income,
 * income - sum(income.internal), sum(exp.staff). */
static bool money_terms(const bp_expr *e, bool *any)
{
    if (!e) return false;
    switch (e->op) {
    case BP_E_NUM: return true;
    case BP_E_SUM:
        *any = true;
        return bp_code_is_money(e->name);
    case BP_E_NEG: return money_terms(e->a, any);
    case BP_E_ADD:
    case BP_E_SUB: return money_terms(e->a, any) && money_terms(e->b, any);
    default: return false;
    }
}

/* The lead result's money at stake (see bp_exgroup_issue), in pence. */
static bool stake_of(const bp_results *res, const bp_result *r, int64_t *pence)
{
    const bp_kpi *k = &res->kpis->kpis[r->kpi];
    if (!r->value.ok || r->target < 0) return false;
    bp_cmp cmp = k->targets[r->target].cmp;
    bp_num thr;
    if (cmp != BP_CMP_MAX && r->lo.ok && bp_num_cmp(r->value, r->lo) < 0) thr = r->lo;
    else if (cmp != BP_CMP_MIN && r->hi.ok && bp_num_cmp(r->value, r->hi) > 0) thr = r->hi;
    else return false;
    bp_num gap = bp_num_sub(r->value, thr);
    if (gap.ok && gap.num < 0) gap = bp_num_neg(gap);
    bp_num at = bp_num_none();
    if (k->unit == BP_UNIT_MONEY) {
        at = gap;
    } else if (k->expr && k->expr->op == BP_E_DIV) {
        bool any = false;
        if (!money_terms(k->expr->b, &any) || !any) return false;
        /* the denominator for the result's members, as bp_eval forms the entity */
        const bp_model *m = res->model;
        int *mem = malloc((m->ninsts ? m->ninsts : 1) * sizeof *mem);
        if (!mem) return false;
        size_t n = 0;
        const char *national = "all";
        for (size_t i = 0; i < m->ninsts; i++) {
            bool in = r->scope == BP_SCOPE_TRUST
                      || (r->scope == BP_SCOPE_INSTITUTION && (int)i == r->entity)
                      || (r->scope == BP_SCOPE_PHASE && (int)m->insts[i].phase == r->entity
                          && (int)i != m->central);
            if (in) mem[n++] = (int)i;
        }
        if (r->scope == BP_SCOPE_INSTITUTION && n) national = bp_phase_id(m->insts[mem[0]].phase);
        else if (r->scope == BP_SCOPE_PHASE) national = bp_phase_id((bp_phase)r->entity);
        bp_expr_ctx ctx = bp_kpi_ctx(res->kpis, m, mem, n, r->year, r->scenario,
                                     r->scope == BP_SCOPE_TRUST, national);
        bp_num d = n ? bp_expr_eval(k->expr->b, &ctx) : bp_num_none();
        free(mem);
        if (d.ok && d.num < 0) d = bp_num_neg(d);
        at = bp_num_mul(gap, d);
    }
    return at.ok && bp_num_to_pence(at, pence);
}

static int issue_cmp(const void *pa, const void *pb)
{
    const bp_exgroup_issue *a = pa, *b = pb;
    if (a->has_stake != b->has_stake) return a->has_stake ? -1 : 1;
    if (a->has_stake && a->stake != b->stake) return a->stake > b->stake ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

size_t bp_exgroups_issues(const bp_results *res, const bp_exgroups *all, bp_exgroup_issue *out,
                          size_t max)
{
    if (!all->n || !max) return 0;
    bp_exgroup_issue *v = malloc(all->n * sizeof *v);
    if (!v) return 0;
    /* four classes, each in turn: red then amber, the report year's before the plans';
     * all->v is already by tier and then by bp_eval's order (furthest from target first) */
    size_t n = 0;
    for (int cls = 0; cls < 4 && n < max; cls++) {
        bp_status want = cls < 2 ? BP_STATUS_RED : BP_STATUS_AMBER;
        bool current = cls % 2 == 0;
        size_t from = 0, nv = 0;
        for (size_t i = 0; i < all->n; i++) {
            const bp_exgroup *g = &all->v[i];
            if (g->worst != want || (g->current != NULL) != current) continue;
            const bp_result *lead = g->current;
            for (size_t q = 0; q < g->nitems && !lead; q++)
                if (g->items[q]->status == g->worst) lead = g->items[q];
            if (!lead) lead = g->items[0];
            v[nv].index = i;
            v[nv].lead = lead;
            v[nv].stake = 0;
            v[nv].has_stake = stake_of(res, lead, &v[nv].stake);
            nv++;
        }
        if (nv > 1) qsort(v, nv, sizeof *v, issue_cmp);
        for (; from < nv && n < max; from++) out[n++] = v[from];
    }
    free(v);
    return n;
}
