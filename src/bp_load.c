/* bp_load: a data set directory (docs/data-format.md) into a bp_model.
 *
 * Every file is parsed first and then checked in dependency order (trust, institutions,
 * ambitions, then everything that refers to them), so the order of the files on disk or
 * of rows within them never changes the result.  Every defect is reported and checking
 * carries on; a row with any defect is not added to the model (which is then only good
 * for freeing). */
#include "bp_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bp_csv.h"
#include "bp_infile.h"
#include "bp_ledger.h"
#include "bp_money.h"
#include "bp_script.h"
#include "bp_util.h"

enum {
    F_TRUST, F_INSTS, F_FINANCE, F_STAFF, F_STUDENTS, F_GOV, F_COURSES, F_ACTIONS,
    F_AMBITIONS, F_PRIORITIES, F_PAPERS, F_COMMENTARY, F_NATIONAL, F_COUNT
};

const char *const bp_load_files[] = {
    "trust.csv", "institutions.csv", "finance.csv", "staff.csv", "students.csv",
    "governance.csv", "courses.csv", "actions.csv", "ambitions.csv", "priorities.csv",
    "papers.csv", "commentary.csv", "national.csv",
};
const size_t bp_load_nfiles = F_COUNT;

#define EXP_ID16 "an id of 1 to 16 letters, digits, '_' or '-'"
#define EXP_KEY "an id of 1 to 64 letters, digits, '_', '-' or '.'"
#define EXP_INST "an institution id from institutions.csv"
#define EXP_YEAR "a year such as 2022/23 (or 2022-23)"
#define EXP_DATE "a date as YYYY-MM-DD"
#define EXP_SCENARIO "actual, budget or forecast"
#define EXP_PHASE "one of primary, secondary, secondary_sixth, sixth_form_college, " \
    "all_through, special, alternative_provision, central"
#define EXP_CODE "a lower-case dotted code such as income.esfa.gag"
#define EXP_STATUS "one of not_started, on_track, at_risk, off_track, complete"
#define EXP_AMBITION "an ambition id from ambitions.csv"
#define EXP_WHOLE "a whole number that is not negative"
#define EXP_MONTH "a month M01 (September) to M12 (August), or P01 to P12"

/* Institutions in one data set.  The largest trusts run about a hundred schools; the cap
 * bounds what every later stage does per institution (results are KPIs x institutions x
 * years, and the text report looks each one up).  Documented in docs/limits.md. */
#define MAX_INSTITUTIONS 1000

/* A fact while loading: the column of its code, for a duplicate's diagnostic. */
typedef struct {
    bp_fact f;
    int code_col;
    int period_col;          /* of the period field; 0 when the file has no such column */
} tfact;

/* A row's identity for the duplicate check: key compares, shown is what people read. */
typedef struct {
    char *key;
    int line, col;
} keyrec;

typedef struct {
    keyrec *v;
    size_t n, cap;
} keyset;

typedef struct {
    const char *id;
    int index, line;
} inst_ref;

/* An id in a row of institutions.csv that was refused whole (wrong number of fields, bad
 * encoding): the rows elsewhere naming it are counted here and reported once, not each
 * as an unknown institution. */
typedef struct {
    const char *id;
    size_t n;
    int line;
    size_t rows;
    unsigned files;                 /* bit per file index */
} lost_inst;

typedef struct {
    bp_model *m;
    bp_diags *d;
    bp_err err;                     /* NOMEM or IO: stronger than DATA */
    bp_csv_table t[F_COUNT];
    bool present[F_COUNT];
    bool parsed[F_COUNT];           /* read and parsed with no error */
    inst_ref *inst_sorted;          /* m->insts sorted by id, for lookups */
    bool insts_ok;                  /* institutions.csv could be read at all */
    size_t ninst_sorted;
    lost_inst *lost;
    size_t nlost;
    tfact *facts;
    size_t nfacts, capfacts;
    size_t *hash;                   /* intern table: index+1 into m->strings, 0 empty */
    size_t hcap;
    size_t capinsts, capcourses, capactions, capambitions, cappriorities, cappapers,
        capcomments, capbench, capsettings;
} loader;

/* ---------- small helpers ---------- */

/* bp_grow and strndup, an allocation failure recorded in L->err. */
static void *grow(loader *L, void *p, size_t *cap, size_t need, size_t elem)
{
    void *grown = bp_grow(p, cap, need, elem);
    if (!grown && need) L->err = BP_ERR_NOMEM;
    return grown;
}

static char *dupn(loader *L, const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p) L->err = BP_ERR_NOMEM;
    return p;
}

static char *dup(loader *L, const char *s) { return dupn(L, s, strlen(s)); }

/* A field's text without surrounding spaces (quoted fields keep theirs in the table). */
typedef struct {
    const char *s;
    size_t n;
} view;

static view trimmed(const bp_csv_field *f)
{
    view v;
    v.s = bp_csv_trimmed(f, &v.n);
    return v;
}

/* A TAB or a line break in the field?  Free text keeps its line breaks and shows a TAB
 * as the space the reader made of it; in an id, a code or one of the fixed words
 * (scenario, phase, status, yes/no) either is an error, at the edges too, where a space
 * would be trimmed: a TAB there is a sign of a wrongly saved file, and an id names
 * files and sheets. */
static const char *tab_or_break(const bp_csv_field *f)
{
    if (!f) return NULL;
    if (f->tab) return "a TAB";
    if (memchr(f->text, '\n', f->len) || memchr(f->text, '\r', f->len)) return "a line break";
    return NULL;
}

static bool word_ok(const bp_csv_field *f) { return !tab_or_break(f); }

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void bad(loader *L, int file, const bp_csv_field *f, const char *column, const char *fmt, ...)
{
    char exp[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(exp, sizeof exp, fmt, ap);
    va_end(ap);
    view v = trimmed(f);
    if (v.n == 0) {
        bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], f->line, f->column,
                    "found an empty value in column \"%s\", expected %s", column, exp);
        return;
    }
    char txt[200];
    bp_diag_quote(v.s, v.n, txt, sizeof txt);
    bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], f->line, f->column,
                "found \"%s\" in column \"%s\", expected %s", txt, column, exp);
}

/* bad() for an id, a code or a fixed word: a TAB or a line break named as what is wrong
 * (quoted, either would show as a space). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void bad_word(loader *L, int file, const bp_csv_field *f, const char *column,
                     const char *fmt, ...)
{
    char exp[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(exp, sizeof exp, fmt, ap);
    va_end(ap);
    const char *brk = tab_or_break(f);
    if (brk)
        bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], f->line, f->column,
                    "found %s in column \"%s\", expected %s", brk, column, exp);
    else
        bad(L, file, f, column, "%s", exp);
}

/* A short trimmed copy for the parsers that want a C string; false when too long. */
static bool small(const bp_csv_field *f, char *buf, size_t size)
{
    view v = trimmed(f);
    if (v.n >= size) return false;
    memcpy(buf, v.s, v.n);
    buf[v.n] = '\0';
    return true;
}

static bool id_char(char c, bool dot)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-' || (dot && c == '.');
}

static bool valid_id(view v, size_t max, bool dot)
{
    if (v.n == 0 || v.n > max) return false;
    for (size_t i = 0; i < v.n; i++)
        if (!id_char(v.s[i], dot)) return false;
    return true;
}

