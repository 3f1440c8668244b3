/* bp_libs, the version check: a library running as another version than the one compiled
 * against is refused with a message saying both and what to do; the messages are written
 * out by hand from bp_libs.h's wording - and libharu's byte loops that bp_libs.c defines
 * and its memory streams' writer give what libharu's own give. */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_test.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_mmgr.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <zlib.h>
#include "bp_libs.h"

/* ok, and msg untouched */
static void expect_ok(const char *built, const char *running, int parts)
{
    char msg[200] = "untouched";
    if (!bp_libs_version_ok("lib", built, running, parts, msg, sizeof msg))
        fail_msg("\"%s\" against \"%s\" (%d parts) refused: %s", built, running, parts, msg);
    assert_string_equal(msg, "untouched");
}

static void expect_refused(const char *name, const char *built, const char *running,
                           int parts, const char *want)
{
    char msg[200] = "";
    if (bp_libs_version_ok(name, built, running, parts, msg, sizeof msg))
        fail_msg("\"%s\" against \"%s\" (%d parts) accepted", built, running, parts);
    assert_string_equal(msg, want);
}

static void same_versions_pass(void **state)
{
    (void)state;
    expect_ok("2.3.0", "2.3.0", 3);
    expect_ok("1.2.13", "1.2.13", 2);
    expect_ok("1.2.13", "1.2.11", 2);            /* zlib: a later or earlier 1.2 release */
    expect_ok("1.2.13", "1.2.13.1-motley", 2);   /* what follows the compared numbers */
    expect_ok("1.2.13", "1.2", 2);
    expect_ok("2.3.0", "2.3.0RC2", 3);
}

static void other_versions_are_refused(void **state)
{
    (void)state;
    expect_refused("libharu", "2.3.0", "2.4.0", 3,
                   "built for libharu 2.3.0, running with libharu 2.4.0: rebuild boardpack");
    expect_refused("libharu", "2.3.0", "2.3.1", 3,
                   "built for libharu 2.3.0, running with libharu 2.3.1: rebuild boardpack");
    /* a missing part is no match */
    expect_refused("libharu", "2.3.0", "2.3", 3,
                   "built for libharu 2.3.0, running with libharu 2.3: rebuild boardpack");
    expect_refused("zlib", "1.2.13", "1.3.1", 2,
                   "built for zlib 1.2.13, running with zlib 1.3.1: rebuild boardpack");
    /* numbers, not prefixes: 1.2 is neither 1.20 nor 12.3 */
    expect_refused("zlib", "1.2.13", "1.20.1", 2,
                   "built for zlib 1.2.13, running with zlib 1.20.1: rebuild boardpack");
    expect_refused("libharu", "2.3.0", "12.3.0", 3,
                   "built for libharu 2.3.0, running with libharu 12.3.0: rebuild boardpack");
    expect_refused("zlib", "1.2.13", "", 2,
                   "built for zlib 1.2.13, running with an unknown version of zlib: rebuild "
                   "boardpack");
    expect_refused("zlib", "1.2.13", "v1.2.13", 2,
                   "built for zlib 1.2.13, running with zlib v1.2.13: rebuild boardpack");
    expect_refused("zlib", "1.2.13", NULL, 2,
                   "built for zlib 1.2.13, running with an unknown version of zlib: rebuild "
                   "boardpack");
}

/* A short buffer gets the start of the message; none at all is fine. */
static void messages_fit_their_buffer(void **state)
{
    (void)state;
    char msg[12];
    assert_false(bp_libs_version_ok("libharu", "2.3.0", "2.4.0", 3, msg, sizeof msg));
    assert_string_equal(msg, "built for l");
    assert_false(bp_libs_version_ok("libharu", "2.3.0", "2.4.0", 3, NULL, 0));
}

/* The libraries this test runs with are the ones it was compiled with (one machine), and
 * those are the versions bp_libs.c was written for. */
static void this_process_passes(void **state)
{
    (void)state;
    assert_string_equal(HPDF_GetVersion(), HPDF_VERSION_TEXT);
    assert_string_equal(HPDF_VERSION_TEXT, "2.3.0");
    assert_int_equal(zlibVersion()[0], ZLIB_VERSION[0]);
    assert_int_equal(strncmp(ZLIB_VERSION, "1.2.", 4), 0);
    bp_diags d;
    bp_diags_init(&d);
    assert_int_equal(bp_libs_check(&d), BP_OK);
    assert_int_equal(d.count, 0);
    bp_diags_free(&d);
}

