/* bench_deflate_floor: the deflate-and-write floor of a batch (make bench, (b')) - the least
 * any program writing boardpack's files must do: deflate the same payloads at the same
 * settings and write files of the same sizes durably, computing and laying out nothing.
 *
 *   bench_deflate_floor prepare BATCH_OUT STORE [-j N]
 *     Reads every trust's folder of a batch's output (each BATCH_OUT/TRUST) once and keeps, in
 *     STORE/TRUST.bin, each file as segments: the bytes boardpack wrote as they are, and the
 *     payloads it deflated, inflated - every FlateDecode stream of a PDF (zlib format) and
 *     every deflated part of a workbook (raw deflate, with its CRC-32).  STORE/index lists
 *     the trusts.  Other files (the results JSON, the manifest) are kept whole as they are.
 *     Not timed.
 *   bench_deflate_floor run STORE OUT [-j N]
 *     With N workers (default 2) taking the trusts in turn, deflates every payload as
 *     bp_deflate.c does - whole by libdeflate at BP_LIBDEFLATE_LEVEL up to
 *     BP_DEFLATE_WHOLE_MAX bytes, beyond that by zlib at BP_DEFLATE_LEVEL with memory level
 *     BP_DEFLATE_MEM_LEVEL (the PDFs' window BP_DEFLATE_PDF_WINDOW_BITS, the workbooks' 15,
 *     minizip's) - computes the workbook parts' CRC-32 as minizip does, and writes each
 *     trust's files into a new folder OUT/TRUST, durably as boardpack's output sets are
 *     (src/bp_outfile.c): every file's writeback started, then every file fsync'd, then the
 *     folder.  No temporary names, renames or journal.  Prints what it wrote, and how many
 *     payloads deflated to another size than boardpack's, parts whose CRC-32 differs and
 *     files of another size (0 expected: the same settings and the same statically linked
 *     libdeflate give the same bytes; a warning otherwise).
 *
 * The store is read through mmap, so the run reads its input without copying it. */
#define _GNU_SOURCE     /* memmem, sync_file_range */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include "bp_deflate.h"

enum { SEG_BYTES = 0, SEG_ZLIB = 1, SEG_RAW = 2 };

