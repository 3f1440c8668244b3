/* bp_model's lookups that the renderers use: codes under a prefix, facts present for a
 * year and scenario, benchmarks, commentary.  A hand-made model; every expected value
 * read off it. */
#include "bp_test.h"

#include <stdlib.h>

static bp_fact facts[] = {
    {0, 2022, BP_ACTUAL, 0, "income.esfa.gag", 10000, true, 0, 2, false},
    {0, 2022, BP_BUDGET, 0, "exp.staff", 5000, true, 0, 3, false},
    {2, 2022, BP_ACTUAL, 0, "income.internal", 1000, true, 0, 4, false},
};

static bp_benchmark benchmarks[3];

static bp_comment comments[] = {
    {(char *)"attendance", (char *)"A", 2022, (char *)"Two weeks lost to snow.", 2, 1, NULL, 0},
    {(char *)"attendance", (char *)"trust", 2022, (char *)"Every school below the floor.", 3, 1, NULL, 0},
    /* out of order: the index sorts by year, KPI and entity */
    {(char *)"surplus_pct", (char *)"B", 2022, (char *)"A one-off grant.", 4, 1, NULL, 0},
    {(char *)"attendance", (char *)"B", 2021, (char *)"Closed for a month.", 5, 1, NULL, 0},
    {(char *)"attendance", (char *)"A", 2021, (char *)"A new register.", 6, 1, NULL, 0},
};

static void model(bp_model *m, bp_institution insts[3])
{
    bp_test_three_insts(m, insts);
    m->facts = facts;
    m->nfacts = sizeof facts / sizeof *facts;
    benchmarks[0] = (bp_benchmark){2022, (char *)"all", (char *)"attendance", bp_num_frac(95, 100), 2, 1};
    benchmarks[1] = (bp_benchmark){2022, (char *)"primary", (char *)"attendance", bp_num_frac(96, 100), 3, 1};
    benchmarks[2] = (bp_benchmark){2023, (char *)"all", (char *)"attendance", bp_num_frac(94, 100), 4, 1};
    m->benchmarks = benchmarks;
    m->nbenchmarks = 3;
    m->comments = comments;
    m->ncomments = sizeof comments / sizeof *comments;
}

static void codes_under_a_prefix(void **state)
{
    (void)state;
    assert_true(bp_code_under("exp.staff", "exp.staff"));
    assert_true(bp_code_under("exp.staff.teachers", "exp.staff"));
    assert_true(bp_code_under("exp.staff.teachers.supply", "exp"));
    assert_false(bp_code_under("exp.staffing", "exp.staff"));   /* a longer segment */
    assert_false(bp_code_under("exp", "exp.staff"));            /* above, not under */
    assert_false(bp_code_under("income.exp", "exp"));           /* from the start only */
    assert_true(bp_code_is_money("income"));
    assert_true(bp_code_is_money("bs.cash"));
    assert_true(bp_code_is_money("memo.depreciation"));
    assert_false(bp_code_is_money("incomes"));
    assert_false(bp_code_is_money("students.roll"));
}

static void facts_for_a_year_and_scenario(void **state)
{
    (void)state;
    bp_model m;
    bp_institution insts[3];
    model(&m, insts);
    /* income.esfa.gag (A) and income.internal (C) are under income */
    assert_true(bp_model_has_facts(&m, 2022, BP_ACTUAL, "income"));
    assert_true(bp_model_has_facts(&m, 2022, BP_ACTUAL, "income.internal"));
    assert_true(bp_model_has_facts(&m, 2022, BP_ACTUAL, "income.esfa.gag"));
    /* exp.staff is a budget, not an actual */
    assert_false(bp_model_has_facts(&m, 2022, BP_ACTUAL, "exp"));
    assert_true(bp_model_has_facts(&m, 2022, BP_BUDGET, "exp"));
    /* a code deeper than any fact's, and the start of a segment, are not under it */
    assert_false(bp_model_has_facts(&m, 2022, BP_BUDGET, "exp.staff.teachers"));
    assert_false(bp_model_has_facts(&m, 2022, BP_ACTUAL, "income.esf"));
    assert_false(bp_model_has_facts(&m, 2023, BP_ACTUAL, "income"));
}

static void benchmarks_by_year_phase_and_kpi(void **state)
{
    (void)state;
    bp_model m;
    bp_institution insts[3];
    model(&m, insts);
    assert_int_equal(bp_model_find_benchmark(&m, 2022, "all", "attendance"), 0);
    assert_int_equal(bp_model_find_benchmark(&m, 2022, "primary", "attendance"), 1);
    assert_int_equal(bp_model_find_benchmark(&m, 2023, "all", "attendance"), 2);
    assert_int_equal(bp_model_find_benchmark(&m, 2022, "secondary", "attendance"), -1);
    assert_int_equal(bp_model_find_benchmark(&m, 2022, "all", "staff_costs"), -1);
    bp_num v;
    assert_true(bp_model_benchmark(&m, 2023, "all", "attendance", &v));
    assert_num_frac(v, 47, 50);
    assert_false(bp_model_benchmark(&m, 2024, "all", "attendance", &v));
    assert_num_none(v);
}

