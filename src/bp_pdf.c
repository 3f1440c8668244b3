/* bp_pdf: the PDF page layer over libharu (see bp_pdf.h) - the document: starting it
 * (fonts, document information, dates), the text blocks (paragraphs, status paragraphs,
 * headings), the cover, the running header and footer, and writing it out.
 *
 * libharu draws; everything about layout is ours, in the files that share
 * bp_pdf_internal.h: bp_pdf_state.c (the first failure), bp_pdf_fonts.c (which fonts,
 * loaded from where), bp_pdf_text.c (cleaning, measuring, drawing and breaking text),
 * bp_pdf_draw.c (colour and shapes), bp_pdf_page.c (pages and the flow down them),
 * bp_pdf_table.c (tables), bp_pdf_nav.c (bookmarks, contents and links) and bp_chart.c
 * (charts).  bp_libs.c alone reaches into libharu's private structures and checks its
 * version.
 *
 * Findings about libharu 2.3.0 that shape this file:
 * - No /ID is written (only with encryption or PDF/A), font subset tags come from a
 *   per-document counter and object numbers follow call order: the output depends only
 *   on the calls and the epoch, which sets both dates in UTC.
 * - libharu embeds the glyphs measured, but not the parts of composite glyphs numbered
 *   above 32767, which most of the fallback font's are (bpi_ttf_mark_parts puts them
 *   back before saving). */
#include "bp_pdf_internal.h"
#include "bp_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the document ---- */

/* A cleaned copy for the header or footer; NULL for none. */
static char *keep_text(bp_pdf *p, const char *utf8)
{
    return utf8 && *utf8 && bpi_ok(p) ? bpi_clean(p, utf8) : NULL;
}

static void set_info(bp_pdf *p, HPDF_InfoType type, const char *utf8)
{
    if (!utf8 || !*utf8 || !bpi_ok(p)) return;
    char *s = bpi_clean_text(p, utf8, false);
    if (!s) return;
    bpi_shorten(s, BPI_INFO_MAX);
    /* written through the document's current encoder: none (plain ASCII) until some text
     * needs the UTF-8 one */
    if (!bpi_is_ascii(s)) bpi_use_utf8(p);
    HPDF_SetInfoAttr(p->doc, type, s);
    free(s);
}

/* Seconds since 1970 for 0001-01-01 and 9999-12-31 23:59:59, the dates PDF can hold. */
#define EPOCH_MIN (-62135596800LL)
#define EPOCH_MAX 253402300799LL

/* The UTC date of an epoch (proleptic Gregorian calendar).  Computed here rather than
 * with gmtime_r, which applies leap seconds when TZ names a "right/" zone: the dates must
 * not depend on the environment. */
static HPDF_Date utc_date(int64_t epoch)
{
    int64_t days = epoch / 86400, secs = epoch % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t year;
    int month, day;
    bp_civil_from_days(days, &year, &month, &day);
    HPDF_Date d = {(HPDF_INT)year, (HPDF_INT)month, (HPDF_INT)day,
                   (HPDF_INT)(secs / 3600), (HPDF_INT)(secs / 60 % 60), (HPDF_INT)(secs % 60),
                   'Z', 0, 0};
    return d;
}

static void set_dates(bp_pdf *p, int64_t epoch)
{
    if (!bpi_ok(p)) return;
    if (epoch < EPOCH_MIN || epoch > EPOCH_MAX) {
        bpi_fail(p, BP_ERR_RENDER, "the creation time %lld is not a date between the years "
                 "1 and 9999", (long long)epoch);
        return;
    }
    HPDF_Date d = utc_date(epoch);
    snprintf(p->date, sizeof p->date, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)d.year,
             (int)d.month, (int)d.day, (int)d.hour, (int)d.minutes, (int)d.seconds);
    HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
    HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, d);
}

static void set_document_info(bp_pdf *p, const bp_pdf_options *o)
{
    set_info(p, HPDF_INFO_TITLE, o->doc_title ? o->doc_title : o->title);
    set_info(p, HPDF_INFO_AUTHOR, o->author);
    set_info(p, HPDF_INFO_SUBJECT, o->subject);
    set_info(p, HPDF_INFO_KEYWORDS, o->keywords);
    set_info(p, HPDF_INFO_CREATOR, "boardpack");
    set_dates(p, o->epoch);
}

