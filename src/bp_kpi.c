/* bp_kpi: the meaning of KPI definition files (docs/kpi-format.md; their lines are read by
 * bp_settings), checking them against a data set, and deciding a target's status exactly. */
#include "bp_kpi.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_excel.h"
#include "bp_script.h"
#include "bp_settings.h"
#include "bp_util.h"

const char *bp_unit_id(bp_unit u)
{
    switch (u) {
    case BP_UNIT_PERCENT: return "percent";
    case BP_UNIT_RATIO: return "ratio";
    case BP_UNIT_MONEY: return "money";
    case BP_UNIT_NUMBER: return "number";
    case BP_UNIT_GRADE: return "grade";
    }
    return "?";
}

const char *bp_status_id(bp_status s)
{
    switch (s) {
    case BP_STATUS_NONE: return "none";
    case BP_STATUS_GREEN: return "green";
    case BP_STATUS_AMBER: return "amber";
    case BP_STATUS_RED: return "red";
    }
    return "?";
}

/* ---- freeing ---- */

static void target_free(bp_target *t)
{
    bp_expr_free(t->lo);
    bp_expr_free(t->hi);
    bp_expr_free(t->when);
    free(t->text);
}

static void kpi_free(bp_kpi *k)
{
    free(k->id);
    free(k->name);
    free(k->section);
    free(k->description);
    free(k->expr_text);
    bp_expr_free(k->expr);
    for (size_t i = 0; i < k->nmeasures; i++) {
        free(k->measures[i].id);
        free(k->measures[i].name);
        bp_expr_free(k->measures[i].expr);
        free(k->measures[i].points);
    }
    free(k->measures);
    for (size_t i = 0; i < k->ngrades; i++) free(k->grades[i].label);
    free(k->grades);
    for (size_t i = 0; i < k->ntargets; i++) target_free(&k->targets[i]);
    free(k->targets);
    free(k->file);
    memset(k, 0, sizeof *k);
}

void bp_kpiset_init(bp_kpiset *s)
{
    s->kpis = NULL;
    s->count = 0;
}

void bp_kpiset_free(bp_kpiset *s)
{
    for (size_t i = 0; i < s->count; i++) kpi_free(&s->kpis[i]);
    free(s->kpis);
    bp_kpiset_init(s);
}

int bp_kpi_find(const bp_kpiset *s, const char *id)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->kpis[i].id, id) == 0) return (int)i;
    return -1;
}

bool bp_kpi_is_cash_min(const bp_kpi *k)
{
    return k->expr && k->expr->op == BP_E_ATTR && strcmp(k->expr->name, "cash_min") == 0;
}

const bp_expr *bp_kpi_lookup_expr(const void *arg, const char *id)
{
    const bp_kpiset *s = arg;
    int i = bp_kpi_find(s, id);
    return i >= 0 ? s->kpis[i].expr : NULL;
}

bp_expr_ctx bp_kpi_ctx(const bp_kpiset *s, const bp_model *m, const int *members, size_t n,
                       int year, bp_scenario scenario, bool eliminate, const char *national)
{
    bp_expr_ctx c;
    memset(&c, 0, sizeof c);
    c.model = m;
    c.members = members;
    c.nmembers = n;
    c.year = year;
    c.scenario = scenario;
    c.eliminate = eliminate;
    c.national_phase = national;
    c.course = -1;
    c.kpi_lookup = bp_kpi_lookup_expr;
    c.kpi_arg = s;
    return c;
}

/* ---- the parser ---- */

typedef struct {
    char *label;             /* NULL: the target names no grade */
    int col;
} grade_ref;

typedef struct {
    const char *file;
    bp_diags *diags;
    bp_settings *rd;         /* the reader: the file's lines, and every error goes through it */
    bool failed, nomem;
    int line;
    const char *text;        /* the current line */
    /* the block being read */
    bp_kpi cur;
    bool in_block;
    bool is_grade;
    int cur_measure;         /* index of the measure being read, -1 when none */
    int cur_target;          /* index of the target being read, -1 when none */
    grade_ref *grade_refs;   /* per target: a grade label in "min Good", resolved at the end */
    size_t targets_cap, refs_cap, measures_cap;   /* room in the block's arrays (bp_grow) */
    bp_kpi *done;            /* the blocks read so far */
    size_t ndone, done_cap;
    bool replace;
    bool any_setting;
    bool better_set;         /* the block says "better:" */
    int counts_line, counts_col;   /* where "counts: people" stands, for an error after it */
    bool too_many;           /* more than MAX_KPIS blocks: reported, the rest not kept */
} kparser;

/* KPIs (and grades) in one file: the shipped set has about thirty.  The cap keeps the
 * duplicate and kpi() checks, which compare KPIs pairwise, fast on a hostile file. */
#define MAX_KPIS 1000

/* KPI files are small; a limit keeps a mistaken path (a log file) from eating memory. */
#define MAX_KPI_FILE (4u << 20)

static const char *const kpi_headers[] = {"kpi", "grade", NULL};
static const char *const kpi_preamble[] = {"defaults", NULL};
/* No line cap: a long expression meets the expression parser's own nesting caps. */
static const bp_settings_kind kpi_kind = {
    .headers = kpi_headers, .id_noun = "KPI", .id_chars = "_", .id_max = 64,
    .preamble = kpi_preamble, .max_bytes = MAX_KPI_FILE, .max_line = 0, .err = BP_ERR_KPI};

static void perr(kparser *p, int column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void perr(kparser *p, int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bp_settings_verror(p->rd, p->line, column, fmt, ap);
    va_end(ap);
    p->failed = true;
}

/* strndup, an allocation failure recorded in the parser. */
static char *copy(kparser *p, const char *s, size_t n)
{
    char *r = strndup(s, n);
    if (!r) p->nomem = p->failed = true;
    return r;
}

static int col_of(const kparser *p, const char *at) { return (int)(at - p->text) + 1; }

/* Lists split on the commas that separate items, never on a thousands separator
 * ("1,000,000"): amber ranges and points tables hold numbers. */
typedef bp_span span;

static size_t split_list(const char *s, size_t n, span *out, size_t max)
{
    return bp_settings_list(s, n, true, out, max);
}

/* A constant such as 75%, 0.75, 1,650, -2 or £300,000. */
static bool parse_const(const char *s, size_t n, bp_num *out)
{
    bp_settings_trim(&s, &n);
    bool neg = false;
    if (n && s[0] == '-') {
        neg = true;
        s++;
        n--;
    }
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA3) {
        s += 2;
        n -= 2;
    }
    if (!n || !bp_num_parse(s, n, out)) return false;
    if (neg) *out = bp_num_neg(*out);
    return true;
}

/* The first "ab" inside s[0..n): the text is a line of a larger buffer, not a C string. */
static const char *find_pair(const char *s, size_t n, char a, char b)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == a && s[i + 1] == b) return s + i;
    return NULL;
}

static bool parse_range(const char *s, size_t n, bp_range *r)
{
    const char *dots = find_pair(s, n, '.', '.');
    if (!dots) return false;
    return parse_const(s, (size_t)(dots - s), &r->lo)
           && parse_const(dots + 2, n - (size_t)(dots - s) - 2, &r->hi)
           && bp_num_cmp(r->lo, r->hi) <= 0;
}

static bp_expr *parse_expr(kparser *p, const char *s, size_t n)
{
    bp_expr *e = NULL;
    bp_err err = bp_expr_parse(s, n, p->file, p->line, col_of(p, s), &e, p->diags);
    if (err == BP_ERR_NOMEM) p->nomem = true;
    if (err != BP_OK) p->failed = true;
    return e;
}

static bp_target *cur_target(kparser *p)
{
    return p->cur_target >= 0 ? &p->cur.targets[p->cur_target] : NULL;
}

