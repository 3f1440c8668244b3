/* bp_mapping: mapping.csv read and checked, and the matching of accounts and cost centres
 * (bp_mapping.h; the rules are the contract's, the decisions where it is silent are in
 * docs/data-format.md). */
#include "bp_mapping.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bp_csv.h"
#include "bp_infile.h"
#include "bp_util.h"

const char *const bp_map_kind_name[BP_MK_COUNT] = {
    "column", "institution", "account", "ignore", "scenario", "file", "period", "year",
    "setting", "include"};

const char *const bp_map_role_name[BP_ROLE_COUNT] = {
    "institution", "account", "amount", "debit", "credit", "year", "period", "scenario"};

#define EXP_ROLE "a role: institution, account, amount, debit, credit, year, period or scenario"
#define EXP_MATCH "an exact value, PREFIX* or a range LO..HI"
#define EXP_SCEN "actual, budget or forecast"
#define EXP_MONTH "a month M01 to M12 (or P01 to P12)"

/* Ranges whose ends differ in more positions than this have widths beyond uint64. */
#define MAX_FREE 18

typedef struct {
    bp_mapping *mp;
    bp_diags *d;
    const bp_model *m;
    const char *mappings_dir;
    bp_err err;
    size_t cap;
} ctx;

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void err_at(ctx *c, const char *file, int line, int col, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bp_diag_add(c->d, BP_DIAG_ERROR, file, line, col, "%s", msg);
}

static char *dup_view(ctx *c, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        c->err = BP_ERR_NOMEM;
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A month as the contract spells one: M01..M12, P01..P12 (any case), 1..12, 01..12. */
int bp_map_month(const char *s, size_t n)
{
    if (n && (s[0] == 'M' || s[0] == 'm' || s[0] == 'P' || s[0] == 'p')) {
        if (n != 3) return 0;
        s++;
        n--;
    }
    if (n < 1 || n > 2 || !is_digit(s[0]) || (n == 2 && !is_digit(s[1]))) return 0;
    int v = n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
    return v >= 1 && v <= 12 ? v : 0;
}

int bp_map_width_cmp(bp_map_width a, bp_map_width b)
{
    if (a.big != b.big) return a.big < b.big ? -1 : 1;
    return (a.v > b.v) - (a.v < b.v);
}

static bp_map_width pow10_width(size_t k)
{
    bp_map_width w = {0, 1};
    if (k > MAX_FREE) {
        w.big = (int)k;
        return w;
    }
    for (size_t i = 0; i < k; i++) w.v *= 10;
    return w;
}

/* LO..HI: the ends' free positions read as numbers. */
static bp_map_width range_width(const char *lo, const char *hi, size_t n)
{
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++)
        if (lo[i] != hi[i]) {
            a = a * 10 + (uint64_t)(lo[i] - '0');
            b = b * 10 + (uint64_t)(hi[i] - '0');
        }
    bp_map_width w = {0, b - a + 1};
    return w;
}

bool bp_map_admits(const bp_map_rule *r, const char *s, size_t n, bp_map_width *w)
{
    bp_map_width one = {0, 1};
    switch (r->how) {
    case BP_MM_BLANK:
        if (w) *w = one;
        return n == 0;
    case BP_MM_EXACT:
        if (w) *w = one;
        return n == strlen(r->match) && memcmp(s, r->match, n) == 0;
    case BP_MM_PREFIX:
        /* an account rule's "*" is for accounts; an empty account is a subtotal line */
        if (n < r->plen || memcmp(s, r->match, r->plen) != 0) return false;
        if (n == 0 && r->kind != BP_MK_INSTITUTION) return false;
        if (w) *w = pow10_width(n - r->plen);
        return true;
    case BP_MM_RANGE: {
        const char *lo = r->match, *hi = r->match + r->plen + 2;
        if (n != r->plen) return false;
        for (size_t i = 0; i < n; i++) {
            if (lo[i] == hi[i] ? s[i] != lo[i] : !is_digit(s[i])) return false;
        }
        if (memcmp(s, lo, n) < 0 || memcmp(s, hi, n) > 0) return false;
        if (w) *w = range_width(lo, hi, n);
        return true;
    }
    }
    return false;
}