/* [a-z0-9_]+(\.[a-z0-9_]+)* */
static bool valid_code(view v, bool dots)
{
    if (v.n == 0) return false;
    bool seg = false;
    for (size_t i = 0; i < v.n; i++) {
        char c = v.s[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') seg = true;
        else if (c == '.' && dots && seg) seg = false;
        else return false;
    }
    return seg;
}

/* Codes that count things: a negative value is impossible. */
static bool is_count_code(const char *code)
{
    static const char *const heads[] = {"students", "staff", "gov", "classes", "timetable", "survey"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        if (bp_code_under(code, heads[i])) return true;
    return false;
}

/* ---------- typed field readers: each reports its own error ---------- */

static const bp_csv_field *cell(const bp_csv_row *r, int idx) { return bp_csv_get(r, idx); }

/* Required text: non-empty. */
static bool get_text(loader *L, int file, const bp_csv_field *f, const char *col, const char *what,
                     view *out)
{
    view v = trimmed(f);
    if (f && v.n == 0) {
        bad(L, file, f, col, "%s", what);
        return false;
    }
    *out = v;
    return true;
}

static bool get_id(loader *L, int file, const bp_csv_field *f, const char *col, bool key, view *out)
{
    view v = trimmed(f);
    if (!word_ok(f) || !valid_id(v, key ? 64 : 16, key)) {
        bad_word(L, file, f, col, "%s", key ? EXP_KEY : EXP_ID16);
        return false;
    }
    *out = v;
    return true;
}

static bool get_year(loader *L, int file, const bp_csv_field *f, const char *col, int *year)
{
    char buf[16];
    if (!small(f, buf, sizeof buf) || !bp_year_parse(buf, year)) {
        bad(L, file, f, col, EXP_YEAR);
        return false;
    }
    return true;
}

static bool get_date(loader *L, int file, const bp_csv_field *f, const char *col, int32_t *days)
{
    char buf[16];
    if (!small(f, buf, sizeof buf) || !bp_date_parse(buf, days)) {
        bad(L, file, f, col, EXP_DATE);
        return false;
    }
    return true;
}

static int find_inst(const loader *L, view v)
{
    size_t lo = 0, hi = L->ninst_sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *id = L->inst_sorted[mid].id;
        int c = strncmp(id, v.s, v.n);
        if (c == 0) c = id[v.n] ? 1 : 0;
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid;
        else return L->inst_sorted[mid].index;
    }
    return -1;
}

/* Is v the id of a refused institutions.csv row?  Then the row naming it is counted
 * against that id (reported by report_lost), not reported on its own. */
static bool lost_row(loader *L, int file, view v)
{
    for (size_t i = 0; i < L->nlost; i++) {
        lost_inst *l = &L->lost[i];
        if (l->n == v.n && memcmp(l->id, v.s, v.n) == 0) {
            l->rows++;
            l->files |= 1u << file;
            return true;
        }
    }
    return false;
}

static bool get_inst(loader *L, int file, const bp_csv_field *f, const char *col, int *inst)
{
    view v = trimmed(f);
    *inst = v.n && word_ok(f) ? find_inst(L, v) : -1;
    if (*inst < 0) {
        if (!v.n || !word_ok(f) || !lost_row(L, file, v)) bad_word(L, file, f, col, EXP_INST);
        return false;
    }
    return true;
}

/* The ids of the institutions.csv rows refused whole. */
static void note_lost(loader *L)
{
    const bp_csv_table *t = &L->t[F_INSTS];
    L->lost = calloc(t->nrejected ? t->nrejected : 1, sizeof *L->lost);
    if (!L->lost) {
        L->err = BP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < t->nrejected; i++) {
        if (!t->rejected[i].count) continue;
        view v = trimmed(&t->rejected[i].fields[0]);
        if (v.n) L->lost[L->nlost++] = (lost_inst){v.s, v.n, t->rejected[i].line, 0, 0};
    }
}

/* One error per refused institution that other files name: how many rows, in which
 * files, were left unchecked because of it. */
static void report_lost(loader *L)
{
    for (size_t i = 0; i < L->nlost; i++) {
        const lost_inst *l = &L->lost[i];
        if (!l->rows) continue;
        char files[400];
        size_t n = 0;
        files[0] = '\0';
        for (int f = 0; f < F_COUNT && n < sizeof files; f++)
            if (l->files & (1u << f))
                n += (size_t)snprintf(files + n, sizeof files - n, "%s%s", n ? ", " : "",
                                      bp_load_files[f]);
        char txt[200];
        bp_diag_quote(l->id, l->n, txt, sizeof txt);
        bp_diag_add(L->d, BP_DIAG_ERROR, "institutions.csv", l->line, 0,
                    "found %zu row%s in %s naming \"%s\", whose row here is refused (its own "
                    "error is reported), expected a valid row for \"%s\" before %s can be "
                    "checked", l->rows, l->rows == 1 ? "" : "s", files, txt, txt,
                    l->rows == 1 ? "that row" : "those rows");
    }
}

static bool get_money(loader *L, int file, const bp_csv_field *f, const char *col, bool nonneg,
                      int64_t *pence)
{
    const char *why;
    size_t at;
    if (!bp_money_parse(f->text, f->len, pence, &why, &at)) {
        bad(L, file, f, col, "%s", why + (strncmp(why, "expected ", 9) == 0 ? 9 : 0));
        return false;
    }
    if (nonneg && *pence < 0) {
        bad(L, file, f, col, "an amount that is not negative");
        return false;
    }
    return true;
}

static bool get_whole(loader *L, int file, const bp_csv_field *f, const char *col, int64_t *v)
{
    int64_t micros;
    if (!bp_quantity_parse(f->text, f->len, &micros, NULL, NULL) || micros < 0
        || micros % 1000000 != 0) {
        bad(L, file, f, col, EXP_WHOLE);
        return false;
    }
    *v = micros / 1000000;
    return true;
}

/* ---------- duplicate detection ---------- */

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void key_add(loader *L, keyset *ks, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    keyrec *v = grow(L, ks->v, &ks->cap, ks->n + 1, sizeof *v);
    if (!v || n < 0) return;
    ks->v = v;
    char *k = malloc((size_t)n + 1);
    if (!k) {
        L->err = BP_ERR_NOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(k, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ks->v[ks->n].key = k;
    ks->v[ks->n].line = line;
    ks->v[ks->n].col = col;
    ks->n++;
}

static int keyrec_cmp(const void *a, const void *b)
{
    const keyrec *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Reports every repeat of a key at the later row and frees the set. */
static void key_check(loader *L, keyset *ks, int file, const char *what)
{
    if (ks->n > 1) qsort(ks->v, ks->n, sizeof *ks->v, keyrec_cmp);
    for (size_t i = 1; i < ks->n; i++) {
        size_t first = i - 1;
        while (first > 0 && strcmp(ks->v[first - 1].key, ks->v[i].key) == 0) first--;
        if (strcmp(ks->v[i - 1].key, ks->v[i].key) != 0) continue;
        bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], ks->v[i].line, ks->v[i].col,
                    "found %s a second time (first on line %d), expected each %s once",
                    ks->v[i].key, ks->v[first].line, what);
    }
    for (size_t i = 0; i < ks->n; i++) free(ks->v[i].key);
    free(ks->v);
    memset(ks, 0, sizeof *ks);
}

/* Keys quote user text: truncate it as every message does. */
static const char *q(view v, char *buf, size_t size)
{
    bp_diag_quote(v.s, v.n, buf, size);
    return buf;
}

/* ---------- reading the files ---------- */

static void read_all(loader *L, const char *dir)
{
    for (int i = 0; i < F_COUNT; i++) {
        char *path;
        bool required = i == F_TRUST || i == F_INSTS;
        bp_err pe = bp_infile_in_dir(dir, bp_load_files[i], bp_load_files[i], &path, L->d);
        if (pe == BP_ERR_NOMEM || pe == BP_ERR_IO) {
            if (L->err != BP_ERR_NOMEM) L->err = pe;
            continue;
        }
        if (pe != BP_OK) {   /* a link out of the data set: there, but not to be read */
            L->present[i] = true;
            continue;
        }
        if (!path) {
            if (required)
                bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[i], 0, 0,
                            "found no file %s in %s, expected this required file of the data set",
                            bp_load_files[i], dir);
            continue;
        }
        L->present[i] = true;
        bp_err e = bp_csv_read_file(path, bp_load_files[i], &L->t[i], L->d);
        free(path);
        if (e == BP_ERR_NOMEM || e == BP_ERR_IO) {
            if (L->err != BP_ERR_NOMEM) L->err = e;
            continue;
        }
        /* rows with a defect were reported and left out: the others are still checked,
         * so that one run reports every error */
        const bp_csv_table *t = &L->t[i];
        if (e != BP_OK) {
            L->parsed[i] = t->header.count > 0;
            continue;
        }
        if (t->header.count == 0 || t->nrows == 0) {
            const char *what = t->header.count == 0 ? "is empty" : "has a header but no rows";
            if (required)
                bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[i], 0, 0,
                            "found a file that %s, expected a header row and at least one data row",
                            what);
            else
                bp_diag_add(L->d, BP_DIAG_WARNING, bp_load_files[i], 0, 0,
                            "%s: no data from this file", what);
            if (t->header.count == 0) continue;
        }
        L->parsed[i] = true;
    }
}

