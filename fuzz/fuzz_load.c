/* libFuzzer harness: arbitrary bytes as a whole data set, through the same entry point as
 * `boardpack check` (bp_session_open: load, KPI files, validation, evaluation), then the
 * text report and the JSON results (or the diagnostics and the JSON errors), in memory.
 *
 * Input format: the files' contents one after another, separated by lines "%%".  The
 * chunks fill, in order, trust.csv, institutions.csv, finance.csv, staff.csv,
 * students.csv, governance.csv, courses.csv, actions.csv, ambitions.csv, priorities.csv,
 * papers.csv, commentary.csv, national.csv and kpis.kpi; a chunk that is exactly "-\n"
 * (or a missing chunk) means the file is absent.  The files are written into one
 * directory per process, created once (under /dev/shm when it exists).
 *
 * Oracle ("nothing lost"): when a data set loads, every data row of every file is in the
 * model - each fact-file row is one fact, each institutions.csv row one institution, and
 * so on - and rows_read is the sum of the files' rows.  Whatever loads or not, the JSON
 * is valid JSON and the text holds nothing a terminal would obey (fuzz_valid.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bp_json.h"
#include "bp_session.h"
#include "bp_text.h"

#include "fuzz_common.h"
#include "fuzz_valid.h"

static const char *const names[] = {
    "trust.csv", "institutions.csv", "finance.csv", "staff.csv", "students.csv",
    "governance.csv", "courses.csv", "actions.csv", "ambitions.csv", "priorities.csv",
    "papers.csv", "commentary.csv", "national.csv", "kpis.kpi",
};
#define NFILES (sizeof names / sizeof *names)

static char dir[256];
static char templates[4200];

static void cleanup(void)
{
    char path[512];
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/bp-fuzz-load-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    atexit(cleanup);
    /* the shipped KPI set: $BOARDPACK_TEMPLATES, as for boardpack, else found from the
     * repository root */
    const char *env = getenv("BOARDPACK_TEMPLATES");
    char cwd[4096];
    if (env && *env) snprintf(templates, sizeof templates, "%s", env);
    else if (getcwd(cwd, sizeof cwd)) snprintf(templates, sizeof templates, "%s/templates", cwd);
    return 0;
}

static void put(size_t i, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (!p || (n == 2 && p[0] == '-' && p[1] == '\n')) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n && fwrite(p, 1, n, f) != n) abort();
    if (fclose(f) != 0) abort();
}

/* JSON for machines: a valid document (fuzz_valid.h: RFC 8259, UTF-8, every control
 * character inside a string escaped). */
static void check_json(bp_err (*write)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) abort();
    CHECK(write(f, arg) == BP_OK);
    fclose(f);
    const char *why = fv_json_valid(buf, n);
    if (why) fprintf(stderr, "invalid JSON: %s\n", why);
    CHECK(why == NULL);
    free(buf);
}
static bp_err write_results(FILE *f, const void *s) { return bp_json_results(f, s); }
static bp_err write_errors(FILE *f, const void *d) { return bp_json_errors(f, d); }

/* The text for a terminal: nothing in it a terminal would obey (fuzz_valid.h). */
static void check_text(bp_err (*write)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) abort();
    CHECK(write(f, arg) == BP_OK);
    fclose(f);
    const char *why = fv_text_valid(buf, n);
    if (why) fprintf(stderr, "invalid check text: %s\n", why);
    CHECK(why == NULL);
    free(buf);
}
static bp_err write_report(FILE *f, const void *s) { return bp_text_report(f, s); }
static bp_err write_diags(FILE *f, const void *d) { return bp_text_diags(f, d); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t start = 0, file = 0;
    for (size_t i = 0; i <= size && file < NFILES; i++) {
        bool sep = i + 3 <= size && (i == 0 || data[i - 1] == '\n') && memcmp(data + i, "%%\n", 3) == 0;
        if (i == size || sep) {
            put(file++, data + start, i - start);
            if (sep) {
                start = i + 3;
                i += 2;
            }
        }
    }
    for (; file < NFILES; file++) put(file, NULL, 0);

    bp_session s;
    bp_err err = bp_session_open(&s, dir, 0, templates);
    CHECK(err == BP_OK || err == BP_ERR_DATA || err == BP_ERR_KPI || err == BP_ERR_LIMIT);
    CHECK((err == BP_OK) == (s.diags.errors == 0));
    if (err == BP_OK) {
        const bp_model *m = &s.model;
        size_t sum = 0;
        for (size_t i = 0; i < m->ninputs; i++) sum += m->inputs[i].rows;
        CHECK(sum == m->rows_read);
        /* every row is in the model: nothing dropped silently */
        CHECK(m->nsettings == m->inputs[0].rows);
        CHECK(m->ninsts == m->inputs[1].rows);
        CHECK(m->nfacts == m->inputs[2].rows + m->inputs[3].rows + m->inputs[4].rows + m->inputs[5].rows);
        CHECK(m->ncourses == m->inputs[6].rows);
        CHECK(m->nactions == m->inputs[7].rows);
        CHECK(m->nambitions == m->inputs[8].rows);
        CHECK(m->npriorities == m->inputs[9].rows);
        CHECK(m->npapers == m->inputs[10].rows);
        CHECK(m->ncomments == m->inputs[11].rows);
        CHECK(m->nbenchmarks == m->inputs[12].rows);
        check_text(write_report, &s);
        check_json(write_results, &s);
    } else {
        bp_diags_sort(&s.diags);
        check_json(write_errors, &s.diags);
        check_text(write_diags, &s.diags);
    }
    bp_session_close(&s);
    return 0;
}
