/*
 * hln.h - what every part of hln shares: exit statuses, the version, and
 * the entry points of the subcommands.
 */
#ifndef HLN_H
#define HLN_H

#define HLN_VERSION "0.1.0"

/* Exit statuses (SPEC.md, common rules). */
#define HLN_EXIT_OK 0 /* every operand done */
#define HLN_EXIT_FAIL 1 /* at least one operand failed */
#define HLN_EXIT_USAGE 2 /* usage error, nothing done */
#define HLN_EXIT_SIGBASE 128 /* 128 + signal number after SIGINT/SIGTERM */

/*
 * The subcommands.  ARGV[0] is the command's name.  Each returns the exit
 * status: HLN_EXIT_OK, HLN_EXIT_FAIL, HLN_EXIT_USAGE, or 128 + a signal.
 */
int cmd_create(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_break(int argc, char **argv);

/* Print the help of each subcommand to stdout. */
void cmd_create_help(void);
void cmd_count_help(void);
void cmd_list_help(void);
void cmd_break_help(void);

/*
 * The whole program: global options, dispatch to a subcommand.  ARGV holds
 * UTF-8 on Windows (wmain re-encodes it), bytes elsewhere.  Returns the
 * exit status.
 */
int hln_main(int argc, char **argv);

/*
 * Print the help of the subcommand NAME to stdout.
 * Returns 0, or -1 if there is no such command.
 */
int hln_help_command(const char *name);

#endif
