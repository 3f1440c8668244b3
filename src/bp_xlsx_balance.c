/* bp_xlsx_balance: the balance sheet from the bs.* facts and the reserves rolled
 * forward (DATA.md, v2 "Balance sheet").  Net assets = fixed assets + current assets -
 * current liabilities - long-term liabilities - the pension liability, only where the
 * first three are given; funds = the bs.reserves.* children, which are disjoint; cash is
 * part of the current assets and borrowing an analysis of the liabilities, so neither is
 * added.  The revenue reserve rolls forward: the previous year end's + the in-year
 * result (income less expenditure, internal transfers included) = this year end's; the
 * other funds show their movement as "transfers and other movements", not checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* The entity of column e: an institution (workbook position) or, e == n, the trust. */
static int ent_pos(const xl *x, int e) { return e < (int)x->m->ninsts ? e : -1; }

static const char *ent_name(const xl *x, int e)
{
    return e < (int)x->m->ninsts ? x->ents[e].name : "Trust";
}

static const char *ent_id(const xl *x, int e)
{
    return e < (int)x->m->ninsts ? x->ents[e].id : "trust";
}

/* Any institution with a fact of the code at the end of the report year or the one before. */
static bool bs_present(const xl *x, const char *code)
{
    for (int y = 0; y < 2; y++)
        if (xl_engine_sum(x, -1, code, x->s->year - y, BP_ACTUAL, false).has) return true;
    return false;
}

/* A cell reading the sums block: its formula and value; false when there is no row. */
static bool put_fact(xl *x, xl_sheet s, int row, int col, const char *code, int year, int p,
                     lxw_format *f, xl_amt *out)
{
    char ref[200];
    *out = (xl_amt){false, 0};
    if (!xl_fact_ref(x, ref + 1, sizeof ref - 1, code, year, BP_ACTUAL, false, p)) return false;
    ref[0] = '=';
    *out = xl_engine_sum(x, p, code, year, BP_ACTUAL, false);
    xl_put_formula(x, s, row, col, ref, f, xl_cache_amt(*out));
    return true;
}

/* ---- Balance sheet ---- */

#define BS_HEAD 4
#define BS_FIRST (BS_HEAD + 2)
#define BS_COL 2

enum { BL_FA, BL_CA, BL_CASH, BL_CL, BL_NCA, BL_LTL, BL_PEN, BL_NET, BL_BORROW, BL_NLINES };

static const char *const bl_codes[BL_NLINES] = {
    "bs.fixed_assets", "bs.current_assets", "bs.cash", "bs.current_liabilities", NULL,
    "bs.long_term_liabilities", "bs.pension", NULL, "bs.borrowing"};

/* The reserves' children present, known ones in the contract's order first. */
static size_t fund_codes(const xl *x, char (*out)[BP_FORMULA_CODE_MAX + 1], size_t max)
{
    static const char *const known[] = {"bs.reserves.revenue", "bs.reserves.rainy_day",
                                        "bs.reserves.restricted", "bs.reserves.fixed_asset",
                                        "bs.reserves.pension"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof known / sizeof *known && n < max; i++)
        if (bs_present(x, known[i])) snprintf(out[n++], sizeof *out, "%s", known[i]);
    for (size_t i = x->sums_facts0; i < x->sums_facts1 && n < max; i++) {
        const xl_sum *s = &x->sums[i];
        char code[BP_FORMULA_CODE_MAX + 1];
        if (s->kind != XR_FACTS || s->scenario != BP_ACTUAL || s->year > x->s->year
            || s->year < x->s->year - 1 || s->len <= 12 || strncmp(s->code, "bs.reserves.", 12) != 0
            || memchr(s->code + 12, '.', s->len - 12))
            continue;
        snprintf(code, sizeof code, "%.*s", (int)s->len, s->code);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++) seen = strcmp(out[k], code) == 0;
        if (!seen && bs_present(x, code)) snprintf(out[n++], sizeof *out, "%s", code);
    }
    return n;
}

