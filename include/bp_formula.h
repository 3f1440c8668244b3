/* bp_formula: KPI expressions as live Excel formulas over the audit workbook (bp_xlsx).
 *
 * The compiler turns a bp_expr and an entity - the very bp_expr_ctx the engine evaluates
 * with (members, year, scenario, trust elimination, benchmark phase, course row) - into
 * a formula that follows the aggregation rules of bp_expr.h exactly, and that reads the
 * data only through the sums block of the Workings sheet (docs/workbook.md):
 *
 * No data.  Inside a formula no data is an Excel error value: NA() for a missing sum,
 * attribute or benchmark, #DIV/0! for a division by zero.  Errors propagate through
 * + - * /, comparisons, AND/OR/NOT, IF, MIN and MAX just as the engine's no data does.
 * At a cell boundary no data becomes the empty string: every cell formula is
 * IFERROR(x,"") so that the reader sees a blank cell and the cell can carry a cached
 * value.  A formula reading such a cell turns "" back into NA() (ISNUMBER).
 *
 * The data.  The Data sheet holds only the facts as typed (institution, year, scenario,
 * period, code, value, file, line: no formulas), so that sorting, filtering and new rows
 * change nothing but the facts themselves; the defined names Fact* are bounded ranges over
 * its rows 2..N, N = facts + 1 + BP_XL_SPARE_ROWS (Gnumeric rejects a table's structured
 * references and is slow on whole columns).  The sums block has one row per code, year
 * and scenario the workbook needs and one column per institution (its id in the header
 * row, its phase under it, looked up on Institutions), phase (SUMIF over that phase row,
 * so that a phase changed on Institutions moves the institution) and the trust.  A code's
 * total is its own facts - SUMIFS selecting by the criteria columns themselves, the code,
 * year, scenario and institution from the row's and column's headers - plus its children's
 * rows: the engine's "code" and "code.*", a subtree, never a bare prefix (a code with
 * many children reads "code.*" itself).  Totals are rounded to the facts' own places, so
 * each is the engine's figure exactly.  Beside each total its facts: 1 when the total is not zero (it has facts), else the number of facts,
 * so that a sum of 0 is told from no data exactly as bp_expr_eval tells them apart and
 * COUNTIFS runs only where the total is zero.  For the trust, a code above income.internal
 * or exp.internal has a second row with them taken out (the engine's elimination).  The
 * attributes (capacity, pan, the year years_in_trust counts from) and the non-minority
 * course sums are rows of the block too.  So sum(code) is IF(facts,total,NA()) over two
 * cells, whatever the entity.
 *
 * Per member.  A product of two data terms, a comparison, and/or/not, if, min, max,
 * kpi() and a sum with a non-zero default are formed for each member institution on a
 * Workings term row (one column per institution, over its own sums cells), and the row's
 * phase and trust columns add up the members' cells that have data, the phase's selected
 * by the same phase row; the entity reads its column.
 *
 * Exactness.  A status, points or grade formula decides on whole numbers, as
 * bp_target_decide decides on exact rationals.  The value is v' = v x 10^k: a division of
 * two exact decimals a / b is held as whole numbers a' and b' (the numerator and
 * denominator times one power of ten: pence, millionths or the data's own smallest unit)
 * in cells of their own on the Ratios sheet, which also work out floor(v') and ceil(v')
 * by exact whole-number division; any other exact decimal v gives ROUND(v x 10^k, 0).  A
 * threshold t is T = ROUND(t x 10^k, 0), a whole number; v >= t is floor(v') >= T and
 * v <= t is ceil(v') <= T, exactly.  Whole numbers below 2^53 are exact in a double and
 * compare exactly in Excel, LibreOffice and Gnumeric (LibreOffice counts other doubles within
 * 2^-48 of each other as equal), so a value one penny past a threshold is past it in the
 * spreadsheet too.  bp_formula_ratio_scales and bp_formula_decimal_scale choose the
 * powers of ten from the engine's values so that every whole number stays within
 * BP_FORMULA_EXACT_MAX and a' and b' within BP_FORMULA_PART_MAX; docs/limits.md says
 * what happens past them.  A value that is neither form (a ratio of ratios, a benchmark
 * inside the expression) is compared rounded to 12 places, and a threshold rounded to
 * 12.  Comparisons inside an expression (conditions, if) round each side to the decimal
 * places at which the engine's value is exact - 2 for money, 6 for other facts, 0 for
 * counts and conditions, 12 for ratios - a sum or attribute read from the sums block
 * being rounded there already.
 *
 * This header is also the workbook's layout contract: the sheets, columns and defined
 * names the formulas refer to, which bp_xlsx writes. */
#ifndef BP_FORMULA_H
#define BP_FORMULA_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"
#include "bp_excel.h"
#include "bp_expr.h"
#include "bp_kpi.h"
#include "bp_model.h"

