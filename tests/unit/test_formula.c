/* bp_formula: the Excel formulas compiled from hand-written expressions over a
 * hand-built model, compared with formulas written out here by hand; the status, points
 * and grade formulas; the text helpers. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_formula.h"

/* ---- the model ----
 * A (secondary, joined 2018-09-01, PAN 180) and B (secondary, joined 2021-09-02, no PAN):
 * the secondary phase; C (central).  One course row (index 0) on Courses row 5.  A
 * benchmark for 2022/23 secondary attendance_pct on Targets row 41.
 *
 * The sums block this env lays out on Workings (0-based rows in SUMS below, so row 10 is
 * row 11 of the sheet): totals in E (A), F (B), G (C), H (the secondary phase) and I (the
 * trust); their facts six columns to the right, K to O.  Per-member terms from row 41. */

static bp_model M;
static bp_institution INSTS[3];
static const int COURSE_ROW[] = {4};
static const int A[] = {0}, AB[] = {0, 1}, ALL[] = {0, 1, 2}, AC[] = {0, 2};

static const struct {
    const char *code;
    int scenario;
    bool eliminated;
    int row;
} SUMS[] = {
    {"capacity", -1, false, 6}, {"pan", -1, false, 7}, {"years_in_trust", -1, false, 8},
    {"income", BP_ACTUAL, false, 10}, {"income", BP_ACTUAL, true, 11},
    {"income.internal", BP_ACTUAL, false, 12}, {"exp", BP_ACTUAL, false, 13},
    {"exp", BP_ACTUAL, true, 14}, {"exp.staff", BP_ACTUAL, false, 15},
    {"exp.internal", BP_ACTUAL, false, 16}, {"inspection.grade", BP_ACTUAL, false, 17},
    {"memo.interest", BP_ACTUAL, false, 18}, {"timetable.teaching_periods", BP_ACTUAL, false, 19},
    {"timetable.periods_per_cycle", BP_ACTUAL, false, 20}, {"staff.teacher_fte", BP_ACTUAL, false, 21},
    {"course.income", -1, false, 30}, {"course.count", -1, false, 31},
};

/* The helper rows the compiler asked for: row 40 onwards on Workings (rows are per
 * expression, so each check starts afresh). */
static const bp_expr *HELPED[8];
static bp_expr_op HELPED_OP[8];
static bp_expr_ctx HELPED_CTX[8];
static size_t NHELPED;

static int benchmark_row(const bp_formula_env *env, int year, const char *phase, const char *kpi)
{
    (void)env;
    return year == 2022 && strcmp(phase, "secondary") == 0 && strcmp(kpi, "attendance_pct") == 0
           ? 40 : -1;
}

static int helper_row(const bp_formula_env *env, const bp_expr *node, const bp_expr_ctx *ctx)
{
    (void)env;
    for (size_t i = 0; i < NHELPED; i++)
        if (HELPED[i] == node && HELPED_CTX[i].eliminate == ctx->eliminate
            && HELPED_CTX[i].national_phase == ctx->national_phase)
            return 40 + (int)i;
    HELPED[NHELPED] = node;
    HELPED_OP[NHELPED] = node->op;
    HELPED_CTX[NHELPED] = *ctx;
    return 40 + (int)NHELPED++;
}

/* The rows of SUMS; any other code row 50 (the long codes), none for "missing.*". */
static int sum_row(const bp_formula_env *env, const char *code, int year, int scenario,
                   bool eliminated)
{
    (void)env;
    assert_true(year == (scenario < 0 && !strstr(code, "course") ? 0 : 2022));
    for (size_t i = 0; i < sizeof SUMS / sizeof *SUMS; i++)
        if (strcmp(SUMS[i].code, code) == 0 && SUMS[i].scenario == scenario
            && SUMS[i].eliminated == eliminated)
            return SUMS[i].row;
    return strncmp(code, "missing", 7) == 0 ? -1 : 50;
}

static int entity_col(const bp_formula_env *env, const bp_expr_ctx *ctx)
{
    (void)env;
    if (ctx->nmembers == 1) return 4 + ctx->members[0];
    if (ctx->nmembers == 3) return 8;
    return ctx->nmembers == 2 && ctx->members[1] == 1 ? 7 : -1;
}

static bp_formula_env ENV = {&M, COURSE_ROW, benchmark_row, helper_row, sum_row, entity_col, NULL, 6, NULL};

