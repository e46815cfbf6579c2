/*
 * linktree.c - a tree replicated by links; see hln/linktree.h.
 *
 * The parallel walker reads the source; each directory of the copy is
 * made in its parent's copy (mkdirat on the descriptor dir_enter opened
 * for the parent, handed on as parent_data) and opened, and every entry
 * is linked or made relative to the two descriptors, so no path is ever
 * longer than one name.  A directory's mode, owner and times are set
 * when the walker is done with it (dir_done): after its last entry, and
 * after its subdirectories were made in it, so its mtime stays the
 * source's and a read-only one was writable while it was filled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/linktree.h"
#include "hln/platform.h"
#include "hln/replace.h"

/* ---- the names made by a run ---- */

struct made_entry {
	uint64_t dev, ino;
	char *name; /* NULL: an empty slot */
};

void made_init(struct made *m)
{
	memset(m, 0, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
}

static size_t made_hash(uint64_t dev, uint64_t ino, const char *name)
{
	uint64_t h =
		1469598103934665603ull ^ dev ^ (ino * 0x9E3779B97F4A7C15ull);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

/* The slot of (DEV, INO, NAME) in M: its own, or the empty one for it. */
static struct made_entry *made_slot(const struct made *m, uint64_t dev,
				    uint64_t ino, const char *name)
{
	size_t i = made_hash(dev, ino, name) & (m->cap - 1);
	for (;; i = (i + 1) & (m->cap - 1)) {
		struct made_entry *e = &m->slots[i];
		if (!e->name || (e->dev == dev && e->ino == ino &&
				 strcmp(e->name, name) == 0))
			return e;
	}
}

static int made_grow(struct made *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct made_entry *old = m->slots;
	size_t oldcap = m->cap;
	m->slots = calloc(cap, sizeof *m->slots);
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].name)
			*made_slot(m, old[i].dev, old[i].ino, old[i].name) =
				old[i];
	free(old);
	return 0;
}

int made_add(struct made *m, uint64_t dev, uint64_t ino, const char *name)
{
	int rc = 0;
	pthread_mutex_lock(&m->lock);
	if ((m->count + 1) * 2 > m->cap)
		rc = made_grow(m);
	if (rc == 0) {
		struct made_entry *e = made_slot(m, dev, ino, name);
		if (!e->name) {
			e->name = strdup(name);
			if (e->name) {
				e->dev = dev;
				e->ino = ino;
				m->count++;
			} else {
				rc = -ENOMEM;
			}
		}
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int made_has(struct made *m, uint64_t dev, uint64_t ino, const char *name)
{
	pthread_mutex_lock(&m->lock);
	int has = m->cap && made_slot(m, dev, ino, name)->name != NULL;
	pthread_mutex_unlock(&m->lock);
	return has;
}

void made_free(struct made *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].name);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
	pthread_mutex_destroy(&m->lock);
}

/* ---- the tree ---- */

struct tree {
	const struct linktree_opts *o;
	const char *dest;
	struct walk_status status;
};

/* A directory of the copy, open while the walker needs it. */
struct copydir {
	struct hln_dir *dd;
	struct hln_stat st; /* the source directory's, to give it at the end */
	uint64_t dev, ino; /* its own identity, for the names made */
	char *path; /* its path, for messages */
};

/* DEST followed by the part of PATH below the source root. */
static char *dest_path(const struct tree *t, const char *path, size_t rootlen)
{
	const char *rel = path + rootlen;
	size_t dl = strlen(t->dest), rl = strlen(rel);
	char *p = malloc(dl + rl + 1);
	if (p) {
		memcpy(p, t->dest, dl);
		memcpy(p + dl, rel, rl + 1);
	}
	return p;
}

static void fail(struct tree *t, const char *src, const char *dest,
		 enum linktree_fail why, int err)
{
	t->o->cb->failed(t->o->ctx, src, dest, why, err);
	walk_fail(&t->status);
}

/*
 * Make the directory of the copy for D at PATH, in the copy of its parent
 * (or at the path itself for the root), or find it there to merge into,
 * and open it.  Returns 0 with *OUT set, or -errno.
 */
