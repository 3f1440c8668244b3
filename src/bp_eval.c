/* bp_eval: evaluating a KPI set over a data set.  The expression evaluator does the
 * arithmetic; this module decides which entities, years and scenarios exist, which
 * target applies to each, and orders what the packs report. */
#include "bp_eval.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_balance.h"
#include "bp_money.h"
#include "bp_util.h"

const char *bp_scope_id(bp_scope s)
{
    switch (s) {
    case BP_SCOPE_INSTITUTION: return "institution";
    case BP_SCOPE_PHASE: return "phase";
    case BP_SCOPE_TRUST: return "trust";
    }
    return "?";
}

/* The members and evaluation settings of one entity. */
typedef struct {
    bp_scope scope;
    int entity;
    int *members;
    size_t nmembers;
    bool eliminate;
    const char *national_phase;
    bp_phase phase;          /* institution's or phase's own; BP_PHASE_COUNT for trust */
    bool central;
} ev_entity;

typedef struct {
    const bp_model *m;
    const bp_kpiset *kpis;
    ev_entity *ents;
    size_t nents, capents;
    int *member_buf;
    /* kpi() by id: the KPIs' indexes in id order, for a binary search (a KPI file may
     * hold a thousand KPIs and a result thousands of references) */
    struct kpi_id { const char *id; int k; } *by_id;
    /* kpi() values of one (year, scenario): for each KPI that is referred to (slot[k] >= 0),
     * each institution and each of the two ways a member is evaluated (for itself or
     * a phase: variant 0; for the trust, internal transfers eliminated: variant 1) */
    int *slot;
    size_t nslots;
    bp_expr_memo *memo;
} evaluator;

static int by_id_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kpi_id *)a)->id, ((const struct kpi_id *)b)->id);
}

static int find_kpi(const evaluator *ev, const char *id)
{
    size_t lo = 0, hi = ev->kpis->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ev->by_id[mid].id, id);
        if (c == 0) return ev->by_id[mid].k;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static const bp_expr *memo_lookup(void *arg, const char *id, const bp_expr_ctx *one,
                                  bp_expr_memo **memo)
{
    const evaluator *ev = arg;
    int k = find_kpi(ev, id);
    if (k < 0) return NULL;
    /* a course's own figures differ from the institution's: never remembered; nor a
     * context other than the two the results use (the benchmark phase tells) */
    int member = one->members[0];
    const char *own = one->eliminate ? "all" : bp_phase_id(ev->m->insts[member].phase);
    if (ev->slot[k] >= 0 && one->course < 0 && one->national_phase
        && strcmp(one->national_phase, own) == 0)
        *memo = &ev->memo[((size_t)ev->slot[k] * ev->m->ninsts + (size_t)member) * 2
                          + one->eliminate];
    return ev->kpis->kpis[k].expr;
}

static void mark_ref(const bp_expr *e, void *arg)
{
    evaluator *ev = arg;
    if (e->op != BP_E_KPI) return;
    int k = find_kpi(ev, e->name);
    if (k >= 0 && ev->slot[k] < 0) ev->slot[k] = (int)ev->nslots++;
}

/* The id index, and a slot for each KPI that some expression refers to. */
static bp_err prepare_kpis(evaluator *ev)
{
    const bp_kpiset *s = ev->kpis;
    size_t n = s->count ? s->count : 1;
    ev->by_id = malloc(n * sizeof *ev->by_id);
    ev->slot = malloc(n * sizeof *ev->slot);
    if (!ev->by_id || !ev->slot) return BP_ERR_NOMEM;
    for (size_t k = 0; k < s->count; k++) {
        ev->by_id[k].id = s->kpis[k].id;
        ev->by_id[k].k = (int)k;
        ev->slot[k] = -1;
    }
    /* ids are unique in a validated set; qsort must not be given a null pointer */
    if (s->count > 1) qsort(ev->by_id, s->count, sizeof *ev->by_id, by_id_cmp);
    for (size_t k = 0; k < s->count; k++) {
        const bp_kpi *kp = &s->kpis[k];
        bp_expr_visit(kp->expr, mark_ref, ev);
        for (size_t i = 0; i < kp->nmeasures; i++) bp_expr_visit(kp->measures[i].expr, mark_ref, ev);
        for (size_t i = 0; i < kp->ntargets; i++) {
            bp_expr_visit(kp->targets[i].lo, mark_ref, ev);
            bp_expr_visit(kp->targets[i].hi, mark_ref, ev);
            bp_expr_visit(kp->targets[i].when, mark_ref, ev);
        }
    }
    size_t cells = ev->nslots * ev->m->ninsts * 2;
    ev->memo = calloc(cells ? cells : 1, sizeof *ev->memo);
    return ev->memo ? BP_OK : BP_ERR_NOMEM;
}

static bp_expr_ctx make_ctx(evaluator *ev, const ev_entity *e, int year, bp_scenario s)
{
    bp_expr_ctx c = bp_kpi_ctx(ev->kpis, ev->m, e->members, e->nmembers, year, s, e->eliminate,
                               e->national_phase);
    c.kpi_memo = memo_lookup;
    c.kpi_memo_arg = ev;
    c.phase = e->scope == BP_SCOPE_PHASE;
    return c;
}