/* target: min X | max X | band X..Y */
static void set_target(kparser *p, const char *v, size_t n)
{
    bp_target *nt = bp_grow(p->cur.targets, &p->targets_cap, p->cur.ntargets + 1, sizeof *nt);
    if (nt) p->cur.targets = nt;
    grade_ref *refs = bp_grow(p->grade_refs, &p->refs_cap, p->cur.ntargets + 1, sizeof *refs);
    if (refs) p->grade_refs = refs;
    if (!nt || !refs) {
        p->nomem = p->failed = true;
        return;
    }
    bp_target *t = &p->cur.targets[p->cur.ntargets];
    memset(t, 0, sizeof *t);
    p->grade_refs[p->cur.ntargets].label = NULL;
    p->cur_target = (int)p->cur.ntargets++;
    t->line = p->line;
    t->text = copy(p, v, n);
    size_t w = strcspn(v, " \t\r");   /* the value is a C string (bp_setting) */
    const char *rest = v + w;
    size_t rn = n - w;
    bp_settings_trim(&rest, &rn);
    if (bp_settings_word_is(v, w, "min")) t->cmp = BP_CMP_MIN;
    else if (bp_settings_word_is(v, w, "max")) t->cmp = BP_CMP_MAX;
    else if (bp_settings_word_is(v, w, "band")) t->cmp = BP_CMP_BAND;
    else {
        perr(p, col_of(p, v), "unknown comparator '%.*s': expected min, max or band", (int)w, v);
        return;
    }
    if (!rn) {
        perr(p, col_of(p, v) + (int)w, "expected a threshold after '%.*s'", (int)w, v);
        return;
    }
    if (t->cmp == BP_CMP_BAND) {
        const char *dots = find_pair(rest, rn, '.', '.');
        if (!dots) {
            perr(p, col_of(p, rest), "expected a band written LOW..HIGH, such as 0.5%%..2%%");
            return;
        }
        t->lo = parse_expr(p, rest, (size_t)(dots - rest));
        if (!p->failed) t->hi = parse_expr(p, dots + 2, rn - (size_t)(dots - rest) - 2);
        if (t->lo && t->hi && t->lo->op == BP_E_NUM && t->hi->op == BP_E_NUM
            && bp_num_cmp(t->lo->num, t->hi->num) > 0)
            perr(p, col_of(p, rest), "the band's low end is above its high end");
        return;
    }
    bp_expr **slot = t->cmp == BP_CMP_MIN ? &t->lo : &t->hi;
    if (p->is_grade && rest[0] >= 'A' && rest[0] <= 'Z') {
        /* "min Good": a grade label, resolved once the grades are known. */
        p->grade_refs[p->cur_target].label = copy(p, rest, rn);
        p->grade_refs[p->cur_target].col = col_of(p, rest);
        return;
    }
    *slot = parse_expr(p, rest, rn);
}

static void set_amber(kparser *p, bp_target *t, const char *v, size_t n)
{
    span items[3];
    size_t k = split_list(v, n, items, 3);
    if (k > 2) {
        perr(p, col_of(p, v), "at most two amber ranges (one each side of a band)");
        return;
    }
    for (size_t i = 0; i < k; i++) {
        if (!parse_range(items[i].s, items[i].n, &t->amber[i])) {
            perr(p, col_of(p, items[i].s),
                 "expected an amber range LOW..HIGH such as 75%%..77%%, found '%.*s'",
                 (int)items[i].n, items[i].s);
            return;
        }
    }
    t->namber = k;
}

static void set_flags(kparser *p, const char *v, size_t n, unsigned *flags, const char *what,
                      const char *const *names, const unsigned *bits, size_t nnames,
                      const char *expected)
{
    span items[16];
    size_t k = split_list(v, n, items, 16);
    *flags = 0;
    for (size_t i = 0; i < k && i < 16; i++) {
        size_t j = 0;
        while (j < nnames && !bp_settings_word_is(items[i].s, items[i].n, names[j])) j++;
        if (j == nnames) {
            perr(p, col_of(p, items[i].s), "unknown %s '%.*s': expected %s", what,
                 (int)items[i].n, items[i].s, expected);
            return;
        }
        *flags |= bits[j];
    }
}

static void set_phases(kparser *p, bp_target *t, const char *v, size_t n)
{
    span items[16];
    size_t k = split_list(v, n, items, 16);
    t->phases = 0;
    for (size_t i = 0; i < k && i < 16; i++) {
        char buf[64];
        bp_phase ph;
        snprintf(buf, sizeof buf, "%.*s", (int)items[i].n, items[i].s);
        if (!bp_phase_parse(buf, &ph) || ph == BP_PHASE_CENTRAL) {
            perr(p, col_of(p, items[i].s),
                 "unknown phase '%s': expected primary, secondary, secondary_sixth, "
                 "sixth_form_college, all_through, special or alternative_provision", buf);
            return;
        }
        t->phases |= 1u << ph;
    }
}

/* points: 100 >= 2.0, 80 >= 1.5, ..., 0 */
static void set_points(kparser *p, bp_measure *ms, const char *v, size_t n)
{
    span items[32];
    size_t k = split_list(v, n, items, 32);
    if (k > 32) {
        perr(p, col_of(p, v), "at most 32 rows in a points table");
        return;
    }
    ms->points = calloc(k ? k : 1, sizeof *ms->points);
    if (!ms->points) {
        p->nomem = p->failed = true;
        return;
    }
    for (size_t i = 0; i < k; i++) {
        const char *s = items[i].s;
        size_t sn = items[i].n;
        bp_points *pt = &ms->points[i];
        const char *op = NULL;
        for (size_t j = 0; j + 1 < sn; j++)
            if ((s[j] == '>' || s[j] == '<') && s[j + 1] == '=') {
                op = s + j;
                break;
            }
        size_t score_len = op ? (size_t)(op - s) : sn;
        if (!parse_const(s, score_len, &pt->score)) {
            perr(p, col_of(p, s), "expected a score such as '100 >= 2.0' or a final '0', found '%.*s'",
                 (int)sn, s);
            return;
        }
        if (op) {
            pt->has_threshold = true;
            pt->at_most = op[0] == '<';
            if (!parse_const(op + 2, sn - score_len - 2, &pt->threshold)) {
                perr(p, col_of(p, op + 2), "expected a number after '%c=', found '%.*s'", op[0],
                     (int)(sn - score_len - 2), op + 2);
                return;
            }
        } else if (i + 1 != k) {
            perr(p, col_of(p, s), "only the last row of a points table may have no threshold");
            return;
        }
    }
    ms->npoints = k;
}

/* grades: Outstanding >= 240, Good >= 180, Requires improvement >= 120, Inadequate */
static void set_grades(kparser *p, const char *v, size_t n)
{
    span items[16];
    size_t k = split_list(v, n, items, 16);
    if (k > 16 || k < 2) {
        perr(p, col_of(p, v), "expected between 2 and 16 grades, best first");
        return;
    }
    p->cur.grades = calloc(k, sizeof *p->cur.grades);
    if (!p->cur.grades) {
        p->nomem = p->failed = true;
        return;
    }
    for (size_t i = 0; i < k; i++) {
        const char *s = items[i].s;
        size_t sn = items[i].n;
        const char *ge = find_pair(s, sn, '>', '=');
        size_t ln = ge ? (size_t)(ge - s) : sn;
        const char *label = s;
        bp_settings_trim(&label, &ln);
        /* each label is a text string of the workbook's grade formula */
        if (bp_excel_chars(label, ln) > BP_EXCEL_STRING_CHARS) {
            perr(p, col_of(p, label), "found a grade label of %zu characters, expected at most %d "
                 "characters: the workbook's grade formula holds each label as a text string, and "
                 "Excel allows %d characters in one", bp_excel_chars(label, ln),
                 BP_EXCEL_STRING_CHARS, BP_EXCEL_STRING_CHARS);
            return;
        }
        bp_grade_band *g = &p->cur.grades[i];
        g->label = copy(p, label, ln);
        p->cur.ngrades = i + 1;
        if (!ln) {
            perr(p, col_of(p, s), "a grade needs a name");
            return;
        }
        if (ge) {
            g->has_min = true;
            if (!parse_const(ge + 2, sn - (size_t)(ge - s) - 2, &g->min)) {
                perr(p, col_of(p, ge + 2), "expected the lowest total for grade '%s'", g->label);
                return;
            }
            if (i > 0 && p->cur.grades[i - 1].has_min
                && bp_num_cmp(g->min, p->cur.grades[i - 1].min) >= 0) {
                perr(p, col_of(p, s), "grades go best first: '%s' must need fewer points than '%s'",
                     g->label, p->cur.grades[i - 1].label);
                return;
            }
        } else if (i + 1 != k) {
            perr(p, col_of(p, s), "only the last grade may have no lowest total");
            return;
        }
    }
    if (p->cur.grades[k - 1].has_min)
        perr(p, col_of(p, items[k - 1].s), "the last grade takes every lower total: write it with no '>='");
}

