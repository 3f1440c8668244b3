/* bp_model: one trust's data set in memory - the trust, its institutions, every fact and
 * the optional tables (courses, actions, strategy, papers, commentary, benchmarks) - plus
 * the lookups the KPI engine needs.  Built by bp_load; read-only afterwards. */
#ifndef BP_MODEL_H
#define BP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_num.h"

typedef enum {
    BP_PHASE_PRIMARY,
    BP_PHASE_SECONDARY,          /* 11-16 */
    BP_PHASE_SECONDARY_SIXTH,    /* 11-18 */
    BP_PHASE_SIXTH_FORM_COLLEGE,
    BP_PHASE_ALL_THROUGH,
    BP_PHASE_SPECIAL,
    BP_PHASE_ALTERNATIVE_PROVISION,
    BP_PHASE_CENTRAL,
    BP_PHASE_COUNT
} bp_phase;

const char *bp_phase_id(bp_phase p);      /* "secondary_sixth" */
const char *bp_phase_title(bp_phase p);   /* "Secondary with sixth form (11-18)" */
bool bp_phase_parse(const char *s, bp_phase *out);

/* The first three are the scenarios of the fact files; the in-year ones (contract v2,
 * "In-year figures") are formed from the monthly facts of the report year. */
typedef enum {
    BP_ACTUAL, BP_BUDGET, BP_FORECAST, BP_YTD_ACTUAL, BP_YTD_BUDGET, BP_OUTTURN,
    BP_SCENARIO_COUNT
} bp_scenario;
#define BP_INPUT_SCENARIOS 3     /* actual, budget, forecast: what a fact file may say */
const char *bp_scenario_id(bp_scenario s);
/* Only the input scenarios: a fact file or KPI file never names an in-year one. */
bool bp_scenario_parse(const char *s, bp_scenario *out);
/* The scenario whose targets apply: actual for ytd_actual and outturn, budget for
 * ytd_budget, else s itself. */
bp_scenario bp_scenario_base(bp_scenario s);

/* Months of a year: 1 (M01, September) .. 12 (M12, August).  bp_month_parse takes
 * M01..M12 or P01..P12 in any case; bp_month_format writes "M04". */
bool bp_month_parse(const char *s, size_t len, int *month);
void bp_month_format(int month, char *buf, size_t size);
/* "December 2023": the calendar month of month m of academic year `year`. */
void bp_month_long(int year, int month, char *buf, size_t size);

/* Academic/financial years are held as the starting calendar year: 2022 is "2022/23". */
void bp_year_format(int year, char *buf, size_t size);       /* "2022/23" */
bool bp_year_parse(const char *s, int *year);                 /* "2022/23" or "2022-23" */

/* Dates are days since 1970-01-01 (proleptic Gregorian). */
bool bp_date_parse(const char *s, int32_t *days);             /* strict YYYY-MM-DD */
int32_t bp_date_from_ymd(int y, int m, int d);
void bp_date_ymd(int32_t days, int *y, int *m, int *d);
void bp_date_format_long(int32_t days, char *buf, size_t size); /* "22 November 2024" */
void bp_date_format_iso(int32_t days, char *buf, size_t size);  /* "2024-11-22" */

typedef struct {
    char *id;
    char *name;
    bp_phase phase;
    int32_t joined;          /* days */
    bool has_capacity, has_pan;
    int64_t capacity, pan;
    char *lgb;               /* never NULL: defaults to id; NULL for the central row */
    int line;                /* in institutions.csv */
} bp_institution;

/* True when code is prefix or under it: prefix followed by '.' and more segments
 * ("exp.staff.teachers" is under "exp.staff"; "exp.staffing" is not).  The rule by which
 * sum(), consolidation and every code family select their codes. */
bool bp_code_under(const char *code, const char *prefix);

/* Money codes are those whose first segment is income, exp, memo, bs or cash. */
bool bp_code_is_money(const char *code);
/* Balance codes are bs.* and cash.opening (a month's figure is the balance at its end);
 * every other money code is a flow (a month's figure is the month's amount). */
bool bp_code_is_balance(const char *code);

/* The field of a course code, courses.csv's figures as facts ("income" for
 * "course.income", as bp_model_course_sum takes it), or NULL when code is not one. */
const char *bp_course_field(const char *code);

