/* Tests for bp_previous's movement rule (contract v2, "Comparisons with a previous pack"),
 * case by case from the contract's words: new, cleared, worse and better by rank, then
 * by distance against the current target (min, max, band, a grade's points), unchanged
 * at equal distance, and no movement where the contract gives none; and the rounding to
 * the nearest double that makes a folder and its results JSON agree.  The values are
 * binary fractions where a distance must tie, so the tie is exact. */
#include "bp_test.h"

#include "bp_previous.h"

static bp_target target;
static bp_kpi kpi;

static void set_target(bp_cmp cmp, bp_unit unit)
{
    memset(&target, 0, sizeof target);
    memset(&kpi, 0, sizeof kpi);
    target.cmp = cmp;
    kpi.unit = unit;
    kpi.targets = &target;
    kpi.ntargets = 1;
}

/* A current result of value v (as a fraction) and status st against [lo, hi]. */
static bp_result now(int64_t num, int64_t den, bp_status st, bp_num lo, bp_num hi)
{
    bp_result r;
    memset(&r, 0, sizeof r);
    r.value = bp_num_frac(num, den);
    r.status = st;
    r.target = 0;
    r.lo = lo;
    r.hi = hi;
    r.grade = -1;
    return r;
}

static bp_prev_result before(double v, bp_status st)
{
    bp_prev_result p;
    memset(&p, 0, sizeof p);
    p.value = bp_num_micros((int64_t)(v * 1e6));
    p.dvalue = v;
    p.status = st;
    return p;
}

static int move(const bp_result *r, const bp_prev_result *p)
{
    return bp_previous_movement(&kpi, r, bp_previous_double(&kpi, r->value), p);
}

static void status_changes(void **state)
{
    (void)state;
    set_target(BP_CMP_MIN, BP_UNIT_PERCENT);
    bp_num t = bp_num_frac(90, 100), none = bp_num_none();
    bp_result red = now(80, 100, BP_STATUS_RED, t, none);
    bp_result amber = now(87, 100, BP_STATUS_AMBER, t, none);
    bp_result green = now(95, 100, BP_STATUS_GREEN, t, none);
    bp_prev_result pg = before(0.95, BP_STATUS_GREEN), pa = before(0.87, BP_STATUS_AMBER);
    bp_prev_result pr = before(0.80, BP_STATUS_RED), pn = before(0.95, BP_STATUS_NONE);
    bp_prev_result pnull = before(0, BP_STATUS_NONE);
    pnull.value = bp_num_none();
    /* new: now red or amber, before green, none, null or absent */
    assert_int_equal(move(&red, &pg), BP_MV_NEW);
    assert_int_equal(move(&amber, &pn), BP_MV_NEW);
    assert_int_equal(move(&amber, &pnull), BP_MV_NEW);
    assert_int_equal(move(&red, NULL), BP_MV_NEW);
    /* cleared: before red or amber, now green */
    assert_int_equal(move(&green, &pr), BP_MV_CLEARED);
    assert_int_equal(move(&green, &pa), BP_MV_CLEARED);
    /* both outside, by rank: red < amber */
    assert_int_equal(move(&red, &pa), BP_MV_WORSE);
    assert_int_equal(move(&amber, &pr), BP_MV_BETTER);
    /* now green and before none, null or absent: no movement */
    assert_int_equal(move(&green, &pn), -1);
    assert_int_equal(move(&green, &pnull), -1);
    assert_int_equal(move(&green, NULL), -1);
    /* now none (no data): no movement whatever came before */
    bp_result nodata = now(0, 1, BP_STATUS_NONE, t, none);
    nodata.value = bp_num_none();
    assert_int_equal(move(&nodata, &pr), -1);
    assert_int_equal(move(&nodata, &pg), -1);
    assert_string_equal(bp_movement_id(BP_MV_NEW), "new");
    assert_string_equal(bp_movement_id(BP_MV_CLEARED), "cleared");
    assert_string_equal(bp_movement_id(BP_MV_WORSE), "worse");
    assert_string_equal(bp_movement_id(BP_MV_BETTER), "better");
    assert_string_equal(bp_movement_id(BP_MV_UNCHANGED), "unchanged");
    assert_null(bp_movement_id(-1));
}