/* Excel's limit on the length of a formula. */
#define BP_FORMULA_MAX BP_EXCEL_FORMULA_CHARS

/* ---- the layout contract ---- */

/* Defined names: bounded ranges over the Data sheet's fact rows (one a column), the
 * Courses sheet's course rows and the Institutions sheet's rows. */
#define BP_XL_FACT_INST "FactInst"
#define BP_XL_FACT_YEAR "FactYear"
#define BP_XL_FACT_SCENARIO "FactScenario"
#define BP_XL_FACT_PERIOD "FactPeriod"
#define BP_XL_FACT_CODE "FactCode"
#define BP_XL_FACT_VALUE "FactValue"
#define BP_XL_FACT_FILE "FactFile"
#define BP_XL_FACT_LINE "FactLine"
#define BP_XL_COURSE_INST "CourseInst"
#define BP_XL_COURSE_YEAR "CourseYear"
#define BP_XL_COURSE_MINORITY "CourseMinority"
#define BP_XL_COURSE_INCOME "CourseIncome"
#define BP_XL_COURSE_COSTS "CourseCosts"
#define BP_XL_COURSE_STUDENTS "CourseStudents"
#define BP_XL_INST_ID_NAME "InstId"
#define BP_XL_INST_PHASE_NAME "InstPhase"
#define BP_XL_INST_CAPACITY_NAME "InstCapacity"
#define BP_XL_INST_PAN_NAME "InstPan"
#define BP_XL_INST_BASE_NAME "InstBase"

/* The rows a bounded range takes in past the input's own, for rows a user adds. */
#define BP_XL_SPARE_ROWS 10000

#define BP_XL_SHEET_DATA "Data"
#define BP_XL_SHEET_INSTITUTIONS "Institutions"
#define BP_XL_SHEET_TARGETS "Targets"
#define BP_XL_SHEET_COURSES "Courses"
#define BP_XL_SHEET_WORKINGS "Workings"
#define BP_XL_SHEET_RATIOS "Ratios"

/* Data sheet columns: the header on row 1, one fact a row below it.  Period is empty for
 * a whole-year fact (contract v2's monthly facts carry M01..M12). */
enum {
    BP_XL_DATA_INST, BP_XL_DATA_YEAR, BP_XL_DATA_SCENARIO, BP_XL_DATA_PERIOD, BP_XL_DATA_CODE,
    BP_XL_DATA_VALUE, BP_XL_DATA_FILE, BP_XL_DATA_LINE, BP_XL_DATA_NCOLS
};

/* Institutions sheet: one row per institution in workbook order from this row. */
#define BP_XL_INST_FIRST_ROW 4
enum {
    BP_XL_INST_ID, BP_XL_INST_NAME, BP_XL_INST_PHASE, BP_XL_INST_JOINED, BP_XL_INST_CAPACITY,
    BP_XL_INST_PAN, BP_XL_INST_LGB, BP_XL_INST_BASE, BP_XL_INST_YEARS, BP_XL_INST_NCOLS
};

/* Courses sheet columns (one row per courses.csv row). */
enum {
    BP_XL_COURSE_C_INST, BP_XL_COURSE_C_YEAR, BP_XL_COURSE_C_NAME, BP_XL_COURSE_C_STUDENTS,
    BP_XL_COURSE_C_INCOME, BP_XL_COURSE_C_COSTS, BP_XL_COURSE_C_MINORITY, BP_XL_COURSE_NCOLS
};

/* Targets sheet: the national benchmark value column. */
#define BP_XL_BENCH_VALUE_COL 3

/* Workings sheet, the sums block and the term rows below it: code (or term), year,
 * scenario and a note, then the totals - one column per institution (workbook order),
 * one per phase, the trust - then, after a gap, the facts in the same order. */
enum { BP_XL_WORK_CODE, BP_XL_WORK_YEAR, BP_XL_WORK_SCENARIO, BP_XL_WORK_NOTE,
       BP_XL_WORK_FIRST_COL };

/* ---- formula text ---- */

typedef struct {
    char *s;
    size_t len, cap;
    bool nomem;
    const char *why;     /* why compiling failed, for the diagnostic */
    const bp_expr *at;   /* BP_ERR_LIMIT: the node that cannot be written (its position) */
} bp_fbuf;

void bp_fbuf_init(bp_fbuf *b);
void bp_fbuf_free(bp_fbuf *b);
void bp_fbuf_reset(bp_fbuf *b);
void bp_fbuf_puts(bp_fbuf *b, const char *s);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void bp_fbuf_printf(bp_fbuf *b, const char *fmt, ...);

