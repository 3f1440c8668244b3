/* bp_kpi: KPI files (settings, targets, grades), every validation error with its exact
 * file:line:column, merging a data set's file into the defaults, and the exact target
 * decision on thresholds and amber edges. */
#include "bp_test.h"
#include "bp_eval.h"

#include <stdlib.h>
#include "bp_kpi.h"

static bp_err parse(const char *text, bp_kpiset *s, bp_diags *d)
{
    return bp_kpi_parse("k.kpi", text, strlen(text), s, d);
}

/* ---- reading a file ---- */

static const char GOOD[] =
    "# a comment\n"
    "defaults: replace   # trailing comment\n"
    "\n"
    "kpi staff_cost_pct\n"
    "  name: Staff costs\n"
    "  section: finance\n"
    "  unit: percent\n"
    "  expr: sum(exp.staff) / income\n"
    "  description: First line,\n"
    "  description: second line.\n"
    "  target: max 75%\n"
    "    phases: sixth_form_college\n"
    "    amber: 75%..77%\n"
    "  target: max 80%\n"
    "    phases: secondary, primary\n"
    "    scenarios: actual, budget\n"
    "    from: 2021/22\n"
    "    when: pan > 0\n"
    "    amber: 80%..82%\n"
    "kpi reserves\n"
    "  name: Reserves\n"
    "  unit: money\n"
    "  expr: bs.reserves.revenue\n"
    "  target: band 800,000..1,000,000\n"
    "    scope: trust, phase\n"
    "    amber: 700,000..800,000, 1,000,000..£1,100,000\n"
    "grade health\n"
    "  name: Health\n"
    "  measure: cr\n"
    "    name: Current ratio\n"
    "    unit: ratio\n"
    "    expr: bs.current_assets / bs.current_liabilities\n"
    "    points: 100 >= 2.0, 50 >= 1.0, 0\n"
    "  measure: debt\n"
    "    expr: sum(bs.borrowing, 0) / income\n"
    "    points: 100 <= 5%, 40 <= 40%, 0\n"
    "  grades: Good >= 150, Fair >= 100, Weak\n"
    "  target: min Fair\n";

/* counts: people marks a KPI for build --publish's suppression; without it a KPI has none */
static void reads_counts_people(void **state)
{
    (void)state;
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    const char *text = "kpi neet\n  name: NEET\n  counts: people\n  expr: students.neet / students.leavers\n"
                       "kpi roll\n  name: Roll\n  expr: students.on_roll\n";
    assert_int_equal(parse(text, &s, &d), BP_OK);
    assert_int_equal(s.count, 2);
    assert_true(s.kpis[0].counts_people);
    assert_false(s.kpis[1].counts_people);
    bp_kpiset_free(&s);
    bp_diags_free(&d);
}

