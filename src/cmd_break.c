/*
 * cmd_break.c - hln break: make one name of a file an independent copy,
 * every other name keeping the original; with -r, so that no name under a
 * directory shares its data with any other name.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/cmd.h"
#include "hln/copy.h"
#include "hln/groups.h"
#include "hln/message.h"
#include "hln/output.h"
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
};

void cmd_break_help(void)
{
	fputs("Usage: hln break [OPTION]... FILE...\n"
	      "  or:  hln break -r [OPTION]... DIR...\n"
	      "Make each FILE an independent copy with the same data and\n"
	      "metadata; every other name of the file keeps the original.\n"
	      "The copy is made beside FILE and swapped in atomically: FILE\n"
	      "always names the original or the complete copy.\n"
	      "\n"
	      "  -r, -R, --recursive  break every name under each DIR that\n"
	      "                       shares its data with another name; of a "
	      "file\n"
	      "                       whose names are all under DIR, one keeps "
	      "it\n"
	      "      --reflink[=WHEN] share data blocks copy-on-write: auto\n"
	      "                       (default: where the filesystem can, "
	      "else\n"
	      "                       copy), always (fail where it cannot), "
	      "never\n"
	      "                       (always copy the bytes; no block "
	      "shared)\n"
	      "  -n, --dry-run        print what would be done, change "
	      "nothing\n"
	      "  -v, --verbose        print a line per file, saying clone or "
	      "copy\n"
	      "  -j, --json           print a JSON summary: broken, cloned,\n"
	      "                       copied, bytes_copied\n"
	      "      --progress       show progress of -r on stderr\n"
	      "      --no-progress    never show progress\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 all done, 1 some FILE failed, 2 usage error,\n"
	      "130/143 interrupted (the file in flight is rolled back).\n",
	      stdout);
}

/* Print "'NAME': TEXT" on stdout (not with -j). */
static void say(struct break_opts *o, const char *name, const char *text)
{
	if (o->out->format == OUT_JSON)
		return;
	fputc('\'', o->out->fp);
	out_name(o->out, name);
	fprintf(o->out->fp, "': %s\n", text);
}

/* The directory of PATH joined with the symlink text TEXT, into BUF. */
static const char *link_target(const char *path, const char *text, char *buf,
			       size_t size)
{
	const char *slash = strrchr(path, '/');
	if (text[0] == '/' || !slash)
		return text;
	snprintf(buf, size, "%.*s/%s", (int)(slash - path), path, text);
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
			msg_error(CMD, path,
				  "is a symbolic link to '%s', which does not "
				  "exist; only a file can be broken",
				  text);
		else
			msg_error(CMD, path,
				  "is a symbolic link to '%s'; break the file "
				  "itself by naming it: hln break '%s'",
				  text,
				  link_target(path, text, buf, sizeof buf));
		break;
	}
	case HLN_T_DIR:
		msg_error(CMD, path,
			  o->recursive ? "is a directory"
				       : "is a directory; use -r to break the "
					 "links of the files under it");
		break;
	default:
		msg_error(CMD, path,
			  "is not a regular file; only the data of regular "
			  "files can be copied");
	}
	return HLN_EXIT_FAIL;
}

/* Report the failure RC of breaking PATH (of SIZE bytes). */
static int break_failed(const struct break_opts *o, const char *path, int rc,
			uint64_t size)
{
	switch (-rc) {
	case ECANCELED:
		msg_error(CMD, path,
			  "was replaced by another file while being copied; "
			  "that file was left in place and nothing changed");
		break;
	case EAGAIN:
		msg_error(CMD, path,
			  "changed while being copied (tried %d times); left "
			  "as it was",
			  COPY_RETRIES + 1);
		break;
	case EOPNOTSUPP:
		msg_error(CMD, path,
			  "cannot be cloned: its data blocks cannot be shared "
			  "here (the filesystem cannot, or the file is marked "
			  "No_COW) (--reflink=always); nothing was changed");
		break;
	case EACCES:
		msg_error(CMD, path,
			  "permission denied: the file cannot be read, or its "
			  "directory cannot be written (the copy is made "
			  "beside it); nothing was changed");
		break;
	case EPERM:
		msg_error(CMD, path,
			  "operation not permitted: the file is immutable or "
			  "append-only, or its directory is sticky and the "
			  "file not yours; nothing was changed");
		break;
	case ENOSPC:
	case EDQUOT: {
		char h[16];
		msg_error(CMD, path,
			  "%s: a copy needs %s; nothing was changed, the file "
			  "and its other names are untouched",
			  -rc == ENOSPC ? "no space left on the device (free "
					  "blocks or inodes)"
					: "disk quota exceeded",
			  out_human(h, sizeof h, size));
		break;
	}
	case EIO:
		msg_error(CMD, path,
			  "input/output error while making the copy; the file "
			  "and its other names are untouched");
		break;
	case EINTR:
		msg_error(CMD, path, "interrupted; left as it was");
		break;
	case EMLINK:
		msg_error(CMD, path,
			  "the directory cannot take the temporary name of the "
			  "copy (too many links)");
		break;
	default:
		msg_error(CMD, path, "%s", msg_reason(-rc));
	}
	(void)o;
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
			say(o, path, "has one name; nothing to do");
		return HLN_EXIT_OK;
	}
	if (o->dry_run) {
		char text[64];
		snprintf(text, sizeof text, "would break (%llu names)",
			 (unsigned long long)st.nlink);
		say(o, path, text);
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
		return break_failed(o, path, rc, st.size);
	}
	if (r.nothing) {
		if (o->verbose)
			say(o, path, "has one name; nothing to do");
		return HLN_EXIT_OK;
	}
	o->broken++;
	if (r.cloned)
		o->cloned++;
	else
		o->copied++;
	o->bytes += r.bytes;
	if (o->verbose) {
		char text[64];
		if (r.cloned)
			snprintf(text, sizeof text, "broken (clone)");
		else
			snprintf(text, sizeof text,
				 "broken (copy, %llu byte%s)",
				 (unsigned long long)r.bytes,
				 r.bytes == 1 ? "" : "s");
		say(o, path, text);
	}
	return HLN_EXIT_OK;
}

