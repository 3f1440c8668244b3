/* bp_xlsx_layout: where everything goes before anything is written - the institutions'
 * workbook order, the entities (institutions, phases, the trust), the rows of Targets,
 * Courses and Ratios, the sums block of Workings, and the compiler's view of them
 * (bp_formula_env). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- layout ---- */

/* Workbook order: institutions phase by phase (phases in order of first appearance),
 * the central row last, so that a phase's institutions stand together on every sheet.
 * No formula depends on it: a phase's totals select its institutions by their phase. */
static void plan_institutions(xl *x)
{
    const bp_model *m = x->m;
    size_t n = m->ninsts, k = 0;
    x->inst_order = malloc((n ? n : 1) * sizeof *x->inst_order);
    x->inst_pos = malloc((n ? n : 1) * sizeof *x->inst_pos);
    if (!x->inst_order || !x->inst_pos) {
        xl_nomem(x);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if ((int)i == m->central) continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = (int)j != m->central && m->insts[j].phase == m->insts[i].phase;
        if (seen) continue;
        for (size_t j = i; j < n; j++)
            if ((int)j != m->central && m->insts[j].phase == m->insts[i].phase)
                x->inst_order[k++] = (int)j;
    }
    if (m->central >= 0) x->inst_order[k++] = m->central;
    for (size_t p = 0; p < k; p++) x->inst_pos[x->inst_order[p]] = (int)p;
}

/* Institutions in workbook order, the phases that have institutions, then the trust. */
static void plan_entities(xl *x)
{
    const bp_model *m = x->m;
    size_t n = m->ninsts;
    x->members = malloc((3 * n + 1) * sizeof *x->members);
    x->ents = calloc(n + x->res->nphases + 1, sizeof *x->ents);
    if (!x->members || !x->ents) {
        xl_nomem(x);
        return;
    }
    int *p = x->members;
    for (size_t k = 0; k < n; k++) {
        int i = x->inst_order[k];
        const bp_institution *in = &m->insts[i];
        *p = i;
        x->ents[x->nents++] = (xl_entity){BP_SCOPE_INSTITUTION, i, p++, 1, false,
                                          bp_phase_id(in->phase), in->phase, i == m->central,
                                          in->id, in->name};
    }
    for (size_t ph = 0; ph < x->res->nphases; ph++) {
        bp_phase phase = x->res->phases[ph];
        int *start = p;
        for (size_t k = 0; k < n; k++) {
            int i = x->inst_order[k];
            if (m->insts[i].phase == phase && i != m->central) *p++ = i;
        }
        x->ents[x->nents++] = (xl_entity){BP_SCOPE_PHASE, (int)phase, start, (size_t)(p - start),
                                          false, bp_phase_id(phase), phase, false,
                                          bp_phase_id(phase), bp_phase_title(phase)};
    }
    int *start = p;
    for (size_t k = 0; k < n; k++) *p++ = x->inst_order[k];
    x->ents[x->nents++] = (xl_entity){BP_SCOPE_TRUST, 0, start, n, true, "all", BP_PHASE_COUNT,
                                      false, "trust", m->name};
}

/* The engine's context for an entity (bp_eval's make_ctx). */
bp_expr_ctx xl_entity_ctx(const xl *x, const xl_entity *e, int year, bp_scenario sc)
{
    bp_expr_ctx c = bp_kpi_ctx(&x->s->kpis, x->m, e->members, e->nmembers, year, sc,
                               e->eliminate, e->national);
    c.phase = e->scope == BP_SCOPE_PHASE;   /* as bp_eval's: cash_min has no phase value */
    return c;
}

/* One institution on its own (the Finance and Central charge lines). */
bp_expr_ctx xl_inst_ctx(const xl *x, int inst, int year, bp_scenario sc)
{
    return xl_entity_ctx(x, &x->ents[x->inst_pos[inst]], year, sc);
}

const xl_entity *xl_trust_entity(const xl *x) { return &x->ents[x->nents - 1]; }

/* Which targets the engine may apply to an entity: the same static tests as bp_eval's
 * xl_target_applies (scope, phases, first year, scenarios).  The `when` condition depends
 * on the data, so it stays in the status formula. */
