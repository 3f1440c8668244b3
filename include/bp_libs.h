/* bp_libs: the one module that goes below the public APIs of the libraries boardpack
 * links - libharu's object layer (a page's content stream and graphics state, fonts
 * parsed from memory, the tagged PDF's objects: marked content, structure tree, metadata,
 * ToUnicode maps) - and the check that those libraries, and the zlib whose functions
 * bp_deflate interposes, are the versions this was written against.  (bp_xlsx_xml
 * interposes libxlsxwriter's XML writer functions, and checks its version itself.)  Every
 * other module uses only
 * hpdf.h, zlib.h and xlsxwriter.h as documented.
 *
 * Versions.  libharu's private structures are no ABI: any release may move a field, so
 * the running libharu must be the one compiled against, major.minor.bugfix, and that one
 * 2.3.0 (checked at build time).  zlib keeps its initialisers' ABI within a release
 * series: the running zlib must be the compiled one's major.minor, and that 1.2 (checked
 * at build time).  bp_libs_check is called wherever a program first reaches either
 * library (a PDF document's creation, an output set's writing); a mismatch fails there
 * with BP_ERR_RENDER (exit 74) and says to rebuild, and the interposed initialisers
 * refuse to start a stream (Z_VERSION_ERROR) rather than guess. */
#ifndef BP_LIBS_H
#define BP_LIBS_H

#include <stdbool.h>
#include <stddef.h>
#include <hpdf.h>
#include "bp_error.h"

/* ---- versions ---- */

/* Whether a library `name` running as version `running` is the one compiled against
 * (`built`): their first `parts` dot-separated numbers agree (what follows them is not
 * compared: "1.2.13.1-motley" is zlib 1.2).  Otherwise false, with "built for NAME
 * BUILT, running with NAME RUNNING: rebuild boardpack" in msg (NULL or "" running: "an
 * unknown version of NAME"). */
bool bp_libs_version_ok(const char *name, const char *built, const char *running,
                        int parts, char *msg, size_t size);

/* The libraries this process runs with against those it was compiled with: BP_OK, or
 * BP_ERR_RENDER with the message as a diagnostic of "boardpack". */
bp_err bp_libs_check(bp_diags *diags);

/* ---- libharu: a document's memory ---- */

/* The size of the blocks of a document's memory pool (HPDF_NewEx's mem_pool_buf_size):
 * with a pool, every allocation of the document is aligned as malloc's and none is freed
 * before bpi_doc_free releases the blocks. */
#define BPI_POOL_SIZE 65536u

/* The document and everything of it: the pool's blocks at once when it has a pool (no walk
 * of its objects), else HPDF_Free. */
void bpi_doc_free(HPDF_Doc doc);

/* ---- libharu: fonts from memory ---- */

/* A font file's bytes as the source of a libharu stream, read in place: the bytes must
 * outlive the document. */
typedef struct {
    const unsigned char *data;
    size_t len, pos;
} bpi_font_src;

/* A TrueType font parsed from src (from its start) and registered with doc for
 * embedding, its subset tagged "HPDFA" + ('A' + n) as libharu tags its own; NULL on
 * failure (libharu's error handler has the reason). */
HPDF_FontDef bpi_ttf_load(HPDF_Doc doc, bpi_font_src *src, int n);
/* The same for font `index` of a TrueType collection (.ttc). */
HPDF_FontDef bpi_ttc_load(HPDF_Doc doc, bpi_font_src *src, int index, int n);
/* The font's name, as HPDF_GetFont takes it. */
const char *bpi_ttf_name(HPDF_FontDef def);
/* The advance width of a code point of the Basic Multilingual Plane, in thousandths of
 * an em, from the font's metrics.  Unlike HPDF_Font_TextWidth it does not mark the glyph
 * used (which would embed it). */
int bpi_ttf_width(HPDF_FontDef def, unsigned long cp);
/* Whether the font has a glyph for a code point of the Basic Multilingual Plane. */
bool bpi_ttf_has(HPDF_FontDef def, unsigned long cp);
/* Marks for embedding the parts of every composite glyph marked so far, read from src (the
 * font's bytes; call before the document is saved).  libharu 2.3.0 marks them itself as
 * it measures a glyph, but reads each part's glyph number as a signed 16-bit number and
 * skips those above 32767: in a font of more glyphs (WenQuanYi Micro Hei: 47,000, most
 * Han and Hangul characters composites of parts numbered above 32767) such characters
 * would be embedded without their outlines and print blank. */
void bpi_ttf_mark_parts(HPDF_FontDef def, const bpi_font_src *src);

/* ---- libharu: content-stream operators ----
 * The bytes and page state of libharu's HPDF_Page_* operators of the same names, written
 * without their per-operator overhead; mixable with libharu's own. */

/* v as libharu writes a number into a content stream (at most 13 bytes, and a NUL may
 * follow them); returns the end of the number. */
