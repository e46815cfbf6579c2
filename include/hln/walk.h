/*
 * hln/walk.h - the parallel directory walker.
 *
 * Worker threads share a stack of directories.  Directories are opened
 * relative to their parent's descriptor without following symlinks, so a
 * directory swapped for a symlink mid-walk cannot lead out of the tree.
 * Symlinks are never followed.  The callbacks run concurrently on the
 * worker threads.
 */
#ifndef HLN_WALK_H
#define HLN_WALK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "hln.h"
#include "hln/platform.h"

/* The most worker threads a walk runs (walk_entry.worker is below it). */
#define WALK_MAX_THREADS 64

/*
 * A walk with the default thread count starts one worker per CPU and, while
 * the workers wait on the disk (cold caches: the CPUs idle while every
 * worker is blocked in a read or a stat), grows to at most WALK_GROW times
 * as many, so that more requests are in flight than there are CPUs.
 */
#define WALK_GROW 16

/*
 * What a walk has seen, for the progress line (hln/progress.h draws it).
 * The caller zeroes it; walks that share one add up (count -r of several
 * DIRs shows one line).
 */
struct walk_progress {
	atomic_uint_fast64_t entries; /* directory entries read */
	atomic_uint_fast64_t dirs; /* directories entered */
	atomic_uint_fast64_t found; /* what the callbacks count: walk_found */
	atomic_int counting; /* set by walk_tree while the counters are kept */
	uint64_t start_ns; /* when the first walk began (hln_now_ns) */
	/* what reads the files (dedupe), shown when READS is set */
	int reads;
	atomic_uint_fast64_t candidates; /* files that share a size */
	atomic_uint_fast64_t bytes; /* bytes read to compare them */
};

/* One more found, from any thread; P may be NULL or not counting. */
static inline void walk_found(struct walk_progress *p)
{
	if (p && atomic_load_explicit(&p->counting, memory_order_relaxed))
		atomic_fetch_add_explicit(&p->found, 1, memory_order_relaxed);
}

/*
 * The exit status a command's callbacks build up from every worker
 * thread: the HLN_EXIT_* codes ORed (DESIGN.md #4).  Zero it to start.
 */
struct walk_status {
	atomic_int code;
};

/* Note that something failed (HLN_EXIT_FAIL), from any thread. */
static inline void walk_fail(struct walk_status *s)
{
	atomic_fetch_or(&s->code, HLN_EXIT_FAIL);
}

/* The status so far: HLN_EXIT_OK, or the codes noted ORed. */
static inline int walk_status_code(const struct walk_status *s)
{
	return atomic_load(&s->code);
}

/* A directory reached by the walk. */
struct walk_dir {
	struct hln_dir *dir;
	const char *path; /* the root as given, then /name/... */
	size_t rootlen; /* path + rootlen is "" or "/rel/path" */
	const struct hln_stat *st; /* its stat (NULL if no dir_enter, -x or
				      mount check asked for one) */
	int depth; /* 0 for the root */
	void *parent_data; /* what dir_enter set for the parent directory
			      (NULL for the root); valid during dir_enter,
			      and past it for a caller that keeps it (then
			      a caller may link a tree of its own) */
	int worker; /* index of the worker thread, below WALK_MAX_THREADS */
};

/* A non-directory entry reached by the walk. */
struct walk_entry {
	struct hln_dir *dir; /* the directory holding it */
	const char *name; /* its name there */
	const char *path; /* full path, as walk_dir.path */
	size_t rootlen;
	enum hln_type type; /* HLN_T_UNKNOWN only if it vanished */
	uint64_t ino; /* d_ino, or 0 */
	const struct hln_stat
		*st; /* its stat when the walker made one, else NULL */
	void *dirdata; /* what dir_enter set for its directory */
	int worker; /* index of the worker thread, below WALK_MAX_THREADS */
	struct walk_reading *reading; /* the walker's, for walk_entry_stat */
};

struct walk_ops {
	/*
	 * A directory was opened (the root included).  Return 0 to read it,
	 * 1 to skip it, or a negative errno to report it through error() and
	 * skip it.  *DATA is passed to entry() and dir_leave().  May be NULL.
	 */
	int (*dir_enter)(void *ctx, const struct walk_dir *d, void **data);
	/*
	 * A non-directory entry.  Return 0 to go on, 1 to stop the whole walk
	 * (everything wanted was found), or a negative errno, which is
	 * reported through error() and the walk goes on.
	 */
	int (*entry)(void *ctx, const struct walk_entry *e);
	/* Every entry of a directory was passed to entry().  May be NULL. */
	void (*dir_leave)(void *ctx, const struct walk_dir *d, void *data);
	/*
	 * PATH could not be opened, read or handled: ERR is a positive errno.
	 * Called concurrently.  May be NULL.
	 */
	void (*error)(void *ctx, const char *path, int err);
	/*
	 * The directory whose dir_enter set DATA is done with: every entry
	 * of it was passed to entry(), and every subdirectory went through
	 * dir_enter (with DATA as its parent_data) or was skipped; nothing
	 * of the walk uses DATA any more.  Comes after dir_leave, from any
	 * worker thread, once for each dir_enter that returned 0.  May be
	 * NULL.
	 */
	void (*dir_done)(void *ctx, void *data);
};

