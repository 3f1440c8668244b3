/* bp_format: UK-style figures and sentences, computed from exact values. */
#include "bp_format.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_money.h"
#include "bp_previous.h"
#include "bp_util.h"

/* Round v * 10^decimals to an integer: half away from zero (dir 0), or down (dir -1,
 * toward minus infinity) or up (dir 1). */
static bool scaled_round_dir(bp_num v, int decimals, int dir, bp_i128 *out)
{
    if (!v.ok) return false;
    /* The numerator times ten, while it stays far below the parts' limit (2^100): what
     * bp_num_mul would give, without its reductions - this runs for every figure shown. */
    bp_num s = v;
    int i = 0;
    for (; i < decimals && s.num < ((bp_i128)1 << 92) && s.num > -((bp_i128)1 << 92); i++)
        s.num *= 10;
    for (; i < decimals; i++) s = bp_num_mul(s, bp_num_int(10));
    if (!s.ok) return false;
    bp_i128 q = s.num / s.den, r = s.num % s.den;   /* q toward zero, r of num's sign */
    if (dir < 0 && r < 0) q--;
    else if (dir > 0 && r > 0) q++;
    else if (dir == 0 && 2 * (r < 0 ? -r : r) >= s.den) q += s.num < 0 ? -1 : 1;
    *out = q;
    return true;
}

/* Round v * 10^decimals half away from zero to an integer. */
static bool scaled_round(bp_num v, int decimals, bp_i128 *out)
{
    return scaled_round_dir(v, decimals, 0, out);
}

/* sign, whole part (grouped in thousands or not), and `d` fraction digits of fp, then
 * the suffix: what "%s%s.%0*lld%s" would print, without printf's cost - every figure in
 * every pack, workbook and JSON file comes through here. */
static void put_decimal(char *buf, size_t size, bool neg, bp_i128 ip, bool group, bp_i128 fp,
                        int d, const char *suffix)
{
    char tmp[128], *end = tmp + sizeof tmp, *p = end;   /* written from the right */
    for (int i = 0; i < d && i < 40; i++, fp /= 10) *--p = (char)('0' + (int)(fp % 10));
    if (d > 0) *--p = '.';
    p = bp_digits_before((bp_u128)ip, group, p);
    if (neg) *--p = '-';
    size_t j = 0;
    while (p < end && j + 1 < size) buf[j++] = *p++;
    while (*suffix && j + 1 < size) buf[j++] = *suffix++;
    if (size) buf[j] = '\0';
}

/* v times 10^shift, rounded to `decimals` places and written with put_decimal; trailing
 * zeros of the fraction are trimmed (27.0 reads better as 27) unless keep_zeros. */
static void format_scaled(bp_num v, int shift, int decimals, bool keep_zeros, bool group,
                          const char *suffix, char *buf, size_t size)
{
    bp_i128 q;
    if (!v.ok || !scaled_round(v, decimals + shift, &q)) {
        snprintf(buf, size, "no data");
        return;
    }
    bp_i128 scale = 1;
    for (int i = 0; i < decimals; i++) scale *= 10;
    bool neg = q < 0;
    bp_i128 a = neg ? -q : q;
    bp_i128 fp = a % scale;
    int d = decimals;
    if (!keep_zeros)
        while (d > 0 && fp % 10 == 0) {
            fp /= 10;
            d--;
        }
    put_decimal(buf, size, neg, a / scale, group, fp, d, suffix);
}

void bp_format_number(bp_num v, int decimals, char *buf, size_t size)
{
    format_scaled(v, 0, decimals, false, true, "", buf, size);
}

static void format_percent(bp_num v, int decimals, bool keep_zeros, char *buf, size_t size)
{
    format_scaled(v, 2, decimals, keep_zeros, false, "%", buf, size);
}

static void format_money(bp_num v, char *buf, size_t size)
{
    int64_t p;
    if (!bp_num_to_pence(v, &p)) {
        snprintf(buf, size, "no data");
        return;
    }
    bp_money_format(p, false, buf, size);
}

/* The value with `extra` more decimal places than usual. */
static void value_at(const bp_kpi *k, bp_num v, int grade, int extra, char *buf, size_t size)
{
    if (!v.ok) {
        snprintf(buf, size, "no data");
        return;
    }
    switch (k->unit) {
    case BP_UNIT_PERCENT: format_percent(v, 1 + extra, true, buf, size); return;
    case BP_UNIT_RATIO: {
        int places = 2 + extra;
        bp_i128 q, scale = 1;
        for (int i = 0; i < places; i++) scale *= 10;
        if (!scaled_round(v, places, &q)) {
            snprintf(buf, size, "no data");
            return;
        }
        bool neg = q < 0;
        bp_i128 a = neg ? -q : q;
        snprintf(buf, size, "%s%lld.%0*lld", neg ? "-" : "", (long long)(a / scale), places,
                 (long long)(a % scale));
        return;
    }
    case BP_UNIT_MONEY: format_money(v, buf, size); return;
    case BP_UNIT_NUMBER: bp_format_number(v, 1 + extra, buf, size); return;
    case BP_UNIT_GRADE: {
        char pts[32];
        bp_format_number(v, 0, pts, sizeof pts);
        if (grade >= 0 && (size_t)grade < k->ngrades)
            snprintf(buf, size, "%s (%s)", k->grades[grade].label, pts);
        else
            snprintf(buf, size, "%s points", pts);
        return;
    }
    }
    snprintf(buf, size, "?");
}

