/* bp_pack: the meaning of pack templates, read by bp_settings like KPI files: "pack ID"
 * opens a pack, "key: value" lines set it, "section: KIND" opens a section whose settings
 * follow. */
#include "bp_pack.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_script.h"
#include "bp_settings.h"
#include "bp_util.h"

static const char *const pack_headers[] = {"pack", NULL};
/* A template is a page or two of text; the caps stop a mistaken file (a log, a binary)
 * early.  The id names output files, hence its shorter cap. */
static const bp_settings_kind pack_kind = {
    .headers = pack_headers, .id_noun = "pack", .id_chars = "_-", .id_max = 32,
    .preamble = NULL, .max_bytes = 1u << 20, .max_line = 1023, .err = BP_ERR_PACK};

static const char *const kinds[BP_SEC_KIND_COUNT] = {
    "summary", "exceptions", "scorecard", "phases", "kpi_charts", "finance_summary",
    "income_expenditure", "budget_actual", "trends", "reserves", "health", "forecast",
    "courses", "central_charge", "actions", "actions_summary", "alignment", "priorities",
    "lgb_comparison", "methodology", "data_quality", "management_accounts", "cash_flow",
    "balance_sheet"};

const char *bp_section_kind_id(bp_section_kind k)
{
    return k < BP_SEC_KIND_COUNT ? kinds[k] : "?";
}

void bp_packset_init(bp_packset *s) { memset(s, 0, sizeof *s); }

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void pack_free(bp_pack *p)
{
    for (size_t i = 0; i < p->nsections; i++) {
        free(p->sections[i].title);
        free_list(p->sections[i].kpis, p->sections[i].nkpis);
        free_list(p->sections[i].ambitions, p->sections[i].nambitions);
    }
    free(p->sections);
    free(p->id);
    free(p->title);
    free(p->audience);
    free(p->file);
}

void bp_packset_free(bp_packset *s)
{
    for (size_t i = 0; i < s->count; i++) pack_free(&s->packs[i]);
    free(s->packs);
    memset(s, 0, sizeof *s);
}

bp_money_units bp_pack_money_units(const bp_pack *p, const bp_model *m)
{
    switch (p->money_units) {
    case BP_PACK_MONEY_POUNDS: return BP_MONEY_POUNDS;
    case BP_PACK_MONEY_THOUSANDS: return BP_MONEY_THOUSANDS;
    case BP_PACK_MONEY_TRUST: break;
    }
    return m->money_units;
}

int bp_pack_find(const bp_packset *s, const char *id)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->packs[i].id, id) == 0) return (int)i;
    return -1;
}

/* Split "a, b, c" into a new list, empty items left out; false on allocation failure. */
static bool split_list(const char *v, size_t vn, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t count = bp_settings_list(v, vn, false, NULL, 0);
    bp_span *items = malloc(count * sizeof *items);
    char **list = malloc(count * sizeof *list);
    if (!items || !list) {
        free(items);
        free(list);
        return false;
    }
    bp_settings_list(v, vn, false, items, count);
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        if (!items[i].n) continue;
        ok = (list[*n] = strndup(items[i].s, items[i].n)) != NULL;
        if (ok) ++*n;
    }
    free(items);
    *out = list;
    return ok;
}

typedef struct {
    bp_settings *rd;         /* the reader: the file's lines, and every error goes through it */
    bp_packset *set;
    bp_pack cur;
    bool open;
    bool bad_id;             /* the open pack's id is wrong (reported): it is not kept */
    bp_section *sec;         /* the section settings apply to, or NULL */
    size_t packs_cap, sections_cap;   /* room in set->packs and cur.sections (bp_grow) */
    bool oom;
} parser;

static void finish_pack(parser *ps)
{
    if (!ps->open) return;
    ps->open = false;
    ps->sec = NULL;
    if (ps->bad_id) {
        pack_free(&ps->cur);
        return;
    }
    /* a per-LGB pack may go untitled: it is then called what the trust calls its local
     * tier (trust.csv local_tier), which the template cannot know */
    if (!ps->cur.title && !ps->cur.per_lgb) {
        bp_settings_error(ps->rd, ps->cur.line, 1,
                          "pack '%s' has no title: expected a line 'title: ...'", ps->cur.id);
        pack_free(&ps->cur);
        return;
    }
    int at = bp_pack_find(ps->set, ps->cur.id);
    if (at >= 0) {
        pack_free(&ps->set->packs[at]);
        ps->set->packs[at] = ps->cur;
        return;
    }
    bp_pack *np = bp_grow(ps->set->packs, &ps->packs_cap, ps->set->count + 1, sizeof *np);
    if (!np) {
        pack_free(&ps->cur);
        ps->oom = true;
        return;
    }
    ps->set->packs = np;
    ps->set->packs[ps->set->count++] = ps->cur;
}

