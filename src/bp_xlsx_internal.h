/* bp_xlsx_internal: what the audit workbook's writer shares between its files, as
 * libxlsxwriter shares its own between workbook, worksheet and styles - the sheets, the
 * writer's state (xl), the layout every formula points into, and the helpers that write
 * cells through one gate.  Not a public header: only src/bp_xlsx*.c include it.
 *
 * The files, lowest first (each calls only those before it, `make layers`):
 *   bp_xlsx_xml.c         libxlsxwriter's XML writer functions, interposed: the same
 *                         bytes for less work (no sheet; nothing here calls it)
 *   bp_xlsx_cells.c       failures and limits, the text gate, cells, formats
 *   bp_xlsx_received.c    in-year, the months not received: Workings' live count of them
 *   bp_xlsx_sums.c        the sums block of Workings: its rows, formulas and values
 *   bp_xlsx_layout.c      where everything goes: institution order, entities, the Targets
 *                         and Courses rows, the compiler's view of them (bp_formula_env)
 *   bp_xlsx_kpis.c        statuses; Scorecard, Forecast, Workings, Ratios
 *   bp_xlsx_inputs.c      Institutions, Targets, Data, Courses
 *   bp_xlsx_statements.c  Finance, Central charge
 *   bp_xlsx_lines.c       the statements by line: Income and expenditure, Budget v actual
 *   bp_xlsx_balance.c     Balance sheet, Reserves (the revenue reserve rolled forward)
 *   bp_xlsx_cashflow.c    Cash flow (in-year, or a year with cash.* facts)
 *   bp_xlsx_mgmt.c        Management accounts (in-year)
 *   bp_xlsx_checks.c      Checks: the integrity checks, the master check, provenance
 *   bp_xlsx_quality.c     Actions, Data quality, Contents
 *   bp_xlsx.c             the workbook: open, plan, write the sheets, close */
#ifndef BP_XLSX_INTERNAL_H
#define BP_XLSX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "bp_formula.h"
#include "bp_session.h"

/* ---- sheets ---- */

typedef enum {
    XS_CONTENTS, XS_SCORECARD, XS_DATA, XS_INSTITUTIONS, XS_TARGETS, XS_FINANCE, XS_FORECAST,
    XS_COURSES, XS_CHARGE, XS_ACTIONS, XS_QUALITY, XS_WORKINGS, XS_RATIOS, XS_IE, XS_BVA,
    XS_BALANCE, XS_RESERVES, XS_CHECKS, XS_CASHFLOW, XS_MGMT, XS_COUNT
} xl_sheet;

typedef struct {
    const char *name, *about;
} xl_sheet_info;
extern const xl_sheet_info xl_sheets[XS_COUNT];
/* The sheets as their tabs run: the cover, the inputs, then what is calculated from
 * them, the per-institution terms and whole numbers last (docs/workbook.md). */
extern const xl_sheet xl_tab_order[XS_COUNT];
/* The input sheets: never protected, since protection blocks sorting and inserting. */
bool xl_input_sheet(xl_sheet s);

/* ---- the writer's state ---- */

/* The workbook's one font (docs/workbook.md): every format and chart names it, so that
 * nothing boardpack writes falls back on the spreadsheet's default font. */
#define XL_FONT "Arial"
#define XL_FONT_SIZE 10

/* The number formats (docs/workbook.md, "Conventions"): money is whole pounds, or £000
 * with trust.csv money_units thousands (money, money_bold), negatives in brackets; pence
 * only where the penny is the point (pence: the Data sheet and the control totals);
 * pounds: whole pounds whatever money_units says (thresholds, as they are typed). */
#define XL_NINPUTS 12
typedef struct {
    lxw_format *title, *subtitle, *note, *header, *header_wrap, *header_num, *header_mid, *text,
        *wrap, *bold, *link, *formula_text, *date, *status, *none, *green, *amber, *red;
    lxw_format *money, *money_bold, *pounds, *pence, *percent, *fine_percent, *ratio, *number,
        *whole, *quantity, *exact;
    /* each format an input cell takes, and its twin in the input style (xl_input) */
    lxw_format *plain[XL_NINPUTS], *input[XL_NINPUTS];
    size_t ninputs;
} xl_formats;