bool bp_target_applies(const bp_target *t, bp_scope scope, bp_phase phase, bool central,
                       int year, bp_scenario s)
{
    if (t->scopes == BP_SCOPE_F_COURSE) return false;
    unsigned scopes = t->scopes ? t->scopes
                                : (BP_SCOPE_F_INSTITUTION | BP_SCOPE_F_PHASE | BP_SCOPE_F_TRUST);
    if (t->from_year && year < t->from_year) return false;
    /* in-year figures are judged as what they stand for: the outturn and the year to date
     * as actuals, the budget to date as a budget */
    if (t->scenarios && !(t->scenarios & (1u << bp_scenario_base(s)))) return false;
    switch (scope) {
    case BP_SCOPE_INSTITUTION:
        if (!(scopes & BP_SCOPE_F_INSTITUTION) || central) return false;
        return !t->phases || (t->phases & (1u << phase));
    case BP_SCOPE_PHASE:
        if (!(scopes & BP_SCOPE_F_PHASE)) return false;
        return !t->phases || (t->phases & (1u << phase));
    case BP_SCOPE_TRUST:
        /* A target that names phases is about those phases, not the whole trust,
         * unless it names the trust scope explicitly. */
        if (!(scopes & BP_SCOPE_F_TRUST)) return false;
        return !t->phases || t->scopes;
    }
    return false;
}

static bool condition_holds(const bp_target *t, const bp_expr_ctx *c)
{
    if (!t->when) return true;
    bp_num v = bp_expr_eval(t->when, c);
    return v.ok && !bp_num_is_zero(v);
}

/* cash_min's target is the contract's: min A, amber 0..A (0 exactly amber), red below
 * 0, where A is the cash flow's average month of payments - a threshold of each entity's
 * own, which a KPI file cannot state.  The KPI file's target says where it applies. */
static void decide_cash_min(bp_result *r, const bp_expr_ctx *c)
{
    /* no cash flow (another year or scenario, or none of the entity's): no target */
    if (!r->value.ok) {
        r->target = -1;
        r->lo = r->hi = bp_num_none();
        r->status = BP_STATUS_NONE;
        return;
    }
    bp_cashflow cf;
    bp_cashflow_make(c->model, c->eliminate ? -1 : c->members[0], r->year, &cf);
    r->lo = cf.avg_payments;
    if (!r->lo.ok) {
        r->status = BP_STATUS_NONE;
        return;
    }
    r->status = bp_num_cmp(r->value, r->lo) >= 0 ? BP_STATUS_GREEN
                : bp_num_cmp(r->value, bp_num_int(0)) >= 0 ? BP_STATUS_AMBER : BP_STATUS_RED;
}

static void decide(const bp_kpi *k, bp_result *r, const bp_expr_ctx *c, const ev_entity *e)
{
    r->target = -1;
    r->status = BP_STATUS_NONE;
    r->lo = r->hi = bp_num_none();
    for (size_t i = 0; i < k->ntargets; i++) {
        const bp_target *t = &k->targets[i];
        if (!bp_target_applies(t, e->scope, e->phase, e->central, r->year, r->scenario)
            || !condition_holds(t, c))
            continue;
        r->target = (int)i;
        r->lo = t->lo ? bp_expr_eval(t->lo, c) : bp_num_none();
        r->hi = t->hi ? bp_expr_eval(t->hi, c) : bp_num_none();
        r->status = bp_target_decide(t, r->value, r->lo, r->hi);
        if (bp_kpi_is_cash_min(k)) decide_cash_min(r, c);
        return;
    }
}

/* The measures and points of a result that is not a grade's: zeros, as they were when
 * every result held its own. */
static const bp_num no_measures[BP_MAX_MEASURES];

/* parts: the result's BP_MAX_MEASURES measures then as many points, zeroed. */
static void eval_grade(const bp_kpi *k, bp_result *r, bp_num *parts, const bp_expr_ctx *c)
{
    bp_num total = bp_num_int(0);
    bp_num *measure = parts, *points = parts + BP_MAX_MEASURES;
    r->measure = measure;
    r->points = points;
    for (size_t i = 0; i < k->nmeasures && i < BP_MAX_MEASURES; i++) {
        measure[i] = bp_expr_eval(k->measures[i].expr, c);
        points[i] = measure[i].ok ? bp_measure_points(&k->measures[i], measure[i])
                                  : bp_num_none();
        total = bp_num_add(total, points[i]);
    }
    r->value = k->nmeasures ? total : bp_num_none();
    r->grade = r->value.ok ? bp_grade_band_of(k, r->value) : -1;
}

static int add_entity(evaluator *ev, ev_entity e)
{
    ev_entity *n = bp_grow(ev->ents, &ev->capents, ev->nents + 1, sizeof *n);
    if (!n) return -1;
    ev->ents = n;
    ev->ents[ev->nents++] = e;
    return 0;
}

