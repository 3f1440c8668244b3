/* In-year figures (contract v2): months, the whole year of a monthly series, the
 * management-accounts lines of bp_inyear over tests/fixtures/inyear-small (figures worked
 * by hand in its EXPECTED.md), variances and the balance sheet check.  Every expected
 * value is worked out from the CSVs written here or the fixture's, never read off the
 * program. */
#include "bp_test.h"

#include <stdlib.h>
#include <unistd.h>
#include "bp_inyear.h"
#include "bp_load.h"
#include "bp_session.h"

/* ---- months ---- */

static void months_parse(void **state)
{
    (void)state;
    int m = 0;
    assert_true(bp_month_parse("M01", 3, &m));
    assert_int_equal(m, 1);
    assert_true(bp_month_parse("p12", 3, &m));
    assert_int_equal(m, 12);
    assert_true(bp_month_parse("m04", 3, &m));
    assert_int_equal(m, 4);
    assert_false(bp_month_parse("M13", 3, &m));
    assert_false(bp_month_parse("M00", 3, &m));
    assert_false(bp_month_parse("M1", 2, &m));
    assert_false(bp_month_parse("Q01", 3, &m));
    assert_false(bp_month_parse("013", 3, &m));
    char b[32];
    bp_month_long(2023, 4, b, sizeof b);
    assert_string_equal(b, "December 2023");
    bp_month_long(2023, 5, b, sizeof b);
    assert_string_equal(b, "January 2024");
    bp_month_format(3, b, sizeof b);
    assert_string_equal(b, "M03");
}

/* ---- the whole year of a monthly series, annual mode ---- */

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool has_warning(const bp_diags *d, const char *text)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].level == BP_DIAG_WARNING && strstr(d->items[i].message, text)) return true;
    return false;
}