static bool parse_unit(kparser *p, const char *v, size_t n, bp_unit *u)
{
    if (bp_settings_word_is(v, n, "percent")) *u = BP_UNIT_PERCENT;
    else if (bp_settings_word_is(v, n, "ratio")) *u = BP_UNIT_RATIO;
    else if (bp_settings_word_is(v, n, "money")) *u = BP_UNIT_MONEY;
    else if (bp_settings_word_is(v, n, "number")) *u = BP_UNIT_NUMBER;
    else {
        perr(p, col_of(p, v), "unknown unit '%.*s': expected percent, ratio, money or number",
             (int)n, v);
        return false;
    }
    return true;
}

/* A text the workbook shows in a cell of its own (names, sections, descriptions): no
 * longer than a cell holds.  chars: its characters as Excel counts them. */
static bool cell_text_ok(kparser *p, const char *what, size_t chars, int col)
{
    if (chars <= BP_EXCEL_CELL_CHARS) return true;
    perr(p, col, "found %s of %zu characters, expected at most %d characters, the most a "
         "spreadsheet cell holds", what, chars, BP_EXCEL_CELL_CHARS);
    return false;
}

static void set_string(kparser *p, char **field, const char *key, const char *v, size_t n,
                       int col)
{
    if (*field) {
        perr(p, col, "'%s' is set twice in this block", key);
        return;
    }
    char what[32];
    snprintf(what, sizeof what, "a %s", key);
    /* kept even when too long: the block is not also missing its name */
    cell_text_ok(p, what, bp_excel_chars(v, n), col_of(p, v));
    *field = copy(p, v, n);
}

/* What the parser keeps beside the block being read: its grade labels are freed, and its
 * arrays' room is forgotten, as the arrays go with the block. */
static void drop_block_state(kparser *p)
{
    for (size_t i = 0; i < p->cur.ntargets; i++) free(p->grade_refs[i].label);
    free(p->grade_refs);
    p->grade_refs = NULL;
    p->targets_cap = p->refs_cap = p->measures_cap = 0;
}

/* Close the block being read: check it is complete and add it to the file's list. */
static void finish_block(kparser *p)
{
    if (!p->in_block) return;
    bp_kpi *k = &p->cur;
    int saved = p->line;
    p->line = k->line;
    if (!k->name) perr(p, 0, "%s '%s' has no 'name:'", p->is_grade ? "grade" : "kpi", k->id);
    if (!p->is_grade && !k->expr && !p->failed)
        perr(p, 0, "kpi '%s' has no 'expr:'", k->id);
    if (k->counts_people && k->unit == BP_UNIT_MONEY) {
        /* money is never suppressed: a money KPI that counts people is a mistake */
        p->line = p->counts_line;
        perr(p, p->counts_col, "kpi '%s' is money ('unit: money'), which counts no people: "
             "remove 'counts: people' or change the unit", k->id);
        p->line = k->line;
    }
    if (p->is_grade) {
        k->unit = BP_UNIT_GRADE;
        if (!k->nmeasures) perr(p, 0, "grade '%s' has no 'measure:'", k->id);
        if (!k->ngrades) perr(p, 0, "grade '%s' has no 'grades:'", k->id);
        for (size_t i = 0; i < k->nmeasures; i++) {
            bp_measure *ms = &k->measures[i];
            p->line = ms->line;
            if (!ms->expr && !p->failed) perr(p, 0, "measure '%s' has no 'expr:'", ms->id);
            if (!ms->npoints && !p->failed) perr(p, 0, "measure '%s' has no 'points:'", ms->id);
            if (!ms->name) ms->name = copy(p, ms->id, strlen(ms->id));
        }
    }
    for (size_t i = 0; i < k->ntargets; i++) {
        bp_target *t = &k->targets[i];
        p->line = t->line;
        const grade_ref *ref = &p->grade_refs[i];
        if (ref->label) {
            size_t g = 0;
            while (g < k->ngrades && strcmp(k->grades[g].label, ref->label) != 0) g++;
            if (g == k->ngrades || !k->grades[g].has_min) {
                perr(p, ref->col, "'%s' is not a grade of '%s' with a lowest total", ref->label,
                     k->id);
            } else {
                bp_expr *e = calloc(1, sizeof *e);
                if (!e) {
                    p->nomem = p->failed = true;
                } else {
                    e->op = BP_E_NUM;
                    e->num = k->grades[g].min;
                    e->line = t->line;
                    e->column = ref->col;
                    if (t->cmp == BP_CMP_MIN) t->lo = e;
                    else t->hi = e;
                }
            }
        }
        if (t->scopes & BP_SCOPE_F_COURSE && p->is_grade)
            perr(p, 0, "a grade has no per-course target");
    }
    drop_block_state(p);
    p->line = saved;
    bp_kpi *nd = p->ndone < MAX_KPIS ? bp_grow(p->done, &p->done_cap, p->ndone + 1, sizeof *nd)
                                     : NULL;
    if (p->ndone >= MAX_KPIS) {
        kpi_free(k);   /* over the cap: already reported, the file fails */
    } else if (!nd) {
        p->nomem = p->failed = true;
        kpi_free(k);
    } else {
        p->done = nd;
        p->done[p->ndone++] = *k;
    }
    memset(&p->cur, 0, sizeof p->cur);
    p->in_block = false;
}

static void start_block(kparser *p, const bp_setting *e)
{
    bool grade = e->word == 1;
    const char *id = e->value;
    size_t n = e->vlen;
    int col = e->vcol;
    finish_block(p);
    if (p->ndone >= MAX_KPIS && !p->too_many) {
        perr(p, col, "found more than %d KPIs in this file, expected at most %d", MAX_KPIS, MAX_KPIS);
        p->too_many = true;
    }
    if (!e->id_ok) {
        bp_settings_bad_id(p->rd, e);
        p->failed = true;
    }
    for (size_t i = 0; i < p->ndone; i++)
        if (bp_settings_word_is(id, n, p->done[i].id)) {
            perr(p, col, "'%.*s' is defined twice in this file (first on line %d)", (int)n, id,
                 p->done[i].line);
            break;
        }
    memset(&p->cur, 0, sizeof p->cur);
    p->cur.id = copy(p, id, n);
    p->cur.file = copy(p, p->file, strlen(p->file));
    p->cur.line = p->line;
    p->cur.higher_is_better = true;
    p->in_block = true;
    p->is_grade = grade;
    p->cur_measure = -1;
    p->cur_target = -1;
    p->better_set = false;
}

