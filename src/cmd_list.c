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
#include "hln/output.h"
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

/* A list of names, grown as found. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 8;
		char **v = reallocarray(ns->v, cap, sizeof *v);
		if (!v)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	if (!(ns->v[ns->n] = strdup(name)))
		return -ENOMEM;
	ns->n++;
	return 0;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof *ns);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One operand. */
struct operand {
	const char *arg; /* as given */
	struct hln_stat st; /* what it names */
	int ok; /* stat succeeded */
	int is_dir; /* a DIR operand: groups inside it */
	char *root; /* where its scan starts */
	int explicit_root;
	struct names names; /* FILE: its names found */
	int complete;
	int scanned;
	struct groups *groups; /* DIR: the groups found */
};

void cmd_list_help(void)
{
	fputs("Usage: hln list [OPTION]... FILE...\n"
	      "  or:  hln list [OPTION]... DIR...\n"
	      "Print every name (hard link) of each FILE, sorted; for a DIR,\n"
	      "the groups of names inside it that are one file.\n"
	      "\n"
	      "      --root=DIR         search under DIR instead of the top "
	      "of\n"
	      "                         each FILE's filesystem\n"
	      "  -0, --null             end every name with NUL, every group\n"
	      "                         with an empty record\n"
	      "  -j, --json             print JSON\n"
	      "  -L, --dereference      a symbolic link operand means what it\n"
	      "                         points to (default)\n"
	      "  -P, --no-dereference   list the names of a symbolic link "
	      "itself\n"
	      "  -v, --verbose          warn about incomplete answers under "
	      "--root\n"
	      "      --progress         show progress on stderr\n"
	      "      --no-progress      never show progress\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 all found, 1 some FILE failed or not every name\n"
	      "was found, 2 usage error.\n",
	      stdout);
}

/* ---- scanning for FILEs ---- */

/* Whether ST is on another mount than the walk's root (a bind mount). */
static int other_mount(uint64_t root_mnt, const struct hln_stat *st)
{
	return root_mnt && st->mnt_id && st->mnt_id != root_mnt;
}

struct scan {
	struct operand **targets; /* FILE operands of this root, by ino */
	size_t ntargets;
	size_t remaining; /* targets not yet complete */
	int trusted; /* d_ino is st_ino on this filesystem */
	uint64_t mnt_id; /* the root's mount */
	pthread_mutex_t lock;
	struct walk_progress progress; /* of one root's walk */
	/* unreadable directories, for the summary */
	unsigned long unreadable;
	char *first_unreadable;
	int first_err;
};

static int cmp_target_ino(const void *a, const void *b)
{
	const struct operand *x = *(struct operand *const *)a;
	const struct operand *y = *(struct operand *const *)b;
	return x->st.ino < y->st.ino ? -1 : x->st.ino > y->st.ino;
}