static void die(const char *what, const char *path)
{
    fprintf(stderr, "bench_deflate_floor: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

#define PATH_LEN 8192

/* a/b, or a/b.bin with bin: in `to` (PATH_LEN bytes) */
static void join(char *to, const char *a, const char *b, int bin)
{
    int n = snprintf(to, PATH_LEN, "%s/%s%s", a, b, bin ? ".bin" : "");
    if (n < 0 || n >= PATH_LEN) {
        fprintf(stderr, "bench_deflate_floor: a path too long: %s/%s\n", a, b);
        exit(1);
    }
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("bench_deflate_floor: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t more)
{
    if (b->len + more <= b->cap) return;
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->len + more) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

static void buf_add(buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put32(buf *b, uint32_t v)
{
    buf_add(b, &v, sizeof v);
}

static void put64(buf *b, uint64_t v)
{
    buf_add(b, &v, sizeof v);
}

/* ---- prepare ---- */

/* The trust's store being assembled: a file's segments go to `seg`, counted in `nseg`. */
typedef struct {
    buf seg, inflated;
    uint32_t nseg;
    unsigned long payloads;
} prep;

static void seg_bytes(prep *s, const unsigned char *p, size_t n)
{
    if (!n) return;
    put32(&s->seg, SEG_BYTES);
    put64(&s->seg, n);
    put64(&s->seg, 0);
    put32(&s->seg, 0);
    buf_add(&s->seg, p, n);
    s->nseg++;
}

static void seg_payload(prep *s, int kind, size_t deflated, uint32_t crc)
{
    put32(&s->seg, (uint32_t)kind);
    put64(&s->seg, s->inflated.len);
    put64(&s->seg, deflated);
    put32(&s->seg, crc);
    buf_add(&s->seg, s->inflated.p, s->inflated.len);
    s->nseg++;
    s->payloads++;
}

/* Inflates the stream at p (at most n bytes; zlib format, else raw) into s->inflated: the
 * number of deflated bytes it took, 0 when it is no complete deflate stream. */
static size_t inflate_at(prep *s, const unsigned char *p, size_t n, int zlib_format)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, zlib_format ? 15 : -15) != Z_OK) return 0;
    s->inflated.len = 0;
    z.next_in = (unsigned char *)p;
    int r = Z_OK;
    size_t left = n;
    while (r == Z_OK) {
        if (z.avail_in == 0 && left) {
            z.avail_in = left > (1u << 30) ? 1u << 30 : (uInt)left;
            left -= z.avail_in;
        }
        buf_reserve(&s->inflated, 1u << 20);
        z.next_out = s->inflated.p + s->inflated.len;
        z.avail_out = (uInt)(s->inflated.cap - s->inflated.len);
        uInt before = z.avail_out;
        r = inflate(&z, Z_NO_FLUSH);
        s->inflated.len += before - z.avail_out;
        if (r == Z_BUF_ERROR && z.avail_in == 0 && !left) break;
        if (r == Z_BUF_ERROR) r = Z_OK;
    }
    size_t used = (size_t)z.total_in;
    inflateEnd(&z);
    return r == Z_STREAM_END ? used : 0;
}

/* A PDF: every stream whose dictionary says /FlateDecode (libharu's page and font streams,
 * bp_pdf_objstm's object and cross-reference streams). */
static void prep_pdf(prep *s, const unsigned char *d, size_t n)
{
    size_t pos = 0, lit = 0;
    for (;;) {
        const unsigned char *k = memmem(d + pos, n - pos, "stream", 6);
        if (!k) break;
        size_t at = (size_t)(k - d), data = at + 6;
        pos = data;
        if (data < n && d[data] == '\r') data++;
        if (data >= n || d[data] != '\n') continue;
        data++;
        size_t e = at;
        while (e > 0 && (d[e - 1] == ' ' || d[e - 1] == '\n' || d[e - 1] == '\r')) e--;
        if (e < 2 || d[e - 1] != '>' || d[e - 2] != '>') continue;
        /* the dictionary: back to the object's "obj", at most 4 KB before */
        size_t from = at > 4096 ? at - 4096 : 0, obj = 0;
        for (size_t i = at; i > from + 3; i--)
            if (memcmp(d + i - 4, " obj", 4) == 0) {
                obj = i;
                break;
            }
        if (!obj || !memmem(d + obj, at - obj, "/FlateDecode", 12)) continue;
        size_t used = inflate_at(s, d + data, n - data, 1);
        if (!used) continue;
        seg_bytes(s, d + lit, data - lit);
        seg_payload(s, SEG_ZLIB, used, 0);
        lit = pos = data + used;
    }
    seg_bytes(s, d + lit, n - lit);
}

static uint32_t rd16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

typedef struct {
    size_t data, csize, usize;
    uint32_t crc;
} zpart;

static int by_data(const void *a, const void *b)
{
    size_t x = ((const zpart *)a)->data, y = ((const zpart *)b)->data;
    return x < y ? -1 : x > y;
}

/* A workbook: every part its central directory says is deflated.  False when the zip is not
 * one this reads (then kept whole, as bytes). */
static int prep_zip(prep *s, const unsigned char *d, size_t n)
{
    if (n < 22) return 0;
    size_t eocd = n - 22;
    while (eocd > 0 && rd32(d + eocd) != 0x06054b50) eocd--;
    if (rd32(d + eocd) != 0x06054b50) return 0;
    size_t count = rd16(d + eocd + 10), cd = rd32(d + eocd + 16);
    zpart *parts = xrealloc(NULL, count * sizeof *parts);
    size_t np = 0;
    int ok = 1;
    for (size_t i = 0; i < count && ok; i++) {
        if (cd + 46 > n || rd32(d + cd) != 0x02014b50) {
            ok = 0;
            break;
        }
        uint32_t method = rd16(d + cd + 10), csize = rd32(d + cd + 20), usize = rd32(d + cd + 24);
        size_t local = rd32(d + cd + 42);
        if (csize == 0xffffffffu || usize == 0xffffffffu || local + 30 > n) ok = 0;
        else if (method == 8) {
            size_t data = local + 30 + rd16(d + local + 26) + rd16(d + local + 28);
            if (data + csize > n) ok = 0;
            else parts[np++] = (zpart){data, csize, usize, rd32(d + cd + 16)};
        }
        cd += 46 + rd16(d + cd + 28) + rd16(d + cd + 30) + rd16(d + cd + 32);
    }
    if (ok) {
        qsort(parts, np, sizeof *parts, by_data);
        size_t lit = 0;
        for (size_t i = 0; i < np && ok; i++) {
            if (parts[i].data < lit
                || inflate_at(s, d + parts[i].data, parts[i].csize, 0) != parts[i].csize
                || s->inflated.len != parts[i].usize) {
                ok = 0;
                break;
            }
            seg_bytes(s, d + lit, parts[i].data - lit);
            seg_payload(s, SEG_RAW, parts[i].csize, parts[i].crc);
            lit = parts[i].data + parts[i].csize;
        }
        if (ok) seg_bytes(s, d + lit, n - lit);
    }
    free(parts);
    return ok;
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (sorted), the directories only or the files only. */
static char **list(const char *dir, int dirs, size_t *count)
{
    DIR *dp = opendir(dir);
    if (!dp) die("cannot read", dir);
    char **v = NULL;
    size_t n = 0;
    const struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[PATH_LEN];
        join(path, dir, e->d_name, 0);
        struct stat st;
        if (stat(path, &st) != 0) die("cannot examine", path);
        if (dirs ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) continue;
        v = xrealloc(v, (n + 1) * sizeof *v);
        v[n] = strdup(e->d_name);
        if (!v[n]) die("out of memory at", dir);
        n++;
    }
    closedir(dp);
    if (n) qsort(v, n, sizeof *v, by_name);
    *count = n;
    return v;
}

static unsigned char *read_all(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) die("cannot read", path);
    unsigned char *p = xrealloc(NULL, (size_t)st.st_size);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
        if (r <= 0) die("cannot read", path);
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return p;
}

/* One trust's folder into STORE/TRUST.bin; the number of payloads kept. */
static unsigned long prep_trust(const char *root, const char *trust, const char *store)
{
    char dir[PATH_LEN], path[PATH_LEN];
    join(dir, root, trust, 0);
    size_t nfiles;
    char **files = list(dir, 0, &nfiles);
    buf out = {0};
    prep s = {0};
    put32(&out, (uint32_t)nfiles);
    for (size_t i = 0; i < nfiles; i++) {
        join(path, dir, files[i], 0);
        size_t len;
        unsigned char *d = read_all(path, &len);
        s.seg.len = 0;
        s.nseg = 0;
        if (ends_with(files[i], ".pdf")) prep_pdf(&s, d, len);
        else {
            unsigned long before = s.payloads;
            if (!ends_with(files[i], ".xlsx") || !prep_zip(&s, d, len)) {
                /* kept whole: a file not deflated, or a zip this does not read */
                s.seg.len = 0;
                s.nseg = 0;
                s.payloads = before;
                seg_bytes(&s, d, len);
            }
        }
        free(d);
        put32(&out, (uint32_t)strlen(files[i]));
        buf_add(&out, files[i], strlen(files[i]));
        put64(&out, len);
        put32(&out, s.nseg);
        buf_add(&out, s.seg.p, s.seg.len);
        free(files[i]);
    }
    free(files);
    join(path, store, trust, 1);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) die("cannot create", path);
    for (size_t off = 0; off < out.len;) {
        ssize_t w = write(fd, out.p + off, out.len - off);
        if (w <= 0) die("cannot write", path);
        off += (size_t)w;
    }
    if (close(fd) != 0) die("cannot write", path);
    free(out.p);
    free(s.seg.p);
    free(s.inflated.p);
    return s.payloads;
}

