/* bp_ledger: ledger files through the mapping into facts (bp_ledger.h).
 *
 * Each file is read as rows of any length (bp_csv_read_rows): the header is the first row
 * holding every column the mapping names.  Every row below it is mapped or ignored by a
 * rule, skipped (a zero row of an account no rule maps) or an error; the rows' signed
 * amounts are then sorted by fact and summed, so that many rows make one fact.  On a
 * balance basis the result to date goes to result_to's reserve before month balances
 * become month flows.  Every error is reported; the caller writes nothing then. */
#include "bp_ledger.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_csv.h"
#include "bp_infile.h"
#include "bp_money.h"
#include "bp_sha256.h"
#include "bp_util.h"

/* One row's part of a fact. */
typedef struct {
    int inst, year, period;
    bp_scenario scenario;
    const char *code;
    int64_t value;
    int line, column;
} part;

/* What an account resolved to, once per distinct account of the whole set. */
typedef struct {
    char *key;
    size_t n;
    int rule;                 /* -1: no rule maps it; -2: ambiguous (reported) */
    bool warned;              /* the zero-row warning given */
} acct;

/* Debits and credits of the actual rows of one year and period of a file. */
typedef struct {
    int year, period;
    int64_t dr, cr;
} tb_total;

typedef struct {
    bp_mapping *mp;
    const bp_model *m;
    bp_diags *d;
    bp_err err;
    acct *accts;
    size_t naccts, hcap;
    part *parts;
    size_t nparts, capparts;
    tb_total *tb;
    size_t ntb, captb;
    size_t capfacts;
} lctx;

static void nomem(lctx *c) { c->err = BP_ERR_NOMEM; }

static int family_of(const char *code)
{
    for (int k = 0; k < BP_LEDGER_FAMILIES; k++)
        if (bp_code_under(code, bp_ledger_family[k])) return k;
    return -1;
}

static bool add_to(int64_t *sum, int64_t v)
{
    return !__builtin_add_overflow(*sum, v, sum);
}

/* ---------- accounts ---------- */

static void report_ambiguous(lctx *c, const char *s, size_t n, const int *idx, size_t ties)
{
    /* at the last of the equal rules, naming the others */
    size_t last = 0;
    for (size_t i = 1; i < ties; i++)
        if (idx[i] > idx[last]) last = i;
    char others[600], one[160], txt[120];
    size_t k = 0;
    others[0] = '\0';
    for (size_t i = 0; i < ties && k < sizeof others; i++) {
        if (i == last) continue;
        const bp_map_rule *o = &c->mp->rules[idx[i]];
        bp_map_rule_text(o, one, sizeof one);
        k += (size_t)snprintf(others + k, sizeof others - k, "%s%s (%s:%d)", k ? ", " : "", one,
                              o->file, o->line);
    }
    const bp_map_rule *r = &c->mp->rules[idx[last]];
    bp_map_rule_text(r, one, sizeof one);
    bp_diag_quote(s, n, txt, sizeof txt);
    bp_diag_add(c->d, BP_DIAG_ERROR, r->file, r->line, r->column,
                "found account %s matched by %s as narrowly as by %s, expected one narrowest "
                "rule for each account (add an exact rule or a narrower one)", txt, one, others);
}

/* The rule for account s[0..n) (cached; an ambiguity is reported the first time). */
static acct *account(lctx *c, const char *s, size_t n)
{
    if (c->naccts * 2 >= c->hcap) {
        size_t ncap = c->hcap ? c->hcap * 2 : 256;
        acct *na = calloc(ncap, sizeof *na);
        if (!na) {
            nomem(c);
            return NULL;
        }
        for (size_t i = 0; i < c->hcap; i++) {
            if (!c->accts[i].key) continue;
            size_t j = bp_hash_bytes(c->accts[i].key, c->accts[i].n) & (ncap - 1);
            while (na[j].key) j = (j + 1) & (ncap - 1);
            na[j] = c->accts[i];
        }
        free(c->accts);
        c->accts = na;
        c->hcap = ncap;
    }
    size_t j = bp_hash_bytes(s, n) & (c->hcap - 1);
    while (c->accts[j].key) {
        if (c->accts[j].n == n && memcmp(c->accts[j].key, s, n) == 0) return &c->accts[j];
        j = (j + 1) & (c->hcap - 1);
    }
    acct *a = &c->accts[j];
    a->key = malloc(n + 1);
    if (!a->key) {
        nomem(c);
        return NULL;
    }
    memcpy(a->key, s, n);
    a->key[n] = '\0';
    a->n = n;
    c->naccts++;
    int idx[8];
    bp_map_width w[8];
    size_t count = bp_mapping_candidates(c->mp, s, n, idx, w, 8);
    a->rule = count ? idx[0] : -1;
    if (count > 1 && c->mp->rules[idx[0]].how != BP_MM_EXACT
        && c->mp->rules[idx[0]].how != BP_MM_BLANK && bp_map_width_cmp(w[0], w[1]) == 0) {
        /* the rules as narrow as the first (sorted by width: a run from the start) */
        size_t ties = 0;
        for (size_t i = 0; i < count && i < 8; i++)
            if (bp_map_width_cmp(w[0], w[i]) == 0) ties = i + 1;
        report_ambiguous(c, s, n, idx, ties);
        a->rule = -2;
    }
    return a;
}

