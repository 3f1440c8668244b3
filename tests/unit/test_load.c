/* bp_load: a small data set written to a temporary directory, then one defect at a time,
 * each with its exact diagnostic (file:line:column counted by hand from the rows below). */
#include "bp_test.h"

#include <stdlib.h>
#include <unistd.h>
#include "bp_load.h"

static const char TRUST[] =
    "key,value\n"
    "id,t1\n"
    "name,Test Trust\n"
    "report_year,2022/23\n"
    "as_of,2023-11-20\n"
    "weight.primary,0.9\n";

static const char INSTS[] =
    "id,name,phase,joined,capacity,pan,lgb\n"
    "AAA,Alpha School,primary,2020-04-01,420,60,\n"
    "BBB,Beta High,secondary,2019-09-01,900,180,LGB1\n"
    "CENTRAL,Central Team,central,2019-06-01,,,\n";

static const char FINANCE[] =
    "institution,year,scenario,code,value\n"
    "BBB,2022/23,actual,income.esfa.gag,\"\xC2\xA3" "1,234.50\"\n"
    "AAA,2022/23,actual,exp.staff.teaching,(1200)\n"
    "AAA,2021-22,budget,income.esfa.gag,100\n";

static const char STUDENTS[] =
    "institution,year,scenario,code,value\n"
    "AAA,2022/23,actual,students.on_roll,400\n";

typedef struct {
    char dir[64];
    bp_model m;
    bp_diags d;
    bp_err err;
} ds;