static int make_dir(const struct walk_dir *d, const char *path,
		    struct hln_dir **out)
{
	struct copydir *parent = d->parent_data;
	const char *name = path;
	if (parent) {
		const char *slash = strrchr(d->path, '/');
		name = slash ? slash + 1 : d->path;
	}
	int rc = parent ? hln_dir_mkdirat(parent->dd, name, 0700)
			: hln_mkdir(path, 0700);
	if (rc == -EEXIST) {
		struct hln_stat st;
		int src = parent ? hln_dir_statat(parent->dd, name, 0, &st)
				 : hln_stat_path(path, 0, &st);
		/* an existing directory is merged into */
		rc = src == 0 && st.type == HLN_T_DIR ? 0 : -EEXIST;
	}
	if (rc < 0)
		return rc;
	return parent ? hln_dir_openat(parent->dd, name, out)
		      : hln_dir_open(path, 0, out);
}

static int tree_dir_enter(void *ctx, const struct walk_dir *d, void **data)
{
	struct tree *t = ctx;
	*data = NULL;
	/* -n names the links (every non-directory), not directories */
	if (t->o->dry_run)
		return 0;
	struct copydir *c = calloc(1, sizeof *c);
	if (!c || !(c->path = dest_path(t, d->path, d->rootlen))) {
		free(c);
		return -ENOMEM;
	}
	c->st = *d->st;
	int rc = make_dir(d, c->path, &c->dd);
	struct hln_stat own;
	if (rc == 0 && t->o->made) {
		rc = hln_dir_fstat(c->dd, 0, &own);
		c->dev = own.dev;
		c->ino = own.ino;
	}
	if (rc < 0) {
		/*
		 * The root's failure is said as create says it for a link
		 * ("no such directory: 'backup'"), but for a non-directory
		 * in the way, which -f would not replace.
		 */
		int as_link = d->depth == 0 && rc != -EEXIST;
		fail(t, as_link ? d->path : NULL, c->path, LINKTREE_ERRNO, rc);
		hln_dir_close(c->dd);
		free(c->path);
		free(c);
		return 1; /* reported here, with the destination's name */
	}
	*data = c;
	return 0;
}

static void tree_dir_done(void *ctx, void *data)
{
	struct tree *t = ctx;
	struct copydir *c = data;
	if (!c)
		return;
	int rc = hln_dir_setmeta(c->dd, ".", &c->st,
				 HLN_META_OWNER | HLN_META_MODE |
					 HLN_META_TIMES);
	if (rc < 0)
		fail(t, NULL, c->path, LINKTREE_ERRNO, rc);
	hln_dir_close(c->dd);
	free(c->path);
	free(c);
}

/*
 * The name of E exists in the copy C already: it is a name of the same
 * file, or it is refused, kept or replaced.  TEXT is the symlink text E
 * holds, or NULL.  Returns 0 (done, reported, or declined), or -errno.
 */
static int on_existing(struct tree *t, const struct walk_entry *e,
		       struct copydir *c, const char *text, const char *dp)
{
	const struct linktree_opts *o = t->o;
	struct hln_stat ss, ds;
	int rc = hln_dir_statat(c->dd, e->name, 0, &ds);
	if (rc < 0)
		return rc;
	if (!text && hln_dir_statat(e->dir, e->name, 0, &ss) == 0 &&
	    ss.dev == ds.dev && ss.ino == ds.ino) {
		o->cb->made(o->ctx, dp, e->path, LINKTREE_ALREADY);
		return 0;
	}
	if (ds.type == HLN_T_DIR) {
		fail(t, e->path, dp, LINKTREE_DEST_IS_DIR, 0);
		return 0;
	}
	if (o->made && made_has(o->made, c->dev, c->ino, e->name)) {
		fail(t, e->path, dp, LINKTREE_JUST_MADE, 0);
		return 0;
	}
	if (o->replace == LINKTREE_KEEP)
		return -EEXIST;
	if (o->replace == LINKTREE_ASK) {
		int yes = o->cb->ask(o->ctx, dp);
		if (yes < 0)
			walk_fail(&t->status);
		if (yes <= 0)
			return 0;
	}
	rc = text ? replace_with_symlink(c->dd, e->name, text)
		  : replace_with_linkat(e->dir, e->name, c->dd, e->name);
	return rc < 0 ? rc : 1;
}

