/* Tests for bp_exgroup and its sentences (bp_format): one entry per KPI and entity, the
 * report year's entries before those in the plans alone and worst first within each, the
 * movement against the year before, the actions by the contract's rule, and sentences
 * that read for a plural label as for a singular one.  Every figure is worked out by hand
 * from the facts below. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_eval.h"
#include "bp_exgroup.h"
#include "bp_format.h"
#include "bp_kpi.h"

/* Two plural labels ("Staff costs", "Revenue reserves"): a sentence whose verb agreed with
 * the label would read "Staff costs was". */
static const char kpis_text[] =
    "defaults: replace\n"
    "kpi staff_cost_pct\n"
    "  name: Staff costs\n"
    "  unit: percent\n"
    "  expr: sum(exp.staff) / income\n"
    "  target: max 80%\n"
    "    amber: 80%..82%\n"
    "kpi reserve\n"
    "  name: Revenue reserves\n"
    "  unit: money\n"
    "  expr: sum(bs.reserves.revenue)\n"
    "  target: min 0\n"
    "    scope: institution\n";

typedef struct {
    bp_model m;
    bp_kpiset k;
    bp_results r;
    bp_diags d;
    bp_exgroups g;
} world;

static bp_fact facts[64];
static bp_institution insts[3];
static bp_action actions[3];
static char *a_kpis[] = {"staff_cost_pct", "reserve"};
static char *b_kpis[] = {"reserve"};
static char *c_kpis[] = {"staff_cost_pct"};

static int fact_cmp(const void *pa, const void *pb)
{
    const bp_fact *a = pa, *b = pb;
    if (a->inst != b->inst) return a->inst - b->inst;
    if (a->year != b->year) return a->year - b->year;
    if (a->scenario != b->scenario) return (int)a->scenario - (int)b->scenario;
    return strcmp(a->code, b->code);
}

static size_t nf;
static void fact(int inst, int year, bp_scenario s, const char *code, int64_t pounds)
{
    facts[nf++] = (bp_fact){inst, year, s, 0, code, pounds * 100, true, 0, 0, false};
}

/* Alpha (A): staff costs 810, 830, then the plans 815 (budget 2023/24), 821, 818, 806
 * (forecasts 2023/24-2025/26) of an income of 1,000 each year: 81.0% amber, 83.0% red,
 * 81.5% amber, 82.1% red, 81.8% and 80.6% amber.  Its revenue reserve: none in 2021/22,
 * -100 in 2022/23, -50 in the budget and -20 in each forecast: all red.
 * Beta (B): 700 of 1,000 (70.0%, green) but for the 2023/24 forecast, 850 (85.0%, red).
 * The secondary phase and the trust in the 2023/24 forecast: (821 + 850) / 2,000 =
 * 83.55%, red; in 2022/23 (830 + 700) / 2,000 = 76.5%, green. */
static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    bp_model_init(&w->m);
    insts[0] = (bp_institution){"A", "Alpha School", BP_PHASE_SECONDARY, 0, false, false, 0, 0, "A", 2};
    insts[1] = (bp_institution){"B", "Beta School", BP_PHASE_SECONDARY, 0, false, false, 0, 0, "B", 3};
    insts[2] = (bp_institution){"C", "Central", BP_PHASE_CENTRAL, 0, false, false, 0, 0, NULL, 4};
    w->m.insts = insts;
    w->m.ninsts = 3;
    w->m.central = 2;
    w->m.report_year = 2022;
    w->m.as_of = bp_date_from_ymd(2023, 11, 20);
    w->m.name = "Test Trust";
    nf = 0;
    static const int a_staff[] = {810, 830, 815, 821, 818, 806};
    static const int b_staff[] = {700, 700, 700, 850, 700, 700};
    static const int a_res[] = {0, -100, -50, -20, -20, -20};
    static const struct { int year; bp_scenario s; } when[] = {
        {2021, BP_ACTUAL}, {2022, BP_ACTUAL}, {2023, BP_BUDGET}, {2023, BP_FORECAST},
        {2024, BP_FORECAST}, {2025, BP_FORECAST}};
    for (int i = 0; i < 6; i++) {
        fact(0, when[i].year, when[i].s, "income.esfa.gag", 1000);
        fact(0, when[i].year, when[i].s, "exp.staff.teaching", a_staff[i]);
        if (i) fact(0, when[i].year, when[i].s, "bs.reserves.revenue", a_res[i]);
        fact(1, when[i].year, when[i].s, "income.esfa.gag", 1000);
        fact(1, when[i].year, when[i].s, "exp.staff.teaching", b_staff[i]);
        fact(1, when[i].year, when[i].s, "bs.reserves.revenue", 10);
    }
    qsort(facts, nf, sizeof *facts, fact_cmp);
    w->m.facts = facts;
    w->m.nfacts = nf;
    for (int y = 0; y < 5; y++) w->m.years[y] = 2021 + y;
    w->m.nyears = 5;
    /* Alpha's action addresses both its KPIs; Beta's its reserve (green: no entry); the
     * centre's the staff costs of the trust and of every phase. */
    actions[0] = (bp_action){.id = "A1", .inst = 0, .action = "Cut agency costs", .owner = "Head",
                             .due = bp_date_from_ymd(2023, 8, 31), .status = BP_ST_OFF_TRACK,
                             .kpis = a_kpis, .nkpis = 2};
    actions[1] = (bp_action){.id = "B1", .inst = 1, .action = "Keep the reserve", .owner = "",
                             .due = bp_date_from_ymd(2024, 3, 31), .status = BP_ST_ON_TRACK,
                             .kpis = b_kpis, .nkpis = 1};
    actions[2] = (bp_action){.id = "C1", .inst = 2, .action = "Review staffing.", .owner = "",
                             .due = bp_date_from_ymd(2023, 3, 31), .status = BP_ST_COMPLETE,
                             .kpis = c_kpis, .nkpis = 1};
    w->m.actions = actions;
    w->m.nactions = 3;
    bp_kpiset_init(&w->k);
    bp_diags_init(&w->d);
    assert_int_equal(bp_kpi_parse("t.kpi", kpis_text, sizeof kpis_text - 1, &w->k, &w->d), BP_OK);
    assert_int_equal(bp_evaluate(&w->m, &w->k, 2022, &w->r, &w->d), BP_OK);
    assert_int_equal(bp_exgroups_make(&w->r, NULL, NULL, &w->g), BP_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    bp_exgroups_free(&w->g);
    bp_results_free(&w->r);
    bp_kpiset_free(&w->k);
    bp_diags_free(&w->d);
    free(w);
    return 0;
}