static int model_setup(void **state)
{
    (void)state;
    bp_test_three_insts(&M, INSTS);
    return 0;
}

static const bp_expr *KPI_TARGET;

static const bp_expr *lookup(const void *arg, const char *id)
{
    (void)arg;
    (void)id;
    return KPI_TARGET;
}

static bp_expr_ctx ctx_of(const int *members, size_t n, bool eliminate, const char *national)
{
    bp_expr_ctx c = bp_kpi_ctx(NULL, &M, members, n, 2022, BP_ACTUAL, eliminate, national);
    c.kpi_lookup = lookup;
    return c;
}

/* The formula body for text over the members, compared with want. */
static void body_is(const char *text, const int *members, size_t n, bool eliminate,
                    const char *want)
{
    bp_expr *e = bp_test_parse_expr(text);
    bp_expr_ctx c = ctx_of(members, n, eliminate, n == 3 ? "all" : "secondary");
    bp_fbuf b;
    bp_fbuf_init(&b);
    NHELPED = 0;
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_OK);
    assert_string_equal(b.s, want);
    bp_fbuf_free(&b);
    bp_expr_free(e);
}

/* ---- sums: cells of the sums block, written out by hand ---- */

/* sum(code) for an entity: its facts cell, then its total, on the code's row (1-based) */
#define CELL(total, facts, row) "IF(Workings!$" facts "$" row ",Workings!$" total "$" row ",NA())"
#define S_A(row) CELL("E", "K", row)
#define S_PH(row) CELL("H", "N", row)
#define S_T(row) CELL("I", "O", row)
#define INCOME "11"
#define INCOME_ELIM "12"
#define EXP "14"
#define STAFF "16"

static void one_institution_sum(void **state)
{
    (void)state;
    /* written out in full once: A's facts (K) and total (E) on exp.staff's row 16 */
    body_is("sum(exp.staff)", A, 1, false, "IF(Workings!$K$16,Workings!$E$16,NA())");
    body_is("exp.staff / income", A, 1, false, "(" S_A(STAFF) "/" S_A(INCOME) ")");
    /* B's column */
    body_is("income", (const int[]){1}, 1, false, CELL("F", "L", INCOME));
}

static void phase_is_a_ratio_of_sums(void **state)
{
    (void)state;
    /* the phase's own column; a / b divides the totals */
    body_is("exp.staff / income", AB, 2, false, "(" S_PH(STAFF) "/" S_PH(INCOME) ")");
    body_is("(income - exp) / income", AB, 2, false,
            "((" S_PH(INCOME) "-" S_PH(EXP) ")/" S_PH(INCOME) ")");
    /* a constant factor stays linear */
    body_is("2 * income", AB, 2, false, "(2*" S_PH(INCOME) ")");
}

static void trust_eliminates_internal_transfers(void **state)
{
    (void)state;
    /* an ancestor of income.internal: its row with the internal transfers taken out */
    body_is("income", ALL, 3, true, S_T(INCOME_ELIM));
    body_is("income - exp", ALL, 3, true, "(" S_T(INCOME_ELIM) "-" S_T("15") ")");
    /* equal to or below an internal code: nothing is left */
    body_is("sum(exp.internal)", ALL, 3, true, "NA()");
    body_is("sum(income.internal.central_charge)", ALL, 3, true, "NA()");
    body_is("sum(exp.internal, 0)", ALL, 3, true, "0");
    /* unrelated codes, and the trust without elimination, are plain sums */
    body_is("exp.staff", ALL, 3, true, S_T(STAFF));
    body_is("sum(income.internal)", ALL, 3, false, S_T("13"));
    body_is("income", ALL, 3, false, S_T(INCOME));
}

static void defaults(void **state)
{
    (void)state;
    /* 0: no facts add nothing, so the total needs no facts cell */
    body_is("sum(memo.interest, 0)", AB, 2, false, "Workings!$H$19");
    /* otherwise the default in place of no data */
    body_is("sum(memo.interest, -2)", A, 1, false, "IF(Workings!$K$19,Workings!$E$19,(-2))");
}

#define PAN_A S_A("8")
#define YIT_A "IF(Workings!$K$9,2022*Workings!$K$9-Workings!$E$9,NA())"