static void put(ds *s, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    if (!text) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

static int setup(void **state)
{
    ds *s = calloc(1, sizeof *s);
    if (!s) return -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/bp_load_XXXXXX");
    if (!mkdtemp(s->dir)) {
        free(s);
        return -1;
    }
    put(s, "trust.csv", TRUST);
    put(s, "institutions.csv", INSTS);
    put(s, "finance.csv", FINANCE);
    put(s, "students.csv", STUDENTS);
    bp_model_init(&s->m);
    bp_diags_init(&s->d);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    ds *s = *state;
    bp_model_free(&s->m);
    bp_diags_free(&s->d);
    for (size_t i = 0; i < bp_load_nfiles; i++) put(s, bp_load_files[i], NULL);
    put(s, "kpis.kpi", NULL);
    rmdir(s->dir);
    free(s);
    return 0;
}

static void load(ds *s)
{
    s->err = bp_load_dataset(s->dir, &s->m, &s->d);
    bp_diags_sort(&s->d);
}

/* The diagnostics, in sorted order, must be exactly these. */
static void expect(ds *s, bp_err err, const char *const *want, size_t n)
{
    char buf[700];
    for (size_t i = 0; i < s->d.count && i < n; i++) {
        bp_diag_format(&s->d.items[i], buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    if (s->d.count != n) {
        for (size_t i = 0; i < s->d.count; i++) {
            bp_diag_format(&s->d.items[i], buf, sizeof buf);
            print_message("got: %s\n", buf);
        }
        fail_msg("%zu diagnostics, expected %zu", s->d.count, n);
    }
    assert_int_equal(s->err, err);
}

#define EXPECT(s, err, ...) do { \
        static const char *const want_[] = {__VA_ARGS__}; \
        expect((s), (err), want_, sizeof want_ / sizeof *want_); \
    } while (0)

/* One file replaced, loaded, and exactly one diagnostic expected. */
static void one(void **state, const char *file, const char *text, bp_err err, const char *msg)
{
    ds *s = *state;
    put(s, file, text);
    load(s);
    const char *want[] = {msg};
    expect(s, err, want, 1);
}

static const char FACT_HEAD[] = "institution,year,scenario,code,value\n";

static char *fact_file(const char *rows)
{
    static char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", FACT_HEAD, rows);
    return buf;
}

/* ---------- a good data set ---------- */

static void test_good(void **state)
{
    ds *s = *state;
    put(s, "kpis.kpi", "kpi x\n");
    load(s);
    expect(s, BP_OK, NULL, 0);
    bp_model *m = &s->m;
    assert_string_equal(m->id, "t1");
    assert_string_equal(m->name, "Test Trust");
    assert_int_equal(m->report_year, 2022);
    assert_int_equal(m->as_of, bp_date_from_ymd(2023, 11, 20));
    assert_string_equal(m->central_id, "CENTRAL");
    assert_int_equal(m->central, 2);
    assert_num_frac(m->weight[BP_PHASE_PRIMARY], 9, 10);
    assert_num_frac(m->weight[BP_PHASE_SECONDARY], 1, 1);
    assert_int_equal(m->nsettings, 5);

    assert_int_equal(m->ninsts, 3);
    assert_string_equal(m->insts[0].lgb, "AAA");
    assert_string_equal(m->insts[1].lgb, "LGB1");
    assert_null(m->insts[2].lgb);
    assert_true(m->insts[0].has_capacity);
    assert_int_equal(m->insts[0].capacity, 420);
    assert_int_equal(m->insts[1].pan, 180);
    assert_false(m->insts[2].has_pan);
    assert_int_equal(m->insts[1].phase, BP_PHASE_SECONDARY);
    assert_int_equal(m->insts[1].line, 3);

    /* sorted by institution, year, scenario, code */
    assert_int_equal(m->nfacts, 4);
    assert_int_equal(m->facts[0].inst, 0);
    assert_int_equal(m->facts[0].year, 2021);
    assert_int_equal(m->facts[0].scenario, BP_BUDGET);
    assert_int_equal(m->facts[0].value, 10000);
    assert_string_equal(m->facts[1].code, "exp.staff.teaching");
    assert_int_equal(m->facts[1].value, -120000);
    assert_true(m->facts[1].money);
    assert_string_equal(m->facts[2].code, "students.on_roll");
    assert_int_equal(m->facts[2].value, 400000000);
    assert_false(m->facts[2].money);
    assert_int_equal(m->facts[2].file, 4);
    assert_int_equal(m->facts[2].line, 2);
    assert_int_equal(m->facts[3].inst, 1);
    assert_int_equal(m->facts[3].value, 123450);
    assert_ptr_equal(m->facts[0].code, m->facts[3].code);   /* interned */

    bp_num v;
    assert_true(bp_model_sum(m, 1, 2022, BP_ACTUAL, "income", false, &v));
    assert_num_frac(v, 123450, 100);
    assert_true(bp_model_sum(m, 0, 2022, BP_ACTUAL, "exp.staff", false, &v));
    assert_num_frac(v, -1200, 1);

    assert_int_equal(m->nyears, 2);
    assert_int_equal(m->years[0], 2021);
    assert_int_equal(m->years[1], 2022);

    assert_int_equal(m->ninputs, 13);
    assert_string_equal(m->inputs[0].name, "trust.csv");
    assert_string_equal(m->inputs[12].name, "national.csv");
    assert_true(m->inputs[2].present);
    assert_int_equal(m->inputs[2].rows, 3);
    assert_true(m->inputs[2].has_money);
    assert_int_equal(m->inputs[2].money_total, 123450 - 120000 + 10000);
    assert_false(m->inputs[4].has_money);
    assert_false(m->inputs[3].present);
    assert_int_equal(m->rows_read, 5 + 3 + 3 + 1);
    /* sha256 of "abc" is not needed here: the digest must be that of the file's bytes */
    assert_int_not_equal(m->inputs[0].sha256[0] | m->inputs[0].sha256[1], 0);

    char want[128];
    snprintf(want, sizeof want, "%s/kpis.kpi", s->dir);
    assert_string_equal(m->kpi_file, want);
}

/* Rows in a different order give the same model. */
static void test_order_independent(void **state)
{
    ds *s = *state;
    load(s);
    expect(s, BP_OK, NULL, 0);
    bp_model a = s->m;
    bp_model_init(&s->m);
    put(s, "finance.csv", fact_file("AAA,2021-22,budget,income.esfa.gag,100\n"
                                    "AAA,2022/23,actual,exp.staff.teaching,(1200)\n"
                                    "BBB,2022/23,actual,income.esfa.gag,1234.5\n"));
    put(s, "institutions.csv", "lgb,pan,capacity,joined,phase,name,id\n"
                               ",,,2019-06-01,central,Central Team,CENTRAL\n"
                               "LGB1,180,900,2019-09-01,secondary,Beta High,BBB\n"
                               ",60,420,2020-04-01,primary,Alpha School,AAA\n");
    load(s);
    expect(s, BP_OK, NULL, 0);
    /* institutions keep their file order, so compare facts by institution id */
    assert_int_equal(a.nfacts, s->m.nfacts);
    for (size_t i = 0; i < a.nfacts; i++) {
        const bp_fact *x = &a.facts[i];
        int inst = bp_model_find_inst(&s->m, a.insts[x->inst].id);
        bp_num v;
        assert_true(bp_model_sum(&s->m, inst, x->year, x->scenario, x->code, false, &v));
        assert_int_equal(bp_num_cmp(v, x->money ? bp_num_pence(x->value) : bp_num_micros(x->value)), 0);
    }
    for (size_t i = 1; i < s->m.nfacts; i++) {
        const bp_fact *p = &s->m.facts[i - 1], *q = &s->m.facts[i];
        assert_true(p->inst < q->inst || (p->inst == q->inst && (p->year < q->year
                    || (p->year == q->year && (p->scenario < q->scenario
                    || (p->scenario == q->scenario && strcmp(p->code, q->code) < 0))))));
    }
    assert_int_equal(a.inputs[2].money_total, s->m.inputs[2].money_total);
    assert_int_equal(s->m.central, 0);
    bp_model_free(&a);
}

/* ---------- fact files ---------- */

static void test_money_decimals(void **state)
{
    one(state, "finance.csv", fact_file("AAA,2022/23,actual,income.esfa.gag,12.345\n"), BP_ERR_DATA,
        "finance.csv:2:36: error: found \"12.345\" in column \"value\", expected money in pounds "
        "with at most 2 decimal places");
}

static void test_money_overflow(void **state)
{
    one(state, "finance.csv", fact_file("AAA,2022/23,actual,income.esfa.gag,1e300\n"), BP_ERR_DATA,
        "finance.csv:2:36: error: found \"1e300\" in column \"value\", expected a plain number "
        "without an exponent (write 1200, not 1.2e3)");
}

static void test_empty_value(void **state)
{
    one(state, "finance.csv", fact_file("AAA,2022/23,actual,income.x,\n"), BP_ERR_DATA,
        "finance.csv:2:29: error: found an empty value in column \"value\", expected money in "
        "pounds, such as 1234.50, \xC2\xA3" "1,234.50, -1,200 or (1,200)");
}

static void test_unknown_institution(void **state)
{
    one(state, "finance.csv", fact_file("XXX,2022/23,actual,income.x,1\n"), BP_ERR_DATA,
        "finance.csv:2:1: error: found \"XXX\" in column \"institution\", expected an "
        "institution id from institutions.csv");
}

static void test_bad_year(void **state)
{
    one(state, "finance.csv", fact_file("AAA,2022/24,actual,income.x,1\n"), BP_ERR_DATA,
        "finance.csv:2:5: error: found \"2022/24\" in column \"year\", expected a year such as "
        "2022/23 (or 2022-23)");
}

static void test_bad_scenario(void **state)
{
    one(state, "finance.csv", fact_file("AAA,2022/23,plan,income.x,1\n"), BP_ERR_DATA,
        "finance.csv:2:13: error: found \"plan\" in column \"scenario\", expected actual, budget "
        "or forecast");
}

static void test_bad_code(void **state)
{
    one(state, "finance.csv", fact_file("AAA,2022/23,actual,Income..x,1\n"), BP_ERR_DATA,
        "finance.csv:2:20: error: found \"Income..x\" in column \"code\", expected a lower-case "
        "dotted code such as income.esfa.gag");
}

static void test_negative_count(void **state)
{
    one(state, "students.csv", fact_file("AAA,2022/23,actual,students.on_roll,-5\n"), BP_ERR_DATA,
        "students.csv:2:37: error: found \"-5\" in column \"value\", expected a number that is "
        "not negative for students.on_roll");
}

static void test_negative_allowed(void **state)
{
    ds *s = *state;
    put(s, "students.csv", fact_file("AAA,2022/23,actual,outcomes.p8_disadvantaged,-0.45\n"));
    put(s, "finance.csv", fact_file("AAA,2022/23,actual,bs.borrowing,-5\n"));
    load(s);
    expect(s, BP_OK, NULL, 0);
    assert_int_equal(s->m.facts[0].value, -500);
    assert_int_equal(s->m.facts[1].value, -450000);
}

static void test_quantity_decimals(void **state)
{
    one(state, "staff.csv", fact_file("AAA,2022/23,actual,staff.teacher_fte,1.1234567\n"), BP_ERR_DATA,
        "staff.csv:2:38: error: found \"1.1234567\" in column \"value\", expected a number with "
        "at most 6 decimal places");
}

static void test_inspection_grade(void **state)
{
    one(state, "students.csv", fact_file("AAA,2022/23,actual,inspection.grade,5\n"), BP_ERR_DATA,
        "students.csv:2:37: error: found \"5\" in column \"value\", expected an Ofsted grade 1, 2, "
        "3 or 4");
}

static void test_duplicate_fact(void **state)
{
    ds *s = *state;
    /* the same key in finance.csv (file 2) and students.csv (file 4), and twice in one file */
    put(s, "finance.csv", fact_file("AAA,2022/23,actual,students.on_roll,1\n"
                                    "BBB,2022/23,actual,income.x,1\n"
                                    "BBB,2022-23,actual,income.x,2\n"));
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "finance.csv:4:20: error: found BBB 2022/23 actual income.x a second time (first on "
           "line 3 of finance.csv), expected each institution, year, scenario and code once",
           "students.csv:2:20: error: found AAA 2022/23 actual students.on_roll a second time "
           "(first on line 2 of finance.csv), expected each institution, year, scenario and code "
           "once");
}

static void test_all_errors_reported(void **state)
{
    ds *s = *state;
    put(s, "finance.csv", fact_file("XXX,2022/23,actual,income.x,1\n"
                                    "AAA,2022/23,actual,income.x,1\n"
                                    "AAA,2022,actual,income.y,abc\n"));
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "finance.csv:2:1: error: found \"XXX\" in column \"institution\", expected an "
           "institution id from institutions.csv",
           "finance.csv:4:5: error: found \"2022\" in column \"year\", expected a year such as "
           "2022/23 (or 2022-23)",
           "finance.csv:4:26: error: found \"abc\" in column \"value\", expected money in pounds, "
           "such as 1234.50, \xC2\xA3" "1,234.50, -1,200 or (1,200)");
}

