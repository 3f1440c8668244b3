/* bp_formula: KPI expressions as live Excel formulas over the audit workbook (bp_xlsx).
 *
 * The compiler turns a bp_expr and an entity - the very bp_expr_ctx the engine evaluates
 * with (members, year, scenario, trust elimination, benchmark phase, course row) - into
 * a formula that follows the aggregation rules of bp_expr.h exactly:
 *
 * No data.  Inside a formula no data is an Excel error value: NA() for a missing sum,
 * attribute or benchmark, #DIV/0! for a division by zero.  Errors propagate through
 * + - * /, comparisons, AND/OR/NOT, IF, MIN and MAX just as the engine's no data does.
 * At a cell boundary no data becomes the empty string: every cell formula is
 * IFERROR(x,"") so that the reader sees a blank cell and the cell can carry a cached
 * value.  A formula reading such a cell turns "" back into NA() (ISNUMBER), and a range
 * of such cells is added up with COUNT and SUM, which skip text.
 *
 * Sums.  sum(code) over the Data sheet is SUMIFS with an exact criterion on the code
 * plus a "code.*" wildcard criterion (a bare "exp.staff*" would also take exp.staffing),
 * and COUNTIFS decides no data.  Each fact's key (phase|institution|year|scenario)
 * selects the entity: "secondary|MHS|2022/23|actual" for one institution,
 * "secondary|*|2022/23|actual" for a phase, "*|2022/23|actual" for the trust, so no
 * formula lists members.  At trust scope the income.internal and exp.internal subtrees
 * under the summed code are subtracted (all of it when the code is itself internal).
 *
 * Per member.  A product of two data terms, a comparison, and/or/not, if, min, max,
 * kpi() and a sum with a non-zero default are formed for each member institution on the
 * Workings sheet (one row per term, one column per institution) and the entity adds up
 * the members' cells that have data: IF(COUNT(r),SUM(r),NA()).  Institutions are laid
 * out phase by phase, so every phase and the trust is one contiguous range and formula
 * length does not grow with the number of institutions.
 *
 * Exactness.  A status, points or grade formula decides on whole numbers, as
 * bp_target_decide decides on exact rationals.  A ratio a / b (the expression is a
 * division of two exact decimals) compares a' x 10^k with T x b', where a' and b' are
 * the numerator and denominator times one power of ten (pence, millionths or the data's
 * own smallest unit), rounded to whole numbers in cells of their own (the Ratios sheet),
 * and T is the threshold times 10^k, rounded; any other exact decimal v compares
 * ROUND(v x 10^k, 0) with T.  Whole numbers below 2^53 are exact in a double and compare
 * exactly in Excel and LibreOffice alike (LibreOffice counts other doubles within 2^-48
 * of each other as equal), so a value one penny past a threshold is past it in the
 * spreadsheet too.  bp_formula_ratio_scales and bp_formula_decimal_scale choose the
 * powers of ten from the engine's values so that every whole number stays within
 * BP_FORMULA_EXACT_MAX and a' and b' within BP_FORMULA_PART_MAX; docs/limits.md says
 * what happens past them.  A value that is neither form (a ratio of ratios, a benchmark
 * inside the expression) is compared rounded to 12 places, and a threshold rounded to
 * 12.  Comparisons inside an expression (conditions, if) round each side to the decimal
 * places at which the engine's value is exact - 2 for money, 6 for other facts, 0 for
 * counts and conditions, 12 for ratios.
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

/* Defined names over the Data sheet's columns and the Courses sheet's course rows. */
#define BP_XL_FACT_VALUE "FactValue"
#define BP_XL_FACT_KEY "FactKey"
#define BP_XL_FACT_CODE "FactCode"
#define BP_XL_FACT_SOURCE "FactSource"
#define BP_XL_COURSE_KEY "CourseKey"
#define BP_XL_COURSE_MINORITY "CourseMinority"
#define BP_XL_COURSE_INCOME "CourseIncome"
#define BP_XL_COURSE_COSTS "CourseCosts"
#define BP_XL_COURSE_STUDENTS "CourseStudents"

#define BP_XL_SHEET_INSTITUTIONS "Institutions"
#define BP_XL_SHEET_TARGETS "Targets"
#define BP_XL_SHEET_COURSES "Courses"
#define BP_XL_SHEET_WORKINGS "Workings"