static void attributes(void **state)
{
    (void)state;
    body_is("pan", A, 1, false, "IF(Workings!$K$8,Workings!$E$8,NA())");
    body_is("pan", AB, 2, false, S_PH("8"));
    body_is("capacity", ALL, 3, true, S_T("7"));
    /* the year less each member's "counts from" year: the year times how many have one,
     * less their sum */
    body_is("years_in_trust", A, 1, false, YIT_A);
    body_is("years_in_trust", AB, 2, false,
            "IF(Workings!$N$9,2022*Workings!$N$9-Workings!$H$9,NA())");
}

static void benchmarks(void **state)
{
    (void)state;
    body_is("national(attendance_pct)", A, 1, false,
            "IF(ISNUMBER(Targets!$D$41),Targets!$D$41,NA())");
    /* no national.csv row for the trust ("all"): no data */
    body_is("national(attendance_pct)", ALL, 3, true, "NA()");
}

static void conditions_for_one_institution(void **state)
{
    (void)state;
    /* conditions are 1 or 0; a sum or attribute is compared as the sums block rounds it
     * (to the places it is exact at), anything else rounded to its places here */
    body_is("inspection.grade <= 2", A, 1, false, "IF(" S_A("18") "<=2,1,0)");
    body_is("years_in_trust >= 3 and pan > 0", A, 1, false,
            "IF(AND(IF(" YIT_A ">=3,1,0),IF(" PAN_A ">0,1,0)),1,0)");
    body_is("pan == 180 or not (pan != 2)", A, 1, false,
            "IF(OR(IF(" PAN_A "=180,1,0),IF(IF(" PAN_A "<>2,1,0),0,1)),1,0)");
    body_is("if(pan > 0, 1, 2) + min(pan, 100) - max(pan, 0.5)", A, 1, false,
            "((IF(IF(" PAN_A ">0,1,0),1,2)+MIN(" PAN_A ",100))-MAX(" PAN_A ",0.5))");
    /* a ratio compared with a constant: 12 places */
    body_is("exp.staff / income > 0.8", A, 1, false,
            "IF(ROUND((" S_A(STAFF) "/" S_A(INCOME) "),12)>0.8,1,0)");
    body_is("pan - -2", A, 1, false, "(" PAN_A "-(-2))");
    /* each side rounded where it is exact: money to the penny, a ratio to 12 places */
    body_is("income - exp >= exp.staff / income", A, 1, false,
            "IF(ROUND((" S_A(INCOME) "-" S_A(EXP) "),2)>=ROUND((" S_A(STAFF) "/" S_A(INCOME)
            "),12),1,0)");
}

/* a term's cell on its Workings row 41 for the phase (H) or the trust (I) */
#define TERM(col) "IF(ISNUMBER(Workings!$" col "$41),Workings!$" col "$41,NA())"

static void per_member_terms_use_workings(void **state)
{
    (void)state;
    /* T / (P x F): P x F formed per institution on a Workings row, then added up there */
    const char *cr = "timetable.teaching_periods / (timetable.periods_per_cycle * staff.teacher_fte)";
    body_is(cr, AB, 2, false, "(" S_PH("20") "/" TERM("H") ")");
    assert_int_equal(NHELPED, 1);
    assert_int_equal(HELPED_OP[0], BP_E_MUL);
    /* neither elimination nor benchmarks touch P x F: the phase and the trust share the
     * row, each in its own column */
    assert_false(HELPED_CTX[0].eliminate);
    assert_null(HELPED_CTX[0].national_phase);
    bp_expr *pf = bp_test_parse_expr("timetable.periods_per_cycle * staff.teacher_fte");
    bp_expr_ctx phase = ctx_of(AB, 2, false, "secondary"), trust = ctx_of(ALL, 3, true, "all");
    bp_fbuf b;
    bp_fbuf_init(&b);
    NHELPED = 0;
    assert_int_equal(bp_formula_expr(pf, &phase, &ENV, &b), BP_OK);
    assert_string_equal(b.s, TERM("H"));
    assert_int_equal(bp_formula_expr(pf, &trust, &ENV, &b), BP_OK);
    assert_string_equal(b.s, TERM("I"));
    assert_int_equal(NHELPED, 1);
    bp_fbuf_free(&b);
    bp_expr_free(pf);
    /* for one institution the product is written out */
    body_is("timetable.periods_per_cycle * staff.teacher_fte", A, 1, false,
            "(" S_A("21") "*" S_A("22") ")");
    /* a condition counts members; a sum with a non-zero default is per member too */
    body_is("inspection.grade <= 2", ALL, 3, true, TERM("I"));
    body_is("sum(memo.interest, -2)", AB, 2, false, TERM("H"));
}

