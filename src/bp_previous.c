/* bp_previous: a previous pack read, matched and compared (bp_previous.h). */
#include "bp_previous.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bp_infile.h"
#include "bp_jsonin.h"
#include "bp_session.h"
#include "bp_suppress.h"
#include "bp_util.h"

/* A results JSON is read whole: the largest trust's is a few megabytes. */
#define PREV_JSON_MAX ((size_t)256 << 20)

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int bp_previous_pack_period(const bp_model *m)
{
    /* in-year mode: trust.csv's closed month of the year reported; a data set reported
     * for another year than its period's, or with no period, is an annual pack */
    return m->inyear ? m->period : BP_PERIOD_ANNUAL;
}

void bp_previous_pack_label(int year, int period, char *buf, size_t size)
{
    char yb[16];
    bp_year_format(year, yb, sizeof yb);
    if (period >= 1 && period <= 12) snprintf(buf, size, "%s M%02d", yb, period);
    else snprintf(buf, size, "%s", yb);
}

const char *bp_movement_id(int movement)
{
    switch (movement) {
    case BP_MV_NEW: return "new";
    case BP_MV_CLEARED: return "cleared";
    case BP_MV_WORSE: return "worse";
    case BP_MV_BETTER: return "better";
    case BP_MV_UNCHANGED: return "unchanged";
    default: return NULL;
    }
}

double bp_previous_double(const bp_kpi *k, bp_num v)
{
    if (!v.ok) return 0.0;
    char buf[64];
    int64_t p;
    /* exactly what bp_json writes, read back as a reader of the JSON reads it */
    if (k->unit == BP_UNIT_MONEY && bp_num_to_pence(v, &p)) {
        unsigned long long a = p < 0 ? 0ULL - (unsigned long long)p : (unsigned long long)p;
        snprintf(buf, sizeof buf, "%s%llu.%02llu", p < 0 ? "-" : "", a / 100, a % 100);
    } else {
        snprintf(buf, sizeof buf, "%.17g", bp_num_to_double(v));
    }
    return strtod(buf, NULL);
}

/* A double as the exact rational it is (m x 2^e); no data when that does not fit. */
static bp_num exact_double(double d)
{
    if (!isfinite(d)) return bp_num_none();
    int e;
    double f = frexp(d, &e);                 /* d = f x 2^e, 0.5 <= |f| < 1 */
    int64_t m = (int64_t)ldexp(f, 53);       /* exact: 53 bits */
    e -= 53;
    while (m && m % 2 == 0 && e < 0) {
        m /= 2;
        e++;
    }
    bp_num v = bp_num_int(m);
    for (; e > 0 && v.ok; e -= e > 30 ? 30 : e)
        v = bp_num_mul(v, bp_num_int((int64_t)1 << (e > 30 ? 30 : e)));
    for (; e < 0 && v.ok; e += -e > 30 ? 30 : -e)
        v = bp_num_div(v, bp_num_int((int64_t)1 << (-e > 30 ? 30 : -e)));
    return v;
}

/* How far inside the current target the value v is (negative: outside): min t: v - t;
 * max t: t - v; band: the nearer edge, min(v - lo, hi - v); a grade's target is a min on
 * its points.  Exact over the double v. */
static bp_num inside(const bp_kpi *k, const bp_result *cur, double v)
{
    bp_num x = exact_double(v);
    const bp_target *t = &k->targets[cur->target];
    switch (t->cmp) {
    case BP_CMP_MIN: return bp_num_sub(x, cur->lo);
    case BP_CMP_MAX: return bp_num_sub(cur->hi, x);
    case BP_CMP_BAND: {
        bp_num a = bp_num_sub(x, cur->lo), b = bp_num_sub(cur->hi, x);
        if (!a.ok || !b.ok) return bp_num_none();
        return bp_num_cmp(a, b) <= 0 ? a : b;
    }
    }
    return bp_num_none();
}

