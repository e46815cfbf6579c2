/*
 * walk.c - the parallel directory walker; see hln/walk.h.
 *
 * Workers share a LIFO stack of directories still to read.  A directory
 * that has been read stays open (a "node") while any of its
 * subdirectories waits on the stack, because a subdirectory is opened
 * relative to its parent's descriptor (openat O_NOFOLLOW|O_DIRECTORY):
 * a directory swapped for a symlink mid-walk then fails to open instead
 * of leading elsewhere.  LIFO order keeps few nodes open (about the depth
 * of the tree per worker) and the page cache warm.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hln/failpoint.h"
#include "hln/path.h"
#include "hln/progress.h"
#include "hln/walk.h"

struct node {
	struct hln_dir *dir;
	void *data; /* what dir_enter set, for the kids and dir_done */
	atomic_int refs;
};

struct job {
	struct job *next;
	struct node *parent; /* NULL for the root */
	struct hln_dir *opened; /* the root, opened by walk_tree */
	size_t nameoff; /* where the last component starts in path */
	int depth;
	char path[];
};

struct walker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *stack;
	size_t outstanding; /* jobs on the stack or being worked on */
	/* for the monitor, read without the lock */
	atomic_size_t queued; /* jobs on the stack */
	atomic_int busy; /* workers reading a directory */
	atomic_int stop;
	const struct walk_opts *o;
	const struct walk_ops *ops;
	void *ctx;
	struct hln_stat root;
	size_t rootlen;
	int mnt; /* HLN_WANT_MNT when mounts are compared, else 0 */
	int check_mounts; /* each directory's stat is needed for may_enter */
	struct walk_progress *prog; /* counters to keep, or NULL */
};

/*
 * Drop one reference to N: the directory's own, or a kid's (held until
 * the kid has been through dir_enter).  The last one closes it and hands
 * its data to dir_done.
 */
static void node_release(struct walker *w, struct node *n)
{
	if (n && atomic_fetch_sub(&n->refs, 1) == 1) {
		hln_dir_close(n->dir);
		if (w->ops->dir_done)
			w->ops->dir_done(w->ctx, n->data);
		free(n);
	}
}

static void report(struct walker *w, const char *path, int rc)
{
	if (w->ops->error)
		w->ops->error(w->ctx, path, -rc);
}

static struct job *job_new(struct node *parent, const char *dir, size_t dirlen,
			   const char *name, int depth)
{
	size_t nlen = strlen(name);
	int slash = dirlen > 0 && dir[dirlen - 1] != '/';
	struct job *j = malloc(sizeof *j + dirlen + (size_t)slash + nlen + 1);
	if (!j)
		return NULL;
	memcpy(j->path, dir, dirlen);
	if (slash)
		j->path[dirlen] = '/';
	memcpy(j->path + dirlen + slash, name, nlen + 1);
	j->nameoff = dirlen + (size_t)slash;
	j->parent = parent;
	j->opened = NULL;
	j->depth = depth;
	j->next = NULL;
	return j;
}

/* Whether a directory with stat ST is one the walk may enter. */
static int may_enter(const struct walker *w, const struct hln_stat *st)
{
	if (w->o->one_fs && st->dev != w->root.dev)
		return 0;
	/*
	 * A mount id tells bind mounts of the same filesystem apart; without
	 * one, the device is all there is.  (Btrfs subvolumes have devices
	 * of their own but share the mount: they are entered.)
	 */
	if (w->o->same_mount) {
		if (st->mnt_id && w->root.mnt_id)
			return st->mnt_id == w->root.mnt_id;
		return st->dev == w->root.dev;
	}
	if (w->o->skip_binds && st->dev == w->root.dev && st->mnt_id &&
	    w->root.mnt_id && st->mnt_id != w->root.mnt_id)
		return 0;
	return 1;
}

/* Per-worker state: a buffer for entry paths. */
struct worker {
	struct walker *w;
	int index;
	char *buf;
	size_t cap;
};

static const char *entry_path(struct worker *k, const struct job *j,
			      const char *name)
{
	size_t dlen = strlen(j->path), nlen = strlen(name);
	int slash = dlen > 0 && j->path[dlen - 1] != '/';
	size_t need = dlen + (size_t)slash + nlen + 1;
	if (need > k->cap) {
		char *b = realloc(k->buf, need * 2);
		if (!b)
			return NULL;
		k->buf = b;
		k->cap = need * 2;
	}
	memcpy(k->buf, j->path, dlen);
	if (slash)
		k->buf[dlen] = '/';
	memcpy(k->buf + dlen + slash, name, nlen + 1);
	return k->buf;
}

