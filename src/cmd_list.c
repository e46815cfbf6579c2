/*
 * cmd_list.c - hln list: every name of a file (find -samefile, fsutil
 * hardlink list), and the groups of names that share an inode in a tree.
 *
 * A FILE's names are found by one scan per filesystem that compares the
 * inode number each directory entry carries (getdents64 d_ino) before any
 * stat, and stats only the candidates; it stops once every FILE has as
 * many names as its link count.  Where the filesystem can answer directly
 * (Btrfs INO_PATHS, Windows FindFirstFileNameW) it is asked first, and its
 * answer checked like the scan's.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/cmd.h"
#include "hln/groups.h"
#include "hln/message.h"
#include "hln/names.h"
#include "hln/options.h"
#include "hln/output.h"
#include "hln/path.h"
#include "hln/platform.h"
#include "hln/walk.h"

#define CMD "list"

struct list_opts {
	const char *root; /* --root, or NULL for each FILE's mount point */
	int follow; /* operands: 1 unless -P */
	int verbose;
	int progress;
	struct out *out;
};

/* One operand. */
struct operand {
	const char *arg; /* as given */
	struct names_file f; /* what it names (st), and for a FILE its names */
	int ok; /* stat succeeded */
	int is_dir; /* a DIR operand: groups inside it */
	char *root; /* FILE: where its scan starts */
	int explicit_root;
	struct groups *groups; /* DIR: the groups found */
};

/* Directories that could not be read, summarized in one line. */
struct unreadable {
	pthread_mutex_t lock;
	unsigned long count;
	char *first;
	int first_err;
	int roots_failed; /* a root of the FILEs' scans could not be walked */
};

/* ERROR of the walks: note the directory PATH. */
static void note_unreadable(void *ctx, const char *path, int err)
{
	struct unreadable *u = ctx;
	pthread_mutex_lock(&u->lock);
	if (u->count++ == 0) {
		u->first = strdup(path);
		u->first_err = err;
	}
	pthread_mutex_unlock(&u->lock);
}

static void warn_unreadable(const struct unreadable *u)
{
	if (!u->count)
		return;
	msg_error(CMD, NULL, "%lu %s could not be read (the first: %s: %s)",
		  u->count, u->count == 1 ? "directory" : "directories",
		  msg_name(u->first ? u->first : "?", hln_isatty(2)),
		  msg_reason(u->first_err));
}

/* ---- output ---- */

/* Print the groups of G, a blank line between two.  Returns 0 or -ENOMEM. */
static int print_groups(struct list_opts *o, const struct groups *g)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	struct json *j = &o->out->json;
	for (size_t i = 0; i < groups_count(g) && rc == 0; i++) {
		struct name_group grbuf;
		const struct name_group *gr = groups_at(g, i, &grbuf);
		if (o->out->format == OUT_JSON) {
			json_begin_object(j);
			json_key_uint(j, "dev", gr->dev);
			json_key_uint(j, "ino", gr->ino);
			json_key_uint(j, "nlink", gr->nlink);
			json_key(j, "names");
			json_begin_array(j);
		} else if (i > 0 && o->out->format == OUT_PLAIN) {
			fputc('\n', stdout);
		}
		for (size_t k = 0; k < gr->names; k++) {
			const char *path = groups_path(g, gr, k, &buf, &cap);
			if (!path) {
				rc = -ENOMEM;
				break;
			}
			if (o->out->format == OUT_JSON) {
				json_string(j, path);
			} else {
				out_name(o->out, path);
				out_end(o->out);
			}
		}
		if (o->out->format == OUT_JSON) {
			json_end_array(j);
			json_end_object(j);
		} else if (o->out->format == OUT_NUL) {
			out_end(o->out);
		}
	}
	free(buf);
	return rc;
}

static void print_file(struct list_opts *o, struct operand *op, int several)
{
	const struct names_file *f = &op->f;
	names_sort(&op->f);
	if (o->out->format == OUT_JSON) {
		struct json *j = &o->out->json;
		json_begin_object(j);
		json_key_string(j, "file", op->arg);
		json_key_uint(j, "dev", f->st.dev);
		json_key_uint(j, "ino", f->st.ino);
		json_key_uint(j, "nlink", f->st.nlink);
		json_key(j, "names");
		json_begin_array(j);
		for (size_t i = 0; i < f->n; i++)
			json_string(j, f->names[i]);
		json_end_array(j);
		json_key_bool(j, "complete", f->complete);
		json_end_object(j);
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		out_name(o->out, f->names[i]);
		out_end(o->out);
	}
	if (several && o->out->format == OUT_NUL)
		out_end(o->out);
}