/* The contract's rank: red < amber < green. */
static int rank(bp_status s)
{
    return s == BP_STATUS_RED ? 0 : s == BP_STATUS_AMBER ? 1 : 2;
}

static bool outside(bp_status s)
{
    return s == BP_STATUS_RED || s == BP_STATUS_AMBER;
}

/* -1, 0, 1: the current value against the previous in the current target's terms; 0 too
 * when either cannot be measured (a threshold without data). */
static int further_inside(const bp_kpi *k, const bp_result *cur, double cur_v, double prev_v)
{
    bp_num a = inside(k, cur, cur_v), b = inside(k, cur, prev_v);
    if (a.ok && b.ok) return bp_num_cmp(a, b);
    /* beyond what an exact rational holds (|v| near 2^1000 or 2^-1000): as doubles */
    if (!cur->lo.ok && !cur->hi.ok) return 0;
    long double x = cur_v, y = prev_v;
    const bp_target *t = &k->targets[cur->target];
    if (t->cmp == BP_CMP_MAX) return x < y ? 1 : x > y ? -1 : 0;
    if (t->cmp == BP_CMP_MIN) return x > y ? 1 : x < y ? -1 : 0;
    long double lo = bp_num_to_double(cur->lo), hi = bp_num_to_double(cur->hi);
    long double da = fminl(x - lo, hi - x), db = fminl(y - lo, hi - y);
    return da > db ? 1 : da < db ? -1 : 0;
}

int bp_previous_movement(const bp_kpi *k, const bp_result *cur, double cur_v,
                         const bp_prev_result *prev)
{
    if (cur->status == BP_STATUS_NONE || cur->target < 0) return -1;
    bp_status ps = prev && prev->value.ok ? prev->status : BP_STATUS_NONE;
    if (outside(cur->status)) {
        if (!outside(ps)) return BP_MV_NEW;
        int a = rank(cur->status), b = rank(ps);
        if (a != b) return a < b ? BP_MV_WORSE : BP_MV_BETTER;
    } else {
        if (outside(ps)) return BP_MV_CLEARED;
        if (ps != BP_STATUS_GREEN) return -1;
    }
    int c = further_inside(k, cur, cur_v, prev->dvalue);
    return c < 0 ? BP_MV_WORSE : c > 0 ? BP_MV_BETTER : BP_MV_UNCHANGED;
}

/* ---- the previous pack's results, by their ids ---- */

static int prev_cmp_key(const bp_prev_result *a, const char *kpi, const char *scope,
                        const char *entity, int year, const char *scenario)
{
    int c;
    if ((c = strcmp(a->kpi, kpi))) return c;
    if ((c = strcmp(a->scope, scope))) return c;
    if ((c = strcmp(a->entity, entity))) return c;
    if (a->year != year) return a->year < year ? -1 : 1;
    return strcmp(a->scenario, scenario);
}

static int prev_cmp(const void *pa, const void *pb)
{
    const bp_prev_result *b = pb;
    return prev_cmp_key(pa, b->kpi, b->scope, b->entity, b->year, b->scenario);
}

