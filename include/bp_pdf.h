/* bp_pdf: the PDF page layer over libharu - A4 pages with header and footer ("Page X of
 * Y"), embedded TrueType fonts for UTF-8 text (simple WinAnsi fonts when the text fits
 * Windows-1252, Unicode fonts otherwise, a fallback font for the CJK characters DejaVu
 * lacks: bp_pdf_fonts), our own line breaking, headings
 * that become PDF bookmarks and contents entries (with page numbers and links), tables
 * that split across pages with repeated header rows, status colours with text marks, and
 * charts drawn with paths.  Knows nothing about trusts or KPIs: bp_packpdf decides what
 * goes on the pages, this module how it is laid out.
 *
 * Flow model: content is appended top to bottom; whatever does not fit on the current
 * page continues on a new page of the same orientation.  Nothing is ever drawn outside
 * the margins: words too long for their box are broken between characters. */
#ifndef BP_PDF_H
#define BP_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "bp_error.h"

typedef struct bp_pdf bp_pdf;

/* The traffic-light tints of table cells, bars and marks, each drawn with a word or a
 * letter as well, so that they read in greyscale.  What a tint stands for (a KPI's
 * status, an action's progress) is the caller's to say; this layer only draws it. */
typedef enum {
    BP_PDF_TINT_NONE,       /* plain */
    BP_PDF_TINT_GREEN,
    BP_PDF_TINT_AMBER,
    BP_PDF_TINT_RED
} bp_pdf_tint;

/* How a chart writes its axis ticks and values. */
typedef enum {
    BP_PDF_UNIT_PERCENT,    /* ratios as percentages: 0.714 -> "71.4%" */
    BP_PDF_UNIT_RATIO,      /* two decimals: "0.77" */
    BP_PDF_UNIT_MONEY,      /* pounds: "£1.23m", "£250k" */
    BP_PDF_UNIT_NUMBER      /* up to one decimal, thousands grouped */
} bp_pdf_unit;

/* The code points of the subset fonts `make` prepares (build/fonts, scripts/subset-font.py
 * over the Debian DejaVu fonts): Latin-1 and Latin Extended-A (with Welsh and Romanian letters),
 * all of Windows-1252, typographic punctuation, £ and €, arrows, shapes and marks.  A
 * document set in them embeds a fifth of the font data and is several times quicker to
 * write; one that needs anything else is set in the full fonts. */
#define BP_SUBSET_RANGES "U+0020-007E,U+00A0-017F,U+0192,U+0218-021B,U+02C6-02C7," \
    "U+02D8-02DD,U+1E80-1E85,U+1EF2-1EF3,U+2010-2027,U+2030-203A,U+20AC,U+2122," \
    "U+2190-2193,U+2212,U+2264-2265,U+25A0-25A1,U+25B2-25BC,U+25C6-25CF,U+2713-2717," \
    "U+FFFD"

/* The code points of Windows-1252, exactly: the WinAnsi fonts `make` prepares from the
 * same DejaVu fonts (build/fonts/winansi), half the glyphs of the subset fonts for a
 * document whose text is all in Windows-1252 - which is every pack of English text. */
#define BP_WINANSI_RANGES "U+0020-007E,U+00A0-00FF,U+0152-0153,U+0160-0161,U+0178," \
    "U+017D-017E,U+0192,U+02C6,U+02DC,U+2013-2014,U+2018-201A,U+201C-201E,U+2020-2022," \
    "U+2026,U+2030,U+2039-203A,U+20AC,U+2122"

