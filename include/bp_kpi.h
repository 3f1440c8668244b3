/* bp_kpi: KPI definition files (docs/kpi-format.md) - each KPI's expression, unit and
 * targets, and grade KPIs (such as the financial health grade) whose measures score
 * points.  Parsing, validation against a data set, and the exact target decision. */
#ifndef BP_KPI_H
#define BP_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"
#include "bp_expr.h"
#include "bp_model.h"
#include "bp_num.h"

typedef enum {
    BP_UNIT_PERCENT,   /* a ratio shown as a percentage: stored 0.714, shown 71.4% */
    BP_UNIT_RATIO,     /* a plain ratio shown with two decimals: 0.77 */
    BP_UNIT_MONEY,     /* pounds */
    BP_UNIT_NUMBER,    /* a count or average shown with up to one decimal */
    BP_UNIT_GRADE      /* a grade KPI's total points, shown with its grade label */
} bp_unit;
const char *bp_unit_id(bp_unit u);

typedef enum { BP_CMP_MIN, BP_CMP_MAX, BP_CMP_BAND } bp_cmp;

/* Scopes a target applies to (bit flags). */
enum {
    BP_SCOPE_F_INSTITUTION = 1, BP_SCOPE_F_PHASE = 2, BP_SCOPE_F_TRUST = 4,
    BP_SCOPE_F_COURSE = 8
};

typedef struct { bp_num lo, hi; } bp_range;

typedef struct {
    bp_cmp cmp;
    bp_expr *lo, *hi;        /* min: lo; max: hi; band: both.  Constants or national() */
    unsigned scopes;         /* BP_SCOPE_F_*; 0 = institution | phase | trust */
    unsigned phases;         /* 1u << bp_phase; 0 = every phase */
    unsigned scenarios;      /* 1u << bp_scenario; 0 = every scenario */
    int from_year;           /* first year it applies; 0 = every year */
    bp_expr *when;           /* condition on the entity; NULL = always */
    bp_range amber[2];
    size_t namber;
    char *text;              /* the comparator as written, e.g. "max 80%" */
    int line;
} bp_target;

/* One row of a grade measure's points table: score when the value is >= (or <=)
 * threshold; the final row (no threshold) is the score otherwise. */
typedef struct {
    bp_num score;
    bool has_threshold;
    bool at_most;            /* "<=" rather than ">=" */
    bp_num threshold;
} bp_points;

typedef struct {
    char *id, *name;
    bp_expr *expr;
    bp_unit unit;
    bp_points *points;
    size_t npoints;
    int line;
} bp_measure;

typedef struct {
    char *label;             /* "Good" */
    bool has_min;
    bp_num min;              /* total points at least this; the last band has none */
} bp_grade_band;

typedef struct {
    char *id, *name, *section, *description;
    bp_unit unit;
    bool higher_is_better;   /* for sorting and charts; from "better:" or the targets */
    bool counts_people;      /* "counts: people": its numerator and denominator are head
                                counts, suppressed when small by build --publish */
    char *expr_text;
    bp_expr *expr;           /* NULL for a grade KPI */
    bp_measure *measures; size_t nmeasures;     /* grade KPIs */
    bp_grade_band *grades; size_t ngrades;
    bp_target *targets; size_t ntargets;
    char *file;
    int line;
} bp_kpi;

typedef struct {
    bp_kpi *kpis;
    size_t count;
} bp_kpiset;

void bp_kpiset_init(bp_kpiset *s);
void bp_kpiset_free(bp_kpiset *s);

/* Parse a KPI file's text and merge it into s: a KPI whose id is already in s replaces
 * it in place, a new id is appended.  If the file says "defaults: replace", s is emptied
 * first.  Errors (file:line:column) go to diags; returns BP_OK or BP_ERR_KPI. */
bp_err bp_kpi_parse(const char *display_name, const char *text, size_t len, bp_kpiset *s,
                    bp_diags *diags);
bp_err bp_kpi_load_file(const char *path, const char *display_name, bp_kpiset *s,
                        bp_diags *diags);

/* Check a KPI set against a loaded data set: every code is a contract code or present in
 * the data; every kpi() and national() names a KPI of the set; no kpi() cycles.  For the
 * KPIs read from warn_file (a data set's own kpis.kpi; NULL for none), a code that no fact
 * carries is also a warning - usually a typo - while the shipped defaults stay quiet about
 * data a trust simply does not collect. */
bp_err bp_kpi_validate(const bp_kpiset *s, const bp_model *m, const char *warn_file,
                       bp_diags *diags);

/* Leave out of the set the default KPIs of contract v2 (revenue_reserve) that the data
 * set cannot feed: defined by defaults_file (the shipped defaults' display name, so that
 * a data set's own definition of the id stays), no fact of any code they read, and named
 * by no other KPI and no action.  Such a KPI then has no results at all rather than rows
 * of no data ("results only where its inputs exist"). */
void bp_kpi_drop_unfed(bp_kpiset *s, const bp_model *m, const char *defaults_file);

/* actions.csv's kpis column against the set: each id that is not a KPI of it is a data
 * error at the field (BP_ERR_DATA). */
bp_err bp_kpi_check_actions(const bp_kpiset *s, const bp_model *m, bp_diags *diags);

int bp_kpi_find(const bp_kpiset *s, const char *id);

/* Is k the built-in cash_min (its expression the attribute cash_min)?  Its target is the
 * contract's A rule (bp_eval), not the KPI file's threshold. */
bool bp_kpi_is_cash_min(const bp_kpi *k);

/* For bp_expr_ctx.kpi_lookup: arg is a const bp_kpiset *. */
const bp_expr *bp_kpi_lookup_expr(const void *arg, const char *id);

/* The context to evaluate the set's expressions over these members (one institution, a
 * phase or the trust) in one year and scenario: eliminate for the trust, national the
 * benchmark phase ("all" for the trust).  course is -1 (every course). */
bp_expr_ctx bp_kpi_ctx(const bp_kpiset *s, const bp_model *m, const int *members, size_t n,
                       int year, bp_scenario scenario, bool eliminate, const char *national);

typedef enum { BP_STATUS_NONE, BP_STATUS_GREEN, BP_STATUS_AMBER, BP_STATUS_RED } bp_status;
const char *bp_status_id(bp_status s);

/* The exact decision.  lo/hi are the target's thresholds evaluated for the entity
 * (unused ones ignored).  Inclusive: on a threshold is met (green); on an amber edge is
 * amber.  No data in value or a used threshold gives none. */
bp_status bp_target_decide(const bp_target *t, bp_num value, bp_num lo, bp_num hi);

/* Grade KPIs: the points of one measure for a value, and the band for a total. */
bp_num bp_measure_points(const bp_measure *ms, bp_num value);
int bp_grade_band_of(const bp_kpi *k, bp_num total);   /* index into k->grades */

#endif