/* Warns of the text of every field of the columns read that the PDF packs cannot draw as
 * written (bp_script): right-to-left scripts, characters no font has. */
static void script_check(loader *L, int file, const bp_csv_colspec *spec, size_t n,
                         const int *idx)
{
    bp_script_tally tally = {0};
    const bp_csv_table *t = &L->t[file];
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < n; c++) {
            const bp_csv_field *f = cell(&t->rows[r], idx[c]);
            if (f) bp_script_check(&tally, L->d, bp_load_files[file], f->line, spec[c].name,
                                   f->text, f->len);
        }
    bp_script_done(&tally, L->d, bp_load_files[file]);
}

static bool bind(loader *L, int file, const bp_csv_colspec *spec, size_t n, int *idx)
{
    if (!L->parsed[file]) return false;
    if (bp_csv_bind(&L->t[file], spec, n, idx, L->d) != 0) return false;
    script_check(L, file, spec, n, idx);
    return true;
}

/* ---------- trust.csv ---------- */

typedef struct {
    const char *key;
    const char *what;
    const bp_csv_field *val;   /* value field of the row giving it */
} trust_key;

static void load_trust(loader *L)
{
    static const bp_csv_colspec spec[] = {{"key", 1}, {"value", 1}};
    int idx[2];
    if (!bind(L, F_TRUST, spec, 2, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_TRUST];
    trust_key known[] = {
        {"id", "the trust's short id", NULL},
        {"name", "the trust's name", NULL},
        {"report_year", "the year the pack reports on, such as 2022/23", NULL},
        {"as_of", "the date the pack is as at, as YYYY-MM-DD", NULL},
        {"central_id", NULL, NULL},
        {"money_units", NULL, NULL},
        {"local_tier", "what the trust calls its local tier, such as local governing body", NULL},
        {"suppress_max", NULL, NULL},
        {"period", NULL, NULL},
    };
    keyset keys = {0};
    m->settings = grow(L, NULL, &L->capsettings, t->nrows ? t->nrows : 1, sizeof *m->settings);
    if (!m->settings) return;
    char b[200];
    for (size_t r = 0; r < t->nrows; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *kf = cell(row, idx[0]), *vf = cell(row, idx[1]);
        view k = {"", 0}, v = trimmed(vf);
        if (!get_text(L, F_TRUST, kf, "key", "a setting name such as report_year", &k)) continue;
        if (!word_ok(kf)) {
            bad_word(L, F_TRUST, kf, "key", "a setting name such as report_year");
            continue;
        }
        key_add(L, &keys, row->line, kf->column, "key \"%s\"", q(k, b, sizeof b));
        bp_kv *kv = &m->settings[m->nsettings];
        kv->key = dupn(L, k.s, k.n);
        kv->value = dupn(L, v.s, v.n);
        m->nsettings++;
        if (!kv->key || !kv->value) return;
        bool matched = false;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            if (strcmp(kv->key, known[i].key) == 0) {
                if (!known[i].val) known[i].val = vf;   /* a repeat is reported below */
                matched = true;
            }
        if (matched || strncmp(kv->key, "weight.", 7) != 0) continue;
        bp_phase ph;
        if (!bp_phase_parse(kv->key + 7, &ph)) {
            bad(L, F_TRUST, kf, "key", "weight. followed by a phase, %s", EXP_PHASE);
            continue;
        }
        bp_num w;
        if (!bp_num_parse(vf->text, vf->len, &w) || bp_num_cmp(w, bp_num_int(0)) <= 0) {
            bad(L, F_TRUST, vf, "value", "a positive number such as 1.2 for %s", kv->key);
            continue;
        }
        m->weight[ph] = w;
    }
    key_check(L, &keys, F_TRUST, "key");

    for (size_t i = 0; i < 4; i++)
        if (!known[i].val)
            bp_diag_add(L->d, BP_DIAG_ERROR, "trust.csv", 0, 0,
                        "found no row with key \"%s\", expected a row giving %s", known[i].key,
                        known[i].what);
    view v = {"", 0};
    if (known[0].val && get_id(L, F_TRUST, known[0].val, "value", false, &v))
        m->id = dupn(L, v.s, v.n);
    if (known[1].val && get_text(L, F_TRUST, known[1].val, "value", known[1].what, &v))
        m->name = dupn(L, v.s, v.n);
    if (known[2].val) get_year(L, F_TRUST, known[2].val, "value", &m->report_year);
    if (known[3].val) get_date(L, F_TRUST, known[3].val, "value", &m->as_of);
    if (known[4].val) {
        if (get_id(L, F_TRUST, known[4].val, "value", false, &v)) m->central_id = dupn(L, v.s, v.n);
    } else {
        m->central_id = dup(L, "CENTRAL");
    }
    /* a fixed word, as a phase or a scenario is: exact, lower case */
    const bp_csv_field *uf = known[5].val;
    char ub[16] = "";
    bool word = uf && word_ok(uf) && small(uf, ub, sizeof ub);
    if (word && strcmp(ub, "thousands") == 0) m->money_units = BP_MONEY_THOUSANDS;
    else if (uf && !(word && strcmp(ub, "pounds") == 0))
        bad_word(L, F_TRUST, uf, "value", "pounds or thousands for money_units");
    /* the packs' name for the local tier; most trusts have local governing bodies */
    if (known[6].val) {
        if (get_text(L, F_TRUST, known[6].val, "value", known[6].what, &v))
            m->local_tier = dupn(L, v.s, v.n);
    } else {
        m->local_tier = dup(L, "local governing body");
    }
    /* the largest count build --publish suppresses (docs/data-format.md) */
    int64_t sm;
    if (known[7].val && get_whole(L, F_TRUST, known[7].val, "value", &sm))
        m->suppress_max = sm;
    /* the closed month of the report year: in-year reporting (contract v2) */
    const bp_csv_field *pf = known[8].val;
    if (pf) {
        view pv = trimmed(pf);
        if (!word_ok(pf) || !bp_month_parse(pv.s, pv.n, &m->period)) {
            m->period = 0;
            bad_word(L, F_TRUST, pf, "value", "%s for period, the latest month of the report "
                     "year whose actuals are closed", EXP_MONTH);
        }
    }
}

/* ---------- institutions.csv ---------- */

/* Excel compares text without regard to letter case, so in the workbook the facts of
 * "p1" would be summed with those of "P1": ids that differ only in case are refused here,
 * where check sees them as build does.  Compared with the ids of the rows before (at most
 * MAX_INSTITUTIONS); an exact repeat is the duplicate check's error, not this one. */
static void case_twin(loader *L, const bp_csv_field *f, view id)
{
    const bp_model *m = L->m;
    const bp_institution *twin = NULL;
    for (size_t i = 0; i < m->ninsts; i++) {
        const char *s = m->insts[i].id;
        if (!s || strlen(s) != id.n || strncasecmp(s, id.s, id.n) != 0) continue;
        if (memcmp(s, id.s, id.n) == 0) return;
        if (!twin) twin = &m->insts[i];
    }
    if (twin)
        bad(L, F_INSTS, f, "id", "an institution id that differs from \"%s\" (line %d) in more "
            "than letter case: spreadsheet lookups ignore case", twin->id, twin->line);
}

static int inst_ref_cmp(const void *a, const void *b)
{
    const inst_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

static void load_insts(loader *L)
{
    static const bp_csv_colspec spec[] = {{"id", 1}, {"name", 1}, {"phase", 1}, {"joined", 1},
                                          {"capacity", 0}, {"pan", 0}, {"lgb", 0}};
    int idx[7];
    if (!bind(L, F_INSTS, spec, 7, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_INSTS];
    if (t->nrows > MAX_INSTITUTIONS) {
        /* one error, not one per fact of an institution left out */
        bp_diag_add(L->d, BP_DIAG_ERROR, "institutions.csv", t->rows[MAX_INSTITUTIONS].line, 0,
                    "found more than %d institutions, expected at most %d: the files that refer "
                    "to institutions were not checked", MAX_INSTITUTIONS, MAX_INSTITUTIONS);
        return;
    }
    keyset ids = {0};
    int central_rows = 0;
    char b[200];
    m->insts = grow(L, NULL, &L->capinsts, t->nrows, sizeof *m->insts);
    if (!m->insts) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *idf = cell(row, idx[0]);
        view id = {"", 0}, name = {"", 0};
        get_id(L, F_INSTS, idf, "id", false, &id);
        get_text(L, F_INSTS, cell(row, idx[1]), "name", "the institution's name", &name);
        bp_phase ph = BP_PHASE_PRIMARY;
        char buf[32];
        const bp_csv_field *pf = cell(row, idx[2]);
        bool phase_ok = word_ok(pf) && small(pf, buf, sizeof buf) && bp_phase_parse(buf, &ph);
        if (!phase_ok) {
            bad_word(L, F_INSTS, pf, "phase", EXP_PHASE);
        }
        int32_t joined = 0;
        get_date(L, F_INSTS, cell(row, idx[3]), "joined", &joined);
        int64_t cap = 0, pan = 0;
        const bp_csv_field *cf = cell(row, idx[4]), *nf = cell(row, idx[5]), *lf = cell(row, idx[6]);
        bool has_cap = cf && trimmed(cf).n, has_pan = nf && trimmed(nf).n;
        if (has_cap) get_whole(L, F_INSTS, cf, "capacity", &cap);
        if (has_pan) get_whole(L, F_INSTS, nf, "pan", &pan);
        view lgb = trimmed(lf);
        if (lgb.n && !get_id(L, F_INSTS, lf, "lgb", false, &lgb)) lgb.n = 0;
        if (phase_ok && ph == BP_PHASE_CENTRAL && ++central_rows > 1)
            bad(L, F_INSTS, pf, "phase", "exactly one institution with phase central");
        /* An institution with a bad name or date still exists for the other files, so
         * that one mistake is reported once, not again on every row that refers to it. */
        if (!valid_id(id, 16, false)) continue;
        key_add(L, &ids, row->line, idf->column, "id \"%s\"", q(id, b, sizeof b));
        case_twin(L, idf, id);
        bp_institution *in = &m->insts[m->ninsts++];
        memset(in, 0, sizeof *in);
        in->id = dupn(L, id.s, id.n);
        in->name = dupn(L, name.s, name.n);
        in->phase = ph;
        in->joined = joined;
        in->has_capacity = has_cap;
        in->capacity = cap;
        in->has_pan = has_pan;
        in->pan = pan;
        in->line = row->line;
        if (ph != BP_PHASE_CENTRAL) in->lgb = lgb.n ? dupn(L, lgb.s, lgb.n) : dup(L, in->id);
        if (!phase_ok || !in->id) continue;
        if (m->central_id && strcmp(in->id, m->central_id) == 0) {
            if (ph == BP_PHASE_CENTRAL) m->central = (int)(m->ninsts - 1);
            else bad(L, F_INSTS, pf, "phase", "central for %s, the trust's central_id", m->central_id);
        } else if (ph == BP_PHASE_CENTRAL && m->central_id) {
            bad(L, F_INSTS, idf, "id", "%s, the trust's central_id (trust.csv), for the central row",
                m->central_id);
        }
    }
    key_check(L, &ids, F_INSTS, "institution id");
    if (L->err) return;
    if (m->central_id && central_rows == 0)
        bp_diag_add(L->d, BP_DIAG_ERROR, "institutions.csv", 0, 0,
                    "found no institution with phase central, expected exactly one, with id %s "
                    "(trust.csv central_id)", m->central_id);

    L->inst_sorted = malloc((m->ninsts ? m->ninsts : 1) * sizeof *L->inst_sorted);
    if (!L->inst_sorted) {
        L->err = BP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < m->ninsts; i++) {
        if (!m->insts[i].id) {
            L->err = BP_ERR_NOMEM;
            return;
        }
        inst_ref ref = {m->insts[i].id, (int)i, m->insts[i].line};
        L->inst_sorted[i] = ref;
    }
    qsort(L->inst_sorted, m->ninsts, sizeof *L->inst_sorted, inst_ref_cmp);
    L->ninst_sorted = m->ninsts;
    L->insts_ok = true;
}

/* ---------- fact files ---------- */

static const char *intern(loader *L, view v)
{
    bp_model *m = L->m;
    if (m->nstrings * 2 >= L->hcap) {
        size_t ncap = L->hcap ? L->hcap * 2 : 256;
        size_t *h = calloc(ncap, sizeof *h);
        if (!h) {
            L->err = BP_ERR_NOMEM;
            return NULL;
        }
        for (size_t i = 0; i < m->nstrings; i++) {
            unsigned long x = 5381;
            for (const char *p = m->strings[i]; *p; p++) x = x * 33 + (unsigned char)*p;
            size_t j = x & (ncap - 1);
            while (h[j]) j = (j + 1) & (ncap - 1);
            h[j] = i + 1;
        }
        free(L->hash);
        L->hash = h;
        L->hcap = ncap;
    }
    unsigned long x = 5381;
    for (size_t i = 0; i < v.n; i++) x = x * 33 + (unsigned char)v.s[i];
    size_t j = x & (L->hcap - 1);
    while (L->hash[j]) {
        const char *s = m->strings[L->hash[j] - 1];
        if (strncmp(s, v.s, v.n) == 0 && s[v.n] == '\0') return s;
        j = (j + 1) & (L->hcap - 1);
    }
    char **strs = grow(L, m->strings, &m->capstrings, m->nstrings + 1, sizeof *strs);
    if (!strs) return NULL;
    m->strings = strs;
    char *s = dupn(L, v.s, v.n);
    if (!s) return NULL;
    strs[m->nstrings++] = s;
    L->hash[j] = m->nstrings;
    return s;
}

static void add_money(loader *L, int file, int64_t v)
{
    bp_input *in = &L->m->inputs[file];
    in->has_money = true;
    if (__builtin_add_overflow(in->money_total, v, &in->money_total))
        bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], 0, 0,
                    "found money values whose total is beyond int64 pence, expected smaller totals");
}

