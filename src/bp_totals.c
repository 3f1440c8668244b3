/* bp_totals: the whole-year figures the KPIs read (model.totals) - the year of each
 * monthly series, and in in-year mode the report year's ytd_actual, ytd_budget and
 * outturn (contract v2, "In-year figures"), with the warnings of the rules that form
 * them.  Every figure is formed per (institution, code) in exact pence; a figure that
 * cannot be formed is a total marked nodata, never a 0 and never spread over months. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_model.h"
#include "bp_util.h"

typedef struct {
    bp_fact *v;
    size_t n, cap;
    bool oom;
} tvec;

static void push(tvec *t, const bp_fact *f)
{
    bp_fact *n = bp_grow(t->v, &t->cap, t->n + 1, sizeof *n);
    if (!n) {
        t->oom = true;
        return;
    }
    t->v = n;
    t->v[t->n++] = *f;
}

static int total_cmp(const void *a, const void *b)
{
    const bp_fact *x = a, *y = b;
    if (x->inst != y->inst) return x->inst < y->inst ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if (x->scenario != y->scenario) return x->scenario < y->scenario ? -1 : 1;
    return strcmp(x->code, y->code);
}

static bool same_group(const bp_fact *a, const bp_fact *b)
{
    return a->inst == b->inst && a->year == b->year && a->scenario == b->scenario
           && a->code == b->code;
}

/* A list of codes (or months) for one warning, cut short with "..." rather than lost. */
typedef struct {
    char s[600];
    size_t n, count;
} wlist;

static void wl_add(wlist *w, const char *item)
{
    if (w->n < sizeof w->s - 8) {
        int k = snprintf(w->s + w->n, sizeof w->s - w->n, "%s%s", w->count ? ", " : "", item);
        if (k > 0) w->n += (size_t)k;
        if (w->n >= sizeof w->s - 8) {
            w->n = sizeof w->s - 8;
            snprintf(w->s + w->n, sizeof w->s - w->n, "...");
            w->n += 3;
        }
    }
    w->count++;
}

/* ---- the whole year of every series but the in-year actual ---- */

/* The balance codes of one (inst, year, scenario) given by month end at different months
 * cannot be added at their own ends: bp_model_sum takes a total of them at the earliest,
 * and says so here, once per (inst, year, scenario). */
typedef struct {
    int lo, hi;
    const char *lo_code, *hi_code;
} ends;

static void warn_ends(const bp_model *m, const bp_fact *f, const ends *e, bp_diags *d)
{
    if (!e->lo_code || e->lo == e->hi) return;
    char yb[16], lb[8], hb[8];
    bp_year_format(f->year, yb, sizeof yb);
    bp_month_format(e->lo, lb, sizeof lb);
    bp_month_format(e->hi, hb, sizeof hb);
    bp_diag_add(d, BP_DIAG_WARNING, "finance.csv", 0, 0,
                "%s %s %s: balances end in different months (%s at %s, %s at %s): a total "
                "over codes ending in different months is the balance at the earliest of them",
                m->insts[f->inst].id, yb, bp_scenario_id(f->scenario), e->lo_code, lb,
                e->hi_code, hb);
}

static void whole_years(const bp_model *m, tvec *t, bp_diags *d)
{
    ends e = {13, 0, NULL, NULL};
    for (size_t i = 0; i < m->nfacts;) {
        const bp_fact *f = &m->facts[i];
        size_t j = i + 1;
        while (j < m->nfacts && same_group(f, &m->facts[j])) j++;
        const bp_fact *nx = j < m->nfacts ? &m->facts[j] : NULL;
        /* in in-year mode the report year's actuals are its year to date and outturn */
        bool skip = m->inyear && f->year == m->inyear && f->scenario == BP_ACTUAL;
        if (!skip && !f->period) {
            push(t, f);
        } else if (!skip) {
            bp_fact w = m->facts[j - 1];   /* the latest month: a balance's year-end */
            if (!bp_code_is_balance(f->code)) {
                w.value = 0;
                for (size_t k = i; k < j; k++)
                    if (__builtin_add_overflow(w.value, m->facts[k].value, &w.value)) w.nodata = true;
            } else {
                if (w.period < e.lo) { e.lo = w.period; e.lo_code = w.code; }
                if (w.period > e.hi) { e.hi = w.period; e.hi_code = w.code; }
            }
            push(t, &w);
        }
        if (!nx || nx->inst != f->inst || nx->year != f->year || nx->scenario != f->scenario) {
            warn_ends(m, f, &e, d);
            e = (ends){13, 0, NULL, NULL};
        }
        i = j;
    }
}

/* ---- the in-year scenarios of the report year ---- */

/* One code's facts of one scenario: v[0] the whole-year value (bit 0 of has), v[m] month
 * m (bit m). */
typedef struct {
    int64_t v[13];
    unsigned has;
    const bp_fact *any;
} series;

