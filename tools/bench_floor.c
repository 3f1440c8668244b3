/* bench_floor: the floor for boardpack's benchmark - the same documents written straight
 * with libharu and libxlsxwriter, computing nothing.  Reads a plan (scripts/bench_plan.py:
 * every PDF's pages, text runs and path operations; every workbook's sheets and cells)
 * and writes those files into OUTDIR, with the same subset fonts and compression as
 * boardpack (it links the render archive's bp_libs: the same zlib level), so that
 * boardpack's time over this one's is its own overhead.
 * Usage: bench_floor PLAN.tsv OUTDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hpdf.h>
#include <xlsxwriter.h>

static void HPDF_STDCALL on_error(HPDF_STATUS e, HPDF_STATUS d, void *u)
{
    (void)u;
    fprintf(stderr, "bench_floor: libharu error 0x%04X (%u)\n", (unsigned)e, (unsigned)d);
    exit(1);
}

typedef struct {
    HPDF_Doc doc;
    HPDF_Font font;
    HPDF_Page page;
    float y, w, h;
    char path[4200];
} pdf_state;

static void pdf_finish(pdf_state *s)
{
    if (!s->doc) return;
    if (HPDF_SaveToFile(s->doc, s->path) != HPDF_OK) {
        fprintf(stderr, "bench_floor: cannot write %s\n", s->path);
        exit(1);
    }
    HPDF_Free(s->doc);
    s->doc = NULL;
}

static void pdf_start(pdf_state *s, const char *dir, const char *name, const char *fonts)
{
    pdf_finish(s);
    snprintf(s->path, sizeof s->path, "%s/%s", dir, name);
    s->doc = HPDF_New(on_error, NULL);
    HPDF_SetCompressionMode(s->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(s->doc);
    HPDF_SetCurrentEncoder(s->doc, "UTF-8");
    char reg[4200], bold[4200];
    snprintf(reg, sizeof reg, "%s/DejaVuSans.ttf", fonts);
    snprintf(bold, sizeof bold, "%s/DejaVuSans-Bold.ttf", fonts);
    /* both fonts are loaded as boardpack loads them for English text: simple fonts in
     * Windows-1252 (the plan's few non-ASCII characters go in as their UTF-8 bytes, the
     * same volume within a byte or two) */
    s->font = HPDF_GetFont(s->doc, HPDF_LoadTTFontFromFile(s->doc, reg, HPDF_TRUE), "CP1252");
    HPDF_GetFont(s->doc, HPDF_LoadTTFontFromFile(s->doc, bold, HPDF_TRUE), "CP1252");
    s->page = NULL;
}

static void pdf_page(pdf_state *s, int landscape)
{
    s->page = HPDF_AddPage(s->doc);
    HPDF_Page_SetSize(s->page, HPDF_PAGE_SIZE_A4,
                      landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
    s->w = HPDF_Page_GetWidth(s->page);
    s->h = HPDF_Page_GetHeight(s->page);
    s->y = s->h - 50;
}

static void pdf_text(pdf_state *s, const char *text)
{
    if (!s->page) return;
    if (s->y < 50) s->y = s->h - 50;
    HPDF_Page_BeginText(s->page);
    HPDF_Page_SetFontAndSize(s->page, s->font, 8);
    HPDF_Page_TextOut(s->page, 50, s->y, text);
    HPDF_Page_EndText(s->page);
    s->y -= 6;
}

static void pdf_paths(pdf_state *s, long n, int lines)
{
    if (!s->page) return;
    for (long i = 0; i < n; i++) {
        float x = 50 + (float)(i % 40) * 10, y = 50 + (float)(i % 60) * 10;
        if (lines) {
            HPDF_Page_MoveTo(s->page, x, y);
            HPDF_Page_LineTo(s->page, x + 8, y);
        } else {
            HPDF_Page_Rectangle(s->page, x, y, 8, 8);
        }
        HPDF_Page_Stroke(s->page);
    }
}

typedef struct {
    lxw_workbook *wb;
    lxw_worksheet *ws;
} xlsx_state;

static void xlsx_finish(xlsx_state *x)
{
    if (!x->wb) return;
    lxw_error e = workbook_close(x->wb);
    if (e != LXW_NO_ERROR) {
        fprintf(stderr, "bench_floor: %s\n", lxw_strerror(e));
        exit(1);
    }
    x->wb = NULL;
}

/* One cell as boardpack wrote it: "ROW\tCOL\tVALUE". */
static void xlsx_cell(xlsx_state *x, char kind, char *v)
{
    if (!x->ws) return;
    char *t1 = strchr(v, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t2) return;
    *t1 = *t2 = 0;
    lxw_row_t row = (lxw_row_t)atol(v);
    lxw_col_t col = (lxw_col_t)atoi(t1 + 1);
    const char *value = t2 + 1;
    if (kind == 'n') worksheet_write_number(x->ws, row, col, atof(value), NULL);
    else if (kind == 's') worksheet_write_string(x->ws, row, col, value, NULL);
    else worksheet_write_formula_num(x->ws, row, col, value, NULL, 1.0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: bench_floor PLAN.tsv OUTDIR\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    const char *fonts = getenv("BOARDPACK_FONTS") ? getenv("BOARDPACK_FONTS") : "build/fonts";
    pdf_state pdf;
    memset(&pdf, 0, sizeof pdf);
    xlsx_state xl;
    memset(&xl, 0, sizeof xl);
    char line[16384];     /* a formula is at most 8,192 characters */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        const char *v = tab + 1;
        if (strcmp(line, "pdf") == 0) pdf_start(&pdf, argv[2], v, fonts);
        else if (strcmp(line, "page") == 0) pdf_page(&pdf, atoi(v));
        else if (strcmp(line, "text") == 0) pdf_text(&pdf, v);
        else if (strcmp(line, "rects") == 0) pdf_paths(&pdf, atol(v), 0);
        else if (strcmp(line, "lines") == 0) pdf_paths(&pdf, atol(v), 1);
        else if (strcmp(line, "xlsx") == 0) {
            xlsx_finish(&xl);
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", argv[2], v);
            /* the scratch directory boardpack uses (bp_xlsx.c): it changes no output */
            lxw_workbook_options opts = {0};
            char shm[] = "/dev/shm";
            opts.tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : shm;
            xl.wb = workbook_new_opt(path, &opts);
            if (!xl.wb) {
                fprintf(stderr, "bench_floor: cannot create %s\n", path);
                return 1;
            }
        } else if (strcmp(line, "sheet") == 0 && xl.wb) {
            xl.ws = workbook_add_worksheet(xl.wb, NULL);
        } else if (strcmp(line, "num") == 0 || strcmp(line, "str") == 0
                   || strcmp(line, "fml") == 0) {
            xlsx_cell(&xl, line[0] == 'n' ? 'n' : line[0] == 's' ? 's' : 'f', (char *)v);
        }
    }
    fclose(f);
    pdf_finish(&pdf);
    xlsx_finish(&xl);
    return 0;
}
