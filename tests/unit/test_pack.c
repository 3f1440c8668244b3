/* Tests for bp_pack: pack templates - sections in order, errors with their positions and
 * the pack kind's words, a byte-order mark and CRLF accepted, an empty templates folder. */
#include "bp_test.h"

#include <stdlib.h>
#include <unistd.h>
#include "bp_pack.h"

static bp_err parse(const char *text, bp_packset *s, bp_diags *d)
{
    return bp_pack_parse("t.pack", text, strlen(text), s, d);
}

static void parses_sections_in_order(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    const char *t = "# comment\n"
                    "pack finance\n"
                    "  title: Finance and Resources Committee   # trailing comment\n"
                    "  audience: Trustees\n"
                    "  section: summary\n"
                    "  section: scorecard\n"
                    "    title: Efficiency\n"
                    "    kpis: section:efficiency, contact_ratio\n"
                    "  section: methodology\n"
                    "    appendix: yes\n";
    assert_int_equal(parse(t, &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(s.count, 1);
    const bp_pack *p = &s.packs[0];
    assert_string_equal(p->id, "finance");
    assert_string_equal(p->title, "Finance and Resources Committee");
    assert_false(p->per_lgb);
    assert_int_equal(p->nsections, 3);
    assert_int_equal(p->sections[0].kind, BP_SEC_SUMMARY);
    assert_int_equal(p->sections[1].kind, BP_SEC_SCORECARD);
    assert_string_equal(p->sections[1].title, "Efficiency");
    assert_int_equal(p->sections[1].nkpis, 2);
    assert_true(bp_section_selects(&p->sections[1], "contact_ratio", "efficiency"));
    assert_true(bp_section_selects(&p->sections[1], "set_size_main", "efficiency"));
    assert_false(bp_section_selects(&p->sections[1], "surplus_pct", "finance"));
    assert_true(bp_section_selects(&p->sections[0], "surplus_pct", "finance"));
    assert_true(p->sections[2].appendix);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void errors_name_line_and_column(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    const char *t = "pack x\n"
                    "  title: X\n"
                    "  section: pie_chart\n"
                    "  colour: blue\n"
                    "  per: school\n";
    assert_int_equal(parse(t, &s, &d), BP_ERR_PACK);
    assert_int_equal(d.errors, 3);
    char buf[256];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:3:12: error: found section kind 'pie_chart', expected one of "
                             "the kinds in docs/pack-format.md");
    bp_diag_format(&d.items[1], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:4:3: error: found setting 'colour', expected title, "
                             "audience, per, max_exceptions, money_units or section");
    bp_diag_format(&d.items[2], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:5:8: error: found 'school', expected trust or lgb");
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void missing_title_and_bad_id(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("pack ../evil\n  title: X\npack ok\n  section: summary\n", &s, &d),
                     BP_ERR_PACK);
    /* the pack with the wrong id is still read (its title is no error), never kept */
    assert_int_equal(d.errors, 2);
    char buf[256];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:1:6: error: '../evil' is not a pack id: use lower-case "
                             "letters, digits, '_' and '-'");
    bp_diag_format(&d.items[1], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:3:1: error: pack 'ok' has no title: expected a line 'title: ...'");
    assert_int_equal(s.count, 0);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

/* max_exceptions: (contract v2) a whole number of entries from 1 to 999, set for the whole
 * pack; a per-LGB pack may go untitled (it takes trust.csv's local_tier). */
static void max_exceptions_and_untitled_lgb(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("pack a\n  title: A\n  max_exceptions: 8\n  section: exceptions\n"
                           "pack b\n  title: B\n  max_exceptions: 999\n"
                           "pack c\n  title: C\n"
                           "pack l\n  per: lgb\n  section: summary\n", &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(s.packs[bp_pack_find(&s, "a")].max_exceptions, 8);
    assert_int_equal(s.packs[bp_pack_find(&s, "b")].max_exceptions, 999);
    assert_int_equal(s.packs[bp_pack_find(&s, "c")].max_exceptions, 0);   /* no limit */
    assert_null(s.packs[bp_pack_find(&s, "l")].title);
    bp_packset_free(&s);
    const char *t = "pack x\n"
                    "  title: X\n"
                    "  max_exceptions: 0\n"
                    "  max_exceptions: 1000\n"
                    "  max_exceptions: eight\n"
                    "  max_exceptions: -3\n"
                    "  max_exceptions: 2.5\n"
                    "  section: exceptions\n"
                    "    max_exceptions: 8\n";
    assert_int_equal(parse(t, &s, &d), BP_ERR_PACK);
    static const char *const want[] = {
        "t.pack:3:19: error: found '0', expected a whole number of entries from 1 to 999",
        "t.pack:4:19: error: found '1000', expected a whole number of entries from 1 to 999",
        "t.pack:5:19: error: found 'eight', expected a whole number of entries from 1 to 999",
        "t.pack:6:19: error: found '-3', expected a whole number of entries from 1 to 999",
        "t.pack:7:19: error: found '2.5', expected a whole number of entries from 1 to 999",
        "t.pack:9:5: error: found setting 'max_exceptions' in a section, expected it with the "
        "pack's own settings, before its first section"};
    assert_int_equal(d.errors, sizeof want / sizeof *want);
    char buf[256];
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        bp_diag_format(&d.items[i], buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    bp_packset_free(&s);
    bp_diags_free(&d);
}

/* money_units: (contract v2) a pack's own units over trust.csv's, pounds or thousands
 * exactly, for the whole pack. */
static void money_units_override(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("pack a\n  title: A\n  money_units: thousands\n  section: summary\n"
                           "pack b\n  title: B\n  money_units: pounds\n"
                           "pack c\n  title: C\n", &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    bp_model m;
    memset(&m, 0, sizeof m);
    m.money_units = BP_MONEY_POUNDS;
    assert_int_equal(bp_pack_money_units(&s.packs[bp_pack_find(&s, "a")], &m), BP_MONEY_THOUSANDS);
    assert_int_equal(bp_pack_money_units(&s.packs[bp_pack_find(&s, "c")], &m), BP_MONEY_POUNDS);
    m.money_units = BP_MONEY_THOUSANDS;
    assert_int_equal(bp_pack_money_units(&s.packs[bp_pack_find(&s, "b")], &m), BP_MONEY_POUNDS);
    assert_int_equal(bp_pack_money_units(&s.packs[bp_pack_find(&s, "c")], &m), BP_MONEY_THOUSANDS);
    bp_packset_free(&s);
    const char *t = "pack x\n"
                    "  title: X\n"
                    "  money_units: Thousands\n"
                    "  money_units: 000\n"
                    "  section: summary\n"
                    "    money_units: pounds\n";
    assert_int_equal(parse(t, &s, &d), BP_ERR_PACK);
    static const char *const want[] = {
        "t.pack:3:16: error: found 'Thousands', expected pounds or thousands",
        "t.pack:4:16: error: found '000', expected pounds or thousands",
        "t.pack:6:5: error: found setting 'money_units' in a section, expected it with the "
        "pack's own settings, before its first section"};
    assert_int_equal(d.errors, sizeof want / sizeof *want);
    char buf[256];
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        bp_diag_format(&d.items[i], buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void later_pack_replaces_same_id(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("pack a\n title: First\npack b\n title: B\n", &s, &d), BP_OK);
    assert_int_equal(parse("pack a\n title: Second\n per: lgb\n", &s, &d), BP_OK);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.packs[bp_pack_find(&s, "a")].title, "Second");
    assert_true(s.packs[0].per_lgb);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

/* The lines a pack file shares with KPI files (bp_settings), in the pack's words; each
 * position counted by hand. */
static void reader_errors_in_pack_words(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    char big[1100];
    memset(big, 'x', sizeof big);
    memcpy(big, "  title: ", 9);
    big[9 + 1015] = 0;                    /* a 1,024-byte line, one over the cap */
    char t[1400];
    snprintf(t, sizeof t, "  title: Early\n"          /* 1: before any pack */
                          "pack a\n"
                          "  title: A\n"
                          "  just words\n"            /* 4: no colon */
                          "  audience:   # none\n"    /* 5: no value */
                          "  audience: Caf\xE9\n"     /* 6: Latin-1 e-acute at 16 */
                          "%s\n", big);               /* 7: too long */
    assert_int_equal(parse(t, &s, &d), BP_ERR_PACK);
    assert_int_equal(d.errors, 5);
    const char *want[] = {
        "t.pack:1:3: error: 'title:' outside a block: start one with 'pack ID'",
        "t.pack:4:3: error: expected 'pack ID' or 'key: value', found 'just words'",
        "t.pack:5:12: error: 'audience:' needs a value",
        "t.pack:6:16: error: found byte 0xE9, which is not valid UTF-8, expected UTF-8 text: "
        "save the file as UTF-8",
        "t.pack:7:1: error: line is 1024 bytes long, expected at most 1023",
    };
    char buf[256];
    for (size_t i = 0; i < 5; i++) {
        bp_diag_format(&d.items[i], buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    /* the bad byte is read as '?', so the rest of the pack is still checked and kept */
    assert_int_equal(s.count, 1);
    assert_string_equal(s.packs[0].audience, "Caf?");
    assert_string_equal(bp_strerror(BP_ERR_PACK), "invalid pack templates");
    bp_packset_free(&s);
    bp_diags_free(&d);
}

/* A byte-order mark and CRLF line endings, as a Windows editor saves a template, change
 * nothing; a '#' inside a word is text, after a space a comment (as in KPI files). */
static void bom_and_crlf_accepted(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    const char *t = "\xEF\xBB\xBFpack board\r\n"
                    "  title: Board#1 # the main one\r\n"
                    "\r\n"
                    "  section: scorecard\r\n"
                    "    title: Item#2\r\n"
                    "    kpis: a, , b,\r\n";
    assert_int_equal(parse(t, &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(s.count, 1);
    assert_string_equal(s.packs[0].id, "board");
    assert_string_equal(s.packs[0].title, "Board#1");
    assert_int_equal(s.packs[0].nsections, 1);
    assert_string_equal(s.packs[0].sections[0].title, "Item#2");
    assert_int_equal(s.packs[0].sections[0].nkpis, 2);     /* empty items left out */
    assert_string_equal(s.packs[0].sections[0].kpis[1], "b");
    bp_packset_free(&s);
    bp_diags_free(&d);
}

/* A NUL byte ends the file: the pack it is in is not judged (no "has no title"). */
static void nul_byte_stops_reading(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    const char t[] = "pack a\n  title: A\npack b\n  ti\0tle: B\n  colour: red\n";
    assert_int_equal(bp_pack_parse("t.pack", t, sizeof t - 1, &s, &d), BP_ERR_PACK);
    assert_int_equal(d.errors, 1);
    char buf[256];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:4: error: the file contains a NUL byte: is it a text file?");
    bp_packset_free(&s);
    bp_diags_free(&d);
}

/* A templates folder with no pack in it - empty, or only files that are not packs or
 * define none - is an error naming the folder, not a build without packs. */
static void folder_without_packs(void **state)
{
    (void)state;
    char dir[] = "/tmp/bp-packs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    for (int round = 0; round < 2; round++) {
        if (round == 1) {             /* a README and a template of comments only */
            snprintf(path, sizeof path, "%s/README", dir);
            FILE *f = fopen(path, "w");
            assert_non_null(f);
            fputs("pack x\n  title: not a template\n", f);
            fclose(f);
            snprintf(path, sizeof path, "%s/old.pack", dir);
            f = fopen(path, "w");
            assert_non_null(f);
            fputs("# pack old\n#   title: Old\n", f);
            fclose(f);
        }
        bp_packset s;
        bp_diags d;
        bp_packset_init(&s);
        bp_diags_init(&d);
        assert_int_equal(bp_pack_load_dir(dir, &s, &d), BP_ERR_PACK);
        assert_int_equal(d.errors, 1);
        assert_string_equal(d.items[0].file, dir);
        assert_string_equal(d.items[0].message,
                            "found no pack, expected at least one NAME.pack file with a 'pack ID' line");
        assert_int_equal(s.count, 0);
        bp_packset_free(&s);
        bp_diags_free(&d);
    }
    snprintf(path, sizeof path, "%s/README", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/old.pack", dir);
    unlink(path);
    rmdir(dir);
}

static void shipped_templates_parse(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(bp_pack_load_dir("templates/packs", &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_true(bp_pack_find(&s, "board") >= 0);
    assert_true(bp_pack_find(&s, "finance") >= 0);
    assert_true(bp_pack_find(&s, "quality") >= 0);
    int lgb = bp_pack_find(&s, "lgb");
    assert_true(lgb >= 0);
    assert_true(s.packs[lgb].per_lgb);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_sections_in_order),
        cmocka_unit_test(errors_name_line_and_column),
        cmocka_unit_test(missing_title_and_bad_id),
        cmocka_unit_test(max_exceptions_and_untitled_lgb),
        cmocka_unit_test(money_units_override),
        cmocka_unit_test(later_pack_replaces_same_id),
        cmocka_unit_test(reader_errors_in_pack_words),
        cmocka_unit_test(bom_and_crlf_accepted),
        cmocka_unit_test(nul_byte_stops_reading),
        cmocka_unit_test(folder_without_packs),
        cmocka_unit_test(shipped_templates_parse),
    };
    return cmocka_run_group_tests_name("pack templates", tests, NULL, NULL);
}
