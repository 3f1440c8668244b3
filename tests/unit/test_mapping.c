/* bp_mapping: the rules of mapping.csv and the matching of accounts and cost centres, each
 * expectation worked out by hand from the contract (DATA.md, "Ledger import: Matching"). */
#include "bp_test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "bp_mapping.h"

static const char *const COLS =
    "kind,match,target,sign\n"
    "column,institution,CC,\n"
    "column,account,Nominal,\n"
    "column,amount,Balance,\n";

/* Parse COLS + rules with no model (institution targets unchecked); the errors into d. */
static bp_err parse(const char *rules, const char *dir, bp_mapping *mp, bp_diags *d)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", COLS, rules);
    return bp_mapping_parse("mapping.csv", buf, strlen(buf), dir, NULL, mp, d);
}

static void parse_ok(const char *rules, bp_mapping *mp)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_err e = parse(rules, NULL, mp, &d);
    if (e != BP_OK && d.count) fail_msg("%s:%d:%d %s", d.items[0].file, d.items[0].line,
                                        d.items[0].column, d.items[0].message);
    assert_int_equal(e, BP_OK);
    bp_diags_free(&d);
}

/* The winning rule's match for account s ("" when none), and whether it is ambiguous. */
static const char *winner(const bp_mapping *mp, const char *s, bool *tie)
{
    int idx[8];
    bp_map_width w[8];
    size_t n = bp_mapping_candidates(mp, s, strlen(s), idx, w, 8);
    *tie = false;
    if (!n) return "";
    const bp_map_rule *r = &mp->rules[idx[0]];
    if (n > 1 && r->how != BP_MM_EXACT && bp_map_width_cmp(w[0], w[1]) == 0) *tie = true;
    return r->match;
}

static uint64_t width_of(const bp_mapping *mp, const char *match, const char *acct)
{
    for (size_t i = 0; i < mp->n; i++)
        if (strcmp(mp->rules[i].match, match) == 0) {
            bp_map_width w;
            if (!bp_map_admits(&mp->rules[i], acct, strlen(acct), &w)) return 0;
            assert_int_equal(w.big, 0);
            return w.v;
        }
    fail_msg("no rule %s", match);
    return 0;
}

static void test_widths(void **state)
{
    (void)state;
    bp_mapping mp;
    parse_ok("account,4*,exp.nonpay.other,+\n"
             "account,40*,exp.nonpay.supplies,+\n"
             "account,4000..4099,exp.nonpay.ict,+\n"
             "account,5100..6499,exp.nonpay.premises,+\n"
             "account,A100..A199,exp.staff.support,+\n"
             "account,9525..9629,bs.current_liabilities,-\n",
             &mp);
    /* P* on a 4-character account: 10^(4 - len P) */
    assert_int_equal(width_of(&mp, "4*", "4010"), 1000);
    assert_int_equal(width_of(&mp, "40*", "4010"), 100);
    assert_int_equal(width_of(&mp, "4*", "401"), 100);   /* a 3-character account */
    assert_int_equal(width_of(&mp, "4*", "4"), 1);
    /* LO..HI: HI - LO + 1 over the positions where the ends differ */
    assert_int_equal(width_of(&mp, "4000..4099", "4010"), 100);
    assert_int_equal(width_of(&mp, "5100..6499", "6000"), 1400);
    assert_int_equal(width_of(&mp, "A100..A199", "A150"), 100);
    /* 9525..9629: the third position agrees (2), so it is fixed: 95 2 5-9 and 96 2 0-9, the
     * free digits 55..69 - 15 values */
    assert_int_equal(width_of(&mp, "9525..9629", "9527"), 15);
    assert_int_equal(width_of(&mp, "9525..9629", "9620"), 15);
    assert_int_equal(width_of(&mp, "9525..9629", "9530"), 0);   /* position 3 is not 2 */
    assert_int_equal(width_of(&mp, "9525..9629", "9524"), 0);   /* below LO */
    /* a range admits only accounts of its length, with digits in its free positions */
    assert_int_equal(width_of(&mp, "4000..4099", "40100"), 0);
    assert_int_equal(width_of(&mp, "4000..4099", "40x1"), 0);
    assert_int_equal(width_of(&mp, "4000..4099", "4100"), 0);
    assert_int_equal(width_of(&mp, "A100..A199", "B150"), 0);
    /* a prefix is case-sensitive */
    assert_int_equal(width_of(&mp, "A100..A199", "a150"), 0);
    bp_mapping_free(&mp);
}