typedef struct {
    int inst;                /* index into model.insts */
    int year;
    bp_scenario scenario;
    int period;              /* 0: the whole year; 1..12: M01 (September) .. M12 (August) */
    const char *code;        /* interned: equal codes share one pointer */
    int64_t value;           /* pence when money, else millionths */
    bool money;
    int file;                /* index into model.inputs */
    int line;
    /* model.totals only: the figure cannot be formed (a budget not profiled by month, an
     * outturn with no months after the period, months not received); a sum over it is no
     * data, for its institution and every phase and trust total that includes it */
    bool nodata;
} bp_fact;

typedef struct {
    int inst;
    int year;
    char *course;
    int64_t students;        /* whole students */
    int64_t income, direct_costs;   /* pence */
    bool minority;
    int line;
} bp_course;

typedef enum {
    BP_ST_NOT_STARTED, BP_ST_ON_TRACK, BP_ST_AT_RISK, BP_ST_OFF_TRACK, BP_ST_COMPLETE,
    BP_ACTION_STATUS_COUNT
} bp_action_status;
const char *bp_action_status_id(bp_action_status s);
bool bp_action_status_parse(const char *s, bp_action_status *out);

typedef struct {
    char *id;
    int inst;
    int ambition;            /* index into model.ambitions */
    char *plan, *action, *owner, *evidence;
    int32_t due;
    bool has_updated;
    int32_t updated;
    bp_action_status status;
    /* the `kpis` column (contract v2): the ids of the KPIs the action addresses, as
     * written; the KPI set is read after the data, so bp_session checks them against it
     * (at kpis_column) and the packs match them by id */
    char **kpis;
    size_t nkpis;
    int kpis_column;
    int line;
} bp_action;

typedef struct { char *id, *title, *summary; } bp_ambition;

typedef struct {
    int inst;
    char *id, *title;
    int *ambitions;          /* indexes into model.ambitions */
    size_t nambitions;
} bp_priority;

typedef struct {
    char *pack, *meeting, *reference, *classification, *author, *purpose, *recommendation;
    bool has_meeting_date;
    int32_t meeting_date;    /* days, when meeting is a YYYY-MM-DD date */
    int line, column;        /* of the pack field: a row no pack uses is warned of there */
} bp_paper;

/* line, column: of the year (comment) and code (benchmark) fields, for the warnings of
 * rows nothing uses */
/* kpi: "" on a row about a finance code (contract v2): code, and period 1..12 or 0 for
 * the year; code NULL on a row about a KPI */
typedef struct {
    char *kpi, *entity;
    int year;
    char *text;
    int line, column;
    char *code;
    int period;
} bp_comment;

typedef struct { int year; char *phase; char *kpi; bp_num value; int line, column; } bp_benchmark;

/* One input file as read: for the data-quality section. */
typedef struct {
    char *name;              /* "finance.csv" */
    bool present;
    size_t rows;             /* data rows read (header and blank lines excluded) */
    int64_t money_total;     /* pence: sum of every money value in the file */
    bool has_money;
    unsigned char sha256[32];
} bp_input;

typedef struct {
    char *key, *value;
} bp_kv;

/* The first segments of the money codes a ledger maps to, for its control totals. */
#define BP_LEDGER_FAMILIES 5
extern const char *const bp_ledger_family[BP_LEDGER_FAMILIES];   /* "income" ... "cash" */

/* What one ignore rule left out of a ledger file. */
typedef struct {
    char *rule;              /* "ignore,9000..9199" as written */
    char *where;             /* "mapping.csv:12" or "templates/mappings/cfr.csv:40" */
    size_t rows;
    int64_t dc;              /* pence: debit - credit of those rows */
} bp_ledger_ignored;

/* One year and period of a ledger file whose actual rows' debits and credits differ. */
typedef struct {
    int year, period;        /* period 0: the whole year */
    int64_t debits, credits; /* pence */
} bp_ledger_unbalanced;