/* The first target with inode INO, or the index past the end. */
static size_t find_ino(const struct scan *s, uint64_t ino)
{
	size_t lo = 0, hi = s->ntargets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->targets[mid]->st.ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void note_unreadable(struct scan *s, const char *path, int err)
{
	pthread_mutex_lock(&s->lock);
	if (s->unreadable++ == 0) {
		s->first_unreadable = strdup(path);
		s->first_err = err;
	}
	pthread_mutex_unlock(&s->lock);
}

static void scan_error(void *ctx, const char *path, int err)
{
	note_unreadable(ctx, path, err);
}

static int scan_dir_enter(void *ctx, const struct walk_dir *d, void **data)
{
	struct scan *s = ctx;
	(void)data;
	if (d->depth == 0) {
		s->trusted = hln_dir_ino_trusted(d->dir);
		s->mnt_id = d->st->mnt_id;
	}
	return 0;
}

/*
 * Record PATH, a name of the file with stat ST, for the targets it
 * matches.  Returns 1 when every target is complete.
 */
static int scan_found(struct scan *s, const char *path,
		      const struct hln_stat *st)
{
	int all = 0;
	pthread_mutex_lock(&s->lock);
	for (size_t i = find_ino(s, st->ino);
	     i < s->ntargets && s->targets[i]->st.ino == st->ino; i++) {
		struct operand *t = s->targets[i];
		if (t->st.dev != st->dev || t->complete)
			continue;
		if (names_add(&t->names, path) < 0)
			continue;
		walk_found(&s->progress);
		if (t->names.n >= t->st.nlink) {
			t->complete = 1;
			if (--s->remaining == 0)
				all = 1;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return all;
}

static int scan_entry(void *ctx, const struct walk_entry *e)
{
	struct scan *s = ctx;
	if (e->type == HLN_T_DIR)
		return 0;
	/* Compare d_ino first: a stat only for the candidates. */
	if (s->trusted && e->ino && !e->st) {
		size_t i = find_ino(s, e->ino);
		if (i == s->ntargets || s->targets[i]->st.ino != e->ino)
			return 0;
	}
	struct hln_stat st;
	const struct hln_stat *stp;
	int rc = walk_entry_stat(e, HLN_WANT_MNT, &st, &stp);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (other_mount(s->mnt_id, stp))
		return 0;
	size_t i = find_ino(s, stp->ino);
	if (i == s->ntargets || s->targets[i]->st.ino != stp->ino)
		return 0;
	return scan_found(s, e->path, stp);
}

/* The fast path: FN of hln_file_names. */
static void fast_name(void *ctx, const char *name)
{
	struct scan *s = ctx;
	struct hln_stat st;
	if (hln_stat_path(name, 0, &st) == 0)
		scan_found(s, name, &st);
}

/* ---- DIR operands: groups ---- */

static void group_error(void *ctx, const char *path, int err)
{
	note_unreadable(ctx, path, err);
}

/* ---- output ---- */

/*
 * Print the groups of G; *FIRST: none printed yet (plain: no blank line).
 * Returns 0, or -ENOMEM.
 */
static int print_groups(struct list_opts *o, const struct groups *g, int *first)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	struct json *j = &o->out->json;
	for (size_t i = 0; i < groups_count(g) && rc == 0; i++) {
		const struct name_group *gr = groups_at(g, i);
		if (o->out->format == OUT_JSON) {
			json_begin_object(j);
			json_key_uint(j, "dev", gr->dev);
			json_key_uint(j, "ino", gr->ino);
			json_key_uint(j, "nlink", gr->nlink);
			json_key(j, "names");
			json_begin_array(j);
		} else if (!*first && o->out->format == OUT_PLAIN) {
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
		*first = 0;
	}
	free(buf);
	return rc;
}

static void print_file(struct list_opts *o, struct operand *op, int several)
{
	if (op->names.n > 1) /* qsort wants a non-NULL base even for none */
		qsort(op->names.v, op->names.n, sizeof *op->names.v, cmp_str);
	if (o->out->format == OUT_JSON) {
		struct json *j = &o->out->json;
		json_begin_object(j);
		json_key_string(j, "file", op->arg);
		json_key_uint(j, "dev", op->st.dev);
		json_key_uint(j, "ino", op->st.ino);
		json_key_uint(j, "nlink", op->st.nlink);
		json_key(j, "names");
		json_begin_array(j);
		for (size_t i = 0; i < op->names.n; i++)
			json_string(j, op->names.v[i]);
		json_end_array(j);
		json_key_bool(j, "complete", op->complete);
		json_end_object(j);
		return;
	}
	for (size_t i = 0; i < op->names.n; i++) {
		out_name(o->out, op->names.v[i]);
		out_end(o->out);
	}
	if (several && o->out->format == OUT_NUL)
		out_end(o->out);
}

/* ---- putting it together ---- */

/*
 * The absolute, resolved path of operand OP into *OUT (malloc'd): with -P
 * the directory is resolved and the link's own name kept.  Returns 0 or
 * -errno.
 */
static int resolved_path(const struct list_opts *o, const struct operand *op,
			 char **out)
{
	*out = NULL;
	if (o->follow)
		return hln_realpath(op->arg, out);
	const char *slash = strrchr(op->arg, '/');
	const char *base = slash ? slash + 1 : op->arg;
	size_t dlen =
		slash ? (size_t)(slash - op->arg) + (slash == op->arg) : 1;
	char *dir = malloc(dlen + 1);
	char *rdir = NULL;
	int rc = -ENOMEM;
	if (dir) {
		memcpy(dir, slash ? op->arg : ".", dlen);
		dir[dlen] = '\0';
		rc = hln_realpath(dir, &rdir);
	}
	if (rc == 0) {
		*out = malloc(strlen(rdir) + strlen(base) + 2);
		if (*out)
			sprintf(*out, "%s%s%s", rdir,
				strcmp(rdir, "/") ? "/" : "", base);
		else
			rc = -ENOMEM;
	}
	free(dir);
	free(rdir);
	return rc;
}

/* Scan ROOT for the FILE operands TARGETS (all with that root). */
static int scan_root(struct list_opts *o, const char *root,
		     struct operand **targets, size_t n, struct scan *s)
{
	s->targets = targets;
	s->ntargets = n;
	s->remaining = 0;
	for (size_t i = 0; i < n; i++)
		if (!targets[i]->complete)
			s->remaining++;
	if (!s->remaining)
		return 0;
	if (n > 1) /* qsort wants a non-NULL base even for none */
		qsort(targets, n, sizeof *targets, cmp_target_ino);
	memset(&s->progress, 0, sizeof s->progress);
	struct walk_opts wo = {0};
	wo.same_mount = 1;
	wo.follow_root = 1;
	wo.progress = &s->progress;
	wo.progress_label = "names";
	wo.progress_force = o->progress;
	struct walk_ops ops = {scan_dir_enter, scan_entry, NULL, scan_error,
			       NULL};
	int rc = walk_tree(root, &wo, &ops, s);
	return rc < 0 ? rc : 0;
}

static int list_dir(struct list_opts *o, struct operand *op, struct scan *s)
{
	struct groups *g = groups_new(0);
	if (!g)
		return -ENOMEM;
	struct walk_progress prog = {0};
	struct walk_opts wo = {0};
	wo.same_mount = 1;
	wo.follow_root = o->follow;
	wo.progress = &prog;
	wo.progress_label = "linked names";
	wo.progress_force = o->progress;
	struct groups_walk gw = {NULL, group_error, s};
	unsigned long before = s->unreadable;
	int rc = groups_walk(g, op->arg, &wo, &gw);
	op->groups = g;
	if (groups_sort(g, 2) < 0 && rc >= 0)
		rc = -ENOMEM;
	op->complete = rc == 0 && s->unreadable == before;
	return rc < 0 ? rc : 0;
}

/*
 * The mount point for the resolved path REAL: with -P the link's own
 * directory decides, not what the link points to.
 */
static int mount_point_of(const struct list_opts *o, const char *real,
			  char *buf, size_t size)
{
	if (o->follow)
		return hln_mount_point(real, buf, size);
	const char *slash = strrchr(real, '/');
	size_t len = slash && slash != real ? (size_t)(slash - real) : 1;
	char *dir = malloc(len + 1);
	if (!dir)
		return -ENOMEM;
	memcpy(dir, real, len);
	dir[len] = '\0';
	int rc = hln_mount_point(dir, buf, size);
	free(dir);
	return rc;
}

/* Give each FILE operand its root; answer the single-link ones at once. */
static int prepare(struct list_opts *o, struct operand *op)
{
	int rc = hln_stat_path(op->arg, o->follow ? HLN_FOLLOW : 0, &op->st);
	if (rc < 0) {
		msg_error(CMD, op->arg, "%s", msg_reason(-rc));
		return HLN_EXIT_FAIL;
	}
	op->ok = 1;
	op->is_dir = op->st.type == HLN_T_DIR;
	if (op->is_dir)
		return HLN_EXIT_OK;
	if (o->root) {
		op->root = strdup(o->root);
		op->explicit_root = 1;
	} else {
		char mp[4096];
		char *real;
		rc = resolved_path(o, op, &real);
		if (rc == 0)
			rc = mount_point_of(o, real, mp, sizeof mp);
		if (rc >= 0 && op->st.nlink <= 1) {
			/* the only name: no scan needed */
			names_add(&op->names, real);
			op->complete = 1;
		}
		free(real);
		if (rc < 0) {
			msg_error(CMD, op->arg, "%s", msg_reason(-rc));
			op->ok = 0;
			return HLN_EXIT_FAIL;
		}
		op->root = strdup(mp);
	}
	if (!op->root) {
		msg_error(CMD, op->arg, "%s", msg_reason(ENOMEM));
		op->ok = 0;
		return HLN_EXIT_FAIL;
	}
	return HLN_EXIT_OK;
}

/* Ask the filesystem for OP's names; keep the answer only if complete. */
static void try_fast(struct list_opts *o, struct operand *op, struct scan *s)
{
	if (op->complete || op->explicit_root)
		return;
	char *real;
	if (resolved_path(o, op, &real) < 0)
		return;
	struct operand *one[1] = {op};
	s->targets = one;
	s->ntargets = 1;
	s->remaining = 1;
	int rc = hln_file_names(real, fast_name, s);
	free(real);
	if (rc < 0 || !op->complete) {
		names_free(&op->names);
		op->complete = 0;
	}
}

static int run(struct list_opts *o, int n, char **args)
{
	int status = HLN_EXIT_OK;
	struct operand *ops = calloc((size_t)n, sizeof *ops);
	struct operand **batch = calloc((size_t)n, sizeof *batch);
	struct scan s;
	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.lock, NULL);
	if (!ops || !batch) {
		free(ops);
		free(batch);
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		ops[i].arg = args[i];
		status |= prepare(o, &ops[i]);
		if (ops[i].ok && !ops[i].is_dir)
			try_fast(o, &ops[i], &s);
	}
	/* One scan per root for the FILEs that share it. */
	for (int i = 0; i < n; i++) {
		struct operand *op = &ops[i];
		if (!op->ok || op->is_dir || op->complete || op->scanned)
			continue;
		size_t nb = 0;
		for (int j = i; j < n; j++) {
			struct operand *q = &ops[j];
			if (q->ok && !q->is_dir && !q->complete &&
			    !q->scanned && strcmp(q->root, op->root) == 0) {
				q->scanned = 1;
				batch[nb++] = q;
			}
		}
		int rc = scan_root(o, op->root, batch, nb, &s);
		if (rc < 0) {
			msg_error(CMD, op->root, "%s", msg_reason(-rc));
			status = HLN_EXIT_FAIL;
		}
	}
	for (int i = 0; i < n; i++) {
		struct operand *op = &ops[i];
		if (op->ok && op->is_dir) {
			int rc = list_dir(o, op, &s);
			if (rc < 0) {
				msg_error(CMD, op->arg, "%s", msg_reason(-rc));
				status = HLN_EXIT_FAIL;
			}
		}
	}

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
			int gfirst = 1;
			if (print_groups(o, op->groups, &gfirst) < 0) {
				msg_error(CMD, op->arg, "%s",
					  msg_reason(ENOMEM));
				status = HLN_EXIT_FAIL;
			}
			if (!op->complete)
				status = HLN_EXIT_FAIL;
			continue;
		}
		print_file(o, op, n > 1);
		if (op->complete)
			continue;
		if (!op->explicit_root) {
			/* a bind mount of a subdirectory hides the rest */
			char mroot[4096];
			char bind[4200] = "";
			if (hln_mount_root(op->root, mroot, sizeof mroot) > 1)
				snprintf(bind, sizeof bind,
					 ", or they lie outside %s, the part "
					 "of its filesystem that this bind "
					 "mount shows",
					 mroot);
			msg_error(CMD, op->arg,
				  "found %llu of %llu names under %s; the rest "
				  "are in directories that could not be read, "
				  "or the file changed during the search%s",
				  (unsigned long long)op->names.n,
				  (unsigned long long)op->st.nlink, op->root,
				  bind);
			status = HLN_EXIT_FAIL;
		} else if (o->verbose) {
			msg_error(CMD, op->arg,
				  "found %llu of %llu names under %s",
				  (unsigned long long)op->names.n,
				  (unsigned long long)op->st.nlink, op->root);
		}
	}
	fflush(stdout);
	if (s.unreadable) {
		msg_error(
			CMD, NULL,
			"%lu %s could not be read (the first: %s: %s)",
			s.unreadable,
			s.unreadable == 1 ? "directory" : "directories",
			msg_name(s.first_unreadable ? s.first_unreadable : "?",
				 hln_isatty(2)),
			msg_reason(s.first_err));
	}
	for (int i = 0; i < n; i++) {
		names_free(&ops[i].names);
		free(ops[i].root);
		groups_free(ops[i].groups);
	}
	free(s.first_unreadable);
	pthread_mutex_destroy(&s.lock);
	free(ops);
	free(batch);
	return status;
}