void bp_format_value(const bp_kpi *k, bp_num v, int grade, char *buf, size_t size)
{
    value_at(k, v, grade, 0, buf, size);
}

/* Would v, rounded for display, read the same as t although it is not equal to it? */
static bool reads_as(const bp_kpi *k, bp_num v, bp_num t, int extra)
{
    if (!t.ok || bp_num_cmp(v, t) == 0) return false;
    char a[64], b[64];
    value_at(k, v, -1, extra, a, sizeof a);
    value_at(k, t, -1, extra, b, sizeof b);
    return strcmp(a, b) == 0;
}

void bp_format_result_value(const bp_kpi *k, const bp_result *r, char *buf, size_t size)
{
    if (r->suppressed) {
        snprintf(buf, size, "%s", BP_FORMAT_SUPPRESSED);
        return;
    }
    int extra = 0;
    if (r->value.ok && k->unit != BP_UNIT_MONEY && k->unit != BP_UNIT_GRADE)
        while (extra < 4 && (reads_as(k, r->value, r->lo, extra) || reads_as(k, r->value, r->hi, extra)
                             || reads_as(k, r->value, bp_num_int(0), extra)))
            extra++;
    /* Still indistinguishable after four more places: say which side of it the value is. */
    const bp_num near[3] = {r->lo, r->hi, bp_num_int(0)};
    for (int i = 0; i < 3 && r->value.ok && extra == 4; i++) {
        if (!reads_as(k, r->value, near[i], extra)) continue;
        char t[64];
        value_at(k, near[i], -1, 0, t, sizeof t);
        snprintf(buf, size, "just %s %s", bp_num_cmp(r->value, near[i]) < 0 ? "under" : "over", t);
        return;
    }
    value_at(k, r->value, r->grade, extra, buf, size);
}

void bp_format_threshold(const bp_kpi *k, bp_num v, char *buf, size_t size)
{
    if (!v.ok) {
        snprintf(buf, size, "no benchmark");
        return;
    }
    switch (k->unit) {
    case BP_UNIT_PERCENT: format_percent(v, 2, false, buf, size); return;
    case BP_UNIT_MONEY: format_money(v, buf, size); return;
    case BP_UNIT_GRADE:
        for (size_t i = 0; i < k->ngrades; i++)
            if (k->grades[i].has_min && bp_num_cmp(k->grades[i].min, v) == 0) {
                snprintf(buf, size, "%s", k->grades[i].label);
                return;
            }
        bp_format_number(v, 0, buf, size);
        return;
    case BP_UNIT_RATIO:
    case BP_UNIT_NUMBER: bp_format_number(v, 3, buf, size); return;
    }
}

static void format_ambers(const bp_kpi *k, const bp_target *t, char *buf, size_t size)
{
    buf[0] = 0;
    for (size_t i = 0; i < t->namber; i++) {
        char a[48], b[48];
        bp_format_threshold(k, t->amber[i].lo, a, sizeof a);
        bp_format_threshold(k, t->amber[i].hi, b, sizeof b);
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s to %s", i ? ", " : "", a, b);
    }
}

void bp_format_target(const bp_kpi *k, const bp_target *t, bp_num lo, bp_num hi, char *buf,
                      size_t size)
{
    char a[48], b[48], amb[128];
    bp_format_threshold(k, lo, a, sizeof a);
    bp_format_threshold(k, hi, b, sizeof b);
    format_ambers(k, t, amb, sizeof amb);
    const char *sep = t->namber ? " (amber " : "";
    const char *end = t->namber ? ")" : "";
    switch (t->cmp) {
    case BP_CMP_MIN: snprintf(buf, size, "at least %s%s%s%s", a, sep, amb, end); break;
    case BP_CMP_MAX: snprintf(buf, size, "at most %s%s%s%s", b, sep, amb, end); break;
    case BP_CMP_BAND: snprintf(buf, size, "between %s and %s%s%s%s", a, b, sep, amb, end); break;
    }
}

