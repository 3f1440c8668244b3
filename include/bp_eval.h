/* bp_eval: the KPI engine's results - every KPI for every institution, phase and the
 * consolidated trust, for every year and scenario present, with each target's exact
 * decision; per-course results; the central charge allocation; reconciliation and
 * forecast warnings; and the ordered exceptions. */
#ifndef BP_EVAL_H
#define BP_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_cashflow.h"
#include "bp_error.h"
#include "bp_kpi.h"
#include "bp_model.h"
#include "bp_num.h"

typedef enum { BP_SCOPE_INSTITUTION, BP_SCOPE_PHASE, BP_SCOPE_TRUST } bp_scope;

/* A result's movement since a previous pack (--previous; the contract's rule in
 * bp_previous.c); bp_result.movement holds one, or -1 for none. */
enum bp_movement { BP_MV_NEW, BP_MV_CLEARED, BP_MV_WORSE, BP_MV_BETTER, BP_MV_UNCHANGED };
const char *bp_scope_id(bp_scope s);

#define BP_MAX_MEASURES 8

typedef struct {
    int kpi;                 /* index into the KPI set */
    bp_scope scope;
    int entity;              /* institution index, bp_phase, or 0 for the trust */
    int year;
    bp_scenario scenario;
    bp_num value;            /* no data when !value.ok */
    bp_status status;
    int target;              /* index into the KPI's targets, -1 when none applies */
    bp_num lo, hi;           /* the applied target's thresholds for this entity */
    int grade;               /* grade KPIs: index into the KPI's grades, -1 otherwise */
    /* grade KPIs: each measure's value and points (no data past the KPI's measures), in
     * bp_results.grade_parts; every other result points at one shared block of zeros, so
     * that a result of a thousand-institution trust is not 768 bytes of unused measures */
    const bp_num *measure, *points;
    bool counts;             /* in the reporting window: the report year's actuals and
                                the budgets and forecasts of later years */
    bool suppressed;         /* build --publish: withheld as a small count (bp_suppress) */
    bool has_previous;       /* --previous: matched in the previous pack's reported results */
    bp_num previous_value;   /* its value there (no data when !has_previous or null) */
    bp_status previous_status;
    int movement;            /* enum bp_movement, or -1: no movement */
    bool previous_suppressed;/* build --publish with --previous: previous_value, _status and
                                the movement withheld (none, none, -1) - this result or the
                                previous pack's is a small count (bp_suppress) */
} bp_result;

typedef struct {
    int kpi;
    int course;              /* index into model->courses */
    bp_num value;
    bp_status status;        /* none for a minority course (exempt from the floor) */
    int target;
    bp_num lo, hi;
    bool suppressed;         /* build --publish: its students, a small count, withheld */
} bp_course_result;

typedef struct {
    int inst;
    bp_num weighted;         /* students.on_roll x weight.PHASE */
    bool has_roll;           /* students.on_roll recorded (the scenario's, else the year's
                                actual): without it the weight is nil, and so its share */
    int64_t share;           /* pence allocated */
    bool has_charged;
    int64_t charged;         /* pence: the institution's sum(exp.internal) */
} bp_charge_line;

typedef struct {
    int year;
    bp_scenario scenario;
    int64_t total;           /* pence: the centre's expenditure, internal transfers excluded */
    bp_charge_line *lines;
    size_t nlines;
    bool shared;             /* allocated: false when no institution has pupils on roll,
                                so every share is nil and the total cannot be shared */
} bp_charge;

/* A year and scenario whose internal transfers do not reconcile: the centre's
 * sum(income.internal) against the institutions' sum(exp.internal), in pence. */
typedef struct {
    int year;
    bp_scenario scenario;
    int64_t income, exp;
} bp_unreconciled;