static void kpi_references_are_inlined(void **state)
{
    (void)state;
    bp_expr *inner = bp_test_parse_expr("pan / 2");
    KPI_TARGET = inner;
    body_is("kpi(other)", A, 1, false, "(" PAN_A "/2)");
    /* over a phase: formed per member and added up */
    body_is("kpi(other) + 1", AB, 2, false, "(" TERM("H") "+1)");
    assert_int_equal(HELPED_OP[0], BP_E_KPI);
    KPI_TARGET = NULL;
    body_is("kpi(missing)", A, 1, false, "NA()");
    bp_expr_free(inner);
}

static void course_fields(void **state)
{
    (void)state;
    bp_expr *e = bp_test_parse_expr("(course.income - course.direct_costs) / course.income + course.count");
    bp_expr_ctx c = ctx_of(A, 1, false, "secondary");
    bp_fbuf b;
    bp_fbuf_init(&b);
    /* one course: its row's cells */
    c.course = 0;
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_OK);
    assert_string_equal(b.s, "(((Courses!$E$5-Courses!$F$5)/Courses!$E$5)+1)");
    bp_expr_free(e);
    /* an institution or a phase: the sums block's row of its non-minority courses in the
     * year, whatever the scenario */
    body_is("course.income", A, 1, false, "IF(Workings!$K$31,Workings!$E$31,NA())");
    body_is("course.count", AB, 2, false, "IF(Workings!$N$32,Workings!$H$32,NA())");
    body_is("course.colour", A, 1, false, "NA()");
    bp_fbuf_free(&b);
}

static void cells_and_failures(void **state)
{
    (void)state;
    bp_expr *e = bp_test_parse_expr("income - exp");
    bp_expr_ctx c = ctx_of(A, 1, false, "secondary");
    bp_fbuf b;
    bp_fbuf_init(&b);
    /* money to the penny; no data becomes "" at the cell */
    assert_int_equal(bp_formula_cell(e, &c, true, &ENV, &b), BP_OK);
    assert_string_equal(b.s, "=IFERROR(ROUND((" S_A(INCOME) "-" S_A(EXP) "),2),\"\")");
    assert_int_equal(bp_formula_cell(e, &c, false, &ENV, &b), BP_OK);
    assert_string_equal(b.s, "=IFERROR((" S_A(INCOME) "-" S_A(EXP) "),\"\")");
    /* A and the centre are neither a phase nor the trust */
    c = ctx_of(AC, 2, false, "secondary");
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_ERR_RENDER);
    assert_string_equal(b.why, "the entity is not one institution, one phase or the whole trust");
    bp_expr_free(e);
    e = bp_test_parse_expr("pan");
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_ERR_RENDER);
    bp_expr_free(e);
    /* a code the sums block has no row for is the writer's own bug */
    e = bp_test_parse_expr("missing.code");
    c = ctx_of(A, 1, false, "secondary");
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_ERR_RENDER);
    assert_string_equal(b.why, "internal error: the sums block has no row for a code the formula sums");
    bp_expr_free(e);
    bp_fbuf_free(&b);
}

static int places_of(const char *text)
{
    bp_expr *e = bp_test_parse_expr(text);
    bp_expr_ctx c = ctx_of(A, 1, false, "secondary");
    int p = bp_formula_places(e, &c);
    bp_expr_free(e);
    return p;
}

static void places(void **state)
{
    (void)state;
    assert_int_equal(places_of("income - exp"), 2);
    assert_int_equal(places_of("students.on_roll"), 6);
    assert_int_equal(places_of("pan + 1"), 0);
    assert_int_equal(places_of("0.125 * income"), 5);
    assert_int_equal(places_of("inspection.grade <= 2"), 0);
    assert_int_equal(places_of("exp.staff / income"), -1);
    assert_int_equal(places_of("national(attendance_pct)"), -1);
    assert_int_equal(places_of("course.income - course.direct_costs"), 2);
}

static void member_ctx_drops_what_cannot_matter(void **state)
{
    (void)state;
    bp_expr *p = bp_test_parse_expr("staff.teacher_fte * timetable.periods_per_cycle");
    bp_expr *i = bp_test_parse_expr("income * national(attendance_pct)");
    bp_expr_ctx c = ctx_of(ALL, 3, true, "all");
    bp_expr_ctx m = bp_formula_member_ctx(p, &c);
    assert_false(m.eliminate);
    assert_null(m.national_phase);
    m = bp_formula_member_ctx(i, &c);
    assert_true(m.eliminate);
    assert_string_equal(m.national_phase, "all");
    bp_expr_free(p);
    bp_expr_free(i);
}

