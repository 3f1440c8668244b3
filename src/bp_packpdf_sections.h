/* bp_packpdf_sections: the section renderers of bp_packpdf_summary.c, bp_packpdf_score.c,
 * bp_packpdf_finance.c and bp_packpdf_plan.c, for the driver (bp_packpdf.c) to dispatch to.  Each draws one section
 * of a pack through bp_packpdf_common's helpers and calls no other section file.  Not a
 * public header. */
#ifndef BP_PACKPDF_SECTIONS_H
#define BP_PACKPDF_SECTIONS_H

#include "bp_packpdf_common.h"

/* bp_packpdf_summary.c */
void pk_summary(pk_ctx *c, const bp_section *sec);

/* bp_packpdf_score.c */
void pk_scorecard(pk_ctx *c, const bp_section *sec);
void pk_phases(pk_ctx *c, const bp_section *sec);
void pk_lgb_comparison(pk_ctx *c, const bp_section *sec);

/* bp_packpdf_finance.c */
void pk_finance_summary(pk_ctx *c, const bp_section *sec);
void pk_income_expenditure(pk_ctx *c, const bp_section *sec);
void pk_budget_actual(pk_ctx *c, const bp_section *sec);
void pk_trends(pk_ctx *c, const bp_section *sec);
void pk_reserves(pk_ctx *c, const bp_section *sec);
void pk_health(pk_ctx *c, const bp_section *sec);
void pk_forecast(pk_ctx *c, const bp_section *sec);
void pk_central_charge(pk_ctx *c, const bp_section *sec);
void pk_courses(pk_ctx *c, const bp_section *sec);

/* bp_packpdf_plan.c */
void pk_actions(pk_ctx *c, const bp_section *sec);
void pk_actions_summary(pk_ctx *c, const bp_section *sec);
void pk_alignment(pk_ctx *c, const bp_section *sec);
void pk_priorities(pk_ctx *c, const bp_section *sec);

/* bp_packpdf_inyear.c: the management accounts (contract v2), each left out of a pack
 * whose data has none of its figures (an annual data set: the pack stays as it was) */
void pk_management_accounts(pk_ctx *c, const bp_section *sec);
void pk_cash_flow(pk_ctx *c, const bp_section *sec);
void pk_balance_sheet(pk_ctx *c, const bp_section *sec);

#endif