static void setting(parser *ps, const bp_setting *e)
{
    bp_pack *p = &ps->cur;
    int line = e->line, col = e->kcol, vcol = e->vcol;
    const char *key = e->key, *val = e->value;
    if (strcmp(key, "section") == 0) {
        int kind = -1;
        for (int i = 0; i < BP_SEC_KIND_COUNT; i++)
            if (strcmp(val, kinds[i]) == 0) kind = i;
        if (kind < 0) {
            bp_settings_error(ps->rd, line, vcol,
                              "found section kind '%s', expected one of the kinds in docs/pack-format.md",
                              val);
            return;
        }
        bp_section *ns = bp_grow(p->sections, &ps->sections_cap, p->nsections + 1, sizeof *ns);
        if (!ns) {
            ps->oom = true;
            return;
        }
        p->sections = ns;
        ps->sec = &p->sections[p->nsections++];
        memset(ps->sec, 0, sizeof *ps->sec);
        ps->sec->kind = (bp_section_kind)kind;
        ps->sec->line = line;
        return;
    }
    bool ok = true;
    if (ps->sec && strcmp(key, "title") == 0) {
        free(ps->sec->title);
        ok = (ps->sec->title = strdup(val)) != NULL;
    } else if (ps->sec && strcmp(key, "kpis") == 0) {
        free_list(ps->sec->kpis, ps->sec->nkpis);
        ok = split_list(val, e->vlen, &ps->sec->kpis, &ps->sec->nkpis);
    } else if (ps->sec && strcmp(key, "ambitions") == 0) {
        free_list(ps->sec->ambitions, ps->sec->nambitions);
        ok = split_list(val, e->vlen, &ps->sec->ambitions, &ps->sec->nambitions);
    } else if (ps->sec && strcmp(key, "appendix") == 0) {
        if (strcmp(val, "yes") == 0) ps->sec->appendix = true;
        else if (strcmp(val, "no") == 0) ps->sec->appendix = false;
        else bp_settings_error(ps->rd, line, vcol, "found '%s', expected yes or no", val);
    } else if (!ps->sec && strcmp(key, "title") == 0) {
        free(p->title);
        ok = (p->title = strdup(val)) != NULL;
    } else if (!ps->sec && strcmp(key, "audience") == 0) {
        free(p->audience);
        ok = (p->audience = strdup(val)) != NULL;
    } else if (!ps->sec && strcmp(key, "max_exceptions") == 0) {
        /* a board reads a handful; a number past three digits is a typo, not a paper */
        int n = 0;
        bool digits = *val != 0 && strlen(val) <= 3;
        for (const char *q = val; *q && digits; q++) {
            digits = *q >= '0' && *q <= '9';
            n = n * 10 + (*q - '0');
        }
        if (!digits || n < 1)
            bp_settings_error(ps->rd, line, vcol,
                              "found '%s', expected a whole number of entries from 1 to 999", val);
        else p->max_exceptions = n;
    } else if (!ps->sec && strcmp(key, "money_units") == 0) {
        /* contract v2: the pack's own units over trust.csv's money_units; fixed words,
         * exact as trust.csv's are ("Thousands" is a typo, not a unit) */
        if (strcmp(val, "pounds") == 0) p->money_units = BP_PACK_MONEY_POUNDS;
        else if (strcmp(val, "thousands") == 0) p->money_units = BP_PACK_MONEY_THOUSANDS;
        else bp_settings_error(ps->rd, line, vcol, "found '%s', expected pounds or thousands", val);
    } else if (!ps->sec && strcmp(key, "per") == 0) {
        if (strcmp(val, "lgb") == 0) p->per_lgb = true;
        else if (strcmp(val, "trust") == 0) p->per_lgb = false;
        else bp_settings_error(ps->rd, line, vcol, "found '%s', expected trust or lgb", val);
    } else if (ps->sec && (strcmp(key, "max_exceptions") == 0 || strcmp(key, "money_units") == 0)) {
        /* indentation is for the reader: under a section line it would read as the
         * section's, and a setting of the whole pack is wanted */
        bp_settings_error(ps->rd, line, col, "found setting '%s' in a section, "
                          "expected it with the pack's own settings, before its first section", key);
    } else {
        bp_settings_error(ps->rd, line, col, "found setting '%s'%s, expected %s", key,
                          ps->sec ? " in a section" : "",
                          ps->sec ? "title, kpis, ambitions, appendix or section"
                                  : "title, audience, per, max_exceptions, money_units or section");
    }
    if (!ok) ps->oom = true;
}