static void open_doc(bp_pdf *p, const bp_pdf_options *o)
{
    /* in a memory pool (bp_libs aligns it): libharu's objects allocated from large blocks
     * and the document released at once rather than object by object */
    p->doc = HPDF_NewEx(bpi_on_hpdf_error, NULL, NULL, BPI_POOL_SIZE, p);
    if (!p->doc) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory starting a PDF");
        return;
    }
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    if (o->fonts != BP_PDF_FONTS_WINANSI) bpi_use_utf8(p);
    /* the reader opens with the bookmarks showing: the paper's structure at a glance */
    HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);
}

bp_err bp_pdf_new(bp_pdf **out, const bp_pdf_options *o, bp_diags *diags)
{
    *out = NULL;
    /* before anything reaches into libharu's structures or starts a zlib stream */
    bp_err ve = bp_libs_check(diags);
    if (ve != BP_OK) return ve;
    bp_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "out of memory starting a PDF");
        return BP_ERR_NOMEM;
    }
    p->needed = BP_PDF_FONTS_WINANSI;
    open_doc(p, o);
    if (bpi_ok(p)) bpi_load_fonts(p, o);
    p->header_left = keep_text(p, o->header_left);
    p->header_right = keep_text(p, o->header_right);
    p->footer_left = keep_text(p, o->footer_left);
    p->title = o->title && bpi_ok(p) ? bpi_clean_text(p, o->title, false) : NULL;
    const char *dt = o->doc_title ? o->doc_title : o->title;
    p->doc_title = dt && bpi_ok(p) ? bpi_clean_text(p, dt, false) : NULL;
    set_document_info(p, o);
    bp_err e = bpi_report(p, diags);
    if (e != BP_OK) {
        bp_pdf_free(p);
        return e;
    }
    *out = p;
    return BP_OK;
}

void bp_pdf_free(bp_pdf *p)
{
    if (!p) return;
    bpi_tags_free(p->tags);        /* it unhooks the element dictionaries of the document */
    bpi_doc_free(p->doc);
    for (size_t i = 0; i < p->nentries; i++) free(p->entries[i].title);
    free(p->entries);
    free(p->pages);
    free(p->header_left);
    free(p->header_right);
    free(p->footer_left);
    free(p->run_font);
    for (size_t i = 0; i < p->npending; i++) free(p->pending[i].text);
    free(p->els);
    free(p->el_text);
    free(p->figure_alt);
    free(p->title);
    free(p->doc_title);
    free(p);
}

/* ---- the cover ---- */

static void cover_line(bp_pdf *p, const char *utf8, bool bold, float size, float ink,
                       float after, bp_pdf_role role)
{
    if (!utf8 || !*utf8) return;
    char *text = bpi_clean(p, utf8);
    if (!text) return;
    bpi_flow(p, (bpi_text_style){bold, size, size * 1.22f, 0.0f}, ink, 0.0f, BP_PDF_LEFT, text,
             role, role == BP_PDF_ROLE_HEADING ? 1 : 0);
    bp_pdf_space(p, after);
    free(text);
}

/* Label and value in two columns without rules: a table, so that a long value wraps
 * and can never run off the page. */
