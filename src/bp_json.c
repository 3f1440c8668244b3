/* bp_json: writing results as JSON.  Ratios print with %.17g so they read back to the
 * same double; money prints with exactly two decimals from exact pence. */
#include "bp_json.h"

#include <stdint.h>
#include <string.h>
#include "bp_format.h"
#include "bp_money.h"
#include "bp_previous.h"
#include "bp_sha256.h"
#include "bp_util.h"

/* Every C0 control is escaped (RFC 8259 requires it; DEL, C1 and U+2028/9 are legal
 * as they are).  JSON must be UTF-8: a byte that is not - no loaded text holds one, so
 * only a writer's bug could bring it - is written as \ufffd, the replacement character,
 * rather than make the whole file unreadable. */
void bp_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    const unsigned char *run = (const unsigned char *)s, *p = run;
    for (;; p++) {
        /* runs that need no escape are written whole */
        if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') continue;
        if (*p >= 0x80) {
            size_t k = bp_utf8_decode(p, SIZE_MAX, NULL);
            if (k) {
                p += k - 1;
                continue;
            }
        }
        if (p > run) fwrite(run, 1, (size_t)(p - run), out);
        if (!*p) break;
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p >= 0x80) fputs("\\ufffd", out);
            else fprintf(out, "\\u%04x", *p);
        }
        run = p + 1;
    }
    fputc('"', out);
}

static void json_money(FILE *out, int64_t pence)
{
    char buf[40];
    bp_money_format_plain(pence, buf, sizeof buf);
    fputs(buf, out);
}

static void json_num(FILE *out, bp_num v, bool money)
{
    int64_t p;
    if (!v.ok) fputs("null", out);
    else if (money && bp_num_to_pence(v, &p)) json_money(out, p);
    else fprintf(out, "%.17g", bp_num_to_double(v));
}

static void json_diag(FILE *out, const bp_diag *d)
{
    fputs("{\"file\": ", out);
    bp_json_string(out, d->file);
    fprintf(out, ", \"line\": %d, \"column\": %d, \"message\": ", d->line, d->column);
    bp_json_string(out, d->message);
    fputc('}', out);
}

static void json_diags(FILE *out, const bp_diags *d, bp_diag_level level)
{
    fputc('[', out);
    bool first = true;
    for (size_t i = 0; i < d->count; i++) {
        if (d->items[i].level != level) continue;
        fputs(first ? "\n    " : ",\n    ", out);
        first = false;
        json_diag(out, &d->items[i]);
    }
    fputs(first ? "]" : "\n  ]", out);
}

bp_err bp_json_errors(FILE *out, const bp_diags *d)
{
    fputs("{\"errors\": ", out);
    json_diags(out, d, BP_DIAG_ERROR);
    fputs(",\n \"warnings\": ", out);
    json_diags(out, d, BP_DIAG_WARNING);
    fputs("}\n", out);
    fflush(out);
    return ferror(out) ? BP_ERR_IO : BP_OK;
}

static void json_year(FILE *out, int year)
{
    char yb[16];
    bp_year_format(year, yb, sizeof yb);
    bp_json_string(out, yb);
}

/* Schema /3 writes each run of results of one KPI, scope, entity and target once, with a
 * row per result: an array of the fields "result_fields" names, in that order (results
 * were 93% of a national trust's file, each repeating its five identifiers and every key
 * name).  The optional fields come last so that a row of a KPI without grades simply
 * stops before "grade" and "measures". */
static void json_result_fields(FILE *out, const bp_session *s)
{
    fputs("  \"result_fields\": [\"year\", \"scenario\", \"value\", \"status\", \"reported\"", out);
    if (s->results.published) fputs(", \"suppressed\"", out);
    if (s->results.previous) fputs(", \"previous_value\", \"previous_status\", \"movement\"", out);
    bool grades = false;
    for (size_t i = 0; i < s->kpis.count && !grades; i++) grades = s->kpis.kpis[i].nmeasures > 0;
    if (grades) fputs(", \"grade\", \"measures\"", out);
    fputs("],\n", out);
}