static void whole_year_of_months(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bp_inyear_XXXXXX");
    assert_non_null(mkdtemp(dir));
    put("trust.csv", "key,value\nid,t\nname,T\nreport_year,2022/23\nas_of,2023-10-01\n");
    put("institutions.csv", "id,name,phase,joined,capacity,pan\nCENTRAL,C,central,2019-09-01,,\n"
                            "A,A,primary,2019-09-01,,\n");
    /* flows: 100 + 50; balances: a ends at M03 (30), b at M02 (7) */
    put("finance.csv", "institution,year,scenario,code,value,period\n"
                       "A,2022/23,actual,income.x,100,M01\n"
                       "A,2022/23,actual,income.x,50,M02\n"
                       "A,2022/23,actual,bs.cash.a,10,M01\n"
                       "A,2022/23,actual,bs.cash.a,20,M02\n"
                       "A,2022/23,actual,bs.cash.a,30,M03\n"
                       "A,2022/23,actual,bs.cash.b,5,M01\n"
                       "A,2022/23,actual,bs.cash.b,7,M02\n"
                       "A,2022/23,actual,bs.fixed_assets,1000,\n");
    bp_model m;
    bp_diags d;
    bp_model_init(&m);
    bp_diags_init(&d);
    assert_int_equal(bp_load_dataset(dir, &m, &d), BP_OK);
    assert_int_equal(m.inyear, 0);
    bp_num v;
    assert_true(bp_model_sum(&m, 1, 2022, BP_ACTUAL, "income", false, &v));
    assert_num_frac(v, 150, 1);
    assert_true(bp_model_sum(&m, 1, 2022, BP_ACTUAL, "bs.cash.a", false, &v));
    assert_num_frac(v, 30, 1);
    assert_true(bp_model_sum(&m, 1, 2022, BP_ACTUAL, "bs.cash.b", false, &v));
    assert_num_frac(v, 7, 1);
    /* the prefix: both at M02, the earliest of their last months: 20 + 7 */
    assert_true(bp_model_sum(&m, 1, 2022, BP_ACTUAL, "bs.cash", false, &v));
    assert_num_frac(v, 27, 1);
    /* a whole-year balance is not moved: 1000 + 20 + 7 */
    assert_true(bp_model_sum(&m, 1, 2022, BP_ACTUAL, "bs", false, &v));
    assert_num_frac(v, 1027, 1);
    assert_true(has_warning(&d, "A 2022/23 actual: balances end in different months (bs.cash.b at "
                                "M02, bs.cash.a at M03)"));
    int64_t by[12];
    assert_int_equal(bp_model_months(&m, 1, 2022, BP_ACTUAL, "bs.cash", false, by), 0x7u);
    assert_int_equal(by[1], 2700);   /* pence: 20 + 7 */
    bp_model_free(&m);
    bp_diags_free(&d);
    const char *files[] = {"trust.csv", "institutions.csv", "finance.csv"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* A month not received: the institution's year to date and outturn are no data, and so
 * are its phase's and the trust's; its budget to date is not touched. */
static void month_not_received(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bp_inyear_XXXXXX");
    assert_non_null(mkdtemp(dir));
    put("trust.csv", "key,value\nid,t\nname,T\nreport_year,2022/23\nas_of,2023-10-01\n"
                     "period,M02\n");
    put("institutions.csv", "id,name,phase,joined,capacity,pan\nCENTRAL,C,central,2019-09-01,,\n"
                            "A,A,primary,2019-09-01,,\nB,B,primary,2019-09-01,,\n");
    put("finance.csv", "institution,year,scenario,code,value,period\n"
                       "A,2022/23,actual,income.x,100,M01\n"
                       "A,2022/23,actual,income.x,100,M02\n"
                       "B,2022/23,actual,income.x,50,M01\n"
                       "B,2022/23,budget,income.x,10,M01\n"
                       "B,2022/23,budget,income.x,10,M02\n"
                       "B,2022/23,budget,income.x,10,M03\n");
    bp_model m;
    bp_diags d;
    bp_model_init(&m);
    bp_diags_init(&d);
    assert_int_equal(bp_load_dataset(dir, &m, &d), BP_OK);
    assert_int_equal(m.inyear, 2022);
    assert_true(has_warning(&d, "B: no actuals for M02"));
    assert_false(has_warning(&d, "A: no actuals"));
    bp_num v;
    assert_true(bp_model_sum(&m, 1, 2022, BP_YTD_ACTUAL, "income", false, &v));
    assert_num_frac(v, 200, 1);
    assert_int_equal(bp_model_sum_state(&m, 2, 2022, BP_YTD_ACTUAL, "income", false, &v), BP_SUM_NODATA);
    assert_int_equal(bp_model_sum_state(&m, 2, 2022, BP_OUTTURN, "income", false, &v), BP_SUM_NODATA);
    assert_true(bp_model_sum(&m, 2, 2022, BP_YTD_BUDGET, "income", false, &v));
    assert_num_frac(v, 20, 1);
    /* A's outturn: its two months and nothing after (no budget or forecast months) */
    assert_true(bp_model_sum(&m, 1, 2022, BP_OUTTURN, "income", false, &v));
    assert_num_frac(v, 200, 1);
    /* no actual scenario for the report year in-year */
    assert_int_equal(bp_model_sum_state(&m, 1, 2022, BP_ACTUAL, "income", false, &v), BP_SUM_NONE);
    /* the trust and the phase, as a KPI's sum() forms them */
    int all[3] = {0, 1, 2};
    bp_expr *e = bp_test_parse_expr("sum(income)");
    bp_expr_ctx c;
    memset(&c, 0, sizeof c);
    c.model = &m;
    c.members = all;
    c.nmembers = 3;
    c.year = 2022;
    c.scenario = BP_YTD_ACTUAL;
    c.course = -1;
    assert_num_none(bp_expr_eval(e, &c));
    c.scenario = BP_YTD_BUDGET;
    assert_num_frac(bp_expr_eval(e, &c), 20, 1);
    bp_expr_free(e);
    e = bp_test_parse_expr("sum(income, 0)");   /* a default does not cover it up */
    c.scenario = BP_YTD_ACTUAL;
    assert_num_none(bp_expr_eval(e, &c));
    bp_expr_free(e);
    bp_model_free(&m);
    bp_diags_free(&d);
    const char *files[] = {"trust.csv", "institutions.csv", "finance.csv"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* ---- the management accounts of tests/fixtures/inyear-small ---- */

static bp_session S;

static int open_small(void **state)
{
    (void)state;
    return bp_session_open(&S, "tests/fixtures/inyear-small", 0, "templates") == BP_OK ? 0 : -1;
}

static int close_small(void **state)
{
    (void)state;
    bp_session_close(&S);
    return 0;
}

#define assert_fig(f, want) do { assert_true((f).ok); assert_int_equal((f).pence, (want)); } while (0)

static void lines(void **state)
{
    (void)state;
    int year, period;
    assert_true(bp_inyear_mode(&S.results, &year, &period));
    assert_int_equal(year, 2023);
    assert_int_equal(period, 3);
    int a = bp_model_find_inst(&S.model, "A"), b = bp_model_find_inst(&S.model, "B");
    bp_ma_line l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, a}, "income");
    assert_fig(l.ytd_actual, 310000);
    assert_fig(l.ytd_budget, 300000);
    assert_fig(l.budget, 1200000);
    assert_fig(l.outturn, 1210000);
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, a}, "exp");
    assert_fig(l.ytd_actual, 260000);
    assert_fig(l.ytd_budget, 270000);
    assert_fig(l.outturn, 1085000);
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, a}, "result");
    assert_fig(l.ytd_actual, 50000);
    assert_fig(l.outturn, 125000);
    /* B: exp.nonpay.ict budgeted for the whole year only */
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, b}, "exp");
    assert_fig(l.ytd_actual, 1245000);
    assert_false(l.ytd_budget.ok);
    assert_fig(l.budget, 5100000);   /* 12 x 4,100 + 1,200 + 12 x 50 */
    assert_false(l.outturn.ok);
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, b}, "exp.staff");
    assert_fig(l.ytd_budget, 1230000);
    assert_fig(l.outturn, 4890000);
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, b}, "income.self");
    assert_fig(l.outturn, 60000);    /* the whole-year forecast */
    assert_fig(l.ytd_actual, 12000);
    /* the trust, internal transfers eliminated; a phase is its institutions */
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_TRUST, 0}, "income");
    assert_fig(l.ytd_actual, 1822000);
    assert_fig(l.outturn, 7270000);
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_TRUST, 0}, "exp");
    assert_fig(l.ytd_actual, 1502000);
    assert_false(l.outturn.ok);
    l = bp_inyear_line(&S.results, (bp_entity){BP_SCOPE_PHASE, BP_PHASE_PRIMARY}, "income");
    assert_fig(l.outturn, 1210000);

    const char **codes;
    size_t n = bp_inyear_codes(&S.results, (bp_entity){BP_SCOPE_INSTITUTION, a}, "exp", &codes);
    assert_int_equal(n, 2);
    assert_string_equal(codes[0], "exp.internal");
    assert_string_equal(codes[1], "exp.staff.teaching");
    free(codes);
    n = bp_inyear_codes(&S.results, (bp_entity){BP_SCOPE_TRUST, 0}, "income", &codes);
    assert_int_equal(n, 2);   /* income.internal eliminated */
    assert_string_equal(codes[0], "income.esfa.gag");
    assert_string_equal(codes[1], "income.self.lettings");
    free(codes);
    n = bp_inyear_forecast_codes(&S.results, b, &codes);
    assert_int_equal(n, 1);
    assert_string_equal(codes[0], "income.self.lettings");
    free(codes);

    bool expected = false;
    assert_int_equal(bp_inyear_months_received(&S.results, a, &expected), 0x7u);
    assert_true(expected);
}

