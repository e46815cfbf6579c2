/*
 * cmd_create.c - hln create: make hard links (ln for hard links,
 * mklink /H, cp -al).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/batch.h"
#include "hln/cmd.h"
#include "hln/linkerr.h"
#include "hln/linktree.h"
#include "hln/message.h"
#include "hln/options.h"
#include "hln/output.h"
#include "hln/path.h"
#include "hln/platform.h"
#include "hln/replace.h"
#include "hln/walk.h"

#define CMD "create"

struct create_opts {
	/*
	 * The engine's options, parsed into it: -f/-i (replace), -L/-P
	 * (follow_root), -n, -r, --reflink[=WHEN], --progress (progress_force)
	 */
	struct linktree_opts lo;
	int no_target_dir; /* -T */
	const char *target_dir;
	int verbose, batch, null;
	int no_deref; /* --no-dereference: a LINK_NAME symlink to a directory
			 is a name, not a directory to link into */
	struct walk_progress walked; /* the progress of -r */
	struct out *out; /* -v and -n lines */
	pthread_mutex_t out_lock;
};

/* ---- messages ---- */

static void say_link(struct create_opts *o, const char *name,
		     const char *target, const char *note)
{
	pthread_mutex_lock(&o->out_lock);
	fputc('\'', o->out->fp);
	out_name(o->out, name);
	/* "'b' and 'a' are already linked", else "'b' => 'a' (clone)" */
	fputs(note && note[1] != '(' ? "' and '" : "' => '", o->out->fp);
	out_name(o->out, target);
	fputc('\'', o->out->fp);
	if (note)
		fputs(note, o->out->fp);
	fputc('\n', o->out->fp);
	pthread_mutex_unlock(&o->out_lock);
}

/*
 * Ask whether to replace NAME.  Returns 1 for yes, 0 for no, or -1 when
 * no answer can be had (no terminal, or the input ended): then nothing is
 * replaced and that is said, as an error, for that name.
 */
