/*
 * hln/inotab.h - a hash map keyed by file identity (dev, ino).
 * Not thread-safe: callers that share one lock it.
 */
#ifndef HLN_INOTAB_H
#define HLN_INOTAB_H

#include <stddef.h>
#include <stdint.h>

struct inotab_entry {
	uint64_t dev, ino;
	uint64_t nlink;  /* the file's link count */
	uint64_t size;   /* the file's size */
	uint64_t names;  /* names of it seen so far */
	void *data;      /* the caller's */
	int used;
};

struct inotab {
	struct inotab_entry *slots;
	size_t cap;   /* a power of two, or 0 */
	size_t count; /* entries in use */
};

/* An empty table (no memory taken until the first insert). */
void inotab_init(struct inotab *t);

/*
 * The entry for (DEV, INO), inserted zeroed (but for dev and ino) if it
 * was not there; *ISNEW says which.  Returns NULL when out of memory.
 * The pointer is valid until the next insert.
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

/* Free the table's memory (not the entries' data). */
void inotab_free(struct inotab *t);

#endif