/* ---------- one file ---------- */

typedef struct {
    const char *name;
    bp_ledger_file *lf;
    int fileno;
    int col[BP_ROLE_COUNT];   /* field index of each role, -1 */
    int scenario;             /* from a file rule, -1 */
} lfile;

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void bad(lctx *c, const lfile *f, const bp_csv_field *fld, int role, const char *fmt, ...)
{
    char exp[400], txt[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(exp, sizeof exp, fmt, ap);
    va_end(ap);
    const char *col = c->mp->rules[c->mp->role[role]].target;
    size_t n;
    const char *s = bp_csv_trimmed(fld, &n);
    bp_diag_quote(s, n, txt, sizeof txt);
    if (!n)
        bp_diag_add(c->d, BP_DIAG_ERROR, f->name, fld->line, fld->column,
                    "found an empty value in column \"%s\", expected %s", col, exp);
    else
        bp_diag_add(c->d, BP_DIAG_ERROR, f->name, fld->line, fld->column,
                    "found \"%s\" in column \"%s\", expected %s", txt, col, exp);
}

static bool row_has(const bp_csv_row *r, const char *name, int *at)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < r->count; i++) {
        size_t n;
        const char *s = bp_csv_trimmed(&r->fields[i], &n);
        if (bp_csv_same_name(s, n, name, nl)) {
            *at = (int)i;
            return true;
        }
    }
    return false;
}

/* The header row: the first holding every column the mapping names; -1 (reported). */
static long find_header(lctx *c, lfile *f, const bp_csv_table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        bool all = true;
        for (int k = 0; k < BP_ROLE_COUNT && all; k++)
            if (c->mp->role[k] >= 0)
                all = row_has(&t->rows[r], c->mp->rules[c->mp->role[k]].target, &f->col[k]);
        if (all) return (long)r;
    }
    bool named = false;
    for (int k = 0; k < BP_ROLE_COUNT; k++) {
        if (c->mp->role[k] < 0) continue;
        const bp_map_rule *rule = &c->mp->rules[c->mp->role[k]];
        bool seen = false;
        int at;
        for (size_t r = 0; r < t->nrows && !seen; r++) seen = row_has(&t->rows[r], rule->target, &at);
        if (seen) continue;
        named = true;
        bp_diag_add(c->d, BP_DIAG_ERROR, rule->file, rule->line, rule->target_column,
                    "found no column \"%s\" in %s, expected the %s column's header as the "
                    "ledger names it", rule->target, f->name, bp_map_role_name[k]);
    }
    if (!named)
        bp_diag_add(c->d, BP_DIAG_ERROR, f->name, 0, 0,
                    "found no row holding every column mapping.csv names, expected one header "
                    "row with all of them");
    return -1;
}

/* A money cell: empty is 0 (and *empty set). */
static bool money(lctx *c, const lfile *f, const bp_csv_field *fld, int role, int64_t *v, bool *empty)
{
    size_t n;
    const char *s = bp_csv_trimmed(fld, &n);
    *v = 0;
    *empty = n == 0;
    if (!n) return true;
    const char *why;
    size_t at;
    if (bp_money_parse_ledger(s, n, v, &why, &at)) return true;
    bad(c, f, fld, role, "%s", strncmp(why, "expected ", 9) == 0 ? why + 9 : why);
    return false;
}

static const bp_csv_field *cell(const lfile *f, const bp_csv_row *r, int role)
{
    return f->col[role] >= 0 ? bp_csv_get(r, f->col[role]) : NULL;
}

static bool exact_rule(lctx *c, bp_map_kind kind, const char *s, size_t n, int *value)
{
    for (size_t i = 0; i < c->mp->n; i++) {
        bp_map_rule *r = &c->mp->rules[i];
        if (r->kind == kind && strlen(r->match) == n && memcmp(r->match, s, n) == 0) {
            r->used = true;
            *value = r->value;
            return true;
        }
    }
    return false;
}

