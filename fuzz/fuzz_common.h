/* What the libFuzzer harnesses share: the invariant check, and the hand-worked trust that
 * the expression and KPI harnesses evaluate over (loaded once per fuzzing process). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "bp_load.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)

/* $BP_FUZZ_FIXTURE, else tests/fixtures/handworked (fuzz from the repository root); false,
 * with a message naming the harness, when it does not load. */
static inline bool fuzz_load_fixture(bp_model *m, const char *harness)
{
    const char *fixture = getenv("BP_FUZZ_FIXTURE");
    if (!fixture) fixture = "tests/fixtures/handworked";
    bp_diags d;
    bp_diags_init(&d);
    bp_model_init(m);
    bool ok = bp_load_dataset(fixture, m, &d) == BP_OK;
    if (!ok) fprintf(stderr, "%s: cannot load %s (run from the repository root)\n", harness, fixture);
    bp_diags_free(&d);
    return ok;
}

#endif
