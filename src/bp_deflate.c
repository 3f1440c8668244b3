/* bp_deflate: zlib's stream initialisers, interposed to set the level (see bp_deflate.h). */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_deflate.h"

#include <dlfcn.h>
#include <string.h>
#include <zlib.h>

typedef int (*init2_fn)(z_streamp, int, int, int, int, int, const char *, int);

static unsigned long streams;

unsigned long bp_deflate_streams(void)
{
    return streams;
}

/* zlib's own deflateInit2_: the next definition after this executable's. */
static init2_fn zlib_init2(void)
{
    static init2_fn fn;
    if (!fn) {
        void *sym = dlsym(RTLD_NEXT, "deflateInit2_");
        memcpy(&fn, &sym, sizeof fn);   /* POSIX: a data pointer that is a function */
    }
    return fn;
}

int deflateInit2_(z_streamp strm, int level, int method, int window_bits, int mem_level,
                  int strategy, const char *version, int stream_size)
{
    init2_fn fn = zlib_init2();
    if (!fn) return Z_VERSION_ERROR;   /* no zlib loaded: cannot happen when linked with it */
    streams++;
    /* Z_NO_COMPRESSION (0) is a deliberate choice of stored blocks: kept */
    if (level != Z_NO_COMPRESSION) {
        level = BP_DEFLATE_LEVEL;
        mem_level = BP_DEFLATE_MEM_LEVEL;
    }
    return fn(strm, level, method, window_bits, mem_level, strategy, version, stream_size);
}

int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
    /* zlib's deflateInit_ is this call with its defaults, but for the window */
    return deflateInit2_(strm, level, Z_DEFLATED, BP_DEFLATE_PDF_WINDOW_BITS, 8,
                         Z_DEFAULT_STRATEGY, version, stream_size);
}