static int ask_replace(const struct create_opts *o, const char *name)
{
	char answer[64];
	fprintf(stderr, "hln: " CMD ": replace '%s'? ",
		msg_name(name, hln_isatty(2)));
	fflush(stderr);
	int rc = hln_read_answer(o->batch, answer, sizeof answer);
	if (rc <= 0) {
		fputc('\n', stderr);
		msg_error(
			CMD, name,
			"not replaced: -i found no %s to read the answer from; use -f to replace without asking",
			o->batch ? "terminal" : "terminal or input");
		return -1;
	}
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* ---- links and trees (linktree.c) ---- */

static void on_made(void *ctx, const char *dest, const char *src,
		    enum linktree_made what)
{
	static const char *const notes[] = {
		[LINKTREE_LINKED] = NULL,
		[LINKTREE_ALREADY] = " are already linked",
		[LINKTREE_CLONED] = " (clone)",
		[LINKTREE_COPIED] = " (copy)",
		[LINKTREE_MAYBE] = " (clone)",
	};
	struct create_opts *o = ctx;
	const char *note = notes[what];
	if (what == LINKTREE_MAYBE && o->lo.when == COPY_REFLINK_AUTO)
		note = " (clone or copy)";
	if (what == LINKTREE_ALREADY ? o->verbose : o->verbose || o->lo.dry_run)
		say_link(o, dest, src, note);
}

static void on_failed(void *ctx, const char *src, const char *dest,
		      enum linktree_fail why, int err)
{
	struct create_opts *o = ctx;
	switch (why) {
	case LINKTREE_DEST_IS_DIR:
		msg_error(CMD, dest,
			  "is a directory; a directory is never replaced");
		break;
	case LINKTREE_JUST_MADE:
		msg_error(CMD, src, "will not replace just-created '%s'",
			  msg_name(dest, hln_isatty(2)));
		break;
	case LINKTREE_INTO_ITSELF:
		msg_error(CMD, dest, "cannot link a directory into itself");
		break;
	case LINKTREE_SAME_FILE:
		msg_error(CMD, dest, "'%s' and '%s' are the same file", src,
			  dest);
		break;
	case LINKTREE_NOT_REGULAR:
		msg_error(
			CMD, src,
			"not a regular file: --reflink copies the data of regular files only");
		break;
	case LINKTREE_NOT_REVEALED:
		msg_error(
			CMD, dest,
			"not made: the copy could not be renamed into place (%s); it is left complete in '%s'",
			msg_reason(-err), msg_name(src, hln_isatty(2)));
		break;
	case LINKTREE_ERRNO:
		if (src && o->lo.reflink && err == -EOPNOTSUPP)
			linkerr_no_clone(CMD, src, dest);
		else if (src)
			linkerr_report(CMD, src, dest, err, o->lo.follow_root);
		else
			msg_error(CMD, dest, "%s", msg_reason(-err));
		break;
	}
}

static int on_ask(void *ctx, const char *dest)
{
	return ask_replace(ctx, dest);
}

/* What the engine reports to: O's callbacks and progress counters. */
static void engine_report_to(struct create_opts *o)
{
	static const struct linktree_cb cb = {
		.made = on_made, .failed = on_failed, .ask = on_ask};
	o->lo.progress = &o->walked;
	o->lo.cb = &cb;
	o->lo.ctx = o;
}

/* Make NAME (exactly that name) a link of TARGET, or with -r its tree. */
static int link_one(struct create_opts *o, const char *target, const char *name)
{
	return linktree_link(target, name, &o->lo);
}

/* ---- forms ---- */

static int interrupted(void)
{
	int sig = hln_signal_pending();
	return sig ? HLN_EXIT_SIGBASE + sig : 0;
}

/* Whether PATH is a directory (a symlink to one unless FOLLOW is 0). */
static int is_dir(const char *path, int follow)
{
	struct hln_stat st;
	return hln_stat_path(path, follow ? HLN_FOLLOW : 0, &st) == 0 &&
	       st.type == HLN_T_DIR;
}

/*
 * One pair of --batch, numbered LINENO: link it; every message about it
 * names its line.
 */
static int batch_pair(struct create_opts *o, unsigned long lineno,
		      const char *target, const char *name, const char *why)
{
	char where[32];
	snprintf(where, sizeof where, "stdin:%lu", lineno);
	msg_context(where);
	int rc = HLN_EXIT_FAIL;
	if (why)
		msg_error(CMD, NULL, "%s", why);
	else
		rc = link_one(o, target, name);
	msg_context(NULL);
	return rc;
}

/* --batch: pairs from stdin. */
static int run_batch(struct create_opts *o)
{
	int status = HLN_EXIT_OK, rc;
	struct batch b;
	struct batch_pair p;
	const char *why;
	batch_init_stream(&b, stdin, o->null);
	while ((rc = batch_next(&b, &p, &why)) > 0) {
		int sig = interrupted();
		if (sig) {
			status = sig;
			break;
		}
		status |= batch_pair(o, p.lineno, p.target, p.name, why);
	}
	/* Windows' C library says EINVAL for a closed standard input */
	if (rc == -EBADF || rc == -EINVAL) {
		msg_error(
			CMD, "stdin",
			"cannot read the pairs: standard input is closed (give them with < FILE or through a pipe)");
		status = HLN_EXIT_FAIL;
	} else if (rc < 0) {
		msg_error(CMD, "stdin", "cannot read the pairs: %s",
			  msg_reason(-rc));
		status = HLN_EXIT_FAIL;
	}
	batch_free(&b);
	return status;
}

static int run_operands(struct create_opts *o, int n, char **ops)
{
	if (o->target_dir) {
		if (!is_dir(o->target_dir, 1)) {
			struct hln_stat st;
			int rc = hln_stat_path(o->target_dir, HLN_FOLLOW, &st);
			msg_error(CMD, o->target_dir, "%s",
				  msg_reason(rc < 0 ? -rc : ENOTDIR));
			return HLN_EXIT_FAIL;
		}
		return linktree_into(ops, n, o->target_dir, &o->lo);
	}
	if (o->no_target_dir)
		return link_one(o, ops[0], ops[1]);
	if (n == 1)
		return linktree_into(ops, 1, ".", &o->lo);
	if (is_dir(ops[n - 1], !o->no_deref))
		return linktree_into(ops, n - 1, ops[n - 1], &o->lo);
	if (n == 2)
		return link_one(o, ops[0], ops[1]);
	msg_error(CMD, NULL, "target '%s' is not a directory",
		  msg_name(ops[n - 1], hln_isatty(2)));
	return HLN_EXIT_FAIL;
}

enum { OPT_BATCH = OPT_OWN, OPT_NO_DEREF, OPT_REFLINK };

/* The options of ARGV into O.  Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct create_opts *o)
{
	const struct opt_def defs[] = {
		OPT_CASE('f', "force", no_argument),
		OPT_CASE('i', "interactive", no_argument),
		OPT_SET('L', "logical", &o->lo.follow_root, 1),
		OPT_SET('P', "physical", &o->lo.follow_root, 0),
		OPT_SET('T', "no-target-directory", &o->no_target_dir, 1),
		OPT_STR('t', "target-directory", &o->target_dir),
		OPT_SET(OPT_BATCH, "batch", &o->batch, 1),
		OPT_SET('0', "null", &o->null, 1),
		OPT_CASE('s', "symbolic", no_argument),
		OPT_SET(OPT_NO_DEREF, "no-dereference", &o->no_deref, 1),
		OPT_CASE(OPT_REFLINK, "reflink", optional_argument),
		OPT_END,
	};
	struct opt_parser p;
	opt_init(&p, CMD, defs, cmd_create_help,
		 (struct opt_shared){.progress = &o->lo.progress_force,
				     .recursive = &o->lo.recursive,
				     .dry_run = &o->lo.dry_run,
				     .verbose = &o->verbose});
	int c;
	while ((c = opt_next(&p, argc, argv)) > 0) {
		switch (c) {
		case 'f':
			o->lo.replace = LINKTREE_FORCE;
			break;
		case 'i':
			o->lo.replace = LINKTREE_ASK;
			break;
		case OPT_REFLINK:
			o->lo.reflink = 1;
			o->lo.when = COPY_REFLINK_ALWAYS;
			if (!optarg || strcmp(optarg, "always") == 0)
				break;
			if (strcmp(optarg, "auto") == 0) {
				o->lo.when = COPY_REFLINK_AUTO;
				break;
			}
			return msg_usage(
				CMD,
				"--reflink=%s: WHEN is always or auto (without --reflink, create makes hard links)",
				optarg);
		case 's':
			msg_error(
				CMD, NULL,
				"hln makes hard links only; use ln -s for symbolic links");
			return HLN_EXIT_USAGE;
		}
	}
	if (c < 0)
		return p.status;
	return -1;
}

/* The usage errors of the N operands OPS.  Returns -1, or the status. */
static int check_operands(const struct create_opts *o, int n, char **ops)
{
	if (o->null && !o->batch)
		return msg_usage(CMD, "-0 goes with --batch");
	if (o->batch && n > 0)
		return msg_usage(
			CMD,
			"--batch reads its pairs from stdin and takes no operands");
	if (o->target_dir && o->no_target_dir)
		return msg_usage(CMD, "-t and -T cannot be used together");
	if (o->batch && o->target_dir)
		return msg_usage(
			CMD,
			"--batch takes every LINK_NAME from its pairs; -t cannot be used with it");
	if (!o->batch && n == 0)
		return msg_usage(CMD, "missing file operand");
	if (o->no_target_dir && !o->batch && n != 2)
		return msg_usage(CMD,
				 n < 2 ? "missing LINK_NAME after '%s'"
				       : "extra operand '%s'",
				 ops[n < 2 ? 0 : 2]);
	return -1;
}

int cmd_create(int argc, char **argv, struct out *out)
{
	struct create_opts o;
	memset(&o, 0, sizeof o);
	int rc = parse_options(argc, argv, &o);
	int n = argc - optind;
	char **ops = argv + optind;
	if (rc < 0)
		rc = check_operands(&o, n, ops);
	if (rc >= 0)
		return rc;
	engine_report_to(&o);
	o.out = out;
	out_begin(out, OUT_PLAIN, OUT_DOC_ARRAY);
	pthread_mutex_init(&o.out_lock, NULL);
	if (o.lo.replace != LINKTREE_KEEP || o.lo.recursive || o.batch)
		hln_signals_catch();
	int status = o.batch ? run_batch(&o) : run_operands(&o, n, ops);
	int sig = interrupted();
	if (sig)
		status = sig;
	pthread_mutex_destroy(&o.out_lock);
	return status;
}