static void reads_every_setting(void **state)
{
    (void)state;
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse(GOOD, &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(s.count, 3);

    const bp_kpi *k = &s.kpis[0];
    assert_string_equal(k->id, "staff_cost_pct");
    assert_string_equal(k->name, "Staff costs");
    assert_string_equal(k->section, "finance");
    assert_string_equal(k->description, "First line, second line.");
    assert_int_equal(k->unit, BP_UNIT_PERCENT);
    assert_false(k->higher_is_better);          /* from the first target: max */
    assert_int_equal(k->line, 4);
    assert_int_equal(k->ntargets, 2);
    const bp_target *t = &k->targets[1];
    assert_int_equal(t->cmp, BP_CMP_MAX);
    assert_num_frac(t->hi->num, 4, 5);
    assert_int_equal(t->phases, (1u << BP_PHASE_SECONDARY) | (1u << BP_PHASE_PRIMARY));
    assert_int_equal(t->scenarios, (1u << BP_ACTUAL) | (1u << BP_BUDGET));
    assert_int_equal(t->from_year, 2021);
    assert_non_null(t->when);
    assert_int_equal(t->namber, 1);
    assert_num_frac(t->amber[0].lo, 4, 5);
    assert_num_frac(t->amber[0].hi, 41, 50);
    assert_string_equal(t->text, "max 80%");
    assert_int_equal(t->line, 14);

    k = &s.kpis[1];
    assert_int_equal(k->unit, BP_UNIT_MONEY);
    t = &k->targets[0];
    assert_int_equal(t->cmp, BP_CMP_BAND);
    assert_num_frac(t->lo->num, 800000, 1);
    assert_num_frac(t->hi->num, 1000000, 1);
    assert_int_equal(t->scopes, BP_SCOPE_F_TRUST | BP_SCOPE_F_PHASE);
    assert_int_equal(t->namber, 2);
    assert_num_frac(t->amber[1].lo, 1000000, 1);
    assert_num_frac(t->amber[1].hi, 1100000, 1);

    k = &s.kpis[2];
    assert_int_equal(k->unit, BP_UNIT_GRADE);
    assert_null(k->expr);
    assert_int_equal(k->nmeasures, 2);
    assert_string_equal(k->measures[1].name, "debt");   /* defaults to the id */
    assert_int_equal(k->measures[0].unit, BP_UNIT_RATIO);
    assert_int_equal(k->measures[1].npoints, 3);
    assert_true(k->measures[1].points[0].at_most);
    assert_int_equal(k->ngrades, 3);
    assert_string_equal(k->grades[1].label, "Fair");
    assert_false(k->grades[2].has_min);
    /* "min Fair" is the lowest total for Fair */
    assert_num_frac(k->targets[0].lo->num, 100, 1);
    bp_kpiset_free(&s);
    bp_diags_free(&d);
}

/* One defect per file; the message and position are counted by hand. */
static void expect_error(const char *text, const char *want)
{
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse(text, &s, &d), BP_ERR_KPI);
    assert_true(d.count >= 1);
    char buf[512];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(s.count, 0);   /* nothing from a bad file is merged */
    bp_kpiset_free(&s);
    bp_diags_free(&d);
}

#define HEAD "kpi a\n  name: A\n"   /* lines 1-2 */
#define P62 "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"   /* 62 */