static void test_unknown_column_and_csv_error(void **state)
{
    ds *s = *state;
    put(s, "finance.csv", "institution,year,scenario,code,value,notes\n"
                          "AAA,2022/23,actual,income.x,\xA3" "5,hi\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "finance.csv:1:38: warning: found unknown column \"notes\", expected one of "
           "institution, year, scenario, code, value, period: the column is ignored",
           "finance.csv:2:29: error: found byte 0xA3, which is not valid UTF-8, expected UTF-8 "
           "text: save the file as \"CSV UTF-8\" (a Windows-1252 \xC2\xA3 is 0xA3)");
}

static void test_missing_column(void **state)
{
    one(state, "finance.csv", "institution,year,code,value\nAAA,2022/23,income.x,1\n", BP_ERR_DATA,
        "finance.csv:1: error: found no column \"scenario\" in the header, expected the columns "
        "institution, year, scenario, code, value, period");
}

static void test_duplicate_column(void **state)
{
    one(state, "finance.csv",
        "institution,year,scenario,code,value,Value\nAAA,2022/23,actual,income.x,1,2\n", BP_ERR_DATA,
        "finance.csv:1:38: error: found column \"Value\" a second time (first in column 32), "
        "expected each column name once");
}

static void test_empty_optional(void **state)
{
    ds *s = *state;
    put(s, "staff.csv", "");
    put(s, "governance.csv", FACT_HEAD);
    load(s);
    EXPECT(s, BP_OK,
           "governance.csv: warning: has a header but no rows: no data from this file",
           "staff.csv: warning: is empty: no data from this file");
    assert_true(s->m.inputs[3].present);
    assert_int_equal(s->m.inputs[3].rows, 0);
}