static void bs_header(xl *x, int ne)
{
    const xl_sheet s = XS_BALANCE;
    char yb[2][16], head[2][40];
    for (int y = 0; y < 2; y++) {
        bp_year_format(x->s->year - y, yb[y], sizeof yb[y]);
        snprintf(head[y], sizeof head[y], "%s%s", yb[y], xl_money_note(x));
    }
    xl_put_blank(x, s, BS_HEAD, 0, x->f.header);
    xl_put_blank(x, s, BS_HEAD, 1, x->f.header);
    xl_put_text(x, s, BS_HEAD + 1, 0, "Balance at 31 August", x->f.header);
    xl_put_text(x, s, BS_HEAD + 1, 1, "Code", x->f.header);
    for (int e = 0; e < ne; e++) {
        int c = BS_COL + 2 * e;
        xl_merge(x, s, BS_HEAD, c, c + 1, ent_name(x, e), x->f.header_wrap);
        for (int y = 0; y < 2; y++) xl_put_text(x, s, BS_HEAD + 1, c + y, head[y], x->f.header_num);
    }
    if (xl_live(x)) xl_check(x, worksheet_set_row(x->ws[s], BS_HEAD, 40, NULL), s, BS_HEAD, 0);
}

void xl_write_balance(xl *x)
{
    const xl_sheet s = XS_BALANCE;
    const int ne = (int)x->m->ninsts + 1, Y = x->s->year;
    char yb[16], title[160], funds[16][BP_FORMULA_CODE_MAX + 1];
    int at[BL_NLINES];
    bp_year_format(Y, yb, sizeof yb);
    if (x->m->inyear == Y) {
        /* in-year: the balances at the closed period's end (the sums block's rows of the
         * report year's actuals take that month) against the last year end */
        char month[32];
        bp_month_long(Y, x->m->period, month, sizeof month);
        xl_text_fmt(title, sizeof title, "Balance sheet at the end of %s against the last year end",
                    month);
    } else {
        xl_text_fmt(title, sizeof title, "Balance sheet at 31 August %s against the year before", yb);
    }
    xl_put_title(x, s, title,
                 "Year-end balances (bs.*) by institution and the trust. Cash is part of the "
                 "current assets and borrowing an analysis of the liabilities: neither is added. "
                 "Net assets are shown only where fixed assets, current assets and current "
                 "liabilities are given.");
    bs_header(x, ne);
    int row = BS_FIRST;
    for (int k = 0; k < BL_NLINES; k++) {
        bool always = k == BL_FA || k == BL_CA || k == BL_CL || k == BL_NET;
        at[k] = always || (k == BL_NCA) || (bl_codes[k] && bs_present(x, bl_codes[k])) ? row++ : -1;
        if (k == BL_NET) row++;   /* a blank row before the analysis */
    }
    size_t nf = fund_codes(x, funds, 16);
    int funds_title = row + 1, fund0 = funds_title + 1, tf = fund0 + (int)nf, chk = tf + 2;
    /* registered before its cells are written (xl_add_check) */
    xl_add_check(x, s, chk, BS_COL, chk, BS_COL + 2 * ne - 1,
                 "Balance sheet: net assets equal total funds wherever fixed assets, current assets, "
                 "current liabilities and funds are given");
    for (int k = 0; k < BL_NLINES; k++) {
        if (at[k] < 0) continue;
        char label[96];
        if (k == BL_NCA) snprintf(label, sizeof label, "Net current assets");
        else if (k == BL_NET) snprintf(label, sizeof label, "Net assets");
        else xl_code_label(label, sizeof label, bl_codes[k], strlen(bl_codes[k]));
        char shown[112];
        snprintf(shown, sizeof shown, "%s%s", k == BL_CASH ? "    " : "", label);
        xl_put_text(x, s, at[k], 0, shown, k == BL_NET || k == BL_NCA ? x->f.bold : x->f.text);
        if (bl_codes[k]) xl_put_text(x, s, at[k], 1, bl_codes[k], x->f.text);
    }
    xl_put_text(x, s, funds_title, 0, "Funds", x->f.bold);
    for (size_t i = 0; i < nf; i++) {
        char label[96];
        xl_code_label(label, sizeof label, funds[i], strlen(funds[i]));
        xl_put_text(x, s, fund0 + (int)i, 0, label, x->f.text);
        xl_put_text(x, s, fund0 + (int)i, 1, funds[i], x->f.text);
    }
    xl_put_text(x, s, tf, 0, "Total funds", x->f.bold);
    xl_put_text(x, s, tf, 1, "bs.reserves", x->f.text);
    xl_put_text(x, s, chk, 0, "check: net assets less total funds (0; where both are shown)", x->f.text);
    for (int e = 0; e < ne && xl_live(x); e++)
        for (int y = 0; y < 2 && xl_live(x); y++) {
            int col = BS_COL + 2 * e + y, p = ent_pos(x, e), year = Y - y;
            xl_amt v[BL_NLINES] = {{false, 0}};
            char r[BL_NLINES][16], f[256], a[16], b[16];
            for (int k = 0; k < BL_NLINES; k++) {
                if (at[k] >= 0) bp_formula_ref(r[k], sizeof r[k], NULL, at[k], col);
                if (at[k] >= 0 && bl_codes[k])
                    put_fact(x, s, at[k], col, bl_codes[k], year, p, x->f.money, &v[k]);
            }
            snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),\"\")", r[BL_CA], r[BL_CL], r[BL_CA],
                     r[BL_CL]);
            bool nca = v[BL_CA].has && v[BL_CL].has;
            xl_put_formula(x, s, at[BL_NCA], col, f, x->f.money_bold,
                           nca ? xl_cache_double((double)(v[BL_CA].p - v[BL_CL].p) / 100.0) : xl_cache_text(""));
            /* net assets: FA + CA - CL - the long-term and pension liabilities (0 if none) */
            int len = snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s)*COUNT(%s),ROUND(%s+%s-%s", r[BL_FA], r[BL_CA],
                               r[BL_CL], r[BL_FA], r[BL_CA], r[BL_CL]);
            int64_t net = v[BL_FA].p + v[BL_CA].p - v[BL_CL].p;
            for (int k = BL_LTL; k <= BL_PEN; k++)
                if (at[k] >= 0) {
                    len += snprintf(f + len, sizeof f - (size_t)len, "-SUM(%s)", r[k]);
                    net -= v[k].p;
                }
            snprintf(f + len, sizeof f - (size_t)len, ",2),\"n/a\")");
            bool has_net = v[BL_FA].has && v[BL_CA].has && v[BL_CL].has;
            xl_put_formula(x, s, at[BL_NET], col, f, x->f.money_bold,
                           has_net ? xl_cache_double((double)net / 100.0) : xl_cache_text("n/a"));
            xl_amt tot = {false, 0};
            for (size_t i = 0; i < nf; i++) {
                xl_amt fv;
                put_fact(x, s, fund0 + (int)i, col, funds[i], year, p, x->f.money, &fv);
                tot = xl_amt_add(tot, fv, 1);
            }
            bp_formula_ref(a, sizeof a, NULL, fund0, col);
            bp_formula_ref(b, sizeof b, NULL, tf - 1, col);
            if (nf) snprintf(f, sizeof f, "=IF(COUNT(%s:%s),ROUND(SUM(%s:%s),2),\"\")", a, b, a, b);
            else snprintf(f, sizeof f, "=\"\"");
            xl_put_formula(x, s, tf, col, f, x->f.money_bold, xl_cache_amt(tot));
            bp_formula_ref(b, sizeof b, NULL, tf, col);
            snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),0)", r[BL_NET], b, r[BL_NET], b);
            xl_put_formula(x, s, chk, col, f, x->f.money,
                           xl_cache_double(has_net && tot.has ? (double)(net - tot.p) / 100.0 : 0));
        }
    xl_put_text(x, s, chk + 2, 0, "n/a: net assets need fixed assets (bs.fixed_assets), current assets "
                "and current liabilities; a missing long-term or pension liability counts 0.", x->f.text);
    xl_set_col(x, s, 0, 0, 40, NULL);
    xl_set_col(x, s, 1, 1, 24, NULL);
    xl_set_col(x, s, BS_COL, BS_COL + 2 * ne - 1, 13, NULL);
    worksheet_freeze_panes(x->ws[s], BS_FIRST, BS_COL);
    xl_print_setup(x, s, BS_HEAD, BS_HEAD + 1);
}