/* ---- statuses and grades ---- */

static void status_min_with_amber(void **state)
{
    (void)state;
    /* a money value compared in ten-thousandths of a pound: whole numbers on both sides */
    bp_formula_rule r = {NULL, BP_CMP_MIN, "T!$E$5", NULL, {{"T!$G$5", "T!$H$5"}}, 1, NULL, NULL,
                         {{NULL, NULL}}};
    char whole[64];
    bp_formula_whole(whole, sizeof whole, "$D$7", 4);
    assert_string_equal(whole, "ROUND($D$7*10000,0)");
    bp_formula_exact ex = {BP_EXACT_WHOLE, whole, whole, 4, 2};
    bp_fbuf b;
    bp_fbuf_init(&b);
    assert_int_equal(bp_formula_status("$D$7", &r, 1, &ex, &b), BP_OK);
    assert_string_equal(b.s,
        "=IF(ISNUMBER($D$7),IFERROR(IF(ROUND($D$7*10000,0)>=ROUND(T!$E$5*10000,0),\"green\","
        "IF(AND(ROUND($D$7*10000,0)>=ROUND(T!$G$5*10000,0),ROUND($D$7*10000,0)<=ROUND(T!$H$5*10000,0)),"
        "\"amber\",\"red\")),\"none\"),\"none\")");
    /* the thresholds' whole numbers where the caller has them in cells */
    r.lo_whole = "W!$D$6";
    r.amber_whole[0][1] = "W!$G$6";
    assert_int_equal(bp_formula_status("$D$7", &r, 1, &ex, &b), BP_OK);
    assert_string_equal(b.s,
        "=IF(ISNUMBER($D$7),IFERROR(IF(ROUND($D$7*10000,0)>=W!$D$6,\"green\","
        "IF(AND(ROUND($D$7*10000,0)>=ROUND(T!$G$5*10000,0),ROUND($D$7*10000,0)<=W!$G$6),"
        "\"amber\",\"red\")),\"none\"),\"none\")");
    bp_fbuf_free(&b);
}

static void status_conditions_and_bands(void **state)
{
    (void)state;
    /* the first target whose condition holds decides; a condition with no data does not
     * hold; a ratio whose value times 100 is F rounded down and C rounded up: at least a
     * threshold when F is, at most when C is */
    bp_formula_rule r[2] = {
        {"C1", BP_CMP_BAND, "L", "H", {{"a", "b"}, {"c", "d"}}, 2, NULL, NULL, {{NULL, NULL}}},
        {NULL, BP_CMP_MAX, NULL, "X", {{NULL, NULL}}, 0, NULL, NULL, {{NULL, NULL}}},
    };
    bp_formula_exact ex = {BP_EXACT_WHOLE, "F", "C", 2, -1};
#define GE(t) "F>=ROUND(" t "*100,0)"
#define LE(t) "C<=ROUND(" t "*100,0)"
    bp_fbuf b;
    bp_fbuf_init(&b);
    assert_int_equal(bp_formula_status("V", r, 2, &ex, &b), BP_OK);
    assert_string_equal(b.s,
        "=IF(ISNUMBER(V),IF(IFERROR((C1)<>0,FALSE),"
        "IFERROR(IF(AND(" GE("L") "," LE("H") "),\"green\","
        "IF(OR(AND(" GE("a") "," LE("b") "),AND(" GE("c") "," LE("d") ")),\"amber\",\"red\")),"
        "\"none\"),"
        "IFERROR(IF(" LE("X") ",\"green\",\"red\"),\"none\")),\"none\")");
    /* only a conditional target: none when it does not hold */
    assert_int_equal(bp_formula_status("V", r, 1, &ex, &b), BP_OK);
    assert_true(strstr(b.s, "\"red\")),\"none\"),\"none\"),\"none\")") != NULL);
    /* no exact form (a ratio of ratios): the value rounded to 12 places, as is a threshold */
    bp_formula_exact none = {BP_EXACT_NONE, NULL, NULL, 0, -1};
    assert_int_equal(bp_formula_status("V", r + 1, 1, &none, &b), BP_OK);
    assert_string_equal(b.s, "=IF(ISNUMBER(V),IFERROR(IF(ROUND(V,12)<=ROUND(X,12),\"green\",\"red\"),"
                             "\"none\"),\"none\")");
    /* whole units: no factor */
    bp_formula_exact units = {BP_EXACT_WHOLE, "F", "C", 0, -1};
    assert_int_equal(bp_formula_status("V", r + 1, 1, &units, &b), BP_OK);
    assert_string_equal(b.s, "=IF(ISNUMBER(V),IFERROR(IF(C<=ROUND(X,0),\"green\",\"red\"),\"none\"),"
                             "\"none\")");
#undef GE
#undef LE
    bp_fbuf_free(&b);
}

