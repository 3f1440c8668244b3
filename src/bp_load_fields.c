/* bp_load's field readers: a CSV field as text, an id, a year, a date, money, a whole
 * number or an institution, each refusal a diagnostic naming the file, line, column and
 * what was expected; the duplicate-key check; a file's columns bound by name. */
#include "bp_load_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bp_money.h"
#include "bp_script.h"
#include "bp_util.h"

/* the files of the contract: every diagnostic names its file from here */
const char *const bp_load_files[] = {
    "trust.csv", "institutions.csv", "finance.csv", "staff.csv", "students.csv",
    "governance.csv", "courses.csv", "actions.csv", "ambitions.csv", "priorities.csv",
    "papers.csv", "commentary.csv", "national.csv",
};
const size_t bp_load_nfiles = F_COUNT;

/* ---------- small helpers ---------- */

/* bp_grow and strndup, an allocation failure recorded in L->err. */
void *ld_grow(loader *L, void *p, size_t *cap, size_t need, size_t elem)
{
    void *grown = bp_grow(p, cap, need, elem);
    if (!grown && need) L->err = BP_ERR_NOMEM;
    return grown;
}

char *ld_dupn(loader *L, const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p) L->err = BP_ERR_NOMEM;
    return p;
}

char *ld_dup(loader *L, const char *s) { return ld_dupn(L, s, strlen(s)); }

view ld_trimmed(const bp_csv_field *f)
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

bool ld_word_ok(const bp_csv_field *f) { return !tab_or_break(f); }

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void ld_bad(loader *L, int file, const bp_csv_field *f, const char *column, const char *fmt, ...)
{
    char exp[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(exp, sizeof exp, fmt, ap);
    va_end(ap);
    view v = ld_trimmed(f);
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

/* ld_bad() for an id, a code or a fixed word: a TAB or a line break named as what is wrong
 * (quoted, either would show as a space). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void ld_bad_word(loader *L, int file, const bp_csv_field *f, const char *column,
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
        ld_bad(L, file, f, column, "%s", exp);
}

/* A short trimmed copy for the parsers that want a C string; false when too long. */
bool ld_small(const bp_csv_field *f, char *buf, size_t size)
{
    view v = ld_trimmed(f);
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

bool ld_valid_id(view v, size_t max, bool dot)
{
    if (v.n == 0 || v.n > max) return false;
    for (size_t i = 0; i < v.n; i++)
        if (!id_char(v.s[i], dot)) return false;
    return true;
}

/* [a-z0-9_]+(\.[a-z0-9_]+)* */
bool ld_valid_code(view v, bool dots)
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
bool ld_is_count_code(const char *code)
{
    static const char *const heads[] = {"students", "staff", "gov", "classes", "timetable", "survey"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        if (bp_code_under(code, heads[i])) return true;
    return false;
}

/* ---------- typed field readers: each reports its own error ---------- */

/* Required text: non-empty. */
bool ld_get_text(loader *L, int file, const bp_csv_field *f, const char *col, const char *what,
                     view *out)
{
    view v = ld_trimmed(f);
    if (f && v.n == 0) {
        ld_bad(L, file, f, col, "%s", what);
        return false;
    }
    *out = v;
    return true;
}

bool ld_get_id(loader *L, int file, const bp_csv_field *f, const char *col, bool key, view *out)
{
    view v = ld_trimmed(f);
    if (!ld_word_ok(f) || !ld_valid_id(v, key ? 64 : 16, key)) {
        ld_bad_word(L, file, f, col, "%s", key ? EXP_KEY : EXP_ID16);
        return false;
    }
    *out = v;
    return true;
}

bool ld_get_year(loader *L, int file, const bp_csv_field *f, const char *col, int *year)
{
    char buf[16];
    if (!ld_small(f, buf, sizeof buf) || !bp_year_parse(buf, year)) {
        ld_bad(L, file, f, col, EXP_YEAR);
        return false;
    }
    return true;
}

bool ld_get_date(loader *L, int file, const bp_csv_field *f, const char *col, int32_t *days)
{
    char buf[16];
    if (!ld_small(f, buf, sizeof buf) || !bp_date_parse(buf, days)) {
        ld_bad(L, file, f, col, EXP_DATE);
        return false;
    }
    return true;
}

int ld_find_inst(const loader *L, view v)
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
bool ld_lost_row(loader *L, int file, view v)
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

bool ld_get_inst(loader *L, int file, const bp_csv_field *f, const char *col, int *inst)
{
    view v = ld_trimmed(f);
    *inst = v.n && ld_word_ok(f) ? ld_find_inst(L, v) : -1;
    if (*inst < 0) {
        if (!v.n || !ld_word_ok(f) || !ld_lost_row(L, file, v)) ld_bad_word(L, file, f, col, EXP_INST);
        return false;
    }
    return true;
}

/* The ids of the institutions.csv rows refused whole. */
void ld_note_lost(loader *L)
{
    const bp_csv_table *t = &L->t[F_INSTS];
    L->lost = calloc(t->nrejected ? t->nrejected : 1, sizeof *L->lost);
    if (!L->lost) {
        L->err = BP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < t->nrejected; i++) {
        if (!t->rejected[i].count) continue;
        view v = ld_trimmed(&t->rejected[i].fields[0]);
        if (v.n) L->lost[L->nlost++] = (lost_inst){v.s, v.n, t->rejected[i].line, 0, 0};
    }
}

/* One error per refused institution that other files name: how many rows, in which
 * files, were left unchecked because of it. */
void ld_report_lost(loader *L)
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

bool ld_get_money(loader *L, int file, const bp_csv_field *f, const char *col, bool nonneg,
                      int64_t *pence)
{
    const char *why;
    size_t at;
    if (!bp_money_parse(f->text, f->len, pence, &why, &at)) {
        ld_bad(L, file, f, col, "%s", why + (strncmp(why, "expected ", 9) == 0 ? 9 : 0));
        return false;
    }
    if (nonneg && *pence < 0) {
        ld_bad(L, file, f, col, "an amount that is not negative");
        return false;
    }
    return true;
}

bool ld_get_whole(loader *L, int file, const bp_csv_field *f, const char *col, int64_t *v)
{
    int64_t micros;
    if (!bp_quantity_parse(f->text, f->len, &micros, NULL, NULL) || micros < 0
        || micros % 1000000 != 0) {
        ld_bad(L, file, f, col, EXP_WHOLE);
        return false;
    }
    *v = micros / 1000000;
    return true;
}

/* ---------- duplicate detection ---------- */

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void ld_key_add(loader *L, keyset *ks, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    keyrec *v = ld_grow(L, ks->v, &ks->cap, ks->n + 1, sizeof *v);
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
void ld_key_check(loader *L, keyset *ks, int file, const char *what)
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
const char *ld_q(view v, char *buf, size_t size)
{
    bp_diag_quote(v.s, v.n, buf, size);
    return buf;
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
            const bp_csv_field *f = ld_cell(&t->rows[r], idx[c]);
            if (f) bp_script_check(&tally, L->d, bp_load_files[file], f->line, spec[c].name,
                                   f->text, f->len);
        }
    bp_script_done(&tally, L->d, bp_load_files[file]);
}

bool ld_bind(loader *L, int file, const bp_csv_colspec *spec, size_t n, int *idx)
{
    if (!L->parsed[file]) return false;
    if (bp_csv_bind(&L->t[file], spec, n, idx, L->d) != 0) return false;
    script_check(L, file, spec, n, idx);
    return true;
}