/* "Sheet!$E$5" (the sheet quoted when it has a space); 0-based row and column. */
void bp_formula_ref(char *buf, size_t size, const char *sheet, int row, int col);
/* Column letters of a 0-based column: 0 -> "A", 27 -> "AB". */
void bp_formula_col(char *buf, size_t size, int col);

/* ---- the compiler ---- */

typedef struct bp_formula_env bp_formula_env;
struct bp_formula_env {
    const bp_model *model;
    const int *course_row;     /* per courses.csv row: its 0-based row on Courses */
    /* 0-based Targets row of the national.csv benchmark, -1 when there is none */
    int (*benchmark_row)(const bp_formula_env *env, int year, const char *phase,
                         const char *kpi);
    /* 0-based Workings row holding `node` for each institution on its own in ctx's year,
     * scenario, elimination and benchmark phase (see bp_formula_member_ctx); -1 on
     * failure (out of memory) */
    int (*helper_row)(const bp_formula_env *env, const bp_expr *node, const bp_expr_ctx *ctx);
    /* 0-based Workings row of the sums block holding code in year and scenario:
     * eliminated, the row of a code above income.internal or exp.internal with them taken
     * out; a course.* code has scenario -1, an attribute (capacity, pan, years_in_trust)
     * year 0 and scenario -1.  -1 when the block has no such row (bp_xlsx plans every row
     * a formula asks for before writing). */
    int (*sum_row)(const bp_formula_env *env, const char *code, int year, int scenario,
                   bool eliminated);
    /* 0-based Workings column of the totals of ctx's members - one institution, one whole
     * phase or the whole trust; -1 when they are none of those.  The facts are
     * facts_offset columns to the right. */
    int (*entity_col)(const bp_formula_env *env, const bp_expr_ctx *ctx);
    /* cash_min: writes the reference of the Cash flow sheet's lowest closing of ctx's
     * members (one institution or the whole trust) in ctx's year into buf and returns
     * true; false when the workbook has none (NULL: never), and cash_min is NA() */
    bool (*cash_low_ref)(const bp_formula_env *env, const bp_expr_ctx *ctx, char *buf,
                         size_t size);
    int facts_offset;
    void *arg;
};

/* The expression as a formula body (no '='): a number, or an error for no data.
 * BP_ERR_RENDER with out->why when the entity cannot be expressed (members that are
 * neither one institution, a whole phase nor the whole trust) or the sums block has no
 * row for a code; BP_ERR_LIMIT with out->why and out->at when a code is too long for the
 * criterion that selects it (BP_FORMULA_CODE_MAX). */
bp_err bp_formula_expr(const bp_expr *e, const bp_expr_ctx *ctx, const bp_formula_env *env,
                       bp_fbuf *out);

/* A cell: "=IFERROR(body,\"\")"; a money figure is rounded to the penny as the engine's
 * figures are printed. */
bp_err bp_formula_cell(const bp_expr *e, const bp_expr_ctx *ctx, bool money,
                       const bp_formula_env *env, bp_fbuf *out);

/* A whole number: "=IFERROR(ROUND(body*10^places,0),\"\")", the expression in units of
 * 10^-places (a ratio's numerator or denominator on the Ratios sheet). */
bp_err bp_formula_whole_cell(const bp_expr *e, const bp_expr_ctx *ctx, int places,
                             const bp_formula_env *env, bp_fbuf *out);

/* The longest code the workbook can sum: SUMIFS and COUNTIFS select it with a criterion,
 * and Excel matches at most BP_EXCEL_STRING_CHARS characters of one. */
#define BP_FORMULA_CODE_MAX BP_EXCEL_STRING_CHARS

/* Consolidation's codes (bp_model_sum eliminates them at trust scope): a code equal to or
 * under one of them is eliminated entirely; a code above one (its ancestor) has a sums
 * row with it taken out. */
extern const char *const bp_formula_internal_codes[];
#define BP_FORMULA_NINTERNAL 2

/* The ctx a per-member term is evaluated in, with what cannot affect the term's value
 * dropped (elimination when no summed code touches an internal transfer, the benchmark
 * phase when there is no national()), so that entities share Workings rows. */
bp_expr_ctx bp_formula_member_ctx(const bp_expr *node, const bp_expr_ctx *ctx);

/* Decimal places at which the expression's exact value is a whole number of units
 * (2 for money sums, 6 for other facts, 0 for counts), or -1 for a ratio. */
int bp_formula_places(const bp_expr *e, const bp_expr_ctx *ctx);
/* The same for a constant. */
int bp_formula_num_places(bp_num v);
/* The same for a grade's total: the most places of its measures' scores (-1 when one has
 * more than a formula's literal can hold). */
int bp_formula_grade_places(const bp_kpi *k);

/* A constant as formula text: exact decimals when it has at most 15 places. */
void bp_formula_num(char *buf, size_t size, bp_num v);

/* ---- statuses and grades ---- */

