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
#include "hln/inotab.h"
#include "hln/linktree.h"
#include "hln/path.h"
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

/*
 * -r --reflink: the copy of each source inode with several names, in the
 * map's entries (their copy and state).
 */
enum copy_state { COPY_MAKING, COPY_MADE, COPY_FAILED };

struct tree {
	const struct linktree_opts *o;
	const char *dest; /* where the copy is made */
	/*
	 * -r --reflink into a new name: DEST is a ".hln-" name beside it,
	 * renamed to SHOWN (the name asked for, the one messages give) once
	 * the copy is complete; else NULL.
	 */
	const char *shown;
	struct walk_status status;
	pthread_mutex_t lock; /* of the map */
	pthread_cond_t made; /* a copy of the map is made, or failed */
	struct inotab map;
	/* -r --reflink: the directories made, flushed at the end */
	pthread_mutex_t dirs_lock;
	char **made_dirs;
	size_t ndirs, capdirs;
	/* -r --reflink: the device of a source file cloned, or 0 */
	atomic_uint_fast64_t clone_dev;
};

/* Note DEST as the copy of (DEV, INO), being made.  0 or -ENOMEM. */
static int map_add(struct tree *t, uint64_t dev, uint64_t ino, const char *dest)
{
	char *copy = strdup(dest);
	int isnew;
	struct inotab_entry *e =
		copy ? inotab_get(&t->map, dev, ino, &isnew) : NULL;
	if (!e) {
		free(copy);
		return -ENOMEM;
	}
	e->copy = copy;
	e->state = COPY_MAKING;
	return 0;
}