typedef struct {
    const bp_model *model;
    const bp_kpiset *kpis;
    int report_year;
    bp_result *results; size_t nresults;
    bp_course_result *courses; size_t ncourses;
    bp_charge *charges; size_t ncharges;
    /* the data-quality conditions the warnings name, kept for the packs to name where
     * they bite (one source: a renderer reads them here rather than work them out again) */
    bp_unreconciled *unreconciled; size_t nunreconciled;
    bool *comment_shown;     /* per model.comments: its year is one the packs show */
    bp_phase phases[BP_PHASE_COUNT]; size_t nphases;   /* phases with institutions */
    const bp_result **exceptions; size_t nexceptions;  /* red then amber, worst first */
    bp_num *grade_parts;     /* the grade results' measures and points (bp_result.measure) */
    /* bp_results_find in constant time: result index by kpi, entity, year and scenario */
    int *index;
    int y0, ny;
    const struct bp_prevpack *previous;  /* the pack compared with (--previous,
                                            bp_previous.h), or NULL */
    /* build --publish (bp_suppress): small counts withheld, results and courses marked */
    bool published;
    int64_t suppress_max;
    size_t nsuppressed;      /* results and courses withheld */
    bool *typed;             /* a published workbook's results: per KPI, its values typed
                                rather than formulas (bp_suppress_workbook_model); NULL:
                                none; freed with the results */
    /* the cash flows of the year reported: each institution with cash.* facts, in order,
     * then the trust (inst -1) when any has one (contract v2, "Cash flow") */
    bp_cashflow *cashflows; size_t ncashflows;
} bp_results;

/* Does target t apply to an entity of this scope and phase (BP_PHASE_COUNT for the
 * trust; central for the central services row) in this year and scenario?  Its `when`
 * condition aside, which needs the entity's data.  Per-course targets never do. */
bool bp_target_applies(const bp_target *t, bp_scope scope, bp_phase phase, bool central,
                       int year, bp_scenario s);

/* Evaluate everything.  Warnings (internal transfers that do not reconcile, missing
 * forecast years, central charge allocations without pupil numbers) go to diags. */
bp_err bp_evaluate(const bp_model *m, const bp_kpiset *kpis, int report_year,
                   bp_results *out, bp_diags *diags);
void bp_results_free(bp_results *r);

/* The condition of the warning "no budget or forecast income for YEAR": institution inst
 * has finance data in the report year (any scenario) and neither a budget nor a forecast
 * of income for year. */
bool bp_lacks_plan(const bp_model *m, int inst, int report_year, int year);

/* The central charge allocation alone: total pence shared in proportion to weights, in
 * whole pence by largest remainder (ties to the earlier line), so shares sum to total. */
bp_err bp_allocate_pence(int64_t total, const bp_num *weights, size_t n, int64_t *shares);
/* The order in which the pence left over go out: order[0..n) gets the indexes of rem
 * from the largest remainder to the smallest, equal ones in index order, and those that
 * are no data (an overflow) last.  BP_ERR_NOMEM when out of memory. */
bp_err bp_remainder_order(const bp_num *rem, size_t n, size_t *order);

/* The scenario that stands for the report year's result: BP_OUTTURN in in-year mode (it
 * takes the actual's place in statuses, exceptions, packs and --fail-on), else
 * BP_ACTUAL. */
bp_scenario bp_results_current(const bp_results *r);

const bp_result *bp_results_find(const bp_results *r, int kpi, bp_scope scope, int entity,
                                 int year, bp_scenario scenario);

/* Display name of a result's entity: institution name, phase title, or the trust name. */
const char *bp_result_entity_name(const bp_results *r, const bp_result *res);
/* Its id: institution id, phase id or "trust". */
const char *bp_result_entity_id(const bp_results *r, const bp_result *res);

/* A phase result of a phase of one institution, with that institution's status and
 * target: listed once, as the institution's (exceptions, the cleared). */
bool bp_result_repeats_institution(const bp_results *r, const bp_result *res);

/* How far outside its target a result is, relative to the threshold: for ordering
 * exceptions only (decisions are exact). */
double bp_result_severity(const bp_results *r, const bp_result *res);

#endif