static void kpi_setting(kparser *p, const char *key, size_t kn, const char *v, size_t n, int kcol)
{
    bp_kpi *k = &p->cur;
    int vcol = col_of(p, v);
    bp_measure *ms = p->cur_measure >= 0 ? &k->measures[p->cur_measure] : NULL;
    bp_target *t = cur_target(p);

    /* Measure settings while a measure is open. */
    if (ms && (bp_settings_word_is(key, kn, "name") || bp_settings_word_is(key, kn, "unit")
               || bp_settings_word_is(key, kn, "expr") || bp_settings_word_is(key, kn, "points"))) {
        if (bp_settings_word_is(key, kn, "name")) set_string(p, &ms->name, "name", v, n, kcol);
        else if (bp_settings_word_is(key, kn, "unit")) parse_unit(p, v, n, &ms->unit);
        else if (bp_settings_word_is(key, kn, "expr")) {
            if (ms->expr) perr(p, kcol, "'expr' is set twice for measure '%s'", ms->id);
            else ms->expr = parse_expr(p, v, n);
        } else {
            if (ms->npoints || ms->points) perr(p, kcol, "'points' is set twice for measure '%s'", ms->id);
            else set_points(p, ms, v, n);
        }
        return;
    }
    /* Target settings while a target is open. */
    if (t && bp_settings_word_is(key, kn, "scope")) {
        static const char *const names[] = {"institution", "phase", "trust", "course"};
        static const unsigned bits[] = {BP_SCOPE_F_INSTITUTION, BP_SCOPE_F_PHASE, BP_SCOPE_F_TRUST,
                                        BP_SCOPE_F_COURSE};
        set_flags(p, v, n, &t->scopes, "scope", names, bits, 4,
                  "institution, phase, trust or course");
        return;
    }
    if (t && bp_settings_word_is(key, kn, "phases")) { set_phases(p, t, v, n); return; }
    if (t && bp_settings_word_is(key, kn, "scenarios")) {
        static const char *const names[] = {"actual", "budget", "forecast"};
        static const unsigned bits[] = {1u << BP_ACTUAL, 1u << BP_BUDGET, 1u << BP_FORECAST};
        set_flags(p, v, n, &t->scenarios, "scenario", names, bits, 3, "actual, budget or forecast");
        return;
    }
    if (t && bp_settings_word_is(key, kn, "from")) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 31 ? n : 31), v);
        if (!bp_year_parse(buf, &t->from_year))
            perr(p, vcol, "expected a year such as 2021/22, found '%.*s'", (int)n, v);
        return;
    }
    if (t && bp_settings_word_is(key, kn, "when")) {
        if (t->when) perr(p, kcol, "'when' is set twice for this target");
        else t->when = parse_expr(p, v, n);
        return;
    }
    if (t && bp_settings_word_is(key, kn, "amber")) {
        if (t->namber) perr(p, kcol, "'amber' is set twice for this target");
        else set_amber(p, t, v, n);
        return;
    }

    /* Anything else closes an open measure and belongs to the KPI itself. */
    p->cur_measure = -1;
    if (bp_settings_word_is(key, kn, "name")) set_string(p, &k->name, "name", v, n, kcol);
    else if (bp_settings_word_is(key, kn, "section"))
        set_string(p, &k->section, "section", v, n, kcol);
    else if (bp_settings_word_is(key, kn, "description")) {
        /* several description lines are joined with a space */
        size_t old = k->description ? strlen(k->description) : 0;
        size_t had = old ? bp_excel_chars(k->description, old) : 0;
        /* reported at the line that goes over, once: the lines after it are kept */
        if (had <= BP_EXCEL_CELL_CHARS)
            cell_text_ok(p, "a description (its lines joined)",
                         had + (old ? 1 : 0) + bp_excel_chars(v, n), col_of(p, v));
        char *d = realloc(k->description, old + n + 2);
        if (!d) {
            p->nomem = p->failed = true;
            return;
        }
        if (old) d[old++] = ' ';
        memcpy(d + old, v, n);
        d[old + n] = 0;
        k->description = d;
    } else if (bp_settings_word_is(key, kn, "unit")) {
        if (p->is_grade) perr(p, kcol, "a grade's unit is its grades: set 'unit:' on each measure");
        else parse_unit(p, v, n, &k->unit);
    } else if (bp_settings_word_is(key, kn, "expr")) {
        if (p->is_grade) perr(p, kcol, "a grade has no 'expr:': its measures do");
        else if (k->expr || k->expr_text) perr(p, kcol, "'expr' is set twice in this block");
        else {
            k->expr = parse_expr(p, v, n);
            k->expr_text = copy(p, v, n);
        }
    } else if (bp_settings_word_is(key, kn, "counts")) {
        /* build --publish suppresses small counts of people (docs/kpi-format.md) */
        if (p->is_grade) perr(p, kcol, "a grade's points count no people: 'counts:' belongs in a kpi");
        else if (k->counts_people) perr(p, kcol, "'counts' is set twice in this block");
        else if (!bp_settings_word_is(v, n, "people"))
            perr(p, vcol, "expected 'people' (its numerator and denominator count people), "
                 "found '%.*s'", (int)n, v);
        else {
            k->counts_people = true;
            p->counts_line = p->line;
            p->counts_col = kcol;
        }
    } else if (bp_settings_word_is(key, kn, "better")) {
        if (bp_settings_word_is(v, n, "higher")) k->higher_is_better = true;
        else if (bp_settings_word_is(v, n, "lower")) k->higher_is_better = false;
        else perr(p, vcol, "expected 'higher' or 'lower', found '%.*s'", (int)n, v);
        p->better_set = true;
    } else if (bp_settings_word_is(key, kn, "target")) {
        set_target(p, v, n);
        bp_target *nt = cur_target(p);
        if (nt && !p->better_set && k->ntargets == 1)
            k->higher_is_better = nt->cmp != BP_CMP_MAX;
    } else if (bp_settings_word_is(key, kn, "measure")) {
        if (!p->is_grade) {
            perr(p, kcol, "'measure:' belongs in a grade block (grade ID), not a kpi");
            return;
        }
        if (k->nmeasures >= 8) {
            perr(p, kcol, "at most 8 measures in a grade");
            return;
        }
        if (!bp_settings_id_ok(&kpi_kind, v, n)) {
            perr(p, vcol, "'%.*s' is not a measure id: use lower-case letters, digits and '_'",
                 (int)n, v);
            return;
        }
        bp_measure *nm = bp_grow(k->measures, &p->measures_cap, k->nmeasures + 1, sizeof *nm);
        if (!nm) {
            p->nomem = p->failed = true;
            return;
        }
        k->measures = nm;
        memset(&k->measures[k->nmeasures], 0, sizeof *nm);
        k->measures[k->nmeasures].id = copy(p, v, n);
        k->measures[k->nmeasures].line = p->line;
        k->measures[k->nmeasures].unit = BP_UNIT_NUMBER;
        p->cur_measure = (int)k->nmeasures++;
        p->cur_target = -1;
    } else if (bp_settings_word_is(key, kn, "grades")) {
        if (!p->is_grade) perr(p, kcol, "'grades:' belongs in a grade block (grade ID), not a kpi");
        else if (k->ngrades) perr(p, kcol, "'grades' is set twice in this block");
        else set_grades(p, v, n);
    } else if (bp_settings_word_is(key, kn, "scope") || bp_settings_word_is(key, kn, "phases")
               || bp_settings_word_is(key, kn, "scenarios") || bp_settings_word_is(key, kn, "from")
               || bp_settings_word_is(key, kn, "when") || bp_settings_word_is(key, kn, "amber")) {
        perr(p, kcol, "'%.*s' describes a target: put it after a 'target:' line", (int)kn, key);
    } else if (bp_settings_word_is(key, kn, "points")) {
        perr(p, kcol, "'points' belongs to a measure: put it after a 'measure:' line");
    } else {
        perr(p, kcol, "unknown setting '%.*s': expected name, expr, unit, section, description, "
             "better, counts, target%s", (int)kn, key, p->is_grade ? ", measure or grades" : "");
    }
}