char *bpi_real(char *s, float v);
void bpi_line_width(HPDF_Page pg, float w);
void bpi_line_cap(HPDF_Page pg, HPDF_LineCap cap);
void bpi_line_join(HPDF_Page pg, HPDF_LineJoin join);
/* A dash pattern of n (at most 8) lengths from phase 0; n = 0: solid. */
void bpi_dash(HPDF_Page pg, const HPDF_UINT16 *pattern, unsigned n);
void bpi_gray_fill(HPDF_Page pg, float g);
void bpi_gray_stroke(HPDF_Page pg, float g);
void bpi_rgb_fill(HPDF_Page pg, float r, float g, float b);
void bpi_rgb_stroke(HPDF_Page pg, float r, float g, float b);
void bpi_move_to(HPDF_Page pg, float x, float y);
void bpi_line_to(HPDF_Page pg, float x, float y);
void bpi_rectangle(HPDF_Page pg, float x, float y, float w, float h);
void bpi_close_path(HPDF_Page pg);
void bpi_clip(HPDF_Page pg);
void bpi_stroke(HPDF_Page pg);
void bpi_fill(HPDF_Page pg);
void bpi_fill_stroke(HPDF_Page pg);
void bpi_end_path(HPDF_Page pg);
/* len bytes of a single-byte (WinAnsi) font's text with its baseline at (x, y), in a
 * text object of its own; the font is set when it or the size changes. */
void bpi_text_simple(HPDF_Page pg, HPDF_Font font, float size, float x, float y,
                     const unsigned char *s, size_t len);

/* ---- libharu: a tagged PDF (PDF/UA-1, issue #15) ----
 *
 * libharu 2.3.0 has no tagging API.  These build what ISO 14289-1 asks for on its object
 * layer (hpdf_objects.h): the catalog's entries, the structure tree, the parent tree, the
 * marked content of the pages' streams and the fonts' ToUnicode maps.  What is tagged how
 * is the page layer's (bp_pdf_tags.c); these only write it. */

/* The size of a page's content stream so far: where the next operator will go. */
size_t bpi_content_size(HPDF_Page pg);

/* A marked-content sequence: the page's stream bytes [start, end) between `open` (e.g.
 * "/P <</MCID 3>> BDC" or "/Artifact BMC") and EMC. */
typedef struct {
    size_t start, end;
    const char *open;
} bpi_mark;

/* Rewrites a page's content stream with the marks (in stream order, not overlapping)
 * around their bytes; false on failure (libharu's error handler has it). */
bool bpi_mark_content(HPDF_Page pg, const bpi_mark *marks, size_t n);

/* The document as a tagged PDF 1.7: /MarkInfo /Marked true, /Lang, /ViewerPreferences
 * /DisplayDocTitle true and the XMP metadata packet `xmp` (uncompressed, as readers and
 * validators look for it). */
bool bpi_doc_tagged(HPDF_Doc doc, const char *lang, const char *xmp, size_t len);

/* The structure tree under construction: elements are numbered from 0 (the document
 * element, made by bpi_tags_new).  Each element is a compact record here and its
 * dictionary in the document is filled from it only while libharu writes it, so the tree
 * must live until the document is saved, and go (bpi_tags_free) before the document. */
typedef struct bpi_tags bpi_tags;
bpi_tags *bpi_tags_new(HPDF_Doc doc, size_t npages);
void bpi_tags_free(bpi_tags *t);
/* A structure element of type `type` (a standard type: "P", "H1", "TD", ...) as the last
 * child of `parent`; its number, or -1 on failure. */
int bpi_tags_elem(bpi_tags *t, int parent, const char *type);
/* Marked content `mcid` of page `page` (its index in the document) as the element's next
 * child. */
bool bpi_tags_content(bpi_tags *t, int elem, HPDF_Page pg, size_t page, int mcid);
/* The element's /Alt, /ActualText (UTF-8), a table header's /Scope ("Column", "Row"), its
 * layout /BBox. */
bool bpi_tags_text(bpi_tags *t, int elem, const char *key, const char *utf8);
bool bpi_tags_scope(bpi_tags *t, int elem, const char *scope);
bool bpi_tags_bbox(bpi_tags *t, int elem, float x0, float y0, float x1, float y1);
/* A link annotation of page `page` as the element's next child (an object reference),
 * with /Contents saying where it goes. */
bool bpi_tags_annot(bpi_tags *t, int elem, HPDF_Annotation annot, HPDF_Page pg,
                    const char *contents);
/* Writes the structure tree: the root, the parent tree, each page's /StructParents (and
 * /Tabs /S where it has annotations).  Call once, after every page's content. */
bool bpi_tags_finish(bpi_tags *t, HPDF_Page const *pages);

/* ToUnicode maps for the simple (Windows-1252) fonts: each byte the font has drawn to
 * its code point (codes: bpi_cp1252_cp's table, from byte 0x20).  libharu writes them
 * for its Type0 fonts but not for these. */
bool bpi_font_tounicode(HPDF_Doc doc, HPDF_Font font, const unsigned long cp[256]);
/* The same for a Type0 font of libharu's UTF-8 encoder (codes are the code points of the
 * Basic Multilingual Plane, two bytes each): libharu's own ToUnicode map for it is a copy
 * of its encoding CMap, whose cidrange operators a ToUnicode map may not use (poppler
 * warns and guesses).  Rewritten in place as the identity over bfrange runs. */
bool bpi_font_tounicode_utf16(HPDF_Font font);

#endif