static void test_narrowest_wins(void **state)
{
    (void)state;
    bp_mapping mp;
    bool tie;
    parse_ok("account,4*,exp.nonpay.other,+\n"
             "account,4000..4099,exp.nonpay.ict,+\n"
             "ignore,40*,,\n"
             "account,4010,exp.nonpay.cpd,+\n"
             "account,1000..1099,income.esfa.gag,-\n"
             "account,10*,income.esfa.other,-\n",
             &mp);
    /* the exact rule beats every pattern */
    assert_string_equal(winner(&mp, "4010", &tie), "4010");
    assert_false(tie);
    /* 4000..4099 and 40* both admit 100 four-character values: equally narrow */
    winner(&mp, "4011", &tie);
    assert_true(tie);
    /* 1000..1099 (100) against 10* (100 on a 4-character account): a tie as well */
    winner(&mp, "1001", &tie);
    assert_true(tie);
    /* on a 5-character account only 10* applies (the range wants 4 characters) */
    assert_string_equal(winner(&mp, "10011", &tie), "10*");
    assert_false(tie);
    /* 4* is the only rule for 4500 */
    assert_string_equal(winner(&mp, "4500", &tie), "4*");
    assert_false(tie);
    /* no rule at all */
    assert_string_equal(winner(&mp, "7000", &tie), "");
    /* an empty account is admitted by no pattern (only by ignore,(blank)) */
    assert_string_equal(winner(&mp, "", &tie), "");
    bp_mapping_free(&mp);

    parse_ok("account,40*,exp.nonpay.other,+\n"
             "account,4000..4049,exp.nonpay.ict,+\n"
             "ignore,(blank),,\n", &mp);
    /* 4000..4049 admits 50 values, 40* 100: the range is narrower */
    assert_string_equal(winner(&mp, "4020", &tie), "4000..4049");
    assert_false(tie);
    assert_string_equal(winner(&mp, "4050", &tie), "40*");
    assert_string_equal(winner(&mp, "", &tie), "(blank)");
    assert_int_equal(mp.blank_rule, 5);
    bp_mapping_free(&mp);
}

static void test_institutions(void **state)
{
    (void)state;
    bp_mapping mp;
    parse_ok("institution,*,CENTRAL,\n"
             "institution,1*,BHS,\n"
             "institution,12*,MHS,\n"
             "institution,123,SFC,\n", &mp);
    /* exact beats prefix; the longest prefix wins; * matches anything, the empty one too */
    assert_string_equal(mp.rules[bp_mapping_institution(&mp, "123", 3)].target, "SFC");
    assert_string_equal(mp.rules[bp_mapping_institution(&mp, "1234", 4)].target, "MHS");
    assert_string_equal(mp.rules[bp_mapping_institution(&mp, "13", 2)].target, "BHS");
    assert_string_equal(mp.rules[bp_mapping_institution(&mp, "9", 1)].target, "CENTRAL");
    assert_string_equal(mp.rules[bp_mapping_institution(&mp, "", 0)].target, "CENTRAL");
    bp_mapping_free(&mp);
    parse_ok("institution,BHS,BHS,\n", &mp);
    assert_int_equal(bp_mapping_institution(&mp, "bhs", 3), -1);   /* case-sensitive */
    bp_mapping_free(&mp);
}

static void test_months_and_names(void **state)
{
    (void)state;
    assert_int_equal(bp_map_month("M01", 3), 1);
    assert_int_equal(bp_map_month("p12", 3), 12);
    assert_int_equal(bp_map_month("7", 1), 7);
    assert_int_equal(bp_map_month("07", 2), 7);
    assert_int_equal(bp_map_month("13", 2), 0);
    assert_int_equal(bp_map_month("M13", 3), 0);
    assert_int_equal(bp_map_month("M1", 2), 0);
    assert_int_equal(bp_map_month("0", 1), 0);
    assert_int_equal(bp_map_month("", 0), 0);
    assert_true(bp_map_ledger_name("ledger.csv"));
    assert_true(bp_map_ledger_name("ledger-2023.csv"));
    assert_false(bp_map_ledger_name("ledger-.csv"));
    assert_false(bp_map_ledger_name("ledgers.csv"));
    assert_false(bp_map_ledger_name("ledger-a b.csv"));
}

/* Each bad rule: the one error, at its line and column. */
static void expect_error(const char *rules, int line, int col, const char *part)
{
    bp_mapping mp;
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(parse(rules, NULL, &mp, &d), BP_ERR_DATA);
    if (d.errors != 1 || !strstr(d.items[0].message, part) || d.items[0].line != line
        || d.items[0].column != col)
        fail_msg("%s: %zu errors, first %d:%d %s", rules, d.errors, d.items[0].line,
                 d.items[0].column, d.items[0].message);
    bp_mapping_free(&mp);
    bp_diags_free(&d);
}