static void cash_and_variances(void **state)
{
    (void)state;
    size_t n;
    const bp_cashflow *cf = bp_inyear_cashflows(&S.results, &n);
    assert_int_equal(n, 3);   /* CENTRAL, A, the trust */
    assert_int_equal(cf[1].inst, bp_model_find_inst(&S.model, "A"));
    assert_int_equal(cf[2].inst, -1);
    assert_true(cf[1].has_low);
    assert_int_equal(cf[1].low, 4015000);
    assert_int_equal(cf[1].low_month, 1);
    assert_num_frac(cf[1].avg_payments, 1085000, 1200);   /* pounds: 10,850 / 12 */
    assert_int_equal(cf[2].months[2].closing, 6038000);
    assert_true(cf[2].months[2].has_balance);
    assert_int_equal(cf[2].months[2].difference, 0);
    assert_int_equal(cf[2].months[3].source, BP_FORECAST);
    assert_int_equal(cf[0].months[3].source, BP_BUDGET);

    /* directions */
    assert_int_equal(bp_code_direction("income.esfa.gag"), 1);
    assert_int_equal(bp_code_direction("cash.receipts.grants"), 1);
    assert_int_equal(bp_code_direction("bs.reserves.revenue"), 1);
    assert_int_equal(bp_code_direction("result"), 1);
    assert_int_equal(bp_code_direction("exp.staff"), -1);
    assert_int_equal(bp_code_direction("memo.depreciation"), -1);
    assert_int_equal(bp_code_direction("cash.payments.staff"), -1);
    assert_int_equal(bp_code_direction("bs.pension"), -1);
    assert_int_equal(bp_code_direction("bs.borrowing"), -1);
    assert_int_equal(bp_code_direction("students.on_roll"), 0);
    /* A's year to date: income +100 of 3,000; exp 2,700 - 2,600 = +100 of 2,700 */
    bp_money_fig v = bp_variance(1, (bp_money_fig){true, 310000}, (bp_money_fig){true, 300000});
    assert_fig(v, 10000);
    assert_num_frac(bp_variance_pct(v, (bp_money_fig){true, 300000}), 1, 30);
    v = bp_variance(-1, (bp_money_fig){true, 260000}, (bp_money_fig){true, 270000});
    assert_fig(v, 10000);
    assert_num_frac(bp_variance_pct(v, (bp_money_fig){true, 270000}), 1, 27);
    /* adverse is negative; % over |budget|; budget 0 or no data: no % */
    v = bp_variance(1, (bp_money_fig){true, -5000}, (bp_money_fig){true, -4000});
    assert_fig(v, -1000);
    assert_num_frac(bp_variance_pct(v, (bp_money_fig){true, -4000}), -1, 4);
    assert_num_none(bp_variance_pct(v, (bp_money_fig){true, 0}));
    assert_false(bp_variance(1, (bp_money_fig){false, 0}, (bp_money_fig){true, 1}).ok);
    assert_false(bp_variance(0, (bp_money_fig){true, 1}, (bp_money_fig){true, 1}).ok);

    /* KPIs by direction, A's outturn against its budget */
    int a = bp_model_find_inst(&S.model, "A");
    int ks = bp_kpi_find(&S.kpis, "surplus_pct"), kc = bp_kpi_find(&S.kpis, "staff_cost_pct");
    const bp_result *o = bp_results_find(&S.results, ks, BP_SCOPE_INSTITUTION, a, 2023, BP_OUTTURN);
    const bp_result *bu = bp_results_find(&S.results, ks, BP_SCOPE_INSTITUTION, a, 2023, BP_BUDGET);
    /* band 0.5%..2%: the budget 0.1 is 0.08 above, the outturn 25/242 further: -2/605 */
    assert_num_frac(bp_kpi_variance(&S.results, o, bu), -2, 605);
    o = bp_results_find(&S.results, kc, BP_SCOPE_INSTITUTION, a, 2023, BP_OUTTURN);
    bu = bp_results_find(&S.results, kc, BP_SCOPE_INSTITUTION, a, 2023, BP_BUDGET);
    /* max 80%: budget 10,200 / 12,000 - outturn 10,250 / 12,100 = 7/2420, favourable */
    assert_num_frac(bp_kpi_variance(&S.results, o, bu), 7, 2420);
}