static bp_err build_entities(evaluator *ev, bp_results *out)
{
    const bp_model *m = ev->m;
    /* One buffer holds every member list: n institutions, then phases, then the trust. */
    ev->member_buf = malloc((3 * m->ninsts + 1) * sizeof(int));
    if (!ev->member_buf) return BP_ERR_NOMEM;
    int *p = ev->member_buf;
    for (size_t i = 0; i < m->ninsts; i++) {
        ev_entity e = {BP_SCOPE_INSTITUTION, (int)i, p, 1, false,
                    bp_phase_id(m->insts[i].phase), m->insts[i].phase,
                    (int)i == m->central};
        *p++ = (int)i;
        if (add_entity(ev, e)) return BP_ERR_NOMEM;
    }
    for (int ph = 0; ph < BP_PHASE_CENTRAL; ph++) {
        int *start = p;
        for (size_t i = 0; i < m->ninsts; i++)
            if ((int)m->insts[i].phase == ph && (int)i != m->central) *p++ = (int)i;
        if (p == start) continue;
        out->phases[out->nphases++] = (bp_phase)ph;
        ev_entity e = {BP_SCOPE_PHASE, ph, start, (size_t)(p - start), false, bp_phase_id((bp_phase)ph),
                    (bp_phase)ph, false};
        if (add_entity(ev, e)) return BP_ERR_NOMEM;
    }
    int *start = p;
    for (size_t i = 0; i < m->ninsts; i++) *p++ = (int)i;
    ev_entity e = {BP_SCOPE_TRUST, 0, start, m->ninsts, true, "all", BP_PHASE_COUNT, false};
    if (add_entity(ev, e)) return BP_ERR_NOMEM;
    return BP_OK;
}

/* Which (year, scenario) pairs exist: those with any whole-year figure, plus course
 * years (in in-year mode the report year's courses are its year to date and outturn: it
 * has no actual). */
static void present_pairs(const bp_model *m, bool present[][BP_SCENARIO_COUNT], int y0, int ny)
{
    const bp_fact *fs = m->totals ? m->totals : m->facts;
    size_t n = m->totals ? m->ntotals : m->nfacts;
    for (size_t i = 0; i < n; i++) {
        int y = fs[i].year - y0;
        if (y >= 0 && y < ny) present[y][fs[i].scenario] = true;
    }
    for (size_t i = 0; i < m->ncourses; i++) {
        int y = m->courses[i].year - y0;
        if (y < 0 || y >= ny) continue;
        if (m->inyear && m->courses[i].year == m->inyear)
            present[y][BP_YTD_ACTUAL] = present[y][BP_OUTTURN] = true;
        else
            present[y][BP_ACTUAL] = true;
    }
}

/* In in-year mode the report year's outturn takes the place of its actual; its year to
 * date (actual and budget) is shown beside it but never reported. */
static bool in_window(const bp_model *m, int report_year, int year, bp_scenario s)
{
    if (year == report_year && m->inyear == year) return s == BP_OUTTURN;
    if (s == BP_ACTUAL) return year == report_year;
    if (s == BP_BUDGET || s == BP_FORECAST) return year > report_year;
    return false;
}

/* Institutions first, then the phases, then the trust: one slot per possible entity. */
static size_t entity_slot(const bp_model *m, bp_scope scope, int entity)
{
    switch (scope) {
    case BP_SCOPE_INSTITUTION: return (size_t)entity;
    case BP_SCOPE_PHASE: return m->ninsts + (size_t)entity;
    case BP_SCOPE_TRUST: break;
    }
    return m->ninsts + BP_PHASE_COUNT;
}

static size_t index_size(const bp_results *r)
{
    return r->kpis->count * (r->model->ninsts + BP_PHASE_COUNT + 1) * (size_t)r->ny * BP_SCENARIO_COUNT;
}

static size_t index_of(const bp_results *r, int kpi, bp_scope scope, int entity, int year,
                       bp_scenario s)
{
    size_t nent = r->model->ninsts + BP_PHASE_COUNT + 1;
    return (((size_t)kpi * nent + entity_slot(r->model, scope, entity)) * (size_t)r->ny
            + (size_t)(year - r->y0)) * BP_SCENARIO_COUNT + (size_t)s;
}

/* The results stand in KPI, entity, year, scenario order, but are worked out one
 * (year, scenario) at a time: the kpi() values remembered for it serve every KPI and
 * entity, and are forgotten before the next. */