static void test_bad_rules(void **state)
{
    (void)state;
    expect_error("column,colour,X,\n", 5, 8, "expected a role");
    expect_error("account,4000..409,exp.x,+\n", 5, 9, "same length");
    expect_error("account,4099..4000,exp.x,+\n", 5, 9, "LO not after HI");
    expect_error("account,A000..B099,exp.x,+\n", 5, 9, "differ only in digits");
    expect_error("account,4*0,exp.x,+\n", 5, 9, "only at the end");
    expect_error("account,4000,students.on_roll,+\n", 5, 14, "a money code");
    expect_error("account,4000,exp.x,\n", 5, 20, "+ (debit - credit)");
    expect_error("account,4000,exp.x,*\n", 5, 20, "+ (debit - credit)");
    expect_error("ignore,4000,exp.x,\n", 5, 13, "no target");
    expect_error("account,4000,exp.x,+\naccount,4000,exp.y,+\n", 6, 9, "a second time");
    expect_error("account,4000,exp.x,+\nignore,4000,,\n", 6, 8, "a second time");
    expect_error("period,M03,M04,\n", 5, 8, "other than a month");
    expect_error("period,13,M13,\n", 5, 11, "M01 to M12");
    expect_error("year,2023,2023,\n", 5, 11, "2022/23");
    expect_error("setting,basis,monthly,\n", 5, 15, "movement or balance");
    expect_error("setting,result_to,income.x,\n", 5, 19, "reserve code");
    expect_error("setting,basis,balance,\nsetting,result_to,bs.reserves,\n", 6, 19, "reserve code");
    expect_error("setting,result_to,bs.reserves.revenue,\n", 5, 9, "basis balance");
    expect_error("scenario,Bud,budget,\n", 5, 10, "role scenario");
    expect_error("file,ledger.txt,budget,\n", 5, 6, "ledger file name");
    expect_error("file,ledger-b.csv,plan,\n", 5, 19, "actual, budget or forecast");
    expect_error("frobnicate,x,y,\n", 5, 1, "column, institution");
    expect_error("account,4000,exp.x,+\ninclude,cfr,,\n", 6, 1, "only on the first rule");
    expect_error("column,debit,Dr,\n", 5, 8, "beside one for amount");
}

/* A template's rules go first; a data set's rule of the same kind and match replaces one. */
static void test_include(void **state)
{
    (void)state;
    char dir[] = "/tmp/bp_mapping_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/std.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("kind,match,target,sign,note\n"
          "account,1000..1099,income.esfa.gag,-,grants\n"
          "account,2*,exp.staff.teaching,+,\n"
          "ignore,9*,,,capital\n", f);
    fclose(f);
    const char *own = "kind,match,target,sign\n"
                      "include,std,,\n"
                      "column,institution,CC,\n"
                      "column,account,Nominal,\n"
                      "column,amount,Balance,\n"
                      "account,2*,exp.staff.support,+\n"
                      "account,9*,bs.cash,+\n";
    bp_mapping mp;
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_mapping_parse("mapping.csv", own, strlen(own), dir, NULL, &mp, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(mp.n, 6);   /* 1 template rule kept, 3 columns, 2 replacing */
    assert_string_equal(mp.rules[0].match, "1000..1099");
    assert_string_equal(mp.rules[0].file, "templates/mappings/std.csv");
    assert_int_equal(mp.rules[0].line, 2);
    assert_false(mp.rules[0].own);
    bool tie;
    assert_string_equal(winner(&mp, "2001", &tie), "2*");
    int idx[2];
    assert_int_equal(bp_mapping_candidates(&mp, "2001", 4, idx, NULL, 2), 1);
    assert_string_equal(mp.rules[idx[0]].target, "exp.staff.support");
    /* the ignore rule 9* is replaced by the data set's account rule 9* */
    assert_int_equal(bp_mapping_candidates(&mp, "9001", 4, idx, NULL, 2), 1);
    assert_int_equal(mp.rules[idx[0]].kind, BP_MK_ACCOUNT);
    assert_true(mp.rules[idx[0]].own);
    bp_mapping_free(&mp);

    /* an include of a mapping that is not shipped */
    const char *bad = "kind,match,target,sign\ninclude,nosuch,,\n";
    assert_int_equal(bp_mapping_parse("mapping.csv", bad, strlen(bad), dir, NULL, &mp, &d),
                     BP_ERR_DATA);
    assert_true(strstr(d.items[0].message, "templates/mappings/nosuch.csv") != NULL);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].column, 9);
    bp_mapping_free(&mp);
    bp_diags_free(&d);
    /* a path is not a name */
    bp_diags_init(&d);
    const char *up = "kind,match,target,sign\ninclude,../x,,\n";
    assert_int_equal(bp_mapping_parse("mapping.csv", up, strlen(up), dir, NULL, &mp, &d),
                     BP_ERR_DATA);
    assert_true(strstr(d.items[0].message, "the name of a mapping") != NULL);
    bp_mapping_free(&mp);
    bp_diags_free(&d);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_narrowest_wins),
        cmocka_unit_test(test_institutions),
        cmocka_unit_test(test_months_and_names),
        cmocka_unit_test(test_bad_rules),
        cmocka_unit_test(test_include),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