static void json_result_row(FILE *out, const bp_session *s, const bp_result *r)
{
    const bp_kpi *k = &s->kpis.kpis[r->kpi];
    /* one row per result, thousands per file: plain writes, no format strings */
    fputc('[', out);
    json_year(out, r->year);
    fputs(", \"", out);
    fputs(bp_scenario_id(r->scenario), out);
    fputs("\", ", out);
    json_num(out, r->value, k->unit == BP_UNIT_MONEY);
    fputs(", \"", out);
    fputs(bp_status_id(r->status), out);
    fputs(r->counts ? "\", true" : "\", false", out);
    /* build --publish: every result says whether it is withheld (its value null) */
    if (s->results.published) fputs(r->suppressed ? ", true" : ", false", out);
    if (s->results.previous) {
        /* --previous: every result says what the previous pack had (null: absent, no
         * data, or withheld by build --publish) and its movement (null: none) */
        fputs(", ", out);
        json_num(out, r->previous_value, k->unit == BP_UNIT_MONEY);
        fputs(", ", out);
        if (r->has_previous && !r->previous_suppressed) fprintf(out, "\"%s\"", bp_status_id(r->previous_status));
        else fputs("null", out);
        const char *mv = bp_movement_id(r->movement);
        fputs(", ", out);
        if (mv) fprintf(out, "\"%s\"", mv);
        else fputs("null", out);
    }
    if (k->nmeasures) {
        fputs(", ", out);
        if (r->grade >= 0) bp_json_string(out, k->grades[r->grade].label);
        else fputs("null", out);
        fputs(", {", out);
        for (size_t i = 0; i < k->nmeasures && i < BP_MAX_MEASURES; i++) {
            fprintf(out, "%s\"%s\": {\"value\": ", i ? ", " : "", k->measures[i].id);
            json_num(out, r->measure[i], k->measures[i].unit == BP_UNIT_MONEY);
            fputs(", \"points\": ", out);
            json_num(out, r->points[i], false);
            fputc('}', out);
        }
        fputc('}', out);
    }
    fputc(']', out);
}

/* A group: the results from r[i] on of its KPI, scope, entity and target, in their
 * order.  Returns the index after the group's last. */
static size_t json_result_group(FILE *out, const bp_session *s, size_t i)
{
    const bp_results *rs = &s->results;
    const bp_result *r = &rs->results[i];
    const bp_kpi *k = &s->kpis.kpis[r->kpi];
    const char *entity = bp_result_entity_id(rs, r);
    char target[160], next[160];
    bp_format_target_short(k, r, target, sizeof target);
    fputs("{\"kpi\": ", out);
    bp_json_string(out, k->id);
    fputs(", \"scope\": \"", out);
    fputs(bp_scope_id(r->scope), out);
    fputs("\", \"entity\": ", out);
    bp_json_string(out, entity);
    fputs(", \"target\": ", out);
    bp_json_string(out, target);
    fputs(", \"rows\": [", out);
    json_result_row(out, s, r);
    for (i++; i < rs->nresults; i++) {
        const bp_result *x = &rs->results[i];
        if (x->kpi != r->kpi || x->scope != r->scope || strcmp(bp_result_entity_id(rs, x), entity) != 0)
            break;
        bp_format_target_short(k, x, next, sizeof next);
        if (strcmp(next, target) != 0) break;
        fputs(", ", out);
        json_result_row(out, s, x);
    }
    fputs("]}", out);
    return i;
}