static bp_err eval_results(evaluator *ev, bp_results *out, int y0, int ny,
                           bool present[][BP_SCENARIO_COUNT])
{
    out->y0 = y0;
    out->ny = ny;
    size_t isize = index_size(out);
    out->index = malloc((isize ? isize : 1) * sizeof *out->index);
    if (!out->index) return BP_ERR_NOMEM;
    for (size_t i = 0; i < isize; i++) out->index[i] = -1;
    size_t np = 0;
    for (int y = 0; y < ny; y++)
        for (int s = 0; s < BP_SCENARIO_COUNT; s++) np += present[y][s];
    size_t per_kpi = ev->nents * np, n = ev->kpis->count * per_kpi;
    if (n && (per_kpi > SIZE_MAX / ev->kpis->count || n > SIZE_MAX / sizeof(bp_result)))
        return BP_ERR_NOMEM;
    out->results = calloc(n ? n : 1, sizeof(bp_result));
    if (!out->results) return BP_ERR_NOMEM;
    out->nresults = n;
    /* per grade KPI, in KPI order: its results' measures and points */
    size_t ngrades = 0;
    size_t *grade_of = malloc((ev->kpis->count ? ev->kpis->count : 1) * sizeof *grade_of);
    if (!grade_of) return BP_ERR_NOMEM;
    for (size_t k = 0; k < ev->kpis->count; k++)
        grade_of[k] = ev->kpis->kpis[k].expr ? SIZE_MAX : ngrades++;
    size_t nparts = ngrades * per_kpi * 2 * BP_MAX_MEASURES;
    out->grade_parts = calloc(nparts ? nparts : 1, sizeof *out->grade_parts);
    if (!out->grade_parts) {
        free(grade_of);
        return BP_ERR_NOMEM;
    }
    size_t p = 0;
    for (int y = 0; y < ny; y++) {
        for (int s = 0; s < BP_SCENARIO_COUNT; s++) {
            if (!present[y][s]) continue;
            memset(ev->memo, 0, ev->nslots * ev->m->ninsts * 2 * sizeof *ev->memo);
            for (size_t k = 0; k < ev->kpis->count; k++) {
                const bp_kpi *kp = &ev->kpis->kpis[k];
                for (size_t e = 0; e < ev->nents; e++) {
                    const ev_entity *en = &ev->ents[e];
                    size_t at = k * per_kpi + e * np + p;
                    bp_result *r = &out->results[at];
                    r->kpi = (int)k;
                    r->scope = en->scope;
                    r->entity = en->entity;
                    r->year = y0 + y;
                    r->scenario = (bp_scenario)s;
                    out->index[index_of(out, r->kpi, r->scope, r->entity, r->year, r->scenario)] =
                        (int)at;
                    r->grade = -1;
                    r->movement = -1;
                    r->counts = in_window(ev->m, out->report_year, r->year, r->scenario);
                    bp_expr_ctx c = make_ctx(ev, en, r->year, r->scenario);
                    r->measure = r->points = no_measures;
                    if (kp->expr) r->value = bp_expr_eval(kp->expr, &c);
                    else
                        eval_grade(kp, r,
                                   out->grade_parts + (grade_of[k] * per_kpi + e * np + p)
                                                          * 2 * BP_MAX_MEASURES,
                                   &c);
                    decide(kp, r, &c, en);
                }
            }
            p++;
        }
    }
    free(grade_of);
    /* cash_min is the cash flow of the year reported only (contract v2: its scenario the
     * outturn in-year, the actual in annual mode; "only for Y"): its rows of other years
     * and scenarios are dropped, not left as null rows, and the index follows */
    size_t kept = 0;
    for (size_t i = 0; i < out->nresults; i++) {
        bp_result *r = &out->results[i];
        size_t slot = index_of(out, r->kpi, r->scope, r->entity, r->year, r->scenario);
        if (bp_kpi_is_cash_min(&ev->kpis->kpis[r->kpi])
            && !(r->year == out->report_year && r->counts)) {
            out->index[slot] = -1;
            continue;
        }
        if (kept != i) out->results[kept] = *r;
        out->index[slot] = (int)kept++;
    }
    out->nresults = kept;
    return BP_OK;
}

static bp_err eval_courses(evaluator *ev, bp_results *out)
{
    const bp_model *m = ev->m;
    size_t cap = 0;
    for (size_t k = 0; k < ev->kpis->count; k++) {
        const bp_kpi *kp = &ev->kpis->kpis[k];
        int ti = -1;
        for (size_t t = 0; t < kp->ntargets; t++)
            if (kp->targets[t].scopes & BP_SCOPE_F_COURSE) { ti = (int)t; break; }
        if (ti < 0 || !kp->expr) continue;
        const bp_target *t = &kp->targets[ti];
        for (size_t ci = 0; ci < m->ncourses; ci++) {
            const bp_course *co = &m->courses[ci];
            bp_course_result *cs = bp_grow(out->courses, &cap, out->ncourses + 1, sizeof *cs);
            if (!cs) return BP_ERR_NOMEM;
            out->courses = cs;
            bp_course_result *cr = &out->courses[out->ncourses++];
            int member = co->inst;
            bp_expr_ctx c = bp_kpi_ctx(ev->kpis, m, &member, 1, co->year, BP_ACTUAL, false,
                                       bp_phase_id(m->insts[co->inst].phase));
            c.course = (int)ci;
            cr->kpi = (int)k;
            cr->course = (int)ci;
            cr->suppressed = false;      /* bp_suppress's, for build --publish */
            cr->value = bp_expr_eval(kp->expr, &c);
            cr->target = ti;
            cr->lo = t->lo ? bp_expr_eval(t->lo, &c) : bp_num_none();
            cr->hi = t->hi ? bp_expr_eval(t->hi, &c) : bp_num_none();
            bool applies = !co->minority && (!t->from_year || co->year >= t->from_year)
                           && (!t->phases || (t->phases & (1u << m->insts[co->inst].phase)));
            cr->status = applies ? bp_target_decide(t, cr->value, cr->lo, cr->hi) : BP_STATUS_NONE;
        }
    }
    return BP_OK;
}

/* Largest remainder first, ties to the earlier line; a remainder that could not be formed
 * (overflow) after every other. */
static int remainder_cmp(size_t i, size_t j, const void *ctx)
{
    const bp_num *a = (const bp_num *)ctx + i, *b = (const bp_num *)ctx + j;
    if (a->ok != b->ok) return a->ok ? -1 : 1;
    int c = a->ok ? bp_num_cmp(*b, *a) : 0;
    if (c) return c;
    return i < j ? -1 : i > j;
}

bp_err bp_remainder_order(const bp_num *rem, size_t n, size_t *order)
{
    /* sorted once (n log n), where picking the largest remainder for each penny left over
     * took n passes over n lines in a trust of a thousand institutions */
    for (size_t i = 0; i < n; i++) order[i] = i;
    return bp_sort_indexes(order, n, remainder_cmp, rem) ? BP_OK : BP_ERR_NOMEM;
}

