/* Shared helpers for the cmocka unit tests. */
#ifndef BP_TEST_H
#define BP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "bp_num.h"

/* Exact comparison of a computed rational with num/den (cmocka has no safe double
 * assert for money: compare exact fractions instead). */
#define assert_num_frac(value, n, d) do { \
        bp_num v_ = (value); \
        assert_true(v_.ok); \
        assert_int_equal(bp_num_cmp(v_, bp_num_frac((n), (d))), 0); \
    } while (0)

#define assert_num_none(value) assert_false((value).ok)

#endif
