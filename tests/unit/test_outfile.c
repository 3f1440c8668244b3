/* bp_outfile: a set replaces the old one whole or not at all; a failure half way and an
 * interrupted commit (its journal written by hand) both end with the old set; the lock
 * names its holder; the temporaries a killed run left are removed, nothing else. */
#include "bp_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bp_outfile.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bp-outfile-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes every entry of dir (files and empty directories), then dir. */
static int remove_dir(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char p[sizeof dir + 256];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0) rmdir(p);
    }
    if (d) closedir(d);
    return rmdir(dir);
}

static void put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The file's text, "" when it is absent. */
static const char *text_of(const char *name)
{
    static char buf[256];
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    buf[0] = 0;
    FILE *f = fopen(p, "rb");
    if (!f) return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static bool exists(const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

/* Every name in dir, sorted, space-separated. */
static const char *listing(void)
{
    static char buf[2048];
    char *names[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 64)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            names[n++] = strdup(e->d_name);
    if (d) closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strcat(buf, i ? " " : "");
        strcat(buf, names[i]);
        free(names[i]);
    }
    return buf;
}

/* A set of files named names[] with texts texts[], committed. */
static bp_err commit_set(const char *const *names, const char *const *texts, size_t n,
                         bp_diags *d)
{
    bp_outset s;
    bp_outset_init(&s, dir);
    for (size_t i = 0; i < n; i++) {
        FILE *f = bp_outset_add(&s, names[i], d);
        assert_non_null(f);
        fputs(texts[i], f);
    }
    bp_err err = bp_outset_commit(&s, d);
    bp_outset_free(&s);
    return err;
}

static const char *const abc[] = {"a.pdf", "b.pdf", "c.json"};

static void a_set_replaces_the_old_one(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    static const char *const v1[] = {"a1", "b1", "c1"}, *const v2[] = {"a2", "b2", "c2"};
    assert_int_equal(commit_set(abc, v1, 3, &d), BP_OK);
    assert_string_equal(listing(), "a.pdf b.pdf c.json");
    assert_int_equal(commit_set(abc, v2, 3, &d), BP_OK);
    /* no backup, temporary file or journal left */
    assert_string_equal(listing(), "a.pdf b.pdf c.json");
    assert_string_equal(text_of("b.pdf"), "b2");
    assert_int_equal(d.errors, 0);
    bp_diags_free(&d);
}

/* c.json is a directory: a and b were already renamed in when c fails, and go back. */
static void a_failure_half_way_leaves_the_old_set(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    static const char *const v1[] = {"a1", "b1"}, *const v2[] = {"a2", "b2", "c2"};
    assert_int_equal(commit_set(abc, v1, 2, &d), BP_OK);
    char p[256];
    snprintf(p, sizeof p, "%s/c.json", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    assert_int_equal(commit_set(abc, v2, 3, &d), BP_ERR_IO);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.items[0].message, "cannot rename the output file into place"));
    assert_string_equal(listing(), "a.pdf b.pdf c.json");
    assert_string_equal(text_of("a.pdf"), "a1");
    assert_string_equal(text_of("b.pdf"), "b1");
    bp_diags_free(&d);
}

static void names_clash_in_any_case(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    bp_outset s;
    bp_outset_init(&s, dir);
    assert_non_null(bp_outset_add(&s, "t-lgb-South.pdf", &d));
    assert_null(bp_outset_add(&s, "t-lgb-south.pdf", &d));
    assert_null(bp_outset_add(&s, ".hidden", &d));
    assert_null(bp_outset_add(&s, "a\tb", &d));
    assert_null(bp_outset_add(&s, "x/y", &d));
    assert_int_equal(d.errors, 4);
    assert_string_equal(d.items[0].message, "found a second output file named t-lgb-south.pdf in "
                        "one set (the other is t-lgb-South.pdf), expected every name to differ, "
                        "also in upper and lower case");
    bp_outset_abort(&s);
    bp_outset_free(&s);
    assert_string_equal(listing(), "");
    bp_diags_free(&d);
}

static void write_journal(const char *text)
{
    put(".boardpack.journal", text);
}

/* The five states a crash can leave a file in, and a directory that stood in the way. */
static void an_interrupted_commit_is_rolled_back(void **state)
{
    (void)state;
    /* a: old aside, new in place; b: old aside, new not yet in; c: untouched; d: new in
     * place where none stood; e: new not yet in; f: a directory stands at its name */
    put("a", "new a");
    put(".a.old-9-0", "old a");
    put(".b.old-9-1", "old b");
    put(".b.tmp-9-1", "new b");
    put("c", "old c");
    put(".c.tmp-9-2", "new c");
    put("d", "new d");
    put(".e.tmp-9-4", "new e");
    char p[256];
    snprintf(p, sizeof p, "%s/f", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    put(".f.tmp-9-5", "new f");
    write_journal("boardpack-journal 1\n"
                  "o\ta\t.a.tmp-9-0\t.a.old-9-0\n"
                  "o\tb\t.b.tmp-9-1\t.b.old-9-1\n"
                  "o\tc\t.c.tmp-9-2\t.c.old-9-2\n"
                  "-\td\t.d.tmp-9-3\t.d.old-9-3\n"
                  "-\te\t.e.tmp-9-4\t.e.old-9-4\n"
                  "d\tf\t.f.tmp-9-5\t.f.old-9-5\n"
                  "end 6\n");
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_outdir_recover(dir, &d), BP_OK);
    assert_int_equal(d.errors, 0);
    assert_string_equal(listing(), "a b c f");
    assert_string_equal(text_of("a"), "old a");
    assert_string_equal(text_of("b"), "old b");
    assert_string_equal(text_of("c"), "old c");
    /* again: nothing left to do */
    assert_int_equal(bp_outdir_recover(dir, &d), BP_OK);
    assert_string_equal(listing(), "a b c f");
    bp_diags_free(&d);
}