/* One ledger file's control totals (contract v2, Ledger import, data quality). */
typedef struct {
    int input;               /* index into inputs */
    size_t rows;             /* data rows below the header row */
    size_t above;            /* rows above the header row, skipped */
    size_t zero_skipped;     /* zero rows of accounts no rule maps, skipped */
    size_t ignored;          /* rows left out by ignore rules */
    int64_t debits, credits; /* pence, over the rows that are not subtotal lines */
    bool family_used[BP_LEDGER_FAMILIES];
    int64_t family_dc[BP_LEDGER_FAMILIES];     /* debit - credit of the rows mapped there */
    int64_t family_facts[BP_LEDGER_FAMILIES];  /* the sum of its facts after the sign */
    bp_ledger_ignored *ignores; size_t nignores;
    bp_ledger_unbalanced *unbalanced; size_t nunbalanced;   /* the trial balance's warnings */
} bp_ledger_totals;

/* trust.csv money_units: how statements show money (docs/data-format.md).  A
 * presentation setting only: every figure stays exact to the penny. */
typedef enum { BP_MONEY_POUNDS, BP_MONEY_THOUSANDS } bp_money_units;

typedef struct {
    /* trust.csv */
    char *id, *name;
    int report_year;
    int32_t as_of;
    char *central_id;
    char *local_tier;        /* what the trust calls its local tier, as written: trust.csv
                                local_tier, default "local governing body" */
    int central;             /* index of the central row in insts */
    bp_num weight[BP_PHASE_COUNT];   /* weight.PHASE, default 1 */
    bp_money_units money_units;      /* money_units, default pounds */
    int64_t suppress_max;            /* suppress_max: the largest count build --publish
                                        suppresses, default 5 */
    bp_kv *settings; size_t nsettings;   /* every trust.csv row, for extensions */

    bp_institution *insts; size_t ninsts;

    bp_fact *facts; size_t nfacts;   /* as read: sorted by inst, year, scenario, code, period */
    /* The whole-year figure of each (inst, year, scenario, code) that the KPIs read
     * (bp_model_sum): a whole-year fact as it is; a monthly series as its year (flows the
     * sum of the months, balances the latest month, whose number is kept in period); and
     * in in-year mode the ytd_actual, ytd_budget and outturn figures of the report year in
     * place of its actual (bp_model_totals).  NULL when every fact is whole-year and the
     * mode is annual: the facts are then their own totals. */
    bp_fact *totals; size_t ntotals;   /* sorted by inst, year, scenario, code */

    /* trust.csv period: the closed month of report_year (1..12), 0 when absent */
    int period;
    /* the year reported in-year: report_year when period is set and the year reported is
     * report_year; 0 in annual mode */
    int inyear;
    int reported_year;       /* the year reported (bp_model_totals) */
    /* in-year mode, per institution: bit m-1 set for each month m <= period with no actual
     * flow fact ("not received"); such an institution's ytd_actual and outturn are no data */
    uint16_t *missing;
    bp_course *courses; size_t ncourses;
    /* the courses' indexes by inst and year, each (inst, year) in file order
     * (bp_model_index_courses): bp_model_course_sum's sums without a pass over every
     * course; NULL until indexed */
    size_t *course_order;
    bp_action *actions; size_t nactions;
    bool actions_kpis;       /* actions.csv has a kpis column: the packs can say that no
                                action addresses an exception */
    bp_ambition *ambitions; size_t nambitions;
    bp_priority *priorities; size_t npriorities;
    bp_paper *papers; size_t npapers;
    bp_comment *comments; size_t ncomments;
    /* the comments' indexes by year, kpi and entity, equal ones in file order
     * (bp_model_index_comments): bp_commentary by binary search; NULL until indexed */
    size_t *comment_order;
    bp_benchmark *benchmarks; size_t nbenchmarks;

    bp_input *inputs; size_t ninputs;
    bp_ledger_totals *ledgers; size_t nledgers;   /* ledger files read (bp_ledger) */
    size_t rows_read;        /* every data row of every file */

    int years[64]; size_t nyears;    /* distinct fact years, ascending */

    char *kpi_file;          /* path of the data set's own kpis.kpi, or NULL */

    char **strings; size_t nstrings, capstrings;   /* interned codes */
} bp_model;

void bp_model_init(bp_model *m);
void bp_model_free(bp_model *m);

int bp_model_find_inst(const bp_model *m, const char *id);   /* -1 if none */
int bp_model_find_ambition(const bp_model *m, const char *id);

/* Sum of the facts of one institution, year and scenario whose code equals prefix or
 * starts with prefix followed by '.'.  Money and quantities are summed separately and
 * exactly.  When eliminate is true, codes under income.internal and exp.internal are
 * skipped.  Returns false (no data) when no fact matches. */