/* Make the symlink E in the copy C with the same text.  0 or -errno. */
static int copy_symlink(struct tree *t, const struct walk_entry *e,
			struct copydir *c, const char *dp)
{
	char text[4096];
	int rc = hln_dir_readlinkat(e->dir, e->name, text, sizeof text);
	if (rc >= 0)
		rc = hln_dir_symlinkat(c->dd, e->name, text);
	if (rc == -EEXIST) {
		rc = on_existing(t, e, c, text, dp);
		if (rc <= 0)
			return rc == 0 ? 1 : rc;
	}
	if (rc >= 0) {
		struct hln_stat st;
		if (hln_dir_statat(e->dir, e->name, 0, &st) == 0)
			hln_dir_setmeta(c->dd, e->name, &st,
					HLN_META_OWNER | HLN_META_TIMES);
		rc = 0;
	}
	return rc;
}

static int tree_entry(void *ctx, const struct walk_entry *e)
{
	struct tree *t = ctx;
	const struct linktree_opts *o = t->o;
	struct copydir *c = e->dirdata;
	if (hln_signal_pending())
		return 1;
	char *dp = dest_path(t, e->path, e->rootlen);
	if (!dp)
		return -ENOMEM;
	int rc = 0;
	if (o->dry_run) {
		o->cb->made(o->ctx, dp, e->path, LINKTREE_LINKED);
		goto out;
	}
	/* rc > 0: handled (already linked, refused or declined) */
	if (e->type == HLN_T_LNK) {
		rc = copy_symlink(t, e, c, dp);
	} else {
		rc = hln_dir_linkat(e->dir, e->name, c->dd, e->name);
		if (rc == -EEXIST) {
			rc = on_existing(t, e, c, NULL, dp);
			rc = rc == 0 ? 1 : rc < 0 ? rc : 0;
		}
	}
	if (rc == 0) {
		if (o->made && made_add(o->made, c->dev, c->ino, e->name) < 0)
			rc = -ENOMEM;
		walk_found(o->progress);
		o->cb->made(o->ctx, dp, e->path, LINKTREE_LINKED);
	} else if (rc < 0) {
		fail(t, e->path, dp, LINKTREE_ERRNO, rc);
	}
out:
	free(dp);
	return 0;
}

static void tree_error(void *ctx, const char *path, int err)
{
	struct tree *t = ctx;
	fail(t, NULL, path, LINKTREE_ERRNO, -err);
}

/* The directory DEST will be made in: DEST if it exists, else its parent */
static int dest_within(const char *dest, const struct hln_stat *src)
{
	struct hln_stat ds;
	if (hln_stat_path(dest, 0, &ds) == 0)
		return walk_is_within(dest, src->dev, src->ino) == 1;
	const char *slash = strrchr(dest, '/');
	if (!slash)
		return walk_is_within(".", src->dev, src->ino) == 1;
	size_t len = slash == dest ? 1 : (size_t)(slash - dest);
	char *dir = malloc(len + 1);
	if (dir) {
		memcpy(dir, dest, len);
		dir[len] = '\0';
	}
	int in = dir && walk_is_within(dir, src->dev, src->ino) == 1;
	free(dir);
	return in;
}

int linktree_make(const char *src, const char *dest,
		  const struct linktree_opts *o)
{
	struct tree t = {o, dest, {0}};
	struct hln_stat ss;
	int rc = hln_stat_path(src, o->follow_root ? HLN_FOLLOW : 0, &ss);
	if (rc < 0) {
		fail(&t, src, dest, LINKTREE_ERRNO, rc);
		return HLN_EXIT_FAIL;
	}
	if (dest_within(dest, &ss)) {
		fail(&t, src, dest, LINKTREE_INTO_ITSELF, 0);
		return HLN_EXIT_FAIL;
	}
	struct walk_opts wo = {0};
	wo.follow_root = o->follow_root;
	wo.progress = o->progress;
	wo.progress_label = o->progress ? "links" : NULL;
	wo.progress_force = o->progress_force;
	struct walk_ops ops = {tree_dir_enter, tree_entry, NULL, tree_error,
			       tree_dir_done};
	rc = walk_tree(src, &wo, &ops, &t);
	if (rc < 0)
		fail(&t, src, dest, LINKTREE_ERRNO, rc);
	return walk_status_code(&t.status);
}
