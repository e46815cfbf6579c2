/*
 * inotab.c - open-addressing hash map keyed by (dev, ino); see
 * hln/inotab.h.  Linear probing, kept at most 3/4 full; an empty slot is
 * one whose key is all ones, so an entry needs no flag of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hln/inotab.h"

#define EMPTY UINT64_MAX

static size_t hash(uint64_t dev, uint64_t ino)
{
	/* splitmix64 finalizer: inode numbers are sequential, spread them */
	uint64_t x = ino ^ (dev * 0x9e3779b97f4a7c15u);
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9u;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebu;
	x ^= x >> 31;
	return (size_t)x;
}

static int is_empty(const struct inotab_entry *e)
{
	return e->dev == EMPTY && e->ino == EMPTY;
}

void inotab_init(struct inotab *t) { memset(t, 0, sizeof *t); }

static struct inotab_entry *probe(struct inotab_entry *slots, size_t cap,
				  uint64_t dev, uint64_t ino)
{
	size_t i = hash(dev, ino) & (cap - 1);
	while (!is_empty(&slots[i]) &&
	       (slots[i].dev != dev || slots[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct inotab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct inotab_entry *slots = reallocarray(NULL, cap, sizeof *slots);
	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, cap * sizeof *slots);
	for (size_t i = 0; i < t->cap; i++)
		if (!is_empty(&t->slots[i]))
			*probe(slots, cap, t->slots[i].dev, t->slots[i].ino) =
				t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

struct inotab_entry *inotab_get(struct inotab *t, uint64_t dev, uint64_t ino,
				int *isnew)
{
	if (dev == EMPTY && ino == EMPTY)
		return NULL;
	if ((t->count + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return NULL;
	struct inotab_entry *e = probe(t->slots, t->cap, dev, ino);
	*isnew = is_empty(e);
	if (*isnew) {
		memset(e, 0, sizeof *e);
		e->dev = dev;
		e->ino = ino;
		t->count++;
	}
	return e;
}

struct inotab_entry *inotab_find(const struct inotab *t, uint64_t dev,
				 uint64_t ino)
{
	if (!t->cap || (dev == EMPTY && ino == EMPTY))
		return NULL;
	struct inotab_entry *e = probe(t->slots, t->cap, dev, ino);
	return is_empty(e) ? NULL : e;
}

struct inotab_entry *inotab_next(const struct inotab *t, size_t *pos)
{
	while (*pos < t->cap) {
		struct inotab_entry *e = &t->slots[(*pos)++];
		if (!is_empty(e))
			return e;
	}
	return NULL;
}

void inotab_free(struct inotab *t)
{
	free(t->slots);
	memset(t, 0, sizeof *t);
}