static bool fact_value(loader *L, int file, const bp_csv_field *vf, const char *code, bool money,
                       int64_t *value)
{
    if (money) return get_money(L, file, vf, "value", false, value);
    const char *why;
    size_t at;
    if (!bp_quantity_parse(vf->text, vf->len, value, &why, &at)) {
        bad(L, file, vf, "value", "%s", why + (strncmp(why, "expected ", 9) == 0 ? 9 : 0));
        return false;
    }
    if (is_count_code(code) && *value < 0) {
        bad(L, file, vf, "value", "a number that is not negative for %s", code);
        return false;
    }
    /* a documented range holds for the code's sub-codes too (inspection.grade.previous) */
    if (bp_code_under(code, "inspection.grade")
        && (*value % 1000000 != 0 || *value < 1000000 || *value > 4000000)) {
        bad(L, file, vf, "value", "an Ofsted grade 1, 2, 3 or 4");
        return false;
    }
    return true;
}

static void load_facts(loader *L, int file)
{
    /* finance.csv alone may hold monthly figures (contract v2): elsewhere a period column
     * is an unknown one, as in v1 */
    static const bp_csv_colspec spec[] = {{"institution", 1}, {"year", 1}, {"scenario", 1},
                                          {"code", 1}, {"value", 1}, {"period", 0}};
    int idx[6];
    if (!bind(L, file, spec, file == F_FINANCE ? 6 : 5, idx)) return;
    if (file != F_FINANCE) idx[5] = -1;
    const bp_model *m = L->m;
    const bp_csv_table *t = &L->t[file];
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        bool ok = true;
        int inst, year = 0;
        bp_scenario sc = BP_ACTUAL;
        if (!get_inst(L, file, cell(row, idx[0]), "institution", &inst)) ok = false;
        if (!get_year(L, file, cell(row, idx[1]), "year", &year)) ok = false;
        char buf[16];
        const bp_csv_field *sf = cell(row, idx[2]);
        if (!word_ok(sf) || !small(sf, buf, sizeof buf) || !bp_scenario_parse(buf, &sc)) {
            bad_word(L, file, sf, "scenario", EXP_SCENARIO);
            ok = false;
        }
        const bp_csv_field *cf = cell(row, idx[3]);
        view code = trimmed(cf);
        if (!word_ok(cf) || !valid_code(code, true)) {
            bad_word(L, file, cf, "code", EXP_CODE);
            continue;   /* the value cannot be judged without its code */
        }
        const char *ic = intern(L, code);
        if (!ic) return;
        bool money = bp_code_is_money(ic);
        int period = 0;
        const bp_csv_field *pf = cell(row, idx[5]);
        view pv = pf ? trimmed(pf) : (view){"", 0};
        if (pv.n && (!word_ok(pf) || !bp_month_parse(pv.s, pv.n, &period))) {
            bad_word(L, file, pf, "period", "%s, or empty for the whole year", EXP_MONTH);
            ok = false;
        } else if (period && !money) {
            bad(L, file, pf, "period", "an empty period for %s: only money codes (income, exp, "
                "memo, bs, cash) are given by month", ic);
            ok = false;
        } else if (period && bp_code_under(ic, "cash.opening")) {
            bad(L, file, pf, "period", "an empty period for %s, the cash at the start of the "
                "year (a whole-year figure)", ic);
            ok = false;
        } else if (ok && m->period && year == m->report_year && sc == BP_ACTUAL && money) {
            /* in-year: the report year's actuals are the closed months, nothing else */
            char pb[8], yb[16];
            bp_month_format(m->period, pb, sizeof pb);
            bp_year_format(year, yb, sizeof yb);
            if (period > m->period) {
                char mb[8];
                bp_month_format(period, mb, sizeof mb);
                bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], pf->line, pf->column,
                            "found an actual for %s: month %s is after the closed period %s "
                            "(trust.csv period), expected actuals of %s for M01 to %s only",
                            mb, mb, pb, yb, pb);
                ok = false;
            } else if (!period && !bp_code_under(ic, "cash.opening")) {
                const bp_csv_field *at = pf ? pf : cell(row, idx[2]);
                bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], row->line,
                            at ? at->column : cf->column,
                            "found a whole-year actual of %s for %s, expected its months in "
                            "column \"period\" (M01 to %s): %s is reported in-year to %s "
                            "(trust.csv period)", yb, ic, pb, yb, pb);
                ok = false;
            }
        }
        int64_t value;
        if (!fact_value(L, file, cell(row, idx[4]), ic, money, &value)) continue;
        if (money) add_money(L, file, value);
        if (!ok) continue;
        tfact *fs = grow(L, L->facts, &L->capfacts, L->nfacts + 1, sizeof *fs);
        if (!fs) return;
        L->facts = fs;
        tfact *f = &fs[L->nfacts++];
        f->f.inst = inst;
        f->f.year = year;
        f->f.scenario = sc;
        f->f.period = period;
        f->f.nodata = false;
        f->f.code = ic;
        f->f.value = value;
        f->f.money = money;
        f->f.file = file;
        f->f.line = row->line;
        f->code_col = cf->column;
        f->period_col = pf ? pf->column : 0;
    }
}