/* Year, period and scenario of a row; false when any is reported. */
static bool row_keys(lctx *c, const lfile *f, const bp_csv_row *row, int *year, int *period,
                     bp_scenario *sc)
{
    bool ok = true;
    static const bp_csv_field none = {(char *)"", 0, 0, 0, 0, 0};
    *year = c->m->report_year;
    *period = 0;
    *sc = BP_ACTUAL;
    const bp_csv_field *y = cell(f, row, BP_ROLE_YEAR);
    if (f->col[BP_ROLE_YEAR] >= 0) {
        bp_csv_field e = none;
        e.line = row->line;
        if (!y) y = &e;
        size_t n;
        const char *s = bp_csv_trimmed(y, &n);
        if (!exact_rule(c, BP_MK_YEAR, s, n, year)) {
            char buf[16];
            bool parsed = n < sizeof buf;
            if (parsed) {
                memcpy(buf, s, n);
                buf[n] = '\0';
                parsed = bp_year_parse(buf, year);
            }
            if (!parsed) {
                bad(c, f, y, BP_ROLE_YEAR, "a year such as 2022/23 (or a year rule in mapping.csv)");
                ok = false;
            }
        }
    }
    const bp_csv_field *p = cell(f, row, BP_ROLE_PERIOD);
    if (p) {
        size_t n;
        const char *s = bp_csv_trimmed(p, &n);
        if (n && !exact_rule(c, BP_MK_PERIOD, s, n, period) && !(*period = bp_map_month(s, n))) {
            bad(c, f, p, BP_ROLE_PERIOD, "a month M01 to M12 (P01..P12, 1..12), empty for the whole "
                "year, or a period rule in mapping.csv");
            ok = false;
        }
    }
    if (f->scenario >= 0) {
        *sc = (bp_scenario)f->scenario;
    } else if (f->col[BP_ROLE_SCENARIO] >= 0) {
        const bp_csv_field *s = cell(f, row, BP_ROLE_SCENARIO);
        bp_csv_field e = none;
        e.line = row->line;
        if (!s) s = &e;
        size_t n;
        const char *v = bp_csv_trimmed(s, &n);
        int val = -1;
        char low[16];
        if (!exact_rule(c, BP_MK_SCENARIO, v, n, &val) && n && n < sizeof low) {
            for (size_t i = 0; i < n; i++)
                low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] - 'A' + 'a' : v[i]);
            low[n] = '\0';
            if (bp_scenario_parse(low, sc)) val = (int)*sc;
        }
        if (val < 0) {
            bad(c, f, s, BP_ROLE_SCENARIO, "actual, budget or forecast (or a scenario rule in "
                "mapping.csv)");
            ok = false;
        } else {
            *sc = (bp_scenario)val;
        }
    }
    return ok;
}

static void tb_add(lctx *c, int year, int period, int64_t dr, int64_t cr)
{
    for (size_t i = 0; i < c->ntb; i++)
        if (c->tb[i].year == year && c->tb[i].period == period) {
            if (!add_to(&c->tb[i].dr, dr) || !add_to(&c->tb[i].cr, cr)) c->err = BP_ERR_LIMIT;
            return;
        }
    tb_total *v = bp_grow(c->tb, &c->captb, c->ntb + 1, sizeof *v);
    if (!v) {
        nomem(c);
        return;
    }
    c->tb = v;
    c->tb[c->ntb++] = (tb_total){year, period, dr, cr};
}

static bp_ledger_ignored *ignored_of(lctx *c, bp_ledger_totals *t, int rule)
{
    const bp_map_rule *r = &c->mp->rules[rule];
    char text[200], where[200];
    bp_map_rule_text(r, text, sizeof text);
    snprintf(where, sizeof where, "%s:%d", r->file, r->line);
    for (size_t i = 0; i < t->nignores; i++)
        if (strcmp(t->ignores[i].where, where) == 0) return &t->ignores[i];
    bp_ledger_ignored *v = realloc(t->ignores, (t->nignores + 1) * sizeof *v);
    if (!v) {
        nomem(c);
        return NULL;
    }
    t->ignores = v;
    bp_ledger_ignored *g = &v[t->nignores];
    memset(g, 0, sizeof *g);
    g->rule = strdup(text);
    g->where = strdup(where);
    if (!g->rule || !g->where) {
        free(g->rule);
        free(g->where);
        nomem(c);
        return NULL;
    }
    t->nignores++;
    return g;
}

static void add_part(lctx *c, part p)
{
    part *v = bp_grow(c->parts, &c->capparts, c->nparts + 1, sizeof *v);
    if (!v) {
        nomem(c);
        return;
    }
    c->parts = v;
    c->parts[c->nparts++] = p;
}

