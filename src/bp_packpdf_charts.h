/* bp_packpdf_charts: the charts of the packs and the captions that say what they show,
 * for the section files (bp_packpdf.c's KPI charts, bp_packpdf_finance.c's money).  Each
 * chart has a caption above it (a sentence with its message), data labels on its bars,
 * its alternative text with every value, and marks that read without colour: plans
 * hatched beside solid actuals, each bar's own ceiling as a line, a word ("over",
 * "below") on every bar that misses its target.  Calls no section file.  Not a public
 * header. */
#ifndef BP_PACKPDF_CHARTS_H
#define BP_PACKPDF_CHARTS_H

#include "bp_packpdf_common.h"

/* The charts a document draws once, by the first section that carries them. */
enum {
    PK_CHART_RESULT = 1,     /* the in-year result by year against the target band */
    PK_CHART_STAFF = 2,      /* staff costs by institution against their ceilings */
    PK_CHART_RESERVES = 4    /* revenue reserves over time */
};

/* The in-year result as a share of income, by year - the actual years to the report
 * year, then each later year's forecast (else its budget), hatched - for the document's
 * scope (the consolidated trust, a governing body's institutions together), against
 * surplus_pct's band: the trust's own target, else the one every institution shares.
 * Nothing when the document has drawn it or there are fewer than two years. */
void pk_chart_result(pk_ctx *c);

/* staff_cost_pct of the report year for each institution and the trust, each bar with
 * its own ceiling (pk_kpi_chart).  Nothing when drawn already or not in the KPI set. */
void pk_chart_staff(pk_ctx *c);

/* The revenue reserves of the document's scope by year (actuals, then plans hatched),
 * against reserves_total's target for the trust; the caption names the institutions
 * whose own reserve (revenue_reserve) falls below its floor in a year shown. */
void pk_chart_reserves(pk_ctx *c);

/* A KPI's bars for each institution and the trust in the report year (several charts of
 * at most PK_CHART_BARS bars for a wide trust, each ending with the trust), after the
 * caption `caption` when not NULL: one shaded band when every institution has the same
 * target, else each bar's own threshold as a line; every bar that misses its target
 * says so in a word. */
enum { PK_CHART_BARS = 14 };
void pk_kpi_chart(pk_ctx *c, int kpi, const char *caption);

#endif
