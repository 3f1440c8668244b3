/* bp_deflate, the one deflate seam: every stream the libraries start is deflated whole by
 * libdeflate at BP_LIBDEFLATE_LEVEL, whatever level they ask for, and what libdeflate is not
 * given by zlib at BP_DEFLATE_LEVEL with the smaller memory - and libharu's and
 * libxlsxwriter's calls really reach the interposed functions (a change in linking would
 * silently bring back zlib's own). */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_test.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <hpdf.h>
#include <xlsxwriter.h>
#include <libdeflate.h>
#include "bp_deflate.h"

/* Text that deflates differently at levels 1 and 9: repeats near and far. */
static unsigned char *sample(size_t *n)
{
    size_t cap = 200000, len = 0;
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    unsigned long x = 12345;
    while (len + 64 < cap) {
        x = x * 1103515245u + 12345u;
        len += (size_t)snprintf((char *)buf + len, cap - len, "%s %lu income.%lu; ",
                                (x >> 16) % 3 ? "budget" : "forecast", (x >> 8) % 977,
                                (x >> 20) % 13);
    }
    *n = len;
    return buf;
}

/* Deflates all of data through a started stream and ends it; the size written. */
static size_t finish_stream(z_stream *s, const unsigned char *data, size_t n,
                            unsigned char *out, size_t cap)
{
    s->next_in = (unsigned char *)data;
    s->avail_in = (uInt)n;
    s->next_out = out;
    s->avail_out = (uInt)cap;
    assert_int_equal(deflate(s, Z_FINISH), Z_STREAM_END);
    size_t got = cap - s->avail_out;
    deflateEnd(s);
    return got;
}

/* Deflates data through a stream from deflateInit at `level`. */
static size_t deflate_with(const unsigned char *data, size_t n, int level, unsigned char *out,
                           size_t cap)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit(&s, level), Z_OK);
    return finish_stream(&s, data, n, out, cap);
}

/* Deflates data through a stream from deflateInit2 with these parameters. */
static size_t deflate2_with(const unsigned char *data, size_t n, int level, int bits,
                            unsigned char *out, size_t cap)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    return finish_stream(&s, data, n, out, cap);
}

typedef int (*init2_fn)(z_streamp, int, int, int, int, int, const char *, int);

/* Deflates data with zlib's own deflateInit2_ (the next definition after the
 * executable's) and explicit parameters. */
static size_t real_deflate(const unsigned char *data, size_t n, int level, int bits, int mem,
                           unsigned char *out, size_t cap)
{
    void *sym = dlsym(RTLD_NEXT, "deflateInit2_");
    assert_non_null(sym);
    init2_fn init2;
    memcpy(&init2, &sym, sizeof init2);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(init2(&s, level, Z_DEFLATED, bits, mem, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                           (int)sizeof s),
                     Z_OK);
    return finish_stream(&s, data, n, out, cap);
}

/* Inflates a stream of `bits` (zlib's meaning) and checks it gives data back. */
static void inflates_to(const unsigned char *z, size_t nz, int bits, const unsigned char *data,
                        size_t n)
{
    unsigned char *back = malloc(n + 1);
    assert_non_null(back);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, bits), Z_OK);
    s.next_in = (unsigned char *)z;
    s.avail_in = (uInt)nz;
    s.next_out = back;
    s.avail_out = (uInt)n + 1;
    assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
    assert_int_equal(s.total_out, n);
    assert_int_equal(s.avail_in, 0);
    assert_memory_equal(back, data, n);
    inflateEnd(&s);
    free(back);
}

/* libharu's deflateInit() streams and minizip's raw deflateInit2() ones, at any level
 * they ask for, are libdeflate's level-1 bytes, in zlib's format and raw; and they are
 * what they deflate. */
static void streams_are_libdeflates(void **state)
{
    (void)state;
    size_t n;
    unsigned char *data = sample(&n);
    size_t cap = n + n / 100 + 64;
    unsigned char *a = malloc(cap), *b = malloc(cap);
    assert_true(a && b);
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    assert_non_null(c);
    unsigned long before = bp_deflate_streams(), whole = bp_deflate_whole_streams();
    size_t na = deflate_with(data, n, Z_DEFAULT_COMPRESSION, a, cap);   /* libharu's call */
    size_t nb = libdeflate_zlib_compress(c, data, n, b, cap);
    assert_true(nb > 0);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    inflates_to(a, na, MAX_WBITS, data, n);
    /* zlib's header: deflate with a 32 KB window (0x78), FLEVEL 0 (fastest) */
    assert_int_equal(a[0], 0x78);
    assert_int_equal(a[1] >> 6, 0);
    na = deflate2_with(data, n, 9, -MAX_WBITS, a, cap);                   /* minizip's */
    nb = libdeflate_deflate_compress(c, data, n, b, cap);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    inflates_to(a, na, -MAX_WBITS, data, n);
    assert_int_equal(bp_deflate_streams(), before + 2);
    assert_int_equal(bp_deflate_whole_streams(), whole + 2);
    /* level 6 of zlib's own is larger: not what was written */
    size_t n6 = real_deflate(data, n, 6, -MAX_WBITS, 8, b, cap);
    assert_true(n6 != na || memcmp(a, b, na) != 0);
    /* an empty stream is a valid one */
    na = deflate_with(data, 0, Z_DEFAULT_COMPRESSION, a, cap);
    inflates_to(a, na, MAX_WBITS, data, 0);
    libdeflate_free_compressor(c);
    free(a);
    free(b);
    free(data);
}