/*
 * Open the directory of job J, relative to its parent's descriptor (kept
 * until dir_enter has seen the parent's data).  Returns 0 with *D set, or
 * -errno (reported, unless the directory vanished since it was read).
 */
static int open_job(struct walker *w, struct job *j, struct hln_dir **d)
{
	int rc = 0;
	if (j->opened)
		*d = j->opened;
	else
		rc = hln_dir_openat(j->parent->dir, j->path + j->nameoff, d);
	if (rc < 0 && rc != -ENOENT)
		report(w, j->path, rc);
	return rc;
}

/* What reading one directory needs, from entry to entry. */
struct walk_reading {
	struct worker *k;
	struct job *j;
	struct node *node; /* the directory, open while its kids wait */
	struct walk_dir wd;
	void *data; /* what dir_enter set */
	struct job *kids, *last; /* its subdirectories, in order */
	size_t nkids;
	size_t plen; /* strlen(j->path) */
};

/*
 * Stat the directory R->wd.dir when anyone needs it into *ST, see whether
 * the walk may enter it, and ask dir_enter.  Returns 0 to read it, or 1
 * to skip it (errors reported).
 */
static int enter_dir(struct walker *w, struct walk_reading *r,
		     struct hln_stat *st)
{
	struct job *j = r->j;
	int need_st = w->check_mounts || w->ops->dir_enter;
	int rc = need_st ? hln_dir_fstat(r->wd.dir, w->mnt, st) : 0;
	if (rc < 0) {
		report(w, j->path, rc);
		return 1;
	}
	if (j->depth > 0 && need_st && !may_enter(w, st))
		return 1;
	r->wd.st = need_st ? st : NULL;
	if (w->ops->dir_enter) {
		rc = w->ops->dir_enter(w->ctx, &r->wd, &r->data);
		if (rc < 0)
			report(w, j->path, rc);
		if (rc != 0)
			return 1;
	}
	if (w->prog)
		atomic_fetch_add(&w->prog->dirs, 1);
	HLN_HOOK("walk_dir");
	return 0;
}

/* Queue the subdirectory NAME of the directory being read. */
static void add_kid(struct walker *w, struct walk_reading *r, const char *name)
{
	struct job *c =
		job_new(r->node, r->j->path, r->plen, name, r->j->depth + 1);
	if (!c) {
		report(w, r->j->path, -ENOMEM);
		return;
	}
	atomic_fetch_add(&r->node->refs, 1);
	if (!r->kids)
		r->kids = c;
	else
		r->last->next = c;
	r->last = c;
	r->nkids++;
}

/* Pass the non-directory entry DE (stat STP, or NULL) to entry(). */
static void visit_entry(struct walker *w, struct walk_reading *r,
			const struct hln_dirent *de, enum hln_type type,
			const struct hln_stat *stp)
{
	const char *path = entry_path(r->k, r->j, de->name);
	if (!path) {
		report(w, r->j->path, -ENOMEM);
		return;
	}
	struct walk_entry e = {
		.dir = r->wd.dir,
		.name = de->name,
		.path = path,
		.rootlen = w->rootlen,
		.type = type,
		.ino = de->ino,
		.st = stp,
		.dirdata = r->data,
		.worker = r->k->index,
		.reading = r,
	};
	int rc = w->ops->entry(w->ctx, &e);
	if (rc > 0)
		atomic_store(&w->stop, 1);
	else if (rc < 0)
		report(w, path, rc);
}

/*
 * One entry DE of the directory being read: decide what it is (the
 * getdents type, or a stat where the filesystem gives none), then queue a
 * directory or pass anything else to entry().
 */
static void read_entry(struct walker *w, struct walk_reading *r,
		       const struct hln_dirent *de)
{
	struct hln_stat est;
	const struct hln_stat *stp = NULL;
	enum hln_type type = de->type;
	if (w->prog)
		atomic_fetch_add_explicit(&w->prog->entries, 1,
					  memory_order_relaxed);
	if (type == HLN_T_UNKNOWN) {
		int rc = hln_dir_statat(r->wd.dir, de->name, w->mnt, &est);
		if (rc < 0) {
			if (rc != -ENOENT)
				report(w, entry_path(r->k, r->j, de->name), rc);
			return;
		}
		type = est.type;
		stp = &est;
	}
	if (type == HLN_T_DIR)
		add_kid(w, r, de->name);
	else if (w->ops->entry)
		visit_entry(w, r, de, type, stp);
}