static void validation_errors(void **state)
{
    (void)state;
    expect_error("  name: A\n", "k.kpi:1:3: error: 'name:' outside a block: start one with 'kpi ID' or 'grade ID'");
    expect_error("kpi Staff\n  name: A\n  expr: 1\n",
                 "k.kpi:1:5: error: 'Staff' is not a KPI id: use lower-case letters, digits and '_'");
    expect_error(HEAD "  expr: 1\n  colour: red\n",
                 "k.kpi:4:3: error: unknown setting 'colour': expected name, expr, unit, section, "
                 "description, better, counts, target");
    /* counts: people (build --publish): one word, once, not on money or a grade */
    expect_error(HEAD "  expr: 1\n  counts: pupils\n",
                 "k.kpi:4:11: error: expected 'people' (its numerator and denominator count "
                 "people), found 'pupils'");
    expect_error(HEAD "  expr: 1\n  counts: people\n  counts: people\n",
                 "k.kpi:5:3: error: 'counts' is set twice in this block");
    expect_error(HEAD "  counts: people\n  expr: 1\n  unit: money\n",
                 "k.kpi:3:3: error: kpi 'a' is money ('unit: money'), which counts no people: "
                 "remove 'counts: people' or change the unit");
    expect_error(HEAD "  expr: 1\n  unit: pounds\n",
                 "k.kpi:4:9: error: unknown unit 'pounds': expected percent, ratio, money or number");
    expect_error(HEAD "  expr: a +\n",
                 "k.kpi:3:12: error: expected a number, a fact code, a function or '(', found end of expression");
    expect_error(HEAD "  expr: 1\n  target: above 5\n",
                 "k.kpi:4:11: error: unknown comparator 'above': expected min, max or band");
    expect_error(HEAD "  expr: 1\n  target: band 5\n",
                 "k.kpi:4:16: error: expected a band written LOW..HIGH, such as 0.5%..2%");
    expect_error(HEAD "  expr: 1\n  target: band 5..2\n",
                 "k.kpi:4:16: error: the band's low end is above its high end");
    expect_error(HEAD "  expr: 1\n  target: min 5\n    amber: 4-5\n",
                 "k.kpi:5:12: error: expected an amber range LOW..HIGH such as 75%..77%, found '4-5'");
    expect_error(HEAD "  expr: 1\n  target: min 5\n    phases: secondary, college\n",
                 "k.kpi:5:24: error: unknown phase 'college': expected primary, secondary, secondary_sixth, "
                 "sixth_form_college, all_through, special or alternative_provision");
    /* a phase quoted from a 64-byte buffer: 62 p's and the first byte of an e-acute fit
     * (63 bytes and the NUL); the character cut in two is shown as '?' */
    expect_error(HEAD "  expr: 1\n  target: min 5\n    phases: " P62 "\xC3\xA9\n",
                 "k.kpi:5:13: error: unknown phase '" P62 "?': expected primary, secondary, "
                 "secondary_sixth, sixth_form_college, all_through, special or "
                 "alternative_provision");
    expect_error(HEAD "  expr: 1\n  target: min 5\n    scope: school\n",
                 "k.kpi:5:12: error: unknown scope 'school': expected institution, phase, trust or course");
    expect_error(HEAD "  expr: 1\n  target: min 5\n    scenarios: plan\n",
                 "k.kpi:5:16: error: unknown scenario 'plan': expected actual, budget or forecast");
    expect_error(HEAD "  expr: 1\n  target: min 5\n    from: 2021\n",
                 "k.kpi:5:11: error: expected a year such as 2021/22, found '2021'");
    expect_error(HEAD "  expr: 1\n  amber: 1..2\n",
                 "k.kpi:4:3: error: 'amber' describes a target: put it after a 'target:' line");
    expect_error(HEAD "  expr: 1\n  expr: 2\n", "k.kpi:4:3: error: 'expr' is set twice in this block");
    expect_error(HEAD, "k.kpi:1: error: kpi 'a' has no 'expr:'");
    expect_error("kpi a\n  expr: 1\n", "k.kpi:1: error: kpi 'a' has no 'name:'");
    expect_error(HEAD "  expr: 1\n" HEAD "  expr: 2\n",
                 "k.kpi:4:5: error: 'a' is defined twice in this file (first on line 1)");
    expect_error(HEAD "  expr:\n", "k.kpi:3:8: error: 'expr:' needs a value");
    expect_error(HEAD "  expr: 1\n  just words\n",
                 "k.kpi:4:3: error: expected 'kpi ID', 'grade ID' or 'key: value', found 'just words'");
    expect_error(HEAD "  expr: 1\n" "defaults: replace\n",
                 "k.kpi:4:1: error: 'defaults:' must come before the first kpi");
    expect_error(HEAD "  measure: m\n",
                 "k.kpi:3:3: error: 'measure:' belongs in a grade block (grade ID), not a kpi");
    /* grades */
    expect_error("grade g\n  name: G\n  measure: m\n    expr: 1\n    points: 10 >= 1, 0\n"
                 "  grades: Good >= 10, Weak\n  target: min Great\n",
                 "k.kpi:7:15: error: 'Great' is not a grade of 'g' with a lowest total");
    expect_error("grade g\n  name: G\n  measure: m\n    expr: 1\n    points: 10, 5 >= 1\n"
                 "  grades: Good >= 10, Weak\n",
                 "k.kpi:5:13: error: only the last row of a points table may have no threshold");
    expect_error("grade g\n  name: G\n  measure: m\n    expr: 1\n    points: 10 >= 1, 0\n"
                 "  grades: Good >= 10, Fine >= 20, Weak\n",
                 "k.kpi:6:23: error: grades go best first: 'Fine' must need fewer points than 'Good'");
    expect_error("grade g\n  name: G\n  measure: m\n    expr: 1\n    points: 10 >= 1, 0\n"
                 "  grades: Good >= 10, Weak >= 5\n",
                 "k.kpi:6:23: error: the last grade takes every lower total: write it with no '>='");
    expect_error("grade g\n  name: G\n  measure: m\n    expr: 1\n"
                 "  grades: Good >= 10, Weak\n",
                 "k.kpi:3: error: measure 'm' has no 'points:'");
}

/* ---- merging a data set's own file ---- */