/* One data row. */
static void read_row(lctx *c, lfile *f, const bp_csv_row *row)
{
    bp_ledger_totals *t = &f->lf->totals;
    bool ok = true;
    int64_t dr = 0, cr = 0;
    bool empty_all;
    if (f->col[BP_ROLE_AMOUNT] >= 0) {
        const bp_csv_field *a = cell(f, row, BP_ROLE_AMOUNT);
        int64_t v = 0;
        bool e = true;
        if (a && !money(c, f, a, BP_ROLE_AMOUNT, &v, &e)) ok = false;
        if (v > 0) dr = v;
        else cr = -v;
        empty_all = e;
    } else {
        const bp_csv_field *a = cell(f, row, BP_ROLE_DEBIT), *b = cell(f, row, BP_ROLE_CREDIT);
        bool ea = true, eb = true;
        if (a && !money(c, f, a, BP_ROLE_DEBIT, &dr, &ea)) ok = false;
        if (b && !money(c, f, b, BP_ROLE_CREDIT, &cr, &eb)) ok = false;
        empty_all = ea && eb;
    }
    int64_t mag = (dr < 0 ? -dr : dr) + (cr < 0 ? -cr : cr);
    if (!add_to(&f->lf->money_total, mag)) c->err = BP_ERR_LIMIT;
    const bp_csv_field *af = cell(f, row, BP_ROLE_ACCOUNT);
    size_t an;
    const char *as = bp_csv_trimmed(af, &an);
    acct *a = account(c, as, an);
    if (!a) return;
    int rule = a->rule;
    if (rule >= 0) c->mp->rules[rule].used = true;
    if (an == 0) {
        if (rule < 0) {
            bp_diag_add(c->d, BP_DIAG_ERROR, f->name, row->line, af ? af->column : 0,
                        "found an empty account in column \"%s\", expected an account (a subtotal "
                        "line is left out by the rule ignore,(blank))",
                        c->mp->rules[c->mp->role[BP_ROLE_ACCOUNT]].target);
            return;
        }
        /* a subtotal line: left out, and out of the debit and credit totals it repeats */
        bp_ledger_ignored *g = ignored_of(c, t, rule);
        t->ignored++;
        if (g) {
            g->rows++;
            if (!add_to(&g->dc, dr - cr)) c->err = BP_ERR_LIMIT;
        }
        return;
    }
    if (rule == -2) return;   /* ambiguous: reported at the mapping */
    if (rule == -1) {
        if (ok && dr == 0 && cr == 0) {
            t->zero_skipped++;
            if (!a->warned) {
                char txt[120];
                bp_diag_quote(as, an, txt, sizeof txt);
                bp_diag_add(c->d, BP_DIAG_WARNING, f->name, row->line, af->column,
                            "account %s is not mapped and its rows are zero: skipped", txt);
                a->warned = true;
            }
            return;
        }
        char txt[120];
        bp_diag_quote(as, an, txt, sizeof txt);
        bp_diag_add(c->d, BP_DIAG_ERROR, f->name, row->line, af->column,
                    "account %s is not mapped, expected an account or ignore rule in mapping.csv "
                    "that matches it", txt);
        return;
    }
    int year, period;
    bp_scenario sc;
    if (!row_keys(c, f, row, &year, &period, &sc)) ok = false;
    bp_map_rule *r = &c->mp->rules[rule];
    if (!ok) return;
    if (!add_to(&t->debits, dr) || !add_to(&t->credits, cr)) c->err = BP_ERR_LIMIT;
    if (sc == BP_ACTUAL) tb_add(c, year, period, dr, cr);
    if (r->kind == BP_MK_IGNORE) {
        bp_ledger_ignored *g = ignored_of(c, t, rule);
        t->ignored++;
        if (g) {
            g->rows++;
            if (!add_to(&g->dc, dr - cr)) c->err = BP_ERR_LIMIT;
        }
        return;
    }
    if (empty_all) {
        const bp_csv_field *mf = cell(f, row, f->col[BP_ROLE_AMOUNT] >= 0 ? BP_ROLE_AMOUNT : BP_ROLE_DEBIT);
        char txt[120];
        bp_diag_quote(as, an, txt, sizeof txt);
        bp_diag_add(c->d, BP_DIAG_ERROR, f->name, row->line, mf ? mf->column : 0,
                    "found no amount for account %s, expected %s", txt,
                    f->col[BP_ROLE_AMOUNT] >= 0 ? "an amount (0 for none)"
                                                : "a debit or a credit (0 for none)");
        return;
    }
    if (!c->mp->balance && bp_code_under(r->target, "bs")) {
        if (!r->reported)
            bp_diag_add(c->d, BP_DIAG_ERROR, r->file, r->line, r->target_column,
                        "found %s (a balance) as the target of a rule that maps ledger rows "
                        "(%s line %d), expected a flow code on basis movement (or setting basis "
                        "balance)", r->target, f->name, row->line);
        r->reported = true;
        return;
    }
    const bp_csv_field *ccf = cell(f, row, BP_ROLE_INSTITUTION);
    size_t cn;
    const char *cs = bp_csv_trimmed(ccf, &cn);
    int ir = bp_mapping_institution(c->mp, cs, cn);
    if (ir < 0) {
        char txt[120];
        bp_diag_quote(cs, cn, txt, sizeof txt);
        bp_diag_add(c->d, BP_DIAG_ERROR, f->name, row->line, ccf ? ccf->column : 0,
                    "cost centre '%s' is not mapped, expected an institution rule in mapping.csv "
                    "that matches it", txt);
        return;
    }
    c->mp->rules[ir].used = true;
    int fam = family_of(r->target);
    if (fam >= 0) {
        t->family_used[fam] = true;
        if (!add_to(&t->family_dc[fam], dr - cr)) c->err = BP_ERR_LIMIT;
    }
    part p = {c->mp->rules[ir].value, year, period, sc, r->target, r->sign * (dr - cr),
              row->line, af->column};
    add_part(c, p);
}