static void commentary_by_kpi_entity_and_year(void **state)
{
    (void)state;
    bp_model m;
    bp_institution insts[3];
    model(&m, insts);
    assert_int_equal(bp_model_index_comments(&m), BP_OK);
    assert_string_equal(bp_commentary(&m, "attendance", "A", 2022), "Two weeks lost to snow.");
    assert_string_equal(bp_commentary(&m, "attendance", "trust", 2022),
                        "Every school below the floor.");
    assert_null(bp_commentary(&m, "attendance", "A", 2023));
    assert_null(bp_commentary(&m, "attendance", "B", 2022));
    assert_null(bp_commentary(&m, "staff_costs", "A", 2022));
    assert_string_equal(bp_commentary(&m, "surplus_pct", "B", 2022), "A one-off grant.");
    assert_string_equal(bp_commentary(&m, "attendance", "B", 2021), "Closed for a month.");
    assert_string_equal(bp_commentary(&m, "attendance", "A", 2021), "A new register.");
    assert_null(bp_commentary(&m, "surplus_pct", "A", 2022));
    assert_null(bp_commentary(&m, "attendance", "trust", 2021));
    free(m.comment_order);
}

/* courses.csv as facts: rows of several institutions and years interleaved, as a file
 * may hold them, so that the index has to gather each (institution, year). */
static void course_sums_by_institution_and_year(void **state)
{
    (void)state;
    bp_model m;
    bp_institution insts[3];
    model(&m, insts);
    bp_course courses[] = {
        {1, 2022, (char *)"A level Maths", 20, 300000, 100000, false, 2},
        {0, 2022, (char *)"BTEC Sport", 12, 150000, 90000, false, 3},
        {1, 2023, (char *)"A level Maths", 22, 310000, 105000, false, 4},
        {1, 2022, (char *)"A level Latin", 3, 40000, 30000, true, 5},
        {1, 2022, (char *)"A level Physics", 15, 250000, 80000, false, 6},
        {0, 2023, (char *)"BTEC Sport", 10, 140000, 85000, false, 7},
    };
    m.courses = courses;
    m.ncourses = sizeof courses / sizeof *courses;
    assert_int_equal(bp_model_index_courses(&m), BP_OK);
    bp_num v;
    /* B 2022: Maths and Physics (Latin is a minority course): 35 students, £3,000 +
     * £2,500, costs £1,000 + £800, two courses */
    assert_true(bp_model_course_sum(&m, 1, 2022, "students", -1, &v));
    assert_num_frac(v, 35, 1);
    assert_true(bp_model_course_sum(&m, 1, 2022, "income", -1, &v));
    assert_num_frac(v, 5500, 1);
    assert_true(bp_model_course_sum(&m, 1, 2022, "direct_costs", -1, &v));
    assert_num_frac(v, 1800, 1);
    assert_true(bp_model_course_sum(&m, 1, 2022, "count", -1, &v));
    assert_num_frac(v, 2, 1);
    /* B 2023 and A 2022, A 2023: one course each */
    assert_true(bp_model_course_sum(&m, 1, 2023, "income", -1, &v));
    assert_num_frac(v, 3100, 1);
    assert_true(bp_model_course_sum(&m, 0, 2022, "students", -1, &v));
    assert_num_frac(v, 12, 1);
    assert_true(bp_model_course_sum(&m, 0, 2023, "direct_costs", -1, &v));
    assert_num_frac(v, 850, 1);
    /* C has no courses, A none in 2024: no data */
    assert_false(bp_model_course_sum(&m, 2, 2022, "students", -1, &v));
    assert_num_none(v);
    assert_false(bp_model_course_sum(&m, 0, 2024, "count", -1, &v));
    /* one course by its index, a minority course too, whatever inst and year say */
    assert_true(bp_model_course_sum(&m, 0, 0, "students", 3, &v));
    assert_num_frac(v, 3, 1);
    assert_true(bp_model_course_sum(&m, 1, 2022, "income", 5, &v));
    assert_num_frac(v, 1400, 1);
    assert_false(bp_model_course_sum(&m, 1, 2022, "students", 6, &v));
    /* not a course field */
    assert_false(bp_model_course_sum(&m, 1, 2022, "fees", -1, &v));
    free(m.course_order);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_under_a_prefix),
        cmocka_unit_test(facts_for_a_year_and_scenario),
        cmocka_unit_test(benchmarks_by_year_phase_and_kpi),
        cmocka_unit_test(commentary_by_kpi_entity_and_year),
        cmocka_unit_test(course_sums_by_institution_and_year),
    };
    return cmocka_run_group_tests_name("model lookups", tests, NULL, NULL) ? 1 : 0;
}