static void extend_and_replace(void **state)
{
    (void)state;
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse(HEAD "  expr: 1\nkpi b\n  name: B\n  expr: 2\n", &s, &d), BP_OK);
    /* same id replaces in place; a new id is appended */
    const char *own = "kpi a\n  name: A2\n  expr: 3\nkpi c\n  name: C\n  expr: 4\n";
    assert_int_equal(bp_kpi_parse("own.kpi", own, strlen(own), &s, &d), BP_OK);
    assert_int_equal(s.count, 3);
    assert_string_equal(s.kpis[0].name, "A2");
    assert_string_equal(s.kpis[0].file, "own.kpi");
    assert_string_equal(s.kpis[1].id, "b");
    assert_string_equal(s.kpis[2].id, "c");
    /* defaults: replace starts from nothing */
    assert_int_equal(parse("defaults: replace\nkpi z\n  name: Z\n  expr: 1\n", &s, &d), BP_OK);
    assert_int_equal(s.count, 1);
    assert_string_equal(s.kpis[0].id, "z");
    bp_kpiset_free(&s);
    bp_diags_free(&d);
}

/* ---- validation against a data set ---- */

static void validate_errors(void **state)
{
    (void)state;
    bp_model m;
    bp_model_init(&m);
    const char *text =
        "kpi a\n  name: A\n  expr: studnets.neet / students.leavers\n"      /* unknown root */
        "kpi b\n  name: B\n  expr: kpi(c) + national(nothing)\n"
        "kpi c\n  name: C\n  expr: kpi(b) * course.fees\n";
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse(text, &s, &d), BP_OK);
    assert_int_equal(bp_kpi_validate(&s, &m, NULL, &d), BP_ERR_KPI);
    const char *want[] = {
        "k.kpi:3:9: error: unknown fact code 'studnets.neet' in KPI 'a': not a code of the data "
        "contract and no fact in the data set has it",
        "k.kpi:6:18: error: national(nothing) in KPI 'b' names no KPI of the set",
        "k.kpi:9:18: error: unknown course field 'course.fees': expected course.income, "
        "course.direct_costs, course.students or course.count",
    };
    assert_int_equal(d.count, 3);
    for (size_t i = 0; i < 3; i++) {
        char buf[512];
        bp_diag_format(&d.items[i], buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    bp_kpiset_free(&s);
    bp_diags_free(&d);

    /* a cycle of kpi() references */
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("kpi b\n  name: B\n  expr: kpi(c)\nkpi c\n  name: C\n  expr: 1 + kpi(b)\n",
                           &s, &d), BP_OK);
    assert_int_equal(bp_kpi_validate(&s, &m, NULL, &d), BP_ERR_KPI);
    char buf[512];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "k.kpi:6:13: error: kpi(b) in KPI 'c' refers back to itself through a "
                             "cycle of kpi() references");
    bp_kpiset_free(&s);
    bp_diags_free(&d);
    bp_model_free(&m);
}

static void absent_code_is_a_warning_for_own_file(void **state)
{
    (void)state;
    bp_model m;
    bp_model_init(&m);
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("kpi a\n  name: A\n  expr: students.neets / sum(students.x, 0)\n", &s, &d),
                     BP_OK);
    /* the defaults are quiet about data a trust does not collect */
    assert_int_equal(bp_kpi_validate(&s, &m, NULL, &d), BP_OK);
    assert_int_equal(d.count, 0);
    /* a data set's own file is told; a code with a default is not a typo risk */
    assert_int_equal(bp_kpi_validate(&s, &m, "k.kpi", &d), BP_OK);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.errors, 0);
    char buf[512];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "k.kpi:3:9: warning: no fact in the data set has code 'students.neets' "
                             "(KPI 'a' shows no data where it is needed)");
    bp_kpiset_free(&s);
    bp_diags_free(&d);
    bp_model_free(&m);
}

/* ---- the exact decision ---- */

static bp_target target(bp_cmp cmp, size_t namber, bp_range a0, bp_range a1)
{
    bp_target t;
    memset(&t, 0, sizeof t);
    t.cmp = cmp;
    t.namber = namber;
    t.amber[0] = a0;
    t.amber[1] = a1;
    return t;
}

static bp_range R(int64_t ln, int64_t ld, int64_t hn, int64_t hd)
{
    bp_range r = {bp_num_frac(ln, ld), bp_num_frac(hn, hd)};
    return r;
}

