/* bp_sha256: SHA-256 (FIPS 180-4) of a byte buffer, for the data-quality section's
 * fingerprint of every input file, and of a stream (a file read in pieces), for the
 * manifest of an output set. */
#ifndef BP_SHA256_H
#define BP_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void bp_sha256(const void *data, size_t len, unsigned char out[32]);

/* The same over data given in pieces: init, update as often as needed, final. */
typedef struct {
    uint32_t h[8];
    uint64_t len;                    /* bytes so far */
    unsigned char buf[64];           /* a block not yet full */
    size_t n;
} bp_sha256_ctx;

void bp_sha256_init(bp_sha256_ctx *c);
void bp_sha256_update(bp_sha256_ctx *c, const void *data, size_t len);
void bp_sha256_final(bp_sha256_ctx *c, unsigned char out[32]);

/* Whether the blocks go through the processor's SHA instructions (x86-64 with the SHA
 * extensions), and, for the unit test, the C rounds forced (true) or the choice left to
 * the processor again (false). */
bool bp_sha256_accelerated(void);
void bp_sha256_force_portable(bool portable);

/* 64 lower-case hex digits and a NUL. */
void bp_sha256_hex(const unsigned char digest[32], char out[65]);

#endif
