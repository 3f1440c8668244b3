/* bp_libs: everything that goes below libharu's public API (see bp_libs.h): the version
 * checks, fonts parsed from memory, the content-stream operators and the tagged PDF's
 * objects (zlib's functions are bp_deflate.c's).  The private headers below are included
 * here and nowhere else. */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_libs.h"
#include "bp_util.h"

#include <dlfcn.h>
#include <hpdf_catalog.h>
#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_error.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_list.h>
#include <hpdf_mmgr.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <hpdf_version.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* What this file was written against (see bp_libs.h): the fields of libharu 2.3.0's
 * page, graphics state, stream, font and font-definition structures used below, and
 * zlib 1.2 (whose functions bp_deflate.c interposes). */
#if !defined(HPDF_VERSION_ID) || HPDF_VERSION_ID != 20300
#error "bp_libs.c writes into libharu 2.3.0's private structures (hpdf_pages.h, hpdf_streams.h, hpdf_font.h, hpdf_fontdef.h) and this is another libharu: check every field it uses against these headers, then update the versions here and in bp_libs_check"
#endif
#if !defined(ZLIB_VERNUM) || ZLIB_VERNUM < 0x1200 || ZLIB_VERNUM >= 0x1300
#error "bp_deflate.c interposes zlib 1.2's functions and this is another zlib: see there, then update the versions here and in bp_libs_check"
#endif

/* ---- versions ---- */

/* The number at *s and the end of its digits; -1 when there is none. */
static long version_part(const char **s)
{
    const char *p = *s;
    long v = 0;
    if (*p < '0' || *p > '9') return -1;
    for (; *p >= '0' && *p <= '9'; p++)
        if (v < 100000) v = v * 10 + (*p - '0');
    *s = p;
    return v;
}

bool bp_libs_version_ok(const char *name, const char *built, const char *running,
                        int parts, char *msg, size_t size)
{
    const char *b = built, *r = running;
    bool known = r && *r;
    bool ok = known;
    for (int i = 0; ok && i < parts; i++) {
        if (i > 0) {
            ok = *b == '.' && *r == '.';
            b++;
            r++;
        }
        if (ok) {
            long vb = version_part(&b), vr = version_part(&r);
            ok = vb >= 0 && vb == vr;
        }
    }
    if (!ok && msg && size)
        snprintf(msg, size, "built for %s %s, running with %s %s: rebuild boardpack", name,
                 built, known ? name : "an unknown version of", known ? running : name);
    return ok;
}

static bool zlib_ok(char *msg, size_t size)
{
    return bp_libs_version_ok("zlib", ZLIB_VERSION, zlibVersion(), 2, msg, size);
}

bp_err bp_libs_check(bp_diags *diags)
{
    char msg[256];
    if (!bp_libs_version_ok("libharu", HPDF_VERSION_TEXT, HPDF_GetVersion(), 3, msg, sizeof msg)
        || !zlib_ok(msg, sizeof msg)) {
        bp_diag_add(diags, BP_DIAG_ERROR, "boardpack", 0, 0, "%s", msg);
        return BP_ERR_RENDER;
    }
    return BP_OK;
}

/* ---- libharu's byte loops ---- */

/* libharu 2.3.0 copies, clears, measures and copies strings with loops of its own, a byte
 * at a time (hpdf_utils.c): every byte of every object and stream it writes into its memory
 * streams, and reads back to deflate them and to hand the file over, passes through
 * HPDF_MemCpy (3% of a trust's instructions).  It calls them through its procedure
 * linkage table, so these definitions in the executable take their place, as
 * bp_xlsx_xml.c's do libxlsxwriter's: the same results, through libc's. */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    /* libharu's loop copies forwards: where the destination overlaps the source ahead of
     * it, that repeats the source, as memmove would not */
    if ((uintptr_t)out > (uintptr_t)in && (uintptr_t)out - (uintptr_t)in < n) {
        for (; n > 0; n--) *out++ = *in++;
        return out;
    }
    /* otherwise the loop's result is memmove's (a destination behind an overlapping source
     * included, which memcpy may not be given) */
    if (n) memmove(out, in, n);
    return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (n) memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}

HPDF_UINT HPDF_StrLen(const char *s, HPDF_INT maxlen)
{
    if (!s) return 0;
    return (HPDF_UINT)(maxlen < 0 ? strlen(s) : strnlen(s, (size_t)maxlen));
}

/* in up to eptr (the last byte that may hold a character), then its terminator; the
 * terminator's address */
HPDF_BYTE *HPDF_StrCpy(char *out, const char *in, char *eptr)
{
    size_t n = 0;
    if (in && (uintptr_t)eptr > (uintptr_t)out)
        n = strnlen(in, (size_t)((uintptr_t)eptr - (uintptr_t)out));
    if (n) memcpy(out, in, n);
    out[n] = 0;
    return (HPDF_BYTE *)(out + n);
}

/* libharu's memory streams - every object and stream of a document goes into one, and
 * each of those streams is one - take a write through HPDF_MemStream_WriteFunc, which calls
 * HPDF_MemStream_InWrite for each buffer it fills (some 30,000 writes a pack, most a few
 * bytes).  HPDF_MemStream_New takes the function's address through the global offset
 * table, so this definition is the one every memory stream gets: libharu's, the buffers
 * filled and added exactly as its InWrite does, in one loop with memcpy. */
HPDF_STATUS HPDF_MemStream_WriteFunc(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT siz);

HPDF_STATUS HPDF_MemStream_WriteFunc(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    if (HPDF_Error_GetCode(stream->error) != 0) return HPDF_THIS_FUNC_WAS_SKIPPED;
    HPDF_MemStreamAttr attr = stream->attr;
    while (siz > 0) {
        HPDF_UINT room = attr->buf_siz - attr->w_pos;
        if (room == 0) {
            /* full: a new buffer, as libharu's InWrite adds one */
            attr->w_ptr = HPDF_GetMem(stream->mmgr, attr->buf_siz);
            if (!attr->w_ptr) return HPDF_Error_GetCode(stream->error);
            if (HPDF_List_Add(attr->buf, attr->w_ptr) != HPDF_OK) {
                HPDF_FreeMem(stream->mmgr, attr->w_ptr);
                attr->w_ptr = NULL;
                return HPDF_Error_GetCode(stream->error);
            }
            attr->w_pos = 0;
            continue;
        }
        HPDF_UINT n = siz < room ? siz : room;
        memcpy(attr->w_ptr, ptr, n);
        attr->w_ptr += n;
        attr->w_pos += n;
        ptr += n;
        siz -= n;
    }
    return HPDF_OK;
}

/* ---- libharu's memory: a document's pool, aligned ----
 *
 * libharu allocates every object, name, list and stream buffer of a document on its own
 * (HPDF_GetMem: some 100,000 mallocs for a trust) and HPDF_Free walks every object to
 * free each one again (HPDF_FreeDocAll, 5% of a 999-institution build).  Its memory pool
 * (HPDF_NewEx's mem_pool_buf_size) hands out memory from large blocks and frees nothing
 * until the document goes, but at any byte offset - its structures misaligned, undefined
 * behaviour (docs/performance.md, "Tagged PDFs").  libharu calls HPDF_GetMem and
 * HPDF_FreeMem through its procedure linkage table, so these take their place: without a
 * pool exactly libharu's; with one, libharu's pool (its blocks, chained as HPDF_MMgr_New
 * and HPDF_MMgr_Free keep them) with every allocation aligned as malloc's are. */
