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

#include <stddef.h>
#include <stdint.h>

#include "hln/platform.h"

struct progress;

/* A directory reached by the walk. */
struct walk_dir {
	struct hln_dir *dir;
	const char *path; /* the root as given, then /name/... */
	size_t rootlen; /* path + rootlen is "" or "/rel/path" */
	const struct hln_stat *st; /* its stat (NULL if no dir_enter, -x or
				      mount check asked for one) */
	int depth; /* 0 for the root */
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
	int worker; /* index of the worker thread, 0..threads-1 */
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
};

struct walk_opts {
	int threads; /* worker threads; <= 0: the number of CPUs */
	int one_fs; /* do not enter directories of another device */
	int same_mount; /* do not enter another mount, bind mounts too */
	int skip_binds; /* do not enter a bind mount of the root's filesystem
			   (a name seen again there is no other link) */
	int follow_root; /* follow the root if it is a symlink */
	struct progress *progress; /* counters to update, or NULL */
};

/*
 * Walk the tree at ROOT.  Returns 0 when it was walked to the end, 1 when
 * a callback stopped it, or -errno when ROOT itself could not be opened
 * (-ENOTDIR if it is not a directory).  Errors below the root go to
 * ops->error and do not stop the walk.
 */
int walk_tree(const char *root, const struct walk_opts *o,
	      const struct walk_ops *ops, void *ctx);

/*
 * The stat of the entry E: the one the walker made, or a fresh one of
 * E->name in E->dir (symlinks not followed; FLAGS as for hln_dir_statat)
 * made in *BUF.  Returns 0 with *ST set, 1 if the entry vanished since it
 * was read (nothing to report), or -errno.
 */
int walk_entry_stat(const struct walk_entry *e, int flags, struct hln_stat *buf,
		    const struct hln_stat **st);

/*
 * Whether the file with identity (DEV, INO) is PATH or one of PATH's
 * ancestor directories (found by following "..").  Returns 1, 0, or
 * -errno if PATH cannot be examined.
 */
int walk_is_within(const char *path, uint64_t dev, uint64_t ino);

#endif