/* ---- -r ---- */

/* A name under the DIRs of a file with more than one link. */
struct rec {
	uint64_t dev, ino, nlink;
	char *path;
	int op; /* the operand whose walk found it */
};

struct scan {
	pthread_mutex_t lock;
	struct rec *v; /* every such name */
	size_t n, cap;
	struct walk_status status;
	struct walk_progress prog;
	int op; /* the operand being walked */
};

static int scan_entry(void *ctx, const struct walk_entry *e)
{
	struct scan *s = ctx;
	struct hln_stat st;
	if (hln_signal_pending())
		return 1;
	if (e->type == HLN_T_LNK)
		return 0; /* a symlink's own links: no data to copy */
	const struct hln_stat *sp;
	int rc = walk_entry_stat(e, 0, &st, &sp);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (sp->nlink <= 1 || sp->type == HLN_T_LNK)
		return 0;
	if (sp->type != HLN_T_REG) {
		/* a fifo or device with several names: said, not skipped */
		msg_error(CMD, e->path,
			  "is not a regular file; only the data of regular "
			  "files can be copied, its names stay linked");
		walk_fail(&s->status);
		return 0;
	}
	char *path = strdup(e->path);
	if (!path)
		return -ENOMEM;
	pthread_mutex_lock(&s->lock);
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct rec *v = realloc(s->v, cap * sizeof *v);
		if (v) {
			s->v = v;
			s->cap = cap;
		}
	}
	if (s->n < s->cap) {
		struct rec *r = &s->v[s->n++];
		r->dev = sp->dev;
		r->ino = sp->ino;
		r->nlink = sp->nlink;
		r->path = path;
		r->op = s->op;
		walk_found(&s->prog);
	} else {
		free(path);
		rc = -ENOMEM;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static void scan_error(void *ctx, const char *path, int err)
{
	struct scan *s = ctx;
	msg_error(CMD, path, "%s", msg_reason(err));
	walk_fail(&s->status);
}

/* By file, then by name. */
static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* By name; names kept (path NULL) last. */
static int cmp_path(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (!x->path || !y->path)
		return !x->path - !y->path;
	return strcmp(x->path, y->path);
}

/* The directory a name found by the walks is in, open: the last one. */
struct at {
	int op; /* the operand it is under, -1 for none yet */
	char *rel; /* its path past the operand, as walk_reopen takes it */
	struct hln_dir *dir;
};

/*
 * Break R's name, reached relative to the directories that lead to it
 * from its operand (walk_reopen), so that no path limit applies; AT keeps
 * the last directory open for the names after it.
 */
static int break_found(struct break_opts *o, char **ops, struct at *at,
		       const struct rec *r)
{
	const char *rel = r->path + strlen(ops[r->op]);
	const char *slash = strrchr(rel, '/');
	size_t dlen = slash ? (size_t)(slash - rel) : 0;
	if (at->op != r->op || strlen(at->rel) != dlen ||
	    memcmp(at->rel, rel, dlen) != 0) {
		hln_dir_close(at->dir);
		at->dir = NULL;
		at->op = -1;
		free(at->rel);
		at->rel = malloc(dlen + 1); /* no strndup on Windows */
		if (!at->rel) {
			msg_error(CMD, r->path, "%s", msg_reason(ENOMEM));
			return HLN_EXIT_FAIL;
		}
		memcpy(at->rel, rel, dlen);
		at->rel[dlen] = '\0';
		int rc = walk_reopen(ops[r->op], at->rel, &at->dir);
		if (rc < 0) {
			msg_error(CMD, r->path, "%s", msg_reason(-rc));
			return HLN_EXIT_FAIL;
		}
		at->op = r->op;
	}
	return break_file(o, at->dir, slash ? slash + 1 : rel, r->path);
}

static int break_trees(struct break_opts *o, int n, char **ops)
{
	struct scan s;
	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.lock, NULL);
	struct hln_stat *sts = calloc((size_t)n, sizeof *sts);
	int *isdir = calloc((size_t)n, sizeof *isdir);
	if (!sts || !isdir) {
		free(sts);
		free(isdir);
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	int status = HLN_EXIT_OK;
	for (int i = 0; i < n; i++) {
		if (hln_stat_path(ops[i], 0, &sts[i]) == 0)
			isdir[i] = sts[i].type == HLN_T_DIR;
	}

	struct walk_opts wo = {0};
	wo.one_fs = 1;
	wo.same_mount = 1;
	wo.progress = &s.prog;
	wo.progress_label = "linked names";
	wo.progress_force = o->progress;
	struct walk_ops wops = {NULL, scan_entry, NULL, scan_error, NULL};
	for (int i = 0; i < n && !hln_signal_pending(); i++) {
		if (!isdir[i]) {
			status |= break_file(o, NULL, ops[i], ops[i]);
			continue;
		}
		if (groups_covered(n, ops, sts, isdir, i))
			continue;
		s.op = i;
		int rc = walk_tree(ops[i], &wo, &wops, &s);
		if (rc < 0)
			scan_error(&s, ops[i], -rc);
	}
	status |= walk_status_code(&s.status);

	/*
	 * A file whose names are all here keeps the original under its
	 * first name; the other names are broken, in name order.
	 */
	if (s.n > 1) /* qsort wants a non-NULL base even for none */
		qsort(s.v, s.n, sizeof *s.v, cmp_rec);
	for (size_t i = 0, j; i < s.n; i = j) {
		for (j = i + 1; j < s.n && s.v[j].dev == s.v[i].dev &&
				s.v[j].ino == s.v[i].ino;
		     j++)
			if (strcmp(s.v[j].path, s.v[j - 1].path) == 0) {
				free(s.v[j].path); /* seen twice */
				s.v[j].path = NULL;
			}
		size_t names = 0;
		for (size_t k = i; k < j; k++)
			names += s.v[k].path != NULL;
		if (names >= s.v[i].nlink) {
			free(s.v[i].path);
			s.v[i].path = NULL;
		}
	}
	if (s.n > 1) /* qsort wants a non-NULL base even for none */
		qsort(s.v, s.n, sizeof *s.v, cmp_path);
	struct at at = {-1, NULL, NULL};
	for (size_t i = 0; i < s.n && s.v[i].path; i++)
		if (!hln_signal_pending())
			status |= break_found(o, ops, &at, &s.v[i]);
	hln_dir_close(at.dir);
	free(at.rel);
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].path);
	free(s.v);
	pthread_mutex_destroy(&s.lock);
	free(sts);
	free(isdir);
	return status;
}