static const bp_exgroup *find(const world *w, const char *kpi, bp_scope scope, int entity)
{
    int k = bp_kpi_find(&w->k, kpi);
    for (size_t i = 0; i < w->g.n; i++)
        if (w->g.v[i].kpi == k && w->g.v[i].scope == scope && w->g.v[i].entity == entity)
            return &w->g.v[i];
    return NULL;
}

/* Alpha's staff costs (report year red) and reserve (red), then in the plans alone
 * Beta's staff costs (85.0%: furthest), the phase and the trust (83.55%; the phase first,
 * as in the results' own order): five entries for eleven exceptions. */
static void one_entry_per_kpi_and_entity_in_order(void **state)
{
    world *w = *state;
    assert_int_equal(w->g.n, 5);
    assert_int_equal(w->r.nexceptions, 5 + 5 + 1 + 1 + 1);
    const bp_exgroup *v = w->g.v;
    /* the report year's first; of Alpha's two, the reserve is further from its target:
     * (0 - -100) / |0|, measured against 1, is 100; the staff costs (0.83 - 0.8) / 0.8 */
    assert_int_equal(v[0].kpi, bp_kpi_find(&w->k, "reserve"));
    assert_int_equal(v[1].kpi, bp_kpi_find(&w->k, "staff_cost_pct"));
    assert_int_equal(v[1].entity, 0);
    for (int i = 0; i < 2; i++) assert_non_null(v[i].current);
    assert_int_equal(v[2].scope, BP_SCOPE_INSTITUTION);
    assert_int_equal(v[2].entity, 1);
    assert_int_equal(v[3].scope, BP_SCOPE_PHASE);
    assert_int_equal(v[4].scope, BP_SCOPE_TRUST);
    for (int i = 2; i < 5; i++) {
        assert_null(v[i].current);
        assert_int_equal(v[i].movement, BP_MOVE_NONE);
        assert_int_equal(v[i].nitems, 1);
    }
    /* the report year's actual first, then by year, a year's budget before its forecast */
    const bp_exgroup *a = &v[1];
    assert_int_equal(a->nitems, 5);
    static const struct { int year; bp_scenario s; } order[] = {
        {2022, BP_ACTUAL}, {2023, BP_BUDGET}, {2023, BP_FORECAST}, {2024, BP_FORECAST}, {2025, BP_FORECAST}};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(a->items[i]->year, order[i].year);
        assert_int_equal(a->items[i]->scenario, order[i].s);
    }
    assert_int_equal(a->worst, BP_STATUS_RED);
    assert_int_equal(w->g.nplan[BP_BUDGET], 1);
    assert_int_equal(w->g.nplan[BP_FORECAST], 3);
}

/* Grouped from the places of the institutions' exceptions alone (as a governing body's
 * pack finds its own): Alpha's two entries and Beta's, in the order of all five; Beta's
 * alone, its one - the 2023/24 forecast. */