/* Put the subdirectories R found on the shared stack, in their order. */
static void push_kids(struct walker *w, struct walk_reading *r)
{
	if (!r->kids)
		return;
	pthread_mutex_lock(&w->lock);
	r->last->next = w->stack;
	w->stack = r->kids;
	w->outstanding += r->nkids;
	atomic_fetch_add_explicit(&w->queued, r->nkids, memory_order_relaxed);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Read the directory of job J: its entries to entry(), its subdirectories
 * to the stack. */
static void read_job(struct worker *k, struct job *j)
{
	struct walker *w = k->w;
	struct hln_dir *d;
	struct node *parent = j->parent;
	int orc = open_job(w, j, &d);
	j->parent = NULL;
	if (orc < 0) {
		node_release(w, parent);
		return;
	}
	struct walk_reading r = {.k = k, .j = j, .plen = strlen(j->path)};
	r.wd = (struct walk_dir){.dir = d,
				 .path = j->path,
				 .rootlen = w->rootlen,
				 .depth = j->depth,
				 .parent_data = parent ? parent->data : NULL,
				 .worker = k->index};
	struct hln_stat st;
	r.node = malloc(sizeof *r.node);
	int rc = r.node ? enter_dir(w, &r, &st) : -ENOMEM;
	node_release(w, parent);
	if (rc != 0) {
		if (rc < 0)
			report(w, j->path, rc);
		free(r.node);
		hln_dir_close(d);
		return;
	}
	r.node->dir = d;
	r.node->data = r.data;
	atomic_init(&r.node->refs, 1);

	struct hln_dirent de;
	int more = 0;
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed) &&
	       (more = hln_dir_next(d, &de)) > 0)
		read_entry(w, &r, &de);
	/* ENOENT: the directory was removed while it was read. */
	if (more < 0 && more != -ENOENT)
		report(w, j->path, more);
	if (w->ops->dir_leave)
		w->ops->dir_leave(w->ctx, &r.wd, r.data);
	node_release(w, r.node);
	push_kids(w, &r);
}

static void *worker_main(void *arg)
{
	struct worker *k = arg;
	struct walker *w = k->w;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->stack && w->outstanding > 0)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->stack) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		struct job *j = w->stack;
		w->stack = j->next;
		atomic_fetch_sub_explicit(&w->queued, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&w->busy, 1, memory_order_relaxed);
		pthread_mutex_unlock(&w->lock);

		if (atomic_load(&w->stop))
			node_release(w, j->parent);
		else
			read_job(k, j);
		free(j);

		pthread_mutex_lock(&w->lock);
		atomic_fetch_sub_explicit(&w->busy, 1, memory_order_relaxed);
		if (--w->outstanding == 0)
			pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

/*
 * The workers of a walk.  Worker 0 is the thread that called walk_tree;
 * the others are started at once, and, when the walk may grow, by the
 * monitor while the walk waits on the disk.
 */
struct crew {
	struct walker *w;
	struct worker ks[WALK_MAX_THREADS];
	pthread_t tids[WALK_MAX_THREADS];
	int started; /* workers running or run: ks[0..started-1] */
	int cpus; /* what the walk keeps busy */
	int max; /* the most it grows to; == started: no growth */
	/* the monitor */
	pthread_t monitor;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
};

static int crew_start(struct crew *c, int n)
{
	for (; c->started < n; c->started++) {
		int i = c->started;
		c->ks[i].w = c->w;
		c->ks[i].index = i;
		if (i > 0 && pthread_create(&c->tids[i], NULL, worker_main,
					    &c->ks[i]) != 0)
			return -EAGAIN;
	}
	return 0;
}

/*
 * Whether the walk waits on the disk: in the time DT, from usage A to B,
 * every worker had a directory to read and more were waiting, yet the
 * process used less than half of the CPU time those workers could have,
 * and its threads blocked, at least once a worker, more often than they
 * were preempted (they waited on reads and stats; a machine busy with
 * other work preempts them instead, and more threads would not help).
 * The monitor's own wait of each tick is not counted.  Where the system
 * counts no switches (Windows), the CPU time decides alone.
 */
static int walk_waits(struct crew *c, uint64_t dt, const struct hln_usage *a,
		      const struct hln_usage *b)
{
	struct walker *w = c->w;
	size_t queued = atomic_load_explicit(&w->queued, memory_order_relaxed);
	int busy = atomic_load_explicit(&w->busy, memory_order_relaxed);
	if (queued == 0 || busy < c->started)
		return 0;
	int could = busy < c->cpus ? busy : c->cpus;
	if ((b->cpu_ns - a->cpu_ns) * 2 >= dt * (uint64_t)could)
		return 0;
	if (!b->switches)
		return 1;
	uint64_t waits = b->waits - a->waits;
	waits = waits > 0 ? waits - 1 : 0;
	return waits >= (uint64_t)could && waits > b->preempted - a->preempted;
}

