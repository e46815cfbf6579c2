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

/* ---- several files ---- */

/*
 * The absolute, resolved path of PATH into *REAL (malloc'd): with FOLLOW
 * what a symbolic link points to, without it the link itself (its
 * directory resolved, its own name kept).  Returns 0 or -errno.
 */
int names_resolve(const char *path, int follow, char **real);

/*
 * The default root of a search for the names of REAL (names_resolve's
 * path): the mount point of its filesystem (of the link's directory
 * without FOLLOW), into *ROOT (malloc'd).  Returns 0 or -errno.
 */
int names_default_root(const char *real, int follow, char **root);

/*
 * Start on F, the file PATH names (F->st its stat; FOLLOW as for
 * names_resolve), to be searched for from the top of its filesystem: that
 * root (names_default_root) into *ROOT (malloc'd), and F's names at once
 * where no scan is needed: its only name when it has one link, else the
 * filesystem's answer when it has one (names_fast), else all of them
 * where they are all in the directory of PATH (read alone, before any
 * scan).  Returns 0, or -errno
 * (then *ROOT is NULL).
 */
int names_start(struct names_file *f, const char *path, int follow,
		char **root);

/*
 * Find the names of the N FILES, FILES[i] under ROOTS[i]: one scan per
 * distinct root, for every file that shares it (the complete ones are not
 * looked for).  O as for names_scan_run (O->progress, when given, counts
 * each scan from zero).  Directories that cannot be read go to
 * ERROR(CTX, ...), a root that cannot be walked to FAILED(CTX, root,
 * positive errno); the other roots are still scanned.  Returns 0, or
 * -ENOMEM (nothing scanned).
 */
int names_find(struct names_file *const *files, char *const *roots, size_t n,
	       const struct walk_opts *o,
	       void (*error)(void *ctx, const char *path, int err),
	       void (*failed)(void *ctx, const char *root, int err), void *ctx);

#endif