/* An institution, a phase or the trust, with its members in workbook order. */
typedef struct {
    bp_scope scope;
    int entity;              /* institution index, bp_phase, 0 for the trust */
    const int *members;
    size_t nmembers;
    bool eliminate;
    const char *national;    /* benchmark phase: the phase id, "all" for the trust */
    bp_phase phase;          /* own phase; BP_PHASE_COUNT for the trust */
    bool central;
    const char *id, *name;
} xl_entity;

/* The input the cells being written come from, for the message of a limit they break:
 * a position in a data set file or a KPI file (file NULL: none), and what it is. */
typedef struct {
    const char *file;
    int line, column;
    char what[96];
} xl_src;

/* A per-institution term on the Workings sheet. */
typedef struct {
    const bp_expr *node;
    bp_expr_ctx ctx;
    xl_src src;              /* the KPI that asked for it first */
} xl_helper;

/* Whole numbers a status compares, on the Ratios sheet: a ratio's numerator and
 * denominator (den NULL: a value on its own) in ctx, in units of 10^-parts, and the
 * ratio times 10^scale rounded down and up. */
typedef struct {
    const bp_expr *num, *den;
    bp_expr_ctx ctx;
    int parts, scale;
    const char *kpi, *measure;
    xl_src src;
} xl_ratio;

/* A row of the sums block on Workings (bp_formula.h, "The data"). */
typedef enum {
    XR_ATTR,         /* an attribute: capacity, pan, years_in_trust (its "counts from") */
    XR_FACTS,        /* a code's facts and its children's rows */
    XR_ELIMINATED,   /* the row before it with income.internal or exp.internal taken out */
    XR_COURSE        /* a course.* sum over the non-minority courses */
} xl_sum_kind;

typedef struct {
    const char *code;        /* not terminated: code[0..len) */
    size_t len;
    int year;                /* 0 for an attribute */
    int scenario;            /* bp_scenario; -1 for a course sum or an attribute */
    xl_sum_kind kind;
    int row;                 /* its row on Workings */
    size_t child0, nchild;   /* XR_FACTS, XR_ELIMINATED: its children, x->sum_child[child0..] */
    int plain;               /* XR_ELIMINATED: the index of the code's own row */
    int eliminated;          /* XR_FACTS: the index of its eliminated row, -1 if none */
    bool internal;           /* XR_FACTS: the code is or is under an internal code */
    bool money;
    /* XR_FACTS, XR_ELIMINATED: the facts' Period its SUMIFS selects (docs/workbook.md,
     * "Months"): 0 the whole-year facts only (Period empty: every year and scenario without
     * monthly facts, so every annual workbook), -1 every period (a flow of a year and
     * scenario with monthly facts: the months add up to the year), 1..12 that month (a
     * balance: the balance at the latest month given, the closed period for the report
     * year's actuals in-year) */
    int period;
} xl_sum;