void bp_format_target_short(const bp_kpi *k, const bp_result *r, char *buf, size_t size)
{
    if (r->target < 0) {
        snprintf(buf, size, "%s", "");
        return;
    }
    const bp_target *t = &k->targets[r->target];
    char a[48], b[48];
    bp_format_threshold(k, r->lo, a, sizeof a);
    bp_format_threshold(k, r->hi, b, sizeof b);
    switch (t->cmp) {
    case BP_CMP_MIN: snprintf(buf, size, "min %s", a); break;
    case BP_CMP_MAX: snprintf(buf, size, "max %s", b); break;
    case BP_CMP_BAND: snprintf(buf, size, "%s-%s", a, b); break;
    }
}

void bp_format_exception(const bp_results *res, const bp_result *r, char *buf, size_t size)
{
    const bp_kpi *k = &res->kpis->kpis[r->kpi];
    char val[64], yb[16];
    bp_format_result_value(k, r, val, sizeof val);
    bp_year_format(r->year, yb, sizeof yb);
    /* in-year, the report year's outturn is what the exceptions judge */
    const char *when = r->scenario == BP_ACTUAL ? "" : r->scenario == BP_BUDGET ? " budget"
                       : r->scenario == BP_OUTTURN ? " outturn" : " forecast";
    const char *verb = r->scenario == BP_ACTUAL ? "was"
                       : r->scenario == BP_OUTTURN ? "is forecast at" : "is planned at";
    char against[128] = "";
    if (r->target >= 0) {
        const bp_target *t = &k->targets[r->target];
        char lo[48], hi[48];
        bp_format_threshold(k, r->lo, lo, sizeof lo);
        bp_format_threshold(k, r->hi, hi, sizeof hi);
        switch (t->cmp) {
        case BP_CMP_MIN: snprintf(against, sizeof against, " against a floor of %s", lo); break;
        case BP_CMP_MAX: snprintf(against, sizeof against, " against a ceiling of %s", hi); break;
        case BP_CMP_BAND:
            snprintf(against, sizeof against, " against a target band of %s to %s", lo, hi);
            break;
        }
    }
    int n = snprintf(buf, size, "%s at %s %s %s in %s%s%s (%s)", k->name,
                     bp_result_entity_name(res, r), verb, val, yb, when, against,
                     bp_status_word(r->status));
    /* a long name cut short: never inside a character, which would make the JSON, the
     * workbook and the terminal text invalid UTF-8 */
    if (n >= 0 && (size_t)n >= size && size) buf[bp_utf8_whole(buf, size - 1)] = '\0';
}

const char *bp_status_word(bp_status s)
{
    return bp_status_id(s);
}

const char *bp_status_mark(bp_status s)
{
    switch (s) {
    case BP_STATUS_GREEN: return "OK";
    case BP_STATUS_AMBER: return "AMBER";
    case BP_STATUS_RED: return "RED";
    case BP_STATUS_NONE: return "-";
    }
    return "?";
}

/* ---- the grouped exceptions in words ---- */

/* The sentences are the packs': money in them as a board reads it, in whole pounds
 * whatever the tables' units (prose in £000 would read as a riddle), never "-£"; a
 * negative amount is said in words, "a deficit of £72,519", as brackets inside the
 * sentence's own brackets would not read.  Other values as the results give them
 * (bp_format_result_value). */
static void sentence_value(const bp_kpi *k, const bp_result *r, char *buf, size_t size)
{
    int64_t p;
    if (k->unit == BP_UNIT_MONEY && r->value.ok && bp_num_to_pence(r->value, &p)) {
        char m[48];
        /* the magnitude (INT64_MIN's, a penny short, rounds to the same pounds) */
        bp_format_money_as(p == INT64_MIN ? INT64_MAX : p < 0 ? -p : p, BP_MONEY_POUNDS, m, sizeof m);
        if (p < 0 && bp_money_round(p, 100) != 0) snprintf(buf, size, "a deficit of %s", m);
        else snprintf(buf, size, "%s", m);
    } else {
        bp_format_result_value(k, r, buf, size);
    }
}

static void sentence_threshold(const bp_kpi *k, bp_num v, char *buf, size_t size)
{
    int64_t p;
    if (k->unit == BP_UNIT_MONEY && v.ok && bp_num_to_pence(v, &p))
        bp_format_money_as(p, BP_MONEY_POUNDS, buf, size);
    else
        bp_format_threshold(k, v, buf, size);
}

/* Text of any length: the sentences of an entry name as many years as the data set has. */
typedef struct {
    char *s;
    size_t n, cap;
    bool oom;
} sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_add(sbuf *b, const char *fmt, ...)
{
    while (!b->oom) {
        size_t room = b->cap - b->n;
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->n <= (size_t)k) cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
}

static char *sb_done(sbuf *b)
{
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    return b->s ? b->s : strdup("");
}