/* libharu's own definition of name (the next after the executable's). */
static void *harus(const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);
    assert_non_null(sym);
    return sym;
}

typedef HPDF_BYTE *(*memcpy_fn)(HPDF_BYTE *, const HPDF_BYTE *, HPDF_UINT);
typedef void *(*memset_fn)(void *, HPDF_BYTE, HPDF_UINT);
typedef HPDF_UINT (*strlen_fn)(const char *, HPDF_INT);
typedef HPDF_BYTE *(*strcpy_fn)(char *, const char *, char *);

/* The same bytes and return values as libharu's, overlapping copies included. */
static void byte_loops_are_harus(void **state)
{
    (void)state;
    memcpy_fn mc;
    memset_fn ms;
    strlen_fn sl;
    strcpy_fn sc;
    void *p = harus("HPDF_MemCpy");
    memcpy(&mc, &p, sizeof mc);
    p = harus("HPDF_MemSet");
    memcpy(&ms, &p, sizeof ms);
    p = harus("HPDF_StrLen");
    memcpy(&sl, &p, sizeof sl);
    p = harus("HPDF_StrCpy");
    memcpy(&sc, &p, sizeof sc);
    memcpy_fn mine = HPDF_MemCpy;
    assert_true(memcmp(&mine, &mc, sizeof mine) != 0);   /* the executable's is another */
    HPDF_BYTE a[64], b[64];
    for (int off = -8; off <= 8; off++)
        for (unsigned n = 0; n <= 24; n++) {
            for (int i = 0; i < 64; i++) a[i] = b[i] = (HPDF_BYTE)(i * 7 + 1);
            HPDF_BYTE *ra = HPDF_MemCpy(a + 20 + off, a + 20, n);
            HPDF_BYTE *rb = mc(b + 20 + off, b + 20, n);
            assert_memory_equal(a, b, sizeof a);
            assert_ptr_equal(ra - a, rb - b);
            ra = HPDF_MemSet(a + off + 10, (HPDF_BYTE)n, n);
            rb = ms(b + off + 10, (HPDF_BYTE)n, n);
            assert_memory_equal(a, b, sizeof a);
            assert_ptr_equal(ra - a, rb - b);
        }
    const char *texts[] = {"", "a", "FlateDecode", "a longer name of thirty chars!"};
    for (size_t t = 0; t < 4; t++)
        for (int max = -1; max <= 32; max++) {
            assert_int_equal(HPDF_StrLen(texts[t], max), sl(texts[t], max));
            if (max < 0) continue;
            char x[40], y[40];
            memset(x, 'x', sizeof x);
            memset(y, 'x', sizeof y);
            HPDF_BYTE *rx = HPDF_StrCpy(x, texts[t], x + max);
            HPDF_BYTE *ry = sc(y, texts[t], y + max);
            assert_memory_equal(x, y, sizeof x);
            assert_int_equal((char *)rx - x, (char *)ry - y);
        }
    assert_int_equal(HPDF_StrLen(NULL, -1), sl(NULL, -1));
    char x[4] = "abc", y[4] = "abc";
    assert_int_equal((char *)HPDF_StrCpy(x, NULL, x + 3) - x, (char *)sc(y, NULL, y + 3) - y);
    assert_memory_equal(x, y, sizeof x);
}

typedef HPDF_STATUS (*write_fn)(HPDF_Stream, const HPDF_BYTE *, HPDF_UINT);
HPDF_STATUS HPDF_MemStream_WriteFunc(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT siz);

/* Memory streams written through bp_libs.c's HPDF_MemStream_WriteFunc hold what libharu's
 * own leaves - the same buffers, each filled as far - and new streams get it. */
