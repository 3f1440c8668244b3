/* Object streams for the finished PDF (PDF 1.5, ISO 32000-1 7.5.7 and 7.5.8).  A tagged
 * pack is mostly small dictionaries - some 1,200 structure elements in a board pack, each
 * an indirect object - that libharu 2.3.0 writes one by one in the clear with a classic
 * cross-reference table; it cannot write object streams.  This rewrites the file libharu
 * wrote: every object that is not a stream goes, as it is, into deflated object streams,
 * the stream objects are copied byte for byte, and a cross-reference stream replaces the
 * table and trailer (docs/performance.md, "Object streams": the 21 sample PDFs 60%
 * smaller).  It reads only the layout libharu writes - "N 0 obj" at each table offset, in
 * object order, each ending "endobj" - and gives up (false: the caller writes libharu's
 * bytes as they are) on anything else.  The output depends only on the input (and on the
 * deflate seam, bp_deflate.c, whose bytes depend only on its input). */
#include "bp_pdf_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* objects per object stream: a reader inflates a whole stream to reach one object */
#define PER_STREAM 100

typedef struct {
    unsigned char *s;
    size_t len, cap;
    bool failed;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    /* n == 0 with nothing allocated yet: memcpy may not be given a null pointer */
    if (b->failed || n == 0) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n) cap *= 2;
        unsigned char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) b->failed = true;
    else put(b, tmp, (size_t)n);
}

/* n in decimal at s (room for 20 digits), written by hand: the numbers of every object
 * (vsnprintf took a third of the rewrite's own time); how many digits. */
static size_t digits(char *s, unsigned long long n)
{
    char tmp[20];
    size_t k = 0;
    do {
        tmp[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (size_t i = 0; i < k; i++) s[i] = tmp[k - 1 - i];
    return k;
}

/* n in decimal, then `after` */
static void put_num(buf *b, unsigned long long n, char after)
{
    char s[21];
    size_t k = digits(s, n);
    s[k++] = after;
    put(b, s, k);
}

/* zlib's format, through the deflate seam like every stream libharu writes */
static bool deflate_all(const unsigned char *in, size_t n, buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (n > UINT32_MAX || deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK) return false;
    unsigned char chunk[16384];
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    int r;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        r = deflate(&z, Z_FINISH);
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) break;
        put(out, chunk, sizeof chunk - z.avail_out);
    } while (r != Z_STREAM_END);
    deflateEnd(&z);
    return r == Z_STREAM_END && !out->failed;
}

static const unsigned char *find(const unsigned char *s, size_t n, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= n; i++)
        if (s[i] == (unsigned char)what[0] && memcmp(s + i, what, w) == 0) return s + i;
    return NULL;
}

static bool ends_with(const unsigned char *s, size_t n, const char *what)
{
    size_t w = strlen(what);
    return n >= w && memcmp(s + n - w, what, w) == 0;
}

typedef struct {
    size_t off, end;         /* "N 0 obj\n" .. after "endobj\n" */
    size_t body, body_end;   /* the object's value */
    bool stream;
    unsigned long stm;       /* the object stream it went into (0: none), and its index */
    unsigned idx;
    size_t new_off;
} object;

/* The trailer's entries but /Size, for the cross-reference stream's dictionary. */
static bool trailer_entries(const unsigned char *s, size_t n, buf *out)
{
    const unsigned char *open = find(s, n, "<<"), *close = NULL;
    if (!open) return false;
    for (size_t i = n; i >= 2; i--)
        if (s[i - 2] == '>' && s[i - 1] == '>') {
            close = s + i - 2;
            break;
        }
    if (!close || close < open + 2) return false;
    const unsigned char *p = open + 2;
    while (p < close) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(close - p));
        const unsigned char *e = nl ? nl : close;
        if (!(e - p >= 5 && memcmp(p, "/Size", 5) == 0)) put(out, p, (size_t)(e - p));
        if (e > p) put(out, "\n", 1);
        p = e + (nl ? 1 : 0);
    }
    return !out->failed;
}