/* The target a result was held to, as words after "against": "a floor of 80%". */
static void target_words(const bp_kpi *k, const bp_result *r, char *buf, size_t size)
{
    buf[0] = '\0';
    if (r->target < 0) return;
    char lo[48], hi[48];
    sentence_threshold(k, r->lo, lo, sizeof lo);
    sentence_threshold(k, r->hi, hi, sizeof hi);
    switch (k->targets[r->target].cmp) {
    case BP_CMP_MIN: snprintf(buf, size, "a floor of %s", lo); break;
    case BP_CMP_MAX: snprintf(buf, size, "a ceiling of %s", hi); break;
    case BP_CMP_BAND: snprintf(buf, size, "a target band of %s to %s", lo, hi); break;
    }
}

static const char *count_word(size_t n)
{
    static const char *const w[] = {"no", "one", "two", "three", "four", "five", "six",
                                    "seven", "eight", "nine", "ten", "eleven", "twelve"};
    return n < sizeof w / sizeof *w ? w[n] : NULL;
}

char *bp_format_exgroup_title(const bp_results *res, const bp_exgroup *g)
{
    sbuf b = {0};
    const bp_kpi *k = &res->kpis->kpis[g->kpi];
    if (g->scope == BP_SCOPE_PHASE)
        sb_add(&b, "%s: %s phase", k->name, bp_phase_title((bp_phase)g->entity));
    else
        sb_add(&b, "%s: %s", k->name, bp_result_entity_name(res, g->items[0]));
    return sb_done(&b);
}

/* "a", "a and b", "a, b and c": the separator before the i-th of n. */
static const char *list_sep(size_t i, size_t n)
{
    return i == 0 ? "" : i + 1 == n ? " and " : ", ";
}

/* The plans of one scenario and status: "the 2023/24 budget (81.5%)", "the 2024/25 and
 * 2025/26 forecasts (81.8% and 80.6%, each against a ceiling of 80%)", "each of the three
 * forecast years (...)".  The target is named where it differs from the one named last
 * (said), so that a sentence gives it once. */
static void plan_group(sbuf *b, const bp_results *res, const bp_exgroups *all,
                       const bp_result *const *v, size_t n, char *said, size_t said_size)
{
    const bp_kpi *k = &res->kpis->kpis[v[0]->kpi];
    bp_scenario s = v[0]->scenario;
    const char *word = s == BP_BUDGET ? "budget" : "forecast";
    char t0[160], t[160], yb[16], val[64];
    target_words(k, v[0], t0, sizeof t0);
    bool same = true;
    for (size_t i = 1; i < n && same; i++) {
        target_words(k, v[i], t, sizeof t);
        same = strcmp(t, t0) == 0;
    }
    if (!same) {
        /* thresholds that differ by year: each plan with its own */
        for (size_t i = 0; i < n; i++) {
            bp_year_format(v[i]->year, yb, sizeof yb);
            sentence_value(k, v[i], val, sizeof val);
            target_words(k, v[i], t, sizeof t);
            sb_add(b, "%sthe %s %s (%s%s%s)", list_sep(i, n), yb, word, val,
                   *t && strcmp(t, said) ? " against " : "", strcmp(t, said) ? t : "");
            snprintf(said, said_size, "%s", t);
        }
        return;
    }
    size_t all_n = all->nplan[s];
    if (n == all_n && n >= 3 && count_word(n))
        sb_add(b, "each of the %s %s years", count_word(n), word);
    else if (n == all_n && n >= 3)
        sb_add(b, "each of the %zu %s years", n, word);
    else if (n == all_n && n == 2)
        sb_add(b, "both %s years", word);
    else {
        sb_add(b, "the ");
        for (size_t i = 0; i < n; i++) {
            bp_year_format(v[i]->year, yb, sizeof yb);
            sb_add(b, "%s%s", list_sep(i, n), yb);
        }
        sb_add(b, " %s%s", word, n > 1 ? "s" : "");
    }
    /* one figure for every plan is said once: "(13.2% in each)" */
    char first[64];
    bool one = n > 1;
    sentence_value(k, v[0], first, sizeof first);
    for (size_t i = 1; i < n && one; i++) {
        sentence_value(k, v[i], val, sizeof val);
        one = strcmp(val, first) == 0;
    }
    sb_add(b, " (");
    if (one) {
        sb_add(b, "%s in %s", first, n == 2 ? "both" : "each");
    } else {
        for (size_t i = 0; i < n; i++) {
            sentence_value(k, v[i], val, sizeof val);
            sb_add(b, "%s%s", list_sep(i, n), val);
        }
    }
    if (*t0 && strcmp(t0, said) != 0) sb_add(b, "%s against %s", n > 1 && !one ? ", each" : "", t0);
    sb_add(b, ")");
    snprintf(said, said_size, "%s", t0);
}

