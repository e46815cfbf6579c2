/*
 * groups.c - names grouped by (dev, ino); see hln/groups.h.
 *
 * Each worker thread appends to a part of its own (no lock on the way): an
 * array of records, one per name, and an arena that holds the names and
 * the directories.  A directory is stored once, as its name and a pointer
 * to its parent (the walker hands the parent's record on as parent_data),
 * and a name as its last component and a pointer to its directory.  At
 * the end the parts are merged into one array and sorted in place (no
 * second array as qsort's merge sort would take), groups too small are
 * dropped, and paths are compared without being built: below the deepest
 * common directory the first components decide.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hln/groups.h"
#include "hln/path.h"

/* A directory: its parent (NULL for a root) and its name there. */
struct gdir {
	const struct gdir *parent;
	uint32_t depth; /* 0 for a root */
	uint32_t len; /* of name */
	char name[]; /* a root: the root as given, less one trailing '/' */
};

/* A block of the arena. */
struct chunk {
	struct chunk *next;
	_Alignas(8) char data[];
};

#define CHUNK_SIZE (64 * 1024)
#define MAX_PARTS WALK_MAX_THREADS

/* What one worker collects. */
struct part {
	_Alignas(64) struct groups_recs recs; /* a cache line each */
	struct chunk *chunks;
	char *pos; /* free space in the newest chunk */
	size_t left;
};

struct groups {
	int flags;
	int sorted;
	struct part part[MAX_PARTS];
	struct groups_rec *v; /* every record, once sorted */
	size_t n;
	size_t *grp; /* the groups, sorted: where their names start in v */
	size_t ngroups;
	/* for comparisons that must build both paths */
	char *buf[2];
	size_t cap[2];
};

struct groups *groups_new(int flags)
{
	struct groups *g = calloc(1, sizeof *g);
	if (g)
		g->flags = flags;
	return g;
}

static void part_free(struct part *p)
{
	free(p->recs.v);
	for (struct chunk *c = p->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	memset(p, 0, sizeof *p);
}

void groups_free(struct groups *g)
{
	if (!g)
		return;
	for (int i = 0; i < MAX_PARTS; i++)
		part_free(&g->part[i]);
	free(g->v);
	free(g->grp);
	free(g->buf[0]);
	free(g->buf[1]);
	free(g);
}

/*
 * SIZE bytes from P's arena, aligned to ALIGN (a power of two, at most 8:
 * names need none).  Returns NULL when out of memory.
 */
static void *arena_alloc(struct part *p, size_t size, size_t align)
{
	size_t pad = (size_t) - (uintptr_t)p->pos & (align - 1);
	if (p->pos && size + pad <= p->left) {
		p->pos += pad;
		p->left -= pad;
	} else {
		size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
		struct chunk *c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = p->chunks;
		p->chunks = c;
		p->pos = c->data;
		p->left = cap;
	}
	void *r = p->pos;
	p->pos += size;
	p->left -= size;
	return r;
}

static struct part *part_of(struct groups *g, int worker)
{
	return &g->part[worker >= 0 && worker < MAX_PARTS ? worker : 0];
}

int groups_dir_enter(struct groups *g, const struct walk_dir *d, void **data)
{
	const struct gdir *parent = d->depth > 0 ? d->parent_data : NULL;
	const char *name = d->path;
	size_t len = strlen(d->path);
	if (parent) {
		name = path_tail(d->path);
		len = strlen(name);
	} else if (len > 0 && d->path[len - 1] == '/') {
		len--; /* the walker adds no '/' after a root that ends so */
	}
	if (len > UINT32_MAX)
		return -ENAMETOOLONG;
	struct gdir *r =
		arena_alloc(part_of(g, d->worker), sizeof *r + len + 1, 8);
	if (!r)
		return -ENOMEM;
	r->parent = parent;
	r->depth = parent ? parent->depth + 1 : 0;
	r->len = (uint32_t)len;
	memcpy(r->name, name, len);
	r->name[len] = '\0';
	*data = r;
	return 0;
}

/* Whether G keeps a file with stat ST. */
static int keeps(const struct groups *g, const struct hln_stat *st)
{
	if (st->type == HLN_T_DIR)
		return 0;
	return st->nlink >= 2 || (g->flags & GROUPS_ALL);
}

int groups_add(struct groups *g, const struct walk_entry *e,
	       const struct hln_stat *st)
{
	if (g->sorted || !keeps(g, st))
		return 1;
	if (!e->dirdata)
		return -EINVAL;
	return groups_rec_add(g, e->worker, &part_of(g, e->worker)->recs,
			      e->dirdata, e->name, st)
		       ? 0
		       : -ENOMEM;
}

const char *groups_keep(struct groups *g, int worker, const char *name)
{
	size_t len = strlen(name);
	char *r = arena_alloc(part_of(g, worker), len + 1, 1);
	if (r)
		memcpy(r, name, len + 1);
	return r;
}

struct groups_rec *groups_rec_add(struct groups *g, int worker,
				  struct groups_recs *r, const struct gdir *dir,
				  const char *name, const struct hln_stat *st)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct groups_rec *v = reallocarray(r->v, cap, sizeof *v);
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	if (dir && !(name = groups_keep(g, worker, name)))
		return NULL;
	struct groups_rec *rec = &r->v[r->n++];
	rec->dev = st->dev;
	rec->ino = st->ino;
	rec->size = st->size;
	rec->dir = dir;
	rec->name = name;
	rec->nlink = st->nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->nlink;
	rec->op = 0;
	return rec;
}

