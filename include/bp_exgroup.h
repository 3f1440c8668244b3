/* bp_exgroup: the exceptions as a board reads them - one entry per KPI and entity, holding
 * every year and scenario of the reporting window in which that KPI is red or amber for
 * that entity, its movement against the prior year and the development-plan actions that
 * address it (actions.csv kpis).  bp_eval keeps one exception per result, and so does the
 * JSON; the packs group them here, apart from any page, so that any renderer can give the
 * same reading.  Entries holding the report year's result come first, then those in the
 * plans alone; worst first within each, by bp_eval's order of the exceptions. */
#ifndef BP_EXGROUP_H
#define BP_EXGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"
#include "bp_eval.h"
#include "bp_model.h"

/* The report year's exception against the year before (the contract's movement rule,
 * measured against the report year's target).  NONE: the entry holds no report-year
 * exception (it is in the plans alone). */
typedef enum {
    BP_MOVE_NONE,
    BP_MOVE_NEW,         /* the year before was green, had no target or no data, or is absent */
    BP_MOVE_WORSE,       /* red or amber then too: a worse status, or further outside the target */
    BP_MOVE_BETTER,
    BP_MOVE_UNCHANGED
} bp_movement;

typedef struct {
    int kpi;
    bp_scope scope;
    int entity;
    const bp_result **items; /* its exceptions: the report year's actual first, then the
                                later years in order, a year's budget before its forecast */
    size_t nitems;
    const bp_result *current;   /* the report year's actual among items, or NULL */
    const bp_result *actual;    /* the report year's actual result, exception or not, or NULL */
    const bp_result *prior;     /* the year before's actual result, or NULL */
    bp_movement movement;
    bp_status worst;            /* red when any item is red, else amber */
    const size_t *actions;      /* indexes into model.actions of the actions addressing it */
    size_t nactions;
} bp_exgroup;

typedef struct {
    bp_exgroup *v;
    size_t n;
    /* the budget and forecast years of the reporting window, per scenario: "each of the
     * three forecast years" is said of an entry holding every one */
    size_t nplan[BP_SCENARIO_COUNT];
    const bp_result **items_buf;
    size_t *actions_buf;
} bp_exgroups;

/* Which exceptions a renderer shows (a section's KPIs, a governing body's institutions):
 * true to keep r. */
typedef bool (*bp_exgroup_keep)(const bp_result *r, void *arg);

/* Groups res's exceptions that keep accepts (keep NULL: all).  On failure (out of
 * memory) out is empty. */
bp_err bp_exgroups_make(const bp_results *res, bp_exgroup_keep keep, void *arg,
                        bp_exgroups *out);
/* The same of the n exceptions at these places in res->exceptions alone (ascending, each
 * once): a caller that knows where its exceptions are (a governing body's, by
 * institution) groups them without a walk of all the trust's.  Given every exception
 * that keep would accept, the groups are bp_exgroups_make's. */
bp_err bp_exgroups_make_among(const bp_results *res, const size_t *at, size_t n,
                              bp_exgroup_keep keep, void *arg, bp_exgroups *out);
void bp_exgroups_free(bp_exgroups *g);

/* The issues a summary names first (docs/pack-format.md, "The summary page"): entries in
 * this order - red before amber (the entry's worst status); the report year's before
 * those in the plans alone; then those with money at stake, the most first; then the
 * furthest from target first (bp_eval's order of the exceptions), and last the order of
 * all.  An entry's money at stake is that of its lead result (the report year's, else
 * its first plan of its worst status): |value - threshold| for a money KPI, and
 * |value - threshold| x the KPI's denominator where the KPI is a division whose
 * denominator is money (sums of money codes: income, exp.*, bs.*), evaluated for the
 * entity in that year and scenario - 2.4 points of income over a staff-cost ceiling on
 * £3m income is £72,000.  The threshold is the target's floor for a value below it, its
 * ceiling for one above. */
typedef struct {
    size_t index;            /* into all->v */
    const bp_result *lead;
    bool has_stake;
    int64_t stake;           /* pence, when has_stake */
} bp_exgroup_issue;

/* The first `max` issues of all, in that order, into out; returns how many (BP_ERR_NOMEM
 * aside, which gives 0). */
size_t bp_exgroups_issues(const bp_results *res, const bp_exgroups *all, bp_exgroup_issue *out,
                          size_t max);

/* ---- since the last pack (--previous) ---- */

/* An entry's movement since the last pack: its lead result's (the report year's, else its
 * first plan's) - an enum bp_movement, or -1 (no previous pack; no movement). */
int bp_exgroup_since(const bp_exgroup *g);

/* The exceptions cleared since the last pack: reported results now green that were red
 * or amber there, of those keep accepts (NULL: all), each KPI and entity once (a phase of
 * one institution as that institution, as bp_eval lists exceptions) - the
 * report year's actual when it is one, else the first plan by year and scenario. */
typedef struct {
    const bp_result **v;
    size_t n;
} bp_cleared;
bp_err bp_cleared_make(const bp_results *res, bp_exgroup_keep keep, void *arg, bp_cleared *out);
/* The same of the nat results at these places in res->results alone (ascending, each
 * once): a governing body's pack takes its institutions' cleared results from its
 * session's index rather than walk every result of the trust.  Given every result that
 * keep would accept, the list is bp_cleared_make's. */
bp_err bp_cleared_make_among(const bp_results *res, const size_t *places, size_t nat,
                             bp_exgroup_keep keep, void *arg, bp_cleared *out);
void bp_cleared_free(bp_cleared *c);

/* The counts a summary gives: entries by movement (indexed by enum bp_movement; the
 * cleared count is of c's, not of the entries) and those with none. */
typedef struct {
    size_t by[BP_MV_UNCHANGED + 1];
    size_t none;
} bp_since_counts;
bp_since_counts bp_since_count(const bp_exgroups *all, const bp_cleared *c);

/* Does action a address KPI kpi for the entity?  The contract's rule: an action of
 * institution I addresses (K, I); one of the central id, (K, trust) and (K, every phase). */
bool bp_action_addresses(const bp_model *m, const bp_action *a, const char *kpi,
                         bp_scope scope, int entity);

#endif