bool xl_target_applies(const bp_target *t, const xl_entity *e, int year, bp_scenario sc)
{
    return bp_target_applies(t, e->scope, e->phase, e->central, year, sc);
}

const bp_result *xl_result_of(const xl *x, size_t kpi, const xl_entity *e, int year,
                              bp_scenario sc)
{
    return bp_results_find(x->res, (int)kpi, e->scope, e->entity, year, sc);
}

/* ---- the compiler's view of the layout ---- */

static int env_benchmark_row(const bp_formula_env *env, int year, const char *phase,
                             const char *kpi)
{
    const xl *x = env->arg;
    int i = bp_model_find_benchmark(x->m, year, phase, kpi);
    return i >= 0 ? x->bench_row[i] : -1;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int env_helper_row(const bp_formula_env *env, const bp_expr *node, const bp_expr_ctx *c)
{
    xl *x = env->arg;
    for (size_t i = 0; i < x->nhelpers; i++) {
        const bp_expr_ctx *h = &x->helpers[i].ctx;
        if (x->helpers[i].node == node && h->year == c->year && h->scenario == c->scenario
            && h->eliminate == c->eliminate && same_text(h->national_phase, c->national_phase))
            return x->terms_at + 2 + (int)i;
    }
    xl_helper *n = bp_grow(x->helpers, &x->caphelpers, x->nhelpers + 1, sizeof *n);
    if (!n) return -1;
    x->helpers = n;
    x->helpers[x->nhelpers].node = node;
    x->helpers[x->nhelpers].ctx = *c;
    /* a term too long for a formula is reported at the term, in the KPI that asked */
    x->helpers[x->nhelpers].src = x->src;
    x->helpers[x->nhelpers].src.line = node->line;
    x->helpers[x->nhelpers].src.column = node->column;
    return x->terms_at + 2 + (int)x->nhelpers++;
}

/* The sums block's row for a code, year and scenario (bp_formula_env.sum_row). */
static int env_sum_row(const bp_formula_env *env, const char *code, int year, int scenario,
                       bool eliminated)
{
    const xl *x = env->arg;
    int i = xl_sum_find(x, code, strlen(code), year, scenario);
    if (i >= 0 && eliminated) i = x->sums[i].eliminated;
    return i >= 0 ? x->sums[i].row : -1;
}

/* The column of the entity whose members ctx has: one institution, one whole phase (its
 * institutions less the central row) or every institution (bp_formula_env.entity_col). */
static int env_entity_col(const bp_formula_env *env, const bp_expr_ctx *c)
{
    const xl *x = env->arg;
    const bp_model *m = x->m;
    if (c->nmembers == 1) return BP_XL_WORK_FIRST_COL + x->inst_pos[c->members[0]];
    if (c->nmembers == m->ninsts) return x->trust_col;
    bp_phase ph = m->insts[c->members[0]].phase;
    size_t in_phase = 0;
    for (size_t i = 0; i < c->nmembers; i++)
        if (m->insts[c->members[i]].phase != ph || c->members[i] == m->central) return -1;
    for (size_t i = 0; i < m->ninsts; i++) in_phase += m->insts[i].phase == ph && (int)i != m->central;
    return in_phase == c->nmembers ? x->phase_col[ph] : -1;
}

/* Compile a cell formula for an expression into x->fb. */
bool xl_cell_formula(xl *x, const bp_expr *e, const bp_expr_ctx *c, bool money,
                     const char *what)
{
    /* a dry run goes on past a limit, but an input already reported is not compiled
     * again for every entity and year: a KPI file at the caps would take minutes */
    if (xl_reported(x, &x->src)) return false;
    return xl_compiled(x, bp_formula_cell(e, c, money, &x->env, &x->fb), what);
}

/* A formula body for an expression, as an owned string (NULL after a failure). */
char *xl_body_formula(xl *x, const bp_expr *e, const bp_expr_ctx *c, const char *what)
{
    if (xl_reported(x, &x->src) || !xl_compiled(x, bp_formula_expr(e, c, &x->env, &x->fb), what))
        return NULL;
    return xl_copy_text(x, x->fb.s);
}

/* ---- Targets and Courses: their rows, before they are written ---- */

/* Row numbers of everything the formulas point at on Targets, before it is written. */
static void plan_targets(xl *x)
{
    const bp_kpiset *ks = &x->s->kpis;
    size_t nt = 0, nm = 0, np = 0, nb = 0;
    for (size_t k = 0; k < ks->count; k++) {
        nt += ks->kpis[k].ntargets;
        nb += ks->kpis[k].ngrades;
        for (size_t i = 0; i < ks->kpis[k].nmeasures; i++) np += ks->kpis[k].measures[i].npoints;
        nm += ks->kpis[k].nmeasures;
    }
    x->target0 = malloc((ks->count + 1) * sizeof *x->target0);
    x->measure0 = malloc((ks->count + 1) * sizeof *x->measure0);
    x->band0 = malloc((ks->count + 1) * sizeof *x->band0);
    x->target_row = malloc((nt + 1) * sizeof *x->target_row);
    x->points0 = malloc((nm + 1) * sizeof *x->points0);
    x->points_row = malloc((np + 1) * sizeof *x->points_row);
    x->band_row = malloc((nb + 1) * sizeof *x->band_row);
    x->bench_row = malloc((x->m->nbenchmarks + 1) * sizeof *x->bench_row);
    if (!x->target0 || !x->measure0 || !x->band0 || !x->target_row || !x->points0
        || !x->points_row || !x->band_row || !x->bench_row) {
        xl_nomem(x);
        return;
    }
    int row = TARGETS_FIRST_ROW;
    nt = nm = np = nb = 0;
    for (size_t k = 0; k < ks->count; k++) {
        x->target0[k] = nt;
        for (size_t t = 0; t < ks->kpis[k].ntargets; t++) x->target_row[nt++] = row++;
    }
    x->tg_bench_at = row;
    row += 3;   /* blank, section title, header */
    for (size_t i = 0; i < x->m->nbenchmarks; i++) x->bench_row[i] = row++;
    x->tg_grades_at = row;
    row += 3;
    for (size_t k = 0; k < ks->count; k++) {
        const bp_kpi *kp = &ks->kpis[k];
        x->measure0[k] = nm;
        x->band0[k] = nb;
        for (size_t i = 0; i < kp->nmeasures; i++) {
            x->points0[nm++] = np;
            for (size_t j = 0; j < kp->measures[i].npoints; j++) x->points_row[np++] = row++;
        }
        for (size_t g = 0; g < kp->ngrades; g++) x->band_row[nb++] = row++;
    }
    x->tg_defs_at = row;
}

void xl_target_cell(const xl *x, char *buf, size_t size, size_t kpi, size_t t, int col)
{
    bp_formula_ref(buf, size, BP_XL_SHEET_TARGETS, x->target_row[x->target0[kpi] + t], col);
}

static bool has_courses(const xl *x, int inst, int year)
{
    for (size_t ci = 0; ci < x->m->ncourses; ci++)
        if (x->m->courses[ci].inst == inst && x->m->courses[ci].year == year) return true;
    return false;
}

/* Courses: the institution averages first (one row per institution and year with
 * courses), then the course rows, so that rows added below the last course are courses
 * the bounded ranges take in. */
static void plan_courses(xl *x)
{
    x->course_row = malloc((x->m->ncourses + 1) * sizeof *x->course_row);
    if (!x->course_row) {
        xl_nomem(x);
        return;
    }
    int years[64];
    size_t ny = xl_course_years(x, years, 64);
    x->navg = 0;
    for (size_t p = 0; p < x->m->ninsts; p++)
        for (size_t yi = 0; yi < ny; yi++) x->navg += has_courses(x, x->inst_order[p], years[yi]);
    x->avg_at = 3;
    x->courses_header = x->m->ncourses ? x->avg_at + 2 + (int)x->navg + 1 : 3;
    for (size_t i = 0; i < x->m->ncourses; i++) x->course_row[i] = x->courses_header + 1 + (int)i;
}

/* The power of ten of a target's whole-number thresholds on Ratios: the most places of
 * its constant thresholds, at least BP_FORMULA_EDIT_PLACES (so that an edited threshold
 * keeps hundredths of a percent), as bp_formula_ratio_scales prefers; -1 when one is not
 * a decimal of at most 15 places or does not fit a double's whole numbers. */
static int scale_of(const bp_num *th, size_t n)
{
    int k = BP_FORMULA_EDIT_PLACES;
    for (size_t i = 0; i < n; i++) {
        int p = bp_formula_num_places(th[i]);
        if (p < 0) return -1;
        if (p > k) k = p;
    }
    bp_i128 s = 1;
    for (int i = 0; i < k; i++) s *= 10;
    for (size_t i = 0; i < n; i++) {
        bp_i128 a = th[i].num < 0 ? -th[i].num : th[i].num, r;
        if (__builtin_mul_overflow(a, s, &r) || r / th[i].den >= BP_FORMULA_EXACT_MAX) return -1;
    }
    return k;
}

static int target_scale(const bp_target *t)
{
    bp_num th[6];
    size_t n = 0;
    if (t->lo && t->lo->op == BP_E_NUM) th[n++] = t->lo->num;
    if (t->hi && t->hi->op == BP_E_NUM) th[n++] = t->hi->num;
    for (size_t a = 0; a < t->namber; a++) {
        th[n++] = t->amber[a].lo;
        th[n++] = t->amber[a].hi;
    }
    return scale_of(th, n);
}

/* Ratios: one row of whole-number thresholds per target, then per grade measure's points
 * row that has a threshold; the values below. */
static void plan_ratios(xl *x)
{
    const bp_kpiset *ks = &x->s->kpis;
    size_t nt = 0, nm = 0, np = 0;
    for (size_t k = 0; k < ks->count; k++) {
        nt += ks->kpis[k].ntargets;
        nm += ks->kpis[k].nmeasures;
        for (size_t i = 0; i < ks->kpis[k].nmeasures; i++) np += ks->kpis[k].measures[i].npoints;
    }
    x->target_scale = malloc((nt + 1) * sizeof *x->target_scale);
    x->measure_scale = malloc((nm + 1) * sizeof *x->measure_scale);
    x->point_wrow = malloc((np + 1) * sizeof *x->point_wrow);
    if (!x->target_scale || !x->measure_scale || !x->point_wrow) {
        xl_nomem(x);
        return;
    }
    nt = nm = np = 0;
    for (size_t k = 0; k < ks->count; k++)
        for (size_t t = 0; t < ks->kpis[k].ntargets; t++)
            x->target_scale[nt++] = target_scale(&ks->kpis[k].targets[t]);
    int row = RATIO_THRESHOLDS_ROW + (int)nt;
    for (size_t k = 0; k < ks->count; k++)
        for (size_t i = 0; i < ks->kpis[k].nmeasures; i++, nm++) {
            const bp_measure *ms = &ks->kpis[k].measures[i];
            bp_num th[64];
            size_t n = 0;
            for (size_t j = 0; j < ms->npoints && n < 64; j++)
                if (ms->points[j].has_threshold) th[n++] = ms->points[j].threshold;
            x->measure_scale[nm] = n < 64 ? scale_of(th, n) : -1;
            for (size_t j = 0; j < ms->npoints; j++, np++)
                x->point_wrow[np] = ms->points[j].has_threshold && x->measure_scale[nm] >= 0 ? row++ : -1;
        }
    /* the thresholds, a blank row, the values' title and header */
    x->ratios_first = (row > RATIO_THRESHOLDS_ROW ? row : RATIO_THRESHOLDS_ROW + 1) + 3;
}

/* ---- the plan ---- */

/* Where everything goes, and the compiler's view of it: before a cell is written. */
void xl_plan(xl *x)
{
    size_t nk = x->s->kpis.count;
    plan_institutions(x);
    if (xl_live(x)) plan_entities(x);
    if (xl_live(x)) plan_targets(x);
    if (xl_live(x)) plan_courses(x);
    if (xl_live(x)) plan_ratios(x);
    if (xl_live(x)) xl_plan_sums(x);
    x->score_row = malloc((nk + 1) * sizeof *x->score_row);
    if (!x->score_row) xl_nomem(x);
    for (size_t k = 0; k < nk && x->score_row; k++) x->score_row[k] = -1;
    x->env.model = x->m;
    x->env.course_row = x->course_row;
    x->env.benchmark_row = env_benchmark_row;
    x->env.helper_row = env_helper_row;
    x->env.sum_row = env_sum_row;
    x->env.entity_col = env_entity_col;
    x->env.cash_low_ref = xl_cash_low_ref;
    x->env.facts_offset = x->facts_offset;
    x->env.arg = x;
}
