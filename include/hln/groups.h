/*
 * hln/groups.h - names grouped by file identity (dev, ino) in one or more
 * trees: collected by the walker's worker threads, merged, sorted.  The one
 * implementation behind `list DIR`, `break -r` and `dedupe`.
 *
 * Names are stored compactly: every directory once (its name and its
 * parent), every file name relative to its directory, so that memory grows
 * with the names kept, not with the length of their paths.  Full paths are
 * built one at a time, when asked for (groups_path).
 *
 * Use: groups_new; groups_walk for each tree (or groups_dir_enter and
 * groups_add from walk callbacks of one's own); groups_sort; then read the
 * groups in order with groups_at and groups_path; groups_free.
 */
#ifndef HLN_GROUPS_H
#define HLN_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "hln/platform.h"
#include "hln/walk.h"

struct groups;
struct gdir; /* a directory as groups_dir_enter recorded it */

/*
 * One name of a file, as groups collects them and dedupe its own (by
 * size): the file's identity from its stat, its directory and its name.
 */
struct groups_rec {
	uint64_t dev, ino, size;
	const struct gdir *dir; /* NULL: an operand (dedupe's), as given */
	const char *name; /* in the arena, or the operand itself */
	uint32_t nlink; /* at most UINT32_MAX: only compared */
	uint32_t op; /* dedupe's: the operand it was found under */
};

/* Records of one worker: V holds N of them, with room for CAP. */
struct groups_recs {
	struct groups_rec *v;
	size_t n, cap;
};

/* What groups_new keeps. */
enum groups_flags {
	/*
	 * Every file, one link or more (dedupe).  Without it only files with
	 * two or more links are kept (list DIR, break -r): the others can
	 * never be in a group.
	 */
	GROUPS_ALL = 1,
};

/* A group: one file and the names of it that were collected. */
struct name_group {
	uint64_t dev, ino;
	uint64_t nlink; /* its link count (the largest seen) */
	uint64_t size; /* its size in bytes */
	size_t names; /* names of it collected (duplicates removed) */
	size_t first; /* where its names start (read them with groups_path) */
};

/*
 * An empty collection keeping what FLAGS (enum groups_flags, ORed) says.
 * Returns it, or NULL when out of memory.
 */
struct groups *groups_new(int flags);

/* Free G and everything it holds.  G may be NULL. */
void groups_free(struct groups *g);

/* ---- collecting ---- */

/* What groups_walk's FILTER returns for one entry. */
enum groups_verdict {
	GROUPS_KEEP = 0, /* add the name */
	GROUPS_SKIP = 1, /* leave it out */
	GROUPS_STOP = 2, /* leave it out and stop the walk */
};

struct groups_walk {
	/*
	 * Asked about every non-directory entry that groups would keep
	 * (after its stat ST; never for a directory, a file of another mount
	 * than the root's, or, without GROUPS_ALL, one with a single link).
	 * Returns an enum groups_verdict, or a negative errno (reported
	 * through ERROR; the walk goes on).  May be NULL: keep every one.
	 * Called concurrently from the worker threads.
	 */
	int (*filter)(void *ctx, const struct walk_entry *e,
		      const struct hln_stat *st);
	/*
	 * PATH could not be read or handled (ERR a positive errno); called
	 * concurrently.  May be NULL.
	 */
	void (*error)(void *ctx, const char *path, int err);
	void *ctx; /* for FILTER and ERROR */
};

/*
 * Collect the names under the directory ROOT (walked with O; O->progress
 * counts the names kept as "found") into G, asking W (may be NULL) about
 * each.  Returns walk_tree's value: 0 walked to the end, 1 stopped by the
 * filter, or -errno when ROOT itself could not be walked (then nothing was
 * added).  Running out of memory below the root is reported through
 * W->error as ENOMEM for the name that could not be kept.
 */
int groups_walk(struct groups *g, const char *root, const struct walk_opts *o,
		const struct groups_walk *w);

/*
 * For a walk of one's own: call from its dir_enter with the same D and
 * DATA (what the walker passes on to entry() and to the subdirectories'
 * parent_data; the directory must not hand DATA to anything else).
 * Records the directory.  Returns 0, or -ENOMEM.
 */
int groups_dir_enter(struct groups *g, const struct walk_dir *d, void **data);