enum { OPT_ROOT = 256, OPT_PROGRESS, OPT_NO_PROGRESS };

int cmd_list(int argc, char **argv, struct out *out)
{
	static const struct option longopts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"null", no_argument, NULL, '0'},
		{"json", no_argument, NULL, 'j'},
		{"dereference", no_argument, NULL, 'L'},
		{"no-dereference", no_argument, NULL, 'P'},
		{"verbose", no_argument, NULL, 'v'},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct list_opts o;
	memset(&o, 0, sizeof o);
	o.follow = 1;
	enum out_format fmt = OUT_PLAIN;
	int c;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":0jLPvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			o.root = optarg;
			break;
		case '0':
			fmt = OUT_NUL;
			break;
		case 'j':
			fmt = OUT_JSON;
			break;
		case 'L':
			o.follow = 1;
			break;
		case 'P':
			o.follow = 0;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_PROGRESS:
			o.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			o.progress = -1;
			break;
		case 'h':
			cmd_list_help();
			return HLN_EXIT_OK;
		default:
			return msg_bad_option(CMD, c, argv, optind, longopts);
		}
	}
	int n = argc - optind;
	if (n == 0)
		return msg_usage(CMD, "missing file operand");
	o.out = out;
	out_begin(out, fmt, OUT_DOC_ARRAY);
	if (o.root) {
		struct hln_stat st;
		int rc = hln_stat_path(o.root, HLN_FOLLOW, &st);
		if (rc < 0 || st.type != HLN_T_DIR) {
			msg_error(CMD, o.root, "%s",
				  msg_reason(rc < 0 ? -rc : ENOTDIR));
			return HLN_EXIT_FAIL;
		}
	}
	return run(&o, n, argv + optind);
}
