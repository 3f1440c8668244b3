/* cli: the command dispatch, and the usage that lists the commands. */
#include "bp_cli.h"

#include <string.h>
#include "bp_cli_commands.h"
#include "bp_cli_common.h"
#include "bp_error.h"

static const bp_cli_command *const commands[] = {&bp_cli_check, &bp_cli_build, &bp_cli_batch,
                                                 &bp_cli_ledger};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

static void usage(FILE *out)
{
    fputs("Usage:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++) bp_cli_synopsis(out, "  ", &commands[i]->spec);
    fputs("  boardpack COMMAND --help\n"
          "  boardpack --help | --version\n"
          "\n"
          "Commands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const char *s = commands[i]->spec.summary;
        fprintf(out, "  %-8s", commands[i]->spec.name);
        for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1)
            fprintf(out, "%.*s\n          ", (int)(nl - s), s);
        fprintf(out, "%s\n", s);
    }
    fprintf(out, "\n"
          "'boardpack COMMAND --help' lists the command's options.  An option's value is the\n"
          "argument after it or follows '=': --data DIR or --data=DIR.\n"
          "\n"
          "Environment:\n"
          "  SOURCE_DATE_EPOCH    dates the PDFs and the workbook (default: the data set's\n"
          "                       as_of date), so the same input gives byte-identical files\n"
          "  BOARDPACK_DATADIR    the folder of the shipped templates/ and fonts/ (default:\n"
          "                       beside the executable, as in the build tree, else\n"
          "                       %s)\n"
          "  BOARDPACK_TEMPLATES  the templates folder (default: templates/ in the data\n"
          "                       folder, else ./templates)\n"
          "  BOARDPACK_FONTS      the prepared subset fonts (default: fonts/ in the data\n"
          "                       folder, else the full DejaVu fonts)\n"
          "  TMPDIR               where the workbook is assembled (default: /dev/shm when\n"
          "                       writable)\n"
          "\n"
          "Exit status: 0 ok, 1 --fail-on breached, 2 usage, 65 data error, 74 I/O error.\n"
          "KPIs and targets: templates/kpis/default.kpi, extended by the data set's kpis.kpi.\n"
          "The manual: man boardpack.\n",
          bp_cli_datadir);
}

static int flushed(void)
{
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : bp_exit_code(BP_ERR_IO);
}

int bp_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return bp_exit_code(BP_ERR_USAGE);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return flushed();
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("boardpack %s\n", BP_VERSION);
        return flushed();
    }
    bp_cli_env env;
    bp_cli_env_read(&env);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i]->spec.name) == 0)
            return commands[i]->run(argc - 2, argv + 2, &env);
    fprintf(stderr, "boardpack: unknown command '%s' (try boardpack --help)\n", cmd);
    return bp_exit_code(BP_ERR_USAGE);
}