static void test_blank_line_warning(void **state)
{
    ds *s = *state;
    put(s, "students.csv", "institution,year,scenario,code,value\r\n\r\n"
                           "AAA,2022/23,actual,students.on_roll,400\r\n");
    load(s);
    EXPECT(s, BP_OK, "students.csv:2: warning: blank line skipped");
    assert_int_equal(s->m.nfacts, 4);
}

/* ---------- trust.csv and institutions.csv ---------- */

static void test_missing_trust(void **state)
{
    ds *s = *state;
    put(s, "trust.csv", NULL);
    load(s);
    char want[200];
    snprintf(want, sizeof want, "trust.csv: error: found no file trust.csv in %s, expected this "
             "required file of the data set", s->dir);
    const char *w[] = {want};
    expect(s, BP_ERR_DATA, w, 1);
    assert_false(s->m.inputs[0].present);
}

static void test_trust_keys(void **state)
{
    ds *s = *state;
    put(s, "trust.csv", "key,value\nid,../x\nname,T\nreport_year,2022/23\nid,t2\n"
                        "weight.college,2\nweight.special,-1\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "trust.csv: error: found no row with key \"as_of\", expected a row giving the date the "
           "pack is as at, as YYYY-MM-DD",
           "trust.csv:2:4: error: found \"../x\" in column \"value\", expected an id of 1 to 16 "
           "letters, digits, '_' or '-'",
           "trust.csv:5:1: error: found key \"id\" a second time (first on line 2), expected each "
           "key once",
           "trust.csv:6:1: error: found \"weight.college\" in column \"key\", expected weight. "
           "followed by a phase, one of primary, secondary, secondary_sixth, sixth_form_college, "
           "all_through, special, alternative_provision, central",
           "trust.csv:7:16: error: found \"-1\" in column \"value\", expected a positive number "
           "such as 1.2 for weight.special");
}

