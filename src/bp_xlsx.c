/* bp_xlsx: the audit workbook.  The input sheets (Institutions, Targets, Data, the
 * course rows) are laid out first, because every other figure is a formula over them;
 * then the computed sheets, each cell compiled by bp_formula from the KPI expressions
 * and cached with the engine's own value; the per-institution terms those formulas
 * asked for (Workings) last.  This file opens, plans, writes and closes the workbook;
 * the sheets are written by the files bp_xlsx_internal.h lists. */
#include "bp_xlsx.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bp_xlsx_internal.h"

static const char *const fixed_exprs[FX_COUNT] = {
    "sum(income)", "sum(exp)", "-sum(income.internal)", "-sum(exp.internal)",
    "sum(income) - sum(exp)", "sum(students.on_roll)", "sum(income.internal, 0)",
    "sum(exp.internal, 0)", "sum(exp.internal)"};
/* ---- the workbook ---- */

/* Where libxlsxwriter assembles the workbook's parts before zipping them: tmpdir ($TMPDIR)
 * when set (libxlsxwriter itself reads only $TMP and $TEMP), else /dev/shm when it is a
 * writable directory, else libxlsxwriter's default (/tmp).  The parts are a megabyte or
 * so, unlinked as soon as they are created; in memory they cost nothing to create and
 * delete, where a disk file system spends a tenth of a batch's time on their inodes
 * (docs/performance.md). */
static char *scratch_dir(const char *tmpdir)
{
    static char shm[] = "/dev/shm";
    /* libxlsxwriter's option is not const, but it only reads the folder's name */
    if (tmpdir && *tmpdir) return (char *)tmpdir;
    if (access(shm, W_OK | X_OK) == 0) return shm;
    return NULL;
}

static void open_workbook(xl *x, int64_t epoch, const char *tmpdir)
{
    char title[256];
    lxw_workbook_options opts;
    memset(&opts, 0, sizeof opts);
    opts.tmpdir = scratch_dir(tmpdir);
    /* a dry run's workbook lives in memory only: libxlsxwriter opens its file when it is
     * closed, and a dry run frees it instead */
    x->wb = workbook_new_opt(x->path, &opts);
    if (!x->wb) {
        xl_fail(x, BP_ERR_RENDER, "libxlsxwriter could not start the workbook");
        return;
    }
    /* The Normal style is the workbook's first format, which libxlsxwriter adds itself as
     * Calibri 11: set in the one font too, so that a cell a user types into or formats
     * afresh (a row below the table, a new sheet) is Arial 10 like every other. */
    lxw_format *normal = STAILQ_FIRST(x->wb->formats);
    if (normal) {
        format_set_font_name(normal, XL_FONT);
        format_set_font_size(normal, XL_FONT_SIZE);
    }
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    xl_text_fmt(title, sizeof title, "%s: audit workbook", x->m->name);
    props.title = title;
    props.author = "boardpack";
    props.company = x->m->name;
    if (!xl_xml_text_ok(x, props.title, "the document's title")
        || !xl_xml_text_ok(x, props.company, "the document's company"))
        return;
    /* libxlsxwriter reads 0 as "now": the first second of 1970 stands in for it.  The zip
     * entries carry libxlsxwriter's fixed 1980-01-01 timestamps, whatever the clock. */
    props.created = epoch > 0 ? (time_t)epoch : 1;
    xl_check_book(x, workbook_set_properties(x->wb, &props), "document properties");
    /* the tabs in their order: libxlsxwriter keeps the order sheets are added in */
    for (int t = 0; t < XS_COUNT && xl_live(x); t++) {
        xl_sheet i = xl_tab_order[t];
        if (!xl_sheet_present(x, i)) continue;
        xl_check_book(x, workbook_validate_sheet_name(x->wb, xl_sheets[i].name), xl_sheets[i].name);
        if (!xl_xml_text_ok(x, xl_sheets[i].name, "a sheet name") || !xl_live(x)) return;
        x->ws[i] = workbook_add_worksheet(x->wb, xl_sheets[i].name);
        if (!x->ws[i]) xl_nomem(x);
    }
    if (xl_live(x)) xl_make_formats(x);
}

static void parse_fixed(xl *x, bp_expr **ex)
{
    for (int i = 0; i < FX_COUNT && xl_live(x); i++) {
        bp_err err = bp_expr_parse(fixed_exprs[i], strlen(fixed_exprs[i]), "workbook", 1, 1, &ex[i],
                                   x->diags);
        if (err != BP_OK) xl_fail(x, err, "cannot read the workbook's own expression %s", fixed_exprs[i]);
    }
}

/* Every calculation sheet is protected, without a password (Review > Unprotect Sheet
 * lifts it; the Contents sheet says so), against a figure overwritten by accident; its
 * input cells are unlocked (xl_input).  Columns and rows may still be resized.  The
 * input sheets stay open: protection would block sorting and inserting rows. */
