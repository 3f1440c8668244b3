/* bp_load's loaders of the plan's files: ambitions.csv, priorities.csv, actions.csv,
 * papers.csv, commentary.csv and national.csv, each read after the institutions and facts
 * they refer to (bp_load.c calls them in that order). */
#include "bp_load_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bp_util.h"

/* ---------- ambitions, priorities, actions ---------- */

void ld_load_ambitions(loader *L)
{
    static const bp_csv_colspec spec[] = {{"id", 1}, {"title", 1}, {"summary", 0}};
    int idx[3];
    if (!ld_bind(L, F_AMBITIONS, spec, 3, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_AMBITIONS];
    keyset keys = {0};
    char b[200];
    m->ambitions = ld_grow(L, NULL, &L->capambitions, t->nrows, sizeof *m->ambitions);
    if (!m->ambitions) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *idf = ld_cell(row, idx[0]);
        view id = {"", 0}, title = {"", 0}, summary = ld_trimmed(ld_cell(row, idx[2]));
        bool ok = ld_get_id(L, F_AMBITIONS, idf, "id", true, &id);
        if (!ld_get_text(L, F_AMBITIONS, ld_cell(row, idx[1]), "title", "the ambition's title", &title))
            ok = false;
        if (!ok) continue;
        ld_key_add(L, &keys, row->line, idf->column, "id \"%s\"", ld_q(id, b, sizeof b));
        bp_ambition *a = &m->ambitions[m->nambitions++];
        a->id = ld_dupn(L, id.s, id.n);
        a->title = ld_dupn(L, title.s, title.n);
        a->summary = ld_dupn(L, summary.s, summary.n);
    }
    ld_key_check(L, &keys, F_AMBITIONS, "ambition id");
}

static int find_ambition(const bp_model *m, view v)
{
    for (size_t i = 0; i < m->nambitions; i++)
        if (m->ambitions[i].id && strncmp(m->ambitions[i].id, v.s, v.n) == 0
            && m->ambitions[i].id[v.n] == '\0')
            return (int)i;
    return -1;
}

/* "a;b;c" into ambition indexes; every item must name a known ambition. */
static bool ambition_list(loader *L, const bp_csv_field *f, int **out, size_t *n)
{
    view v = ld_trimmed(f);
    *out = NULL;
    *n = 0;
    if (!ld_word_ok(f)) {
        ld_bad_word(L, F_PRIORITIES, f, "ambitions", "%s, separated by ';'", EXP_AMBITION);
        return false;
    }
    if (v.n == 0) return true;
    size_t items = 1;
    for (size_t i = 0; i < v.n; i++) items += v.s[i] == ';';
    int *list = malloc(items * sizeof *list);
    if (!list) {
        L->err = BP_ERR_NOMEM;
        return false;
    }
    bool ok = true;
    const char *p = v.s, *end = v.s + v.n;
    while (p <= end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        bp_csv_field item = *f;
        item.text = (char *)p;
        item.len = (size_t)(semi - p);
        view iv = ld_trimmed(&item);
        int a = iv.n ? find_ambition(L->m, iv) : -1;
        if (iv.n == 0) {
            ld_bad(L, F_PRIORITIES, f, "ambitions", "%s, separated by ';'", EXP_AMBITION);
            ok = false;
        } else if (a < 0) {
            char b[200];
            bp_diag_quote(iv.s, iv.n, b, sizeof b);
            bp_diag_add(L->d, BP_DIAG_ERROR, "priorities.csv", f->line, f->column,
                        "found \"%s\" in column \"ambitions\", expected %s", b, EXP_AMBITION);
            ok = false;
        } else {
            list[(*n)++] = a;
        }
        p = semi + 1;
    }
    if (!ok) {
        free(list);
        *n = 0;
        return false;
    }
    *out = list;
    return true;
}

