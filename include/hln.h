/*
 * hln.h - what every part of hln shares: exit statuses (the subcommands'
 * entry points are in hln/cmd.h).  The version, HLN_VERSION, is the file
 * VERSION: the Makefile defines it for main.c alone.
 */
#ifndef HLN_H
#define HLN_H

/* Exit statuses (SPEC.md, common rules). */
#define HLN_EXIT_OK 0 /* every operand done */
#define HLN_EXIT_FAIL 1 /* at least one operand failed */
#define HLN_EXIT_USAGE 2 /* usage error, nothing done */
#define HLN_EXIT_SIGBASE 128 /* 128 + signal number after SIGINT/SIGTERM */

/*
 * The whole program: global options, dispatch to a subcommand.  ARGV holds
 * UTF-8 on Windows (wmain re-encodes it), bytes elsewhere.  Returns the
 * exit status.
 */
int hln_main(int argc, char **argv);

#endif