/* Runs body(k) in `workers` processes, k = 0..workers-1; exits when one fails. */
static void in_workers(int workers, void (*body)(int, void *), void *arg)
{
    pid_t *pids = xrealloc(NULL, (size_t)workers * sizeof *pids);
    for (int k = 0; k < workers; k++) {
        pids[k] = fork();
        if (pids[k] < 0) die("cannot fork", "a worker");
        if (pids[k] == 0) {
            body(k, arg);
            _exit(0);
        }
    }
    int failed = 0;
    for (int k = 0; k < workers; k++) {
        int st;
        if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) failed = 1;
    }
    free(pids);
    if (failed) {
        fputs("bench_deflate_floor: a worker failed\n", stderr);
        exit(1);
    }
}

typedef struct {
    const char *root, *store;
    char **trusts;
    size_t n;
    int workers;
} prep_job;

static void prep_worker(int k, void *arg)
{
    const prep_job *j = arg;
    for (size_t i = (size_t)k; i < j->n; i += (size_t)j->workers)
        prep_trust(j->root, j->trusts[i], j->store);
}

static int prepare(const char *root, const char *store, int workers)
{
    prep_job j = {root, store, NULL, 0, workers};
    j.trusts = list(root, 1, &j.n);
    if (mkdir(store, 0777) != 0 && errno != EEXIST) die("cannot create", store);
    char path[PATH_LEN];
    join(path, store, "index", 0);
    FILE *f = fopen(path, "w");
    if (!f) die("cannot create", path);
    for (size_t i = 0; i < j.n; i++) fprintf(f, "%s\n", j.trusts[i]);
    if (fclose(f) != 0) die("cannot write", path);
    in_workers(workers, prep_worker, &j);
    printf("prepared %zu trusts\n", j.n);
    for (size_t i = 0; i < j.n; i++) free(j.trusts[i]);
    free(j.trusts);
    return 0;
}