static const bp_prev_result *prev_find(const bp_prevpack *p, const char *kpi, const char *scope,
                                       const char *entity, int year, const char *scenario)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = prev_cmp_key(&p->v[mid], kpi, scope, entity, year, scenario);
        if (c == 0) return &p->v[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Which scenarios of the previous pack a result of this one matches, in order: its own,
 * and for the outturn (an in-year pack's whole-year view) the outturn, else the actual,
 * else the forecast, else the budget of the same year. */
static const struct {
    const char *scenario;
    const char *match[4];
} fallbacks[] = {
    {"outturn", {"outturn", "actual", "forecast", "budget"}},
};

const bp_prev_result *bp_previous_match(const bp_prevpack *p, const char *kpi, const char *scope,
                                        const char *entity, int year, const char *scenario)
{
    for (size_t i = 0; i < sizeof fallbacks / sizeof *fallbacks; i++) {
        if (strcmp(fallbacks[i].scenario, scenario) != 0) continue;
        for (size_t j = 0; j < 4 && fallbacks[i].match[j]; j++) {
            const bp_prev_result *f = prev_find(p, kpi, scope, entity, year, fallbacks[i].match[j]);
            if (f) return f;
        }
        return NULL;
    }
    return prev_find(p, kpi, scope, entity, year, scenario);
}

static void prev_result_free(bp_prev_result *r)
{
    free(r->kpi);
    free(r->scope);
    free(r->entity);
    free(r->scenario);
}

void bp_previous_free(bp_prevpack *p)
{
    for (size_t i = 0; i < p->n; i++) prev_result_free(&p->v[i]);
    free(p->v);
    free(p->path);
    free(p->trust);
    free(p->trust_name);
    memset(p, 0, sizeof *p);
}

static bp_prev_result *prev_add(bp_prevpack *p, size_t *cap)
{
    bp_prev_result *v = bp_grow(p->v, cap, p->n + 1, sizeof *v);
    if (!v) return NULL;
    p->v = v;
    memset(&v[p->n], 0, sizeof *v);
    return &v[p->n++];
}

/* ---- from a data set folder ---- */

static bp_err load_folder(const char *path, const char *templates, bp_prevpack *p,
                          bp_diags *diags)
{
    bp_session s;
    bp_err err = bp_session_open(&s, path, 0, templates);
    if (err != BP_OK) {
        /* its errors under its own names: prev/finance.csv, not this data set's finance.csv */
        for (size_t i = 0; i < s.diags.count; i++) {
            const bp_diag *d = &s.diags.items[i];
            if (d->level != BP_DIAG_ERROR) continue;
            size_t n = strlen(path) + strlen(d->file) + 2;
            char *f = malloc(n);
            if (!f) {
                diags->oom = 1;
                break;
            }
            if (!d->file[0] || strcmp(d->file, path) == 0) snprintf(f, n, "%s", path);
            else snprintf(f, n, "%s/%s", path, d->file);
            bp_diag_add(diags, BP_DIAG_ERROR, f, d->line, d->column, "%s", d->message);
            free(f);
        }
        bp_session_close(&s);
        return err;
    }
    size_t cap = 0;
    p->trust = dup(s.model.id);
    p->trust_name = dup(s.model.name);
    p->report_year = s.year;
    p->period = bp_previous_pack_period(&s.model);
    if (!p->trust || !p->trust_name) err = BP_ERR_NOMEM;
    if (err == BP_OK && p->suppress_max > 0) {
        /* published beside this pack's figures: withheld by this pack's rules, primary and
         * secondary over the previous pack's own tables */
        s.model.suppress_max = p->suppress_max;
        err = bp_suppress_apply(&s.results);
    }
    for (size_t i = 0; i < s.results.nresults && err == BP_OK; i++) {
        const bp_result *r = &s.results.results[i];
        if (!r->counts) continue;
        const bp_kpi *k = &s.kpis.kpis[r->kpi];
        bp_prev_result *q = prev_add(p, &cap);
        if (!q) {
            err = BP_ERR_NOMEM;
            break;
        }
        q->kpi = dup(k->id);
        q->scope = dup(bp_scope_id(r->scope));
        q->entity = dup(bp_result_entity_id(&s.results, r));
        q->scenario = dup(bp_scenario_id(r->scenario));
        q->year = r->year;
        q->value = r->value;
        q->dvalue = bp_previous_double(k, r->value);
        q->status = r->status;
        q->suppressed = r->suppressed;
        if (!q->kpi || !q->scope || !q->entity || !q->scenario) err = BP_ERR_NOMEM;
    }
    bp_session_close(&s);
    return err;
}

/* ---- from a results JSON ---- */

static bp_err json_bad(bp_diags *diags, const char *path, const bp_jv *at, const char *what)
{
    if (at) bp_diag_add(diags, BP_DIAG_ERROR, path, at->line, at->column,
                        "not a boardpack results JSON: %s", what);
    else bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0, "not a boardpack results JSON: %s", what);
    return BP_ERR_USAGE;
}

static const char *jv_string(const bp_jv *obj, const char *key)
{
    const bp_jv *v = bp_jv_get(obj, key);
    return v && v->kind == BP_JV_STRING ? v->text : NULL;
}

static bool status_parse(const char *s, bp_status *out)
{
    for (int i = BP_STATUS_NONE; i <= BP_STATUS_RED; i++)
        if (strcmp(bp_status_id((bp_status)i), s) == 0) {
            *out = (bp_status)i;
            return true;
        }
    return false;
}

/* A results JSON's number as an exact rational: its decimal literal, else (an exponent,
 * which %.17g writes for very small or large ratios) the double it reads as. */
static bp_num jv_num(const bp_jv *v)
{
    bp_num n;
    if (bp_num_parse(v->text, v->len, &n) && !memchr(v->text, '%', v->len)) return n;
    return exact_double(v->num);
}

/* One result of a results JSON, however its schema lays it out: an object of its own
 * (/1, /2) or a row of a group (/3).  NULL: absent. */
enum { F_KPI, F_SCOPE, F_ENTITY, F_YEAR, F_SCENARIO, F_STATUS, F_REPORTED, F_VALUE, F_SUPPRESSED, F_N };
static const char *const field_names[F_N] = {"kpi", "scope", "entity", "year", "scenario",
                                             "status", "reported", "value", "suppressed"};

typedef struct {
    const bp_jv *at;         /* where the result is, for a message about it as a whole */
    const bp_jv *f[F_N];
} json_view;

static bp_err json_result(const char *path, const json_view *o, bp_prevpack *p, size_t *cap,
                          bool *all_say, bp_diags *diags)
{
    const char *vals[F_STATUS + 1];
    for (size_t i = 0; i <= F_STATUS; i++) {
        vals[i] = o->f[i] && o->f[i]->kind == BP_JV_STRING ? o->f[i]->text : NULL;
        if (!vals[i]) {
            char why[80];
            snprintf(why, sizeof why, "a result without \"%s\" as a string", field_names[i]);
            return json_bad(diags, path, o->at, why);
        }
    }
    const bp_jv *rep = o->f[F_REPORTED], *val = o->f[F_VALUE];
    if (!rep || rep->kind != BP_JV_BOOL)
        return json_bad(diags, path, o->at, "a result without \"reported\": true or false");
    if (!val || (val->kind != BP_JV_NUMBER && val->kind != BP_JV_NULL))
        return json_bad(diags, path, val ? val : o->at, "a result whose \"value\" is not a number or null");
    int year;
    bp_status st;
    if (!bp_year_parse(vals[F_YEAR], &year))
        return json_bad(diags, path, o->f[F_YEAR], "a year that is not YYYY/YY");
    if (!status_parse(vals[F_STATUS], &st))
        return json_bad(diags, path, o->f[F_STATUS], "a status other than green, amber, red or none");
    /* written by build --publish: every result says whether it is withheld */
    const bp_jv *sup = o->f[F_SUPPRESSED];
    if (sup && sup->kind != BP_JV_BOOL)
        return json_bad(diags, path, sup, "a result whose \"suppressed\" is not true or false");
    if (!sup) *all_say = false;
    if (!rep->b) return BP_OK;
    bp_prev_result *q = prev_add(p, cap);
    if (!q) return BP_ERR_NOMEM;
    q->kpi = dup(vals[F_KPI]);
    q->scope = dup(vals[F_SCOPE]);
    q->entity = dup(vals[F_ENTITY]);
    q->scenario = dup(vals[F_SCENARIO]);
    q->year = year;
    q->status = st;
    q->suppressed = sup && sup->b;
    q->value = val->kind == BP_JV_NUMBER ? jv_num(val) : bp_num_none();
    q->dvalue = val->kind == BP_JV_NUMBER ? val->num : 0.0;
    if (val->kind == BP_JV_NUMBER && !q->value.ok) q->value = bp_num_none();
    return q->kpi && q->scope && q->entity && q->scenario ? BP_OK : BP_ERR_NOMEM;
}

/* Schema /1 and /2: "results" holds one object per result. */
static bp_err json_objects(const char *path, const bp_jv *res, bp_prevpack *p, size_t *cap,
                           bool *all_say, bp_diags *diags)
{
    bp_err err = BP_OK;
    for (size_t i = 0; err == BP_OK && i < res->n; i++) {
        const bp_jv *o = &res->items[i];
        if (o->kind != BP_JV_OBJECT) return json_bad(diags, path, o, "a result that is not an object");
        json_view v = {o, {NULL}};
        for (size_t k = 0; k < F_N; k++) v.f[k] = bp_jv_get(o, field_names[k]);
        err = json_result(path, &v, p, cap, all_say, diags);
    }
    return err;
}

/* Schema /3: "results" holds groups - {"kpi", "scope", "entity", "target", "rows"} - and
 * each row is an array of the fields "result_fields" names, in its order. */
static bp_err json_groups(const char *path, const bp_jv *root, const bp_jv *res, bp_prevpack *p,
                          size_t *cap, bool *all_say, bp_diags *diags)
{
    const bp_jv *rf = bp_jv_get(root, "result_fields");
    size_t col[F_N];
    for (size_t k = F_YEAR; k < F_N; k++) col[k] = SIZE_MAX;
    for (size_t i = 0; rf && rf->kind == BP_JV_ARRAY && i < rf->n; i++)
        for (size_t k = F_YEAR; k < F_N; k++)
            if (rf->items[i].kind == BP_JV_STRING && strcmp(rf->items[i].text, field_names[k]) == 0
                && col[k] == SIZE_MAX)
                col[k] = i;
    for (size_t k = F_YEAR; k < F_SUPPRESSED; k++)
        if (col[k] == SIZE_MAX)
            return json_bad(diags, path, rf ? rf : root,
                            "no \"result_fields\" array naming year, scenario, status, reported "
                            "and value");
    bp_err err = BP_OK;
    for (size_t i = 0; err == BP_OK && i < res->n; i++) {
        const bp_jv *g = &res->items[i];
        const bp_jv *rows = bp_jv_get(g, "rows");
        if (g->kind != BP_JV_OBJECT || !rows || rows->kind != BP_JV_ARRAY)
            return json_bad(diags, path, g, "a result group that is not an object with \"rows\"");
        for (size_t j = 0; err == BP_OK && j < rows->n; j++) {
            const bp_jv *row = &rows->items[j];
            if (row->kind != BP_JV_ARRAY) return json_bad(diags, path, row, "a row that is not an array");
            json_view v = {row, {NULL}};
            for (size_t k = 0; k < F_YEAR; k++) v.f[k] = bp_jv_get(g, field_names[k]);
            for (size_t k = F_YEAR; k < F_N; k++)
                v.f[k] = col[k] < row->n ? &row->items[col[k]] : NULL;
            err = json_result(path, &v, p, cap, all_say, diags);
        }
    }
    return err;
}

static bp_err load_json(const char *path, bp_prevpack *p, bp_diags *diags)
{
    char *text = NULL;
    size_t len = 0;
    bp_diags rd;
    bp_diags_init(&rd);
    bp_err err = bp_read_file(path, path, PREV_JSON_MAX, &text, &len, &rd);
    if (err != BP_OK) {
        for (size_t i = 0; i < rd.count; i++)
            bp_diag_add(diags, BP_DIAG_ERROR, rd.items[i].file, rd.items[i].line,
                        rd.items[i].column, "--previous: %s", rd.items[i].message);
        bp_diags_free(&rd);
        return err == BP_ERR_NOMEM ? err : BP_ERR_USAGE;
    }
    bp_diags_free(&rd);
    bp_jv root;
    int line = 0, col = 0;
    char why[160];
    err = bp_jsonin_parse(text, len, &root, &line, &col, why, sizeof why);
    free(text);
    if (err == BP_ERR_DATA) {
        bp_diag_add(diags, BP_DIAG_ERROR, path, line, col, "malformed JSON: %s", why);
        err = BP_ERR_USAGE;
    }
    if (err == BP_OK && root.kind != BP_JV_OBJECT)
        err = json_bad(diags, path, &root, "the file is not a JSON object");
    const char *schema = err == BP_OK ? jv_string(&root, "schema") : NULL;
    /* /1 and /2 (one object per result) as older versions wrote them, /3 as this one does */
    int version = 0;
    if (schema && strncmp(schema, "boardpack-results/", 18) == 0 && schema[18] >= '1'
        && schema[18] <= '3' && !schema[19])
        version = schema[18] - '0';
    if (err == BP_OK && !version) {
        const bp_jv *sv = bp_jv_get(&root, "schema");
        if (schema) {
            char q[200];
            bp_diag_quote(schema, strlen(schema), q, sizeof q);
            bp_diag_add(diags, BP_DIAG_ERROR, path, sv->line, sv->column,
                        "schema \"%s\" is not a boardpack results schema (boardpack-results/3 "
                        "as check --format json and build write, or /1 or /2 as earlier "
                        "versions did)", q);
            err = BP_ERR_USAGE;
        } else {
            err = json_bad(diags, path, sv ? sv : &root, "no \"schema\" string");
        }
    }
    const char *trust = err == BP_OK ? jv_string(&root, "trust") : NULL;
    const char *ry = err == BP_OK ? jv_string(&root, "report_year") : NULL;
    if (err == BP_OK && !trust) err = json_bad(diags, path, &root, "no \"trust\" string");
    if (err == BP_OK && (!ry || !bp_year_parse(ry, &p->report_year)))
        err = json_bad(diags, path, bp_jv_get(&root, "report_year") ? bp_jv_get(&root, "report_year") : &root,
                       "no \"report_year\" as YYYY/YY");
    p->period = BP_PERIOD_ANNUAL;
    const bp_jv *pv = err == BP_OK ? bp_jv_get(&root, "period") : NULL;
    if (pv && pv->kind != BP_JV_NULL) {
        int mo = 0;
        if (pv->kind == BP_JV_STRING && pv->len == 3 && (pv->text[0] == 'M' || pv->text[0] == 'P')
            && pv->text[1] >= '0' && pv->text[1] <= '1' && pv->text[2] >= '0' && pv->text[2] <= '9')
            mo = (pv->text[1] - '0') * 10 + (pv->text[2] - '0');
        if (mo < 1 || mo > 12) err = json_bad(diags, path, pv, "a \"period\" other than M01..M12 or null");
        else p->period = mo;
    }
    const bp_jv *res = err == BP_OK ? bp_jv_get(&root, "results") : NULL;
    if (err == BP_OK && (!res || res->kind != BP_JV_ARRAY))
        err = json_bad(diags, path, res ? res : &root, "no \"results\" array");
    if (err == BP_OK) {
        p->trust = dup(trust);
        const char *tn = jv_string(&root, "trust_name");
        p->trust_name = dup(tn ? tn : trust);
        if (!p->trust || !p->trust_name) err = BP_ERR_NOMEM;
    }
    size_t cap = 0;
    bool all_say = true;
    if (err == BP_OK)
        err = version == 3 ? json_groups(path, &root, res, p, &cap, &all_say, diags)
                           : json_objects(path, res, p, &cap, &all_say, diags);
    p->published = err == BP_OK && res->n > 0 && all_say;
    bp_jv_free(&root);
    return err;
}

bp_err bp_previous_load(const char *path, const char *templates, int64_t suppress_max,
                        bp_prevpack *out, bp_diags *diags)
{
    memset(out, 0, sizeof *out);
    out->suppress_max = suppress_max;
    out->path = dup(path);
    if (!out->path) return BP_ERR_NOMEM;
    struct stat st;
    if (stat(path, &st) != 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0,
                    "--previous: %s (expected a previous data set folder or results JSON)",
                    strerror(errno));
        return BP_ERR_USAGE;
    }
    bp_err err;
    if (S_ISDIR(st.st_mode)) {
        err = load_folder(path, templates, out, diags);
    } else {
        out->from_json = true;
        err = load_json(path, out, diags);
    }
    if (err == BP_OK && out->n > 1) qsort(out->v, out->n, sizeof *out->v, prev_cmp);
    /* the same result twice would make the match ambiguous */
    for (size_t i = 1; err == BP_OK && i < out->n; i++)
        if (prev_cmp(&out->v[i - 1], &out->v[i]) == 0) {
            char yb[16];
            bp_year_format(out->v[i].year, yb, sizeof yb);
            bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0,
                        "not a boardpack results JSON: the result %s, %s %s, %s, %s is given twice",
                        out->v[i].kpi, out->v[i].scope, out->v[i].entity, yb, out->v[i].scenario);
            err = BP_ERR_USAGE;
        }
    return err;
}