/* One header or entry of the file (bp_settings has checked its shape). */
static void on_setting(kparser *p, const bp_setting *e)
{
    p->line = e->line;
    p->text = e->text;
    if (p->rd->errors) p->failed = true;   /* the reader's own, on this line or before */
    if (e->header) {
        start_block(p, e);
        return;
    }
    const char *key = e->key, *v = e->value;
    size_t kn = e->klen, vn = e->vlen;
    if (e->in_block && bp_settings_word_is(key, kn, "defaults")) {
        perr(p, e->kcol, "'defaults:' must come before the first kpi");
        return;
    }
    if (!e->in_block) {        /* "defaults:", the one setting before the first block */
        if (p->any_setting)
            perr(p, e->kcol, "'defaults:' must come before the first kpi");
        else if (bp_settings_word_is(v, vn, "replace")) p->replace = true;
        else if (!bp_settings_word_is(v, vn, "extend"))
            perr(p, e->vcol, "expected 'replace' or 'extend', found '%.*s'", (int)vn, v);
        p->any_setting = true;
        return;
    }
    kpi_setting(p, key, kn, v, vn, e->kcol);
}

bp_err bp_kpi_parse(const char *display_name, const char *text, size_t len, bp_kpiset *s,
                    bp_diags *diags)
{
    kparser p;
    memset(&p, 0, sizeof p);
    p.file = display_name;
    p.diags = diags;
    p.cur_measure = p.cur_target = -1;
    bp_settings rd;
    bp_settings_open(&rd, &kpi_kind, display_name, text, len, diags);
    p.rd = &rd;
    bp_setting e;
    while (bp_settings_next(&rd, &e)) {
        /* names, descriptions and labels reach the packs: text they cannot draw as
         * written is a warning at its line (ids follow stricter rules of their own) */
        if (!e.header)
            bp_script_check(NULL, diags, display_name, e.line, e.key, e.value, e.vlen);
        on_setting(&p, &e);
    }
    if (rd.errors) p.failed = true;   /* the reader's own: bad UTF-8, lines it refused */
    if (rd.nomem) p.nomem = true;
    if (rd.stopped && p.in_block) {
        /* a NUL byte: the block being read stops there too, and judging it incomplete
         * would only add errors about lines that were never read */
        drop_block_state(&p);
        kpi_free(&p.cur);
        p.in_block = false;
    }
    finish_block(&p);
    bp_settings_close(&rd);
    if (p.failed || p.nomem) {
        for (size_t k = 0; k < p.ndone; k++) kpi_free(&p.done[k]);
        free(p.done);
        return p.nomem ? BP_ERR_NOMEM : kpi_kind.err;
    }
    if (p.replace) bp_kpiset_free(s);
    size_t cap = s->count;   /* room known to be there */
    for (size_t k = 0; k < p.ndone; k++) {
        int at = bp_kpi_find(s, p.done[k].id);
        if (at >= 0) {
            kpi_free(&s->kpis[at]);
            s->kpis[at] = p.done[k];
            continue;
        }
        bp_kpi *n = bp_grow(s->kpis, &cap, s->count + 1, sizeof *n);
        if (!n) {
            for (size_t j = k; j < p.ndone; j++) kpi_free(&p.done[j]);
            free(p.done);
            return BP_ERR_NOMEM;
        }
        s->kpis = n;
        s->kpis[s->count++] = p.done[k];
    }
    free(p.done);
    return BP_OK;
}

bp_err bp_kpi_load_file(const char *path, const char *display_name, bp_kpiset *s,
                        bp_diags *diags)
{
    char *buf;
    size_t len;
    bp_err err = bp_settings_read_file(&kpi_kind, path, display_name, &buf, &len, diags);
    if (err != BP_OK) return err;
    err = bp_kpi_parse(display_name, buf, len, s, diags);
    free(buf);
    return err;
}

/* ---- validation against a data set ---- */

/* The contract's code families; users may add deeper codes under them. */
static const char *const contract_roots[] = {
    "income", "exp", "memo", "bs", "students", "survey", "inspection", "outcomes", "staff",
    "timetable", "classes", "gov"
};

static bool contract_root(const char *code)
{
    size_t n = strcspn(code, ".");
    for (size_t i = 0; i < sizeof contract_roots / sizeof *contract_roots; i++)
        if (bp_settings_word_is(code, n, contract_roots[i])) return true;
    return false;
}

typedef struct {
    const bp_kpiset *set;
    const bp_model *m;
    const bp_kpi *kpi;
    bp_diags *diags;
    bool failed;
    size_t *absent;          /* absent-code warnings given so far (warn_absent_codes) */
} vctx;

static void check_node(const bp_expr *e, void *arg)
{
    vctx *v = arg;
    const char *file = v->kpi->file;
    switch (e->op) {
    case BP_E_SUM: {
        const char *f = bp_course_field(e->name);
        if (f) {
            if (strcmp(f, "income") && strcmp(f, "direct_costs") && strcmp(f, "students")
                && strcmp(f, "count")) {
                bp_diag_add(v->diags, BP_DIAG_ERROR, file, e->line, e->column,
                            "unknown course field '%s': expected course.income, "
                            "course.direct_costs, course.students or course.count", e->name);
                v->failed = true;
            }
        } else if (!contract_root(e->name) && !bp_model_has_code(v->m, e->name)) {
            bp_diag_add(v->diags, BP_DIAG_ERROR, file, e->line, e->column,
                        "unknown fact code '%s' in KPI '%s': not a code of the data contract "
                        "and no fact in the data set has it", e->name, v->kpi->id);
            v->failed = true;
        }
        break;
    }
    case BP_E_NATIONAL:
    case BP_E_KPI: {
        int k = bp_kpi_find(v->set, e->name);
        if (k < 0) {
            bp_diag_add(v->diags, BP_DIAG_ERROR, file, e->line, e->column,
                        "%s(%s) in KPI '%s' names no KPI of the set",
                        e->op == BP_E_KPI ? "kpi" : "national", e->name, v->kpi->id);
            v->failed = true;
        } else if (e->op == BP_E_KPI && !v->set->kpis[k].expr) {
            bp_diag_add(v->diags, BP_DIAG_ERROR, file, e->line, e->column,
                        "kpi(%s) names a grade, which has no single expression", e->name);
            v->failed = true;
        }
        break;
    }
    default: break;
    }
}

/* Depth-first search over kpi() references; colour 1 = on the path, 2 = done. */
static bool find_cycle(const bp_kpiset *s, int k, unsigned char *colour, bp_diags *diags);

typedef struct {
    const bp_kpiset *s;
    unsigned char *colour;
    bp_diags *diags;
    int from;
    bool cycle;
} cyc;

static void cycle_visit(const bp_expr *e, void *arg)
{
    cyc *c = arg;
    if (e->op != BP_E_KPI || c->cycle) return;
    int k = bp_kpi_find(c->s, e->name);
    if (k < 0) return;
    if (c->colour[k] == 1) {
        const bp_kpi *from = &c->s->kpis[c->from];
        bp_diag_add(c->diags, BP_DIAG_ERROR, from->file, e->line, e->column,
                    "kpi(%s) in KPI '%s' refers back to itself through a cycle of kpi() references",
                    e->name, from->id);
        c->cycle = true;
        return;
    }
    if (c->colour[k] == 0 && find_cycle(c->s, k, c->colour, c->diags)) c->cycle = true;
}

static bool find_cycle(const bp_kpiset *s, int k, unsigned char *colour, bp_diags *diags)
{
    colour[k] = 1;
    cyc c = {s, colour, diags, k, false};
    bp_expr_visit(s->kpis[k].expr, cycle_visit, &c);
    colour[k] = 2;
    return c.cycle;
}

/* ---- constant divisors and the size of an expression once kpi() is expanded ---- */

/* The value of an expression made only of numbers and + - * /, if it is one. */
static bool constant(const bp_expr *e, bp_num *v)
{
    bp_num a, b;
    switch (e->op) {
    case BP_E_NUM: *v = e->num; return true;
    case BP_E_NEG:
        if (!constant(e->a, &a)) return false;
        *v = bp_num_neg(a);
        return true;
    case BP_E_ADD: case BP_E_SUB: case BP_E_MUL: case BP_E_DIV:
        if (!constant(e->a, &a) || !constant(e->b, &b)) return false;
        *v = e->op == BP_E_ADD ? bp_num_add(a, b) : e->op == BP_E_SUB ? bp_num_sub(a, b)
           : e->op == BP_E_MUL ? bp_num_mul(a, b) : bp_num_div(a, b);
        return v->ok;   /* 1 / 0 inside is reported where it is */
    default: return false;
    }
}

