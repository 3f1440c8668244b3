/* cli_ledger: `boardpack ledger` - what the mapping made of the ledger files: the facts as
 * a finance.csv (so that a finance officer can see and diff it), or with --explain, which
 * rule maps an account (and a cost centre) and which rules it beat. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_cli_commands.h"
#include "bp_load.h"
#include "bp_mapping.h"
#include "bp_money.h"
#include "bp_session.h"
#include "bp_text.h"

typedef struct {
    const char *data;
    const char *explain;
    const char *cost_centre;
} ledger_opts;

static const bp_cli_opt options[] = {
    BP_CLI_OPT_DATA(ledger_opts, data),
    {"explain", 0, "ACCOUNT", "show which rule of mapping.csv maps ACCOUNT, and the rules it\n"
     "beat, instead of the facts", 0, bp_cli_set_string, offsetof(ledger_opts, explain)},
    {"cost-centre", 0, "CC", "with --explain: which institution rule maps the cost centre CC", 0,
     bp_cli_set_string, offsetof(ledger_opts, cost_centre)},
};

static void mappings_dir(const bp_cli_env *env, char *buf, size_t size)
{
    char tdir[PATH_MAX];
    bp_templates_dir(env->templates, tdir, sizeof tdir);
    snprintf(buf, size, "%s/mappings", tdir);
}

static void rule_line(const char *lead, const bp_map_rule *r, const bp_map_width *w)
{
    char text[300], width[48] = "exact";
    bp_map_rule_text(r, text, sizeof text);
    if (r->how == BP_MM_BLANK) snprintf(width, sizeof width, "empty account");
    else if (!w && r->how == BP_MM_PREFIX)
        snprintf(width, sizeof width, "prefix of %zu character%s", r->plen, r->plen == 1 ? "" : "s");
    else if (w && r->how != BP_MM_EXACT && w->big) snprintf(width, sizeof width, "width 10^%d", w->big);
    else if (w && r->how != BP_MM_EXACT)
        snprintf(width, sizeof width, "width %llu", (unsigned long long)w->v);
    printf("  %-9s %s:%d  %s  (%s)\n", lead, r->file, r->line, text, width);
}

/* 0 when the account (and cost centre) is mapped or ignored by one rule, else 65. */
static int explain(const bp_mapping *mp, const char *account, const char *cc)
{
    int rc = 0;
    enum { MAX = 64 };
    int idx[MAX];
    bp_map_width w[MAX];
    size_t n = bp_mapping_candidates(mp, account, strlen(account), idx, w, MAX);
    printf("account %s:\n", account);
    if (n == 0) {
        printf("  not mapped: no account or ignore rule matches it\n");
        rc = 65;
    }
    bool tie = n > 1 && mp->rules[idx[0]].how != BP_MM_EXACT && bp_map_width_cmp(w[0], w[1]) == 0;
    for (size_t i = 0; i < n && i < MAX; i++) {
        const bp_map_rule *r = &mp->rules[idx[i]];
        bool equal = tie && bp_map_width_cmp(w[0], w[i]) == 0;
        const char *lead = i == 0 && !tie ? (r->kind == BP_MK_IGNORE ? "ignored" : "mapped")
                           : equal ? "ambiguous" : "beats";
        rule_line(lead, r, &w[i]);
    }
    if (tie) {
        printf("  ambiguous: the rules marked so are equally narrow (a mapping error)\n");
        rc = 65;
    }
    if (cc) {
        printf("cost centre %s:\n", cc);
        int best = bp_mapping_institution(mp, cc, strlen(cc));
        if (best < 0) {
            printf("  not mapped: no institution rule matches it\n");
            rc = 65;
        } else {
            rule_line("mapped", &mp->rules[best], NULL);
        }
        for (size_t i = 0; i < mp->n; i++)
            if ((int)i != best && mp->rules[i].kind == BP_MK_INSTITUTION
                && bp_map_admits(&mp->rules[i], cc, strlen(cc), NULL))
                rule_line("beats", &mp->rules[i], NULL);
    }
    return rc;
}

static int run_explain(const ledger_opts *o, const bp_cli_env *env)
{
    char mdir[PATH_MAX + 16], path[PATH_MAX + 16];
    mappings_dir(env, mdir, sizeof mdir);
    snprintf(path, sizeof path, "%s/mapping.csv", o->data);
    bp_diags d;
    bp_diags_init(&d);
    bp_mapping mp;
    bp_err err = bp_mapping_read(path, "mapping.csv", mdir, NULL, &mp, &d);
    int rc;
    if (err != BP_OK) {
        bp_diags_sort(&d);
        rc = bp_cli_failed(o->data, err, &d);
    } else {
        rc = explain(&mp, o->explain, o->cost_centre);
        if (fflush(stdout) != 0 || ferror(stdout)) rc = bp_exit_code(BP_ERR_IO);
    }
    bp_mapping_free(&mp);
    bp_diags_free(&d);
    return rc;
}

/* The ledger facts as finance.csv rows, in the model's order. */
static void print_facts(const bp_model *m)
{
    bool *ledger = calloc(m->ninputs ? m->ninputs : 1, sizeof *ledger);
    if (!ledger) return;
    for (size_t i = 0; i < m->nledgers; i++) ledger[m->ledgers[i].input] = true;
    bool months = false;
    for (size_t i = 0; i < m->nfacts; i++) months |= ledger[m->facts[i].file] && m->facts[i].period;
    printf("institution,year,%sscenario,code,value\n", months ? "period," : "");
    for (size_t i = 0; i < m->nfacts; i++) {
        const bp_fact *f = &m->facts[i];
        if (!ledger[f->file]) continue;
        char yb[16], v[48], per[8] = "";
        bp_year_format(f->year, yb, sizeof yb);
        bp_money_format_plain(f->value, v, sizeof v);
        if (f->period) snprintf(per, sizeof per, "M%02d", f->period);
        printf("%s,%s,%s%s%s,%s,%s\n", m->insts[f->inst].id, yb, per, months ? "," : "",
               bp_scenario_id(f->scenario), f->code, v);
    }
    free(ledger);
}

static int run(int argc, char **argv, const bp_cli_env *env)
{
    ledger_opts o = {NULL, NULL, NULL};
    int status;
    if (!bp_cli_parse(&bp_cli_ledger.spec, argc, argv, &o, &status)) return status;
    if (o.cost_centre && !o.explain) {
        fputs("boardpack ledger: --cost-centre goes with --explain ACCOUNT\n", stderr);
        return bp_exit_code(BP_ERR_USAGE);
    }
    if (o.explain) return run_explain(&o, env);
    char mdir[PATH_MAX + 16];
    mappings_dir(env, mdir, sizeof mdir);
    bp_model m;
    bp_model_init(&m);
    bp_diags d;
    bp_diags_init(&d);
    bp_err err = bp_load_dataset_with(o.data, mdir, 0, &m, &d);
    bp_diags_sort(&d);
    int rc;
    if (err != BP_OK) {
        rc = bp_cli_failed(o.data, err, &d);
    } else {
        bp_text_diags(stderr, &d);
        if (!m.nledgers) fprintf(stderr, "boardpack ledger: %s has no ledger files\n", o.data);
        print_facts(&m);
        rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : bp_exit_code(BP_ERR_IO);
    }
    bp_model_free(&m);
    bp_diags_free(&d);
    return rc;
}

const bp_cli_command bp_cli_ledger = {
    {"ledger",
     "read the data set's ledger files through its mapping.csv and print the\n"
     "facts they make as a finance.csv, or explain how an account is mapped.",
     options, sizeof options / sizeof *options},
    run,
};
