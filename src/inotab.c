/*
 * inotab.c - open-addressing hash map keyed by (dev, ino); see
 * hln/inotab.h.  Linear probing, kept at most half full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hln/inotab.h"

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

void inotab_init(struct inotab *t) { memset(t, 0, sizeof *t); }

static struct inotab_entry *probe(struct inotab_entry *slots, size_t cap,
				  uint64_t dev, uint64_t ino)
{
	size_t i = hash(dev, ino) & (cap - 1);
	while (slots[i].used && (slots[i].dev != dev || slots[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct inotab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct inotab_entry *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].used)
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
	if ((t->count + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	struct inotab_entry *e = probe(t->slots, t->cap, dev, ino);
	*isnew = !e->used;
	if (!e->used) {
		memset(e, 0, sizeof *e);
		e->dev = dev;
		e->ino = ino;
		e->used = 1;
		t->count++;
	}
	return e;
}

struct inotab_entry *inotab_find(const struct inotab *t, uint64_t dev,
				 uint64_t ino)
{
	if (!t->cap)
		return NULL;
	struct inotab_entry *e = probe(t->slots, t->cap, dev, ino);
	return e->used ? e : NULL;
}

struct inotab_entry *inotab_next(const struct inotab *t, size_t *pos)
{
	while (*pos < t->cap) {
		struct inotab_entry *e = &t->slots[(*pos)++];
		if (e->used)
			return e;
	}
	return NULL;
}

void inotab_free(struct inotab *t)
{
	free(t->slots);
	memset(t, 0, sizeof *t);
}
