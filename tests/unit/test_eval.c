/* Tests for bp_eval: entities, targets, consolidation, grades and the central charge. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_model.h"

/* ---- central charge: whole pence, largest remainder, exact total ---- */

static void allocate_equal_thirds(void **state)
{
    (void)state;
    bp_num w[3] = {bp_num_int(1), bp_num_int(1), bp_num_int(1)};
    int64_t sh[3];
    assert_int_equal(bp_allocate_pence(100, w, 3, sh), BP_OK);
    /* 33.33 each: floors 33+33+33 = 99; the 1p left goes to the earliest tie. */
    assert_int_equal(sh[0], 34);
    assert_int_equal(sh[1], 33);
    assert_int_equal(sh[2], 33);
}

static void allocate_largest_remainder(void **state)
{
    (void)state;
    bp_num w[2] = {bp_num_int(2), bp_num_int(1)};
    int64_t sh[2];
    /* 10001 x 2/3 = 6667.33, 10001 x 1/3 = 3333.67: floors 6667 + 3333 = 10000; the
     * remaining penny goes to the larger remainder (0.67). */
    assert_int_equal(bp_allocate_pence(10001, w, 2, sh), BP_OK);
    assert_int_equal(sh[0], 6667);
    assert_int_equal(sh[1], 3334);
}

static void allocate_weighted_phases(void **state)
{
    (void)state;
    /* 1,650 x 1.2 = 1,980; 1,000 x 1.1 = 1,100; 420 x 0.9 = 378; total 3,458.
     * £1,000,000.00 = 100,000,000p:
     *   1980/3458 x 1e8 = 57,258,530.94...  -> 57,258,530 (rem .94)
     *   1100/3458 x 1e8 = 31,810,294.97...  -> 31,810,294 (rem .97)
     *    378/3458 x 1e8 = 10,931,174.08...  -> 10,931,174 (rem .08)
     * floors sum to 99,999,998: 2p left, to .97 then .94. */
    bp_num w[3] = {bp_num_mul(bp_num_int(1650), bp_num_frac(12, 10)),
                   bp_num_mul(bp_num_int(1000), bp_num_frac(11, 10)),
                   bp_num_mul(bp_num_int(420), bp_num_frac(9, 10))};
    int64_t sh[3];
    assert_int_equal(bp_allocate_pence(100000000, w, 3, sh), BP_OK);
    assert_int_equal(sh[0], 57258531);
    assert_int_equal(sh[1], 31810295);
    assert_int_equal(sh[2], 10931174);
    assert_int_equal(sh[0] + sh[1] + sh[2], 100000000);
}

static void allocate_no_weight(void **state)
{
    (void)state;
    bp_num w[2] = {bp_num_int(0), bp_num_int(0)};
    int64_t sh[2];
    assert_int_equal(bp_allocate_pence(500, w, 2, sh), BP_ERR_DATA);
}

static void allocate_many_sums_exactly(void **state)
{
    (void)state;
    enum { N = 37 };
    bp_num w[N];
    int64_t sh[N], sum = 0;
    for (int i = 0; i < N; i++) w[i] = bp_num_frac(100 + 7 * i, 3);
    assert_int_equal(bp_allocate_pence(123456789, w, N, sh), BP_OK);
    for (int i = 0; i < N; i++) sum += sh[i];
    assert_int_equal(sum, 123456789);
}

/* The order the pence left over go out in (and the Central charge sheet's ranks): the
 * largest remainder first, equal remainders in line order, no data last. */
static void remainder_order_ties_to_earlier(void **state)
{
    (void)state;
    bp_num rem[6] = {bp_num_frac(1, 3), bp_num_frac(2, 3), bp_num_frac(1, 3), bp_num_none(),
                     bp_num_frac(4, 6), bp_num_int(0)};
    size_t order[6];
    assert_int_equal(bp_remainder_order(rem, 6, order), BP_OK);
    /* 2/3 (lines 1 and 4), 1/3 (0 and 2), 0 (5), no data (3) */
    const size_t want[6] = {1, 4, 0, 2, 5, 3};
    for (int k = 0; k < 6; k++) assert_int_equal(order[k], want[k]);
}

static void allocate_ties_after_larger(void **state)
{
    (void)state;
    /* 7p in proportion 1:2:1:2 - exact 1.1667, 2.3333, 1.1667, 2.3333: floors 1+2+1+2 = 6;
     * the penny left goes to the larger remainder (.3333), the earlier of lines 1 and 3. */
    bp_num w[4] = {bp_num_int(1), bp_num_int(2), bp_num_int(1), bp_num_int(2)};
    int64_t sh[4];
    assert_int_equal(bp_allocate_pence(7, w, 4, sh), BP_OK);
    assert_int_equal(sh[0], 1);
    assert_int_equal(sh[1], 3);
    assert_int_equal(sh[2], 1);
    assert_int_equal(sh[3], 2);
}