static int tfact_cmp(const void *a, const void *b)
{
    const bp_fact *x = &((const tfact *)a)->f, *y = &((const tfact *)b)->f;
    if (x->inst != y->inst) return x->inst < y->inst ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if (x->scenario != y->scenario) return x->scenario < y->scenario ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    if (x->period != y->period) return x->period < y->period ? -1 : 1;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static bool same_key(const bp_fact *a, const bp_fact *b)
{
    return a->inst == b->inst && a->year == b->year && a->scenario == b->scenario
           && a->code == b->code;
}

/* Reading order: the files in the documented order, each top to bottom. */
static bool read_before(const bp_fact *a, const bp_fact *b)
{
    return a->file != b->file ? a->file < b->file : a->line < b->line;
}

static void finish_facts(loader *L)
{
    bp_model *m = L->m;
    if (L->nfacts > 1) qsort(L->facts, L->nfacts, sizeof *L->facts, tfact_cmp);
    m->facts = malloc((L->nfacts ? L->nfacts : 1) * sizeof *m->facts);
    if (!m->facts) {
        L->err = BP_ERR_NOMEM;
        return;
    }
    const bp_fact *first = NULL;   /* of the group, in reading order */
    for (size_t i = 0; i < L->nfacts; i++) {
        const bp_fact *f = &L->facts[i].f;
        if (!first || !same_key(first, f)) {
            /* a group (institution, year, scenario, code) is whole-year or monthly as its
             * first line in reading order says: the other kind is the later line's error */
            first = f;
            for (size_t j = i + 1; j < L->nfacts && same_key(f, &L->facts[j].f); j++)
                if (read_before(&L->facts[j].f, first)) first = &L->facts[j].f;
        }
        char yb[16];
        bp_year_format(f->year, yb, sizeof yb);
        if (!f->period != !first->period) {
            const tfact *t = &L->facts[i];
            bp_diag_add(L->d, BP_DIAG_ERROR, m->inputs[f->file].name, f->line,
                        t->period_col ? t->period_col : t->code_col,
                        "found %s %s %s %s %s, but line %d of %s gives it %s, expected each "
                        "institution, year, scenario and code either for the whole year or "
                        "by month", m->insts[f->inst].id, yb, bp_scenario_id(f->scenario),
                        f->code, f->period ? "for a month" : "for the whole year", first->line,
                        m->inputs[first->file].name,
                        first->period ? "by month" : "for the whole year");
            continue;
        }
        /* sorted by key and month, then file and line: the one kept is the first in
         * reading order */
        if (m->nfacts > 0) {
            const bp_fact *p = &m->facts[m->nfacts - 1];
            if (same_key(p, f) && p->period == f->period) {
                char mb[16] = "";
                if (f->period) {
                    mb[0] = ' ';
                    bp_month_format(f->period, mb + 1, sizeof mb - 1);
                }
                bp_diag_add(L->d, BP_DIAG_ERROR, m->inputs[f->file].name, f->line,
                            L->facts[i].code_col,
                            "found %s %s %s %s%s a second time (first on line %d of %s), expected "
                            "each institution, year, scenario and code once%s",
                            m->insts[f->inst].id, yb, bp_scenario_id(f->scenario), f->code, mb,
                            p->line, m->inputs[p->file].name, f->period ? " a month" : "");
                continue;
            }
        }
        m->facts[m->nfacts++] = *f;
        /* distinct years, kept ascending by insertion */
        size_t k = 0;
        while (k < m->nyears && m->years[k] < f->year) k++;
        if (k < m->nyears && m->years[k] == f->year) continue;
        if (m->nyears == sizeof m->years / sizeof *m->years) {
            bp_diag_add(L->d, BP_DIAG_ERROR, m->inputs[f->file].name, f->line, 0,
                        "found more than %zu different years, expected at most %zu",
                        sizeof m->years / sizeof *m->years, sizeof m->years / sizeof *m->years);
            continue;
        }
        memmove(&m->years[k + 1], &m->years[k], (m->nyears - k) * sizeof *m->years);
        m->years[k] = f->year;
        m->nyears++;
    }
}

/* The ledger files through mapping.csv (bp_ledger_load): their facts join finance.csv's,
 * so that duplicates, ranges and the order are checked as for any fact. */
static void load_ledgers(loader *L, const char *dir, const char *mappings_dir)
{
    bp_ledger_set ls;
    int first = 0;
    L->err = bp_ledger_load(dir, mappings_dir, L->m, &ls, &first, L->d);
    for (size_t i = 0; i < ls.nfacts && !L->err; i++) {
        const bp_ledger_fact *lf = &ls.facts[i];
        const char *ic = intern(L, (view){lf->code, strlen(lf->code)});
        tfact *fs = ic ? grow(L, L->facts, &L->capfacts, L->nfacts + 1, sizeof *fs) : NULL;
        if (!fs) break;
        L->facts = fs;
        /* a duplicate's or a month's diagnostic points at the ledger row's account */
        fs[L->nfacts++] = (tfact){{lf->inst, lf->year, lf->scenario, lf->period, ic, lf->value, true,
                                   first + lf->file, lf->line, false}, lf->column, lf->column};
    }
    bp_ledger_free(&ls);
}

/* ---------- courses.csv ---------- */

static void load_courses(loader *L)
{
    static const bp_csv_colspec spec[] = {{"institution", 1}, {"year", 1}, {"course", 1},
                                          {"students", 1}, {"income", 1}, {"direct_costs", 1},
                                          {"minority", 1}};
    int idx[7];
    if (!bind(L, F_COURSES, spec, 7, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_COURSES];
    keyset keys = {0};
    char b[200];
    m->courses = grow(L, NULL, &L->capcourses, t->nrows, sizeof *m->courses);
    if (!m->courses) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        bool ok = true;
        int inst, year = 0;
        view course = {"", 0};
        int64_t students = 0, income = 0, costs = 0;
        if (!get_inst(L, F_COURSES, cell(row, idx[0]), "institution", &inst)) ok = false;
        if (!get_year(L, F_COURSES, cell(row, idx[1]), "year", &year)) ok = false;
        const bp_csv_field *cf = cell(row, idx[2]);
        if (!get_text(L, F_COURSES, cf, "course", "the course's name", &course)) ok = false;
        if (!get_whole(L, F_COURSES, cell(row, idx[3]), "students", &students)) ok = false;
        if (get_money(L, F_COURSES, cell(row, idx[4]), "income", true, &income)) add_money(L, F_COURSES, income);
        else ok = false;
        if (get_money(L, F_COURSES, cell(row, idx[5]), "direct_costs", true, &costs)) add_money(L, F_COURSES, costs);
        else ok = false;
        const bp_csv_field *mf = cell(row, idx[6]);
        char buf[8];
        bool minority = false;
        if (word_ok(mf) && small(mf, buf, sizeof buf)
            && (strcmp(buf, "yes") == 0 || strcmp(buf, "no") == 0)) {
            minority = buf[0] == 'y';
        } else {
            bad_word(L, F_COURSES, mf, "minority", "yes or no");
            ok = false;
        }
        if (!ok) continue;
        key_add(L, &keys, row->line, cf->column, "course \"%s\" for %s %04d/%02d",
                q(course, b, sizeof b), m->insts[inst].id, year, (year + 1) % 100);
        bp_course *c = &m->courses[m->ncourses++];
        c->inst = inst;
        c->year = year;
        c->course = dupn(L, course.s, course.n);
        c->students = students;
        c->income = income;
        c->direct_costs = costs;
        c->minority = minority;
        c->line = row->line;
    }
    key_check(L, &keys, F_COURSES, "course, institution and year");
}

/* ---------- ambitions, priorities, actions ---------- */

static void load_ambitions(loader *L)
{
    static const bp_csv_colspec spec[] = {{"id", 1}, {"title", 1}, {"summary", 0}};
    int idx[3];
    if (!bind(L, F_AMBITIONS, spec, 3, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_AMBITIONS];
    keyset keys = {0};
    char b[200];
    m->ambitions = grow(L, NULL, &L->capambitions, t->nrows, sizeof *m->ambitions);
    if (!m->ambitions) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *idf = cell(row, idx[0]);
        view id = {"", 0}, title = {"", 0}, summary = trimmed(cell(row, idx[2]));
        bool ok = get_id(L, F_AMBITIONS, idf, "id", true, &id);
        if (!get_text(L, F_AMBITIONS, cell(row, idx[1]), "title", "the ambition's title", &title))
            ok = false;
        if (!ok) continue;
        key_add(L, &keys, row->line, idf->column, "id \"%s\"", q(id, b, sizeof b));
        bp_ambition *a = &m->ambitions[m->nambitions++];
        a->id = dupn(L, id.s, id.n);
        a->title = dupn(L, title.s, title.n);
        a->summary = dupn(L, summary.s, summary.n);
    }
    key_check(L, &keys, F_AMBITIONS, "ambition id");
}

static int find_ambition(const bp_model *m, view v)
{
    for (size_t i = 0; i < m->nambitions; i++)
        if (m->ambitions[i].id && strncmp(m->ambitions[i].id, v.s, v.n) == 0
            && m->ambitions[i].id[v.n] == '\0')
            return (int)i;
    return -1;
}

/* "a;b;c" into ambition indexes; every item must name a known ambition. */
static bool ambition_list(loader *L, const bp_csv_field *f, int **out, size_t *n)
{
    view v = trimmed(f);
    *out = NULL;
    *n = 0;
    if (!word_ok(f)) {
        bad_word(L, F_PRIORITIES, f, "ambitions", "%s, separated by ';'", EXP_AMBITION);
        return false;
    }
    if (v.n == 0) return true;
    size_t items = 1;
    for (size_t i = 0; i < v.n; i++) items += v.s[i] == ';';
    int *list = malloc(items * sizeof *list);
    if (!list) {
        L->err = BP_ERR_NOMEM;
        return false;
    }
    bool ok = true;
    const char *p = v.s, *end = v.s + v.n;
    while (p <= end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        bp_csv_field item = *f;
        item.text = (char *)p;
        item.len = (size_t)(semi - p);
        view iv = trimmed(&item);
        int a = iv.n ? find_ambition(L->m, iv) : -1;
        if (iv.n == 0) {
            bad(L, F_PRIORITIES, f, "ambitions", "%s, separated by ';'", EXP_AMBITION);
            ok = false;
        } else if (a < 0) {
            char b[200];
            bp_diag_quote(iv.s, iv.n, b, sizeof b);
            bp_diag_add(L->d, BP_DIAG_ERROR, "priorities.csv", f->line, f->column,
                        "found \"%s\" in column \"ambitions\", expected %s", b, EXP_AMBITION);
            ok = false;
        } else {
            list[(*n)++] = a;
        }
        p = semi + 1;
    }
    if (!ok) {
        free(list);
        *n = 0;
        return false;
    }
    *out = list;
    return true;
}

static void load_priorities(loader *L)
{
    static const bp_csv_colspec spec[] = {{"institution", 1}, {"id", 1}, {"title", 1},
                                          {"ambitions", 1}};
    int idx[4];
    if (!bind(L, F_PRIORITIES, spec, 4, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_PRIORITIES];
    keyset keys = {0};
    char b[200];
    m->priorities = grow(L, NULL, &L->cappriorities, t->nrows, sizeof *m->priorities);
    if (!m->priorities) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        int inst;
        view id = {"", 0}, title = {"", 0};
        const bp_csv_field *idf = cell(row, idx[1]);
        bool ok = get_inst(L, F_PRIORITIES, cell(row, idx[0]), "institution", &inst);
        if (!get_id(L, F_PRIORITIES, idf, "id", true, &id)) ok = false;
        if (!get_text(L, F_PRIORITIES, cell(row, idx[2]), "title", "the priority's title", &title))
            ok = false;
        int *list;
        size_t n;
        if (!ambition_list(L, cell(row, idx[3]), &list, &n)) ok = false;
        if (!ok) {
            free(list);
            continue;
        }
        key_add(L, &keys, row->line, idf->column, "id \"%s\" for %s", q(id, b, sizeof b),
                m->insts[inst].id);
        bp_priority *p = &m->priorities[m->npriorities++];
        p->inst = inst;
        p->id = dupn(L, id.s, id.n);
        p->title = dupn(L, title.s, title.n);
        p->ambitions = list;
        p->nambitions = n;
    }
    key_check(L, &keys, F_PRIORITIES, "priority id of an institution");
}

#define EXP_KPIS "KPI ids such as surplus_pct, separated by ';'"

/* actions.csv's kpis (contract v2): "a; b" into a list of KPI ids, each shaped like one
 * (lower case letters, digits and '_'); whether the KPI set has them is bp_session's to
 * check, once the KPI files are read.  An empty field is an empty list. */
static bool kpi_list(loader *L, const bp_csv_field *f, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    view v = trimmed(f);
    if (!f || v.n == 0) return true;
    if (!word_ok(f)) {
        bad_word(L, F_ACTIONS, f, "kpis", EXP_KPIS);
        return false;
    }
    size_t items = 1;
    for (size_t i = 0; i < v.n; i++) items += v.s[i] == ';';
    for (const char *p = v.s, *end = v.s + v.n; p <= end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        bp_csv_field item = *f;
        item.text = (char *)p;
        item.len = (size_t)(semi - p);
        if (!valid_code(trimmed(&item), false)) {
            /* the whole field: an empty item has nothing else to show */
            bad(L, F_ACTIONS, f, "kpis", EXP_KPIS);
            return false;
        }
        p = semi + 1;
    }
    char **list = calloc(items, sizeof *list);
    if (!list) {
        L->err = BP_ERR_NOMEM;
        return false;
    }
    for (const char *p = v.s, *end = v.s + v.n; p <= end && !L->err;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        bp_csv_field item = *f;
        item.text = (char *)p;
        item.len = (size_t)(semi - p);
        view iv = trimmed(&item);
        list[(*n)++] = dupn(L, iv.s, iv.n);
        p = semi + 1;
    }
    *out = list;
    return true;
}

static void load_actions(loader *L)
{
    static const bp_csv_colspec spec[] = {
        {"id", 1}, {"institution", 1}, {"ambition", 1}, {"plan", 0}, {"action", 1},
        {"owner", 0}, {"due", 1}, {"status", 1}, {"updated", 0}, {"evidence", 0}, {"kpis", 0}};
    int idx[11];
    if (!bind(L, F_ACTIONS, spec, 11, idx)) return;
    bp_model *m = L->m;
    m->actions_kpis = idx[10] >= 0;
    const bp_csv_table *t = &L->t[F_ACTIONS];
    keyset keys = {0};
    char b[200];
    m->actions = grow(L, NULL, &L->capactions, t->nrows, sizeof *m->actions);
    if (!m->actions) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *idf = cell(row, idx[0]), *af = cell(row, idx[2]);
        view id = {"", 0}, action = {"", 0};
        int inst;
        bool ok = get_id(L, F_ACTIONS, idf, "id", true, &id);
        if (!get_inst(L, F_ACTIONS, cell(row, idx[1]), "institution", &inst)) ok = false;
        view av = trimmed(af);
        int amb = av.n && word_ok(af) ? find_ambition(m, av) : -1;
        if (amb < 0) {
            bad_word(L, F_ACTIONS, af, "ambition", EXP_AMBITION);
            ok = false;
        }
        if (!get_text(L, F_ACTIONS, cell(row, idx[4]), "action", "a description of the action", &action))
            ok = false;
        int32_t due = 0, updated = 0;
        if (!get_date(L, F_ACTIONS, cell(row, idx[6]), "due", &due)) ok = false;
        bp_action_status st = BP_ST_NOT_STARTED;
        const bp_csv_field *sf = cell(row, idx[7]);
        char buf[16];
        if (!word_ok(sf) || !small(sf, buf, sizeof buf) || !bp_action_status_parse(buf, &st)) {
            bad_word(L, F_ACTIONS, sf, "status", EXP_STATUS);
            ok = false;
        }
        const bp_csv_field *uf = cell(row, idx[8]);
        bool has_updated = uf && trimmed(uf).n;
        if (has_updated && !get_date(L, F_ACTIONS, uf, "updated", &updated)) ok = false;
        const bp_csv_field *kf = cell(row, idx[10]);
        char **kpis;
        size_t nkpis;
        if (!kpi_list(L, kf, &kpis, &nkpis)) ok = false;
        if (!ok) {
            for (size_t k = 0; k < nkpis; k++) free(kpis[k]);
            free(kpis);
            continue;
        }
        key_add(L, &keys, row->line, idf->column, "id \"%s\"", q(id, b, sizeof b));
        bp_action *a = &m->actions[m->nactions++];
        memset(a, 0, sizeof *a);
        view plan = trimmed(cell(row, idx[3])), owner = trimmed(cell(row, idx[5])),
             ev = trimmed(cell(row, idx[9]));
        a->id = dupn(L, id.s, id.n);
        a->inst = inst;
        a->ambition = amb;
        a->plan = dupn(L, plan.s, plan.n);
        a->action = dupn(L, action.s, action.n);
        a->owner = dupn(L, owner.s, owner.n);
        a->evidence = dupn(L, ev.s, ev.n);
        a->due = due;
        a->has_updated = has_updated;
        a->updated = updated;
        a->status = st;
        a->kpis = kpis;
        a->nkpis = nkpis;
        a->kpis_column = kf ? kf->column : 0;
        a->line = row->line;
    }
    key_check(L, &keys, F_ACTIONS, "action id");
}

