/* bp_sha256: a straightforward SHA-256 (FIPS 180-4): one-shot for inputs already in
 * memory, streamed for output files read back in pieces (they can be larger than is
 * worth holding).  On an x86-64 processor with the SHA extensions (every AMD Zen, Intel
 * since Ice Lake) the blocks go through its SHA-256 instructions instead: the manifest
 * hashes every output set, a megabyte or so a trust, and in C that was a tenth of a
 * national trust's build (docs/performance.md); the C rounds stay for every other
 * processor, and the unit test checks the two against each other. */
#include "bp_sha256.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BP_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16
               | (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

#ifdef BP_SHA256_X86
/* n blocks through the SHA extensions: the state as the instructions want it (ABEF,
 * CDGH), four rounds per step, the message schedule four words at a time. */
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_x86(uint32_t h[8], const unsigned char *p, size_t n)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i t = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
    t = _mm_shuffle_epi32(t, 0xB1);                      /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);                    /* EFGH */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);              /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                   /* CDGH */
    for (; n; n--, p += 64) {
        __m128i abef = s0, cdgh = s1, w[4];
        for (int j = 0; j < 16; j++) {
            __m128i *m = &w[j & 3];
            if (j < 4)
                *m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * j)),
                                      swap);
            else   /* w[t-16] + s0(w[t-15]) + w[t-7] + s1(w[t-2]) for t = 4j .. 4j+3 */
                *m = _mm_sha256msg2_epu32(
                    _mm_add_epi32(_mm_sha256msg1_epu32(*m, w[(j + 1) & 3]),
                                  _mm_alignr_epi8(w[(j + 3) & 3], w[(j + 2) & 3], 4)),
                    w[(j + 3) & 3]);
            __m128i k = _mm_add_epi32(*m, _mm_loadu_si128((const __m128i *)(const void *)&K[4 * j]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, k);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k, 0x0E));
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    t = _mm_shuffle_epi32(s0, 0x1B);                     /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);                    /* DCHG */
    s0 = _mm_blend_epi16(t, s1, 0xF0);                   /* DCBA */
    s1 = _mm_alignr_epi8(s1, t, 8);                      /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)&h[0], s0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}

/* SHA (CPUID 7: EBX bit 29), SSSE3 and SSE4.1 (CPUID 1: ECX bits 9 and 19). */
static bool x86_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19))) return false;
    if (__get_cpuid_max(0, NULL) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0;
}
#endif

/* -1: not yet asked; 0: the C rounds; 1: the processor's */
static int accel = -1;

bool bp_sha256_accelerated(void)
{
#ifdef BP_SHA256_X86
    if (accel < 0) accel = x86_has_sha();
    return accel == 1;
#else
    accel = 0;
    return false;
#endif
}

void bp_sha256_force_portable(bool portable)
{
    accel = portable ? 0 : -1;
}

static void blocks(uint32_t h[8], const unsigned char *p, size_t n)
{
#ifdef BP_SHA256_X86
    if (bp_sha256_accelerated()) {
        blocks_x86(h, p, n);
        return;
    }
#endif
    for (; n; n--, p += 64) block(h, p);
}

void bp_sha256_init(bp_sha256_ctx *c)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, h0, sizeof h0);
    c->len = 0;
    c->n = 0;
}

void bp_sha256_update(bp_sha256_ctx *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->len += len;
    if (c->n) {
        size_t take = 64 - c->n < len ? 64 - c->n : len;
        memcpy(c->buf + c->n, p, take);
        c->n += take;
        p += take;
        len -= take;
        if (c->n < 64) return;
        blocks(c->h, c->buf, 1);
        c->n = 0;
    }
    if (len >= 64) {
        blocks(c->h, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
    if (len) memcpy(c->buf, p, len);
    c->n = len;
}

void bp_sha256_final(bp_sha256_ctx *c, unsigned char out[32])
{
    /* Padding: 0x80, zeros, then the length in bits, big-endian, in one or two blocks. */
    unsigned char tail[128] = {0};
    size_t n = c->n;
    if (n) memcpy(tail, c->buf, n);
    tail[n] = 0x80;
    size_t tlen = n + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = c->len * 8;
    for (int i = 0; i < 8; i++) tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
    blocks(c->h, tail, tlen / 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

void bp_sha256(const void *data, size_t len, unsigned char out[32])
{
    bp_sha256_ctx c;
    bp_sha256_init(&c);
    bp_sha256_update(&c, data, len);
    bp_sha256_final(&c, out);
}

void bp_sha256_hex(const unsigned char digest[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}
