/* bp_suppress: small-number suppression of evaluated results (build --publish).  A trust
 * of two primaries, a secondary and the centre; every expected cell worked out below from
 * the facts, never from the program. */
#include <stdlib.h>

#include "bp_test.h"

#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_model.h"
#include "bp_suppress.h"

static const char kpis_text[] =
    "kpi leave\n"
    "  name: Staff turnover\n"
    "  counts: people\n"
    "  expr: staff.leavers / staff.headcount\n"
    "  target: max 10%\n"
    "kpi roll\n"
    "  name: Post-16 roll\n"
    "  counts: people\n"
    "  expr: students.post16\n"
    "kpi leave_plain\n"
    "  name: Turnover, not marked\n"
    "  expr: staff.leavers / staff.headcount\n"
    "kpi income_k\n"
    "  name: Income\n"
    "  unit: money\n"
    "  expr: income\n";

typedef struct {
    bp_model m;
    bp_kpiset k;
    bp_results r;
    bp_diags d;
} world;

/* a count (millionths) or money (pence) fact of 2022/23's actuals */
static bp_fact Q(int inst, const char *code, int64_t whole)
{
    return (bp_fact){.inst = inst, .year = 2022, .scenario = BP_ACTUAL, .code = code,
                     .value = whole * 1000000, .money = false};
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    bp_model_init(&w->m);
    static bp_institution insts[4];
    insts[0] = (bp_institution){.id = "P1", .name = "Primary One", .phase = BP_PHASE_PRIMARY, .lgb = "P1"};
    insts[1] = (bp_institution){.id = "P2", .name = "Primary Two", .phase = BP_PHASE_PRIMARY, .lgb = "P2"};
    insts[2] = (bp_institution){.id = "S1", .name = "Secondary", .phase = BP_PHASE_SECONDARY, .lgb = "S1"};
    insts[3] = (bp_institution){.id = "C", .name = "Central", .phase = BP_PHASE_CENTRAL};
    w->m.insts = insts;
    w->m.ninsts = 4;
    w->m.central = 3;
    w->m.report_year = 2022;
    w->m.name = "Test Trust";
    /* sorted by institution, then code */
    static bp_fact facts[12];
    size_t n = 0;
    facts[n++] = (bp_fact){.inst = 0, .year = 2022, .scenario = BP_ACTUAL, .code = "income.esfa.gag",
                           .value = 300, .money = true};           /* £3: money, never suppressed */
    facts[n++] = Q(0, "staff.headcount", 10);
    facts[n++] = Q(0, "staff.leavers", 2);
    facts[n++] = Q(0, "students.post16", 6);
    facts[n++] = Q(1, "staff.headcount", 50);
    facts[n++] = Q(1, "staff.leavers", 10);
    facts[n++] = Q(2, "staff.headcount", 30);
    facts[n++] = Q(2, "staff.leavers", 0);
    facts[n++] = Q(2, "students.post16", 5);
    w->m.facts = facts;
    w->m.nfacts = n;
    w->m.years[0] = 2022;
    w->m.nyears = 1;
    bp_kpiset_init(&w->k);
    bp_diags_init(&w->d);
    assert_int_equal(bp_kpi_parse("t.kpi", kpis_text, sizeof kpis_text - 1, &w->k, &w->d), BP_OK);
    assert_int_equal(bp_evaluate(&w->m, &w->k, 2022, &w->r, &w->d), BP_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    bp_results_free(&w->r);
    bp_kpiset_free(&w->k);
    bp_diags_free(&w->d);
    free(w);
    return 0;
}

static const bp_result *get(world *w, const char *kpi, bp_scope sc, int ent)
{
    const bp_result *r = bp_results_find(&w->r, bp_kpi_find(&w->k, kpi), sc, ent, 2022, BP_ACTUAL);
    assert_non_null(r);
    return r;
}

static void small_is_one_to_max(void **state)
{
    (void)state;
    assert_false(bp_suppress_small(bp_num_int(0), 5));     /* 0 is shown */
    assert_true(bp_suppress_small(bp_num_int(1), 5));
    assert_true(bp_suppress_small(bp_num_int(5), 5));
    assert_false(bp_suppress_small(bp_num_int(6), 5));
    assert_false(bp_suppress_small(bp_num_frac(11, 2), 5));   /* 5.5 */
    assert_false(bp_suppress_small(bp_num_none(), 5));
    assert_false(bp_suppress_small(bp_num_int(1), 0));     /* suppress_max 0: nothing */
}

/* Staff turnover: P1 2/10 (20%, red) is primary.  The primary phase, 12/60, is shown, and
 * P1 is its lone suppressed part: P2 (10/50, the only other) goes too.  The trust beside
 * the institutions (12/90) then has two; beside the phases (primary 12/60, secondary 0/30,
 * the centre no data) none.  S1's 0 leavers of 30 is shown. */
static void primary_and_secondary_of_a_ratio(void **state)
{
    world *w = *state;
    assert_int_equal(bp_suppress_apply(&w->r), BP_OK);
    assert_true(w->r.published);
    assert_int_equal(w->r.suppress_max, 5);
    const bp_result *p1 = get(w, "leave", BP_SCOPE_INSTITUTION, 0);
    assert_true(p1->suppressed);
    assert_false(p1->value.ok);
    assert_int_equal(p1->status, BP_STATUS_NONE);
    assert_true(get(w, "leave", BP_SCOPE_INSTITUTION, 1)->suppressed);
    assert_false(get(w, "leave", BP_SCOPE_INSTITUTION, 2)->suppressed);
    const bp_result *ph = get(w, "leave", BP_SCOPE_PHASE, BP_PHASE_PRIMARY);
    assert_false(ph->suppressed);
    assert_int_equal(ph->status, BP_STATUS_RED);
    assert_false(get(w, "leave", BP_SCOPE_TRUST, 0)->suppressed);
    /* the same figures, not marked counts: people, are all shown; money never suppressed */
    assert_false(get(w, "leave_plain", BP_SCOPE_INSTITUTION, 0)->suppressed);
    assert_true(get(w, "leave_plain", BP_SCOPE_INSTITUTION, 0)->value.ok);
    assert_false(get(w, "income_k", BP_SCOPE_INSTITUTION, 0)->suppressed);
    /* the exceptions keep the red phase and trust, not the suppressed schools */
    bool phase = false, trust = false;
    for (size_t i = 0; i < w->r.nexceptions; i++) {
        const bp_result *x = w->r.exceptions[i];
        assert_false(x->suppressed);
        if (x->kpi == bp_kpi_find(&w->k, "leave")) {
            phase |= x->scope == BP_SCOPE_PHASE;
            trust |= x->scope == BP_SCOPE_TRUST;
        }
    }
    assert_true(phase && trust);
}

/* Post-16 roll (a count): S1's 5 is primary, and so the secondary phase (S1 alone).  The
 * phases' groups first: primary (6, P1 alone) has nothing suppressed.  The trust (11)
 * beside the institutions has S1 alone: the smallest other, P1 (6), goes.  The trust
 * beside the phases and the centre has the secondary phase alone: the primary phase (6,
 * which is P1's figure) goes - else it would give P1 back.  The trust's 11 stays. */
static void secondary_of_a_count(void **state)
{
    world *w = *state;
    assert_int_equal(bp_suppress_apply(&w->r), BP_OK);
    assert_true(get(w, "roll", BP_SCOPE_INSTITUTION, 2)->suppressed);
    assert_true(get(w, "roll", BP_SCOPE_PHASE, BP_PHASE_SECONDARY)->suppressed);
    assert_true(get(w, "roll", BP_SCOPE_INSTITUTION, 0)->suppressed);
    assert_true(get(w, "roll", BP_SCOPE_PHASE, BP_PHASE_PRIMARY)->suppressed);
    const bp_result *t = get(w, "roll", BP_SCOPE_TRUST, 0);
    assert_false(t->suppressed);
    assert_true(bp_num_cmp(t->value, bp_num_int(11)) == 0);
    /* 2 leave (P1, P2) + 4 roll */
    assert_int_equal(w->r.nsuppressed, 6);
}

/* suppress_max 1: P1's 2 leavers and S1's 5 are shown; nothing is suppressed. */
static void suppress_max_from_the_model(void **state)
{
    world *w = *state;
    w->m.suppress_max = 1;
    assert_int_equal(bp_suppress_apply(&w->r), BP_OK);
    assert_int_equal(w->r.nsuppressed, 0);
    assert_true(get(w, "leave", BP_SCOPE_INSTITUTION, 0)->value.ok);
}

/* A published workbook's model (bp_suppress_workbook_model): the codes the people KPIs
 * read are staff.leavers, staff.headcount (leave) and students.post16 (roll), so all 8
 * of those count facts go and the one money fact stays; typed: leave and roll (people),
 * leave_plain (it reads staff.leavers too), not income_k (income: no people code). */
static void workbook_model_leaves_out_people_facts(void **state)
{
    world *w = *state;
    bool typed[4] = {false, false, false, false};
    assert_int_equal(w->k.count, 4);
    assert_int_equal(bp_suppress_workbook_model(&w->m, &w->k, typed), BP_OK);
    assert_true(typed[bp_kpi_find(&w->k, "leave")]);
    assert_true(typed[bp_kpi_find(&w->k, "roll")]);
    assert_true(typed[bp_kpi_find(&w->k, "leave_plain")]);
    assert_false(typed[bp_kpi_find(&w->k, "income_k")]);
    assert_int_equal(w->m.nfacts, 1);
    assert_string_equal(w->m.facts[0].code, "income.esfa.gag");
    assert_true(w->m.facts[0].money);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_is_one_to_max),
        cmocka_unit_test_setup_teardown(primary_and_secondary_of_a_ratio, setup, teardown),
        cmocka_unit_test_setup_teardown(secondary_of_a_count, setup, teardown),
        cmocka_unit_test_setup_teardown(suppress_max_from_the_model, setup, teardown),
        cmocka_unit_test_setup_teardown(workbook_model_leaves_out_people_facts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