static int part_cmp(const void *x, const void *y)
{
    const part *a = x, *b = y;
    if (a->inst != b->inst) return a->inst < b->inst ? -1 : 1;
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    if (a->scenario != b->scenario) return a->scenario < b->scenario ? -1 : 1;
    int k = strcmp(a->code, b->code);
    if (k) return k;
    if (a->period != b->period) return a->period < b->period ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

static bool same_group(const part *a, const part *b)
{
    return a->inst == b->inst && a->year == b->year && a->scenario == b->scenario;
}

/* The parts summed by fact, in place: one part per (inst, year, scenario, code, period). */
static void sum_parts(lctx *c)
{
    if (c->nparts > 1) qsort(c->parts, c->nparts, sizeof *c->parts, part_cmp);
    size_t n = 0;
    for (size_t i = 0; i < c->nparts; i++) {
        part *p = &c->parts[i];
        if (n && same_group(&c->parts[n - 1], p) && strcmp(c->parts[n - 1].code, p->code) == 0
            && c->parts[n - 1].period == p->period) {
            if (!add_to(&c->parts[n - 1].value, p->value)) c->err = BP_ERR_LIMIT;
            continue;
        }
        c->parts[n++] = *p;
    }
    c->nparts = n;
}

/* For each institution, year and scenario: all whole-year or all monthly; on a balance
 * basis every month from M01 to the last one.  False when any is reported. */
static bool check_periods(lctx *c, const lfile *f)
{
    bool ok = true;
    for (size_t i = 0; i < c->nparts;) {
        size_t j = i;
        unsigned months = 0;
        const part *first = &c->parts[i], *other = NULL;
        for (; j < c->nparts && same_group(&c->parts[i], &c->parts[j]); j++)
            if (c->parts[j].line < first->line) first = &c->parts[j];
        for (size_t k = i; k < j; k++) {
            const part *p = &c->parts[k];
            if (p->period) months |= 1u << p->period;
            if ((p->period == 0) != (first->period == 0) && (!other || p->line < other->line)) other = p;
        }
        char yb[16];
        bp_year_format(first->year, yb, sizeof yb);
        const char *inst = c->m->insts[first->inst].id, *sc = bp_scenario_id(first->scenario);
        if (other) {
            bp_diag_add(c->d, BP_DIAG_ERROR, f->name, other->line, other->column,
                        "found a %s row for %s %s %s (line %d is %s), expected the rows of one "
                        "institution, year and scenario all whole-year or all monthly",
                        other->period ? "monthly" : "whole-year", inst, yb, sc, first->line,
                        first->period ? "monthly" : "whole-year");
            ok = false;
        } else if (c->mp->balance && months) {
            int last = 12;
            while (!(months & (1u << last))) last--;
            for (int m = 1; m < last; m++) {
                if (months & (1u << m)) continue;
                const part *at = NULL;
                for (size_t k = i; k < j; k++)
                    if (c->parts[k].period > m && (!at || c->parts[k].line < at->line)) at = &c->parts[k];
                if (!at) break;   /* the last month is after m: never so */
                bp_diag_add(c->d, BP_DIAG_ERROR, f->name, at->line, at->column,
                            "found balances for %s %s %s up to M%02d but none for M%02d, expected "
                            "every month from M01 to the last one given (basis balance)", inst, yb,
                            sc, last, m);
                ok = false;
                break;
            }
        }
        i = j;
    }
    return ok;
}

static void add_fact(lctx *c, bp_ledger_set *s, const part *p, int fileno, int64_t value, int period)
{
    bp_ledger_fact *v = bp_grow(s->facts, &c->capfacts, s->nfacts + 1, sizeof *v);
    if (!v) {
        nomem(c);
        return;
    }
    s->facts = v;
    v[s->nfacts++] = (bp_ledger_fact){p->inst, p->year, period, p->scenario, p->code, value,
                                      fileno, p->line, p->column};
}

/* result_to: the result to date (income - exp as mapped) of each institution, year,
 * scenario and period added to the reserve, made where the ledger has none.  The parts are
 * balances here (basis balance), so the result is to date. */
static void result_to(lctx *c)
{
    const char *res = c->mp->rules[c->mp->result_rule].target;
    size_t n0 = c->nparts;
    for (size_t i = 0; i < n0;) {
        size_t j = i;
        while (j < n0 && same_group(&c->parts[i], &c->parts[j])) j++;
        for (int m = 0; m <= 12; m++) {
            int64_t result = 0;
            bool any = false;
            const part *at = NULL;
            part *reserve = NULL;
            for (size_t k = i; k < j; k++) {
                part *p = &c->parts[k];
                if (p->period != m) continue;
                if (!at || p->line < at->line) at = p;
                if (strcmp(p->code, res) == 0) reserve = p;
                if (bp_code_under(p->code, "income")) {
                    any = true;
                    if (!add_to(&result, p->value)) c->err = BP_ERR_LIMIT;
                } else if (bp_code_under(p->code, "exp")) {
                    any = true;
                    if (!add_to(&result, -p->value)) c->err = BP_ERR_LIMIT;
                }
            }
            if (!any) continue;
            if (reserve) {
                if (!add_to(&reserve->value, result)) c->err = BP_ERR_LIMIT;
                continue;
            }
            part p = *at;
            p.code = res;
            p.value = result;
            p.column = 0;
            add_part(c, p);
        }
        i = j;
    }
    if (c->nparts > 1) qsort(c->parts, c->nparts, sizeof *c->parts, part_cmp);
}

/* The summed parts as facts: on a balance basis a flow's month is balance(m) - balance(m-1)
 * and every month to the group's last is given. */
static void emit(lctx *c, bp_ledger_set *s, const lfile *f)
{
    bp_ledger_totals *t = &f->lf->totals;
    for (size_t g = 0; g < c->nparts && !c->err;) {
        size_t ge = g;
        int last = 0;   /* the group's last month, over all its codes */
        for (; ge < c->nparts && same_group(&c->parts[g], &c->parts[ge]); ge++)
            if (c->parts[ge].period > last) last = c->parts[ge].period;
        for (size_t i = g; i < ge;) {
            const part *p = &c->parts[i];
            size_t j = i;
            while (j < ge && strcmp(p->code, c->parts[j].code) == 0) j++;
            int fam = family_of(p->code);
            bool flow = !bp_code_under(p->code, "bs");
            if (!c->mp->balance || last == 0) {
                for (size_t k = i; k < j; k++) {
                    add_fact(c, s, &c->parts[k], f->fileno, c->parts[k].value, c->parts[k].period);
                    if (fam >= 0 && !add_to(&t->family_facts[fam], c->parts[k].value))
                        c->err = BP_ERR_LIMIT;
                }
            } else {
                int64_t bal[13] = {0};
                for (size_t k = i; k < j; k++) bal[c->parts[k].period] = c->parts[k].value;
                for (int m = 1; m <= last; m++) {
                    int64_t v = bal[m];
                    if (flow && __builtin_sub_overflow(bal[m], bal[m - 1], &v)) c->err = BP_ERR_LIMIT;
                    add_fact(c, s, p, f->fileno, v, m);
                    if (fam >= 0 && !add_to(&t->family_facts[fam], v)) c->err = BP_ERR_LIMIT;
                }
            }
            i = j;
        }
        g = ge;
    }
}

/* Each year and period whose actual debits and credits differ: a warning, which the packs
 * word for themselves (the summary and the appendix's problems) from the file's totals. */
static void warn_unbalanced(lctx *c, const lfile *f)
{
    bp_ledger_totals *t = &f->lf->totals;
    for (size_t i = 0; i < c->ntb; i++) {
        const tb_total *b = &c->tb[i];
        if (b->dr == b->cr) continue;
        bp_ledger_unbalanced *u = realloc(t->unbalanced, (t->nunbalanced + 1) * sizeof *u);
        if (!u) {
            nomem(c);
            return;
        }
        t->unbalanced = u;
        t->unbalanced[t->nunbalanced++] = (bp_ledger_unbalanced){b->year, b->period, b->dr, b->cr};
        char yb[16], dr[48], cr[48], diff[48], per[8];
        bp_year_format(b->year, yb, sizeof yb);
        bp_money_format(b->dr, true, dr, sizeof dr);
        bp_money_format(b->cr, true, cr, sizeof cr);
        bp_money_format(b->dr - b->cr, true, diff, sizeof diff);
        if (b->period) snprintf(per, sizeof per, "M%02d", b->period);
        bp_diag_add(c->d, BP_DIAG_WARNING, f->name, 0, 0,
                    "the actual trial balance of %s %s does not balance: debits %s, credits %s, "
                    "difference %s", yb, b->period ? per : "(whole year)", dr, cr, diff);
        bp_diag_mark_plain(c->d);
    }
}

static void read_file(lctx *c, bp_ledger_set *s, const char *dir, int fileno)
{
    bp_ledger_file *lf = &s->files[fileno];
    lfile f = {lf->name, lf, fileno, {0}, -1};
    for (int k = 0; k < BP_ROLE_COUNT; k++) f.col[k] = -1;
    for (size_t i = 0; i < c->mp->n; i++) {
        bp_map_rule *r = &c->mp->rules[i];
        if (r->kind == BP_MK_FILE && strcmp(r->match, lf->name) == 0) {
            f.scenario = r->value;
            r->used = true;
        }
    }
    char *path = NULL;
    bp_err e = bp_infile_in_dir(dir, lf->name, lf->name, &path, c->d);
    if (e != BP_OK || !path) {
        if (e == BP_ERR_NOMEM || e == BP_ERR_IO) c->err = e;
        free(path);
        return;
    }
    bp_csv_table t;
    e = bp_csv_read_rows(path, lf->name, &t, c->d);
    free(path);
    if (e == BP_ERR_NOMEM || e == BP_ERR_IO) {
        c->err = e;
        bp_csv_table_free(&t);
        return;
    }
    memcpy(lf->sha256, t.sha256, sizeof lf->sha256);
    long h = find_header(c, &f, &t);
    if (h >= 0) {
        lf->totals.above = (size_t)h;
        lf->rows = lf->totals.rows = t.nrows - (size_t)h - 1;
        c->nparts = c->ntb = 0;
        size_t before = c->d->errors;
        for (size_t r = (size_t)h + 1; r < t.nrows && !c->err; r++) read_row(c, &f, &t.rows[r]);
        sum_parts(c);
        bool bs_rows = false, flows = false;
        for (size_t i = 0; i < c->nparts; i++) {
            if (bp_code_under(c->parts[i].code, "bs")) bs_rows = true;
            if (bp_code_under(c->parts[i].code, "income") || bp_code_under(c->parts[i].code, "exp"))
                flows = true;
        }
        if (!c->err && c->d->errors == before && check_periods(c, &f)) {
            if (c->mp->result_rule >= 0) result_to(c);
            else if (c->mp->balance && flows)
                bp_diag_add(c->d, BP_DIAG_WARNING, f.name, 0, 0,
                            "income and expenditure rows on basis balance without a result_to "
                            "setting: reserves taken as brought forward%s",
                            bs_rows ? "" : " (and the ledger has no reserve rows)");
            emit(c, s, &f);
        }
        warn_unbalanced(c, &f);
    }
    bp_csv_table_free(&t);
}

/* ---------- the set ---------- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bp_err bp_ledger_names(const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return BP_OK;   /* the data set's own reading reports an unreadable folder */
    struct dirent *e;
    size_t cap = 0;
    bp_err err = BP_OK;
    while ((e = readdir(d)) != NULL) {
        if (!bp_map_ledger_name(e->d_name)) continue;
        char **v = bp_grow(*names, &cap, *n + 1, sizeof *v);
        char *s = v ? strdup(e->d_name) : NULL;
        if (v) *names = v;
        if (!s) {
            err = BP_ERR_NOMEM;
            break;
        }
        (*names)[(*n)++] = s;
    }
    closedir(d);
    if (*n > 1) qsort(*names, *n, sizeof **names, name_cmp);
    return err;
}

