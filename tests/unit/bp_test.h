/* Shared helpers for the cmocka unit tests. */
#ifndef BP_TEST_H
#define BP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "bp_expr.h"
#include "bp_model.h"
#include "bp_num.h"

/* Makes the empty file that tmpl ("/tmp/name_XXXXXX") names, tmpl its name then, for a
 * library to open by name (mkstemp, closed again). */
static inline void bp_test_temp_file(char *tmpl)
{
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    close(fd);
}

/* Exact comparison of a computed rational with num/den (cmocka has no safe double
 * assert for money: compare exact fractions instead). */
#define assert_num_frac(value, n, d) do { \
        bp_num v_ = (value); \
        assert_true(v_.ok); \
        assert_int_equal(bp_num_cmp(v_, bp_num_frac((n), (d))), 0); \
    } while (0)

#define assert_num_none(value) assert_false((value).ok)

/* An expression that must parse, with no diagnostic (the first one shown when it does not),
 * as if on line 1 of t.kpi. */
static inline bp_expr *bp_test_parse_expr(const char *text)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_expr *e = NULL;
    bp_err err = bp_expr_parse(text, strlen(text), "t.kpi", 1, 1, &e, &d);
    if (err != BP_OK && d.count) fprintf(stderr, "%s: %s\n", text, d.items[0].message);
    assert_int_equal(err, BP_OK);
    assert_int_equal(d.count, 0);
    bp_diags_free(&d);
    return e;
}

/* The hand-made model test_expr and test_formula share: two secondary schools and the
 * centre - A (joined 2018-09-01, PAN 180, its own governing body), B (joined 2021-09-02),
 * C (central services) - with no facts yet. */
static inline void bp_test_three_insts(bp_model *m, bp_institution insts[3])
{
    bp_model_init(m);
    insts[0] = (bp_institution){"A", "Alpha", BP_PHASE_SECONDARY, bp_date_from_ymd(2018, 9, 1),
                                false, true, 0, 180, "A", 2};
    insts[1] = (bp_institution){"B", "Beta", BP_PHASE_SECONDARY, bp_date_from_ymd(2021, 9, 2),
                                false, false, 0, 0, "B", 3};
    insts[2] = (bp_institution){"C", "Centre", BP_PHASE_CENTRAL, bp_date_from_ymd(2018, 9, 1),
                                false, false, 0, 0, NULL, 4};
    m->insts = insts;
    m->ninsts = 3;
    m->central = 2;
}

#endif
