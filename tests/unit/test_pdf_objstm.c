/* bp_pdf_objstm: a document libharu saved, rewritten with object streams, read back here
 * by hand (zlib's inflate, the layout of ISO 32000-1 7.5.7 and 7.5.8): every object of
 * libharu's table is found again - a stream object at its offset, any other in an object
 * stream at the index the cross-reference stream gives - and a file not laid out as
 * libharu writes it is refused, with nothing made. */
#include "bp_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <zlib.h>
#include "../../src/bp_pdf_internal.h"

static unsigned char *saved(size_t *n)
{
    HPDF_Doc doc = HPDF_New(NULL, NULL);
    assert_non_null(doc);
    HPDF_SetCompressionMode(doc, HPDF_COMP_ALL);
    doc->pdf_version = HPDF_VER_17;        /* as bpi_doc_tagged makes every pack */
    for (int i = 0; i < 3; i++) {
        HPDF_Page pg = HPDF_AddPage(doc);
        HPDF_Page_MoveTo(pg, 10, 10);
        HPDF_Page_LineTo(pg, 100, 100 + i);
        HPDF_Page_Stroke(pg);
    }
    assert_int_equal(HPDF_SaveToStream(doc), HPDF_OK);
    HPDF_UINT32 size = HPDF_GetStreamSize(doc);
    unsigned char *b = malloc(size);
    assert_non_null(b);
    HPDF_ResetStream(doc);
    HPDF_UINT32 got = size;
    HPDF_ReadFromStream(doc, b, &got);
    assert_int_equal(got, size);
    HPDF_Free(doc);
    *n = size;
    return b;
}

static const char *find(const unsigned char *s, size_t n, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= n; i++)
        if (memcmp(s + i, what, w) == 0) return (const char *)s + i;
    return NULL;
}

/* The stream of the object at `at`: its /Length bytes after "stream\r\n", inflated. */
static unsigned char *inflated(const unsigned char *file, size_t n, size_t at, size_t *len)
{
    const char *dict = (const char *)file + at;
    const char *l = find(file + at, n - at, "/Length ");
    const char *st = find(file + at, n - at, "stream\r\n");
    assert_non_null(l);
    assert_non_null(st);
    assert_true(l < st && dict < l);
    size_t zlen = strtoul(l + 8, NULL, 10);
    unsigned char *out = malloc(1 << 20);
    assert_non_null(out);
    uLongf olen = 1 << 20;
    assert_int_equal(uncompress(out, &olen, (const Bytef *)st + 8, zlen), Z_OK);
    *len = olen;
    return out;
}

static void every_object_found_again(void **state)
{
    (void)state;
    size_t n, m;
    unsigned char *in = saved(&n), *out = NULL;
    assert_true(bpi_objstm_pack(in, n, &out, &m));
    assert_non_null(out);
    assert_memory_equal(out, "%PDF-1.", 7);
    assert_true(m > 7 && memcmp(out + m - 6, "%%EOF\n", 6) == 0);
    /* libharu's table: object i at offset off[i] */
    const char *sx = find(in + n - 64, 64, "startxref");
    size_t xref = strtoul(sx + 10, NULL, 10);
    const char *p = (const char *)in + xref + 5;
    char *after;
    (void)strtoul(p, &after, 10);                  /* the first object's number, 0 */
    unsigned long count = strtoul(after, &after, 10);
    p = after;
    while (*p == '\r' || *p == '\n' || *p == ' ') p++;
    assert_true(count > 3);

    /* the cross-reference stream, /W [1 4 2] */
    const char *osx = find(out + m - 64, 64, "startxref");
    size_t xat = strtoul(osx + 10, NULL, 10);
    assert_non_null(find(out + xat, m - xat, "/Type /XRef"));
    assert_non_null(find(out + xat, m - xat, "/Root 1 0 R"));
    unsigned long size = strtoul(find(out + xat, m - xat, "/Size ") + 6, NULL, 10);
    size_t rl;
    unsigned char *rows = inflated(out, m, xat, &rl);
    assert_int_equal(rl, size * 7);
    assert_int_equal(rows[0], 0);
    unsigned streams = 0, packed = 0;
    for (unsigned long i = 1; i < count; i++) {
        const unsigned char *r = rows + i * 7;
        unsigned long f2 = (unsigned long)r[1] << 24 | (unsigned long)r[2] << 16 | r[3] << 8 | r[4];
        unsigned f3 = (unsigned)(r[5] << 8 | r[6]);
        size_t off = strtoul(p + i * 20, NULL, 10);
        size_t end = i + 1 < count ? strtoul(p + (i + 1) * 20, NULL, 10) : xref;
        const char *body = find(in + off, end - off, " 0 obj\n") + 7;
        size_t blen = (size_t)((const char *)in + end - strlen("endobj\n") - body);
        if (r[0] == 1) {
            /* a stream object, byte for byte at its new offset */
            assert_true(f2 + (end - off) <= m);
            assert_memory_equal(out + f2, in + off, end - off);
            streams++;
            continue;
        }
        assert_int_equal(r[0], 2);
        /* in object stream f2, index f3: the object stream's own row gives its offset */
        const unsigned char *sr = rows + f2 * 7;
        assert_int_equal(sr[0], 1);
        size_t sat = (size_t)sr[1] << 24 | (size_t)sr[2] << 16 | (size_t)sr[3] << 8 | sr[4];
        assert_non_null(find(out + sat, 200, "/Type /ObjStm"));
        size_t first = strtoul(find(out + sat, 200, "/First ") + 7, NULL, 10);
        size_t sl;
        unsigned char *objs = inflated(out, m, sat, &sl);
        const char *q = (const char *)objs;
        unsigned long num = 0;
        size_t at = 0;
        for (unsigned k = 0; k <= f3; k++) {
            num = strtoul(q, (char **)&q, 10);
            at = strtoul(q, (char **)&q, 10);
        }
        assert_int_equal(num, i);
        assert_true(first + at + blen <= sl);
        assert_memory_equal(objs + first + at, body, blen);
        packed++;
        free(objs);
    }
    assert_true(streams >= 3 && packed >= 5);      /* the pages' contents; catalog, pages... */
    free(rows);
    free(out);
    free(in);
}

static void other_layouts_refused(void **state)
{
    (void)state;
    size_t n, m = 99;
    unsigned char *in = saved(&n), *out = (unsigned char *)"x";
    static const char junk[] = "%PDF-1.7\nnot a file libharu wrote\nstartxref\n3\n%%EOF\n";
    assert_false(bpi_objstm_pack((const unsigned char *)junk, sizeof junk - 1, &out, &m));
    assert_null(out);
    assert_int_equal(m, 0);
    /* cut short, and one object's header moved */
    assert_false(bpi_objstm_pack(in, n / 2, &out, &m));
    assert_null(out);
    char *two = (char *)find(in, n, "\n2 0 obj\n");
    assert_non_null(two);
    two[1] = '7';
    assert_false(bpi_objstm_pack(in, n, &out, &m));
    assert_null(out);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_object_found_again),
        cmocka_unit_test(other_layouts_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