typedef struct {
    const bp_session *s;
    const bp_model *m;
    const bp_results *res;
    const char *path;
    bp_diags *diags;
    bp_err err;                   /* the first failure; later writes are skipped */
    bool dry;                     /* bp_xlsx_check: every cell planned, nothing written */
    xl_src src;                   /* where the cells being written come from */
    size_t nlimits;               /* limits reported (a dry run goes on past them) */
    bool full[XS_COUNT];          /* a sheet's rows ran out: reported once */
    lxw_workbook *wb;
    lxw_worksheet *ws[XS_COUNT];
    xl_formats f;
    bp_formula_env env;
    bp_fbuf fb;
    /* layout */
    int *inst_order, *inst_pos;   /* workbook position <-> model index */
    int *members;                 /* the entities' member lists */
    xl_entity *ents;
    size_t nents;
    size_t *target0;              /* per KPI: index of its first target in target_row */
    int *target_row;              /* per target: its Targets row */
    int *bench_row;               /* per benchmark: its Targets row */
    size_t *measure0;             /* per KPI: index of its first measure */
    size_t *points0;              /* per measure: index of its first points row */
    int *points_row;              /* per points row: its Targets row */
    size_t *band0;                /* per KPI: index of its first grade band */
    int *band_row;                /* per grade band: its Targets row */
    int tg_bench_at, tg_grades_at, tg_defs_at;   /* Targets sections: their blank row */
    int *course_row;              /* per course: its Courses row */
    int *score_row;               /* per KPI: its row in the Scorecard, -1 if none */
    int finance_row[3];           /* consolidated income, expenditure, result rows */
    int finance_report_col;       /* the report year's actual column, -1 if none */
    int ie_result_row;            /* Income and expenditure: the in-year result's row */
    int *bva_rows;                /* Budget v actual, per block (the trust, then each
                                   * institution): the rows of total income and total
                                   * expenditure, -1 none; NULL without blocks */
    xl_helper *helpers;
    size_t nhelpers, caphelpers;
    xl_ratio *ratios;
    size_t nratios, capratios;
    size_t *ratio_slot;           /* the ratios by hash: index + 1, 0 an empty slot */
    size_t nratio_slots;          /* a power of two above twice nratios, or 0 */
    /* the sums block (Workings): rows sorted by year, scenario and code, the attributes
     * first and the course sums last; the columns of the entities */
    xl_sum *sums;
    size_t nsums, sums_facts0, sums_facts1;   /* the fact rows: sums[facts0..facts1) */
    size_t *sum_child;            /* the children of each row, as indexes */
    int *phase_col;               /* per bp_phase: its totals column, -1 if none */
    int trust_col, facts_offset;  /* the trust's totals column; facts are this far right */
    /* per fact row of the block and entity column (institutions, phases, the trust): a
     * formula outside the block reads its facts cell.  The block is written last and
     * has a fact row's facts cell only where it is read, or read through another facts
     * cell (docs/workbook.md, "The sums block"); xl_put_formula notes the readers. */
    unsigned char *facts_read;
    size_t facts_cols;
    bool sums_written;            /* the block is written: a new reader is an error */
    int terms_at;                 /* Workings: the row of the term rows' title */
    int recv_row;                 /* in-year, Workings: the months not received per
                                   * institution (bp_xlsx_received.c); -1 annual */
    /* Ratios: whole-number thresholds, one row per target; then the values from here */
    int *target_scale;            /* per target: the power of ten of its row, -1: none */
    int *point_wrow;              /* per points row: its whole threshold's row, -1: none */
    int *measure_scale;           /* per measure: the power of ten of its points' rows */
    int ratios_first;
    /* Courses: the institution averages' rows above the course rows */
    int avg_at;                   /* their title's row */
    int courses_header;           /* the course rows' header */
    size_t navg;
    /* the integrity checks the sheets have made of their own figures (xl_add_check) */
    struct xl_check_ref *checks;
    size_t nchecks, capchecks;
    /* Data quality: per input file its row (-1: none), and the columns of the money
     * total as read and as it stands on Data, which the provenance checks compare */
    int *quality_row;
    int quality_read_col, quality_data_col;
    size_t nintegrity;            /* Checks: the integrity checks the master check counts */
} xl;

/* ---- the layout: rows and columns the formulas point at ---- */

/* Targets sheet columns, and the grade scale rows' */
enum {
    TG_KPI, TG_NAME, TG_TEXT, TG_CMP, TG_LO, TG_HI, TG_AMBER, TG_SCOPE = TG_AMBER + 4, TG_PHASES,
    TG_SCENARIOS, TG_FROM, TG_WHEN, TG_NCOLS
};
/* Grade scale rows: points (score, test, threshold) and grade bands (lowest total). */
enum { GS_SCORE = 2, GS_TEST = 3, GS_THRESHOLD = 4 };
#define TARGETS_FIRST_ROW 4
/* Workings: title, subtitle, a blank row, the sums block's title, its header of
 * institution, phase and trust ids, the phase row (each institution's, looked up on
 * Institutions), then the sums. */