static void balance_sheet(void **state)
{
    (void)state;
    bp_session s;
    assert_int_equal(bp_session_open(&s, "tests/fixtures/balance", 0, "templates"), BP_OK);
    assert_false(bp_inyear_mode(&s.results, NULL, NULL));
    int a1 = bp_model_find_inst(&s.model, "A1");
    bp_balance_sheet now, last;
    bp_inyear_balance_sheet(&s.results, (bp_entity){BP_SCOPE_INSTITUTION, a1}, &now, &last);
    /* tests/fixtures/balance/EXPECTED.md: 1,735,000.25 and 1,700,000, both = funds */
    assert_fig(now.line[BP_BS_NET_ASSETS], 173500025);
    assert_fig(now.line[BP_BS_FUNDS], 173500025);
    assert_true(now.checked);
    assert_int_equal(now.difference, 0);
    assert_fig(last.line[BP_BS_NET_ASSETS], 170000000);
    bp_inyear_balance_sheet(&s.results, (bp_entity){BP_SCOPE_TRUST, 0}, &now, &last);
    assert_fig(now.line[BP_BS_NET_ASSETS], 180000025);
    assert_true(now.checked);
    /* A2 has no fixed assets: net assets cannot be formed, nothing is checked */
    int a2 = bp_model_find_inst(&s.model, "A2");
    bp_inyear_balance_sheet(&s.results, (bp_entity){BP_SCOPE_INSTITUTION, a2}, &now, &last);
    assert_false(now.line[BP_BS_NET_ASSETS].ok);
    assert_false(now.checked);
    bp_session_close(&s);
}

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(months_parse),
        cmocka_unit_test(whole_year_of_months),
        cmocka_unit_test(month_not_received),
        cmocka_unit_test(balance_sheet),
    };
    const struct CMUnitTest small[] = {
        cmocka_unit_test(lines),
        cmocka_unit_test(cash_and_variances),
    };
    int f = cmocka_run_group_tests_name("inyear", plain, NULL, NULL);
    f += cmocka_run_group_tests_name("inyear-small", small, open_small, close_small);
    return f;
}