void ld_load_priorities(loader *L)
{
    static const bp_csv_colspec spec[] = {{"institution", 1}, {"id", 1}, {"title", 1},
                                          {"ambitions", 1}};
    int idx[4];
    if (!ld_bind(L, F_PRIORITIES, spec, 4, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_PRIORITIES];
    keyset keys = {0};
    char b[200];
    m->priorities = ld_grow(L, NULL, &L->cappriorities, t->nrows, sizeof *m->priorities);
    if (!m->priorities) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        int inst;
        view id = {"", 0}, title = {"", 0};
        const bp_csv_field *idf = ld_cell(row, idx[1]);
        bool ok = ld_get_inst(L, F_PRIORITIES, ld_cell(row, idx[0]), "institution", &inst);
        if (!ld_get_id(L, F_PRIORITIES, idf, "id", true, &id)) ok = false;
        if (!ld_get_text(L, F_PRIORITIES, ld_cell(row, idx[2]), "title", "the priority's title", &title))
            ok = false;
        int *list;
        size_t n;
        if (!ambition_list(L, ld_cell(row, idx[3]), &list, &n)) ok = false;
        if (!ok) {
            free(list);
            continue;
        }
        ld_key_add(L, &keys, row->line, idf->column, "id \"%s\" for %s", ld_q(id, b, sizeof b),
                m->insts[inst].id);
        bp_priority *p = &m->priorities[m->npriorities++];
        p->inst = inst;
        p->id = ld_dupn(L, id.s, id.n);
        p->title = ld_dupn(L, title.s, title.n);
        p->ambitions = list;
        p->nambitions = n;
    }
    ld_key_check(L, &keys, F_PRIORITIES, "priority id of an institution");
}

#define EXP_KPIS "KPI ids such as surplus_pct, separated by ';'"

/* actions.csv's kpis (contract v2): "a; b" into a list of KPI ids, each shaped like one
 * (lower case letters, digits and '_'); whether the KPI set has them is bp_session's to
 * check, once the KPI files are read.  An empty field is an empty list. */
static bool kpi_list(loader *L, const bp_csv_field *f, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    view v = ld_trimmed(f);
    if (!f || v.n == 0) return true;
    if (!ld_word_ok(f)) {
        ld_bad_word(L, F_ACTIONS, f, "kpis", EXP_KPIS);
        return false;
    }
    size_t items = 1;
    for (size_t i = 0; i < v.n; i++) items += v.s[i] == ';';
    for (const char *p = v.s, *end = v.s + v.n; p <= end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        bp_csv_field item = *f;
        item.text = (char *)p;
        item.len = (size_t)(semi - p);
        if (!ld_valid_code(ld_trimmed(&item), false)) {
            /* the whole field: an empty item has nothing else to show */
            ld_bad(L, F_ACTIONS, f, "kpis", EXP_KPIS);
            return false;
        }
        p = semi + 1;
    }
    char **list = calloc(items, sizeof *list);
    if (!list) {
        L->err = BP_ERR_NOMEM;
        return false;
    }
    for (const char *p = v.s, *end = v.s + v.n; p <= end && !L->err;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) semi = end;
        bp_csv_field item = *f;
        item.text = (char *)p;
        item.len = (size_t)(semi - p);
        view iv = ld_trimmed(&item);
        list[(*n)++] = ld_dupn(L, iv.s, iv.n);
        p = semi + 1;
    }
    *out = list;
    return true;
}