#define MONITOR_TICK_MS 2

/*
 * The monitor: every MONITOR_TICK_MS, more workers (as many as the CPUs
 * again, up to C->max) when the walk waits on the disk, so that more
 * directory reads and stats are in flight than there are CPUs; when the
 * data is in the page cache the CPUs are busy and nothing is added.
 */
static void *monitor_main(void *arg)
{
	struct crew *c = arg;
	uint64_t t0 = hln_now_ns();
	struct hln_usage u0, u1;
	if (hln_usage(&u0) < 0)
		return NULL; /* no way to tell: the walk keeps its workers */
	pthread_mutex_lock(&c->lock);
	while (!c->done && c->started < c->max) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += MONITOR_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
		if (c->done)
			break;
		uint64_t t1 = hln_now_ns();
		if (hln_usage(&u1) < 0)
			break;
		if (walk_waits(c, t1 - t0, &u0, &u1)) {
			int n = c->started + c->cpus;
			if (crew_start(c, n < c->max ? n : c->max) < 0)
				break;
		}
		t0 = t1;
		u0 = u1;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/*
 * Run N workers (this thread one of them) until the stack is empty; with
 * GROW, more up to WALK_MAX_THREADS while the walk waits on the disk.
 */
static int run_workers(struct walker *w, int n, int grow)
{
	struct crew *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->w = w;
	c->cpus = n;
	c->max = grow ? grow : n;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	crew_start(c, n); /* fewer when threads run out: still a walk */
	int monitored = c->max > c->started &&
			pthread_create(&c->monitor, NULL, monitor_main, c) == 0;
	worker_main(&c->ks[0]);
	if (monitored) {
		pthread_mutex_lock(&c->lock);
		c->done = 1;
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->monitor, NULL);
	}
	for (int i = 1; i < c->started; i++)
		pthread_join(c->tids[i], NULL);
	for (int i = 0; i < c->started; i++)
		free(c->ks[i].buf);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
	return 0;
}

/*
 * Start the progress line of walk W when its options ask for one, and
 * decide whether its counters are kept.  Returns 1 if the line is shown.
 */
static int progress_start(struct walker *w, struct progress *line)
{
	const struct walk_opts *o = w->o;
	struct walk_progress *p = o->progress;
	int shown = 0;
	if (!p)
		return 0;
	if (o->progress_label) {
		shown = progress_begin(line, p,
				       progress_wanted(o->progress_force),
				       o->progress_label);
		atomic_store(&p->counting, shown);
	} else {
		atomic_store(&p->counting, 1);
	}
	w->prog = atomic_load(&p->counting) ? p : NULL;
	return shown;
}

int walk_tree(const char *root, const struct walk_opts *o,
	      const struct walk_ops *ops, void *ctx)
{
	struct walker w;
	memset(&w, 0, sizeof w);
	w.o = o;
	w.ops = ops;
	w.ctx = ctx;
	w.mnt = o->same_mount || o->skip_binds ? HLN_WANT_MNT : 0;
	int follow = o->follow_root ? HLN_FOLLOW : 0;
	int rc = hln_stat_path(root, follow | w.mnt, &w.root);
	if (rc < 0)
		return rc;
	if (w.root.type != HLN_T_DIR)
		return -ENOTDIR;
	size_t len = strlen(root);
	w.rootlen = len > 0 && root[len - 1] == '/' ? len - 1 : len;
	/*
	 * A stat of every directory, only to find the mounts to keep out of,
	 * is saved when nothing is mounted below the root.  Not with one_fs:
	 * Btrfs subvolumes have devices of their own without being mounts.
	 */
	w.check_mounts = o->one_fs || o->same_mount || o->skip_binds;
	if (w.check_mounts && !o->one_fs && hln_mounts_below(root) == 0)
		w.check_mounts = 0;

	/* The root is opened here, so that its failure is the caller's. */
	struct hln_dir *rd;
	rc = hln_dir_open(root, follow, &rd);
	if (rc < 0)
		return rc;
	struct job *j = job_new(NULL, "", 0, root, 0);
	if (!j) {
		hln_dir_close(rd);
		return -ENOMEM;
	}
	j->opened = rd;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	w.stack = j;
	w.outstanding = 1;
	atomic_store(&w.queued, 1);

	int n = o->threads > 0 ? o->threads : hln_ncpus();
	if (n > WALK_MAX_THREADS)
		n = WALK_MAX_THREADS;
	/* by default, more while the walk waits on the disk */
	int grow = o->threads > 0 ? 0 : n * WALK_GROW;
	if (grow > WALK_MAX_THREADS)
		grow = WALK_MAX_THREADS;
	struct progress line;
	int shown = progress_start(&w, &line);
	rc = run_workers(&w, n, grow);
	if (shown)
		progress_end(&line);
	if (rc < 0) {
		hln_dir_close(rd);
		free(j);
	}
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	if (rc < 0)
		return rc;
	return atomic_load(&w.stop) ? 1 : 0;
}