static void points_and_grades(void **state)
{
    (void)state;
    bp_formula_points_row rows[3] = {{"S1", "T1", NULL, false}, {"S2", "T2", NULL, true},
                                     {"S3", NULL, NULL, false}};
    bp_formula_exact ratio = {BP_EXACT_WHOLE, "F", "C", 1, -1};
    bp_fbuf b;
    bp_fbuf_init(&b);
    assert_int_equal(bp_formula_points("M", rows, 3, &ratio, &b), BP_OK);
    assert_string_equal(b.s, "=IF(ISNUMBER(M),IF(F>=ROUND(T1*10,0),S1,IF(C<=ROUND(T2*10,0),S2,S3)),"
                             "\"\")");
    /* a threshold's whole number in a cell */
    rows[1].threshold_whole = "W2";
    assert_int_equal(bp_formula_points("M", rows, 3, &ratio, &b), BP_OK);
    assert_string_equal(b.s, "=IF(ISNUMBER(M),IF(F>=ROUND(T1*10,0),S1,IF(C<=W2,S2,S3)),\"\")");
    /* no final row: 0 otherwise */
    bp_formula_exact count = {BP_EXACT_WHOLE, "ROUND(M,0)", "ROUND(M,0)", 0, 0};
    assert_int_equal(bp_formula_points("M", rows, 1, &count, &b), BP_OK);
    assert_string_equal(b.s, "=IF(ISNUMBER(M),IF(ROUND(M,0)>=ROUND(T1,0),S1,0),\"\")");
    const char *pts[] = {"P1", "P2", "P3"};
    assert_int_equal(bp_formula_grade_total(pts, 3, &b), BP_OK);
    assert_string_equal(b.s, "=IF(COUNT(P1,P2,P3)=3,P1+P2+P3,\"\")");
    const char *labels[] = {"Outstanding", "Good \"plus\"", "Inadequate"};
    const char *mins[] = {"G1", "G2", NULL};
    bp_formula_exact total = {BP_EXACT_WHOLE, "ROUND(T,0)", "ROUND(T,0)", 0, 0};
    assert_int_equal(bp_formula_grade_label("T", labels, mins, 3, &total, &b), BP_OK);
    assert_string_equal(b.s, "=IF(ISNUMBER(T),IF(ROUND(T,0)>=ROUND(G1,0),\"Outstanding\","
                             "IF(ROUND(T,0)>=ROUND(G2,0),\"Good \"\"plus\"\"\",\"Inadequate\")),\"\")");
    /* a label is a text string of the formula: 255 characters at most (an emoji is two) */
    char label[300];
    memset(label, 'g', 255);
    label[255] = '\0';
    labels[1] = label;
    assert_int_equal(bp_formula_grade_label("T", labels, mins, 3, &total, &b), BP_OK);
    memcpy(label + 251, "\xF0\x9F\x98\x80", 5);   /* 251 + 2 = 253: still fits */
    assert_int_equal(bp_formula_grade_label("T", labels, mins, 3, &total, &b), BP_OK);
    memcpy(label + 251, "gg\xF0\x9F\x98\x80", 7);  /* 253 + 2 = 255 */
    assert_int_equal(bp_formula_grade_label("T", labels, mins, 3, &total, &b), BP_OK);
    memcpy(label + 251, "ggg\xF0\x9F\x98\x80", 8); /* 254 + 2 = 256 */
    assert_int_equal(bp_formula_grade_label("T", labels, mins, 3, &total, &b), BP_ERR_LIMIT);
    assert_non_null(b.why);
    bp_fbuf_free(&b);
}