#define WORK_HEAD_ROW 4
#define WORK_PHASE_ROW 5
#define WORK_SUMS_ROW 6
/* Ratios: title, subtitle, a blank row, the thresholds' title and header, one row per
 * target; a blank row, the values' title and header, one row per value. */
#define RATIO_THRESHOLDS_ROW 5
enum { RT_KPI, RT_ENTITY, RT_COURSE, RT_YEAR, RT_SCEN, RT_NUM, RT_DEN, RT_PARTS, RT_SCALE,
       RT_SNUM, RT_SDEN, RT_FLOOR, RT_CEIL, RT_NCOLS };
/* the thresholds' columns: KPI, target, scale, then one a threshold of the Targets row */
enum { RW_KPI, RW_TARGET, RW_SCALE, RW_LO, RW_HI, RW_AMBER, RW_NCOLS = RW_AMBER + 4 };

/* The finance lines' expressions, parsed once: the same compiler and evaluator as the
 * KPIs, so consolidation here is exactly the engine's. */
enum { FX_INCOME, FX_EXP, FX_INCOME_INTERNAL, FX_EXP_INTERNAL, FX_RESULT, FX_ON_ROLL,
       FX_INTERNAL_IN, FX_INTERNAL_OUT, FX_CHARGED, FX_COUNT };

/* ---- failures and limits (bp_xlsx_cells.c) ---- */

bool xl_live(const xl *x);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void xl_fail(xl *x, bp_err err, const char *fmt, ...);
void xl_nomem(xl *x);
/* A dry run goes on past a limit: has this input already had its error? */
bool xl_reported(const xl *x, const xl_src *at);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void xl_limit(xl *x, const xl_src *at, const char *fmt, ...);
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void xl_set_src(xl *x, const char *file, int line, int column, const char *fmt, ...);
void xl_no_src(xl *x);
void xl_check(xl *x, lxw_error e, xl_sheet s, int row, int col);
void xl_check_book(xl *x, lxw_error e, const char *what);
bool xl_compiled(xl *x, bp_err err, const char *what);

/* ---- integrity checks ---- */

/* An integrity check a sheet makes of its own figures: a block of cells on that sheet,
 * each holding 0 while what it checks holds (a difference rounded to the penny, or 1 for
 * a condition that fails).  The sheets register them as they write them; the Checks
 * sheet lists every one and feeds the master check on Contents from them, so that a
 * statement's check sits beside the figures it checks and is counted in one place.
 * Register a block just before writing its cells (no other check in between):
 * xl_put_formula counts the cells of the latest block whose cached value is not 0, for
 * the cached value of the Checks row.  The tamper test (tests/e2e/workbook.sh)
 * overwrites the last cell the block's first formula refers to with a constant, and
 * expects the check to fail: let that be a figure it checks. */
typedef struct xl_check_ref {
    xl_sheet sheet;
    int r0, c0, r1, c1;      /* the block, inclusive */
    char *what;              /* what holds while it is zero, a sentence for the reader */
    size_t failing;          /* cells of the block written with a cached value not 0 */
} xl_check_ref;

void xl_add_check(xl *x, xl_sheet s, int r0, int c0, int r1, int c1, const char *what);

/* ---- text ---- */

bool xl_xml_text_ok(xl *x, const char *text, const char *where);
bool xl_cell_text_ok(xl *x, const char *text, xl_sheet s, int row, int col);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void xl_text_fmt(char *buf, size_t size, const char *fmt, ...);
char *xl_copy_text(xl *x, const char *s);
void xl_flag_words(unsigned flags, const char *(*name)(int), int n, char *buf, size_t size);
const char *xl_scope_word(int i);
const char *xl_phase_word(int i);
const char *xl_scenario_word(int i);

/* ---- cells ---- */

/* A formula's cached result: a number, or text ("" for no data, a status word). */
typedef struct {
    bool is_text;
    double num;
    const char *text;
} xl_cache;