static void mem_stream_writes_are_harus(void **state)
{
    (void)state;
    write_fn theirs;
    void *p = harus("HPDF_MemStream_WriteFunc");
    memcpy(&theirs, &p, sizeof theirs);
    HPDF_Doc doc = HPDF_New(NULL, NULL);
    assert_non_null(doc);
    HPDF_Stream a = HPDF_MemStream_New(doc->mmgr, 16), b = HPDF_MemStream_New(doc->mmgr, 16);
    assert_true(a && b);
    write_fn ours = HPDF_MemStream_WriteFunc;
    assert_true(memcmp(&a->write_fn, &ours, sizeof ours) == 0);
    assert_true(memcmp(&theirs, &ours, sizeof ours) != 0);
    HPDF_BYTE data[100];
    for (int i = 0; i < 100; i++) data[i] = (HPDF_BYTE)(i * 13 + 5);
    /* pieces shorter than, as long as and longer than a buffer, and none */
    static const HPDF_UINT sizes[] = {3, 13, 16, 0, 1, 40, 15, 16, 17, 2};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        assert_int_equal(HPDF_Stream_Write(a, data, sizes[i]), HPDF_OK);
        assert_int_equal(theirs(b, data, sizes[i]), HPDF_OK);
        b->size += sizes[i];    /* what HPDF_Stream_Write adds */
        HPDF_UINT n = HPDF_MemStream_GetBufCount(a);
        assert_int_equal(n, HPDF_MemStream_GetBufCount(b));
        HPDF_MemStreamAttr aa = a->attr, ba = b->attr;
        assert_int_equal(aa->w_pos, ba->w_pos);
        for (HPDF_UINT k = 0; k < n; k++) {
            HPDF_UINT la, lb;
            HPDF_BYTE *pa = HPDF_MemStream_GetBufPtr(a, k, &la);
            HPDF_BYTE *pb = HPDF_MemStream_GetBufPtr(b, k, &lb);
            HPDF_UINT used = k + 1 < n ? 16 : aa->w_pos;
            assert_int_equal(la, lb);
            assert_memory_equal(pa, pb, used);
        }
    }
    assert_int_equal(a->size, b->size);
    HPDF_Stream_Free(a);
    HPDF_Stream_Free(b);
    HPDF_Free(doc);
}

/* In a pool every allocation is aligned as malloc's, apart from every other, whatever the
 * sizes before it - in the block HPDF_MMgr_New made, in new blocks and in one larger than
 * a block - and the document goes at once with all of it (the leak checkers of make san
 * and valgrind see nothing left). */
static void pool_is_aligned_and_freed_at_once(void **state)
{
    (void)state;
    HPDF_Doc doc = HPDF_NewEx(NULL, NULL, NULL, BPI_POOL_SIZE, NULL);
    assert_non_null(doc);
    assert_non_null(doc->mmgr->mpool);
    enum { N = 600 };
    static const HPDF_UINT sizes[] = {1, 3, 24, 7, 13, 100, 4096, 2, 250000, 31, 0, 17};
    HPDF_BYTE *got[N];
    HPDF_UINT len[N];
    const size_t align = _Alignof(max_align_t);
    for (int i = 0; i < N; i++) {
        len[i] = sizes[i % (sizeof sizes / sizeof *sizes)];
        got[i] = HPDF_GetMem(doc->mmgr, len[i]);
        assert_non_null(got[i]);
        assert_int_equal((uintptr_t)got[i] % align, 0);
        memset(got[i], i & 0xFF, len[i]);
        HPDF_FreeMem(doc->mmgr, got[i]);    /* nothing until the document goes */
    }
    for (int i = 0; i < N; i++)
        for (HPDF_UINT k = 0; k < len[i]; k++) assert_int_equal(got[i][k], i & 0xFF);
    /* a document's objects and the file saved, in the same pool */
    HPDF_Page pg = HPDF_AddPage(doc);
    assert_non_null(pg);
    assert_int_equal(HPDF_Page_Rectangle(pg, 10, 10, 100, 50), HPDF_OK);
    assert_int_equal(HPDF_Page_Stroke(pg), HPDF_OK);
    assert_int_equal(HPDF_SaveToStream(doc), HPDF_OK);
    assert_true(HPDF_GetStreamSize(doc) > 0);
    bpi_doc_free(doc);
}

/* Without a pool, libharu's own: malloc's memory, each freed when libharu frees it. */
static void without_a_pool_memory_is_mallocs(void **state)
{
    (void)state;
    HPDF_Doc doc = HPDF_NewEx(NULL, NULL, NULL, 0, NULL);
    assert_non_null(doc);
    assert_null(doc->mmgr->mpool);
    void *p = HPDF_GetMem(doc->mmgr, 40);
    assert_non_null(p);
    memset(p, 1, 40);
    HPDF_FreeMem(doc->mmgr, p);
    HPDF_FreeMem(doc->mmgr, NULL);
    assert_non_null(HPDF_AddPage(doc));
    bpi_doc_free(doc);
}

/* The structure tree as the file has it, with and without a pool: each element's
 * dictionary written from its compact record in the order its entries came (ISO 32000-1,
 * 14.7.2), written out here by hand in libharu's layout ("<<", one "/Key value" a line,
 * ">>"; arrays "[ a b ]"), the same with and without a pool. */
