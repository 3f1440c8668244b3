/* bp_load: a data set directory (docs/data-format.md) into a bp_model.
 *
 * Every file is parsed first and then checked in dependency order (trust, institutions,
 * ambitions, then everything that refers to them), so the order of the files on disk or
 * of rows within them never changes the result.  Every defect is reported and checking
 * carries on; a row with any defect is not added to the model (which is then only good
 * for freeing).  This file reads the files and loads trust.csv, institutions.csv, the
 * facts (finance, staff, students, governance, and the ledgers through bp_ledger) and
 * courses.csv; the field readers are in bp_load_fields.c, the plan's files in
 * bp_load_plan.c (bp_load_internal.h). */
#include "bp_load.h"
#include "bp_load_internal.h"

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

/* Institutions in one data set.  The largest trusts run about a hundred schools; the cap
 * bounds what every later stage does per institution (results are KPIs x institutions x
 * years, and the text report looks each one up).  Documented in docs/limits.md. */
#define MAX_INSTITUTIONS 1000

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
    if (!ld_bind(L, F_TRUST, spec, 2, idx)) return;
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
    m->settings = ld_grow(L, NULL, &L->capsettings, t->nrows ? t->nrows : 1, sizeof *m->settings);
    if (!m->settings) return;
    char b[200];
    for (size_t r = 0; r < t->nrows; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *kf = ld_cell(row, idx[0]), *vf = ld_cell(row, idx[1]);
        view k = {"", 0}, v = ld_trimmed(vf);
        if (!ld_get_text(L, F_TRUST, kf, "key", "a setting name such as report_year", &k)) continue;
        if (!ld_word_ok(kf)) {
            ld_bad_word(L, F_TRUST, kf, "key", "a setting name such as report_year");
            continue;
        }
        ld_key_add(L, &keys, row->line, kf->column, "key \"%s\"", ld_q(k, b, sizeof b));
        bp_kv *kv = &m->settings[m->nsettings];
        kv->key = ld_dupn(L, k.s, k.n);
        kv->value = ld_dupn(L, v.s, v.n);
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
            ld_bad(L, F_TRUST, kf, "key", "weight. followed by a phase, %s", EXP_PHASE);
            continue;
        }
        bp_num w;
        if (!bp_num_parse(vf->text, vf->len, &w) || bp_num_cmp(w, bp_num_int(0)) <= 0) {
            ld_bad(L, F_TRUST, vf, "value", "a positive number such as 1.2 for %s", kv->key);
            continue;
        }
        m->weight[ph] = w;
    }
    ld_key_check(L, &keys, F_TRUST, "key");

    for (size_t i = 0; i < 4; i++)
        if (!known[i].val)
            bp_diag_add(L->d, BP_DIAG_ERROR, "trust.csv", 0, 0,
                        "found no row with key \"%s\", expected a row giving %s", known[i].key,
                        known[i].what);
    view v = {"", 0};
    if (known[0].val && ld_get_id(L, F_TRUST, known[0].val, "value", false, &v))
        m->id = ld_dupn(L, v.s, v.n);
    if (known[1].val && ld_get_text(L, F_TRUST, known[1].val, "value", known[1].what, &v))
        m->name = ld_dupn(L, v.s, v.n);
    if (known[2].val) ld_get_year(L, F_TRUST, known[2].val, "value", &m->report_year);
    if (known[3].val) ld_get_date(L, F_TRUST, known[3].val, "value", &m->as_of);
    if (known[4].val) {
        if (ld_get_id(L, F_TRUST, known[4].val, "value", false, &v)) m->central_id = ld_dupn(L, v.s, v.n);
    } else {
        m->central_id = ld_dup(L, "CENTRAL");
    }
    /* a fixed word, as a phase or a scenario is: exact, lower case */
    const bp_csv_field *uf = known[5].val;
    char ub[16] = "";
    bool word = uf && ld_word_ok(uf) && ld_small(uf, ub, sizeof ub);
    if (word && strcmp(ub, "thousands") == 0) m->money_units = BP_MONEY_THOUSANDS;
    else if (uf && !(word && strcmp(ub, "pounds") == 0))
        ld_bad_word(L, F_TRUST, uf, "value", "pounds or thousands for money_units");
    /* the packs' name for the local tier; most trusts have local governing bodies */
    if (known[6].val) {
        if (ld_get_text(L, F_TRUST, known[6].val, "value", known[6].what, &v))
            m->local_tier = ld_dupn(L, v.s, v.n);
    } else {
        m->local_tier = ld_dup(L, "local governing body");
    }
    /* the largest count build --publish suppresses (docs/data-format.md) */
    int64_t sm;
    if (known[7].val && ld_get_whole(L, F_TRUST, known[7].val, "value", &sm))
        m->suppress_max = sm;
    /* the closed month of the report year: in-year reporting (contract v2) */
    const bp_csv_field *pf = known[8].val;
    if (pf) {
        view pv = ld_trimmed(pf);
        if (!ld_word_ok(pf) || !bp_month_parse(pv.s, pv.n, &m->period)) {
            m->period = 0;
            ld_bad_word(L, F_TRUST, pf, "value", "%s for period, the latest month of the report "
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
        ld_bad(L, F_INSTS, f, "id", "an institution id that differs from \"%s\" (line %d) in more "
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
    if (!ld_bind(L, F_INSTS, spec, 7, idx)) return;
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
    m->insts = ld_grow(L, NULL, &L->capinsts, t->nrows, sizeof *m->insts);
    if (!m->insts) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *idf = ld_cell(row, idx[0]);
        view id = {"", 0}, name = {"", 0};
        ld_get_id(L, F_INSTS, idf, "id", false, &id);
        ld_get_text(L, F_INSTS, ld_cell(row, idx[1]), "name", "the institution's name", &name);
        bp_phase ph = BP_PHASE_PRIMARY;
        char buf[32];
        const bp_csv_field *pf = ld_cell(row, idx[2]);
        bool phase_ok = ld_word_ok(pf) && ld_small(pf, buf, sizeof buf) && bp_phase_parse(buf, &ph);
        if (!phase_ok) {
            ld_bad_word(L, F_INSTS, pf, "phase", EXP_PHASE);
        }
        int32_t joined = 0;
        ld_get_date(L, F_INSTS, ld_cell(row, idx[3]), "joined", &joined);
        int64_t cap = 0, pan = 0;
        const bp_csv_field *cf = ld_cell(row, idx[4]), *nf = ld_cell(row, idx[5]), *lf = ld_cell(row, idx[6]);
        bool has_cap = cf && ld_trimmed(cf).n, has_pan = nf && ld_trimmed(nf).n;
        if (has_cap) ld_get_whole(L, F_INSTS, cf, "capacity", &cap);
        if (has_pan) ld_get_whole(L, F_INSTS, nf, "pan", &pan);
        view lgb = ld_trimmed(lf);
        if (lgb.n && !ld_get_id(L, F_INSTS, lf, "lgb", false, &lgb)) lgb.n = 0;
        if (phase_ok && ph == BP_PHASE_CENTRAL && ++central_rows > 1)
            ld_bad(L, F_INSTS, pf, "phase", "exactly one institution with phase central");
        /* An institution with a bad name or date still exists for the other files, so
         * that one mistake is reported once, not again on every row that refers to it. */
        if (!ld_valid_id(id, 16, false)) continue;
        ld_key_add(L, &ids, row->line, idf->column, "id \"%s\"", ld_q(id, b, sizeof b));
        case_twin(L, idf, id);
        bp_institution *in = &m->insts[m->ninsts++];
        memset(in, 0, sizeof *in);
        in->id = ld_dupn(L, id.s, id.n);
        in->name = ld_dupn(L, name.s, name.n);
        in->phase = ph;
        in->joined = joined;
        in->has_capacity = has_cap;
        in->capacity = cap;
        in->has_pan = has_pan;
        in->pan = pan;
        in->line = row->line;
        if (ph != BP_PHASE_CENTRAL) in->lgb = lgb.n ? ld_dupn(L, lgb.s, lgb.n) : ld_dup(L, in->id);
        if (!phase_ok || !in->id) continue;
        if (m->central_id && strcmp(in->id, m->central_id) == 0) {
            if (ph == BP_PHASE_CENTRAL) m->central = (int)(m->ninsts - 1);
            else ld_bad(L, F_INSTS, pf, "phase", "central for %s, the trust's central_id", m->central_id);
        } else if (ph == BP_PHASE_CENTRAL && m->central_id) {
            ld_bad(L, F_INSTS, idf, "id", "%s, the trust's central_id (trust.csv), for the central row",
                m->central_id);
        }
    }
    ld_key_check(L, &ids, F_INSTS, "institution id");
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
            size_t j = bp_hash_bytes(m->strings[i], strlen(m->strings[i])) & (ncap - 1);
            while (h[j]) j = (j + 1) & (ncap - 1);
            h[j] = i + 1;
        }
        free(L->hash);
        L->hash = h;
        L->hcap = ncap;
    }
    size_t j = bp_hash_bytes(v.s, v.n) & (L->hcap - 1);
    while (L->hash[j]) {
        const char *s = m->strings[L->hash[j] - 1];
        if (strncmp(s, v.s, v.n) == 0 && s[v.n] == '\0') return s;
        j = (j + 1) & (L->hcap - 1);
    }
    char **strs = ld_grow(L, m->strings, &m->capstrings, m->nstrings + 1, sizeof *strs);
    if (!strs) return NULL;
    m->strings = strs;
    char *s = ld_dupn(L, v.s, v.n);
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
    if (money) return ld_get_money(L, file, vf, "value", false, value);
    const char *why;
    size_t at;
    if (!bp_quantity_parse(vf->text, vf->len, value, &why, &at)) {
        ld_bad(L, file, vf, "value", "%s", why + (strncmp(why, "expected ", 9) == 0 ? 9 : 0));
        return false;
    }
    if (ld_is_count_code(code) && *value < 0) {
        ld_bad(L, file, vf, "value", "a number that is not negative for %s", code);
        return false;
    }
    /* a documented range holds for the code's sub-codes too (inspection.grade.previous) */
    if (bp_code_under(code, "inspection.grade")
        && (*value % 1000000 != 0 || *value < 1000000 || *value > 4000000)) {
        ld_bad(L, file, vf, "value", "an Ofsted grade 1, 2, 3 or 4");
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
    if (!ld_bind(L, file, spec, file == F_FINANCE ? 6 : 5, idx)) return;
    if (file != F_FINANCE) idx[5] = -1;
    const bp_model *m = L->m;
    const bp_csv_table *t = &L->t[file];
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        bool ok = true;
        int inst, year = 0;
        bp_scenario sc = BP_ACTUAL;
        if (!ld_get_inst(L, file, ld_cell(row, idx[0]), "institution", &inst)) ok = false;
        if (!ld_get_year(L, file, ld_cell(row, idx[1]), "year", &year)) ok = false;
        char buf[16];
        const bp_csv_field *sf = ld_cell(row, idx[2]);
        if (!ld_word_ok(sf) || !ld_small(sf, buf, sizeof buf) || !bp_scenario_parse(buf, &sc)) {
            ld_bad_word(L, file, sf, "scenario", EXP_SCENARIO);
            ok = false;
        }
        const bp_csv_field *cf = ld_cell(row, idx[3]);
        view code = ld_trimmed(cf);
        if (!ld_word_ok(cf) || !ld_valid_code(code, true)) {
            ld_bad_word(L, file, cf, "code", EXP_CODE);
            continue;   /* the value cannot be judged without its code */
        }
        const char *ic = intern(L, code);
        if (!ic) return;
        bool money = bp_code_is_money(ic);
        int period = 0;
        const bp_csv_field *pf = ld_cell(row, idx[5]);
        view pv = pf ? ld_trimmed(pf) : (view){"", 0};
        if (pv.n && (!ld_word_ok(pf) || !bp_month_parse(pv.s, pv.n, &period))) {
            ld_bad_word(L, file, pf, "period", "%s, or empty for the whole year", EXP_MONTH);
            ok = false;
        } else if (period && !money) {
            ld_bad(L, file, pf, "period", "an empty period for %s: only money codes (income, exp, "
                "memo, bs, cash) are given by month", ic);
            ok = false;
        } else if (period && bp_code_under(ic, "cash.opening")) {
            ld_bad(L, file, pf, "period", "an empty period for %s, the cash at the start of the "
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
                const bp_csv_field *at = pf ? pf : ld_cell(row, idx[2]);
                bp_diag_add(L->d, BP_DIAG_ERROR, bp_load_files[file], row->line,
                            at ? at->column : cf->column,
                            "found a whole-year actual of %s for %s, expected its months in "
                            "column \"period\" (M01 to %s): %s is reported in-year to %s "
                            "(trust.csv period)", yb, ic, pb, yb, pb);
                ok = false;
            }
        }
        int64_t value;
        if (!fact_value(L, file, ld_cell(row, idx[4]), ic, money, &value)) continue;
        if (money) add_money(L, file, value);
        if (!ok) continue;
        tfact *fs = ld_grow(L, L->facts, &L->capfacts, L->nfacts + 1, sizeof *fs);
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
    bp_model *m = L->m;
    for (size_t i = 0; i < ls.nfacts && !L->err; i++) {
        const bp_ledger_fact *lf = &ls.facts[i];
        if (m->period && lf->year == m->report_year && lf->scenario == BP_ACTUAL
            && (lf->period > m->period || (!lf->period && !bp_code_under(lf->code, "cash.opening")))) {
            /* in-year, as finance.csv's rows: the report year's actuals are the closed
             * months, nothing else (a ledger line of a later month, or a whole-year one) */
            char pb[8], yb[16];
            bp_month_format(m->period, pb, sizeof pb);
            bp_year_format(lf->year, yb, sizeof yb);
            const char *file = m->inputs[first + lf->file].name;
            if (lf->period) {
                char mb[8];
                bp_month_format(lf->period, mb, sizeof mb);
                bp_diag_add(L->d, BP_DIAG_ERROR, file, lf->line, lf->column,
                            "found an actual for %s of %s: month %s is after the closed period "
                            "%s (trust.csv period), expected actuals of %s for M01 to %s only",
                            mb, lf->code, mb, pb, yb, pb);
            } else {
                bp_diag_add(L->d, BP_DIAG_ERROR, file, lf->line, lf->column,
                            "found a whole-year actual of %s for %s, expected its months in the "
                            "ledger's period column (M01 to %s): %s is reported in-year to %s "
                            "(trust.csv period)", yb, lf->code, pb, yb, pb);
            }
            continue;
        }
        const char *ic = intern(L, (view){lf->code, strlen(lf->code)});
        tfact *fs = ic ? ld_grow(L, L->facts, &L->capfacts, L->nfacts + 1, sizeof *fs) : NULL;
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
    if (!ld_bind(L, F_COURSES, spec, 7, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_COURSES];
    keyset keys = {0};
    char b[200];
    m->courses = ld_grow(L, NULL, &L->capcourses, t->nrows, sizeof *m->courses);
    if (!m->courses) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        bool ok = true;
        int inst, year = 0;
        view course = {"", 0};
        int64_t students = 0, income = 0, costs = 0;
        if (!ld_get_inst(L, F_COURSES, ld_cell(row, idx[0]), "institution", &inst)) ok = false;
        if (!ld_get_year(L, F_COURSES, ld_cell(row, idx[1]), "year", &year)) ok = false;
        const bp_csv_field *cf = ld_cell(row, idx[2]);
        if (!ld_get_text(L, F_COURSES, cf, "course", "the course's name", &course)) ok = false;
        if (!ld_get_whole(L, F_COURSES, ld_cell(row, idx[3]), "students", &students)) ok = false;
        if (ld_get_money(L, F_COURSES, ld_cell(row, idx[4]), "income", true, &income)) add_money(L, F_COURSES, income);
        else ok = false;
        if (ld_get_money(L, F_COURSES, ld_cell(row, idx[5]), "direct_costs", true, &costs)) add_money(L, F_COURSES, costs);
        else ok = false;
        const bp_csv_field *mf = ld_cell(row, idx[6]);
        char buf[8];
        bool minority = false;
        if (ld_word_ok(mf) && ld_small(mf, buf, sizeof buf)
            && (strcmp(buf, "yes") == 0 || strcmp(buf, "no") == 0)) {
            minority = buf[0] == 'y';
        } else {
            ld_bad_word(L, F_COURSES, mf, "minority", "yes or no");
            ok = false;
        }
        if (!ok) continue;
        ld_key_add(L, &keys, row->line, cf->column, "course \"%s\" for %s %04d/%02d",
                ld_q(course, b, sizeof b), m->insts[inst].id, year, (year + 1) % 100);
        bp_course *c = &m->courses[m->ncourses++];
        c->inst = inst;
        c->year = year;
        c->course = ld_dupn(L, course.s, course.n);
        c->students = students;
        c->income = income;
        c->direct_costs = costs;
        c->minority = minority;
        c->line = row->line;
    }
    ld_key_check(L, &keys, F_COURSES, "course, institution and year");
    if (!L->err && bp_model_index_courses(m) != BP_OK) L->err = BP_ERR_NOMEM;
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
        in->name = ld_dup(L, bp_load_files[i]);
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
    if (!L.err) ld_note_lost(&L);
    if (!L.err) load_insts(&L);
    if (!L.err) ld_load_ambitions(&L);
    /* without institutions, every row of these files would repeat one error */
    if (L.insts_ok) {
        for (int f = F_FINANCE; f <= F_GOV && !L.err; f++) load_facts(&L, f);
        if (!L.err) load_ledgers(&L, dir, mappings_dir);
        if (!L.err) finish_facts(&L);
        if (!L.err) load_courses(&L);
        if (!L.err) ld_load_priorities(&L);
        if (!L.err) ld_load_actions(&L);
    }
    if (!L.err) ld_load_papers(&L);
    if (!L.err) ld_load_commentary(&L);
    if (!L.err) ld_load_national(&L);
    if (!L.err) ld_report_lost(&L);

    for (int i = 0; i < F_COUNT; i++) bp_csv_table_free(&L.t[i]);
    free(L.lost);
    free(L.inst_sorted);
    free(L.facts);
    free(L.hash);
    free(L.codes);
    if (L.err == BP_ERR_NOMEM || diags->oom) return BP_ERR_NOMEM;
    if (L.err) return L.err;
    if (diags->errors > errors_before) return BP_ERR_DATA;
    /* the figures the KPIs read: only of a model that loaded whole */
    bp_err err = bp_model_totals(m, year, diags);
    return err != BP_OK ? err : diags->oom ? BP_ERR_NOMEM : BP_OK;
}