xl_cache xl_cache_text(const char *t);
xl_cache xl_cache_double(double v);
xl_cache xl_cache_num(bp_num v, bool money);
void xl_put_text(xl *x, xl_sheet s, int row, int col, const char *text, lxw_format *f);
void xl_put_number(xl *x, xl_sheet s, int row, int col, double v, lxw_format *f);
void xl_put_money(xl *x, xl_sheet s, int row, int col, int64_t pence, lxw_format *f);
void xl_put_blank(xl *x, xl_sheet s, int row, int col, lxw_format *f);
void xl_put_date(xl *x, xl_sheet s, int row, int col, int32_t days);
void xl_put_formula(xl *x, xl_sheet s, int row, int col, const char *formula, lxw_format *f,
                    xl_cache v);
void xl_put_link(xl *x, xl_sheet s, int row, int col, xl_sheet to, int trow, int tcol,
                 lxw_format *f, xl_cache v);
void xl_put_url(xl *x, xl_sheet s, int row, int col, xl_sheet to, int trow, int tcol,
                const char *text);
void xl_set_col(xl *x, xl_sheet s, int first, int last, double width, lxw_format *f);
int xl_rows_end(int first, size_t rows);
int xl_wrapped_lines(const char *text, double width);
void xl_fit_row(xl *x, xl_sheet s, int row, int lines);
int xl_max_int(int a, int b);
void xl_merge(xl *x, xl_sheet s, int row, int c0, int c1, const char *text, lxw_format *f);
void xl_put_title(xl *x, xl_sheet s, const char *title, const char *subtitle);
void xl_put_headers(xl *x, xl_sheet s, int row, int col, const char *const *names, size_t n);
void xl_put_headers_as(xl *x, xl_sheet s, int row, int col, const char *const *names, size_t n,
                       const char *align);
lxw_format *xl_header_as(const xl *x, char align);
void xl_put_input_date(xl *x, xl_sheet s, int row, int col, int32_t days);
void xl_validate_words(xl *x, xl_sheet s, int first, int col, size_t nrows,
                       const char *(*word)(int), int n, const char *what);
void xl_print_setup(xl *x, xl_sheet s, int header_first, int header_last);
void xl_define(xl *x, const char *name, const char *formula);

/* ---- formats ---- */

void xl_make_formats(xl *x);
lxw_format *xl_input(const xl *x, lxw_format *plain);
const char *xl_money_note(const xl *x);
void xl_chart_style(xl *x, lxw_chart *ch, double lowest);
lxw_format *xl_unit_format(const xl *x, bp_unit u);
lxw_format *xl_kpi_format(const xl *x, const bp_kpi *k);
void xl_status_colours(xl *x, xl_sheet s, int r0, int c0, int r1, int c1);

/* ---- layout (bp_xlsx_layout.c) ---- */

void xl_plan(xl *x);
bp_expr_ctx xl_entity_ctx(const xl *x, const xl_entity *e, int year, bp_scenario sc);
bp_expr_ctx xl_inst_ctx(const xl *x, int inst, int year, bp_scenario sc);
const xl_entity *xl_trust_entity(const xl *x);
bool xl_target_applies(const bp_target *t, const xl_entity *e, int year, bp_scenario sc);
const bp_result *xl_result_of(const xl *x, size_t kpi, const xl_entity *e, int year,
                              bp_scenario sc);
void xl_target_cell(const xl *x, char *buf, size_t size, size_t kpi, size_t t, int col);
bool xl_cell_formula(xl *x, const bp_expr *e, const bp_expr_ctx *c, bool money,
                     const char *what);

/* ---- the sums block (bp_xlsx_sums.c) ---- */

int xl_base_year(const bp_institution *in);
void xl_plan_sums(xl *x);
int xl_sum_find(const xl *x, const char *code, size_t len, int year, int scenario);
/* In-year: is row s one of the report year's actuals to date, which an institution with a
 * month not received leaves at no data (bp_xlsx_received.c)? */
bool xl_sum_ytd(const xl *x, const xl_sum *s);
/* In-year, the report year, whose KPIs the Scorecard shows on the outturn (the sums block
 * has rows of scenario BP_OUTTURN for it); 0 when annual. */
int xl_outturn_year(const xl *x);
/* The number of months up to the period institution p (workbook position) has not sent;
 * 0 when annual or it is not expected to send any (bp_model's missing months). */