enum { POOL_ALIGN = _Alignof(max_align_t) };

static size_t align_up(size_t n)
{
    return (n + (POOL_ALIGN - 1)) & ~(size_t)(POOL_ALIGN - 1);
}

void *HPDF_GetMem(HPDF_MMgr mmgr, HPDF_UINT size)
{
    if (!mmgr->mpool) {
        void *ptr = mmgr->alloc_fn(size);
        if (!ptr) HPDF_SetError(mmgr->error, HPDF_FAILD_TO_ALLOC_MEM, HPDF_NOERROR);
        return ptr;
    }
    HPDF_MPool_Node node = mmgr->mpool;
    size_t need = align_up(size ? size : 1);
    /* the next aligned address in the current block (whose first, made by HPDF_MMgr_New,
     * starts its buffer just past its header, at no particular alignment) */
    uintptr_t at = (uintptr_t)node->buf + node->used_size;
    size_t pad = align_up(at) - at;
    if (node->used_size <= node->size && pad + need <= node->size - node->used_size) {
        node->used_size += (HPDF_UINT)(pad + need);
        return (void *)(at + pad);
    }
    /* a new block, of the pool's size or the allocation's with room to align it */
    size_t buf = need + POOL_ALIGN > mmgr->buf_size ? need + POOL_ALIGN : mmgr->buf_size;
    if (buf > (size_t)UINT32_MAX - sizeof(HPDF_MPool_Node_Rec)) {
        HPDF_SetError(mmgr->error, HPDF_FAILD_TO_ALLOC_MEM, HPDF_NOERROR);
        return NULL;
    }
    node = mmgr->alloc_fn((HPDF_UINT)(sizeof(HPDF_MPool_Node_Rec) + buf));
    if (!node) {
        HPDF_SetError(mmgr->error, HPDF_FAILD_TO_ALLOC_MEM, HPDF_NOERROR);
        return NULL;
    }
    node->buf = (HPDF_BYTE *)node + sizeof(HPDF_MPool_Node_Rec);
    node->size = (HPDF_UINT)buf;
    node->next_node = mmgr->mpool;
    mmgr->mpool = node;
    at = (uintptr_t)node->buf;
    pad = align_up(at) - at;
    node->used_size = (HPDF_UINT)(pad + need);
    return (void *)(at + pad);
}

void HPDF_FreeMem(HPDF_MMgr mmgr, void *aptr)
{
    /* in a pool nothing is freed before the document */
    if (aptr && !mmgr->mpool) mmgr->free_fn(aptr);
}

/* libharu grows a list by a fixed step - 8 entries for a dictionary or an array, 1,024
 * for the cross-reference table - copying it each time; in a pool every outgrown array
 * stays until the document goes, so a document of 130,000 objects (a 1,000-school trust's
 * finance pack) kept 130 cross-reference arrays, 69 MB, and copied 8.5 million pointers.
 * libharu adds through its procedure linkage table, so this takes its place: the same list
 * (libharu's HPDF_List_Rec, the same items in the same order), grown by its step at
 * first and then by doubling. */
HPDF_STATUS HPDF_List_Add(HPDF_List list, void *item)
{
    if (list->count >= list->block_siz) {
        HPDF_UINT cap = list->block_siz, step = list->items_per_block;
        HPDF_UINT grow = cap > step ? cap : step;
        if (grow > UINT32_MAX / sizeof(void *) - cap)
            return HPDF_SetError(list->error, HPDF_FAILD_TO_ALLOC_MEM, HPDF_NOERROR);
        void **obj = HPDF_GetMem(list->mmgr, (HPDF_UINT)((cap + grow) * sizeof *obj));
        if (!obj) return HPDF_Error_GetCode(list->error);
        if (list->obj) {
            memcpy(obj, list->obj, cap * sizeof *obj);
            HPDF_FreeMem(list->mmgr, list->obj);
        }
        list->obj = obj;
        list->block_siz = cap + grow;
    }
    list->obj[list->count++] = item;
    return HPDF_OK;
}

void bpi_doc_free(HPDF_Doc doc)
{
    if (!doc) return;
    HPDF_MMgr mmgr = doc->mmgr;
    if (!mmgr->mpool) {
        HPDF_Free(doc);
        return;
    }
    /* everything of the document is in the pool's blocks: no object holds anything else
     * (its streams are in memory or read our font bytes in place, none has a free
     * function), so the blocks go without the walk of HPDF_FreeDocAll */
    HPDF_MMgr_Free(mmgr);
}

/* ---- fonts from memory ---- */

/* A libharu stream reading a cached font file in place, with the semantics of its memory
 * streams (a short read returns HPDF_STREAM_EOF; a seek past the end is an error).  A
 * memory stream would copy the file in and read it back a byte at a time, a few bytes a
 * call, some 10,000 calls per font per document. */
static HPDF_STATUS font_read(HPDF_Stream s, HPDF_BYTE *buf, HPDF_UINT *size)
{
    bpi_font_src *c = s->attr;
    size_t left = c->len - c->pos;
    HPDF_UINT n = *size <= left ? *size : (HPDF_UINT)left;
    memcpy(buf, c->data + c->pos, n);
    c->pos += n;
    if (n < *size) {
        *size = n;
        return HPDF_STREAM_EOF;
    }
    return HPDF_OK;
}

static HPDF_STATUS font_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    bpi_font_src *c = s->attr;
    long to = mode == HPDF_SEEK_CUR ? (long)c->pos + pos
              : mode == HPDF_SEEK_END ? (long)c->len - pos   /* sic: as libharu's memory streams */
              : pos;
    if (to < 0 || (size_t)to > c->len) return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
    c->pos = (size_t)to;
    return HPDF_OK;
}

static HPDF_INT32 font_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((bpi_font_src *)s->attr)->pos;
}

static HPDF_UINT32 font_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((bpi_font_src *)s->attr)->len;
}

/* HPDF_LoadTTFontFromFile reads through a FILE and seeks for every table and glyph it
 * parses or embeds - some 2,000 lseek calls, each discarding the read buffer, per font
 * per document.  The same steps over the cached bytes, with libharu's internal API (its
 * headers are part of libhpdf-dev): parse, register, tag "HPDFAA", "HPDFAB", ... as
 * libharu does. */
static HPDF_FontDef ttf_load(HPDF_Doc doc, bpi_font_src *src, int index, int n)
{
    src->pos = 0;
    HPDF_Stream s = HPDF_CallbackReader_New(doc->mmgr, font_read, font_seek, font_tell,
                                            font_size, src);
    if (!s) return NULL;
    HPDF_FontDef def = index < 0 ? HPDF_TTFontDef_Load(doc->mmgr, s, HPDF_TRUE)  /* owns s */
                                 : HPDF_TTFontDef_Load2(doc->mmgr, s, (HPDF_UINT)index, HPDF_TRUE);
    if (!def) return NULL;
    if (HPDF_Doc_RegisterFontDef(doc, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return NULL;
    }
    char tag[7] = "HPDFAA";
    tag[5] = (char)('A' + n);
    HPDF_TTFontDef_SetTagName(def, tag);
    return def;
}

HPDF_FontDef bpi_ttf_load(HPDF_Doc doc, bpi_font_src *src, int n)
{
    return ttf_load(doc, src, -1, n);
}

HPDF_FontDef bpi_ttc_load(HPDF_Doc doc, bpi_font_src *src, int index, int n)
{
    return ttf_load(doc, src, index, n);
}

const char *bpi_ttf_name(HPDF_FontDef def)
{
    return def->base_font;
}

int bpi_ttf_width(HPDF_FontDef def, unsigned long cp)
{
    return HPDF_TTFontDef_GetGidWidth(def, HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp));
}

