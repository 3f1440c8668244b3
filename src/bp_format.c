/* bp_format: UK-style figures and sentences, computed from exact values. */
#include "bp_format.h"

#include <stdio.h>
#include <string.h>
#include "bp_money.h"
#include "bp_util.h"

/* Round v * 10^decimals half away from zero to an integer. */
static bool scaled_round(bp_num v, int decimals, bp_i128 *out)
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
    bp_i128 q = s.num / s.den, r = s.num % s.den;
    if (r < 0) r = -r;
    if (2 * r >= s.den) q += s.num < 0 ? -1 : 1;
    *out = q;
    return true;
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
    char val[64], yb[16], lo[48], hi[48];
    bp_format_result_value(k, r, val, sizeof val);
    bp_year_format(r->year, yb, sizeof yb);
    const char *when = r->scenario == BP_ACTUAL ? "" : r->scenario == BP_BUDGET ? " budget" : " forecast";
    const char *verb = r->scenario == BP_ACTUAL ? "was" : "is planned at";
    char against[128] = "";
    if (r->target >= 0) {
        const bp_target *t = &k->targets[r->target];
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