static void json_exceptions(FILE *out, const bp_session *s)
{
    fputs("  \"exceptions\": [", out);
    for (size_t i = 0; i < s->results.nexceptions; i++) {
        const bp_result *r = s->results.exceptions[i];
        const bp_kpi *k = &s->kpis.kpis[r->kpi];
        char text[512];
        bp_format_exception(&s->results, r, text, sizeof text);
        fputs(i ? ",\n    " : "\n    ", out);
        fputs("{\"kpi\": ", out);
        bp_json_string(out, k->id);
        fprintf(out, ", \"scope\": \"%s\", \"entity\": ", bp_scope_id(r->scope));
        bp_json_string(out, bp_result_entity_id(&s->results, r));
        fputs(", \"year\": ", out);
        json_year(out, r->year);
        fprintf(out, ", \"scenario\": \"%s\", \"status\": \"%s\", \"text\": ",
                bp_scenario_id(r->scenario), bp_status_id(r->status));
        bp_json_string(out, text);
        const char *c = bp_commentary(&s->model, k->id, bp_result_entity_id(&s->results, r), r->year);
        if (c) {
            fputs(", \"commentary\": ", out);
            bp_json_string(out, c);
        }
        fputc('}', out);
    }
    fputs(s->results.nexceptions ? "\n  ],\n" : "],\n", out);
}

static void json_courses(FILE *out, const bp_session *s)
{
    const bp_model *m = &s->model;
    fputs("  \"courses\": [", out);
    for (size_t i = 0; i < s->results.ncourses; i++) {
        const bp_course_result *cr = &s->results.courses[i];
        const bp_course *c = &m->courses[cr->course];
        const bp_kpi *k = &s->kpis.kpis[cr->kpi];
        fputs(i ? ",\n    " : "\n    ", out);
        fputs("{\"kpi\": ", out);
        bp_json_string(out, k->id);
        fputs(", \"institution\": ", out);
        bp_json_string(out, m->insts[c->inst].id);
        fputs(", \"year\": ", out);
        json_year(out, c->year);
        fputs(", \"course\": ", out);
        bp_json_string(out, c->course);
        fprintf(out, ", \"minority\": %s, \"students\": ", c->minority ? "true" : "false");
        if (cr->suppressed) fputs("null", out);
        else fprintf(out, "%lld", (long long)c->students);
        if (s->results.published) fputs(cr->suppressed ? ", \"suppressed\": true" : ", \"suppressed\": false", out);
        fputs(", \"income\": ", out);
        json_money(out, c->income);
        fputs(", \"direct_costs\": ", out);
        json_money(out, c->direct_costs);
        fputs(", \"value\": ", out);
        json_num(out, cr->value, false);
        fprintf(out, ", \"status\": \"%s\"}", bp_status_id(cr->status));
    }
    fputs(s->results.ncourses ? "\n  ],\n" : "],\n", out);
}

/* The cash flows (contract v2): only when the data has cash.* facts, so that the results
 * of a data set without them stay as they were. */
static void json_cashflows(FILE *out, const bp_session *s)
{
    const bp_results *r = &s->results;
    if (!r->ncashflows) return;
    fputs("  \"cashflow\": [", out);
    for (size_t i = 0; i < r->ncashflows; i++) {
        const bp_cashflow *cf = &r->cashflows[i];
        fputs(i ? ",\n    " : "\n    ", out);
        fputs("{\"entity\": ", out);
        bp_json_string(out, cf->inst < 0 ? "trust" : s->model.insts[cf->inst].id);
        fputs(", \"year\": ", out);
        json_year(out, cf->year);
        fputs(", \"months\": [", out);
        for (int k = 1; k <= 12; k++) {
            const bp_cash_month *mo = &cf->months[k - 1];
            char mb[8];
            bp_month_format(k, mb, sizeof mb);
            fprintf(out, "%s{\"period\": \"%s\"", k > 1 ? ", " : "", mb);
            const int64_t *v[4] = {&mo->opening, &mo->receipts, &mo->payments, &mo->closing};
            static const char *const names[4] = {"opening", "receipts", "payments", "closing"};
            for (int j = 0; j < 4; j++) {
                fprintf(out, ", \"%s\": ", names[j]);
                if (mo->ok) json_money(out, *v[j]);
                else fputs("null", out);
            }
            fprintf(out, ", \"source\": \"%s\"}", bp_scenario_id(mo->source));
        }
        fputs("]}", out);
    }
    fputs("\n  ],\n", out);
}

