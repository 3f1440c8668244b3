/* bp_pdf_internal: what the files of the page layer share - the document state, the page
 * geometry and the text and drawing primitives.  Private to them; each has one job:
 *   bp_pdf.c        the document: starting it, text blocks, headings, the cover, the
 *                   running header and footer, writing it
 *   bp_pdf_state.c  the first failure, recorded and reported
 *   bp_pdf_fonts.c  which fonts: the code points each set draws, the font files, loading
 *   bp_pdf_text.c   cleaning, measuring, drawing and breaking text; the body styles
 *   bp_pdf_draw.c   colour and shapes
 *   bp_pdf_page.c   pages, their geometry and the flow down them
 *   bp_pdf_table.c  tables
 *   bp_pdf_nav.c    bookmarks, contents entries, link targets and the contents pages
 *   bp_pdf_tags.c   the tagged PDF: marked content, the structure tree, the document's
 *                   metadata (docs/accessibility.md)
 *   bp_chart.c      charts
 * Their references form no cycle (make layers): state, then fonts, text, draw and page,
 * then table, nav and chart, then tags, then bp_pdf.c.  bp_libs.c, below them all, is the only file
 * that reaches into libharu's private structures. */
#ifndef BP_PDF_INTERNAL_H
#define BP_PDF_INTERNAL_H

#include <hpdf.h>
#include "bp_libs.h"     /* the content-stream operators, fonts from memory */
#include "bp_pdf.h"

/* A4 in points, and the margins.  The header and footer sit inside the top and bottom
 * margins; content never leaves the box they enclose. */
#define BPI_A4_SHORT 595.276f
#define BPI_A4_LONG 841.89f
#define BPI_MARGIN_SIDE 50.0f
#define BPI_MARGIN_TOP 62.0f
#define BPI_MARGIN_BOTTOM 56.0f

/* Greys used throughout (0 black, 1 white). */
#define BPI_INK 0.0f          /* body text */
#define BPI_INK_SOFT 0.35f    /* secondary text: header, footer, axis labels */
#define BPI_RULE 0.7f         /* thin rules and gridlines */
#define BPI_OUTLINE 0.2f      /* borders of status marks and bars */

typedef struct {
    HPDF_Page page;
    bool landscape;
    bool cover;            /* no header or footer */
    size_t cut;            /* where the content of the next element starts in its stream */
} bpi_page;

/* An element (bp_pdf_element) as the list holds it: its texts are offsets into
 * bp_pdf.el_text. */
typedef struct {
    bp_pdf_role role;
    int level;
    bp_pdf_scope scope;
    bool repeated;
    int band;              /* 0 running header, 1 content, 2 footer: the reading order */
    size_t page, seq;
    float x0, y0, x1, y1;
    size_t text, label;
    size_t spoken;         /* what a reader says instead of the text (/ActualText), or BPI_NO_TEXT */
    size_t table, row, col, target;
    /* Its marked content (bp_pdf_tags.c): the bytes of its page's content stream drawn
     * since the element before it on that page was recorded - every drawing call
     * records its element right after drawing it - [mc_start, lbl_end) a list item's
     * mark, when lbl_end > mc_start. */
    size_t mc_start, mc_end, lbl_end;
    bool cont;             /* continues the element before it of its role (a paragraph or
                              heading over a page break, a table cell's later lines) */
    HPDF_Annotation annot; /* a link's annotation */
    int mcid, mcid_lbl;    /* assigned when the document is tagged; -1 none */
    int h;                 /* a heading's level in the structure (H1-H3): its own, but
                              never more than one below the heading before it */
} bpi_element;

/* An element offset that holds no text. */
#define BPI_NO_TEXT ((size_t)-1)

/* A heading waiting to be drawn with what follows it (bp_pdf_block.c). */
typedef struct {
    int level;
    char *text;            /* cleaned */
} bpi_heading;

/* A level-1 or level-2 heading: a contents entry and the target of its link. */
typedef struct {
    int level;
    char *title;
    size_t page;           /* index into bp_pdf.pages (before the contents are inserted) */
    float y;               /* top of the heading on that page */
} bpi_entry;