static void among_the_exceptions_given(void **state)
{
    world *w = *state;
    size_t at[16], n = 0, beta[16], nb = 0;
    for (size_t i = 0; i < w->r.nexceptions; i++) {
        const bp_result *x = w->r.exceptions[i];
        if (x->scope != BP_SCOPE_INSTITUTION) continue;
        at[n++] = i;
        if (x->entity == 1) beta[nb++] = i;
    }
    assert_int_equal(n, 5 + 5 + 1);
    bp_exgroups g;
    assert_int_equal(bp_exgroups_make_among(&w->r, at, n, NULL, NULL, &g), BP_OK);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.v[0].kpi, bp_kpi_find(&w->k, "reserve"));
    assert_int_equal(g.v[0].entity, 0);
    assert_int_equal(g.v[1].kpi, bp_kpi_find(&w->k, "staff_cost_pct"));
    assert_int_equal(g.v[1].entity, 0);
    assert_int_equal(g.v[1].nitems, 5);
    assert_int_equal(g.v[2].entity, 1);
    assert_int_equal(g.nplan[BP_FORECAST], 3);
    bp_exgroups_free(&g);
    assert_int_equal(bp_exgroups_make_among(&w->r, beta, nb, NULL, NULL, &g), BP_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.v[0].entity, 1);
    assert_int_equal(g.v[0].nitems, 1);
    assert_int_equal(g.v[0].items[0]->year, 2023);
    assert_int_equal(g.v[0].items[0]->scenario, BP_FORECAST);
    bp_exgroups_free(&g);
}

/* Cleared since a last pack (movements set by hand: this world has no previous pack):
 * Beta's staff costs in 2022/23 (70.0%, green) and in the 2024/25 forecast (70.0%), and
 * the trust's in 2022/23 (76.5%, green).  Of every result, Beta's once (its report year's
 * actual) and the trust's; of Beta's two places alone, Beta's; of its forecast's alone,
 * the forecast; of Alpha's places (nothing cleared), none. */
static void cleared_among_the_results_given(void **state)
{
    world *w = *state;
    int staff = bp_kpi_find(&w->k, "staff_cost_pct");
    bp_result *bn = (bp_result *)bp_results_find(&w->r, staff, BP_SCOPE_INSTITUTION, 1, 2022, BP_ACTUAL);
    bp_result *bf = (bp_result *)bp_results_find(&w->r, staff, BP_SCOPE_INSTITUTION, 1, 2024, BP_FORECAST);
    bp_result *tn = (bp_result *)bp_results_find(&w->r, staff, BP_SCOPE_TRUST, 0, 2022, BP_ACTUAL);
    assert_non_null(bn);
    assert_non_null(bf);
    assert_non_null(tn);
    bp_result *set[] = {bn, bf, tn};
    int was[3];
    bool counted[3];
    for (int i = 0; i < 3; i++) {
        was[i] = set[i]->movement, counted[i] = set[i]->counts;
        set[i]->movement = BP_MV_CLEARED;
        set[i]->counts = true;
    }
    size_t beta[2] = {(size_t)(bn - w->r.results), (size_t)(bf - w->r.results)}, alpha[64], na = 0;
    if (beta[0] > beta[1]) beta[0] ^= beta[1], beta[1] ^= beta[0], beta[0] ^= beta[1];
    for (size_t i = 0; i < w->r.nresults && na < 64; i++)
        if (w->r.results[i].scope == BP_SCOPE_INSTITUTION && w->r.results[i].entity == 0) alpha[na++] = i;
    bp_cleared c;
    assert_int_equal(bp_cleared_make(&w->r, NULL, NULL, &c), BP_OK);
    assert_int_equal(c.n, 2);
    assert_ptr_equal(c.v[0], bn);
    assert_ptr_equal(c.v[1], tn);
    bp_cleared_free(&c);
    assert_int_equal(bp_cleared_make_among(&w->r, beta, 2, NULL, NULL, &c), BP_OK);
    assert_int_equal(c.n, 1);
    assert_ptr_equal(c.v[0], bn);
    bp_cleared_free(&c);
    size_t fc = (size_t)(bf - w->r.results);
    assert_int_equal(bp_cleared_make_among(&w->r, &fc, 1, NULL, NULL, &c), BP_OK);
    assert_int_equal(c.n, 1);
    assert_ptr_equal(c.v[0], bf);
    bp_cleared_free(&c);
    assert_int_equal(bp_cleared_make_among(&w->r, alpha, na, NULL, NULL, &c), BP_OK);
    assert_int_equal(c.n, 0);
    bp_cleared_free(&c);
    for (int i = 0; i < 3; i++) set[i]->movement = was[i], set[i]->counts = counted[i];
}

