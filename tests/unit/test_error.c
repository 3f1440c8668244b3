/* bp_error: user text as every message quotes it (bp_diag_quote). */
#include "bp_test.h"

#include "bp_error.h"

static void quote(const char *s, size_t size, const char *want)
{
    char buf[200];
    assert_true(size <= sizeof buf);
    bp_diag_quote(s, strlen(s), buf, size);
    assert_string_equal(buf, want);
}

static void forty_characters_then_dots(void **state)
{
    (void)state;
    const char *x40 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    char x41[64];
    snprintf(x41, sizeof x41, "%sy", x40);
    quote("", 200, "");
    quote("P1", 200, "P1");
    quote(x40, 200, x40);                      /* exactly 40: whole, no dots */
    char want[192];
    snprintf(want, sizeof want, "%s...", x40);
    quote(x41, 200, want);                     /* 41: the 41st is cut */
    /* characters, not bytes: 40 pound signs (80 bytes) whole, the 41st character cut */
    char pounds[128] = "", pounds_x[192];
    for (int i = 0; i < 40; i++) strcat(pounds, "\xC2\xA3");
    snprintf(pounds_x, sizeof pounds_x, "%sx", pounds);
    quote(pounds, 200, pounds);
    snprintf(want, sizeof want, "%s...", pounds);
    quote(pounds_x, 200, want);
}

static void control_characters_as_spaces(void **state)
{
    (void)state;
    quote("a\nb\tc\rd", 200, "a b c d");
    quote("\x01\x1F", 200, "  ");
}

static void a_small_buffer(void **state)
{
    (void)state;
    /* bytes are copied while 8 more fit: 4 of "abcdefgh" in 12, then the dots */
    quote("abcdefgh", 12, "abcd...");
    quote("abc", 12, "abc");
}

/* A character cut short by the field's end is copied as it is: the quoting counts, it
 * does not validate (the CSV reader has refused invalid UTF-8 before). */
static void counts_by_lead_bytes(void **state)
{
    (void)state;
    char buf[32];
    bp_diag_quote("\xE2\x82\xAC\xE2\x82", 5, buf, sizeof buf);
    assert_string_equal(buf, "\xE2\x82\xAC\xE2\x82");
    bp_diag_quote("abc", 2, buf, sizeof buf);    /* only n bytes are read */
    assert_string_equal(buf, "ab");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forty_characters_then_dots),
        cmocka_unit_test(control_characters_as_spaces),
        cmocka_unit_test(a_small_buffer),
        cmocka_unit_test(counts_by_lead_bytes),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL) ? 1 : 0;
}