char *bp_format_exgroup_years(const bp_results *res, const bp_exgroups *all, const bp_exgroup *g)
{
    sbuf b = {0};
    const bp_kpi *k = &res->kpis->kpis[g->kpi];
    char said[160] = "";
    size_t from = 0;
    sb_add(&b, "The result");
    if (g->current) {
        const bp_result *r = g->current;
        char yb[16], val[64];
        bp_year_format(r->year, yb, sizeof yb);
        sentence_value(k, r, val, sizeof val);
        target_words(k, r, said, sizeof said);
        if (r->scenario == BP_OUTTURN)
            sb_add(&b, " is %s in the %s outturn (%s%s%s)", bp_status_word(r->status), yb, val,
                   *said ? " against " : "", said);
        else
            sb_add(&b, " was %s in %s (%s%s%s)", bp_status_word(r->status), yb, val,
                   *said ? " against " : "", said);
        from = 1;
    }
    const bp_result **v = malloc((g->nitems ? g->nitems : 1) * sizeof *v);
    if (!v) b.oom = true;
    bool clause = false;
    for (int st = 0; st < 2 && v && from < g->nitems; st++) {
        bp_status want = st == 0 ? BP_STATUS_RED : BP_STATUS_AMBER;
        size_t nb = 0, nf = 0;
        for (size_t i = from; i < g->nitems; i++)
            if (g->items[i]->status == want && g->items[i]->scenario == BP_BUDGET) v[nb++] = g->items[i];
        for (size_t i = from; i < g->nitems; i++)
            if (g->items[i]->status == want && g->items[i]->scenario == BP_FORECAST) v[nb + nf++] = g->items[i];
        if (!nb && !nf) continue;
        sb_add(&b, "%s%s in ", clause ? ", and " : g->current ? " and is " : " is ",
               bp_status_word(want));
        if (nb) plan_group(&b, res, all, v, nb, said, sizeof said);
        if (nb && nf) sb_add(&b, " and ");
        if (nf) plan_group(&b, res, all, v + nb, nf, said, sizeof said);
        clause = true;
    }
    free(v);
    sb_add(&b, ".");
    return sb_done(&b);
}

/* A result's place in words: "in 2022/23" (an actual) or "in the 2023/24 budget". */
static void result_where(const bp_result *r, char *buf, size_t size)
{
    char yb[16];
    bp_year_format(r->year, yb, sizeof yb);
    if (r->scenario == BP_ACTUAL) snprintf(buf, size, "in %s", yb);
    else snprintf(buf, size, "in the %s %s", yb, bp_scenario_id(r->scenario));
}

/* The value the previous pack had for r, as a sentence gives values. */
static void previous_value(const bp_kpi *k, const bp_result *r, char *buf, size_t size)
{
    bp_result p = *r;
    p.value = r->previous_value;
    p.status = r->previous_status;
    p.grade = p.value.ok && k->ngrades ? bp_grade_band_of(k, p.value) : -1;
    if (p.value.ok) sentence_value(k, &p, buf, size);
    else snprintf(buf, size, "no data");
}

char *bp_format_since(const bp_results *res, const bp_exgroup *g)
{
    sbuf b = {0};
    const bp_result *l = g->current ? g->current : g->nitems ? g->items[0] : NULL;
    if (!l) return sb_done(&b);
    const bp_kpi *k = &res->kpis->kpis[l->kpi];
    char val[64], where[48] = "";
    previous_value(k, l, val, sizeof val);
    if (!g->current) {
        char yb[16];
        bp_year_format(l->year, yb, sizeof yb);
        snprintf(where, sizeof where, ", the %s %s", yb, bp_scenario_id(l->scenario));
    }
    const char *st = bp_status_word(l->previous_status);
    if (l->previous_suppressed) {     /* build --publish: no movement, which would narrow it */
        sb_add(&b, "Since the last pack%s: not compared (its result there is suppressed as a "
               "small count).", where);
        return sb_done(&b);
    }
    switch (l->movement) {
    case BP_MV_NEW:
        if (!l->has_previous)
            sb_add(&b, "Since the last pack%s: new (the last pack has no such result).", where);
        else if (!l->previous_value.ok)
            sb_add(&b, "Since the last pack%s: new (no data there).", where);
        else if (l->previous_status == BP_STATUS_GREEN)
            sb_add(&b, "Since the last pack%s: new (it met the target there, at %s).", where, val);
        else
            sb_add(&b, "Since the last pack%s: new (not judged there, at %s).", where, val);
        break;
    case BP_MV_WORSE:
        sb_add(&b, "Since the last pack%s: persistent and worse (%s at %s there).", where, st, val);
        break;
    case BP_MV_BETTER:
        sb_add(&b, "Since the last pack%s: persistent and better (%s at %s there).", where, st, val);
        break;
    case BP_MV_UNCHANGED:
        sb_add(&b, "Since the last pack%s: persistent, unchanged (%s at %s there).", where, st, val);
        break;
    default:
        break;
    }
    return sb_done(&b);
}

