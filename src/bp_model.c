/* bp_model: the in-memory data set and its lookups. */
#include "bp_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_util.h"

static const struct { const char *id, *title; } phases[BP_PHASE_COUNT] = {
    {"primary", "Primary"},
    {"secondary", "Secondary (11-16)"},
    {"secondary_sixth", "Secondary with sixth form (11-18)"},
    {"sixth_form_college", "Sixth form college"},
    {"all_through", "All-through"},
    {"special", "Special"},
    {"alternative_provision", "Alternative provision"},
    {"central", "Central services"},
};

const char *bp_phase_id(bp_phase p) { return p < BP_PHASE_COUNT ? phases[p].id : "?"; }
const char *bp_phase_title(bp_phase p) { return p < BP_PHASE_COUNT ? phases[p].title : "?"; }

bool bp_phase_parse(const char *s, bp_phase *out)
{
    for (int i = 0; i < BP_PHASE_COUNT; i++)
        if (strcmp(s, phases[i].id) == 0) {
            *out = (bp_phase)i;
            return true;
        }
    return false;
}

static const char *const scenarios[BP_SCENARIO_COUNT] = {
    "actual", "budget", "forecast", "ytd_actual", "ytd_budget", "outturn"};

const char *bp_scenario_id(bp_scenario s) { return s < BP_SCENARIO_COUNT ? scenarios[s] : "?"; }

bp_scenario bp_scenario_base(bp_scenario s)
{
    switch (s) {
    case BP_YTD_ACTUAL: case BP_OUTTURN: return BP_ACTUAL;
    case BP_YTD_BUDGET: return BP_BUDGET;
    default: return s;
    }
}

bool bp_month_parse(const char *s, size_t len, int *month)
{
    if (len != 3 || !strchr("MmPp", s[0]) || s[0] == '\0' || s[1] < '0' || s[1] > '1'
        || s[2] < '0' || s[2] > '9')
        return false;
    int v = (s[1] - '0') * 10 + (s[2] - '0');
    if (v < 1 || v > 12) return false;
    *month = v;
    return true;
}

void bp_month_format(int month, char *buf, size_t size)
{
    snprintf(buf, size, "M%02d", month);
}

void bp_month_long(int year, int month, char *buf, size_t size)
{
    static const char *const names[12] = {"September", "October", "November", "December",
                                          "January", "February", "March", "April", "May",
                                          "June", "July", "August"};
    if (month < 1 || month > 12) {
        snprintf(buf, size, "?");
        return;
    }
    snprintf(buf, size, "%s %d", names[month - 1], month <= 4 ? year : year + 1);
}

bool bp_scenario_parse(const char *s, bp_scenario *out)
{
    for (int i = 0; i < BP_INPUT_SCENARIOS; i++)
        if (strcmp(s, scenarios[i]) == 0) {
            *out = (bp_scenario)i;
            return true;
        }
    return false;
}

static const char *const action_statuses[BP_ACTION_STATUS_COUNT] = {
    "not_started", "on_track", "at_risk", "off_track", "complete"};

const char *bp_action_status_id(bp_action_status s)
{
    return s < BP_ACTION_STATUS_COUNT ? action_statuses[s] : "?";
}

bool bp_action_status_parse(const char *s, bp_action_status *out)
{
    for (int i = 0; i < BP_ACTION_STATUS_COUNT; i++)
        if (strcmp(s, action_statuses[i]) == 0) {
            *out = (bp_action_status)i;
            return true;
        }
    return false;
}

void bp_year_format(int year, char *buf, size_t size)
{
    /* Formatted for every fact and result written: by hand, not with snprintf, for the
     * years a data set can hold. */
    if (year < 0 || year > 9998 || size < 8) {
        snprintf(buf, size, "%04d/%02d", year, (year + 1) % 100);
        return;
    }
    int next = (year + 1) % 100;
    buf[0] = (char)('0' + year / 1000);
    buf[1] = (char)('0' + year / 100 % 10);
    buf[2] = (char)('0' + year / 10 % 10);
    buf[3] = (char)('0' + year % 10);
    buf[4] = '/';
    buf[5] = (char)('0' + next / 10);
    buf[6] = (char)('0' + next % 10);
    buf[7] = '\0';
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

bool bp_year_parse(const char *s, int *year)
{
    if (strlen(s) != 7 || !digits(s, 4) || (s[4] != '/' && s[4] != '-') || !digits(s + 5, 2))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int e = (s[5] - '0') * 10 + (s[6] - '0');
    if (y < 1900 || y > 2999 || (y + 1) % 100 != e) return false;
    *year = y;
    return true;
}

/* Days from civil date (Howard Hinnant's algorithm). */
int32_t bp_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void bp_date_ymd(int32_t days, int *y, int *m, int *d)
{
    int64_t year;
    bp_civil_from_days(days, &year, m, d);
    *y = (int)year;
}

bool bp_date_parse(const char *s, int32_t *days)
{
    if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-'
        || !digits(s + 8, 2))
        return false;
    int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return false;
    *days = bp_date_from_ymd(y, m, d);
    return true;
}