/* A FILE with fewer names found than its link count: say so. */
static int warn_incomplete(const struct list_opts *o, const struct operand *op)
{
	if (op->explicit_root) {
		if (o->verbose)
			msg_error(CMD, op->arg,
				  "found %llu of %llu names under %s",
				  (unsigned long long)op->f.n,
				  (unsigned long long)op->f.st.nlink, op->root);
		return HLN_EXIT_OK;
	}
	/* a bind mount of a subdirectory hides the rest */
	char mroot[4096];
	char bind[4200] = "";
	if (hln_mount_root(op->root, mroot, sizeof mroot) > 1)
		snprintf(
			bind, sizeof bind,
			", or they lie outside %s, the part of its filesystem that this bind mount shows",
			mroot);
	msg_error(
		CMD, op->arg,
		"found %llu of %llu names under %s; the rest are in directories that could not be read, or the file changed during the search%s",
		(unsigned long long)op->f.n, (unsigned long long)op->f.st.nlink,
		op->root, bind);
	return HLN_EXIT_FAIL;
}

/* Print every operand found, in operand order.  Returns the status. */
static int print_operands(struct list_opts *o, struct operand *ops, int n)
{
	int status = HLN_EXIT_OK;
	int any = 0; /* plain: an operand was printed, a blank line next */
	for (int i = 0; i < n; i++) {
		struct operand *op = &ops[i];
		if (!op->ok)
			continue;
		if (n > 1 && o->out->format == OUT_PLAIN) {
			if (any)
				fputc('\n', stdout);
			out_name(o->out, op->arg);
			fputs(":\n", stdout);
			any = 1;
		}
		if (op->is_dir) {
			if (print_groups(o, op->groups) < 0) {
				msg_error(CMD, op->arg, "%s",
					  msg_reason(ENOMEM));
				status = HLN_EXIT_FAIL;
			}
			if (!op->f.complete)
				status = HLN_EXIT_FAIL;
			continue;
		}
		print_file(o, op, n > 1);
		if (!op->f.complete)
			status |= warn_incomplete(o, op);
	}
	return status;
}

/* ---- finding ---- */

/* The groups inside the DIR operand OP. */
static int list_dir(struct list_opts *o, struct operand *op,
		    struct unreadable *u)
{
	struct groups *g = groups_new(0);
	if (!g)
		return -ENOMEM;
	struct walk_progress prog = {0};
	struct walk_opts wo = {.same_mount = 1,
			       .follow_root = o->follow,
			       .progress = &prog,
			       .progress_label = "linked names",
			       .progress_force = o->progress};
	struct groups_walk gw = {.error = note_unreadable, .ctx = u};
	unsigned long before = u->count;
	int rc = groups_walk(g, op->arg, &wo, &gw);
	op->groups = g;
	if (groups_sort(g, 2) < 0 && rc >= 0)
		rc = -ENOMEM;
	op->f.complete = rc == 0 && u->count == before;
	return rc < 0 ? rc : 0;
}

/*
 * Stat operand OP; give a FILE its root, and answer one with a single
 * link, or one the filesystem can answer for, at once.  Returns the
 * operand's exit status.
 */
static int find_root(struct list_opts *o, struct operand *op)
{
	int rc = hln_stat_path(op->arg, o->follow ? HLN_FOLLOW : 0, &op->f.st);
	if (rc < 0) {
		msg_error(CMD, op->arg, "%s", msg_reason(-rc));
		return HLN_EXIT_FAIL;
	}
	op->ok = 1;
	op->is_dir = op->f.st.type == HLN_T_DIR;
	if (op->is_dir)
		return HLN_EXIT_OK;
	if (o->root) {
		op->explicit_root = 1;
		op->root = strdup(o->root);
		rc = op->root ? 0 : -ENOMEM;
	} else {
		rc = names_start(&op->f, op->arg, o->follow, &op->root);
	}
	if (rc < 0) {
		msg_error(CMD, op->arg, "%s", msg_reason(-rc));
		op->ok = 0;
		return HLN_EXIT_FAIL;
	}
	return HLN_EXIT_OK;
}

