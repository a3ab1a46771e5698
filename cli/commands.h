/*
 * commands.h - the subcommands of the triage command-line tool.
 *
 * Each takes the arguments after its own name (argv[0] is the subcommand)
 * and returns the process exit status.
 */
#ifndef TRIAGE_CLI_COMMANDS_H
#define TRIAGE_CLI_COMMANDS_H

int cmd_read(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_overdue(int argc, char **argv);
int cmd_themes(int argc, char **argv);
int cmd_ticket(int argc, char **argv);

#endif