/* Institutions sheet: one row per institution in workbook order from this row. */
#define BP_XL_INST_FIRST_ROW 4
enum {
    BP_XL_INST_ID, BP_XL_INST_NAME, BP_XL_INST_PHASE, BP_XL_INST_JOINED, BP_XL_INST_CAPACITY,
    BP_XL_INST_PAN, BP_XL_INST_LGB, BP_XL_INST_BASE, BP_XL_INST_YEARS, BP_XL_INST_NCOLS
};

/* Courses sheet columns (one row per courses.csv row). */
enum {
    BP_XL_COURSE_C_INST, BP_XL_COURSE_C_YEAR, BP_XL_COURSE_C_NAME, BP_XL_COURSE_C_STUDENTS,
    BP_XL_COURSE_C_INCOME, BP_XL_COURSE_C_COSTS, BP_XL_COURSE_C_MINORITY, BP_XL_COURSE_C_KEY,
    BP_XL_COURSE_NCOLS
};

/* Targets sheet: the national benchmark value column. */
#define BP_XL_BENCH_VALUE_COL 3

/* Workings sheet: institution columns (workbook order) start here. */
#define BP_XL_WORK_FIRST_COL 3

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

/* A key of the Data sheet (see "Sums" above): the parts joined with '|', such as
 * {"secondary", "MHS", "2022/23", "actual"} for a fact or one institution, {"*",
 * "2022/23", "actual"} for the trust; cut to fit as snprintf would. */
void bp_formula_key(char *buf, size_t size, const char *const *parts, size_t nparts);

/* "Sheet!$E$5" (the sheet quoted when it has a space); 0-based row and column. */
void bp_formula_ref(char *buf, size_t size, const char *sheet, int row, int col);
/* Column letters of a 0-based column: 0 -> "A", 27 -> "AB". */
void bp_formula_col(char *buf, size_t size, int col);

/* ---- the compiler ---- */

typedef struct bp_formula_env bp_formula_env;
struct bp_formula_env {
    const bp_model *model;
    const int *inst_pos;       /* per institution: its position in workbook order */
    const int *course_row;     /* per courses.csv row: its 0-based row on Courses */
    /* 0-based Targets row of the national.csv benchmark, -1 when there is none */
    int (*benchmark_row)(const bp_formula_env *env, int year, const char *phase,
                         const char *kpi);
    /* 0-based Workings row holding `node` for each institution on its own in ctx's year,
     * scenario, elimination and benchmark phase (see bp_formula_member_ctx); -1 on
     * failure (out of memory) */
    int (*helper_row)(const bp_formula_env *env, const bp_expr *node, const bp_expr_ctx *ctx);
    void *arg;
};

/* The expression as a formula body (no '='): a number, or an error for no data.
 * BP_ERR_RENDER with out->why when the entity cannot be expressed (members that are
 * neither one institution, a whole phase nor the whole trust, or not contiguous);
 * BP_ERR_LIMIT with out->why and out->at when a code is too long for the text string a
 * formula holds it in (BP_FORMULA_CODE_MAX). */
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

/* The longest code a formula can hold: it is written as the text "code.*", and a text
 * string in a formula holds at most BP_EXCEL_STRING_CHARS characters. */
#define BP_FORMULA_CODE_MAX (BP_EXCEL_STRING_CHARS - 2)

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
 * and amber ranges. */
typedef struct {
    const char *when;
    bp_cmp cmp;
    const char *lo, *hi;
    const char *amber[2][2];
    size_t namber;
} bp_formula_rule;

/* How a status, points or grade formula compares its value with each threshold t
 * (see "Exactness"), S standing for 10^scale:
 *   BP_EXACT_RATIO:   num*S*SIGN(den) >= ROUND(t*S,0)*ABS(den)  - num and den cells of
 *                     whole numbers, the value being num / den;
 *   BP_EXACT_DECIMAL: num >= ROUND(t*S,0)  - num a whole number, the value times S
 *                     (bp_formula_whole, or a cell);
 *   BP_EXACT_NONE:    ROUND(value,places) >= ROUND(t,12), places -1 (a ratio) as 12. */
typedef enum { BP_EXACT_NONE, BP_EXACT_DECIMAL, BP_EXACT_RATIO } bp_exact_kind;
typedef struct {
    bp_exact_kind kind;
    const char *num, *den;
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
