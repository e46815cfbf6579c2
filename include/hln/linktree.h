/*
 * hln/linktree.h - names made as links of files, one (create) or a tree
 * replicated (create -r, cp -al); or, with reflink, as copy-on-write
 * copies (create --reflink, cp --reflink).  A tree:
 * directories made with the source's mode, owner (when permitted) and
 * times, non-directories hard-linked, symbolic links recreated with the
 * same text.  The work is done relative to open directories, so any depth
 * the filesystem holds works, whatever the length of the paths.  The
 * engine prints nothing: what it made and what failed go to callbacks.
 *
 * Also the names a run has made ("made" below): ln and cp never replace
 * a name they made earlier in the same run by a later operand.
 */
#ifndef HLN_LINKTREE_H
#define HLN_LINKTREE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "hln/copy.h"
#include "hln/walk.h"

/* ---- the names made by a run ---- */

struct made_entry;

/* A set of (directory dev, directory ino, name); thread-safe. */
struct made {
	pthread_mutex_t lock;
	struct made_entry *slots;
	size_t cap, count;
};

/* An empty set (no memory taken until the first add). */
void made_init(struct made *m);

/*
 * Note that NAME was made in the directory (DEV, INO).
 * Returns 0, or -ENOMEM.
 */
int made_add(struct made *m, uint64_t dev, uint64_t ino, const char *name);

/* Whether NAME in the directory (DEV, INO) was noted: 1 or 0. */
int made_has(struct made *m, uint64_t dev, uint64_t ino, const char *name);

/* Free the set's memory. */
void made_free(struct made *m);

/* ---- the tree ---- */

/* What to do with a name that exists in the destination already. */
enum linktree_replace {
	LINKTREE_KEEP, /* an error for that name (EEXIST) */
	LINKTREE_FORCE, /* replace it atomically */
	LINKTREE_ASK /* ask the callback */
};

/* Why making a name failed, for failed(). */
enum linktree_fail {
	LINKTREE_ERRNO, /* ERR says why */
	LINKTREE_DEST_IS_DIR, /* a non-directory would replace a directory */
	LINKTREE_JUST_MADE, /* the name was made earlier in this run */
	LINKTREE_INTO_ITSELF, /* DEST is inside SRC */
	LINKTREE_SAME_FILE, /* -f a a, or a clone of a name of itself */
	LINKTREE_NOT_REGULAR, /* reflink: SRC is no regular file to copy */
	LINKTREE_NOT_REVEALED /* reflink -r: the copy, complete under the
				 hidden name SRC, could not be renamed to
				 DEST (ERR says why); it is left there */
};

/* What became of a name, for made(). */
enum linktree_made {
	LINKTREE_LINKED, /* made (or, with dry_run, would be) */
	LINKTREE_ALREADY, /* it was a name of the same file already */
	LINKTREE_CLONED, /* reflink: a copy sharing SRC's blocks */
	LINKTREE_COPIED, /* reflink: a copy of SRC's bytes (auto) */
	LINKTREE_MAYBE /* reflink with dry_run: cloned, or with auto copied */
};

struct linktree_cb {
	/* DEST was made as a link of SRC (called concurrently). */
	void (*made)(void *ctx, const char *dest, const char *src,
		     enum linktree_made what);
	/*
	 * Making DEST from SRC failed (called concurrently).  SRC is NULL
	 * when DEST is a directory of the copy (mkdir, open, metadata); ERR
	 * is a negative errno for LINKTREE_ERRNO.
	 */
	void (*failed)(void *ctx, const char *src, const char *dest,
		       enum linktree_fail why, int err);
	/*
	 * LINKTREE_ASK: whether to replace the existing DEST.  Returns 1 to
	 * replace it, 0 to keep it, or -1 when no answer could be had (the
	 * callback said why; that name counts as failed).
	 */
	int (*ask)(void *ctx, const char *dest);
};

struct linktree_opts {
	enum linktree_replace replace;
	int follow_root; /* -L: a symlink SRC is what it points to */
	int reflink; /* make copy-on-write copies instead of links */
	enum copy_reflink when; /* with reflink: ALWAYS or AUTO */
	int dry_run; /* made() for every non-directory, nothing changed */
	int recursive; /* linktree_link: a directory SRC is a tree to copy */
	struct made *made; /* names made so far, to note and never replace;
			      or NULL */
	struct walk_progress *progress; /* as walk_opts */
	int progress_force;
	const struct linktree_cb *cb;
	void *ctx;
};

/*
 * Replicate the tree SRC at DEST, made if missing; existing directories
 * there are merged into.  Every failure goes to o->cb->failed and the
 * rest goes on.  Stops between entries when hln_signal_pending().
 * Returns HLN_EXIT_OK, or HLN_EXIT_FAIL when anything failed (SRC itself
 * included: it does not exist, is not a directory, or DEST is inside it).
 */
int linktree_make(const char *src, const char *dest,
		  const struct linktree_opts *o);

/*
 * Make NAME (exactly that name) a link of the file SRC, or with o->reflink
 * a copy-on-write copy (a symlink SRC, without follow_root, is recreated
 * with its text): a new name, or with LINKTREE_FORCE (or ASK and a yes) a
 * replacement made atomically.  A directory SRC is refused (-EISDIR).
 * Reports through o->cb as linktree_make does.
 * Returns HLN_EXIT_OK, or HLN_EXIT_FAIL (reported).
 */
int linktree_one(const char *src, const char *name,
		 const struct linktree_opts *o);

/*
 * Make NAME from SRC: with o->recursive and a directory SRC (a symlink to
 * one with follow_root) the tree, as linktree_make; else as linktree_one.
 * Returns HLN_EXIT_OK, or HLN_EXIT_FAIL (reported).
 */
int linktree_link(const char *src, const char *name,
		  const struct linktree_opts *o);

/*
 * Make DIR/B for each of the N SRCS, B its base name (trailing slashes
 * ignored), as linktree_link does.  With more than one, the names made
 * are noted (o->made, or a set of the call's own) so that none is
 * replaced by a later SRC.  Stops between SRCS when hln_signal_pending().
 * Returns HLN_EXIT_OK, or HLN_EXIT_FAIL (reported).
 */
int linktree_into(char *const *srcs, int n, const char *dir,
		  const struct linktree_opts *o);

#endif