void ld_load_actions(loader *L)
{
    static const bp_csv_colspec spec[] = {
        {"id", 1}, {"institution", 1}, {"ambition", 1}, {"plan", 0}, {"action", 1},
        {"owner", 0}, {"due", 1}, {"status", 1}, {"updated", 0}, {"evidence", 0}, {"kpis", 0}};
    int idx[11];
    if (!ld_bind(L, F_ACTIONS, spec, 11, idx)) return;
    bp_model *m = L->m;
    m->actions_kpis = idx[10] >= 0;
    const bp_csv_table *t = &L->t[F_ACTIONS];
    keyset keys = {0};
    char b[200];
    m->actions = ld_grow(L, NULL, &L->capactions, t->nrows, sizeof *m->actions);
    if (!m->actions) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *idf = ld_cell(row, idx[0]), *af = ld_cell(row, idx[2]);
        view id = {"", 0}, action = {"", 0};
        int inst;
        bool ok = ld_get_id(L, F_ACTIONS, idf, "id", true, &id);
        if (!ld_get_inst(L, F_ACTIONS, ld_cell(row, idx[1]), "institution", &inst)) ok = false;
        view av = ld_trimmed(af);
        int amb = av.n && ld_word_ok(af) ? find_ambition(m, av) : -1;
        if (amb < 0) {
            ld_bad_word(L, F_ACTIONS, af, "ambition", EXP_AMBITION);
            ok = false;
        }
        if (!ld_get_text(L, F_ACTIONS, ld_cell(row, idx[4]), "action", "a description of the action", &action))
            ok = false;
        int32_t due = 0, updated = 0;
        if (!ld_get_date(L, F_ACTIONS, ld_cell(row, idx[6]), "due", &due)) ok = false;
        bp_action_status st = BP_ST_NOT_STARTED;
        const bp_csv_field *sf = ld_cell(row, idx[7]);
        char buf[16];
        if (!ld_word_ok(sf) || !ld_small(sf, buf, sizeof buf) || !bp_action_status_parse(buf, &st)) {
            ld_bad_word(L, F_ACTIONS, sf, "status", EXP_STATUS);
            ok = false;
        }
        const bp_csv_field *uf = ld_cell(row, idx[8]);
        bool has_updated = uf && ld_trimmed(uf).n;
        if (has_updated && !ld_get_date(L, F_ACTIONS, uf, "updated", &updated)) ok = false;
        const bp_csv_field *kf = ld_cell(row, idx[10]);
        char **kpis;
        size_t nkpis;
        if (!kpi_list(L, kf, &kpis, &nkpis)) ok = false;
        if (!ok) {
            for (size_t k = 0; k < nkpis; k++) free(kpis[k]);
            free(kpis);
            continue;
        }
        ld_key_add(L, &keys, row->line, idf->column, "id \"%s\"", ld_q(id, b, sizeof b));
        bp_action *a = &m->actions[m->nactions++];
        memset(a, 0, sizeof *a);
        view plan = ld_trimmed(ld_cell(row, idx[3])), owner = ld_trimmed(ld_cell(row, idx[5])),
             ev = ld_trimmed(ld_cell(row, idx[9]));
        a->id = ld_dupn(L, id.s, id.n);
        a->inst = inst;
        a->ambition = amb;
        a->plan = ld_dupn(L, plan.s, plan.n);
        a->action = ld_dupn(L, action.s, action.n);
        a->owner = ld_dupn(L, owner.s, owner.n);
        a->evidence = ld_dupn(L, ev.s, ev.n);
        a->due = due;
        a->has_updated = has_updated;
        a->updated = updated;
        a->status = st;
        a->kpis = kpis;
        a->nkpis = nkpis;
        a->kpis_column = kf ? kf->column : 0;
        a->line = row->line;
    }
    ld_key_check(L, &keys, F_ACTIONS, "action id");
}

/* ---------- papers, commentary, national ---------- */

static bool looks_like_date(view v)
{
    if (v.n != 10) return false;
    for (size_t i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? v.s[i] != '-' : (v.s[i] < '0' || v.s[i] > '9')) return false;
    }
    return true;
}

void ld_load_papers(loader *L)
{
    static const bp_csv_colspec spec[] = {
        {"pack", 1}, {"meeting", 0}, {"reference", 0}, {"classification", 0}, {"author", 0},
        {"purpose", 0}, {"recommendation", 0}};
    int idx[7];
    if (!ld_bind(L, F_PAPERS, spec, 7, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_PAPERS];
    keyset keys = {0};
    char b[200];
    m->papers = ld_grow(L, NULL, &L->cappapers, t->nrows, sizeof *m->papers);
    if (!m->papers) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *pf = ld_cell(row, idx[0]), *mf = ld_cell(row, idx[1]);
        view pack = {"", 0};
        bool ok = ld_get_text(L, F_PAPERS, pf, "pack", "a pack name such as board, finance, quality or lgb", &pack);
        if (ok && !ld_word_ok(pf)) {
            ld_bad_word(L, F_PAPERS, pf, "pack", "a pack name such as board, finance, quality or lgb");
            ok = false;
        }
        view meeting = ld_trimmed(mf);
        int32_t date = 0;
        bool has_date = looks_like_date(meeting);
        if (has_date && !ld_get_date(L, F_PAPERS, mf, "meeting", &date)) ok = false;
        if (!ok) continue;
        ld_key_add(L, &keys, row->line, pf->column, "pack \"%s\"", ld_q(pack, b, sizeof b));
        bp_paper *p = &m->papers[m->npapers++];
        memset(p, 0, sizeof *p);
        char **dst[] = {&p->pack, &p->meeting, &p->reference, &p->classification, &p->author,
                        &p->purpose, &p->recommendation};
        for (int i = 0; i < 7; i++) {
            view v = ld_trimmed(ld_cell(row, idx[i]));
            *dst[i] = ld_dupn(L, v.s, v.n);
        }
        p->has_meeting_date = has_date;
        p->meeting_date = date;
        p->line = row->line;
        p->column = pf->column;
    }
    ld_key_check(L, &keys, F_PAPERS, "pack");
}

static int code_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* bp_model_has_code for the rows read after the facts: by binary search over the facts'
 * distinct codes, not a pass over every fact for each row (a commentary row per
 * institution of a thousand-institution trust).  False when out of memory (L->err). */