/* A directory of the copy, open while the walker needs it. */
struct copydir {
	struct hln_dir *dd;
	struct hln_stat st; /* the source directory's, to give it at the end */
	uint64_t dev, ino; /* its own identity, for the names made */
	char *path; /* its path, for messages */
	atomic_int bare; /* reflink: its new files get no xattrs of their own */
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

/*
 * PATH as the user will see it: below t->shown where the copy is made
 * under a hidden name (malloc'd), else NULL (PATH itself is meant).
 */
static char *shown_path(const struct tree *t, const char *path)
{
	size_t dl = t->shown && path ? strlen(t->dest) : 0;
	if (!dl || strncmp(path, t->dest, dl) != 0)
		return NULL;
	return path[dl] ? path_join_dup(t->shown, path + dl + 1)
			: strdup(t->shown);
}

static void fail(struct tree *t, const char *src, const char *dest,
		 enum linktree_fail why, int err)
{
	char *shown = shown_path(t, dest);
	t->o->cb->failed(t->o->ctx, src, shown ? shown : dest, why, err);
	free(shown);
	walk_fail(&t->status);
}

/* The made() callback, with DEST as the user will see it. */
static void report_made(const struct tree *t, const char *dest, const char *src,
			enum linktree_made what)
{
	char *shown = shown_path(t, dest);
	t->o->cb->made(t->o->ctx, shown ? shown : dest, src, what);
	free(shown);
}

/* ---- copies (reflink) ---- */

/* NAME recreated as a symlink with the text of the symlink SRC. */
static int copy_symlink_path(const char *src, const char *name, int replace)
{
	char text[4096];
	int rc = hln_readlink(src, text, sizeof text);
	if (rc < 0)
		return rc;
	char *dir = path_dir_dup(name);
	if (!dir)
		return -ENOMEM;
	struct hln_dir *d;
	rc = hln_dir_open(dir, HLN_FOLLOW, &d);
	free(dir);
	if (rc < 0)
		return rc;
	const char *base = path_tail(name);
	rc = replace ? replace_with_symlink(d, base, text)
		     : hln_dir_symlinkat(d, base, text);
	hln_dir_close(d);
	return rc;
}

/*
 * Make NAME a copy-on-write copy of the file SRC (its symlink text, for a
 * symlink SRC unless following).  EXPECT as copy_to_name.  Returns 0 with
 * *WHAT set, 1 when SRC is no regular file (reported), or -errno.
 */
static int clone_path(struct tree *t, const char *src, const char *name,
		      const struct hln_stat *expect, int follow,
		      enum linktree_made *what)
{
	const struct linktree_opts *o = t->o;
	char *real = NULL;
	int rc = 0;
	if (follow && (rc = hln_realpath(src, &real)) < 0)
		return rc;
	struct hln_file *f;
	rc = hln_file_open(real ? real : src, HLN_OPEN_READ, &f);
	free(real);
	*what = LINKTREE_COPIED;
	if (rc == -ELOOP)
		return copy_symlink_path(src, name, expect != NULL);
	if (rc < 0)
		return rc;
	struct hln_stat st;
	rc = hln_file_stat(f, &st);
	if (rc == 0 && st.type == HLN_T_DIR)
		rc = -EISDIR;
	if (rc == 0 && st.type != HLN_T_REG) {
		fail(t, src, name, LINKTREE_NOT_REGULAR, 0);
		rc = 1;
	}
	struct copy_result r;
	if (rc == 0)
		rc = copy_to_name(f, &st, NULL, name, o->when, expect, 0, &r);
	if (rc == 0)
		*what = r.cloned ? LINKTREE_CLONED : LINKTREE_COPIED;
	hln_file_close(f);
	return rc;
}

/* ---- one name ---- */

/* Whether paths A and B are the same directory entry. */
static int same_entry(const char *a, const char *b)
{
	if (strcmp(path_tail(a), path_tail(b)) != 0)
		return 0;
	char *d1 = path_dir_dup(a), *d2 = path_dir_dup(b);
	struct hln_stat s1, s2;
	int same = d1 && d2 && hln_stat_path(d1, HLN_FOLLOW, &s1) == 0 &&
		   hln_stat_path(d2, HLN_FOLLOW, &s2) == 0 &&
		   s1.dev == s2.dev && s1.ino == s2.ino;
	free(d1);
	free(d2);
	return same;
}

/*
 * With o->made: note NAME as made (DONE 1), or say whether it was made
 * earlier in this run (DONE 0).  Returns 1 if it was (or is now noted),
 * 0 if not or without o->made.
 */
static int made_name(const struct linktree_opts *o, const char *name, int done)
{
	if (!o->made)
		return 0;
	char *dir = path_dir_dup(name);
	struct hln_stat st;
	int rc = dir ? hln_stat_path(dir, HLN_FOLLOW, &st) : -ENOMEM;
	free(dir);
	if (rc < 0)
		return 0;
	const char *base = path_tail(name);
	if (done)
		return made_add(o->made, st.dev, st.ino, base) == 0;
	return made_has(o->made, st.dev, st.ino, base);
}

/* What -n says of a name it would make. */
static enum linktree_made dry_what(const struct linktree_opts *o)
{
	return o->reflink ? LINKTREE_MAYBE : LINKTREE_LINKED;
}

/*
 * Make NAME from SRC: a link, or a copy; a new name (EXPECT NULL) or in
 * place of EXPECT.  Returns 0 with *WHAT set, 1 (reported), or -errno.
 */
static int make_one(struct tree *t, const char *src, const char *name,
		    const struct hln_stat *expect, enum linktree_made *what)
{
	const struct linktree_opts *o = t->o;
	int follow = o->follow_root ? HLN_FOLLOW : 0;
	*what = LINKTREE_LINKED;
	if (o->reflink)
		return clone_path(t, src, name, expect, o->follow_root, what);
	if (expect)
		return replace_with_link(src, name, follow);
	int rc = hln_link(src, name, follow);
	/*
	 * -f and -i promise that what they report done survives a power
	 * cut, as a replaced name does (replace.c): a new name too.
	 */
	if (rc == 0 && o->replace != LINKTREE_KEEP) {
		char *dir = path_dir_dup(name);
		rc = dir ? hln_dir_sync(NULL, dir) : -ENOMEM;
		free(dir);
	}
	return rc;
}

/* NAME (stat NS) exists: already linked, refused, kept or replaced. */
static void existing_one(struct tree *t, const char *src, const char *name,
			 const struct hln_stat *ts, const struct hln_stat *ns)
{
	const struct linktree_opts *o = t->o;
	if (ts->dev == ns->dev && ts->ino == ns->ino) {
		if (o->reflink ||
		    (o->replace == LINKTREE_FORCE && same_entry(src, name)))
			fail(t, src, name, LINKTREE_SAME_FILE, 0);
		else
			o->cb->made(o->ctx, name, src, LINKTREE_ALREADY);
		return;
	}
	if (ns->type == HLN_T_DIR)
		return fail(t, src, name, LINKTREE_DEST_IS_DIR, 0);
	if (made_name(o, name, 0))
		return fail(t, src, name, LINKTREE_JUST_MADE, 0);
	if (o->replace == LINKTREE_KEEP)
		return fail(t, src, name, LINKTREE_ERRNO, -EEXIST);
	if (o->replace == LINKTREE_ASK) {
		int yes = o->cb->ask(o->ctx, name);
		if (yes < 0)
			walk_fail(&t->status);
		if (yes <= 0)
			return;
	}
	if (o->dry_run)
		return o->cb->made(o->ctx, name, src, dry_what(o));
	enum linktree_made what;
	int rc = make_one(t, src, name, ns, &what);
	if (rc < 0)
		return fail(t, src, name, LINKTREE_ERRNO, rc);
	if (rc == 0) {
		made_name(o, name, 1);
		o->cb->made(o->ctx, name, src, what);
	}
}

/* -n: what making NAME would meet, as -errno, without making it. */
static int dry_check(const char *name)
{
	char *dir = path_dir_dup(name);
	struct hln_stat st;
	int rc = dir ? hln_stat_path(dir, HLN_FOLLOW, &st) : -ENOMEM;
	free(dir);
	if (rc < 0)
		return rc;
	return st.type == HLN_T_DIR ? 0 : -ENOTDIR;
}

int linktree_one(const char *src, const char *name,
		 const struct linktree_opts *o)
{
	struct tree t = {.o = o, .dest = name};
	int follow = o->follow_root ? HLN_FOLLOW : 0;
	struct hln_stat ts, ns;
	int rc = hln_stat_path(src, follow, &ts);
	if (rc == 0 && ts.type == HLN_T_DIR)
		rc = -EISDIR;
	if (rc < 0) {
		fail(&t, src, name, LINKTREE_ERRNO, rc);
		return HLN_EXIT_FAIL;
	}
	for (int tries = 0; tries < 2; tries++) {
		rc = hln_stat_path(name, 0, &ns);
		if (rc == 0) {
			existing_one(&t, src, name, &ts, &ns);
			return walk_status_code(&t.status);
		}
		if (rc != -ENOENT)
			break;
		enum linktree_made what = dry_what(o);
		rc = o->dry_run ? dry_check(name)
				: make_one(&t, src, name, NULL, &what);
		if (rc == 0) {
			if (!o->dry_run)
				made_name(o, name, 1);
			o->cb->made(o->ctx, name, src, what);
		}
		/* made meanwhile: then it is an existing name */
		if (rc != -EEXIST)
			break;
	}
	if (rc < 0)
		fail(&t, src, name, LINKTREE_ERRNO, rc);
	return rc < 0 ? HLN_EXIT_FAIL : walk_status_code(&t.status);
}

/* ---- the tree ---- */

/*
 * Make the directory of the copy for D at PATH, in the copy of its parent
 * (or at the path itself for the root), or find it there to merge into,
 * and open it.  Returns 0 with *OUT set, or -errno.
 */
static int make_dir(const struct walk_dir *d, const char *path, uint32_t mode,
		    struct hln_dir **out)
{
	struct copydir *parent = d->parent_data;
	const char *name = path;
	if (parent)
		name = path_tail(d->path);
	int rc = parent ? hln_dir_mkdirat(parent->dd, name, mode)
			: hln_mkdir(path, mode);
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
	/*
	 * A directory is made open to its owner alone, and given its mode
	 * once filled (as cp does); in a copy made under a hidden name,
	 * whose root nobody else can enter, with its own mode (and what
	 * its owner needs to fill it), which spares that later change.
	 */
	uint32_t mode = t->shown ? (c->st.mode & 07777) | 0700 : 0700;
	int rc = make_dir(d, c->path, mode, &c->dd);
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
	/*
	 * What the directory has already (its owner, most often, and its
	 * mode where made with it) is not set again: each change is a
	 * transaction of the filesystem's journal.
	 */
	int what = HLN_META_OWNER | HLN_META_MODE | HLN_META_TIMES;
	struct hln_stat now;
	if (hln_dir_fstat(c->dd, 0, &now) == 0) {
		if (now.uid == c->st.uid && now.gid == c->st.gid)
			what &= ~HLN_META_OWNER;
		if (now.mode == c->st.mode)
			what &= ~HLN_META_MODE;
	}
	int rc = hln_dir_setmeta(c->dd, ".", &c->st, what);
	if (rc < 0)
		fail(t, NULL, c->path, LINKTREE_ERRNO, rc);
	hln_dir_close(c->dd);
	if (t->o->reflink) {
		pthread_mutex_lock(&t->dirs_lock);
		if (t->ndirs == t->capdirs) {
			size_t cap = t->capdirs ? 2 * t->capdirs : 16;
			char **v = reallocarray(t->made_dirs, cap, sizeof *v);
			if (v) {
				t->made_dirs = v;
				t->capdirs = cap;
			}
		}
		if (t->ndirs < t->capdirs) {
			t->made_dirs[t->ndirs++] = c->path;
			c->path = NULL;
		} else {
			fail(t, NULL, c->path, LINKTREE_ERRNO, -ENOMEM);
		}
		pthread_mutex_unlock(&t->dirs_lock);
	}
	free(c->path);
	free(c);
}

/*
 * Flush the directory of the copy at PATH (T's destination, then the part
 * below it): by its path, or where the path is too long for the OS, opened
 * again one component at a time (walk_reopen).  0 or -errno.
 */
static int sync_copy_dir(const struct tree *t, const char *path)
{
	int rc = hln_dir_sync(NULL, path);
	if (rc == -ENAMETOOLONG) {
		struct hln_dir *d;
		rc = walk_reopen(t->dest, path + strlen(t->dest), &d);
		if (rc == 0) {
			rc = hln_dir_sync(d, ".");
			hln_dir_close(d);
		}
	}
	return rc;
}

/*
 * From this many directories made, the copy is flushed with one flush of
 * its filesystem rather than one per directory: on Btrfs each directory's
 * flush commits its log and writes the superblocks again (a third of the
 * time of a copy of 20,000 directories), while the whole filesystem's is
 * one commit.  Below it, a smaller copy does not wait for what other
 * programs left unwritten on the same filesystem.
 */
#define FS_SYNC_DIRS 64

/*
 * -r --reflink: flush every directory of the copy, and the one holding
 * its root, so that the tree create reports made survives a power cut
 * (tests/fault/crash.sh found names missing after exit 0 on XFS).  At the
 * end rather than directory by directory: on a journaling filesystem the
 * first flush commits everything and the others cost next to nothing.
 */
static void flush_made_dirs(struct tree *t, const char *src, const char *dest)
{
	int rc = t->ndirs >= FS_SYNC_DIRS ? hln_fs_sync(t->dest) : -ENOSYS;
	/* no such flush here, or no path the OS takes: each on its own */
	int each = rc == -ENOSYS || rc == -ENAMETOOLONG;
	if (rc < 0 && !each)
		fail(t, NULL, t->dest, LINKTREE_ERRNO, rc);
	for (size_t i = 0; i < t->ndirs; i++) {
		rc = each ? sync_copy_dir(t, t->made_dirs[i]) : 0;
		if (rc < 0)
			fail(t, NULL, t->made_dirs[i], LINKTREE_ERRNO, rc);
		free(t->made_dirs[i]);
	}
	free(t->made_dirs);
	/*
	 * The copy made under a hidden name comes into view, whole; where
	 * the walk never entered the source (nothing was made), the hidden
	 * directory goes, as no DEST would have been made.
	 */
	if (t->shown && t->ndirs == 0) {
		hln_rmdir(t->dest);
		return;
	}
	int moved = t->shown ? hln_rename_dir_new(t->dest, t->shown) : 0;
	if (moved < 0) {
		t->o->cb->failed(t->o->ctx, t->dest, t->shown,
				 LINKTREE_NOT_REVEALED, moved);
		walk_fail(&t->status);
		return;
	}
	char *parent = path_dir_dup(dest);
	rc = parent ? hln_dir_sync(NULL, parent) : -ENOMEM;
	free(parent);
	if (rc < 0)
		fail(t, src, dest, LINKTREE_ERRNO, rc);
}

static int clone_entry(struct tree *t, const struct walk_entry *e,
		       struct copydir *c, const char *dp,
		       const struct hln_stat *expect, enum linktree_made *what);

/*
 * The name of E exists in the copy C already: it is a name of the same
 * file, or it is refused, kept or replaced.  TEXT is the symlink text E
 * holds, or NULL.  Returns 0 (done, reported, or declined), or -errno.
 */
static int on_existing(struct tree *t, const struct walk_entry *e,
		       struct copydir *c, const char *text, const char *dp,
		       enum linktree_made *what)
{
	const struct linktree_opts *o = t->o;
	struct hln_stat ss, ds;
	int rc = hln_dir_statat(c->dd, e->name, 0, &ds);
	if (rc < 0)
		return rc;
	if (!text && !o->reflink &&
	    hln_dir_statat(e->dir, e->name, 0, &ss) == 0 && ss.dev == ds.dev &&
	    ss.ino == ds.ino) {
		report_made(t, dp, e->path, LINKTREE_ALREADY);
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
	if (text)
		rc = replace_with_symlink(c->dd, e->name, text);
	else if (o->reflink)
		rc = clone_entry(t, e, c, dp, &ds, what);
	else
		rc = replace_with_linkat(e->dir, e->name, c->dd, e->name);
	return rc < 0 ? rc : rc == 0 ? 1 : 0;
}

/* Make the symlink E in the copy C with the same text.  0 or -errno. */
static int copy_symlink(struct tree *t, const struct walk_entry *e,
			struct copydir *c, const char *dp)
{
	char text[4096];
	enum linktree_made what;
	int rc = hln_dir_readlinkat(e->dir, e->name, text, sizeof text);
	if (rc >= 0)
		rc = hln_dir_symlinkat(c->dd, e->name, text);
	if (rc == -EEXIST) {
		rc = on_existing(t, e, c, text, dp, &what);
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

/*
 * Give the copy of a source inode, made at the path MADE, the name NAME
 * in C too (DP is its path): by the paths, or where they are too long for
 * the OS, in MADE's directory opened again (walk_reopen).  0 or -errno.
 */
static int link_copy(const struct tree *t, const char *made, struct copydir *c,
		     const char *name, const char *dp)
{
	int rc = hln_link(made, dp, 0);
	if (rc != -ENAMETOOLONG)
		return rc;
	char *rel = path_dir_dup(made + strlen(t->dest));
	struct hln_dir *d;
	rc = rel ? walk_reopen(t->dest, rel, &d) : -ENOMEM;
	free(rel);
	if (rc == 0) {
		rc = hln_dir_linkat(d, path_tail(made), c->dd, name);
		hln_dir_close(d);
	}
	return rc;
}

/*
 * -r --reflink: the copy of the open file F (stat ST) as E's name in C.
 * What the files made before showed spares this one work: no listing of
 * the extended attributes it inherited when the others in C inherited
 * none (COPY_BARE), no clone call for an empty file where cloning worked
 * (COPY_CLONES).
 */
static int clone_file(struct tree *t, const struct walk_entry *e,
		      struct copydir *c, struct hln_file *f,
		      const struct hln_stat *st, const struct hln_stat *expect,
		      enum linktree_made *what)
{
	int flags = COPY_LAZY;
	if (t->shown)
		flags |=
			COPY_UNSEEN; /* nobody sees the tree until it is done */
	if (atomic_load_explicit(&c->bare, memory_order_relaxed))
		flags |= COPY_BARE;
	if (atomic_load_explicit(&t->clone_dev, memory_order_relaxed) ==
	    st->dev)
		flags |= COPY_CLONES;
	struct copy_result r;
	int rc = copy_to_name(f, st, c->dd, e->name, t->o->when, expect, flags,
			      &r);
	*what = r.cloned ? LINKTREE_CLONED : LINKTREE_COPIED;
	if (rc == 0 && r.bare)
		atomic_store_explicit(&c->bare, 1, memory_order_relaxed);
	if (rc == 0 && r.cloned && !(flags & COPY_CLONES))
		atomic_store_explicit(&t->clone_dev, st->dev,
				      memory_order_relaxed);
	return rc;
}

/*
 * -r --reflink: E's name in C for the open file F (stat ST) with several
 * names: the first met is copied, the others are linked to that copy, so
 * they stay one file in the copy as in the source.  The copy is made
 * outside the map's lock (the other files go on meanwhile); a later name
 * of the same file waits for it, and where it failed, makes its own.
 * 0 or -errno.
 */
static int clone_linked(struct tree *t, const struct walk_entry *e,
			struct copydir *c, const char *dp, struct hln_file *f,
			const struct hln_stat *st, enum linktree_made *what)
{
	pthread_mutex_lock(&t->lock);
	struct inotab_entry *m;
	for (;;) {
		m = inotab_find(&t->map, st->dev, st->ino);
		if (!m || m->state != COPY_MAKING)
			break;
		pthread_cond_wait(&t->made, &t->lock);
	}
	int rc = 0;
	if (m && m->state == COPY_MADE) {
		const char *made = m->copy; /* freed at the end of the walk */
		pthread_mutex_unlock(&t->lock);
		*what = LINKTREE_LINKED;
		return link_copy(t, made, c, e->name, dp);
	}
	if (m) { /* it failed: this name's copy is the one */
		char *mine = strdup(dp);
		if (mine) {
			free(m->copy);
			m->copy = mine;
			m->state = COPY_MAKING;
		}
		rc = mine ? 0 : -ENOMEM;
	} else {
		rc = map_add(t, st->dev, st->ino, dp);
	}
	pthread_mutex_unlock(&t->lock);
	if (rc < 0)
		return rc;
	rc = clone_file(t, e, c, f, st, NULL, what);
	pthread_mutex_lock(&t->lock);
	inotab_find(&t->map, st->dev, st->ino)->state =
		rc == 0 ? COPY_MADE : COPY_FAILED;
	pthread_cond_broadcast(&t->made);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/*
 * -r --reflink: make the copy of the file E as its name in C (DP is its
 * path, for messages), a new name (EXPECT NULL) or in place of the one
 * with the stat EXPECT.  The source is opened in its directory and the
 * copy made in C's, so any depth works whatever the length of the paths.
 * A source inode with several names is copied once, its other names
 * linked to that copy.  Returns 0 with *WHAT set, 1 (vanished, or
 * reported), -EEXIST when the name exists in C, or -errno.
 */
static int clone_entry(struct tree *t, const struct walk_entry *e,
		       struct copydir *c, const char *dp,
		       const struct hln_stat *expect, enum linktree_made *what)
{
	struct hln_stat buf;
	const struct hln_stat *sp;
	/* d_type said a regular file: opened at once, its fstat decides. */
	enum hln_type type = e->type;
	int rc;
	if (type != HLN_T_REG) {
		if ((rc = walk_entry_stat(e, 0, &buf, &sp)) != 0)
			return rc;
		type = sp->type;
	}
	if (type == HLN_T_LNK && !expect)
		return copy_symlink(t, e, c, dp);
	if (type != HLN_T_REG) {
		fail(t, e->path, dp, LINKTREE_NOT_REGULAR, 0);
		return 1;
	}
	struct hln_file *f;
	rc = hln_file_openat(e->dir, e->name, HLN_OPEN_READ, &f);
	if (rc == -ENOENT)
		return 1; /* vanished */
	if (rc == -ELOOP && !expect)
		return copy_symlink(t, e, c, dp); /* it became a symlink */
	if (rc < 0)
		return rc;
	struct hln_stat st;
	rc = hln_file_stat(f, &st);
	if (rc == 0 && st.type == HLN_T_DIR) {
		/* It became a directory: walked as one (walk_entry_stat). */
		walk_entry_stat(e, 0, &buf, &sp);
		rc = 1;
	} else if (rc == 0 && st.type != HLN_T_REG) {
		fail(t, e->path, dp, LINKTREE_NOT_REGULAR, 0);
		rc = 1;
	} else if (rc == 0) {
		rc = st.nlink > 1 && !expect
			     ? clone_linked(t, e, c, dp, f, &st, what)
			     : clone_file(t, e, c, f, &st, expect, what);
	}
	hln_file_close(f);
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
	enum linktree_made what = LINKTREE_LINKED;
	if (o->dry_run) {
		report_made(t, dp, e->path,
			    e->type == HLN_T_LNK ? LINKTREE_LINKED
						 : dry_what(o));
		goto out;
	}
	/* rc > 0: handled (already linked, refused or declined) */
	if (e->type == HLN_T_LNK) {
		rc = copy_symlink(t, e, c, dp);
	} else {
		rc = o->reflink
			     ? clone_entry(t, e, c, dp, NULL, &what)
			     : hln_dir_linkat(e->dir, e->name, c->dd, e->name);
		if (rc == -EEXIST) {
			rc = on_existing(t, e, c, NULL, dp, &what);
			rc = rc == 0 ? 1 : rc < 0 ? rc : 0;
		}
	}
	if (rc == 0) {
		if (o->made && made_add(o->made, c->dev, c->ino, e->name) < 0)
			rc = -ENOMEM;
		walk_found(o->progress);
		report_made(t, dp, e->path, what);
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
	char *dir = path_dir_dup(dest);
	int in = dir && walk_is_within(dir, src->dev, src->ino) == 1;
	free(dir);
	return in;
}

/*
 * -r --reflink to DEST, a name that does not exist yet: the copy is made
 * in a new directory under a ".hln-" name beside it, renamed to DEST when
 * complete (flush_made_dirs), so its files can be made under their own
 * names with no temporary each (COPY_UNSEEN), and a crash leaves DEST
 * absent or whole.  Returns that directory's path (malloc'd), or NULL
 * where DEST exists or none can be made there (then the copy is made at
 * DEST itself, file by file, and any error is said for DEST as before).
 */
static char *hidden_root(const char *dest)
{
	struct hln_stat st;
	if (hln_stat_path(dest, 0, &st) != -ENOENT)
		return NULL;
	size_t size = strlen(dest) + 64;
	char *p = malloc(size);
	int rc = p ? -EEXIST : -ENOMEM;
	for (int tries = 0; tries < 8 && rc == -EEXIST; tries++) {
		rc = replace_tmpname(dest, p, size);
		if (rc == 0)
			rc = hln_mkdir(p, 0700);
	}
	if (rc < 0) {
		free(p);
		return NULL;
	}
	return p;
}

/*
 * The walker's threads for a copy of clones made in DEST: a thread a CPU,
 * not the extra ones of a walk that waits on the disk, since these block
 * on the filesystem's locks (inode allocation, the journal), not on
 * reads, and more threads only add to that contention (a third slower on
 * XFS in bench/'s create_reflink row).  On Btrfs, one: a subvolume's new
 * inodes and their directory entries all go to the right end of its one
 * b-tree, so a second thread spins on the first's locks (on 2 CPUs, one
 * thread took 6.2 s and 5.1 s of system time where two took 7.3 s and
 * 7.8 s, for 200,000 entries).
 */
static int clone_threads(const char *dest)
{
	char type[32];
	if (hln_fs_type(dest, type, sizeof type) > 0 &&
	    strcmp(type, "btrfs") == 0)
		return 1;
	return hln_ncpus();
}

int linktree_make(const char *src, const char *dest,
		  const struct linktree_opts *o)
{
	struct tree t = {.o = o, .dest = dest};
	inotab_init(&t.map);
	pthread_mutex_init(&t.lock, NULL);
	pthread_mutex_init(&t.dirs_lock, NULL);
	pthread_cond_init(&t.made, NULL);
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
	char *hidden = NULL;
	if (o->reflink && !o->dry_run && ss.type == HLN_T_DIR &&
	    (hidden = hidden_root(dest))) {
		t.dest = hidden;
		t.shown = dest;
	}
	struct walk_opts wo = {0};
	wo.follow_root = o->follow_root;
	wo.threads = o->reflink && !o->dry_run ? clone_threads(t.dest) : 0;
	wo.progress = o->progress;
	wo.progress_label = o->progress ? "links" : NULL;
	wo.progress_force = o->progress_force;
	const struct walk_ops ops = {.dir_enter = tree_dir_enter,
				     .entry = tree_entry,
				     .error = tree_error,
				     .dir_done = tree_dir_done};
	rc = walk_tree(src, &wo, &ops, &t);
	if (rc < 0)
		fail(&t, src, dest, LINKTREE_ERRNO, rc);
	if (o->reflink && !o->dry_run)
		flush_made_dirs(&t, src, dest);
	size_t pos = 0;
	for (struct inotab_entry *e; (e = inotab_next(&t.map, &pos));)
		free(e->copy);
	inotab_free(&t.map);
	free(hidden);
	pthread_mutex_destroy(&t.lock);
	pthread_mutex_destroy(&t.dirs_lock);
	pthread_cond_destroy(&t.made);
	return walk_status_code(&t.status);
}

int linktree_link(const char *src, const char *name,
		  const struct linktree_opts *o)
{
	struct hln_stat st;
	if (o->recursive &&
	    hln_stat_path(src, o->follow_root ? HLN_FOLLOW : 0, &st) == 0 &&
	    st.type == HLN_T_DIR)
		return linktree_make(src, name, o);
	return linktree_one(src, name, o);
}

/* DIR/the base name of SRC (trailing slashes ignored), malloc'd. */
static char *name_in(const char *dir, const char *src)
{
	char *base = malloc(strlen(src) + 1);
	char *name = NULL;
	if (base && path_base(base, strlen(src) + 1, src) >= 0)
		name = path_join_dup(dir, base);
	free(base);
	return name;
}

int linktree_into(char *const *srcs, int n, const char *dir,
		  const struct linktree_opts *o)
{
	struct linktree_opts mine = *o;
	struct made made;
	if (n > 1 && !o->made) {
		made_init(&made);
		mine.made = &made;
	}
	struct tree t = {.o = o};
	int status = HLN_EXIT_OK;
	for (int i = 0; i < n && !hln_signal_pending(); i++) {
		char *name = name_in(dir, srcs[i]);
		if (name)
			status |= linktree_link(srcs[i], name, &mine);
		else
			fail(&t, srcs[i], dir, LINKTREE_ERRNO, -ENOMEM);
		free(name);
	}
	if (mine.made != o->made)
		made_free(&made);
	return status | walk_status_code(&t.status);
}
