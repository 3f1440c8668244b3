/* bp_cli_commands: the commands the dispatch (cli.c) runs, one module each
 * (cli_check.c, cli_build.c, cli_batch.c, cli_ledger.c): its usage and option table, and the function
 * that runs it over the arguments after its name with the environment read once. */
#ifndef BP_CLI_COMMANDS_H
#define BP_CLI_COMMANDS_H

#include "bp_cli_common.h"
#include "bp_cli_opts.h"

typedef struct {
    bp_cli_spec spec;
    int (*run)(int argc, char **argv, const bp_cli_env *env);   /* the exit status */
} bp_cli_command;

extern const bp_cli_command bp_cli_check;
extern const bp_cli_command bp_cli_build;
extern const bp_cli_command bp_cli_batch;
extern const bp_cli_command bp_cli_ledger;

#endif