struct bp_pdf {
    HPDF_Doc doc;
    bpi_tags *tags;            /* its structure tree, written when the document is saved */
    HPDF_Font regular, bold;
    bp_pdf_fonts fonts;        /* the fonts the document is set in */
    bp_pdf_fonts needed;       /* the cheapest fonts for all the text drawn so far */
    unsigned short widths[2][256];   /* WinAnsi: regular and bold advance widths */
    int nfonts;                /* fonts loaded, for their subset tags */
    bpi_font_src font_src[3];  /* what the regular, bold and fallback fonts' streams read */
    /* FALLBACK: the fallback font, the main fonts' definitions (which characters they
     * have), and for each weight and code point the font it is set in, found once:
     * 0 not yet, 1 the main font, 2 the fallback */
    HPDF_Font fallback;
    HPDF_FontDef main_def[2], fallback_def;
    const bpi_font_src *fallback_src;   /* its bytes, in font_src */
    unsigned char *run_font;   /* [2][65536] */
    HPDF_Encoder utf8;
    char *header_left, *header_right, *footer_left;

    bp_err err;                /* the first failure; content calls stop after it */
    char err_msg[256];
    HPDF_STATUS hpdf_error;    /* the first libharu error (0: none) */
    HPDF_STATUS hpdf_detail;

    bpi_page *pages;
    size_t npages, cap_pages;
    bool on_page;              /* a content page is open at pages[npages - 1] */
    bool page_used;            /* something has been drawn on it */
    bool landscape;            /* orientation of the next content page */
    float y;                   /* top of the free space on the open page */

    bool has_contents;
    size_t contents_at;        /* index of the first page after the contents */
    bpi_entry *entries;
    size_t nentries, cap_entries;
    HPDF_Outline last_top;     /* the last level-1 bookmark, parent of level 2 */
    size_t ntoc;               /* contents pages inserted at contents_at */
    bool finished;             /* contents, headers and footers are drawn */

    char *title;               /* the document's title, for the element dump */
    char *doc_title;           /* its title for readers (information, XMP) */
    bpi_element *els;          /* the element list (bp_pdf_elements.c) */
    size_t nels, cap_els;
    char *el_text;
    size_t el_text_len, cap_el_text;
    size_t ntables;            /* tables begun, numbering their cells' elements */
    char *figure_alt;          /* bp_pdf_figure_alt's text for the next chart */
    char date[32];             /* the creation date for the XMP metadata, ISO 8601 UTC */
    bpi_heading pending[4];    /* headings not drawn yet (bp_pdf_block.c) */
    size_t npending;
    float pending_space;       /* space asked for below them */
};

/* Document information and bookmark titles longer than this are cut (libharu refuses
 * strings over 64 KiB; no reader shows more than a line). */
#define BPI_INFO_MAX 1000

/* ---- state and errors (bp_pdf_state.c) ---- */

/* True while the document can take more content (no failure so far). */
bool bpi_ok(const bp_pdf *p);
/* Records the first failure; later content calls do nothing and bp_pdf_write reports
 * it. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void bpi_fail(bp_pdf *p, bp_err err, const char *fmt, ...);
/* libharu's error handler: records its first error. */
void HPDF_STDCALL bpi_on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                                    void *user_data);
/* Turns the recorded failure, if any, into a diagnostic and its error. */
bp_err bpi_report(const bp_pdf *p, bp_diags *diags);

/* ---- fonts (bp_pdf_fonts.c) ---- */

/* The code point of a Windows-1252 byte from 0x20 (0: unassigned), and the byte of a
 * code point (0 when it has none). */
unsigned long bpi_cp1252_cp(unsigned b);
unsigned char bpi_cp1252_byte(unsigned long cp);
/* The cheapest fonts that can set a code point. */
bp_pdf_fonts bpi_fonts_for(unsigned long cp);
/* Loads the regular and bold fonts (and the fallback) the options ask for. */
void bpi_load_fonts(bp_pdf *p, const bp_pdf_options *o);
/* libharu's UTF-8 encoder, set up on first use (NULL after a failure). */
HPDF_Encoder bpi_use_utf8(bp_pdf *p);

/* ---- pages and flow (bp_pdf_page.c) ---- */