static void allocate_thousand_equal_lines(void **state)
{
    (void)state;
    /* 3,999p over 1,000 equal lines: 3.999 each, floors 3,000, 999p left, every remainder
     * equal: lines 0..998 get 4p, the last 3p. */
    enum { N = 1000 };
    static bp_num w[N];
    static int64_t sh[N];
    for (int i = 0; i < N; i++) w[i] = bp_num_int(1);
    assert_int_equal(bp_allocate_pence(3999, w, N, sh), BP_OK);
    for (int i = 0; i < N - 1; i++) assert_int_equal(sh[i], 4);
    assert_int_equal(sh[N - 1], 3);
}

/* ---- a small trust evaluated end to end (facts built by hand) ---- */

static const char kpis_text[] =
    "defaults: replace\n"
    "kpi staff_cost_pct\n"
    "  name: Staff costs\n"
    "  unit: percent\n"
    "  expr: sum(exp.staff) / income\n"
    "  target: max 80%\n"
    "    amber: 80%..82%\n"
    "kpi reserves\n"
    "  name: Reserves\n"
    "  unit: money\n"
    "  expr: income - exp\n"
    "  target: min 0\n"
    "    scope: trust\n"
    "grade health\n"
    "  name: Health\n"
    "  measure: cr\n"
    "    name: Current ratio\n"
    "    expr: bs.current_assets / bs.current_liabilities\n"
    "    points: 100 >= 2.0, 50 >= 1.0, 0\n"
    "  grades: Good >= 100, Weak\n"
    "  target: min Good\n";

typedef struct {
    bp_model m;
    bp_kpiset k;
    bp_results r;
    bp_diags d;
} world;