bp_err bp_allocate_pence(int64_t total, const bp_num *weights, size_t n, int64_t *shares)
{
    bp_num sum = bp_num_int(0);
    for (size_t i = 0; i < n; i++) sum = bp_num_add(sum, weights[i]);
    if (!sum.ok || bp_num_cmp(sum, bp_num_int(0)) <= 0) return BP_ERR_DATA;
    bp_num *rem = malloc((n ? n : 1) * sizeof *rem);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!rem || !order) {
        free(rem);
        free(order);
        return BP_ERR_NOMEM;
    }
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        bp_num exact = bp_num_div(bp_num_mul(bp_num_int(total), weights[i]), sum);
        if (!exact.ok) {
            free(rem);
            free(order);
            return BP_ERR_DATA;
        }
        /* floor, for totals of either sign */
        bp_i128 q = exact.num / exact.den;
        if (exact.num < 0 && exact.num % exact.den) q -= 1;
        shares[i] = (int64_t)q;
        rem[i] = bp_num_sub(exact, bp_num_int(shares[i]));
        given += shares[i];
    }
    /* Hand out the pence left over, one each, largest remainder first; ties go to the
     * earlier line, and a remainder that could not be formed gets none. */
    bp_err err = bp_remainder_order(rem, n, order);
    for (size_t k = 0; err == BP_OK && k < n && total - given > 0 && rem[order[k]].ok; k++) {
        shares[order[k]]++;
        given++;
    }
    free(rem);
    free(order);
    return err;
}

static bp_err eval_charges(evaluator *ev, bp_results *out, int y0, int ny,
                           bool present[][BP_SCENARIO_COUNT], bp_diags *diags)
{
    const bp_model *m = ev->m;
    if (m->central < 0) return BP_OK;
    size_t cap = out->ncharges;   /* room known to be there */
    for (int y = 0; y < ny; y++)
        for (int s = 0; s < BP_SCENARIO_COUNT; s++) {
            /* in-year: shared on the outturn, the year to date beside it; a budget to date
             * is not a charge anyone pays */
            if (!present[y][s] || s == BP_YTD_BUDGET) continue;
            int year = y0 + y;
            bp_num total;
            if (!bp_model_sum(m, m->central, year, (bp_scenario)s, "exp", true, &total)) continue;
            int64_t total_p;
            if (!bp_num_to_pence(total, &total_p)) continue;
            bp_charge ch;
            memset(&ch, 0, sizeof ch);
            ch.year = year;
            ch.scenario = (bp_scenario)s;
            ch.total = total_p;
            ch.lines = calloc(m->ninsts ? m->ninsts : 1, sizeof *ch.lines);
            bp_num *w = calloc(m->ninsts ? m->ninsts : 1, sizeof *w);
            int64_t *sh = calloc(m->ninsts ? m->ninsts : 1, sizeof *sh);
            if (!ch.lines || !w || !sh) {
                free(ch.lines); free(w); free(sh);
                return BP_ERR_NOMEM;
            }
            for (size_t i = 0; i < m->ninsts; i++) {
                if ((int)i == m->central) continue;
                bp_charge_line *l = &ch.lines[ch.nlines];
                l->inst = (int)i;
                bp_num roll;
                /* Budgets and forecasts often carry no pupil numbers: use the year's actual
                 * (in-year, the report year's actual is its outturn) */
                bp_scenario own = year == m->inyear ? BP_OUTTURN : BP_ACTUAL;
                l->has_roll = bp_model_sum(m, (int)i, year, (bp_scenario)s, "students.on_roll", false, &roll)
                              || bp_model_sum(m, (int)i, year, own, "students.on_roll", false, &roll);
                if (!l->has_roll) roll = bp_num_int(0);
                l->weighted = bp_num_mul(roll, m->weight[m->insts[i].phase]);
                bp_num charged;
                if (bp_model_sum(m, (int)i, year, (bp_scenario)s, "exp.internal", false, &charged))
                    l->has_charged = bp_num_to_pence(charged, &l->charged);
                w[ch.nlines] = l->weighted;
                ch.nlines++;
            }
            char yb[16];
            bp_year_format(year, yb, sizeof yb);
            bp_err err = bp_allocate_pence(total_p, w, ch.nlines, sh);
            if (err == BP_OK) {
                ch.shared = true;
                for (size_t i = 0; i < ch.nlines; i++) ch.lines[i].share = sh[i];
            } else if (err == BP_ERR_DATA) {
                bp_diag_add(diags, BP_DIAG_WARNING, "students.csv", 0, 0,
                            "central charge for %s %s not allocated: no pupils on roll", yb,
                            bp_scenario_id((bp_scenario)s));
                bp_diag_mark_plain(diags);
            }
            free(w);
            free(sh);
            if (err == BP_ERR_NOMEM) {
                free(ch.lines);
                return err;
            }
            bp_charge *n = bp_grow(out->charges, &cap, out->ncharges + 1, sizeof *n);
            if (!n) {
                free(ch.lines);
                return BP_ERR_NOMEM;
            }
            out->charges = n;
            out->charges[out->ncharges++] = ch;
        }
    return BP_OK;
}

/* Consolidation eliminates internal transfers; if the two sides differ the trust's
 * figures are misstated by the difference, which the finance team must see: a warning,
 * and the year kept in out->unreconciled for the packs to say so where it bites. */