static char *saved_tree(HPDF_UINT pool, size_t *len)
{
    HPDF_Doc doc = HPDF_NewEx(NULL, NULL, NULL, pool, NULL);
    assert_non_null(doc);
    HPDF_Page p1 = HPDF_AddPage(doc), p2 = HPDF_AddPage(doc);
    assert_non_null(p2);
    bpi_tags *t = bpi_tags_new(doc, 2);       /* objects: the root, then the Document */
    assert_non_null(t);
    int table = bpi_tags_elem(t, 0, "Table");
    int tr = bpi_tags_elem(t, table, "TR");
    int th = bpi_tags_elem(t, tr, "TH");
    assert_true(bpi_tags_scope(t, th, "Column"));
    assert_true(bpi_tags_text(t, th, "ActualText", "Met \xE2\x9C\x93"));
    assert_true(bpi_tags_content(t, th, p1, 0, 0));
    int par = bpi_tags_elem(t, 0, "P");        /* over a page break: an MCR */
    assert_true(bpi_tags_content(t, par, p1, 0, 1));
    assert_true(bpi_tags_content(t, par, p2, 1, 0));
    int fig = bpi_tags_elem(t, 0, "Figure");
    assert_true(bpi_tags_text(t, fig, "Alt", "A chart"));
    assert_true(bpi_tags_bbox(t, fig, 1.5f, 2, 30, 40));
    assert_true(bpi_tags_content(t, fig, p2, 1, 1));
    assert_int_equal(fig, 5);
    int lk = bpi_tags_elem(t, 0, "Link");     /* numbered before the annotation */
    HPDF_Rect box = {10, 10, 50, 20};
    HPDF_Annotation link = HPDF_Page_CreateLinkAnnot(p1, box, HPDF_Page_CreateDestination(p2));
    assert_non_null(link);
    assert_true(bpi_tags_content(t, lk, p1, 0, 2));
    assert_true(bpi_tags_annot(t, lk, link, p1, "Page 2"));
    HPDF_Page pages[2] = {p1, p2};
    assert_true(bpi_tags_finish(t, pages));
    assert_int_equal(HPDF_SaveToStream(doc), HPDF_OK);
    HPDF_UINT32 size = HPDF_GetStreamSize(doc);
    char *all = calloc(1, size + 1);
    assert_non_null(all);
    HPDF_UINT32 n = size;
    HPDF_ResetStream(doc);
    HPDF_ReadFromStream(doc, (HPDF_BYTE *)all, &n);
    assert_int_equal(n, size);
    *len = size;
    bpi_tags_free(t);
    bpi_doc_free(doc);
    return all;
}

static void expect_in(const char *all, const char *want)
{
    if (!strstr(all, want)) fail_msg("not in the file:\n%s", want);
}

static void structure_tree_written_from_records(void **state)
{
    (void)state;
    size_t len_pool, len_malloc;
    char *pooled = saved_tree(BPI_POOL_SIZE, &len_pool);
    char *malloced = saved_tree(0, &len_malloc);
    assert_int_equal(len_pool, len_malloc);
    assert_memory_equal(pooled, malloced, len_pool);
    /* the object numbers: libharu's catalog, outlines and pages come first; find the
     * root's and the Document's and read the others from them */
    const char *root = strstr(pooled, "/Type /StructTreeRoot");
    assert_non_null(root);
    unsigned r = 0, pg1 = 0, pg2 = 0;
    /* the pages are the objects with /Type /Page: their numbers from "N 0 obj" before */
    for (const char *s = pooled; (s = strstr(s, " 0 obj\012<<\012/Type /Page\012")) != NULL; s++) {
        const char *b = s;
        while (b > pooled && b[-1] >= '0' && b[-1] <= '9') b--;
        if (!pg1) pg1 = (unsigned)atoi(b);
        else pg2 = (unsigned)atoi(b);
    }
    for (const char *b = root; b > pooled; b--)
        if (strncmp(b, " 0 obj", 6) == 0) {
            while (b > pooled && b[-1] >= '0' && b[-1] <= '9') b--;
            r = (unsigned)atoi(b);
            break;
        }
    assert_true(r > 0 && pg1 > 0 && pg2 > 0);
    unsigned doc = r + 1, table = r + 2, tr = r + 3, th = r + 4, par = r + 5, fig = r + 6;
    char want[512];
    snprintf(want, sizeof want, "%u 0 obj\012<<\012/S /Document\012/P %u 0 R\012/K [ %u 0 R %u 0 R %u 0 R %u 0 R ]\012>>",
             doc, r, table, par, fig, fig + 1);
    expect_in(pooled, want);
    snprintf(want, sizeof want, "%u 0 obj\012<<\012/S /TR\012/P %u 0 R\012/K [ %u 0 R ]\012>>", tr, table, th);
    expect_in(pooled, want);
    /* the tick as UTF-16BE with its byte-order mark, the attributes before the content */
    snprintf(want, sizeof want,
             "%u 0 obj\012<<\012/S /TH\012/P %u 0 R\012/A <<\012/O /Table\012/Scope /Column\012>>\012"
             "/ActualText <FEFF004D0065007400202713>\012/K [ 0 ]\012/Pg %u 0 R\012>>", th, tr, pg1);
    expect_in(pooled, want);
    snprintf(want, sizeof want,
             "%u 0 obj\012<<\012/S /P\012/P %u 0 R\012/K [ 1 <<\012/Type /MCR\012/Pg %u 0 R\012/MCID 0\012>> ]\012"
             "/Pg %u 0 R\012>>", par, doc, pg2, pg1);
    expect_in(pooled, want);
    snprintf(want, sizeof want,
             "%u 0 obj\012<<\012/S /Figure\012/P %u 0 R\012/Alt (A chart)\012/A <<\012/O /Layout\012"
             "/BBox [ 1.5 2 30 40 ]\012>>\012/K [ 1 ]\012/Pg %u 0 R\012>>", fig, doc, pg2);
    expect_in(pooled, want);
    /* the link's content, then its annotation as an object reference */
    snprintf(want, sizeof want,
             "%u 0 obj\012<<\012/S /Link\012/P %u 0 R\012/K [ 2 <<\012/Type /OBJR\012/Pg %u 0 R\012/Obj ",
             fig + 1, doc, pg1);
    expect_in(pooled, want);
    expect_in(pooled, "/Contents (Page 2)");
    free(pooled);
    free(malloced);
}