bool bpi_ttf_has(HPDF_FontDef def, unsigned long cp)
{
    return cp <= 0xFFFF && HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp) != 0;
}

static unsigned be16(const unsigned char *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

/* The parts of composite glyph gid into flgs; true when it marked one that was not. */
static bool mark_glyph_parts(HPDF_TTFontDefAttr a, const bpi_font_src *src, unsigned gid)
{
    enum { WORDS = 0x1, SCALE = 0x8, MORE = 0x20, XY_SCALE = 0x40, TWO_BY_TWO = 0x80 };
    size_t scale = a->header.index_to_loc_format == 0 ? 2 : 1;
    size_t at = a->glyph_tbl.base_offset + a->glyph_tbl.offsets[gid] * scale;
    size_t end = a->glyph_tbl.base_offset + a->glyph_tbl.offsets[gid + 1] * scale;
    if (end > src->len || at + 10 > end) return false;   /* empty, or not within the file */
    if ((int16_t)be16(src->data + at) >= 0) return false;   /* a simple glyph: its contours */
    bool marked = false;
    unsigned flags;
    at += 10;                                           /* the contours' count and the box */
    do {
        if (at + 4 > end) break;
        flags = be16(src->data + at);
        unsigned part = be16(src->data + at + 2);
        if (part < a->num_glyphs && !a->glyph_tbl.flgs[part]) {
            a->glyph_tbl.flgs[part] = 1;
            marked = true;
        }
        at += 4 + (flags & WORDS ? 4 : 2)
              + (flags & SCALE ? 2 : flags & XY_SCALE ? 4 : flags & TWO_BY_TWO ? 8 : 0);
    } while (flags & MORE);
    return marked;
}

void bpi_ttf_mark_parts(HPDF_FontDef def, const bpi_font_src *src)
{
    HPDF_TTFontDefAttr a = def->attr;
    /* until nothing changes: a part may itself be a composite of lower-numbered parts */
    for (bool again = true; again;) {
        again = false;
        for (unsigned gid = 0; gid < a->num_glyphs; gid++)
            if (a->glyph_tbl.flgs[gid] && mark_glyph_parts(a, src, gid)) again = true;
    }
}

/* ---- content-stream operators ----
 *
 * libharu's HPDF_Page_* operators clear a 512-byte buffer byte by byte, measure the
 * string they built and copy it a byte at a time for every operator; a board pack has
 * tens of thousands of them.  These write the same bytes (numbers formatted as its
 * HPDF_FToA formats them) and keep libharu's page state - graphics mode, current point, colours,
 * line style, font - exactly as its operators do, so that the two can be mixed on a page
 * (q/Q, circles, the Unicode fonts' text still go through libharu) and its getters stay
 * true.  Arguments are the caller's responsibility: libharu's range checks are not
 * repeated. */

static HPDF_PageAttr attr_of(HPDF_Page pg)
{
    return (HPDF_PageAttr)pg->attr;
}

/* Appends to the page's content stream.  libharu's memory streams copy a byte at a time;
 * bytes that fit the stream's current block are placed there with memcpy, exactly where
 * HPDF_Stream_Write would put them, the rest go through it.  A libharu failure goes to the
 * document's error handler, as its operators do. */
static HPDF_STATUS stream_put(HPDF_Stream st, const void *buf, size_t len)
{
    if (st->type == HPDF_STREAM_MEMORY && HPDF_Error_GetCode(st->error) == HPDF_OK) {
        HPDF_MemStreamAttr m = st->attr;
        if (m->w_ptr && m->w_pos <= m->buf_siz && len <= m->buf_siz - m->w_pos) {
            memcpy(m->w_ptr, buf, len);
            m->w_ptr += len;
            m->w_pos += (HPDF_UINT)len;
            st->size += (HPDF_UINT)len;
            return HPDF_OK;
        }
    }
    return HPDF_Stream_Write(st, (const HPDF_BYTE *)buf, (HPDF_UINT)len);
}

static void emit(HPDF_Page pg, const char *buf, size_t len)
{
    if (stream_put(attr_of(pg)->stream, buf, len) != HPDF_OK) HPDF_CheckError(pg->error);
}

/* A number as libharu's HPDF_FToA writes it - five decimals at most, trailing zeros and
 * point dropped, clamped to +-32767 - computed the same way, in the same float and
 * double steps, so that the digits are the same for every value; returns the end. */
char *bpi_real(char *s, float val)
{
    char buf[24];
    char *t = buf + sizeof buf - 1;
    char *start = s;
    if (val > 32767) val = 32767;
    else if (val < -32767) val = -32767;
    *t-- = 0;
    if (val < 0) {
        *s++ = '-';
        val = -val;
    }
    int32_t int_val = (int32_t)(val + 0.000005);
    int32_t fpart_val = (int32_t)((float)(val - (float)int_val + 0.000005) * 100000);
    for (int i = 0; i < 5; i++) {
        *t-- = (char)(fpart_val % 10 + '0');
        fpart_val /= 10;
    }
    *t-- = '.';
    *t = '0';
    if (int_val == 0) t--;
    while (int_val > 0) {
        *t-- = (char)(int_val % 10 + '0');
        int_val /= 10;
    }
    t++;
    while (*t) *s++ = *t++;
    s--;
    while (s > start) {
        if (*s == '0') {
            *s = 0;
        } else {
            if (*s == '.') *s = 0;
            break;
        }
        s--;
    }
    return *s == 0 ? s : s + 1;
}

/* Numbers then an operator: "x y op\n". */
static void emit_op(HPDF_Page pg, const float *v, size_t n, const char *op)
{
    char buf[160];
    char *o = buf;
    for (size_t i = 0; i < n; i++) {
        o = bpi_real(o, v[i]);
        *o++ = ' ';
    }
    size_t l = strlen(op);
    memcpy(o, op, l);
    o[l] = '\n';
    emit(pg, buf, (size_t)(o - buf) + l + 1);
}

static void paint(HPDF_Page pg, const char *op)
{
    HPDF_PageAttr a = attr_of(pg);
    emit(pg, op, strlen(op));
    a->gmode = HPDF_GMODE_PAGE_DESCRIPTION;
    a->cur_pos = (HPDF_Point){0, 0};
}

void bpi_line_width(HPDF_Page pg, float w)
{
    emit_op(pg, &w, 1, "w");
    attr_of(pg)->gstate->line_width = w;
}

void bpi_line_cap(HPDF_Page pg, HPDF_LineCap cap)
{
    char buf[8] = {(char)('0' + cap), ' ', 'J', '\n'};
    emit(pg, buf, 4);
    attr_of(pg)->gstate->line_cap = cap;
}

void bpi_line_join(HPDF_Page pg, HPDF_LineJoin join)
{
    char buf[8] = {(char)('0' + join), ' ', 'j', '\n'};
    emit(pg, buf, 4);
    attr_of(pg)->gstate->line_join = join;
}

void bpi_dash(HPDF_Page pg, const HPDF_UINT16 *pattern, unsigned n)
{
    char buf[96];
    char *o = buf, *end = buf + sizeof buf - 1;
    *o++ = '[';
    for (unsigned i = 0; i < n && i < 8; i++) {
        o = HPDF_IToA(o, pattern[i], end);
        *o++ = ' ';
    }
    memcpy(o, "] 0 d\n", 6);
    emit(pg, buf, (size_t)(o - buf) + 6);
    HPDF_DashMode *d = &attr_of(pg)->gstate->dash_mode;
    memset(d, 0, sizeof *d);
    d->num_ptn = n;
    for (unsigned i = 0; i < n && i < 8; i++) d->ptn[i] = pattern[i];
}

/* A colour operator and libharu's record of the colour and its space. */
static void set_colour(HPDF_Page pg, const float *v, size_t n, const char *op,
                       HPDF_ColorSpace *space, HPDF_ColorSpace value)
{
    emit_op(pg, v, n, op);
    *space = value;
}

void bpi_gray_fill(HPDF_Page pg, float g)
{
    HPDF_GState s = attr_of(pg)->gstate;
    set_colour(pg, &g, 1, "g", &s->cs_fill, HPDF_CS_DEVICE_GRAY);
    s->gray_fill = g;
}

void bpi_gray_stroke(HPDF_Page pg, float g)
{
    HPDF_GState s = attr_of(pg)->gstate;
    set_colour(pg, &g, 1, "G", &s->cs_stroke, HPDF_CS_DEVICE_GRAY);
    s->gray_stroke = g;
}

void bpi_rgb_fill(HPDF_Page pg, float r, float g, float b)
{
    const float v[3] = {r, g, b};
    HPDF_GState s = attr_of(pg)->gstate;
    set_colour(pg, v, 3, "rg", &s->cs_fill, HPDF_CS_DEVICE_RGB);
    s->rgb_fill = (HPDF_RGBColor){r, g, b};
}

void bpi_rgb_stroke(HPDF_Page pg, float r, float g, float b)
{
    const float v[3] = {r, g, b};
    HPDF_GState s = attr_of(pg)->gstate;
    set_colour(pg, v, 3, "RG", &s->cs_stroke, HPDF_CS_DEVICE_RGB);
    s->rgb_stroke = (HPDF_RGBColor){r, g, b};
}

void bpi_move_to(HPDF_Page pg, float x, float y)
{
    const float v[2] = {x, y};
    emit_op(pg, v, 2, "m");
    HPDF_PageAttr a = attr_of(pg);
    a->cur_pos = (HPDF_Point){x, y};
    a->str_pos = a->cur_pos;
    a->gmode = HPDF_GMODE_PATH_OBJECT;
}

void bpi_line_to(HPDF_Page pg, float x, float y)
{
    const float v[2] = {x, y};
    emit_op(pg, v, 2, "l");
    attr_of(pg)->cur_pos = (HPDF_Point){x, y};
}

void bpi_rectangle(HPDF_Page pg, float x, float y, float w, float h)
{
    const float v[4] = {x, y, w, h};
    emit_op(pg, v, 4, "re");
    HPDF_PageAttr a = attr_of(pg);
    a->cur_pos = (HPDF_Point){x, y};
    a->str_pos = a->cur_pos;
    a->gmode = HPDF_GMODE_PATH_OBJECT;
}

void bpi_close_path(HPDF_Page pg)
{
    emit(pg, "h\n", 2);
    HPDF_PageAttr a = attr_of(pg);
    a->cur_pos = a->str_pos;
}

void bpi_clip(HPDF_Page pg)
{
    emit(pg, "W\n", 2);
    attr_of(pg)->gmode = HPDF_GMODE_CLIPPING_PATH;
}

void bpi_stroke(HPDF_Page pg)
{
    paint(pg, "S\n");
}

void bpi_fill(HPDF_Page pg)
{
    paint(pg, "f\n");
}

void bpi_fill_stroke(HPDF_Page pg)
{
    paint(pg, "B\n");
}

void bpi_end_path(HPDF_Page pg)
{
    paint(pg, "n\n");
}

/* One text object: BT, the font when it changes, Td, the string, ET - the bytes of
 * HPDF_Page_BeginText, SetFontAndSize, TextOut and EndText for a single-byte font, with
 * the characters marked used as libharu's measuring marks them (their widths go into the
 * font's /Widths and their glyphs into the embedded subset). */
void bpi_text_simple(HPDF_Page pg, HPDF_Font font, float size, float x, float y,
                     const unsigned char *s, size_t len)
{
    HPDF_PageAttr a = attr_of(pg);
    HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
    emit(pg, "BT\n", 3);
    if (a->gstate->font != font || a->gstate->font_size != size) {
        const char *name = HPDF_Page_GetLocalFontName(pg, font);
        if (!name) {
            HPDF_CheckError(pg->error);
            return;
        }
        char buf[96];
        char *o = buf;
        *o++ = '/';
        size_t nl = strlen(name);
        if (nl > 32) nl = 32;
        memcpy(o, name, nl);
        o += nl;
        *o++ = ' ';
        o = bpi_real(o, size);
        memcpy(o, " Tf\n", 4);
        emit(pg, buf, (size_t)(o - buf) + 4);
        a->gstate->font = font;
        a->gstate->font_size = size;
        a->gstate->writing_mode = fa->writing_mode;
    }
    const float v[2] = {x, y};
    emit_op(pg, v, 2, "Td");
    long width = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (!fa->used[c]) {
            fa->used[c] = 1;
            fa->widths[c] = HPDF_TTFontDef_GetCharWidth(fa->fontdef,
                                                         HPDF_Encoder_ToUnicode(fa->encoder, c));
        }
        width += fa->widths[c];
    }
    /* libharu writes nothing for a string of no width */
    if (width != 0) {
        char buf[512];
        size_t o = 0;
        buf[o++] = '(';
        for (size_t i = 0; i < len; i++) {
            unsigned char c = s[i];
            if (HPDF_NEEDS_ESCAPE(c)) {
                buf[o++] = '\\';
                buf[o++] = (char)('0' + (c >> 6));
                buf[o++] = (char)('0' + ((c & 0x38) >> 3));
                buf[o++] = (char)('0' + (c & 0x07));
            } else {
                buf[o++] = (char)c;
            }
            if (o > sizeof buf - 8) {
                emit(pg, buf, o);
                o = 0;
            }
        }
        memcpy(buf + o, ") Tj\n", 5);
        emit(pg, buf, o + 5);
    }
    emit(pg, "ET\n", 3);
    a->text_pos = (HPDF_Point){0, 0};
    a->gmode = HPDF_GMODE_PAGE_DESCRIPTION;
}