/* "income / 0" is always no data: a mistake, so an error at the divisor. */
static void check_divisors(const bp_expr *e, vctx *v)
{
    if (!e) return;
    bp_num d;
    if (e->op == BP_E_DIV && constant(e->b, &d) && bp_num_is_zero(d)) {
        bp_diag_add(v->diags, BP_DIAG_ERROR, v->kpi->file, e->b->line, e->b->column,
                    "found a division by zero in KPI '%s': the divisor is always 0, so the "
                    "result would always be no data", v->kpi->id);
        v->failed = true;
    }
    check_divisors(e->a, v);
    check_divisors(e->b, v);
    check_divisors(e->c, v);
}

/* Evaluating kpi(x) evaluates x's expression in place, so the work and the stack an
 * expression needs are those of its expansion.  Limits on it keep a hostile file from
 * exhausting the stack (depth) or taking forever (kpi(b) + kpi(b), b = kpi(c) + kpi(c),
 * ... doubles at each level).  MAX_KPI_LEVELS matches the evaluator's own guard. */
#define MAX_EXPANDED_TERMS 10000
#define MAX_EXPANDED_HEIGHT 1000
#define MAX_KPI_LEVELS 64

typedef struct {
    size_t terms;            /* nodes, saturating at MAX_EXPANDED_TERMS + 1 */
    int height, levels;      /* levels: kpi() references inside one another */
} esize;

static esize kpi_size(const bp_kpiset *s, int k, esize *memo, unsigned char *done);

static esize expr_size(const bp_kpiset *s, const bp_expr *e, esize *memo, unsigned char *done)
{
    esize r = {0, 0, 0};
    if (!e) return r;
    const bp_expr *kids[3] = {e->a, e->b, e->c};
    r.terms = 1;
    for (int i = 0; i < 3; i++) {
        esize c = expr_size(s, kids[i], memo, done);
        r.terms += c.terms;
        if (c.height + 1 > r.height) r.height = c.height + 1;
        if (c.levels > r.levels) r.levels = c.levels;
    }
    if (r.height == 0) r.height = 1;
    if (e->op == BP_E_KPI) {
        int k = bp_kpi_find(s, e->name);
        if (k >= 0 && s->kpis[k].expr) {
            esize t = kpi_size(s, k, memo, done);
            r.terms += t.terms;
            if (t.height + 1 > r.height) r.height = t.height + 1;
            if (t.levels + 1 > r.levels) r.levels = t.levels + 1;
        }
    }
    if (r.terms > MAX_EXPANDED_TERMS) r.terms = MAX_EXPANDED_TERMS + 1;
    return r;
}

/* Memoised per KPI; called only once the set is known to have no kpi() cycle. */
static esize kpi_size(const bp_kpiset *s, int k, esize *memo, unsigned char *done)
{
    if (!done[k]) {
        memo[k] = expr_size(s, s->kpis[k].expr, memo, done);
        done[k] = 1;
    }
    return memo[k];
}

static void check_size(const bp_expr *e, vctx *v, esize *memo, unsigned char *done)
{
    if (!e) return;
    esize z = expr_size(v->set, e, memo, done);
    if (z.levels > MAX_KPI_LEVELS)
        bp_diag_add(v->diags, BP_DIAG_ERROR, v->kpi->file, e->line, e->column,
                    "found more than %d kpi() references inside one another in KPI '%s', "
                    "expected at most %d", MAX_KPI_LEVELS, v->kpi->id, MAX_KPI_LEVELS);
    else if (z.height > MAX_EXPANDED_HEIGHT)
        bp_diag_add(v->diags, BP_DIAG_ERROR, v->kpi->file, e->line, e->column,
                    "found KPI '%s' nested more than %d levels deep once its kpi() references "
                    "are expanded, expected at most %d", v->kpi->id, MAX_EXPANDED_HEIGHT,
                    MAX_EXPANDED_HEIGHT);
    else if (z.terms > MAX_EXPANDED_TERMS)
        bp_diag_add(v->diags, BP_DIAG_ERROR, v->kpi->file, e->line, e->column,
                    "found KPI '%s' with more than %d terms once its kpi() references are "
                    "expanded, expected at most %d", v->kpi->id, MAX_EXPANDED_TERMS,
                    MAX_EXPANDED_TERMS);
    else
        return;
    v->failed = true;
}

/* A code under a contract family that no fact carries is legal (the data may simply lack
 * it) but is often a typo: say so once per code. */
/* Each look for an earlier warning scans the list, so the list is capped: a file naming
 * thousands of absent codes gets the first MAX_ABSENT_WARNINGS and one more warning. */
#define MAX_ABSENT_WARNINGS 100

static void warn_absent_codes(const bp_expr *e, void *arg)
{
    vctx *v = arg;
    if (e->op != BP_E_SUM || e->has_dflt || bp_course_field(e->name)) return;
    if (bp_model_has_code(v->m, e->name)) return;
    if (*v->absent > MAX_ABSENT_WARNINGS) return;
    /* once per code: "code 'exp.staf'" must not count as a warning about "exp" */
    char needle[160];
    snprintf(needle, sizeof needle, "has code '%s' (", e->name);
    for (size_t i = 0; i < v->diags->count; i++)
        if (v->diags->items[i].level == BP_DIAG_WARNING && strstr(v->diags->items[i].message, needle)
            && strncmp(v->diags->items[i].message, "no fact in the data set", 23) == 0)
            return;
    if ((*v->absent)++ == MAX_ABSENT_WARNINGS) {
        bp_diag_add(v->diags, BP_DIAG_WARNING, v->kpi->file, e->line, e->column,
                    "more codes that no fact in the data set has, from here on, are not listed "
                    "(the first %d are)", MAX_ABSENT_WARNINGS);
        return;
    }
    bp_diag_add(v->diags, BP_DIAG_WARNING, v->kpi->file, e->line, e->column,
                "no fact in the data set has code '%s' (KPI '%s' shows no data where it is needed)",
                e->name, v->kpi->id);
}

static void visit_kpi(const bp_kpi *k, bp_expr_visit_fn fn, vctx *v)
{
    bp_expr_visit(k->expr, fn, v);
    for (size_t i = 0; i < k->nmeasures; i++) bp_expr_visit(k->measures[i].expr, fn, v);
    for (size_t i = 0; i < k->ntargets; i++) {
        bp_expr_visit(k->targets[i].lo, fn, v);
        bp_expr_visit(k->targets[i].hi, fn, v);
        bp_expr_visit(k->targets[i].when, fn, v);
    }
}

/* Evaluation makes one result (about a kilobyte) for every KPI, entity (institution,
 * phase with institutions, trust) and (year, scenario) present: a product of three
 * input-driven numbers.  Checked here, the last step before evaluation, so that a data
 * set and KPI file that would need gigabytes are refused with a message instead. */
#define MAX_RESULTS 1000000

/* The (year, scenario) pairs the evaluator will use: those with a fact, and course years,
 * within the span of the fact years (bp_eval.c, present_pairs). */
static size_t pairs_present(const bp_model *m)
{
    static const int lo = 1900, nyrs = 1100;   /* bp_year_parse: 1900..2999 */
    bool seen[1100][BP_SCENARIO_COUNT];
    memset(seen, 0, sizeof seen);
    int y0 = m->nyears ? m->years[0] : m->report_year;
    int y1 = m->nyears ? m->years[m->nyears - 1] : m->report_year;
    const bp_fact *fs = m->totals ? m->totals : m->facts;
    size_t nfs = m->totals ? m->ntotals : m->nfacts;
    for (size_t i = 0; i < nfs; i++)
        if (fs[i].year >= lo && fs[i].year < lo + nyrs)
            seen[fs[i].year - lo][fs[i].scenario] = true;
    for (size_t i = 0; i < m->ncourses; i++)
        if (m->courses[i].year >= lo && m->courses[i].year < lo + nyrs) {
            bool iy = m->inyear && m->courses[i].year == m->inyear;
            seen[m->courses[i].year - lo][iy ? BP_OUTTURN : BP_ACTUAL] = true;
            if (iy) seen[m->courses[i].year - lo][BP_YTD_ACTUAL] = true;
        }
    size_t n = 0;
    for (int y = y0; y <= y1; y++)
        for (int sc = 0; sc < BP_SCENARIO_COUNT; sc++)
            if (y >= lo && y < lo + nyrs && seen[y - lo][sc]) n++;
    return n;
}

