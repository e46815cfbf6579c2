/*
 * hln/inotab.h - a hash map keyed by file identity (dev, ino).
 * Not thread-safe: callers that share one lock it.
 */
#ifndef HLN_INOTAB_H
#define HLN_INOTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * 32 bytes: the table holds one per multiply-linked inode of a tree.  The
 * value is what its user keeps of the file: count -r's tally (summary.c)
 * or create -r --reflink's copy (linktree.c).
 */
struct inotab_entry {
	uint64_t dev, ino;
	union {
		struct {
			uint64_t size; /* the file's size */
			uint32_t nlink; /* the file's link count */
			uint32_t names; /* names of it seen so far */
		};
		struct {
			char *copy; /* the path of its copy (malloc'd) */
			int state; /* how far the copy is */
		};
	};
};

struct inotab {
	struct inotab_entry *slots;
	size_t cap; /* a power of two, or 0 */
	size_t count; /* entries in use */
};

/* An empty table (no memory taken until the first insert). */
void inotab_init(struct inotab *t);

/*
 * The entry for (DEV, INO), inserted zeroed (but for dev and ino) if it
 * was not there; *ISNEW says which.  Returns NULL when out of memory, or
 * for the one key the table cannot hold, (UINT64_MAX, UINT64_MAX), which
 * marks its empty slots.  The pointer is valid until the next insert.
 */
struct inotab_entry *inotab_get(struct inotab *t, uint64_t dev, uint64_t ino,
				int *isnew);

/* The entry for (DEV, INO), or NULL if absent. */
struct inotab_entry *inotab_find(const struct inotab *t, uint64_t dev,
				 uint64_t ino);

/*
 * Iterate: call with *POS = 0 first.  Returns the next entry in use, or
 * NULL at the end.
 */
struct inotab_entry *inotab_next(const struct inotab *t, size_t *pos);

/* Free the table's memory. */
void inotab_free(struct inotab *t);

#endif