/* ---------- papers, commentary, national ---------- */

static bool looks_like_date(view v)
{
    if (v.n != 10) return false;
    for (size_t i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? v.s[i] != '-' : (v.s[i] < '0' || v.s[i] > '9')) return false;
    }
    return true;
}

static void load_papers(loader *L)
{
    static const bp_csv_colspec spec[] = {
        {"pack", 1}, {"meeting", 0}, {"reference", 0}, {"classification", 0}, {"author", 0},
        {"purpose", 0}, {"recommendation", 0}};
    int idx[7];
    if (!bind(L, F_PAPERS, spec, 7, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_PAPERS];
    keyset keys = {0};
    char b[200];
    m->papers = grow(L, NULL, &L->cappapers, t->nrows, sizeof *m->papers);
    if (!m->papers) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *pf = cell(row, idx[0]), *mf = cell(row, idx[1]);
        view pack = {"", 0};
        bool ok = get_text(L, F_PAPERS, pf, "pack", "a pack name such as board, finance, quality or lgb", &pack);
        if (ok && !word_ok(pf)) {
            bad_word(L, F_PAPERS, pf, "pack", "a pack name such as board, finance, quality or lgb");
            ok = false;
        }
        view meeting = trimmed(mf);
        int32_t date = 0;
        bool has_date = looks_like_date(meeting);
        if (has_date && !get_date(L, F_PAPERS, mf, "meeting", &date)) ok = false;
        if (!ok) continue;
        key_add(L, &keys, row->line, pf->column, "pack \"%s\"", q(pack, b, sizeof b));
        bp_paper *p = &m->papers[m->npapers++];
        memset(p, 0, sizeof *p);
        char **dst[] = {&p->pack, &p->meeting, &p->reference, &p->classification, &p->author,
                        &p->purpose, &p->recommendation};
        for (int i = 0; i < 7; i++) {
            view v = trimmed(cell(row, idx[i]));
            *dst[i] = dupn(L, v.s, v.n);
        }
        p->has_meeting_date = has_date;
        p->meeting_date = date;
        p->line = row->line;
        p->column = pf->column;
    }
    key_check(L, &keys, F_PAPERS, "pack");
}