/* ---- a tagged PDF ----
 *
 * Everything here is libharu's object layer: dictionaries, arrays, numbers, names and
 * strings made with the document's memory manager, indirect objects entered in its
 * cross-reference table (HPDF_Xref_Add), references made by adding an indirect object to
 * a dictionary or array (libharu writes a proxy: "12 0 R").  Objects are written in the
 * order they were entered, so the output depends only on the calls.  libharu's private
 * functions set the document's error without calling its handler; a failure here
 * returns false and the page layer reports it. */

size_t bpi_content_size(HPDF_Page pg)
{
    return attr_of(pg)->stream->size;
}

static bool write_str(HPDF_Stream st, const char *s)
{
    return stream_put(st, s, strlen(s)) == HPDF_OK;
}

/* Bytes into a memory stream a block at a time (HPDF_Stream_Write copies a byte at a
 * time): what fits the current block, then a byte that opens the next. */
static bool write_bytes(HPDF_Stream st, const unsigned char *b, size_t len)
{
    while (len) {
        HPDF_MemStreamAttr m = st->attr;
        size_t room = m->w_ptr && m->w_pos < m->buf_siz ? m->buf_siz - m->w_pos : 0;
        size_t n = room ? (len < room ? len : room) : 1;
        if (stream_put(st, b, n) != HPDF_OK) return false;
        b += n;
        len -= n;
    }
    return true;
}