/* money_units: pounds unless the row says thousands; the word is exact, as a phase is. */
static void test_money_units(void **state)
{
    ds *s = *state;
    load(s);
    expect(s, BP_OK, NULL, 0);
    assert_int_equal(s->m.money_units, BP_MONEY_POUNDS);
    static const char *const rows[] = {"money_units,thousands\n", "money_units, pounds \n",
                                       "money_units,THOUSANDS\n", "money_units,\"thousands\t\"\n"};
    static const bp_money_units want[] = {BP_MONEY_THOUSANDS, BP_MONEY_POUNDS};
    for (size_t i = 0; i < 4; i++) {
        char text[sizeof TRUST + 40];
        snprintf(text, sizeof text, "%s%s", TRUST, rows[i]);
        bp_model_free(&s->m);
        bp_diags_free(&s->d);
        put(s, "trust.csv", text);
        load(s);
        if (i < 2) {
            expect(s, BP_OK, NULL, 0);
            assert_int_equal(s->m.money_units, want[i]);
        } else {
            const char *msg = i == 2 ? "trust.csv:7:13: error: found \"THOUSANDS\" in column "
                                       "\"value\", expected pounds or thousands for money_units"
                                     : "trust.csv:7:13: error: found a TAB in column \"value\", "
                                       "expected pounds or thousands for money_units";
            expect(s, BP_ERR_DATA, &msg, 1);
        }
    }
}

static void test_bad_id(void **state)
{
    one(state, "institutions.csv",
        "id,name,phase,joined\nAAA,A,primary,2020-04-01\nBBB,B,primary,2020-04-01\n"
        "../x,X,primary,2020-04-01\nCENTRAL,C,central,2019-06-01\n", BP_ERR_DATA,
        "institutions.csv:4:1: error: found \"../x\" in column \"id\", expected an id of 1 to 16 "
        "letters, digits, '_' or '-'");
}

static void test_duplicate_inst(void **state)
{
    one(state, "institutions.csv",
        "id,name,phase,joined\nAAA,A,primary,2020-04-01\nBBB,B,primary,2020-04-01\n"
        "AAA,X,primary,2020-04-01\nCENTRAL,C,central,2019-06-01\n", BP_ERR_DATA,
        "institutions.csv:4:1: error: found id \"AAA\" a second time (first on line 2), expected "
        "each institution id once");
}

static void test_bad_phase_and_date(void **state)
{
    ds *s = *state;
    put(s, "institutions.csv",
        "id,name,phase,joined,capacity\nAAA,A,college,2020-02-30,-4\nBBB,,primary,2020-04-01,x\n"
        "CENTRAL,C,central,2019-06-01,\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "institutions.csv:2:7: error: found \"college\" in column \"phase\", expected one of "
           "primary, secondary, secondary_sixth, sixth_form_college, all_through, special, "
           "alternative_provision, central",
           "institutions.csv:2:15: error: found \"2020-02-30\" in column \"joined\", expected a "
           "date as YYYY-MM-DD",
           "institutions.csv:2:26: error: found \"-4\" in column \"capacity\", expected a whole "
           "number that is not negative",
           "institutions.csv:3:5: error: found an empty value in column \"name\", expected the "
           "institution's name",
           "institutions.csv:3:25: error: found \"x\" in column \"capacity\", expected a whole "
           "number that is not negative");
}