static bp_err check_reconciliation(const bp_model *m, int y0, int ny,
                                   bool present[][BP_SCENARIO_COUNT], bp_results *out,
                                   bp_diags *diags)
{
    size_t cap = 0;
    for (int y = 0; y < ny; y++)
        for (int s = 0; s < BP_SCENARIO_COUNT; s++) {
            if (!present[y][s]) continue;
            /* in-year, the report year reconciles over the months closed (M01..period):
             * its year to date, actual and budget, not its whole-year plans */
            if (m->inyear && y0 + y == m->inyear && s != BP_YTD_ACTUAL && s != BP_YTD_BUDGET)
                continue;
            int64_t in = 0, ex = 0;
            bool any = false;
            for (size_t i = 0; i < m->ninsts; i++) {
                bp_num v;
                int64_t p;
                if (bp_model_sum(m, (int)i, y0 + y, (bp_scenario)s, "income.internal", false, &v)
                    && bp_num_to_pence(v, &p)) { in += p; any = true; }
                if (bp_model_sum(m, (int)i, y0 + y, (bp_scenario)s, "exp.internal", false, &v)
                    && bp_num_to_pence(v, &p)) { ex += p; any = true; }
            }
            if (!any || in == ex) continue;
            bp_unreconciled *n = bp_grow(out->unreconciled, &cap, out->nunreconciled + 1, sizeof *n);
            if (!n) return BP_ERR_NOMEM;
            out->unreconciled = n;
            out->unreconciled[out->nunreconciled++] = (bp_unreconciled){y0 + y, (bp_scenario)s, in, ex};
            char yb[16], a[40], b[40], d[40];
            bp_year_format(y0 + y, yb, sizeof yb);
            bp_money_format(in, true, a, sizeof a);
            bp_money_format(ex, true, b, sizeof b);
            bp_money_format(in - ex, true, d, sizeof d);
            bp_diag_add(diags, BP_DIAG_WARNING, "finance.csv", 0, 0,
                        "internal transfers do not reconcile for %s %s: income.internal %s, "
                        "exp.internal %s, difference %s",
                        yb, bp_scenario_id((bp_scenario)s), a, b, d);
            bp_diag_mark_plain(diags);
        }
    return BP_OK;
}

/* The cash flows of the year reported, and a warning for each actual month whose bs.cash
 * differs from opening + receipts - payments (the cash does not reconcile). */
static bp_err eval_cashflows(const bp_model *m, int year, bp_results *out, bp_diags *diags)
{
    size_t n = 0;
    for (size_t i = 0; i < m->ninsts; i++) n += bp_cashflow_has(m, (int)i, year);
    if (!n) return BP_OK;
    out->cashflows = calloc(n + 1, sizeof *out->cashflows);
    if (!out->cashflows) return BP_ERR_NOMEM;
    for (size_t i = 0; i < m->ninsts; i++)
        if (bp_cashflow_has(m, (int)i, year))
            bp_cashflow_make(m, (int)i, year, &out->cashflows[out->ncashflows++]);
    bp_cashflow_make(m, -1, year, &out->cashflows[out->ncashflows++]);
    char yb[16];
    bp_year_format(year, yb, sizeof yb);
    for (size_t i = 0; i < out->ncashflows; i++) {
        const bp_cashflow *cf = &out->cashflows[i];
        for (int k = 1; k <= 12; k++) {
            const bp_cash_month *mo = &cf->months[k - 1];
            if (!mo->ok || !mo->has_balance || !mo->difference) continue;
            char mb[8], a[40], b[40], d[40];
            bp_month_format(k, mb, sizeof mb);
            bp_money_format(mo->closing, true, a, sizeof a);
            bp_money_format(mo->closing - mo->difference, true, b, sizeof b);
            bp_money_format(mo->difference, true, d, sizeof d);
            bp_diag_add(diags, BP_DIAG_WARNING, "finance.csv", 0, 0,
                        "cash does not reconcile for %s %s %s: bs.cash %s, opening + receipts - "
                        "payments %s, difference %s", cf->inst < 0 ? "the trust" : m->insts[cf->inst].id,
                        yb, mb, a, b, d);
        }
    }
    return BP_OK;
}

/* The balance sheets shown - at the period end (annual: the year end) and at the previous
 * year end - of the trust and each institution with FA, CA, CL and reserves: net assets
 * different from funds is a reconciliation warning. */
static bp_err warn_balance(const bp_model *m, int year, bp_diags *diags)
{
    int *all = malloc((m->ninsts ? m->ninsts : 1) * sizeof *all);
    if (!all) return BP_ERR_NOMEM;
    for (size_t i = 0; i < m->ninsts; i++) all[i] = (int)i;
    for (int back = 0; back < 2; back++) {
        int y = year - back;
        bp_scenario s = back == 0 && m->inyear == year ? BP_YTD_ACTUAL : BP_ACTUAL;
        char at[48], yb[16];
        bp_year_format(y, yb, sizeof yb);
        if (s == BP_YTD_ACTUAL) {
            char mb[8];
            bp_month_format(m->period, mb, sizeof mb);
            snprintf(at, sizeof at, "at %s %s", yb, mb);
        } else {
            snprintf(at, sizeof at, "at the end of %s", yb);
        }
        for (int i = 0; i <= (int)m->ninsts; i++) {
            int inst = i < (int)m->ninsts ? i : -1;
            bp_balance_sheet bs;
            if (inst >= 0) bp_balance_make(m, &all[inst], 1, y, s, &bs);
            else bp_balance_make(m, all, m->ninsts, y, s, &bs);
            if (!bs.checked || !bs.difference) continue;
            char a[40], b[40], d[40];
            bp_money_format(bs.line[BP_BS_NET_ASSETS].pence, true, a, sizeof a);
            bp_money_format(bs.line[BP_BS_FUNDS].pence, true, b, sizeof b);
            bp_money_format(bs.difference, true, d, sizeof d);
            bp_diag_add(diags, BP_DIAG_WARNING, "finance.csv", 0, 0,
                        "balance sheet of %s %s does not balance: net assets %s, funds "
                        "(bs.reserves) %s, difference %s",
                        inst < 0 ? "the trust" : m->insts[inst].id, at, a, b, d);
        }
    }
    free(all);
    return BP_OK;
}