void bp_date_format_long(int32_t days, char *buf, size_t size)
{
    static const char *const months[] = {"January", "February", "March", "April", "May",
                                         "June", "July", "August", "September", "October",
                                         "November", "December"};
    int y, m, d;
    bp_date_ymd(days, &y, &m, &d);
    snprintf(buf, size, "%d %s %d", d, months[m - 1], y);
}

void bp_date_format_iso(int32_t days, char *buf, size_t size)
{
    int y, m, d;
    bp_date_ymd(days, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

bool bp_code_is_money(const char *code)
{
    static const char *const heads[] = {"income", "exp", "memo", "bs", "cash"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        if (bp_code_under(code, heads[i])) return true;
    return false;
}

const char *const bp_ledger_family[BP_LEDGER_FAMILIES] = {"income", "exp", "memo", "bs", "cash"};
bool bp_code_is_balance(const char *code)
{
    return bp_code_under(code, "bs") || bp_code_under(code, "cash.opening");
}

void bp_model_init(bp_model *m)
{
    memset(m, 0, sizeof *m);
    m->central = -1;
    m->suppress_max = 5;
    for (int i = 0; i < BP_PHASE_COUNT; i++) m->weight[i] = bp_num_int(1);
}

void bp_model_free(bp_model *m)
{
    free(m->id);
    free(m->name);
    free(m->central_id);
    free(m->local_tier);
    for (size_t i = 0; i < m->nsettings; i++) {
        free(m->settings[i].key);
        free(m->settings[i].value);
    }
    free(m->settings);
    for (size_t i = 0; i < m->ninsts; i++) {
        free(m->insts[i].id);
        free(m->insts[i].name);
        free(m->insts[i].lgb);
    }
    free(m->insts);
    free(m->facts);
    for (size_t i = 0; i < m->nledgers; i++) {
        for (size_t k = 0; k < m->ledgers[i].nignores; k++) {
            free(m->ledgers[i].ignores[k].rule);
            free(m->ledgers[i].ignores[k].where);
        }
        free(m->ledgers[i].ignores);
        free(m->ledgers[i].unbalanced);
    }
    free(m->ledgers);
    free(m->totals);
    free(m->missing);
    for (size_t i = 0; i < m->ncourses; i++) free(m->courses[i].course);
    free(m->courses);
    free(m->course_order);
    for (size_t i = 0; i < m->nactions; i++) {
        bp_action *a = &m->actions[i];
        free(a->id);
        free(a->plan);
        free(a->action);
        free(a->owner);
        free(a->evidence);
        for (size_t k = 0; k < a->nkpis; k++) free(a->kpis[k]);
        free(a->kpis);
    }
    free(m->actions);
    for (size_t i = 0; i < m->nambitions; i++) {
        free(m->ambitions[i].id);
        free(m->ambitions[i].title);
        free(m->ambitions[i].summary);
    }
    free(m->ambitions);
    for (size_t i = 0; i < m->npriorities; i++) {
        free(m->priorities[i].id);
        free(m->priorities[i].title);
        free(m->priorities[i].ambitions);
    }
    free(m->priorities);
    for (size_t i = 0; i < m->npapers; i++) {
        bp_paper *p = &m->papers[i];
        free(p->pack);
        free(p->meeting);
        free(p->reference);
        free(p->classification);
        free(p->author);
        free(p->purpose);
        free(p->recommendation);
    }
    free(m->papers);
    for (size_t i = 0; i < m->ncomments; i++) {
        free(m->comments[i].kpi);
        free(m->comments[i].entity);
        free(m->comments[i].text);
        free(m->comments[i].code);
    }
    free(m->comments);
    free(m->comment_order);
    for (size_t i = 0; i < m->nbenchmarks; i++) {
        free(m->benchmarks[i].phase);
        free(m->benchmarks[i].kpi);
    }
    free(m->benchmarks);
    for (size_t i = 0; i < m->ninputs; i++) free(m->inputs[i].name);
    free(m->inputs);
    free(m->kpi_file);
    for (size_t i = 0; i < m->nstrings; i++) free(m->strings[i]);
    free(m->strings);
    memset(m, 0, sizeof *m);
}

int bp_model_find_inst(const bp_model *m, const char *id)
{
    for (size_t i = 0; i < m->ninsts; i++)
        if (strcmp(m->insts[i].id, id) == 0) return (int)i;
    return -1;
}

int bp_model_find_ambition(const bp_model *m, const char *id)
{
    for (size_t i = 0; i < m->nambitions; i++)
        if (strcmp(m->ambitions[i].id, id) == 0) return (int)i;
    return -1;
}

/* bp_code_under with the prefix's length known: the loops over every fact. */
static bool under(const char *code, const char *prefix, size_t plen)
{
    return strncmp(code, prefix, plen) == 0 && (code[plen] == '\0' || code[plen] == '.');
}

bool bp_code_under(const char *code, const char *prefix)
{
    return under(code, prefix, strlen(prefix));
}

const char *bp_course_field(const char *code)
{
    return strncmp(code, "course.", 7) == 0 ? code + 7 : NULL;
}

static bool eliminated(const char *code)
{
    return under(code, "income.internal", 15) || under(code, "exp.internal", 12);
}

size_t bp_facts_lower_bound(const bp_fact *fs, size_t n, int inst, int year, bp_scenario s,
                            const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const bp_fact *f = &fs[mid];
        int c;
        if (f->inst != inst) c = f->inst < inst ? -1 : 1;
        else if (f->year != year) c = f->year < year ? -1 : 1;
        else if (f->scenario != s) c = f->scenario < s ? -1 : 1;
        else c = strcmp(f->code, code);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static size_t lower_bound(const bp_model *m, int inst, int year, bp_scenario s, const char *code)
{
    return bp_facts_lower_bound(m->facts, m->nfacts, inst, year, s, code);
}

/* The balance of one monthly code at month `at`: its latest month at or before it (a
 * balance stands until the next month-end given).  False when it has none by then. */
static bool balance_at(const bp_model *m, const bp_fact *t, int at, int64_t *v)
{
    bool any = false;
    for (size_t i = lower_bound(m, t->inst, t->year, t->scenario, t->code); i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != t->inst || f->year != t->year || f->scenario != t->scenario
            || f->code != t->code)
            break;
        if (f->period >= 1 && f->period <= at) {
            *v = f->value;
            any = true;
        }
    }
    return any;
}

bp_sum_state bp_model_sum_state(const bp_model *m, int inst, int year, bp_scenario s,
                                const char *prefix, bool eliminate, bp_num *out)
{
    *out = bp_num_none();
    /* months not received: nothing of the institution's year to date can be stated */
    if (m->missing && year == m->inyear && (s == BP_YTD_ACTUAL || s == BP_OUTTURN)
        && inst >= 0 && (size_t)inst < m->ninsts && m->missing[inst])
        return BP_SUM_NODATA;
    const bp_fact *fs = m->totals ? m->totals : m->facts;
    size_t nfs = m->totals ? m->ntotals : m->nfacts;
    size_t plen = strlen(prefix);
    int64_t money = 0, qty = 0;
    bool any = false, overflow = false, nodata = false;
    int first = 13, last = 0;   /* months where monthly balances end */
    size_t i0 = bp_facts_lower_bound(fs, nfs, inst, year, s, prefix), i;
    for (i = i0; i < nfs; i++) {
        const bp_fact *f = &fs[i];
        if (f->inst != inst || f->year != year || f->scenario != s) break;
        if (strncmp(f->code, prefix, plen) != 0) break;
        if (f->code[plen] != '\0' && f->code[plen] != '.') continue;
        if (eliminate && eliminated(f->code)) continue;
        any = true;
        nodata |= f->nodata;
        if (m->totals && f->period && s < BP_INPUT_SCENARIOS && bp_code_is_balance(f->code)) {
            if (f->period < first) first = f->period;
            if (f->period > last) last = f->period;
        }
        if (f->money) overflow |= __builtin_add_overflow(money, f->value, &money);
        else overflow |= __builtin_add_overflow(qty, f->value, &qty);
    }
    if (any && first < last) {
        /* codes under the prefix end in different months: the prefix's balance is the one
         * at the earliest of those months, every monthly balance taken there */
        for (size_t j = i0; j < i; j++) {
            const bp_fact *f = &fs[j];
            if (!f->period || !bp_code_is_balance(f->code) || f->period == first
                || (f->code[plen] != '\0' && f->code[plen] != '.')
                || (eliminate && eliminated(f->code)))
                continue;
            int64_t v = 0;
            bool has = balance_at(m, f, first, &v);
            int64_t *acc = f->money ? &money : &qty;
            overflow |= __builtin_sub_overflow(*acc, f->value, acc);
            if (has) overflow |= __builtin_add_overflow(*acc, v, acc);
        }
    }
    if (nodata) return BP_SUM_NODATA;
    if (!any || overflow) return BP_SUM_NONE;
    /* a code's facts are money or quantities, seldom both: no rational addition then */
    *out = !qty ? bp_num_pence(money) : !money ? bp_num_micros(qty)
                : bp_num_add(bp_num_pence(money), bp_num_micros(qty));
    return out->ok ? BP_SUM_OK : BP_SUM_NONE;
}

bool bp_model_sum(const bp_model *m, int inst, int year, bp_scenario s, const char *prefix,
                  bool eliminate, bp_num *out)
{
    return bp_model_sum_state(m, inst, year, s, prefix, eliminate, out) == BP_SUM_OK;
}

unsigned bp_model_months(const bp_model *m, int inst, int year, bp_scenario s,
                         const char *prefix, bool eliminate, int64_t by[12])
{
    size_t plen = strlen(prefix);
    unsigned has = 0;
    for (int k = 0; k < 12; k++) by[k] = 0;
    for (size_t i = lower_bound(m, inst, year, s, prefix); i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != year || f->scenario != s) break;
        if (strncmp(f->code, prefix, plen) != 0) break;
        if (f->code[plen] != '\0' && f->code[plen] != '.') continue;
        if (eliminate && eliminated(f->code)) continue;
        if (f->period < 1 || f->period > 12) continue;
        has |= 1u << (f->period - 1);
        /* saturating: a month's total beyond int64 pence is refused at load (file totals) */
        if (__builtin_add_overflow(by[f->period - 1], f->value, &by[f->period - 1]))
            by[f->period - 1] = f->value < 0 ? INT64_MIN : INT64_MAX;
    }
    return has;
}

static bool income_or_exp(const char *code)
{
    return bp_code_under(code, "income") || bp_code_under(code, "exp");
}

size_t bp_model_budget_gaps(const bp_model *m, int inst, int year, size_t *lines,
                            const bp_fact **missing, size_t max)
{
    size_t n = 0, nl = 0;
    size_t b0 = lower_bound(m, inst, year, BP_BUDGET, "");
    for (size_t i = lower_bound(m, inst, year, BP_ACTUAL, ""); i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != year || f->scenario != BP_ACTUAL) break;
        if (!income_or_exp(f->code)) continue;
        nl++;
        bool covered = false;
        for (size_t j = b0; j < m->nfacts && !covered; j++) {
            const bp_fact *b = &m->facts[j];
            if (b->inst != inst || b->year != year || b->scenario != BP_BUDGET) break;
            covered = bp_code_under(f->code, b->code) || bp_code_under(b->code, f->code);
        }
        if (covered) continue;
        if (missing && n < max) missing[n] = f;
        n++;
    }
    if (lines) *lines = nl;
    return n;
}

static int course_cmp(size_t a, size_t b, const void *ctx)
{
    const bp_course *cs = ctx;
    if (cs[a].inst != cs[b].inst) return cs[a].inst < cs[b].inst ? -1 : 1;
    if (cs[a].year != cs[b].year) return cs[a].year < cs[b].year ? -1 : 1;
    return a < b ? -1 : a > b;
}

bp_err bp_model_index_courses(bp_model *m)
{
    free(m->course_order);
    m->course_order = malloc((m->ncourses ? m->ncourses : 1) * sizeof *m->course_order);
    if (!m->course_order) return BP_ERR_NOMEM;
    for (size_t i = 0; i < m->ncourses; i++) m->course_order[i] = i;
    return bp_sort_indexes(m->course_order, m->ncourses, course_cmp, m->courses) ? BP_OK
                                                                                : BP_ERR_NOMEM;
}

/* The first of course_order at or after (inst, year). */
static size_t course_lower_bound(const bp_model *m, int inst, int year)
{
    size_t lo = 0, hi = m->ncourses;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const bp_course *c = &m->courses[m->course_order[mid]];
        if (c->inst < inst || (c->inst == inst && c->year < year)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bool bp_model_course_sum(const bp_model *m, int inst, int year, const char *field, int course,
                         bp_num *out)
{
    int64_t total = 0;
    bool any = false;
    bool pence = strcmp(field, "income") == 0 || strcmp(field, "direct_costs") == 0;
    int f = strcmp(field, "income") == 0         ? 0
            : strcmp(field, "direct_costs") == 0 ? 1
            : strcmp(field, "students") == 0     ? 2
            : strcmp(field, "count") == 0        ? 3
                                                 : -1;
    /* one course by its index, or the courses of inst and year in file order */
    size_t k = course >= 0 ? (size_t)course : course_lower_bound(m, inst, year);
    for (; k < m->ncourses; k++) {
        const bp_course *c = &m->courses[course >= 0 ? k : m->course_order[k]];
        if (course < 0 && (c->inst != inst || c->year != year)) break;
        if (course < 0 && c->minority) continue;
        any = true;
        int64_t v;
        if (f == 0) v = c->income;
        else if (f == 1) v = c->direct_costs;
        else if (f == 2) v = c->students;
        else if (f == 3) v = 1;
        else {
            *out = bp_num_none();
            return false;
        }
        if (__builtin_add_overflow(total, v, &total)) {
            *out = bp_num_none();
            return false;
        }
        if (course >= 0) break;
    }
    if (!any) {
        *out = bp_num_none();
        return false;
    }
    *out = pence ? bp_num_pence(total) : bp_num_int(total);
    return true;
}

bool bp_model_has_code(const bp_model *m, const char *prefix)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < m->nfacts; i++)
        if (under(m->facts[i].code, prefix, plen)) return true;
    return false;
}

bool bp_model_has_facts(const bp_model *m, int year, bp_scenario s, const char *prefix)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->year == year && f->scenario == s && under(f->code, prefix, plen)) return true;
    }
    return false;
}