/* A commentary row names a KPI or, contract v2, a finance code with an optional month
 * (`code`, `period`: the authors' note beside that line of the management accounts).  The
 * code must be one the data set has (a money code with a fact at or under it) and the month
 * a month; a note on a month after the closed period would explain figures not yet there. */
static bool commentary_code(loader *L, const bp_csv_row *row, const int *idx, view kpi,
                            view *code, int *period)
{
    const bp_csv_field *cf = cell(row, idx[4]), *pf = cell(row, idx[5]);
    view pv = trimmed(pf);
    *code = trimmed(cf);
    *period = 0;
    if (!code->n) {
        if (pv.n) {
            bad(L, F_COMMENTARY, pf, "period", "an empty period: a month goes with a finance code "
                "in column \"code\" (commentary on a KPI is on its year)");
            return false;
        }
        return true;
    }
    char cb[128];
    if (kpi.n) {
        bad(L, F_COMMENTARY, cf, "code", "an empty code with kpi set: a row is commentary on a "
            "KPI or on a finance code, not both");
        return false;
    }
    if (!word_ok(cf) || !valid_code(*code, true) || !small(cf, cb, sizeof cb)
        || !bp_code_is_money(cb) || !bp_model_has_code(L->m, cb)) {
        bad_word(L, F_COMMENTARY, cf, "code", "a finance code of this data set (income, exp, memo, "
                 "bs or cash, with a fact in finance.csv) such as exp.staff");
        return false;
    }
    if (pv.n && (!word_ok(pf) || !bp_month_parse(pv.s, pv.n, period))) {
        bad_word(L, F_COMMENTARY, pf, "period", "%s, or empty for the year", EXP_MONTH);
        return false;
    }
    if (*period && L->m->period && *period > L->m->period) {
        char mb[8], pb[8];
        bp_month_format(*period, mb, sizeof mb);
        bp_month_format(L->m->period, pb, sizeof pb);
        bad(L, F_COMMENTARY, pf, "period", "a month up to the closed period %s (trust.csv "
            "period): %s is not yet reported", pb, mb);
        return false;
    }
    return true;
}

