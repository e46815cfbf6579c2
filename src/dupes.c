/*
 * dupes.c - sets of identical files, and making each set one; see
 * hln/dupes.h.
 *
 * Three stages.  Collect: the walker's threads append one record per name
 * of a regular file in the size range to their own vector, without locks;
 * a record holds its directory (stored once, in a groups.c store) and its
 * name there, not a path.  Group: the records are sorted by (dev, size,
 * ino, operand), which puts the names of one inode together and the
 * inodes of one size together; sizes held by one inode alone are dropped,
 * and only the candidates get inodes and full paths, so what stays grows
 * with the candidates.  Resolve: worker threads take the size groups one
 * by one, split them by a prefix hash, compare each file byte for byte
 * with its keeper (read once; XXH3-128 only for what differs), and merge
 * what matched while both files are still open, so that what is linked
 * is what was compared.  --reflink on Linux, a file of one
 * FIDEDUPERANGE call whose keeper's blocks nobody shares: the kernel's
 * comparison, under its locks, is the only one (reflink_mode).
 */
#include <errno.h>
#include <fnmatch.h>
#include <libutil.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "hln/dupes.h"
#include "hln/groups.h"
#include "hln/failpoint.h"
#include "hln/path.h"
#include "hln/platform.h"
#include "hln/replace.h"
#include "hln/walk.h"

#define MAX_WORKERS 64
#define PREFIX 4096 /* bytes of the first hash */
#define CHUNK (128 * 1024) /* bytes read at a time */
#define BATCH 32 /* files compared with one keeper at a time, at most */
_Static_assert(BATCH <= HLN_DEDUPE_MAX_DEST, "a batch is one dedupe call");
#define FD_BUDGET 384 /* files all the readers may hold open at once */
#define SHRINK_STEP 16384 /* records given back at a time */
#define COLD_READERS 32 /* readers when the walk waited on the disk */
#define COLD_WAITS 512 /* blocked threads that tell a walk waited */

/* ---- sizes ---- */

int dupes_parse_size(const char *s, uint64_t *out)
{
	char buf[32];
	size_t i = 0, n = 0;
	if (!s)
		return -EINVAL;
	/* Leading zeros dropped: expand_number would read "010" as octal. */
	while (s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
		i++;
	uint64_t digits = 0;
	while (s[i] >= '0' && s[i] <= '9') {
		unsigned d = (unsigned)(s[i] - '0');
		/* expand_number's strtoumax would clamp, not fail */
		if (n >= 24 || digits > (UINT64_MAX - d) / 10)
			return -ERANGE;
		digits = digits * 10 + d;
		buf[n++] = s[i++];
	}
	if (n == 0)
		return -EINVAL;
	if (s[i]) {
		if (!strchr("KkMmGgTtBb", s[i]) || s[i + 1])
			return -EINVAL;
		buf[n++] = s[i];
	}
	buf[n] = '\0';
	uint64_t v;
	if (expand_number(buf, &v) < 0)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	*out = v;
	return 0;
}

/* ---- collect ---- */

/* One worker's records (groups_rec_add's). */
struct recs {
	_Alignas(64) struct groups_recs r;
	int nomem;
};

struct collect {
	const struct dupes_opts *o;
	const struct dupes_ops *ops;
	void *ctx;
	pthread_mutex_t *lock;
	struct groups *store; /* the directories and names */
	struct recs part[MAX_WORKERS];
	uint32_t op; /* the operand being walked */
	int failed;
};

static void report(struct collect *c, const char *path, int err)
{
	pthread_mutex_lock(c->lock);
	c->failed = 1;
	if (c->ops->error)
		c->ops->error(c->ctx, path, err);
	pthread_mutex_unlock(c->lock);
}

static int excluded(const struct dupes_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nexclude; i++)
		if (fnmatch(o->exclude[i], name, 0) == 0)
			return 1;
	return 0;
}

/* Add the name NAME in DIR (NULL: NAME is an operand, kept as given). */
static int add_rec(struct collect *c, int w, const struct gdir *dir,
		   const char *name, const struct hln_stat *st)
{
	if (st->size < c->o->min_size || st->size > c->o->max_size)
		return 0;
	struct groups_rec *r =
		groups_rec_add(c->store, w, &c->part[w].r, dir, name, st);
	if (!r)
		return -ENOMEM;
	r->op = c->op;
	return 0;
}

static int collect_dir(void *ctx, const struct walk_dir *d, void **data)
{
	struct collect *c = ctx;
	if (d->depth > 0 && c->o->nexclude &&
	    excluded(c->o, path_tail(d->path)))
		return 1;
	return groups_dir_enter(c->store, d, data);
}

static int collect_entry(void *ctx, const struct walk_entry *e)
{
	struct collect *c = ctx;
	if (hln_signal_pending())
		return 1;
	if (e->type != HLN_T_REG && e->type != HLN_T_UNKNOWN)
		return 0;
	if (c->o->nexclude && excluded(c->o, e->name))
		return 0;
	struct hln_stat buf;
	const struct hln_stat *st;
	int rc = walk_entry_stat(e, 0, &buf, &st);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (st->type != HLN_T_REG)
		return 0;
	rc = add_rec(c, e->worker, e->dirdata, e->name, st);
	if (rc < 0)
		c->part[e->worker].nomem = 1;
	return rc;
}

static void collect_error(void *ctx, const char *path, int err)
{
	report(ctx, path, err);
}