struct walk_opts {
	int threads; /* worker threads, exactly; <= 0: the number of CPUs,
			growing while the walk waits on the disk (WALK_GROW);
			at most WALK_MAX_THREADS either way */
	int one_fs; /* do not enter directories of another device */
	int same_mount; /* do not enter another mount, bind mounts too */
	int skip_binds; /* do not enter a bind mount of the root's filesystem
			   (a name seen again there is no other link) */
	int follow_root; /* follow the root if it is a symlink */
	/*
	 * Counters to keep, or NULL.  With a PROGRESS_LABEL the walk shows
	 * them on stderr, the progress line, naming "found" so ("linked
	 * names"); the counters are then kept only while the line is shown.
	 * Without a label they are always kept and nothing is drawn.
	 */
	struct walk_progress *progress;
	const char *progress_label;
	int progress_force; /* > 0 show the line, < 0 never, 0 when stderr
			       is a terminal (progress_wanted) */
};

/*
 * Walk the tree at ROOT.  Returns 0 when it was walked to the end, 1 when
 * a callback stopped it, or -errno when ROOT itself could not be opened
 * (-ENOTDIR if it is not a directory).  Errors below the root go to
 * ops->error and do not stop the walk.  The progress line, when asked
 * for, is drawn from the start of the walk to its end.
 */
int walk_tree(const char *root, const struct walk_opts *o,
	      const struct walk_ops *ops, void *ctx);

/*
 * The stat of the entry E: the one the walker made, or a fresh one of
 * E->name in E->dir (symlinks not followed; FLAGS as for hln_dir_statat)
 * made in *BUF.  The stat decides what the entry is: one that is a
 * directory now (swapped in since the directory was read) is no file to
 * count or link, and the walk goes into it as into any directory.  Call
 * it only from entry(), for the entry passed.  Returns 0 with *ST set, 1
 * if the entry vanished or became a directory since it was read (nothing
 * to do or report for it here), or -errno.
 */
int walk_entry_stat(const struct walk_entry *e, int flags, struct hln_stat *buf,
		    const struct hln_stat **st);

/*
 * Open again, after a walk, the directory REL under the directory ROOT
 * (REL as a walk_dir's path past its rootlen: "" for ROOT itself, or
 * "/a/b"): ROOT as the walk opened it (a symlink not followed), then one
 * component at a time relative to the last (hln_dir_openat: no symlink
 * followed), so that a directory swapped for a symlink since cannot lead
 * elsewhere, and any depth works whatever the length of the path.
 * Returns 0 with *OUT set, or -errno (-ENOENT, -ENOTDIR, -ELOOP ...).
 */
int walk_reopen(const char *root, const char *rel, struct hln_dir **out);

/*
 * Where the part of PATH past ROOT starts, when PATH is a path of the walk
 * of ROOT (ROOT less one trailing '/', then a '/', as walk_dir.path and
 * walk_entry.path are built).  Returns that offset, or -1 when PATH is not
 * under ROOT.
 */
long walk_path_rel(const char *root, const char *path);

/*
 * The directory of the last name found by a walk that was reached again
 * after it (walk_parent_open), kept open for the names after it.  Starts
 * zeroed; walk_parent_close frees it.
 */
struct walk_parent {
	const char *root; /* the walk's root as given, NULL before the first */
	char *rel; /* the directory's path past the root */
	struct hln_dir *dir; /* it, open */
};

/*
 * Open the directory holding PATH, a path found by the walk of ROOT, as
 * walk_reopen does (so that no path length limit applies), unless P holds
 * it open from the last call; *NAME is set to PATH's last component, the
 * name to use in P->dir.
 * Returns 0 with P->dir open, or -errno (then P holds nothing): -EINVAL
 * when PATH is not under ROOT, or what walk_reopen said.
 */
int walk_parent_open(struct walk_parent *p, const char *root, const char *path,
		     const char **name);

/* Close and free what P holds; P may be used again. */
void walk_parent_close(struct walk_parent *p);

/*
 * Whether the file with identity (DEV, INO) is PATH or one of PATH's
 * ancestor directories (found by following "..").  Returns 1, 0, or
 * -errno if PATH cannot be examined.
 */
int walk_is_within(const char *path, uint64_t dev, uint64_t ino);

#endif