/* ---- Reserves ---- */

#define RS_HEAD 4
#define RS_FIRST (RS_HEAD + 2)
#define RS_COL 2

/* A row of cells across the entities: formula fmt with the cell references of rows a and
 * b of its column (%1$s, %2$s as "A" and "B" in order), values v. */
static void rs_row(xl *x, int row, int ne, const char *fmt, int ra, int rb, const xl_amt *v,
                   lxw_format *f)
{
    for (int e = 0; e < ne && xl_live(x); e++) {
        char a[16], b[16], formula[160];
        int col = RS_COL + e;
        bp_formula_ref(a, sizeof a, NULL, ra, col);
        bp_formula_ref(b, sizeof b, NULL, rb, col);
        snprintf(formula, sizeof formula, fmt, a, b, a, b);
        xl_put_formula(x, XS_RESERVES, row, col, formula, f, xl_cache_amt(v[e]));
    }
}

void xl_write_reserves(xl *x)
{
    const xl_sheet s = XS_RESERVES;
    const int n = (int)x->m->ninsts, ne = n + 1, Y = x->s->year;
    char yb[16], pb[16], title[200], label[200], funds[16][BP_FORMULA_CODE_MAX + 1];
    bp_year_format(Y, yb, sizeof yb);
    bp_year_format(Y - 1, pb, sizeof pb);
    xl_text_fmt(title, sizeof title, "Reserves %s: the revenue reserve rolled forward", yb);
    xl_put_title(x, s, title,
                 "Opening revenue reserve (the previous year end's bs.reserves.revenue) + the "
                 "in-year result (income less expenditure, internal transfers included) = the "
                 "closing revenue reserve; the trust is the total of the institutions. Other "
                 "funds show their movement, not checked.");
    xl_put_blank(x, s, RS_HEAD, 0, x->f.header);
    xl_put_blank(x, s, RS_HEAD, 1, x->f.header);
    xl_put_text(x, s, RS_HEAD + 1, 0, "Line", x->f.header);
    xl_put_text(x, s, RS_HEAD + 1, 1, "Code", x->f.header);
    for (int e = 0; e < ne; e++) {
        xl_put_text(x, s, RS_HEAD, RS_COL + e, e < n ? ent_name(x, e) : "Trust (total of the institutions)",
                    x->f.header_wrap);
        xl_put_text(x, s, RS_HEAD + 1, RS_COL + e, ent_id(x, e), x->f.header_num);
        if (*xl_money_note(x)) xl_put_text(x, s, RS_HEAD - 1, RS_COL + e, "\xC2\xA3" "000", x->f.header_num);
    }
    int lines = 3;
    for (int e = 0; e < n; e++) lines = xl_max_int(lines, xl_wrapped_lines(ent_name(x, e), 13));
    if (xl_live(x)) xl_check(x, worksheet_set_row(x->ws[s], RS_HEAD, 13.5 * lines, NULL), s, RS_HEAD, 0);
    xl_amt *open = calloc((size_t)ne, sizeof *open), *res = calloc((size_t)ne, sizeof *res);
    xl_amt *close = calloc((size_t)ne, sizeof *close), *bs = calloc((size_t)ne, sizeof *bs);
    xl_amt *d = calloc((size_t)ne, sizeof *d);
    if (!open || !res || !close || !bs || !d) xl_nomem(x);
    int row = RS_FIRST;
    xl_put_text(x, s, row++, 0, "Revenue reserve", x->f.bold);
    int r_open = row++, r_res = row++, r_close = row++, r_bs = row++, r_chk = row++;
    /* registered before its cells are written (xl_add_check) */
    xl_add_check(x, s, r_chk, RS_COL, r_chk, RS_COL + ne - 1,
                 "Reserves: each institution's opening revenue reserve plus its in-year result "
                 "equals its closing revenue reserve (and the trust's, the total)");
    xl_text_fmt(label, sizeof label, "  Opening revenue reserve (31 August %s)", pb);
    xl_put_text(x, s, r_open, 0, label, x->f.text);
    xl_put_text(x, s, r_open, 1, "bs.reserves.revenue", x->f.text);
    xl_put_text(x, s, r_res, 0, "  In-year result (Income and expenditure)", x->f.text);
    xl_put_text(x, s, r_close, 0, "  Closing revenue reserve (opening + result)", x->f.bold);
    xl_text_fmt(label, sizeof label, "  Revenue reserve per the balance sheet (31 August %s)", yb);
    xl_put_text(x, s, r_bs, 0, label, x->f.text);
    xl_put_text(x, s, r_bs, 1, "bs.reserves.revenue", x->f.text);
    xl_put_text(x, s, r_chk, 0, "check: closing less the balance sheet (0; where both are given)",
                x->f.text);
    for (int e = 0; e < ne && xl_live(x); e++) {
        int col = RS_COL + e, p = ent_pos(x, e);
        put_fact(x, s, r_open, col, "bs.reserves.revenue", Y - 1, p, x->f.money, &open[e]);
        put_fact(x, s, r_bs, col, "bs.reserves.revenue", Y, p, x->f.money, &bs[e]);
        /* the result of the institution, or of the total of the institutions (their
         * income less their expenditure, internal transfers included) */
        xl_amt inc = xl_engine_sum(x, p, "income", Y, BP_ACTUAL, false);
        xl_amt exp = xl_engine_sum(x, p, "exp", Y, BP_ACTUAL, false);
        res[e] = inc.has && exp.has ? (xl_amt){true, inc.p - exp.p} : (xl_amt){false, 0};
        char ref[96];
        bp_formula_ref(ref + 1, sizeof ref - 1, xl_sheets[XS_IE].name, x->ie_result_row, XL_IE_COL + e);
        ref[0] = '=';
        xl_put_formula(x, s, r_res, col, ref, x->f.money, xl_cache_amt(res[e]));
        close[e] = open[e].has && res[e].has ? (xl_amt){true, open[e].p + res[e].p} : (xl_amt){false, 0};
        d[e] = (xl_amt){true, close[e].has && bs[e].has ? close[e].p - bs[e].p : 0};
    }
    rs_row(x, r_close, ne, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s+%s,2),\"\")", r_open, r_res, close,
           x->f.money_bold);
    rs_row(x, r_chk, n, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),0)", r_close, r_bs, d, x->f.money);
    /* the trust's, where every institution with a closing reserve has an opening one (an
     * institution that joined in the year brings a reserve the trust had no opening for) */
    int nopen = 0, nbs = 0;
    for (int e = 0; e < n; e++) nopen += open[e].has, nbs += bs[e].has;
    if (xl_live(x)) {
        char o0[16], o1[16], b0[16], b1[16], c[16], b[16], f[256];
        bp_formula_ref(o0, sizeof o0, NULL, r_open, RS_COL);
        bp_formula_ref(o1, sizeof o1, NULL, r_open, RS_COL + n - 1);
        bp_formula_ref(b0, sizeof b0, NULL, r_bs, RS_COL);
        bp_formula_ref(b1, sizeof b1, NULL, r_bs, RS_COL + n - 1);
        bp_formula_ref(c, sizeof c, NULL, r_close, RS_COL + n);
        bp_formula_ref(b, sizeof b, NULL, r_bs, RS_COL + n);
        snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s)*(COUNT(%s:%s)=COUNT(%s:%s)),ROUND(%s-%s,2),0)", c, b,
                 o0, o1, b0, b1, c, b);
        xl_put_formula(x, s, r_chk, RS_COL + n, f, x->f.money,
                       xl_cache_double(nopen == nbs ? (double)d[n].p / 100.0 : 0));
    }
    /* the other funds: opening, the movement, closing */
    size_t nf = 0;
    static const char *const known[] = {"bs.reserves.rainy_day", "bs.reserves.restricted",
                                        "bs.reserves.fixed_asset", "bs.reserves.pension"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (bs_present(x, known[i])) snprintf(funds[nf++], sizeof *funds, "%s", known[i]);
    row++;
    for (size_t i = 0; i < nf && xl_live(x); i++) {
        char name[96];
        xl_code_label(name, sizeof name, funds[i], strlen(funds[i]));
        xl_put_text(x, s, row, 0, name, x->f.bold);
        int fo = row + 1, fm = row + 2, fc = row + 3;
        xl_text_fmt(label, sizeof label, "  Opening (31 August %s)", pb);
        xl_put_text(x, s, fo, 0, label, x->f.text);
        xl_put_text(x, s, fo, 1, funds[i], x->f.text);
        xl_put_text(x, s, fm, 0, "  Transfers and other movements (closing less opening)", x->f.text);
        xl_text_fmt(label, sizeof label, "  Closing (31 August %s)", yb);
        xl_put_text(x, s, fc, 0, label, x->f.bold);
        xl_put_text(x, s, fc, 1, funds[i], x->f.text);
        for (int e = 0; e < ne && xl_live(x); e++) {
            int col = RS_COL + e, p = ent_pos(x, e);
            put_fact(x, s, fo, col, funds[i], Y - 1, p, x->f.money, &open[e]);
            put_fact(x, s, fc, col, funds[i], Y, p, x->f.money_bold, &close[e]);
            d[e] = open[e].has && close[e].has ? (xl_amt){true, close[e].p - open[e].p} : (xl_amt){false, 0};
        }
        /* rs_row's two references in the order the formula takes them */
        for (int e = 0; e < ne && xl_live(x); e++) {
            char a[16], b[16], formula[128];
            bp_formula_ref(a, sizeof a, NULL, fc, RS_COL + e);
            bp_formula_ref(b, sizeof b, NULL, fo, RS_COL + e);
            snprintf(formula, sizeof formula, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),\"\")", a, b, a, b);
            xl_put_formula(x, s, fm, RS_COL + e, formula, x->f.money, xl_cache_amt(d[e]));
        }
        row = fc + 2;
    }
    free(open);
    free(res);
    free(close);
    free(bs);
    free(d);
    xl_set_col(x, s, 0, 0, 52, NULL);
    xl_set_col(x, s, 1, 1, 24, NULL);
    xl_set_col(x, s, RS_COL, RS_COL + ne - 1, 15, NULL);
    worksheet_freeze_panes(x->ws[s], RS_FIRST, RS_COL);
    xl_print_setup(x, s, RS_HEAD, RS_HEAD + 1);
}
