/*
 * hln/options.h - the options every command shares, parsed in one place:
 * --progress, --no-progress, -h/--help always; -L/-P, -0/-j for the
 * commands that take them.  A command lists its own options and sees only
 * those; unknown options and missing arguments are said here.
 */
#ifndef HLN_OPTIONS_H
#define HLN_OPTIONS_H

#include <getopt.h>

#include "hln/output.h"

/* The values of the shared long-only options; a command's own start at OPT_OWN.
 */
enum { OPT_PROGRESS = 0x100, OPT_NO_PROGRESS, OPT_OWN = 0x110 };

#define OPT_MAX_LONG 40 /* long options of one command, shared included */

/* An option that only sets a flag: getopt's C sets *TO to VALUE. */
struct opt_flag {
	int c;
	int *to;
	int value;
};

/*
 * Where the shared options go: each pointer the command sets makes its
 * options taken here (NULL: the command does not take them).
 *   progress: --progress 1, --no-progress -1 (always taken)
 *   follow:   -L/--dereference 1, -P/--no-dereference 0
 *   format:   -0/--null OUT_NUL, -j/--json OUT_JSON, the last wins
 * -L, -P, -0 and -j only when the command's short options list them (their
 * long names are added then; a command whose -L has another long name,
 * create's --logical, takes it as a flag instead).
 *   flags:    the command's own options that only set a flag, ended by
 *             {0} (they are taken here, not returned to it); the long
 *             names of -r (--recursive), -n (--dry-run) and -v
 *             (--verbose) are added for a command whose short options
 *             and flags list them
 *   args:     the command's own options that only keep their argument,
 *             ended by {0} (taken here too)
 * A long name the command lists itself is not added again.
 */
/* An option that only keeps its argument: getopt's C sets *TO to optarg. */
struct opt_arg {
	int c;
	const char **to;
};

struct opt_shared {
	int *progress;
	int *follow;
	enum out_format *format;
	const struct opt_flag *flags;
	const struct opt_arg *args;
};

struct opt_parser {
	const char *cmd;
	void (*help)(void);
	struct opt_shared to;
	char shortopts[64];
	struct option longopts[OPT_MAX_LONG + 1];
	const char *missing; /* set: the usage error when no operand follows */
	int status; /* the exit status when opt_next returned -1 */
};

/*
 * Set P up for the command CMD: SHORTOPTS and LONGOPTS are its options
 * (without --progress, --no-progress, -h, --help and the long names of
 * the shared options TO takes, which are added),
 * LONGOPTS ended by a zero entry; HELP prints its help; TO says where the
 * shared options go.  Resets getopt (optind), so one process may parse
 * twice (the unit tests).  A table too long for P is a programming error
 * (abort).
 */
void opt_init(struct opt_parser *p, const char *cmd, const char *shortopts,
	      const struct option *longopts, void (*help)(void),
	      struct opt_shared to);

/*
 * The next option of the command's own (its getopt value, > 0; optarg
 * holds its argument), after taking the shared ones.  Returns 0 when the
 * options are done (optind is the first operand, as getopt_long permutes
 * them), or -1 when the command must return P->status now: HLN_EXIT_OK
 * after -h printed the help, HLN_EXIT_USAGE after an unknown option, a
 * missing argument, or (P->missing set) a missing operand was said on
 * stderr.
 */
int opt_next(struct opt_parser *p, int argc, char **argv);

/*
 * Every option, for a command whose options are all taken by P's tables
 * (flags, args and the shared ones): opt_next to the end.  Returns -1 to
 * go on (optind is the first operand), or the exit status as opt_next
 * leaves it in P->status.  An option the tables do not take is a
 * programming error (abort).
 */
int opt_parse(struct opt_parser *p, int argc, char **argv);

#endif