/* ---- walking ---- */

struct walking {
	struct groups *g;
	const struct groups_walk *w;
	struct walk_progress *progress;
	uint64_t mnt_id; /* the root's mount, or 0 */
	int stat_flags;
};

static int walking_dir_enter(void *ctx, const struct walk_dir *d, void **data)
{
	struct walking *k = ctx;
	if (d->depth == 0 && d->st && k->stat_flags)
		k->mnt_id = d->st->mnt_id;
	return groups_dir_enter(k->g, d, data);
}

static int walking_entry(void *ctx, const struct walk_entry *e)
{
	struct walking *k = ctx;
	struct hln_stat buf;
	const struct hln_stat *st;
	int rc = walk_entry_stat(e, k->stat_flags, &buf, &st);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	/* a file bind-mounted onto a name: another mount's, not a link */
	if (k->mnt_id && st->mnt_id && st->mnt_id != k->mnt_id)
		return 0;
	if (!keeps(k->g, st))
		return 0;
	if (k->w && k->w->filter) {
		rc = k->w->filter(k->w->ctx, e, st);
		if (rc == GROUPS_STOP)
			return 1;
		if (rc != GROUPS_KEEP)
			return rc < 0 ? rc : 0;
	}
	rc = groups_add(k->g, e, st);
	if (rc < 0)
		return rc;
	walk_found(k->progress);
	return 0;
}

static void walking_error(void *ctx, const char *path, int err)
{
	struct walking *k = ctx;
	if (k->w && k->w->error)
		k->w->error(k->w->ctx, path, err);
}

int groups_walk(struct groups *g, const char *root, const struct walk_opts *o,
		const struct groups_walk *w)
{
	struct walking k = {g, w, o->progress, 0, 0};
	if (o->same_mount)
		k.stat_flags = HLN_WANT_MNT; /* and the root's mount is kept */
	const struct walk_ops ops = {.dir_enter = walking_dir_enter,
				     .entry = walking_entry,
				     .error = walking_error};
	return walk_tree(root, o, &ops, &k);
}

/* ---- comparing paths without building them ---- */

/* The length of the path of the name NAME in directory D. */
static size_t path_len(const struct gdir *d, const char *name)
{
	size_t len = strlen(name);
	for (; d; d = d->parent)
		len += d->len + 1;
	return len;
}