/* The fonts a document is set in; the larger the value, the cheaper.
 * FALLBACK: the full fonts, and for each character they lack the fallback font
 *   (WenQuanYi Micro Hei: CJK - bp_pdf_fallback_font), a run of text at a time; some
 *   100 KB more per document, so only documents with such text are set in it.
 * FULL: the DejaVu fonts as Unicode (CID) fonts - any text of the Basic Multilingual Plane.
 * SUBSET: the subset fonts as Unicode fonts - the code points above.
 * WINANSI: the WinAnsi fonts (else the subset fonts) as simple fonts in Windows-1252 -
 *   one byte a character, no per-document map of all 65,536 code points: about half the
 *   time of a Unicode font for a typical pack.  English text, £, €, accents and
 *   typographic punctuation all fit.
 * Render in the cheapest, then ask bp_pdf_fonts_needed: when it is less than the fonts
 * used, render again with what it says. */
typedef enum {
    BP_PDF_FONTS_FALLBACK = -1,
    BP_PDF_FONTS_FULL = 0,
    BP_PDF_FONTS_SUBSET,
    BP_PDF_FONTS_WINANSI,
} bp_pdf_fonts;

typedef struct {
    const char *font_regular;   /* TrueType paths; NULL: bp_pdf_default_fonts() */
    const char *font_bold;
    bp_pdf_fonts fonts;         /* 0: the full fonts; SUBSET uses the subset fonts and
                                   WINANSI the WinAnsi (else the subset) fonts when they
                                   are installed, else the full ones; FALLBACK the full
                                   fonts and the fallback font (an error when it is not
                                   installed) */
    const char *fonts_dir;      /* the folder of the subset fonts (winansi/ in it: the
                                   WinAnsi fonts; fallback/: the fallback font), the command
                                   line's $BOARDPACK_FONTS; NULL or "": fonts/ or
                                   build/fonts/ beside the executable */
    const char *header_left;    /* trust name, on every page but the cover */
    const char *header_right;   /* the pack's title */
    const char *footer_left;    /* e.g. classification "Confidential"; may be NULL */
    /* Document information (UTF-8; stored so that readers show it correctly). */
    const char *title, *author, *subject, *keywords;
    /* The document's title as readers show it (its information and XMP metadata; PDF/UA
     * asks for one that says what the document is: the paper, the trust, the meeting);
     * NULL: title, which also names the document in the element dump. */
    const char *doc_title;
    int64_t epoch;              /* creation and modification date, seconds since 1970 UTC */
} bp_pdf_options;

/* The fonts installed by the set-up (fonts-dejavu-core): writes the two paths.  Returns
 * false when they are missing. */
bool bp_pdf_default_fonts(char *regular, size_t rsize, char *bold, size_t bsize);

/* The subset fonts: in dir when it is set and not empty, else in fonts/ or build/fonts/
 * beside the executable.  False when they are not there. */
bool bp_pdf_subset_fonts(const char *dir, char *regular, size_t rsize, char *bold,
                         size_t bsize);

/* The WinAnsi fonts: the winansi/ folder of where the subset fonts are found. */
bool bp_pdf_winansi_fonts(const char *dir, char *regular, size_t rsize, char *bold,
                          size_t bsize);

/* The fallback font: WenQuanYiMicroHei.ttf in the fallback/ folder of where the subset
 * fonts are found (prepared by `make`: only what DejaVu lacks), else the font of Debian's
 * fonts-wqy-microhei (the first of its collection: *index 0).  Writes the path and the
 * font's index in its file (-1: a single font, not a collection); false when neither is
 * there. */
bool bp_pdf_fallback_font(const char *dir, char *path, size_t size, int *index);

/* The cheapest fonts that can set all the text drawn so far (see bp_pdf_fonts). */
bp_pdf_fonts bp_pdf_fonts_needed(const bp_pdf *p);

/* True when every character of Windows-1252 is in BP_SUBSET_RANGES, and BP_WINANSI_RANGES
 * is Windows-1252 exactly (a test holds the lists together). */
bool bp_pdf_cp1252_in_subset(void);
bool bp_pdf_winansi_is_cp1252(void);

bp_err bp_pdf_new(bp_pdf **out, const bp_pdf_options *o, bp_diags *diags);
void bp_pdf_free(bp_pdf *p);