/* One candidate target for a value, in the order the engine tries them.  Formula
 * bodies: the condition (NULL: always), thresholds (NULL when unused by the comparator)
 * and amber ranges; and the same thresholds as whole numbers at the comparison's scale
 * (bp_formula_exact), cells the caller has worked them out in (NULL: written out as
 * ROUND(t*10^scale,0)). */
typedef struct {
    const char *when;
    bp_cmp cmp;
    const char *lo, *hi;
    const char *amber[2][2];
    size_t namber;
    const char *lo_whole, *hi_whole;
    const char *amber_whole[2][2];
} bp_formula_rule;

/* How a status, points or grade formula compares its value with each threshold t
 * (see "Exactness"), S standing for 10^scale and T for ROUND(t*S,0):
 *   BP_EXACT_WHOLE: floor >= T and ceil <= T - floor and ceil being the value times S
 *                   rounded down and up, whole numbers (cells on Ratios, or
 *                   bp_formula_whole for a value exact at scale places: both the same);
 *   BP_EXACT_NONE:  ROUND(value,places) >= ROUND(t,12), places -1 (a ratio) as 12. */
typedef enum { BP_EXACT_NONE, BP_EXACT_WHOLE } bp_exact_kind;
typedef struct {
    bp_exact_kind kind;
    const char *floor, *ceil;
    int scale;
    int places;
} bp_formula_exact;

/* "ROUND(value*10^scale,0)": a value exact at scale places as a whole number. */
void bp_formula_whole(char *buf, size_t size, const char *value, int scale);

/* Whole numbers a comparison multiplies stay below BP_FORMULA_EXACT_MAX, where a double
 * holds every whole number; a value or ratio part the spreadsheet adds up from facts
 * below BP_FORMULA_PART_MAX, so that the rounding of each addition (half a unit in the
 * last place of the sum) cannot reach half a unit of the whole number even after 256
 * additions.  A threshold is scaled to at least BP_FORMULA_EDIT_PLACES places when that
 * fits, so that one edited in the workbook keeps hundredths of a percent. */
#define BP_FORMULA_EXACT_MAX ((bp_i128)1 << 53)
#define BP_FORMULA_PART_MAX ((bp_i128)1 << 45)
#define BP_FORMULA_EDIT_PLACES 4

/* The scales of an exact comparison, from the engine's values.  A ratio num / den whose
 * parts are exact at places (the larger of bp_formula_places of each side): *parts, the
 * power of ten of the Ratios cells - places when that fits, else the data's own smallest
 * unit - and *scale, the thresholds'.  A decimal value exact at places: *scale, for the
 * value and the thresholds alike.  Thresholds that are no data are skipped; value, num
 * and den may be no data.  Returns false when a threshold is not a decimal of at most 15
 * places (no exact form: BP_EXACT_NONE), or when even the smallest scales leave a whole
 * number past its bound (then the smallest are given: the comparison is as exact as
 * doubles are, docs/limits.md). */
bool bp_formula_ratio_scales(bp_num num, bp_num den, int places, const bp_num *th, size_t nth,
                             int *parts, int *scale);
bool bp_formula_decimal_scale(bp_num value, int places, const bp_num *th, size_t nth,
                              int *scale);

/* "=IF(ISNUMBER(value), ..., \"none\")" giving "green", "amber", "red" or "none" as
 * bp_target_decide does: the first rule whose condition holds decides; inclusive
 * thresholds; no data in the value or a used threshold gives none.  ex: how the value
 * is compared. */
bp_err bp_formula_status(const char *value, const bp_formula_rule *rules, size_t n,
                         const bp_formula_exact *ex, bp_fbuf *out);

/* A grade measure's points: rows tried in order, the last with no threshold. */
typedef struct {
    const char *score;       /* cell */
    const char *threshold;   /* cell; NULL: the score otherwise */
    const char *threshold_whole;   /* the threshold as a whole number at the comparison's
                                      scale (a cell), NULL: ROUND(threshold*10^scale,0) */
    bool at_most;
} bp_formula_points_row;
bp_err bp_formula_points(const char *value, const bp_formula_points_row *rows, size_t n,
                         const bp_formula_exact *ex, bp_fbuf *out);

/* The grade's total: the sum of the points cells, no data if any is. */
bp_err bp_formula_grade_total(const char *const *points, size_t n, bp_fbuf *out);

/* The grade's label for a total: labels best first with their lowest totals (cells;
 * NULL for the last band, which has none); ex: how the total is compared.  A label of
 * more than BP_EXCEL_STRING_CHARS characters is BP_ERR_LIMIT (bp_kpi refuses them). */
bp_err bp_formula_grade_label(const char *total, const char *const *labels,
                              const char *const *mins, size_t n, const bp_formula_exact *ex,
                              bp_fbuf *out);

#endif