static void whole_numbers(void **state)
{
    (void)state;
    bp_expr *e = bp_test_parse_expr("income - exp");
    bp_expr_ctx c = ctx_of(A, 1, false, "secondary");
    bp_fbuf b;
    bp_fbuf_init(&b);
    assert_int_equal(bp_formula_whole_cell(e, &c, 2, &ENV, &b), BP_OK);
    assert_string_equal(b.s, "=IFERROR(ROUND((" S_A(INCOME) "-" S_A(EXP) ")*100,0),\"\")");
    bp_expr_free(e);
    e = bp_test_parse_expr("pan");
    assert_int_equal(bp_formula_whole_cell(e, &c, 0, &ENV, &b), BP_OK);
    assert_string_equal(b.s, "=IFERROR(ROUND(" PAN_A ",0),\"\")");
    bp_expr_free(e);
    char w[32];
    bp_formula_whole(w, sizeof w, "X", 0);
    assert_string_equal(w, "ROUND(X,0)");
    bp_fbuf_free(&b);
}

/* A code is a SUMIFS criterion, which Excel matches to 255 characters: 255 fit, 256 do
 * not. */
static void long_codes(void **state)
{
    (void)state;
    char text[300] = "sum(a";
    memset(text + 5, 'b', 254);
    strcpy(text + 259, ")");
    bp_expr *e = bp_test_parse_expr(text);
    assert_int_equal((int)strlen(e->name), 255);
    bp_expr_ctx c = ctx_of(A, 1, false, "secondary");
    bp_fbuf b;
    bp_fbuf_init(&b);
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_OK);
    bp_expr_free(e);
    strcpy(text + 259, "b)");
    e = bp_test_parse_expr(text);
    assert_int_equal(bp_formula_expr(e, &c, &ENV, &b), BP_ERR_LIMIT);
    assert_ptr_equal(b.at, e);
    assert_non_null(b.why);
    /* inside a larger expression: the node of the code */
    bp_expr_free(e);
    memmove(text + 9, text, strlen(text) + 1);
    memcpy(text, "income + ", 9);
    e = bp_test_parse_expr(text);
    assert_int_equal(bp_formula_cell(e, &c, true, &ENV, &b), BP_ERR_LIMIT);
    assert_ptr_equal(b.at, e->b);
    assert_int_equal(b.at->column, 10);
    bp_expr_free(e);
    bp_fbuf_free(&b);
}

/* The powers of ten of exact comparisons, worked out by hand against 2^53
 * (9,007,199,254,740,992) and 2^45 (35,184,372,088,832). */
static void exact_scales(void **state)
{
    (void)state;
    int parts, scale;
    /* staff costs of 40,000,000,000.01 pounds over an income of 50,000,000,000 against 80%
     * and 82%: 4,000,000,000,001 pence x 10^4 is past 2^53, x 10^2 (4e14) is not, nor is
     * 82 x 5e12 pence */
    bp_num th[3] = {bp_num_frac(4, 5), bp_num_frac(41, 50), bp_num_none()};
    assert_true(bp_formula_ratio_scales(bp_num_pence(4000000000001), bp_num_pence(5000000000000), 2,
                                        th, 3, &parts, &scale));
    assert_int_equal(parts, 2);
    assert_int_equal(scale, 2);
    /* 950 of 1,000 sessions (6 places) against 95%: 1e9 millionths x 9,500 is 9.5e12 */
    bp_num att[1] = {bp_num_frac(19, 20)};
    assert_true(bp_formula_ratio_scales(bp_num_int(950), bp_num_int(1000), 6, att, 1, &parts, &scale));
    assert_int_equal(parts, 6);
    assert_int_equal(scale, 4);
    /* 19,000,000 sessions: 1.9e13 millionths x 9,500 is past 2^53; in whole sessions
     * (the data's own unit) 1.9e7 x 9,500 = 1.8e11 is not */
    assert_true(bp_formula_ratio_scales(bp_num_int(18000000), bp_num_int(19000000), 6, att, 1,
                                        &parts, &scale));
    assert_int_equal(parts, 0);
    assert_int_equal(scale, 4);
    /* half a session: millionths would do, but not with 10^4; tenths with 10^4 do */
    assert_true(bp_formula_ratio_scales(bp_num_frac(36000001, 2), bp_num_int(19000000), 6, att, 1,
                                        &parts, &scale));
    assert_int_equal(parts, 1);
    assert_int_equal(scale, 4);
    /* 9e15 pence: past 2^45 whatever the scale - the smallest scales, and false */
    assert_false(bp_formula_ratio_scales(bp_num_pence(7200000000000001), bp_num_pence(9000000000000000),
                                         2, th, 2, &parts, &scale));
    assert_int_equal(parts, 2);
    assert_int_equal(scale, 2);
    /* a threshold that is no decimal: no exact form */
    bp_num third[1] = {bp_num_frac(1, 3)};
    assert_false(bp_formula_ratio_scales(bp_num_int(1), bp_num_int(3), 0, third, 1, &parts, &scale));
    assert_int_equal(scale, -1);
    /* decimals: 1,000,000.01 pounds against 1,000,000 in ten-thousandths (1e10); 9e10
     * pounds needs the penny (9e12 pence) */
    bp_num mil[2] = {bp_num_int(1000000), bp_num_int(800000)};
    assert_true(bp_formula_decimal_scale(bp_num_pence(100000001), 2, mil, 2, &scale));
    assert_int_equal(scale, 4);
    assert_true(bp_formula_decimal_scale(bp_num_pence(9000000000000), 2, mil, 2, &scale));
    assert_int_equal(scale, 2);
    /* a threshold of 0.125 (3 places) against a count: at least 4 */
    bp_num eighth[1] = {bp_num_frac(1, 8)};
    assert_true(bp_formula_decimal_scale(bp_num_int(3), 0, eighth, 1, &scale));
    assert_int_equal(scale, 4);
    assert_false(bp_formula_decimal_scale(bp_num_int(1), 0, third, 1, &scale));
    assert_int_equal(scale, -1);
}