/* The path of NAME in D into *BUF (grown).  Returns *BUF or NULL. */
static char *path_build(const struct gdir *d, const char *name, char **buf,
			size_t *cap)
{
	size_t len = path_len(d, name);
	if (len + 1 > *cap) {
		size_t ncap = len + 1 > 2 * *cap ? len + 1 : 2 * *cap;
		char *b = realloc(*buf, ncap);
		if (!b)
			return NULL;
		*buf = b;
		*cap = ncap;
	}
	char *end = *buf + len;
	size_t nlen = strlen(name);
	memcpy(end - nlen, name, nlen + 1);
	end -= nlen;
	for (; d; d = d->parent) {
		*--end = '/';
		end -= d->len;
		memcpy(end, d->name, d->len);
	}
	return *buf;
}

const char *groups_dir_path(const void *dir, const char *name, char **buf,
			    size_t *cap)
{
	return path_build(dir, name, buf, cap);
}

/*
 * Compare the component X, followed by TX ('/' for a directory, '\0' for
 * the last name), with Y and TY, as parts of two paths.  Returns <0, >0,
 * or 0 when the rest of the paths would have to decide.
 */
static int cmp_component(const char *x, int tx, const char *y, int ty)
{
	size_t i = 0;
	while (x[i] && x[i] == y[i])
		i++;
	int cx = x[i] ? (unsigned char)x[i] : tx;
	int cy = y[i] ? (unsigned char)y[i] : ty;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return 0;
}

/* Compare, bytewise, the paths of names A and B. */
static int cmp_path(struct groups *g, const struct groups_rec *a,
		    const struct groups_rec *b)
{
	if (a->dir == b->dir)
		return strcmp(a->name, b->name);
	/* Climb to the deepest common directory: the components below it
	 * differ, so the first ones decide. */
	const struct gdir *da = a->dir, *db = b->dir;
	const char *ca = a->name, *cb = b->name;
	int ta = '\0', tb = '\0';
	while (da->depth > db->depth) {
		ca = da->name;
		ta = '/';
		da = da->parent;
	}
	while (db->depth > da->depth) {
		cb = db->name;
		tb = '/';
		db = db->parent;
	}
	while (da != db) {
		ca = da->name;
		cb = db->name;
		ta = tb = '/';
		if (!da->parent || !db->parent)
			break; /* two roots */
		da = da->parent;
		db = db->parent;
	}
	int c = cmp_component(ca, ta, cb, tb);
	if (c)
		return c;
	/*
	 * A root that holds a '/' and is a prefix of another root, or a file
	 * and a directory of one name (swapped during the walk): build both.
	 */
	const char *pa = path_build(a->dir, a->name, &g->buf[0], &g->cap[0]);
	const char *pb = path_build(b->dir, b->name, &g->buf[1], &g->cap[1]);
	if (!pa || !pb) /* out of memory: never take two names for one */
		return a < b ? -1 : 1;
	return strcmp(pa, pb);
}

/* ---- sorting in place ---- */

typedef int (*cmp_fn)(struct groups *g, const void *a, const void *b);

/* Swap the SIZE bytes (at most 64) at A and B. */
static void swap_bytes(void *a, void *b, size_t size)
{
	unsigned char t[64];
	memcpy(t, a, size);
	memcpy(a, b, size);
	memcpy(b, t, size);
}

/*
 * Sort the N elements of SIZE bytes (at most 64) at BASE by CMP, in
 * place: quicksort with a median-of-three pivot, the smaller side first
 * (so the stack stays logarithmic), insertion sort for short runs.
 */