static void protect_sheets(xl *x)
{
    lxw_protection opt;
    memset(&opt, 0, sizeof opt);
    opt.format_columns = 1;
    opt.format_rows = 1;
    for (int i = 0; i < XS_COUNT && xl_live(x) && !x->dry; i++)
        if (!xl_input_sheet((xl_sheet)i) && x->ws[i]) worksheet_protect(x->ws[i], NULL, &opt);
}

static void write_sheets(xl *x, bp_expr *const *ex)
{
    /* inputs first: the formulas of the other sheets point into them; each sheet names
     * the inputs its cells come from (no_src: the workbook's own) */
    xl_no_src(x), xl_write_institutions(x);
    xl_no_src(x), xl_write_targets(x);
    xl_no_src(x), xl_write_data(x);
    xl_no_src(x), xl_write_courses(x);
    xl_no_src(x), xl_write_scorecard(x);
    xl_no_src(x), xl_write_forecast(x);
    xl_no_src(x), xl_write_finance(x, ex);
    xl_no_src(x), xl_write_ie(x);
    xl_no_src(x), xl_write_bva(x);
    xl_no_src(x), xl_write_mgmt(x);
    xl_no_src(x), xl_write_balance(x);
    xl_no_src(x), xl_write_reserves(x);
    xl_no_src(x), xl_write_cashflow(x);
    xl_no_src(x), xl_write_charges(x, ex);
    xl_no_src(x), xl_write_actions(x);
    xl_no_src(x), xl_write_quality(x, ex);
    /* after every sheet that registers an integrity check (xl_add_check), and before the
     * Contents, which shows the master check */
    xl_no_src(x), xl_write_checks(x);
    xl_no_src(x), xl_write_contents(x);
    /* last: every other sheet has asked for its ratios and per-institution terms by now,
     * and the ratios' own formulas may ask for more terms; the sums block of Workings
     * last of all, since it has only the facts cells the formulas before it read */
    xl_no_src(x), xl_write_ratios(x);
    xl_no_src(x), xl_write_workings(x);
    protect_sheets(x);
}

static void release(xl *x, bp_expr **ex)
{
    for (int i = 0; i < FX_COUNT; i++) bp_expr_free(ex[i]);
    bp_fbuf_free(&x->fb);
    free(x->inst_order);
    free(x->inst_pos);
    free(x->members);
    free(x->ents);
    free(x->target0);
    free(x->target_row);
    free(x->bench_row);
    free(x->measure0);
    free(x->points0);
    free(x->points_row);
    free(x->band0);
    free(x->band_row);
    free(x->course_row);
    free(x->score_row);
    free(x->bva_rows);
    free(x->helpers);
    free(x->ratios);
    free(x->ratio_slot);
    free(x->sums);
    free(x->sum_child);
    free(x->phase_col);
    free(x->facts_read);
    free(x->target_scale);
    free(x->point_wrow);
    free(x->measure_scale);
    for (size_t i = 0; i < x->nchecks; i++) free(x->checks[i].what);
    free(x->checks);
    free(x->quality_row);
}

static bp_err run(const bp_session *s, int64_t epoch, const char *tmpdir, const char *path,
                  bool dry, bp_diags *diags)
{
    xl x;
    bp_expr *ex[FX_COUNT] = {NULL};
    memset(&x, 0, sizeof x);
    x.s = s;
    x.m = &s->model;
    x.res = &s->results;
    x.path = path;
    x.dry = dry;
    x.diags = diags;
    x.recv_row = -1;   /* annual until xl_plan_sums finds the year in-year */
    bp_fbuf_init(&x.fb);
    /* formulas and libxlsxwriter's numbers are written with printf: a decimal comma
     * would corrupt them */
    const char *numeric = setlocale(LC_NUMERIC, NULL);
    if (!numeric || (strcmp(numeric, "C") != 0 && strcmp(numeric, "POSIX") != 0))
        xl_fail(&x, BP_ERR_RENDER, "LC_NUMERIC is %s; the workbook needs the C locale",
                numeric ? numeric : "unknown");
    if (xl_live(&x)) parse_fixed(&x, ex);
    if (xl_live(&x)) xl_plan(&x);
    if (xl_live(&x)) open_workbook(&x, epoch, tmpdir);
    if (xl_live(&x)) write_sheets(&x, ex);
    if (x.wb && xl_live(&x) && !dry) {
        unsigned long lost = bp_xlsx_sheet_lost();
        xl_check_book(&x, workbook_close(x.wb), "writing the file");
        /* a sheet whose cells could not be sorted for want of memory was written empty */
        if (bp_xlsx_sheet_lost() != lost) xl_nomem(&x);
    }
    else if (x.wb) lxw_workbook_free(x.wb);
    release(&x, ex);
    return x.err == BP_OK && x.nlimits ? BP_ERR_LIMIT : x.err;
}

bp_err bp_xlsx_write(const bp_session *s, int64_t epoch, const char *tmpdir, const char *path,
                     bp_diags *diags)
{
    return run(s, epoch, tmpdir, path, false, diags);
}

bp_err bp_xlsx_check(const bp_session *s, bp_diags *diags)
{
    return run(s, 1, NULL, "the workbook", true, diags);
}
