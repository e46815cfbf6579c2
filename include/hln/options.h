/*
 * hln/options.h - the options of the commands, parsed in one place: a
 * command declares its own as data (struct opt_def) and says which of the
 * shared ones it takes (struct opt_shared: --progress, -L/-P, -j/-0, -r,
 * -n, -v; -h/--help always); it sees only those of its own that no table
 * takes.  Unknown options and missing arguments are said here.
 */
#ifndef HLN_OPTIONS_H
#define HLN_OPTIONS_H

#include <getopt.h>

#include "hln/output.h"

/* The values of the shared long-only options; a command's own start at OPT_OWN.
 */
enum { OPT_PROGRESS = 0x100, OPT_NO_PROGRESS, OPT_OWN = 0x110 };

#define OPT_MAX_LONG 40 /* long options of one command, shared included */

/*
 * One option of a command's own, as data.  ID is its getopt value: its
 * short letter, or (long only) OPT_OWN and up; NAME its long name (NULL:
 * short only); HAS_ARG no_argument, required_argument or
 * optional_argument.  Where it goes: FLAG set, *FLAG = VALUE for each use;
 * ARG set, *ARG = its argument (the last one wins); neither, opt_next
 * returns ID to the command (optarg holding its argument).  A table of
 * them is written with the macros below (as git's parse-options tables
 * are) and ends with OPT_END.
 */
struct opt_def {
	int id;
	const char *name;
	int has_arg;
	int *flag;
	int value;
	const char **arg;
};

/* An option without argument that sets *FLAG = VALUE. */
#define OPT_SET(id, name, flag, value)                                         \
	{                                                                      \
		(id), (name), no_argument, (flag), (value), NULL               \
	}
/* An option whose argument is kept in *ARG. */
#define OPT_STR(id, name, arg)                                                 \
	{                                                                      \
		(id), (name), required_argument, NULL, 0, (arg)                \
	}
/* An option returned to the command's own switch. */
#define OPT_CASE(id, name, has_arg)                                            \
	{                                                                      \
		(id), (name), (has_arg), NULL, 0, NULL                         \
	}
#define OPT_END                                                                \
	{                                                                      \
		0, NULL, 0, NULL, 0, NULL                                      \
	}

/*
 * The options every command may share, written once here: each pointer
 * the command sets makes them taken into it (NULL: not an option of that
 * command), short and long names both.
 *   progress:  --progress 1, --no-progress -1 (set by every command)
 *   follow:    -L/--dereference 1, -P/--no-dereference 0
 *   json, nul: -j/--json OUT_JSON, -0/--null OUT_NUL (the same field
 *              for both: the last wins)
 *   recursive: -r, -R, --recursive 1
 *   dry_run:   -n, --dry-run 1
 *   verbose:   -v, --verbose 1
 * -h/--help is every command's.  A command whose -L, -P or -0 means
 * something else (create's --logical, --physical, --null) declares it
 * among its own instead.
 */
struct opt_shared {
	int *progress;
	int *follow;
	enum out_format *json;
	enum out_format *nul;
	int *recursive;
	int *dry_run;
	int *verbose;
};

struct opt_parser {
	const char *cmd;
	void (*help)(void);
	const struct opt_def *defs;
	struct opt_shared to;
	char shortopts[64];
	struct option longopts[OPT_MAX_LONG + 1];
	const char *missing; /* set: the usage error when no operand follows */
	int status; /* the exit status when opt_next returned -1 */
};

/*
 * Set P up for the command CMD: DEFS are its own options (to OPT_END),
 * TO the shared ones it takes, HELP prints its help.  Resets getopt
 * (optind), so one process may parse twice (the unit tests).  A table
 * too long for P is a programming error (abort).
 */
void opt_init(struct opt_parser *p, const char *cmd, const struct opt_def *defs,
	      void (*help)(void), struct opt_shared to);

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
 * Every option, for a command whose options are all taken by P (its own
 * flags and arguments, and the shared ones): opt_next to the end.  Returns -1
 * to go on (optind is the first operand), or the exit status as opt_next leaves
 * it in P->status.  An option the tables do not take is a programming error
 * (abort).
 */
int opt_parse(struct opt_parser *p, int argc, char **argv);

#endif
