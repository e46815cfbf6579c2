/*
 * cmd_break.c - hln break: make one name of a file an independent copy,
 * every other name keeping the original; with -r, so that no name under a
 * directory shares its data with any other name.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/cmd.h"
#include "hln/copy.h"
#include "hln/groups.h"
#include "hln/message.h"
#include "hln/options.h"
#include "hln/output.h"
#include "hln/path.h"
#include "hln/platform.h"
#include "hln/walk.h"

#define CMD "break"

struct break_opts {
	enum copy_reflink reflink;
	int recursive, dry_run, verbose;
	int progress; /* >0 --progress, <0 --no-progress */
	enum out_format format; /* -j: only the summary */
	struct out *out;
	/* the summary */
	uint64_t broken, cloned, copied, bytes;
	int status; /* -r: of the names groups_visit passed */
};

/* Print the line "'PATH': " and FMT's text for one file (not with -j). */
static void print_result(struct break_opts *o, const char *path,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void print_result(struct break_opts *o, const char *path,
			 const char *fmt, ...)
{
	if (o->out->format == OUT_JSON)
		return;
	fputc('\'', o->out->fp);
	out_name(o->out, path);
	fputs("': ", o->out->fp);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(o->out->fp, fmt, ap);
	va_end(ap);
	fputc('\n', o->out->fp);
}

/*
 * The symlink text TEXT of PATH as a path from here: TEXT itself when it
 * is absolute or PATH is in ".", else joined to PATH's directory in BUF
 * (TEXT when that does not fit).
 */
static const char *link_target(const char *path, const char *text, char *buf,
			       size_t size)
{
	if (text[0] == '/' || !strchr(path, '/'))
		return text;
	char dir[4096];
	if (path_dir(dir, sizeof dir, path) < 0 ||
	    path_join(buf, size, dir, text) < 0)
		return text;
	return buf;
}

/*
 * PATH, which is NAME in DIR (NULL: NAME is PATH), is not a regular file:
 * say why it is refused.
 */
static int refuse(const struct break_opts *o, struct hln_dir *dir,
		  const char *name, const char *path, const struct hln_stat *st)
{
	char text[4096], buf[8192];
	switch (st->type) {
	case HLN_T_LNK: {
		struct hln_stat tst;
		if (hln_dir_readlinkat(dir, name, text, sizeof text) < 0)
			strcpy(text, "?");
		if (hln_dir_statat(dir, name, HLN_FOLLOW, &tst) < 0)
			msg_error(
				CMD, path,
				"is a symbolic link to '%s', which does not exist; only a file can be broken",
				text);
		else
			msg_error(
				CMD, path,
				"is a symbolic link to '%s'; break the file itself by naming it: hln break '%s'",
				text, link_target(path, text, buf, sizeof buf));
		break;
	}
	case HLN_T_DIR:
		msg_error(
			CMD, path,
			o->recursive
				? "is a directory"
				: "is a directory; use -r to break the links of the files under it");
		break;
	default:
		msg_error(
			CMD, path,
			"is not a regular file; only the data of regular files can be copied");
	}
	return HLN_EXIT_FAIL;
}

/* What a failure of copy_break means, for the errnos that say more. */
static const struct {
	int err;
	const char *text;
} break_reasons[] = {
	{ECANCELED,
	 "was replaced by another file while being copied; that file was left in place and nothing changed"},
	{EOPNOTSUPP,
	 "cannot be cloned: its data blocks cannot be shared here (the filesystem cannot, or the file is marked No_COW) (--reflink=always); nothing was changed"},
	{EACCES,
	 "permission denied: the file cannot be read, or its directory cannot be written (the copy is made beside it); nothing was changed"},
	{EPERM,
	 "operation not permitted: the file is immutable or append-only, or its directory is sticky and the file not yours; nothing was changed"},
	{EIO,
	 "input/output error while making the copy; the file and its other names are untouched"},
	{EINTR, "interrupted; left as it was"},
	{EMLINK,
	 "the directory cannot take the temporary name of the copy (too many links)"},
};

/* Report the failure RC of breaking PATH (of SIZE bytes). */
static int break_failed(const char *path, int rc, uint64_t size)
{
	char h[16];
	for (size_t i = 0; i < sizeof break_reasons / sizeof *break_reasons;
	     i++)
		if (break_reasons[i].err == -rc) {
			msg_error(CMD, path, "%s", break_reasons[i].text);
			return HLN_EXIT_FAIL;
		}
	if (rc == -EAGAIN)
		msg_error(
			CMD, path,
			"changed while being copied (tried %d times); left as it was",
			COPY_RETRIES + 1);
	else if (rc == -ENOSPC || rc == -EDQUOT)
		msg_error(
			CMD, path,
			"%s: a copy needs %s; nothing was changed, the file and its other names are untouched",
			rc == -ENOSPC
				? "no space left on the device (free blocks or inodes)"
				: "disk quota exceeded",
			out_human(h, sizeof h, size));
	else
		msg_error(CMD, path, "%s", msg_reason(-rc));
	return HLN_EXIT_FAIL;
}

/* Break PATH, which is NAME in DIR (NULL: NAME is PATH). */
static int break_file(struct break_opts *o, struct hln_dir *dir,
		      const char *name, const char *path)
{
	struct hln_stat st;
	int rc = hln_dir_statat(dir, name, 0, &st);
	if (rc < 0) {
		msg_error(CMD, path, "%s", msg_reason(-rc));
		return HLN_EXIT_FAIL;
	}
	if (st.type != HLN_T_REG)
		return refuse(o, dir, name, path, &st);
	if (st.nlink <= 1) {
		if (o->verbose)
			print_result(o, path, "has one name; nothing to do");
		return HLN_EXIT_OK;
	}
	if (o->dry_run) {
		print_result(o, path, "would break (%llu names)",
			     (unsigned long long)st.nlink);
		o->broken++;
		return HLN_EXIT_OK;
	}
	struct copy_result r;
	rc = copy_break(dir, name, o->reflink, &r);
	if (rc < 0) {
		if (rc == -ELOOP || rc == -EISDIR || rc == -EINVAL) {
			/* It was swapped for another kind of file meanwhile. */
			if (hln_dir_statat(dir, name, 0, &st) == 0 &&
			    st.type != HLN_T_REG)
				return refuse(o, dir, name, path, &st);
		}
		return break_failed(path, rc, st.size);
	}
	if (r.nothing) {
		if (o->verbose)
			print_result(o, path, "has one name; nothing to do");
		return HLN_EXIT_OK;
	}
	o->broken++;
	if (r.cloned)
		o->cloned++;
	else
		o->copied++;
	o->bytes += r.bytes;
	if (o->verbose && r.cloned)
		print_result(o, path, "broken (clone)");
	else if (o->verbose)
		print_result(o, path, "broken (copy, %llu byte%s)",
			     (unsigned long long)r.bytes,
			     r.bytes == 1 ? "" : "s");
	return HLN_EXIT_OK;
}

/* ---- -r ---- */

/*
 * What the walks keep (groups.c keeps only files with two or more links):
 * regular files; a symlink's own links are left alone (no data to copy),
 * and a fifo or device with several names is said, not skipped silently.
 */
static int keep_regular(void *ctx, const struct walk_entry *e,
			const struct hln_stat *st)
{
	if (hln_signal_pending())
		return GROUPS_STOP;
	if (st->type == HLN_T_LNK)
		return GROUPS_SKIP;
	if (st->type != HLN_T_REG) {
		msg_error(
			CMD, e->path,
			"is not a regular file; only the data of regular files can be copied, its names stay linked");
		walk_fail(ctx);
		return GROUPS_SKIP;
	}
	return GROUPS_KEEP;
}

static void tree_error(void *ctx, const char *path, int err)
{
	msg_error(CMD, path, "%s", msg_reason(err));
	walk_fail(ctx);
}

/* Break NAME in DIR, whose path is PATH: a name of groups_visit. */
static void break_named(void *ctx, struct hln_dir *dir, const char *name,
			const char *path)
{
	struct break_opts *o = ctx;
	o->status |= break_file(o, dir, name, path);
}

static void break_unreached(void *ctx, const char *path, int err)
{
	struct break_opts *o = ctx;
	msg_error(CMD, path, "%s", msg_reason(err));
	o->status = HLN_EXIT_FAIL;
}

static int break_trees(struct break_opts *o, int n, char **ops)
{
	struct hln_stat *sts = calloc((size_t)n, sizeof *sts);
	int *isdir = calloc((size_t)n, sizeof *isdir);
	char **walked = calloc((size_t)n, sizeof *walked); /* the roots */
	struct groups *g = groups_new(0);
	if (!sts || !isdir || !walked || !g) {
		free(sts);
		free(isdir);
		free(walked);
		groups_free(g);
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	int status = HLN_EXIT_OK;
	for (int i = 0; i < n; i++) {
		if (hln_stat_path(ops[i], 0, &sts[i]) == 0)
			isdir[i] = sts[i].type == HLN_T_DIR;
	}

	struct walk_status ws = {0};
	struct walk_progress prog = {0};
	struct walk_opts wo = {.one_fs = 1,
			       .same_mount = 1,
			       .progress = &prog,
			       .progress_label = "linked names",
			       .progress_force = o->progress};
	struct groups_walk gw = {
		.filter = keep_regular, .error = tree_error, .ctx = &ws};
	for (int i = 0; i < n && !hln_signal_pending(); i++) {
		if (!isdir[i]) {
			status |= break_file(o, NULL, ops[i], ops[i]);
			continue;
		}
		if (groups_covered(n, ops, sts, isdir, i))
			continue;
		walked[i] = ops[i];
		int rc = groups_walk(g, ops[i], &wo, &gw);
		if (rc < 0)
			tree_error(&ws, ops[i], -rc);
	}
	status |= walk_status_code(&ws);
	if (groups_sort(g, 1) < 0) {
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		status = HLN_EXIT_FAIL;
	}
	struct groups_visit v = {
		.name = break_named, .error = break_unreached, .ctx = o};
	o->status = HLN_EXIT_OK;
	groups_visit(g, n, walked, &v);
	status |= o->status;
	groups_free(g);
	free(sts);
	free(isdir);
	free(walked);
	return status;
}

enum { OPT_REFLINK = OPT_OWN };

int cmd_break(int argc, char **argv, struct out *out)
{
	static const struct opt_def defs[] = {
		OPT_CASE(OPT_REFLINK, "reflink", optional_argument),
		OPT_END,
	};
	struct break_opts o = {.reflink = COPY_REFLINK_AUTO};
	struct opt_parser p;
	opt_init(&p, CMD, defs, cmd_break_help,
		 (struct opt_shared){.progress = &o.progress,
				     .json = &o.format,
				     .recursive = &o.recursive,
				     .dry_run = &o.dry_run,
				     .verbose = &o.verbose});
	p.missing = "missing file operand";
	int c;
	while ((c = opt_next(&p, argc, argv)) > 0) {
		switch (c) {
		case OPT_REFLINK:
			if (!optarg || strcmp(optarg, "auto") == 0)
				o.reflink = COPY_REFLINK_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o.reflink = COPY_REFLINK_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				o.reflink = COPY_REFLINK_NEVER;
			else
				return msg_usage(
					CMD,
					"invalid --reflink '%s': use auto, always or never",
					optarg);
			break;
		}
	}
	if (c < 0)
		return p.status;
	int n = argc - optind;
	o.out = out;
	out_begin(out, o.format, OUT_DOC_OBJECT);
	hln_signals_catch();
	int status = HLN_EXIT_OK;
	if (o.recursive) {
		status = break_trees(&o, n, argv + optind);
	} else {
		for (int i = 0; i < n && !hln_signal_pending(); i++)
			status |= break_file(&o, NULL, argv[optind + i],
					     argv[optind + i]);
	}
	int sig = hln_signal_pending();
	if (out->format == OUT_JSON) {
		json_key_uint(&out->json, "broken", o.broken);
		json_key_uint(&out->json, "cloned", o.cloned);
		json_key_uint(&out->json, "copied", o.copied);
		json_key_uint(&out->json, "bytes_copied", o.bytes);
	}
	return sig ? HLN_EXIT_SIGBASE + sig : status;
}