static int collect_all(struct collect *c, char *const *paths, int n)
{
	struct hln_stat *sts = calloc((size_t)n + 1, sizeof *sts);
	int *ok = calloc((size_t)n + 1, sizeof *ok);
	if (!sts || !ok) {
		free(sts);
		free(ok);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		int rc = hln_stat_path(paths[i], 0, &sts[i]);
		/* A symlink to a directory is walked: the tree is meant. */
		if (rc == 0 && sts[i].type == HLN_T_LNK) {
			struct hln_stat t;
			if (hln_stat_path(paths[i], HLN_FOLLOW, &t) == 0 &&
			    t.type == HLN_T_DIR)
				sts[i] = t;
		}
		if (rc < 0)
			report(c, paths[i], -rc);
		ok[i] = rc == 0;
	}
	struct walk_opts wo = {0};
	/* by default the walker's own: it grows while it waits on the disk */
	wo.threads = c->o->threads > 0 && c->o->threads <= MAX_WORKERS
			     ? c->o->threads
			     : 0;
	wo.one_fs = 1;
	wo.same_mount = 1;
	wo.skip_binds = 1;
	wo.follow_root = 1;
	wo.progress = c->o->progress;
	struct walk_ops wops = {0};
	wops.dir_enter = collect_dir;
	wops.entry = collect_entry;
	wops.error = collect_error;
	int rc = 0;
	for (int i = 0; i < n && !hln_signal_pending() && rc == 0; i++) {
		if (!ok[i] || groups_covered(n, paths, sts, ok, i))
			continue;
		c->op = (uint32_t)i;
		if (sts[i].type == HLN_T_DIR) {
			int wrc = walk_tree(paths[i], &wo, &wops, c);
			if (wrc < 0)
				report(c, paths[i], -wrc);
		} else if (sts[i].type == HLN_T_REG) {
			rc = add_rec(c, 0, NULL, paths[i], &sts[i]);
		}
		/* symlinks and special files: never touched */
		for (int w = 0; w < MAX_WORKERS; w++)
			if (c->part[w].nomem)
				rc = -ENOMEM;
	}
	free(sts);
	free(ok);
	return rc;
}

/* ---- group ---- */

/* By file, the files of one size together, a file's lowest operand first. */
static int cmp_rec(const void *a, const void *b)
{
	const struct groups_rec *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->op < y->op ? -1 : x->op > y->op;
}

static int cmp_name(const void *a, const void *b)
{
	const struct dupes_name *x = a, *y = b;
	return strcmp(x->path, y->path);
}

/* A (dev, size) group of two or more inodes. */
struct group {
	size_t start, n; /* in the inode array */
};

struct engine {
	const struct dupes_opts *o;
	const struct dupes_ops *ops;
	void *ctx;
	pthread_mutex_t lock;
	struct dupes_inode *inodes;
	size_t ninodes;
	struct dupes_name *names; /* of every inode, one array */
	struct groups *store; /* the paths */
	struct group *groups;
	size_t ngroups;
	atomic_size_t next; /* the next group to take */
	struct dupes_result *r;
	int nomem;
	uint64_t *nolink_devs; /* --reflink: filesystems that cannot */
	size_t nnolink;
	int cold; /* the walk waited on the disk (walk_waited) */
};

/*
 * The names of records V[K..M) (one inode) as full paths in the store,
 * into D, bytewise, each once: the same name reached through two
 * operands ("hln dedupe b c b") is one name, of the lowest operand.
 * Returns 0 or -ENOMEM.
 */
static int inode_names(struct engine *g, struct dupes_inode *d,
		       const struct groups_rec *v, size_t k, size_t m,
		       char **buf, size_t *cap)
{
	int rc = 0;
	d->op = v[k].op; /* the lowest: the records sort by operand */
	for (size_t x = k; x < m; x++) {
		const char *p = v[x].dir ? groups_dir_path(v[x].dir, v[x].name,
							   buf, cap)
					 : v[x].name;
		p = p ? groups_keep(g->store, 0, p) : NULL;
		if (!p) {
			rc = -ENOMEM;
			continue;
		}
		d->names[d->nnames++].path = p;
	}
	if (d->nnames > 1)
		qsort(d->names, d->nnames, sizeof *d->names, cmp_name);
	uint32_t out = 0;
	for (uint32_t i = 0; i < d->nnames; i++)
		if (out == 0 ||
		    strcmp(d->names[i].path, d->names[out - 1].path) != 0)
			d->names[out++] = d->names[i];
	d->nnames = out;
	return rc;
}

/*
 * Turn the records into inodes, keeping only the sizes held by two or
 * more inodes of one filesystem, with their names as full paths.  Frees
 * the records.
 */
static int build(struct engine *g, struct groups_rec *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_rec);
	size_t ncand = 0, ngroups = 0, nnames = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, inos = 0;
		for (; j < n && v[j].dev == v[i].dev && v[j].size == v[i].size;
		     j++)
			if (j == i || v[j].ino != v[j - 1].ino)
				inos++;
		g->r->files += inos;
		if (inos >= 2) {
			ncand += inos;
			ngroups++;
			nnames += j - i;
		}
		i = j;
	}
	if (g->o->progress)
		atomic_store(&g->o->progress->candidates, ncand);
	g->inodes = calloc(ncand ? ncand : 1, sizeof *g->inodes);
	g->groups = calloc(ngroups ? ngroups : 1, sizeof *g->groups);
	g->names = calloc(nnames ? nnames : 1, sizeof *g->names);
	if (!g->inodes || !g->groups || !g->names) {
		free(v);
		return -ENOMEM;
	}
	/*
	 * From the last group to the first, so that the records done with
	 * are given back as the inodes are made: both are never held whole
	 * at once.
	 */
	int rc = 0;
	char *buf = NULL;
	size_t cap = 0, ni = ncand, gi = ngroups, at = nnames, held = n;
	for (size_t j = n; j > 0;) {
		size_t i = j - 1, inos = 1;
		for (; i > 0 && v[i - 1].dev == v[j - 1].dev &&
		       v[i - 1].size == v[j - 1].size;
		     i--)
			if (v[i - 1].ino != v[i].ino)
				inos++;
		if (inos >= 2) {
			ni -= inos;
			at -= j - i;
			g->groups[--gi] = (struct group){ni, inos};
			struct dupes_inode *d = &g->inodes[ni];
			for (size_t k = i, slot = at; k < j; d++) {
				size_t m = k + 1;
				while (m < j && v[m].ino == v[k].ino)
					m++;
				d->dev = v[k].dev;
				d->ino = v[k].ino;
				d->size = v[k].size;
				d->nlink = v[k].nlink;
				d->apart = -1;
				d->names = g->names + slot;
				if (inode_names(g, d, v, k, m, &buf, &cap) < 0)
					rc = -ENOMEM;
				slot += m - k;
				k = m;
			}
		}
		j = i;
		if (held - j >= SHRINK_STEP) {
			struct groups_rec *less =
				realloc(v, (j ? j : 1) * sizeof *v);
			if (less)
				v = less;
			held = j;
		}
	}
	g->ninodes = ncand;
	g->ngroups = ngroups;
	free(buf);
	free(v);
	return rc;
}

/* ---- resolve ---- */

/* A file kept open from its prefix hash to its comparison. */
struct held {
	struct dupes_inode *d;
	struct hln_file *f;
	struct hln_stat st; /* taken when it was opened */
};