static bool ld_has_code(loader *L, const char *prefix)
{
    const bp_model *m = L->m;
    if (!L->codes && m->nfacts) {
        const char **all = malloc(m->nfacts * sizeof *all);
        if (!all) {
            L->err = BP_ERR_NOMEM;
            return false;
        }
        for (size_t i = 0; i < m->nfacts; i++) all[i] = m->facts[i].code;
        qsort(all, m->nfacts, sizeof *all, code_cmp);
        size_t n = 0;
        for (size_t i = 0; i < m->nfacts; i++)
            if (!n || strcmp(all[n - 1], all[i]) != 0) all[n++] = all[i];
        L->codes = all;
        L->ncodes = n;
    }
    /* the codes that begin with prefix follow its place in order; one of them is under it
     * when it is prefix itself or goes on with a '.' */
    size_t plen = strlen(prefix), lo = 0, hi = L->ncodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(L->codes[mid], prefix) < 0) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < L->ncodes && strncmp(L->codes[lo], prefix, plen) == 0; lo++)
        if (bp_code_under(L->codes[lo], prefix)) return true;
    return false;
}

/* A commentary row names a KPI or, contract v2, a finance code with an optional month
 * (`code`, `period`: the authors' note beside that line of the management accounts).  The
 * code must be one the data set has (a money code with a fact at or under it) and the month
 * a month; a note on a month after the closed period would explain figures not yet there. */
static bool commentary_code(loader *L, const bp_csv_row *row, const int *idx, view kpi,
                            view *code, int *period)
{
    const bp_csv_field *cf = ld_cell(row, idx[4]), *pf = ld_cell(row, idx[5]);
    view pv = ld_trimmed(pf);
    *code = ld_trimmed(cf);
    *period = 0;
    if (!code->n) {
        if (pv.n) {
            ld_bad(L, F_COMMENTARY, pf, "period", "an empty period: a month goes with a finance code "
                "in column \"code\" (commentary on a KPI is on its year)");
            return false;
        }
        return true;
    }
    char cb[128];
    if (kpi.n) {
        ld_bad(L, F_COMMENTARY, cf, "code", "an empty code with kpi set: a row is commentary on a "
            "KPI or on a finance code, not both");
        return false;
    }
    if (!ld_word_ok(cf) || !ld_valid_code(*code, true) || !ld_small(cf, cb, sizeof cb)
        || !bp_code_is_money(cb) || !ld_has_code(L, cb)) {
        ld_bad_word(L, F_COMMENTARY, cf, "code", "a finance code of this data set (income, exp, memo, "
                 "bs or cash, with a fact in finance.csv) such as exp.staff");
        return false;
    }
    if (pv.n && (!ld_word_ok(pf) || !bp_month_parse(pv.s, pv.n, period))) {
        ld_bad_word(L, F_COMMENTARY, pf, "period", "%s, or empty for the year", EXP_MONTH);
        return false;
    }
    if (*period && L->m->period && *period > L->m->period) {
        char mb[8], pb[8];
        bp_month_format(*period, mb, sizeof mb);
        bp_month_format(L->m->period, pb, sizeof pb);
        ld_bad(L, F_COMMENTARY, pf, "period", "a month up to the closed period %s (trust.csv "
            "period): %s is not yet reported", pb, mb);
        return false;
    }
    return true;
}

