/*
 * names.c - every name of a file; see hln/names.h.
 *
 * The scan keeps the files wanted sorted by inode number, so that each
 * directory entry costs a binary search on its d_ino, and only an entry
 * whose d_ino is one of theirs is stat'ed (where d_ino is st_ino: the
 * filesystem says so through hln_dir_ino_trusted).  The stat then
 * decides, by (dev, ino).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln/names.h"
#include "hln/path.h"
#include "hln/sort.h"

int names_add(struct names_file *f, const char *name)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		char **v = reallocarray(f->names, cap, sizeof *v);
		if (!v)
			return -ENOMEM;
		f->names = v;
		f->cap = cap;
	}
	if (!(f->names[f->n] = strdup(name)))
		return -ENOMEM;
	f->n++;
	if (f->n >= f->st.nlink)
		f->complete = 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void names_sort(struct names_file *f)
{
	sort_items(f->names, f->n, sizeof *f->names, cmp_str);
}

void names_clear(struct names_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	f->names = NULL;
	f->n = f->cap = 0;
	f->complete = 0;
}

/* ---- the scan ---- */

struct names_scan {
	struct names_file **files; /* wanted, by inode once running */
	size_t n, cap;
	size_t remaining; /* files not yet complete */
	int trusted; /* d_ino is st_ino on the root's filesystem */
	uint64_t mnt_id; /* the root's mount, or 0 */
	pthread_mutex_t lock;
	struct walk_progress *progress;
	void (*error)(void *ctx, const char *path, int err);
	void *ctx;
};

struct names_scan *names_scan_new(void)
{
	struct names_scan *s = calloc(1, sizeof *s);
	if (s)
		pthread_mutex_init(&s->lock, NULL);
	return s;
}

void names_scan_free(struct names_scan *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->files);
	free(s);
}

int names_scan_want(struct names_scan *s, struct names_file *f)
{
	if (f->complete)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct names_file **v = reallocarray(s->files, cap, sizeof *v);
		if (!v)
			return -ENOMEM;
		s->files = v;
		s->cap = cap;
	}
	s->files[s->n++] = f;
	return 0;
}

static int cmp_file_ino(const void *a, const void *b)
{
	const struct names_file *x = *(struct names_file *const *)a;
	const struct names_file *y = *(struct names_file *const *)b;
	return x->st.ino < y->st.ino ? -1 : x->st.ino > y->st.ino;
}

/* The first file wanted with inode INO, or the index past the end. */
static size_t find_ino(const struct names_scan *s, uint64_t ino)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->files[mid]->st.ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether some file wanted has inode INO. */
static int wanted_ino(const struct names_scan *s, uint64_t ino)
{
	size_t i = find_ino(s, ino);
	return i < s->n && s->files[i]->st.ino == ino;
}

/*
 * Record PATH, a name of the file with stat ST, for the files it
 * matches.  Returns 1 when every file is complete.
 */
static int found(struct names_scan *s, const char *path,
		 const struct hln_stat *st)
{
	int all = 0;
	pthread_mutex_lock(&s->lock);
	for (size_t i = find_ino(s, st->ino);
	     i < s->n && s->files[i]->st.ino == st->ino; i++) {
		struct names_file *f = s->files[i];
		if (f->st.dev != st->dev || f->complete)
			continue;
		if (names_add(f, path) < 0)
			continue;
		walk_found(s->progress);
		if (f->complete && --s->remaining == 0)
			all = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return all;
}

static int scan_dir_enter(void *ctx, const struct walk_dir *d, void **data)
{
	struct names_scan *s = ctx;
	(void)data;
	if (d->depth == 0) {
		s->trusted = hln_dir_ino_trusted(d->dir);
		s->mnt_id = d->st->mnt_id;
	}
	return 0;
}

static int scan_entry(void *ctx, const struct walk_entry *e)
{
	struct names_scan *s = ctx;
	if (e->type == HLN_T_DIR)
		return 0;
	/* Compare d_ino first: a stat only for the candidates. */
	if (s->trusted && e->ino && !e->st && !wanted_ino(s, e->ino))
		return 0;
	struct hln_stat buf;
	const struct hln_stat *st;
	int rc = walk_entry_stat(e, HLN_WANT_MNT, &buf, &st);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	/* a file bind-mounted onto a name: another mount's, not a link */
	if (s->mnt_id && st->mnt_id && st->mnt_id != s->mnt_id)
		return 0;
	if (!wanted_ino(s, st->ino))
		return 0;
	return found(s, e->path, st);
}

static void scan_error(void *ctx, const char *path, int err)
{
	struct names_scan *s = ctx;
	if (s->error)
		s->error(s->ctx, path, err);
}

int names_scan_run(struct names_scan *s, const char *root,
		   const struct walk_opts *o,
		   void (*error)(void *ctx, const char *path, int err),
		   void *ctx)
{
	s->remaining = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!s->files[i]->complete)
			s->remaining++;
	if (!s->remaining)
		return 0;
	sort_items(s->files, s->n, sizeof *s->files, cmp_file_ino);
	s->progress = o->progress;
	s->error = error;
	s->ctx = ctx;
	struct walk_opts wo = *o;
	wo.same_mount = 1;
	struct walk_ops ops = {.dir_enter = scan_dir_enter,
			       .entry = scan_entry,
			       .error = scan_error};
	int rc = walk_tree(root, &wo, &ops, s);
	s->progress = NULL;
	return rc < 0 ? rc : 0;
}

/* ---- the fast paths ---- */

struct asking {
	struct names_file *f;
};