bp_err bp_previous_apply(bp_results *r, const bp_model *m, int period, bp_prevpack *p,
                         bp_diags *diags)
{
    if (strcmp(p->trust, m->id) != 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, "", 0, 0, "--previous %s is trust %s, this is trust %s",
                    p->path, p->trust, m->id);
        return BP_ERR_USAGE;
    }
    p->later = p->report_year > r->report_year
               || (p->report_year == r->report_year && p->period > period);
    if (p->later) {
        char pb[32], cb[32];
        bp_previous_pack_label(p->report_year, p->period, pb, sizeof pb);
        bp_previous_pack_label(r->report_year, period, cb, sizeof cb);
        bp_diag_add(diags, BP_DIAG_WARNING, p->path, 0, 0,
                    "the previous pack (%s) is later than this one (%s): the movements compare "
                    "this pack with a later one", pb, cb);
        bp_diag_mark_plain(diags);   /* the packs word it themselves (bp_packpdf_dataq) */
    }
    /* published from a JSON that was not: its values of KPIs that count people cannot be
     * checked (the JSON has no numerators or denominators), so none is shown */
    bool unchecked = p->suppress_max > 0 && p->from_json && !p->published;
    size_t held = 0;
    for (size_t i = 0; i < r->nresults; i++) {
        bp_result *x = &r->results[i];
        const bp_kpi *k = &r->kpis->kpis[x->kpi];
        const bp_prev_result *f = bp_previous_match(p, k->id, bp_scope_id(x->scope),
                                             bp_result_entity_id(r, x), x->year,
                                             bp_scenario_id(x->scenario));
        x->has_previous = f != NULL;
        x->previous_suppressed = f && p->suppress_max > 0
                                 && (f->suppressed || (unchecked && k->counts_people));
        if (x->previous_suppressed) {
            /* the movement too: with this value it would narrow the withheld one */
            x->previous_value = bp_num_none();
            x->previous_status = BP_STATUS_NONE;
            x->movement = -1;
            held += x->counts && !f->suppressed;
            continue;
        }
        x->previous_value = f ? f->value : bp_num_none();
        x->previous_status = f ? f->status : BP_STATUS_NONE;
        x->movement = bp_previous_movement(k, x, bp_previous_double(k, x->value), f);
    }
    if (held)
        bp_diag_add(diags, BP_DIAG_WARNING, p->path, 0, 0,
                    "a results JSON written without --publish: its %zu values of KPIs that count "
                    "people are withheld (c), since their counts cannot be checked; give the "
                    "previous data set folder, or its results JSON written by build --publish",
                    held);
    r->previous = p;
    return BP_OK;
}