bool bpi_mark_content(HPDF_Page pg, const bpi_mark *marks, size_t n)
{
    HPDF_Stream st = attr_of(pg)->stream;
    if (st->type != HPDF_STREAM_MEMORY || n == 0) return n == 0;
    /* the bytes so far, out of libharu's blocks, then written back with the marks */
    size_t len = st->size, at = 0;
    unsigned char *old = malloc(len ? len : 1);
    if (!old) return false;
    HPDF_UINT count = HPDF_MemStream_GetBufCount(st);
    for (HPDF_UINT i = 0; i < count; i++) {
        HPDF_UINT l = 0;
        HPDF_BYTE *b = HPDF_MemStream_GetBufPtr(st, i, &l);
        if (!b || at + l > len) {
            free(old);
            return false;
        }
        memcpy(old + at, b, l);
        at += l;
    }
    HPDF_MemStream_FreeData(st);
    bool ok = at == len;
    size_t pos = 0;
    for (size_t i = 0; ok && i < n; i++) {
        const bpi_mark *m = &marks[i];
        ok = m->start >= pos && m->end >= m->start && m->end <= len;
        if (ok && m->start > pos)
            ok = write_bytes(st, old + pos, m->start - pos);
        ok = ok && write_str(st, m->open) && write_str(st, "\n")
             && (m->end == m->start
                 || write_bytes(st, old + m->start, m->end - m->start))
             && write_str(st, "EMC\n");
        pos = m->end;
    }
    if (ok && pos < len) ok = write_bytes(st, old + pos, len - pos);
    free(old);
    return ok;
}

/* A text string: as it is when printable ASCII, else UTF-16BE with its byte-order mark
 * (ISO 32000-1, 7.9.2.2), written as hex.  Not through libharu's UTF-8 encoder, whose
 * setting up maps 65,536 code points.  Invalid UTF-8 cannot reach here (the page layer
 * cleans every text); a byte that is not part of a character is skipped. */
static void *text_string(HPDF_MMgr mmgr, const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    bool ascii = true;
    for (const unsigned char *c = s; *c; c++)
        if (*c < 0x20 || *c >= 0x7F) ascii = false;
    if (ascii) return HPDF_String_New(mmgr, utf8, NULL);
    size_t len = strlen(utf8);
    unsigned char *u = malloc(2 * len + 2);
    if (!u) return NULL;
    size_t o = 0;
    u[o++] = 0xFE;
    u[o++] = 0xFF;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i], cp;
        size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (k == 0 || i + k > len) {
            i++;
            continue;
        }
        cp = k == 1 ? c : c & (0x3F >> (k - 1));
        for (size_t j = 1; j < k; j++) cp = cp << 6 | (s[i + j] & 0x3F);
        i += k;
        if (cp > 0xFFFF) cp = 0xFFFD;      /* cleaned text has none */
        if (cp < 0x20) cp = ' ';
        u[o++] = (unsigned char)(cp >> 8);
        u[o++] = (unsigned char)cp;
    }
    /* a string is at most 65,535 bytes: cut on a character */
    if (o > HPDF_LIMIT_MAX_STRING_LEN) o = HPDF_LIMIT_MAX_STRING_LEN - 1;
    void *b = HPDF_Binary_New(mmgr, u, (HPDF_UINT)o);
    free(u);
    return b;
}

static HPDF_Dict new_dict(HPDF_Doc doc, bool indirect)
{
    HPDF_Dict d = HPDF_Dict_New(doc->mmgr);
    if (d && indirect && HPDF_Xref_Add(doc->xref, d) != HPDF_OK) return NULL;
    return d;
}

bool bpi_doc_tagged(HPDF_Doc doc, const char *lang, const char *xmp, size_t len)
{
    HPDF_Catalog cat = doc->catalog;
    doc->pdf_version = HPDF_VER_17;
    HPDF_Dict mark = new_dict(doc, false), prefs = mark ? new_dict(doc, false) : NULL;
    if (!prefs) return false;
    HPDF_STATUS st = HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE);
    st += HPDF_Dict_Add(cat, "MarkInfo", mark);
    st += HPDF_Dict_Add(cat, "Lang", HPDF_String_New(doc->mmgr, lang, NULL));
    st += HPDF_Dict_AddBoolean(prefs, "DisplayDocTitle", HPDF_TRUE);
    st += HPDF_Dict_Add(cat, "ViewerPreferences", prefs);
    HPDF_Dict meta = st == HPDF_OK ? HPDF_DictStream_New(doc->mmgr, doc->xref) : NULL;
    if (!meta) return false;
    meta->filter = HPDF_STREAM_FILTER_NONE;
    st += HPDF_Dict_AddName(meta, "Type", "Metadata");
    st += HPDF_Dict_AddName(meta, "Subtype", "XML");
    st += HPDF_Stream_Write(meta->stream, (const HPDF_BYTE *)xmp, (HPDF_UINT)len);
    st += HPDF_Dict_Add(cat, "Metadata", meta);
    return st == HPDF_OK;
}

/* ---- the structure tree ----
 *
 * A structure element is a dictionary of some five entries and its /K array, which as
 * libharu objects cost 2.5 KB an element (every dictionary entry and name holds a
 * 128-byte key): 330 MB for the 127,000 elements of a 1,000-school trust's finance pack.
 * So an element is kept here as a compact record - its type, parent, page, the order its
 * entries came in, its kids - and its libharu dictionary, made and numbered as before,
 * stays empty: when libharu writes it, between its "<<" and ">>", its write function
 * writes the entries from the record as libharu would have written them (HPDF_Dict_Write,
 * HPDF_Array_Write, HPDF_Obj_Write's references).  The same objects, numbers and bytes,
 * and no objects made at all. */

/* An entry of an element's dictionary after /S and /P, in the order it was added. */
typedef enum { ENT_K, ENT_PG, ENT_A, ENT_TEXT } ent_kind;
/* A kid: an element, marked content on the element's /Pg, marked content on another
 * page (an MCR), an annotation (an OBJR). */
typedef enum { KID_ELEM, KID_MCID, KID_MCR, KID_OBJR } kid_kind;

#define NONE UINT32_MAX    /* no entry, kid or element: the end of a chain */