/*
 * For a walk of one's own: add the entry E, whose stat is ST, if G keeps
 * such a file (see enum groups_flags; never a directory).  E->dirdata must
 * be what groups_dir_enter set.  Thread-safe across different E->worker.
 * Returns 0 added, 1 not kept, or -ENOMEM.
 */
int groups_add(struct groups *g, const struct walk_entry *e,
	       const struct hln_stat *st);

/*
 * For records of one's own (dedupe keeps its own, by size): a copy of
 * NAME in the arena of G's part for WORKER (as walk_entry.worker), freed
 * with G.  Thread-safe across different WORKER.  Returns the copy, or
 * NULL when out of memory.
 */
const char *groups_keep(struct groups *g, int worker, const char *name);

/*
 * Append to R (one worker's, WORKER as walk_entry.worker) the name NAME in
 * the directory DIR of the file whose stat is ST, op 0: NAME is kept in
 * G's arena (groups_keep) unless DIR is NULL, when the caller keeps it.
 * groups_add's records, and dedupe's own.  Thread-safe across different
 * WORKER.  Returns the record, or NULL when out of memory.
 */
struct groups_rec *groups_rec_add(struct groups *g, int worker,
				  struct groups_recs *r, const struct gdir *dir,
				  const char *name, const struct hln_stat *st);

/*
 * The full path of the name NAME in the directory DIR (what
 * groups_dir_enter set as *DATA), built in *BUF of *CAP bytes as
 * groups_path builds it.  Returns *BUF, or NULL when out of memory.
 */
const char *groups_dir_path(const void *dir, const char *name, char **buf,
			    size_t *cap);

/* ---- reading ---- */

/*
 * End the collection: merge what every worker collected, group the names
 * by (dev, ino), drop a name collected twice, keep the groups with at
 * least MIN_NAMES names (at least 1) and free the others; sort the names
 * of each group bytewise and the groups by their first name.  After it
 * nothing can be added.  Returns the number of groups, or -ENOMEM (G is
 * then left with no groups).
 */
long groups_sort(struct groups *g, size_t min_names);

/* The number of groups after groups_sort (0 before). */
size_t groups_count(const struct groups *g);

/*
 * Group I (< groups_count(G)) in the sorted order, filled in *BUF (the
 * groups are kept as small as their names allow, and made on demand).
 * Returns BUF.
 */
const struct name_group *groups_at(const struct groups *g, size_t i,
				   struct name_group *buf);

/*
 * The full path of name K (< GR->names) of group GR, as the walk saw it
 * (from the root as given), built in *BUF of *CAP bytes (malloc'd, grown
 * as needed; *BUF may be NULL with *CAP 0 at first, and is the caller's to
 * free).  Returns *BUF, or NULL when out of memory.
 */
const char *groups_path(const struct groups *g, const struct name_group *gr,
			size_t k, char **buf, size_t *cap);

/* ---- visiting the names, to change them (break -r) ---- */

struct groups_visit {
	/*
	 * The name NAME in the open directory DIR; PATH is the whole path,
	 * as groups_path gives it.  DIR stays open for the names after it.
	 */
	void (*name)(void *ctx, struct hln_dir *dir, const char *name,
		     const char *path);
	/*
	 * The directory of PATH could not be opened again (ERR a positive
	 * errno), or, PATH NULL, memory ran out for the path.
	 */
	void (*error)(void *ctx, const char *path, int err);
	void *ctx; /* for NAME and ERROR */
};

/*
 * Pass the names of G (after groups_sort) to V->name: group by group in
 * their order, each group's names in theirs, except the first name of a
 * group whose every name was collected (as many as its nlink): that one
 * keeps the file.  Each name is reached again from the root, of the N
 * ROOTS, that it was collected under (the longest its path starts with; a
 * NULL root is none), one directory at a time (walk_parent_open: no path
 * length limit, no symlink followed).  Stops before the next name once a
 * signal is pending (hln_signal_pending).
 */
void groups_visit(const struct groups *g, int n, char *const *roots,
		  const struct groups_visit *v);

/* ---- operands ---- */

/*
 * Whether operand I of the N PATHS (with their stats STS; OK[j] says
 * whether STS[j] holds one) lies inside the tree of another directory
 * operand, so that walking it too would see its names twice.  Of
 * identical operands the first is walked.  Returns 1 or 0.
 */
int groups_covered(int n, char *const *paths, const struct hln_stat *sts,
		   const int *ok, int i);

#endif
