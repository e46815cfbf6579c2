/*
 * hln/message.h - what hln says on stderr: errors as
 * "hln: COMMAND: PATH: reason" with sentences a person understands,
 * and usage errors followed by "Try 'hln COMMAND --help'.".
 */
#ifndef HLN_MESSAGE_H
#define HLN_MESSAGE_H

#include <getopt.h>
#include <stdarg.h>

/*
 * A sentence for the errno value ERR (positive), in lower case, without a
 * final period: "no such file or directory", "read-only file system"...
 * Never NULL.
 */
const char *msg_reason(int err);

/*
 * Say that writing standard output failed with ERR (positive):
 * "hln: CMD: stdout: no space left on device" (CMD NULL: "hln: stdout:
 * ..."), the same for every command; the reason is about the write, not
 * about making a new entry (no ENOSPC hint about blocks and inodes).
 */
void msg_stdout_error(const char *cmd, int err);

/*
 * Print "hln: CMD: PATH: " and the formatted reason to stderr, with
 * control characters in PATH escaped when stderr is a terminal.
 * PATH may be NULL (then "hln: CMD: reason").
 */
void msg_error(const char *cmd, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Put CTX (e.g. "stdin:12", or NULL for none) between "hln: CMD: " and the
 * path of every msg_error from now on, so a message says which input line
 * it is about.  CTX must stay valid until the next call.
 */
void msg_context(const char *ctx);

/*
 * Print "hln: CMD: " and the formatted text, then "Try 'hln CMD --help'."
 * on stderr.  Returns HLN_EXIT_USAGE.
 */
int msg_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Report what getopt_long (run with opterr = 0 and an optstring that
 * starts with ':') returned as C, '?' or ':', for the command CMD: "unknown
 * option '-x'" or "option '--target-directory' needs an argument", then
 * the "Try" line.  ARGV and IND (optind) are getopt's, LONGOPTS the command's
 * table (to tell "takes no argument" from "unknown").  Returns
 * HLN_EXIT_USAGE.
 */
int msg_bad_option(const char *cmd, int c, char *const *argv, int ind,
		   const struct option *longopts);

/*
 * Quote NAME for a message: control characters escaped when TTY is
 * non-zero.  Returns a string from one of a few rotating buffers of this
 * thread (valid until 4 more calls), never NULL.
 */
const char *msg_name(const char *name, int tty);

#endif