bool bp_lacks_plan(const bp_model *m, int inst, int report_year, int year)
{
    bp_num v;
    if (bp_model_sum(m, inst, year, BP_BUDGET, "income", false, &v)
        || bp_model_sum(m, inst, year, BP_FORECAST, "income", false, &v))
        return false;
    for (int s = 0; s < BP_SCENARIO_COUNT; s++)
        if (bp_model_sum(m, inst, report_year, (bp_scenario)s, "income", false, &v)) return true;
    return false;
}

/* The plan expects budgets or forecasts for the three years after the report year: one
 * warning per year naming every institution with finance data that has neither. */
static void check_forecasts(const bp_model *m, int report_year, bp_diags *diags)
{
    for (int y = report_year + 1; y <= report_year + 3; y++) {
        char list[512] = "";
        size_t len = 0, missing = 0;
        for (size_t i = 0; i < m->ninsts; i++) {
            if (!bp_lacks_plan(m, (int)i, report_year, y)) continue;
            if (len < sizeof list - 1) {
                int n = snprintf(list + len, sizeof list - len, "%s%s", missing ? ", " : "",
                                 m->insts[i].id);
                if (n > 0) len += (size_t)n;
            }
            missing++;
        }
        if (!missing) continue;
        char yb[16];
        bp_year_format(y, yb, sizeof yb);
        bp_diag_add(diags, BP_DIAG_WARNING, "finance.csv", 0, 0,
                    "no budget or forecast income for %s: %s", yb, list);
        bp_diag_mark_plain(diags);
    }
}

/* Commentary is shown beside the exceptions, which are of the report year's actuals and
 * the later years' budgets and forecasts: a comment on any other year would be read by
 * no one, so it is a warning at its row rather than silently unused. */
static bp_err check_commentary(const bp_model *m, int report_year, int y0, int ny,
                               bool present[][BP_SCENARIO_COUNT], bp_results *out,
                               bp_diags *diags)
{
    out->comment_shown = calloc(m->ncomments ? m->ncomments : 1, sizeof *out->comment_shown);
    if (!out->comment_shown) return BP_ERR_NOMEM;
    for (size_t i = 0; i < m->ncomments; i++) {
        const bp_comment *c = &m->comments[i];
        int y = c->year - y0;
        bool later = c->year > report_year && y < ny
                     && (present[y][BP_BUDGET] || present[y][BP_FORECAST]);
        out->comment_shown[i] = c->year == report_year || later;
        if (out->comment_shown[i]) continue;
        char yb[16], rb[16];
        bp_year_format(c->year, yb, sizeof yb);
        bp_year_format(report_year, rb, sizeof rb);
        bp_diag_add(diags, BP_DIAG_WARNING, "commentary.csv", c->line, c->column,
                    "found commentary on %s, a year the packs do not show (they show %s and "
                    "the budgets and forecasts after it): not used", yb, rb);
        bp_diag_mark_plain(diags);
    }
    return BP_OK;
}

bp_scenario bp_results_current(const bp_results *r)
{
    return r->model && r->model->inyear && r->model->inyear == r->report_year ? BP_OUTTURN
                                                                              : BP_ACTUAL;
}

const bp_result *bp_results_find(const bp_results *r, int kpi, bp_scope scope, int entity,
                                 int year, bp_scenario scenario)
{
    if (!r->index || kpi < 0 || (size_t)kpi >= r->kpis->count || year < r->y0
        || year >= r->y0 + r->ny || (int)scenario < 0 || scenario >= BP_SCENARIO_COUNT || entity < 0)
        return NULL;
    if ((scope == BP_SCOPE_INSTITUTION && (size_t)entity >= r->model->ninsts)
        || (scope == BP_SCOPE_PHASE && entity >= BP_PHASE_COUNT))
        return NULL;
    int i = r->index[index_of(r, kpi, scope, entity, year, scenario)];
    return i < 0 ? NULL : &r->results[i];
}

const char *bp_result_entity_name(const bp_results *r, const bp_result *res)
{
    switch (res->scope) {
    case BP_SCOPE_INSTITUTION: return r->model->insts[res->entity].name;
    case BP_SCOPE_PHASE: return bp_phase_title((bp_phase)res->entity);
    case BP_SCOPE_TRUST: return r->model->name;
    }
    return "?";
}

const char *bp_result_entity_id(const bp_results *r, const bp_result *res)
{
    switch (res->scope) {
    case BP_SCOPE_INSTITUTION: return r->model->insts[res->entity].id;
    case BP_SCOPE_PHASE: return bp_phase_id((bp_phase)res->entity);
    case BP_SCOPE_TRUST: return "trust";
    }
    return "?";
}