static void test_central_rules(void **state)
{
    ds *s = *state;
    put(s, "institutions.csv",
        "id,name,phase,joined\nAAA,A,primary,2020-04-01\nBBB,B,central,2020-04-01\n"
        "CENTRAL,C,central,2019-06-01\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "institutions.csv:3:1: error: found \"BBB\" in column \"id\", expected CENTRAL, the "
           "trust's central_id (trust.csv), for the central row",
           "institutions.csv:4:11: error: found \"central\" in column \"phase\", expected exactly "
           "one institution with phase central");
}

static void test_no_central(void **state)
{
    one(state, "institutions.csv",
        "id,name,phase,joined\nAAA,A,primary,2020-04-01\nBBB,B,primary,2020-04-01\n", BP_ERR_DATA,
        "institutions.csv: error: found no institution with phase central, expected exactly one, "
        "with id CENTRAL (trust.csv central_id)");
}

static void test_central_id_not_central(void **state)
{
    ds *s = *state;
    put(s, "trust.csv", "key,value\nid,t1\nname,T\nreport_year,2022/23\nas_of,2023-11-20\n"
                        "central_id,BBB\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "institutions.csv:3:15: error: found \"secondary\" in column \"phase\", expected central "
           "for BBB, the trust's central_id",
           "institutions.csv:4:1: error: found \"CENTRAL\" in column \"id\", expected BBB, the "
           "trust's central_id (trust.csv), for the central row");
}

/* ---------- the other files ---------- */

static void test_courses(void **state)
{
    ds *s = *state;
    put(s, "courses.csv", "institution,year,course,students,income,direct_costs,minority\n"
                          "BBB,2022/23,Maths,30,\"1,000.00\",400,no\n"
                          "BBB,2022/23,Maths,3,10,4,yes\n"
                          "BBB,2022/23,Art,-3,-10,4,maybe\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "courses.csv:3:13: error: found course \"Maths\" for BBB 2022/23 a second time (first "
           "on line 2), expected each course, institution and year once",
           "courses.csv:4:17: error: found \"-3\" in column \"students\", expected a whole number "
           "that is not negative",
           "courses.csv:4:20: error: found \"-10\" in column \"income\", expected an amount that is "
           "not negative",
           "courses.csv:4:26: error: found \"maybe\" in column \"minority\", expected yes or no");
    /* money control total: income and direct costs of every parsed value */
    assert_int_equal(s->m.inputs[6].money_total, 100000 + 40000 + 1000 + 400 + 400);
}

static void test_actions(void **state)
{
    ds *s = *state;
    put(s, "ambitions.csv", "id,title,summary\nquality,Quality,\nhigh_value_curriculum,HVC,x\n");
    put(s, "actions.csv", "id,institution,ambition,action,due,status,updated\n"
                          "A1,AAA,quality,Do it,2023-07-14,complete,2023-07-12\n"
                          "A2,CENTRAL,growth,Do more,2023-13-01,done,\n"
                          "A1,BBB,high_value_curriculum,Again,2023-07-14,on_track,\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "actions.csv:3:12: error: found \"growth\" in column \"ambition\", expected an ambition "
           "id from ambitions.csv",
           "actions.csv:3:27: error: found \"2023-13-01\" in column \"due\", expected a date as "
           "YYYY-MM-DD",
           "actions.csv:3:38: error: found \"done\" in column \"status\", expected one of "
           "not_started, on_track, at_risk, off_track, complete",
           "actions.csv:4:1: error: found id \"A1\" a second time (first on line 2), expected each "
           "action id once");
}

static void test_actions_ok(void **state)
{
    ds *s = *state;
    put(s, "ambitions.csv", "id,title\nquality,Quality\n");
    put(s, "actions.csv", "id,institution,ambition,plan,action,owner,due,status,updated,evidence\n"
                          "A1,AAA,quality,P,Do it,Head,2023-07-14,at_risk,,\"Paper, July\"\n");
    load(s);
    expect(s, BP_OK, NULL, 0);
    assert_int_equal(s->m.nactions, 1);
    assert_int_equal(s->m.actions[0].status, BP_ST_AT_RISK);
    assert_false(s->m.actions[0].has_updated);
    assert_string_equal(s->m.actions[0].evidence, "Paper, July");
    assert_int_equal(s->m.actions[0].due, bp_date_from_ymd(2023, 7, 14));
}