int walk_entry_stat(const struct walk_entry *e, int flags, struct hln_stat *buf,
		    const struct hln_stat **st)
{
	if (e->st) {
		*st = e->st;
		return 0;
	}
	HLN_HOOK("walk_entry_stat");
	int rc = hln_dir_statat(e->dir, e->name, flags, buf);
	if (rc < 0)
		return rc == -ENOENT ? 1 : rc;
	if (buf->type == HLN_T_DIR) {
		/* Not a file any more: walked as the directory it now is. */
		struct walk_reading *r = e->reading;
		if (r)
			add_kid(r->k->w, r, e->name);
		return 1;
	}
	*st = buf;
	return 0;
}

int walk_is_within(const char *path, uint64_t dev, uint64_t ino)
{
	struct hln_stat st;
	int rc = hln_stat_path(path, HLN_FOLLOW, &st);
	if (rc < 0)
		return rc;
	if (st.dev == dev && st.ino == ino)
		return 1;
	size_t len = strlen(path), size = len + 4 + 3 * 4096;
	/* Start from the directory: PATH itself, or its parent. */
	char *p = malloc(size);
	if (!p)
		return -ENOMEM;
	memcpy(p, path, len + 1);
	if (st.type != HLN_T_DIR)
		len = (size_t)path_dir(p, size, path); /* it fits: no longer */
	struct hln_stat cur;
	rc = hln_stat_path(p, HLN_FOLLOW, &cur);
	for (int depth = 0; rc == 0 && depth < 4096; depth++) {
		if (cur.dev == dev && cur.ino == ino) {
			free(p);
			return 1;
		}
		memcpy(p + len, "/..", 4);
		len += 3;
		struct hln_stat up;
		rc = hln_stat_path(p, HLN_FOLLOW, &up);
		if (rc == 0 && up.dev == cur.dev && up.ino == cur.ino)
			break; /* "/": its own parent */
		cur = up;
	}
	free(p);
	return rc < 0 ? rc : 0;
}

int walk_reopen(const char *root, const char *rel, struct hln_dir **out)
{
	char *copy = strdup(rel);
	if (!copy)
		return -ENOMEM;
	struct hln_dir *d;
	int rc = hln_dir_open(root, 0, &d);
	/* One component at a time, each relative to the last. */
	for (char *p = copy, *next; rc == 0 && *p; p = next) {
		next = p + strcspn(p, "/");
		if (*next)
			*next++ = '\0';
		if (!*p)
			continue; /* "a//b", a leading or trailing slash */
		struct hln_dir *sub;
		rc = hln_dir_openat(d, p, &sub);
		hln_dir_close(d);
		d = rc == 0 ? sub : NULL;
	}
	free(copy);
	if (rc == 0)
		*out = d;
	return rc;
}

long walk_path_rel(const char *root, const char *path)
{
	size_t len = strlen(root);
	if (len > 0 && root[len - 1] == '/')
		len--; /* the walk's paths have it once */
	if (strncmp(path, root, len) != 0 || path[len] != '/')
		return -1;
	return (long)len;
}

void walk_parent_close(struct walk_parent *p)
{
	hln_dir_close(p->dir);
	free(p->rel);
	memset(p, 0, sizeof *p);
}

int walk_parent_open(struct walk_parent *p, const char *root, const char *path,
		     const char **name)
{
	long off = walk_path_rel(root, path);
	if (off < 0) {
		walk_parent_close(p);
		return -EINVAL;
	}
	const char *rel = path + off; /* "/name" or "/dir/.../name" */
	*name = path_tail(rel);
	size_t dlen = (size_t)(*name - rel) - 1;
	if (p->root == root && strlen(p->rel) == dlen &&
	    memcmp(p->rel, rel, dlen) == 0)
		return 0;
	walk_parent_close(p);
	if (!(p->rel = malloc(dlen + 1))) /* no strndup on Windows */
		return -ENOMEM;
	memcpy(p->rel, rel, dlen);
	p->rel[dlen] = '\0';
	int rc = walk_reopen(root, p->rel, &p->dir);
	if (rc < 0) {
		walk_parent_close(p);
		return rc;
	}
	p->root = root;
	return 0;
}