double bp_result_severity(const bp_results *r, const bp_result *res)
{
    if (res->target < 0 || !res->value.ok) return 0;
    const bp_target *t = &r->kpis->kpis[res->kpi].targets[res->target];
    double v = bp_num_to_double(res->value);
    double lo = res->lo.ok ? bp_num_to_double(res->lo) : 0;
    double hi = res->hi.ok ? bp_num_to_double(res->hi) : 0;
    double gap = 0, scale = 1;
    switch (t->cmp) {
    case BP_CMP_MIN: gap = lo - v; scale = fabs(lo); break;
    case BP_CMP_MAX: gap = v - hi; scale = fabs(hi); break;
    case BP_CMP_BAND:
        gap = v < lo ? lo - v : v - hi;
        scale = fabs(hi - lo) > 0 ? fabs(hi - lo) : fabs(hi);
        break;
    }
    if (scale == 0) scale = 1;
    return gap / scale;
}

typedef struct {
    const bp_result *r;
    double severity;
} ranked;

static int exception_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->r->status != b->r->status) return a->r->status == BP_STATUS_RED ? -1 : 1;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    /* Reproducible: fall back to the results' own order. */
    return a->r < b->r ? -1 : a->r > b->r;
}

/* A phase of one institution repeats that institution's figure: listing it again would
 * only make the board read the same exception twice. */
bool bp_result_repeats_institution(const bp_results *out, const bp_result *x)
{
    if (x->scope != BP_SCOPE_PHASE) return false;
    const bp_model *m = out->model;
    int only = -1;
    for (size_t i = 0; i < m->ninsts; i++) {
        if ((int)i == m->central || (int)m->insts[i].phase != x->entity) continue;
        if (only >= 0) return false;
        only = (int)i;
    }
    if (only < 0) return false;
    const bp_result *in = bp_results_find(out, x->kpi, BP_SCOPE_INSTITUTION, only, x->year,
                                          x->scenario);
    return in && in->status == x->status && in->target == x->target;
}

static bool is_exception(const bp_results *out, const bp_result *x)
{
    return x->counts && (x->status == BP_STATUS_RED || x->status == BP_STATUS_AMBER)
           && !bp_result_repeats_institution(out, x);
}

static bp_err order_exceptions(bp_results *out)
{
    size_t n = 0;
    for (size_t i = 0; i < out->nresults; i++) n += is_exception(out, &out->results[i]);
    ranked *rk = malloc((n ? n : 1) * sizeof *rk);
    out->exceptions = malloc((n ? n : 1) * sizeof *out->exceptions);
    if (!rk || !out->exceptions) {
        free(rk);
        return BP_ERR_NOMEM;
    }
    for (size_t i = 0; i < out->nresults; i++) {
        const bp_result *x = &out->results[i];
        if (!is_exception(out, x)) continue;
        rk[out->nexceptions].r = x;
        rk[out->nexceptions++].severity = bp_result_severity(out, x);
    }
    qsort(rk, out->nexceptions, sizeof *rk, exception_cmp);
    for (size_t i = 0; i < out->nexceptions; i++) out->exceptions[i] = rk[i].r;
    free(rk);
    return BP_OK;
}

bp_err bp_evaluate(const bp_model *m, const bp_kpiset *kpis, int report_year,
                   bp_results *out, bp_diags *diags)
{
    memset(out, 0, sizeof *out);
    out->model = m;
    out->kpis = kpis;
    out->report_year = report_year;
    evaluator ev = {.m = m, .kpis = kpis};
    bp_err err = build_entities(&ev, out);
    if (err == BP_OK) err = prepare_kpis(&ev);
    int y0 = m->nyears ? m->years[0] : report_year;
    int y1 = m->nyears ? m->years[m->nyears - 1] : report_year;
    for (size_t i = 0; i < m->ncourses; i++) {
        if (m->courses[i].year < y0) y0 = m->courses[i].year;
        if (m->courses[i].year > y1) y1 = m->courses[i].year;
    }
    int ny = y1 - y0 + 1;
    bool(*present)[BP_SCENARIO_COUNT] = calloc((size_t)ny, sizeof *present);
    if (!present) err = BP_ERR_NOMEM;
    if (err == BP_OK) {
        present_pairs(m, present, y0, ny);
        err = eval_results(&ev, out, y0, ny, present);
    }
    if (err == BP_OK) err = eval_courses(&ev, out);
    if (err == BP_OK) err = eval_charges(&ev, out, y0, ny, present, diags);
    if (err == BP_OK) err = eval_cashflows(m, report_year, out, diags);
    if (err == BP_OK) err = warn_balance(m, report_year, diags);
    if (err == BP_OK) {
        err = check_reconciliation(m, y0, ny, present, out, diags);
        check_forecasts(m, report_year, diags);
        if (err == BP_OK) err = check_commentary(m, report_year, y0, ny, present, out, diags);
        if (err == BP_OK) err = order_exceptions(out);
    }
    free(present);
    free(ev.ents);
    free(ev.member_buf);
    free(ev.by_id);
    free(ev.slot);
    free(ev.memo);
    if (err != BP_OK) bp_results_free(out);
    return err;
}

void bp_results_free(bp_results *r)
{
    free(r->index);
    free(r->results);
    free(r->grade_parts);
    free(r->courses);
    for (size_t i = 0; i < r->ncharges; i++) free(r->charges[i].lines);
    free(r->charges);
    free(r->exceptions);
    free(r->unreconciled);
    free(r->comment_shown);
    free(r->typed);
    free(r->cashflows);
    memset(r, 0, sizeof *r);
}