int xl_months_missing(const xl *x, size_t p);
/* The months not received of all institutions (the trust's count): while not 0 every
 * year to date and outturn of the trust is no data. */
int xl_trust_missing(const xl *x);
void xl_write_received(xl *x);
/* The engine's value of e in c, as the workbook's statements state it: in-year the report
 * year's actuals are those to date (no data for an entity with a member's month not
 * received, as on Workings); otherwise bp_expr_eval. */
bp_num xl_engine_eval(const xl *x, const bp_expr *e, const bp_expr_ctx *c);
/* The same over the institutions that sent every month: Data quality's internal
 * transfers of the trust read the sums block's totals, which leave out an institution
 * with a month not received (what was received must reconcile). */
bp_num xl_engine_eval_sent(const xl *x, const bp_expr *e, const bp_expr_ctx *c);
/* Is sheet s in this workbook?  Every sheet but Cash flow, which only one whose year has
 * cash.* facts has (no annual fixture's), and Management accounts, only in-year. */
bool xl_sheet_present(const xl *x, xl_sheet s);
/* The Cash flow sheet: the blocks' rows from their title (header, opening, receipts,
 * payments, an institution's internal receipts and payments - the trust eliminates them -,
 * closing, the month's flow facts, the check), the columns M01..M12, the lowest closing and A; block i of
 * bp_inyear_cashflows' list starts at xl_cashflow_block_row(i); the lowest closing of
 * institution inst (-1: the trust) is on row xl_cashflow_low_row (-1: none), column CF_LOW. */
enum { CF_HEAD = 1, CF_OPEN, CF_REC, CF_PAY, CF_IREC, CF_IPAY, CF_CLOSE, CF_FACTS, CF_CHECK,
       CF_NROWS };
#define XL_CF_FIRST 3
#define CF_M01 2
#define CF_LOW (CF_M01 + 12)
#define CF_AVG (CF_LOW + 1)
int xl_cashflow_block_row(size_t i);
int xl_cashflow_low_row(const xl *x, int inst);
/* bp_formula_env.cash_low_ref (env->arg is the xl) */
bool xl_cash_low_ref(const bp_formula_env *env, const bp_expr_ctx *c, char *buf, size_t size);
/* The cell of A (the year's payments / 12) beside the lowest closing xl_cash_low_ref
 * names; false where that has none */
bool xl_cash_avg_ref(const xl *x, const bp_expr_ctx *c, char *buf, size_t size);
/* The year and last actual month the Cash flow sheet shows: in-year the report year to
 * its period, else the year reported to M12. */
int xl_cashflow_year(const xl *x);
int xl_cashflow_period(const xl *x);
void xl_write_cashflow(xl *x);
/* Does row s add up a fact of this period (0: whole-year)? */
bool xl_sum_takes(const xl_sum *s, int period);
int xl_phase_index(const xl *x, bp_phase ph);
size_t xl_course_years(const xl *x, int *years, size_t max);
void xl_write_sums(xl *x);
char *xl_body_formula(xl *x, const bp_expr *e, const bp_expr_ctx *c, const char *what);

/* ---- statuses (bp_xlsx_kpis.c) ---- */

/* A value a status, points or grade formula decides on: its cell, and what the cell
 * holds - an expression (a KPI's or a measure's), or a grade's total. */
typedef struct {
    const char *cell;
    const bp_expr *e;        /* NULL: a grade's total, the engine's value total */
    bool money;              /* the cell is rounded to the penny */
    bp_num total;            /* a grade's total */
    int places;              /* a grade's total: where it is exact */
    const char *kpi, *measure;   /* what it is, for the Ratios sheet */
} xl_value;

/* The candidate targets of one value as bp_formula rules, with the strings they own and
 * the engine's thresholds. */
typedef struct {
    bp_formula_rule *rules;
    size_t *target;          /* per rule: its target's index in target_row */
    char **owned;
    size_t nrules, nowned;
    bp_num *th;
    size_t nth;
} xl_rules;

