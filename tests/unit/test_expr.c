/* bp_expr: the parser (precedence, numbers, error positions) and the evaluator's
 * aggregation rules over a hand-built model of two schools and a centre. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_expr.h"
#include "bp_kpi.h"

/* ---- parsing ---- */

static void round_trip(const char *text, const char *canonical)
{
    bp_expr *e = bp_test_parse_expr(text);
    char buf[256];
    bp_expr_to_text(e, buf, sizeof buf);
    assert_string_equal(buf, canonical);
    bp_expr_free(e);
}

static void precedence_and_canonical_text(void **state)
{
    (void)state;
    round_trip("exp.staff / income", "sum(exp.staff) / sum(income)");
    round_trip("(income - exp) / income", "(sum(income) - sum(exp)) / sum(income)");
    round_trip("a + b * c", "sum(a) + sum(b) * sum(c)");
    round_trip("a - (b - c)", "sum(a) - (sum(b) - sum(c))");
    round_trip("a - b - c", "sum(a) - sum(b) - sum(c)");
    round_trip("a / (b * c)", "sum(a) / (sum(b) * sum(c))");
    round_trip("-a * 2", "-sum(a) * 2");
    round_trip("not a > 1 and b <= 2 or c == 3",
               "not sum(a) > 1 and sum(b) <= 2 or sum(c) == 3");
    round_trip("(years_in_trust >= 3 and inspection.grade <= 2)",
               "years_in_trust >= 3 and sum(inspection.grade) <= 2");
    round_trip("if(pan > 0, x, 0)", "if(pan > 0, sum(x), 0)");
    round_trip("min(a, max(b, 1))", "min(sum(a), max(sum(b), 1))");
    round_trip("sum(memo.interest, 0) + national(attendance_pct) + kpi(k2)",
               "sum(memo.interest, 0) + national(attendance_pct) + kpi(k2)");
}

static void numbers(void **state)
{
    (void)state;
    /* 75% is 3/4; 1,650 is one number; "min(a, 1,650)" keeps its argument comma. */
    bp_expr *e = bp_test_parse_expr("75%");
    assert_int_equal(e->op, BP_E_NUM);
    assert_num_frac(e->num, 3, 4);
    bp_expr_free(e);
    e = bp_test_parse_expr("1,650");
    assert_num_frac(e->num, 1650, 1);
    bp_expr_free(e);
    e = bp_test_parse_expr("min(a, 1,650)");
    assert_int_equal(e->op, BP_E_MIN);
    assert_num_frac(e->b->num, 1650, 1);
    bp_expr_free(e);
    e = bp_test_parse_expr("\xC2\xA3" "300,000");
    assert_num_frac(e->num, 300000, 1);
    bp_expr_free(e);
    e = bp_test_parse_expr("0.125");
    assert_num_frac(e->num, 1, 8);
    bp_expr_free(e);
}

/* Each bad expression with the exact message and column (counted by hand). */
static void expect_error(const char *text, int column, const char *message)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_expr *e = NULL;
    /* the expression starts at column 9 of line 4, as after "  expr: " */
    assert_int_equal(bp_expr_parse(text, strlen(text), "k.kpi", 4, 9, &e, &d), BP_ERR_KPI);
    assert_null(e);
    assert_int_equal(d.count, 1);
    char buf[512];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    char want[512];
    snprintf(want, sizeof want, "k.kpi:4:%d: error: %s", column, message);
    assert_string_equal(buf, want);
    bp_diags_free(&d);
}

static void parse_errors(void **state)
{
    (void)state;
    expect_error("", 9, "expected an expression, found nothing");
    expect_error("a +", 12, "expected a number, a fact code, a function or '(', found end of expression");
    /* "(a + b" - the missing ')' is reported where the text ends */
    expect_error("(a + b", 15, "expected ')', found end of expression");
    expect_error("a b", 11, "expected an operator or the end of the expression, found 'b'");
    expect_error("a < b < c", 15,
                 "expected 'and' or 'or' between comparisons (a < b < c is not allowed), found '<'");
    expect_error("avg(a)", 9, "unknown function 'avg' (functions: sum, national, kpi, if, min, max)");
    expect_error("sum(exp..staff)", 13, "'exp..staff' is not a fact code (dotted lower-case words)");
    expect_error("a = b", 11, "expected '==' to compare, found '='");
    expect_error("1.2.3", 9, "cannot read '1.2.3': expected a number such as 0.75, 75% or 1,650, a fact "
                 "code, or an operator");
    expect_error("if(a, b)", 16, "expected ',' between arguments, found ')'");
    expect_error("national(exp.staff)", 18, "expected a KPI id inside national(), found 'exp.staff'");
    expect_error("Income", 9, "'Income' is not a fact code (dotted lower-case words)");
}

