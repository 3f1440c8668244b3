/* bp_sha256: SHA-256 (FIPS 180-4) of a byte buffer, for the data-quality section's
 * fingerprint of every input file. */
#ifndef BP_SHA256_H
#define BP_SHA256_H

#include <stddef.h>

void bp_sha256(const void *data, size_t len, unsigned char out[32]);

/* 64 lower-case hex digits and a NUL. */
void bp_sha256_hex(const unsigned char digest[32], char out[65]);

#endif
