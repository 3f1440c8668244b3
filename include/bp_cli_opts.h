/* bp_cli_opts: the command line's option tables.  Each command declares its options in
 * one table - long name, short letter, a value or a flag, help, where the value goes -
 * and this module parses the arguments against it and writes the command's usage from
 * it, so that every command takes, documents and refuses options the same way:
 * `--opt VALUE`, `--opt=VALUE`, `-j N`, `-jN`, `-j=N`; `-h`/`--help` on every command;
 * every usage error naming the command.  Knows nothing of what an option means. */
#ifndef BP_CLI_OPTS_H
#define BP_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct bp_cli_opt bp_cli_opt;

/* Stores value into the command's options struct (dest + opt->offset).  Returns false,
 * with *why saying what was expected ("expected text or json"), when the value is not
 * acceptable. */
typedef bool (*bp_cli_setter)(const bp_cli_opt *opt, const char *value, void *dest,
                              const char **why);

enum {
    BP_CLI_REQUIRED = 1,     /* the command refuses to run without it */
    BP_CLI_REPEAT = 2,       /* may be given several times (the usage says NAME...) */
};

struct bp_cli_opt {
    const char *name;        /* long name without the dashes: "data" for --data */
    char letter;             /* short name (-j), 0 for none */
    const char *value;       /* the value as the usage shows it ("DIR", "text|json");
                                NULL for a flag, which takes no value */
    const char *help;        /* for COMMAND --help; '\n' starts another line */
    unsigned flags;          /* BP_CLI_REQUIRED, BP_CLI_REPEAT */
    bp_cli_setter set;
    size_t offset;           /* offsetof the field in the command's options struct */
};

/* A command as its usage describes it. */
typedef struct {
    const char *name;        /* "check" */
    const char *summary;     /* what it does, lines of at most 76 characters */
    const bp_cli_opt *opts;
    size_t nopts;
} bp_cli_spec;

/* A list of values of a repeatable option, in the order given. */
#define BP_CLI_LIST_MAX 32
typedef struct {
    const char *items[BP_CLI_LIST_MAX];
    size_t count;
} bp_cli_list;

/* Setters for the plain kinds: the value itself (a const char * field), one more item
 * of a bp_cli_list, and a flag (a bool field set true; the entry's value is NULL). */
bool bp_cli_set_string(const bp_cli_opt *opt, const char *value, void *dest, const char **why);
bool bp_cli_set_list(const bp_cli_opt *opt, const char *value, void *dest, const char **why);
bool bp_cli_set_flag(const bp_cli_opt *opt, const char *value, void *dest, const char **why);

/* Parses the arguments after the command name into dest, which holds the defaults.
 * Returns true when the command is to run.  Otherwise the run ends with exit status
 * *status: 0 after -h or --help printed the usage on standard output, 2 after a usage
 * error ("boardpack batch: unknown option '--x'") and the synopsis on standard error. */
bool bp_cli_parse(const bp_cli_spec *c, int argc, char **argv, void *dest, int *status);

/* `boardpack NAME --data DIR [--year YYYY/YY]...` after lead, wrapped under itself. */
void bp_cli_synopsis(FILE *out, const char *lead, const bp_cli_spec *c);

/* The synopsis, the summary and every option with its help: COMMAND --help. */
void bp_cli_usage(FILE *out, const bp_cli_spec *c);

#endif