char *bp_format_cleared(const bp_results *res, const bp_result *r)
{
    sbuf b = {0};
    const bp_kpi *k = &res->kpis->kpis[r->kpi];
    char now[64], was[64], where[48];
    sentence_value(k, r, now, sizeof now);
    previous_value(k, r, was, sizeof was);
    result_where(r, where, sizeof where);
    if (r->scope == BP_SCOPE_PHASE)
        sb_add(&b, "%s: %s phase", k->name, bp_phase_title((bp_phase)r->entity));
    else
        sb_add(&b, "%s: %s", k->name, bp_result_entity_name(res, r));
    sb_add(&b, " - cleared since the last pack: green %s (%s), %s there (%s).", where, now,
           bp_status_word(r->previous_status), was);
    return sb_done(&b);
}

void bp_format_previous_pack(const bp_results *res, char *buf, size_t size)
{
    const bp_prevpack *p = res->previous;
    if (!p) {
        snprintf(buf, size, "none");
        return;
    }
    /* the name without the folders before it: the pages say which pack, not where it was */
    const char *name = p->path;
    size_t n = strlen(name);
    while (n > 1 && name[n - 1] == '/') n--;
    size_t start = n;
    while (start > 0 && name[start - 1] != '/') start--;
    char when[32];
    bp_previous_pack_label(p->report_year, p->period, when, sizeof when);
    snprintf(buf, size, "%.*s (%s)", (int)(n - start), name + start, when);
}

char *bp_format_since_counts(const bp_results *res, const bp_since_counts *n)
{
    sbuf b = {0};
    char name[300];
    bp_format_previous_pack(res, name, sizeof name);
    size_t persistent = n->by[BP_MV_WORSE] + n->by[BP_MV_BETTER] + n->by[BP_MV_UNCHANGED];
    sb_add(&b, "Since the last pack, %s: %zu new, %zu persistent (%zu worse, %zu better, %zu "
           "unchanged) and %zu cleared.", name, n->by[BP_MV_NEW], persistent, n->by[BP_MV_WORSE],
           n->by[BP_MV_BETTER], n->by[BP_MV_UNCHANGED], n->by[BP_MV_CLEARED]);
    if (res->previous->later)
        sb_add(&b, " The previous pack is later than this one: the movements compare this pack "
               "with a later one.");
    return sb_done(&b);
}

char *bp_format_exgroup_movement(const bp_results *res, const bp_exgroup *g)
{
    if (res->previous) return bp_format_since(res, g);
    sbuf b = {0};
    const bp_kpi *k = &res->kpis->kpis[g->kpi];
    char yb[16], pb[16], val[64];
    bp_year_format(res->report_year, yb, sizeof yb);
    bp_year_format(res->report_year - 1, pb, sizeof pb);
    const bp_result *p = g->prior, *a = g->actual;
    if (p && p->value.ok) sentence_value(k, p, val, sizeof val);
    switch (g->movement) {
    case BP_MOVE_NEW:
        if (p && p->suppressed)      /* build --publish: the year before is withheld */
            sb_add(&b, "The exception is new: the %s result is suppressed as a small count (c).", pb);
        else if (!p || !p->value.ok)
            sb_add(&b, "The exception is new: there is no %s result to compare.", pb);
        else if (p->status == BP_STATUS_GREEN)
            sb_add(&b, "The exception is new: %s met the target (%s).", pb, val);
        else if (p->target < 0)
            sb_add(&b, "The exception is new: no target applied in %s (%s).", pb, val);
        else
            sb_add(&b, "The exception is new: %s could not be judged (%s, no benchmark).", pb, val);
        break;
    case BP_MOVE_WORSE:
        sb_add(&b, "The exception persists from %s (%s at %s) and is worse.", pb, bp_status_word(p->status), val);
        break;
    case BP_MOVE_BETTER:
        sb_add(&b, "The exception persists from %s (%s at %s) but is better.", pb, bp_status_word(p->status), val);
        break;
    case BP_MOVE_UNCHANGED:
        sb_add(&b, "The exception persists from %s (%s at %s), unchanged.", pb, bp_status_word(p->status), val);
        break;
    case BP_MOVE_NONE:
        /* in the plans alone: what the report year itself was, where a target applied */
        if (!a || a->target < 0) break;
        if (a->suppressed) {
            sb_add(&b, "The exception is in the plans alone: the %s result is suppressed as a small "
                   "count (c).", yb);
            break;
        }
        if (!a->value.ok) {
            sb_add(&b, "The exception is in the plans alone: there is no %s result.", yb);
            break;
        }
        sentence_value(k, a, val, sizeof val);
        if (a->status == BP_STATUS_GREEN)
            sb_add(&b, "The exception is in the plans alone: %s met the target (%s).", yb, val);
        else if (a->status == BP_STATUS_NONE)
            sb_add(&b, "The exception is in the plans alone: %s could not be judged (%s).", yb, val);
        else
            sb_add(&b, "The exception is in the plans alone: %s was %s (%s).", yb, bp_status_word(a->status), val);
        break;
    }
    return sb_done(&b);
}

