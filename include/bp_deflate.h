/* bp_deflate: the one deflate seam.  libharu (PDF content streams, embedded fonts) and
 * libxlsxwriter (the workbook's zip parts, through minizip) deflate through zlib at its
 * default level, 6, and neither has a setting for it; deflating was a third of a batch's
 * time (docs/performance.md).
 *
 * So bp_deflate.c defines zlib's initialisers, deflateInit_ (what libharu's deflateInit()
 * expands to) and deflateInit2_ (minizip's), and deflate and deflateEnd, in the
 * executable - and crc32, minizip's checksum of every part, as libdeflate's.  The dynamic linker looks a symbol up in the executable before the shared
 * libraries, so the libraries' calls reach these.  The Makefile makes every program linked
 * with its LDFLAGS take bp_deflate.o from its archive and exports the four names from the
 * executable (--undefined, --export-dynamic-symbol), and crc32.
 *
 * A stream in zlib's or the raw format, at any level but 0 and zlib's default strategy and
 * allocator - every stream libharu and minizip start - is deflated whole by libdeflate at
 * BP_LIBDEFLATE_LEVEL: deflate() keeps the input until Z_FINISH, then compresses it in one
 * call and hands the result out as avail_out allows.  libdeflate's level 1 deflates the
 * workbook's parts in half zlib level 1's time, about 6% smaller.  Its output depends only
 * on the input and libdeflate's version, which is linked statically (the Makefile), so a
 * binary writes the same bytes wherever it runs.  While a stream is kept for libdeflate,
 * zlib knows nothing of it (its state is NULL: zlib's other functions refuse it with
 * Z_STREAM_ERROR), and strm->adler is not computed.
 *
 * Every other stream goes to zlib, at BP_DEFLATE_LEVEL with the smaller memory: level 0
 * (stored blocks, a deliberate choice), the gzip format, another strategy or allocator,
 * a flush other than Z_NO_FLUSH and Z_FINISH (the input kept so far is handed to zlib
 * first), and input beyond BP_DEFLATE_WHOLE_MAX (the memory a whole stream would take:
 * the largest trusts' biggest sheets stream through zlib instead).
 *
 * tests/unit/test_deflate.c checks that the libraries' calls really reach these and give
 * libdeflate's bytes, and zlib's where they should. */
#ifndef BP_DEFLATE_H
#define BP_DEFLATE_H

/* libdeflate's fastest level */
#define BP_LIBDEFLATE_LEVEL 1

/* Input up to this many bytes is deflated whole, in buffers a process keeps (about 1.3
 * times it); a stream that grows beyond it goes on in zlib.  2 MiB: every part of a
 * workbook of up to some 12 institutions (the PET's largest sheet is 1.2 MB), while the
 * largest trusts' biggest sheets (8 MB for 57 institutions) stream through zlib rather
 * than add to a worker's peak: 2 MB above zlib's alone (docs/performance.md). */
#define BP_DEFLATE_WHOLE_MAX (2u << 20)

/* zlib's Z_BEST_SPEED, for the streams zlib deflates */
#define BP_DEFLATE_LEVEL 1

/* zlib's defaults (memory level 8, a 32 KB window) set up some 256 KB per stream, and a
 * pack has a stream per page of a few KB: memory level 6 (a quarter of the hash table),
 * and a 16 KB window for libharu's streams (deflateInit_) deflate a pack's streams in
 * half the time and the workbook's parts (minizip's deflateInit2_, which keeps its own
 * window) in four-fifths, for output 0.2% larger. */
#define BP_DEFLATE_MEM_LEVEL 6
#define BP_DEFLATE_PDF_WINDOW_BITS 14

/* How many streams have been started through these initialisers, and how many of them
 * libdeflate has compressed: for tests, to see that the libraries' calls reach them. */
unsigned long bp_deflate_streams(void);
unsigned long bp_deflate_whole_streams(void);

#endif
