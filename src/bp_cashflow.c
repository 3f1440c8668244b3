/* bp_cashflow: the 12-month cash flow of one year (contract v2, "Cash flow"), read
 * straight from the monthly facts: receipts and payments of each month, opening and
 * closing balances, and the low point with the average month's payments that cash_min
 * is judged against. */
#include "bp_cashflow.h"

#include <string.h>

#include "bp_util.h"

/* The trust's cash flow leaves out money moved between its own institutions. */
static bool internal_cash(const char *code)
{
    return bp_code_under(code, "cash.receipts.internal")
           || bp_code_under(code, "cash.payments.internal");
}

/* The facts of one (inst, year, scenario) in the sorted fact list: [*lo, *hi). */
static void run_of(const bp_model *m, int inst, int year, bp_scenario s, size_t *lo, size_t *hi)
{
    size_t a = 0, b = m->nfacts;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        const bp_fact *f = &m->facts[mid];
        bool before = f->inst != inst ? f->inst < inst
                      : f->year != year ? f->year < year : f->scenario < s;
        if (before) a = mid + 1;
        else b = mid;
    }
    *lo = a;
    while (a < m->nfacts && m->facts[a].inst == inst && m->facts[a].year == year
           && m->facts[a].scenario == s)
        a++;
    *hi = a;
}

bool bp_cashflow_has(const bp_model *m, int inst, int year)
{
    for (int s = 0; s < BP_INPUT_SCENARIOS; s++) {
        size_t lo, hi;
        run_of(m, inst, year, (bp_scenario)s, &lo, &hi);
        for (size_t i = lo; i < hi; i++)
            if (bp_code_under(m->facts[i].code, "cash")) return true;
    }
    return false;
}

/* Whole-year facts under prefix of one (inst, year, scenario), summed; false when none. */
static bool whole_year(const bp_model *m, int inst, int year, bp_scenario s, const char *prefix,
                       int64_t *out)
{
    size_t lo, hi;
    run_of(m, inst, year, s, &lo, &hi);
    bool any = false;
    int64_t t = 0;
    for (size_t i = lo; i < hi; i++)
        if (!m->facts[i].period && bp_code_under(m->facts[i].code, prefix)) {
            t += m->facts[i].value;
            any = true;
        }
    *out = t;
    return any;
}

/* The cash at the end of a year: its actual bs.cash at M12, a whole-year fact counting as
 * M12.  Monthly balances that stop before M12 give no year-end. */
static bool year_end_cash(const bp_model *m, int inst, int year, int64_t *out)
{
    int64_t by[12];
    unsigned has = bp_model_months(m, inst, year, BP_ACTUAL, "bs.cash", false, by);
    if (has) {
        *out = by[11];
        return (has >> 11) & 1u;
    }
    return whole_year(m, inst, year, BP_ACTUAL, "bs.cash", out);
}

/* Receipts (dir +1) and payments (dir -1) of one member for month k (1..12), from the
 * scenario given, or for a later month code by code from the forecast month, else the
 * budget month.  *any: a fact was found; *forecast: a forecast month was used. */
static void month_flows(const bp_model *m, int inst, int year, int k, bool actual, bool trust,
                        int64_t *rec, int64_t *pay, bool *any, bool *forecast)
{
    size_t lo[2], hi[2];
    run_of(m, inst, year, actual ? BP_ACTUAL : BP_FORECAST, &lo[0], &hi[0]);
    run_of(m, inst, year, BP_BUDGET, &lo[1], &hi[1]);
    for (int src = 0; src < (actual ? 1 : 2); src++)
        for (size_t i = lo[src]; i < hi[src]; i++) {
            const bp_fact *f = &m->facts[i];
            if (f->period != k || (trust && internal_cash(f->code))) continue;
            bool r = bp_code_under(f->code, "cash.receipts");
            if (!r && !bp_code_under(f->code, "cash.payments")) continue;
            if (src == 1) {
                /* the budget month counts only for a code with no forecast month */
                bool fc = false;
                for (size_t j = lo[0]; j < hi[0] && !fc; j++)
                    fc = m->facts[j].code == f->code && m->facts[j].period == k;
                if (fc) continue;
            } else if (!actual) {
                *forecast = true;
            }
            *any = true;
            if (r) *rec += f->value;
            else *pay += f->value;
        }
}

void bp_cashflow_make(const bp_model *m, int inst, int year, bp_cashflow *out)
{
    memset(out, 0, sizeof *out);
    out->inst = inst;
    out->year = year;
    out->period = m->inyear == year && m->period ? m->period : 12;
    out->avg_payments = bp_num_none();
    int members[1024];
    size_t n = 0;
    for (size_t i = 0; i < m->ninsts && n < sizeof members / sizeof *members; i++)
        if ((inst < 0 || (int)i == inst) && bp_cashflow_has(m, (int)i, year)) members[n++] = (int)i;
    if (!n) return;

    /* opening: last year's closing cash, else this year's cash.opening, for every member */
    int64_t bal = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t v;
        if (!year_end_cash(m, members[i], year - 1, &v)
            && !whole_year(m, members[i], year, BP_ACTUAL, "cash.opening", &v))
            return;
        bal += v;
    }
    out->ok = true;
    bool live = true;
    int64_t paid = 0;
    for (int k = 1; k <= 12; k++) {
        bp_cash_month *mo = &out->months[k - 1];
        bool actual = k <= out->period, any = false, forecast = false, balance = actual;
        int64_t rec = 0, pay = 0, given = 0;
        for (size_t i = 0; i < n; i++) {
            month_flows(m, members[i], year, k, actual, inst < 0, &rec, &pay, &any, &forecast);
            int64_t by[12];
            unsigned has = actual ? bp_model_months(m, members[i], year, BP_ACTUAL, "bs.cash",
                                                    false, by) : 0;
            /* a balance is "given" for the month only when every member gives it */
            if ((has >> (k - 1)) & 1u) given += by[k - 1];
            else balance = false;
        }
        mo->source = actual ? BP_ACTUAL : forecast ? BP_FORECAST : BP_BUDGET;
        if (!live || !any) {
            live = false;
            continue;
        }
        mo->ok = true;
        mo->opening = bal;
        mo->receipts = rec;
        mo->payments = pay;
        int64_t computed = bal + rec - pay;
        mo->has_balance = balance;
        mo->difference = balance ? given - computed : 0;
        mo->closing = balance ? given : computed;
        bal = mo->closing;
        paid += pay;
    }
    if (!live) return;
    out->has_low = true;
    out->low = out->months[0].closing;
    out->low_month = 1;
    for (int k = 2; k <= 12; k++)
        if (out->months[k - 1].closing < out->low) {
            out->low = out->months[k - 1].closing;
            out->low_month = k;
        }
    out->avg_payments = bp_num_div(bp_num_pence(paid), bp_num_int(12));
}