/* ---------- reading one file ---------- */

static bool words_ok(ctx *c, const char *file, const bp_csv_field *f, const char *col)
{
    if (!f) return true;
    if (f->tab || memchr(f->text, '\n', f->len) || memchr(f->text, '\r', f->len)) {
        err_at(c, file, f->line, f->column, "found %s in column \"%s\", expected a value on one line",
               f->tab ? "a TAB" : "a line break", col);
        return false;
    }
    return true;
}

static void quote(const bp_csv_field *f, char *buf, size_t size)
{
    size_t n;
    const char *s = bp_csv_trimmed(f, &n);
    bp_diag_quote(s, n, buf, size);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void bad(ctx *c, const char *file, const bp_csv_field *f, const char *col, const char *fmt, ...)
{
    char exp[400], txt[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(exp, sizeof exp, fmt, ap);
    va_end(ap);
    quote(f, txt, sizeof txt);
    if (!txt[0])
        err_at(c, file, f->line, f->column, "found an empty value in column \"%s\", expected %s", col, exp);
    else
        err_at(c, file, f->line, f->column, "found \"%s\" in column \"%s\", expected %s", txt, col, exp);
}

/* PREFIX*, LO..HI or an exact value into r; false (reported) when malformed. */
static bool parse_match(ctx *c, const char *file, const bp_csv_field *f, bp_map_rule *r)
{
    const char *s = r->match;
    size_t n = strlen(s);
    const char *star = strchr(s, '*');
    const char *dots = strstr(s, "..");
    if (r->kind == BP_MK_IGNORE && strcmp(s, "(blank)") == 0) {
        r->how = BP_MM_BLANK;
        return true;
    }
    if (n == 0) {
        bad(c, file, f, "match", "%s", r->kind == BP_MK_IGNORE ? EXP_MATCH " or (blank)" : EXP_MATCH);
        return false;
    }
    if (star) {
        if (star != s + n - 1 || dots) {
            bad(c, file, f, "match", "%s (a '*' only at the end)", EXP_MATCH);
            return false;
        }
        r->how = BP_MM_PREFIX;
        r->plen = n - 1;
        return true;
    }
    if (!dots) {
        r->how = BP_MM_EXACT;
        return true;
    }
    if (r->kind == BP_MK_INSTITUTION) {
        bad(c, file, f, "match", "a cost centre, exact or PREFIX* (ranges are for accounts)");
        return false;
    }
    size_t lo = (size_t)(dots - s), hi = n - lo - 2;
    if (lo == 0 || lo != hi) {
        bad(c, file, f, "match", "a range LO..HI whose ends have the same length");
        return false;
    }
    const char *h = dots + 2;
    size_t free_pos = 0;
    for (size_t i = 0; i < lo; i++)
        if (s[i] != h[i]) {
            if (!is_digit(s[i]) || !is_digit(h[i])) {
                bad(c, file, f, "match", "a range LO..HI whose ends differ only in digits");
                return false;
            }
            free_pos++;
        }
    if (memcmp(s, h, lo) > 0) {
        bad(c, file, f, "match", "a range LO..HI with LO not after HI");
        return false;
    }
    if (free_pos > MAX_FREE) {
        bad(c, file, f, "match", "a range whose ends differ in at most %d positions", MAX_FREE);
        return false;
    }
    r->how = BP_MM_RANGE;
    r->plen = lo;
    return true;
}

static bool valid_code(const char *s)
{
    bool seg = false;
    for (; *s; s++) {
        char ch = *s;
        if ((ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_') seg = true;
        else if (ch == '.' && seg) seg = false;
        else return false;
    }
    return seg;
}

static bool scenario_word(const char *s, int *out)
{
    char low[16];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof low) return false;
    for (size_t i = 0; i <= n; i++) low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    bp_scenario sc;
    if (!bp_scenario_parse(low, &sc)) return false;
    *out = (int)sc;
    return true;
}

bool bp_map_ledger_name(const char *s)
{
    size_t n = strlen(s);
    if (strcmp(s, "ledger.csv") == 0) return true;
    if (n <= 11 || strncmp(s, "ledger-", 7) != 0 || strcmp(s + n - 4, ".csv") != 0) return false;
    for (size_t i = 7; i < n - 4; i++)
        if (!(is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || s[i] == '_' || s[i] == '-' || s[i] == '.'))
            return false;
    return true;
}

/* The kind-specific checks of one rule; false when reported. */
static bool check_rule(ctx *c, const char *file, const bp_csv_field *mf, const bp_csv_field *tf,
                       const bp_csv_field *sf, bp_map_rule *r)
{
    const char *t = r->target;
    char sign[8] = "";
    if (sf) {
        size_t n;
        const char *s = bp_csv_trimmed(sf, &n);
        if (n < sizeof sign) {
            memcpy(sign, s, n);
            sign[n] = '\0';
        } else {
            snprintf(sign, sizeof sign, "long");
        }
    }
    if (r->kind != BP_MK_ACCOUNT && sign[0]) {
        bad(c, file, sf, "sign", "no sign: only account rules have one");
        return false;
    }
    switch (r->kind) {
    case BP_MK_COLUMN:
        for (int k = 0; k < BP_ROLE_COUNT; k++)
            if (strcmp(r->match, bp_map_role_name[k]) == 0) r->value = k;
        if (r->value < 0) {
            bad(c, file, mf, "match", EXP_ROLE);
            return false;
        }
        if (!t[0]) {
            bad(c, file, tf, "target", "the name of a column of the ledger files");
            return false;
        }
        return true;
    case BP_MK_INSTITUTION:
        if (!parse_match(c, file, mf, r)) return false;
        if (c->m ? (r->value = bp_model_find_inst(c->m, t)) < 0 : !t[0]) {
            bad(c, file, tf, "target", "an institution id from institutions.csv");
            return false;
        }
        return true;
    case BP_MK_ACCOUNT:
        if (!parse_match(c, file, mf, r)) return false;
        if (!valid_code(t) || !bp_code_is_money(t)) {
            bad(c, file, tf, "target", "a money code (income.*, exp.*, memo.* or bs.*)");
            return false;
        }
        if (strcmp(sign, "+") == 0) r->sign = 1;
        else if (strcmp(sign, "-") == 0) r->sign = -1;
        else {
            if (sf) bad(c, file, sf, "sign", "+ (debit - credit) or - (credit - debit)");
            else err_at(c, file, mf->line, 0, "found an account rule without a sign, expected a "
                        "sign column holding + or -");
            return false;
        }
        return true;
    case BP_MK_IGNORE:
        if (!parse_match(c, file, mf, r)) return false;
        if (t[0]) {
            bad(c, file, tf, "target", "no target for an ignore rule");
            return false;
        }
        return true;
    case BP_MK_SCENARIO:
    case BP_MK_FILE:
        if (r->kind == BP_MK_FILE && !bp_map_ledger_name(r->match)) {
            bad(c, file, mf, "match", "a ledger file name, ledger.csv or ledger-NAME.csv");
            return false;
        }
        if (r->kind == BP_MK_SCENARIO && !r->match[0]) {
            bad(c, file, mf, "match", "a value of the scenario column");
            return false;
        }
        if (!scenario_word(t, &r->value)) {
            bad(c, file, tf, "target", EXP_SCEN);
            return false;
        }
        return true;
    case BP_MK_PERIOD:
        if (!r->match[0] || bp_map_month(r->match, strlen(r->match))) {
            bad(c, file, mf, "match", "a value of the period column other than a month M01..M12, "
                "P01..P12, 1..12 or 01..12 (those are read as they are)");
            return false;
        }
        if (!(r->value = bp_map_month(t, strlen(t))) || strlen(t) != 3) {
            bad(c, file, tf, "target", EXP_MONTH);
            return false;
        }
        return true;
    case BP_MK_YEAR:
        if (!r->match[0] || bp_year_parse(r->match, &r->value)) {
            bad(c, file, mf, "match", "a value of the year column other than YYYY/YY or YYYY-YY "
                "(those are read as they are)");
            return false;
        }
        if (!bp_year_parse(t, &r->value)) {
            bad(c, file, tf, "target", "a year such as 2022/23");
            return false;
        }
        return true;
    case BP_MK_SETTING:
        if (strcmp(r->match, "basis") == 0) {
            if (strcmp(t, "movement") != 0 && strcmp(t, "balance") != 0) {
                bad(c, file, tf, "target", "movement or balance");
                return false;
            }
            r->value = strcmp(t, "balance") == 0;
            return true;
        }
        if (strcmp(r->match, "result_to") == 0) {
            if (!valid_code(t) || !bp_code_under(t, "bs.reserves") || strcmp(t, "bs.reserves") == 0) {
                bad(c, file, tf, "target", "a reserve code such as bs.reserves.revenue");
                return false;
            }
            return true;
        }
        bad(c, file, mf, "match", "a setting: basis or result_to");
        return false;
    case BP_MK_INCLUDE:
    case BP_MK_COUNT:
        break;
    }
    return false;
}

/* account and ignore rules replace each other: both say what becomes of an account */
static int kind_class(bp_map_kind k) { return k == BP_MK_IGNORE ? BP_MK_ACCOUNT : (int)k; }

static bool same_rule(const bp_map_rule *a, const bp_map_rule *b)
{
    return kind_class(a->kind) == kind_class(b->kind) && strcmp(a->match, b->match) == 0;
}

static bp_map_rule *new_rule(ctx *c)
{
    bp_map_rule *v = bp_grow(c->mp->rules, &c->cap, c->mp->n + 1, sizeof *v);
    if (!v) {
        c->err = BP_ERR_NOMEM;
        return NULL;
    }
    c->mp->rules = v;
    bp_map_rule *r = &v[c->mp->n];
    memset(r, 0, sizeof *r);
    return r;
}

static void free_rule(bp_map_rule *r)
{
    free(r->match);
    free(r->target);
}

static bp_err parse_file(ctx *c, const char *name, const char *data, size_t len, bool own);

/* include,NAME: the template's rules go first. */
static void include(ctx *c, const char *file, const bp_csv_field *mf)
{
    size_t n;
    const char *s = bp_csv_trimmed(mf, &n);
    size_t base = n > 4 && strncmp(s + n - 4, ".csv", 4) == 0 ? n - 4 : n;
    bool ok = base > 0 && base <= 64;
    for (size_t i = 0; ok && i < base; i++)
        ok = is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
             || s[i] == '_' || s[i] == '-';
    if (!ok) {
        bad(c, file, mf, "match", "the name of a mapping under templates/mappings, such as cfr");
        return;
    }
    char shown[96], path[4200];
    snprintf(shown, sizeof shown, "templates/mappings/%.*s.csv", (int)base, s);
    snprintf(path, sizeof path, "%s/%.*s.csv", c->mappings_dir ? c->mappings_dir : "templates/mappings",
             (int)base, s);
    char *buf = NULL;
    size_t blen = 0;
    /* the reader's own message would name the installed path: this one names the include */
    bp_diags quiet;
    bp_diags_init(&quiet);
    bp_err e = bp_read_file(path, shown, BP_CSV_MAX_BYTES, &buf, &blen, &quiet);
    bp_diags_free(&quiet);
    if (e == BP_ERR_NOMEM) {
        c->err = e;
        return;
    }
    if (e != BP_OK) {
        char txt[120];
        quote(mf, txt, sizeof txt);
        err_at(c, file, mf->line, mf->column, "found include of \"%s\", expected a mapping shipped "
               "as %s (no such file)", txt, shown);
        return;
    }
    char *keep = dup_view(c, shown, strlen(shown));
    if (keep) {
        c->mp->files[c->mp->nfiles++] = keep;
        bp_err pe = parse_file(c, keep, buf, blen, false);
        if (pe == BP_ERR_NOMEM) c->err = pe;
    }
    free(buf);
}

static bp_err parse_file(ctx *c, const char *name, const char *data, size_t len, bool own)
{
    bp_csv_table t;
    bp_err e = bp_csv_parse(name, data, len, &t, c->d);
    if (e == BP_ERR_NOMEM) {
        bp_csv_table_free(&t);
        return e;
    }
    static const bp_csv_colspec spec[] = {{"kind", 1}, {"match", 1}, {"target", 1}, {"sign", 0},
                                          {"note", 0}};
    int idx[5];
    if (t.header.count == 0 || bp_csv_bind(&t, spec, 5, idx, c->d) != 0) {
        if (t.header.count == 0)
            err_at(c, name, 0, 0, "found an empty mapping, expected a header kind,match,target,sign "
                   "and rules");
        bp_csv_table_free(&t);
        return BP_ERR_DATA;
    }
    size_t first_own = c->mp->n;
    if (own) c->mp->rows = t.nrows;
    for (size_t i = 0; i < t.nrows && !c->err; i++) {
        const bp_csv_row *row = &t.rows[i];
        const bp_csv_field *kf = bp_csv_get(row, idx[0]), *mf = bp_csv_get(row, idx[1]),
                           *tf = bp_csv_get(row, idx[2]), *sf = bp_csv_get(row, idx[3]);
        if (!words_ok(c, name, kf, "kind") || !words_ok(c, name, mf, "match")
            || !words_ok(c, name, tf, "target") || !words_ok(c, name, sf, "sign"))
            continue;
        size_t kn;
        const char *ks = bp_csv_trimmed(kf, &kn);
        int kind = -1;
        for (int k = 0; k < BP_MK_COUNT; k++)
            if (strlen(bp_map_kind_name[k]) == kn && strncasecmp(ks, bp_map_kind_name[k], kn) == 0)
                kind = k;
        if (kind < 0) {
            bad(c, name, kf, "kind", "column, institution, account, ignore, scenario, file, period, "
                "year, setting or include");
            continue;
        }
        if (kind == BP_MK_INCLUDE) {
            if (!own || i != 0)
                err_at(c, name, row->line, kf->column, "found include %s, expected it only on the "
                       "first rule of the data set's mapping.csv", own ? "after other rules" :
                       "in an included mapping");
            else
                include(c, name, mf);
            first_own = c->mp->n;
            continue;
        }
        bp_map_rule *r = new_rule(c);
        if (!r) break;
        size_t mn, tn;
        const char *ms = bp_csv_trimmed(mf, &mn), *ts = bp_csv_trimmed(tf, &tn);
        r->kind = (bp_map_kind)kind;
        r->match = dup_view(c, ms, mn);
        r->target = dup_view(c, ts, tn);
        r->value = -1;
        r->file = name;
        r->own = own;
        r->line = row->line;
        r->column = mf ? mf->column : 0;
        r->target_column = tf ? tf->column : 0;
        if (!r->match || !r->target) {
            free_rule(r);
            break;
        }
        static const bp_csv_field empty = {(char *)"", 0, 0, 0, 0, 0};
        bp_csv_field mfe = mf ? *mf : empty, tfe = tf ? *tf : empty;
        if (!mf) mfe.line = tfe.line = row->line;
        if (!tf) tfe.line = row->line;
        if (!check_rule(c, name, &mfe, &tfe, sf, r)) {
            free_rule(r);
            continue;
        }
        /* the same rule twice in one file is an error; over an included one it replaces it */
        bool dropped = false;
        for (size_t k = 0; k < c->mp->n; k++) {
            bp_map_rule *o = &c->mp->rules[k];
            if (!same_rule(o, r)) continue;
            if (k >= first_own) {
                err_at(c, name, r->line, r->column, "found the rule %s,%s a second time (first on "
                       "line %d), expected each kind and match once", bp_map_kind_name[r->kind],
                       r->match, o->line);
                free_rule(r);
                dropped = true;
            } else {
                /* the new rule sits just past the end: close the gap, then move it down */
                free_rule(o);
                memmove(o, o + 1, (c->mp->n - k) * sizeof *o);
                c->mp->n--;
                first_own--;
            }
            break;
        }
        if (!dropped) c->mp->n++;
    }
    bp_csv_table_free(&t);
    return c->err ? c->err : BP_OK;
}

/* What the rules must say together: the roles, and settings that fit each other. */
static void check_whole(ctx *c, const char *name)
{
    bp_mapping *mp = c->mp;
    for (size_t i = 0; i < mp->n; i++) {
        bp_map_rule *r = &mp->rules[i];
        if (r->kind == BP_MK_COLUMN) mp->role[r->value] = (int)i;
        if (r->kind == BP_MK_SETTING && strcmp(r->match, "basis") == 0) {
            mp->basis_rule = (int)i;
            mp->balance = r->value == 1;
        }
        if (r->kind == BP_MK_SETTING && strcmp(r->match, "result_to") == 0) mp->result_rule = (int)i;
        if (r->kind == BP_MK_IGNORE && r->how == BP_MM_BLANK) mp->blank_rule = (int)i;
        if (r->kind == BP_MK_SCENARIO) mp->has_scenario_rules = true;
    }
    static const bp_map_role need[] = {BP_ROLE_INSTITUTION, BP_ROLE_ACCOUNT};
    for (size_t k = 0; k < 2; k++)
        if (mp->role[need[k]] < 0)
            err_at(c, name, 1, 0, "found no column rule for the role %s, expected column rules "
                   "naming the ledger's institution, account and amount (or debit and credit) "
                   "columns", bp_map_role_name[need[k]]);
    int amt = mp->role[BP_ROLE_AMOUNT], dr = mp->role[BP_ROLE_DEBIT], cr = mp->role[BP_ROLE_CREDIT];
    if (amt >= 0 && (dr >= 0 || cr >= 0)) {
        const bp_map_rule *r = &mp->rules[dr > cr ? dr : cr];
        err_at(c, r->file, r->line, r->column, "found a column rule for %s beside one for amount, "
               "expected either amount or both debit and credit", dr > cr ? "debit" : "credit");
    } else if (amt < 0 && (dr < 0) != (cr < 0)) {
        const bp_map_rule *r = &mp->rules[dr >= 0 ? dr : cr];
        err_at(c, r->file, r->line, r->column, "found a column rule for %s without one for %s, "
               "expected both debit and credit", dr >= 0 ? "debit" : "credit", dr >= 0 ? "credit" : "debit");
    } else if (amt < 0 && dr < 0) {
        err_at(c, name, 1, 0, "found no column rule for the role amount, expected column rules "
               "naming the ledger's amount column (or its debit and credit columns)");
    }
    if (mp->result_rule >= 0 && !mp->balance) {
        const bp_map_rule *r = &mp->rules[mp->result_rule];
        err_at(c, r->file, r->line, r->column, "found setting result_to with basis movement, "
               "expected basis balance (a movement ledger has no reserve balance to add the "
               "result to)");
    }
    if (mp->role[BP_ROLE_SCENARIO] < 0)
        for (size_t i = 0; i < mp->n; i++)
            if (mp->rules[i].kind == BP_MK_SCENARIO)
                err_at(c, mp->rules[i].file, mp->rules[i].line, mp->rules[i].column,
                       "found a scenario rule, expected a column rule for the role scenario "
                       "(no ledger has a scenario column)");
}

bp_err bp_mapping_parse(const char *name, const char *data, size_t len, const char *mappings_dir,
                        const bp_model *m, bp_mapping *out, bp_diags *d)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < BP_ROLE_COUNT; k++) out->role[k] = -1;
    out->basis_rule = out->result_rule = out->blank_rule = -1;
    ctx c = {out, d, m, mappings_dir, BP_OK, 0};
    size_t before = d->errors;
    out->files[0] = dup_view(&c, name, strlen(name));
    if (!out->files[0]) return BP_ERR_NOMEM;
    out->nfiles = 1;
    bp_err e = parse_file(&c, out->files[0], data, len, true);
    if (e == BP_ERR_NOMEM || d->oom) return BP_ERR_NOMEM;
    check_whole(&c, out->files[0]);
    return d->errors > before ? BP_ERR_DATA : BP_OK;
}

bp_err bp_mapping_read(const char *path, const char *name, const char *mappings_dir,
                       const bp_model *m, bp_mapping *out, bp_diags *d)
{
    memset(out, 0, sizeof *out);
    char *buf;
    size_t n;
    bp_err e = bp_read_file(path, name, BP_CSV_MAX_BYTES, &buf, &n, d);
    if (e != BP_OK) return e;
    e = bp_mapping_parse(name, buf, n, mappings_dir, m, out, d);
    free(buf);
    return e;
}

void bp_mapping_free(bp_mapping *mp)
{
    for (size_t i = 0; i < mp->n; i++) free_rule(&mp->rules[i]);
    free(mp->rules);
    for (size_t i = 0; i < mp->nfiles; i++) free(mp->files[i]);
    memset(mp, 0, sizeof *mp);
}

/* ---------- matching ---------- */

/* The matching rules kept for one account: the winner and its ties are among the first. */
#define CAND_CAP 64

typedef struct {
    int rule;
    bool exact;
    bp_map_width w;
} cand;

static int cand_cmp(const cand *a, const cand *b)
{
    if (a->exact != b->exact) return a->exact ? -1 : 1;
    int c = bp_map_width_cmp(a->w, b->w);
    if (c) return c;
    return (a->rule > b->rule) - (a->rule < b->rule);
}

size_t bp_mapping_candidates(const bp_mapping *mp, const char *s, size_t n, int *idx,
                             bp_map_width *w, size_t max)
{
    size_t count = 0;
    cand best[CAND_CAP] = {{0, false, {0, 0}}};
    for (size_t i = 0; i < mp->n; i++) {
        const bp_map_rule *r = &mp->rules[i];
        if (r->kind != BP_MK_ACCOUNT && r->kind != BP_MK_IGNORE) continue;
        cand k = {(int)i, r->how == BP_MM_EXACT || r->how == BP_MM_BLANK, {0, 0}};
        if (!bp_map_admits(r, s, n, &k.w)) continue;
        /* keep the best CAND_CAP in order, by insertion */
        size_t have = count < CAND_CAP ? count : CAND_CAP;
        size_t at = have;
        while (at > 0 && cand_cmp(&k, &best[at - 1]) < 0) at--;
        if (at < CAND_CAP) {
            size_t last = have < CAND_CAP ? have : CAND_CAP - 1;
            memmove(&best[at + 1], &best[at], (last - at) * sizeof *best);
            best[at] = k;
        }
        count++;
    }
    size_t out = count < max ? count : max;
    if (out > CAND_CAP) out = CAND_CAP;
    for (size_t i = 0; i < out; i++) {
        idx[i] = best[i].rule;
        if (w) w[i] = best[i].w;
    }
    return count;
}

int bp_mapping_institution(const bp_mapping *mp, const char *s, size_t n)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < mp->n; i++) {
        const bp_map_rule *r = &mp->rules[i];
        if (r->kind != BP_MK_INSTITUTION || !bp_map_admits(r, s, n, NULL)) continue;
        if (r->how == BP_MM_EXACT) return (int)i;
        if (best < 0 || r->plen > best_len) {
            best = (int)i;
            best_len = r->plen;
        }
    }
    return best;
}

void bp_map_rule_text(const bp_map_rule *r, char *buf, size_t size)
{
    if (r->kind == BP_MK_ACCOUNT)
        snprintf(buf, size, "%s,%s,%s,%c", bp_map_kind_name[r->kind], r->match, r->target,
                 r->sign > 0 ? '+' : '-');
    else if (r->target[0])
        snprintf(buf, size, "%s,%s,%s", bp_map_kind_name[r->kind], r->match, r->target);
    else
        snprintf(buf, size, "%s,%s", bp_map_kind_name[r->kind], r->match);
}