/* As the libraries call it: input a few KB a call, output a few KB at a time, the stream's
 * counts kept as zlib keeps them - and the same bytes as in one call. */
static void streams_in_pieces(void **state)
{
    (void)state;
    size_t n;
    unsigned char *data = sample(&n);
    size_t cap = n + n / 100 + 64;
    unsigned char *a = malloc(cap), *b = malloc(cap);
    assert_true(a && b);
    size_t na = deflate2_with(data, n, Z_DEFAULT_COMPRESSION, -MAX_WBITS, a, cap);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t in = 0, out = 0;
    while (in < n) {
        size_t k = n - in < 4000 ? n - in : 4000;
        s.next_in = data + in;
        s.avail_in = (uInt)k;
        while (s.avail_in > 0) {
            s.next_out = b + out;
            s.avail_out = 1000;
            assert_int_equal(deflate(&s, Z_NO_FLUSH), Z_OK);
            out += 1000 - s.avail_out;
        }
        in += k;
        assert_int_equal(s.total_in, in);
    }
    int r = Z_OK;
    while (r == Z_OK) {
        s.next_out = b + out;
        s.avail_out = 1000;
        r = deflate(&s, Z_FINISH);
        out += 1000 - s.avail_out;
    }
    assert_int_equal(r, Z_STREAM_END);
    assert_int_equal(s.total_out, out);
    /* zlib's answers once a stream has ended */
    s.avail_out = 10;
    assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
    assert_int_equal(deflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
    assert_int_equal(deflateEnd(&s), Z_OK);
    assert_int_equal(out, na);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    free(data);
}

/* What libdeflate is not given goes to zlib's own, at level 1 with memory level 6 and, for
 * deflateInit(), a 16 KB window - byte for byte what zlib writes with those parameters:
 * stored blocks (level 0, a choice), the gzip format, another strategy, and a flush
 * libdeflate cannot make. */
static void the_rest_goes_to_zlib(void **state)
{
    (void)state;
    size_t n;
    unsigned char *data = sample(&n);
    size_t cap = n + n / 100 + 64;
    unsigned char *a = malloc(cap), *b = malloc(cap);
    assert_true(a && b);
    unsigned long whole = bp_deflate_whole_streams();
    size_t n0 = deflate_with(data, 1000, Z_NO_COMPRESSION, a, cap);
    assert_true(n0 > 1000);
    size_t na = deflate2_with(data, n, 9, MAX_WBITS + 16, a, cap);
    size_t nb = real_deflate(data, n, 1, MAX_WBITS + 16, 6, b, cap);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_HUFFMAN_ONLY), Z_OK);
    na = finish_stream(&s, data, n, a, cap);
    inflates_to(a, na, -MAX_WBITS, data, n);
    assert_int_equal(bp_deflate_whole_streams(), whole);
    /* a sync flush after some input: what was kept goes to zlib first, nothing lost; the
     * stream is then zlib's (deflateParams works on it) */
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit(&s, Z_DEFAULT_COMPRESSION), Z_OK);
    assert_int_equal(deflateParams(&s, 1, Z_DEFAULT_STRATEGY), Z_STREAM_ERROR);  /* not zlib's yet */
    s.next_in = data;
    s.avail_in = (uInt)(n / 2);
    s.next_out = a;
    s.avail_out = (uInt)cap;
    assert_int_equal(deflate(&s, Z_NO_FLUSH), Z_OK);
    assert_int_equal(deflate(&s, Z_SYNC_FLUSH), Z_OK);
    assert_int_equal(s.avail_in, 0);
    assert_int_equal(deflateParams(&s, 1, Z_DEFAULT_STRATEGY), Z_OK);
    s.avail_in = (uInt)(n - n / 2);
    assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
    assert_int_equal(s.total_in, n);
    na = s.total_out;
    assert_int_equal(deflateEnd(&s), Z_OK);
    inflates_to(a, na, BP_DEFLATE_PDF_WINDOW_BITS, data, n);
    assert_int_equal(bp_deflate_whole_streams(), whole);
    /* zlib's checks of the arguments */
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, 6, 7, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_STREAM_ERROR);
    assert_int_equal(deflateInit2(&s, 10, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_STREAM_ERROR);
    assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, -8, 8, Z_DEFAULT_STRATEGY), Z_STREAM_ERROR);
    assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 15, 0, Z_DEFAULT_STRATEGY), Z_STREAM_ERROR);
    free(a);
    free(b);
    free(data);
}