bp_err bp_pack_parse(const char *display_name, const char *text, size_t len, bp_packset *s,
                     bp_diags *diags)
{
    parser ps;
    memset(&ps, 0, sizeof ps);
    bp_settings rd;
    bp_settings_open(&rd, &pack_kind, display_name, text, len, diags);
    ps.rd = &rd;
    ps.set = s;
    ps.packs_cap = s->count;   /* room known to be there: the packs of earlier files */
    bp_setting e;
    while (!ps.oom && bp_settings_next(&rd, &e)) {
        if (!e.header) {
            /* titles reach the packs: text they cannot draw as written is a warning */
            bp_script_check(NULL, diags, display_name, e.line, e.key, e.value, e.vlen);
            setting(&ps, &e);
            continue;
        }
        finish_pack(&ps);
        if (!e.id_ok) bp_settings_bad_id(&rd, &e);
        memset(&ps.cur, 0, sizeof ps.cur);
        ps.sections_cap = 0;
        ps.cur.id = strdup(e.value);
        ps.cur.file = strdup(display_name);
        ps.cur.line = e.line;
        if (!ps.cur.id || !ps.cur.file) {
            ps.oom = true;
            pack_free(&ps.cur);
            break;
        }
        /* opened even with a wrong id, so that its settings are checked rather than each
         * reported as outside a pack */
        ps.open = true;
        ps.bad_id = !e.id_ok;
    }
    if (rd.nomem) ps.oom = true;
    /* after a NUL byte the open pack is not judged: its other lines were never read */
    if (rd.stopped) ps.bad_id = true;
    if (!ps.oom) finish_pack(&ps);
    else if (ps.open) pack_free(&ps.cur);
    size_t errors = rd.errors;
    bp_settings_close(&rd);
    if (ps.oom) return BP_ERR_NOMEM;
    return errors ? pack_kind.err : BP_OK;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bp_err bp_pack_load_dir(const char *dir, bp_packset *s, bp_diags *diags)
{
    DIR *d = opendir(dir);
    if (!d) {
        bp_diag_add(diags, BP_DIAG_ERROR, dir, 0, 0, "cannot open the pack templates directory");
        return BP_ERR_IO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    bp_err err = BP_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".pack") != 0) continue;
        char **nn = bp_grow(names, &cap, n + 1, sizeof *nn);
        char *copy = strdup(e->d_name);
        if (!nn || !copy) {
            free(copy);
            if (nn) names = nn;
            err = BP_ERR_NOMEM;
            break;
        }
        names = nn;
        names[n++] = copy;
    }
    closedir(d);
    /* names is NULL for an empty folder, and qsort must not be given a null pointer */
    if (err == BP_OK && n > 1) qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n && err == BP_OK; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char shown[300], *buf;
        size_t len;
        snprintf(shown, sizeof shown, "templates/packs/%s", names[i]);
        err = bp_settings_read_file(&pack_kind, path, shown, &buf, &len, diags);
        if (err == BP_OK) err = bp_pack_parse(shown, buf, len, s, diags);
        free(buf);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* build and batch exist to write packs: a folder without one is a mistake to report,
     * not a run that quietly writes only the workbook */
    if (err == BP_OK && s->count == 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, dir, 0, 0,
                    "found no pack, expected at least one NAME.pack file with a 'pack ID' line");
        err = pack_kind.err;
    }
    return err;
}

/* Text of a template or a data file as a message quotes it: at most 40 characters (of
 * at most 4 bytes: buf holds 200), then "...", control characters as spaces. */
static const char *quoted(const char *s, char *buf, size_t size)
{
    size_t o = 0, chars = 0, i = 0;
    for (; s[i] && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80 && chars++ == 40) break;
        buf[o++] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
    }
    memcpy(buf + o, s[i] ? "..." : "", s[i] ? 4 : 1);
    return buf;
}

void bp_pack_warn_unused(const bp_packset *s, const bp_kpiset *kpis, const bp_model *m,
                         bp_diags *diags)
{
    char b[200];
    for (size_t i = 0; i < s->count; i++) {
        const bp_pack *p = &s->packs[i];
        for (size_t j = 0; j < p->nsections; j++) {
            const bp_section *sec = &p->sections[j];
            for (size_t k = 0; k < sec->nkpis; k++) {
                const char *id = sec->kpis[k];
                if (strcmp(id, "all") == 0 || strncmp(id, "section:", 8) == 0
                    || bp_kpi_find(kpis, id) >= 0)
                    continue;
                bp_diag_add(diags, BP_DIAG_WARNING, p->file, sec->line, 0,
                            "found KPI '%s' in a %s section, which is not a KPI of the set: it "
                            "shows nothing", quoted(id, b, sizeof b), bp_section_kind_id(sec->kind));
            }
        }
    }
    for (size_t i = 0; i < m->npapers; i++) {
        const bp_paper *pa = &m->papers[i];
        if (bp_pack_find(s, pa->pack) >= 0) continue;
        bp_diag_add(diags, BP_DIAG_WARNING, "papers.csv", pa->line, pa->column,
                    "found pack \"%s\", which the pack templates do not define: this row is not "
                    "used", quoted(pa->pack, b, sizeof b));
    }
}

bool bp_section_selects(const bp_section *sec, const char *kpi_id, const char *kpi_section)
{
    if (!sec->nkpis) return true;
    for (size_t i = 0; i < sec->nkpis; i++) {
        const char *k = sec->kpis[i];
        if (strcmp(k, "all") == 0 || strcmp(k, kpi_id) == 0) return true;
        if (strncmp(k, "section:", 8) == 0 && kpi_section && strcmp(k + 8, kpi_section) == 0)
            return true;
    }
    return false;
}
