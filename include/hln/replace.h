/*
 * hln/replace.h - atomic replacement of a name: the new file is made
 * under a random ".hln-" name in the same directory and renamed over the
 * name, so that at every instant the name holds the old file or the new
 * one; the temporary name is removed on every error path.
 */
#ifndef HLN_REPLACE_H
#define HLN_REPLACE_H

#include <stddef.h>

/*
 * Put a fresh temporary name for the directory of NAME in BUF:
 * "DIR/.hln-XXXXXXXXXX" (DIR as in NAME; none if NAME has no slash).
 * Returns 0, or -ENAMETOOLONG if BUF is too small.
 */
int replace_tmpname(const char *name, char *buf, size_t size);

/*
 * Make NAME a hard link to TARGET, replacing what NAME held atomically
 * (link TARGET to a temporary name, rename it over NAME).  FLAGS may hold
 * HLN_FOLLOW to link what a symlink TARGET points to.
 * Returns 0, or the -errno of the step that failed; then NAME is as it was
 * and no temporary name is left.
 */
int replace_with_link(const char *target, const char *name, int flags);

#endif
