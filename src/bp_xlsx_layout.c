/* bp_xlsx_layout: where everything goes before anything is written - the institutions'
 * workbook order, the entities (institutions, phases, the trust), the rows of Targets and
 * Courses, and the compiler's view of them (bp_formula_env). */
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- layout ---- */

/* Workbook order: institutions phase by phase (phases in order of first appearance),
 * the central row last, so that every phase and the trust is one contiguous run of
 * rows and columns (bp_formula adds members up over a range). */
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
    return bp_kpi_ctx(&x->s->kpis, x->m, e->members, e->nmembers, year, sc, e->eliminate,
                      e->national);
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
            return WORK_FIRST_ROW + (int)i;
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
    return WORK_FIRST_ROW + (int)x->nhelpers++;
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

static void plan_courses(xl *x)
{
    x->course_row = malloc((x->m->ncourses + 1) * sizeof *x->course_row);
    if (!x->course_row) {
        xl_nomem(x);
        return;
    }
    for (size_t i = 0; i < x->m->ncourses; i++) x->course_row[i] = COURSES_FIRST_ROW + (int)i;
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
    x->score_row = malloc((nk + 1) * sizeof *x->score_row);
    if (!x->score_row) xl_nomem(x);
    for (size_t k = 0; k < nk && x->score_row; k++) x->score_row[k] = -1;
    x->env.model = x->m;
    x->env.inst_pos = x->inst_pos;
    x->env.course_row = x->course_row;
    x->env.benchmark_row = env_benchmark_row;
    x->env.helper_row = env_helper_row;
    x->env.arg = x;
}
