/* cli_opts: arguments parsed against a command's option table; the usage written from it. */
#include "bp_cli_opts.h"

#include <stdarg.h>
#include <string.h>
#include "bp_error.h"

/* Synopsis lines are wrapped before this column. */
enum { WIDTH = 90 };

/* Every command's -h/--help: a flag of the parser itself, in no table, so that no command
 * can be without it or give it another meaning. */
static const bp_cli_opt help_opt = {"help", 'h', NULL, "print this help and exit", 0, NULL, 0};

bool bp_cli_set_string(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    (void)why;
    *(const char **)((char *)dest + opt->offset) = value;
    return true;
}

bool bp_cli_set_list(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    bp_cli_list *l = (bp_cli_list *)((char *)dest + opt->offset);
    if (l->count == BP_CLI_LIST_MAX) {
        *why = "given too many times (at most 32)";
        return false;
    }
    l->items[l->count++] = value;
    return true;
}

bool bp_cli_set_flag(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    (void)value;
    (void)why;
    *(bool *)((char *)dest + opt->offset) = true;
    return true;
}

static const bp_cli_opt *find_long(const bp_cli_spec *c, const char *name, size_t n)
{
    for (size_t i = 0; i < c->nopts; i++)
        if (strncmp(c->opts[i].name, name, n) == 0 && c->opts[i].name[n] == '\0')
            return &c->opts[i];
    return strncmp(help_opt.name, name, n) == 0 && help_opt.name[n] == '\0' ? &help_opt : NULL;
}

static const bp_cli_opt *find_short(const bp_cli_spec *c, char letter)
{
    for (size_t i = 0; i < c->nopts; i++)
        if (c->opts[i].letter == letter) return &c->opts[i];
    return letter == help_opt.letter ? &help_opt : NULL;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void usage_error(const bp_cli_spec *c, const char *fmt, ...)
{
    fprintf(stderr, "boardpack %s: ", c->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    bp_cli_synopsis(stderr, "usage: ", c);
}

bool bp_cli_parse(const bp_cli_spec *c, int argc, char **argv, void *dest, int *status)
{
    *status = bp_exit_code(BP_ERR_USAGE);
    /* which table entries were given, for the required ones: a table holds a handful */
    unsigned long long given = 0;
    if (c->nopts > 64) {
        usage_error(c, "more than 64 options in the command's table");
        return false;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const bp_cli_opt *o;
        const char *val = NULL;      /* a value in the same argument: --opt=VALUE, -jN */
        char spelled[40];            /* the option as given, for the messages */
        if (a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            if (!(o = find_long(c, a + 2, n))) {
                usage_error(c, "unknown option '%.*s'", (int)(n + 2), a);
                return false;
            }
            snprintf(spelled, sizeof spelled, "--%s", o->name);
            if (eq) val = eq + 1;
        } else if (a[0] == '-' && a[1]) {
            if (!(o = find_short(c, a[1]))) {
                usage_error(c, "unknown option '%s'", a);
                return false;
            }
            snprintf(spelled, sizeof spelled, "-%c", o->letter);
            if (a[2]) val = a[2] == '=' ? a + 3 : a + 2;
        } else {
            usage_error(c, "unexpected argument '%s'", a);
            return false;
        }
        const char *why = "not accepted";
        if (!o->value) {
            if (val) {
                usage_error(c, "option '%s' takes no value", spelled);
                return false;
            }
            if (o == &help_opt) {
                bp_cli_usage(stdout, c);
                *status = fflush(stdout) == 0 && !ferror(stdout) ? 0 : bp_exit_code(BP_ERR_IO);
                return false;
            }
            if (o->set && !o->set(o, NULL, dest, &why)) {
                usage_error(c, "%s: %s", spelled, why);
                return false;
            }
        } else {
            if (!val && i + 1 < argc) val = argv[++i];
            if (!val || !*val) {
                usage_error(c, "option '%s' needs a value", spelled);
                return false;
            }
            if (!o->set(o, val, dest, &why)) {
                usage_error(c, "%s '%s': %s", spelled, val, why);
                return false;
            }
        }
        given |= 1ULL << (o - c->opts);
    }
    for (size_t i = 0; i < c->nopts; i++)
        if ((c->opts[i].flags & BP_CLI_REQUIRED) && !(given & 1ULL << i)) {
            usage_error(c, "--%s %s is required", c->opts[i].name,
                        c->opts[i].value ? c->opts[i].value : "");
            return false;
        }
    return true;
}

/* The option as the synopsis shows it: --data DIR, [--year YYYY/YY], [--pack NAME]...,
 * [-j N] (the short name when there is one). */
static void synopsis_token(const bp_cli_opt *o, char *buf, size_t size)
{
    bool req = (o->flags & BP_CLI_REQUIRED) != 0;
    char name[64];
    if (o->letter) snprintf(name, sizeof name, "-%c", o->letter);
    else snprintf(name, sizeof name, "--%s", o->name);
    snprintf(buf, size, "%s%s%s%s%s%s", req ? "" : "[", name, o->value ? " " : "",
             o->value ? o->value : "", req ? "" : "]", o->flags & BP_CLI_REPEAT ? "..." : "");
}

void bp_cli_synopsis(FILE *out, const char *lead, const bp_cli_spec *c)
{
    int col = fprintf(out, "%sboardpack %s", lead, c->name);
    int indent = col + 1;
    for (size_t i = 0; i < c->nopts; i++) {
        char tok[128];
        synopsis_token(&c->opts[i], tok, sizeof tok);
        int n = (int)strlen(tok);
        if (col + 1 + n > WIDTH) col = fprintf(out, "\n%*s%s", indent, "", tok) - 1;
        else col += fprintf(out, " %s", tok);
    }
    fputc('\n', out);
}

/* Text of several lines ('\n'), each line after the first indented to column indent. */
static void put_lines(FILE *out, const char *text, int indent)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (p != text) fprintf(out, "%*s", indent, "");
        fprintf(out, "%.*s\n", (int)n, p);
        p += n + (nl != NULL);
    }
}

/* "  -j, --jobs N" or "      --data DIR": the option's column in the list. */
static int option_left(const bp_cli_opt *o, char *buf, size_t size)
{
    char letter[8] = "    ";
    if (o->letter) snprintf(letter, sizeof letter, "-%c, ", o->letter);
    return snprintf(buf, size, "  %s--%s%s%s", letter, o->name, o->value ? " " : "",
                    o->value ? o->value : "");
}

void bp_cli_usage(FILE *out, const bp_cli_spec *c)
{
    bp_cli_synopsis(out, "usage: ", c);
    fputs("\n  ", out);
    put_lines(out, c->summary, 2);
    fputs("\nOptions:\n", out);
    char left[128];
    int width = option_left(&help_opt, left, sizeof left);
    for (size_t i = 0; i < c->nopts; i++) {
        int n = option_left(&c->opts[i], left, sizeof left);
        if (n > width) width = n;
    }
    width += 2;
    for (size_t i = 0; i <= c->nopts; i++) {
        const bp_cli_opt *o = i < c->nopts ? &c->opts[i] : &help_opt;
        option_left(o, left, sizeof left);
        fprintf(out, "%-*s", width, left);
        put_lines(out, o->help, width);
    }
    fputs("\nAn option's value is the argument after it or follows '=': --opt VALUE or "
          "--opt=VALUE.\n", out);
}
