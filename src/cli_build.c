/* cli_build: `boardpack build` - one trust's packs and results into --out. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_build.h"
#include "bp_cli.h"

/* Templates: every pack of templates/packs, checked against the --pack names. */
bp_err bp_cli_load_packs(const char *const *want, size_t nwant, bp_packset *packs,
                         bp_diags *diags)
{
    char tdir[PATH_MAX], pdir[PATH_MAX + 16];
    bp_templates_dir(getenv("BOARDPACK_TEMPLATES"), tdir, sizeof tdir);
    snprintf(pdir, sizeof pdir, "%s/packs", tdir);
    bp_err err = bp_pack_load_dir(pdir, packs, diags);
    for (size_t i = 0; err == BP_OK && i < nwant; i++)
        if (bp_pack_find(packs, want[i]) < 0) {
            fprintf(stderr, "boardpack: no pack '%s' (packs:", want[i]);
            for (size_t j = 0; j < packs->count; j++) fprintf(stderr, " %s", packs->packs[j].id);
            fputs(")\n", stderr);
            err = BP_ERR_USAGE;
        }
    return err;
}

int bp_cli_build(int argc, char **argv)
{
    bp_cli_opts o;
    if (!bp_cli_parse(argc, argv, "build", "data,out,pack,year,fail-on", &o)) {
        fputs("usage: boardpack build --data DIR --out DIR [--pack NAME]... [--year YYYY/YY] "
              "[--fail-on red|amber]\n", stderr);
        return bp_exit_code(BP_ERR_USAGE);
    }
    bp_session s;
    bp_err err = bp_session_open(&s, o.data, o.year, getenv("BOARDPACK_TEMPLATES"));
    bp_packset packs;
    bp_packset_init(&packs);
    if (err == BP_OK) err = bp_cli_load_packs(o.packs, o.npacks, &packs, &s.diags);
    bp_build_opts bo = {o.out, o.packs, o.npacks, 0, getenv("BOARDPACK_FONTS"), getenv("TMPDIR")};
    if (err == BP_OK && !bp_build_epoch(&s.model, getenv("SOURCE_DATE_EPOCH"), &bo.epoch)) {
        fprintf(stderr, "boardpack build: SOURCE_DATE_EPOCH '%s': expected whole seconds since "
                "1970, such as 1700438400\n", getenv("SOURCE_DATE_EPOCH"));
        err = BP_ERR_USAGE;
    }
    size_t written = 0;
    if (err == BP_OK) err = bp_build_write(&s, &packs, &bo, &written, &s.diags);
    bp_diags_sort(&s.diags);
    int rc;
    if (err != BP_OK) {
        rc = bp_cli_failed(o.data, err, &s.diags);
    } else {
        printf("wrote %zu files into %s\n", written, o.out);
        rc = fflush(stdout) == 0 ? bp_exit_code(bp_cli_fail_on(&s.results, o.fail_on))
                                 : bp_exit_code(BP_ERR_IO);
    }
    bp_packset_free(&packs);
    bp_session_close(&s);
    return rc;
}
