/* bp_sha256: the FIPS 180-4 example digests, one-shot and streamed in pieces of every
 * size around the 64-byte block. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_sha256.h"

static void hex_of(const void *data, size_t len, char out[65])
{
    unsigned char d[32];
    bp_sha256(data, len, d);
    bp_sha256_hex(d, out);
}

/* FIPS 180-4 / NIST examples: "", "abc", the 448-bit message, a million 'a'. */
static void known_digests(void **state)
{
    (void)state;
    char h[65];
    hex_of("", 0, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(m, strlen(m), h);
    assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    hex_of(a, 1000000, h);
    assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* The same digest however the data is cut: every piece size from 1 to 130 bytes over a
 * message of 1,000 bytes, against the one-shot digest (checked above). */
static void streamed_in_pieces(void **state)
{
    (void)state;
    unsigned char msg[1000], want[32], got[32];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 7 + 3);
    bp_sha256(msg, sizeof msg, want);
    for (size_t piece = 1; piece <= 130; piece++) {
        bp_sha256_ctx c;
        bp_sha256_init(&c);
        for (size_t off = 0; off < sizeof msg; off += piece)
            bp_sha256_update(&c, msg + off, off + piece <= sizeof msg ? piece : sizeof msg - off);
        bp_sha256_final(&c, got);
        assert_memory_equal(got, want, 32);
    }
    /* "abc" in three pieces, one of them empty */
    bp_sha256_ctx c;
    bp_sha256_init(&c);
    bp_sha256_update(&c, "a", 1);
    bp_sha256_update(&c, "", 0);
    bp_sha256_update(&c, "bc", 2);
    bp_sha256_final(&c, got);
    char h[65];
    bp_sha256_hex(got, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* The processor's SHA instructions and the C rounds give the same digest for every
 * length from 0 to 1,100 bytes (the known digests above hold for whichever this machine
 * uses); on a processor without them both are the C rounds. */
static void instructions_agree_with_c(void **state)
{
    (void)state;
    static unsigned char msg[1100];
    unsigned char c[32], fast[32];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 131 + (i >> 3));
    for (size_t n = 0; n <= sizeof msg; n++) {
        bp_sha256_force_portable(true);
        bp_sha256(msg, n, c);
        assert_false(bp_sha256_accelerated());
        bp_sha256_force_portable(false);
        bp_sha256(msg, n, fast);
        assert_memory_equal(c, fast, 32);
    }
    print_message("SHA instructions: %s\n", bp_sha256_accelerated() ? "used" : "not available");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_digests),
        cmocka_unit_test(streamed_in_pieces),
        cmocka_unit_test(instructions_agree_with_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