/* ---- text ---- */

static void references_and_numbers(void **state)
{
    (void)state;
    char buf[64];
    bp_formula_col(buf, sizeof buf, 0);
    assert_string_equal(buf, "A");
    bp_formula_col(buf, sizeof buf, 27);
    assert_string_equal(buf, "AB");
    bp_formula_col(buf, sizeof buf, 16383);
    assert_string_equal(buf, "XFD");
    bp_formula_ref(buf, sizeof buf, NULL, 0, 0);
    assert_string_equal(buf, "$A$1");
    bp_formula_ref(buf, sizeof buf, "Central charge", 9, 3);
    assert_string_equal(buf, "'Central charge'!$D$10");
    bp_formula_num(buf, sizeof buf, bp_num_frac(3, 4));
    assert_string_equal(buf, "0.75");
    bp_formula_num(buf, sizeof buf, bp_num_frac(-1650, 1));
    assert_string_equal(buf, "-1650");
    bp_formula_num(buf, sizeof buf, bp_num_frac(1, 200));
    assert_string_equal(buf, "0.005");
    bp_formula_num(buf, sizeof buf, bp_num_frac(1, 3));
    assert_string_equal(buf, "0.33333333333333331");
    assert_int_equal(bp_formula_num_places(bp_num_frac(1, 8)), 3);
    assert_int_equal(bp_formula_num_places(bp_num_frac(1, 3)), -1);
}

int main(void)
{
    const struct CMUnitTest compiler[] = {
        cmocka_unit_test(one_institution_sum),
        cmocka_unit_test(phase_is_a_ratio_of_sums),
        cmocka_unit_test(trust_eliminates_internal_transfers),
        cmocka_unit_test(defaults),
        cmocka_unit_test(attributes),
        cmocka_unit_test(benchmarks),
        cmocka_unit_test(conditions_for_one_institution),
        cmocka_unit_test(per_member_terms_use_workings),
        cmocka_unit_test(kpi_references_are_inlined),
        cmocka_unit_test(course_fields),
        cmocka_unit_test(cells_and_failures),
        cmocka_unit_test(places),
        cmocka_unit_test(member_ctx_drops_what_cannot_matter),
    };
    const struct CMUnitTest statuses[] = {
        cmocka_unit_test(status_min_with_amber),
        cmocka_unit_test(status_conditions_and_bands),
        cmocka_unit_test(points_and_grades),
        cmocka_unit_test(whole_numbers),
        cmocka_unit_test(long_codes),
        cmocka_unit_test(exact_scales),
        cmocka_unit_test(references_and_numbers),
    };
    int fails = cmocka_run_group_tests_name("formula compiler", compiler, model_setup, NULL);
    fails += cmocka_run_group_tests_name("statuses, grades and text", statuses, NULL, NULL);
    return fails ? 1 : 0;
}
