/* bp_deflate: zlib's initialisers, deflate, deflateEnd and crc32, interposed so that every stream
 * libharu and minizip start is deflated whole by libdeflate, else by zlib at its fastest
 * level (include/bp_deflate.h says which and why). */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_deflate.h"

#include <dlfcn.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "bp_libs.h"

/* What this file was written against: zlib 1.2's initialisers and their defaults
 * (deflateInit_ is deflateInit2_ with Z_DEFLATED, MAX_WBITS, memory level 8,
 * Z_DEFAULT_STRATEGY) and the checks its deflateInit2_ and deflate make of their
 * arguments, mirrored below for the streams zlib never sees. */
#if !defined(ZLIB_VERNUM) || ZLIB_VERNUM < 0x1200 || ZLIB_VERNUM >= 0x1300
#error "bp_deflate.c interposes zlib 1.2's deflateInit_, deflateInit2_, deflate and deflateEnd and this is another zlib: check their signatures, defaults and argument checks against its zlib.h and deflate.c, then update the versions here and in bp_libs_check"
#endif

typedef int (*init2_fn)(z_streamp, int, int, int, int, int, const char *, int);
typedef int (*deflate_fn)(z_streamp, int);
typedef int (*end_fn)(z_streamp);

static unsigned long streams, whole_streams;

unsigned long bp_deflate_streams(void)
{
    return streams;
}

unsigned long bp_deflate_whole_streams(void)
{
    return whole_streams;
}

/* zlib's own definition of `name`: the next after this executable's. */
static void *zlib_sym(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

static init2_fn zlib_init2(void)
{
    static init2_fn fn;
    if (!fn) {
        void *sym = zlib_sym("deflateInit2_");
        memcpy(&fn, &sym, sizeof fn);   /* POSIX: a data pointer that is a function */
    }
    return fn;
}

static deflate_fn zlib_deflate(void)
{
    static deflate_fn fn;
    if (!fn) {
        void *sym = zlib_sym("deflate");
        memcpy(&fn, &sym, sizeof fn);
    }
    return fn;
}

static end_fn zlib_end(void)
{
    static end_fn fn;
    if (!fn) {
        void *sym = zlib_sym("deflateEnd");
        memcpy(&fn, &sym, sizeof fn);
    }
    return fn;
}

/* ---- streams kept for libdeflate ---- */

/* A stream kept whole: its input until Z_FINISH, then its output being handed out.  A
 * few at once (libharu and minizip each deflate one stream at a time); a stream started
 * when all are taken goes to zlib. */
typedef struct {
    z_streamp strm;         /* NULL: free */
    bool zlib_format;       /* else raw deflate */
    bool zlib;              /* handed to zlib: `in` from `fed` on still to give it */
    bool done;              /* compressed: `out` from `given` on still to hand out */
    int window_bits, mem_level;     /* for zlib, should the stream go there */
    unsigned char *in, *out;
    size_t len, cap, fed, out_len, out_cap, given;
} whole;

#define WHOLE_SLOTS 4
static whole slots[WHOLE_SLOTS];
static struct libdeflate_compressor *compressor;

/* The slot of strm (NULL: a free one), or NULL. */
static whole *find(z_streamp strm)
{
    for (int i = 0; i < WHOLE_SLOTS; i++)
        if (slots[i].strm == strm) return &slots[i];
    return NULL;
}

/* A slot's buffers are kept for the next stream, at most BP_DEFLATE_WHOLE_MAX and its
 * output: no allocation per stream, and no memory touched afresh for each (the worker's
 * peak is what it has touched). */
static void release(whole *w)
{
    w->strm = NULL;
}

/* Hands the stream to zlib: started with its parameters, the input kept so far to be fed
 * to it before the caller's (feed).  Z_OK or zlib's error. */
static int to_zlib(whole *w, z_streamp strm)
{
    int r = zlib_init2()(strm, BP_DEFLATE_LEVEL, Z_DEFLATED, w->window_bits, w->mem_level,
                         Z_DEFAULT_STRATEGY, ZLIB_VERSION, (int)sizeof *strm);
    if (r != Z_OK) return r;
    /* zlib's start counts no input: the kept bytes are counted again as it takes them */
    strm->total_in = 0;
    w->zlib = true;
    w->fed = 0;
    return Z_OK;
}

/* Feeds zlib the input kept before the stream went to it, as far as avail_out allows;
 * true when all of it has been fed (the caller's own input can follow). */
static bool feed(whole *w, z_streamp strm, int *r)
{
    Bytef *next_in = strm->next_in;
    uInt avail_in = strm->avail_in;
    *r = Z_OK;
    while (w->fed < w->len && strm->avail_out > 0) {
        size_t left = w->len - w->fed;
        strm->next_in = w->in + w->fed;
        strm->avail_in = left > (1u << 30) ? 1u << 30 : (uInt)left;
        *r = zlib_deflate()(strm, Z_NO_FLUSH);
        w->fed += (size_t)(strm->next_in - (w->in + w->fed));
        if (*r != Z_OK) break;
    }
    strm->next_in = next_in;
    strm->avail_in = avail_in;
    return w->fed == w->len;
}

/* Takes the caller's input into the kept bytes; false when that would pass
 * BP_DEFLATE_WHOLE_MAX or memory runs out (the stream must go to zlib). */
static bool keep(whole *w, z_streamp strm)
{
    size_t n = strm->avail_in;
    if (n == 0) return true;
    if (n > BP_DEFLATE_WHOLE_MAX - w->len) return false;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 16384;
        while (cap < w->len + n) cap *= 2;
        unsigned char *in = realloc(w->in, cap);
        if (!in) return false;
        w->in = in;
        w->cap = cap;
    }
    memcpy(w->in + w->len, strm->next_in, n);
    w->len += n;
    strm->next_in += n;
    strm->avail_in = 0;
    strm->total_in += n;
    return true;
}