bool bpi_objstm_pack(const unsigned char *in, size_t n, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    /* startxref, the table, the trailer */
    const unsigned char *sx = NULL;
    for (size_t i = n > 64 ? n - 64 : 0; i + 9 <= n; i++)
        if (memcmp(in + i, "startxref", 9) == 0) sx = in + i;
    if (!sx || n < 16 || memcmp(in, "%PDF-1.7", 8) != 0) return false;
    unsigned long xref = strtoul((const char *)sx + 10, NULL, 10);
    if (xref >= n || memcmp(in + xref, "xref", 4) != 0) return false;
    const char *p = (const char *)in + xref + 4;
    while (*p == '\r' || *p == '\n') p++;
    char *e;
    unsigned long first = strtoul(p, &e, 10), count = strtoul(e, &e, 10);
    if (first != 0 || count < 2 || count > 10000000) return false;
    while (*e == '\r' || *e == '\n' || *e == ' ') e++;
    if ((size_t)((const unsigned char *)e - in) + count * 20 > n) return false;
    const unsigned char *trailer = (const unsigned char *)e + count * 20;
    if (trailer + 7 > sx || memcmp(trailer, "trailer", 7) != 0) return false;

    object *obj = calloc(count, sizeof *obj);
    /* the object streams' offsets, in order: at most one for every PER_STREAM objects */
    size_t *stm_off = malloc((count / PER_STREAM + 2) * sizeof *stm_off);
    buf res = {0}, stm = {0}, head = {0}, zipped = {0}, dict = {0};
    bool ok = obj != NULL && stm_off != NULL;
    /* every entry in use, its offset ten digits as libharu writes them */
    for (unsigned long i = 1; ok && i < count; i++) {
        const char *ent = e + i * 20;
        if (ent[10] != ' ' || ent[17] != 'n' || memcmp(ent + 11, "00000", 5) != 0) ok = false;
        size_t off = 0;
        for (unsigned d = 0; ok && d < 10; d++) {
            if (ent[d] < '0' || ent[d] > '9') ok = false;
            off = off * 10 + (size_t)(ent[d] - '0');
        }
        obj[i].off = off;
    }
    /* every object at its offset, in object order, one after another */
    size_t body_start = ok ? obj[1].off : 0;
    for (unsigned long i = 1; ok && i < count; i++) {
        if (i > 1 && obj[i].off != obj[i - 1].end) {
            ok = false;
            break;
        }
        size_t next = i + 1 < count ? obj[i + 1].off : xref;
        if (next <= obj[i].off || next > xref) {
            ok = false;
            break;
        }
        obj[i].end = next;
        char hdr[32];
        size_t hl = digits(hdr, i);
        memcpy(hdr + hl, " 0 obj\n", 7);
        hl += 7;
        const unsigned char *o = in + obj[i].off;
        size_t len = next - obj[i].off;
        if (len < hl || memcmp(o, hdr, hl) != 0 || !ends_with(o, len, "endobj\n")) {
            ok = false;
            break;
        }
        obj[i].body = obj[i].off + hl;
        obj[i].body_end = next - strlen("endobj\n");
        obj[i].stream = ends_with(o, len, "endstream\nendobj\n");
    }
    if (ok && obj[count - 1].end != xref) ok = false;
    if (ok) ok = trailer_entries(trailer, (size_t)(sx - trailer), &dict);
    if (!ok) goto done;

    /* the header and the stream objects, as they are */
    put(&res, in, body_start);
    for (unsigned long i = 1; i < count; i++)
        if (obj[i].stream) {
            obj[i].new_off = res.len;
            put(&res, in + obj[i].off, obj[i].end - obj[i].off);
        }
    /* the other objects, PER_STREAM an object stream, numbered after libharu's */
    unsigned long next_num = count;
    for (unsigned long i = 1; i < count && !res.failed;) {
        unsigned nobj = 0;
        stm.len = head.len = zipped.len = 0;
        unsigned long num = next_num++;
        for (; i < count && nobj < PER_STREAM; i++) {
            if (obj[i].stream) continue;
            put_num(&head, i, ' ');
            put_num(&head, stm.len, ' ');
            put(&stm, in + obj[i].body, obj[i].body_end - obj[i].body);
            put(&stm, "\n", 1);
            obj[i].stm = num;
            obj[i].idx = nobj++;
        }
        if (nobj == 0) {
            next_num--;
            break;
        }
        put(&head, stm.s, stm.len);
        if (head.failed || stm.failed || !deflate_all(head.s, head.len, &zipped)) {
            ok = false;
            goto done;
        }
        size_t first_off = head.len - stm.len;
        stm_off[num - count] = res.len;
        putf(&res, "%lu 0 obj\n<<\n/Type /ObjStm\n/N %u\n/First %zu\n/Filter /FlateDecode\n"
             "/Length %zu\n>>\nstream\r\n", num, nobj, first_off, zipped.len);
        put(&res, zipped.s, zipped.len);
        putf(&res, "\r\nendstream\nendobj\n");
    }
    if (res.failed) {
        ok = false;
        goto done;
    }

    /* the cross-reference stream: type, field 2, field 3 in 1, 4 and 2 bytes */
    unsigned long xnum = next_num, size = xnum + 1;
    buf rows = {0};
    size_t xref_off = res.len;
    for (unsigned long i = 0; i < size; i++) {
        unsigned char r[7];
        unsigned long f2;
        unsigned f3;
        if (i == 0) {
            r[0] = 0, f2 = 0, f3 = 65535;
        } else if (i < count && obj[i].stream) {
            r[0] = 1, f2 = obj[i].new_off, f3 = 0;
        } else if (i < count) {
            r[0] = 2, f2 = obj[i].stm, f3 = obj[i].idx;
        } else if (i < xnum) {
            r[0] = 1, f2 = stm_off[i - count], f3 = 0;
        } else {
            r[0] = 1, f2 = xref_off, f3 = 0;
        }
        if (f2 > UINT32_MAX) rows.failed = true;
        r[1] = (unsigned char)(f2 >> 24), r[2] = (unsigned char)(f2 >> 16);
        r[3] = (unsigned char)(f2 >> 8), r[4] = (unsigned char)f2;
        r[5] = (unsigned char)(f3 >> 8), r[6] = (unsigned char)f3;
        put(&rows, r, sizeof r);
    }
    zipped.len = 0;
    if (rows.failed || !deflate_all(rows.s, rows.len, &zipped)) {
        free(rows.s);
        ok = false;
        goto done;
    }
    free(rows.s);
    putf(&res, "%lu 0 obj\n<<\n/Type /XRef\n/Size %lu\n/W [1 4 2]\n", xnum, size);
    put(&res, dict.s, dict.len);
    putf(&res, "/Filter /FlateDecode\n/Length %zu\n>>\nstream\r\n", zipped.len);
    put(&res, zipped.s, zipped.len);
    putf(&res, "\r\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref_off);
    ok = !res.failed;

done:
    free(obj);
    free(stm.s);
    free(head.s);
    free(zipped.s);
    free(stm_off);
    free(dict.s);
    if (!ok) {
        free(res.s);
        return false;
    }
    *out = res.s;
    *out_len = res.len;
    return true;
}