static bp_fact F(int inst, const char *code, int64_t pence)
{
    bp_fact f = {inst, 2022, BP_ACTUAL, 0, code, pence, true, 0, 0, false};
    return f;
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    bp_model_init(&w->m);
    static bp_institution insts[3];
    insts[0] = (bp_institution){"A", "Alpha School", BP_PHASE_SECONDARY, 0, false, false, 0, 0, "A", 2};
    insts[1] = (bp_institution){"B", "Beta School", BP_PHASE_SECONDARY, 0, false, false, 0, 0, "B", 3};
    insts[2] = (bp_institution){"C", "Central", BP_PHASE_CENTRAL, 0, false, false, 0, 0, NULL, 4};
    w->m.insts = insts;
    w->m.ninsts = 3;
    w->m.central = 2;
    w->m.report_year = 2022;
    w->m.name = "Test Trust";
    /* Sorted by inst, then code.  A: income 1000, staff 800 (exactly on the 80% ceiling),
     * internal 50.  B: income 500 (400 + internal? no: 500), staff 410 = 82% (amber edge).
     * Centre: income.internal 60 (does not reconcile with A's 50), exp 40. */
    static bp_fact facts[16];
    size_t n = 0;
    facts[n++] = F(0, "bs.current_assets", 30000);
    facts[n++] = F(0, "bs.current_liabilities", 15000);
    facts[n++] = F(0, "exp.internal.charge", 5000);
    facts[n++] = F(0, "exp.staff.teaching", 80000);
    facts[n++] = F(0, "income.esfa.gag", 100000);
    facts[n++] = F(1, "bs.current_assets", 10000);
    facts[n++] = F(1, "bs.current_liabilities", 20000);
    facts[n++] = F(1, "exp.staff.teaching", 41000);
    facts[n++] = F(1, "income.esfa.gag", 50000);
    facts[n++] = F(2, "exp.nonpay.other", 4000);
    facts[n++] = F(2, "income.internal.charge", 6000);
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

static void on_ceiling_is_green_amber_edge_is_amber(void **state)
{
    world *w = *state;
    const bp_result *a = get(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 0);
    /* 800 / (1000 + 0) = 0.8: A's income has no internal income. */
    assert_num_frac(a->value, 4, 5);
    assert_int_equal(a->status, BP_STATUS_GREEN);
    const bp_result *b = get(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 1);
    assert_num_frac(b->value, 41, 50);
    assert_int_equal(b->status, BP_STATUS_AMBER);
}

static void central_gets_no_institution_target(void **state)
{
    world *w = *state;
    const bp_result *c = get(w, "staff_cost_pct", BP_SCOPE_INSTITUTION, 2);
    assert_int_equal(c->status, BP_STATUS_NONE);
    assert_int_equal(c->target, -1);
}

static void phase_is_ratio_of_sums(void **state)
{
    world *w = *state;
    /* (800 + 410) / (1000 + 500) = 1210 / 1500 = 121/150 = 0.80667: amber. */
    const bp_result *p = get(w, "staff_cost_pct", BP_SCOPE_PHASE, BP_PHASE_SECONDARY);
    assert_num_frac(p->value, 121, 150);
    assert_int_equal(p->status, BP_STATUS_AMBER);
}

static void trust_eliminates_internal_transfers(void **state)
{
    world *w = *state;
    /* income: 1000 + 500 + (60 internal, eliminated) = 1500;
     * exp: (800 + 50 internal) + 410 + 40 = 1250 after eliminating A's 50.
     * income - exp = 250. */
    const bp_result *t = get(w, "reserves", BP_SCOPE_TRUST, 0);
    assert_num_frac(t->value, 250, 1);
    assert_int_equal(t->status, BP_STATUS_GREEN);
    /* The trust-only target does not apply to institutions. */
    assert_int_equal(get(w, "reserves", BP_SCOPE_INSTITUTION, 0)->status, BP_STATUS_NONE);
}

static void reconciliation_warning(void **state)
{
    world *w = *state;
    int found = 0;
    for (size_t i = 0; i < w->d.count; i++)
        if (strstr(w->d.items[i].message, "internal transfers do not reconcile for 2022/23 actual")
            && strstr(w->d.items[i].message, "difference £10.00"))
            found = 1;
    assert_true(found);
}

static void grade_points_and_band(void **state)
{
    world *w = *state;
    /* A: 300/150 = 2.0 -> 100 points -> Good (green).  B: 100/200 = 0.5 -> 0 -> Weak (red). */
    const bp_result *a = get(w, "health", BP_SCOPE_INSTITUTION, 0);
    assert_num_frac(a->value, 100, 1);
    assert_string_equal(w->k.kpis[a->kpi].grades[a->grade].label, "Good");
    assert_int_equal(a->status, BP_STATUS_GREEN);
    const bp_result *b = get(w, "health", BP_SCOPE_INSTITUTION, 1);
    assert_num_frac(b->value, 0, 1);
    assert_int_equal(b->status, BP_STATUS_RED);
    /* Phase: (300 + 100) / (150 + 200) = 8/7 = 1.14 -> 50 points -> Weak. */
    const bp_result *p = get(w, "health", BP_SCOPE_PHASE, BP_PHASE_SECONDARY);
    assert_num_frac(p->measure[0], 8, 7);
    assert_num_frac(p->value, 50, 1);
}

static void exceptions_red_first(void **state)
{
    world *w = *state;
    assert_true(w->r.nexceptions >= 2);
    assert_int_equal(w->r.exceptions[0]->status, BP_STATUS_RED);
    for (size_t i = 1; i < w->r.nexceptions; i++)
        if (w->r.exceptions[i - 1]->status == BP_STATUS_AMBER)
            assert_int_equal(w->r.exceptions[i]->status, BP_STATUS_AMBER);
}

int main(void)
{
    const struct CMUnitTest alloc[] = {
        cmocka_unit_test(allocate_equal_thirds),
        cmocka_unit_test(allocate_largest_remainder),
        cmocka_unit_test(allocate_weighted_phases),
        cmocka_unit_test(allocate_no_weight),
        cmocka_unit_test(allocate_many_sums_exactly),
        cmocka_unit_test(remainder_order_ties_to_earlier),
        cmocka_unit_test(allocate_ties_after_larger),
        cmocka_unit_test(allocate_thousand_equal_lines),
    };
    const struct CMUnitTest evals[] = {
        cmocka_unit_test(on_ceiling_is_green_amber_edge_is_amber),
        cmocka_unit_test(central_gets_no_institution_target),
        cmocka_unit_test(phase_is_ratio_of_sums),
        cmocka_unit_test(trust_eliminates_internal_transfers),
        cmocka_unit_test(reconciliation_warning),
        cmocka_unit_test(grade_points_and_band),
        cmocka_unit_test(exceptions_red_first),
    };
    int fails = cmocka_run_group_tests_name("central charge", alloc, NULL, NULL);
    fails += cmocka_run_group_tests_name("evaluation", evals, setup, teardown);
    return fails ? 1 : 0;
}
