/* gen_national.h: what the files of gen_national (tools/gen_national.c, the generator;
 * tools/gen_national_mats.c, the reader of the MATs CSV) share.  Not part of boardpack. */
#ifndef GEN_NATIONAL_H
#define GEN_NATIONAL_H

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

enum { EXIT_USAGE = 2, EXIT_DATA = 65, EXIT_NOMEM = 71, EXIT_IO = 74 };

#define PROG "gen_national"
#define MAX_INPUT_BYTES (64u * 1024u * 1024u)
#define MAX_ERRORS_SHOWN 100
#define MAX_SCHOOLS 999
#define MAX_NAME_BYTES 300
#define PPM 1000000

/* ---- buffers (gen_national.c) */

typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

/* Out of memory: a message and exit 71 (here, so that every file - and cppcheck - sees
 * that it does not return). */
static inline _Noreturn void die_nomem(void)
{
    fputs(PROG ": out of memory\n", stderr);
    exit(EXIT_NOMEM);
}

void sb_putn(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);

/* ---- the MATs CSV (gen_national_mats.c) */

typedef struct {
    char *name;        /* UTF-8, trimmed, C1 controls repaired */
    uint64_t uid;      /* gias_group_uid */
    int64_t schools;
    int64_t pupils;    /* hundredths of a pupil */
    int64_t grant;     /* pence */
    size_t line;
} trust_in;

/* A message "file:line: kind: ..." on stderr; an error is counted, and past
 * MAX_ERRORS_SHOWN no longer shown. */
void report(const char *file, size_t line, const char *kind, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* s as a whole number of 1 to maxdigits digits, nothing else; false otherwise. */
bool parse_uint(const char *s, size_t maxdigits, uint64_t *out);
/* Reads and validates the whole file; every problem is reported; exits 65 if any. */
trust_in *load_mats(const char *path, size_t *count);

#endif
