/* bp_libs, zlib's initialisers: every stream the libraries start is deflated at
 * BP_DEFLATE_LEVEL with the smaller memory, whatever they ask for - and libharu's and
 * libxlsxwriter's calls really reach the initialisers (a change in linking would silently
 * bring back zlib's own). */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_test.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <hpdf.h>
#include <xlsxwriter.h>
#include "bp_libs.h"

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

/* Deflates data through a stream from deflateInit (level `init`), optionally switched to
 * `params` before any data (deflateParams is not interposed: the real level). */
static size_t deflate_with(const unsigned char *data, size_t n, int init, int params,
                           unsigned char *out, size_t cap)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit(&s, init), Z_OK);
    if (params >= 0) assert_int_equal(deflateParams(&s, params, Z_DEFAULT_STRATEGY), Z_OK);
    return finish_stream(&s, data, n, out, cap);
}

static void streams_get_the_fast_level(void **state)
{
    (void)state;
    size_t n;
    unsigned char *data = sample(&n);
    size_t cap = n + n / 100 + 64;
    unsigned char *a = malloc(cap), *b = malloc(cap), *c = malloc(cap);
    assert_true(a && b && c);
    unsigned long before = bp_deflate_streams();
    size_t na = deflate_with(data, n, Z_DEFAULT_COMPRESSION, -1, a, cap);   /* libharu's call */
    size_t nb = deflate_with(data, n, 9, BP_DEFLATE_LEVEL, b, cap);         /* the real level 1 */
    size_t nc = deflate_with(data, n, 9, 9, c, cap);                        /* the real level 9 */
    assert_int_equal(bp_deflate_streams(), before + 3);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_true(nc < na);            /* so level 9 was not what the default asked for gave */
    /* stored blocks stay stored: level 0 is a choice, not a default */
    unsigned long mid = bp_deflate_streams();
    size_t n0 = deflate_with(data, 1000, Z_NO_COMPRESSION, -1, a, cap);
    assert_true(n0 > 1000);
    assert_int_equal(bp_deflate_streams(), mid + 1);
    free(a);
    free(b);
    free(c);
    free(data);
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

/* The memory: libharu's deflateInit() streams get a 16 KB window and memory level 6, and
 * minizip's deflateInit2() streams keep their window with memory level 6 - byte for byte
 * what zlib itself writes with those parameters.  A zlib header names the window:
 * CINFO 6 (2^14 bytes), FLEVEL 0 (fastest), and a check that makes it a multiple of 31. */
static void streams_get_less_memory(void **state)
{
    (void)state;
    size_t n;
    unsigned char *data = sample(&n);
    size_t cap = n + n / 100 + 64;
    unsigned char *a = malloc(cap), *b = malloc(cap);
    assert_true(a && b);
    size_t na = deflate_with(data, n, Z_DEFAULT_COMPRESSION, -1, a, cap);
    size_t nb = real_deflate(data, n, 1, 14, 6, b, cap);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_int_equal(a[0], 0x68);
    assert_int_equal(a[1] >> 6, 0);
    assert_int_equal((a[0] * 256 + a[1]) % 31, 0);
    /* a raw stream as minizip starts it: its own window, memory level 6 */
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    na = finish_stream(&s, data, n, a, cap);
    nb = real_deflate(data, n, 1, -MAX_WBITS, 6, b, cap);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    /* and not what memory level 8 gives */
    size_t n8 = real_deflate(data, n, 1, -MAX_WBITS, 8, b, cap);
    assert_true(n8 != na || memcmp(a, b, na) != 0);
    free(a);
    free(b);
    free(data);
}

static void libharu_streams_come_here(void **state)
{
    (void)state;
    unsigned long before = bp_deflate_streams();
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
}

static void workbook_parts_come_here(void **state)
{
    (void)state;
    char path[] = "/tmp/bp_deflate_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unsigned long before = bp_deflate_streams();
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    assert_non_null(ws);
    assert_int_equal(worksheet_write_number(ws, 0, 0, 42, NULL), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_true(bp_deflate_streams() > before);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streams_get_the_fast_level),
        cmocka_unit_test(streams_get_less_memory),
        cmocka_unit_test(libharu_streams_come_here),
        cmocka_unit_test(workbook_parts_come_here),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
