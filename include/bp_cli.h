/* bp_cli: the command line - `boardpack COMMAND OPTIONS`, `--help`, `--version`: reads
 * the environment once and runs the command (bp_cli_commands.h).  Returns the process
 * exit status. */
#ifndef BP_CLI_H
#define BP_CLI_H

int bp_cli_main(int argc, char **argv);

#endif