static series get_series(const bp_model *m, int inst, int year, bp_scenario s, const char *code)
{
    series r;
    memset(&r, 0, sizeof r);
    size_t i0 = bp_facts_lower_bound(m->facts, m->nfacts, inst, year, s, code);
    for (size_t i = i0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != year || f->scenario != s || f->code != code) break;
        r.v[f->period] = f->value;
        r.has |= 1u << f->period;
        if (!r.any) r.any = f;
    }
    return r;
}

static bool months_in(const series *s) { return (s->has & ~1u) != 0; }

/* Sum of months lo..hi that are given (a month with no fact counts 0); false on
 * overflow. */
static bool sum_months(const series *s, int lo, int hi, int64_t *out)
{
    int64_t t = 0;
    for (int k = lo; k <= hi; k++)
        if ((s->has & (1u << k)) && __builtin_add_overflow(t, s->v[k], &t)) return false;
    *out = t;
    return true;
}

static bp_fact make(const bp_fact *like, bp_scenario s, int period, int64_t v, bool nodata)
{
    bp_fact f = *like;
    f.scenario = s;
    f.period = period;
    f.value = v;
    f.nodata = nodata;
    return f;
}

typedef struct {
    const bp_model *m;
    int inst, p;
    tvec *t;
    bp_diags *d;
    wlist unprofiled, from_forecast;
} inyear_ctx;

static void code_inyear(inyear_ctx *c, const char *code)
{
    const bp_model *m = c->m;
    int y = m->inyear, p = c->p;
    series a = get_series(m, c->inst, y, BP_ACTUAL, code);
    series b = get_series(m, c->inst, y, BP_BUDGET, code);
    series f = get_series(m, c->inst, y, BP_FORECAST, code);
    const bp_fact *like = a.any ? a.any : b.any ? b.any : f.any;
    if (!like) return;
    if (!like->money) {
        /* students, staff, governance: whole-year, their own year to date and outturn */
        if (a.has & 1u) {
            bp_fact x = make(a.any, BP_YTD_ACTUAL, 0, a.v[0], false);
            push(c->t, &x);
            x.scenario = BP_OUTTURN;
            push(c->t, &x);
        }
        if (b.has & 1u) {
            bp_fact x = make(b.any, BP_YTD_BUDGET, 0, b.v[0], false);
            push(c->t, &x);
        }
        return;
    }
    bool balance = bp_code_is_balance(code);
    bool opening = bp_code_under(code, "cash.opening");   /* whole-year only, by the contract */
    bool ovf = false;
    int64_t v = 0;

    /* ytd_actual: the months closed; a balance, the month-end at p */
    bool has_ytd = false;
    int64_t ytd = 0;
    if (opening && (a.has & 1u)) {
        has_ytd = true;
        ytd = a.v[0];
    } else if (balance) {
        has_ytd = (a.has >> p) & 1u;
        ytd = a.v[p];
    } else if (months_in(&a)) {
        has_ytd = true;
        ovf |= !sum_months(&a, 1, p, &ytd);
    }
    if (has_ytd) {
        bp_fact x = make(a.any, BP_YTD_ACTUAL, p, ytd, ovf);
        push(c->t, &x);
    }

    /* ytd_budget: the profile to p; a budget set only for the whole year cannot be split */
    if (opening ? (b.has & 1u) : months_in(&b)) {
        bool ok = true;
        if (opening) v = b.v[0];
        else if (balance) ok = (b.has >> p) & 1u, v = b.v[p];
        else ok = sum_months(&b, 1, p, &v);
        if (ok) {
            bp_fact x = make(b.any, BP_YTD_BUDGET, p, v, false);
            push(c->t, &x);
        }
    } else if (b.has & 1u) {
        bp_fact x = make(b.any, BP_YTD_BUDGET, p, 0, true);
        push(c->t, &x);
        wl_add(&c->unprofiled, code);
    }

    /* outturn */
    if (f.has & 1u) {
        bp_fact x = make(f.any, BP_OUTTURN, 0, f.v[0], false);
        push(c->t, &x);
        wl_add(&c->from_forecast, code);
        return;
    }
    if (opening) {
        if (has_ytd) {
            bp_fact x = make(like, BP_OUTTURN, 0, ytd, false);
            push(c->t, &x);
        }
        return;
    }
    if (balance) {
        /* the year-end: forecast(M12), else budget(M12), a whole-year balance being M12 */
        if (p == 12 && has_ytd) v = ytd;
        else if (f.has & (1u << 12)) v = f.v[12];
        else if (b.has & (1u << 12)) v = b.v[12];
        else if (b.has & 1u) v = b.v[0];
        else return;
        bp_fact x = make(like, BP_OUTTURN, 12, v, false);
        push(c->t, &x);
        return;
    }
    if (!has_ytd && !months_in(&f) && !months_in(&b) && !(b.has & 1u)) return;
    int64_t out = has_ytd ? ytd : 0;
    bool nodata = ovf;
    for (int k = p + 1; k <= 12 && !nodata; k++) {
        if (f.has & (1u << k)) ovf |= __builtin_add_overflow(out, f.v[k], &out);
        else if (b.has & (1u << k)) ovf |= __builtin_add_overflow(out, b.v[k], &out);
        else if ((b.has & 1u) && !months_in(&b)) nodata = true;
        nodata |= ovf;
    }
    if (nodata && !ovf) {
        char pb[8];
        bp_month_format(p, pb, sizeof pb);
        bp_diag_add(c->d, BP_DIAG_WARNING, "finance.csv", 0, 0,
                    "outturn of %s for %s has no month-by-month forecast or budget after %s",
                    code, m->insts[c->inst].id, pb);
    }
    bp_fact x = make(like, BP_OUTTURN, 12, out, nodata);
    push(c->t, &x);
}