char *bp_format_issue(const bp_results *res, const bp_exgroup *g, const bp_exgroup_issue *is)
{
    sbuf b = {0};
    const bp_result *r = is->lead;
    const bp_kpi *k = &res->kpis->kpis[r->kpi];
    char yb[16], val[64], t[160];
    bp_year_format(r->year, yb, sizeof yb);
    sentence_value(k, r, val, sizeof val);
    target_words(k, r, t, sizeof t);
    if (r->scenario == BP_ACTUAL)
        sb_add(&b, "The result was %s in %s (%s%s%s)", bp_status_word(r->status), yb, val,
               *t ? " against " : "", t);
    else
        sb_add(&b, "The result is %s in the %s %s (%s%s%s)", bp_status_word(r->status), yb,
               r->scenario == BP_BUDGET ? "budget" : r->scenario == BP_OUTTURN ? "outturn"
               : "forecast", val, *t ? " against " : "", t);
    if (is->has_stake) {
        char stake[48];
        bp_format_money_as(is->stake, BP_MONEY_POUNDS, stake, sizeof stake);
        sb_add(&b, ", a gap %s %s", k->unit == BP_UNIT_MONEY ? "of" : "worth", stake);
    }
    /* the entry's other results are budgets and forecasts (the report year is one) */
    size_t more = g->nitems - 1;
    if (more) {
        const char *w = count_word(more);
        sb_add(&b, "%s and %s outside target in ", is->has_stake ? "," : "",
               r->scenario == BP_ACTUAL ? "is" : "is also");
        if (w) sb_add(&b, "%s %splan%s", w, r->scenario == BP_ACTUAL ? "" : "other ", more == 1 ? "" : "s");
        else sb_add(&b, "%zu %splans", more, r->scenario == BP_ACTUAL ? "" : "other ");
    }
    sb_add(&b, ".");
    return sb_done(&b);
}

char *bp_format_action(const bp_model *m, const bp_action *a)
{
    static const char *const words[BP_ACTION_STATUS_COUNT] = {
        "not started", "on track", "at risk", "off track", "complete"};
    sbuf b = {0};
    char due[48];
    bp_date_format_long(a->due, due, sizeof due);
    bool late = a->due < m->as_of && a->status != BP_ST_COMPLETE;
    size_t n = strlen(a->action);
    bool stop = n && strchr(".!?", a->action[n - 1]);
    sb_add(&b, "Action %s (%s%sdue %s%s; %s): %s%s", a->id, a->owner && *a->owner ? a->owner : "",
           a->owner && *a->owner ? "; " : "", due, late ? ", overdue" : "",
           a->status < BP_ACTION_STATUS_COUNT ? words[a->status] : "?", a->action, stop ? "" : ".");
    return sb_done(&b);
}

/* ---- figures as boards read them ---- */