float bpi_page_width(bool landscape);
float bpi_page_height(bool landscape);
float bpi_left(void);
float bpi_content_top(bool landscape);
float bpi_bottom(void);
/* Appends a page handle to bp_pdf.pages. */
bool bpi_push_page(bp_pdf *p, HPDF_Page pg, bool landscape, bool cover);
void bpi_set_a4(HPDF_Page pg, bool landscape);
/* Opens a new page in the current orientation with the flow at its top. */
void bpi_start_page(bp_pdf *p, bool cover);
/* Opens a page for new content in the current orientation: the open page if nothing has
 * been drawn on it yet (so that no blank page is left behind), else a new one. */
void bpi_fresh_page(bp_pdf *p, bool cover);
/* The open content page to draw on (from now on it counts as used), starting one when
 * none is open; NULL after a failure. */
HPDF_Page bpi_page_here(bp_pdf *p);
/* The index of the open page in bp_pdf.pages. */
size_t bpi_page_index(const bp_pdf *p);
/* bp_pdf_room, bp_pdf_need and bp_pdf_space of the flow alone (bp_pdf_block.c adds the
 * headings waiting to be drawn). */
float bpi_room(const bp_pdf *p);
void bpi_need(bp_pdf *p, float height);
void bpi_space(bp_pdf *p, float height);

/* ---- text (bp_pdf_text.c) ---- */

/* A copy of UTF-8 text made safe for the fonts and libharu: invalid bytes and characters
 * outside the Basic Multilingual Plane become U+FFFD, control characters other than
 * newline become spaces.  NULL gives "".  NULL on allocation failure (recorded). */
char *bpi_clean(bp_pdf *p, const char *utf8);
/* bpi_clean; `drawn` text also counts towards the fonts the document needs (document
 * information does not: it is stored as UTF-16, not set in a font). */
char *bpi_clean_text(bp_pdf *p, const char *utf8, bool drawn);
/* The bytes of the code point at s; clean text cut to at most max bytes without splitting
 * a code point; whether text is all ASCII. */
size_t bpi_cp_len(const char *s);
void bpi_shorten(char *s, size_t max);
bool bpi_is_ascii(const char *s);
/* Width in points of len bytes of clean text. */
float bpi_width(const bp_pdf *p, bool bold, float size, const char *s, size_t len);
/* The marks the WinAnsi fonts draw as shapes (U+25B2, U+25BC, U+25CF: bp_pdf_text.c):
 * they do not make a document need the Unicode fonts. */
bool bpi_drawn_mark(uint32_t cp);
/* The baseline of a line whose box of height `leading` starts at `top`. */
float bpi_baseline(float top, float size, float leading);
/* Draws len bytes of clean text with its baseline at (x, y) in grey `ink`. */
void bpi_text(bp_pdf *p, HPDF_Page pg, bool bold, float size, float ink, float x, float y,
              const char *s, size_t len);
/* Draws clean text on one line within `width` from x, shortened with an ellipsis when too
 * long, a line break in it a space; align places it within the width. */
void bpi_text_fit(bp_pdf *p, HPDF_Page pg, bool bold, float size, float ink, float x,
                  float y, float width, bp_pdf_align align, const char *s);

/* Line breaking: lines of at most `width` points, broken at spaces, words too long broken
 * between characters, '\n' a forced break.  Empty text has no lines. */
typedef struct {
    const bp_pdf *p;
    bool bold;
    float size, width;
    const char *pos;
    bool done;
} bpi_wrap;

typedef struct {
    const char *s;
    size_t len;
    float width;
} bpi_line;

void bpi_wrap_init(bpi_wrap *w, const bp_pdf *p, bool bold, float size, float width,
                   const char *text);
bool bpi_wrap_next(bpi_wrap *w, bpi_line *line);
/* How many lines the text breaks into. */
size_t bpi_count_lines(const bp_pdf *p, bool bold, float size, float width, const char *text);
/* Offset of a line `used` points wide within `width` for an alignment. */
float bpi_align_offset(bp_pdf_align align, float width, float used);

/* A body style's font, size, line height and space after. */
typedef struct {
    bool bold;
    float size, leading, after;
} bpi_text_style;
bpi_text_style bpi_style_of(bp_pdf_style s);

/* ---- colour (bp_pdf_draw.c) ---- */

/* The colour of a tint (white for none). */
void bpi_tint_rgb(bp_pdf_tint t, float rgb[3]);
void bpi_fill_rgb(HPDF_Page pg, const float rgb[3]);
/* Line width and grey for strokes, each set only when it changes. */
void bpi_stroke_style(HPDF_Page pg, float width, float grey);