/* A list holds what libharu's holds, in order, grown by its step and then by doubling
 * (libharu's own, by the step alone, would end 5,000 items of step 1,024 at 5,120), with
 * and without a pool; the memory checkers see every outgrown array freed without one. */
static void lists_grow_by_doubling(void **state)
{
    (void)state;
    typedef HPDF_STATUS (*add_fn)(HPDF_List, void *);
    add_fn theirs;
    void *p = harus("HPDF_List_Add");
    memcpy(&theirs, &p, sizeof theirs);
    static const HPDF_UINT pools[] = {BPI_POOL_SIZE, 0};
    for (size_t k = 0; k < 2; k++) {
        HPDF_Doc doc = HPDF_NewEx(NULL, NULL, NULL, pools[k], NULL);
        assert_non_null(doc);
        HPDF_List ours = HPDF_List_New(doc->mmgr, 1024), own = HPDF_List_New(doc->mmgr, 1024);
        assert_non_null(own);
        static int items[5000];
        for (int i = 0; i < 5000; i++) {
            assert_int_equal(HPDF_List_Add(ours, &items[i]), HPDF_OK);
            assert_int_equal(theirs(own, &items[i]), HPDF_OK);
            if (i == 0) assert_int_equal(ours->block_siz, 1024);
            if (i == 1024) assert_int_equal(ours->block_siz, 2048);
        }
        assert_int_equal(ours->count, 5000);
        assert_int_equal(ours->block_siz, 8192);      /* 1,024, 2,048, 4,096, 8,192 */
        assert_int_equal(own->block_siz, 5120);
        for (int i = 0; i < 5000; i++) assert_ptr_equal(HPDF_List_ItemAt(ours, (HPDF_UINT)i), &items[i]);
        HPDF_List small = HPDF_List_New(doc->mmgr, 8);
        for (int i = 0; i < 9; i++) assert_int_equal(HPDF_List_Add(small, &items[i]), HPDF_OK);
        assert_int_equal(small->block_siz, 16);       /* a dictionary's first step: 8 */
        HPDF_List_Free(small);
        HPDF_List_Free(ours);
        HPDF_List_Free(own);
        bpi_doc_free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_versions_pass),
        cmocka_unit_test(other_versions_are_refused),
        cmocka_unit_test(messages_fit_their_buffer),
        cmocka_unit_test(this_process_passes),
        cmocka_unit_test(byte_loops_are_harus),
        cmocka_unit_test(mem_stream_writes_are_harus),
        cmocka_unit_test(pool_is_aligned_and_freed_at_once),
        cmocka_unit_test(without_a_pool_memory_is_mallocs),
        cmocka_unit_test(structure_tree_written_from_records),
        cmocka_unit_test(lists_grow_by_doubling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