static void decisions_are_exact_and_inclusive(void **state)
{
    (void)state;
    bp_num none = bp_num_none();
    /* max 80%, amber 80%..82% */
    bp_target mx = target(BP_CMP_MAX, 1, R(80, 100, 82, 100), R(0, 1, 0, 1));
    bp_num hi = bp_num_frac(4, 5);
    assert_int_equal(bp_target_decide(&mx, bp_num_frac(80, 100), none, hi), BP_STATUS_GREEN);
    assert_int_equal(bp_target_decide(&mx, bp_num_frac(8000001, 10000000), none, hi), BP_STATUS_AMBER);
    assert_int_equal(bp_target_decide(&mx, bp_num_frac(82, 100), none, hi), BP_STATUS_AMBER);
    assert_int_equal(bp_target_decide(&mx, bp_num_frac(8200001, 10000000), none, hi), BP_STATUS_RED);
    /* min 95%, no amber: 2963/3119 = 0.94998... is red although it prints as 95.0% */
    bp_target mn = target(BP_CMP_MIN, 0, R(0, 1, 0, 1), R(0, 1, 0, 1));
    assert_int_equal(bp_target_decide(&mn, bp_num_frac(2963, 3119), bp_num_frac(95, 100), none),
                     BP_STATUS_RED);
    assert_int_equal(bp_target_decide(&mn, bp_num_frac(19, 20), bp_num_frac(95, 100), none),
                     BP_STATUS_GREEN);
    /* band 0.5%..2%, amber 0%..0.5% and 2%..4% */
    bp_target bd = target(BP_CMP_BAND, 2, R(0, 1, 5, 1000), R(2, 100, 4, 100));
    bp_num lo = bp_num_frac(5, 1000), top = bp_num_frac(2, 100);
    assert_int_equal(bp_target_decide(&bd, bp_num_frac(5, 1000), lo, top), BP_STATUS_GREEN);
    assert_int_equal(bp_target_decide(&bd, bp_num_frac(2, 100), lo, top), BP_STATUS_GREEN);
    assert_int_equal(bp_target_decide(&bd, bp_num_int(0), lo, top), BP_STATUS_AMBER);
    assert_int_equal(bp_target_decide(&bd, bp_num_frac(4, 100), lo, top), BP_STATUS_AMBER);
    assert_int_equal(bp_target_decide(&bd, bp_num_frac(-1, 10000), lo, top), BP_STATUS_RED);
    assert_int_equal(bp_target_decide(&bd, bp_num_frac(401, 10000), lo, top), BP_STATUS_RED);
    /* no data, or no benchmark for the threshold: none */
    assert_int_equal(bp_target_decide(&bd, none, lo, top), BP_STATUS_NONE);
    assert_int_equal(bp_target_decide(&mn, bp_num_int(1), none, none), BP_STATUS_NONE);
}

static void points_and_grades(void **state)
{
    (void)state;
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse(GOOD, &s, &d), BP_OK);
    const bp_kpi *g = &s.kpis[2];
    const bp_measure *cr = &g->measures[0], *debt = &g->measures[1];
    /* ">= 2.0": exactly 2 scores 100; just under scores 50; under 1 scores 0 */
    assert_num_frac(bp_measure_points(cr, bp_num_int(2)), 100, 1);
    assert_num_frac(bp_measure_points(cr, bp_num_frac(199, 100)), 50, 1);
    assert_num_frac(bp_measure_points(cr, bp_num_int(1)), 50, 1);
    assert_num_frac(bp_measure_points(cr, bp_num_frac(99, 100)), 0, 1);
    /* "<= 5%": exactly 5% scores 100, a penny more scores 40 */
    assert_num_frac(bp_measure_points(debt, bp_num_frac(5, 100)), 100, 1);
    assert_num_frac(bp_measure_points(debt, bp_num_frac(50001, 1000000)), 40, 1);
    assert_num_frac(bp_measure_points(debt, bp_num_frac(41, 100)), 0, 1);
    assert_num_none(bp_measure_points(debt, bp_num_none()));
    /* grades: 150 Good (on the line), 149 Fair, 100 Fair, 99 Weak */
    assert_int_equal(bp_grade_band_of(g, bp_num_int(150)), 0);
    assert_int_equal(bp_grade_band_of(g, bp_num_int(149)), 1);
    assert_int_equal(bp_grade_band_of(g, bp_num_int(100)), 1);
    assert_int_equal(bp_grade_band_of(g, bp_num_int(99)), 2);
    assert_int_equal(bp_grade_band_of(g, bp_num_none()), -1);
    bp_kpiset_free(&s);
    bp_diags_free(&d);
}