static void cover_fields(bp_pdf *p, const bp_pdf_field *fields, size_t n)
{
    static const bp_pdf_col cols[2] = {{"", 1.0f, BP_PDF_LEFT}, {"", 2.6f, BP_PDF_LEFT}};
    bp_pdf_table *t = bpi_table_new(p, cols, 2, BP_PDF_BODY, false, false);
    if (!t) return;
    bp_pdf_table_row_headers(t);           /* each label heads its value */
    for (size_t i = 0; i < n; i++) {
        if (!fields[i].value || !*fields[i].value) continue;
        bp_pdf_cell row[2] = {{fields[i].label, BP_PDF_TINT_NONE, true, false},
                              {fields[i].value, BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    bpi_table_draw(t);
    bpi_table_free(t);
}

void bp_pdf_cover(bp_pdf *p, const char *trust, const char *title, const char *subtitle,
                  const bp_pdf_field *fields, size_t nfields)
{
    if (!bpi_ok(p)) return;
    bpi_keep(p, 0.0f);                     /* a heading before the cover stays before it */
    bool landscape = p->landscape;
    p->landscape = false;                  /* covers are portrait */
    bpi_fresh_page(p, true);
    HPDF_Page pg = bpi_page_here(p);
    if (pg) {
        float width = bp_pdf_width(p);
        static const float band[3] = {0.16f, 0.25f, 0.40f};
        bpi_box(pg, bpi_left(), p->y - 6.0f, width, 6.0f, band, 0.0f);
        bpi_artifact(p, bpi_page_index(p), bpi_left(), p->y - 6.0f, bpi_left() + width, p->y,
                     "decoration", NULL, 0);
        p->y -= 150.0f;                    /* the title block a quarter down the page */
        cover_line(p, trust, true, 18.0f, 0.25f, 14.0f, BP_PDF_ROLE_PARAGRAPH);
        cover_line(p, title, true, 30.0f, BPI_INK, 10.0f, BP_PDF_ROLE_HEADING);
        cover_line(p, subtitle, false, 14.0f, 0.25f, 24.0f, BP_PDF_ROLE_PARAGRAPH);
        pg = bpi_page_here(p);
        if (pg) {
            bpi_rule(pg, bpi_left(), bpi_left() + width, p->y, 0.8f, 0.5f);
            bpi_artifact(p, bpi_page_index(p), bpi_left(), p->y - 0.4f, bpi_left() + width,
                         p->y + 0.4f, "rule", NULL, 0);
        }
        bp_pdf_space(p, 16.0f);
        if (fields && nfields) cover_fields(p, fields, nfields);
    }
    p->on_page = false;                    /* the cover is a page of its own */
    p->landscape = landscape;
}

/* ---- header and footer (drawn by bp_pdf_write) ---- */

#define FURNITURE_SIZE 8.0f

/* Widths for two texts sharing a line: both whole when they fit; otherwise one no wider
 * than half keeps its width and the other has the rest, or two long ones half each. */
static void share_line(float wl, float wr, float avail, float *lw, float *rw)
{
    float half = avail / 2.0f;
    if (wl + wr <= avail) {
        *lw = wl;
        *rw = wr;
    } else if (wr <= half) {
        *lw = avail - wr;
        *rw = wr;
    } else if (wl <= half) {
        *lw = wl;
        *rw = avail - wl;
    } else {
        *lw = *rw = half;
    }
}

/* An artifact of the running header (band 0) or footer (band 2) of page i: a line of
 * text on baseline `base`, or a rule at it (text NULL). */
static void furniture(bp_pdf *p, size_t i, int band, const char *kind, float x0, float x1,
                      float base, const char *text)
{
    float lo = text ? base - 0.24f * FURNITURE_SIZE : base - 0.25f;
    float hi = text ? base + 0.93f * FURNITURE_SIZE : base + 0.25f;
    bpi_element *e = bpi_artifact(p, i, x0, lo, x1, hi, kind, text, text ? strlen(text) : 0);
    if (e) e->band = band;
}

static void draw_header_footer(bp_pdf *p, size_t i)
{
    HPDF_Page pg = p->pages[i].page;
    float w = bpi_page_width(p->pages[i].landscape), h = bpi_page_height(p->pages[i].landscape);
    float left = bpi_left(), width = w - 2.0f * BPI_MARGIN_SIDE, gap = 24.0f;
    float head = h - 40.0f, foot = 30.0f;

    const char *hl = p->header_left ? p->header_left : "";
    const char *hr = p->header_right ? p->header_right : "";
    float lw, rw;
    share_line(bpi_width(p, false, FURNITURE_SIZE, hl, strlen(hl)),
               bpi_width(p, false, FURNITURE_SIZE, hr, strlen(hr)), width - gap, &lw, &rw);
    /* each recorded as soon as it is drawn: its marked content is what was drawn since */
    bpi_text_fit(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left, head, lw, BP_PDF_LEFT, hl);
    if (*hl) furniture(p, i, 0, "header", left, left + lw, head, hl);
    bpi_text_fit(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left + width - rw, head, rw,
                 BP_PDF_RIGHT, hr);
    if (*hr) furniture(p, i, 0, "header", left + width - rw, left + width, head, hr);
    bpi_rule(pg, left, left + width, head - 6.0f, 0.5f, 0.6f);
    furniture(p, i, 0, "rule", left, left + width, head - 6.0f, NULL);

    char num[64];
    snprintf(num, sizeof num, "Page %zu of %zu", i + 1, p->npages);
    float nw = bpi_width(p, false, FURNITURE_SIZE, num, strlen(num));
    bpi_rule(pg, left, left + width, foot + 12.0f, 0.5f, 0.6f);
    furniture(p, i, 2, "rule", left, left + width, foot + 12.0f, NULL);
    if (p->footer_left) {
        bpi_text_fit(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left, foot, width - nw - gap,
                     BP_PDF_LEFT, p->footer_left);
        furniture(p, i, 2, "footer", left, left + width - nw - gap, foot, p->footer_left);
    }
    bpi_text(p, pg, false, FURNITURE_SIZE, BPI_INK_SOFT, left + width - nw, foot, num, strlen(num));
    furniture(p, i, 2, "page number", left + width - nw, left + width, foot, num);
}

/* ---- writing ---- */

static void finish(bp_pdf *p)
{
    bpi_keep(p, 0.0f);                     /* a heading last of all still shows */
    if (p->has_contents) bpi_draw_contents(p);
    for (size_t i = 0; i < p->npages && bpi_ok(p); i++)
        if (!p->pages[i].cover) draw_header_footer(p, i);
    bpi_elements_order(p);
    bpi_tag_document(p);
    p->finished = true;
}

/* $BOARDPACK_PDF_ELEMENTS: the element list appended to that file (a debugging aid and
 * the layout tests' view of the pages, tests/e2e/layout.sh). */
static void dump_elements(const bp_pdf *p)
{
    const char *path = getenv("BOARDPACK_PDF_ELEMENTS");
    if (!path || !*path) return;
    FILE *fp = fopen(path, "a");
    if (!fp) return;
    bp_pdf_elements_dump(p, fp);
    fclose(fp);
}

/* Copies libharu's in-memory file to fp, with its objects in object streams
 * (bpi_objstm_pack; as libharu wrote it should that give up). */
static bp_err copy_stream(bp_pdf *p, FILE *fp, bp_diags *diags)
{
    HPDF_UINT32 total = HPDF_GetStreamSize(p->doc), done = 0;
    unsigned char *all = malloc(total ? total : 1);
    if (!all) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "out of memory while writing the PDF");
        return BP_ERR_NOMEM;
    }
    HPDF_ResetStream(p->doc);
    while (done < total) {
        HPDF_UINT32 n = total - done;
        HPDF_STATUS st = HPDF_ReadFromStream(p->doc, all + done, &n);
        if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || n == 0) {
            HPDF_ResetError(p->doc);
            free(all);
            bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0,
                        "could not read the finished PDF back from memory (libharu error 0x%04X)",
                        (unsigned)st);
            return BP_ERR_RENDER;
        }
        done += n;
    }
    HPDF_ResetError(p->doc);       /* the end-of-stream status */
    unsigned char *packed = NULL;
    size_t len = total;
    if (bpi_objstm_pack(all, total, &packed, &len)) {
        free(all);
        all = packed;
    }
    bool written = fwrite(all, 1, len, fp) == len;
    free(all);
    if (!written || fflush(fp) != 0 || ferror(fp)) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "could not write the PDF: %s",
                    strerror(errno));
        return BP_ERR_IO;
    }
    return BP_OK;
}

bp_err bp_pdf_write(bp_pdf *p, FILE *fp, bp_diags *diags)
{
    if (bpi_ok(p) && !p->finished) finish(p);
    bp_err e = bpi_report(p, diags);
    if (e != BP_OK) return e;
    /* the fallback font's characters are mostly composites of parts numbered above 32767,
     * which libharu leaves out (bp_libs.h); DejaVu's 6,300 glyphs are all below */
    if (p->fallback_def) bpi_ttf_mark_parts(p->fallback_def, p->fallback_src);
    if (HPDF_SaveToStream(p->doc) != HPDF_OK || !bpi_ok(p)) {
        e = bpi_report(p, diags);
        if (e != BP_OK) return e;
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "the PDF library could not save the document");
        return BP_ERR_RENDER;
    }
    e = copy_stream(p, fp, diags);
    if (e == BP_OK) dump_elements(p);
    return e;
}