/* A journal boardpack would not write is refused and nothing is touched. */
static void a_foreign_journal_is_not_acted_on(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "not-a-journal\no\ta\t.a.tmp-9-0\t.a.old-9-0\nend 1\n",
        "boardpack-journal 1\no\ta\t.a.tmp-9-0\t.a.old-9-0\n",              /* no end */
        "boardpack-journal 1\no\ta\t.a.tmp-9-0\t.a.old-9-0\nend 2\n",       /* count */
        "boardpack-journal 1\no\ta\t../a.tmp-9-0\t.a.old-9-0\nend 1\n",
        "boardpack-journal 1\no\ta\t.a.tmp-9-0\t.b.old-9-0\nend 1\n",       /* another name */
        "boardpack-journal 1\no\t../a\t.../a.tmp-9-0\t.../a.old-9-0\nend 1\n",
        "boardpack-journal 1\nx\ta\t.a.tmp-9-0\t.a.old-9-0\nend 1\n",
        "boardpack-journal 1\no\ta\t.a.tmp-9-0\t.a.old-9-0\nend 1\nmore\n",
    };
    put("a", "new a");
    put(".a.old-9-0", "old a");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_journal(bad[i]);
        bp_diags d;
        bp_diags_init(&d);
        assert_int_equal(bp_outdir_recover(dir, &d), BP_ERR_IO);
        assert_int_equal(d.errors, 1);
        assert_non_null(strstr(d.items[0].message,
                               "found a journal that is not one boardpack writes"));
        assert_string_equal(text_of("a"), "new a");
        assert_string_equal(text_of(".a.old-9-0"), "old a");
        assert_true(exists(".boardpack.journal"));
        bp_diags_free(&d);
    }
}

static void a_killed_runs_temporaries_are_removed(void **state)
{
    (void)state;
    put(".x.pdf.tmp-123-0", "");
    put(".x.pdf.old-123-4", "");
    put(".boardpack.journal.tmp-5-0", "");
    /* not of boardpack's naming */
    put(".tmp-1-2", "");
    put(".x.tmp-", "");
    put(".x.tmp-1-", "");
    put(".x.tmp-a-1", "");
    put("x.tmp-1-2", "");
    put(".keep", "");
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_outdir_recover(dir, &d), BP_OK);
    assert_string_equal(listing(), ".keep .tmp-1-2 .x.tmp- .x.tmp-1- .x.tmp-a-1 x.tmp-1-2");
    bp_diags_free(&d);
}

/* Two locks on one folder, even in one process, exclude each other; the second is told
 * which process holds it. */
static void the_lock_names_its_holder(void **state)
{
    (void)state;
    bp_diags d;
    bp_diags_init(&d);
    bp_outlock a, b;
    assert_int_equal(bp_outdir_lock(dir, &a, &d), BP_OK);
    assert_true(exists(".boardpack.lock"));
    char want[300];
    snprintf(want, sizeof want, "%ld\n", (long)getpid());
    assert_string_equal(text_of(".boardpack.lock"), want);
    assert_int_equal(bp_outdir_lock(dir, &b, &d), BP_ERR_IO);
    assert_int_equal(d.errors, 1);
    snprintf(want, sizeof want, "another run (process %ld) is writing into this folder and holds "
             "its lock %s/.boardpack.lock: wait for it to end", (long)getpid(), dir);
    assert_string_equal(d.items[0].message, want);
    bp_outdir_unlock(&a);
    assert_false(exists(".boardpack.lock"));
    assert_int_equal(bp_outdir_lock(dir, &b, &d), BP_OK);
    bp_outdir_unlock(&b);
    bp_outdir_unlock(&b);            /* safe when not held */
    bp_diags_free(&d);
}

int main(void)
{
#define IN_DIR(t) cmocka_unit_test_setup_teardown(t, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        IN_DIR(a_set_replaces_the_old_one),
        IN_DIR(a_failure_half_way_leaves_the_old_set),
        IN_DIR(names_clash_in_any_case),
        IN_DIR(an_interrupted_commit_is_rolled_back),
        IN_DIR(a_foreign_journal_is_not_acted_on),
        IN_DIR(a_killed_runs_temporaries_are_removed),
        IN_DIR(the_lock_names_its_holder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
