/*
 * hln/cmd.h - the entry points of the subcommands (main.c alone uses
 * them).
 */
#ifndef HLN_CMD_H
#define HLN_CMD_H

#include "hln/output.h"

/*
 * The subcommands.  ARGV[0] is the command's name; OUT is stdout, set up
 * by main.c, which calls out_finish on it after the command returns (so a
 * JSON document begun with out_begin is always closed).  Each returns the
 * exit status: HLN_EXIT_OK, HLN_EXIT_FAIL, HLN_EXIT_USAGE, or 128 + a
 * signal.
 */
int cmd_create(int argc, char **argv, struct out *out);
int cmd_count(int argc, char **argv, struct out *out);
int cmd_list(int argc, char **argv, struct out *out);
int cmd_break(int argc, char **argv, struct out *out);
int cmd_dedupe(int argc, char **argv, struct out *out);

/* Print the help of each subcommand to stdout. */
void cmd_create_help(void);
void cmd_count_help(void);
void cmd_list_help(void);
void cmd_break_help(void);
void cmd_dedupe_help(void);

#endif