typedef struct {
    uint32_t next;             /* the element's next entry, or NONE */
    uint8_t kind;              /* ent_kind */
    const char *key;           /* ENT_TEXT: /Alt or /ActualText */
    size_t text;               /* ENT_TEXT: its UTF-8 in the text arena */
} tag_entry;

typedef struct {
    uint32_t next;
    uint8_t kind;              /* kid_kind */
    int32_t n;                 /* KID_ELEM: the element; else the MCID */
    HPDF_Page pg;              /* KID_MCR, KID_OBJR */
    HPDF_Annotation annot;     /* KID_OBJR */
} tag_kid;

typedef struct {
    HPDF_Dict dict;            /* numbered, empty but while written */
    const char *type;          /* /S: a standard type's name (a string constant) */
    int parent;                /* -1: the root */
    HPDF_Page pg;              /* /Pg: the page of its first marked content, or NULL */
    uint32_t first, last;      /* its entries */
    uint32_t kid_first, kid_last;
    bool has_k;
    const char *owner;         /* /A /O, or NULL for no attributes */
    const char *scope;         /* /A /Scope, or NULL */
    bool has_bbox, bbox_first; /* /A /BBox, and whether it came before /Scope */
    float bbox[4];
} tag_elem;

typedef struct {
    HPDF_Dict *owner;      /* the element of each MCID */
    size_t n, cap;
} tag_page;

typedef struct {
    HPDF_Dict annot, owner;
} tag_annot;

struct bpi_tags {
    HPDF_Doc doc;
    HPDF_Dict root;
    tag_elem *els;
    size_t nels, cap_els;
    tag_entry *ents;
    size_t nents, cap_ents;
    tag_kid *kids;
    size_t nkids, cap_kids;
    char *text;
    size_t ntext, cap_text;
    tag_page *pages;
    size_t npages;
    tag_annot *annots;
    size_t nannots, cap_annots;
    size_t cursor;             /* the element written next, as libharu goes in order */
};

bpi_tags *bpi_tags_new(HPDF_Doc doc, size_t npages)
{
    bpi_tags *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->doc = doc;
    t->npages = npages;
    t->pages = calloc(npages ? npages : 1, sizeof *t->pages);
    t->root = new_dict(doc, true);
    if (!t->pages || !t->root || HPDF_Dict_AddName(t->root, "Type", "StructTreeRoot") != HPDF_OK
        || HPDF_Dict_Add(doc->catalog, "StructTreeRoot", t->root) != HPDF_OK
        || bpi_tags_elem(t, -1, "Document") != 0) {
        bpi_tags_free(t);
        return NULL;
    }
    return t;
}

void bpi_tags_free(bpi_tags *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->npages; i++) free(t->pages[i].owner);
    /* an element dictionary that is never written again must not call back into t */
    for (size_t i = 0; i < t->nels; i++) {
        t->els[i].dict->write_fn = NULL;
        t->els[i].dict->attr = NULL;
    }
    free(t->pages);
    free(t->els);
    free(t->ents);
    free(t->kids);
    free(t->text);
    free(t->annots);
    free(t);
}

static bool add_entry(bpi_tags *t, tag_elem *e, ent_kind kind, const char *key, size_t text)
{
    tag_entry *ents = bp_grow(t->ents, &t->cap_ents, t->nents + 1, sizeof *ents);
    if (!ents) return false;
    t->ents = ents;
    uint32_t i = (uint32_t)t->nents++;
    ents[i] = (tag_entry){NONE, (uint8_t)kind, key, text};
    if (e->last == NONE) e->first = i;
    else ents[e->last].next = i;
    e->last = i;
    return true;
}

/* The element's /K entry, added on first use: where libharu's dictionary got it, so that
   the entries are written in libharu's order. */
static bool need_k(bpi_tags *t, tag_elem *e)
{
    if (e->has_k) return true;
    if (!add_entry(t, e, ENT_K, NULL, 0)) return false;
    e->has_k = true;
    return true;
}

/* A kid appended to the element's /K array. */
static bool add_kid(bpi_tags *t, tag_elem *e, tag_kid kid)
{
    if (!need_k(t, e)) return false;
    tag_kid *kids = bp_grow(t->kids, &t->cap_kids, t->nkids + 1, sizeof *kids);
    if (!kids) return false;
    t->kids = kids;
    uint32_t i = (uint32_t)t->nkids++;
    kid.next = NONE;
    kids[i] = kid;
    if (e->kid_last == NONE) e->kid_first = i;
    else kids[e->kid_last].next = i;
    e->kid_last = i;
    return true;
}

/* The element whose dictionary libharu is writing. */
static tag_elem *elem_of(bpi_tags *t, HPDF_Dict d)
{
    if (t->cursor < t->nels && t->els[t->cursor].dict == d) return &t->els[t->cursor++];
    /* the numbers rise with the elements: find it by number */
    HPDF_UINT32 id = d->header.obj_id & 0x00FFFFFF;
    size_t lo = 0, hi = t->nels;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((t->els[mid].dict->header.obj_id & 0x00FFFFFF) < id) lo = mid + 1;
        else hi = mid;
    }
    if (lo == t->nels || t->els[lo].dict != d) return NULL;
    t->cursor = lo + 1;
    return &t->els[lo];
}

/* An element's bytes, gathered before they go to the stream in one write. */
typedef struct {
    HPDF_Stream st;
    char buf[4096];
    size_t n;
    HPDF_STATUS err;
} elem_out;

static void out_flush(elem_out *o)
{
    if (o->n && o->err == HPDF_OK) o->err = HPDF_Stream_Write(o->st, (HPDF_BYTE *)o->buf, (HPDF_UINT)o->n);
    o->n = 0;
}

static void out_str(elem_out *o, const char *str, size_t len)
{
    if (o->n + len > sizeof o->buf) out_flush(o);
    if (len > sizeof o->buf) {
        if (o->err == HPDF_OK) o->err = HPDF_Stream_Write(o->st, (const HPDF_BYTE *)str, (HPDF_UINT)len);
        return;
    }
    memcpy(o->buf + o->n, str, len);
    o->n += len;
}

#define OUT(o, lit) out_str((o), (lit), sizeof(lit) - 1)

/* A name as HPDF_Name_Write writes it: "/" and the name, its characters outside the
 * regular ones escaped (the standard types and keys have none: libharu's own then). */