static void deep_nesting_is_an_error_not_a_crash(void **state)
{
    (void)state;
    enum { N = 5000 };
    char *s = malloc(2 * N + 2);
    for (int i = 0; i < N; i++) s[i] = '(';
    s[N] = 'a';
    for (int i = 0; i < N; i++) s[N + 1 + i] = ')';
    s[2 * N + 1] = 0;
    bp_diags d;
    bp_diags_init(&d);
    bp_expr *e = NULL;
    assert_int_equal(bp_expr_parse(s, strlen(s), "k.kpi", 1, 1, &e, &d), BP_ERR_KPI);
    assert_string_equal(d.items[0].message, "expression nested too deeply");
    bp_diags_free(&d);
    free(s);
}

/* ---- evaluation over a model ----
 * A (secondary, joined 2018-09-01, PAN 180): P = 50 periods, F = 10 FTE, T = 400,
 *   income 1,000.00, staff 800.00, inspection.grade 2, zero = 0.
 * B (secondary, joined 2021-09-02, no PAN): P = 25, F = 20, T = 390, income 500.00,
 *   staff 410.00, inspection.grade 3.
 * C (central): income.internal 60.00, exp.internal none; no P, F or T. */

static bp_model M;
static bp_institution INSTS[3];
static bp_fact FACTS[16];

static bp_fact money(int inst, const char *code, int64_t pence)
{
    bp_fact f = {inst, 2022, BP_ACTUAL, 0, code, pence, true, 0, 0, false};
    return f;
}

static bp_fact qty(int inst, const char *code, int64_t units)
{
    bp_fact f = {inst, 2022, BP_ACTUAL, 0, code, units * 1000000, false, 0, 0, false};
    return f;
}

static int model_setup(void **state)
{
    (void)state;
    bp_test_three_insts(&M, INSTS);
    size_t n = 0;
    /* sorted by institution, then code */
    FACTS[n++] = money(0, "exp.staff.teaching", 80000);
    FACTS[n++] = money(0, "income.esfa.gag", 100000);
    FACTS[n++] = qty(0, "inspection.grade", 2);
    FACTS[n++] = qty(0, "staff.teacher_fte", 10);
    FACTS[n++] = qty(0, "timetable.periods_per_cycle", 50);
    FACTS[n++] = qty(0, "timetable.teaching_periods", 400);
    FACTS[n++] = qty(0, "zero", 0);
    FACTS[n++] = money(1, "exp.staff.teaching", 41000);
    FACTS[n++] = money(1, "income.esfa.gag", 50000);
    FACTS[n++] = qty(1, "inspection.grade", 3);
    FACTS[n++] = qty(1, "staff.teacher_fte", 20);
    FACTS[n++] = qty(1, "timetable.periods_per_cycle", 25);
    FACTS[n++] = qty(1, "timetable.teaching_periods", 390);
    FACTS[n++] = money(2, "income.internal.charge", 6000);
    M.facts = FACTS;
    M.nfacts = n;
    return 0;
}

static const bp_expr *lookup(const void *arg, const char *id)
{
    (void)id;
    return arg;
}

static bp_num eval_over(const char *text, const int *members, size_t n, bool eliminate,
                        const bp_expr *kpi_target)
{
    bp_expr *e = bp_test_parse_expr(text);
    bp_expr_ctx c = bp_kpi_ctx(NULL, &M, members, n, 2022, BP_ACTUAL, eliminate, "secondary");
    c.kpi_lookup = lookup;
    c.kpi_arg = kpi_target;
    bp_num v = bp_expr_eval(e, &c);
    bp_expr_free(e);
    return v;
}

static const int A[] = {0}, B[] = {1}, AB[] = {0, 1}, ALL[] = {0, 1, 2};

static void ratio_of_sums(void **state)
{
    (void)state;
    /* A: 800/1000 = 4/5.  A+B: (800 + 410) / (1000 + 500) = 1210/1500 = 121/150,
     * not the mean of 0.8 and 0.82 (= 0.81). */
    assert_num_frac(eval_over("exp.staff / income", A, 1, false, NULL), 4, 5);
    assert_num_frac(eval_over("exp.staff / income", AB, 2, false, NULL), 121, 150);
}

static void product_formed_per_institution(void **state)
{
    (void)state;
    /* T / (P x F): A 400 / (50 x 10) = 4/5; B 390 / (25 x 20) = 39/50.
     * A+B: (400 + 390) / (500 + 500) = 790/1000 = 79/100.  Multiplying the totals
     * instead would give 790 / (75 x 30) = 790/2250 - the trap. */
    const char *k = "timetable.teaching_periods / (timetable.periods_per_cycle * staff.teacher_fte)";
    assert_num_frac(eval_over(k, A, 1, false, NULL), 4, 5);
    assert_num_frac(eval_over(k, B, 1, false, NULL), 39, 50);
    assert_num_frac(eval_over(k, AB, 2, false, NULL), 79, 100);
    /* The centre has no P or F: its product is no data and is left out of the sum. */
    assert_num_frac(eval_over(k, ALL, 3, false, NULL), 79, 100);
    /* A constant factor stays linear: 2 x (1000 + 500) = 3000. */
    assert_num_frac(eval_over("2 * income", AB, 2, false, NULL), 3000, 1);
}

