/*
 * hln/names.h - every name of a file (list FILE): the scan of a tree
 * that compares the inode number of each directory entry (getdents64
 * d_ino) before any stat and stats only the candidates, stopping as soon
 * as every file wanted has all its nlink names; and the fast paths where
 * the filesystem answers itself (Btrfs INO_PATHS, Windows
 * FindFirstFileNameW), whose answer is checked the same way.
 */
#ifndef HLN_NAMES_H
#define HLN_NAMES_H

#include <stddef.h>

#include "hln/platform.h"
#include "hln/walk.h"

/* A file whose names are wanted, and what was found of them. */
struct names_file {
	struct hln_stat st; /* the file: its dev, ino and nlink */
	char **names; /* paths naming it, malloc'd */
	size_t n, cap;
	int complete; /* n >= st.nlink: every name was found */
};

/*
 * Add NAME (copied) to F's names; F is complete once it has st.nlink.
 * Returns 0 or -ENOMEM.
 */
int names_add(struct names_file *f, const char *name);

/* Sort F's names bytewise. */
void names_sort(struct names_file *f);

/* Free F's names (F itself is the caller's); F is left with none. */
void names_clear(struct names_file *f);

/*
 * Ask the filesystem for the names of F, the file that the absolute,
 * resolved path REAL names (hln_file_names).  Each name is checked (same
 * dev and ino) before it is kept.  Returns 1 when the answer was complete
 * and F now holds it, or 0 when there is none or it fell short (F is then
 * left with no names, for a scan to find them).
 */
int names_fast(struct names_file *f, const char *real);

/* One scan: the files wanted under one root. */
struct names_scan;

/* An empty scan.  Returns it, or NULL when out of memory. */
struct names_scan *names_scan_new(void);

/* Free S (not the files it was given).  S may be NULL. */
void names_scan_free(struct names_scan *s);

/*
 * Look for F's names in the next names_scan_run (F must stay valid until
 * then; a complete F is not looked for).  Returns 0 or -ENOMEM.
 */
int names_scan_want(struct names_scan *s, struct names_file *f);

/*
 * Walk ROOT with O (on ROOT's mount only: O->same_mount is implied; a
 * file bind-mounted onto a name is not a name of it) and add every name
 * of the wanted files found to them, as paths from ROOT as given; stop
 * when every one is complete.  O->progress counts the names found.
 * Directories that cannot be read go to ERROR(CTX, path, positive errno)
 * (may be NULL), from any worker thread.  Returns 0 when walked to the
 * end or every file was complete, or -errno when ROOT could not be
 * walked.
 */
int names_scan_run(struct names_scan *s, const char *root,
		   const struct walk_opts *o,
		   void (*error)(void *ctx, const char *path, int err),
		   void *ctx);

#endif
