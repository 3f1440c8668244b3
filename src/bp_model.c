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

static const char *const scenarios[BP_SCENARIO_COUNT] = {"actual", "budget", "forecast"};

const char *bp_scenario_id(bp_scenario s) { return s < BP_SCENARIO_COUNT ? scenarios[s] : "?"; }

bool bp_scenario_parse(const char *s, bp_scenario *out)
{
    for (int i = 0; i < BP_SCENARIO_COUNT; i++)
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
    static const char *const heads[] = {"income", "exp", "memo", "bs"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        if (bp_code_under(code, heads[i])) return true;
    return false;
}

const char *const bp_ledger_family[BP_LEDGER_FAMILIES] = {"income", "exp", "memo", "bs", "cash"};

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
    for (size_t i = 0; i < m->ncourses; i++) free(m->courses[i].course);
    free(m->courses);
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
    }
    free(m->comments);
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

/* Facts are sorted by (inst, year, scenario, code): find the first of a group. */
static size_t lower_bound(const bp_model *m, int inst, int year, bp_scenario s, const char *code)
{
    size_t lo = 0, hi = m->nfacts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const bp_fact *f = &m->facts[mid];
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

bool bp_model_sum(const bp_model *m, int inst, int year, bp_scenario s, const char *prefix,
                  bool eliminate, bp_num *out)
{
    size_t plen = strlen(prefix);
    int64_t money = 0, qty = 0;
    bool any = false, overflow = false;
    for (size_t i = lower_bound(m, inst, year, s, prefix); i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (f->inst != inst || f->year != year || f->scenario != s) break;
        if (strncmp(f->code, prefix, plen) != 0) break;
        if (f->code[plen] != '\0' && f->code[plen] != '.') continue;
        if (eliminate && eliminated(f->code)) continue;
        any = true;
        if (f->money) overflow |= __builtin_add_overflow(money, f->value, &money);
        else overflow |= __builtin_add_overflow(qty, f->value, &qty);
    }
    if (!any || overflow) {
        *out = bp_num_none();
        return false;
    }
    /* a code's facts are money or quantities, seldom both: no rational addition then */
    *out = !qty ? bp_num_pence(money) : !money ? bp_num_micros(qty)
                : bp_num_add(bp_num_pence(money), bp_num_micros(qty));
    return out->ok;
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

bool bp_model_course_sum(const bp_model *m, int inst, int year, const char *field, int course,
                         bp_num *out)
{
    int64_t total = 0;
    bool any = false;
    bool pence = strcmp(field, "income") == 0 || strcmp(field, "direct_costs") == 0;
    for (size_t i = 0; i < m->ncourses; i++) {
        const bp_course *c = &m->courses[i];
        if (course >= 0 ? (size_t)course != i : (c->inst != inst || c->year != year || c->minority))
            continue;
        any = true;
        int64_t v;
        if (strcmp(field, "income") == 0) v = c->income;
        else if (strcmp(field, "direct_costs") == 0) v = c->direct_costs;
        else if (strcmp(field, "students") == 0) v = c->students;
        else if (strcmp(field, "count") == 0) v = 1;
        else {
            *out = bp_num_none();
            return false;
        }
        if (__builtin_add_overflow(total, v, &total)) {
            *out = bp_num_none();
            return false;
        }
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

const char *bp_commentary(const bp_model *m, const char *kpi, const char *entity, int year)
{
    for (size_t i = 0; i < m->ncomments; i++) {
        const bp_comment *c = &m->comments[i];
        if (c->year == year && strcmp(c->kpi, kpi) == 0 && strcmp(c->entity, entity) == 0)
            return c->text;
    }
    return NULL;
}