static void conditions_count_members(void **state)
{
    (void)state;
    /* years_in_trust at 1 Sep 2022: A joined 1 Sep 2018 -> 4; B joined 2 Sep 2021 -> 0
     * (one day short of a year).  A is good (2), B requires improvement (3). */
    assert_num_frac(eval_over("years_in_trust", A, 1, false, NULL), 4, 1);
    assert_num_frac(eval_over("years_in_trust", B, 1, false, NULL), 0, 1);
    assert_num_frac(eval_over("inspection.grade <= 2", AB, 2, false, NULL), 1, 1);
    /* the share at least good: 1 of 2 graded; the centre has no grade and is not counted */
    assert_num_frac(eval_over("(inspection.grade <= 2) / (inspection.grade >= 1)", ALL, 3, false, NULL),
                    1, 2);
    assert_num_frac(eval_over("(years_in_trust >= 3 and inspection.grade <= 2) / "
                              "(years_in_trust >= 3 and inspection.grade >= 1)", ALL, 3, false, NULL),
                    1, 1);
    assert_num_frac(eval_over("not (inspection.grade == 2)", B, 1, false, NULL), 1, 1);
    assert_num_frac(eval_over("if(inspection.grade != 2, 10, 20)", AB, 2, false, NULL), 30, 1);
}

static void no_data_and_zero(void **state)
{
    (void)state;
    /* a missing code is no data, never 0; a fact of 0 is 0 */
    assert_num_none(eval_over("students.neet", A, 1, false, NULL));
    assert_num_frac(eval_over("zero", A, 1, false, NULL), 0, 1);
    assert_num_none(eval_over("students.neet / income", A, 1, false, NULL));
    assert_num_none(eval_over("income - students.neet", A, 1, false, NULL));
    /* division by zero is no data */
    assert_num_none(eval_over("income / zero", A, 1, false, NULL));
    /* sum(code, default) gives the default instead */
    assert_num_frac(eval_over("sum(memo.interest, 0) + 1", A, 1, false, NULL), 1, 1);
    assert_num_frac(eval_over("sum(memo.interest, -2)", AB, 2, false, NULL), -4, 1);
    /* attributes: only A has a PAN */
    assert_num_frac(eval_over("pan", AB, 2, false, NULL), 180, 1);
    assert_num_none(eval_over("pan", B, 1, false, NULL));
    assert_num_none(eval_over("capacity", A, 1, false, NULL));
    /* comparisons and and/or with no data give no data */
    assert_num_none(eval_over("students.neet > 1 or 1 == 1", A, 1, false, NULL));
    assert_num_none(eval_over("min(students.neet, 1)", A, 1, false, NULL));
}

static void elimination_and_benchmarks(void **state)
{
    (void)state;
    /* income over all three: 1000 + 500 + 60 internal = 1560; eliminated: 1500. */
    assert_num_frac(eval_over("income", ALL, 3, false, NULL), 1560, 1);
    assert_num_frac(eval_over("income", ALL, 3, true, NULL), 1500, 1);
    /* no national.csv rows: no benchmark */
    assert_num_none(eval_over("national(attendance_pct)", A, 1, false, NULL));
}

static void kpi_reference(void **state)
{
    (void)state;
    /* kpi() is formed per member and summed: staff/income per school = 0.8 + 0.82 */
    bp_expr *inner = bp_test_parse_expr("exp.staff / income");
    assert_num_frac(eval_over("kpi(other)", AB, 2, false, inner), 81, 50);
    bp_expr_free(inner);
}

static void collect(const bp_expr *node, void *arg)
{
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 256 - n, "%s%s", n ? " " : "", node->name);
}

static void visit_lists_references(void **state)
{
    (void)state;
    bp_expr *e = bp_test_parse_expr("sum(a.b) / national(x) + kpi(y) * pan - 3");
    char names[256] = "";
    bp_expr_visit(e, collect, names);
    assert_string_equal(names, "a.b x y pan");
    bp_expr_free(e);
}

int main(void)
{
    const struct CMUnitTest parsing[] = {
        cmocka_unit_test(precedence_and_canonical_text),
        cmocka_unit_test(numbers),
        cmocka_unit_test(parse_errors),
        cmocka_unit_test(deep_nesting_is_an_error_not_a_crash),
    };
    const struct CMUnitTest evaluation[] = {
        cmocka_unit_test(ratio_of_sums),
        cmocka_unit_test(product_formed_per_institution),
        cmocka_unit_test(conditions_count_members),
        cmocka_unit_test(no_data_and_zero),
        cmocka_unit_test(elimination_and_benchmarks),
        cmocka_unit_test(kpi_reference),
        cmocka_unit_test(visit_lists_references),
    };
    int fails = cmocka_run_group_tests_name("expression parser", parsing, NULL, NULL);
    fails += cmocka_run_group_tests_name("expression evaluation", evaluation, model_setup, NULL);
    return fails ? 1 : 0;
}