/* ---- run ---- */

/* What the workers share (an anonymous shared mapping): the next trust to take and the
 * totals. */
typedef struct {
    unsigned long next;
    unsigned long files, payloads, mismatched, crc_mismatched, size_mismatched;
    unsigned long long in_bytes, out_bytes;
} shared;

typedef struct {
    const char *store, *out;
    char **trusts;
    size_t n;
    shared *sh;
} run_job;

typedef struct {
    struct libdeflate_compressor *ld;
    buf file;
    int *fds;
    size_t nfds;
    unsigned long files, payloads, mismatched, crc_mismatched, size_mismatched;
    unsigned long long in_bytes, out_bytes;
} worker;

/* Deflates one payload onto the end of w->file, as bp_deflate.c would; its deflated size. */
static size_t deflate_payload(worker *w, int kind, const unsigned char *p, size_t n)
{
    if (n <= BP_DEFLATE_WHOLE_MAX) {
        size_t bound = kind == SEG_ZLIB ? libdeflate_zlib_compress_bound(w->ld, n)
                                        : libdeflate_deflate_compress_bound(w->ld, n);
        buf_reserve(&w->file, bound);
        unsigned char *to = w->file.p + w->file.len;
        size_t got = kind == SEG_ZLIB ? libdeflate_zlib_compress(w->ld, p, n, to, bound)
                                      : libdeflate_deflate_compress(w->ld, p, n, to, bound);
        w->file.len += got;
        return got;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, BP_DEFLATE_LEVEL, Z_DEFLATED,
                     kind == SEG_ZLIB ? BP_DEFLATE_PDF_WINDOW_BITS : -MAX_WBITS,
                     BP_DEFLATE_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    size_t bound = deflateBound(&z, n);
    buf_reserve(&w->file, bound);
    z.next_in = (unsigned char *)p;
    z.avail_in = (uInt)n;
    z.next_out = w->file.p + w->file.len;
    z.avail_out = (uInt)bound;
    int r = deflate(&z, Z_FINISH);
    size_t got = r == Z_STREAM_END ? (size_t)z.total_out : 0;
    deflateEnd(&z);
    w->file.len += got;
    return got;
}

/* One file of the store at *p: assembled into w->file and written to dir/NAME, its
 * writeback started, its descriptor kept for the fsync.  Returns the store after it. */
static const unsigned char *write_file(worker *w, const char *dir, const unsigned char *p)
{
    uint32_t namelen, nseg;
    uint64_t size;
    memcpy(&namelen, p, 4);
    char name[4096];
    if (namelen >= sizeof name) die("a file name too long in", dir);
    memcpy(name, p + 4, namelen);
    name[namelen] = 0;
    p += 4 + namelen;
    memcpy(&size, p, 8);
    memcpy(&nseg, p + 8, 4);
    p += 12;
    w->file.len = 0;
    for (uint32_t i = 0; i < nseg; i++) {
        uint32_t kind, crc;
        uint64_t len, want;
        memcpy(&kind, p, 4);
        memcpy(&len, p + 4, 8);
        memcpy(&want, p + 12, 8);
        memcpy(&crc, p + 20, 4);
        p += 24;
        if (kind == SEG_BYTES) {
            buf_add(&w->file, p, len);
        } else {
            size_t got = deflate_payload(w, (int)kind, p, len);
            if (kind == SEG_RAW && libdeflate_crc32(0, p, len) != crc) w->crc_mismatched++;
            if (got != want) w->mismatched++;
            w->payloads++;
            w->in_bytes += len;
        }
        p += len;
    }
    if (w->file.len != size) w->size_mismatched++;
    char path[PATH_LEN];
    join(path, dir, name, 0);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) die("cannot create", path);
    for (size_t off = 0; off < w->file.len;) {
        ssize_t r = write(fd, w->file.p + off, w->file.len - off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) die("cannot write", path);
        off += (size_t)r;
    }
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    w->fds = xrealloc(w->fds, (w->nfds + 1) * sizeof *w->fds);
    w->fds[w->nfds++] = fd;
    w->files++;
    w->out_bytes += w->file.len;
    return p;
}