/* FAILED of names_find: the root could not be walked. */
static void root_failed(void *ctx, const char *root, int err)
{
	struct unreadable *u = ctx;
	msg_error(CMD, root, "%s", msg_reason(err));
	u->roots_failed = 1;
}

/* The names of the FILE operands, one scan per root. */
static int find_names(struct list_opts *o, struct operand *ops, int n,
		      struct unreadable *u)
{
	struct names_file **files = calloc((size_t)n, sizeof *files);
	char **roots = calloc((size_t)n, sizeof *roots);
	size_t nfiles = 0;
	int rc = files && roots ? 0 : -ENOMEM;
	for (int i = 0; i < n && rc == 0; i++) {
		if (ops[i].ok && !ops[i].is_dir) {
			files[nfiles] = &ops[i].f;
			roots[nfiles++] = ops[i].root;
		}
	}
	struct walk_progress prog = {0};
	struct walk_opts wo = {.follow_root = 1,
			       .progress = &prog,
			       .progress_label = "names",
			       .progress_force = o->progress};
	if (rc == 0)
		rc = names_find(files, roots, nfiles, &wo, note_unreadable,
				root_failed, u);
	free(files);
	free(roots);
	if (rc < 0)
		msg_error(CMD, NULL, "%s", msg_reason(-rc));
	return rc < 0 || u->roots_failed ? HLN_EXIT_FAIL : HLN_EXIT_OK;
}

/* Find and print the names of the N operands ARGS. */
static int list_operands(struct list_opts *o, int n, char **args)
{
	int status = HLN_EXIT_OK;
	struct operand *ops = calloc((size_t)n, sizeof *ops);
	if (!ops) {
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	struct unreadable u = {.count = 0};
	pthread_mutex_init(&u.lock, NULL);
	for (int i = 0; i < n; i++) {
		ops[i].arg = args[i];
		status |= find_root(o, &ops[i]);
	}
	status |= find_names(o, ops, n, &u);
	for (int i = 0; i < n; i++) {
		if (!ops[i].ok || !ops[i].is_dir)
			continue;
		int rc = list_dir(o, &ops[i], &u);
		if (rc < 0) {
			msg_error(CMD, ops[i].arg, "%s", msg_reason(-rc));
			status = HLN_EXIT_FAIL;
		}
	}
	status |= print_operands(o, ops, n);
	out_flush(o->out); /* what was found, before the warning */
	warn_unreadable(&u);
	for (int i = 0; i < n; i++) {
		names_clear(&ops[i].f);
		free(ops[i].root);
		groups_free(ops[i].groups);
	}
	free(u.first);
	pthread_mutex_destroy(&u.lock);
	free(ops);
	return status;
}

enum { OPT_ROOT = OPT_OWN };

int cmd_list(int argc, char **argv, struct out *out)
{
	struct list_opts o = {.follow = 1};
	enum out_format fmt = OUT_PLAIN;
	const struct opt_def defs[] = {
		OPT_STR(OPT_ROOT, "root", &o.root),
		OPT_END,
	};
	struct opt_parser p;
	opt_init(&p, CMD, defs, cmd_list_help,
		 (struct opt_shared){.progress = &o.progress,
				     .follow = &o.follow,
				     .json = &fmt,
				     .nul = &fmt,
				     .verbose = &o.verbose});
	p.missing = "missing file operand";
	int rc = opt_parse(&p, argc, argv);
	if (rc >= 0)
		return rc;
	int n = argc - optind;
	o.out = out;
	out_begin(out, fmt, OUT_DOC_ARRAY);
	if (o.root) {
		struct hln_stat st;
		rc = hln_stat_path(o.root, HLN_FOLLOW, &st);
		if (rc < 0 || st.type != HLN_T_DIR) {
			msg_error(CMD, o.root, "%s",
				  msg_reason(rc < 0 ? -rc : ENOTDIR));
			return HLN_EXIT_FAIL;
		}
	}
	return list_operands(&o, n, argv + optind);
}