bool xl_rules_init(xl *x, xl_rules *r, size_t ntargets);
void xl_rules_free(xl_rules *r);
void xl_add_rule(xl *x, xl_rules *r, size_t kpi, size_t ti, const bp_expr_ctx *c,
                 const char *when);
void xl_put_status_rules(xl *x, xl_sheet s, int row, int col, const xl_value *v,
                         const bp_expr_ctx *c, xl_rules *r, bp_status cached);
void xl_target_src(xl *x, const bp_kpi *k, const bp_target *t);
void xl_put_status(xl *x, xl_sheet s, int row, int col, size_t kpi, const xl_entity *e,
                   const bp_expr_ctx *c, const xl_value *v, bp_status cached);

/* ---- the statements by line (bp_xlsx_lines.c) ---- */

/* An amount in pence, or no data. */
typedef struct {
    bool has;
    int64_t p;
} xl_amt;

xl_cache xl_cache_amt(xl_amt a);
xl_amt xl_amt_add(xl_amt a, xl_amt b, int sign);
int xl_sums_row(const xl *x, const char *code, int year, int sc, bool eliminated);
int xl_sums_col(const xl *x, int p);
bool xl_fact_ref(const xl *x, char *buf, size_t size, const char *code, int year, int sc,
                 bool eliminated, int p);
bp_scenario xl_engine_scenario(const xl *x, int year, bp_scenario sc);
xl_amt xl_engine_sum(const xl *x, int p, const char *code, int year, bp_scenario sc,
                     bool eliminated);
void xl_code_label(char *buf, size_t size, const char *code, size_t len);

/* A statement's rows: the top code's title (income, exp), a group's title, a line of the
 * data, the rest of a code its lines do not analyse, a group's subtotal, the top's
 * total, a blank row, the in-year result. */
typedef enum {
    XL_LN_TITLE, XL_LN_GROUP, XL_LN_LINE, XL_LN_REST, XL_LN_SUBTOTAL, XL_LN_TOTAL, XL_LN_BLANK,
    XL_LN_RESULT
} xl_line_kind;

typedef struct {
    xl_line_kind kind;
    char code[BP_FORMULA_CODE_MAX + 1];
    int top;                 /* the index of its top code's title row */
    int first, last;         /* subtotal, total: the rows it adds up; result: income, exp
                              * totals; rest: -1 for the rest of the top code */
    bool internal;           /* the code is or is under an internal code */
} xl_line;

typedef struct {
    xl_line *rows;
    size_t n, cap;
    int income_total, exp_total, result;
} xl_lines;

void xl_plan_lines(xl *x, xl_lines *pl, int year, const bp_scenario *scs, size_t nsc,
                   bool internal);
void xl_line_sum_formula(const xl_lines *pl, const xl_line *l, int base, int col,
                         const char *total, const char *facts, bp_fbuf *b);
xl_amt xl_line_sum_value(const xl_lines *pl, const xl_line *l, const xl_amt *v,
                         xl_amt code_total);
void xl_line_label(xl *x, xl_sheet s, int row, const xl_line *l);
/* Income and expenditure: the first institution's column; the total of the institutions
 * follows the last institution. */
#define XL_IE_COL 2

/* ---- the sheets, in the order bp_xlsx.c writes them ---- */

void xl_write_institutions(xl *x);
void xl_write_targets(xl *x);
void xl_write_data(xl *x);
void xl_write_courses(xl *x);
void xl_write_scorecard(xl *x);
void xl_write_forecast(xl *x);
void xl_write_finance(xl *x, bp_expr *const *ex);
void xl_write_charges(xl *x, bp_expr *const *ex);
void xl_write_ie(xl *x);
void xl_write_bva(xl *x);
void xl_write_mgmt(xl *x);
void xl_write_balance(xl *x);
void xl_write_reserves(xl *x);
void xl_write_actions(xl *x);
void xl_write_quality(xl *x, bp_expr *const *ex);
void xl_write_checks(xl *x);
int xl_put_check_summary(xl *x, xl_sheet s, int row, bool see);
void xl_write_contents(xl *x);
void xl_write_ratios(xl *x);
void xl_write_workings(xl *x);

#endif
