/* bp_deflate: the compression level of every zlib stream the program writes.
 *
 * libharu (PDF content streams, embedded fonts) and libxlsxwriter (the workbook's zip
 * parts, through minizip) both deflate at zlib's default level, 6, and neither has a
 * setting for it.  Deflating was a third of a batch's time; level 1 deflates about three
 * times faster for files some 6% larger (docs/performance.md).
 *
 * So bp_deflate.c defines zlib's two initialisers, deflateInit_ (what libharu's
 * deflateInit() expands to) and deflateInit2_ (minizip's), in the executable.  The
 * dynamic linker looks a symbol up in the executable before the shared libraries, so
 * the libraries' calls reach these, which hand every stream on to zlib's own
 * deflateInit2_ unchanged but for the level and the memory (below).  The Makefile exports the two names from
 * the executable (--export-dynamic-symbol); tests/unit/test_deflate.c checks that a
 * library's deflateInit() really gives level-1 output. */
#ifndef BP_DEFLATE_H
#define BP_DEFLATE_H

/* zlib's Z_BEST_SPEED */
#define BP_DEFLATE_LEVEL 1

/* zlib's defaults (memory level 8, a 32 KB window) set up some 256 KB per stream, and a
 * pack has a stream per page of a few KB: memory level 6 (a quarter of the hash table),
 * and a 16 KB window for libharu's streams (deflateInit_), deflate a pack's streams in
 * half the time and the workbook's parts (minizip's deflateInit2_, which keeps its own
 * window) in four-fifths, for output 0.2% larger. */
#define BP_DEFLATE_MEM_LEVEL 6
#define BP_DEFLATE_PDF_WINDOW_BITS 14

/* How many streams have been started through these initialisers: for tests, to see
 * that the libraries' calls reach them. */
unsigned long bp_deflate_streams(void);

#endif