/* ---- shapes ---- */

/* A horizontal line from x0 to x1 at y. */
void bpi_rule(HPDF_Page pg, float x0, float x1, float y, float width, float grey);
/* A rectangle filled with `fill`, outlined in BPI_OUTLINE when line_width > 0. */
void bpi_box(HPDF_Page pg, float x, float y, float w, float h, const float fill[3],
             float line_width);
/* Starts clipping to a rectangle; end with HPDF_Page_GRestore. */
void bpi_clip_to(HPDF_Page pg, float x, float y, float w, float h);

/* ---- the element list (bp_pdf_elements.c) ---- */

/* Records an element of text[0..len) (NULL: none) drawn in the box; NULL after a failure.
 * The pointer is valid until the next element is recorded: set its other fields at
 * once. */
bpi_element *bpi_record(bp_pdf *p, bp_pdf_role role, size_t page, float x0, float y0,
                        float x1, float y1, const char *text, size_t len);
void bpi_record_label(bp_pdf *p, const bpi_element *e, const char *label);
/* Gives a recorded element what a reader says instead of its text (/ActualText). */
void bpi_record_spoken(bp_pdf *p, const bpi_element *e, const char *spoken);
/* An artifact of a kind ("rule", "header", ...). */
bpi_element *bpi_artifact(bp_pdf *p, size_t page, float x0, float y0, float x1, float y1,
                          const char *kind, const char *text, size_t len);
/* n pages inserted before page `at`: the elements' pages and links past it move on. */
void bpi_elements_shift(bp_pdf *p, size_t at, size_t n);
/* Sorts the list into reading order (the document is finished). */
void bpi_elements_order(bp_pdf *p);

/* ---- text blocks and headings (bp_pdf_block.c) ---- */

/* Draws the headings waiting for what follows them, on a new page unless they and
 * `need` points below them fit here.  Every drawing call first calls it with the height
 * of its first lines, rows or the whole of a chart. */
void bpi_keep(bp_pdf *p, float need);
/* Draws clean text line by line from the left margin + indent, starting a new page
 * whenever the next line does not fit, recording an element of `role` on each page. */
void bpi_flow(bp_pdf *p, bpi_text_style st, float ink, float indent, bp_pdf_align align,
              const char *text, bp_pdf_role role, int level);

/* ---- the tagged PDF (bp_pdf_tags.c) ---- */

/* Marks every page's content, builds the structure tree from the element list (in
 * reading order), writes the document's metadata and the fonts' ToUnicode maps.  Once,
 * when the document is finished. */
void bpi_tag_document(bp_pdf *p);

/* ---- tables (bp_pdf_table.c) ---- */

/* A table; without a header row (the cover's fields) or without rules under its rows. */
bp_pdf_table *bpi_table_new(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                            bp_pdf_style style, bool header, bool rules);
void bpi_table_free(bp_pdf_table *t);
/* Lays out and draws the rows kept so far (bp_pdf_table_end, less the space after). */
void bpi_table_draw(bp_pdf_table *t);

/* ---- bookmarks and contents (bp_pdf_nav.c) ---- */

/* A contents entry of a level-1 or level-2 heading (title: owned by the entry when it
 * returns true), and its bookmark. */
bool bpi_add_entry(bp_pdf *p, int level, char *title, size_t page, float y);
void bpi_add_bookmark(bp_pdf *p, int level, const char *title, HPDF_Page page, float y);
/* A destination showing `page` from height y at the reader's current zoom. */
HPDF_Destination bpi_destination(bp_pdf *p, HPDF_Page page, float y);
/* The contents pages, inserted where bp_pdf_contents was called (bp_pdf_write). */
void bpi_draw_contents(bp_pdf *p);

/* ---- object streams (bp_pdf_objstm.c) ---- */

/* The file libharu wrote (in, n bytes) with its non-stream objects in deflated object
 * streams and a cross-reference stream (*out, *out_len: malloc'd); false, and nothing
 * made, when the file is not laid out as libharu writes it or memory runs out - the
 * caller then writes libharu's bytes as they are. */
bool bpi_objstm_pack(const unsigned char *in, size_t n, unsigned char **out, size_t *out_len);

#endif