int bp_model_find_benchmark(const bp_model *m, int year, const char *phase, const char *kpi)
{
    for (size_t i = 0; i < m->nbenchmarks; i++) {
        const bp_benchmark *b = &m->benchmarks[i];
        if (b->year == year && strcmp(b->phase, phase) == 0 && strcmp(b->kpi, kpi) == 0)
            return (int)i;
    }
    return -1;
}

bool bp_model_benchmark(const bp_model *m, int year, const char *phase, const char *kpi,
                        bp_num *out)
{
    int i = bp_model_find_benchmark(m, year, phase, kpi);
    *out = i >= 0 ? m->benchmarks[i].value : bp_num_none();
    return i >= 0;
}

int bp_years_in_trust(const bp_institution *in, int year)
{
    int y, mo, d;
    bp_date_ymd(in->joined, &y, &mo, &d);
    /* whole years from joined to 1 September of `year` */
    int n = year - y;
    if (mo > 9 || (mo == 9 && d > 1)) n--;
    return n;
}

const bp_paper *bp_model_paper(const bp_model *m, const char *pack)
{
    for (size_t i = 0; i < m->npapers; i++)
        if (strcmp(m->papers[i].pack, pack) == 0) return &m->papers[i];
    return NULL;
}

static int comment_key_cmp(const bp_comment *c, int year, const char *kpi, const char *entity)
{
    if (c->year != year) return c->year < year ? -1 : 1;
    int d = strcmp(c->kpi, kpi);
    return d ? d : strcmp(c->entity, entity);
}