/* Finish (contents pages inserted where bp_pdf_contents() was called, headers, footers
 * with page numbers, links) and write the document to fp.  Same input and epoch give
 * byte-identical output. */
bp_err bp_pdf_write(bp_pdf *p, FILE *fp, bp_diags *diags);

/* ---- pages ---- */

/* The cover: a full page of its own, no header or footer. */
typedef struct { const char *label, *value; } bp_pdf_field;
void bp_pdf_cover(bp_pdf *p, const char *trust, const char *title, const char *subtitle,
                  const bp_pdf_field *fields, size_t nfields);

/* Reserve the contents here: at bp_pdf_write, pages listing every level-1 and level-2
 * heading (with its page number and a link to it) are inserted at this point. */
void bp_pdf_contents(bp_pdf *p);

/* Start a new page (portrait or landscape A4); later content flows onto pages of the
 * same orientation until the next call. */
void bp_pdf_page(bp_pdf *p, bool landscape);

/* Usable width of the current page between the margins, and the height left below the
 * current position. */
float bp_pdf_width(const bp_pdf *p);
float bp_pdf_room(const bp_pdf *p);
/* Start a new page unless `height` points fit below the current position. */
void bp_pdf_need(bp_pdf *p, float height);
void bp_pdf_space(bp_pdf *p, float height);

/* ---- text ---- */

typedef enum {
    BP_PDF_BODY,       /* 10 pt regular */
    BP_PDF_BOLD,       /* 10 pt bold */
    BP_PDF_SMALL,      /* 8 pt regular: notes, sources */
    BP_PDF_LEAD,       /* 12 pt regular: the summary's opening */
    BP_PDF_COMPACT     /* 8 pt regular on a closer leading, and in a table less padding
                          above and below: tables of several lines a cell (scorecards) */
} bp_pdf_style;

/* A heading: level 1 (section, 16 pt bold, starts on a new page when `new_page`), 2
 * (sub-section, 12 pt bold), 3 (10 pt bold).  Levels 1 and 2 become bookmarks (level 2
 * nested under the last level 1) and contents entries.  It is drawn with what follows
 * it, and kept with its first lines (two of a paragraph, a table's header and first two
 * rows, a chart, the room asked by bp_pdf_need): never the last thing on a page. */
void bp_pdf_heading(bp_pdf *p, int level, const char *text, bool new_page);

/* A paragraph wrapped to the page width (or after an indent), breaking pages as needed. */
void bp_pdf_paragraph(bp_pdf *p, bp_pdf_style style, const char *utf8);
void bp_pdf_paragraph_indent(bp_pdf *p, bp_pdf_style style, float indent, const char *utf8);

/* A paragraph with a coloured status mark at its left ("RED", "AMBER", "OK" for the red,
 * amber and green tints), used for exceptions: the mark is a filled box with its word, the
 * text wraps beside it. */
void bp_pdf_status_paragraph(bp_pdf *p, bp_pdf_tint tint, const char *utf8);

/* Width of text in a style, in points. */
float bp_pdf_text_width(bp_pdf *p, bp_pdf_style style, const char *utf8);

/* ---- tables ---- */

typedef enum { BP_PDF_LEFT, BP_PDF_RIGHT, BP_PDF_CENTRE } bp_pdf_align;

typedef struct {
    const char *title;      /* header text (wrapped; may be several lines) */
    float weight;           /* share of the table width, relative to the other columns */
    bp_pdf_align align;
} bp_pdf_col;

typedef struct bp_pdf_table bp_pdf_table;

/* A table across the page width.  Rows wrap their cells' text within the column (words
 * too long are broken); a row that does not fit moves to a new page, where the header
 * row is repeated.  The rows are laid out at bp_pdf_table_end: the header is kept with
 * the first two rows, and no page holds a single row of a table of more (a row taller
 * than a page is split between lines).  Nothing else may be drawn until then. */
bp_pdf_table *bp_pdf_table_begin(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                                 bp_pdf_style style);