/* The shipped default set parses and holds the contract's KPIs. */
static void default_set_is_complete(void **state)
{
    (void)state;
    bp_kpiset s;
    bp_diags d;
    bp_kpiset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(bp_kpi_load_file("templates/kpis/default.kpi", "default.kpi", &s, &d), BP_OK);
    static const char *const ids[] = {
        "surplus_pct", "staff_cost_pct", "liquidity_pct", "non_esfa_income_pct", "reserves_total",
        "rainy_day_reserve", "cpd_pct", "forecast_surplus", "contact_ratio", "avg_class_size",
        "pupil_teacher_ratio", "set_size_main", "set_size_sixth", "staff_turnover_pct",
        "staff_absence_pct", "staff_good_pct", "neet_pct", "sustained_pct", "university_pct",
        "russell_group_pct", "attendance_pct", "retention16_pct", "satisfaction_pct", "post16_roll",
        "pan_filled_pct", "governor_attendance_pct", "board_female_pct", "course_contribution_pct",
        "financial_health", "revenue_reserve", "cash_min"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        if (bp_kpi_find(&s, ids[i]) < 0) fprintf(stderr, "missing %s\n", ids[i]);
        assert_true(bp_kpi_find(&s, ids[i]) >= 0);
    }
    assert_int_equal(s.count, sizeof ids / sizeof *ids);
    bp_model m;
    bp_model_init(&m);
    assert_int_equal(bp_kpi_validate(&s, &m, NULL, &d), BP_OK);
    bp_model_free(&m);
    bp_kpiset_free(&s);
    bp_diags_free(&d);
}

/* Contract v2's default KPI revenue_reserve has results only where its inputs exist: with
 * no fact of bs.reserves.revenue it leaves the set, unless a fact, another KPI or an
 * action names it, or a data set's own file defines it. */
static void v2_default_left_out_without_inputs(void **state)
{
    (void)state;
    static const char def[] = "kpi revenue_reserve\n  name: R\n  unit: money\n"
                              "  expr: sum(bs.reserves.revenue)\n  target: min 0\n"
                              "kpi reserves_total\n  name: T\n  unit: money\n"
                              "  expr: sum(bs.reserves.revenue)\n";
    bp_model m;
    bp_institution insts[3];
    bp_test_three_insts(&m, insts);
    bp_kpiset s;
    bp_diags d;
    bp_diags_init(&d);
    /* no facts: left out, and only it (reserves_total is a v1 KPI: it stays, no data) */
    bp_kpiset_init(&s);
    assert_int_equal(bp_kpi_parse("default.kpi", def, strlen(def), &s, &d), BP_OK);
    bp_kpi_drop_unfed(&s, &m, "default.kpi");
    assert_int_equal(s.count, 1);
    assert_string_equal(s.kpis[0].id, "reserves_total");
    bp_kpiset_free(&s);
    /* defined by another file (a data set's own): kept */
    bp_kpiset_init(&s);
    assert_int_equal(bp_kpi_parse("kpis.kpi", def, strlen(def), &s, &d), BP_OK);
    bp_kpi_drop_unfed(&s, &m, "default.kpi");
    assert_int_equal(s.count, 2);
    bp_kpiset_free(&s);
    /* named by an action: kept, so that the action's id still names a KPI */
    char *ids[] = {"revenue_reserve"};
    bp_action act;
    memset(&act, 0, sizeof act);
    act.inst = 0;
    act.kpis = ids;
    act.nkpis = 1;
    m.actions = &act;
    m.nactions = 1;
    bp_kpiset_init(&s);
    assert_int_equal(bp_kpi_parse("default.kpi", def, strlen(def), &s, &d), BP_OK);
    bp_kpi_drop_unfed(&s, &m, "default.kpi");
    assert_int_equal(s.count, 2);
    assert_int_equal(bp_kpi_check_actions(&s, &m, &d), BP_OK);
    bp_kpiset_free(&s);
    m.actions = NULL;
    m.nactions = 0;
    /* a fact of its code, for any institution and year: kept */
    bp_fact f = {0, 2022, BP_ACTUAL, 0, "bs.reserves.revenue", -500, true, 0, 2, false};
    m.facts = &f;
    m.nfacts = 1;
    bp_kpiset_init(&s);
    assert_int_equal(bp_kpi_parse("default.kpi", def, strlen(def), &s, &d), BP_OK);
    bp_kpi_drop_unfed(&s, &m, "default.kpi");
    assert_int_equal(s.count, 2);
    /* an action naming a KPI the set does not have: an error at its kpis field */
    char *bad[] = {"cpd_pct", "reserves_total"};
    act.kpis = bad;
    act.nkpis = 2;
    act.line = 7;
    act.kpis_column = 56;
    m.actions = &act;
    m.nactions = 1;
    assert_int_equal(bp_kpi_check_actions(&s, &m, &d), BP_ERR_DATA);
    assert_int_equal(d.errors, 1);
    char buf[256];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "actions.csv:7:56: error: found \"cpd_pct\" in column \"kpis\", "
                             "expected a KPI id of the set (templates/kpis/default.kpi and the "
                             "data set's kpis.kpi)");
    bp_kpiset_free(&s);
    m.actions = NULL;
    m.nactions = 0;
    m.facts = NULL;
    m.nfacts = 0;
    m.insts = NULL;
    m.ninsts = 0;
    bp_model_free(&m);
    bp_diags_free(&d);
}