/* Compresses the kept input whole; false when memory runs out (to zlib, then).  A large
 * part is compressed into a third of its size first - the workbook's XML deflates to a
 * seventh, a pack's page streams to a third or less - and again into libdeflate's bound
 * only when that was too small: the memory a part takes is what keeps a worker's peak. */
static bool compress_whole(whole *w)
{
    if (!compressor) {
        compressor = libdeflate_alloc_compressor(BP_LIBDEFLATE_LEVEL);
        if (!compressor) return false;
    }
    size_t bound = w->zlib_format ? libdeflate_zlib_compress_bound(compressor, w->len)
                                  : libdeflate_deflate_compress_bound(compressor, w->len);
    size_t guess = w->len < (256u << 10) ? bound : w->len / 3;
    for (int pass = 0; pass < 2; pass++) {
        size_t want = pass ? bound : guess;
        if (pass && guess == bound) break;
        if (want > w->out_cap) {
            free(w->out);
            w->out = malloc(want);
            w->out_cap = w->out ? want : 0;
            if (!w->out) return false;
        }
        w->out_len = w->zlib_format
                         ? libdeflate_zlib_compress(compressor, w->in, w->len, w->out, want)
                         : libdeflate_deflate_compress(compressor, w->in, w->len, w->out,
                                                       want);
        if (w->out_len) break;
    }
    if (w->out_len == 0) return false;   /* cannot happen within the bound */
    w->given = 0;
    w->done = true;
    whole_streams++;
    return true;
}

/* ---- the interposed functions ---- */

int deflateInit2_(z_streamp strm, int level, int method, int window_bits, int mem_level,
                  int strategy, const char *version, int stream_size)
{
    static int zlib_agrees = -1;
    if (zlib_agrees < 0)
        zlib_agrees = bp_libs_version_ok("zlib", ZLIB_VERSION, zlibVersion(), 2, NULL, 0);
    /* not the zlib these were written for (bp_libs_check says why): start nothing */
    if (!zlib_agrees) return Z_VERSION_ERROR;
    init2_fn fn = zlib_init2();
    if (!fn) return Z_VERSION_ERROR;   /* no zlib loaded: cannot happen when linked with it */
    /* zlib's own checks of its arguments, for the streams it will not see */
    if (!version || version[0] != ZLIB_VERSION[0] || stream_size != (int)sizeof(z_stream))
        return Z_VERSION_ERROR;
    if (!strm) return Z_STREAM_ERROR;
    int bits = window_bits < 0 ? -window_bits : window_bits > 15 ? window_bits - 16
                                                                  : window_bits;
    if (window_bits < -15 || mem_level < 1 || mem_level > MAX_MEM_LEVEL
        || method != Z_DEFLATED || bits < 8 || bits > 15 || level < Z_DEFAULT_COMPRESSION
        || level > 9 || strategy < 0 || strategy > Z_FIXED || (bits == 8 && (window_bits < 0 || window_bits > 15)))
        return Z_STREAM_ERROR;
    streams++;
    /* Z_NO_COMPRESSION (0) is a deliberate choice of stored blocks: kept */
    if (level != Z_NO_COMPRESSION) mem_level = BP_DEFLATE_MEM_LEVEL;
    bool gzip = window_bits > 15;
    /* a stream started again without deflateEnd: its old slot is free again */
    whole *w = find(strm);
    if (w) release(w);
    w = NULL;
    if (level != Z_NO_COMPRESSION && !gzip && strategy == Z_DEFAULT_STRATEGY && !strm->zalloc
        && !strm->zfree)
        w = find(NULL);
    if (!w) {
        if (level != Z_NO_COMPRESSION) level = BP_DEFLATE_LEVEL;
        return fn(strm, level, method, window_bits, mem_level, strategy, version,
                  stream_size);
    }
    /* what zlib's start sets that a caller may read */
    strm->total_in = strm->total_out = 0;
    strm->msg = Z_NULL;
    strm->state = Z_NULL;
    strm->data_type = Z_UNKNOWN;
    strm->adler = window_bits > 0 ? 1 : 0;
    *w = (whole){.strm = strm, .zlib_format = window_bits > 0, .window_bits = window_bits,
                 .mem_level = mem_level, .in = w->in, .out = w->out, .cap = w->cap,
                 .out_cap = w->out_cap};
    return Z_OK;
}

