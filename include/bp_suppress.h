/* bp_suppress: small-number suppression for what is published (`build --publish`,
 * contract v2 "Publishing: small-number suppression"; docs/output-files.md).  Applied to
 * evaluated results before anything is rendered, so that every output - the packs'
 * tables, sentences and charts, the JSON and the workbook - withholds the same values.
 *
 * Primary: a result of a KPI declared `counts: people` whose numerator or denominator
 * (the two sides of its expression's top-level division, each evaluated over the
 * entity's members as the result itself is; the value itself for a KPI that divides
 * nothing) is 1..suppress_max.  0 is shown: "none of them" identifies nobody.
 *
 * Secondary: the totals the outputs show beside their parts - the trust beside every
 * institution (the scorecards, the JSON), a phase beside its institutions, the trust
 * beside the phases and the centre - would give a lone suppressed part back as the total
 * less the rest (for a ratio, from the denominators, which are often public: leavers,
 * cohorts).  So in each such group, for each KPI, year and scenario, whose total is shown
 * and which has exactly one suppressed part, one more part is suppressed: the one with
 * the smallest count (its denominator, else its value), ties to the earlier part; the
 * total itself when there is no other part.  The phases' groups first, then the trust's;
 * repeated until no group changes, since one suppression can leave a lone one in another
 * group.
 *
 * A suppressed result has no value and no status (a status narrows the value to a band,
 * which for a handful of people can be the value itself), and leaves the exceptions;
 * with --previous, its previous value, status and movement are withheld too (the
 * previous value and the movement together bound it), as are those of a result whose
 * previous value is suppressed (bp_previous_load and _apply, which run first).
 * Courses: a course's students (courses.csv) in 1..suppress_max are withheld; the
 * course's money and contribution never are (money is never suppressed), and no output
 * shows a total of course students for a secondary suppression to protect. */
#ifndef BP_SUPPRESS_H
#define BP_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_eval.h"

/* Is a count small enough to suppress: 1..max (v > 0 and v <= max)?  No data is not. */
bool bp_suppress_small(bp_num v, int64_t max);

/* Suppress r's results and courses in place with the model's suppress_max (trust.csv);
 * sets r->published, r->suppress_max and r->nsuppressed.  BP_ERR_NOMEM or BP_OK. */
bp_err bp_suppress_apply(bp_results *r);

/* A published workbook (build --publish --workbook; docs/workbook.md, "Published").  Its
 * formulas over the Data sheet would give every suppressed value back (any fact a
 * `counts: people` KPI reads, summed beside a shown total), so m loses every fact, not
 * money, under a code that such a KPI reads (through kpi() references too), and
 * typed[k] (ks->count entries) is set for each KPI that reads one of those codes: the
 * people KPIs and any other that shares a code with them.  Their values are then typed
 * into the workbook as the published results have them (bp_results.typed), not
 * formulas.  Called after the results are evaluated and suppressed (the model's years
 * and the results stand as the packs have them; the KPIs not typed read none of the
 * facts left out, so their formulas still give their results).  BP_ERR_NOMEM or BP_OK. */
bp_err bp_suppress_workbook_model(bp_model *m, const bp_kpiset *ks, bool *typed);

#endif