void ld_load_commentary(loader *L)
{
    static const bp_csv_colspec spec[] = {{"kpi", 1}, {"entity", 1}, {"year", 1}, {"text", 1},
                                          {"code", 0}, {"period", 0}};
    int idx[6];
    if (!ld_bind(L, F_COMMENTARY, spec, 6, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_COMMENTARY];
    keyset keys = {0};
    char b[200], b2[200];
    m->comments = ld_grow(L, NULL, &L->capcomments, t->nrows, sizeof *m->comments);
    if (!m->comments) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        const bp_csv_field *kf = ld_cell(row, idx[0]), *ef = ld_cell(row, idx[1]);
        view kpi = ld_trimmed(kf), entity = ld_trimmed(ef), text = {"", 0}, code = {"", 0};
        int period = 0;
        bool ok = commentary_code(L, row, idx, kpi, &code, &period);
        if (ok && !code.n && (!ld_word_ok(kf) || !ld_valid_code(kpi, false))) {
            ld_bad_word(L, F_COMMENTARY, kf, "kpi", "a KPI id such as surplus_pct%s",
                     idx[4] >= 0 ? ", or a finance code in column \"code\"" : "");
            ok = false;
        }
        char eb[32];
        bp_phase ph;
        bool known = entity.n && ld_word_ok(ef) && (ld_find_inst(L, entity) >= 0
                                  || (ld_small(ef, eb, sizeof eb)
                                      && (strcmp(eb, "trust") == 0 || bp_phase_parse(eb, &ph))));
        if (!known) {
            if (!entity.n || !ld_word_ok(ef) || !ld_lost_row(L, F_COMMENTARY, entity))
                ld_bad_word(L, F_COMMENTARY, ef, "entity", "an institution id, a phase or trust");
            ok = false;
        }
        int year = 0;
        if (!ld_get_year(L, F_COMMENTARY, ld_cell(row, idx[2]), "year", &year)) ok = false;
        if (!ld_get_text(L, F_COMMENTARY, ld_cell(row, idx[3]), "text", "the commentary", &text)) ok = false;
        if (!ok) continue;
        if (code.n) {
            char mb[8] = "";
            if (period) bp_month_format(period, mb, sizeof mb);
            ld_key_add(L, &keys, row->line, ld_cell(row, idx[4])->column, "commentary on %s%s%s for %s %04d/%02d",
                    ld_q(code, b, sizeof b), period ? " " : "", mb, ld_q(entity, b2, sizeof b2), year,
                    (year + 1) % 100);
        } else {
            ld_key_add(L, &keys, row->line, kf->column, "commentary on %s for %s %04d/%02d",
                    ld_q(kpi, b, sizeof b), ld_q(entity, b2, sizeof b2), year, (year + 1) % 100);
        }
        bp_comment *c = &m->comments[m->ncomments++];
        c->kpi = ld_dupn(L, kpi.s, kpi.n);
        c->code = code.n ? ld_dupn(L, code.s, code.n) : NULL;
        c->period = period;
        c->entity = ld_dupn(L, entity.s, entity.n);
        c->year = year;
        c->text = ld_dupn(L, text.s, text.n);
        c->line = row->line;
        c->column = ld_cell(row, idx[2])->column;
    }
    ld_key_check(L, &keys, F_COMMENTARY, "KPI or code, entity and year");
    if (!L->err && bp_model_index_comments(m) != BP_OK) L->err = BP_ERR_NOMEM;
}

void ld_load_national(loader *L)
{
    static const bp_csv_colspec spec[] = {{"year", 1}, {"phase", 1}, {"code", 1}, {"value", 1}};
    int idx[4];
    if (!ld_bind(L, F_NATIONAL, spec, 4, idx)) return;
    bp_model *m = L->m;
    const bp_csv_table *t = &L->t[F_NATIONAL];
    keyset keys = {0};
    char b[200];
    m->benchmarks = ld_grow(L, NULL, &L->capbench, t->nrows, sizeof *m->benchmarks);
    if (!m->benchmarks) return;
    for (size_t r = 0; r < t->nrows && !L->err; r++) {
        const bp_csv_row *row = &t->rows[r];
        int year = 0;
        bool ok = ld_get_year(L, F_NATIONAL, ld_cell(row, idx[0]), "year", &year);
        const bp_csv_field *pf = ld_cell(row, idx[1]), *cf = ld_cell(row, idx[2]), *vf = ld_cell(row, idx[3]);
        char pb[32];
        bp_phase ph;
        if (!ld_word_ok(pf) || !ld_small(pf, pb, sizeof pb)
            || (strcmp(pb, "all") != 0 && !bp_phase_parse(pb, &ph))) {
            ld_bad_word(L, F_NATIONAL, pf, "phase", "a phase (%s) or all", &EXP_PHASE[7]);   /* past "one of " */
            ok = false;
        }
        view code = ld_trimmed(cf);
        if (!ld_word_ok(cf) || !ld_valid_code(code, false)) {
            ld_bad_word(L, F_NATIONAL, cf, "code", "a KPI id such as attendance_pct");
            ok = false;
        }
        bp_num v;
        if (!bp_num_parse(vf->text, vf->len, &v)) {
            ld_bad(L, F_NATIONAL, vf, "value", "a number in the KPI's own units, such as 0.947");
            ok = false;
        }
        if (!ok) continue;
        ld_key_add(L, &keys, row->line, cf->column, "%s for %s %04d/%02d", ld_q(code, b, sizeof b), pb,
                year, (year + 1) % 100);
        bp_benchmark *bm = &m->benchmarks[m->nbenchmarks++];
        bm->year = year;
        bm->phase = ld_dup(L, pb);
        bm->kpi = ld_dupn(L, code.s, code.n);
        bm->value = v;
        bm->line = row->line;
        bm->column = cf->column;
    }
    ld_key_check(L, &keys, F_NATIONAL, "code, phase and year");
}