static void warn_unused(lctx *c)
{
    for (size_t i = 0; i < c->mp->n; i++) {
        const bp_map_rule *r = &c->mp->rules[i];
        if (!r->own || r->used || r->kind == BP_MK_COLUMN || r->kind == BP_MK_SETTING) continue;
        char text[200];
        bp_map_rule_text(r, text, sizeof text);
        bp_diag_add(c->d, BP_DIAG_WARNING, r->file, r->line, r->column,
                    "the rule %s matches no row of any ledger", text);
    }
}

bp_err bp_ledger_read(const char *dir, const char *mappings_dir, const bp_model *m,
                      bp_ledger_set *out, bp_diags *d)
{
    memset(out, 0, sizeof *out);
    size_t before = d->errors;
    char **names;
    size_t nnames;
    bp_err err = bp_ledger_names(dir, &names, &nnames);
    char *mpath = NULL;
    if (err == BP_OK) err = bp_infile_in_dir(dir, "mapping.csv", "mapping.csv", &mpath, d);
    if (err == BP_OK && mpath) {
        char *buf;
        size_t len;
        err = bp_read_file(mpath, "mapping.csv", BP_CSV_MAX_BYTES, &buf, &len, d);
        if (err == BP_OK) {
            bp_sha256(buf, len, out->map_sha256);
            err = bp_mapping_parse("mapping.csv", buf, len, mappings_dir, m, &out->map, d);
            out->has_mapping = true;
            free(buf);
        }
    }
    free(mpath);
    if (err == BP_OK && nnames && !out->has_mapping)
        bp_diag_add(d, BP_DIAG_ERROR, names[0], 0, 0,
                    "found a ledger file but no mapping.csv, expected a mapping.csv naming the "
                    "ledger's columns and mapping its accounts and cost centres");
    if (err == BP_OK && !nnames && out->has_mapping)
        bp_diag_add(d, BP_DIAG_WARNING, "mapping.csv", 0, 0,
                    "no ledger.csv or ledger-NAME.csv: the mapping is not used");
    if (err == BP_OK && nnames && !(out->files = calloc(nnames, sizeof *out->files))) err = BP_ERR_NOMEM;
    if (out->files) {
        for (size_t i = 0; i < nnames; i++) {
            out->files[i].name = names[i];
            names[i] = NULL;
        }
        out->nfiles = nnames;
    }
    for (size_t i = 0; i < nnames; i++) free(names[i]);
    free(names);
    if (err == BP_OK && out->has_mapping && out->nfiles && d->errors == before) {
        lctx c;
        memset(&c, 0, sizeof c);
        c.mp = &out->map;
        c.m = m;
        c.d = d;
        for (size_t i = 0; i < out->nfiles && !c.err; i++) read_file(&c, out, dir, (int)i);
        if (!c.err) warn_unused(&c);
        if (c.err == BP_ERR_LIMIT)
            bp_diag_add(d, BP_DIAG_ERROR, "mapping.csv", 0, 0,
                        "found ledger totals beyond int64 pence, expected smaller amounts");
        else if (c.err) err = c.err;
        for (size_t i = 0; i < c.hcap; i++) free(c.accts[i].key);
        free(c.accts);
        free(c.parts);
        free(c.tb);
    }
    if (err != BP_OK) return err;
    if (d->oom) return BP_ERR_NOMEM;
    return d->errors > before ? BP_ERR_DATA : BP_OK;
}