bool bp_model_sum(const bp_model *m, int inst, int year, bp_scenario s, const char *prefix,
                  bool eliminate, bp_num *out);
/* bp_model_sum telling apart a sum with no fact (NONE: skipped in a phase or trust sum)
 * from one that cannot be formed (NODATA: a total including it is no data too).  Reads
 * model.totals.  For the whole year of monthly balances whose codes under the prefix end
 * in different months, the balance at the earliest of those months (each code's latest
 * month at or before it). */
typedef enum { BP_SUM_NONE, BP_SUM_OK, BP_SUM_NODATA } bp_sum_state;
bp_sum_state bp_model_sum_state(const bp_model *m, int inst, int year, bp_scenario s,
                                const char *prefix, bool eliminate, bp_num *out);

/* The monthly facts of one (inst, year, scenario) under prefix, month by month: by[m-1]
 * gets the sum of the month-m facts (pence or millionths as bp_model_sum adds them) and
 * bit m-1 of the result is set when any fact of month m matched.  Whole-year facts are
 * not counted.  eliminate as for bp_model_sum. */
unsigned bp_model_months(const bp_model *m, int inst, int year, bp_scenario s,
                         const char *prefix, bool eliminate, int64_t by[12]);

/* The whole-year figures and in-year scenarios (model.totals, .inyear, .missing) for the
 * year reported (0: report_year); warnings (months not received, budgets not profiled,
 * outturns with no months after the period, balances ending in different months,
 * outturns from a whole-year forecast) go to diags.  bp_load_dataset_with calls it. */
bp_err bp_model_totals(bp_model *m, int year, bp_diags *diags);

/* courses.csv as facts: field is "income", "direct_costs", "students" or "count" (number
 * of courses).  Sums the non-minority courses of inst and year, or only the course with
 * index course when course >= 0 (minority or not).  False (no data) when none match. */
bool bp_model_course_sum(const bp_model *m, int inst, int year, const char *field, int course,
                         bp_num *out);
/* Indexes m->courses for bp_model_course_sum, once they are all read: model.course_order.
 * BP_ERR_NOMEM when out of memory. */
bp_err bp_model_index_courses(bp_model *m);

/* The income and expenditure lines of institution inst's actuals for year (its facts of
 * codes under income and exp) that no budget fact of that year covers - none of the same
 * code, of a code above it (a budget kept at a coarser level) or under it.  *lines gets
 * how many lines the actuals have; the first max missing facts go to missing (NULL:
 * count only).  Returns how many are missing.  A budget compared with full actuals over
 * only some of their lines shows a variance of nothing but the lines left out. */
size_t bp_model_budget_gaps(const bp_model *m, int inst, int year, size_t *lines,
                            const bp_fact **missing, size_t max);

/* True when any fact of the data set has this code or a code under it. */
bool bp_model_has_code(const bp_model *m, const char *prefix);

/* True when any institution has a fact for year and scenario with this code or a code
 * under it. */
/* Facts (and totals) are sorted by (inst, year, scenario, code), months after: the index
 * of the first of fs[0..n) at or after that group (n when none is). */
size_t bp_facts_lower_bound(const bp_fact *fs, size_t n, int inst, int year, bp_scenario s,
                            const char *code);
bool bp_model_has_facts(const bp_model *m, int year, bp_scenario s, const char *prefix);

/* Benchmark lookup: national.csv row for (year, phase id or "all", kpi); its index in
 * m->benchmarks, or -1 when there is none. */
int bp_model_find_benchmark(const bp_model *m, int year, const char *phase, const char *kpi);
bool bp_model_benchmark(const bp_model *m, int year, const char *phase, const char *kpi,
                        bp_num *out);

/* Whole years from joined to 1 September of the given academic year (may be negative). */
int bp_years_in_trust(const bp_institution *in, int year);

const bp_paper *bp_model_paper(const bp_model *m, const char *pack);

/* Commentary for a KPI, entity id and year from commentary.csv (the first such row), or
 * NULL.  Needs the comments indexed. */
const char *bp_commentary(const bp_model *m, const char *kpi, const char *entity, int year);
/* Indexes m->comments for bp_commentary once they are all read: model.comment_order.
 * BP_ERR_NOMEM when out of memory. */
bp_err bp_model_index_comments(bp_model *m);

#endif