static int code_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Months not received: m <= p with no actual flow fact of the institution at all. */
static uint16_t not_received(const bp_model *m, int inst, size_t lo, size_t hi, int p)
{
    bool expected = false;
    unsigned got = 0;
    for (size_t i = lo; i < hi; i++) {
        const bp_fact *f = &m->facts[i];
        expected |= f->money;
        if (f->scenario == BP_ACTUAL && f->money && f->period && !bp_code_is_balance(f->code))
            got |= 1u << (f->period - 1);
    }
    (void)inst;
    /* an institution with no money figure for the year is not expected to send any */
    if (!expected) return 0;
    return (uint16_t)(~got & ((1u << p) - 1));
}

static bp_err inyear(bp_model *m, tvec *t, bp_diags *d)
{
    m->missing = calloc(m->ninsts ? m->ninsts : 1, sizeof *m->missing);
    if (!m->missing) return BP_ERR_NOMEM;
    const char **codes = malloc((m->nfacts ? m->nfacts : 1) * sizeof *codes);
    if (!codes) return BP_ERR_NOMEM;
    char pb[8];
    bp_month_format(m->period, pb, sizeof pb);
    size_t lo = 0;   /* facts are sorted by institution first: one pass over them */
    for (size_t inst = 0; inst < m->ninsts; inst++) {
        /* the institution's facts of the report year: one run of the sorted facts */
        while (lo < m->nfacts && (m->facts[lo].inst < (int)inst
                                  || (m->facts[lo].inst == (int)inst && m->facts[lo].year < m->inyear)))
            lo++;
        size_t hi = lo;
        while (hi < m->nfacts && m->facts[hi].inst == (int)inst && m->facts[hi].year == m->inyear)
            hi++;
        if (lo == hi) continue;
        m->missing[inst] = not_received(m, (int)inst, lo, hi, m->period);
        if (m->missing[inst]) {
            wlist w = {0};
            for (int k = 1; k <= m->period; k++)
                if (m->missing[inst] & (1u << (k - 1))) {
                    char mb[8];
                    bp_month_format(k, mb, sizeof mb);
                    wl_add(&w, mb);
                }
            bp_diag_add(d, BP_DIAG_WARNING, "finance.csv", 0, 0, "%s: no actuals for %s",
                        m->insts[inst].id, w.s);
        }
        size_t nc = 0;
        for (size_t i = lo; i < hi; i++) codes[nc++] = m->facts[i].code;
        qsort(codes, nc, sizeof *codes, code_cmp);
        inyear_ctx c = {.m = m, .inst = (int)inst, .p = m->period, .t = t, .d = d};
        for (size_t i = 0; i < nc; i++)
            if (i == 0 || codes[i] != codes[i - 1]) code_inyear(&c, codes[i]);
        if (c.unprofiled.count)
            bp_diag_add(d, BP_DIAG_WARNING, "finance.csv", 0, 0,
                        "budget not profiled by month: %s %s", m->insts[inst].id, c.unprofiled.s);
        if (c.from_forecast.count)
            bp_diag_add(d, BP_DIAG_WARNING, "finance.csv", 0, 0,
                        "outturn from a whole-year forecast rather than the actuals to %s: %s %s",
                        pb, m->insts[inst].id, c.from_forecast.s);
    }
    free(codes);
    return t->oom ? BP_ERR_NOMEM : BP_OK;
}

bp_err bp_model_totals(bp_model *m, int year, bp_diags *diags)
{
    free(m->totals);
    free(m->missing);
    m->totals = NULL;
    m->missing = NULL;
    m->ntotals = 0;
    if (!year) year = m->report_year;
    m->reported_year = year;
    m->inyear = m->period && year == m->report_year ? year : 0;
    bool monthly = false;
    for (size_t i = 0; i < m->nfacts && !monthly; i++) monthly = m->facts[i].period != 0;
    /* all whole-year and annual: the facts are their own totals, as in v1 */
    if (!monthly && !m->inyear) return BP_OK;
    tvec t = {0};
    whole_years(m, &t, diags);
    bp_err err = t.oom ? BP_ERR_NOMEM : BP_OK;
    if (err == BP_OK && m->inyear) err = inyear(m, &t, diags);
    if (err != BP_OK) {
        free(t.v);
        return err;
    }
    if (t.n > 1) qsort(t.v, t.n, sizeof *t.v, total_cmp);
    m->totals = t.v ? t.v : malloc(sizeof *m->totals);
    m->ntotals = t.n;
    return m->totals ? BP_OK : BP_ERR_NOMEM;
}