bp_err bp_ledger_into_model(bp_ledger_set *s, bp_model *m, int *first)
{
    size_t add = (s->has_mapping ? 1 : 0) + s->nfiles;
    *first = (int)m->ninputs + (s->has_mapping ? 1 : 0);
    if (!add) return BP_OK;
    bp_input *in = realloc(m->inputs, (m->ninputs + add) * sizeof *in);
    if (!in) return BP_ERR_NOMEM;
    m->inputs = in;
    bp_ledger_totals *lt = realloc(m->ledgers, (m->nledgers + s->nfiles + 1) * sizeof *lt);
    if (!lt) return BP_ERR_NOMEM;
    m->ledgers = lt;
    if (s->has_mapping) {
        bp_input *i = &m->inputs[m->ninputs];
        memset(i, 0, sizeof *i);
        if (!(i->name = strdup("mapping.csv"))) return BP_ERR_NOMEM;
        i->present = true;
        i->rows = s->map.rows;
        memcpy(i->sha256, s->map_sha256, sizeof i->sha256);
        m->ninputs++;
        m->rows_read += i->rows;
    }
    for (size_t f = 0; f < s->nfiles; f++) {
        bp_ledger_file *lf = &s->files[f];
        bp_input *i = &m->inputs[m->ninputs];
        memset(i, 0, sizeof *i);
        if (!(i->name = strdup(lf->name))) return BP_ERR_NOMEM;
        i->present = true;
        i->rows = lf->rows;
        i->money_total = lf->money_total;
        i->has_money = true;
        memcpy(i->sha256, lf->sha256, sizeof i->sha256);
        lf->totals.input = (int)m->ninputs;
        m->ninputs++;
        m->rows_read += i->rows;
        m->ledgers[m->nledgers++] = lf->totals;
        memset(&lf->totals, 0, sizeof lf->totals);
    }
    return BP_OK;
}

bp_err bp_ledger_load(const char *dir, const char *mappings_dir, bp_model *m, bp_ledger_set *out,
                      int *first, bp_diags *d)
{
    bp_err e = bp_ledger_read(dir, mappings_dir, m, out, d);
    *first = 0;
    /* data errors are in d: the loader goes on, to report every error of the data set */
    if (e == BP_OK || e == BP_ERR_DATA) e = bp_ledger_into_model(out, m, first);
    return e == BP_ERR_NOMEM || e == BP_ERR_IO ? e : BP_OK;
}

void bp_ledger_free(bp_ledger_set *s)
{
    if (s->has_mapping) bp_mapping_free(&s->map);
    for (size_t i = 0; i < s->nfiles; i++) {
        free(s->files[i].name);
        for (size_t k = 0; k < s->files[i].totals.nignores; k++) {
            free(s->files[i].totals.ignores[k].rule);
            free(s->files[i].totals.ignores[k].where);
        }
        free(s->files[i].totals.ignores);
        free(s->files[i].totals.unbalanced);
    }
    free(s->files);
    free(s->facts);
    memset(s, 0, sizeof *s);
}