/* amber at 81.0% in 2021/22, red now: worse; the reserve had no 2021/22 figure: new */
static void movement_against_the_year_before(void **state)
{
    world *w = *state;
    assert_int_equal(find(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 0)->movement, BP_MOVE_WORSE);
    assert_int_equal(find(w, "reserve", BP_SCOPE_INSTITUTION, 0)->movement, BP_MOVE_NEW);
}

/* an action of an institution addresses its own results; the centre's the trust's and
 * every phase's */
static void actions_by_the_contract_rule(void **state)
{
    world *w = *state;
    const bp_exgroup *a = find(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 0);
    assert_int_equal(a->nactions, 1);
    assert_int_equal(a->actions[0], 0);
    assert_int_equal(find(w, "reserve", BP_SCOPE_INSTITUTION, 0)->nactions, 1);
    assert_int_equal(find(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 1)->nactions, 0);
    const bp_exgroup *ph = find(w, "staff_cost_pct", BP_SCOPE_PHASE, BP_PHASE_SECONDARY);
    const bp_exgroup *tr = find(w, "staff_cost_pct", BP_SCOPE_TRUST, 0);
    assert_int_equal(ph->nactions, 1);
    assert_int_equal(ph->actions[0], 2);
    assert_int_equal(tr->nactions, 1);
    assert_int_equal(tr->actions[0], 2);
    assert_true(bp_action_addresses(&w->m, &actions[2], "staff_cost_pct", BP_SCOPE_PHASE, BP_PHASE_PRIMARY));
    assert_false(bp_action_addresses(&w->m, &actions[2], "staff_cost_pct", BP_SCOPE_INSTITUTION, 0));
    assert_false(bp_action_addresses(&w->m, &actions[0], "staff_cost_pct", BP_SCOPE_TRUST, 0));
}

static void expect_text(char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void sentences(void **state)
{
    world *w = *state;
    const bp_exgroup *a = find(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 0);
    expect_text(bp_format_exgroup_title(&w->r, a), "Staff costs: Alpha School");
    expect_text(bp_format_exgroup_years(&w->r, &w->g, a),
                "The result was red in 2022/23 (83.0% against a ceiling of 80%) and is red in the "
                "2023/24 forecast (82.1%), and amber in the 2023/24 budget (81.5%) and the 2024/25 "
                "and 2025/26 forecasts (81.8% and 80.6%).");
    expect_text(bp_format_exgroup_movement(&w->r, a),
                "The exception persists from 2021/22 (amber at 81.0%) and is worse.");
    /* every forecast year of the window, one figure: said once */
    const bp_exgroup *r = find(w, "reserve", BP_SCOPE_INSTITUTION, 0);
    expect_text(bp_format_exgroup_title(&w->r, r), "Revenue reserves: Alpha School");
    expect_text(bp_format_exgroup_years(&w->r, &w->g, r),
                "The result was red in 2022/23 (a deficit of £100 against a floor of £0) and is "
                "red in the 2023/24 budget (a deficit of £50) and each of the three forecast "
                "years (a deficit of £20 in each).");
    expect_text(bp_format_exgroup_movement(&w->r, r),
                "The exception is new: there is no 2021/22 result to compare.");
    const bp_exgroup *b = find(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 1);
    expect_text(bp_format_exgroup_years(&w->r, &w->g, b),
                "The result is red in the 2023/24 forecast (85.0% against a ceiling of 80%).");
    expect_text(bp_format_exgroup_movement(&w->r, b),
                "The exception is in the plans alone: 2022/23 met the target (70.0%).");
    const bp_exgroup *ph = find(w, "staff_cost_pct", BP_SCOPE_PHASE, BP_PHASE_SECONDARY);
    expect_text(bp_format_exgroup_title(&w->r, ph), "Staff costs: Secondary (11-16) phase");
    expect_text(bp_format_exgroup_years(&w->r, &w->g, ph),
                "The result is red in the 2023/24 forecast (83.6% against a ceiling of 80%).");
    /* overdue: due before as_of and not complete; a complete one never is */
    expect_text(bp_format_action(&w->m, &actions[0]),
                "Action A1 (Head; due 31 August 2023, overdue; off track): Cut agency costs.");
    expect_text(bp_format_action(&w->m, &actions[2]),
                "Action C1 (due 31 March 2023; complete): Review staffing.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_entry_per_kpi_and_entity_in_order),
        cmocka_unit_test(among_the_exceptions_given),
        cmocka_unit_test(cleared_among_the_results_given),
        cmocka_unit_test(movement_against_the_year_before),
        cmocka_unit_test(actions_by_the_contract_rule),
        cmocka_unit_test(sentences),
    };
    return cmocka_run_group_tests_name("exgroup", tests, setup, teardown) ? 1 : 0;
}