static int comment_cmp(size_t a, size_t b, const void *ctx)
{
    const bp_comment *cs = ctx;
    int d = comment_key_cmp(&cs[a], cs[b].year, cs[b].kpi, cs[b].entity);
    return d ? d : (a < b ? -1 : a > b);
}

bp_err bp_model_index_comments(bp_model *m)
{
    free(m->comment_order);
    m->comment_order = malloc((m->ncomments ? m->ncomments : 1) * sizeof *m->comment_order);
    if (!m->comment_order) return BP_ERR_NOMEM;
    for (size_t i = 0; i < m->ncomments; i++) m->comment_order[i] = i;
    return bp_sort_indexes(m->comment_order, m->ncomments, comment_cmp, m->comments)
               ? BP_OK : BP_ERR_NOMEM;
}

/* By binary search: the results JSON asks for every result, the packs for every
 * exception, and a trust may comment on each of a thousand institutions. */
const char *bp_commentary(const bp_model *m, const char *kpi, const char *entity, int year)
{
    size_t lo = 0, hi = m->ncomments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (comment_key_cmp(&m->comments[m->comment_order[mid]], year, kpi, entity) < 0)
            lo = mid + 1;
        else hi = mid;
    }
    if (lo < m->ncomments) {
        const bp_comment *c = &m->comments[m->comment_order[lo]];
        if (!comment_key_cmp(c, year, kpi, entity)) return c->text;
    }
    return NULL;
}