static uint64_t magnitude64(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

/* |pence| / unit rounded half away from zero, from the unsigned magnitude, so that
 * INT64_MIN needs no negation of its own. */
static uint64_t round_magnitude(int64_t pence, int64_t unit)
{
    uint64_t m = magnitude64(pence), u = (uint64_t)unit;
    uint64_t q = m / u, r = m % u;
    if (r >= u - r) q++;          /* 2r >= u without overflow: half away from zero */
    return q;
}

int64_t bp_money_round(int64_t pence, int64_t unit)
{
    if (unit <= 0) return 0;
    uint64_t q = round_magnitude(pence, unit);
    /* unit > 1 keeps q within int64 (unit 1 is the value itself) */
    return pence < 0 ? -(int64_t)q : (int64_t)q;
}

static int64_t units_pence(bp_money_units units)
{
    return units == BP_MONEY_THOUSANDS ? 100000 : 100;
}

void bp_format_money_as(int64_t pence, bp_money_units units, char *buf, size_t size)
{
    uint64_t q = round_magnitude(pence, units_pence(units));
    char digits[32];
    digits[sizeof digits - 1] = '\0';
    const char *d = bp_digits_before(q, true, digits + sizeof digits - 1);
    bool neg = pence < 0 && q > 0;     /* -£0.40 is "£0": there is no negative nothing */
    snprintf(buf, size, "%s%s%s%s", neg ? "(" : "", units == BP_MONEY_THOUSANDS ? "" : "\xC2\xA3",
             d, neg ? ")" : "");
}

const char *bp_format_money_unit_note(bp_money_units units)
{
    return units == BP_MONEY_THOUSANDS ? " (\xC2\xA3" "000)" : "";
}

void bp_format_suppressed_note(int64_t suppress_max, char *buf, size_t size)
{
    char n[32];
    bp_format_number(bp_num_add(bp_num_int(suppress_max), bp_num_int(1)), 0, n, sizeof n);
    snprintf(buf, size, "c = fewer than %s (suppressed)", n);
}

void bp_format_percent1(bp_num v, char *buf, size_t size)
{
    format_percent(v, 1, true, buf, size);
}

/* A board value as an integer count of its last displayed place (tenths of a percent,
 * hundredths of a ratio, tenths of a number, pounds or thousands), rounded by dir as
 * scaled_round_dir does. */
static bool board_scaled(const bp_kpi *k, bp_money_units units, bp_num v, int dir, bp_i128 *q)
{
    switch (k->unit) {
    case BP_UNIT_PERCENT: return scaled_round_dir(v, 3, dir, q);
    case BP_UNIT_RATIO: return scaled_round_dir(v, 2, dir, q);
    case BP_UNIT_NUMBER: return scaled_round_dir(v, 1, dir, q);
    case BP_UNIT_MONEY:
        return scaled_round_dir(bp_num_div(v, bp_num_frac(units_pence(units), 100)), 0, dir, q);
    case BP_UNIT_GRADE: break;
    }
    return false;
}

/* What the displayed figure q stands for, exactly: to compare with a threshold. */
static bp_num board_back(const bp_kpi *k, bp_money_units units, bp_i128 q)
{
    if (q > INT64_MAX || q < -INT64_MAX) return bp_num_none();
    bp_num n = bp_num_int((int64_t)q);
    switch (k->unit) {
    case BP_UNIT_PERCENT: return bp_num_div(n, bp_num_int(1000));
    case BP_UNIT_RATIO: return bp_num_div(n, bp_num_int(100));
    case BP_UNIT_NUMBER: return bp_num_div(n, bp_num_int(10));
    case BP_UNIT_MONEY: return bp_num_mul(n, bp_num_frac(units_pence(units), 100));
    case BP_UNIT_GRADE: break;
    }
    return bp_num_none();
}

static void board_text(const bp_kpi *k, bp_money_units units, bp_i128 q, char *buf, size_t size)
{
    bool neg = q < 0;
    bp_i128 a = neg ? -q : q;
    switch (k->unit) {
    case BP_UNIT_PERCENT: put_decimal(buf, size, neg, a / 10, false, a % 10, 1, "%"); return;
    case BP_UNIT_RATIO: put_decimal(buf, size, neg, a / 100, false, a % 100, 2, ""); return;
    case BP_UNIT_NUMBER:
        /* 27.0 reads better as 27, as bp_format_number writes it */
        put_decimal(buf, size, neg, a / 10, true, a % 10, a % 10 ? 1 : 0, "");
        return;
    case BP_UNIT_MONEY:
        bp_format_money_as((int64_t)q * units_pence(units), units, buf, size);
        return;
    case BP_UNIT_GRADE: break;
    }
    snprintf(buf, size, "?");
}

bool bp_format_board_value(const bp_kpi *k, const bp_result *r, bp_money_units units,
                           char *buf, size_t size)
{
    if (r->suppressed) {
        snprintf(buf, size, "%s", BP_FORMAT_SUPPRESSED);
        return false;
    }
    if (!r->value.ok) {
        snprintf(buf, size, "no data");
        return false;
    }
    if (k->unit == BP_UNIT_GRADE) {
        if (r->grade >= 0 && (size_t)r->grade < k->ngrades) snprintf(buf, size, "%s", k->grades[r->grade].label);
        else value_at(k, r->value, r->grade, 0, buf, size);
        return false;
    }
    bp_i128 q;
    if (!board_scaled(k, units, r->value, 0, &q)
        || (k->unit == BP_UNIT_MONEY && (q > INT64_MAX / 100000 || q < -(INT64_MAX / 100000)))) {
        value_at(k, r->value, r->grade, 0, buf, size);
        return false;
    }
    bool toward = false;
    bool miss = r->target >= 0 && (r->status == BP_STATUS_AMBER || r->status == BP_STATUS_RED);
    if (miss) {
        bp_cmp cmp = k->targets[r->target].cmp;
        bp_num shown = board_back(k, units, q);
        if (shown.ok && cmp != BP_CMP_MAX && r->lo.ok && bp_num_cmp(r->value, r->lo) < 0
            && bp_num_cmp(shown, r->lo) >= 0)
            toward = board_scaled(k, units, r->value, -1, &q);    /* below a floor: down */
        else if (shown.ok && cmp != BP_CMP_MIN && r->hi.ok && bp_num_cmp(r->value, r->hi) > 0
                 && bp_num_cmp(shown, r->hi) <= 0)
            toward = board_scaled(k, units, r->value, 1, &q);     /* above a ceiling: up */
    }
    board_text(k, units, q, buf, size);
    return toward;
}