enum { OPT_REFLINK = 256, OPT_PROGRESS, OPT_NO_PROGRESS };

int cmd_break(int argc, char **argv, struct out *out)
{
	static const struct option longopts[] = {
		{"recursive", no_argument, NULL, 'r'},
		{"reflink", optional_argument, NULL, OPT_REFLINK},
		{"dry-run", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct break_opts o;
	memset(&o, 0, sizeof o);
	o.reflink = COPY_REFLINK_AUTO;
	int c;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":rRnvjh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'R':
			o.recursive = 1;
			break;
		case OPT_REFLINK:
			if (!optarg || strcmp(optarg, "auto") == 0)
				o.reflink = COPY_REFLINK_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o.reflink = COPY_REFLINK_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				o.reflink = COPY_REFLINK_NEVER;
			else
				return msg_usage(CMD,
						 "invalid --reflink '%s': use "
						 "auto, always or never",
						 optarg);
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'j':
			o.format = OUT_JSON;
			break;
		case OPT_PROGRESS:
			o.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			o.progress = -1;
			break;
		case 'h':
			cmd_break_help();
			return HLN_EXIT_OK;
		default:
			return msg_bad_option(CMD, c, argv, optind, longopts);
		}
	}
	int n = argc - optind;
	if (n == 0)
		return msg_usage(CMD, "missing file operand");
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