static void run_trust(worker *w, const run_job *j, const char *trust)
{
    char path[PATH_LEN], dir[PATH_LEN];
    join(path, j->store, trust, 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) die("cannot read", path);
    const unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) die("cannot map", path);
    close(fd);
    join(dir, j->out, trust, 0);
    if (mkdir(dir, 0777) != 0) die("cannot create", dir);
    uint32_t nfiles;
    memcpy(&nfiles, m, 4);
    const unsigned char *p = m + 4;
    w->nfds = 0;
    for (uint32_t i = 0; i < nfiles; i++) p = write_file(w, dir, p);
    for (size_t i = 0; i < w->nfds; i++)
        if (fsync(w->fds[i]) != 0 || close(w->fds[i]) != 0) die("cannot sync a file in", dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) die("cannot sync", dir);
    close(dfd);
    munmap((void *)m, (size_t)st.st_size);
}

static void run_worker(int k, void *arg)
{
    (void)k;
    const run_job *j = arg;
    worker w;
    memset(&w, 0, sizeof w);
    w.ld = libdeflate_alloc_compressor(BP_LIBDEFLATE_LEVEL);
    if (!w.ld) die("cannot start", "libdeflate");
    for (;;) {
        unsigned long i = __atomic_fetch_add(&j->sh->next, 1, __ATOMIC_RELAXED);
        if (i >= j->n) break;
        run_trust(&w, j, j->trusts[i]);
    }
    __atomic_fetch_add(&j->sh->files, w.files, __ATOMIC_RELAXED);
    __atomic_fetch_add(&j->sh->payloads, w.payloads, __ATOMIC_RELAXED);
    __atomic_fetch_add(&j->sh->mismatched, w.mismatched, __ATOMIC_RELAXED);
    __atomic_fetch_add(&j->sh->crc_mismatched, w.crc_mismatched, __ATOMIC_RELAXED);
    __atomic_fetch_add(&j->sh->size_mismatched, w.size_mismatched, __ATOMIC_RELAXED);
    __atomic_fetch_add(&j->sh->in_bytes, w.in_bytes, __ATOMIC_RELAXED);
    __atomic_fetch_add(&j->sh->out_bytes, w.out_bytes, __ATOMIC_RELAXED);
    libdeflate_free_compressor(w.ld);
    free(w.file.p);
    free(w.fds);
}

static int run(const char *store, const char *out, int workers)
{
    run_job j = {store, out, NULL, 0, NULL};
    char path[8192], line[4096];
    join(path, store, "index", 0);
    FILE *f = fopen(path, "r");
    if (!f) die("cannot read", path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line) continue;
        j.trusts = xrealloc(j.trusts, (j.n + 1) * sizeof *j.trusts);
        j.trusts[j.n] = strdup(line);
        if (!j.trusts[j.n]) die("out of memory reading", path);
        j.n++;
    }
    fclose(f);
    if (mkdir(out, 0777) != 0 && errno != EEXIST) die("cannot create", out);
    j.sh = mmap(NULL, sizeof *j.sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (j.sh == MAP_FAILED) die("cannot map", "the workers' counters");
    memset(j.sh, 0, sizeof *j.sh);
    in_workers(workers, run_worker, &j);
    printf("trusts %zu files %lu payloads %lu inflated %llu written %llu mismatched %lu "
           "crc_mismatched %lu size_mismatched %lu\n", j.n, j.sh->files, j.sh->payloads,
           j.sh->in_bytes, j.sh->out_bytes, j.sh->mismatched, j.sh->crc_mismatched,
           j.sh->size_mismatched);
    if (j.sh->mismatched || j.sh->crc_mismatched || j.sh->size_mismatched)
        fputs("bench_deflate_floor: not the bytes boardpack wrote: not its settings, or not "
              "its libdeflate\n", stderr);
    munmap(j.sh, sizeof *j.sh);
    for (size_t i = 0; i < j.n; i++) free(j.trusts[i]);
    free(j.trusts);
    return 0;
}

int main(int argc, char **argv)
{
    int workers = 2;
    if (argc == 6 && strcmp(argv[4], "-j") == 0) workers = atoi(argv[5]);
    if ((argc != 4 && argc != 6) || workers < 1 || workers > 64) {
        fputs("usage: bench_deflate_floor prepare BATCH_OUT STORE [-j N]\n"
              "       bench_deflate_floor run STORE OUT [-j N]\n", stderr);
        return 2;
    }
    if (strcmp(argv[1], "prepare") == 0) return prepare(argv[2], argv[3], workers);
    if (strcmp(argv[1], "run") == 0) return run(argv[2], argv[3], workers);
    fprintf(stderr, "bench_deflate_floor: unknown command %s\n", argv[1]);
    return 2;
}