static void test_priorities(void **state)
{
    ds *s = *state;
    put(s, "ambitions.csv", "id,title\nquality,Quality\ngrowth,Growth\n");
    put(s, "priorities.csv", "institution,id,title,ambitions\n"
                             "AAA,AAA-1,Be good,quality; growth\n"
                             "BBB,BBB-1,Grow,growth;reach\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "priorities.csv:3:16: error: found \"reach\" in column \"ambitions\", expected an "
           "ambition id from ambitions.csv");
    assert_int_equal(s->m.npriorities, 1);
    assert_int_equal(s->m.priorities[0].nambitions, 2);
    assert_int_equal(s->m.priorities[0].ambitions[0], 0);
    assert_int_equal(s->m.priorities[0].ambitions[1], 1);
}

static void test_papers(void **state)
{
    ds *s = *state;
    put(s, "papers.csv", "pack,meeting,reference\n"
                         "board,2023-12-12,BoT 23/04\n"
                         "finance,Autumn term,F&R 23/05\n"
                         "quality,2023-02-30,T&L\n"
                         "board,2024-01-01,X\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "papers.csv:4:9: error: found \"2023-02-30\" in column \"meeting\", expected a date as "
           "YYYY-MM-DD",
           "papers.csv:5:1: error: found pack \"board\" a second time (first on line 2), expected "
           "each pack once");
    assert_true(s->m.papers[0].has_meeting_date);
    assert_int_equal(s->m.papers[0].meeting_date, bp_date_from_ymd(2023, 12, 12));
    assert_false(s->m.papers[1].has_meeting_date);
    assert_string_equal(s->m.papers[1].meeting, "Autumn term");
    assert_string_equal(s->m.papers[1].author, "");
}

static void test_commentary_national(void **state)
{
    ds *s = *state;
    put(s, "commentary.csv", "kpi,entity,year,text\n"
                             "surplus_pct,AAA,2022/23,Fine\n"
                             "surplus_pct,primary,2022/23,Fine\n"
                             "surplus_pct,trust,2022/23,Fine\n"
                             "surplus_pct,ZZZ,2022/23,\n");
    put(s, "national.csv", "year,phase,code,value\n"
                           "2022/23,primary,attendance_pct,0.947\n"
                           "2022/23,all,attendance_pct,94.7%\n"
                           "2022/23,infant,attendance_pct,x\n");
    load(s);
    EXPECT(s, BP_ERR_DATA,
           "commentary.csv:5:13: error: found \"ZZZ\" in column \"entity\", expected an "
           "institution id, a phase or trust",
           "commentary.csv:5:25: error: found an empty value in column \"text\", expected the "
           "commentary",
           "national.csv:4:9: error: found \"infant\" in column \"phase\", expected a phase "
           "(primary, secondary, secondary_sixth, sixth_form_college, all_through, special, "
           "alternative_provision, central) or all",
           "national.csv:4:31: error: found \"x\" in column \"value\", expected a number in the "
           "KPI's own units, such as 0.947");
    assert_int_equal(s->m.nbenchmarks, 2);
    assert_num_frac(s->m.benchmarks[0].value, 947, 1000);
    assert_num_frac(s->m.benchmarks[1].value, 947, 1000);
    assert_int_equal(s->m.ncomments, 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_good), T(test_order_independent),
        T(test_money_decimals), T(test_money_overflow), T(test_empty_value),
        T(test_unknown_institution), T(test_bad_year), T(test_bad_scenario), T(test_bad_code),
        T(test_negative_count), T(test_negative_allowed), T(test_quantity_decimals),
        T(test_inspection_grade), T(test_duplicate_fact), T(test_all_errors_reported),
        T(test_unknown_column_and_csv_error), T(test_missing_column), T(test_duplicate_column),
        T(test_empty_optional), T(test_blank_line_warning),
        T(test_missing_trust), T(test_trust_keys), T(test_money_units), T(test_bad_id), T(test_duplicate_inst),
        T(test_bad_phase_and_date), T(test_central_rules), T(test_no_central),
        T(test_central_id_not_central),
        T(test_courses), T(test_actions), T(test_actions_ok), T(test_priorities), T(test_papers),
        T(test_commentary_national),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