static void load_commentary(loader *L)
{
    static const bp_csv_colspec spec[] = {{"kpi", 1}, {"entity", 1}, {"year", 1}, {"text", 1},
                                          {"code", 0}, {"period", 0}};
    int idx[6];
    if (!bind(L, F_COMMENTARY, spec, 6, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_COMMENTARY];
    keyset keys = {0};
    char b[200], b2[200];
    m->comments = grow(L, NULL, &L->capcomments, t->nrows, sizeof *m->comments);
    if (!m->comments) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *kf = cell(row, idx[0]), *ef = cell(row, idx[1]);
        view kpi = trimmed(kf), entity = trimmed(ef), text = {"", 0}, code = {"", 0};
        int period = 0;
        bool ok = commentary_code(L, row, idx, kpi, &code, &period);
        if (ok && !code.n && (!word_ok(kf) || !valid_code(kpi, false))) {
            bad_word(L, F_COMMENTARY, kf, "kpi", "a KPI id such as surplus_pct%s",
                     idx[4] >= 0 ? ", or a finance code in column \"code\"" : "");
            ok = false;
        }
        char eb[32];
        bp_phase ph;
        bool known = entity.n && word_ok(ef) && (find_inst(L, entity) >= 0
                                  || (small(ef, eb, sizeof eb)
                                      && (strcmp(eb, "trust") == 0 || bp_phase_parse(eb, &ph))));
        if (!known) {
            if (!entity.n || !word_ok(ef) || !lost_row(L, F_COMMENTARY, entity))
                bad_word(L, F_COMMENTARY, ef, "entity", "an institution id, a phase or trust");
            ok = false;
        }
        int year = 0;
        if (!get_year(L, F_COMMENTARY, cell(row, idx[2]), "year", &year)) ok = false;
        if (!get_text(L, F_COMMENTARY, cell(row, idx[3]), "text", "the commentary", &text)) ok = false;
        if (!ok) continue;
        if (code.n) {
            char mb[8] = "";
            if (period) bp_month_format(period, mb, sizeof mb);
            key_add(L, &keys, row->line, cell(row, idx[4])->column, "commentary on %s%s%s for %s %04d/%02d",
                    q(code, b, sizeof b), period ? " " : "", mb, q(entity, b2, sizeof b2), year,
                    (year + 1) % 100);
        } else {
            key_add(L, &keys, row->line, kf->column, "commentary on %s for %s %04d/%02d",
                    q(kpi, b, sizeof b), q(entity, b2, sizeof b2), year, (year + 1) % 100);
        }
        bp_comment *c = &m->comments[m->ncomments++];
        c->kpi = dupn(L, kpi.s, kpi.n);
        c->code = code.n ? dupn(L, code.s, code.n) : NULL;
        c->period = period;
        c->entity = dupn(L, entity.s, entity.n);
        c->year = year;
        c->text = dupn(L, text.s, text.n);
        c->line = row->line;
        c->column = cell(row, idx[2])->column;
    }
    key_check(L, &keys, F_COMMENTARY, "KPI or code, entity and year");
}

static void load_national(loader *L)
{
    static const bp_csv_colspec spec[] = {{"year", 1}, {"phase", 1}, {"code", 1}, {"value", 1}};
    int idx[4];
    if (!bind(L, F_NATIONAL, spec, 4, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_NATIONAL];
    keyset keys = {0};
    char b[200];
    m->benchmarks = grow(L, NULL, &L->capbench, t->nrows, sizeof *m->benchmarks);
    if (!m->benchmarks) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        int year = 0;
        bool ok = get_year(L, F_NATIONAL, cell(row, idx[0]), "year", &year);
        const bp_csv_field *pf = cell(row, idx[1]), *cf = cell(row, idx[2]), *vf = cell(row, idx[3]);
        char pb[32];
        bp_phase ph;
        if (!word_ok(pf) || !small(pf, pb, sizeof pb)
            || (strcmp(pb, "all") != 0 && !bp_phase_parse(pb, &ph))) {
            bad_word(L, F_NATIONAL, pf, "phase", "a phase (%s) or all", &EXP_PHASE[7]);   /* past "one of " */
            ok = false;
        }
        view code = trimmed(cf);
        if (!word_ok(cf) || !valid_code(code, false)) {
            bad_word(L, F_NATIONAL, cf, "code", "a KPI id such as attendance_pct");
            ok = false;
        }
        bp_num v;
        if (!bp_num_parse(vf->text, vf->len, &v)) {
            bad(L, F_NATIONAL, vf, "value", "a number in the KPI's own units, such as 0.947");
            ok = false;
        }
        if (!ok) continue;
        key_add(L, &keys, row->line, cf->column, "%s for %s %04d/%02d", q(code, b, sizeof b), pb,
                year, (year + 1) % 100);
        bp_benchmark *bm = &m->benchmarks[m->nbenchmarks++];
        bm->year = year;
        bm->phase = dup(L, pb);
        bm->kpi = dupn(L, code.s, code.n);
        bm->value = v;
        bm->line = row->line;
        bm->column = cf->column;
    }
    key_check(L, &keys, F_NATIONAL, "code, phase and year");
}

/* ---------- the data set ---------- */

static void fill_inputs(loader *L)
{
    bp_model *m = L->m;
    m->inputs = calloc(F_COUNT, sizeof *m->inputs);
    if (!m->inputs) {
        L->err = BP_ERR_NOMEM;
        return;
    }
    m->ninputs = F_COUNT;
    for (int i = 0; i < F_COUNT; i++) {
        bp_input *in = &m->inputs[i];
        in->name = dup(L, bp_load_files[i]);
        in->present = L->present[i];
        in->rows = L->t[i].nrows;
        memcpy(in->sha256, L->t[i].sha256, sizeof in->sha256);
        m->rows_read += in->rows;
    }
}

/* Whatever stands at kpis.kpi is the trust's KPI file: a FIFO or a directory there is
 * refused when it is read, never passed over as if there were none. */
static void find_kpi_file(loader *L, const char *dir)
{
    bp_err e = bp_infile_in_dir(dir, "kpis.kpi", "kpis.kpi", &L->m->kpi_file, L->d);
    if (e == BP_ERR_NOMEM || e == BP_ERR_IO) L->err = e;
}

bp_err bp_load_dataset(const char *dir, bp_model *m, bp_diags *diags)
{
    return bp_load_dataset_with(dir, NULL, 0, m, diags);
}

bp_err bp_load_dataset_with(const char *dir, const char *mappings_dir, int year, bp_model *m,
                            bp_diags *diags)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.m = m;
    L.d = diags;
    size_t errors_before = diags->errors;

    read_all(&L, dir);
    if (!L.err) fill_inputs(&L);
    if (!L.err) find_kpi_file(&L, dir);
    /* dependency order: what is referred to is loaded before what refers to it */
    if (!L.err) load_trust(&L);
    if (!L.err) note_lost(&L);
    if (!L.err) load_insts(&L);
    if (!L.err) load_ambitions(&L);
    /* without institutions, every row of these files would repeat one error */
    if (L.insts_ok) {
        for (int f = F_FINANCE; f <= F_GOV && !L.err; f++) load_facts(&L, f);
        if (!L.err) load_ledgers(&L, dir, mappings_dir);
        if (!L.err) finish_facts(&L);
        if (!L.err) load_courses(&L);
        if (!L.err) load_priorities(&L);
        if (!L.err) load_actions(&L);
    }
    if (!L.err) load_papers(&L);
    if (!L.err) load_commentary(&L);
    if (!L.err) load_national(&L);
    if (!L.err) report_lost(&L);

    for (int i = 0; i < F_COUNT; i++) bp_csv_table_free(&L.t[i]);
    free(L.lost);
    free(L.inst_sorted);
    free(L.facts);
    free(L.hash);
    if (L.err == BP_ERR_NOMEM || diags->oom) return BP_ERR_NOMEM;
    if (L.err) return L.err;
    if (diags->errors > errors_before) return BP_ERR_DATA;
    /* the figures the KPIs read: only of a model that loaded whole */
    bp_err err = bp_model_totals(m, year, diags);
    return err != BP_OK ? err : diags->oom ? BP_ERR_NOMEM : BP_OK;
}