typedef struct {
    const char *text;       /* NULL or "" for an empty cell */
    bp_pdf_tint tint;       /* BP_PDF_TINT_NONE: plain; else the cell is tinted (green, amber,
                               red) - the caller puts a text mark in the text as well */
    bool bold;
    bool tick;              /* a tick in place of the text (drawn: it needs no glyph) */
} bp_pdf_cell;

void bp_pdf_table_row(bp_pdf_table *t, const bp_pdf_cell *cells);
/* The first column of every row (not the header row) heads its row: its cells are
 * header cells of scope ROW in the element list.  Before the first row. */
void bp_pdf_table_row_headers(bp_pdf_table *t);
/* A row drawn in bold with a rule above: totals. */
void bp_pdf_table_total(bp_pdf_table *t, const bp_pdf_cell *cells);
void bp_pdf_table_end(bp_pdf_table *t);

/* ---- charts (drawn with paths; legible in greyscale: patterns and labels, not only
 * colour) ---- */

typedef struct {
    const char *label;      /* x-axis label (an institution id, a phase, "Trust") */
    double value;
    bool has;               /* false: no data, shown as "no data" at the axis */
    bp_pdf_tint tint;       /* the bar's fill (and its letter G, A, R): NONE is neutral */
} bp_pdf_bar;

typedef struct {
    bool has_band;          /* target zone shaded behind the bars */
    double lo, hi;          /* min: lo only (hi = +inf), max: hi only (lo = -inf) */
    bool has_lo, has_hi;
} bp_pdf_band;

/* A bar chart `height` points tall across the page width, with a y axis whose ticks are
 * formatted in `unit` (percent from ratios: 0.8 -> "80%"; money in pounds: "£1.2m"),
 * each bar's value printed above it, the target band shaded and a legend line. */
void bp_pdf_bar_chart(bp_pdf *p, const char *title, bp_pdf_unit unit, const bp_pdf_bar *bars,
                      size_t nbars, const bp_pdf_band *band, float height);

typedef struct {
    const char *name;       /* legend text */
    const double *values;   /* one per x label */
    const bool *has;        /* false: a gap in the line */
    bool dashed;            /* forecast lines are dashed */
} bp_pdf_series;

/* What a bar chart shows of each bar beyond its value and status (bp_pdf_bar_chart_marked),
 * each drawn as a shape or a word as well as a colour, so that it reads in greyscale. */
typedef struct {
    bool hatched;           /* filled with diagonal hatching inside an outline: a plan
                               (budget or forecast) beside solid actuals */
    bool has_limit;         /* the bar's own threshold - a ceiling or floor that differs
                               from bar to bar - drawn as a bold line across its slot */
    double limit;
    const char *note;       /* a word after the status letter ("over"), so that an adverse
                               bar says so without its tint; NULL: none */
    const char *text;       /* the value as the tables beside the chart print it, for the
                               alternative text ("£1,974,033" where the bar reads "£1.97m",
                               "1.0%" for "1%"); NULL: the bar's own label */
} bp_pdf_bar_mark;

typedef struct {
    const bp_pdf_bar_mark *marks;   /* one per bar; NULL: none */
    const char *band_key;           /* the band's legend text; NULL: "Target" */
    const char *solid_key;          /* legend text of the solid bars; NULL: no entry */
    const char *hatched_key;        /* legend text of the hatched bars; NULL: no entry */
    const char *limit_key;          /* legend text of the limit line, and its name in the
                                       alternative text ("ceiling"); NULL: "limit" */
} bp_pdf_bar_opts;

/* bp_pdf_bar_chart with the marks of opts (NULL: the plain chart).  The axis takes in
 * the limits; a bar's labels stand beyond its end or its limit, whichever is further
 * from zero, so that the limit line never crosses them. */
void bp_pdf_bar_chart_marked(bp_pdf *p, const char *title, bp_pdf_unit unit,
                             const bp_pdf_bar *bars, size_t nbars, const bp_pdf_band *band,
                             const bp_pdf_bar_opts *opts, float height);

