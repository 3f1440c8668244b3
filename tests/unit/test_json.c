/* bp_json: strings escaped as RFC 8259 requires - quote, backslash and control characters
 * - and everything else, UTF-8 included, passed through byte for byte. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_json.h"

static void json_is(const char *in, const char *want)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    bp_json_string(f, in);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, want);
    free(buf);
}

static void strings_are_escaped(void **state)
{
    (void)state;
    json_is("", "\"\"");
    json_is("Moorside Learning Trust", "\"Moorside Learning Trust\"");
    json_is("say \"hi\"", "\"say \\\"hi\\\"\"");
    json_is("C:\\data\\", "\"C:\\\\data\\\\\"");
    json_is("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    json_is("\x01x\x1f", "\"\\u0001x\\u001f\"");
    json_is("\"", "\"\\\"\"");
    /* £, é and a character beyond the BMP stay as they are; DEL needs no escape */
    json_is("\xC2\xA3" "5 caf\xC3\xA9 \xF0\x9F\x98\x80\x7F", "\"\xC2\xA3" "5 caf\xC3\xA9 \xF0\x9F\x98\x80\x7F\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings_are_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
