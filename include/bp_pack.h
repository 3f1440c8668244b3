/* bp_pack: pack templates (templates/packs/NAME.pack, docs/pack-format.md) - which papers
 * exist, for whom, and the sections each holds in order.  A clerk adds or reorders a
 * pack by editing a template; the section kinds are the renderer's vocabulary. */
#ifndef BP_PACK_H
#define BP_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"
#include "bp_kpi.h"
#include "bp_model.h"

typedef enum {
    BP_SEC_SUMMARY,            /* purpose, recommendation, headline counts */
    BP_SEC_EXCEPTIONS,         /* red then amber, worst first, with commentary */
    BP_SEC_SCORECARD,          /* KPIs x institutions + trust, report year */
    BP_SEC_PHASES,             /* KPIs x phases + trust */
    BP_SEC_KPI_CHARTS,         /* one bar chart per KPI across institutions, target shaded */
    BP_SEC_FINANCE_SUMMARY,    /* income, expenditure, surplus per institution + trust */
    BP_SEC_INCOME_EXPENDITURE, /* I&E by category, per institution, eliminations, consolidated */
    BP_SEC_BUDGET_ACTUAL,      /* budget against actual with variances */
    BP_SEC_TRENDS,             /* three-year trends, chart of income, expenditure, reserves */
    BP_SEC_RESERVES,           /* reserves and liquidity */
    BP_SEC_HEALTH,             /* financial health grades with their measures */
    BP_SEC_FORECAST,           /* the budget and forecast years, forecast chart */
    BP_SEC_COURSES,            /* post-16 course contribution */
    BP_SEC_CENTRAL_CHARGE,     /* allocation against what was charged */
    BP_SEC_ACTIONS,            /* development-plan actions (optionally by ambitions) */
    BP_SEC_ACTIONS_SUMMARY,    /* actions by ambition and status */
    BP_SEC_ALIGNMENT,          /* priorities x ambitions matrix */
    BP_SEC_PRIORITIES,         /* the institutions' priorities listed */
    BP_SEC_LGB_COMPARISON,     /* an LGB's institutions against phase and trust */
    BP_SEC_METHODOLOGY,        /* every KPI's formula and target in words */
    BP_SEC_DATA_QUALITY,       /* inputs, rows, SHA-256, control totals, warnings */
    /* contract v2: left out of a pack whose data has none of their figures */
    BP_SEC_MANAGEMENT_ACCOUNTS,/* in-year: year to date against the profiled budget and the
                                  full-year budget against the outturn, by line and entity */
    BP_SEC_CASH_FLOW,          /* the 12-month cash flow, actual months then forecast */
    BP_SEC_BALANCE_SHEET,      /* at the period end against the last year end */
    BP_SEC_KIND_COUNT
} bp_section_kind;

const char *bp_section_kind_id(bp_section_kind k);

typedef struct {
    bp_section_kind kind;
    char *title;             /* heading; a default per kind when not set */
    char **kpis;             /* KPI ids or "section:NAME"; none = all */
    size_t nkpis;
    char **ambitions;        /* actions: only these ambition ids; none = all */
    size_t nambitions;
    bool appendix;           /* numbered as an appendix */
    int line;
} bp_section;

/* A pack's money_units: setting; unset, the trust's (trust.csv money_units). */
typedef enum { BP_PACK_MONEY_TRUST, BP_PACK_MONEY_POUNDS, BP_PACK_MONEY_THOUSANDS } bp_pack_money;

typedef struct {
    char *id;                /* file name part: board, finance, quality, lgb */
    char *title;             /* "Board of Trustees"; NULL only in a per-LGB pack, which is
                                then called by trust.csv's local_tier */
    char *audience;
    bool per_lgb;            /* one document per local governing body */
    int max_exceptions;      /* max_exceptions: the entries of a main exceptions section,
                                the rest in an appendix; 0 = no limit */
    bp_pack_money money_units;   /* money_units: (contract v2) the pack's units over
                                    trust.csv's; BP_PACK_MONEY_TRUST: trust.csv's */
    bp_section *sections;
    size_t nsections;
    char *file;
    int line;
} bp_pack;

/* The units the pack's tables show money in: its own setting, else trust.csv's. */
bp_money_units bp_pack_money_units(const bp_pack *p, const bp_model *m);

typedef struct {
    bp_pack *packs;
    size_t count;
} bp_packset;

void bp_packset_init(bp_packset *s);
void bp_packset_free(bp_packset *s);

/* Parse one template's text and append its packs (a pack id already present is
 * replaced).  Errors as file:line:column go to diags; returns BP_OK or BP_ERR_PACK. */
bp_err bp_pack_parse(const char *display_name, const char *text, size_t len, bp_packset *s,
                     bp_diags *diags);

/* Every *.pack file in dir, in name order.  A folder that defines no pack is an error
 * (BP_ERR_PACK): build and batch exist to write packs. */
bp_err bp_pack_load_dir(const char *dir, bp_packset *s, bp_diags *diags);

int bp_pack_find(const bp_packset *s, const char *id);

/* What names nothing is never silently unused: a warning for each KPI id a section lists
 * that is not in the KPI set (at the section's line), and for each papers.csv row of a
 * pack the templates do not define (at the row). */
void bp_pack_warn_unused(const bp_packset *s, const bp_kpiset *kpis, const bp_model *m,
                         bp_diags *diags);

/* Does the section's KPI filter select this KPI (by id or by "section:NAME")? */
bool bp_section_selects(const bp_section *sec, const char *kpi_id, const char *kpi_section);

#endif