/* A line chart over years (x labels such as "2020/21"), at most 6 series, each with its
 * own marker shape and dash pattern, a legend, and the y axis in `unit`. */
void bp_pdf_line_chart(bp_pdf *p, const char *title, bp_pdf_unit unit,
                       const char *const *xlabels, size_t nx, const bp_pdf_series *series,
                       size_t nseries, float height);

/* ---- elements and their roles ----
 *
 * Every drawing call records what it drew as elements of a per-page list, in reading
 * order, so that a tagged PDF can be made of them (the structure a screen reader follows)
 * without the callers' help: each element's role, its heading level or header scope, its
 * page, its bounding box and its text.  A paragraph, heading or table cell split across
 * pages is an element on each, with the text drawn there. */

typedef enum {
    BP_PDF_ROLE_HEADING,        /* level 1-3 */
    BP_PDF_ROLE_PARAGRAPH,
    BP_PDF_ROLE_LIST_ITEM,      /* a status paragraph: label is its mark ("RED") */
    BP_PDF_ROLE_TABLE_HEADER,   /* a header cell, scope COLUMN (the header row) or ROW */
    BP_PDF_ROLE_TABLE_CELL,
    BP_PDF_ROLE_FIGURE,         /* a chart: text is its alternative text */
    BP_PDF_ROLE_LINK,           /* a contents entry: level is its heading's, target the
                                   page it goes to */
    BP_PDF_ROLE_ARTIFACT        /* no content: running header, footer, page number, rules,
                                   leaders, decorations (label says which) */
} bp_pdf_role;

typedef enum { BP_PDF_SCOPE_NONE, BP_PDF_SCOPE_COLUMN, BP_PDF_SCOPE_ROW } bp_pdf_scope;

typedef struct {
    bp_pdf_role role;
    int level;                  /* heading, link: 1-3; else 0 */
    bp_pdf_scope scope;         /* table header cells */
    size_t page;                /* 0-based page of the written document */
    float x0, y0, x1, y1;       /* bounding box in points from the page's lower left */
    const char *text;           /* what it says (UTF-8, cleaned); "" for a rule */
    const char *label;          /* a list item's mark; an artifact's kind ("header",
                                   "footer", "page number", "rule", "leader", "decoration");
                                   else "" */
    size_t table, row, col;     /* table cells: the document's n-th table (from 1), the row
                                   (0: the header row; a cover field's row from 1), column */
    bool repeated;              /* a header row repeated on a continued page, or a cell
                                   continued from the page before */
    size_t target;              /* a link's page */
} bp_pdf_element;

/* The elements recorded so far: in reading order once bp_pdf_write has finished the
 * document (page by page: running header, content, footer), in drawing order before. */
size_t bp_pdf_element_count(const bp_pdf *p);
/* Element i into *out (its strings belong to the document); false past the end. */
bool bp_pdf_element_get(const bp_pdf *p, size_t i, bp_pdf_element *out);
/* Every page (orientation, its text area) and element as lines of text, for tests and
 * debugging (the format is in bp_pdf_elements.c).  bp_pdf_write appends this dump to the
 * file named by $BOARDPACK_PDF_ELEMENTS when it is set: one process at a time. */
void bp_pdf_elements_dump(const bp_pdf *p, FILE *fp);

/* The alternative text of the next chart: a sentence saying what it shows, to which the
 * chart adds its values as drawn ("...: BHS 71.4% (red), ...").  Without it, the chart's
 * title.  UTF-8; copied. */
void bp_pdf_figure_alt(bp_pdf *p, const char *utf8);

/* ---- layout of sections ---- */

/* Starts a section: on a new page (portrait or landscape) when `new_page`, when the
 * orientation changes or when nothing is open; else the section flows on below what the
 * page holds.  Its heading (bp_pdf_heading) is kept with its first lines or rows. */
void bp_pdf_section(bp_pdf *p, bool landscape, bool new_page);

#endif