/* cash_min (contract v2) reads the cash flow, not a sum(): it leaves the set without a
 * cash.* fact and stays with one, of any cash code. */
static void cash_min_left_out_without_cash(void **state)
{
    (void)state;
    static const char def[] = "kpi cash_min\n  name: C\n  unit: money\n  expr: cash_min\n"
                              "  target: min 0\n    scope: institution, trust\n";
    bp_model m;
    bp_institution insts[3];
    bp_test_three_insts(&m, insts);
    bp_kpiset s;
    bp_diags d;
    bp_diags_init(&d);
    bp_fact f = {0, 2022, BP_ACTUAL, 0, "bs.cash", 100, true, 0, 2, false};
    m.facts = &f;
    m.nfacts = 1;
    bp_kpiset_init(&s);
    assert_int_equal(bp_kpi_parse("default.kpi", def, strlen(def), &s, &d), BP_OK);
    bp_kpi_drop_unfed(&s, &m, "default.kpi");
    assert_int_equal(s.count, 0);   /* bs.cash is not a cash.* code */
    bp_kpiset_free(&s);
    f.code = "cash.receipts.grants";
    f.period = 1;
    bp_kpiset_init(&s);
    assert_int_equal(bp_kpi_parse("default.kpi", def, strlen(def), &s, &d), BP_OK);
    bp_kpi_drop_unfed(&s, &m, "default.kpi");
    assert_int_equal(s.count, 1);
    assert_true(bp_kpi_is_cash_min(&s.kpis[0]));
    bp_kpiset_free(&s);
    m.facts = NULL;
    m.nfacts = 0;
    m.insts = NULL;
    m.ninsts = 0;
    bp_model_free(&m);
    bp_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cash_min_left_out_without_cash),
        cmocka_unit_test(reads_every_setting),
        cmocka_unit_test(reads_counts_people),
        cmocka_unit_test(validation_errors),
        cmocka_unit_test(extend_and_replace),
        cmocka_unit_test(validate_errors),
        cmocka_unit_test(absent_code_is_a_warning_for_own_file),
        cmocka_unit_test(decisions_are_exact_and_inclusive),
        cmocka_unit_test(points_and_grades),
        cmocka_unit_test(default_set_is_complete),
        cmocka_unit_test(v2_default_left_out_without_inputs),
    };
    return cmocka_run_group_tests_name("kpi files", tests, NULL, NULL) ? 1 : 0;
}