static void sort_in_place(struct groups *g, void *base, size_t n, size_t size,
			  cmp_fn cmp)
{
	unsigned char *v = base;
	unsigned char pivot[64];
	while (n > 12) {
		unsigned char *lo = v, *mid = v + n / 2 * size,
			      *hi = v + (n - 1) * size;
		if (cmp(g, mid, lo) < 0)
			swap_bytes(mid, lo, size);
		if (cmp(g, hi, mid) < 0) {
			swap_bytes(hi, mid, size);
			if (cmp(g, mid, lo) < 0)
				swap_bytes(mid, lo, size);
		}
		memcpy(pivot, mid, size);
		size_t i = 0, j = n - 1;
		for (;;) {
			while (cmp(g, v + i * size, pivot) < 0)
				i++;
			while (cmp(g, pivot, v + j * size) < 0)
				j--;
			if (i >= j)
				break;
			swap_bytes(v + i * size, v + j * size, size);
			i++;
			j--;
		}
		/* [0, j] and [j + 1, n) */
		size_t left = j + 1, right = n - left;
		if (left < right) {
			sort_in_place(g, v, left, size, cmp);
			v += left * size;
			n = right;
		} else {
			sort_in_place(g, v + left * size, right, size, cmp);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && cmp(g, v + (j - 1) * size, v + j * size) > 0; j--)
			swap_bytes(v + (j - 1) * size, v + j * size, size);
}

/* Records by file, then by path. */
static int cmp_rec(struct groups *g, const void *x, const void *y)
{
	const struct groups_rec *a = x, *b = y;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return cmp_path(g, a, b);
}

/* The number of records of the file of record I, from I on. */
static size_t run_length(const struct groups *g, size_t i)
{
	size_t j = i + 1;
	while (j < g->n && g->v[j].dev == g->v[i].dev &&
	       g->v[j].ino == g->v[i].ino)
		j++;
	return j - i;
}

/* Groups by their first name. */
static int cmp_group(struct groups *g, const void *x, const void *y)
{
	const size_t *a = x, *b = y;
	return cmp_path(g, &g->v[*a], &g->v[*b]);
}

/* Records moved at a time from a part to the merged array. */
#define MERGE_STEP 16384

/*
 * Gather the parts' records into G->v: the largest array grows (realloc,
 * its records stay where they are); the others are moved over from their
 * end, a step at a time, each shrunk as it goes, so that the records are
 * never held twice.  Returns 0 or -ENOMEM.
 */
static int merge_parts(struct groups *g)
{
	size_t n = 0, big = 0;
	for (int i = 0; i < MAX_PARTS; i++) {
		n += g->part[i].recs.n;
		if (g->part[i].recs.cap > g->part[big].recs.cap)
			big = (size_t)i;
	}
	struct part *b = &g->part[big];
	struct groups_rec *v = b->recs.v;
	if (n > b->recs.cap || !v) {
		v = reallocarray(b->recs.v, n ? n : 1, sizeof *v);
		if (!v)
			return -ENOMEM;
	}
	b->recs.v = NULL;
	size_t at = b->recs.n;
	b->recs.n = b->recs.cap = 0;
	for (int i = 0; i < MAX_PARTS; i++) {
		struct part *p = &g->part[i];
		while (p->recs.n) {
			size_t k =
				p->recs.n < MERGE_STEP ? p->recs.n : MERGE_STEP;
			memcpy(v + at, p->recs.v + p->recs.n - k,
			       k * sizeof *v);
			at += k;
			p->recs.n -= k;
			struct groups_rec *less =
				p->recs.n ? realloc(p->recs.v,
						    p->recs.n * sizeof *v)
					  : NULL;
			if (less)
				p->recs.v = less;
		}
		free(p->recs.v);
		p->recs.v = NULL;
		p->recs.cap = 0;
	}
	g->v = v;
	g->n = n;
	return 0;
}

long groups_sort(struct groups *g, size_t min_names)
{
	if (g->sorted)
		return (long)g->ngroups;
	g->sorted = 1;
	if (min_names < 1)
		min_names = 1;
	if (merge_parts(g) < 0)
		return -ENOMEM;
	sort_in_place(g, g->v, g->n, sizeof *g->v, cmp_rec);

	/* Drop names seen twice and groups too small, moving the rest down. */
	size_t out = 0, ngroups = 0;
	for (size_t i = 0, j; i < g->n; i = j) {
		size_t start = out;
		g->v[out++] = g->v[i];
		for (j = i + 1; j < g->n && g->v[j].dev == g->v[i].dev &&
				g->v[j].ino == g->v[i].ino;
		     j++)
			if (cmp_path(g, &g->v[j], &g->v[out - 1]) != 0)
				g->v[out++] = g->v[j];
		if (out - start < min_names)
			out = start;
		else
			ngroups++;
	}
	if (out < g->n) { /* what can no longer form a group goes */
		struct groups_rec *v =
			reallocarray(g->v, out ? out : 1, sizeof *v);
		if (v)
			g->v = v;
	}
	g->n = out;
	g->grp = calloc(ngroups ? ngroups : 1, sizeof *g->grp);
	if (!g->grp) {
		g->n = 0;
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->n; i += run_length(g, i))
		g->grp[g->ngroups++] = i;
	sort_in_place(g, g->grp, g->ngroups, sizeof *g->grp, cmp_group);
	return (long)g->ngroups;
}

size_t groups_count(const struct groups *g) { return g->ngroups; }

const struct name_group *groups_at(const struct groups *g, size_t i,
				   struct name_group *buf)
{
	size_t first = g->grp[i];
	const struct groups_rec *r = &g->v[first];
	*buf = (struct name_group){.dev = r->dev,
				   .ino = r->ino,
				   .size = r->size,
				   .first = first,
				   .names = run_length(g, first)};
	for (size_t k = 0; k < buf->names; k++)
		if (r[k].nlink > buf->nlink)
			buf->nlink = r[k].nlink;
	return buf;
}

const char *groups_path(const struct groups *g, const struct name_group *gr,
			size_t k, char **buf, size_t *cap)
{
	const struct groups_rec *r = &g->v[gr->first + k];
	return path_build(r->dir, r->name, buf, cap);
}

/* ---- visiting ---- */

/*
 * The root of the N ROOTS that PATH was collected under: the longest that
 * PATH begins with.  Returns its index, or -1.
 */
static int root_of(int n, char *const *roots, const char *path)
{
	int best = -1;
	long best_len = -1;
	for (int i = 0; i < n; i++) {
		long len = roots[i] ? walk_path_rel(roots[i], path) : -1;
		if (len > best_len) {
			best = i;
			best_len = len;
		}
	}
	return best;
}

void groups_visit(const struct groups *g, int n, char *const *roots,
		  const struct groups_visit *v)
{
	struct walk_parent at;
	memset(&at, 0, sizeof at);
	char *buf = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < groups_count(g); i++) {
		struct name_group grbuf;
		const struct name_group *gr = groups_at(g, i, &grbuf);
		for (size_t k = gr->names >= gr->nlink; k < gr->names; k++) {
			if (hln_signal_pending())
				break;
			const char *path = groups_path(g, gr, k, &buf, &cap);
			int r = path ? root_of(n, roots, path) : -1;
			const char *name;
			int rc = r < 0 ? -ENOMEM
				       : walk_parent_open(&at, roots[r], path,
							  &name);
			if (rc < 0)
				v->error(v->ctx, r < 0 ? NULL : path, -rc);
			else
				v->name(v->ctx, at.dir, name, path);
		}
	}
	walk_parent_close(&at);
	free(buf);
}

/* ---- operands ---- */

int groups_covered(int n, char *const *paths, const struct hln_stat *sts,
		   const int *ok, int i)
{
	for (int j = 0; j < n; j++) {
		if (j == i || !ok[j] || sts[j].type != HLN_T_DIR)
			continue;
		int same = sts[i].dev == sts[j].dev && sts[i].ino == sts[j].ino;
		if (same && j > i)
			continue;
		if (same ||
		    walk_is_within(paths[i], sts[j].dev, sts[j].ino) == 1)
			return 1;
	}
	return 0;
}
