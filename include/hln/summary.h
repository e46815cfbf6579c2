/*
 * hln/summary.h - what a set of trees really costs on disk (count -r):
 * names, distinct files, hard-linked files, what deleting the trees would
 * free.  Every inode is counted once across everything added, by (dev,
 * ino); memory grows with the multiply-linked inodes only.
 */
#ifndef HLN_SUMMARY_H
#define HLN_SUMMARY_H

#include <stdint.h>

#include "hln/platform.h"
#include "hln/walk.h"

/* The summary of SPEC's count -r; the JSON keys are these words. */
struct tree_summary {
	uint64_t names; /* names of non-directory files seen */
	uint64_t files; /* distinct inodes among them */
	struct {
		uint64_t inodes; /* inodes with more than one link */
		uint64_t names; /* their names seen */
	} linked;
	uint64_t outside; /* linked inodes with names outside (nlink > seen) */
	uint64_t apparent; /* sizes summed over names */
	uint64_t used; /* sizes summed over distinct inodes (du) */
	uint64_t saved; /* apparent - used */
	uint64_t freed; /* sizes of the inodes whose every name was seen */
};

struct summary;

/* An empty summary.  Returns it, or NULL when out of memory. */
struct summary *summary_new(void);

/* Free S.  S may be NULL. */
void summary_free(struct summary *s);

/*
 * Count one name of the file with stat ST, from walker worker WORKER
 * (below WALK_MAX_THREADS; different workers may call at once).  Returns
 * 0, 1 when ST is a directory (never counted as a file: a name swapped
 * for a directory after the walk read it), or -ENOMEM.
 */
int summary_add(struct summary *s, int worker, const struct hln_stat *st);

/*
 * Count every non-directory name under the directory ROOT, walked with O
 * (O->progress counts the names of linked files as "found").  Stops early
 * when a signal caught by hln_signals_catch is pending.  Errors below
 * ROOT go to ERROR(CTX, path, positive errno) (may be NULL), from any
 * worker thread.  Returns walk_tree's value: 0, 1 (stopped by a signal),
 * or -errno when ROOT itself could not be walked.
 */
int summary_walk(struct summary *s, const char *root, const struct walk_opts *o,
		 void (*error)(void *ctx, const char *path, int err),
		 void *ctx);

/* The figures of everything counted so far, into *OUT. */
void summary_result(const struct summary *s, struct tree_summary *out);

#endif