/* Evaluation works out every term of a KPI's expressions (its targets' too) for each
 * member of each entity - an institution once for itself, once for its phase and once
 * for the trust - in each (year, scenario); a KPI that kpi() refers to, once more per
 * member (its values are remembered, bp_eval.c); a KPI with a course target, once for
 * each course.  Each factor is capped, but their product is not: 1,000 KPIs of 1,650
 * terms, within the 4 MiB file cap, took 150 s for 50 institutions.  So the product is
 * capped too, at what evaluates in well under 10 s on one core (docs/limits.md): about
 * 4 s for terms that are sums, the slowest kind. */
#define MAX_WORK 50000000

static uint64_t nodes(const bp_expr *e)
{
    return e ? 1 + nodes(e->a) + nodes(e->b) + nodes(e->c) : 0;
}

typedef struct {
    const bp_kpiset *s;
    unsigned char *referred;
} refs;

static void mark_referred(const bp_expr *e, void *arg)
{
    refs *r = arg;
    int k = e->op == BP_E_KPI ? bp_kpi_find(r->s, e->name) : -1;
    if (k >= 0) r->referred[k] = 1;
}


/* BP_OK, BP_ERR_LIMIT (reported) or BP_ERR_NOMEM. */
static bp_err check_work(const bp_kpiset *s, const bp_model *m, bp_diags *diags)
{
    size_t n = s->count ? s->count : 1, pairs = pairs_present(m);
    refs r = {s, calloc(n, 1)};
    if (!r.referred) return BP_ERR_NOMEM;
    for (size_t i = 0; i < s->count; i++) {
        const bp_kpi *k = &s->kpis[i];
        bp_expr_visit(k->expr, mark_referred, &r);
        for (size_t j = 0; j < k->nmeasures; j++) bp_expr_visit(k->measures[j].expr, mark_referred, &r);
        for (size_t j = 0; j < k->ntargets; j++) {
            bp_expr_visit(k->targets[j].lo, mark_referred, &r);
            bp_expr_visit(k->targets[j].hi, mark_referred, &r);
            bp_expr_visit(k->targets[j].when, mark_referred, &r);
        }
    }
    unsigned char *referred = r.referred;
    uint64_t members = 2 * (uint64_t)m->ninsts;   /* each for itself, and in the trust */
    for (size_t i = 0; i < m->ninsts; i++) members += m->insts[i].phase != BP_PHASE_CENTRAL;
    uint64_t per_term = members * pairs, work = 0;
    bool ok = true;
    for (size_t i = 0; i < s->count && ok; i++) {
        const bp_kpi *k = &s->kpis[i];
        uint64_t terms = nodes(k->expr), course = 0;
        for (size_t j = 0; j < k->nmeasures; j++) terms += nodes(k->measures[j].expr);
        for (size_t j = 0; j < k->ntargets; j++) {
            const bp_target *t = &k->targets[j];
            uint64_t tt = nodes(t->lo) + nodes(t->hi) + nodes(t->when);
            terms += tt;
            if (t->scopes & BP_SCOPE_F_COURSE) course = nodes(k->expr) + tt;
        }
        if (referred[i]) terms += nodes(k->expr);
        work += terms * per_term + course * m->ncourses;
        if (work > MAX_WORK) {
            const bp_expr *at = k->expr ? k->expr : k->nmeasures ? k->measures[0].expr : NULL;
            bp_diag_add(diags, BP_DIAG_ERROR, k->file, at ? at->line : k->line, at ? at->column : 0,
                        "found KPI '%s' at which evaluation passes %d operations, expected at "
                        "most %d: the terms of the KPIs so far, each worked out %llu times (for "
                        "%llu institutions, phase members and trust members in %zu years and "
                        "scenarios)", k->id, MAX_WORK, MAX_WORK, (unsigned long long)per_term,
                        (unsigned long long)members, pairs);
            ok = false;
        }
    }
    free(referred);
    return ok ? BP_OK : BP_ERR_LIMIT;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A benchmark is looked up by KPI id: one for an id the set does not have is never used
 * (a typo, or a KPI the trust replaced).  The ids are searched in sorted order: national.csv
 * may hold millions of rows. */
static bp_err warn_unused_benchmarks(const bp_kpiset *s, const bp_model *m, bp_diags *diags)
{
    const char **ids = malloc((s->count ? s->count : 1) * sizeof *ids);
    if (!ids) return BP_ERR_NOMEM;
    for (size_t i = 0; i < s->count; i++) ids[i] = s->kpis[i].id;
    if (s->count > 1) qsort(ids, s->count, sizeof *ids, str_cmp);
    for (size_t i = 0; i < m->nbenchmarks; i++) {
        const bp_benchmark *b = &m->benchmarks[i];
        if (s->count && bsearch(&b->kpi, ids, s->count, sizeof *ids, str_cmp)) continue;
        bp_diag_add(diags, BP_DIAG_WARNING, "national.csv", b->line, b->column,
                    "found code '%s', which is not a KPI of the set: this benchmark is not used",
                    b->kpi);
    }
    free(ids);
    return diags->oom ? BP_ERR_NOMEM : BP_OK;
}

bp_err bp_kpi_validate(const bp_kpiset *s, const bp_model *m, const char *warn_file,
                       bp_diags *diags)
{
    bool failed = false;
    {
        unsigned phases = 0;
        for (size_t i = 0; i < m->ninsts; i++)
            if (m->insts[i].phase != BP_PHASE_CENTRAL) phases |= 1u << m->insts[i].phase;
        size_t nphases = 0;
        for (int p = 0; p < BP_PHASE_COUNT; p++) nphases += (phases >> p) & 1u;
        size_t ents = m->ninsts + nphases + 1, pairs = pairs_present(m);
        /* each factor is far below 2^21 (KPIs by the file cap, institutions by the
         * loader's cap, pairs by 64 years x 3): the product fits in size_t */
        size_t results = s->count * ents * pairs;
        if (results > MAX_RESULTS) {
            bp_diag_add(diags, BP_DIAG_ERROR, warn_file ? warn_file : "", 0, 0,
                        "found %zu KPIs for %zu institutions, phases and the trust in %zu years "
                        "and scenarios, %zu results, expected at most %d results", s->count, ents,
                        pairs, results, MAX_RESULTS);
            return BP_ERR_LIMIT;
        }
    }
    for (size_t i = 0; i < s->count; i++) {
        vctx v = {s, m, &s->kpis[i], diags, false, NULL};
        visit_kpi(&s->kpis[i], check_node, &v);
        failed |= v.failed;
    }
    for (size_t i = 0; i < s->count; i++) {
        vctx v = {s, m, &s->kpis[i], diags, false, NULL};
        const bp_kpi *k = &s->kpis[i];
        check_divisors(k->expr, &v);
        for (size_t j = 0; j < k->nmeasures; j++) check_divisors(k->measures[j].expr, &v);
        for (size_t j = 0; j < k->ntargets; j++) {
            check_divisors(k->targets[j].lo, &v);
            check_divisors(k->targets[j].hi, &v);
            check_divisors(k->targets[j].when, &v);
        }
        failed |= v.failed;
    }
    size_t n = s->count ? s->count : 1;
    unsigned char *colour = calloc(n, 1);
    esize *memo = malloc(n * sizeof *memo);
    if (!colour || !memo) {
        free(colour);
        free(memo);
        return BP_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->count && !failed; i++)
        if (colour[i] == 0 && find_cycle(s, (int)i, colour, diags)) failed = true;
    /* no cycle (and every kpi() known): the expansions are finite, and now measured */
    memset(colour, 0, n);
    bool sizes = !failed;
    for (size_t i = 0; i < s->count && sizes; i++) {
        vctx v = {s, m, &s->kpis[i], diags, false, NULL};
        const bp_kpi *k = &s->kpis[i];
        check_size(k->expr, &v, memo, colour);
        for (size_t j = 0; j < k->nmeasures; j++) check_size(k->measures[j].expr, &v, memo, colour);
        for (size_t j = 0; j < k->ntargets; j++) {
            check_size(k->targets[j].lo, &v, memo, colour);
            check_size(k->targets[j].hi, &v, memo, colour);
            check_size(k->targets[j].when, &v, memo, colour);
        }
        failed |= v.failed;
    }
    free(colour);
    free(memo);
    if (failed) return BP_ERR_KPI;
    bp_err werr = check_work(s, m, diags);
    if (werr != BP_OK) return werr;
    size_t absent = 0;
    for (size_t i = 0; i < s->count; i++) {
        if (!warn_file || strcmp(s->kpis[i].file, warn_file) != 0) continue;
        vctx v = {s, m, &s->kpis[i], diags, false, &absent};
        visit_kpi(&s->kpis[i], warn_absent_codes, &v);
    }
    return warn_unused_benchmarks(s, m, diags);
}

/* ---- what the data set has for the KPIs ---- */

/* The default KPIs contract v2 added.  They have results only where their inputs exist,
 * so that a data set written for v1 without them (no reserves) gets no rows of no data
 * from a KPI it never asked for: its outputs change only where it holds the facts. */
static const char *const v2_defaults[] = {"revenue_reserve", "cash_min"};

typedef struct {
    const bp_model *m;
    const char *id;          /* refers: the KPI looked for */
    bool found;
} feed;

static void has_fact(const bp_expr *e, void *arg)
{
    feed *f = arg;
    if (e->op == BP_E_SUM && !bp_course_field(e->name) && bp_model_has_code(f->m, e->name))
        f->found = true;
    /* the low point of the cash flow reads the cash.* facts */
    if (e->op == BP_E_ATTR && strcmp(e->name, "cash_min") == 0 && bp_model_has_code(f->m, "cash"))
        f->found = true;
}

static void refers(const bp_expr *e, void *arg)
{
    feed *f = arg;
    if ((e->op == BP_E_KPI || e->op == BP_E_NATIONAL) && strcmp(e->name, f->id) == 0)
        f->found = true;
}

static void visit_all(const bp_kpi *k, bp_expr_visit_fn fn, feed *f)
{
    bp_expr_visit(k->expr, fn, f);
    for (size_t i = 0; i < k->nmeasures; i++) bp_expr_visit(k->measures[i].expr, fn, f);
    for (size_t i = 0; i < k->ntargets; i++) {
        bp_expr_visit(k->targets[i].lo, fn, f);
        bp_expr_visit(k->targets[i].hi, fn, f);
        bp_expr_visit(k->targets[i].when, fn, f);
    }
}

/* Is KPI k named by another KPI's expression or by an action?  Then it stays: leaving it
 * out would turn a reference that was checked into one to nothing. */
static bool named(const bp_kpiset *s, const bp_model *m, size_t k)
{
    feed f = {m, s->kpis[k].id, false};
    for (size_t i = 0; i < s->count && !f.found; i++)
        if (i != k) visit_all(&s->kpis[i], refers, &f);
    for (size_t i = 0; i < m->nactions && !f.found; i++)
        for (size_t j = 0; j < m->actions[i].nkpis && !f.found; j++)
            f.found = strcmp(m->actions[i].kpis[j], f.id) == 0;
    return f.found;
}

void bp_kpi_drop_unfed(bp_kpiset *s, const bp_model *m, const char *defaults_file)
{
    for (size_t k = 0; k < s->count;) {
        const bp_kpi *kp = &s->kpis[k];
        bool v2 = false;
        for (size_t i = 0; i < sizeof v2_defaults / sizeof *v2_defaults; i++)
            v2 |= strcmp(kp->id, v2_defaults[i]) == 0;
        feed f = {m, NULL, false};
        if (v2 && defaults_file && strcmp(kp->file, defaults_file) == 0)
            visit_all(kp, has_fact, &f);
        if (!v2 || !defaults_file || strcmp(kp->file, defaults_file) != 0 || f.found
            || named(s, m, k)) {
            k++;
            continue;
        }
        kpi_free(&s->kpis[k]);
        memmove(&s->kpis[k], &s->kpis[k + 1], (s->count - k - 1) * sizeof *s->kpis);
        s->count--;
    }
}

bp_err bp_kpi_check_actions(const bp_kpiset *s, const bp_model *m, bp_diags *diags)
{
    const char **ids = malloc((s->count ? s->count : 1) * sizeof *ids);
    if (!ids) return BP_ERR_NOMEM;
    for (size_t i = 0; i < s->count; i++) ids[i] = s->kpis[i].id;
    if (s->count > 1) qsort(ids, s->count, sizeof *ids, str_cmp);
    size_t before = diags->errors;
    for (size_t i = 0; i < m->nactions; i++) {
        const bp_action *a = &m->actions[i];
        for (size_t j = 0; j < a->nkpis; j++) {
            const char *id = a->kpis[j];
            if (s->count && bsearch(&id, ids, s->count, sizeof *ids, str_cmp)) continue;
            char b[200];
            bp_diag_quote(id, strlen(id), b, sizeof b);
            bp_diag_add(diags, BP_DIAG_ERROR, "actions.csv", a->line, a->kpis_column,
                        "found \"%s\" in column \"kpis\", expected a KPI id of the set "
                        "(templates/kpis/default.kpi and the data set's kpis.kpi)", b);
        }
    }
    free(ids);
    if (diags->oom) return BP_ERR_NOMEM;
    return diags->errors > before ? BP_ERR_DATA : BP_OK;
}

/* ---- decisions ---- */

static bool within(bp_num v, bp_num lo, bp_num hi)
{
    return bp_num_cmp(v, lo) >= 0 && bp_num_cmp(v, hi) <= 0;
}

bp_status bp_target_decide(const bp_target *t, bp_num value, bp_num lo, bp_num hi)
{
    if (!value.ok) return BP_STATUS_NONE;
    bool met;
    switch (t->cmp) {
    case BP_CMP_MIN:
        if (!lo.ok) return BP_STATUS_NONE;
        met = bp_num_cmp(value, lo) >= 0;
        break;
    case BP_CMP_MAX:
        if (!hi.ok) return BP_STATUS_NONE;
        met = bp_num_cmp(value, hi) <= 0;
        break;
    default:
        if (!lo.ok || !hi.ok) return BP_STATUS_NONE;
        met = within(value, lo, hi);
        break;
    }
    if (met) return BP_STATUS_GREEN;
    for (size_t i = 0; i < t->namber; i++)
        if (within(value, t->amber[i].lo, t->amber[i].hi)) return BP_STATUS_AMBER;
    return BP_STATUS_RED;
}

bp_num bp_measure_points(const bp_measure *ms, bp_num value)
{
    if (!value.ok) return bp_num_none();
    for (size_t i = 0; i < ms->npoints; i++) {
        const bp_points *pt = &ms->points[i];
        if (!pt->has_threshold) return pt->score;
        int c = bp_num_cmp(value, pt->threshold);
        if (pt->at_most ? c <= 0 : c >= 0) return pt->score;
    }
    return bp_num_int(0);
}

int bp_grade_band_of(const bp_kpi *k, bp_num total)
{
    if (!total.ok) return -1;
    for (size_t i = 0; i < k->ngrades; i++)
        if (!k->grades[i].has_min || bp_num_cmp(total, k->grades[i].min) >= 0) return (int)i;
    return -1;
}