static void out_name(elem_out *o, const char *name)
{
    size_t len = strlen(name);
    bool plain = len > 0 && len < HPDF_LIMIT_MAX_NAME_LEN;
    for (size_t i = 0; i < len && plain; i++)
        plain = (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z')
                || (name[i] >= '0' && name[i] <= '9');
    if (plain) {
        OUT(o, "/");
        out_str(o, name, len);
        return;
    }
    out_flush(o);
    if (o->err == HPDF_OK) o->err = HPDF_Stream_WriteEscapeName(o->st, name);
}

/* A whole number in decimal, as HPDF_IToA writes it. */
static void out_int(elem_out *o, long v)
{
    char num[24], *end = num + sizeof num;
    char *c = bp_udigits_before(v < 0 ? 0UL - (unsigned long)v : (unsigned long)v, end);
    if (v < 0) *--c = '-';
    out_str(o, c, (size_t)(end - c));
}

/* A reference as HPDF_Obj_Write writes one to an indirect object: "N G R". */
static void out_ref(elem_out *o, const void *obj)
{
    const HPDF_Obj_Header *h = obj;
    out_int(o, (long)(h->obj_id & 0x00FFFFFF));
    OUT(o, " ");
    out_int(o, (long)h->gen_no);
    OUT(o, " R");
}

/* The /A dictionary: /O, then /Scope and /BBox in the order they came. */
static void out_attrs(elem_out *o, const tag_elem *e)
{
    OUT(o, "<<\012/O ");
    out_name(o, e->owner);
    OUT(o, "\012");
    for (int pass = 0; pass < 2; pass++) {
        bool bbox = (pass == 0) == e->bbox_first;
        if (bbox && e->has_bbox) {
            OUT(o, "/BBox [ ");
            for (int i = 0; i < 4; i++) {
                out_flush(o);
                if (o->err == HPDF_OK) o->err = HPDF_Stream_WriteReal(o->st, e->bbox[i]);
                OUT(o, " ");
            }
            OUT(o, "]\012");
        } else if (!bbox && e->scope) {
            OUT(o, "/Scope ");
            out_name(o, e->scope);
            OUT(o, "\012");
        }
    }
    OUT(o, ">>");
}

/* The /K array, as HPDF_Array_Write writes one: "[ ", each kid and a space, "]". */
static void out_kids(bpi_tags *t, elem_out *o, const tag_elem *e)
{
    OUT(o, "[ ");
    for (uint32_t i = e->kid_first; i != NONE; i = t->kids[i].next) {
        const tag_kid *kid = &t->kids[i];
        switch ((kid_kind)kid->kind) {
        case KID_ELEM: out_ref(o, t->els[kid->n].dict); break;
        case KID_MCID: out_int(o, kid->n); break;
        case KID_MCR:
        case KID_OBJR: {
            /* a direct dictionary: /Type, /Pg, then the MCID or the annotation */
            bool mcr = kid->kind == KID_MCR;
            OUT(o, "<<\012/Type /");
            out_str(o, mcr ? "MCR" : "OBJR", mcr ? 3 : 4);
            OUT(o, "\012/Pg ");
            out_ref(o, kid->pg);
            if (mcr) {
                OUT(o, "\012/MCID ");
                out_int(o, kid->n);
            } else {
                OUT(o, "\012/Obj ");
                out_ref(o, kid->annot);
            }
            OUT(o, "\012>>");
            break;
        }
        }
        OUT(o, " ");
    }
    OUT(o, "]");
}

/* libharu writes element dictionary d, empty: its entries from the record, each
 * "/Key value" and a line feed as HPDF_Dict_Write writes them, in the order they came.
 * (The document is never encrypted, so no string is.) */
static HPDF_STATUS elem_write(HPDF_Dict d, HPDF_Stream stream)
{
    bpi_tags *t = d->attr;
    tag_elem *e = t ? elem_of(t, d) : NULL;
    if (!e) return HPDF_INVALID_OBJECT;
    elem_out o;            /* its buffer left as it is: filled before it is read */
    o.st = stream;
    o.n = 0;
    o.err = HPDF_OK;
    OUT(&o, "/S ");
    out_name(&o, e->type);
    OUT(&o, "\012/P ");
    out_ref(&o, e->parent < 0 ? t->root : t->els[e->parent].dict);
    OUT(&o, "\012");
    for (uint32_t i = e->first; i != NONE; i = t->ents[i].next) {
        const tag_entry *en = &t->ents[i];
        switch ((ent_kind)en->kind) {
        case ENT_K: OUT(&o, "/K "); out_kids(t, &o, e); break;
        case ENT_PG: OUT(&o, "/Pg "); out_ref(&o, e->pg); break;
        case ENT_A: OUT(&o, "/A "); out_attrs(&o, e); break;
        case ENT_TEXT: {
            /* a text string through libharu's own writer: an object made for the write */
            out_name(&o, en->key);
            OUT(&o, " ");
            out_flush(&o);
            void *str = text_string(t->doc->mmgr, t->text + en->text);
            if (!str) return HPDF_FAILD_TO_ALLOC_MEM;
            if (o.err == HPDF_OK) o.err = HPDF_Obj_WriteValue(str, stream, NULL);
            HPDF_Obj_Free(t->doc->mmgr, str);
            break;
        }
        }
        OUT(&o, "\012");
    }
    out_flush(&o);
    return o.err;
}

int bpi_tags_elem(bpi_tags *t, int parent, const char *type)
{
    if (parent >= (int)t->nels) return -1;
    tag_elem *els = bp_grow(t->els, &t->cap_els, t->nels + 1, sizeof *els);
    if (!els) return -1;
    t->els = els;
    HPDF_Dict d = new_dict(t->doc, true);
    if (!d) return -1;
    d->attr = t;
    d->write_fn = elem_write;
    els[t->nels] = (tag_elem){.dict = d, .type = type, .parent = parent, .first = NONE,
                              .last = NONE, .kid_first = NONE, .kid_last = NONE};
    /* the document element's parent is the root, and the root's /K it */
    if (parent < 0) {
        if (HPDF_Dict_Add(t->root, "K", d) != HPDF_OK) return -1;
    } else if (!add_kid(t, &els[parent], (tag_kid){.kind = KID_ELEM, .n = (int32_t)t->nels})) {
        return -1;
    }
    return (int)t->nels++;
}

bool bpi_tags_content(bpi_tags *t, int elem, HPDF_Page pg, size_t page, int mcid)
{
    if (elem < 0 || (size_t)elem >= t->nels || page >= t->npages || mcid < 0) return false;
    tag_elem *e = &t->els[elem];
    tag_page *tp = &t->pages[page];
    HPDF_Dict *owner = bp_grow(tp->owner, &tp->cap, (size_t)mcid + 1, sizeof *owner);
    if (!owner) return false;
    tp->owner = owner;
    for (size_t i = tp->n; i < (size_t)mcid; i++) owner[i] = NULL;
    owner[mcid] = e->dict;
    if ((size_t)mcid >= tp->n) tp->n = (size_t)mcid + 1;
    if (!need_k(t, e)) return false;
    if (!e->pg) {
        e->pg = pg;
        if (!add_entry(t, e, ENT_PG, NULL, 0)) return false;
    }
    /* content on another page than the element's /Pg: a marked-content reference */
    tag_kid kid = {.kind = e->pg == pg ? KID_MCID : KID_MCR, .n = mcid, .pg = pg};
    return add_kid(t, e, kid);
}

bool bpi_tags_text(bpi_tags *t, int elem, const char *key, const char *utf8)
{
    if (elem < 0 || (size_t)elem >= t->nels) return false;
    size_t len = strlen(utf8) + 1;
    char *text = bp_grow(t->text, &t->cap_text, t->ntext + len, 1);
    if (!text) return false;
    t->text = text;
    memcpy(text + t->ntext, utf8, len);
    bool ok = add_entry(t, &t->els[elem], ENT_TEXT, key, t->ntext);
    t->ntext += len;
    return ok;
}

/* The element's attribute dictionary of owner `owner` (one owner per element here). */
static tag_elem *attrs_of(bpi_tags *t, int elem, const char *owner)
{
    if (elem < 0 || (size_t)elem >= t->nels) return NULL;
    tag_elem *e = &t->els[elem];
    if (!e->owner) {
        if (!add_entry(t, e, ENT_A, NULL, 0)) return NULL;
        e->owner = owner;
    }
    return e;
}

bool bpi_tags_scope(bpi_tags *t, int elem, const char *scope)
{
    tag_elem *e = attrs_of(t, elem, "Table");
    if (!e) return false;
    e->scope = scope;
    return true;
}

bool bpi_tags_bbox(bpi_tags *t, int elem, float x0, float y0, float x1, float y1)
{
    tag_elem *e = attrs_of(t, elem, "Layout");
    if (!e) return false;
    if (!e->has_bbox) e->bbox_first = e->scope == NULL;
    e->has_bbox = true;
    e->bbox[0] = x0;
    e->bbox[1] = y0;
    e->bbox[2] = x1;
    e->bbox[3] = y1;
    return true;
}

bool bpi_tags_annot(bpi_tags *t, int elem, HPDF_Annotation annot, HPDF_Page pg,
                    const char *contents)
{
    if (elem < 0 || (size_t)elem >= t->nels) return false;
    tag_annot *a = bp_grow(t->annots, &t->cap_annots, t->nannots + 1, sizeof *a);
    if (!a) return false;
    t->annots = a;
    void *s = text_string(t->doc->mmgr, contents);
    if (!s || !add_kid(t, &t->els[elem], (tag_kid){.kind = KID_OBJR, .pg = pg, .annot = annot})
        || HPDF_Dict_Add(annot, "Contents", s) != HPDF_OK)
        return false;
    a[t->nannots++] = (tag_annot){annot, t->els[elem].dict};
    return true;
}

bool bpi_tags_finish(bpi_tags *t, HPDF_Page const *pages)
{
    /* the parent tree: a number tree of one node, keys in order - each page's
     * /StructParents (its index) to the owners of its MCIDs, then each annotation's
     * /StructParent to its element */
    HPDF_Dict tree = new_dict(t->doc, true);
    HPDF_Array nums = tree ? HPDF_Array_New(t->doc->mmgr) : NULL;
    if (!nums || HPDF_Dict_Add(tree, "Nums", nums) != HPDF_OK) return false;
    HPDF_STATUS st = HPDF_OK;
    for (size_t i = 0; i < t->npages && st == HPDF_OK; i++) {
        tag_page *tp = &t->pages[i];
        HPDF_Array owners = HPDF_Array_New(t->doc->mmgr);
        if (!owners) return false;
        for (size_t m = 0; m < tp->n && st == HPDF_OK; m++)
            st += tp->owner[m] ? HPDF_Array_Add(owners, tp->owner[m])
                               : HPDF_Array_Add(owners, HPDF_Null_New(t->doc->mmgr));
        st += HPDF_Array_AddNumber(nums, (HPDF_INT32)i);
        st += HPDF_Array_Add(nums, owners);
        st += HPDF_Dict_AddNumber(pages[i], "StructParents", (HPDF_INT32)i);
    }
    for (size_t i = 0; i < t->nannots && st == HPDF_OK; i++) {
        HPDF_INT32 key = (HPDF_INT32)(t->npages + i);
        st += HPDF_Dict_AddNumber(t->annots[i].annot, "StructParent", key);
        st += HPDF_Array_AddNumber(nums, key);
        st += HPDF_Array_Add(nums, t->annots[i].owner);
    }
    /* pages with annotations take them in the order of the structure (PDF/UA 7.18.3) */
    for (size_t i = 0; i < t->npages && st == HPDF_OK; i++)
        if (HPDF_Dict_GetItem(pages[i], "Annots", HPDF_OCLASS_ARRAY))
            st += HPDF_Dict_AddName(pages[i], "Tabs", "S");
    st += HPDF_Dict_Add(t->root, "ParentTree", tree);
    st += HPDF_Dict_AddNumber(t->root, "ParentTreeNextKey",
                              (HPDF_INT32)(t->npages + t->nannots));
    return st == HPDF_OK;
}

/* ISO 32000-1, 9.10.3, and Adobe's technical note 5411 */
static const char cmap_head[] =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";
static const char cmap_tail[] =
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";


/* A ToUnicode map's entries: "N beginKIND", the lines, "endKIND", in blocks of at most 100
 * (the most a block may hold), one line of line() per code of codes[0..n). */
static void range_line(char *buf, size_t size, unsigned h, const unsigned long *cp)
{
    (void)cp;
    snprintf(buf, size, "<%02X00> <%02XFF> <%02X00>\n", h, h, h);
}

static void char_line(char *buf, size_t size, unsigned b, const unsigned long *cp)
{
    snprintf(buf, size, "<%02X> <%04lX>\n", b, cp[b] & 0xFFFF);
}

static bool write_runs(HPDF_Stream st, const char *kind, const unsigned *codes, unsigned n,
                       void (*line)(char *, size_t, unsigned, const unsigned long *),
                       const unsigned long *cp)
{
    bool ok = true;
    for (unsigned i = 0; ok && i < n; i += 100) {
        unsigned run = n - i;
        if (run > 100) run = 100;
        char text[48];
        snprintf(text, sizeof text, "%u begin%s\n", run, kind);
        ok = write_str(st, text);
        for (unsigned j = 0; ok && j < run; j++) {
            line(text, sizeof text, codes[i + j], cp);
            ok = write_str(st, text);
        }
        snprintf(text, sizeof text, "end%s\n", kind);
        ok = ok && write_str(st, text);
    }
    return ok;
}

bool bpi_font_tounicode_utf16(HPDF_Font font)
{
    HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
    HPDF_Dict cmap = fa->cmap_stream;
    if (!cmap || !cmap->stream || cmap->stream->type != HPDF_STREAM_MEMORY) return false;
    HPDF_MemStream_FreeData(cmap->stream);
    bool ok = write_str(cmap->stream, cmap_head)
              && write_str(cmap->stream, "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* a bfrange may differ only in its last byte: one per high byte, but the surrogates
     * (D800-DFFF), which are no characters; at most 100 to a block */
    unsigned hi[256] = {0}, n = 0;
    for (unsigned h = 0; h < 256; h++)
        if (h < 0xD8 || h > 0xDF) hi[n++] = h;
    ok = ok && write_runs(cmap->stream, "bfrange", hi, n, range_line, NULL);
    return ok && write_str(cmap->stream, cmap_tail);
}

bool bpi_font_tounicode(HPDF_Doc doc, HPDF_Font font, const unsigned long cp[256])
{
    HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
    HPDF_Dict cmap = HPDF_DictStream_New(doc->mmgr, doc->xref);
    if (!cmap) return false;
    cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    /* the bytes drawn, in runs of at most 100 */
    bool ok = write_str(cmap->stream, cmap_head)
              && write_str(cmap->stream, "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n");
    unsigned used[256] = {0}, n = 0;
    for (unsigned b = 0; b < 256; b++)
        if (fa->used[b] && cp[b]) used[n++] = b;
    ok = ok && write_runs(cmap->stream, "bfchar", used, n, char_line, cp);
    return ok && write_str(cmap->stream, cmap_tail) && HPDF_Dict_Add(font, "ToUnicode", cmap) == HPDF_OK;
}