static void json_charges(FILE *out, const bp_session *s)
{
    const bp_model *m = &s->model;
    fputs("  \"central_charge\": [", out);
    for (size_t i = 0; i < s->results.ncharges; i++) {
        const bp_charge *ch = &s->results.charges[i];
        fputs(i ? ",\n    " : "\n    ", out);
        fputs("{\"year\": ", out);
        json_year(out, ch->year);
        fprintf(out, ", \"scenario\": \"%s\", \"total\": ", bp_scenario_id(ch->scenario));
        json_money(out, ch->total);
        fputs(", \"allocation\": [", out);
        for (size_t j = 0; j < ch->nlines; j++) {
            const bp_charge_line *l = &ch->lines[j];
            fputs(j ? ", " : "", out);
            fputs("{\"institution\": ", out);
            bp_json_string(out, m->insts[l->inst].id);
            fputs(", \"weighted_students\": ", out);
            json_num(out, l->weighted, false);
            fputs(", \"share\": ", out);
            json_money(out, l->share);
            fputs(", \"charged\": ", out);
            if (l->has_charged) json_money(out, l->charged);
            else fputs("null", out);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs(s->results.ncharges ? "\n  ],\n" : "],\n", out);
}

static void json_data(FILE *out, const bp_session *s)
{
    const bp_model *m = &s->model;
    fputs("  \"data\": {\"inputs\": [", out);
    bool first = true;
    for (size_t i = 0; i < m->ninputs; i++) {
        const bp_input *in = &m->inputs[i];
        if (!in->present) continue;
        char hex[65];
        bp_sha256_hex(in->sha256, hex);
        fputs(first ? "\n    " : ",\n    ", out);
        first = false;
        fputs("{\"file\": ", out);
        bp_json_string(out, in->name);
        fprintf(out, ", \"sha256\": \"%s\", \"rows\": %zu, \"money_total\": ", hex, in->rows);
        if (in->has_money) json_money(out, in->money_total);
        else fputs("null", out);
        fputc('}', out);
    }
    fprintf(out, "%s],\n    \"rows_read\": %zu,\n    \"warnings\": ", first ? "" : "\n    ",
            m->rows_read);
    json_diags(out, &s->diags, BP_DIAG_WARNING);
    fputs("}\n", out);
}

bp_err bp_json_results(FILE *out, const bp_session *s)
{
    const bp_model *m = &s->model;
    char asof[16];
    bp_date_format_iso(m->as_of, asof, sizeof asof);
    /* schema /3 (annual and in-year alike; "period" null for an annual pack): the results
     * grouped (json_result_group).  /1 and /2 wrote one object per result. */
    bool inyear = m->inyear && m->inyear == s->year;
    fprintf(out, "{\n  \"schema\": \"boardpack-results/3\",\n  \"version\": \"%s\",\n  \"trust\": ",
            BP_VERSION);
    bp_json_string(out, m->id);
    fputs(",\n  \"trust_name\": ", out);
    bp_json_string(out, m->name);
    fputs(",\n  \"report_year\": ", out);
    json_year(out, s->year);
    fputs(",\n  \"period\": ", out);
    if (inyear) {
        char pb[8];
        bp_month_format(m->period, pb, sizeof pb);
        fprintf(out, "\"%s\"", pb);
    } else fputs("null", out);                                        /* annual */
    fprintf(out, ",\n  \"as_of\": \"%s\",\n", asof);
    json_result_fields(out, s);
    fputs("  \"results\": [", out);
    for (size_t i = 0; i < s->results.nresults;) {
        fputs(i ? ",\n    " : "\n    ", out);
        i = json_result_group(out, s, i);
    }
    fputs(s->results.nresults ? "\n  ],\n" : "],\n", out);
    json_exceptions(out, s);
    json_courses(out, s);
    json_charges(out, s);
    json_cashflows(out, s);
    json_data(out, s);
    fputs("}\n", out);
    fflush(out);
    return ferror(out) ? BP_ERR_IO : BP_OK;
}