/* FN of hln_file_names: keep NAME if it names F. */
static void fast_name(void *ctx, const char *name)
{
	struct asking *a = ctx;
	struct hln_stat st;
	if (a->f->complete || hln_stat_path(name, 0, &st) < 0)
		return;
	if (st.dev == a->f->st.dev && st.ino == a->f->st.ino)
		names_add(a->f, name);
}

int names_fast(struct names_file *f, const char *real)
{
	if (f->complete)
		return 1;
	struct asking a = {f};
	int rc = hln_file_names(real, fast_name, &a);
	if (rc < 0 || !f->complete) {
		names_clear(f);
		return 0;
	}
	return 1;
}

/* ---- beside the file ---- */

/* Whether the entry E of D (stat of D: DS) is a name of F. */
static int names_here(struct names_file *f, struct hln_dir *d,
		      const struct hln_stat *ds, int trusted,
		      const struct hln_dirent *e)
{
	struct hln_stat st;
	if (e->type == HLN_T_DIR || (trusted && e->ino && e->ino != f->st.ino))
		return 0;
	if (hln_dir_statat(d, e->name, HLN_WANT_MNT, &st) < 0)
		return 0;
	/* a file bind-mounted onto a name: another mount's, not a link */
	if (ds->mnt_id && st.mnt_id && st.mnt_id != ds->mnt_id)
		return 0;
	return st.dev == f->st.dev && st.ino == f->st.ino;
}

/*
 * The directory of REAL read alone, before any scan: a file's other names
 * are often beside it (ln f f.orig, a copy made in place), and where they
 * all are, the scan of the whole filesystem is not needed (under Wine,
 * which has no FindFirstFileNameW, that scan is of every Linux mount).
 * Not where that directory is ROOT, the scan's start: the scan reads it
 * first anyway.  F keeps what was found only where it is complete.
 * Returns 1 if so.
 */
static int names_nearby(struct names_file *f, const char *real,
			const char *root)
{
	char *dir = path_dir_dup(real);
	struct hln_dir *d = NULL;
	struct hln_stat ds;
	if (dir && strcmp(dir, root) != 0 && hln_dir_open(dir, 0, &d) == 0 &&
	    hln_dir_fstat(d, HLN_WANT_MNT, &ds) == 0) {
		int trusted = hln_dir_ino_trusted(d);
		struct hln_dirent e;
		while (!f->complete && hln_dir_next(d, &e) > 0) {
			if (!names_here(f, d, &ds, trusted, &e))
				continue;
			char *p = path_join_dup(dir, e.name);
			int rc = p ? names_add(f, p) : -ENOMEM;
			free(p);
			if (rc < 0)
				break;
		}
	}
	if (d)
		hln_dir_close(d);
	free(dir);
	if (!f->complete)
		names_clear(f);
	return f->complete;
}

/* ---- several files ---- */

int names_resolve(const char *path, int follow, char **real)
{
	*real = NULL;
	if (follow)
		return hln_realpath(path, real);
	char *dir = path_dir_dup(path);
	char *base = strdup(path); /* room for its last component */
	char *rdir = NULL;
	int rc = dir && base ? hln_realpath(dir, &rdir) : -ENOMEM;
	if (rc == 0)
		rc = path_base(base, strlen(path) + 1, path);
	if (rc >= 0) {
		rc = 0;
		*real = path_join_dup(rdir, base);
		if (!*real)
			rc = -ENOMEM;
	}
	free(dir);
	free(base);
	free(rdir);
	return rc;
}

int names_default_root(const char *real, int follow, char **root)
{
	char mp[4096];
	int rc;
	*root = NULL;
	if (follow) {
		rc = hln_mount_point(real, mp, sizeof mp);
	} else {
		/* the link's own directory decides, not what it points to */
		char *dir = path_dir_dup(real);
		if (!dir)
			return -ENOMEM;
		rc = hln_mount_point(dir, mp, sizeof mp);
		free(dir);
	}
	if (rc < 0)
		return rc;
	*root = strdup(mp);
	return *root ? 0 : -ENOMEM;
}

int names_find(struct names_file *const *files, char *const *roots, size_t n,
	       const struct walk_opts *o,
	       void (*error)(void *ctx, const char *path, int err),
	       void (*failed)(void *ctx, const char *root, int err), void *ctx)
{
	char *done = calloc(n ? n : 1, 1); /* in a scan already */
	if (!done)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (done[i] || files[i]->complete)
			continue;
		struct names_scan *s = names_scan_new();
		if (!s) {
			rc = -ENOMEM;
			break;
		}
		for (size_t j = i; j < n && rc == 0; j++) {
			if (done[j] || files[j]->complete ||
			    strcmp(roots[j], roots[i]) != 0)
				continue;
			done[j] = 1;
			rc = names_scan_want(s, files[j]);
		}
		if (o->progress)
			memset(o->progress, 0, sizeof *o->progress);
		int wrc = rc ? 0 : names_scan_run(s, roots[i], o, error, ctx);
		names_scan_free(s);
		if (wrc < 0 && failed)
			failed(ctx, roots[i], -wrc);
	}
	free(done);
	return rc;
}

int names_start(struct names_file *f, const char *path, int follow, char **root)
{
	char *real;
	*root = NULL;
	int rc = names_resolve(path, follow, &real);
	if (rc == 0)
		rc = names_default_root(real, follow, root);
	if (rc == 0 && f->st.nlink <= 1)
		names_add(f, real); /* the only name: no scan */
	else if (rc == 0 && !names_fast(f, real))
		names_nearby(f, real, *root);
	free(real);
	return rc;
}