/* What one resolving thread owns. */
struct worker {
	struct engine *g;
	unsigned char *kbuf, *buf; /* CHUNK each */
	XXH3_state_t *xs;
	struct dupes_inode **tmp;
	size_t tmpcap;
	size_t batch; /* files compared at a time (<= BATCH: FD_BUDGET) */
	/* a group of at most BATCH is opened once: its files are held */
	struct held held[BATCH];
	size_t nheld;
};

static void fail(struct engine *g, struct dupes_inode *d, const char *path,
		 int err)
{
	pthread_mutex_lock(&g->lock);
	g->r->failed = 1;
	if (g->ops->error)
		g->ops->error(g->ctx, path, err);
	pthread_mutex_unlock(&g->lock);
	if (d && d->apart < 0)
		d->apart = DUPES_ERROR;
}

/* Read LEN bytes at OFF (fewer at the end), counted in the progress. */
static int64_t read_full(struct engine *g, struct hln_file *f,
			 unsigned char *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	while (got < len) {
		int64_t n = hln_file_read(f, buf + got, len - got, off + got);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (g->o->progress)
		atomic_fetch_add_explicit(&g->o->progress->bytes, got,
					  memory_order_relaxed);
	return (int64_t)got;
}

/* Close the files W holds. */
static void release_held(struct worker *w)
{
	for (size_t i = 0; i < w->nheld; i++)
		hln_file_close(w->held[i].f);
	w->nheld = 0;
}

/*
 * Open inode D by its first name for reading, check that the name still
 * holds it, a regular file of its size, and stat it into *ST.
 * Returns 0, -ECANCELED if it changed, or -errno (reported).
 */
static int open_inode(struct worker *w, struct dupes_inode *d,
		      struct hln_file **f, struct hln_stat *st)
{
	for (size_t i = 0; i < w->nheld; i++) {
		if (w->held[i].d == d) {
			*f = w->held[i].f;
			*st = w->held[i].st;
			w->held[i] = w->held[--w->nheld];
			return 0;
		}
	}
	struct engine *g = w->g;
	const char *path = d->names[0].path;
	/* --reflink: shared later, so kept from other writers from now on */
	int how = g->o->reflink && !g->o->find_only ? HLN_OPEN_DEDUPE
						    : HLN_OPEN_READ;
	int rc = hln_file_open(path, how, f);
	if (rc == -EMFILE && w->nheld) {
		/* the held files are opened again when their turn comes */
		release_held(w);
		rc = hln_file_open(path, how, f);
	}
	if (rc == 0) {
		rc = hln_file_stat(*f, st);
		if (rc == 0 && (st->type != HLN_T_REG || st->dev != d->dev ||
				st->ino != d->ino || st->size != d->size))
			rc = -ECANCELED;
		if (rc < 0) {
			hln_file_close(*f);
			*f = NULL;
		}
	}
	if (rc == -ELOOP || rc == -ENOENT || rc == -ENXIO)
		rc = -ECANCELED; /* the name was replaced meanwhile */
	if (rc == -ECANCELED)
		d->apart = DUPES_CHANGED;
	else if (rc < 0)
		fail(g, d, path, -rc);
	return rc;
}

/*
 * A 64-bit hash of the first 4 KiB (WHOLE 0) or of all of D; with HOLD,
 * D stays open (held by W) for its comparison, while W has room.
 */
static int hash_inode(struct worker *w, struct dupes_inode *d, int whole,
		      int hold, uint64_t *key)
{
	struct hln_file *f;
	struct hln_stat st;
	int rc = open_inode(w, d, &f, &st);
	if (rc < 0)
		return rc;
	uint64_t len = whole ? d->size : (d->size < PREFIX ? d->size : PREFIX);
	XXH3_128bits_reset(w->xs);
	for (uint64_t off = 0; off < len;) {
		size_t want = len - off < CHUNK ? (size_t)(len - off) : CHUNK;
		int64_t got = read_full(w->g, f, w->buf, want, off);
		if (got < 0) {
			fail(w->g, d, d->names[0].path, (int)-got);
			hln_file_close(f);
			return (int)got;
		}
		if ((size_t)got < want)
			break; /* shrank: the comparison will tell */
		XXH3_128bits_update(w->xs, w->buf, (size_t)got);
		off += (uint64_t)got;
	}
	if (hold && w->nheld < w->batch)
		w->held[w->nheld++] = (struct held){d, f, st};
	else
		hln_file_close(f);
	XXH128_hash_t h = XXH3_128bits_digest(w->xs);
	/*
	 * Test builds: HLN_FAILPOINTS=hash_collide=*:EIO makes every file
	 * hash alike, as a crafted collision would; only the byte
	 * comparison may then tell them apart.
	 */
	if (HLN_FAILPOINT_FIRES("hash_collide"))
		h.low64 = h.high64 = 0;
	*key = h.low64 ^ (h.high64 * 0x9E3779B97F4A7C15ull);
	return 0;
}

/* The keeper comes first: most links, then the first name. */
static int cmp_keeper(const void *a, const void *b)
{
	const struct dupes_inode *x = *(struct dupes_inode *const *)a;
	const struct dupes_inode *y = *(struct dupes_inode *const *)b;
	if (x->nlink != y->nlink)
		return x->nlink > y->nlink ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return strcmp(x->names[0].path, y->names[0].path);
}

/* A set being merged: the keeper open, its stat at the comparison. */
struct merge {
	struct dupes_inode *k;
	struct hln_file *kf;
	struct hln_stat kst;
	struct dupes_inode **v; /* the set so far, keeper first */
	size_t n, cap;
	int stop; /* the keeper changed: leave the rest apart */
	int own; /* --reflink: no other file shares the keeper's blocks */
	int kcmp; /* --reflink: the kernel compares, in one call a file */
};

static int same_meta(const struct dupes_opts *o, const struct hln_stat *a,
		     const struct hln_stat *b)
{
	if (!o->ignore_owner && (a->uid != b->uid || a->gid != b->gid))
		return 0;
	if (!o->ignore_mode && a->mode != b->mode)
		return 0;
	if (o->same_time &&
	    (a->mtime_sec != b->mtime_sec || a->mtime_nsec != b->mtime_nsec))
		return 0;
	return 1;
}

/* The extended attributes of F, sorted, as one block of memory. */
static int xattrs_of(struct hln_file *f, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int n = hln_file_xattr_list(f, NULL, 0);
	if (n == -ENOSYS || n == -EOPNOTSUPP || n == 0)
		return 0;
	if (n < 0)
		return n;
	char *names = malloc((size_t)n + 1);
	if (!names)
		return -ENOMEM;
	n = hln_file_xattr_list(f, names, (size_t)n);
	if (n < 0) {
		free(names);
		return n == -ERANGE ? -EAGAIN : n;
	}
	/* names in sorted order, each followed by its value */
	size_t cnt = 0;
	for (int i = 0; i < n; i += (int)strlen(names + i) + 1)
		cnt++;
	const char **idx = calloc(cnt ? cnt : 1, sizeof *idx);
	if (!idx) {
		free(names);
		return -ENOMEM;
	}
	cnt = 0;
	for (int i = 0; i < n; i += (int)strlen(names + i) + 1)
		idx[cnt++] = names + i;
	for (size_t i = 1; i < cnt; i++)
		for (size_t j = i; j > 0 && strcmp(idx[j - 1], idx[j]) > 0;
		     j--) {
			const char *t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	char *blob = NULL;
	size_t blen = 0;
	int rc = 0;
	for (size_t i = 0; i < cnt && rc == 0; i++) {
		int vlen = hln_file_xattr_get(f, idx[i], NULL, 0);
		if (vlen == -ENODATA)
			continue;
		if (vlen < 0) {
			rc = vlen;
			break;
		}
		size_t nl = strlen(idx[i]) + 1;
		char *nb =
			realloc(blob, blen + nl + sizeof(int) + (size_t)vlen);
		if (!nb) {
			rc = -ENOMEM;
			break;
		}
		blob = nb;
		memcpy(blob + blen, idx[i], nl);
		int got = hln_file_xattr_get(f, idx[i],
					     blob + blen + nl + sizeof(int),
					     (size_t)vlen);
		if (got < 0) {
			rc = got == -ERANGE ? -EAGAIN : got;
			break;
		}
		memcpy(blob + blen + nl, &got, sizeof got);
		blen += nl + sizeof(int) + (size_t)got;
	}
	free(idx);
	free(names);
	if (rc < 0) {
		free(blob);
		return rc;
	}
	*out = blob;
	*len = blen;
	return 0;
}

/* Whether A and B have the same extended attributes: 1, 0 or -errno. */
static int same_xattrs(struct hln_file *a, struct hln_file *b)
{
	char *x, *y;
	size_t xl, yl;
	int rc = xattrs_of(a, &x, &xl);
	if (rc < 0)
		return rc;
	rc = xattrs_of(b, &y, &yl);
	if (rc < 0) {
		free(x);
		return rc;
	}
	rc = xl == yl && (xl == 0 || memcmp(x, y, xl) == 0);
	free(x);
	free(y);
	return rc;
}

/*
 * Link the keeper (open as M->kf) under a fresh ".hln-" name beside NAME
 * and swap it in for NAME, if NAME still holds EXPECT unchanged.
 * Returns 0, -ECANCELED (NAME or the keeper changed), -EMLINK, or -errno.
 */
static int link_name(struct merge *m, const char *name,
		     const struct hln_stat *expect)
{
	struct replace_tmp t = {NULL, "", NULL};
	int rc = -EEXIST;
	for (int tries = 0; tries < 8 && rc == -EEXIST; tries++) {
		rc = replace_tmpname(name, t.path, sizeof t.path);
		if (rc < 0)
			return rc;
		/* From the descriptor: a name swapped since cannot come in. */
		rc = hln_file_link(m->kf, NULL, t.path);
		if (rc == -ENOSYS) {
			rc = hln_link(m->k->names[0].path, t.path, 0);
			struct hln_stat ln;
			if (rc == 0 &&
			    (hln_stat_path(t.path, 0, &ln) < 0 ||
			     ln.dev != m->kst.dev || ln.ino != m->kst.ino)) {
				hln_unlink(t.path);
				m->stop = 1;
				return -ECANCELED;
			}
		}
	}
	if (rc < 0)
		return rc;
	HLN_HOOK("dedupe_swap");
	rc = replace_swap_unchanged(&t, name, expect, 0);
	if (rc < 0 && t.path[0])
		hln_unlink(t.path);
	return rc;
}

static void add_member(struct merge *m, struct dupes_inode *d, int *nomem)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 8;
		struct dupes_inode **v = reallocarray(m->v, cap, sizeof *v);
		if (!v) {
			*nomem = 1;
			return;
		}
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = d;
}

/*
 * Whether the keeper still has the bytes it was compared with (same
 * size and mtime: linking and renaming move its ctime).
 */
static int keeper_unchanged(struct merge *m)
{
	struct hln_stat now;
	if (hln_file_stat(m->kf, &now) < 0)
		return 0;
	return now.size == m->kst.size && now.mtime_sec == m->kst.mtime_sec &&
	       now.mtime_nsec == m->kst.mtime_nsec;
}

/* Whether NOW is the inode ST with its size and mtime (not its ctime). */
static int same_bytes(const struct hln_stat *now, const struct hln_stat *st)
{
	return now->dev == st->dev && now->ino == st->ino &&
	       now->size == st->size && now->mtime_sec == st->mtime_sec &&
	       now->mtime_nsec == st->mtime_nsec;
}

/*
 * The keeper reached its link limit: D (stat ST; NAME one of its names,
 * still its own) becomes the keeper of the rest, opened again by NAME
 * and checked unchanged.  Returns 0, or -ECANCELED / -errno: then the
 * full keeper stays, and the next inode to meet its limit takes over.
 */
static int reopen_keeper(struct merge *m, struct dupes_inode *d,
			 const char *name, const struct hln_stat *st)
{
	struct hln_file *f;
	struct hln_stat now;
	int rc = hln_file_open(name, HLN_OPEN_READ, &f);
	if (rc < 0)
		return rc;
	rc = hln_file_stat(f, &now);
	if (rc == 0 && (!same_bytes(&now, st) || now.type != HLN_T_REG))
		rc = -ECANCELED;
	if (rc < 0) {
		hln_file_close(f);
		return rc;
	}
	hln_file_close(m->kf);
	m->kf = f;
	m->k = d;
	m->kst = now;
	return 0;
}

/*
 * Merge D, open as *F with stat ST taken before its bytes were compared
 * and found equal to the keeper's, into the keeper.  *F is closed (and
 * set to NULL) before D's names are swapped (EMLINK: D, opened again,
 * becomes the keeper of the rest).
 */
static void merge_one(struct worker *w, struct merge *m, struct dupes_inode *d,
		      struct hln_file **f, struct hln_stat *st)
{
	struct engine *g = w->g;
	const struct dupes_opts *o = g->o;
	if (o->find_only)
		return;
	if (m->stop) {
		d->apart = DUPES_CHANGED;
		return;
	}
	if (!same_meta(o, st, &m->kst)) {
		d->apart = DUPES_METADATA;
		return;
	}
	if (!o->ignore_xattrs) {
		int rc = same_xattrs(*f, m->kf);
		if (rc < 0) {
			fail(g, d, d->names[0].path, -rc);
			return;
		}
		if (!rc) {
			d->apart = DUPES_METADATA;
			return;
		}
	}
	if (st->nlink > d->nnames) {
		d->apart = DUPES_OUTSIDE;
		return;
	}
	/*
	 * D's handle is closed before its names are swapped: Windows (and
	 * Wine) refuse to rename over a file that is open, and each swap
	 * checks the name itself (inode, size, mtime, ctime).
	 */
	hln_file_close(*f);
	*f = NULL;
	uint32_t changed = 0;
	for (uint32_t i = 0; i < d->nnames; i++) {
		if (hln_signal_pending())
			break;
		if (o->dry_run) {
			d->names[i].to = m->k;
			changed++;
			continue;
		}
		if (!keeper_unchanged(m)) {
			m->stop = 1;
			break;
		}
		int rc = link_name(m, d->names[i].path, st);
		if (rc == -EMLINK) {
			/* The keeper is full: D keeps the rest. */
			rc = reopen_keeper(m, d, d->names[i].path, st);
			if (rc < 0 && rc != -ECANCELED)
				fail(g, changed ? NULL : d, d->names[i].path,
				     -rc);
			else if (rc < 0 && !changed)
				d->apart = DUPES_CHANGED;
			break;
		}
		if (rc < 0) {
			if (rc != -ECANCELED)
				fail(g, NULL, d->names[i].path, -rc);
			if (!changed)
				d->apart = rc == -ECANCELED ? DUPES_CHANGED
							    : DUPES_ERROR;
			break;
		}
		d->names[i].to = m->k;
		changed++;
		/*
		 * D lost a name: its ctime moved; what else must not have
		 * (asked of its next name, which the swap checks again).
		 */
		struct hln_stat now;
		if (i + 1 == d->nnames ||
		    hln_stat_path(d->names[i + 1].path, 0, &now) < 0 ||
		    !same_bytes(&now, st))
			break;
		*st = now;
	}
	if (changed) {
		d->merged = 1;
		pthread_mutex_lock(&g->lock);
		g->r->merged++;
		g->r->names += changed;
		if (changed == d->nnames)
			g->r->freed += d->size;
		pthread_mutex_unlock(&g->lock);
	}
}

/* ---- --reflink ---- */

/*
 * Whether the filesystem of the keeper K (open as KF) can share blocks:
 * asked once per filesystem, told once through ops->no_reflink.
 * Returns 1 or 0.
 */
static int reflink_ok(struct engine *g, struct dupes_inode *k,
		      struct hln_file *kf)
{
	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < g->nnolink; i++) {
		if (g->nolink_devs[i] == k->dev) {
			pthread_mutex_unlock(&g->lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&g->lock);
	int64_t done;
	int rc = hln_file_dedupe(kf, 0, 0, &kf, 1, &done);
	if (rc == 0)
		return 1;
	pthread_mutex_lock(&g->lock);
	int told = 0;
	for (size_t i = 0; i < g->nnolink; i++)
		told |= g->nolink_devs[i] == k->dev;
	if (!told) {
		uint64_t *v =
			reallocarray(g->nolink_devs, g->nnolink + 1, sizeof *v);
		if (v) {
			g->nolink_devs = v;
			v[g->nnolink++] = k->dev;
		}
		g->r->failed = 1;
		if (rc == -EOPNOTSUPP && g->ops->no_reflink)
			g->ops->no_reflink(g->ctx, k->names[0].path);
		else if (g->ops->error)
			g->ops->error(g->ctx, k->names[0].path, -rc);
	}
	pthread_mutex_unlock(&g->lock);
	return 0;
}

/*
 * One answer of hln_file_dedupe for D (open as F): GOT bytes shared, or
 * -errno.  Under M->kcmp the kernel's comparison is the only one: a file
 * that differs goes to *REST, one found equal joins the set.  Returns
 * whether D stays in the calls.
 */
static int reflink_answer(struct engine *g, struct merge *m,
			  struct dupes_inode *d, struct hln_file *f,
			  int64_t got, struct dupes_inode **rest, size_t *nrest)
{
	struct hln_stat now;
	if (got == -ECANCELED && m->kcmp) {
		rest[(*nrest)++] = d; /* not the keeper's bytes */
		return 0;
	}
	if (got == -ECANCELED ||
	    (got == -EINVAL && m->kcmp && hln_file_stat(f, &now) == 0 &&
	     now.size != d->size)) {
		/* it changed since our comparison (or since its open) */
		if (!d->shared)
			d->apart = DUPES_CHANGED;
		return 0;
	}
	if (got < 0) {
		fail(g, d->shared ? NULL : d, d->names[0].path, (int)-got);
		return 0;
	}
	if (m->kcmp)
		add_member(m, d, &g->nomem);
	/* checked: a short answer is what it is */
	d->shared += (uint64_t)got;
	return 1;
}

/*
 * Share the keeper's blocks with each of the N files F[i] found equal
 * (SAME[i]; under M->kcmp, opened: the kernel compares them, and those
 * that differ go to *REST), HLN_DEDUPE_MAX_LEN bytes and at most
 * HLN_DEDUPE_MAX_DEST files a call; the kernel compares the ranges
 * (again) under its locks, so a file changed since is left alone.
 */
static void reflink_batch(struct worker *w, struct merge *m,
			  struct dupes_inode **v, struct hln_file **f,
			  const int *same, size_t n, struct dupes_inode **rest,
			  size_t *nrest)
{
	struct engine *g = w->g;
	struct hln_file *dst[BATCH];
	struct dupes_inode *dv[BATCH];
	int64_t done[BATCH];
	size_t nd = 0;
	for (size_t i = 0; i < n; i++) {
		if (!same[i])
			continue;
		if (!m->kcmp)
			add_member(m, v[i], &g->nomem);
		if (m->stop) {
			v[i]->apart = DUPES_CHANGED;
			continue;
		}
		/* blocks nobody shares are not shared with the keeper yet */
		if (!m->own && hln_file_same_extents(m->kf, f[i]) >= 1) {
			v[i]->already = 1;
			continue;
		}
		dst[nd] = f[i];
		dv[nd++] = v[i];
	}
	uint64_t size = m->k->size;
	int live[BATCH];
	for (size_t i = 0; i < nd; i++)
		live[i] = 1;
	for (uint64_t off = 0; nd && off < size && !g->o->dry_run;) {
		uint64_t len = size - off < HLN_DEDUPE_MAX_LEN
				       ? size - off
				       : HLN_DEDUPE_MAX_LEN;
		struct hln_file *call[BATCH];
		size_t map[BATCH], nc = 0;
		for (size_t i = 0; i < nd; i++)
			if (live[i])
				map[nc] = i, call[nc++] = dst[i];
		if (!nc || hln_signal_pending())
			break;
		/* BATCH <= HLN_DEDUPE_MAX_DEST: one call takes them all */
		int rc = hln_file_dedupe(m->kf, off, len, call, nc, done);
		for (size_t c = 0; c < nc; c++) {
			size_t i = map[c];
			live[i] = reflink_answer(g, m, dv[i], dst[i],
						 rc < 0 ? rc : done[c], rest,
						 nrest);
		}
		off += len;
	}
	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < nd; i++) {
		struct dupes_inode *d = dv[i];
		if (g->o->dry_run)
			d->shared = d->size;
		if (d->shared) {
			d->merged = 1;
			g->r->merged++;
			g->r->freed += d->shared;
			d->names[0].to = m->k;
		}
	}
	pthread_mutex_unlock(&g->lock);
}

/*
 * Compare the keeper with the N files V byte for byte, all read in step;
 * merge each found equal; put those that differ in *REST (their count in
 * *NREST).
 */
static void compare_batch(struct worker *w, struct merge *m,
			  struct dupes_inode **v, size_t n,
			  struct dupes_inode **rest, size_t *nrest)
{
	struct engine *g = w->g;
	struct hln_file *f[BATCH];
	struct hln_stat st[BATCH];
	int same[BATCH];
	for (size_t i = 0; i < n; i++) {
		f[i] = NULL;
		same[i] = open_inode(w, v[i], &f[i], &st[i]) == 0;
	}
	uint64_t size = m->k->size;
	/* --reflink where the kernel compares: nothing to read here */
	for (uint64_t off = 0; off < size && !m->kcmp;) {
		size_t want = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		int any = 0;
		for (size_t i = 0; i < n; i++)
			any |= same[i];
		if (!any)
			break;
		int64_t got = read_full(g, m->kf, w->kbuf, want, off);
		if (got < 0 || (size_t)got != want) {
			/*
			 * The keeper is unreadable or shrank: nothing is
			 * known equal; the others try among themselves.
			 */
			if (got < 0)
				fail(g, m->k, m->k->names[0].path, (int)-got);
			else if (m->k->apart < 0)
				m->k->apart = DUPES_CHANGED;
			m->stop = 1;
			for (size_t i = 0; i < n; i++)
				if (same[i])
					rest[(*nrest)++] = v[i], same[i] = 0;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (!same[i])
				continue;
			int64_t r = read_full(g, f[i], w->buf, want, off);
			if (r < 0) {
				fail(g, v[i], v[i]->names[0].path, (int)-r);
				same[i] = 0;
			} else if ((size_t)r != want ||
				   memcmp(w->buf, w->kbuf, want) != 0) {
				same[i] = 0;
				rest[(*nrest)++] = v[i];
			}
		}
		off += want;
	}
	if (g->o->reflink && !g->o->find_only) {
		reflink_batch(w, m, v, f, same, n, rest, nrest);
		for (size_t i = 0; i < n; i++)
			hln_file_close(f[i]);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (same[i]) {
			add_member(m, v[i], &g->nomem);
			if (m->stop && v[i]->apart < 0)
				v[i]->apart = DUPES_CHANGED;
			else
				merge_one(w, m, v[i], &f[i], &st[i]);
		}
		hln_file_close(f[i]);
	}
}

/*
 * How a --reflink set with the keeper open as M->kf is shared: M->own
 * when no other file shares the keeper's blocks (then none shares them
 * already: no destination is asked); M->kcmp, when the kernel's
 * comparison can be the only one: it compares (Linux), the keeper's
 * blocks are its own (so nothing already shares them, and none is
 * inline: no blocks to share, not to be counted), each file fits in one
 * call (no part of a file that differs further on is shared; an empty
 * one needs none), and it is not a dry run (which compares, and shares
 * nothing).
 */
static void reflink_mode(struct engine *g, struct merge *m)
{
	m->own = hln_file_shared_blocks(m->kf) == 0;
	m->kcmp = m->own && hln_file_dedupe_compares() && !g->o->dry_run &&
		  m->k->size > 0 && m->k->size <= HLN_DEDUPE_MAX_LEN;
}

static void record_set(struct engine *g, struct merge *m)
{
	/* exactly as long as the set: there may be many */
	struct dupes_inode **fit = realloc(m->v, m->n * sizeof *fit);
	if (fit)
		m->v = fit;
	struct dupes_set s = {m->v[0]->size, m->n, m->v};
	pthread_mutex_lock(&g->lock);
	struct dupes_result *r = g->r;
	if (r->nlist % 64 == 0) {
		struct dupes_set *v =
			reallocarray(r->list, r->nlist + 64, sizeof *v);
		if (!v) {
			g->nomem = 1;
			pthread_mutex_unlock(&g->lock);
			free(m->v);
			return;
		}
		r->list = v;
	}
	r->list[r->nlist++] = s;
	if (g->o->progress)
		atomic_fetch_add(&g->o->progress->found, 1);
	pthread_mutex_unlock(&g->lock);
}

static void split(struct worker *w, struct dupes_inode **v, size_t n,
		  int whole);

/*
 * V holds N inodes of one size that may be identical (their first 4 KiB
 * hash alike, or they are two), the keeper first.  Each is compared with
 * the keeper byte for byte, read once; those that differ are split by
 * the hash of their whole content, unless HASHED says that was done
 * (then only a forged collision gets there, and they are compared among
 * themselves).
 */
static void resolve(struct worker *w, struct dupes_inode **v, size_t n,
		    int hashed)
{
	struct dupes_inode *rest[BATCH];
	while (n >= 2 && !hln_signal_pending()) {
		struct merge m = {0};
		struct hln_stat kst;
		m.k = v[0];
		if (open_inode(w, m.k, &m.kf, &kst) < 0) {
			v++, n--;
			continue;
		}
		m.kst = kst;
		if (w->g->o->reflink && !w->g->o->find_only &&
		    !reflink_ok(w->g, m.k, m.kf)) {
			/* nothing changes on this filesystem */
			hln_file_close(m.kf);
			return;
		}
		if (w->g->o->reflink && !w->g->o->find_only)
			reflink_mode(w->g, &m);
		add_member(&m, m.k, &w->g->nomem);
		struct dupes_inode *first = m.k;
		size_t left = 0;
		for (size_t i = 1; i < n; i += w->batch) {
			size_t b = n - i < w->batch ? n - i : w->batch;
			size_t nrest = 0;
			compare_batch(w, &m, v + i, b, rest, &nrest);
			/* the ones that differ go to the front, in order */
			for (size_t k = 0; k < nrest; k++)
				v[left++] = rest[k];
		}
		hln_file_close(m.kf);
		if (m.n >= 2) {
			m.v[0] = first; /* the keeper stays first */
			record_set(w->g, &m);
		} else {
			free(m.v);
		}
		n = left;
		if (n >= 2 && !hashed) {
			/* two or more other contents: one more read each */
			split(w, v, n, 1);
			return;
		}
	}
}

struct keyed {
	uint64_t key;
	size_t idx; /* position in the keeper order */
	struct dupes_inode *d;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Split V (in keeper order) by the hash of the first 4 KiB (WHOLE 0) or
 * of the whole content, and resolve each class of two or more.
 */
static void split(struct worker *w, struct dupes_inode **v, size_t n, int whole)
{
	struct keyed *k = malloc(n * sizeof *k);
	if (!k) {
		w->g->nomem = 1;
		return;
	}
	size_t m = 0;
	/* a group that fits is opened once: held from here to its compare */
	int hold = !whole && n <= w->batch;
	for (size_t i = 0; i < n && !hln_signal_pending(); i++) {
		if (hash_inode(w, v[i], whole, hold, &k[m].key) == 0) {
			k[m].idx = i;
			k[m++].d = v[i];
		}
	}
	if (m > 1)
		qsort(k, m, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < m; i++)
		v[i] = k[i].d;
	/* the first 4 KiB of a file no larger are all of it */
	int hashed = whole || (m && v[0]->size <= PREFIX);
	for (size_t i = 0; i < m;) {
		size_t j = i + 1;
		while (j < m && k[j].key == k[i].key)
			j++;
		if (j - i >= 2)
			resolve(w, v + i, j - i, hashed);
		i = j;
	}
	if (hold)
		release_held(w); /* those alone in their class */
	free(k);
}

static void do_group(struct worker *w, const struct group *gr)
{
	struct engine *g = w->g;
	if (gr->n > w->tmpcap) {
		struct dupes_inode **t =
			reallocarray(w->tmp, gr->n, sizeof *w->tmp);
		if (!t) {
			g->nomem = 1;
			return;
		}
		w->tmp = t;
		w->tmpcap = gr->n;
	}
	for (size_t i = 0; i < gr->n; i++)
		w->tmp[i] = &g->inodes[gr->start + i];
	qsort(w->tmp, gr->n, sizeof *w->tmp, cmp_keeper);
	if (gr->n == 2)
		resolve(w, w->tmp, 2, 1); /* two: compared directly, once */
	else
		split(w, w->tmp, gr->n, 0);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *g = w->g;
	for (;;) {
		size_t i = atomic_fetch_add(&g->next, 1);
		if (i >= g->ngroups || hln_signal_pending())
			break;
		do_group(w, &g->groups[i]);
	}
	return NULL;
}

static int resolve_all(struct engine *g)
{
	int n = g->o->threads;
	if (n <= 0) {
		/* more reads in flight than CPUs: a cold disk waits */
		n = 2 * hln_ncpus();
		if (n < 4)
			n = 4;
		/* the walk waited on the disk: the files are not cached */
		if (g->cold)
			n = COLD_READERS;
	}
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	if ((size_t)n > g->ngroups)
		n = g->ngroups ? (int)g->ngroups : 1;
	struct worker *ws = calloc((size_t)n, sizeof *ws);
	pthread_t *tids = calloc((size_t)n, sizeof *tids);
	int rc = 0, started = 0;
	if (!ws || !tids)
		rc = -ENOMEM;
	/* (the keeper and a batch) open in each reader, within the budget */
	size_t batch = (size_t)(FD_BUDGET / n - 1);
	batch = batch < 2 ? 2 : batch > BATCH ? BATCH : batch;
	for (int i = 0; i < n && rc == 0; i++) {
		ws[i].g = g;
		ws[i].batch = batch;
		ws[i].kbuf = malloc(CHUNK);
		ws[i].buf = malloc(CHUNK);
		ws[i].xs = XXH3_createState();
		if (!ws[i].kbuf || !ws[i].buf || !ws[i].xs)
			rc = -ENOMEM;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		if (i > 0 &&
		    pthread_create(&tids[i], NULL, worker_main, &ws[i]) != 0)
			break;
		started = i + 1;
	}
	if (rc == 0)
		worker_main(&ws[0]);
	for (int i = 1; i < started; i++)
		pthread_join(tids[i], NULL);
	for (int i = 0; ws && i < n; i++) {
		free(ws[i].kbuf);
		free(ws[i].buf);
		free(ws[i].tmp);
		if (ws[i].xs)
			XXH3_freeState(ws[i].xs);
	}
	free(ws);
	free(tids);
	return rc;
}

/* ---- the result ---- */

uint64_t dupes_set_frees(const struct dupes_set *set)
{
	uint64_t n = 0;
	for (size_t i = 1; i < set->n; i++)
		if (set->v[i]->apart < 0)
			n++;
	return n * set->size;
}

static int cmp_set(const void *a, const void *b)
{
	const struct dupes_set *x = a, *y = b;
	uint64_t fx = dupes_set_frees(x), fy = dupes_set_frees(y);
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return cmp_keeper(&x->v[0], &y->v[0]);
}

/* Within a set: the keeper first, then the others by first name. */
static int cmp_member(const void *a, const void *b)
{
	const struct dupes_inode *x = *(struct dupes_inode *const *)a;
	const struct dupes_inode *y = *(struct dupes_inode *const *)b;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return strcmp(x->names[0].path, y->names[0].path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Flush, once each, every directory where a name now names its keeper, so
 * that the merges dedupe reports survive a power cut, as create -f's and
 * break's do (tests/fault/crash.sh found them all lost after exit 0).
 * Once at the end, not per name: the first flush commits the journal, the
 * others then cost next to nothing.
 */
static void flush_dirs(struct engine *g)
{
	size_t n = 0, m = 0;
	for (size_t i = 0; i < g->ninodes; i++)
		for (uint32_t k = 0; k < g->inodes[i].nnames; k++)
			n += g->inodes[i].names[k].to != NULL;
	if (n == 0)
		return;
	char **dirs = malloc(n * sizeof *dirs);
	for (size_t i = 0; dirs && i < g->ninodes; i++) {
		for (uint32_t k = 0; k < g->inodes[i].nnames; k++) {
			const char *p = g->inodes[i].names[k].path;
			if (!g->inodes[i].names[k].to)
				continue;
			const char *slash = strrchr(p, '/');
			size_t len = !slash       ? 0
				     : slash == p ? 1
						  : (size_t)(slash - p);
			char *d = malloc(len + 2);
			if (!d)
				continue; /* ENOMEM, said below */
			memcpy(d, len ? p : ".", len ? len : 1);
			d[len ? len : 1] = '\0';
			dirs[m++] = d;
		}
	}
	if (!dirs || m < n)
		fail(g, NULL, NULL, ENOMEM);
	if (m > 1)
		qsort(dirs, m, sizeof *dirs, cmp_str);
	for (size_t i = 0; i < m; i++) {
		if (i == 0 || strcmp(dirs[i], dirs[i - 1]) != 0) {
			int rc = hln_dir_sync(NULL, dirs[i]);
			if (rc < 0)
				fail(g, NULL, dirs[i], -rc);
		}
	}
	for (size_t i = 0; i < m; i++)
		free(dirs[i]);
	free(dirs);
}

/*
 * Whether the walk, from usage A to B, waited on the disk: its threads
 * blocked more often than they were preempted, many times (a cold cache;
 * a machine busy with other work preempts them instead).  Where the
 * system does not count switches, no.
 */
static int walk_waited(const struct hln_usage *a, const struct hln_usage *b)
{
	uint64_t waits = b->waits - a->waits;
	return b->switches && waits >= COLD_WAITS &&
	       waits > b->preempted - a->preempted;
}

/*
 * Every worker's records in one array: the largest part grows to hold
 * them all, and each other part is freed once moved over (never all
 * twice).  Returns the array (*N records) or NULL when out of memory
 * (the parts are freed either way).
 */
static struct groups_rec *merge_recs(struct collect *c, size_t *n)
{
	size_t total = 0;
	int big = 0;
	for (int w = 0; w < MAX_WORKERS; w++) {
		total += c->part[w].r.n;
		if (c->part[w].r.cap > c->part[big].r.cap)
			big = w;
	}
	struct groups_rec *all =
		reallocarray(c->part[big].r.v, total ? total : 1, sizeof *all);
	if (all)
		c->part[big].r.v = NULL;
	size_t k = all ? c->part[big].r.n : 0;
	for (int w = 0; w < MAX_WORKERS; w++) {
		if (all && w != big && c->part[w].r.n) {
			memcpy(all + k, c->part[w].r.v,
			       c->part[w].r.n * sizeof *all);
			k += c->part[w].r.n;
		}
		free(c->part[w].r.v);
		c->part[w].r.v = NULL;
	}
	*n = k;
	return all;
}

int dupes_run(char *const *paths, int n, const struct dupes_opts *o,
	      const struct dupes_ops *ops, void *ctx, struct dupes_result *r)
{
	memset(r, 0, sizeof *r);
	static const struct dupes_ops none = {NULL, NULL};
	if (!ops)
		ops = &none;
	struct engine *g = calloc(1, sizeof *g);
	struct collect *c = calloc(1, sizeof *c);
	struct groups *store = groups_new(0);
	if (!g || !c || !store) {
		free(g);
		free(c);
		groups_free(store);
		return -ENOMEM;
	}
	g->o = c->o = o;
	g->ops = c->ops = ops;
	g->ctx = c->ctx = ctx;
	g->r = r;
	g->store = c->store = store;
	pthread_mutex_init(&g->lock, NULL);
	c->lock = &g->lock;
	struct hln_usage u0, u1;
	int known = hln_usage(&u0) == 0;
	int rc = collect_all(c, paths, n);
	known = known && hln_usage(&u1) == 0;
	g->cold = known && walk_waited(&u0, &u1);
	r->failed |= c->failed;

	size_t k;
	struct groups_rec *all = merge_recs(c, &k);
	free(c);
	if (!all)
		rc = -ENOMEM;
	if (all && rc == 0 && !hln_signal_pending()) {
		rc = build(g, all, k);
		if (rc == 0)
			rc = resolve_all(g);
		if (!o->dry_run && !o->find_only && !o->reflink)
			flush_dirs(g);
	} else {
		free(all);
	}
	if (g->nomem && rc == 0)
		rc = -ENOMEM;
	r->signal = hln_signal_pending();

	for (size_t i = 0; i < r->nlist; i++) {
		struct dupes_set *s = &r->list[i];
		if (s->n > 2)
			qsort(s->v + 1, s->n - 1, sizeof *s->v, cmp_member);
	}
	r->sets = r->nlist;
	if (r->nlist > 1)
		qsort(r->list, r->nlist, sizeof *r->list, cmp_set);
	for (size_t i = 0; i < g->ninodes; i++)
		if (g->inodes[i].apart >= 0)
			r->skipped[g->inodes[i].apart]++;
	/* the inodes stay, for the caller to print; freed with the result */
	r->inodes = g->inodes;
	r->ninodes = g->ninodes;
	r->namev = g->names;
	r->store = store;
	free(g->groups);
	free(g->nolink_devs);
	pthread_mutex_destroy(&g->lock);
	free(g);
	return rc;
}

void dupes_result_free(struct dupes_result *r)
{
	for (size_t i = 0; i < r->nlist; i++)
		free(r->list[i].v);
	free(r->list);
	free(r->inodes);
	free(r->namev);
	groups_free(r->store);
	memset(r, 0, sizeof *r);
}
