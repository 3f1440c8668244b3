/* bp_packpdf_dataq: the data problems of a document in words - on the summary page (a
 * line each), at the top of the section they bite (budget lines missing against actuals,
 * a central charge that cannot be shared, internal transfers that do not reconcile) and,
 * with their technical detail, in the data-quality appendix.  The conditions themselves
 * come from one place each - bp_results (unreconciled transfers, charges not shared,
 * commentary on years not shown), bp_lacks_plan, bp_model_budget_gaps, bp_model_paper -
 * so that the summary, the sections and the appendix cannot disagree.  It draws through
 * the page layer and calls no section file.  Not a public header. */
#ifndef BP_PACKPDF_DATAQ_H
#define BP_PACKPDF_DATAQ_H

#include "bp_packpdf_common.h"

typedef struct {
    char **v;
    size_t n, cap;
} pk_lines;

void pk_lines_free(pk_lines *l);

/* The summary's "Data warnings": one plain sentence a problem of this document (pp: its
 * papers.csv row, or NULL), the count of the other warnings after them, or a line saying
 * there is none. */
void pk_dq_summary(pk_ctx *c, const bp_paper *pp, pk_lines *out);

/* Is the report year's budget of this institution short of lines its actuals have (the
 * trust holding a budget for the year)?  *lines and *budgeted, when not NULL, get how
 * many lines its actuals have and how many of them a budget covers. */
bool pk_dq_budget_short(const pk_ctx *c, int inst, size_t *lines, size_t *budgeted);

/* Budget against actual: the note at the section's top when some of the document's
 * budgets are short (true then), and the table of the lines with an actual and no
 * budget ("no budget") for its end. */
bool pk_dq_budget_note(pk_ctx *c);
void pk_dq_budget_lines(pk_ctx *c);

/* The report year's actual transfers when they do not reconcile, else NULL. */
const bp_unreconciled *pk_dq_unreconciled(const pk_ctx *c, int year, bp_scenario s);

/* The consolidated finance: the note at the section's top when the report year's
 * internal transfers do not reconcile (true then). */
bool pk_dq_reconcile_note(pk_ctx *c);

/* The central charge of one year and scenario: the note under its heading when it cannot
 * be shared, or some institution has no pupils on roll for it (true then). */
bool pk_dq_charge_note(pk_ctx *c, const bp_charge *ch);

/* The data-quality appendix's "Problems in the data", in plain words with the detail the
 * finance team needs to correct them; false when there are none. */
bool pk_dq_appendix(pk_ctx *c);

/* The ledger files' control totals (contract v2, Ledger import): for each file the rows
 * read, skipped and ignored, its debits and credits, what was mapped into each code family
 * and what each ignore rule left out - a table after the input files, when the data set
 * has ledgers. */
void pk_dq_ledgers(pk_ctx *c);
/* The in-year problems in plain words (contract v2): for the management accounts (budgets
 * not profiled by month, months not received, outturns from a whole-year forecast), the
 * cash flow (cash that does not reconcile) and the balance sheet (out of balance), or all
 * of them (the summary page, the appendix); appended to out. */
typedef enum { PK_DQ_MA = 1, PK_DQ_CASH = 2, PK_DQ_BALANCE = 4, PK_DQ_ALL = 7 } pk_dq_kind;
void pk_dq_inyear(const pk_ctx *c, unsigned kinds, pk_lines *out);

#endif