int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
    /* zlib's deflateInit_ is this call with its defaults, but for the window */
    return deflateInit2_(strm, level, Z_DEFLATED, BP_DEFLATE_PDF_WINDOW_BITS, 8,
                         Z_DEFAULT_STRATEGY, version, stream_size);
}

int deflate(z_streamp strm, int flush)
{
    whole *w = strm ? find(strm) : NULL;
    if (!w) return zlib_deflate()(strm, flush);
    int r;
    if (w->zlib) {
        if (!feed(w, strm, &r)) return r == Z_BUF_ERROR ? Z_OK : r;
        /* fed, and the output full: the caller empties it and calls again (zlib itself
         * would answer Z_BUF_ERROR, no progress possible, which callers take as an error) */
        if (strm->avail_out == 0 && w->len > 0 && w->fed == w->len && r != Z_STREAM_END) {
            w->len = w->fed = 0;
            return Z_OK;
        }
        w->len = w->fed = 0;
        return zlib_deflate()(strm, flush);
    }
    /* zlib's checks, in its order */
    if (flush > Z_BLOCK || flush < 0) return Z_STREAM_ERROR;
    if (!strm->next_out || (strm->avail_in != 0 && !strm->next_in)
        || (w->done && flush != Z_FINISH))
        return Z_STREAM_ERROR;
    if (strm->avail_out == 0) return Z_BUF_ERROR;
    if (w->done) {
        if (strm->avail_in != 0) return Z_BUF_ERROR;
    } else if (flush == Z_NO_FLUSH || flush == Z_FINISH) {
        if (!keep(w, strm) || (flush == Z_FINISH && !compress_whole(w))) {
            r = to_zlib(w, strm);
            if (r != Z_OK) return r;
            return deflate(strm, flush);
        }
        if (flush == Z_NO_FLUSH) return Z_OK;
    } else {
        /* a flush libdeflate cannot do: zlib from here on */
        r = to_zlib(w, strm);
        if (r != Z_OK) return r;
        return deflate(strm, flush);
    }
    size_t n = w->out_len - w->given;
    if (n > strm->avail_out) n = strm->avail_out;
    memcpy(strm->next_out, w->out + w->given, n);
    w->given += n;
    strm->next_out += n;
    strm->avail_out -= (uInt)n;
    strm->total_out += n;
    return w->given == w->out_len ? Z_STREAM_END : Z_OK;
}

/* minizip's CRC-32 of every part: libdeflate's (the same function, folded with the
 * processor's carry-less multiply where it has one) instead of zlib's tables. */
uLong crc32(uLong crc, const Bytef *buf, uInt len)
{
    if (!buf) return 0;     /* zlib's answer: the initial value */
    return libdeflate_crc32((uint32_t)crc, buf, len);
}

int deflateEnd(z_streamp strm)
{
    whole *w = strm ? find(strm) : NULL;
    if (!w) return zlib_end()(strm);
    int r;
    if (w->zlib)
        r = zlib_end()(strm);
    else    /* zlib's answer for a stream ended with output not all handed out */
        r = (w->done && w->given < w->out_len) || (!w->done && w->len > 0) ? Z_DATA_ERROR
                                                                             : Z_OK;
    strm->state = Z_NULL;
    release(w);
    return r;
}