static void distances(void **state)
{
    (void)state;
    bp_num none = bp_num_none();
    /* min 90%: both amber, 87% now and 88% before: further outside, worse */
    set_target(BP_CMP_MIN, BP_UNIT_PERCENT);
    bp_num t = bp_num_frac(90, 100);
    bp_result a87 = now(87, 100, BP_STATUS_AMBER, t, none);
    bp_prev_result p88 = before(0.88, BP_STATUS_AMBER), p86 = before(0.86, BP_STATUS_AMBER);
    bp_prev_result p87 = before(0.87, BP_STATUS_AMBER);
    assert_int_equal(move(&a87, &p88), BP_MV_WORSE);
    assert_int_equal(move(&a87, &p86), BP_MV_BETTER);
    assert_int_equal(move(&a87, &p87), BP_MV_UNCHANGED);
    /* max 10%: both green, 5% now and 8% before: further inside, better */
    set_target(BP_CMP_MAX, BP_UNIT_PERCENT);
    bp_num c = bp_num_frac(10, 100);
    bp_result g5 = now(5, 100, BP_STATUS_GREEN, none, c);
    bp_prev_result p8 = before(0.08, BP_STATUS_GREEN), p3 = before(0.03, BP_STATUS_GREEN);
    bp_prev_result p5 = before(0.05, BP_STATUS_GREEN);
    assert_int_equal(move(&g5, &p8), BP_MV_BETTER);
    assert_int_equal(move(&g5, &p3), BP_MV_WORSE);
    assert_int_equal(move(&g5, &p5), BP_MV_UNCHANGED);
    /* band 0.25..0.75: min(v - lo, hi - v).  Amber 0.125 now (-0.125) against amber 0.875
     * before (0.75 - 0.875 = -0.125): equal, unchanged; against 0.8125 (-0.0625): worse */
    set_target(BP_CMP_BAND, BP_UNIT_RATIO);
    bp_num lo = bp_num_frac(1, 4), hi = bp_num_frac(3, 4);
    bp_result b = now(1, 8, BP_STATUS_AMBER, lo, hi);
    bp_prev_result pb1 = before(0.875, BP_STATUS_AMBER), pb2 = before(0.8125, BP_STATUS_AMBER);
    assert_int_equal(move(&b, &pb1), BP_MV_UNCHANGED);
    assert_int_equal(move(&b, &pb2), BP_MV_WORSE);
    /* both green in the band: 0.5 now (0.25 inside) against 0.625 before (0.125): better */
    bp_result bg = now(1, 2, BP_STATUS_GREEN, lo, hi);
    bp_prev_result pb3 = before(0.625, BP_STATUS_GREEN);
    assert_int_equal(move(&bg, &pb3), BP_MV_BETTER);
    /* a grade, "min Good" on points (Good >= 180): 160 now, 140 before, both red: better */
    set_target(BP_CMP_MIN, BP_UNIT_GRADE);
    bp_result gr = now(160, 1, BP_STATUS_RED, bp_num_int(180), none);
    bp_prev_result p140 = before(140, BP_STATUS_RED), p160 = before(160, BP_STATUS_RED);
    assert_int_equal(move(&gr, &p140), BP_MV_BETTER);
    assert_int_equal(move(&gr, &p160), BP_MV_UNCHANGED);
}

/* Both values rounded to the nearest double: a ratio as %.17g reads it back, money as
 * whole pence; so 1/3 now and a previous JSON's 0.33333333333333331 are unchanged. */
static void rounding(void **state)
{
    (void)state;
    set_target(BP_CMP_MIN, BP_UNIT_PERCENT);
    assert_true(bp_previous_double(&kpi, bp_num_frac(1, 3)) == 1.0 / 3.0);
    assert_true(bp_previous_double(&kpi, bp_num_frac(2, 3)) == 2.0 / 3.0);
    bp_result third = now(1, 3, BP_STATUS_AMBER, bp_num_frac(1, 2), bp_num_none());
    bp_prev_result p = before(0.33333333333333331, BP_STATUS_AMBER);
    assert_int_equal(move(&third, &p), BP_MV_UNCHANGED);
    set_target(BP_CMP_MIN, BP_UNIT_MONEY);
    assert_true(bp_previous_double(&kpi, bp_num_pence(123456)) == 1234.56);
    assert_true(bp_previous_double(&kpi, bp_num_pence(-5)) == -0.05);
    /* a money value between pence goes to the penny the JSON prints: 1/3 of a pound */
    assert_true(bp_previous_double(&kpi, bp_num_frac(1, 3)) == 0.33);
    char buf[32];
    bp_previous_pack_label(2023, 4, buf, sizeof buf);
    assert_string_equal(buf, "2023/24 M04");
    bp_previous_pack_label(2022, BP_PERIOD_ANNUAL, buf, sizeof buf);
    assert_string_equal(buf, "2022/23");
}

/* The match: the same scenario; an outturn falls back to the outturn, the actual, the
 * forecast, the budget of the same year, in that order (the table in bp_previous.c; the
 * in-year scenarios are ids, so it works before the scenario enum has them). */
static void matching(void **state)
{
    (void)state;
    bp_prev_result v[] = {
        {"k", "trust", "trust", "actual", 2023, {0}, 0, BP_STATUS_RED},
        {"k", "trust", "trust", "budget", 2023, {0}, 0, BP_STATUS_GREEN},
        {"k", "trust", "trust", "budget", 2024, {0}, 0, BP_STATUS_GREEN},
        {"k", "trust", "trust", "forecast", 2024, {0}, 0, BP_STATUS_AMBER},
        {"k", "trust", "trust", "budget", 2025, {0}, 0, BP_STATUS_GREEN},
        {"k", "trust", "trust", "outturn", 2025, {0}, 0, BP_STATUS_AMBER},
    };
    /* sorted by kpi, scope, entity, year, scenario, as bp_previous_load sorts them */
    bp_prevpack p = {.v = v, .n = sizeof v / sizeof *v};
    assert_ptr_equal(bp_previous_match(&p, "k", "trust", "trust", 2023, "outturn"), &v[0]);
    assert_ptr_equal(bp_previous_match(&p, "k", "trust", "trust", 2024, "outturn"), &v[3]);
    assert_ptr_equal(bp_previous_match(&p, "k", "trust", "trust", 2025, "outturn"), &v[5]);
    assert_ptr_equal(bp_previous_match(&p, "k", "trust", "trust", 2023, "budget"), &v[1]);
    assert_null(bp_previous_match(&p, "k", "trust", "trust", 2024, "actual"));
    assert_null(bp_previous_match(&p, "k", "trust", "trust", 2026, "outturn"));
    assert_null(bp_previous_match(&p, "k", "phase", "trust", 2023, "actual"));
    /* the year to date has no fallback: itself only */
    assert_null(bp_previous_match(&p, "k", "trust", "trust", 2023, "ytd_actual"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_changes),
        cmocka_unit_test(distances),
        cmocka_unit_test(rounding),
        cmocka_unit_test(matching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