/* A stream larger than BP_DEFLATE_WHOLE_MAX goes on in zlib: its bytes are zlib's level 1
 * with memory level 6, whole, although it began as libdeflate's. */
static void large_streams_go_to_zlib(void **state)
{
    (void)state;
    size_t n1;
    unsigned char *one = sample(&n1);
    size_t n = BP_DEFLATE_WHOLE_MAX + n1;
    unsigned char *data = malloc(n);
    assert_non_null(data);
    for (size_t i = 0; i < n; i += n1) memcpy(data + i, one, n - i < n1 ? n - i : n1);
    size_t cap = n + n / 100 + 64;
    unsigned char *a = malloc(cap), *b = malloc(cap);
    assert_true(a && b);
    unsigned long whole = bp_deflate_whole_streams();
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t in = 0, out = 0;
    int r = Z_OK;
    while (r == Z_OK) {
        size_t k = n - in < 65536 ? n - in : 65536;
        s.next_in = data + in;
        s.avail_in = (uInt)k;
        int flush = in + k == n ? Z_FINISH : Z_NO_FLUSH;
        do {
            s.next_out = a + out;
            s.avail_out = 16384;
            r = deflate(&s, flush);
            out += 16384 - s.avail_out;
        } while (r == Z_OK && (s.avail_in > 0 || (flush == Z_FINISH && s.avail_out == 0)));
        in += k;
        if (flush == Z_FINISH) break;
    }
    assert_int_equal(r, Z_STREAM_END);
    assert_int_equal(s.total_in, n);
    assert_int_equal(s.total_out, out);
    assert_int_equal(deflateEnd(&s), Z_OK);
    size_t nb = real_deflate(data, n, 1, -MAX_WBITS, 6, b, cap);
    assert_int_equal(out, nb);
    assert_memory_equal(a, b, nb);
    assert_int_equal(bp_deflate_whole_streams(), whole);
    free(a);
    free(b);
    free(data);
    free(one);
}

/* crc32 is libdeflate's, and zlib's answer: empty, chained, from NULL. */
static void crc32_is_zlibs(void **state)
{
    (void)state;
    typedef uLong (*crc_fn)(uLong, const Bytef *, uInt);
    void *sym = dlsym(RTLD_NEXT, "crc32");
    assert_non_null(sym);
    crc_fn zlib_crc;
    memcpy(&zlib_crc, &sym, sizeof zlib_crc);
    assert_true(zlib_crc != crc32);
    size_t n;
    unsigned char *data = sample(&n);
    assert_int_equal(crc32(0, NULL, 0), 0);
    assert_int_equal(crc32(12345, NULL, 10), zlib_crc(12345, NULL, 10));
    assert_int_equal(crc32(0, data, 0), 0);
    /* "123456789": the check value of CRC-32 */
    assert_int_equal(crc32(0, (const Bytef *)"123456789", 9), 0xCBF43926u);
    for (size_t k = 1; k < n; k = k * 3 + 1) {
        uLong a = crc32(0, data, (uInt)k), b = zlib_crc(0, data, (uInt)k);
        assert_int_equal(a, b);
        assert_int_equal(crc32(a, data + k, (uInt)(n - k)), zlib_crc(b, data + k, (uInt)(n - k)));
    }
    free(data);
}

static void libharu_streams_come_here(void **state)
{
    (void)state;
    unsigned long before = bp_deflate_streams(), whole = bp_deflate_whole_streams();
    HPDF_Doc doc = HPDF_New(NULL, NULL);
    assert_non_null(doc);
    HPDF_SetCompressionMode(doc, HPDF_COMP_ALL);
    HPDF_Page pg = HPDF_AddPage(doc);
    HPDF_Page_MoveTo(pg, 10, 10);
    HPDF_Page_LineTo(pg, 100, 100);
    HPDF_Page_Stroke(pg);
    assert_int_equal(HPDF_SaveToStream(doc), HPDF_OK);
    HPDF_Free(doc);
    assert_true(bp_deflate_streams() > before);
    assert_int_equal(bp_deflate_whole_streams() - whole, bp_deflate_streams() - before);
}

static void workbook_parts_come_here(void **state)
{
    (void)state;
    char path[] = "/tmp/bp_deflate_XXXXXX";
    bp_test_temp_file(path);
    unsigned long before = bp_deflate_streams(), whole = bp_deflate_whole_streams();
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    assert_non_null(ws);
    assert_int_equal(worksheet_write_number(ws, 0, 0, 42, NULL), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_true(bp_deflate_streams() > before);
    assert_int_equal(bp_deflate_whole_streams() - whole, bp_deflate_streams() - before);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streams_are_libdeflates),
        cmocka_unit_test(streams_in_pieces),
        cmocka_unit_test(the_rest_goes_to_zlib),
        cmocka_unit_test(large_streams_go_to_zlib),
        cmocka_unit_test(crc32_is_zlibs),
        cmocka_unit_test(libharu_streams_come_here),
        cmocka_unit_test(workbook_parts_come_here),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
